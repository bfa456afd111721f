"""Batches grounded in solver processes (workers.py): the same answers as in this process, the
children replaced after their tasks, and a child that fails or cannot start never costs an
answer (the batch is grounded here)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading

import pytest

from reasoner import workers
from reasoner.api import Reasoner
from reasoner.kb import KnowledgeBase

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
import bench  # noqa: E402  (the benchmark's realistic requests)

FORBIDDEN = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": True}}


def _requests(count: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    catalog = sorted(KnowledgeBase.load().catalog)
    return [bench.realistic(rng, i, catalog) for i in range(count)]


def _documents(answers) -> list[str]:
    return [json.dumps(a.to_json() if hasattr(a, "to_json") else f"{type(a).__name__}: {a}", sort_keys=True)
            for a in answers]


@pytest.fixture(scope="module")
def here():
    """A Reasoner that grounds every batch in this process."""
    return Reasoner(cache_size=0, solver_processes=0)


def _children(**policy) -> Reasoner:
    reasoner = Reasoner(cache_size=0, shapes=0)
    reasoner.solvers.start_after = 0
    for name, value in policy.items():
        setattr(reasoner.solvers, name, value)
    return reasoner


def test_children_give_the_answers_grounded_here(here):
    requests = _requests(60) + [FORBIDDEN] * 3
    reasoner = _children()
    answers = reasoner.answer_each(requests, batch_size=10)
    assert reasoner.solvers.started >= 1 and reasoner.solvers.failed is None
    assert _documents(answers) == _documents(here.answer_each(requests, batch_size=10))
    assert [a.status for a in answers[-3:]] == ["forbidden"] * 3   # a forbidden use stays forbidden
    reasoner.solvers.close()


def test_the_parent_grounds_nothing_the_children_take(monkeypatch):
    """The point of the children: this process makes no clingo symbol for their batches."""
    import reasoner.api as api

    reasoner = _children()
    ran = []
    monkeypatch.setattr(api, "run", lambda facts, *args: ran.append(facts) or {})
    answers = reasoner.answer_each(_requests(40), batch_size=10)
    assert ran == [] and reasoner.solvers.started >= 1
    assert all(hasattr(a, "status") or type(a).__name__.endswith("Error") for a in answers)
    reasoner.solvers.close()


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_children_are_replaced_after_their_tasks(here):
    requests = _requests(20, seed=9)
    reasoner = _children(tasks_per_child=1)
    answers = reasoner.answer_each(requests, batch_size=4)
    assert reasoner.solvers.started >= 4   # 5 batches, a child each
    assert _documents(answers) == _documents(here.answer_each(requests, batch_size=4))
    reasoner.solvers.close()


def test_a_short_run_starts_no_process():
    reasoner = Reasoner(cache_size=0, shapes=0)
    reasoner.answer_each(_requests(50), batch_size=10)
    assert reasoner.solvers.started == 0 and reasoner.solvers.parallel == 0
    assert 0 < reasoner.solvers.grounded_here < workers.START_AFTER


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_a_killed_child_costs_no_answer(here):
    requests = _requests(30, seed=3) + [FORBIDDEN]
    reasoner = _children()
    reasoner.answer_each(requests[:4], batch_size=2)      # children started
    for child in reasoner.solvers._running:
        child.process.kill()
        child.process.wait()
    answers = reasoner.answer_each(requests, batch_size=4)
    assert _documents(answers) == _documents(here.answer_each(requests, batch_size=4))
    assert answers[-1].status == "forbidden"
    assert reasoner.solvers.failed and "solver process" in reasoner.solvers.failed


def test_a_child_that_cannot_start_costs_no_answer(here, monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    requests = _requests(20, seed=4) + [FORBIDDEN]
    reasoner = _children()
    answers = reasoner.answer_each(requests, batch_size=4)
    assert reasoner.solvers.started == 0 and "did not start" in reasoner.solvers.failed
    assert _documents(answers) == _documents(here.answer_each(requests, batch_size=4))
    assert answers[-1].status == "forbidden"


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_threads_share_the_children(here):
    requests = _requests(40, seed=6)
    reasoner = _children()
    results: dict = {}

    def ask(name, part):
        results[name] = reasoner.answer_each(part, batch_size=5)

    threads = [threading.Thread(target=ask, args=(i, requests[i::2])) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(2):
        assert _documents(results[i]) == _documents(here.answer_each(requests[i::2], batch_size=5))
    reasoner.solvers.close()


def test_children_end_with_their_parent(tmp_path):
    """A parent that ends with os._exit (fast.py does) or is killed leaves no child behind: a
    child ends at the end of its input."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, random, sys\n"
        f"sys.path.insert(0, {os.path.join(os.path.dirname(__file__), '..', 'benchmarks')!r})\n"
        "from reasoner.api import Reasoner\n"
        "r = Reasoner(cache_size=0, shapes=0)\n"
        "r.solvers.start_after = 0\n"
        "r.answer_each([{'licenses': [name], 'use': {'acts': ['host']}} for name in ('mit', 'apache-2.0', 'cc-by-4.0', 'gemma')], batch_size=2)\n"
        "print(' '.join(str(c.process.pid) for c in r.solvers._running), flush=True)\n"
        "os._exit(0)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    pids = [int(pid) for pid in done.stdout.split()]
    assert pids, done.stderr
    for pid in pids:   # the children are ours only until they end: wait for them, boundedly
        for _ in range(600):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            if _is_zombie(pid):
                break
            threading.Event().wait(0.1)
        else:
            pytest.fail(f"solver process {pid} outlived its parent")


