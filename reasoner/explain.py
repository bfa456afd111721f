"""Decode the solver's atoms into a Result: reasons, duties, risks, the residual condition of a
DEPENDS answer and the causes behind each cited rule.

The rules decide and carry the message templates (rules.lp); this module looks up what each atom
names (license, clause, rule, condition node, artifact) and fills the templates' slots. The
response schema is in reasoner/response.py, the English in reasoner/phrases.py."""

from __future__ import annotations

from collections import defaultdict
from itertools import product
from operator import attrgetter

from clingo import Symbol, SymbolType

from . import schema
from .lineage import via as _via
from .compile import CompiledLicense
from .licenses import Act, Compare, Condition, Flag, Member, Not, StartsWith, Stated
from .phrases import (
    NEGATED, act_words, fill, is_date, leaf_words, render_condition, render_rule_condition, render_value,
    residual_words, restricted_values, restricted_words, when_words,
)
from .response import applicable as _applicable, decider as _decider, leaf as _leaf, obligation as _obligation
from .response import reason as _reason
from .response import (  # noqa: F401  (the schema is re-exported for callers of this module)
    SCHEMA_VERSION, STATUS_ORDER, Applicable, Cause, Decider, Information, Leaf, Note, Obligation, Reason, Result, Risk,
)
from .vocabulary import DUTIES, IMPLIED_VALUES, RELICENSE_MODES, RISKS


def _field(fact: str) -> str:
    """The name deciders give a fact: what to state (schema.py's request spelling)."""
    declared = schema.FACTS.get(fact)
    return declared.response_name if declared else fact

# A residual condition expands into at most this many AND-groups (licenses write small conditions;
# this only bounds a pathological one).
MAX_GROUPS = 256


def decider_of(cond: Condition, positive: bool) -> tuple[str, str, object] | None:
    """(fact, op, value) such that `fact op value` makes the rule end in "forbidden"."""
    if isinstance(cond, Compare):
        value = int(cond.value)
        shown = render_value(cond.fact, value) if is_date(cond.fact) else value
        op = cond.op if positive else NEGATED[cond.op]
        return _field(cond.fact), op, shown
    if isinstance(cond, Member):
        single = len(cond.values) == 1
        op = ("=" if single else "in")
        value = cond.values[0] if single else list(cond.values)
        return _field(cond.fact), op if positive else NEGATED[op], value
    if isinstance(cond, Flag):
        return _field(cond.fact), "=", positive
    if isinstance(cond, StartsWith):
        op = "starts with"
        return cond.fact, op if positive else NEGATED[op], cond.prefix
    return None


def _as_stated(scene, fact: str | None, value: str) -> str:
    """A caught value as the message shows it: `value`, or, when the request did not state it but
    a word that implies it (vocabulary.IMPLIED_VALUES), that word: "`fraud` (an
    `illegal-activity`)", so the answer quotes what was stated."""
    declared = schema.FACTS.get(fact) if fact else None
    implied = IMPLIED_VALUES.get(declared.vocabulary) if declared is not None else None
    stated = (getattr(getattr(scene, "use", None), declared.field, None) or ()) if implied else ()
    by = [word for word in stated if value in implied.get(word, ())] if value not in stated else []
    return f"{', '.join(f'`{word}`' for word in by)} (an `{value}`)" if by else f"`{value}`"


