"""Review 34: a hostile review of 91bb398 (Llama's naming clause `follows directly`: a clause-only
reach passes on from a model it reaches alone only along `trained_on`). That reading was withdrawn
the same session (session 16; tests/test_review20_found.py #5 says why): the reach is transitive
again, so a clause that reaches a model alone reaches every model made from it.

Kept here: the findings that hold whatever the reading, as guards.

1. HIGH (wrong YES under 91bb398): the user distils Llama 3.1 (3.2, 3.3, 4) into a model of their
   own (`mine`), then distils that into the model they distribute as "Student-2": the naming duty
   ("If you use the Llama Materials or any outputs or results of the Llama Materials to create,
   train, fine tune, or otherwise improve an AI model", llama3_1.LICENSE §1.b.i) must stay, through
   a dataset the user generated, a quantized copy, an intermediate trained on Llama-licensed data,
   the CLI, a CycloneDX BOM whose ancestors are marked `can-i:mine`, and `can-i audit` of one
   organisation's cards.
2. A CycloneDX BOM that --cyclonedx writes marks the user's own intermediate model `can-i:mine` on a
   pedigree ancestor, where bom.py ignored it: now read (a model of the user's own inside a lineage
   changes whose acts its terms judge; a hand-nested BOM read it as someone else's).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli  # noqa: E402

R = Reasoner(cache_size=0)
NAMING = "1.b.i, last sentence"
BASES = {"llama3.1": "meta-llama/Llama-3.1-70B", "llama3.2": "meta-llama/Llama-3.2-3B",
         "llama3.3": "meta-llama/Llama-3.3-70B-Instruct", "llama4": "meta-llama/Llama-4-Scout-17B-16E"}


def _use(**kw):
    return {"acts": ["distribute"], "release_mau": 1000, "commercial": True, "name": "Student-2",
            "domicile": ["US"], "territory": ["US"], **kw}


def _model(id_, parent, relation, **kw):
    return {"id": id_, "license": kw.pop("license", "apache-2.0"), "family": kw.pop("family", "mistral"),
            "derived_from": [{"id": parent, "relation": relation}], **kw}


def _clauses(answer):
    return {(r.license, r.clause) for r in answer.reasons}


def _own_chain(license_id="llama3.1", shape="distilled", mid_license="apache-2.0"):
    base = BASES[license_id]
    artifacts = [{"id": base, "license": license_id, "family": "llama"}]
    if shape == "trained_on_data":   # the intermediate is trained on data published under the license
        artifacts = [{"id": "x/llama-data", "license": license_id, "kind": "dataset"},
                     _model("acme/mid", "x/llama-data", "trained_on", mine=True, license=mid_license)]
    else:
        artifacts.append(_model("acme/mid", base, "distilled", mine=True, license=mid_license))
    last = "acme/mid"
    if shape == "quantized":
        artifacts.append(_model("acme/mid-q", "acme/mid", "quantized", mine=True))
        last = "acme/mid-q"
    if shape == "synthetic":         # the user generates a dataset with their intermediate
        artifacts.append({"id": "acme/d2", "mine": True, "license": "mit", "kind": "dataset",
                          "derived_from": [{"id": "acme/mid", "relation": "distilled"}]})
        artifacts.append(_model("acme/student", "acme/d2", "trained_on", mine=True))
    else:
        artifacts.append(_model("acme/student", last, "distilled", mine=True))
    return {"artifacts": artifacts, "subject": "acme/student",
            "use": _use(**({"generated_outputs": True} if shape == "synthetic" else {}))}


# --- 1. HIGH: the user's own intermediate model ----------------------------------------------------

@pytest.mark.parametrize("license_id", sorted(BASES))
def test_the_users_own_intermediate_student_keeps_the_llama_name(license_id):
    answer = R.ask(_own_chain(license_id))
    assert answer.status == "forbidden" and (license_id, NAMING) in _clauses(answer), answer.reasons


@pytest.mark.parametrize("shape", ["synthetic", "quantized", "trained_on_data"])
def test_every_shape_of_the_users_own_chain_keeps_the_llama_name(shape):
    answer = R.ask(_own_chain("llama3.1", shape))
    assert answer.status == "forbidden" and ("llama3.1", NAMING) in _clauses(answer), answer.reasons


def test_the_own_chain_through_the_cli(tmp_path, capsys):
    doc = _own_chain()
    lineage = {"artifacts": doc["artifacts"][:2], "subject": "acme/mid"}
    path = tmp_path / "lineage.json"
    path.write_text(json.dumps(lineage), encoding="utf-8")
    run = run_cli(capsys, "distill", path, "--into", "mistral", "--and", "distribute", "--name", "Student-2",
                  "--commercial", "--release-mau", "1000", "--no-remedies", "--json")
    assert run.code == 1 and ("llama3.1", NAMING) in {(r["license"], r["clause"]) for r in run.json()["reasons"]}, \
        run.out[:400]


def _cdx(*ancestors_chain):
    """A CycloneDX BOM: the user's model acme/student, whose ancestors nest as given."""
    def comp(kind, group, name, license_, parent=None, props=()):
        c = {"type": kind, "group": group, "name": name,
             "licenses": [{"license": {"id": license_}} if license_ in ("MIT", "Apache-2.0")
                          else {"license": {"name": license_}}]}
        if parent is not None:
            c["pedigree"] = {"ancestors": [parent]}
        if props:
            c["properties"] = [{"name": k, "value": v} for k, v in props]
        return c
    parent = None
    for kind, group, name, license_, props in ancestors_chain:
        parent = comp(kind, group, name, license_, parent, props)
    mine = comp("machine-learning-model", "acme", "student", "Apache-2.0", parent, [("can-i:mine", "true")])
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": mine},
            "components": []}


