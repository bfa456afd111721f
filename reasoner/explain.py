"""Render the solver's atoms into a Result: reasons, duties, risks and deciders, each cited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from clingo import Symbol, SymbolType

from .compile import CompiledLicense
from .licenses import Act, All, Always, Any_, Compare, Condition, Flag, Member, Not, StartsWith
from .numbers import format_count
from .vocabulary import DUTIES, RELICENSE_MODES, RISKS

SCHEMA_VERSION = "1"
STATUS_ORDER = {"permitted": 0, "depends": 1, "unknown": 2, "forbidden": 3}

# Request field names for the facts conditions test, so deciders point at what to state.
FACT_FIELDS = {"revenue": "revenue_usd", "purpose": "purposes", "modality": "modalities",
               "multimodal": "modalities"}
NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "!=", "!=": "=", "in": "not in",
           "not in": "in", "starts with": "does not start with", "does not start with": "starts with"}


@dataclass(frozen=True)
class Reason:
    license: str
    version: str
    clause: str | None
    title: str
    kind: str
    message: str
    artifact: str | None = None
    act: str | None = None


@dataclass(frozen=True)
class Obligation:
    license: str
    version: str
    clause: str
    duty: str
    params: dict
    message: str
    artifact: str
    acts: tuple[str, ...] = ()
    conditional: bool = False


@dataclass(frozen=True)
class Information:
    """What a license explains about the question (`inform` in a license file): no duty, no
    reason; `conditional` when its condition turns on an unstated fact."""
    license: str
    version: str
    clause: str
    message: str
    artifact: str
    conditional: bool = False


@dataclass(frozen=True)
class Risk:
    license: str
    clause: str | None
    risk: str
    message: str
    artifact: str | None = None


@dataclass(frozen=True)
class Decider:
    fact: str
    op: str
    value: object
    license: str
    clause: str
    then: str
    kind: str


@dataclass(frozen=True)
class Applicable:
    artifact: str
    license: str
    via: tuple[str, ...]
    scope: str  # "full": every term; "clauses": only clauses that reach further


@dataclass(frozen=True)
class Note:
    """How the question was read, where another reading was possible (a card read as a model the
    user received, a catalog id used over a folder of the same name, a catalog license kept)."""
    code: str
    message: str


@dataclass
class Result:
    """The answer to one question; `to_json()` gives the versioned response document."""
    status: str
    subject: str
    reasons: list[Reason] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    depends_on: list[Decider] = field(default_factory=list)
    applicable: list[Applicable] = field(default_factory=list)
    grants: list[dict] = field(default_factory=list)
    choice: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    information: list[Information] = field(default_factory=list)

    def to_json(self) -> dict:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "status": self.status,
            "subject": self.subject,
            "reasons": [_clean(asdict(r)) for r in self.reasons],
            "obligations": [_clean(asdict(o)) for o in self.obligations],
            "risks": [_clean(asdict(r)) for r in self.risks],
            "depends_on": [asdict(d) for d in self.depends_on],
            "applicable": [asdict(a) for a in self.applicable],
            "grants": list(self.grants),
            "notes": [asdict(n) for n in self.notes],
            "information": [asdict(i) for i in self.information],
        }
        for item in doc["applicable"]:
            item["via"] = list(item["via"])
        for item in doc["obligations"]:
            item["acts"] = list(item["acts"])
        if self.choice:
            doc["choice"] = {k: list(v) for k, v in sorted(self.choice.items())}
        return doc


def _clean(item: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in item.items()}


# --- rendering conditions --------------------------------------------------------------------

def render_condition(cond: Condition) -> str:
    """A compact, exact rendering: `mau > 700,000,000 and not target.family = llama`."""
    if isinstance(cond, Always):
        return "always"
    if isinstance(cond, Act):
        return cond.act
    if isinstance(cond, Flag):
        return cond.fact
    if isinstance(cond, Compare):
        return f"{cond.fact} {cond.op} {_render_value(cond.fact, cond.value)}"
    if isinstance(cond, Member):
        if len(cond.values) == 1:
            return f"{cond.fact} = {cond.values[0]}"
        return f"{cond.fact} in {{{', '.join(cond.values)}}}"
    if isinstance(cond, StartsWith):
        return f"{cond.fact} starts with \"{cond.prefix}\""
    if isinstance(cond, Not):
        inner = render_condition(cond.operand)
        return f"not {inner}" if isinstance(cond.operand, (Act, Flag)) else f"not ({inner})"
    joiner = " and " if isinstance(cond, All) else " or "
    parts = []
    for operand in cond.operands:
        text = render_condition(operand)
        parts.append(f"({text})" if isinstance(operand, (All, Any_)) else text)
    return joiner.join(parts)


def _render_value(fact: str, value) -> str:
    value = int(value)
    if fact == "date":
        return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
    return format_count(value)


def decider_of(cond: Condition, positive: bool) -> tuple[str, str, object] | None:
    """(fact, op, value) such that `fact op value` makes the rule end in "forbidden"."""
    if isinstance(cond, Compare):
        value = int(cond.value)
        shown = _render_value(cond.fact, value) if cond.fact == "date" else value
        op = cond.op if positive else NEGATED[cond.op]
        return FACT_FIELDS.get(cond.fact, cond.fact), op, shown
    if isinstance(cond, Member):
        single = len(cond.values) == 1
        op = ("=" if single else "in")
        value = cond.values[0] if single else list(cond.values)
        return FACT_FIELDS.get(cond.fact, cond.fact), op if positive else NEGATED[op], value
    if isinstance(cond, Flag):
        return FACT_FIELDS.get(cond.fact, cond.fact), "=", positive
    if isinstance(cond, StartsWith):
        op = "starts with"
        return cond.fact, op if positive else NEGATED[op], cond.prefix
    return None


# --- from atoms to a result ------------------------------------------------------------------

def _str(symbol: Symbol) -> str:
    return symbol.string


def explain(atoms: list[Symbol], licenses: dict[str, CompiledLicense], subject: str,
            unknown: dict, parents: dict[str, list[str]], ids: list[str], base: int = 0) -> Result:
    """Turn one question's atoms into a Result. The solver numbered the question's artifacts
    from `base` in the order of `ids`."""

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

    def meta(lid: str):
        lic = licenses[lid].license
        return lic, lic.version

    def title(lid: str, number: str | None) -> str:
        clause = licenses[lid].license.clause(number) if number else None
        return clause.title if clause else ""

    hits = defaultdict(list)  # the stated values a use restriction caught
    for atom in by_name["restricted"]:
        L, _, R, K, V = atom.arguments
        hits[(_str(L), R.number, str(K))].append(_str(V))
    reasons: set[Reason] = set()
    for atom in by_name["reason"]:
        L, C, R, K, kind = atom.arguments
        lid, number = _str(L), _str(C)
        act, artifact, target = _ctx(K)
        _, rule = licenses[lid].rules[R.number]
        reasons.add(Reason(
            license=lid, version=meta(lid)[1], clause=number, title=title(lid, number), kind=kind.name,
            message=_reason_message(kind.name, rule, act, artifact, target, licenses[lid],
                                    sorted(hits.get((lid, R.number, str(K)), []))),
            artifact=artifact, act=act,
        ))
    denied = defaultdict(list)
    for atom in by_name["grant_denied"]:
        L, C, K = atom.arguments
        denied[(_str(L), str(K))].append(_str(C))
    for atom in by_name["not_granted"]:
        L, K = atom.arguments
        lid = _str(L)
        act, artifact, target = _ctx(K)
        lic = licenses[lid].license
        for number in sorted(denied.get((lid, str(K)), [])) or [None]:
            why = (f"its grant in §{number} does not cover this use" if number
                   else "what a license does not grant stays reserved")
            reasons.add(Reason(
                license=lid, version=lic.version, clause=number, title=title(lid, number), kind="not_granted",
                message=f"{lic.name} grants no right to {_act_words(act, artifact, target)}; {why}",
                artifact=artifact, act=act,
            ))
    for atom in by_name["conflict"]:
        A, L1, C1, L2, C2, kind = atom.arguments
        lid1, lid2, c1, c2 = _str(L1), _str(L2), _str(C1), _str(C2)
        message = _conflict_message(kind.name, lid1, c1, lid2, c2, licenses)
        # Cite both sides of a conflict between two clauses; a relicensing cites the inherited one.
        for lid, number in ((lid1, c1), (lid2, c2)):
            if lid in licenses and number:
                reasons.add(Reason(license=lid, version=meta(lid)[1], clause=number, title=title(lid, number),
                                   kind="conflict", message=message, artifact=art(A)))
    for artifact, items in unknown.items():
        for lid, why in items:
            reasons.add(Reason(license=lid, version="", clause=None, title="", kind="unknown_license",
                               message=f"`{artifact}`: {why}; can-i cannot judge terms it does not know",
                               artifact=artifact))
    result.reasons = sorted(reasons, key=lambda r: (r.kind, r.license, r.clause or "", r.artifact or "",
                                                    r.act or "", r.message))

    # Deciders of pending rules, with polarity towards "forbidden".
    kinds = {}
    for atom in by_name["pending"]:
        L, C, R, K, kind, _ = atom.arguments
        kinds[(_str(L), R.number, str(K))] = kind.name
    deciders: set[Decider] = set()
    for atom in by_name["decider"]:
        L, C, R, K, M, P = atom.arguments
        lid = _str(L)
        cond = licenses[lid].conditions[M.number]
        rendered = decider_of(cond, P.name == "pos")
        if rendered is None:
            continue
        fact, op, value = rendered
        value = tuple(value) if isinstance(value, list) else value
        deciders.add(Decider(fact, op, value, lid, _str(C), "forbidden",
                             kinds.get((lid, R.number, str(K)), "prohibited")))
    result.depends_on = sorted(deciders, key=lambda d: (d.license, d.clause, d.fact, d.op, str(d.value), d.kind, d.then))
    result.depends_on = [Decider(d.fact, d.op, list(d.value) if isinstance(d.value, tuple) else d.value,
                                 d.license, d.clause, d.then, d.kind) for d in result.depends_on]

    # Obligations, merged over the acts that trigger them.
    duties: dict[tuple, dict] = {}
    violated = {(_str(a.arguments[0]), a.arguments[2].number, _ctx(a.arguments[3])[1])
                for a in by_name["reason"] if a.arguments[4].name == "violated_duty"}
    for atom in by_name["obligation"]:
        L, C, R, K, certainty = atom.arguments
        lid = _str(L)
        act, artifact, _ = _ctx(K)
        if (lid, R.number, artifact) in violated:
            continue
        key = (lid, _str(C), R.number, artifact)
        entry = duties.setdefault(key, {"acts": set(), "sure": False})
        entry["acts"].add(act)
        entry["sure"] |= certainty.name == "sure"
    obligations = []
    for (lid, number, rid, artifact), entry in duties.items():
        clause, rule = licenses[lid].rules[rid]
        duty, params, message = _duty_text(rule)
        if not entry["sure"]:
            message += f" (if {render_condition(rule.effective_condition())})"
        obligations.append(Obligation(lid, licenses[lid].license.version, number, duty, params, message,
                                      artifact, tuple(sorted(entry["acts"])), not entry["sure"]))
    result.obligations = sorted(obligations, key=lambda o: (o.license, o.clause, o.duty, o.artifact,
                                                            o.message))

    explained: dict[tuple, bool] = {}
    extra_information: list[Information] = []
    for atom in by_name["information"]:
        L, C, R, K, certainty = atom.arguments
        key = (_str(L), _str(C), R.number, _ctx(K)[1])
        explained[key] = explained.get(key, False) or certainty.name == "sure"
    for atom in by_name["excepted"]:
        artifact, lid, number, excepting, other = (art(atom.arguments[0]), _str(atom.arguments[1]),
                                                   _str(atom.arguments[2]), _str(atom.arguments[3]),
                                                   _str(atom.arguments[4]))
        clause = licenses[lid].license.clause(excepting)
        explained_by = f"§{excepting} {clause.title}" if clause else f"§{excepting}"
        extra_information.append(Information(
            lid, licenses[lid].license.version, excepting,
            f"{explained_by} makes an exception to §{number}: {other} may be combined with it", artifact))
    for atom in by_name["rider"]:
        artifact, lid, number, rider, outbound = (art(atom.arguments[0]), _str(atom.arguments[1]),
                                                  _str(atom.arguments[2]), _str(atom.arguments[3]),
                                                  _str(atom.arguments[4]))
        rider_clause = licenses[lid].license.clause(rider)
        named = f"§{rider} {rider_clause.title}" if rider_clause else f"§{rider}"
        extra_information.append(Information(
            lid, licenses[lid].license.version, number,
            f"under §{number}, {outbound} terms are possible only with {named} carried along as a rider "
            f"(enforceable terms of its own); {outbound} alone is not", artifact))
    result.information = sorted(extra_information + [
        Information(lid, licenses[lid].license.version, number, licenses[lid].rules[rid][1].message
                     + ("" if sure else f" (if {render_condition(licenses[lid].rules[rid][1].effective_condition())})"),
                     artifact, not sure)
         for (lid, number, rid, artifact), sure in explained.items()],
        key=lambda i: (i.license, i.clause, i.artifact, i.message))

    risks: set[Risk] = set()
    for atom in by_name["risk_at"]:
        L, C, R, K = atom.arguments
        lid = _str(L)
        _, rule = licenses[lid].rules[R.number]
        risks.add(Risk(lid, _str(C), rule.risk, rule.message or RISKS[rule.risk]))
    for atom in by_name["risk_osi"]:
        lid = _str(atom.arguments[0])
        risks.add(Risk(lid, None, "not_osi", f"{licenses[lid].license.name} is not an OSI-approved "
                                             f"open-source license: read its custom terms"))
    for atom in by_name["risk_ambiguous"]:
        lid, number = _str(atom.arguments[0]), _str(atom.arguments[1])
        clause = licenses[lid].license.clause(number)
        risks.add(Risk(lid, number, "ambiguous", f"open to more than one reading: {clause.ambiguous}"))
    for atom in by_name["risk_relabelled"]:
        artifact, lid = art(atom.arguments[0]), _str(atom.arguments[1])
        risks.add(Risk(lid, None, "relabelled",
                       f"`{artifact}` declares other terms but derives from material under {lid}; "
                       f"relabelling does not remove {lid}'s terms, which still apply", artifact))
    result.risks = sorted(risks, key=lambda r: (r.license, r.clause or "", r.risk, r.artifact or "", r.message))

    result.grants = sorted(
        ({"license": _str(a.arguments[0]), "clause": _str(a.arguments[1]), "act": _ctx(a.arguments[3])[0],
          "artifact": _ctx(a.arguments[3])[1]} for a in by_name["granted_by"]),
        key=lambda g: (g["license"], g["clause"], g["artifact"], g["act"]))
    bound = {(art(a.arguments[0]), _str(a.arguments[1])) for a in by_name["bound"]}
    applies = {(art(a.arguments[0]), _str(a.arguments[1])) for a in by_name["applies"]}
    # Report the licenses of the subject and of the models its creation acts on: a lineage of
    # 10,000 of the user's own models must not list each with its whole path (quadratic).
    # `via` walks up to the model each license starts from.
    acted = {subject} | {artifact for _, artifact, target in (_ctx(a.arguments[0]) for a in by_name["acting"])
                         if target == subject}
    result.applicable = sorted(
        (Applicable(a, lid, _via(a, lid, applies, parents), "full" if (a, lid) in bound else "clauses")
         for a, lid in applies if a in acted),
        key=lambda x: (x.artifact != subject, x.artifact, x.license))
    return result


def _via(artifact: str, lid: str, applies: set, parents: dict) -> tuple[str, ...]:
    """The shortest chain of ancestors through which `lid` reaches `artifact`, up to the first
    model it does not inherit it from (empty when nothing upstream carries it).

    Breadth-first with back-pointers, so a 100,000-deep lineage costs linear time.
    """
    came_from: dict[str, str | None] = {artifact: None}
    frontier = [artifact]
    while frontier:
        following = []
        for node in frontier:
            inherited = sorted(p for p in parents.get(node, ()) if (p, lid) in applies)
            if not inherited:  # where the license starts: walk the pointers back
                chain = []
                while node != artifact:
                    chain.append(node)
                    node = came_from[node]
                return tuple(reversed(chain))
            for parent in inherited:
                if parent not in came_from:
                    came_from[parent] = node
                    following.append(parent)
        frontier = following
    return ()


def _act_words(act: str, artifact: str, target: str | None) -> str:
    words = {
        "use": f"use `{artifact}`", "host": f"host `{artifact}` for others",
        "distribute": f"distribute `{artifact}`", "finetune": f"fine-tune `{artifact}`",
        "adapt": f"train an adapter on `{artifact}`", "merge": f"merge `{artifact}`",
        "quantize": f"quantize `{artifact}`", "distill": f"train a model on the outputs of `{artifact}`",
        "train": f"train a model on `{artifact}`",
    }[act]
    return words + (f" (creating `{target}`)" if target else "")


def _reason_message(kind, rule, act, artifact, target, compiled: CompiledLicense, caught: list[str]) -> str:
    what = _act_words(act, artifact, target)
    condition = render_condition(rule.effective_condition())
    when = "" if condition == "always" else f" when {condition}"
    if kind == "prohibited" and rule.kind == "restrict":
        return (f"{what} is prohibited for the stated {rule.restricted_fact} "
                f"{', '.join(f'`{v}`' for v in caught)}: the license's use restrictions exclude it")
    if kind == "prohibited":
        return f"{what} is prohibited{when}"
    if kind == "needs_separate_license":
        lic = compiled.license
        # The response names the request field; the CLI adds its flag (cli._GRANT_FIELD).
        grant = lic.licensor_id or f"{lic.id}:{artifact}"
        return (f"{what} needs a separate license from {lic.licensor or 'the licensor'}{when}; "
                f"if you hold one, list `{grant}` in `use.grants`")
    if kind == "violated_duty":
        prefix = dict(rule.params).get("prefix", "")
        return f"the name of `{artifact}` must start with \"{prefix}\", and the stated name does not"
    return f"{what}{when}"


def _conflict_message(kind: str, lid1: str, c1: str, lid2: str, c2: str, licenses) -> str:
    if kind == "name_prefix":
        p1 = _prefix(licenses[lid1], c1)
        p2 = _prefix(licenses[lid2], c2)
        return (f"{lid1} §{c1} wants the name to start with \"{p1}\" and {lid2} §{c2} with \"{p2}\": "
                f"no name can do both")
    if kind == "copyleft":
        return f"{lid1} §{c1} and {lid2} §{c2} each allow distribution only under themselves"
    if kind == "further_restrictions":
        return (f"{lid1} §{c1} forbids adding further restrictions, but {lid2} §{c2} restricts use; "
                f"the combination cannot be distributed under both")
    if kind == "outbound":
        mode = next((c.relicense for c in licenses[lid1].license.clauses if c.number == c1), "forbidden")
        return (f"recipients would get only {lid2}, but under {lid1} §{c1} "
                f"{RELICENSE_MODES.get(mode, '')}")
    return kind


def _prefix(compiled: CompiledLicense, number: str) -> str:
    for clause, rule in compiled.rules.values():
        if clause.number == number and rule.duty == "name_prefix":
            return dict(rule.params)["prefix"]
    return ""


def _duty_text(rule) -> tuple[str, dict, str]:
    if rule.kind == "restrict":
        values = list(rule.restricted_values)
        return ("use_restrictions", {"fact": rule.restricted_fact, "values": values},
                f"do not use it for any {rule.restricted_fact} on the restricted list ({len(values)}): "
                + ", ".join(values[:6]) + (f", … (+{len(values) - 6} more; see `can-i show`)" if len(values) > 6 else ""))
    params = dict(rule.params)
    template = DUTIES[rule.duty][1]
    try:
        message = template.format(**params)
    except KeyError:
        message = template
    return rule.duty, params, message

