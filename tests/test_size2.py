"""Size, continued (issue 12 item 4): what a 100,000-artifact question holds while it is answered.

Bounds on work and objects, never on time: the compact cache key of a big scene, the artifact
facts given only where a rule reads them (and the check that no rule's reading is dropped), the
answer atoms shown by predicate, and the decoded atoms' sharing. Figures are in NOTES-size.md and
benchmarks/size.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import clingo
from clingo import ast as clingo_ast
import pytest

from reasoner import solve, terms
from reasoner.api import Reasoner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
import size as SHAPES  # noqa: E402  (benchmarks/size.py: the benchmarked shapes)

R = Reasoner(cache_size=0)


from test_size import _answer_without_runs as _without_runs  # one fact at a time, no runs


# --- the cache key of a big scene ----------------------------------------------------------------

def test_a_big_scenes_key_holds_a_table_of_kinds_and_four_bytes_an_artifact():
    """A 2,000-deep chain is three kinds of artifact (the root, the links, the user's model): its
    key holds those and an array, not a tuple per artifact."""
    scene = R._plan(SHAPES.deep(2_000)).scenes[0].scene
    assert len(scene.artifacts) >= solve.RUNS_FROM
    artifacts = scene.key()[4]
    assert artifacts[0] == "kinds" and len(artifacts[1]) <= 3
    assert type(artifacts[2]) is bytes and len(artifacts[2]) == 4 * len(scene.artifacts)


def _changed(doc: dict, i: int, **changes) -> dict:
    artifacts = [dict(a) for a in doc["artifacts"]]
    artifacts[i].update(changes)
    return {**doc, "artifacts": artifacts}


def test_big_scenes_keys_are_equal_exactly_when_the_questions_are():
    """The compact key is exact: the same question gives the same key, and any change the solver
    sees (a license, an edge's relation or parent, a stated field, which model is the user's)
    another one."""
    doc = SHAPES.deep(1_500)
    key = R._plan(doc).scenes[0].key
    assert R._plan(SHAPES.deep(1_500)).scenes[0].key == key
    edge = doc["artifacts"][700]["derived_from"][0]
    for changed in (_changed(doc, 700, license="mit"),
                    _changed(doc, 700, derived_from=[{**edge, "relation": "distilled"}]),
                    _changed(doc, 700, derived_from=[{**edge, "id": "m10"}]),
                    _changed(doc, 700, family="qwen"),
                    _changed(doc, 700, mine=True)):
        assert R._plan(changed).scenes[0].key != key


def test_a_cache_keyed_compactly_never_answers_one_big_question_for_another():
    """Two big questions asked of one Reasoner with its answer cache on: each gets its own answer
    (the forbidden one stays forbidden after the permitted one is cached), as asked afresh."""
    hosted_big = SHAPES.deep(1_200)
    hosted_small = {**hosted_big, "use": {**hosted_big["use"], "release_mau": 1_000}}
    cached = Reasoner(kb=R.kb)
    first, second = cached.ask(hosted_small), cached.ask(hosted_big)
    assert second.status == "forbidden" and first.status != "forbidden"
    assert second.to_json() == R.ask(hosted_big).to_json()
    assert cached.ask(hosted_small).to_json() == first.to_json()


# --- artifact facts given only where a rule reads them -------------------------------------------

def test_the_rules_read_only_publisher_and_modalities_outside_a_context():
    """publisher/2 reads every artifact's publisher (a licensor's own release may be anywhere up
    the lineage) and multimodal/1 every artifact's modalities; family and name are read only of
    an artifact a context acts on or creates, so a lineage's inherited family is given there only."""
    everywhere = solve.fields_read_everywhere()
    assert everywhere == solve.read_everywhere(solve._rules())   # the cached answer is the rules'
    assert everywhere is not None and everywhere <= set(solve._ATTRIBUTES)
    assert "publisher" in everywhere
    assert {"family", "name"} <= set(solve._ATTRIBUTES) - everywhere


@pytest.mark.parametrize("rule, field", [
    ('x(A) :- artifact_value(A,"family",F).', "family"),                                # any artifact
    ('x(K) :- ctx_of(K,_,_,_), artifact_value(A,"name",F).', "name"),                   # A not the context's
    ('x(K) :- ctx_of(K,_,A,_), not artifact_stated(A,"family").', "family"),            # negated
    ('x(K) :- ctx_of(K,_,A,_), #count { F : artifact_value(A,"name",F) } > 1.', "name"),  # in an aggregate
    ('#show x(A) : artifact_value(A,"family",F).', "family"),                           # in a #show
])
def test_a_rule_reading_a_field_outside_a_context_keeps_it_for_every_artifact(rule, field):
    """fields_read_everywhere is read off the rules: a rule added later that reads a field of an
    artifact no context binds makes that field's facts come for every artifact again, so the
    filter can never silently drop a fact a rule reads."""
    statements: list = []
    clingo_ast.parse_string(rule, statements.append)
    assert field not in solve.read_everywhere(solve._rules())
    assert field in solve.read_everywhere(solve._rules() + tuple(statements[1:]))


