"""Review 19 (session 8's hostile review, re-done in session 9): wrong YESes at the edges of training.

- A model trained on material under a Llama 2/3 license (a dataset published under it) improved
  "any other large language model" (§1.b.v) with no objection: the ban was written for `distill`
  alone. Llama 3.x's naming duty ("create, train, fine tune, or otherwise improve") did not reach
  such a model either.
- A model trained on material under Gemma, or an Open RAIL-M style license, is a Model Derivative
  by their definitions ("transfer of patterns … Output", "synthetic data … for training"), yet
  their terms did not follow `trained_on`: relicensed Apache-2.0 alone, it was YES.
- The user's own model stated as `"kind": "dataset"` escaped the outputs-as-data rules (a dataset
  may regroup data by any relation): a dataset states no model family, so stating one is an error.
- A CycloneDX `data` ancestor with a `can-i:derived-by` property had the relation silently read as
  `trained_on`; "did you mean `trained_on`" was suggested for a relation that is then refused.
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
LLAMA3 = "meta-llama/Meta-Llama-3-8B"


# --- the CycloneDX reader -------------------------------------------------------------------------

def _cdx(tmp_path, ancestor: dict) -> Path:
    """A CycloneDX BOM of the user's own model (Apache-2.0) with one pedigree ancestor."""
    return own_model_bom(tmp_path / "mine.cdx.json", ancestor)


def _llama3_component(properties=()) -> dict:
    return {"type": "machine-learning-model", "group": "meta-llama", "name": "Meta-Llama-3-8B",
            "properties": list(properties)}


def _bom(tmp_path, data_properties):
    """The user's model trained on `x/syn`, data (CycloneDX `data`) made from Llama 3."""
    return _cdx(tmp_path, {"type": "data", "group": "x", "name": "syn", "licenses": [{"license": {"id": "MIT"}}],
                           "properties": data_properties, "pedigree": {"ancestors": [_llama3_component()]}})


def test_a_data_ancestor_stated_as_derived_by_another_relation_is_a_located_error(tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    path = _bom(tmp_path, [{"name": "can-i:derived-by", "value": "finetune"}])
    run = run_cli(capsys, "use", path, "--commercial", "--no-remedies")
    assert run.code == 2 and "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1
    assert "is data" in run.err and "pedigree.ancestors[0].properties" in run.err
    # without the property the same BOM reads, the data as training data
    run = run_cli(capsys, "use", _bom(tmp_path, []), "--commercial", "--no-remedies")
    assert run.code in (0, 1, 3), run.err


@pytest.mark.parametrize("value", ["trained", "traind_on", "trainedon"])
def test_a_misspelt_relation_is_never_offered_the_refused_trained_on(value, tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    path = _cdx(tmp_path, _llama3_component([{"name": "can-i:derived-by", "value": value}]))
    run = run_cli(capsys, "use", path)
    assert run.code == 2 and "trained_on" not in run.err, run.err


# --- training on material under a license -------------------------------------------------------

TRAIN = ("--commercial", "--release-mau", "1M", "--no-remedies")


@pytest.mark.parametrize("args, clause", [
    (("train", "llama3", "--into", "mistral", "--and", "distribute", "--name", "Llama-3-Student"), "1.b.v"),
    (("train", "llama2", "--into", "mistral"), "1.b.v"),
    (("train", "llama3.1", "--into", "mistral", "--and", "distribute", "--name", "Mistral-Student"),
     "1.b.i, last sentence"),
    (("train", "llama4", "--into", "mistral", "--and", "host", "--name", "Mistral-Student"), "1.b.i, last sentence"),
    (("train", "gemma", "--into", "mistral", "--and", "distribute", "--as", "apache-2.0"), "3.1.1"),
    (("train", "bigscience-openrail-m", "--into", "mistral", "--and", "distribute", "--as", "mit"), None),
    (("train", "deepseek", "--into", "mistral", "--and", "distribute", "--as", "mit"), None),
])
def test_training_on_material_under_a_license_is_judged_by_its_terms(args, clause, capsys):
    run = run_cli(capsys, *args, *TRAIN, "--json")
    assert run.code == 1, run.out
    answer = json.loads(run.out)
    assert answer["status"] == "forbidden"
    if clause is not None:
        assert clause in {r["clause"] for r in answer["reasons"]}, answer["reasons"]


def test_a_llama_fine_tune_trained_on_the_data_keeps_the_exception():
    """1.b.v excludes "Meta Llama 3 or derivative works thereof": a Llama 3 fine-tune may be trained
    on such data (named with the prefix, as 1.b.i asks)."""
    doc = {"artifacts": [{"id": "acme/bot", "license": "llama3", "mine": True,
                          "derived_from": [{"id": LLAMA3, "relation": "finetune"},
                                           {"id": "x/llama-data", "relation": "trained_on"}]},
                         {"id": "x/llama-data", "license": "llama3", "kind": "dataset"}],
           "subject": "acme/bot", "use": {"acts": ["distribute"], "release_mau": 1_000_000,
                                          "name": "Llama-3-Bot"}}
    assert R.ask(doc).status == "permitted"
    doc["artifacts"][0]["derived_from"] = [{"id": "x/llama-data", "relation": "trained_on"}]
    doc["artifacts"][0]["family"] = "mistral"
    answer = R.ask(doc)
    assert answer.status == "forbidden" and ("llama3", "1.b.v") in {(r.license, r.clause) for r in answer.reasons}


# --- the user's own model stated as a dataset --------------------------------------------------------

def _model_as_dataset(**mine):
    return {"artifacts": [{"id": "acme/student", "license": "apache-2.0", "mine": True, "kind": "dataset",
                           "derived_from": [{"id": "x/syn", "relation": "finetune"}], **mine},
                          {"id": "x/syn", "license": "llama3", "kind": "dataset",
                           "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}],
            "subject": "acme/student",
            "use": {"acts": ["distribute"], "release_mau": 1_000_000, "generated_outputs": True}}


def test_a_dataset_that_states_a_model_family_is_an_error(tmp_path, capsys):
    assert_input_error(R, _model_as_dataset(family="mistral"), "artifacts[0].family", "trained_on", tmp_path, capsys)
    # As a model trained on the data (what it is), the same request is NO.
    doc = _model_as_dataset(family="mistral")
    del doc["artifacts"][0]["kind"]
    doc["artifacts"][0]["derived_from"][0]["relation"] = "trained_on"
    assert R.ask(doc).status == "forbidden"
    # Data regrouped from the outputs, stated with no family, is still a question about data.
    assert R.ask(_model_as_dataset()).status == "permitted"
