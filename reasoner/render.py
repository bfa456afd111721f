"""The human answer: the text `can-i VERB …` prints, built from a Result with no command-line
library, so that both entry points print it (reasoner/fast.py without typer, click or rich;
reasoner/cli.py for everything else) and give the same bytes (tests/test_cold.py).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from . import patterns
from .errors import one_line

# click.style's codes for the colours used here (tests/test_cold.py checks they are click's).
_COLORS = {"red": 31, "green": 32, "yellow": 33}
_RESET = "\033[0m"


def tolerant_stdout() -> None:
    """Let standard output take any text: where its encoding cannot write a character an answer
    holds (`—` under PYTHONIOENCODING=latin-1), the character is written as an escape (`\\u2014`),
    not raised as a traceback. For the `can-i` process only, never an embedder's stream."""
    stream = sys.stdout
    if getattr(stream, "errors", None) == "strict" and callable(getattr(stream, "reconfigure", None)):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (ValueError, OSError):   # detached or closed: nothing will be written to it
            pass


def color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def style(text: str, fg: Optional[str] = None, bold: Optional[bool] = None) -> str:
    """`text` as click.style(text, fg=..., bold=...) writes it, on a terminal that takes colour;
    else as it is."""
    if not color():
        return text
    codes = ([f"\033[{_COLORS[fg]}m"] if fg is not None else []) + ([f"\033[{1 if bold else 22}m"] if bold is not None else [])
    return "".join(codes) + text + _RESET


VERDICT = {
    "permitted": ("YES", "green"), "forbidden": ("NO", "red"),
    "depends": ("DEPENDS", "yellow"), "unknown": ("UNKNOWN", "yellow"),
}


def version_text(version: str) -> str:
    """A version in parentheses, its own parentheses flattened: `2.0 (January 2004)` is shown as
    `(2.0, January 2004)`, not `(2.0 (January 2004))`."""
    flat = version.replace(" (", ", ").replace("(", "").replace(")", "").strip()
    return f" ({flat})" if flat else ""


def cite(license_id: str, version: str, clause: str | None, title: str = "") -> str:
    parts = [license_id + version_text(version)]
    if clause:
        parts.append(f"§{clause}")
    if title:
        parts.append(title)
    return " ".join(parts)


# Response messages name the request field (`use.grants`), since embedders send requests; on the
# command line the option that states it is added.
GRANT_FIELD = patterns.compile(r"list `(?P<id>[^`]+)` in `use\.grants`")


def obligation_lines(result) -> list[str]:
    """One line per duty: the same duty (license, clause, text) owed for several artifacts, say a
    base model and the fine-tune made from it, is one thing to do."""
    grouped: dict = {}
    for o in result.obligations:
        grouped.setdefault((o.license, o.clause, o.message), []).append(o.artifact)
    lines = []
    for (license_id, clause, message), artifacts in grouped.items():
        line = f"  [ ] {message}  — {license_id} §{clause}"
        if result.subject not in artifacts:
            line += " (for " + ", ".join(f"`{a}`" for a in dict.fromkeys(artifacts)) + ")"
        lines.append(line)
    return lines


def reason_lines(heading: str, reasons, kinds: bool = True) -> list[str]:
    """A blank line, the heading, and per reason its citation (with its kind) and its message."""
    lines = ["", heading]
    for r in reasons:
        kind = f" [{r.kind.replace('_', ' ')}]" if kinds else ""
        lines += [f"  ✗ {cite(r.license, r.version, r.clause, r.title)}{kind}", f"    {r.message}"]
    return lines


