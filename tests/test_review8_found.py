"""Hostile review 8 (session 5, main at b71eabb): the outputs-as-data rules (gaps), the remedy
search grounded in the verdict's Control (cold), and the agreement of `Reasoner.ask`,
`answer_each`, the CLI's `--request` JSON Lines and remedies re-asked.

Each test passes when the behaviour is right; a strict xfail names a wrong answer left open (see
NOTES-review8.md, ranked by severity).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner
from reasoner.remedies import apply_changes

sys.path.insert(0, str(Path(__file__).parent))
from conftest import own_model_bom  # noqa: E402

R = Reasoner(cache_size=0)
LLAMA3 = "meta-llama/Meta-Llama-3-8B"
LLAMA2 = "meta-llama/Llama-2-7b-hf"
ROOT = Path(__file__).resolve().parent.parent


def student(edges, *, family=None, license="apache-2.0", extra=(), **use):
    """The user's own model `acme/student` with `edges`, beside `extra` artifacts, asked `use`."""
    me = {"id": "acme/student", "license": license, "mine": True, "derived_from": list(edges)}
    if family:
        me["family"] = family
    return {"artifacts": [me, *extra], "subject": "acme/student", "use": {"acts": ["use"], **use}}


def outputs_of(model, dataset="x/syn", license=None):
    """A dataset of `model`'s outputs (and the model's own entry when it is not a catalog one)."""
    items = [{"id": dataset, "license": "mit", "derived_from": [{"id": model, "relation": "distilled"}]}]
    if license:
        items.append({"id": model, "license": license})
    return items


def status(doc) -> str:
    return R.ask(doc).status


# --- wrong YES: the 1.b.v exception reads "Llama 3 or derivative works thereof" as the family -------

def test_a_llama2_fine_tune_improved_with_llama3_outputs_is_not_a_plain_yes():
    """llama3.lic 1.b.v wrote "(excluding Meta Llama 3 or derivative works thereof)" as `target.family =
    llama`, so a Llama 2 fine-tune improved with Llama 3 outputs was YES; the exception now tests
    `target.derived` (the student takes Llama 3's weights)."""
    via_data = student([{"id": LLAMA2, "relation": "finetune"}, {"id": "x/syn", "relation": "trained_on"}],
                       family="llama", license="llama2", extra=outputs_of(LLAMA3),
                       generated_outputs=True, release_mau=1_000_000)
    direct = student([{"id": LLAMA2, "relation": "finetune"}, {"id": LLAMA3, "relation": "distilled"}],
                     family="llama", license="llama2", release_mau=1_000_000)
    assert status(via_data) != "permitted"
    assert status(direct) != "permitted"


def test_a_mistral_fine_tune_improved_with_llama3_outputs_stays_forbidden():
    """The guard beside the xfail above: the same request for a Mistral fine-tune is NO."""
    doc = student([{"id": "mistralai/Mistral-7B-v0.1", "relation": "finetune"}, {"id": "x/syn", "relation": "trained_on"}],
                  family="mistral", extra=outputs_of(LLAMA3), generated_outputs=True, release_mau=1_000_000)
    assert status(doc) == "forbidden"


def test_received_outputs_do_not_lift_the_licensees_cap_for_a_student_inside_the_exception():
    """With `generated_outputs: false` the outputs clause alone judged the distillation, and its
    exception held on the stated family (qwen): `--received-outputs` turned §4's NO into YES. A
    student with no Tongyi Qianwen weights is outside the exception now (DEPENDS); one with them is
    judged by §4 through its fine-tune edge."""
    qwen = student([{"id": "acme/qwen", "relation": "distilled"}], family="qwen",
                   extra=[{"id": "acme/qwen", "license": "tongyi-qianwen"}], commercial=True, mau=200_000_000)
    assert status(qwen) == "forbidden"
    qwen["use"]["generated_outputs"] = False
    assert status(qwen) != "permitted"


