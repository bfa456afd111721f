"""Hostile review of the seams the issue-12 merges made (review 2): facts as runs against facts as
Symbols, the cold `can-i` entry against the full command line, lazily defined records against
standard dataclasses. What these found, and what held, is in NOTES-review2.md."""

from __future__ import annotations

import collections
import copy
import dataclasses
import json
import pickle
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import engine_requests  # noqa: E402

from reasoner import Reasoner, fast, solve  # noqa: E402

REASONER = Reasoner(cache_size=0, shapes=0)


# --- 1. question_facts: runs (>= RUNS_FROM artifacts) say exactly what Symbols say --------------

def _expanded(facts) -> collections.Counter:
    """Every fact as its text, FactRuns unrolled: the multiset of facts clingo is given."""
    out: collections.Counter = collections.Counter()
    for fact in facts:
        for symbol in (fact.symbols() if type(fact) is solve.FactRun else [fact]):
            out[str(symbol)] += 1
    return out


def _chain(n: int, *, reverse: bool = False) -> dict:
    """A lineage of n models from Llama 3 with the user's own models, other and unknown licenses,
    every relation, names and publishers on the way, and grants that name artifacts."""
    relations = ("finetune", "quantized", "distilled", "merge", "adapter")
    artifacts = []
    for i in range(n):
        artifact = {"id": f"org{i % 3}/c{i}"}
        if i == 0 or i % 97 == 0:
            artifact["license"] = ("llama3", "gpl-3.0", "mit", "cc-by-sa-4.0", "llama3.1")[(i // 97) % 5]
        if i == 500:
            artifact["license"] = "nope-1.0"
        if i % 250 == 0 and i:
            artifact["id"], artifact["mine"] = f"me/c{i}", True
        if i % 50 == 7:
            artifact["name"] = "Llama-acme"
        if i:
            artifact["derived_from"] = [{"id": artifacts[i - 1]["id"], "relation": relations[i % len(relations)]}]
        artifacts.append(artifact)
    subject = artifacts[-1]["id"]
    use = {"acts": ["distribute", "host"], "commercial": True, "mau": "800M", "territory": ["EU", "CN"],
           "name": "acme", "outbound_license": "apache-2.0",
           "grants": [{"licensor": "meta", "artifacts": [artifacts[0]["id"], artifacts[5]["id"]]},
                      {"license": "llama3"}]}
    return {"artifacts": artifacts[::-1] if reverse else artifacts, "use": use, "subject": subject}


def _merge(n: int, *, parents_first: bool = True) -> dict:
    parents = [{"id": f"org{i % 2}/p{i}", "license": "llama3" if i % 3 else "mit"} for i in range(n - 1)]
    merged = {"id": "me/merged", "mine": True, "license": "apache-2.0",
              "derived_from": [{"id": p["id"], "relation": "merge"} for p in parents]}
    artifacts = parents + [merged] if parents_first else [merged] + parents[::-1]
    return {"artifacts": artifacts, "subject": "me/merged",
            "use": {"acts": ["distribute"], "grants": [{"license": "llama3", "artifacts": [parents[1]["id"]]}]}}


@pytest.mark.parametrize("document", [_chain(999), _chain(1_000), _chain(1_001, reverse=True),
                                      _merge(1_000), _merge(1_001, parents_first=False)],
                         ids=["chain-999", "chain-1000", "chain-1001-reversed", "merge-1000", "merge-1001-child-first"])
@pytest.mark.parametrize("offset", [0, 37])
def test_runs_unroll_to_exactly_the_symbol_facts(document, offset):
    """...but for what artifacts no context acts on or creates state in fields no rule reads of
    them (solve.fields_read_everywhere): runs leave those out. tests/test_size2.py checks that
    these documents answer the same either way."""
    everywhere = solve.fields_read_everywhere()
    for scene in REASONER._plan(document).scenes:
        as_symbols = solve.question_facts(scene.scene, 3, offset, runs=False)
        as_runs = solve.question_facts(scene.scene, 3, offset, runs=True)
        assert any(type(f) is solve.FactRun for f in as_runs)
        sites = {offset + i for i, a in enumerate(scene.scene.artifacts)
                 if a.id in solve.context_artifacts(scene.scene)}
        read = [f for f in as_symbols if f.name not in solve._STATEMENTS
                or f.arguments[0].number in sites or f.arguments[1].string in everywhere]
        assert _expanded(as_runs) == _expanded(read)


def test_generated_requests_through_runs_answer_as_stored(monkeypatch):
    """Every generated request's facts pushed through runs (any length) answers byte for byte as
    the stored digests of the code before the session."""
    monkeypatch.setattr(solve, "RUNS_FROM", 2)
    monkeypatch.setattr(solve, "_SHORTEST_RUN", 1)
    count = 120
    data = __import__("gzip").decompress(engine_requests.DIGESTS.read_bytes())
    size = engine_requests.DIGEST_BYTES
    expected = [data[i:i + size] for i in range(0, count * size, size)]
    got = engine_requests.answer_digests(REASONER, engine_requests.requests(count), batch_size=60)
    assert [i for i, (a, b) in enumerate(zip(got, expected)) if a != b] == []


# --- 2. the cold entry point reads profiles as the full command line does ----------------------

def test_fast_path_sees_a_tool_table_spelled_with_an_escape(tmp_path, monkeypatch, capsys):
    """`[tool."can\\u002Di"]` is the `[tool.can-i]` table (TOML basic-string escape): the full
    command line applies its policy (deny mit: exit 1). The cold path skipped the file because
    the bytes `can-i` do not occur in it, and answered exit 0 without the policy."""
    (tmp_path / "pyproject.toml").write_text('[tool."can\\u002Di".policy]\ndeny = ["mit"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    from reasoner import profile

    assert profile.find_profile() == tmp_path / "pyproject.toml"
    assert fast._profile_may_apply()
    assert fast._fast(["host", "mit", "--json"]) is None   # left to the full command line
    capsys.readouterr()


def test_forbidden_request_stays_forbidden_on_the_cold_path_as_json_lines(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    forbidden = {"artifacts": [{"id": "org1/base", "license": "cc-by-nc-4.0"},
                               {"id": "me/mine", "mine": True, "derived_from": [{"id": "org1/base", "relation": "finetune"}]}],
                 "subject": "me/mine", "use": {"acts": ["distribute"], "commercial": True}}
    assert REASONER.ask(forbidden).status == "forbidden"
    single = tmp_path / "one.json"
    single.write_text(json.dumps(forbidden))
    assert fast._fast(["--request", str(single), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "forbidden"
    lines = tmp_path / "many.jsonl"
    lines.write_text("\n" + json.dumps(forbidden) + "\r\n\n" + json.dumps(forbidden, indent=None) + "\n")
    assert fast._fast(["--json", "--request", str(lines)]) == 1
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [a["status"] for a in answers] == ["forbidden", "forbidden"]


# --- 3. records: lazily defined dataclasses behave as standard ones ---------------------------

def test_records_pickle_copy_replace_and_stay_frozen():
    from reasoner.request import Artifact, Edge, Use

    artifact = Artifact("org/x", "mit", family="llama", derived_from=(Edge("org/y", "finetune"),))
    use = Use(acts=("host",), mau=5)
    result = REASONER.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "commercial": True, "mau": "800M"}})
    for record in (artifact, use):
        again = pickle.loads(pickle.dumps(record))
        assert again == record and hash(again) == hash(record) and repr(again) == repr(record)
        assert copy.deepcopy(record) == record
        assert dataclasses.asdict(again) == dataclasses.asdict(record)
        name = "id" if record is artifact else "acts"
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, name, None)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(record, name)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.not_a_field = 1
    assert dataclasses.replace(artifact, id="org/z").id == "org/z" and artifact.id == "org/x"
    assert [f.name for f in dataclasses.fields(Artifact)][:3] == ["id", "license", "license_name"]
    again = pickle.loads(pickle.dumps(result))
    assert json.dumps(again.to_json()) == json.dumps(result.to_json())
    assert again == result
