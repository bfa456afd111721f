"""Review 34: a hostile review of 91bb398 (Llama's naming clause `follows directly`: a clause-only
reach passes on from a model it reaches alone only along `trained_on`).

Findings (strict xfails are open; plain tests are guards that pass):

1. HIGH (wrong YES; fixed in session 16: rules.lp `passes` from a `mine` model, `maker_org`/`made_by` for one
   namespace, and bom.py reads `can-i:mine` on a pedigree ancestor): the user's OWN intermediate model. The user distils Llama 3.1 (3.2, 3.3, 4)
   into a model of their own (`mine`), then distils that into the model they distribute as
   "Student-2": YES since 91bb398 (NO before). The text binds "you" who "use the Llama Materials or
   any outputs or results of the Llama Materials to create, train, fine tune, or otherwise improve
   an AI model" (llama3_1.LICENSE §1.b.i); the README's own gloss of the change says the clause
   "binds whoever uses Llama's material or outputs, not the maker of a model distilled from
   someone else's student of it", and `mine` means "made by you". Here nobody else is involved:
   the same answer lists the user's Llama 3.1 AUP duties "for meta-llama/Llama-3.1-70B" (the user
   is judged as the one who distilled Llama), yet drops the naming duty. The same through a dataset
   the user generated from their intermediate, a quantized copy of it, an intermediate trained on
   Llama-licensed data, the CLI (`can-i distill LINEAGE --into mistral --and distribute`), a
   CycloneDX BOM whose ancestors are marked `can-i:mine`, and `can-i audit` of one organisation's
   cards. Labelling the private intermediate `llama3.1`, or fine-tuning it instead of distilling it,
   keeps the duty (guards below), so the duty hangs on the label of a model nobody receives.
2. MEDIUM, decided not a defect (the user's own edge says what the parent is: see its test): a parent with no `kind` and no `family` whose only
   derivation is `distilled` from Llama 3.1 (a dataset of Llama outputs, kind left out) and a model
   `distilled` from it: YES since 91bb398 (NO before). With `"kind": "dataset"` the same request is
   an input error; left out, the parent is silently read as a third party's model, the reading that
   drops the duty. The answer turns on an unstated fact ("an unstated fact is unknown, not false").
3. MEDIUM (wrong NO the change meant to remove, left on the BOM path): a CycloneDX `data` component
   made by a third party's student of Llama 3.1, no relation said (read as `finetune` + `distilled`
   by bom._derived), trained on by the user's model: NO by the naming clause, which now reaches on
   along the `finetune` edge; the same BOM saying `can-i:derived-by distilled` is YES.
4. LOW (explanation): `carried/4` (rules.lp) and lineage.via ignore `passes_on`, so `--explain`
   and `applicable[].via` say llama3.1 reaches the user's model through a third party's student
   ("... is trained on the outputs of `a/student`, and llama3.1's terms follow that edge"), the
   very edge 91bb398 says carries nothing, when it reaches it through a dataset of Llama outputs.
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
    # The intermediate in another namespace than acme/student: only its `can-i:mine` (on a pedigree
    # ancestor, which bom.py ignored) says the user made it (rules.lp `made_by` covers one namespace).
    bom = _cdx(LLAMA_DISTILLED, ("machine-learning-model", "lab", "mid", "Apache-2.0",
                                 [("can-i:derived-by", "distilled"), ("can-i:mine", "true")]))
    path = tmp_path / "own.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    run = run_cli(capsys, "distribute", path, "--name", "Student-2", "--commercial", "--release-mau", "1000",
                  "--no-remedies", "--json")
    assert run.code == 1, run.out[:400] + run.err


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
    """Guards (pass today): the direct case; the intermediate labelled llama3.1; a fine-tune of it;
    and a third party's student (review 20 #5, the case the change meant) stays YES."""
    for doc in (_own_chain(mid_license="llama3.1"),
                {**_own_chain(), "artifacts": _own_chain()["artifacts"][:2] +
                 [_model("acme/student", "acme/mid", "finetune", mine=True)]}):
        answer = R.ask(doc)
        assert answer.status == "forbidden" and ("llama3.1", NAMING) in _clauses(answer), answer.reasons
    direct = _own_chain()
    direct["artifacts"] = [direct["artifacts"][0], _model("acme/student", BASES["llama3.1"], "distilled", mine=True)]
    assert ("llama3.1", NAMING) in _clauses(R.ask(direct))
    third = _own_chain()
    third["artifacts"][1] = {**_model("z/student", BASES["llama3.1"], "distilled")}
    third["artifacts"][2] = _model("acme/student", "z/student", "distilled", mine=True)
    assert R.ask(third).status == "permitted"