def explain(atoms: list[Symbol], licenses: dict[str, CompiledLicense], subject: str,
            unknown: dict, parents: dict[str, list[str]], ids: list[str], base: int = 0,
            scene=None) -> Result:
    """Turn one question's atoms into a Result. The solver numbered the question's artifacts
    from `base` in the order of `ids`. With the `scene` (solve.Scene) asked about, the causes
    quote the facts as stated."""

    def art(symbol: Symbol) -> str:
        return ids[symbol.number - base]

    def _ctx(symbol: Symbol) -> tuple[str, str, str | None]:
        act, artifact, target = symbol.arguments
        return act.name, art(artifact), (None if target.type == SymbolType.Function else art(target))

    by_name: dict[str, list[Symbol]] = defaultdict(list)
    for atom in atoms:
        by_name[atom.name].append(atom)
    status = by_name["status"][0].arguments[0].name
    result = Result(status=status, subject=subject)

    def version(lid: str) -> str:
        return licenses[lid].license.version

    def title(lid: str, number: str | None) -> str:
        return _title(licenses[lid], number) if number else ""

    def rule_of(lid: str, rid: Symbol):
        return licenses[lid].rules[rid.number][1]


    caught = defaultdict(list)  # the stated values a use restriction caught
    for atom in by_name["restricted"]:
        L, _, R, K, V = atom.arguments
        caught[(L.string, R.number, str(K))].append(V.string)

    reasons: set[Reason] = set()
    broken_causes = []   # the stated values that broke a duty (`broken by`), for the causes
    # A NO that holds only if the user generated the outputs they train on (rules.lp outputs_open):
    # not a reason but an open condition, `generated_outputs` and-ed to the rest.
    licensee_open = {(atom.arguments[0].string, str(atom.arguments[1])) for atom in by_name["outputs_open"]}
    licensee_nos: list[tuple[str, str | None, str]] = []
    for atom in by_name["reason"]:
        L, C, R, K, kind, template = atom.arguments
        lid, number = L.string, C.string
        if (lid, str(K)) in licensee_open:
            licensee_nos.append((lid, number, kind.name))
            continue
        act, artifact, target = _ctx(K)
        lic, rule = licenses[lid].license, rule_of(lid, R)
        slots = {
            "doing": act_words(act, artifact, target), "when": _words(licenses[lid], R.number).when, "artifact": artifact,
            "licensor": lic.licensor or "the licensor",
            # The response names the request field; the CLI adds its flag (render.GRANT_FIELD).
            "grant": lic.licensor_id or f"{lic.id}:{artifact}",
            "prefix": dict(rule.params).get("prefix", ""), "fact": rule.restricted_fact or rule.broken_fact,
            "values": ", ".join(_as_stated(scene, rule.restricted_fact, v)
                                for v in sorted(caught.get((lid, R.number, str(K)), []))),
            "duty": _duty(rule)[2] if rule.kind == "duty" else "",
        }
        if kind.name == "violated_duty" and rule.broken_fact:
            stated = sorted(caught.get((lid, R.number, str(K)), []))
            broken_causes.append(Cause(lid, number, "violated_duty", act, artifact, tuple(
                (f"{rule.broken_fact} in {{{', '.join(rule.broken_values)}}}", True, f"{rule.broken_fact} = {value}")
                for value in stated)))
        reasons.add(_reason(license=lid, version=lic.version, clause=number, title=title(lid, number),
                            kind=kind.name, message=fill(template.string, slots), artifact=artifact, act=act))
    for atom in by_name["refused"] + by_name["reserved"]:
        L, K, template = atom.arguments[0], atom.arguments[-2], atom.arguments[-1]
        number = atom.arguments[1].string if atom.name == "refused" else None
        lid = L.string
        if (lid, str(K)) in licensee_open:
            licensee_nos.append((lid, number, "not_granted"))
            continue
        act, artifact, target = _ctx(K)
        slots = {"license_name": licenses[lid].license.name, "doing": act_words(act, artifact, target),
                 "clause": number}
        reasons.add(_reason(license=lid, version=version(lid), clause=number, title=title(lid, number),
                            kind="not_granted", message=fill(template.string, slots), artifact=artifact, act=act))
    for atom in by_name["conflict"]:
        A, L1, C1, L2, C2, kind, template = atom.arguments
        lid1, lid2, c1, c2 = L1.string, L2.string, C1.string, C2.string
        slots = {"license": lid1, "clause": c1, "license2": lid2, "clause2": c2}
        if kind.name == "name_prefix":
            slots |= {"prefix": _prefix(licenses[lid1], c1), "prefix2": _prefix(licenses[lid2], c2)}
        message = fill(template.string, slots)
        for lid, number in ((lid1, c1), (lid2, c2)):   # a conflict cites both clauses
            reasons.add(_reason(license=lid, version=version(lid), clause=number, title=title(lid, number),
                                kind="conflict", message=message, artifact=art(A)))
    for atom in by_name["relicense_conflict"]:
        A, L, C, O, mode, template = atom.arguments
        lid, number = L.string, C.string
        slots = {"license": lid, "clause": number, "outbound": O.string, "mode": RELICENSE_MODES.get(mode.name, "")}
        reasons.add(_reason(license=lid, version=version(lid), clause=number, title=title(lid, number),
                            kind="conflict", message=fill(template.string, slots), artifact=art(A)))
    for atom in by_name["unknown_terms"]:
        A, I, template = atom.arguments
        artifact, lid = art(A), I.string
        for known, why in unknown.get(artifact, ()):
            if known == lid:
                reasons.add(_reason(license=lid, version="", clause=None, title="", kind="unknown_license",
                                    message=fill(template.string, {"artifact": artifact, "why": why}),
                                    artifact=artifact))
    result.reasons = sorted(reasons, key=lambda r: (r.kind, r.license, r.clause or "", r.artifact or "",
                                                    r.act or "", r.message))

    contexts = {str(atom.arguments[3]): _ctx(atom.arguments[3]) for atom in by_name["pending"] + by_name["grant_open"]}
    cut: list = []
    try:
        result.residual = _residual(by_name, licenses, contexts, several=len(ids) > 1, cut=cut,
                                    licensee_open=licensee_open, licensee_nos=licensee_nos)
    except RecursionError:   # a chain of hundreds of `or`s: the verdict stands, its residual is not listed
        result.residual, cut = [], [True]
    either_way = _forbidden_either_way(result.residual) if status == "depends" else None
    if either_way:
        # Every value of one unstated fact ends forbidden (qwen-research: not granted when not
        # commercial, a separate license needed when commercial): NO, whatever is stated (review 28).
        field, covering = either_way
        ways = residual_words(covering)
        for group in covering:
            leaf = group[0]
            reasons.add(_reason(license=leaf.license, version=version(leaf.license), clause=leaf.clause,
                                title=leaf.title, kind=leaf.kind, artifact=leaf.artifact,
                                message=f"{' and '.join(x.text for x in group)} → {leaf.kind.replace('_', ' ')}; "
                                        f"`{field}` is not stated, and each value of it ends forbidden: "
                                        f"{ways.removeprefix('forbidden ')}"))
        result.status = status = "forbidden"
        result.reasons = sorted(reasons, key=lambda r: (r.kind, r.license, r.clause or "", r.artifact or "",
                                                        r.act or "", r.message))
        result.residual, cut = [], []
    if cut:   # falsifying every listed group would not settle the answer: say so
        result.notes.append(Note("residual_incomplete",
                                 f"the condition is too large to list in full (at most {MAX_GROUPS} of its ways to "
                                 f"end forbidden are listed): state the facts it names to settle it"))
    result.depends_on = [_decider(leaf_fact, op, list(value) if isinstance(value, tuple) else value,
                                  leaf.license, leaf.clause, "forbidden", leaf.kind, group)
                         for group, leaves in enumerate(result.residual, 1)
                         for leaf in leaves
                         for leaf_fact, op, value in [(leaf.fact, leaf.op, leaf.value)]]

    acts: dict = {}   # keyed by the artifact's number: the same artifact as its id
    for atom in by_name["owed_act"]:
        L, _, R, A, X = atom.arguments
        key = (L.string, R.number, A.number)
        known = acts.get(key)
        if known is None:
            acts[key] = {X.name}
        else:
            known.add(X.name)
    obligations = []
    add = obligations.append
    memos: dict = {}   # license id -> (its CompiledLicense, its `_derived` memo), for this answer
    for atom in by_name["owed"]:
        L, C, R, A, certainty, template = atom.arguments
        lid, rid, text, number = L.string, R.number, template.string, A.number
        memo = memos.get(lid)
        if memo is None:
            compiled = licenses[lid]
            memo = memos[lid] = (compiled, _derived(compiled))
        known = memo[1].get((rid, text))
        if known is None:
            known = _words(memo[0], rid).owed(text)
        version_, duty, params, lists, message = known
        if params:   # a copy the answer owns (the lists in it too)
            params = params.copy()
            for key in lists:
                params[key] = list(params[key])
        else:
            params = {}
        owed_acts = acts.get((lid, rid, number))
        if owed_acts:
            owed_acts = tuple(owed_acts) if len(owed_acts) == 1 else tuple(sorted(owed_acts))
        # (explain's values are checked: strings, a fresh dict, a tuple of names, a bool)
        add(_obligation(lid, version_, C.string, duty, params, message, ids[number - base], owed_acts or (),
                        certainty.name == "maybe"))
    result.obligations = sorted(obligations, key=_OBLIGATION_ORDER)

    result.information = _information(by_name, licenses, art, _ctx)

    # A risk of a license's own (risk_at, risk_osi, risk_ambiguous) names no artifact: the same
    # Risk (frozen, strings only) serves every answer citing it (`_license_risk`). Kept by their
    # fields, as a set of Risks would keep them.
    risks: dict[tuple, Risk] = {}
    for atom in by_name["risk_at"]:
        L, C, R, template = atom.arguments
        fields, risk = _license_risk(licenses, L.string, "risk_at", C.string, R.number, template.string)
        risks.setdefault(fields, risk)
    for atom in by_name["risk_osi"]:
        L, template = atom.arguments
        fields, risk = _license_risk(licenses, L.string, "not_osi", None, None, template.string)
        risks.setdefault(fields, risk)
    for atom in by_name["risk_ambiguous"]:
        L, C, template = atom.arguments
        fields, risk = _license_risk(licenses, L.string, "ambiguous", C.string, None, template.string)
        risks.setdefault(fields, risk)
    for atom in by_name["risk_relabelled"]:
        A, L, template = atom.arguments
        artifact, lid = art(A), L.string
        risk = Risk(lid, None, "relabelled", fill(template.string, {"artifact": artifact, "license": lid}), artifact)
        risks.setdefault((risk.license, risk.clause, risk.risk, risk.message, risk.artifact), risk)
    risks = risks.values()
    result.risks = sorted(risks, key=lambda r: (r.license, r.clause or "", r.risk, r.artifact or "", r.message))

    result.grants = sorted(
        ({"license": a.arguments[0].string, "clause": a.arguments[1].string, "act": act, "artifact": artifact}
         for a in by_name["granted_by"] for act, artifact, _ in (_ctx(a.arguments[3]),)),
        key=lambda g: (g["license"], g["clause"], g["artifact"], g["act"]))
    # Grants that hold jointly: each covers some values of an unstated fact, together all of them.
    jointly = defaultdict(set)   # (license, clause, act, artifact) -> the unstated facts split
    for a in by_name["granted_jointly"]:
        act, artifact, _ = _ctx(a.arguments[3])
        jointly[(a.arguments[0].string, a.arguments[1].string, act, artifact)].add(_split_fact(a.arguments[4]))
    result.grants += [{"license": lid, "clause": number, "act": act, "artifact": artifact, "jointly_over": sorted(facts)}
                      for (lid, number, act, artifact), facts in sorted(jointly.items())]
    result.causes = _causes(by_name, licenses, _ctx, scene)
    result.causes.extend(broken_causes)
    for atom in by_name["broken_name"]:   # the stated name is what breaks a naming duty
        L, C, _, K, P, S = atom.arguments
        act, artifact, _ = _ctx(K)
        result.causes.append(Cause(L.string, C.string, "violated_duty", act, artifact,
                                   ((f"name does not start with \"{P.string}\"", False, f"the stated name is \"{S.string}\""),)))
    for atom in by_name["relicense_conflict"]:   # the stated outbound license is what clashes
        A, L, C, O, mode, _ = atom.arguments
        result.causes.append(Cause(L.string, C.string, "conflict", None, art(A),
                                   ((f"relicense {mode.name}", True, f"outbound_license = {O.string}"),)))
    merged: dict[tuple, set] = defaultdict(set)   # one entry per cited rule application
    for cause in result.causes:
        merged[(cause.license, cause.clause, cause.kind, cause.act, cause.artifact)] |= set(cause.facts)
    result.causes = sorted((Cause(*key, tuple(sorted(facts))) for key, facts in merged.items()),
                           key=lambda c: (c.license, c.clause, c.kind, c.artifact, c.act or "", c.facts))
    result.causes += _unfired(by_name, licenses, _ctx, scene)

    bound = {(ids[a.arguments[0].number - base], a.arguments[1].string) for a in by_name["bound"]}
    applies = {(ids[a.arguments[0].number - base], a.arguments[1].string) for a in by_name["applies"]}
    # (artifact, license, parent) -> the first relation by name of the edges carrying the license
    # there: one entry per edge, not a list of pairs per artifact (-16 MiB at the peak of a
    # 100,000-deep lineage, whose every model has one).
    carried: dict = {}
    for atom in by_name["carried"]:
        A, P, R, L = atom.arguments
        key, relation = (ids[A.number - base], L.string, ids[P.number - base]), R.name
        known = carried.get(key)
        if known is None or relation < known:
            carried[key] = relation
    # Report the licenses of the subject and of the models its creation acts on: a lineage of
    # 10,000 of the user's own models must not list each with its whole path (quadratic).
    # `via` walks up to the model each license starts from.
    acted = {subject} | {artifact for _, artifact, target in (_ctx(a.arguments[0]) for a in by_name["acting"])
                         if target == subject}
    # Licensor's own releases: where a license starts at one, the terms it replaced.
    released = defaultdict(set)   # artifact -> {(publisher, license replaced, how)}
    bound_at = None
    for atom in by_name["relicensed"]:
        A, L, S, how, template = atom.arguments
        artifact, replaced, publisher = art(A), L.string, S.string
        released[artifact].add((publisher, replaced, how.string))
        if bound_at is None:   # the licenses bound at each artifact, indexed once (not a scan per note)
            bound_at = defaultdict(list)
            for a, lid in bound:
                bound_at[a].append(lid)
        # The release's own terms as the question chose them: a license that starts at it and also
        # reaches it from a parent (an MIT release trained on an MIT dataset) has a `via`, so
        # filtering the bound licenses by `via` left the note saying "under :" (review of s5).
        own = scene.licenses.get(artifact) if scene is not None else None
        terms = sorted(own) if own else sorted(
            lid for lid in bound_at.get(artifact, ()) if not _via(artifact, lid, applies, parents))
        result.notes.append(Note("relicensed_by_licensor", fill(template.string, {
            "artifact": artifact, "publisher": publisher, "license": replaced, "terms": " AND ".join(terms)})))
    applicable = []   # (its sort key, the Applicable): the keys differ, as the (artifact, license) pairs do
    for a, lid in applies:
        if a not in acted:
            continue
        via = ()
        for parent in parents.get(a, ()):   # `_via` walks up only when a parent carries the license
            if (parent, lid) in applies:
                via = _via(a, lid, applies, parents)
                break
        if via:
            edges = tuple((child, carried.get((child, lid, parent), "derived"), parent)
                          for child, parent in zip((a,) + via, via))
            starts = released.get(via[-1])
        else:
            edges, starts = (), released.get(a)
        applicable.append((a != subject, a, lid, _applicable(a, lid, via, "full" if (a, lid) in bound else "clauses",
                                                             edges, tuple(sorted(starts)) if starts else ())))
    applicable.sort()
    result.applicable = [entry[3] for entry in applicable]
    return result


