"""Holes a review of the input hardening found: a hand-built `Request` skipped every check, many
questions within the per-question budget added up without bound, and messages named things that
do not exist where they were shown."""

from __future__ import annotations

import json

import pytest

from reasoner import api
from reasoner.api import Reasoner
from reasoner.cli import main
from reasoner.errors import LimitError, RequestError
from reasoner.request import Artifact, Edge, Request, Use

VISION = "meta-llama/Llama-3.2-11B-Vision-Instruct"


@pytest.mark.parametrize("request_object, where", [
    (Request((Artifact("p", license="llama3", family="llama"),
              Artifact("c", mine=True, family="mistral", derived_from=(Edge("p", "distill"),))), "c", Use()),
     "artifacts[1].derived_from[0].relation"),
    (Request((Artifact(VISION),), VISION, Use(acts=("use",), release_mau=10**6, territory=("France",))), "use.territory[0]"),
    (Request((Artifact(VISION),), VISION, Use(acts=("use",), release_mau=10**6, territory=())), "use.territory"),
    (Request((Artifact("m", license="deepseek"),), "m", Use(acts=("host",), purposes=("weapon",))), "use.purposes[0]"),
    (Request((Artifact("m", license="mit"),), "m", Use(acts=("hots",))), "use.acts[0]"),
    (Request((Artifact("m", license="llama3 AND"),), "m", Use(acts=("host",))), "artifacts[0].license"),
])
def test_a_hand_built_request_meets_the_checks_of_a_json_request(reasoner, request_object, where):
    with pytest.raises(RequestError) as caught:
        reasoner.ask(request_object)
    assert caught.value.location == where


@pytest.mark.parametrize("request_object, status", [
    (Request((Artifact(VISION),), VISION, Use(acts=("use",), release_mau=10**6, role="licensee", domicile=("DE",))), "forbidden"),
    (Request((Artifact("m", license="llama3"),), "m", Use(acts=("host",), release_mau="800M", role="licensee")), "forbidden"),
    (Request((Artifact("m", license="llama3"),), "m", Use(acts=("host",), release_mau=5, date=20250601)), "permitted"),
])
def test_a_hand_built_request_gets_the_answer_of_the_same_json_request(reasoner, request_object, status):
    assert reasoner.ask(request_object).status == status


def _chain(own: int) -> dict:
    """A question whose work is about `own` artifacts and acts (no OR)."""
    artifacts = [{"id": "base", "license": "mit"}]
    for i in range(own):
        artifacts.append({"id": f"m{i}", "mine": True,
                          "derived_from": [{"id": artifacts[-1]["id"], "relation": "finetune"}]})
    return {"artifacts": artifacts, "use": {"acts": ["use"]}}


def test_questions_past_the_budget_of_one_call_get_a_limit_error_and_the_rest_are_answered(monkeypatch):
    fresh = Reasoner(cache_size=0)
    monkeypatch.setattr(api, "MAX_CALL_WORK", 100)
    answers = fresh.answer_each([_chain(20), _chain(21), _chain(22), {"licenses": ["mit"], "use": {"acts": ["use"]}}])
    assert [type(a).__name__ for a in answers] == ["Result", "Result", "LimitError", "Result"]
    with pytest.raises(LimitError) as caught:
        fresh.ask_many([_chain(20), _chain(21), _chain(22)])
    assert caught.value.location.startswith("requests[2]")


def test_json_lines_past_the_budget_of_one_call_are_limit_errors_on_their_lines(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(api, "MAX_CALL_WORK", 200)   # each chain costs about 2 x 40
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(doc) for doc in (_chain(40), _chain(41), _chain(42))) + "\n")
    assert main(["--request", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [("error" in line) for line in lines] == [False, False, True]
    assert lines[2]["error"]["code"] == "limit" and f"{path}:3" in err


def test_a_request_file_names_the_grant_field_without_a_flag_it_does_not_have(capsys):
    import io
    import sys

    doc = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}
    old = sys.stdin
    try:
        sys.stdin = io.StringIO(json.dumps(doc))
        assert main(["--request", "-"]) == 1
    finally:
        sys.stdin = old
    out = capsys.readouterr().out
    assert "`use.grants`" in out and "--grant" not in out
    assert main(["host", "llama3", "--release-mau", "800M", "--role", "licensee"]) == 1
    assert "(--grant meta)" in capsys.readouterr().out


def test_suggestions_name_each_candidate_once(capsys):
    assert main(["host", "llama3_WITH"]) == 2
    err = capsys.readouterr().err
    hint = err[err.index("did you mean"):]
    names = [part.split("`")[1] for part in hint.split(" or ")]
    assert len(names) == len(set(names))


def test_an_agpl_plus_id_is_agpl_3(reasoner):
    assert reasoner.ask({"licenses": ["AGPL-3.0+"], "use": {"acts": ["distribute"]}}).status == \
        reasoner.ask({"licenses": ["agpl-3.0"], "use": {"acts": ["distribute"]}}).status


def test_a_yaml_lineage_file_error_does_not_call_it_front_matter(tmp_path, capsys):
    path = tmp_path / "x.yaml"
    path.write_text("artifacts: [\n")
    assert main(["host", str(path)]) == 2
    err = capsys.readouterr().err
    assert "invalid YAML:" in err and "front matter" not in err
