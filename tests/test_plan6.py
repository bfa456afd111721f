"""Issue 12, batched questions: a prepared structure is solved from a copy of its ground program.

shapes.py keeps, per prepared structure, a Control read back from the aspif output of the
grounding (not the Control that grounded it, which also holds gringo's domains), and solves it
through clingo's C functions. These tests bound that work (symbols kept, solve calls, files left)
and check that answers stay those of a grounding Control and of a fresh process, on shuffled and
adversarial requests, forbidden ones included; none measures time.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import clingo
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine_requests  # noqa: E402

from reasoner import Reasoner, shapes  # noqa: E402
from reasoner.errors import CanIError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STACKS = [("llama3", "llama3", "llama"), ("gemma", "apache-2.0", "gemma"), ("cc-by-nc-4.0", "apache-2.0", "cohere"),
          ("llama3.1", "mit", "llama")]


def stack(rng: random.Random, index: int) -> dict:
    """A 3-artifact stack as bench.py's `three_artifacts` makes them, a few structures only."""
    base, middle, family = STACKS[index % len(STACKS)]
    use = {"acts": rng.sample(["use", "host", "distribute"], rng.randint(1, 2))}
    if rng.random() < 0.8:
        use["mau"] = rng.choice([0, 699_999_999, 700_000_000, 700_000_001, rng.randint(0, 2_000_000_000)])
    if rng.random() < 0.7:
        use["commercial"] = rng.random() < 0.5
    return {"artifacts": [
        {"id": f"org/base-{index % 5}", "license": base, "family": family},
        {"id": f"org/tuned-{index}", "license": f"{base} AND {middle}",
         "derived_from": [{"id": f"org/base-{index % 5}", "relation": "finetune"}]},
        {"id": f"me/model-{index}", "mine": True, "family": family,
         "derived_from": [{"id": f"org/tuned-{index}", "relation": "finetune"}]},
    ], "subject": f"me/model-{index}", "use": use}


# Forbidden (or at least never permitted) whatever was asked of their structure before.
FORBIDDEN = [
    {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "700000001", "role": "licensee"}},
    {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}},
    {"licenses": ["no-such-license-xyz"], "use": {"acts": ["use"]}},
]
PERMITTED_TWINS = [
    {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "10M", "role": "licensee"}},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": False}},
]


def adversarial(count: int, seed: int) -> list:
    """Stacks, shuffled, with forbidden requests after their permitted twins, bad input and
    generated requests of other structures between them."""
    rng = random.Random(seed)
    asked = [stack(rng, i) for i in range(count)]
    asked += PERMITTED_TWINS * 3 + FORBIDDEN * 2
    asked += engine_requests.requests(6, seed=seed)
    asked += [{"licenses": ["mit"], "use": {"acts": ["fly"]}}, {"artifacts": "nope"}]
    rng.shuffle(asked)
    return asked


def prepared_at_once(**options) -> Reasoner:
    """A Reasoner whose shapes prepare every structure at its first sighting."""
    reasoner = Reasoner(cache_size=0, **options)
    reasoner.shapes = shapes.Shapes(capacity=64, admit_after=1, start_after=0)
    return reasoner


def documents(answers) -> list:
    return [(type(a).__name__, str(a)) if isinstance(a, CanIError) else (a.to_json(), repr(a)) for a in answers]


@pytest.fixture(scope="module")
def asked() -> list:
    return adversarial(24, seed=3)


@pytest.fixture(scope="module")
def answered(asked) -> tuple:
    """The asked requests answered twice by one Reasoner (the second time every structure is
    prepared), and that Reasoner."""
    reasoner = prepared_at_once()
    first = documents(reasoner.answer_each(asked))
    again = documents(reasoner.answer_each(asked))
    return first, again, reasoner


def test_a_prepared_structure_keeps_only_its_ground_program(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read_back = shapes._COMPACTED[0]
    reasoner = prepared_at_once()
    rng = random.Random(1)
    asked = [stack(rng, 4 * i) for i in range(12)]   # one structure (llama3), values varied
    got = documents(reasoner.answer_each(asked))
    assert reasoner.shapes.prepared == 1 and reasoner.shapes.answered >= 8
    assert shapes._COMPACTED[0] == read_back + 1
    (kept,) = reasoner.shapes._prepared.values()
    # The grounding's atoms with their symbols stay behind; the copy has only the shown ones.
    assert len(kept.control.symbolic_atoms) * 4 < kept.size
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []   # the file is removed (its directory, this process's own, at exit)
    fresh = Reasoner(cache_size=0, shapes=0)
    assert got == documents(fresh.answer_each(asked))


def test_answers_equal_the_grounding_controls_and_a_fresh_process(asked, answered):
    first, again, reasoner = answered
    assert reasoner.shapes.answered >= len(asked)   # the second pass went through prepared structures
    assert first == again
    before = shapes.COMPACT
    try:
        shapes.COMPACT = False
        grounding = prepared_at_once()
        grounding.answer_each(asked)
        assert documents(grounding.answer_each(asked)) == again
    finally:
        shapes.COMPACT = before
    code = ("import json, sys; from reasoner import Reasoner; from reasoner.errors import CanIError; "
            "r = Reasoner(cache_size=0, shapes=0); asked = json.load(sys.stdin); "
            "print(json.dumps([[type(a).__name__, str(a)] if isinstance(a, CanIError) else a.to_json() "
            "for a in r.answer_each(asked)]))")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(asked), capture_output=True, text=True,
                          cwd=ROOT, check=True)
    fresh = json.loads(done.stdout)
    assert json.loads(json.dumps([list(d) if isinstance(d[0], str) else d[0] for d in again])) == fresh


