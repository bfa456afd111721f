"""Issue 12, a 100,000-deep lineage in 300 MiB (session 4): what a big question costs, bounded by
counts (atoms, statements, objects), never by time or resident memory; the figures are in
benchmarks/size.py and NOTES-deep.md.

- the per-model answer atoms are shown as themselves, and read_shown tells their question by
  their artifact number;
- one big question grounded alone gets no in_question facts (solve.alone_statements), and
  answers byte for byte as with them;
- Artifact and Edge are records with __slots__ (records.dataclass(slots=True));
- prepared structures that are no longer asked are dropped (shapes.py, IDLE).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
from pathlib import Path

import clingo
import pytest

from reasoner import solve, terms
from reasoner.api import Reasoner
from reasoner.records import dataclass, field
from reasoner.request import Artifact, Edge

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_size import _answer_without_runs as _one_fact_at_a_time, chain  # noqa: E402

R = Reasoner(cache_size=0)


def _with(doc: dict, *, every=None, at=None, **use) -> dict:
    """A copy of `doc` with fields set on every model between the root and the last (`every`),
    on one model (`at`: (index, fields)), and use facts changed."""
    doc = copy.deepcopy(doc)
    for artifact in doc["artifacts"][1:-1]:
        artifact.update(every or {})
    if at is not None:
        doc["artifacts"][at[0]].update(at[1])
    doc["use"].update(use)
    return doc


# Lineages whose answers read in_question at artifacts other than the subject: unknown terms on
# the way (unknown_any), a held grant (grant_covers over every artifact), an outbound license
# (clash sites, relicense_conflict), the user's own models (contexts on each edge), a licensor's
# release on the way, and a copyleft clash distributed.
LINEAGES = {
    "forbidden": chain(1_500),
    "unknown terms on the way": _with(chain(1_500), at=(700, {"license": "not-a-known-license-xyz"})),
    "a grant held": _with(chain(1_500), grants=["meta"]),
    "relicensed out": _with(chain(1_500), acts=["distribute"], outbound_license="apache-2.0"),
    "the user's own models": chain(1_000, mine=True),
    "a copyleft clash": _with(chain(1_500), every={"license": "gpl-3.0"}, at=(1, {"license": "cc-by-sa-4.0"}),
                              acts=["distribute"], release_mau=None, role=None),
    "names on the way": _with(chain(1_500), every={"name": "Llama-3-step"}, at=(900, {"name": "other"})),
}


@pytest.mark.parametrize("name", sorted(LINEAGES))
def test_a_big_question_alone_answers_as_with_in_question_facts(name):
    doc = LINEAGES[name]
    alone = R.ask(doc)
    assert alone.to_json() == _one_fact_at_a_time(doc).to_json()
    together = R.ask_many([doc, chain(3)], batch_size=10)[0]   # grounded with another: in_question facts
    assert together.to_json() == alone.to_json()


def test_a_forbidden_big_question_stays_forbidden_alone_and_unknown_terms_stay_unknown():
    assert R.ask(LINEAGES["forbidden"]).status == "forbidden"
    assert R.ask(_with(chain(1_500), at=(700, {"license": "not-a-known-license-xyz"}), release_mau=5)).status \
        == "unknown"


def _alone_program(doc: dict) -> tuple[clingo.Control, solve.Facts]:
    plan = R._plan(doc)
    question = plan.scenes[0]
    fixed = tuple(R.kb.licenses[lid].facts for lid in R.kb.related(question.used))
    facts, _ = solve.batch_facts(fixed, [question.scene])
    control = clingo.Control(["--warn=none"])
    indexes = frozenset(solve.fact_index(known) for known in (solve.schema_facts(), *facts.fixed))
    present = frozenset(facts[i].name for i in range(facts.questions_from, len(facts)))
    solve.rule_statements(control, present, indexes, facts.alone)
    solve.add_facts(control, list(solve.schema_facts()) + list(facts))
    control.ground([("base", [])], context=solve.RuleFunctions())
    return control, facts


def test_a_big_question_alone_holds_five_ground_atoms_per_model_and_no_in_question():
    """own, edge, bound, applies and carried per model of benchmarks/size.py's deep chain (before
    this session: in_question and two out/2 atoms beside them, 8 in all)."""
    (small, facts), (large, _) = _alone_program(chain(2_000)), _alone_program(chain(4_000))
    assert facts.alone
    assert not any(True for _ in large.symbolic_atoms.by_signature("in_question", 2))
    assert (len(large.symbolic_atoms) - len(small.symbolic_atoms)) / 2_000 <= 5.01


def test_only_one_big_question_is_grounded_alone():
    scene = R._plan(chain(1_500)).scenes[0].scene
    small = R._plan(chain(3)).scenes[0].scene
    assert solve.batch_facts((), [scene])[0].alone
    assert not solve.batch_facts((), [small])[0].alone
    assert not solve.batch_facts((), [scene, small])[0].alone
    with pytest.raises(ValueError):
        solve.question_facts(scene, 1, 0, alone=True)


def test_the_alone_statements_read_in_question_as_question_zero_and_nothing_else_changes():
    from clingo import ast

    positions = tuple(range(len(solve._dependencies())))
    original, alone = solve._parsed(list(positions)), solve.alone_statements(positions)
    changed = [(a, b) for a, b in zip(original, alone) if str(a) != str(b)]
    assert changed and len(changed) == sum("in_question(" in str(a) for a in original)
    for before, after in changed:
        assert "in_question(" not in str(after) and " = 0" in str(after)
        assert str(before).replace("in_question(", "") != str(after)   # the literal, not the rule, changed
    assert all(statement.ast_type != ast.ASTType.Rule or "in_question" not in str(statement.head)
               for statement in original)   # never derived: a fact the rules only read


# --- atoms shown as themselves, split by artifact number ------------------------------------------

def test_read_shown_gives_an_atom_shown_as_itself_to_the_question_holding_its_artifact():
    text = str(clingo.Function("", [
        clingo.Function("out", [clingo.Number(1), clingo.Function("status", [clingo.Function("permitted")])]),
        clingo.Function("applies", [clingo.Number(0), clingo.String("mit")]),
        clingo.Function("applies", [clingo.Number(4), clingo.String("mit")]),
        clingo.Function("carried", [clingo.Number(5), clingo.Number(4), clingo.Function("finetune"),
                                    clingo.String("mit")]),
        clingo.Function("applies", [clingo.Number(7), clingo.String("mit")])]))
    answers = solve.read_shown([text], [0, 3, 7])   # questions 0, 1, 2 hold artifacts 0-2, 3-6, 7-
    assert {q: [str(a) for a in atoms] for q, atoms in answers.items()} == {
        0: ['applies(0,"mit")'], 1: ["status(permitted)", 'applies(4,"mit")', 'carried(5,4,finetune,"mit")'],
        2: ['applies(7,"mit")']}
    assert list(solve.read_shown([text])) == [1, 0]   # one question: every unwrapped atom is its own


def test_a_shown_atom_is_read_the_same_wrapped_or_alone_and_out_is_never_taken_for_an_atom():
    [wrapped] = terms.parse('(out(0,applies(3,"a\\"b")),applies(3,"a\\"b"),out(2,status(forbidden)))')
    first, bare, status = wrapped.arguments
    assert first.name == "out" and str(first.arguments[1]) == str(bare) == 'applies(3,"a\\"b")'
    assert bare.arguments[1].string == 'a"b' and status.arguments[0].number == 2
    # an out/2 the one-match reader cannot take is read token by token, still as a wrapper
    [odd] = terms.parse('(out(0,many(1,2,3,4,5,6,7,8,9)),applies(1,"x"))')
    assert [t.name for t in odd.arguments] == ["out", "applies"]


def test_a_batch_answers_each_question_as_alone():
    docs = [chain(2), _with(chain(4), every={"license": "apache-2.0"}, release_mau=5),
            {"licenses": ["gpl-3.0", "mit"], "use": {"acts": ["distribute"]}}]
    batched = Reasoner(cache_size=0, shapes=0).ask_many(docs, batch_size=10)
    alone = [Reasoner(cache_size=0, shapes=0).ask(doc) for doc in docs]
    assert [r.to_json() for r in batched] == [r.to_json() for r in alone]


# --- records with slots ------------------------------------------------------------------------------

def test_artifacts_and_edges_have_slots_and_behave_as_before():
    artifact = Artifact("m", license="mit", family="llama", derived_from=(Edge("p", "finetune"),))
    assert not hasattr(artifact, "__dict__") and not hasattr(artifact.derived_from[0], "__dict__")
    assert pickle.loads(pickle.dumps(artifact)) == artifact and copy.deepcopy(artifact) == artifact
    assert dataclasses.replace(artifact, license="apache-2.0").license == "apache-2.0"
    assert dataclasses.asdict(artifact)["derived_from"] == [{"parent": "p", "relation": "finetune"}] or \
        dataclasses.asdict(artifact)["derived_from"] == ({"parent": "p", "relation": "finetune"},)
    with pytest.raises(dataclasses.FrozenInstanceError):
        artifact.license = "x"
    with pytest.raises(AttributeError):
        artifact.extra = 1
    assert hash(artifact) == hash(Artifact("m", license="mit", family="llama", derived_from=(Edge("p", "finetune"),)))


def test_a_slotted_record_is_what_the_standard_library_makes():
    @dataclass(frozen=True, slots=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple = field(default=(), compare=False)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Twin:
        x: int
        y: int = 0
        tags: tuple = dataclasses.field(default=(), compare=False)

    for cls in (Point, Twin):
        point = cls(1, tags=("a",))
        assert cls.__slots__ == ("x", "y", "tags") and not hasattr(point, "__dict__")
        assert point == cls(1) and repr(point).endswith("(x=1, y=0, tags=('a',))")
        assert copy.copy(point) == point and copy.deepcopy(point) == point   # __getstate__, __setstate__
        assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "tags"]
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 2
    with pytest.raises(TypeError, match="already specifies __slots__"):
        @dataclass(slots=True)
        class Twice:
            __slots__ = ("x",)
            x: int


# --- prepared structures that are no longer asked -------------------------------------------------

def _stack(number: int, mau: int) -> dict:
    """A structure of its own per number (the license of its middle model), asked with a value."""
    middle = ["mit", "apache-2.0", "bsd-3-clause", "cc-by-4.0", "mpl-2.0", "llama3"][number % 6]
    return {"artifacts": [{"id": "base", "license": "llama3"},
                          {"id": f"mid{number}", "license": middle, "derived_from": [{"id": "base", "relation": "finetune"}]},
                          {"id": "me", "mine": True, "derived_from": [{"id": f"mid{number}", "relation": "finetune"}]}],
            "subject": "me", "use": {"acts": ["host"], "mau": mau}}


def test_a_prepared_structure_no_longer_asked_is_dropped_and_one_in_use_is_kept():
    reasoner = Reasoner(cache_size=0)
    shapes = reasoner.shapes
    shapes.start_after, shapes.IDLE = 0, 12
    shapes.IDLE_PRESSURE = 10**9   # as if the kept structures were near the bound: idle ones go
    for mau in range(8):   # structure 0 is prepared, then asked again and again
        reasoner.ask(_stack(0, mau))
    assert shapes.prepared == 1
    for number in range(1, 6):   # five others, each asked a few times, then never again
        for mau in range(3):
            reasoner.ask(_stack(number, mau))
            reasoner.ask(_stack(0, mau))   # structure 0 stays in use
    kept = set(shapes._prepared)
    assert shapes.prepared >= 4 and len(kept) < shapes.prepared   # some were dropped
    held = sum(p.size for p in shapes._prepared.values())
    assert shapes._held == held
    assert any(p.solves > 10 for p in shapes._prepared.values())   # structure 0, still kept
    again = shapes.prepared
    for mau in range(8):
        reasoner.ask(_stack(0, mau))
    assert shapes.prepared == again   # never prepared again while in use
    # answers from prepared structures are those of a fresh grounding
    fresh = Reasoner(cache_size=0, shapes=0)
    assert all(reasoner.ask(_stack(n, 5)).to_json() == fresh.ask(_stack(n, 5)).to_json() for n in range(6))