def test_a_rule_reading_a_field_it_does_not_name_keeps_every_field():
    statements: list = []
    clingo_ast.parse_string("x(A) :- artifact_value(A,G,V), g(G).", statements.append)
    assert solve.read_everywhere(solve._rules() + tuple(statements[1:])) is None


def _grounded(scene, runs: bool = False) -> clingo.Control:
    """One scene grounded as run() grounds it."""
    kb = R.kb
    used = sorted({lid for known in scene.licenses.values() for lid in known} | {scene.use.outbound_license} - {None})
    facts = solve.Facts(tuple(kb.licenses[lid].facts for lid in kb.related(tuple(used))))
    facts += solve.question_facts(scene, 0, 0, runs=runs)
    control = clingo.Control(["--warn=none"])
    indexes = frozenset(solve.fact_index(known) for known in (solve.schema_facts(), *facts.fixed))
    solve.rule_statements(control, frozenset(f.name for f in facts[facts.questions_from:]), indexes)
    solve.add_facts(control, list(solve.schema_facts()) + list(facts))
    control.ground([("base", [])], context=solve.RuleFunctions())
    return control


def _ground_contexts(scene) -> set:
    """The artifact ids that ground ctx_of atoms act on or create, for one scene."""
    ids = [a.id for a in scene.artifacts]
    found = set()
    control = _grounded(scene)   # kept while its atoms are read
    for atom in control.symbolic_atoms.by_signature("ctx_of", 4):
        for argument in atom.symbol.arguments[2:]:
            if argument.type == clingo.SymbolType.Number:
                found.add(ids[argument.number])
    return found


@pytest.mark.parametrize("count", [25, pytest.param(600, marks=pytest.mark.slow)])
def test_every_ground_context_is_among_the_context_artifacts(count):
    """solve.context_artifacts (the subject, the user's models and their parents) holds every
    artifact a ground ctx_of acts on or creates, over generated requests and lineages of the
    user's own models: were rules.lp's `acting` ever widened, this fails before a fact is missed."""
    import engine_requests

    documents = engine_requests.requests(count) + [
        {"artifacts": [{"id": "b", "license": "llama3", "family": "llama"},
                       {"id": "x", "mine": True, "derived_from": [{"id": "b", "relation": "finetune"}]},
                       {"id": "y", "mine": True, "derived_from": [{"id": "x", "relation": "distilled"},
                                                                   {"id": "b", "relation": "merge"}]}],
         "subject": "y", "use": {"acts": ["distribute"], "name": "Bot"}}]
    checked = 0
    for doc in documents:
        try:
            plan = R._plan(doc)
        except Exception:   # a request the generator means to be refused
            continue
        for question in plan.scenes:
            scene = question.scene
            assert _ground_contexts(scene) <= solve.context_artifacts(scene), doc
            checked += 1
    assert checked >= count * 3 // 4


def test_a_naming_duty_at_the_end_of_a_big_lineage_is_still_judged():
    """The stated name is read at the model distributed, whatever the lineage's size: a 1,500-deep
    Llama 3 chain ending in the user's model named against §1.b.i stays not permitted, citing the
    name, as with every fact given one by one. No wrong YES through the filtered facts."""
    doc = SHAPES.deep(1_500)
    doc["use"] = {"acts": ["distribute"], "role": "licensee"}
    for artifact in doc["artifacts"]:
        artifact["name"] = "Acme-bot"   # every model named so; only the distributed one is read
    result = R.ask(doc)
    assert result.status != "permitted"
    assert any("does not start with" in text for cause in result.causes for text, _, _ in cause.facts)
    assert result.to_json() == _without_runs(doc).to_json()


# --- shown atoms and their decoding --------------------------------------------------------------

def test_the_per_model_answer_atoms_are_shown_as_themselves_not_as_terms():
    """applies and carried (one or two per model of a lineage), and a relabelled license or unknown
    terms (which may be at every model) are shown by their predicate, as themselves: no out(Q, ·)
    atom (and symbol) beside each, no in_question join, and no conditional `#show` term (~450
    bytes a shown atom). bound, read at a few models, stays an out/2 atom shown by `#show out/2`."""
    text = (ROOT / "reasoner" / "rules.lp").read_text()
    assert "#show out/2." in text and "out(Q,bound(" in text and "#show out(Q,bound(" not in text
    for name, arity in (("applies", 2), ("carried", 4), ("risk_relabelled", 3), ("unknown_terms", 3)):
        assert f"out(Q,{name}(" not in text
        assert f"#show {name}/{arity}." in text