def test_received_outputs_keep_the_cap_when_the_student_also_has_the_weights():
    """The realistic form (a fine-tune of the model, also trained on its received outputs) keeps §4."""
    doc = student([{"id": "acme/qwen", "relation": "finetune"}, {"id": "acme/qwen", "relation": "distilled"}],
                  family="qwen", extra=[{"id": "acme/qwen", "license": "tongyi-qianwen"}],
                  commercial=True, mau=200_000_000, generated_outputs=False)
    assert status(doc) == "forbidden"


# --- ways around the outputs-as-data rules that hold --------------------------------------------------

@pytest.mark.parametrize("license", ["llama3 AND mit", "tongyi-qianwen", "xai-community",
                                     "flux-1-dev-non-commercial-license", "tencent-hunyuan-community"])
def test_outputs_of_a_stacked_or_other_banned_model_are_never_yes_for_a_mistral_student(license):
    doc = student([{"id": "x/syn", "relation": "trained_on"}], family="mistral",
                  extra=outputs_of("acme/gen", license=license))
    for generated in (None, True, False):
        asked = copy.deepcopy(doc)
        if generated is not None:
            asked["use"]["generated_outputs"] = generated
        assert status(asked) != "permitted", (license, generated)


def test_outputs_of_a_model_under_an_or_license_follow_the_choice():
    """`llama3 OR apache-2.0`: the licensor offers Apache-2.0, under which the outputs are free."""
    doc = student([{"id": "x/syn", "relation": "trained_on"}], family="mistral",
                  extra=outputs_of("acme/gen", license="llama3 OR apache-2.0"), generated_outputs=True)
    answer = R.ask(doc)
    assert answer.status == "permitted" and answer.to_json().get("choice")


@pytest.mark.parametrize("spelling", ["received_outputs", "generated-outputs", "generatedOutputs",
                                      "Generated_outputs", "generated_output"])
def test_misspelt_generated_outputs_in_a_request_is_an_error_with_a_hint(spelling):
    from reasoner.errors import RequestError

    doc = student([{"id": "x/syn", "relation": "trained_on"}], family="mistral", extra=outputs_of(LLAMA3))
    doc["use"][spelling] = True
    with pytest.raises(RequestError) as caught:
        R.ask(doc)
    assert "generated_outputs" in caught.value.message and caught.value.location == f"use.{spelling}"


@pytest.mark.parametrize("value", ["true", 1, "yes"])
def test_generated_outputs_takes_only_a_boolean(value):
    from reasoner.errors import RequestError

    doc = student([{"id": "x/syn", "relation": "trained_on"}], family="mistral", extra=outputs_of(LLAMA3))
    doc["use"]["generated_outputs"] = value
    with pytest.raises(RequestError):
        R.ask(doc)


# --- remedies: each one verifies, and the search agrees with a batch ----------------------------------

def test_every_remedy_for_outputs_as_data_verifies_when_applied():
    docs = [student([{"id": "x/syn", "relation": "trained_on"}], family="mistral",
                    extra=outputs_of("acme/gen", license=license), **use)
            for license in ("llama3", "stabilityai-ai-community")
            for use in ({}, {"generated_outputs": True, "release_mau": 1_000_000, "commercial": True})]
    checked = 0
    for doc in docs:
        doc["remedies"] = True
        answer = R.ask(doc)
        assert answer.status != "permitted"
        for remedy in answer.remedies:
            fixed = apply_changes(doc, [edit for change in remedy.changes for edit in change.edits])
            fixed.pop("remedies")
            assert R.ask(fixed).status == "permitted", [c.message for c in remedy.changes]
            # A remedy never asks the user to claim they received what they generated.
            assert "generated_outputs" not in json.dumps([c.params for c in remedy.changes])
            checked += 1
    # Since the exceptions test the student's lineage (`target.derived`, not its family), no fact the
    # user states can bring a Mistral student inside them: the remedy search used to propose "make
    # `acme/student` a llama-family model", the very wrong YES review 8 found. Whatever remedies
    # remain (none today) verify above.
    assert checked >= 0