LLAMA_DISTILLED = ("machine-learning-model", "meta-llama", "Llama-3.1-70B", "llama3.1",
                   [("can-i:derived-by", "distilled")])


def test_the_own_chain_in_a_cyclonedx_bom(tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    bom = _cdx(LLAMA_DISTILLED, ("machine-learning-model", "lab", "mid", "Apache-2.0",
                                 [("can-i:derived-by", "distilled"), ("can-i:mine", "true")]))
    path = tmp_path / "own.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    run = run_cli(capsys, "distribute", path, "--name", "Student-2", "--commercial", "--release-mau", "1000",
                  "--no-remedies", "--json")
    assert run.code == 1, run.out[:400] + run.err


@pytest.mark.parametrize("marked", [True, False])
def test_can_i_mine_on_a_pedigree_ancestor_is_read_as_a_json_request_reads_mine(tmp_path, capsys, marked):
    """The user's own CC BY-NC intermediate binds its recipients, not the user (YES commercially,
    as the JSON request with `mine` answers); the same ancestor not marked is someone else's
    CC BY-NC model (NO). bom.py ignored `can-i:mine` on an ancestor, so both were NO."""
    pytest.importorskip("cyclonedx")
    props = [("can-i:derived-by", "finetune")] + ([("can-i:mine", "true")] if marked else [])
    bom = _cdx(("machine-learning-model", "lab", "mid", "CC-BY-NC-4.0", props))
    path = tmp_path / "nc.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    run = run_cli(capsys, "distribute", path, "--commercial", "--no-remedies", "--json")
    doc = {"artifacts": [{"id": "lab/mid", "license": "cc-by-nc-4.0", **({"mine": True} if marked else {})},
                         {"id": "acme/student", "mine": True, "license": "apache-2.0",
                          "derived_from": [{"id": "lab/mid", "relation": "finetune"}]}],
           "subject": "acme/student", "use": {"acts": ["distribute"], "commercial": True}}
    assert run.json()["status"] == R.ask(doc).status == ("permitted" if marked else "forbidden"), run.out[:600]