def _atoms_of(n: int) -> tuple[int, int]:
    """(ground atoms gringo holds, of which family facts) for a deep chain of n models, as runs."""
    control = _grounded(R._plan(SHAPES.deep(n)).scenes[0].scene, runs=True)
    family = sum(1 for name in ("artifact_value", "artifact_stated")
                 for atom in control.symbolic_atoms.by_signature(name, 3 if name == "artifact_value" else 2)
                 if "family" in str(atom.symbol))
    return len(control.symbolic_atoms), family


def test_a_deep_lineage_holds_six_ground_atoms_per_model_and_family_facts_at_a_few():
    """Per model of benchmarks/size.py's deep chain gringo holds in_question, own, edge, bound,
    applies and carried: 6 (before: in_question, own, edge, bound, applies and the two out/2
    answer atoms, 7; before that, the two family facts every model inherits and 2 shown terms
    beside). Family facts come for the models acted on only. (Grounded alone, as solve.run
    grounds one big question, in_question goes too: tests/test_deep3.py.)"""
    (small, small_family), (large, large_family) = _atoms_of(2_000), _atoms_of(4_000)
    assert (large - small) / 2_000 <= 6.01, (small, large)
    assert small_family == large_family <= 6


def test_decoded_atoms_share_names_and_leaves_across_slices():
    """read_shown reads a big answer in slices: an artifact number met in two slices is one
    Term, atoms' names are one string per predicate and their arguments tuples."""
    first = str(clingo.Function("", [clingo.Function("out", [clingo.Number(0), clingo.Function(
        "applies", [clingo.Number(n), clingo.String("llama3")])]) for n in range(5)]))
    second = str(clingo.Function("", [clingo.Function("out", [clingo.Number(0), clingo.Function(
        "carried", [clingo.Number(n + 1), clingo.Number(n), clingo.Function("finetune"), clingo.String("llama3")])])
        for n in range(5)]))
    atoms = solve.read_shown([first, second])[0]
    applies, carried = atoms[:5], atoms[5:]
    assert all(type(a.arguments) is tuple for a in atoms)
    assert all(a.name is applies[0].name for a in applies) and all(a.name is carried[0].name for a in carried)
    assert carried[0].arguments[1] is applies[0].arguments[0]          # number 0, from the other slice
    assert len({id(a.arguments[3]) for a in carried} | {id(a.arguments[1]) for a in applies}) == 1   # "llama3"
    assert [str(a) for a in atoms] == [str(t.arguments[1]) for text in (first, second)
                                       for t in terms.parse(text)[0].arguments]


@pytest.mark.parametrize("shape", ["chain-1000", "merge-1001-child-first"])
def test_review_lineages_answer_the_same_with_facts_given_only_where_read(shape):
    """tests/test_review2_found.py's lineages (the user's models, other and unknown licenses,
    every relation, names and publishers on the way, grants naming artifacts) answer byte for byte
    as with every fact given one Symbol each."""
    import test_review2_found as review

    doc = review._chain(1_000) if shape.startswith("chain") else review._merge(1_001, parents_first=False)
    assert R.ask(doc).to_json() == _without_runs(doc).to_json()


def test_leaves_are_shared_only_inside_sharing_leaves():
    """parse() alone keeps its leaves to itself (a long-lived dict would grow without end); inside
    sharing_leaves(), nested or not, one Term per leaf across calls, and none kept after."""
    text = '(out(0,applies(7,"mit")),)'
    apart = [terms.parse(text)[0].arguments[0].arguments[1].arguments[0] for _ in range(2)]
    assert apart[0] is not apart[1]
    with terms.sharing_leaves():
        first = terms.parse(text)[0].arguments[0].arguments[1].arguments[0]
        with terms.sharing_leaves():
            inner = terms.parse(text)[0].arguments[0].arguments[1].arguments[0]
        assert first is inner is terms.parse(text)[0].arguments[0].arguments[1].arguments[0]
    assert terms.parse(text)[0].arguments[0].arguments[1].arguments[0] is not first


def test_no_rule_reads_an_edge_or_a_license_through_an_anonymous_variable():
    """gringo makes a projected domain for `edge(A,P,_)`, `edge(A,_,R)` or `own(A,_)`: one more
    atom per edge or licensed artifact of the question (with the three rules that had one, 30 MiB
    of a 100,000-deep lineage's grounding). A named variable says the same without it."""
    import re

    texts = [str(statement) for statement in solve._rules()]
    assert [t for t in texts if re.search(r"\b(edge|own)\([^()]*\b_[,)]", t)] == []