def test_remedies_in_one_batch_equal_those_asked_one_at_a_time():
    docs = [student([{"id": "x/syn", "relation": "trained_on"}], family="mistral",
                    extra=outputs_of("acme/gen", license=license), generated_outputs=True, commercial=True)
            for license in ("llama3", "tongyi-qianwen", "xai-community")]
    for doc in docs:
        doc["remedies"] = True
    alone = [json.dumps(Reasoner(cache_size=0).ask(doc).to_json(), sort_keys=True) for doc in docs]
    batch = [json.dumps(answer.to_json(), sort_keys=True) for answer in Reasoner(cache_size=0).answer_each(docs)]
    assert alone == batch


def test_json_lines_on_the_command_line_answer_as_the_api_does(tmp_path):
    docs = [student([{"id": "x/syn", "relation": "trained_on"}], family=family,
                    extra=outputs_of("acme/gen", license=license), **use)
            for license in ("llama3", "flux-1-dev-non-commercial-license")
            for family in ("mistral", "llama")
            for use in ({}, {"generated_outputs": False}, {"generated_outputs": True, "release_mau": 1_000_000})]
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(json.dumps(doc) for doc in docs) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "reasoner.cli", "--request", str(path), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [json.loads(json.dumps(R.ask(doc).to_json())) for doc in docs] == lines


# --- BOM input: data a model made is its outputs ------------------------------------------------------

def _cdx_student_on_data_made_by_llama3(tmp_path, relation=None):
    """A CycloneDX ML-BOM: the user's own model trained on a `data` component whose pedigree
    ancestor is Llama 3 (the data was made from Llama 3), with or without a relation property."""
    llama = {"type": "machine-learning-model", "group": "meta-llama", "name": "Meta-Llama-3-8B"}
    data = {"type": "data", "group": "x", "name": "syn", "licenses": [{"license": {"id": "MIT"}}],
            "pedigree": {"ancestors": [llama]}}
    if relation:
        data["properties"] = [{"name": "can-i:base_model_relation", "value": relation}]
    return own_model_bom(tmp_path / "student.cdx.json", data)


def test_a_cyclonedx_data_component_made_from_a_model_holds_its_outputs(tmp_path, capsys):
    """bom.py read a `data` component whose pedigree ancestor is a model with no relation property
    as a fine-tune of it (an edge with no relation is `finetune`, as a card's base_model), so the
    outputs-as-data rules never saw it: the user's own model trained on data made from Llama 3,
    outputs generated by the user, was YES, where the same lineage as JSON (the data `distilled`
    from Llama 3) and SPDX 3's `generates` are not (DEPENDS on the student's family; NO outside
    the Llama family, by 1.b.v)."""
    pytest.importorskip("cyclonedx")
    from conftest import run_cli

    for relation in (None, "distilled"):
        path = _cdx_student_on_data_made_by_llama3(tmp_path, relation)
        run = run_cli(capsys, "use", path, "--generated-outputs", "--release-mau", "1M", "--no-remedies", "--json")
        answer = json.loads(run.out)
        # NO since the 1.b.v exception tests the student's lineage (`target.derived`): a student that
        # takes no Llama 3 weights is outside it whatever its family (it was DEPENDS on the family).
        assert answer.get("status") == "forbidden", (relation, run.out[:400], run.err[:400])
        assert any(r["clause"] == "1.b.v" for r in answer["reasons"]), answer["reasons"]


@pytest.mark.parametrize("relationship", ["generates", "descendantOf", "ancestorOf", "dependsOn", "variantOf"])
def test_an_spdx3_dataset_derived_from_a_model_holds_its_outputs(tmp_path, capsys, relationship):
    """SPDX 3: a dataset `descendantOf` / `dependsOn` / `variantOf` Llama 3 (or Llama 3
    `ancestorOf` it) was read as a fine-tune of Llama 3, so training a Mistral model on it, outputs
    generated by the user, was YES where `generates` was NO (1.b.v)."""
    from conftest import run_cli
    from test_hub_bom import ai, rel, spdx3

    source, target = ("urn:llama", "urn:data") if relationship in ("generates", "ancestorOf") else ("urn:data", "urn:llama")
    doc = spdx3(ai("urn:llama", LLAMA3), ai("urn:data", "x/syn", "dataset_DatasetPackage"),
                rel(1, "hasDeclaredLicense", "urn:data", "https://spdx.org/licenses/MIT"),
                rel(2, relationship, source, target), root="urn:data")
    path = tmp_path / "data.spdx3.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run = run_cli(capsys, "train", path, "--into", "mistral", "--generated-outputs", "--release-mau", "1M",
                  "--no-remedies", "--json")
    assert run.code == 1 and ("llama3", "1.b.v") in {(r["license"], r["clause"]) for r in json.loads(run.out)["reasons"]}


