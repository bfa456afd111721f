"""Prepared question shapes (reasoner/shapes.py): a structure grounded once, its questions
answered by switching `#external` value atoms, give exactly the answers of a fresh grounding.

The differential tests vary the values of generated requests (acts, flags, numbers on and around
every threshold the knowledge base has) and ask each variant through one prepared structure and
through a Reasoner that grounds every question afresh. Work is bounded by counts (structures
prepared, questions answered from them, ground calls), never by time.
"""

from __future__ import annotations

import doctest
import gc
import random
import sys
import threading
import weakref
from pathlib import Path

import clingo
import clingo.ast  # noqa: F401 (the backend test builds syntax trees)
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import engine_requests  # noqa: E402

from reasoner import Reasoner, api, schema, shapes  # noqa: E402
from reasoner.licenses import Compare  # noqa: E402
from reasoner.request import USE_ACTS  # noqa: E402

FRESH = Reasoner(cache_size=0, shapes=0)
FLAGS = [f for f in schema.USE_FACTS if f.type == schema.FLAG and f.condition and f.about == schema.USE]
NUMBERS = [f for f in schema.USE_FACTS if f.number]


def thresholds() -> dict[str, list[int]]:
    """Per number fact, every value the bundled licenses compare it with."""
    cuts: dict[str, set] = {f.name: set() for f in NUMBERS}
    for lid in FRESH.kb.licenses:
        for condition in FRESH.kb.licenses[lid].conditions.values():
            if isinstance(condition, Compare) and condition.fact in cuts:
                cuts[condition.fact].add(int(condition.value))
    return {name: sorted(values) for name, values in cuts.items()}


CUTS = thresholds()


def warmed(**options) -> Reasoner:
    """A Reasoner whose shapes do not wait for a new Reasoner's first questions (shapes.py:
    EAGER_AFTER), so that lone questions are prepared at first sight."""
    reasoner = Reasoner(cache_size=0, **options)
    reasoner.shapes = shapes.Shapes(reasoner.shapes.capacity, start_after=0)
    return reasoner


def at_once(capacity: int) -> shapes.Shapes:
    """Shapes that prepare every structure at its first sighting (past the warm-up of a new
    Reasoner), so that every question of a test goes through a prepared grounding."""
    return shapes.Shapes(capacity=capacity, admit_after=1, start_after=0)


def variant(document: dict, rng: random.Random) -> dict:
    """The document with other values: acts, flags and numbers (on, just under and just over a
    threshold, zero, or unstated); its structure (artifacts, licenses, edges, grants) is kept."""
    use = {k: v for k, v in document.get("use", {}).items()
           if k not in {f.field for f in FLAGS + NUMBERS} | {"acts"}}
    if "acts" in document.get("use", {}):
        use["acts"] = rng.sample(list(USE_ACTS), rng.randint(1, len(USE_ACTS)))
    for fact in FLAGS:
        roll = rng.random()
        if roll < 0.6:
            use[fact.field] = roll < 0.3
    for fact in NUMBERS:
        if rng.random() < 0.5:
            cut = rng.choice(CUTS[fact.name] or [0])
            use[fact.field] = max(0, rng.choice([0, cut - 1, cut, cut + 1, rng.randint(0, 2 * cut + 10)]))
    return dict(document, use=use)


def differential(structures: int, variants: int, seed: int = 7) -> tuple[list, Reasoner]:
    """(mismatching variants, the prepared Reasoner) over `structures` generated requests."""
    rng = random.Random(seed)
    documents = engine_requests.requests(structures)
    asked = [variant(d, rng) for d in documents for _ in range(variants)]
    prepared = Reasoner(cache_size=0)
    prepared.shapes = at_once(4 * structures)
    expected = engine_requests.answer_digests(FRESH, asked, batch_size=200)
    got = [engine_requests.digest(a) for a in prepared.answer_each(asked, batch_size=1)]
    got_batched = engine_requests.answer_digests(prepared, asked, batch_size=200)
    bad = [(i, asked[i]) for i, (a, b, c) in enumerate(zip(expected, got, got_batched)) if not a == b == c]
    return bad, prepared


def test_switching_values_on_a_prepared_structure_answers_as_a_fresh_grounding():
    bad, prepared = differential(30, 6)   # 500 structures under -m slow, below
    assert not bad, f"{len(bad)} variants differ, first: {bad[:2]}"
    assert prepared.shapes.reused > 70   # of 180 variants   # most variants were answered by an earlier grounding


