"""Review 21: a hostile review of 1ece09e (the Stability §IV(b) and Hunyuan §5.b bans on `train`
read `when not outputs_only`, a flag rules.lp computes by walking up from the data trained on).

Findings (all fixed here, reasoner/rules.lp and solve.context_artifacts):

1. HIGH (wrong YES, older than 1ece09e, every license that does not follow trained_on): data held
   by `trained_on` and then regrouped by `merge` / `finetune` (an MIT mix merging an MIT mix that
   holds Llama 3, Tongyi, FLUX non-commercial, Stability or Hunyuan data) was YES: `data_held`
   walked only trained_on edges, so the held data went out of reach at the first merge. The same
   data one regrouping shallower, or in the other order, was NO.
2. MEDIUM (wrong NO added by 1ece09e): a mix that regroups a dataset of the model's outputs and is
   itself labelled with the license the outputs carry was read as raw material (`own` and no
   `distilled` edge of its own): a mere recipient's answer became NO (DEPENDS before).
3. MEDIUM (wrong NO added by 1ece09e): the CycloneDX reader's shape for a `data` component with a
   model ancestor (finetune + distilled to the model: bom._derived), or the same edges in a request,
   made the walk read the MODEL as raw material under its license: a recipient of Stability or
   Hunyuan outputs was NO (DEPENDS before).
4. LOW (wrong DEPENDS, older than 1ece09e; fixed in api.complete): a dataset stated as `distilled`
   from a dataset read the material itself as a model's outputs; now an input error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import assert_input_error, own_model_bom, run_cli  # noqa: E402

R = Reasoner(cache_size=0)

OUTPUTS_BANS = [("stabilityai-ai-community", "IV(b), last sentence", "stabilityai/stable-diffusion-3.5-large"),
                ("tencent-hunyuan-community", "5.b", "tencent/HunyuanVideo"),
                ("tencent-hunyuan-community-large", "5.b", "tencent/Tencent-Hunyuan-Large")]


def _use(**kw):
    return {"commercial": False, "acts": ["use"], "release_mau_own": 1_000_000, "territory": ["US"], **kw}


def _student(trained_on, **kw):
    return {"id": "acme/student", "mine": True, "license": kw.pop("license", "apache-2.0"),
            "family": kw.pop("family", "mistral"), "derived_from": [{"id": trained_on, "relation": "trained_on"}], **kw}


def _doc(artifacts, trained_on, **use):
    return {"artifacts": [*artifacts, _student(trained_on)], "subject": "acme/student", "use": _use(**use)}


def _clauses(answer):
    return {(r.license, r.clause) for r in answer.reasons}


def _outputs(label="mit", model="stabilityai/stable-diffusion-3.5-large", **kw):
    return {"id": "w/outputs", "license": label, "kind": "dataset",
            "derived_from": [{"id": model, "relation": "distilled"}], **kw}


# --- 1. held data regrouped by merge / finetune ------------------------------------------------------

def _held_then_regrouped(license_id, inner, outer):
    return _doc([{"id": "x/inner", "license": license_id, "kind": "dataset"},
                 {"id": "y/mix", "license": "mit", "kind": "dataset", "derived_from": [{"id": "x/inner", "relation": inner}]},
                 {"id": "v/mix2", "license": "mit", "kind": "dataset", "derived_from": [{"id": "y/mix", "relation": outer}]}],
                "v/mix2", commercial=True, acts=["distribute"], release_mau=1_000_000, mau=1_000_000, revenue=1_000_000)


@pytest.mark.parametrize("license_id, clause", [
    ("llama3", "1.b.v"), ("tongyi-qianwen", "5.b"), ("flux-1-dev-non-commercial-license", "2.a"),
    ("stabilityai-ai-community", "IV(b), last sentence"), ("tencent-hunyuan-community", "5.b")])
@pytest.mark.parametrize("inner, outer", [("trained_on", "merge"), ("trained_on", "finetune"),
                                          ("merge", "trained_on"), ("trained_on", "trained_on"), ("merge", "merge")])
def test_held_data_stays_held_in_any_order_of_regrouping(license_id, clause, inner, outer):
    """HIGH 1: ("trained_on", "merge") and ("trained_on", "finetune") were YES."""
    answer = R.ask(_held_then_regrouped(license_id, inner, outer))
    assert answer.status == "forbidden" and (license_id, clause) in _clauses(answer), answer.reasons


def test_held_then_merged_in_a_lineage_file(tmp_path, capsys):
    path = tmp_path / "lineage.json"
    doc = _held_then_regrouped("llama3", "trained_on", "merge")
    path.write_text(json.dumps({"artifacts": doc["artifacts"], "subject": "acme/student"}), encoding="utf-8")
    run = run_cli(capsys, "use", path, "--commercial", "--release-mau", "1M", "--no-remedies", "--json")
    assert run.code == 1, run.out[:400] + run.err
    assert ("llama3", "1.b.v") in {(r["license"], r["clause"]) for r in run.json()["reasons"]}


def test_held_then_merged_permissive_data_stays_yes():
    """No over-reach: the deeper walk changes nothing for permissive data, nor for an OR the user chooses from."""
    assert R.ask(_held_then_regrouped("mit", "trained_on", "merge")).status == "permitted"
    assert R.ask(_held_then_regrouped("stabilityai-ai-community OR mit", "trained_on", "merge")).status == "permitted"


def test_held_walk_context_artifacts_cover_the_held_data():
    """solve.context_artifacts mirrors rules.lp data_reach/data_held (test_size2 checks the same)."""
    from reasoner import solve
    from test_size2 import _ground_contexts

    doc = _held_then_regrouped("llama3", "trained_on", "merge")
    for question in R._plan(doc).scenes:
        scene = question.scene
        assert "x/inner" in _ground_contexts(scene) <= solve.context_artifacts(scene)


# --- 2. outputs regrouped into a mix labelled with the license --------------------------------------------

@pytest.mark.parametrize("relation", ["merge", "finetune"])
@pytest.mark.parametrize("license_id, clause, model", OUTPUTS_BANS)
def test_outputs_regrouped_into_a_mix_labelled_with_the_license_stay_outputs(license_id, clause, model, relation):
    """MEDIUM 2: was NO for a recipient (1ece09e); DEPENDS before it and now."""
    for inner_label in ("mit", license_id):
        doc = _doc([_outputs(inner_label, model),
                    {"id": "y/mix", "license": license_id, "kind": "dataset",
                     "derived_from": [{"id": "w/outputs", "relation": relation}]}], "y/mix", generated_outputs=False)
        answer = R.ask(doc)
        assert answer.status == "depends" and (license_id, clause) not in _clauses(answer), answer.reasons
        doc["use"]["generated_outputs"] = True   # the licensee who ran the model is bound
        assert R.ask(doc).status == "forbidden"


@pytest.mark.parametrize("license_id, clause, model", OUTPUTS_BANS)
def test_a_labelled_mix_of_outputs_and_material_is_material(license_id, clause, model):
    """Guard: the label inherited from outputs does not hide material merged beside them."""
    for own in ("mit", license_id):
        doc = _doc([{"id": "x/raw", "license": license_id, "kind": "dataset"}, _outputs("mit", model),
                    {"id": "y/mix", "license": own, "kind": "dataset",
                     "derived_from": [{"id": "w/outputs", "relation": "merge"}, {"id": "x/raw", "relation": "merge"}]}],
                   "y/mix", generated_outputs=False)
        answer = R.ask(doc)
        assert answer.status == "forbidden" and (license_id, clause) in _clauses(answer), answer.reasons
    # a dataset that is the model's outputs AND merges material under the license
    doc = _doc([{"id": "x/raw", "license": license_id, "kind": "dataset"},
                _outputs(license_id, model, derived_from=[{"id": model, "relation": "distilled"},
                                                          {"id": "x/raw", "relation": "finetune"}])],
               "w/outputs", generated_outputs=False)
    assert (license_id, clause) in _clauses(R.ask(doc))


# --- 3. data made from a model: finetune + distilled (the BOM readers' shape) --------------------------------

@pytest.mark.parametrize("license_id, clause, model", OUTPUTS_BANS)
def test_outputs_beside_a_finetune_edge_stay_outputs(license_id, clause, model):
    """MEDIUM 3: was NO for a recipient (1ece09e)."""
    doc = _doc([_outputs("mit", model, derived_from=[{"id": model, "relation": "finetune"},
                                                     {"id": model, "relation": "distilled"}])],
               "w/outputs", generated_outputs=False)
    answer = R.ask(doc)
    assert answer.status == "depends" and (license_id, clause) not in _clauses(answer), answer.reasons


def test_outputs_in_a_cyclonedx_bom_stay_outputs(tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    sd = {"type": "machine-learning-model", "group": "stabilityai", "name": "stable-diffusion-3.5-large",
          "licenses": [{"license": {"name": "stabilityai-ai-community"}}]}
    data = {"type": "data", "group": "w", "name": "sd-images", "licenses": [{"license": {"id": "MIT"}}],
            "pedigree": {"ancestors": [sd]}}
    path = own_model_bom(tmp_path / "outputs.cdx.json", data)
    argv = ("use", path, "--non-commercial", "--release-mau-own", "1M", "--territory", "US", "--no-remedies", "--json")
    run = run_cli(capsys, *argv, "--received-outputs")
    assert run.code == 3 and run.json()["status"] == "depends", run.out[:400] + run.err
    run = run_cli(capsys, *argv, "--generated-outputs")
    assert run.code == 1, run.out[:400] + run.err


# --- guards: the cases checked that were right ----------------------------------------------------------------

@pytest.mark.parametrize("license_id, clause, model", OUTPUTS_BANS)
def test_guards_material_under_the_license(license_id, clause, model):
    raw = {"id": "x/raw", "license": license_id, "kind": "dataset"}
    # an AND keeps the ban, held or merged; an OR the user may choose from does not
    for label, status in ((f"{license_id} AND mit", "forbidden"), (f"{license_id} OR mit", "permitted")):
        assert R.ask(_doc([dict(raw, license=label)], "x/raw")).status == status
        mix = {"id": "y/mix", "license": "mit", "kind": "dataset", "derived_from": [{"id": "x/raw", "relation": "merge"}]}
        assert R.ask(_doc([dict(raw, license=label), mix], "y/mix")).status == status
    # a dataset labelled with the license, "distilled" from a model not under it, is material
    doc = _doc([_outputs(license_id, "mistralai/Mistral-7B-v0.1")], "w/outputs", generated_outputs=False)
    assert (license_id, clause) in _clauses(R.ask(doc))
    # a Hub id in the licensor's namespace that the catalog does not list relicenses nothing
    org = model.split("/")[0]
    doc = _doc([raw, {"id": f"{org}/mix", "license": "mit", "kind": "dataset", "publisher": org,
                      "derived_from": [{"id": "x/raw", "relation": "merge"}]}], f"{org}/mix")
    assert (license_id, clause) in _clauses(R.ask(doc))


@pytest.mark.parametrize("license_id, clause, model", OUTPUTS_BANS)
def test_guards_outputs_of_a_third_partys_derivative(license_id, clause, model):
    """Outputs of a third party's fine-tune under the license are outputs (DEPENDS for a recipient)."""
    doc = _doc([{"id": "z/ft", "license": license_id, "derived_from": [{"id": model, "relation": "finetune"}]},
                _outputs("mit", "z/ft")], "w/outputs", generated_outputs=False)
    answer = R.ask(doc)
    assert answer.status == "depends" and (license_id, clause) not in _clauses(answer), answer.reasons