def _information(by_name: dict, licenses: dict, art, _ctx) -> list[Information]:
    """What the licenses explain (`inform`), the exceptions one clause makes to another, and the
    riders a relicensing would have to carry: dsl2.lp's atoms, each with its template filled."""

    def cited(lid: str, number: str) -> str:
        clause = licenses[lid].license.clause(number)
        return f"§{number} {clause.title}" if clause else f"§{number}"

    explained: dict[tuple, tuple[bool, str]] = {}   # one entry per rule and artifact, sure if any is
    extra: list[Information] = []
    for atom in by_name["information"]:
        L, C, R, K, certainty, template = atom.arguments
        key = (L.string, C.string, R.number, _ctx(K)[1])
        sure = certainty.name == "sure"
        if key not in explained or (sure and not explained[key][0]):
            explained[key] = (sure, template.string)
    for atom in by_name["excepted"]:
        artifact, (lid, number, excepting, other, template) = art(atom.arguments[0]), (a.string for a in atom.arguments[1:])
        slots = {"excepting": cited(lid, excepting), "clause": number, "other": other}
        extra.append(Information(lid, licenses[lid].license.version, excepting, fill(template, slots), artifact))
    for atom in by_name["rider"]:
        artifact, (lid, number, rider, outbound, template) = art(atom.arguments[0]), (a.string for a in atom.arguments[1:])
        slots = {"clause": number, "outbound": outbound, "rider": cited(lid, rider)}
        extra.append(Information(lid, licenses[lid].license.version, number, fill(template, slots), artifact))
    for (lid, number, rid, artifact), (sure, template) in explained.items():
        words = _words(licenses[lid], rid)
        message = fill(template, {"message": words.rule.message, "condition": words.condition})
        extra.append(Information(lid, licenses[lid].license.version, number, message, artifact, not sure))
    return sorted(extra, key=lambda i: (i.license, i.clause, i.artifact, i.message))