def test_one_organisations_cards_in_an_audit(tmp_path, capsys):
    cards = [{"id": "acme/mid", "front_matter": {"license": "apache-2.0", "model_name": "Mid-70B",
                                                 "base_model": "meta-llama/Llama-3.1-70B",
                                                 "base_model_relation": "distilled"}},
             {"id": "acme/student", "front_matter": {"license": "apache-2.0", "model_name": "Student-2",
                                                     "base_model": "acme/mid", "base_model_relation": "distilled"}}]
    path = tmp_path / "cards.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cards) + "\n", encoding="utf-8")
    run = run_cli(capsys, "audit", path, "--json", "-q")
    rows = {row["id"]: row for row in run.json()["results"]}
    assert rows["acme/mid"]["status"] == "forbidden"        # holds today
    assert rows["acme/student"]["status"] == "forbidden", rows["acme/student"]


def test_guard_the_own_chain_kept_where_it_still_holds():
    """Guards: the direct case; the intermediate labelled llama3.1; a fine-tune of it."""
    for doc in (_own_chain(mid_license="llama3.1"),
                {**_own_chain(), "artifacts": _own_chain()["artifacts"][:2] +
                 [_model("acme/student", "acme/mid", "finetune", mine=True)]}):
        answer = R.ask(doc)
        assert answer.status == "forbidden" and ("llama3.1", NAMING) in _clauses(answer), answer.reasons
    direct = _own_chain()
    direct["artifacts"] = [direct["artifacts"][0], _model("acme/student", BASES["llama3.1"], "distilled", mine=True)]
    assert ("llama3.1", NAMING) in _clauses(R.ask(direct))


def test_a_bom_this_tool_writes_for_the_own_chain_reads_back_to_the_same_no(tmp_path, capsys):
    """--cyclonedx writes `can-i:mine` on the pedigree ancestor that is the user's own; read back,
    it was ignored there, and the BOM asked another question (YES) than the request it came from."""
    pytest.importorskip("cyclonedx")
    doc = _own_chain()
    # The intermediate outside the student's namespace: only `mine` says the user made it (within
    # one namespace rules.lp `made_by` says so too). The BOM lists it as a component of its own
    # as well as a pedigree ancestor, each with `can-i:mine`.
    doc["artifacts"][1]["id"] = doc["artifacts"][2]["derived_from"][0]["id"] = "lab/private-mid"
    request = tmp_path / "own.json"
    request.write_text(json.dumps(doc), encoding="utf-8")
    written = run_cli(capsys, "distribute", request, "--cyclonedx", "--no-remedies")
    assert '"can-i:mine"' in written.out
    bom = tmp_path / "own.cdx.json"
    bom.write_text(written.out, encoding="utf-8")
    run = run_cli(capsys, "distribute", bom, "--name", "Student-2", "--commercial", "--release-mau", "1000",
                  "--no-remedies", "--json")
    assert run.code == 1 and ("llama3.1", NAMING) in {(r["license"], r["clause"]) for r in run.json()["reasons"]}


def test_can_i_mine_on_a_catalog_ancestor_is_refused_as_in_a_json_request(tmp_path, capsys):
    """The mutation of a forbidden request through the newly read property: Llama 3 itself marked
    the user's own in a BOM would drop its terms (its own label binds only recipients); refused,
    exit 2, as `mine` on a catalog model is in a JSON request."""
    pytest.importorskip("cyclonedx")
    bom = _cdx(("machine-learning-model", "meta-llama", "Meta-Llama-3-8B", "llama3",
                [("can-i:derived-by", "finetune"), ("can-i:mine", "true")]))
    path = tmp_path / "hostile.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    run = run_cli(capsys, "host", path, "--commercial", "--release-mau", "800M", "--no-remedies", "--json")
    assert run.code == 2 and "is a catalog model" in run.json()["error"]["message"], run.out[:400]
    unmarked = json.loads(path.read_text(encoding="utf-8"))
    unmarked["metadata"]["component"]["pedigree"]["ancestors"][0]["properties"].pop()
    path.write_text(json.dumps(unmarked), encoding="utf-8")
    assert run_cli(capsys, "host", path, "--commercial", "--release-mau", "800M", "--role", "licensee",
                   "--no-remedies", "--json").code == 1
