"""Session 6, outputs2: two wrong YESes about training on model outputs (review 15's findings 10, 13).

1. Data holding the outputs of a model whose license has no outputs-as-data rules (CC BY-NC, the
   Microsoft Research License, MNPL...): with who generated them UNSTATED the answer was YES, though
   generated gives NO or DEPENDS. Now DEPENDS naming `generated_outputs` (rules.lp outputs_open).
2. Catalog datasets the catalog knows are a model's outputs (`generated_by`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli  # noqa: E402

R = Reasoner(cache_size=0)
pytestmark = pytest.mark.usefixtures("bundled_kb")

# The licenses without outputs-as-data rules whose terms judge the distillation, and what
# generated outputs answer for a commercial Mistral student (review 15, finding 10).
JUDGED = {"cc-by-nc-4.0": "forbidden", "microsoft-research-license": "forbidden", "mnpl": "forbidden",
          "qwen-research": "forbidden", "apple-amlr": "forbidden", "minimax-m2.7-noncommercial": "forbidden",
          "kimi-k3": "depends", "mistral-medium-3.5-modified-mit": "depends"}


def trained_on_outputs_of(license, **use):
    """The user's own Mistral-family model trained on `x/syn`, outputs of `g/gen` under `license`."""
    return {"artifacts": [{"id": "me/s", "mine": True, "family": "mistral",
                           "derived_from": [{"id": "x/syn", "relation": "trained_on"}]},
                          {"id": "x/syn", "license": "mit", "derived_from": [{"id": "g/gen", "relation": "distilled"}]},
                          {"id": "g/gen", "license": license}],
            "subject": "me/s", "use": {"acts": ["use"], "release_mau": 1_000_000, "commercial": True, **use}}


@pytest.mark.parametrize("license", sorted(JUDGED))
def test_unstated_who_generated_the_outputs_is_depends_on_it(license):
    generated = R.ask(trained_on_outputs_of(license, generated_outputs=True))
    assert generated.status == JUDGED[license]
    unstated = R.ask(trained_on_outputs_of(license))
    assert unstated.status == "depends"
    assert "generated_outputs" in {d.fact for d in unstated.depends_on}
    assert not unstated.reasons   # the NO is a condition now, not a reason
    assert R.ask(trained_on_outputs_of(license, generated_outputs=False)).status == "permitted"


def test_the_remedy_states_generated_outputs_false_and_it_verifies():
    answer = R.ask({**trained_on_outputs_of("cc-by-nc-4.0"), "remedies": True})
    stated = [c for r in answer.remedies for c in r.changes if c.params.get("fact") == "generated_outputs"]
    assert stated and all(c.params["value"] is False for c in stated)
    assert R.ask(trained_on_outputs_of("cc-by-nc-4.0", generated_outputs=False)).status == "permitted"


@pytest.mark.parametrize("license", ["mit", "apache-2.0", "gemma", "cc-by-4.0"])
def test_a_generator_whose_terms_do_not_judge_the_act_keeps_its_answer(license):
    """No context is made for a license that grants distillation outright and blocks nothing on it
    (nor for one whose terms follow distillation anyway): unstated stays what it was."""
    unstated = R.ask(trained_on_outputs_of(license))
    assert unstated.status == R.ask(trained_on_outputs_of(license, generated_outputs=False)).status
    assert "generated_outputs" not in {d.fact for d in unstated.depends_on}


def test_outputs_rules_licenses_and_a_direct_distillation_are_unchanged():
    """The 9 licenses with outputs-as-data rules answer as before (their own open leaf), and a
    `distilled` edge straight from the model stays the user's own distillation (NO)."""
    assert R.ask(trained_on_outputs_of("llama3")).status == "depends"
    direct = trained_on_outputs_of("cc-by-nc-4.0")
    direct["artifacts"][0]["derived_from"] = [{"id": "g/gen", "relation": "distilled"}]
    assert R.ask(direct).status == "forbidden"


def _lineage(tmp_path, license="cc-by-nc-4.0"):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"artifacts": [
        {"id": "x/syn", "license": "mit", "derived_from": [{"id": "g/gen", "relation": "distilled"}]},
        {"id": "g/gen", "license": license}], "subject": "x/syn"}), encoding="utf-8")
    return path


@pytest.mark.parametrize("flag, code, status", [("--generated-outputs", 1, "forbidden"),
                                                ("--received-outputs", 0, "permitted"),
                                                (None, 3, "depends")])
def test_the_train_verb_on_a_lineage_file(tmp_path, capsys, flag, code, status):
    argv = ["train", _lineage(tmp_path), "--into", "mistral", "--commercial", "--no-remedies", "--json"]
    run = run_cli(capsys, *argv, *([flag] if flag else []))
    assert (run.code, run.json()["status"]) == (code, status)
    if status == "depends":
        assert "generated_outputs" in [d["fact"] for d in run.json()["depends_on"]]