def _licensee_leaf(licenses: dict, lid: str, number: str | None, kind: str) -> Leaf:
    """The open `outputs_licensee` leaf (stated as `generated_outputs`) of a license with no
    outputs-as-data rules, whose NO on training with its model's outputs binds only the licensee
    who generated them (rules.lp outputs_open)."""
    cond = Flag("outputs_licensee")
    fact, op, value = decider_of(cond, True)
    clause = licenses[lid].license.clause(number) if number else None
    return Leaf(fact, op, value, lid, number, kind, leaf_words(cond, True), None, "outputs_licensee", None,
                clause.title if clause else "")


def _residual(by_name: dict, licenses: dict, contexts: dict | None = None,
              several: bool = False, cut: list | None = None, licensee_open: set | None = None,
              licensee_nos: list | None = None) -> list[tuple[Leaf, ...]]:
    """The residual condition of every pending rule as AND-groups (forbidden if any group holds),
    the same group asked in several contexts (host, distribute) listed once. `contexts` gives
    each context's (act, artifact, target), so that a leaf about a model names that model; with
    `several` artifacts in the question its words name it too ("the model" would not say which)."""
    if not (by_name.get("pending") or by_name.get("grant_open") or licensee_nos):   # nothing open: no group
        return []
    contexts = contexts or {}

    def about(K: str, name: str | None) -> str | None:
        declared = schema.FACTS.get(name or "")
        act_artifact_target = contexts.get(K)
        if declared is None or act_artifact_target is None or declared.about == schema.USE:
            return None
        return act_artifact_target[2] if declared.about == schema.TARGET else act_artifact_target[1]

    polarity = {}
    for atom in by_name["residual"]:
        L, R, N, K, P = atom.arguments
        polarity[(L.string, R.number, N.number, str(K))] = P.name
    combine, children = {}, defaultdict(list)
    for atom in by_name["residual_all"] + by_name["residual_any"]:
        L, R, N, K = atom.arguments
        combine[(L.string, R.number, N.number, str(K))] = atom.name
    for atom in by_name["residual_child"]:
        L, R, N, M, K = atom.arguments
        children[(L.string, R.number, N.number, str(K))].append(M.number)

    def expand(lid: str, number: str, rid: int, K: str, kind: str, node: int,
               exception: tuple[str, str] | None = None) -> list[tuple[Leaf, ...]]:
        """The AND-groups of one open node of rule `rid` in context K (forbidden if any holds)."""
        compiled = licenses[lid]
        node_key = (lid, rid, node, K)
        label = compiled.labels.get(node)
        if label and (exception is None or exception[0] != label):
            exception = (label, polarity.get(node_key, "pos"))
        how = combine.get(node_key)
        if how is None and not children[node_key]:
            positive = polarity.get(node_key, "pos") == "pos"
            memo = _derived(compiled)
            part = memo.get(("leaf", number, node, positive, exception), _ABSENT)
            if part is _ABSENT:
                part = memo[("leaf", number, node, positive, exception)] = _leaf_part(compiled, number, node, positive,
                                                                                      exception)
            if part is None:
                return [()]
            fact, op, value, text, tests, title = part
            artifact = about(K, tests)
            if artifact and several and not text.startswith("target."):   # target.* says which already
                text = (f"`{artifact}`{text[len('the model'):]}" if text.startswith("the model ")
                        else f"{text} (of `{artifact}`)")
            return [(_leaf(fact, op, value, lid, number, kind, text, exception[0] if exception else None,
                           tests, artifact, title),)]
        parts = [expand(lid, number, rid, K, kind, child, exception) for child in sorted(children[node_key])]
        return _any(parts, cut) if how == "residual_any" else _all(parts, cut)

    alternatives = []   # each a list of AND-groups; forbidden if any group of any holds
    withheld = defaultdict(list)   # (license, context) -> the open grants, which must all fail
    try:
        for atom in by_name["pending"]:
            L, C, R, K, kind, N = atom.arguments
            groups = expand(L.string, C.string, R.number, str(K), kind.name, N.number)
            if licensee_open and (L.string, str(K)) in licensee_open:   # and generated_outputs
                groups = [group + (_licensee_leaf(licenses, L.string, C.string, kind.name),) for group in groups]
            alternatives.append(groups)
        for lid, number, kind in licensee_nos or ():   # a NO only if generated_outputs
            alternatives.append([(_licensee_leaf(licenses, lid, number, kind),)])
        for atom in by_name["grant_open"]:
            L, C, R, K, N = atom.arguments
            groups = expand(L.string, C.string, R.number, str(K), "not_granted", N.number)
            if licensee_open and (L.string, str(K)) in licensee_open:   # and generated_outputs
                groups = [group + (_licensee_leaf(licenses, L.string, C.string, "not_granted"),) for group in groups]
            withheld[(L.string, str(K))].append(groups)
    finally:
        # `expand` calls itself through its closure: a cycle (function, cell) holding every table
        # above, which only the cyclic collector would free, once per answer.
        expand = None
    alternatives += [_all(parts, cut) for _, parts in sorted(withheld.items())]
    groups: set[tuple[Leaf, ...]] = set()
    for alternative in alternatives:
        for group in alternative:
            if group and not _contradictory(group):
                groups.add(tuple(sorted(set(group), key=_leaf_order)))
    return sorted(groups, key=lambda g: [_leaf_order(leaf) for leaf in g])