@pytest.mark.slow
def test_switching_values_differential_at_scale():
    bad, prepared = differential(500, 8, seed=11)
    assert not bad, f"{len(bad)} variants differ, first: {bad[:2]}"


def stored_when_prepared(count: int) -> None:
    """The first `count` generated requests, each structure prepared at first sight, answer as
    the stored digests of tests/test_engine_equivalence.py say."""
    reasoner = Reasoner(cache_size=0)
    reasoner.shapes = at_once(64)
    documents = engine_requests.requests(count)
    expected = __import__("test_engine_equivalence").stored_digests()[:count]
    assert engine_requests.answer_digests(reasoner, documents, batch_size=50) == expected
    assert reasoner.shapes.answered >= 0.9 * count


def test_generated_requests_answer_as_stored_when_every_structure_is_prepared():
    stored_when_prepared(40)   # 1,500 under -m slow, below


@pytest.mark.slow
def test_more_generated_requests_answer_as_stored_when_every_structure_is_prepared():
    # 1,500 of the 10,000: each is a structure of its own, prepared at ~30-50 ms
    stored_when_prepared(1_500)


def test_a_forbidden_variant_of_a_prepared_permitted_question_stays_forbidden():
    """The mutation test of this input path: prepare with a YES, then switch to a NO."""
    reasoner = warmed()
    ok = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "10M", "role": "licensee"}}
    over = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "700000001", "role": "licensee"}}
    at = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "700M", "role": "licensee"}}
    assert reasoner.ask(ok).status == "permitted"
    assert reasoner.ask(over).status != "permitted"
    assert reasoner.ask(at).status == FRESH.ask(at).status
    assert reasoner.ask(over).to_json() == FRESH.ask(over).to_json()
    assert (reasoner.shapes.prepared, reasoner.shapes.reused) == (1, 3)


def test_gringo_reads_backend_atoms_as_facts_so_values_are_declared_external():
    """Why shapes.py declares values with `#external` syntax trees: an atom added through the
    backend before grounding is taken for a fact, and `nh :- q(V), V >= 10` is instantiated for
    the first q(V) only. If clingo changes this, the workaround may go, not the test's point."""
    def nh_for_each(declare) -> list[bool]:
        control = clingo.Control(["--warn=none"])
        control.add("base", [], "nh :- q(V), V >= 10. #show nh/0.")
        values = [clingo.Number(v) for v in (10, 11, 12)]
        literals = declare(control, values)
        out = []
        for v in values:
            with control.solve(assumptions=[l if k == v else -l for k, l in literals.items()], yield_=True) as h:
                out.append(any(str(s) == "nh" for m in h for s in m.symbols(shown=True)))
        return out

    def through_backend(control, values):
        with control.backend() as backend:
            literals = {v: backend.add_atom(clingo.Function("q", [v])) for v in values}
            for literal in literals.values():
                backend.add_external(literal, clingo.TruthValue.Free)
        control.ground([("base", [])])
        return literals

    def as_syntax(control, values):
        where = clingo.ast.Location(clingo.ast.Position("<t>", 1, 1), clingo.ast.Position("<t>", 1, 1))
        with clingo.ast.ProgramBuilder(control) as builder:
            for v in values:
                atom = clingo.ast.SymbolicAtom(clingo.ast.SymbolicTerm(where, clingo.Function("q", [v])))
                builder.add(clingo.ast.External(where, atom, [], clingo.ast.SymbolicTerm(where, clingo.Function("free"))))
        control.ground([("base", [])])
        return {v: control.symbolic_atoms[clingo.Function("q", [v])].literal for v in values}

    assert nh_for_each(as_syntax) == [True, True, True]
    assert nh_for_each(through_backend) != [True, True, True]   # the trap shapes.py avoids


def test_a_structure_is_grounded_once_for_all_its_questions(monkeypatch):
    reasoner = warmed()
    grounds = []
    original = clingo.Control.ground
    monkeypatch.setattr(clingo.Control, "ground", lambda self, *a, **k: (grounds.append(1), original(self, *a, **k))[1])
    for mau in range(0, 2_000_000_000, 100_000_000):
        reasoner.ask({"licenses": ["llama3.1"], "use": {"acts": ["use", "host"], "mau": mau, "commercial": mau % 3 == 0}})
    assert len(grounds) == 1
    assert (reasoner.shapes.prepared, reasoner.shapes.answered) == (1, 20)   # (the warm-up question: afresh)