def render(result, act_words: str, explain: bool = False, names: Optional[dict] = None,
           with_flags: bool = False) -> str:
    """The human answer. `names` maps ids the CLI made up (the model a verb creates) to what the
    user calls it; `with_flags` (a question asked with a verb) adds the verb option beside a
    request field a message names."""
    from .phrases import edge_words, residual_words
    word, color = VERDICT[result.status]
    lines = [f" — {act_words}"]
    # How the question was read (a card as received, what a grant covered) comes first: it can
    # change everything below it.
    for note in result.notes:
        lines.append(f"  note: {note.message}")
    conflicts = [r for r in result.reasons if r.kind == "conflict"]
    others = [r for r in result.reasons if r.kind != "conflict"]
    if others:
        lines += reason_lines("Why:" if result.status == "forbidden" else "Reasons:", others)
    if conflicts:
        lines += reason_lines("Conflicts:", conflicts, kinds=False)
    if result.residual:
        # The residual condition as the rules left it: AND inside a line, OR across lines.
        lines.append("")
        lines.append("It depends on: " + residual_words(result.residual))
        for group in result.residual:
            cited = dict.fromkeys(f"{leaf.kind.replace('_', ' ')}, {leaf.license} §{leaf.clause}"
                                  + (f" {leaf.title}" if leaf.title else "") for leaf in group)
            lines.append(f"  ? {' and '.join(leaf.text for leaf in group)} → forbidden ({'; '.join(cited)})")
    if result.obligations:
        lines.append("")
        lines.append("You must:")
        lines += obligation_lines(result)
    information = getattr(result, "information", [])
    if information:
        lines.append("")
        lines.append("Good to know:")
        for i in information:
            lines.append(f"  i {i.message}  — {i.license} §{i.clause}")
    if result.risks:
        lines.append("")
        lines.append("Risks:")
        for k in result.risks:
            where = f"{k.license} §{k.clause}" if k.clause else k.license
            lines.append(f"  ! {k.message}  — {where}")
    if result.remedies:
        lines.append("")
        lines.append("To make it YES:")
        for number, remedy in enumerate(result.remedies, 1):
            for position, change in enumerate(remedy.changes):
                by_license: dict = {}
                for lid, clause in change.cites:
                    by_license.setdefault(lid, []).append(f"§{clause}")
                cited = "; ".join(f"{lid} {', '.join(clauses)}" for lid, clauses in by_license.items())
                lead = f"  {number}. " if position == 0 else "     and "
                lines.append(f"{lead}{change.message}" + (f"  — {cited}" if cited else ""))
    if result.choice:
        lines.append("")
        lines.append("Chosen among alternatives: " + "; ".join(f"{a}: {' AND '.join(v)}" for a, v in result.choice.items()))
    if explain:
        lines.append("")
        lines.append("How this was decided:")
        for a in result.applicable:
            via = " ← ".join(a.via)
            scope = "all terms" if a.scope == "full" else "some clauses"
            lines.append(f"  · {a.license} applies to `{a.artifact}`" + (f" via {via}" if via else " (its own license)")
                         + f" [{scope}]")
            for step, (child, relation, parent) in enumerate(a.edges):
                after = a.edges[step + 1] if step + 1 < len(a.edges) else None
                if relation == "trained_on" and after is not None and after[1] == "distilled":
                    # rules.lp `synthetic`: the license follows distillation, not trained_on
                    lines.append(f"      `{child}` {edge_words(relation)} `{parent}`, the outputs of `{after[2]}`, "
                                 f"and {a.license}'s terms follow distillation")
                    continue
                lines.append(f"      `{child}` {edge_words(relation)} `{parent}`, and {a.license}'s terms follow that edge")
            for by, replaced, how in a.relicensed:
                lines.append(f"      {how} ({by}): {replaced} stops there")
        # Each cited rule with the stated facts that settled its condition.
        unfired = ("not_fired", "ruled_out", "already_met")
        causes = {(c.license, c.clause, c.act, c.artifact): c.facts for c in result.causes if c.kind not in unfired}

        def because(*key) -> list[str]:
            return [f"      {condition}" + (f" ({stated})" if stated else "") for condition, _, stated in causes.get(key, ())]
        for g in result.grants:
            jointly = g.get("jointly_over")
            lines.append(f"  · {g['license']} §{g['clause']} grants {g['act']} on `{g['artifact']}`"
                         + (f" (with the license's other grants, whatever {' and '.join(jointly)} is)" if jointly else ""))
            lines += because(g["license"], g["clause"], g["act"], g["artifact"])
        for r in result.reasons:
            lines.append(f"  · {r.license} §{r.clause or '-'} fires [{r.kind}] on {r.act or 'the stack'} of `{r.artifact}`")
            lines += because(r.license, r.clause, r.act, r.artifact)
        if not result.reasons and not result.depends_on:
            lines.append("  · no prohibition, threshold or conflict fires, and every act is granted")
        # The rules that could have made the answer NO, and what the stated facts settled of them
        # (one line for the same finding in several acts).
        lines += [f"  · {message}" for message in dict.fromkeys(c.message for c in result.causes if c.kind in unfired)]
    lines += profile_lines(result)
    # Ids, names and license strings come from requests, cards and license files: every line is
    # escaped so that no control character reaches the terminal or splits a line.
    for made_up, shown in (names or {}).items():
        lines = [line.replace(f"`{made_up}`", shown) for line in lines]
    if with_flags:
        lines = [GRANT_FIELD.sub(r"list `\g<id>` in `use.grants` (--grant \g<id>)", line) for line in lines]
    lines = [one_line(line) for line in lines]
    lines[0] = style(word, fg=color, bold=True) + lines[0]
    return "\n".join(lines)


