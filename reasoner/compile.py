"""Compile a `License` into clingo facts.

Facts are built as `clingo.Symbol` values, never as program text: a quote, `%`, `#script` or
`:-` inside a license string stays inside a clingo string term and cannot change the program.

>>> from reasoner.parse import parse_text
>>> lic = parse_text('license demo { name "Demo" clause "1" "Grant" { grant use } }')[0]
>>> compiled = compile_license(lic)
>>> str(compiled.facts[0])
'license("demo")'
"""

from __future__ import annotations

from .records import dataclass, field   # a standard dataclass, defined at no cost (records.py)

from clingo import Function, Number, String, Symbol

from .licenses import (
    Act, All, Always, Any_, Clause, Compare, Condition, Flag, License, Member, Not, Rule, StartsWith, Stated,
)
from . import schema
from .numbers import limbs
from .vocabulary import ACTS, EVERY_VALUE_VOCABULARIES

OPS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "=": "eq", "!=": "ne"}


def const(name: str) -> Symbol:
    return Function(name)


def flag_symbol(name: str) -> Symbol:
    """A flag's name for the solver: its word (`commercial`), or for a fact of the target
    (`target.derived`) a string, as `target.family` is: clingo's text cannot spell a dotted term,
    and fact lists must read back from their text (workers.py sends them so)."""
    return String(name) if "." in name else Function(name)


def num(value: int) -> Symbol:
    high, low = limbs(int(value))
    return Function("num", [Number(high), Number(low)])


def possible_acts(cond: Condition) -> tuple[str, ...]:
    """The acts for which `cond` is not false whatever the facts: `distribute or host` gives
    (host, distribute). Duties and risks are only weighed for these acts."""
    return tuple(act for act in ACTS if _given(cond, act) is not False)


def _tests_flag(cond: Condition, name: str) -> bool:
    """Whether `cond` tests the flag `name` anywhere (a work list: conditions may nest deeply)."""
    stack = [cond]
    while stack:
        node = stack.pop()
        if isinstance(node, Flag) and node.fact == name:
            return True
        if isinstance(node, Not):
            stack.append(node.operand)
        elif isinstance(node, (All, Any_)):
            stack.extend(node.operands)
    return False


def _given(cond: Condition, act: str):
    """Three-valued value of `cond` once the act is known; None when it depends on facts."""
    if isinstance(cond, Always):
        return True
    if isinstance(cond, Act):
        return cond.act == act
    if isinstance(cond, Not):
        inner = _given(cond.operand, act)
        return None if inner is None else not inner
    if isinstance(cond, All):
        values = [_given(c, act) for c in cond.operands]
        return False if False in values else (True if all(values) else None)
    if isinstance(cond, Any_):
        values = [_given(c, act) for c in cond.operands]
        return True if True in values else (False if all(v is False for v in values) else None)
    return None


def _thresholds(cond: Condition):
    """Every (fact, threshold) a condition compares a number with."""
    if isinstance(cond, Compare):
        yield cond.fact, int(cond.value)
    elif isinstance(cond, Not):
        yield from _thresholds(cond.operand)
    elif isinstance(cond, (All, Any_)):
        for operand in cond.operands:
            yield from _thresholds(operand)


@dataclass
class CompiledLicense:
    """A license's facts plus the tables the explainer needs to cite and render them."""
    license: License
    facts: list[Symbol] = field(default_factory=list)
    rules: dict[int, tuple[Clause, Rule]] = field(default_factory=dict)
    conditions: dict[int, Condition] = field(default_factory=dict)
    # The label of the `unless "label": …` exception a condition node belongs to, so that an
    # answer can name the exception as the license does.
    labels: dict[int, str] = field(default_factory=dict)


def compile_license(lic: License, variant_of: str | None = None) -> CompiledLicense:
    """The license's facts for the solver. A condition too deep to walk (a chain of thousands of
    `or`s parses, but not every walk of it fits the recursion limit) is an error at the file."""
    try:
        return _compile_license(lic, variant_of)
    except RecursionError:
        from .parse import too_deep
        filename = lic.position.file if lic.position else "<license>"
        try:   # an error path only: the text tells where the condition piles up (file:line:col)
            from pathlib import Path
            text = Path(filename).read_text(encoding="utf-8") if lic.position else None
        except (OSError, UnicodeDecodeError):
            text = None
        raise too_deep(filename, text) from None


def _every_value(cond: Condition) -> bool:
    return isinstance(cond, Member) and \
        getattr(schema.FACTS.get(cond.fact), "vocabulary", None) in EVERY_VALUE_VOCABULARIES


