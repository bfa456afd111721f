"""Run the `example` blocks of license files as tests, and measure clause coverage.

An example describes a use of the license in a few words. It becomes a request: a model under
the license (of the license's family), and, when the example names a creation act (finetune,
distill, …), the user's own model derived from it by that act.
"""

from __future__ import annotations

from dataclasses import dataclass

from .explain import Result
from .licenses import Example, License
from . import schema
from .schema import ACT_RELATION
from .vocabulary import CREATION_ACTS, USE_ACTS


@dataclass(frozen=True)
class ExampleOutcome:
    license: str
    example: Example
    result: Result | None
    passed: bool
    problem: str          # empty when passed
    cited: tuple[str, ...]  # clauses of this license the answer cites

    @property
    def location(self) -> str:
        return str(self.example.position)


def example_request(lic: License, example: Example) -> dict:
    """The request document an example stands for: each example word sets what schema.py says it
    states (a use field, or a field of the licensed model or of the model created)."""
    facts = dict(example.facts)
    stack = [lic.id] + list(facts.get("stack", ()))
    base = {"id": f"{lic.id}-model", "license": " AND ".join(stack)}
    if lic.family:
        base["family"] = lic.family
    artifacts = [base]
    acts = [a for a in USE_ACTS if a in facts]
    use: dict = {"acts": acts} if acts else {}  # creating a model is the act; an empty list says nothing
    creations = [a for a in CREATION_ACTS if a in facts]
    subject = base["id"]
    mine = None
    if creations:
        mine = {"id": "my-model", "mine": True,
                "derived_from": [{"id": base["id"], "relation": ACT_RELATION[a]} for a in creations]}
        artifacts.append(mine)
        subject = mine["id"]
    if mine is not None and "made" in facts:   # `made = dataset`: the user's artifact is data
        mine["kind"] = facts["made"]
    if "train" in creations:
        # Training is on data: material under the license is a dataset, which states no model
        # family (api.complete refuses a `trained_on` parent that does, review 20). Beside an act
        # that takes the model's weights, the material is a dataset of its own under the license.
        data = base if len(creations) == 1 else {"id": f"{lic.id}-data", "license": base["license"]}
        data.pop("family", None)
        data["kind"] = "dataset"
        if data is not base:
            artifacts.insert(1, data)
            mine["derived_from"] = [{"id": data["id"] if e["relation"] == ACT_RELATION["train"] else e["id"],
                                     "relation": e["relation"]} for e in mine["derived_from"]]
    for fact in schema.FACT_LIST:
        for position, word in enumerate(fact.example):
            if word not in facts:
                continue
            value = _example_value(fact, facts[word], position)
            if fact.field:
                use[fact.field] = value
            elif fact.about == schema.TARGET:
                if mine is not None:
                    mine[fact.artifact_field] = value
            else:
                base[fact.artifact_field] = value
    return {"artifacts": artifacts, "subject": subject, "use": use}


def _example_value(fact, value, position: int):
    """An example word's value as a request states it (a flag's second word says false)."""
    if fact.type == schema.FLAG:
        return position == 0
    if fact.type == schema.DATE:
        day = int(value)
        return f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}"
    if fact.number:
        return int(value)
    if fact.type in (schema.TAGS, schema.GRANTS) and isinstance(value, tuple):
        return list(value)
    return value


def run_example(reasoner, lic: License, example: Example) -> ExampleOutcome:
    from .errors import CanIError

    try:
        result = reasoner.ask(example_request(lic, example))
    except CanIError as exc:
        result = exc
    return _judged(lic, example, result)


def _judged(lic: License, example: Example, result) -> ExampleOutcome:
    """An example's outcome from its answer (a Result, or the CanIError it raised)."""
    from .errors import CanIError

    if isinstance(result, CanIError):
        return ExampleOutcome(lic.id, example, None, False, f"error: {result}", ())
    cited = tuple(sorted({r.clause for r in result.reasons if r.license == lic.id and r.clause}
                         | {d.clause for d in result.depends_on if d.license == lic.id}))
    problems = []
    if result.status != example.expect:
        problems.append(f"expected {example.expect}, got {result.status}")
    for number in example.by:
        if number not in cited:
            problems.append(f"expected clause \"{number}\" to decide, got "
                            f"{', '.join(repr(c) for c in cited) or 'no clause'}")
    return ExampleOutcome(lic.id, example, result, not problems, "; ".join(problems), cited)


def run_examples(reasoner, licenses=None) -> list[ExampleOutcome]:
    """Run every example of the given licenses (default: the whole knowledge base).

    A license's examples are asked as one batch (`answer_each`: the same answers as one by one,
    ~10x faster, since clingo grounds the rules once per batch). An example that the batch refused
    for the call's total work (LimitError), which alone it might not exceed, is asked alone."""
    from .errors import LimitError

    chosen = licenses or [c.license for c in reasoner.kb.licenses.values()]
    outcomes = []
    for lic in chosen:
        examples = list(lic.examples)
        answers = reasoner.answer_each([example_request(lic, example) for example in examples])
        outcomes += [run_example(reasoner, lic, example) if isinstance(answer, LimitError)
                     else _judged(lic, example, answer) for example, answer in zip(examples, answers)]
    return outcomes


def rule_bearing(lic: License) -> list[str]:
    """Clauses with something that can fire: rules, or terms that can clash with other licenses.
    (`relicense allowed` and `restricts use` alone never decide anything by themselves.)"""
    return [c.number for c in lic.clauses
            if c.rules or c.relicense in ("forbidden", "copyleft") or c.no_further_restrictions or c.adds_further]


def clause_coverage(reasoner, outcomes: list[ExampleOutcome]) -> dict[str, list[str]]:
    """For each license, the rule-bearing clauses no example exercises.

    A clause is exercised when an example's answer cites it (as a reason, a decider, a duty or a
    risk), so a clause whose rules never fire in any example shows up here.
    """
    touched: dict[str, set[str]] = {}
    for outcome in outcomes:
        if outcome.result is None:
            continue
        seen = touched.setdefault(outcome.license, set())
        r = outcome.result
        for item in list(r.reasons) + list(r.depends_on) + list(r.obligations) + list(r.risks) + list(r.information):
            if item.license == outcome.license and item.clause:
                seen.add(item.clause)
        seen.update(g["clause"] for g in r.grants if g["license"] == outcome.license)
    missing: dict[str, list[str]] = {}
    for compiled in reasoner.kb.licenses.values():
        lic = compiled.license
        gaps = [n for n in rule_bearing(lic) if n not in touched.get(lic.id, set())]
        missing[lic.id] = gaps
    return missing