# --- 2. MEDIUM: a parent of unstated kind ----------------------------------------------------------------

def _kindless_outputs(**parent):
    return {"artifacts": [{"id": BASES["llama3.1"], "license": "llama3.1", "family": "llama"},
                          {"id": "x/outputs", "license": "mit", **parent,
                           "derived_from": [{"id": BASES["llama3.1"], "relation": "distilled"}]},
                          _model("acme/student", "x/outputs", "distilled", mine=True)],
            "subject": "acme/student", "use": _use()}


def test_a_parent_the_user_distils_is_a_model_and_data_they_train_on_keeps_the_duty():
    """Decided, not a defect: the user's own edge says what the kind-less parent is. `distilled`
    from it makes it a model (distilling a dataset is an input error, the guard below), a third
    party's student: YES by the change's reading. Trained on it (`trained_on`), it is data, and
    the clause passes through data: NO."""
    assert R.ask(_kindless_outputs()).status == "permitted"
    as_data = _kindless_outputs()
    as_data["artifacts"][2]["derived_from"][0]["relation"] = "trained_on"
    answer = R.ask(as_data)
    assert answer.status == "forbidden" and ("llama3.1", NAMING) in _clauses(answer), answer.reasons


def test_guard_a_dataset_said_so_is_an_input_error():
    from reasoner.errors import RequestError

    with pytest.raises(RequestError):
        R.ask(_kindless_outputs(kind="dataset"))


# --- 3. MEDIUM: the BOM reading of data made by a model --------------------------------------------------

@pytest.mark.xfail(strict=True, reason="review 34 MEDIUM 3: bom._derived's finetune edge beside `distilled` "
                                       "lets the direct clause reach on from a third party's student")
def test_data_made_by_a_third_partys_student_answers_alike_in_a_bom(tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    statuses = []
    for props in ([], [("can-i:derived-by", "distilled")]):
        bom = _cdx(LLAMA_DISTILLED, ("machine-learning-model", "z", "student", "Apache-2.0", props),
                   ("data", "y", "outputs", "MIT", []))
        path = tmp_path / f"data{len(props)}.cdx.json"
        path.write_text(json.dumps(bom), encoding="utf-8")
        run = run_cli(capsys, "distribute", path, "--name", "Student-2", "--commercial", "--release-mau", "1000",
                      "--no-remedies", "--json")
        statuses.append(run.json()["status"])
    assert statuses[1] == "permitted"    # said `distilled`: the change's reading
    assert statuses[0] == statuses[1], statuses


# --- 4. LOW: the path the explanation shows ---------------------------------------------------------------

@pytest.mark.xfail(strict=True, reason="review 34 LOW 4: carried/4 and lineage.via ignore passes_on")
def test_the_explanation_does_not_route_the_clause_through_a_third_partys_student():
    base = BASES["llama3.1"]
    doc = {"artifacts": [{"id": base, "license": "llama3.1", "family": "llama"},
                         _model("a/student", base, "distilled"),
                         {"id": "x/outputs", "license": "mit", "kind": "dataset",
                          "derived_from": [{"id": base, "relation": "distilled"}]},
                         {"id": "acme/student", "mine": True, "license": "apache-2.0", "family": "mistral",
                          "derived_from": [{"id": "a/student", "relation": "distilled"},
                                           {"id": "x/outputs", "relation": "trained_on"}]}],
           "subject": "acme/student", "use": _use()}
    answer = R.ask(doc)
    assert ("llama3.1", NAMING) in _clauses(answer)   # right: the dataset of Llama outputs
    entry = next(a for a in answer.applicable if a.artifact == "acme/student" and a.license == "llama3.1")
    assert "a/student" not in entry.via, entry


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