def _deep_mix(n: int) -> dict:
    """Stability data at the bottom of an n-deep chain of MIT mixes, held by trained_on and merge in turn."""
    arts = [{"id": "x/d0", "license": "stabilityai-ai-community", "kind": "dataset"}]
    arts += [{"id": f"x/d{i}", "license": "mit", "kind": "dataset",
              "derived_from": [{"id": f"x/d{i - 1}", "relation": "trained_on" if i % 2 else "merge"}]}
             for i in range(1, n)]
    return _doc(arts, f"x/d{n - 1}")


def test_a_deep_mix_of_merges_grounds_in_linear_size():
    """Size guard (work, not wall-clock time): 1ece09e's walk and the deeper held-data walk ground
    a bounded number of atoms per link of a deep mix (13 at this commit), and the ban still holds
    at the bottom of a 1,000-deep one."""
    from test_size2 import _grounded

    def atoms(n: int) -> int:
        doc = _deep_mix(n)
        assert R.ask(doc).status == "forbidden"
        control = _grounded(R._plan(doc).scenes[0].scene)   # kept while its atoms are counted
        return len(control.symbolic_atoms)

    small, large = atoms(500), atoms(1_000)
    assert (large - small) / 500 <= 14, (small, large)


def test_distilled_from_a_dataset_is_not_outputs(tmp_path, capsys):
    """Was a strict xfail (LOW, wrong DEPENDS, older than 1ece09e): a dataset stated as `distilled`
    from a DATASET under Stability's license was read as that "model's" outputs (rules.lp outputs_of
    and outputs_only never ask whether the parent is a model), so training Mistral on it was DEPENDS,
    not the NO the material itself gets. Now a located input error (api.complete)."""

    doc = _doc([{"id": "x/raw", "license": "stabilityai-ai-community", "kind": "dataset"},
                {"id": "y/d", "license": "mit", "kind": "dataset", "derived_from": [{"id": "x/raw", "relation": "distilled"}]}],
               "y/d", generated_outputs=False)
    assert_input_error(R, doc, "artifacts[1].derived_from[0].relation", "not a model", tmp_path, capsys)
    # held by `trained_on`, as the error says, the material keeps the ban
    doc["artifacts"][1]["derived_from"][0]["relation"] = "trained_on"
    answer = R.ask(doc)
    assert answer.status == "forbidden" and ("stabilityai-ai-community", "IV(b), last sentence") in _clauses(answer)


def test_the_train_verb_keeps_the_ban_for_every_family_but_a_weights_derivative(capsys):
    for family in ("stable-diffusion", "hunyuan", "mistral"):
        run = run_cli(capsys, "train", "stabilityai-ai-community", "--into", family, "--non-commercial",
                      "--no-remedies", "--json")
        assert run.code == 1 and ("stabilityai-ai-community", "IV(b), last sentence") in {
            (r["license"], r["clause"]) for r in run.json()["reasons"]}, run.out[:300]
