"""Issue 12, batched questions: an answer leaves no work for the cyclic garbage collector.

The collector's cost in a batch grows with what it finds to scan and free: an answer that left a
reference cycle behind (explain's recursive `_residual` closure did, ~30 objects per answer) made
gen-0 collections free tens of thousands of objects per 2,000 questions. These tests bound that
work by counting objects (gc.DEBUG_SAVEALL), never by timing it.
"""

from __future__ import annotations

import gc
import random
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner
from reasoner.explain import _residual

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


def _stacks(count: int) -> list[dict]:
    """bench.py's 3-artifact stacks (`three_artifacts`), without importing bench.py (it reads argv)."""
    stacks = [("llama3", "llama3", "llama"), ("gemma", "apache-2.0", "gemma"), ("llama3.1", "mit", "llama"),
              ("cc-by-nc-4.0", "apache-2.0", "cohere")]
    rng = random.Random(5)
    out = []
    for index in range(count):
        base, middle, family = rng.choice(stacks)
        use = {"acts": rng.sample(["use", "host", "distribute"], rng.randint(1, 2)), "mau": rng.randint(0, 2_000_000_000)}
        if rng.random() < 0.5:
            use["commercial"] = rng.random() < 0.5
        out.append({"artifacts": [
            {"id": f"org/base-{index % 7}", "license": base, "family": family},
            {"id": f"org/tuned-{index}", "license": f"{base} AND {middle}",
             "derived_from": [{"id": f"org/base-{index % 7}", "relation": "finetune"}]},
            {"id": f"me/model-{index}", "mine": True, "family": family,
             "derived_from": [{"id": f"org/tuned-{index}", "relation": "finetune"}]},
        ], "subject": f"me/model-{index}", "use": use})
    return out


