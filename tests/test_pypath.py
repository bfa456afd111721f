"""The Python side of a question (issue 12): reading, license expressions, catalog completion and
planning do work that grows linearly with the request, parse each license text once, and check
the size limits before any solving. Work is counted (calls, parses, clingo runs, allocated
bytes), never timed: `python benchmarks/size.py` measures the same shapes.
"""

from __future__ import annotations

import sys
import tracemalloc

import pytest

from reasoner import api, expressions
from reasoner.api import MAX_ACTS, Reasoner
from reasoner.errors import LimitError, RequestError
from reasoner.request import MAX_ARTIFACTS, Artifact, updated

R = Reasoner(cache_size=0)
LLAMA = "meta-llama/Meta-Llama-3-8B"


def _benchmark_shapes():
    """The lineages benchmarks/size.py measures: the tests bound the work of exactly those."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "size.py"
    spec = importlib.util.spec_from_file_location("can_i_size_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SHAPES = _benchmark_shapes()
chain = _SHAPES.deep      # m0 (Llama 3) <- m1 <- … <- mN, the user's own the last, hosted at 800M
merge = _SHAPES.merge     # a model merging n MIT parents: the user's own (n acts), or an upstream one


def python_calls(work) -> int:
    """How many Python functions `work()` calls (generator steps included): a count of work that
    does not depend on the machine or its load."""
    count = 0

    def hook(frame, event, arg):
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(hook)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


# --- license expressions are parsed once ------------------------------------------------------

def test_a_license_text_is_parsed_once_however_often_it_is_read(monkeypatch):
    tokens = []
    original = expressions._tokens
    monkeypatch.setattr(expressions, "_tokens", lambda text: tokens.append(text) or original(text))
    expressions._parsed.cache_clear()
    doc = chain(50)
    doc["artifacts"][1]["license"] = "llama3 AND apache-2.0"
    first = R.ask_json(doc)
    assert sorted(tokens) == ["llama3", "llama3 AND apache-2.0"]   # 50 artifacts, read and planned: 2 parses
    assert R.ask_json(doc) == first and len(tokens) == 2           # asked again: none


def test_parsed_expressions_are_fresh_lists_and_errors_are_not_kept():
    first = expressions.alternatives("mit OR apache-2.0")
    first.append(("changed",))
    assert expressions.alternatives("mit OR apache-2.0") == [("mit",), ("apache-2.0",)]
    for _ in range(2):
        with pytest.raises(ValueError, match="ends too early"):
            expressions.alternatives("mit AND")
    assert expressions._parsed.cache_info().maxsize == expressions.PARSE_CACHE_SIZE


# --- planning does linear work ----------------------------------------------------------------

@pytest.mark.parametrize("shape", ["chain", "upstream merge", "own merge"])
def test_planning_work_grows_linearly_with_the_lineage(shape):
    """Reading, completing, checking and planning a request: Python calls per artifact stay
    constant as the lineage doubles (measured: 48 per artifact of a chain, 37 of a merge; the
    code before issue 12 made 103 and 137)."""
    def doc(n: int) -> dict:
        return chain(n) if shape == "chain" else merge(n, mine=shape == "own merge")

    R._plan(doc(10))   # license files load on first use
    counts = [python_calls(lambda n=n: R._plan(doc(n))) for n in (1_000, 2_000)]
    assert counts[1] <= 2.02 * counts[0], counts
    assert counts[1] <= 60 * 2_000, counts


def test_a_deep_lineage_is_planned_in_linear_memory():
    """Python's allocations while a 5,000-deep lineage is read and planned (the request document
    itself not counted): ~800 bytes per artifact measured (15 MiB for 20,000)."""
    doc = chain(5_000)
    R._plan(chain(10))
    tracemalloc.start()
    try:
        R._plan(doc)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 1_500 * 5_000, f"{peak / 2**20:.1f} MiB"


def test_a_license_shared_by_a_lineage_is_resolved_once_per_question(monkeypatch):
    resolved = []
    original = R.kb.resolve_license
    monkeypatch.setattr(R.kb, "resolve_license", lambda *args: resolved.append(args) or original(*args))
    R._plan(chain(1_000))
    assert len(resolved) <= 5, resolved[:10]


# --- the limits come before the work ----------------------------------------------------------

def test_more_acts_than_the_limit_are_refused_without_solving(monkeypatch):
    runs = []
    monkeypatch.setattr(api, "run", lambda *args: runs.append(args) or {})
    with pytest.raises(LimitError) as caught:
        R.ask(merge(MAX_ACTS + 1, mine=True))
    assert f"{MAX_ACTS:,}" in caught.value.message and not runs


def test_more_artifacts_than_the_limit_are_refused_before_any_is_read(monkeypatch):
    from reasoner import request

    read = []
    monkeypatch.setattr(request, "read_artifact", lambda *args: read.append(args))
    doc = {"artifacts": [{"id": "a", "license": "mit"}] * (MAX_ARTIFACTS + 1), "use": {"acts": ["use"]}}
    with pytest.raises(LimitError):
        R.ask(doc)
    assert not read


def test_the_garbage_collector_is_resumed_after_a_question_and_left_paused_if_it_was():
    import gc

    assert gc.isenabled()
    with pytest.raises(RequestError):
        R.ask({"artifacts": [{"id": "a", "license": "mit AND"}], "use": {"acts": ["use"]}})
    assert gc.isenabled()
    gc.disable()
    try:
        R.ask(chain(3))
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- the faster input paths keep every check ----------------------------------------------------

@pytest.mark.parametrize("edge, location, message", [
    ({"id": "m0", "relation": "distill"}, "artifacts[1].derived_from[0].relation", "unknown relation `distill`"),
    ({"id": "m0", "relation": ["finetune"]}, "artifacts[1].derived_from[0].relation", "must be a string"),
    ({"id": "m0\x00x", "relation": "finetune"}, "artifacts[1].derived_from[0].id", "NUL"),
    ({"id": " ", "relation": "finetune"}, "artifacts[1].derived_from[0].id", "is empty"),
    ({"id": 7, "relation": "finetune"}, "artifacts[1].derived_from[0].id", "must be a string"),
    ({"id": "m0", "relation": "finetune", "license": "mit"}, "artifacts[1].derived_from[0].license", "unknown field"),
    ({"id": "m0"}, "artifacts[1].derived_from[0].relation", "is required"),
    (["m0", "finetune"], "artifacts[1].derived_from[0]", "must be an object"),
])
def test_a_malformed_edge_deep_in_a_lineage_is_still_refused(edge, location, message):
    doc = chain(3)
    doc["artifacts"][1]["derived_from"] = [edge]
    with pytest.raises(RequestError) as caught:
        R.ask(doc)
    assert caught.value.location == location and message in caught.value.message


@pytest.mark.parametrize("spelling", [LLAMA.upper(), f" {LLAMA} ", LLAMA.replace("8B", "8Ｂ"),
                                      LLAMA.replace("/", "/\u200b")])
def test_a_catalog_model_spelt_otherwise_stays_forbidden(spelling):
    """Catalog lookups fold ASCII ids on a short path: every spelling still names Llama 3."""
    doc = {"artifacts": [{"id": spelling}, {"id": "acme/bot", "mine": True,
                                            "derived_from": [{"id": spelling, "relation": "finetune"}]}],
           "subject": "acme/bot", "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}
    assert R.ask(doc).status == "forbidden"


def test_a_forbidden_deep_lineage_stays_forbidden_whatever_its_fields():
    """Artifact fields left out are read as unstated, given ones as before: a family, modalities
    and publisher given deep in a lineage change nothing about Llama 3's threshold."""
    doc = chain(200)
    doc["artifacts"][100].update({"family": "llama", "modalities": ["text"], "name": "x", "publisher": None})
    result = R.ask(doc)
    assert result.status == "forbidden"
    assert any((r.license, r.clause) == ("llama3", "2") for r in result.reasons)


def test_updated_copies_an_artifact_as_replace_does():
    from dataclasses import replace

    artifact = Artifact("m", license="mit", family="llama", mine=True)
    assert updated(artifact, family="gemma", modalities=("text",)) == replace(artifact, family="gemma",
                                                                              modalities=("text",))
    assert artifact.family == "llama"
    with pytest.raises(TypeError):
        updated(artifact, licence="mit")