_COMPARE = {">": lambda x, v: x > v, ">=": lambda x, v: x >= v, "<": lambda x, v: x < v, "<=": lambda x, v: x <= v,
            "=": lambda x, v: x == v, "!=": lambda x, v: x != v,
            "in": lambda x, v: x in v, "not in": lambda x, v: x not in v}
_OTHER = object()   # a word no leaf names: the rest of an open or closed vocabulary


def _forbidden_either_way(groups: list) -> tuple[str, list] | None:
    """(the fact, the groups) when the AND-groups that test one unstated fact alone end forbidden
    for every value it can take: a flag both ways, a number on every side of the thresholds, a
    single word whether it is a named one or another. Each group alone ends forbidden (_residual),
    so their union covering every value is a NO. Sound, not complete: facts of several values at
    once (purposes, territories) and dates are not split, nor two facts together; those stay
    DEPENDS."""
    by_fact = defaultdict(list)
    for group in groups:
        keys = {(leaf.fact, leaf.artifact) for leaf in group}
        declared = schema.FACTS.get(group[0].tests or "")
        if len(keys) != 1 or declared is None or declared.many or any(leaf.op not in _COMPARE for leaf in group):
            continue
        if declared.type in (schema.FLAG, schema.COUNT, schema.MONEY):
            by_fact[next(iter(keys))].append((declared.type, group))
        elif declared.type in (schema.STRING, schema.TAGS):   # one word (a role, an entity)
            by_fact[next(iter(keys))].append((schema.STRING, group))
    for (field, _artifact), typed in sorted(by_fact.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        kind = typed[0][0]
        if kind == schema.FLAG:
            values = [True, False]
        elif kind == schema.STRING:
            named = {v for _, group in typed for leaf in group
                     for v in (leaf.value if isinstance(leaf.value, tuple) else (leaf.value,))}
            values = sorted(named, key=str) + [_OTHER]
        else:
            cuts = {leaf.value for _, group in typed for leaf in group}
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in cuts):
                continue
            values = sorted({x for v in cuts for x in (v - 1, v, v + 1)})
        covering = []
        for value in values:
            holding = [group for _, group in typed
                       if all(_COMPARE[leaf.op](value, leaf.value) for leaf in group)]
            if not holding:
                break
            covering += [group for group in holding[:1] if group not in covering]
        else:
            return field, covering
    return None