def test_a_forbidden_request_file_stays_forbidden(tmp_path, capsys):
    """JSON through --request: generated stays NO; unstated is DEPENDS, never YES."""
    for use, code in (({"generated_outputs": True}, 1), ({}, 3)):
        path = tmp_path / "r.json"
        path.write_text(json.dumps(trained_on_outputs_of("microsoft-research-license", **use)), encoding="utf-8")
        assert run_cli(capsys, "--request", path, "--json").code == code


# --- 2. catalog datasets of a model's outputs (`generated_by`) -------------------------------------

def trained_on(dataset, **use):
    return {"artifacts": [{"id": "me/s", "mine": True, "family": "mistral",
                           "derived_from": [{"id": dataset, "relation": "trained_on"}]}],
            "subject": "me/s", "use": {"acts": ["distribute"], "commercial": True, **use}}


@pytest.mark.parametrize("dataset, generator", [("jondurbin/airoboros-3.2", "openai/gpt-4"),
                                                ("stingning/ultrachat", "openai/gpt-3.5-turbo"),
                                                ("camel-ai/math", "openai/gpt-4"),
                                                ("Open-Orca/OpenOrca", "openai/gpt-4")])
@pytest.mark.parametrize("use", [{}, {"generated_outputs": True}, {"generated_outputs": False}])
def test_a_catalog_dataset_of_unknown_terms_outputs_is_never_yes(dataset, generator, use):
    answer = R.ask(trained_on(dataset, **use))
    assert answer.status in ("unknown", "forbidden")
    assert any(r.kind == "unknown_license" and r.artifact == generator for r in answer.reasons)
    # the catalog's note is still shown, with who generated it
    assert any(n.code == "catalog_generated_by" and generator in n.message for n in answer.notes)


def test_the_generated_by_field_is_read_from_the_catalog():
    from reasoner.kb import LicenseFileError
    generated = {d["id"]: d["generated_by"] for d in R.kb.datasets.values() if d.get("generated_by")}
    assert generated["jondurbin/airoboros-3.2"] == ["openai/gpt-4"]
    assert generated["open-thoughts/OpenThoughts-114k"] == ["deepseek-ai/DeepSeek-R1"]
    for bad in ("openai/gpt-4", ["gpt4"], [3]):
        with pytest.raises(LicenseFileError, match="generated_by"):
            R.kb._add_dataset({"id": "x/bad-generated", "license": "mit", "generated_by": bad}, "t")


def test_a_catalog_generator_the_catalog_knows_brings_its_terms():
    """OpenThoughts3 holds QwQ-32B traces (apache-2.0): known terms, answered by them (YES), the
    edge shown among the answer's notes."""
    answer = R.ask(trained_on("open-thoughts/OpenThoughts3-1.2M"))
    assert answer.status == "permitted"
    assert any(n.code == "catalog_generated_by" for n in answer.notes)


def test_an_edge_the_request_already_states_is_not_added_twice():
    doc = trained_on("jondurbin/airoboros-3.2")
    doc["artifacts"].append({"id": "jondurbin/airoboros-3.2", "derived_from": [{"id": "openai/gpt-4", "relation": "distilled"}]})
    answer = R.ask(doc)
    assert answer.status == "unknown"
    assert not any(n.code == "catalog_generated_by" for n in answer.notes)   # the request said it already


@pytest.mark.parametrize("argv, code", [
    (["train", "jondurbin/airoboros-3.2", "--into", "mistral", "--commercial"], 3),
    (["train", "stingning/ultrachat", "--into", "mistral", "--commercial", "--generated-outputs"], 3),
    (["train", "tatsu-lab/alpaca", "--into", "mistral", "--commercial"], 1),
])
def test_the_train_verb_on_a_catalog_dataset_of_outputs(capsys, argv, code):
    run = run_cli(capsys, *argv, "--no-remedies", "--json")
    assert run.json()["status"] != "permitted"
    assert run.code == code   # 3: unknown (the generator's terms), 1: alpaca's own cc-by-nc-4.0


def test_a_request_file_training_on_gpt4_outputs_is_not_yes(tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(trained_on("jondurbin/airoboros-3.2")), encoding="utf-8")
    run = run_cli(capsys, "--request", path, "--json")
    assert run.json()["status"] == "unknown" and run.code != 0


def test_a_duty_owed_only_by_the_licensee_is_conditional_when_unstated():
    """Llama 3.1's policy duty (1.b.iv) binds a user who ran the model: generated, it is owed
    outright; unstated, it is owed if they generated the outputs; received, not at all."""
    def owed(**use):
        return {o.clause: o.conditional for o in R.ask(trained_on_outputs_of("llama3.1", **use)).obligations}
    assert owed(generated_outputs=True)["1.b.iv"] is False
    assert owed()["1.b.iv"] is True
    assert "1.b.iv" not in owed(generated_outputs=False)
    message = next(o.message for o in R.ask(trained_on_outputs_of("llama3.1")).obligations if o.clause == "1.b.iv")
    assert message.endswith("generated_outputs)")