def test_forbidden_requests_stay_forbidden_through_a_shared_control(asked, answered):
    _, again, _ = answered
    statuses = {json.dumps(q, sort_keys=True): d[0]["status"] for q, d in zip(asked, again) if isinstance(d[0], dict)}
    for request in FORBIDDEN:
        assert statuses[json.dumps(request, sort_keys=True)] != "permitted", request
    for request in PERMITTED_TWINS:
        assert statuses[json.dumps(request, sort_keys=True)] == "permitted", request
    # and asked alone, right after their permitted twins, on the same prepared structures
    reasoner = prepared_at_once()
    for twin, request in zip(PERMITTED_TWINS, FORBIDDEN[1:3]):
        assert reasoner.ask(twin).status == "permitted"
        assert reasoner.ask(request).status == "forbidden"
        assert reasoner.ask(twin).status == "permitted"


def test_answers_do_not_depend_on_the_order_of_a_models_atoms(monkeypatch, asked, answered):
    """The copy's model lists the shown symbols in another order than the grounding's: explain
    must read them as a set. Reversed and shuffled, every answer is the same."""
    _, again, reasoner = answered   # every structure prepared
    read = shapes._Prepared._atoms
    for order in ("reversed", "shuffled"):
        rng = random.Random(9)

        def reordered(self, numbers, order=order, rng=rng):
            atoms = list(read(self, numbers))
            if order == "reversed":
                atoms.reverse()
            else:
                rng.shuffle(atoms)
            return atoms

        monkeypatch.setattr(shapes._Prepared, "_atoms", reordered)
        assert documents(reasoner.answer_each(asked)) == again, order


def test_one_solve_per_prepared_question_and_assumptions_built_once_per_values(monkeypatch):
    solves = []
    solve = shapes._Prepared._solve_c if shapes.C_SOLVE else shapes._Prepared._solve_py
    name = "_solve_c" if shapes.C_SOLVE else "_solve_py"
    monkeypatch.setattr(shapes._Prepared, name, lambda self, *a: (solves.append(1), solve(self, *a))[1])
    reasoner = prepared_at_once()
    ask = [{"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": mau, "role": "licensee"}}
           for mau in (1, 2, 3, 800_000_000, 900_000_000) * 4]
    for request in ask:   # one call each: a call solves each of its distinct questions once
        reasoner.ask(request)
    assert len(solves) == reasoner.shapes.answered == 20
    (kept,) = reasoner.shapes._prepared.values()
    assert len(kept.assumptions) == 2   # two threshold cells: their assumptions are built once each


def test_an_interrupted_read_leaves_the_control_usable(monkeypatch):
    reasoner = prepared_at_once()
    request = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "10M", "role": "licensee"}}
    expected = reasoner.ask(request).to_json()
    read = shapes._Prepared._atoms
    calls = []

    def interrupted(self, numbers):
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return read(self, numbers)

    monkeypatch.setattr(shapes._Prepared, "_atoms", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reasoner.ask(request)
    assert reasoner.ask(request).to_json() == expected   # the solve handle was closed: no "already solving"
    assert reasoner.shapes.prepared == 1


def test_an_unreadable_ground_program_is_prepared_as_before(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    request = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}
    expected = Reasoner(cache_size=0, shapes=0).ask(request).to_json()

    def unreadable(self, files):
        raise RuntimeError("parsing failed")

    monkeypatch.setattr(clingo.Control, "load_aspif", unreadable)
    failed = shapes._COMPACTED[1]
    reasoner = prepared_at_once()
    assert reasoner.ask(request).to_json() == expected
    assert reasoner.ask(request).to_json() == expected
    assert shapes._COMPACTED[1] == failed + 1
    (kept,) = reasoner.shapes._prepared.values()
    assert len(kept.control.symbolic_atoms) == kept.size   # the grounding Control itself
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    monkeypatch.setattr(shapes, "_ground_program_file", lambda: None)   # no temporary file to be had
    reasoner = prepared_at_once()
    assert reasoner.ask(request).to_json() == expected
    assert reasoner.ask(request).status == "forbidden"