def _leaf_part(compiled: CompiledLicense, number: str, node: int, positive: bool,
               exception: tuple[str, str] | None) -> tuple | None:
    """What a leaf of the residual condition says that only its license decides: (fact, op,
    value, words, the fact as the license names it, the clause's title); None for a leaf no
    fact decides. The artifact it is about is the question's (`_residual`)."""
    cond = compiled.conditions[node]
    decided = decider_of(cond, positive)
    if decided is None:
        return None
    fact, op, value = decided
    text = leaf_words(cond, positive)
    if exception:   # an exception that must fail (pos) or hold (neg) for "forbidden"
        text += f" (not {exception[0]})" if exception[1] == "pos" else f" ({exception[0]})"
    value = tuple(value) if isinstance(value, list) else value
    clause = compiled.license.clause(number)
    return fact, op, value, text, getattr(cond, "fact", None), clause.title if clause else ""


_ABSENT = object()


def _title(compiled: CompiledLicense, number: str) -> str:
    """The title of a clause of a license ("" for a clause it does not have), looked up once per
    license (`_derived`): License.clause scans the clauses."""
    memo = _derived(compiled)
    known = memo.get(("title", number))
    if known is None:
        clause = compiled.license.clause(number)
        known = memo[("title", number)] = clause.title if clause else ""
    return known


def _node_words(compiled: CompiledLicense, node: int, positive: bool) -> str:
    """`leaf_words` of a condition node of a license, worked out once per license (`_derived`)."""
    memo = _derived(compiled)
    known = memo.get(("words", node, positive))
    if known is None:
        known = memo[("words", node, positive)] = leaf_words(compiled.conditions[node], positive)
    return known


def _license_risk(licenses: dict, lid: str, kind: str, number: str | None, rid: int | None,
                  template: str) -> tuple[tuple, Risk]:
    """(its fields, the Risk) of a risk atom of license `lid` that names no artifact: `risk_at`
    (a rule's risk), `not_osi` or `ambiguous`; made once per license (`_derived`)."""
    compiled = licenses[lid]
    memo = _derived(compiled)
    key = ("risk", lid, kind, number, rid, template)
    known = memo.get(key)
    if known is None:
        if kind == "risk_at":
            words = _words(compiled, rid)
            risk = Risk(lid, number, words.rule.risk, words.risk_message(template))
        elif kind == "not_osi":
            risk = Risk(lid, None, "not_osi", fill(template, {"license_name": compiled.license.name}))
        else:
            risk = Risk(lid, number, "ambiguous", fill(template, {"ambiguity": compiled.license.clause(number).ambiguous}))
        known = memo[key] = ((risk.license, risk.clause, risk.risk, risk.message, risk.artifact), risk)
    return known


def _any(parts: list, cut: list | None = None) -> list:
    """OR of parts; more than MAX_GROUPS groups are cut, and `cut` records that."""
    groups = [group for part in parts for group in part]
    if len(groups) > MAX_GROUPS and cut is not None:
        cut.append(True)
    return groups[:MAX_GROUPS]


def _combinations(parts: list) -> int:
    """How many combinations `product(*parts)` makes (math.prod, without importing math: ~0.2 ms
    of a cold start)."""
    count = 1
    for part in parts:
        count *= len(part)
    return count


def _all(parts: list, cut: list | None = None) -> list:
    """AND of parts (every combination of one group from each); cut at MAX_GROUPS like `_any`."""
    if cut is not None and _combinations(parts) > MAX_GROUPS:
        cut.append(True)
    out = []
    for combination in product(*parts):
        out.append(tuple(leaf for group in combination for leaf in group))
        if len(out) >= MAX_GROUPS:
            break
    return out


def _contradictory(group: tuple[Leaf, ...]) -> bool:
    """A group that asks one fact to be both ways (`commercial` and `not commercial`) can never
    hold, so it is no way to end forbidden."""
    tests = {(leaf.fact, leaf.op, str(leaf.value)) for leaf in group}
    flip = {"True": "False", "False": "True"}
    return any((fact, NEGATED[op], value) in tests or (op == "=" and (fact, op, flip.get(value)) in tests)
               for fact, op, value in tests)


def _leaf_order(leaf: Leaf) -> tuple:
    # The fields after `kind` only break ties (the same test on two models of a lineage): without
    # them such groups came out in set order, which changes with the process's string hashing.
    return (leaf.license, leaf.clause, leaf.fact, leaf.op, str(leaf.value), leaf.kind,
            leaf.artifact or "", leaf.text, leaf.exception or "", leaf.tests or "", leaf.title)


def _causes(by_name: dict, licenses: dict, _ctx, scene) -> list[Cause]:
    """For each rule that fired, granted or was denied: the leaves of its condition that settled
    it, each with the stated fact it met."""
    if not by_name.get("cause"):   # no rule settled by a stated fact
        return []
    kinds = {}
    for atom in by_name["reason"]:
        L, _, R, K, kind, _ = atom.arguments
        kinds[(L.string, R.number, str(K))] = kind.name
    for atom in by_name["granted_by"]:
        L, _, R, K = atom.arguments
        kinds[(L.string, R.number, str(K))] = "granted"
    # Rules that did not fire or are still open are explained apart (_unfired).
    unfired = {(a.arguments[0].string, a.arguments[2].number, str(a.arguments[3]))
               for a in by_name["not_fired"] + by_name["settled"]}
    leaves = defaultdict(set)
    for atom in by_name["cause"]:
        L, C, R, K, _, M, V = atom.arguments
        if (L.string, R.number, str(K)) in unfired:
            continue
        leaves[(L.string, C.string, R.number, K)].add((M.number, V.name == "true"))
    causes = []
    by_id = _artifacts_by_id(scene) if leaves else None
    for (lid, number, rid, K), settled in leaves.items():
        act, artifact, target = _ctx(K)
        compiled = licenses[lid]
        facts = []
        for node, holds in sorted(settled):
            cond = compiled.conditions[node]
            text = _node_words(compiled, node, holds)
            if compiled.labels.get(node):
                text += f" (tested by the exception \"{compiled.labels[node]}\")"
            facts.append((text, holds, _stated(cond, holds, act, artifact, target, scene, by_id)))
        kind = kinds.get((lid, rid, str(K)), "not_granted")
        causes.append(Cause(lid, number, kind, act, artifact, tuple(sorted(set(facts)))))
    return causes