def test_values_outside_the_prepared_domain_are_grounded_afresh():
    reasoner = warmed()
    question = reasoner._plan({"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "10M"}}).scenes[0]
    fixed = tuple(reasoner.kb.licenses[lid].facts for lid in reasoner.kb.related(question.used))
    key = question.key[1]
    assert reasoner.shapes.answer(question.scene, key, question.used, fixed, batch=None) is not None
    off_cell = (key[0], key[1], (("mau", 12_345),), key[3], key[4])   # not canonical: never made by a Scene
    assert reasoner.shapes.answer(question.scene, off_cell, question.used, fixed, batch=None) is None


def test_batches_prepare_a_structure_only_when_it_comes_back():
    reasoner = warmed()
    once = [{"licenses": [lid], "use": {"acts": ["use"]}} for lid in ("mit", "apache-2.0", "bsd-3-clause")]
    reasoner.ask_many(once)
    assert reasoner.shapes.prepared == 0               # three structures seen once: one grounding
    again = [{"licenses": ["mit"], "use": {"acts": acts}} for acts in (["use"], ["host"], ["distribute"])] * 2
    reasoner.ask_many(again)                           # one structure, three distinct questions
    assert reasoner.shapes.prepared == 0
    reasoner.ask_many(again)
    assert reasoner.shapes.prepared == 1               # its sixth question (`admit_after`)
    assert [a.to_json() for a in reasoner.ask_many(again)] == [a.to_json() for a in FRESH.ask_many(again)]


def test_a_new_reasoner_prepares_nothing_for_its_first_questions():
    """The command line asks a verdict and its remedies (5-15 questions): no grounding it would
    never use again is prepared."""
    reasoner = Reasoner(cache_size=0)
    for acts in (["host"], ["distribute"]):
        answer = reasoner.ask({"licenses": ["llama3"], "use": {"acts": acts, "release_mau": "800M"}, "remedies": True})
        assert answer.status == "depends" and answer.remedies
    # A one-artifact question's remedies are asked again in the search's own grounding
    # (remedies.ASK_IN_SEARCH_UP_TO); a lineage's in a batch, offered to the prepared structures.
    lineage = {"artifacts": [{"id": "b", "license": "llama3"},
                             {"id": "a", "license": "apache-2.0", "derived_from": [{"id": "b", "relation": "finetune"}]}],
               "subject": "a", "use": {"acts": ["distribute"], "release_mau": "800M"}, "remedies": True}
    assert reasoner.ask(lineage).remedies
    assert reasoner.shapes.prepared == 0 and 3 < reasoner.shapes._asked <= shapes.Shapes.EAGER_AFTER


def test_capacity_bounds_the_controls_held_and_evicted_ones_are_freed_without_the_collector():
    reasoner = warmed(shapes=3)
    held = []
    gc.disable()
    try:
        for lid in ("mit", "apache-2.0", "bsd-3-clause", "llama3", "gemma", "cc-by-4.0"):
            reasoner.ask({"licenses": [lid], "use": {"acts": ["use"]}})
            held.append(weakref.ref(next(reversed(reasoner.shapes._prepared.values())).control))
        assert len(reasoner.shapes._prepared) == 3
        assert [ref() is None for ref in held] == [True, True, True, False, False, False]
    finally:
        gc.enable()


def test_a_structure_grounded_with_other_license_facts_is_prepared_again():
    """Prepared groundings hold the license facts they were made with: facts given as other
    lists (a knowledge base whose license was replaced) are not answered by the old grounding."""
    reasoner = warmed()
    question = reasoner._plan({"licenses": ["mit"], "use": {"acts": ["use"]}}).scenes[0]
    fixed = tuple(reasoner.kb.licenses[lid].facts for lid in reasoner.kb.related(question.used))
    for facts in (fixed, fixed, tuple(list(f) for f in fixed)):
        assert reasoner.shapes.answer(question.scene, question.key[1], question.used, facts, batch=None)
    assert reasoner.shapes.prepared == 2


def test_threads_sharing_a_structure_get_the_answers_of_one_at_a_time():
    reasoner = warmed()
    requests = [{"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": mau, "role": "licensee"}}
                for mau in (1, 699_999_999, 700_000_000, 700_000_001, 2_000_000_000) * 6]
    expected = [FRESH.ask(r).status for r in requests[:5]] * 6
    got: dict = {}

    def work(offset: int) -> None:
        for i in range(offset, len(requests), 4):
            got[i] = reasoner.ask(requests[i]).status

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(len(requests))] == expected