def _cyclic_garbage(work) -> list:
    """The objects `work()` leaves for the cyclic collector (unreachable, freed only by it)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        work()
        gc.collect()
        found = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


@pytest.fixture(scope="module")
def reasoner():
    made = Reasoner(cache_size=0, solver_processes=0)
    made.shapes.start_after = 0
    return made


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared structures", "grounded afresh"])
def test_a_batch_of_answers_leaves_no_cyclic_garbage(reasoner, prepared):
    stacks = _stacks(60)
    asker = reasoner if prepared else Reasoner(cache_size=0, shapes=0, solver_processes=0)
    asker.answer_each(stacks)   # warm: structures prepared, license memos filled
    assert any(a.depends_on for a in asker.answer_each(stacks)), "the batch must hold residual conditions"

    def work():
        for answer in asker.answer_each(stacks):
            answer.to_json()

    garbage = _cyclic_garbage(work)
    assert garbage == [], f"{len(garbage)} objects in cycles, e.g. {[type(o).__name__ for o in garbage[:8]]}"


def test_the_residual_leaves_no_cycle_behind(reasoner):
    """The recursive closure inside `_residual` is cut once the residual is built."""
    answer = reasoner.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "800M"}})
    assert answer.status == "depends" and answer.residual
    assert _cyclic_garbage(lambda: reasoner.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "800M"}})) == []
    assert _residual.__code__.co_freevars == ()   # nothing of an outer call is captured either


def test_forbidden_requests_stay_forbidden_through_a_batch(reasoner):
    """The paths changed for the collector still give NO where the licenses say NO."""
    forbidden = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}
    nc = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}}
    answers = reasoner.answer_each([forbidden, nc] * 20 + _stacks(10))
    assert [a.status for a in answers[:40]] == ["forbidden"] * 40
    assert answers[0].reasons[0].clause == "2"


# --- to_json's field-by-field copies of the records an answer holds most of ---------------------

def _generic_obligation(o) -> dict:
    from reasoner.response import _obligation_copied
    return _obligation_copied(o)


def _generic_applicable(a) -> dict:
    from reasoner.response import _applicable_copied
    return _applicable_copied(a)


class _Text(str):
    pass


def test_obligation_and_applicable_documents_are_what_the_generic_copy_gives():
    from reasoner.response import Applicable, Obligation, _applicable_record, _obligation_record

    obligations = [
        Obligation("mit", "1", "2", "attribution", {}, "keep the notice", "a", ("distribute",), False),
        Obligation("llama3", "3", "1.b", "use_restrictions", {"fact": "purpose", "values": ["x", "y"]}, "m", "b",
                   ("host", "use"), True),
        Obligation("l", "v", "c", "d", {"nested": {"deep": [("t", 1)]}, "n": 1}, "m", "a", (), False),
        Obligation(_Text("l"), "v", "c", "d", {}, "m", "a", ("x",), False),       # a str subclass: generic copy
        Obligation("l", "v", "c", "d", {}, "m", "a", ["host"], False),            # acts a list: generic copy
        Obligation("l", "v", "c", "d", {}, "m", "a", (_Text("host"),), False),
    ]
    for o in obligations:
        fast, generic = _obligation_record(o), _generic_obligation(o)
        assert fast == generic and repr(fast) == repr(generic)
        assert [type(v) for v in fast.values()] == [type(v) for v in generic.values()]
        fast["params"].setdefault("added", 1)
        assert "added" not in o.params   # the document owns its copy
    nested = _obligation_record(obligations[2])
    nested["params"]["nested"]["deep"].append(0)
    assert obligations[2].params["nested"]["deep"] == [("t", 1)]
    applicables = [
        Applicable("a", "mit", (), "full"),
        Applicable("a", "llama3", ("b", "c"), "clauses", (("a", "finetune", "b"), ("b", "merge", "c")),
                   (("meta", "llama2", "relicensed by the licensor"),)),
        Applicable("a", "l", (_Text("b"),), "full", (("a", "finetune", _Text("b")),)),
        Applicable("a", "l", ["b"], "full", [("a", "finetune", "b")]),
    ]
    for a in applicables:
        fast, generic = _applicable_record(a), _generic_applicable(a)
        assert fast == generic and repr(fast) == repr(generic)
    with pytest.raises(ValueError):   # a malformed edge fails as it did
        _applicable_record(Applicable("a", "l", ("b",), "full", (("a", "b"),)))


def test_answer_documents_unchanged_by_the_field_by_field_copies(reasoner):
    """Every record of real answers copied both ways gives the same document."""
    from reasoner.response import _applicable_record, _obligation_record

    answers = reasoner.answer_each(_stacks(30))
    obligations = [o for a in answers for o in a.obligations]
    applicables = [x for a in answers for x in a.applicable]
    assert len(obligations) > 100 and any(x.edges for x in applicables)
    assert [_obligation_record(o) for o in obligations] == [_generic_obligation(o) for o in obligations]
    assert [_applicable_record(x) for x in applicables] == [_generic_applicable(x) for x in applicables]


# --- license options shared by the requests of one call ------------------------------------------

def _one(license, name=None, artifact="org/m", acts=("host",), **use):
    item = {"id": artifact, "license": license}
    if name is not None:
        item["license_name"] = name
    return {"artifacts": [item], "subject": artifact,
            "use": {"acts": list(acts), "role": "licensee", "release_mau": "800M", **use}}


def test_license_options_shared_in_a_call_answer_as_each_alone(reasoner):
    """A call shares each (license, license_name)'s options among its requests: a license text
    read under one name never stands for another, family readings stay per artifact, and a NO
    or UNKNOWN stays one."""
    requests = [
        _one("other", "llama3"),                         # a known license by its name: NO (2)
        _one("other", "no-such-license"),                # the same text under an unknown name: never YES
        _one("other", "llama3", artifact="org/n"),
        _one("mit"), _one("mit", artifact="org/x"),
        _one("gpl", artifact="org/g1", acts=("distribute",)), _one("gpl", artifact="org/g2", acts=("distribute",)),
        _one("apache-2.0 OR mit"), _one("apache-2.0 OR mit", artifact="org/y"),
        _one("llama3"),
    ]
    together = reasoner.answer_each(requests * 2)
    alone = [Reasoner(cache_size=0, solver_processes=0).answer_each([r])[0] for r in requests]
    for answer, single in zip(together, alone * 2):
        assert type(answer) is type(single)
        if hasattr(single, "to_json"):
            assert answer.to_json() == single.to_json()
        else:
            assert str(answer) == str(single)
    statuses = [getattr(a, "status", None) for a in together[:10]]
    assert statuses[0] == "forbidden" and statuses[2] == "forbidden" and statuses[9] == "forbidden"
    assert statuses[1] in ("unknown", "depends", None) and statuses[1] != "permitted"


def test_license_options_are_worked_out_once_per_license_text_in_a_call(reasoner, monkeypatch):
    calls = []
    worked_out = Reasoner._license_options_of
    monkeypatch.setattr(Reasoner, "_license_options_of", lambda self, a: calls.append(a.license) or worked_out(self, a))
    reasoner.answer_each(_stacks(40))
    # 4 base licenses and 4 `base AND middle` texts, once each, not 2 per question (80)
    assert len(calls) <= 8, calls


# --- a batch's prepared questions solved a structure at a time ----------------------------------

def test_a_batch_solves_each_prepared_structure_in_one_run(reasoner, monkeypatch):
    from reasoner import shapes

    stacks = _stacks(80)
    reasoner.answer_each(stacks)   # their structures prepared
    order = []
    answer = shapes._Prepared.answer
    monkeypatch.setattr(shapes._Prepared, "answer", lambda self, values: order.append(id(self)) or answer(self, values))
    answers = reasoner.answer_each(stacks, batch_size=80)
    runs = 1 + sum(1 for a, b in zip(order, order[1:]) if a != b)
    assert len(order) >= 30 and len(set(order)) >= 3 and runs == len(set(order)), (len(order), runs, len(set(order)))
    alone = Reasoner(cache_size=0, shapes=0, solver_processes=0).answer_each(stacks)
    assert [a.to_json() for a in answers] == [a.to_json() for a in alone]


def test_grouped_keeps_each_structure_in_batch_order():
    from reasoner.shapes import Shapes

    reasoner = Reasoner(cache_size=0, solver_processes=0)
    plans = [reasoner._plan(request) for request in _stacks(12)]
    keys = [(q.key[1], q.used) for plan in plans for q in plan.scenes]
    order = Shapes.grouped(keys)
    assert sorted(order) == list(range(len(keys)))
    structure = [Shapes.batch(None, [keys[i]]).popitem()[0] for i in order]
    seen = []
    for position, s in zip(order, structure):
        if not seen or seen[-1][0] != s:
            assert s not in [x[0] for x in seen], "a structure came back after another"
            seen.append((s, position))
        else:
            assert position > seen[-1][1]
            seen[-1] = (s, position)