def _unfired(by_name: dict, licenses: dict, _ctx, scene) -> list[Cause]:
    """For each rule that would have made the answer NO but whose condition the stated facts
    settled as false (not_fired), and each part of a pending rule's condition they settled
    (settled): the leaves that settled it, with what was stated, in the template's sentence."""
    if not (by_name.get("not_fired") or by_name.get("settled")):   # nothing to explain here
        return []
    leaves = defaultdict(set)   # (license, rule, context, root) -> {(node, came out true)}
    for atom in by_name["cause"]:
        L, _, R, K, P, M, V = atom.arguments
        leaves[(L.string, R.number, str(K), P.number)].add((M.number, V.name == "true"))
    findings = [(atom.arguments[:4], atom.arguments[4].number, False, "not_fired", atom.arguments[5])
                for atom in by_name["not_fired"]]
    findings += [(atom.arguments[:4], atom.arguments[4].number, atom.arguments[5].name == "true",
                  "already_met" if atom.arguments[6].name == "met" else "ruled_out", atom.arguments[7])
                 for atom in by_name["settled"]]
    causes = []
    by_id = _artifacts_by_id(scene) if findings else None
    for (L, C, R, K), root, came_out, kind, template in findings:
        lid, number = L.string, C.string
        act, artifact, target = _ctx(K)
        compiled = licenses[lid]
        met = kind == "already_met"
        facts, words = [], []
        for node, holds in sorted(leaves.get((lid, R.number, str(K), root), ())):
            cond = compiled.conditions[node]
            stated = _stated(cond, holds, act, artifact, target, scene, by_id)
            # As the rule needed the leaf: a leaf of a part already met holds as needed; every
            # other leaf cited here came out against what the rule needed.
            text = _node_words(compiled, node, holds if met else not holds) + (" holds" if met else " fails")
            if isinstance(cond, Stated):   # what the question said, not a test that failed
                text = _node_words(compiled, node, holds)
            label = compiled.labels.get(node)
            if label and met:
                text += f" (tested by the exception \"{label}\")"
            elif label:   # what came out is the exception's test: say so rather than "… fails"
                text = f"{_node_words(compiled, node, holds)}, under the exception \"{label}\""
            facts.append((_node_words(compiled, node, holds), holds, stated))
            words.append(text + (f" ({stated})" if stated else ""))
        # The part as "forbidden" needs it: as it came out when met, the other way when ruled out.
        part = None if kind == "not_fired" else _as_needed(compiled.conditions[root], came_out == met)
        slots = {"license": lid, "clause": number, "part": part, "leaves": "; ".join(dict.fromkeys(words))}
        causes.append(Cause(lid, number, kind, act, artifact, tuple(sorted(set(facts))),
                            fill(template.string, slots), part))
    return sorted(causes, key=lambda c: (c.license, c.clause, c.kind, c.artifact, c.act or "", c.message))


def _as_needed(cond: Condition, positive: bool) -> str:
    """A part of a condition as it must come out, without a double negation."""
    if not positive and isinstance(cond, Not):
        return leaf_words(cond.operand, True)
    return leaf_words(cond, positive)


def _artifacts_by_id(scene) -> dict | None:
    """The scene's artifacts by id, made once per list of causes (not once per leaf: a lineage of
    the user's own models has a cause per edge, and each would index the whole lineage again)."""
    return None if scene is None else {a.id: a for a in scene.artifacts}


def _stated(cond: Condition, holds: bool, act: str, artifact: str, target: str | None, scene,
            artifacts: dict | None = None) -> str:
    """What the question said about the fact a leaf tests, in words (`artifacts`: the scene's
    artifacts by id, `_artifacts_by_id`)."""
    if isinstance(cond, Act):
        return f"the act is {act}"
    fact = cond.fact
    if fact == "derived":
        return f"`{artifact}` {'derives' if holds else 'does not derive'} from material under this license"
    if fact == "trained":
        return f"`{artifact}` {'is' if holds else 'is not'} trained on material under this license"
    if fact == "dataset":
        return f"`{artifact}` is {'a dataset' if holds else 'a model, not a dataset'}"
    if fact == "made_available":
        return (f"the act is {act}" + ("" if act != "host" else
                                       (", for others" if holds else ", for your organisation only (hosting = internal)")))
    if fact == "licensor_release":
        return f"`{artifact}` {'is' if holds else 'is not'} a release of the licensor itself"
    if fact == "outputs_only":
        return (f"`{artifact}` holds {'only outputs of a model' if holds else 'material published'} under this "
                "license")
    if fact == "target.derived":
        if target is None:
            return "the act creates no model"
        return (f"`{target}` {'is' if holds else 'is not'} made from a model under this license by fine-tune, "
                "adapter, merge or quantization")
    if scene is None:
        return ""
    if artifacts is None:
        artifacts = _artifacts_by_id(scene)
    if fact in ("multimodal", "modality"):
        modalities = artifacts[artifact].modalities or ()
        return f"`{artifact}` has modalities {', '.join(modalities) or 'none'}"
    if fact in ("family", "target.family"):
        whose = artifact if fact == "family" else target
        if whose is None:
            return "the act creates no model"
        return f"`{whose}` is of family {artifacts[whose].family or 'unstated'}"
    if fact in ("name", "target.name"):
        whose = artifact if fact == "name" else target
        if whose is None:
            return "the act creates no model"
        return f"`{whose}` is named \"{scene.attribute(artifacts[whose], 'name')}\""
    declared = schema.FACTS.get(fact)
    if declared and declared.artifact_field and not declared.field:   # any other fact about an artifact
        whose = target if declared.about == schema.TARGET else artifact
        if whose is None:
            return "the act creates no model"
        value = scene.attribute(artifacts[whose], declared.artifact_field)
        value = ", ".join(value) if isinstance(value, tuple) else value
        return f"`{whose}` has {declared.artifact_field} {value or 'unstated'}"
    value = getattr(scene.use, declared.attr, None) if declared and declared.field else None
    if isinstance(value, bool):
        return f"{fact} = {str(value).lower()}"
    if isinstance(value, int):
        return f"{fact} = {render_value(fact, value)}"
    if isinstance(value, tuple):
        return f"{fact} = {', '.join(value) or 'none'}"
    return f"{fact} = {value}" if value is not None else ""


