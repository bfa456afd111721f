"""Issue 12, batched questions on two cores: a solver process answers part of each window of
requests whole (Reasoner._two_cores, workers.answer_in_child), and the answers are the ones this
process gives alone: the same documents, the same Results (equality, repr, pickling, copying),
the same input errors in the same places, the call's work limit counted in request order.

No timing: the tests force the second process on (the machine's load and the warm-up count are
switched off) and bound what happens by counts (processes started, answers made elsewhere).
"""

from __future__ import annotations

import copy
import json
import pickle
import random

import pytest

import reasoner.api as api
from reasoner import Reasoner
from reasoner.errors import CanIError
from reasoner.response import Result


def _stacks(count: int, seed: int = 6) -> list[dict]:
    """bench.py's 3-artifact stacks, few structures (so that the child's warm-up stays short)."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        base, middle = rng.choice([("llama3", "apache-2.0"), ("gemma", "mit"), ("cc-by-nc-4.0", "apache-2.0")])
        use = {"acts": [rng.choice(["use", "host", "distribute"])], "mau": rng.randint(0, 2_000_000_000)}
        if rng.random() < 0.5:
            use["commercial"] = rng.random() < 0.5
        out.append({"artifacts": [
            {"id": "org/base", "license": base},
            {"id": f"org/tuned-{index}", "license": f"{base} AND {middle}",
             "derived_from": [{"id": "org/base", "relation": "finetune"}]},
            {"id": f"me/model-{index}", "mine": True,
             "derived_from": [{"id": f"org/tuned-{index}", "relation": "finetune"}]},
        ], "subject": f"me/model-{index}", "use": use})
    return out


FORBIDDEN = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}}
BAD = [{"licenses": ["mit"], "use": {"acts": ["fly"]}}, {"licenses": ["mit"], "use": {"acts": ["use"], "mua": 5}},
       {"licenses": ["no-such-license"], "use": {"acts": ["use"]}}, "not a request"]


@pytest.fixture
def forced(monkeypatch):
    """The second process on from the first window, whatever the machine's load."""
    monkeypatch.setattr(api, "TWO_CORES_AFTER", 0)
    monkeypatch.setattr(api, "TWO_CORES_FROM", 8)
    monkeypatch.setattr(api, "_machine_busy", lambda *_: False)
    monkeypatch.setattr(api, "TWO_CORES_COSTLIEST", float("inf"))   # however slow a loaded machine answers
    # A Hub card read earlier in this test process (another test file) keeps the child off: it
    # has not read it. The tests here read none.
    monkeypatch.setattr(api, "HUB_CARD_LICENSES", {})


@pytest.fixture(scope="module")
def alone():
    return Reasoner(cache_size=0, solver_processes=0)


def _shown(answer) -> str:
    if isinstance(answer, CanIError):
        return f"{type(answer).__name__}: {answer}"
    return json.dumps(answer.to_json())


def _made_elsewhere(answers) -> int:
    return sum(1 for a in answers if isinstance(a, Result) and "_from_child" in a.__dict__)


def test_two_cores_answer_as_one_process(forced, alone):
    requests = _stacks(120) + [FORBIDDEN] * 4 + BAD * 3
    random.Random(2).shuffle(requests)
    two = Reasoner(cache_size=0, shapes=0)
    try:
        answers = two.answer_each(requests, batch_size=20)
        assert two.solvers.started == 1
        assert _made_elsewhere(answers) >= 30
        expected = alone.answer_each(requests, batch_size=20)
        assert [_shown(a) for a in answers] == [_shown(a) for a in expected]   # documents first: still lazy
        for got, want in zip(answers, expected):
            if isinstance(want, CanIError):
                assert type(got) is type(want) and got.location == want.location
            else:
                assert type(got) is Result and got == want and repr(got) == repr(want)
                assert pickle.loads(pickle.dumps(got)) == want
    finally:
        two.solvers.close()


def test_result_made_elsewhere_reads_as_the_result(forced, alone):
    requests = _stacks(40)
    two = Reasoner(cache_size=0, shapes=0)
    try:
        answers = two.answer_each(requests, batch_size=20)
    finally:
        two.solvers.close()
    lazy = [(i, a) for i, a in enumerate(answers) if "_from_child" in a.__dict__]
    assert len(lazy) >= 4
    want = alone.answer_each(requests, batch_size=20)
    (i, first), (j, second), (k, third), (m, fourth) = lazy[:4]
    # to_json gives a fresh document each time, and leaves the Result unread
    document = first.to_json()
    document["status"] = "permitted"
    assert first.to_json() == want[i].to_json() and "_from_child" in first.__dict__
    # a field set before any is read is kept; the others are the child's
    second.notes = []
    assert second.to_json()["notes"] == [] and second.status == want[j].status
    assert second.reasons == want[j].reasons
    # copies and pickles hold the Result itself
    assert copy.deepcopy(third) == want[k] and "_from_child" not in copy.copy(fourth).__dict__
    assert not hasattr(fourth, "no_such_field") and fourth.obligations == want[m].obligations


def test_forbidden_stays_forbidden_through_the_child(forced):
    two = Reasoner(cache_size=0, shapes=0)
    try:
        answers = two.answer_each([FORBIDDEN] * 40, batch_size=10)
        assert _made_elsewhere(answers) >= 10
        assert {a.status for a in answers} == {"forbidden"}
        assert {a.to_json()["status"] for a in answers} == {"forbidden"}
    finally:
        two.solvers.close()