def test_the_module_examples_hold():
    assert doctest.testmod(shapes).failed == 0


def test_a_reasoner_without_shapes_never_prepares():
    reasoner = Reasoner(cache_size=0, shapes=0)
    for _ in range(3):
        reasoner.ask({"licenses": ["mit"], "use": {"acts": ["use"]}})
    assert reasoner.shapes.prepared == 0 and api.SHAPES > 0


def test_the_atom_budget_bounds_what_is_kept_and_a_structure_too_large_is_grounded_afresh():
    reasoner = Reasoner(cache_size=0)
    # A structure is kept up to a quarter of the budget: the mit one (312 atoms) alone, none larger.
    reasoner.shapes = shapes.Shapes(capacity=64, atoms=1_260, start_after=0)
    for lid in ("mit", "apache-2.0", "bsd-3-clause", "cc-by-4.0", "llama3"):
        reasoner.ask({"licenses": [lid], "use": {"acts": ["use"]}})
        assert reasoner.shapes._held == sum(p.size for p in reasoner.shapes._prepared.values()) <= 1_260
    assert 0 < len(reasoner.shapes._prepared) < 5
    big = {"licenses": ["llama3"], "use": {"acts": ["host"], "mau": 5}}
    answered = reasoner.shapes.answered
    statuses = [reasoner.ask(big).status for _ in range(3)]
    assert statuses == [FRESH.ask(big).status] * 3
    assert reasoner.shapes.answered - answered <= 1   # too large to keep: answered once, then afresh


def test_a_long_lineage_is_always_grounded_afresh():
    reasoner = warmed()
    chain = [{"id": "m0", "license": "llama3"}] + [
        {"id": f"m{i}", "license": "apache-2.0", "derived_from": [{"id": f"m{i - 1}", "relation": "finetune"}]}
        for i in range(1, shapes.Shapes.MAX_ARTIFACTS + 1)]
    for mau in (5, 10**9):
        reasoner.ask({"artifacts": chain, "subject": chain[-1]["id"], "use": {"acts": ["host"], "release_mau": mau}})
    assert reasoner.shapes.prepared == 0


def test_a_batch_holding_many_questions_of_one_structure_prepares_it_at_once():
    reasoner = warmed()
    many = [{"licenses": ["llama3"], "use": {"acts": acts, "release_mau": mau}}
            for acts in (["host"], ["use"], ["distribute"]) for mau in (1, 800_000_000)]
    assert [a.to_json() for a in reasoner.ask_many(many)] == [a.to_json() for a in FRESH.ask_many(many)]
    assert (reasoner.shapes.prepared, reasoner.shapes.answered) == (1, 6)


def test_a_new_reasoner_starts_preparing_after_its_first_questions():
    reasoner = Reasoner(cache_size=0)
    for mau in range(shapes.Shapes.EAGER_AFTER + 3):
        reasoner.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": mau % 2 * 800_000_000}})
    assert reasoner.shapes.prepared == 1 and reasoner.shapes.answered == 3


def test_the_threshold_table_is_bounded(monkeypatch):
    monkeypatch.setattr(api, "THRESHOLD_CACHE", 3)
    reasoner = Reasoner(cache_size=0, shapes=0)
    for lid in ("mit", "apache-2.0", "llama3", "gemma", "llama3.1"):
        reasoner.ask({"licenses": [lid], "use": {"acts": ["use"], "mau": 5}})
        assert len(reasoner._threshold_cache) <= 3
    assert reasoner.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M",
                                                         "role": "licensee"}}).status == "forbidden"


@pytest.mark.parametrize("spelling", ["LLAMA3", "Llama3", "llama3 ", "ｌｌａｍａ３"])
def test_another_spelling_of_a_prepared_license_does_not_turn_a_no_into_a_yes(spelling):
    """Mutation test: a structure prepared on a YES, then the NO asked with the license written
    otherwise (case, a space, full-width letters): the same answer as a fresh grounding, never YES."""
    reasoner = warmed()
    ok = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "10M", "role": "licensee"}}
    no = {"licenses": [spelling], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}
    assert reasoner.ask(ok).status == "permitted"
    try:
        expected = FRESH.ask(no).to_json()
    except Exception as error:   # a spelling can-i refuses is refused on both paths alike
        with pytest.raises(type(error)):
            reasoner.ask(no)
        return
    got = reasoner.ask(no).to_json()
    assert got == expected and got["status"] != "permitted"