POLICY_WORDS = {"allowed": "ALLOWED", "review": "REVIEW", "denied": "DENIED"}
POLICY_MARK = {"allow": "✓", "review": "?", "deny": "✗"}
POLICY_LIST_WORDS = {"allow": "allowed", "review": "sent to review", "deny": "denied"}


def profile_lines(result) -> list[str]:
    """Which facts a profile stated, and the license policy's verdict, apart from the legal one:
    each license that reaches the model, the list it is on, and the edges it comes along."""
    from .phrases import edge_words

    lines = []
    sources: dict = {}
    for key, source in getattr(result, "facts_from", {}).items():
        if source.startswith("profile "):
            sources.setdefault(source, []).append(key)
    for source, keys in sources.items():
        lines += ["", f"From your {source}: " + ", ".join(f"`{key}`" for key in keys)]
    policy = getattr(result, "policy", None)
    if policy is None:
        return lines
    legal = {"permitted": "the licenses permit it", "forbidden": "the licenses forbid it",
             "depends": "the licenses leave it open", "unknown": "the licenses cannot be judged"}[result.status]
    lines += ["", f"Policy: {POLICY_WORDS[policy.status]} ({legal}; this is your policy's verdict)"]
    for finding in policy.findings:
        line = f"  {POLICY_MARK[finding.list]} {finding.license}: {POLICY_LIST_WORDS[finding.list]}"
        if finding.via:
            line += " — its terms reach `" + finding.artifact + "` through: " + "; ".join(
                f"`{child}` {edge_words(relation)} `{parent}`" for child, relation, parent in finding.via)
        elif finding.artifact != result.subject:
            line += f" — on `{finding.artifact}`"
        lines.append(line)
    if not policy.findings:
        lines.append("  no license reaches the model")
    return lines


# The words of each verb's question in the answer's first line (`host `llama3``).
VERB_WORDS = {
    "use": "use", "host": "host", "distribute": "distribute", "finetune": "fine-tune", "adapt": "train an adapter on",
    "merge": "merge", "quantize": "quantize", "distill": "train a model on the outputs of", "train": "train on",
}


def verb_words(act: str, subject: str, then) -> str:
    """The question a verb asked, as the answer's first line says it: `fine-tune `llama3`, then
    distribute` (the acts after it as the request reader reads them: `--and Distribute` is
    `distribute`, each once)."""
    return f"{VERB_WORDS[act]} `{subject}`" + "".join(f", then {a}" for a in dict.fromkeys(a.strip().lower() for a in then))


