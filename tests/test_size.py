"""Big inputs: deep lineages and many artifacts are answered, or rejected with a clear limit, and
never hit Python's recursion limit.

No test measures time: work is bounded by the size of clingo's grounding (ground atoms per
artifact or act, and linear growth with depth), which does not depend on how loaded the machine
is. Times measured on the development machine are in the docstrings. Subprocess timeouts only
guard against a hang. The largest shapes are marked `slow`: the default run skips them and
`.ci/run` runs them (`python -m pytest -q -m slow`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner import api
from reasoner.api import Reasoner, parents_first
from reasoner.errors import LimitError, RequestError
from reasoner.request import MAX_ARTIFACTS, ancestry, check_lineage, find_cycle, read_request

from sizes import sized  # noqa: E402 - the default run's sizes, the full ones under -m slow

R = Reasoner()
ROOT = Path(__file__).resolve().parent.parent
CAN_I = [sys.executable, "-c", "import sys; from reasoner.cli import main; sys.exit(main(sys.argv[1:]))"]
HANG_GUARD = 600    # seconds; a guard against a hang, never an assertion of speed
# Ground atoms per unit, measured: 12 per artifact of an upstream chain (+383), 58 per act of a
# chain of the user's own models, 22 per parent of a merge. The bounds leave room for new rules
# and catch a grounding that grows faster than the lineage.
ATOMS_PER_ARTIFACT = 20
ATOMS_PER_ACT = 160   # Llama §2 holds the §1.b.ii role exception (issue 10); Llama 3 policy items as four clauses (issue 11): ~115 measured;
                      # §2 also reads a stated own count and spares service users (session 18): ~150 measured, still linear


def chain(n: int, mine: bool = False, relation: str = "finetune") -> dict:
    """m0 (Llama 3) <- m1 <- … <- mN; the user's model is mN (or every model, with `mine`)."""
    artifacts = [{"id": "m0", "license": "llama3", "family": "llama"}]
    for i in range(1, n + 1):
        artifact = {"id": f"m{i}", "derived_from": [{"id": f"m{i - 1}", "relation": relation}]}
        if mine or i == n:
            artifact["mine"] = True
        else:
            artifact["license"] = "llama3"
        artifacts.append(artifact)
    return {"artifacts": artifacts, "subject": f"m{n}", "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}}


def merge(n: int, license: str = "mit") -> dict:
    """The user's model merges n parents."""
    artifacts = [{"id": f"p{i}", "license": license} for i in range(n)]
    artifacts.append({"id": "me", "mine": True,
                      "derived_from": [{"id": f"p{i}", "relation": "merge"} for i in range(n)]})
    return {"artifacts": artifacts, "subject": "me", "use": {"acts": ["host"]}}


def solved(doc: dict):
    """The answer, and the size of the grounding it took (atoms over every clingo run)."""
    statistics: dict = {}
    original = api.run
    api.run = lambda facts: original(facts, statistics)
    try:
        result = Reasoner(kb=R.kb, cache_size=0).ask(doc)
    finally:
        api.run = original
    return result, statistics.get("atoms", 0)


def cli_in_subprocess(doc: dict, tmp_path: Path) -> tuple[int, dict]:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(doc))
    done = subprocess.run(CAN_I + ["--request", str(path), "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=HANG_GUARD)
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads(done.stdout)


def llama_threshold_cited(result) -> bool:
    return any((r.license, r.clause, r.kind) == ("llama3", "2", "needs_separate_license") for r in result.reasons)


# --- the lineage checks themselves are iterative ------------------------------------------------

@pytest.mark.slow   # the full size; smaller shapes keep the bound in the default run
def test_lineage_checks_walk_100000_generations_without_recursion():
    """read_request, check_lineage (cycles, dangling edges), ancestry, parents_first and the
    catalog completion on a 100,000-deep chain: about 1 s."""
    doc = chain(100_000)
    request = check_lineage(R.complete(read_request(doc)))
    assert len(ancestry(request)) == 100_001
    assert find_cycle(request.artifacts) is None
    order = parents_first({a.id: a for a in request.artifacts})
    assert order[0] == "m0" and order[-1] == "m100000"


@pytest.mark.slow   # the full size; smaller shapes keep the bound in the default run
def test_a_100000_long_cycle_and_a_dangling_edge_at_the_bottom_are_found():
    n = 100_000
    looped = chain(n)
    looped["artifacts"][0]["derived_from"] = [{"id": f"m{n}", "relation": "finetune"}]
    with pytest.raises(RequestError, match="lineage has a cycle: "):
        R.ask(looped)
    dangling = chain(n)
    dangling["artifacts"][0]["derived_from"] = [{"id": "nowhere", "relation": "finetune"}]
    with pytest.raises(RequestError) as caught:
        R.ask(dangling)
    assert caught.value.location == "artifacts[0].derived_from[0].id"


# --- deep lineages ------------------------------------------------------------------------------

def test_a_10000_deep_lineage_of_upstream_models_is_answered():
    """10,000 fine-tunes of fine-tunes of Llama 3, hosted at 800M users: about 1 s."""
    result, atoms = solved(chain(10_000))
    assert result.status == "forbidden" and llama_threshold_cited(result)
    assert atoms <= ATOMS_PER_ARTIFACT * 10_001


@pytest.mark.slow
def test_a_100000_deep_lineage_of_upstream_models_is_answered():
    """100,000 generations, so 100,001 artifacts all in the subject's lineage: about 10 s."""
    result, atoms = solved(chain(100_000))
    assert result.status == "forbidden" and llama_threshold_cited(result)
    assert atoms <= ATOMS_PER_ARTIFACT * 100_001


def test_a_10000_deep_lineage_of_distillations_is_answered():
    """Llama 3's naming clause follows distillation, its other terms do not: the chain must
    still be walked to the end (about 1 s)."""
    doc = chain(10_000, relation="distilled")
    doc["use"] = {"acts": ["distribute"], "release_mau": 5, "role": "licensee", "name": "Llama 3 bot"}
    result, atoms = solved(doc)
    assert result.status in ("permitted", "forbidden", "depends")
    assert atoms <= ATOMS_PER_ARTIFACT * 10_001


@pytest.mark.slow   # the linear-growth test covers own chains in the default run; this is the full size
def test_a_10000_deep_lineage_of_the_users_own_models_is_answered(tmp_path):
    code, answer = cli_in_subprocess(chain(10_000, mine=True), tmp_path)
    assert code == 1 and answer["status"] == "forbidden"


@pytest.mark.parametrize("shape", ["upstream chain", "own chain", "distillations", "merge"])
def test_the_grounding_grows_linearly_with_the_size_of_a_lineage(shape):
    """Doubling a lineage at most doubles the grounding (plus a little): a rule that joins every
    artifact with every other would quadruple it."""
    def doc(n: int) -> dict:
        if shape == "merge":
            return merge(n)
        made = chain(n, mine=shape == "own chain", relation="distilled" if shape == "distillations" else "finetune")
        if shape == "distillations":
            made["use"] = {"acts": ["distribute"], "release_mau": 5, "role": "licensee", "name": "Llama 3 bot"}
        return made

    base = sized(500, 1000)
    sizes = [solved(doc(n))[1] for n in (base, 2 * base, 4 * base)]
    assert sizes[1] <= 2.05 * sizes[0] and sizes[2] <= 2.05 * sizes[1], sizes
    per_unit = ATOMS_PER_ACT if shape in ("own chain", "merge") else ATOMS_PER_ARTIFACT
    assert sizes[2] <= per_unit * (4 * base + 1), sizes


# --- many artifacts -----------------------------------------------------------------------------

@pytest.mark.slow   # the full size; smaller shapes keep the bound in the default run
def test_100000_artifacts_beside_the_subject_are_answered():
    """100,000 artifacts in the request, the subject's lineage small: about 2 s."""
    doc = {"artifacts": [{"id": f"org/model-{i}", "license": "mit"} for i in range(100_000)],
           "subject": "org/model-99999", "use": {"acts": ["use", "distribute"]}}
    doc["artifacts"].append({"id": "acme/mine", "mine": True,
                             "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]})
    doc["artifacts"].append({"id": "meta-llama/Meta-Llama-3-8B"})
    result, atoms = solved(doc)
    assert result.status == "permitted"
    alone, atoms_alone = solved({**doc, "artifacts": [a for a in doc["artifacts"] if a["id"] == "org/model-99999"]})
    # The rest costs no grounding; the user's own model beside the lineage is named as unjudged.
    with_note = result.to_json()
    assert [n["code"] for n in with_note.pop("notes")] == ["own_model_unjudged"]
    assert {**alone.to_json(), "notes": []} == {**with_note, "notes": []} and atoms == atoms_alone
    doc["subject"] = "acme/mine"
    doc["use"] = {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}
    result, atoms = solved(doc)
    assert result.status == "forbidden" and llama_threshold_cited(result)
    lineage = [a for a in doc["artifacts"] if a["id"] in ("acme/mine", "meta-llama/Meta-Llama-3-8B")]
    alone, atoms_alone = solved({**doc, "artifacts": lineage})
    assert alone.to_json() == result.to_json() and atoms == atoms_alone


def test_more_artifacts_than_the_limit_get_a_clear_limit_error(tmp_path):
    doc = {"artifacts": [{"id": f"a{i}", "license": "mit"} for i in range(MAX_ARTIFACTS + 1)],
           "subject": "a0", "use": {"acts": ["use"]}}
    with pytest.raises(LimitError) as caught:
        R.ask(doc)
    assert caught.value.location == "artifacts"
    assert f"{MAX_ARTIFACTS:,}" in caught.value.message
    from reasoner.cli import main

    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc))
    assert main(["--request", str(path)]) == 2


def test_a_merge_of_thousands_of_parents_is_answered_on_the_command_line(tmp_path):
    code, answer = cli_in_subprocess(merge(sized(2_000, 10_000)), tmp_path)
    assert code == 0 and answer["status"] == "permitted"


@pytest.mark.slow
def test_a_model_merging_100000_parents_gets_a_limit_error(tmp_path):
    """100,000 merge edges are 100,000 acts, past MAX_ACTS: a limit error before solving (linear
    work since the grounding was fixed; 10,000 parents take about 2 s)."""
    code, answer = cli_in_subprocess(merge(100_000), tmp_path)
    assert code == 2 and answer["error"]["code"] == "limit"


@pytest.mark.slow
def test_a_100000_deep_lineage_of_the_users_own_models_gets_a_limit_error(tmp_path):
    """Past 20,000 acts (edges of the user's own models) can-i answers with a limit error."""
    code, answer = cli_in_subprocess(chain(100_000, mine=True), tmp_path)
    assert code == 2 and answer["error"]["code"] == "limit"


# --- issue 12, item 4: the work per artifact of benchmarks/size.py's shapes ---------------------
# (never timed: `python benchmarks/size.py deep merge` measures them; these bound what they cost)

def _benchmark_shapes():
    """The lineages benchmarks/size.py measures (defined there once)."""
    import importlib.util

    path = ROOT / "benchmarks" / "size.py"
    spec = importlib.util.spec_from_file_location("can_i_size_benchmark_shapes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHAPES = _benchmark_shapes()


def _grounding(doc: dict) -> tuple:
    """(answer, ground atoms, shown atoms) of one question."""
    from reasoner import solve

    statistics: dict = {}
    shown = [0]
    original = api.run

    def counting(facts):
        answers = original(facts, statistics)
        shown[0] += sum(len(atoms) for atoms in answers.values())
        return answers

    api.run = counting
    try:
        result = Reasoner(kb=R.kb, cache_size=0).ask(doc)
    finally:
        api.run = original
    assert solve.RUNS_FROM <= 2_000   # the shapes below are asked as runs
    return result, statistics["atoms"], shown[0]


@pytest.mark.parametrize("shape", ["deep", "merge"])
def test_the_benchmarked_shapes_ground_few_atoms_per_artifact(shape):
    """Per added artifact a deep upstream chain grounds 10 atoms (17 before reach, derived,
    weights_changed and external were kept to where they are read) and shows 2 (applies and
    carried; bound was shown for every model too), an upstream merge 7 and 2. The slope is
    measured between 2,000 and 4,000 artifacts, so fixed costs do not count."""
    make = (lambda n: SHAPES.deep(n)) if shape == "deep" else (lambda n: SHAPES.merge(n, mine=False))
    small, large = _grounding(make(2_000)), _grounding(make(4_000))
    assert small[0].to_json() == _answer_without_runs(make(2_000)).to_json()
    atoms, shown = (large[1] - small[1]) / 2_000, (large[2] - small[2]) / 2_000
    # The two shown atoms per artifact are out/2 atoms since they are shown by predicate, so they
    # count among the ground atoms: deep 10 (8 + 2; its `family` is no longer given at every
    # model), merge 9 (7 + 2).
    assert atoms <= (11 if shape == "deep" else 9), (small, large)
    assert shown <= 2.01, (small, large)


def _answer_without_runs(doc: dict):
    from reasoner import solve

    original, solve.RUNS_FROM = solve.RUNS_FROM, 10 ** 9
    try:
        return Reasoner(kb=R.kb, cache_size=0).ask(doc)
    finally:
        solve.RUNS_FROM = original


def test_a_big_questions_facts_come_as_a_few_runs_holding_exactly_the_facts_one_by_one():
    """question_facts gives a 2,000-deep lineage's 10,000 facts as a handful of FactRuns; spelt
    out, they are the very facts given one Symbol each (so the grounding is the same), but for
    what artifacts no context acts on or creates state in fields no rule reads of them
    (solve.fields_read_everywhere; tests/test_size2.py checks that this drops nothing read)."""
    from reasoner import solve

    reasoner = Reasoner(kb=R.kb, cache_size=0)
    everywhere = solve.fields_read_everywhere()
    for doc in (SHAPES.deep(2_000), SHAPES.merge(2_000, mine=False), chain(1_500, relation="distilled")):
        scene = reasoner._plan(doc).scenes[0].scene
        as_runs = solve.question_facts(scene, 3, 17, runs=True)
        one_by_one = solve.question_facts(scene, 3, 17, runs=False)
        assert len(as_runs) <= 20 < len(one_by_one)
        spelt = [s for fact in as_runs for s in (fact.symbols() if isinstance(fact, solve.FactRun) else [fact])]
        sites = {17 + i for i, a in enumerate(scene.artifacts) if a.id in solve.context_artifacts(scene)}
        read = [s for s in one_by_one if s.name not in solve._STATEMENTS
                or s.arguments[0].number in sites or s.arguments[1].string in everywhere]
        assert sorted(spelt) == sorted(read) and len(set(spelt)) == len(spelt)


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_answers_are_the_same_when_every_question_is_given_as_runs_and_decoded_in_slices():
    """Every question of the stored equivalence sample (the first 150 generated requests) with
    its facts as runs, runs of one fact included, and the shown atoms decoded 7 at a time
    (run() decodes a big question's in slices): answers as stored."""
    sys.path.insert(0, str(ROOT / "tests"))
    import engine_requests
    from test_engine_equivalence import stored_digests

    from reasoner import solve

    saved = solve.RUNS_FROM, solve._SHORTEST_RUN, solve._DECODED_AT_ONCE
    solve.RUNS_FROM, solve._SHORTEST_RUN, solve._DECODED_AT_ONCE = 0, 1, 7
    try:
        got = engine_requests.answer_digests(Reasoner(cache_size=0), engine_requests.requests(150), batch_size=150)
    finally:
        solve.RUNS_FROM, solve._SHORTEST_RUN, solve._DECODED_AT_ONCE = saved
    assert got == stored_digests()[:150]


def test_request_text_in_a_run_stays_a_string_and_a_forbidden_chain_stays_forbidden():
    """The runs carry request strings as String symbols, never as program text: names written
    as clingo statements change nothing. Hosting a 1,500-deep Llama 3
    chain at 800M users stays forbidden (llama3 §2), as asked one fact at a time."""
    doc = SHAPES.deep(1_500)
    hostile = 'llama"). status(0,permitted). #show. own(0,"mit'
    for artifact in doc["artifacts"]:
        artifact["name"] = hostile
    result = Reasoner(kb=R.kb, cache_size=0).ask(doc)
    assert result.status == "forbidden" and llama_threshold_cited(result)
    assert result.to_json() == _answer_without_runs(doc).to_json()