def test_a_changed_knowledge_base_is_answered_here(forced):
    """The child loads the bundled knowledge base: a Reasoner whose tables were changed in place
    must not get the bundled answers (mit made cc-by-nc here: commercial use is then NO)."""
    two = Reasoner(cache_size=0, shapes=0)
    model = next(mid for mid, entry in two.kb.catalog.items() if entry.get("license") == "mit")
    two.kb.catalog[model]["license"] = "cc-by-nc-4.0"
    request = {"artifacts": [{"id": model}], "use": {"acts": ["use"], "commercial": True}}
    try:
        answers = two.answer_each([request] * 40, batch_size=10)
        assert {a.status for a in answers} == {"forbidden"}
        assert _made_elsewhere(answers) == 0
        assert two._bundled is False   # the child said its knowledge base differs: never asked again
    finally:
        two.solvers.close()


def test_the_call_work_limit_is_counted_in_request_order(forced, alone, monkeypatch):
    requests = _stacks(60)
    monkeypatch.setattr(api, "MAX_CALL_WORK", 150)   # the parent's: the child's own is not changed
    two = Reasoner(cache_size=0, shapes=0)
    try:
        answers = two.answer_each(requests, batch_size=10)
    finally:
        two.solvers.close()
    expected = alone.answer_each(requests, batch_size=10)
    assert [_shown(a) for a in answers] == [_shown(a) for a in expected]
    assert sum(isinstance(a, CanIError) for a in answers) > 0


def test_no_second_process_when_the_machine_is_busy(monkeypatch):
    monkeypatch.setattr(api, "TWO_CORES_AFTER", 0)
    monkeypatch.setattr(api, "TWO_CORES_FROM", 8)
    monkeypatch.setattr(api.os, "getloadavg", lambda: (64.0, 64.0, 64.0))
    two = Reasoner(cache_size=0, shapes=0)
    answers = two.answer_each(_stacks(30), batch_size=10)
    assert two.solvers.started == 0 and _made_elsewhere(answers) == 0


def test_a_short_run_starts_no_process(monkeypatch):
    monkeypatch.setattr(api, "_machine_busy", lambda *_: False)
    two = Reasoner(cache_size=0, shapes=0)
    two.answer_each(_stacks(30), batch_size=10)   # fewer than TWO_CORES_AFTER answered before
    assert two.solvers.started == 0


def test_what_the_child_does_not_send():
    """answer_in_child, run here: a changed knowledge base is refused whole, and an answer larger
    than ANSWER_BYTES, or an input error, is left to the parent ("again")."""
    from reasoner import workers
    from reasoner.api import _kb_fingerprint

    requests = pickle.dumps(_stacks(3) + [BAD[0]])
    fingerprint = _kb_fingerprint(Reasoner().kb)
    sent, grown, _ = workers.answer_in_child(b"another knowledge base", 0, 10, requests)
    assert sent == [("differs",)] * 4 and grown is False
    sent, _, seconds = workers.answer_in_child(fingerprint, 0, 10, requests)
    assert [answer[0] for answer in sent] == ["ok", "ok", "ok", "again"]
    assert all(answer[4] > 0 for answer in sent[:3]) and seconds > 0   # the work counted against MAX_CALL_WORK
    small = workers.ANSWER_BYTES
    try:
        workers.ANSWER_BYTES = 100
        sent, _, _ = workers.answer_in_child(fingerprint, 0, 10, requests)
    finally:
        workers.ANSWER_BYTES = small
    assert [answer[0] for answer in sent] == ["again"] * 4


def test_the_load_left_by_others(monkeypatch):
    """The load average counts this process (and the child while it works): only the others'
    load makes the machine busy (2 cores: more than 0.75 runnable besides ours)."""
    monkeypatch.setattr(api.os, "cpu_count", lambda: 2)
    for load, child_working, busy in ((1.7, False, False), (1.8, False, True), (2.7, True, False),
                                      (2.8, True, True), (0.0, False, False)):
        monkeypatch.setattr(api.os, "getloadavg", lambda: (load, load, load))
        assert api._machine_busy(child_working) is busy
    monkeypatch.setattr(api.os, "cpu_count", lambda: 1)
    assert api._machine_busy(False) is True


def test_a_request_the_child_cannot_read(forced, alone, monkeypatch):
    """A document holding a value of a class the child cannot import (a module only this process
    has): the child's task fails, this process answers that window itself, and the child stays
    usable."""
    import sys
    import types

    here = types.ModuleType("can_i_only_in_this_process")
    exec("class Use(dict):\n    pass\n", here.__dict__)
    monkeypatch.setitem(sys.modules, here.__name__, here)
    requests = _stacks(20)
    requests[15] = {**requests[15], "use": here.Use(requests[15]["use"])}
    pickle.dumps(requests[15])   # this process can pickle it
    two = Reasoner(cache_size=0, shapes=0)
    try:
        answers = two.answer_each(requests, batch_size=10)
        assert two.solvers.failed is None and two.solvers.started == 1
        assert _made_elsewhere(answers[10:]) == 0   # that window was answered here
        again = two.answer_each(_stacks(20), batch_size=10)
        assert _made_elsewhere(again) > 0 and two.solvers.started == 1
    finally:
        two.solvers.close()
    assert [_shown(a) for a in answers] == [_shown(a) for a in alone.answer_each(requests, batch_size=10)]