def test_a_dataset_derived_from_a_model_keeps_its_terms_as_well(tmp_path, capsys):
    """The outputs reading is added beside the derivation, never in its place: the dataset itself
    `descendantOf` Llama 3 still carries Llama 3's terms (its AUP: no military use), as before."""
    from conftest import run_cli
    from test_hub_bom import ai, rel, spdx3

    doc = spdx3(ai("urn:llama", LLAMA3), ai("urn:data", "x/syn", "dataset_DatasetPackage"),
                rel(1, "hasDeclaredLicense", "urn:data", "https://spdx.org/licenses/MIT"),
                rel(2, "descendantOf", "urn:data", "urn:llama"), root="urn:data")
    path = tmp_path / "data.spdx3.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run_cli(capsys, "use", path, "--purpose", "military", "--no-remedies").code == 1
    run = run_cli(capsys, "use", path, "--cyclonedx")
    assert run.code in (0, 1, 3) and "CycloneDX" in run.out


def test_outputs_licensee_outside_a_forbid_distill_rule_is_a_located_error(tmp_path, capsys):
    """rules.lp puts a rule that tests `outputs_licensee` in force only in an outputs-as-data
    context, for `distill`: `forbid host when commercial or outputs_licensee` in a license of
    one's own (--facts) was never in force, and a commercial host was YES, `can-i check` ok."""
    from conftest import run_cli

    (tmp_path / "acme-test.lic").write_text(
        'license acme-test {\n  name "Acme Test License"\n  licensor "Acme"\n  url "https://example.com/acme"\n'
        '  kind model\n  terms follow finetune\n\n  clause "1" "Grant" {\n    grant all\n  }\n\n'
        '  clause "2" "No commercial hosting" {\n    forbid host when commercial or outputs_licensee\n  }\n}\n',
        encoding="utf-8")
    run = run_cli(capsys, "--facts", tmp_path, "host", "acme-test", "--commercial", "--no-remedies")
    assert run.code == 2 and f"{tmp_path / 'acme-test.lic'}:13:5:" in run.err and "DSL401" in run.err


def test_a_dataset_bom_written_back_keeps_its_outputs(tmp_path, capsys):
    """bom.py's writer typed a component `data` only when something was trained on it and wrote no
    relation per ancestor, so a dataset `descendantOf` Llama 3 came back as a fine-tune of it and
    `train` on the BOM written back was YES (1.b.v: NO). It now writes the dataset's kind and a
    `can-i:derived-by` property on each pedigree ancestor."""
    from conftest import run_cli
    from test_hub_bom import ai, rel, spdx3

    doc = spdx3(ai("urn:llama", LLAMA3), ai("urn:data", "x/syn", "dataset_DatasetPackage"),
                rel(1, "hasDeclaredLicense", "urn:data", "https://spdx.org/licenses/MIT"),
                rel(2, "descendantOf", "urn:data", "urn:llama"), root="urn:data")
    source = tmp_path / "data.spdx3.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    written = tmp_path / "data.cdx.json"
    written.write_text(run_cli(capsys, "use", source, "--cyclonedx").out, encoding="utf-8")
    train = ("--into", "mistral", "--generated-outputs", "--release-mau", "1M", "--no-remedies")
    assert run_cli(capsys, "train", source, *train).code == 1
    assert run_cli(capsys, "train", written, *train).code == 1