def made_up_names(name: Optional[str]) -> dict:
    """What the answer calls the model a verb creates (subjects.DERIVED_ID, an id the user never
    wrote): `your model `NAME`` when `--name` gave one."""
    from .subjects import DERIVED_ID

    return {DERIVED_ID: f"your model `{name}`" if name else "your model"}


def _advice_lines(title: str, items) -> list[str]:
    return ["", title, *items] if items else []


def render_license_advice(advice, names: Optional[dict] = None) -> str:
    """The human answer of `license-for`."""
    from .phrases import edge_words

    word, color = VERDICT[advice.status]
    subject = advice.subject
    lines = [f" — a license for `{subject}`"]
    lines += [f"  note: {n.message}" for n in [*advice.answer.notes, *advice.notes]]
    rec = advice.recommended
    if rec is not None and rec.license is not None:
        lines += ["", "Declare in the model card:", f"  license: {rec.license}"]
        if rec.license_name:
            lines.append(f"  license_name: {rec.license_name}")
        if rec.license_link:
            lines.append(f"  license_link: {rec.license_link}")
        lines.append(f"  ({rec.why})")
    elif rec is not None:
        lines += ["", f"Declare: {rec.why}: " + ", ".join(advice.compatible)]
    elif advice.status == "unknown":
        lines += ["", "No declaration can be recommended: a license in the lineage is one can-i does not know."]
    else:
        lines += ["", "No declaration keeps you within every license: distributing it is not permitted as asked."]
    reasons = advice.answer.reasons
    if reasons:
        lines += reason_lines("Why:", reasons)
    if advice.answer.residual and advice.status != "unknown":
        from .phrases import residual_words
        lines += ["", "It depends on: " + residual_words(advice.answer.residual)]
        for group in advice.answer.residual:
            cited = dict.fromkeys(f"{leaf.kind.replace('_', ' ')}, {leaf.license} §{leaf.clause}" for leaf in group)
            lines.append(f"  ? {' and '.join(leaf.text for leaf in group)} → forbidden ({'; '.join(cited)})")
    if advice.inherited:
        lines += ["", "Terms that travel with it:"]
        for item in advice.inherited:
            scope = "all its terms" if item.scope == "full" else "only §" + ", §".join(item.clauses or ("(some clauses)",))
            lines.append(f"  · {item.license} ({item.name}): {scope}")
            for child, relation, parent in item.edges:
                lines.append(f"      `{child}` {edge_words(relation)} `{parent}`")
    lines += _advice_lines("The model card must state:", [
        f"  [ ] {o.message}  — {o.license} §{o.clause}" + (" (if its condition holds)" if o.conditional else "")
        for o in advice.duties])
    if rec is not None:
        lines += ["", "NOTICE:"] + [f"  | {line}" for line in rec.notice.rstrip("\n").split("\n")]
    lines += _advice_lines("Risks:", [f"  ! {k.message}  — {k.license}" + (f" §{k.clause}" if k.clause else "")
                                      for k in advice.answer.risks])
    if advice.proposed is not None:
        lines += ["", f"Your --as {advice.proposed.license}: {advice.proposed.verdict}"]
        lines += [f"  ✗ {r.license} §{r.clause}: {r.message}" for r in advice.proposed.reasons]
    compatible = [c for c in advice.outbound if c.verdict == "compatible"]
    others = [c for c in advice.outbound if c.verdict != "compatible"]
    lines += ["", f"Outbound licenses ({len(compatible)} of {len(advice.outbound)} compatible as the only license "
                  f"recipients get" + ("; none helps until the reasons above are resolved" if advice.answer.status ==
                                       "forbidden" else "") + "):"]
    if compatible:
        lines.append("  ✓ " + ", ".join(c.license for c in compatible))
    grouped: dict = {}   # one line per verdict and the clauses it cites: 57 licenses break one clause
    for check in others:
        cited = "; ".join(dict.fromkeys(f"{r.license} §{r.clause}" for r in check.reasons)) or \
            "; ".join(dict.fromkeys(f"{d.license} §{d.clause}" for d in check.depends_on))
        grouped.setdefault((check.verdict, cited), []).append(check.license)
    for (verdict, cited), licenses in grouped.items():
        lines.append(f"  ✗ {verdict}" + (f" {cited}" if cited else "") + f": {', '.join(licenses)}")
    # The profile's facts and its license policy on the licenses that reach the model, as every
    # question reports them: a policy that denies the inherited license is not advice to drop.
    lines += profile_lines(advice.answer)
    for made_up, shown in (names or {}).items():
        lines = [line.replace(f"`{made_up}`", shown) for line in lines]
    lines = [one_line(line) for line in lines]
    lines[0] = style(word, fg=color, bold=True) + lines[0]
    return "\n".join(lines)