def _merged_members(cond: Any_) -> Any_:
    """`purpose in {research} or purpose in {evaluation}` as one set, where holding permits more:
    marked c_every one by one, research beside evaluation met neither part, though the license
    reads "for research or evaluation purposes" (review 28, a wrong NO). Under a forbidding
    reading (any stated value) the two are the same."""
    merged: dict[str, list[str]] = {}
    for operand in cond.operands:
        if _every_value(operand):
            merged.setdefault(operand.fact, []).extend(v for v in operand.values
                                                       if v not in merged.get(operand.fact, ()))
    if all(sum(1 for o in cond.operands if _every_value(o) and o.fact == fact) < 2 for fact in merged):
        return cond
    operands, done = [], set()
    for operand in cond.operands:
        if _every_value(operand):
            if operand.fact not in done:
                done.add(operand.fact)
                operands.append(Member(operand.fact, tuple(merged[operand.fact])))
        else:
            operands.append(operand)
    return Any_(tuple(operands))


def _compile_license(lic: License, variant_of: str | None = None) -> CompiledLicense:
    out = CompiledLicense(lic)
    L = String(lic.id)
    facts = out.facts

    def fact(name: str, *args: Symbol) -> None:
        facts.append(Function(name, list(args)))

    if not lic.osi:
        fact("not_osi", L)
    if lic.licensor_id:
        fact("licensor_of", L, String(lic.licensor_id))
    for organisation in lic.licensor_hub:
        fact("licensor_org", L, String(organisation))
    for relation in lic.follows:
        fact("follows", L, const(relation))
    # A version of B's text under another id (kb.is_version_of: an "or any later version" id based
    # on every clause of the version it names, adding no terms): its material may be taken under
    # B; dsl2.lp reads it as can_be.
    if variant_of is not None:
        fact("variant_of", L, String(variant_of))

    counter = iter(range(1, 1_000_000))

    exception_labels: dict[Condition, str] = {}

    def condition(cond: Condition, label: str | None = None, permitting: bool = False) -> int:
        """The node of `cond`; `permitting`: whether its holding makes the rule permit more (a
        grant's condition, or a test under an odd number of `not`s in a rule that forbids,
        needs or binds: an exception folded in)."""
        if permitting and isinstance(cond, Any_):
            cond = _merged_members(cond)
        while isinstance(cond, (All, Any_)) and len(cond.operands) == 1:
            cond = cond.operands[0]
        node = next(counter)
        out.conditions[node] = cond
        label = exception_labels.get(cond, label)
        if label:
            out.labels[node] = label
        N = Number(node)
        if isinstance(cond, Always):
            fact("c_true", L, N)
        elif isinstance(cond, Act):
            fact("c_act", L, N, const(cond.act))
        elif isinstance(cond, Flag):
            fact("c_flag", L, N, flag_symbol(cond.fact))
        elif isinstance(cond, Compare):
            fact("c_cmp", L, N, String(cond.fact), const(OPS[cond.op]), num(int(cond.value)))
        elif isinstance(cond, Member):
            for value in cond.values:
                fact("c_in", L, N, String(cond.fact), String(value))
            if permitting and getattr(schema.FACTS.get(cond.fact), "vocabulary", None) in EVERY_VALUE_VOCABULARIES:
                # Met only when every stated value is in the set (rules.lp stated_outside): a
                # grant "for research or evaluation purposes only" is no grant for research
                # beside customer support (review 27: YES).
                fact("c_every", L, N)
        elif isinstance(cond, StartsWith):
            fact("c_starts", L, N, String(cond.fact), String(cond.prefix))
        elif isinstance(cond, Stated):
            # Named as the question's facts name it: a flag by its word, any other fact by a string.
            declared = schema.FACTS[cond.fact]
            fact("c_stated", L, N, flag_symbol(cond.fact) if declared.type == schema.FLAG else String(cond.fact))
        elif isinstance(cond, Not):
            fact("c_not", L, N, Number(condition(cond.operand, label, not permitting)))
        elif isinstance(cond, (All, Any_)):
            # Binary nodes: `a and b and c` is and(a, and(b, c)). The rules then need no
            # conditional literals, which gringo grounds slowly inside the recursive component.
            operands = cond.operands
            left = condition(operands[0], label, permitting)
            rest = operands[1:]
            right = condition(rest[0] if len(rest) == 1 else type(cond)(tuple(rest)), label, permitting)
            fact("c_and" if isinstance(cond, All) else "c_or", L, N, Number(left), Number(right))
            fact("c_child", L, N, Number(left))
            fact("c_child", L, N, Number(right))
        else:  # pragma: no cover - the parser builds no other kind
            raise TypeError(f"unknown condition {cond!r}")
        if not isinstance(cond, (Not, All, Any_)):
            fact("c_leaf", L, N)
        return node

    rule_ids = iter(range(1, 1_000_000))
    split_points: set[tuple[str, int]] = set()
    outputs_rule = None      # the first rule testing outputs_licensee (see below)
    plain_ban = False        # a `forbid` on distill that does not test it
    for clause in lic.clauses:
        C = String(clause.number)
        for relation in clause.follows:
            fact("clause_follows", L, C, const(relation))
        if clause.relicense:
            fact("relicense", L, C, const(clause.relicense))
        for target in clause.relicense_to:
            fact("relicense_to", L, C, String(target))
        if clause.no_further_restrictions:
            fact("no_further_restrictions", L, C)
        if clause.restricts_use:
            fact("restricts_use", L, C)
        if clause.ambiguous:
            fact("ambiguous", L, C)
        for term in clause.adds_further:
            fact("adds_further", L, C, const(term))
        for term in clause.accepts_further:
            fact("accepts_further", L, C, const(term))
        for version in clause.later_versions:
            fact("later_version", L, C, String(version))
        if clause.rider is not None:
            number, targets, _ = clause.rider
            for target in targets or ("*",):
                fact("relicense_rider", L, C, String(number), String(target))
        for number, others, _ in clause.excepts_for:
            for other in others:
                fact("clause_except", L, String(number), C, String(other))
        for rule in clause.rules:
            rid = next(rule_ids)
            out.rules[rid] = (clause, rule)
            R = Number(rid)
            exception_labels = {Not(e.condition): e.label for e in rule.exceptions
                                if getattr(e, "label", None)}
            tests_outputs = _tests_flag(rule.effective_condition(), "outputs_licensee")
            if tests_outputs:
                outputs_rule = outputs_rule or rule
            elif rule.kind == "forbid" and "distill" in (rule.acts or possible_acts(rule.effective_condition())):
                plain_ban = True
            if tests_outputs and (rule.kind != "forbid" or tuple(rule.acts) != ("distill",)):
                # rules.lp puts a rule that tests it in force only in an outputs-as-data context,
                # for `distill`: any other rule testing it was never in force, silently (`forbid
                # host when commercial or outputs_licensee` let a commercial host through).
                from .codes import error
                raise error("`outputs_licensee` is tested only by a `forbid distill` rule (the ban on "
                            "training on outputs, written again for outputs received as data); this "
                            "rule would never be in force", str(rule.position), "DSL401",
                            "write `forbid distill when outputs_licensee …` in a clause of its own "
                            "(facts/README.md, \"Outputs received as data\")")
            root = condition(rule.effective_condition(), permitting=rule.kind == "grant")
            fact("rule", L, C, R, const(rule.kind), Number(root))
            for act in rule.acts or possible_acts(rule.effective_condition()):
                fact("rule_act", L, R, const(act))
            if rule.kind == "grant":
                # The points that stand for every interval the grants' thresholds cut a number
                # into, so that rules.lp can check grants jointly covering an unstated number
                # (T-1, T and T+1 for each threshold T: one point in each interval and each cut).
                for fact_name, threshold in _thresholds(rule.effective_condition()):
                    for point in (threshold - 1, threshold, threshold + 1):
                        if point >= 0 and (fact_name, point) not in split_points:
                            split_points.add((fact_name, point))
                            fact("split_point", L, String(fact_name), num(point))
            if rule.duty:
                fact("duty", L, R, const(rule.duty))
                if rule.duty == "name_prefix":
                    fact("duty_prefix", L, R, String(dict(rule.params)["prefix"]))
            for value in rule.restricted_values:
                fact("restrict_value", L, R, String(rule.restricted_fact), String(value))
            for value in rule.broken_values:
                fact("duty_broken_by", L, R, String(rule.broken_fact), String(value))
    if outputs_rule is not None and not plain_ban:
        # A `forbid distill when outputs_licensee` rule is the ban written AGAIN for outputs
        # received as data: rules.lp judges a distillation, and outputs the user generated, by
        # the license's other rules. Alone, it passed `can-i check` and answered YES to both
        # (and DEPENDS to outputs received: backwards).
        from .codes import error
        raise error("a rule testing `outputs_licensee` repeats a ban on distill for outputs received as data, "
                    "but the license has no such ban: a distillation, and outputs you generated, would be "
                    "permitted", str(outputs_rule.position), "DSL401",
                    "write the ban itself too (`forbid distill …`), in the clause the text states it "
                    "(facts/README.md, \"Outputs received as data\")")
    return out