def _is_zombie(pid: int) -> bool:
    return workers.process_state(pid) in (None, b"Z")   # gone, or ended and not yet waited for


def test_close_all_stops_the_children():
    reasoner = _children()
    reasoner.answer_each(_requests(8, seed=2), batch_size=2)
    processes = [child.process for child in reasoner.solvers._running]
    assert processes
    workers.close_all()
    assert all(process.poll() is not None for process in processes)
    assert reasoner.solvers._running == []


def test_a_fact_list_clingo_cannot_read_back_stays_here():
    from clingo import Function, Number

    assert workers._readable([Function("f", [Number(1)])]) == "(f(1),)"
    assert workers._readable([Function("Upper")]) is None   # reads back as a variable


MUTATIONS = [   # a forbidden request, and what a user might write instead: none may come back YES
    '{"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": ["CC-BY-NC-4.0"], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": ["ｃｃ-ｂｙ-ｎｃ-４.０"], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": [" cc-by-nc-4.0 "], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": ["cc-by-nc-4.O"], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["hosst"], "commercial": true}}',
    '{"licenses": ["cc-by-nc-4.0"], "use": {"acts": [], "commercial": true}}',
    '{"licenses": [], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": false, "commercial": true}}',
    '{"artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"}], "use": {"acts": ["host"], "release_mau": "800M", '
    '"role": "licensee"}}',
    '{"artifacts": [{"id": "META-LLAMA/meta-llama-3-8b"}], "use": {"acts": ["host"], "release_mau": "800M", '
    '"role": "licensee"}}',
]


def test_mutations_of_a_forbidden_request_stay_unpermitted_through_the_children(here):
    """JSON Lines as the CLI reads them (a duplicate key is the line's own error), batched two by
    two so that every batch goes to a child: other case, full-width letters, spaces, a typo, an
    empty list, a catalog model's card under another case. None is permitted, and each gets what
    it gets in this process."""
    from reasoner.api import decode_requests

    lines = decode_requests("\n".join(MUTATIONS * 2), "mutations.jsonl", lines=True)
    requests = [document for _, document in lines]
    reasoner = _children()
    answers = reasoner.answer_each(requests, batch_size=2)
    assert reasoner.solvers.started >= 1 and reasoner.solvers.failed is None
    assert not any(getattr(answer, "status", None) == "permitted" for answer in answers)
    assert _documents(answers) == _documents(here.answer_each(requests, batch_size=2))
    assert [getattr(a, "status", None) for a in answers[:2]] == ["forbidden", "forbidden"]
    reasoner.solvers.close()