def _split_fact(split: Symbol) -> str:
    """The request field a joint-coverage split is over (`flag(commercial)`, `mem(purpose, research)`)."""
    fact = split.arguments[0]
    name = fact.string if fact.type == SymbolType.String else fact.name
    return _field(name)


def _prefix(compiled: CompiledLicense, number: str) -> str:
    for clause, rule in compiled.rules.values():
        if clause.number == number and rule.duty == "name_prefix":
            return dict(rule.params)["prefix"]
    return ""


class _RuleWords:
    """What explain fills into every answer that cites one rule of a loaded license: its condition
    rendered, its duty's words, and its messages per template. Pure functions of the knowledge
    base, worked out once per rule (`_words`) instead of once per atom of every answer."""
    __slots__ = ("compiled", "rule_id", "rule", "version", "_condition", "_messages")

    def __init__(self, compiled: CompiledLicense, rule_id: int):
        self.compiled, self.rule_id = compiled, rule_id
        self.rule, self.version = compiled.rules[rule_id][1], compiled.license.version
        self._condition: str | None = None
        self._messages: dict = {}

    @property
    def condition(self) -> str:
        """The rule's condition rendered (phrases.render_rule_condition), when first asked for."""
        if self._condition is None:
            self._condition = render_rule_condition(self.rule)
        return self._condition

    @property
    def when(self) -> str:
        return when_words(self.condition)

    def owed(self, template: str) -> tuple[str, str, dict, tuple, str]:
        """(license version, duty, params, the params holding lists, message) of an `owed` atom
        with this template (params to be copied, the lists in them too: explain's owed loop)."""
        known = self._messages.get(("owed", template))
        if known is None:
            rule = self.rule
            duty, params, words = _duty(rule)
            values = list(rule.restricted_values)
            slots = {"duty": words, "condition": self.condition, "fact": rule.restricted_fact,
                     "restricted": restricted_words(rule.restricted_fact),
                     "count": len(values), "values": restricted_values(values)}
            lists = tuple(key for key, value in params.items() if type(value) is list)
            known = self._messages[("owed", template)] = (self.version, duty, params, lists, fill(template, slots))
            _derived(self.compiled)[(self.rule_id, template)] = known   # explain's loop looks here first
        return known

    def risk_message(self, template: str) -> str:
        known = self._messages.get(("risk", template))
        if known is None:
            rule = self.rule
            known = self._messages[("risk", template)] = fill(template, {"risk": rule.message or RISKS[rule.risk]})
        return known


_RULE_WORDS: dict[tuple[int, int], tuple] = {}   # (id of a CompiledLicense, rule id) -> (it, _RuleWords)
_DERIVED: dict[int, tuple] = {}   # id of a CompiledLicense -> (it, its memo: see _derived)


def _derived(compiled: CompiledLicense) -> dict:
    """What explain worked out from one loaded license alone, kept for every answer that cites it:
    an `owed` atom's (version, duty, params, params holding lists, message) by (rule id,
    template), and a residual leaf's `_leaf_part` by ("leaf", clause, node, polarity,
    exception). Keyed by the license object (identity-checked), so a license replaced in the
    knowledge base is worked out again; nothing of a question is kept here."""
    known = _DERIVED.get(id(compiled))
    if known is not None and known[0] is compiled:
        return known[1]
    if len(_DERIVED) >= 4096:   # many knowledge bases loaded and dropped (tests): start over
        _DERIVED.clear()
    memo: dict = {}
    _DERIVED[id(compiled)] = (compiled, memo)
    return memo


def _words(compiled: CompiledLicense, rid: int) -> _RuleWords:
    key = (id(compiled), rid)
    known = _RULE_WORDS.get(key)
    if known is not None and known[0] is compiled:   # the same license object, not one reusing its id
        return known[1]
    words = _RuleWords(compiled, rid)
    if len(_RULE_WORDS) >= 65_536:   # many knowledge bases loaded and dropped (tests): start over
        _RULE_WORDS.clear()
    _RULE_WORDS[key] = (compiled, words)
    return words


_OBLIGATION_ORDER = attrgetter("license", "clause", "duty", "artifact", "message")


def _duty(rule) -> tuple[str, dict, str]:
    """The duty's name, parameters and words (from the duty vocabulary)."""
    if rule.kind == "restrict":
        return "use_restrictions", {"fact": rule.restricted_fact, "values": list(rule.restricted_values)}, ""
    params = dict(rule.params)
    template = DUTIES[rule.duty][1]
    try:
        words = template.format(**params)
    except KeyError:
        words = template
    return rule.duty, params, words


__all__ = ["decider_of", "explain", "render_condition", "Result", "Note", "STATUS_ORDER"]