def render_downstream(view, names: Optional[dict] = None) -> str:
    """The human answer of `downstream`."""
    from .advice import ROLE
    lines = [f"Recipients of `{view.subject}`" + (f", under {view.declared}" if view.declared else ", under no declared license")]
    inherited = [lid for lid in view.binding if lid != view.declared]
    inherited += [f"some clauses of {lid}" for lid in view.partly_binding]
    if inherited:
        lines[0] += " (and, inherited, " + ", ".join(inherited) + ")"
    lines += [f"  note: {n.message}" for n in view.notes]
    lines.append("")
    lines.append("What they may do:")
    for a in view.answers:
        word, _ = VERDICT[a.result.status]
        role = a.facts.get(ROLE)
        cited = "; ".join(dict.fromkeys(f"{r.license} §{r.clause}" for r in a.result.reasons))
        if not cited and a.result.residual:
            cited = "; ".join(dict.fromkeys(f"{leaf.license} §{leaf.clause}" for g in a.result.residual for leaf in g))
        lines.append(f"  {word:<8} {a.question}" + (f" (as {role})" if role else "") + (f" — {cited}" if cited else ""))
    lines += _advice_lines("Thresholds they must watch:", [
        f"  ? {t['condition']} → {t['then']} ({t['kind'].replace('_', ' ')}, {', '.join(t['clauses'])})"
        for t in view.thresholds])
    lines += _advice_lines("Restrictions that bind them:", [f"  - {o.message}  — {o.license} §{o.clause}"
                                                            for o in view.restrictions])
    lines += _advice_lines("When they pass it on, they must:", [
        f"  [ ] {o.message}  — {o.license} §{o.clause}" for o in view.passing_on])
    lines += _advice_lines("Risks:", [f"  ! {k.message}  — {k.license}" + (f" §{k.clause}" if k.clause else "")
                                      for k in view.risks])
    for made_up, shown in (names or {}).items():
        lines = [line.replace(f"`{made_up}`", shown) for line in lines]
    lines = [one_line(line) for line in lines]
    if view.status in ("unknown", "forbidden"):   # say so before anything else
        word, color = VERDICT[view.status]
        lines[0] = style(word, fg=color, bold=True) + " — " + lines[0]
    return "\n".join(lines)


def advice_text(advice, names: Optional[dict] = None, explain: bool = False) -> str:
    """The human answer of `license-for` or `downstream`; `explain` adds the answers it was read
    from, each with the chain from facts to verdict (license-for: distributing the model;
    downstream: each recipient question)."""
    from .response import LicenseAdvice

    if isinstance(advice, LicenseAdvice):
        text = render_license_advice(advice, names)
        if explain:
            text += "\n\nThe answer this is read from:\n" + render(advice.answer, f"distribute `{advice.subject}`", True,
                                                                    names)
        return text
    return render_downstream(advice, names) + "".join(
        "\n\n" + render(answer.result, f"a recipient asks: {answer.question}", True, names)
        for answer in (advice.answers if explain else ()))
