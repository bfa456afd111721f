"""A dataset's terms along `trained_on` edges (issue 11, item 3).

Whether a model trained on CC-licensed data is "Adapted Material" (CC 4.0 §1.a), a GPL "modified
version" (§0) or an Apache "Derivative Work" (§1) is unsettled. The encodings take the
conservative reading (the terms follow `trained_on`) and mark it ambiguous, so a model someone
else trained on a NonCommercial dataset is never a plain YES for commercial distribution, and the
answer says the reading is open. MIT, BSD-3-Clause and MPL-2.0 do not reach (their comments say why).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reasoner.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "hub-cards-sample.jsonl"   # a copy of ../shared/data (tests/data/README.md)

CONSERVATIVE = ("cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "apache-2.0",
                "gpl-2.0", "gpl-2.0-or-later", "gpl-3.0", "gpl-3.0-or-later",
                "agpl-3.0", "agpl-3.0-or-later", "lgpl-2.1", "lgpl-2.1-or-later",
                "lgpl-3.0", "lgpl-3.0-or-later")
NOT_REACHED = ("mit", "bsd-3-clause", "mpl-2.0")


def card(tmp_path: Path, front: str, name: str = "received") -> Path:
    path = tmp_path / name / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\n", encoding="utf-8")
    return path


def lineage(tmp_path: Path, dataset: str, dataset_license: str | None, *, mine: bool = False,
            model_license: str = "mit") -> Path:
    model = {"id": "someone/model", "derived_from": [{"id": dataset, "relation": "trained_on"}]}
    if mine:
        model["mine"] = True
    else:
        model["license"] = model_license
    artifacts = [model]
    if dataset_license:
        artifacts.append({"id": dataset, "license": dataset_license})
    path = tmp_path / f"lineage-{abs(hash((dataset, dataset_license, mine, model_license)))}.json"
    path.write_text(json.dumps({"artifacts": artifacts, "subject": "someone/model"}))
    return path


def ambiguous_trained(answer: dict) -> set[str]:
    return {r["license"] for r in answer.get("risks", [])
            if r.get("risk") == "ambiguous" and "(trained_on)" in (r.get("clause") or "")}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


# --- the encodings -----------------------------------------------------------------------------

def test_which_licenses_follow_trained_on(kb):
    for lid in CONSERVATIVE:
        lic = kb.licenses[lid].license
        assert "trained_on" in lic.follows, lid
    for lid in NOT_REACHED:
        assert "trained_on" not in kb.licenses[lid].license.follows, lid


def test_every_license_on_a_catalog_dataset_is_decided(kb):
    # Each encoded license a catalog dataset is under either follows trained_on (conservative
    # reading, marked ambiguous) or is one whose text was read as not reaching a trained model.
    used = set()
    for entry in kb.datasets.values():
        for lid in (entry.get("license") or "").replace("(", " ").replace(")", " ").split():
            if lid not in ("AND", "OR") and lid in kb.licenses:
                used.add(lid)
    assert used
    assert used <= set(CONSERVATIVE) | set(NOT_REACHED), used - set(CONSERVATIVE) - set(NOT_REACHED)


# --- the acceptance case: SE6446/Phasmid-2_v2 --------------------------------------------------

def phasmid_front() -> str:
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["id"] == "SE6446/Phasmid-2_v2":
            return entry["front_matter"]
    pytest.skip("sample card not present")


def test_phasmid_card_is_not_yes_and_cites_the_clause_and_the_open_reading(can_i, tmp_path):
    path = card(tmp_path, phasmid_front(), name="Phasmid-2_v2")
    run = can_i("distribute", path, "--commercial", "--mau", "1M", "--json")
    answer = run.json()
    assert answer["status"] in ("forbidden", "depends"), run.out
    assert run.code != 0
    cited = {(r["license"], r["clause"]) for r in answer["reasons"]}
    assert ("cc-by-nc-4.0", "2.a.1") in cited, cited
    assert {"cc-by-nc-4.0", "agpl-3.0"} <= ambiguous_trained(answer)
    text = can_i("distribute", path, "--commercial", "--mau", "1M").out
    assert text.startswith("NO") or text.startswith("DEPENDS")
    assert "§2.a.1" in text and "open to more than one reading" in text and "Adapted Material" in text


def test_phasmid_shared_non_commercially_meets_the_agpl_nc_clash_not_the_nc_grant(can_i, tmp_path):
    # Non-commercially the NC grant holds; both dataset licenses reaching the model (the
    # conservative reading) still clash: AGPL §10 forbids the NC field-of-use restriction.
    path = card(tmp_path, phasmid_front(), name="Phasmid-2_v2")
    answer = can_i("distribute", path, "--non-commercial", "--mau", "1M", "--json").json()
    assert answer["status"] == "forbidden"
    assert {r["kind"] for r in answer["reasons"]} == {"conflict"}, answer["reasons"]
    assert ("agpl-3.0", "10") in {(r["license"], r["clause"]) for r in answer["reasons"]}


# --- JSON lineage: a third party's model trained on a dataset ---------------------------------

@pytest.mark.parametrize("dataset, dataset_license", [
    ("tatsu-lab/alpaca", None),                 # catalog: cc-by-nc-4.0
    ("HuggingFaceH4/no_robots", None),          # catalog: cc-by-nc-4.0
    ("someone/private-nc-data", "cc-by-nc-4.0"),
    ("someone/private-nc-data", "CC-BY-NC-4.0"),
])
def test_a_received_model_trained_on_nc_data_sold_is_not_yes(can_i, tmp_path, dataset, dataset_license):
    run = can_i("distribute", lineage(tmp_path, dataset, dataset_license), "--commercial", "--json")
    answer = run.json()
    assert answer["status"] == "forbidden" and run.code == 1, run.out
    assert any(r["license"] == "cc-by-nc-4.0" and r["clause"] == "2.a.1" for r in answer["reasons"])
    assert "cc-by-nc-4.0" in ambiguous_trained(answer)


def test_nc_reach_goes_on_through_a_finetune_of_the_trained_model(can_i, tmp_path):
    path = tmp_path / "chain.json"
    path.write_text(json.dumps({"artifacts": [
        {"id": "a/trained", "license": "apache-2.0",
         "derived_from": [{"id": "tatsu-lab/alpaca", "relation": "trained_on"}]},
        {"id": "b/tuned", "license": "apache-2.0", "derived_from": [{"id": "a/trained", "relation": "finetune"}]}],
        "subject": "b/tuned"}))
    answer = can_i("distribute", path, "--commercial", "--json").json()
    assert answer["status"] == "forbidden"
    assert "cc-by-nc-4.0" in ambiguous_trained(answer)


@pytest.mark.parametrize("act", ["host", "use"])
def test_other_commercial_acts_on_it_are_not_yes_either(can_i, tmp_path, act):
    args = [act, lineage(tmp_path, "tatsu-lab/alpaca", None), "--commercial", "--json"]
    if act == "host":
        args += ["--mau", "1K"]
    assert can_i(*args).json()["status"] == "forbidden"


def test_commercial_unstated_is_depends_not_yes(can_i, tmp_path):
    # NC data of no known generator (the catalog's alpaca is text-davinci-003's outputs since
    # outputs2: `generated_by`, terms can-i does not know, so UNKNOWN, never YES).
    answer = can_i("distribute", lineage(tmp_path, "x/nc-data", "cc-by-nc-4.0"), "--json").json()
    assert answer["status"] == "depends"
    assert can_i("distribute", lineage(tmp_path, "tatsu-lab/alpaca", None), "--json").json()["status"] == "unknown"


def test_sharealike_binds_a_received_model_trained_on_sa_data(can_i, tmp_path):
    # A third party's MIT model trained on SQuAD (cc-by-sa-4.0): relabelled, so a risk; the
    # reading is marked open.
    answer = can_i("distribute", lineage(tmp_path, "rajpurkar/squad", None), "--commercial", "--json").json()
    assert "cc-by-sa-4.0" in ambiguous_trained(answer)


def test_cc_by_data_gives_yes_with_attribution_and_the_open_reading(can_i, tmp_path):
    run = can_i("distribute", lineage(tmp_path, "google-research-datasets/mbpp", None), "--commercial", "--json")
    answer = run.json()
    assert answer["status"] == "permitted"
    assert any(o["license"] == "cc-by-4.0" for o in answer["obligations"])
    assert "cc-by-4.0" in ambiguous_trained(answer)


@pytest.mark.parametrize("dataset", ["openai/gsm8k", "cais/mmlu"])      # catalog: mit
def test_mit_data_does_not_reach_the_trained_model(can_i, tmp_path, dataset):
    run = can_i("distribute", lineage(tmp_path, dataset, None), "--commercial", "--json")
    answer = run.json()
    assert answer["status"] == "permitted", run.out
    assert not ambiguous_trained(answer)
    assert not any(o["license"] == "mit" and o.get("artifact") == dataset for o in answer["obligations"])


def test_a_plain_nc_model_shows_no_trained_on_ambiguity(can_i, tmp_path):
    # The flag is `trained`, not `derived`: a fine-tune of an NC model is NO without this risk.
    path = tmp_path / "ft.json"
    path.write_text(json.dumps({"artifacts": [
        {"id": "x/base", "license": "cc-by-nc-4.0"},
        {"id": "x/ft", "license": "cc-by-nc-4.0", "derived_from": [{"id": "x/base", "relation": "finetune"}]}],
        "subject": "x/ft"}))
    answer = can_i("distribute", path, "--commercial", "--json").json()
    assert answer["status"] == "forbidden" and not ambiguous_trained(answer)


# --- the user's own training act stays consistent ------------------------------------------------

def test_own_training_on_nc_data_commercially_is_no(can_i, tmp_path):
    assert can_i("train", "tatsu-lab/alpaca", "--commercial").code == 1
    run = can_i("distribute", lineage(tmp_path, "tatsu-lab/alpaca", None, mine=True), "--commercial", "--json")
    answer = run.json()
    assert answer["status"] == "forbidden", run.out
    assert "cc-by-nc-4.0" in ambiguous_trained(answer)


def test_own_training_on_nc_data_non_commercially_is_not_forbidden(can_i, tmp_path):
    # alpaca holds text-davinci-003 outputs (catalog `generated_by`): UNKNOWN (exit 3), not NO;
    # NC data of no known generator is YES non-commercially.
    assert can_i("train", "tatsu-lab/alpaca", "--non-commercial").code == 3
    run = can_i("distribute", lineage(tmp_path, "x/nc-data", "cc-by-nc-4.0", mine=True), "--non-commercial", "--json")
    assert run.json()["status"] == "permitted", run.out


def test_own_model_trained_on_gpl_data_cannot_go_out_under_mit(can_i, tmp_path):
    path = tmp_path / "own.json"
    path.write_text(json.dumps({"artifacts": [
        {"id": "me/model", "mine": True, "derived_from": [{"id": "me/data", "relation": "trained_on"}]},
        {"id": "me/data", "license": "gpl-3.0"}], "subject": "me/model"}))
    run = can_i("distribute", path, "--as", "mit", "--json")
    answer = run.json()
    assert answer["status"] == "forbidden", run.out
    assert any(r["license"] == "gpl-3.0" and r["clause"] == "5.c" for r in answer["reasons"])


@pytest.mark.parametrize("dataset", ["tatsu-lab/alpaca", "TATSU-LAB/Alpaca", "alpaca", "HuggingFaceH4/no_robots"])
def test_a_received_card_trained_on_nc_data_in_any_spelling_is_not_yes(can_i, tmp_path, dataset):
    # Hostile spellings of a catalog NC dataset (case, alias) on a received MIT card: never YES.
    path = card(tmp_path, f"license: mit\ndatasets:\n- {dataset}", name=f"c{abs(hash(dataset))}")
    run = can_i("distribute", path, "--commercial", "--mau", "1M", "--json")
    answer = run.json()
    assert answer["status"] == "forbidden" and run.code == 1, run.out
    assert "cc-by-nc-4.0" in ambiguous_trained(answer)
