"""The dataset catalog, `can-i datasets`, datasets along `trained_on` edges, the Hub license
table's coverage of real cards, the README table's source column, and the hub-cards script."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner.errors import LicenseFileError
from reasoner.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "hub-cards-sample.jsonl"   # a copy of ../shared/data (tests/data/README.md)
sys.path.insert(0, str(ROOT / "benchmarks"))


def card(tmp_path: Path, front: str, name: str = "received") -> Path:
    path = tmp_path / name / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


# --- the catalog ---------------------------------------------------------------------------------

def test_every_dataset_has_a_license_that_resolves_or_a_reason(kb):
    assert len(kb.datasets) >= 50
    for entry in kb.datasets.values():
        assert bool(entry.get("license")) != bool(entry.get("unknown")), entry["id"]
        if entry.get("license"):
            for lid in entry["license"].replace("(", " ").replace(")", " ").split():
                if lid in ("AND", "OR"):
                    continue
                encoding, why = kb.resolve_license(lid)
                assert encoding or why, (entry["id"], lid)


@pytest.mark.parametrize("dataset_id, license", [
    ("openai/gsm8k", "mit"), ("gsm8k", "mit"), ("HuggingFaceH4/ultrafeedback_binarized", "mit"),
    ("openbmb/UltraFeedback", "mit"), ("HuggingFaceH4/ultrachat_200k", "mit"), ("stingning/ultrachat", "mit"),
    ("tatsu-lab/alpaca", "cc-by-nc-4.0"),
    ("databricks/databricks-dolly-15k", "cc-by-sa-3.0"), ("samsum", "cc-by-nc-nd-4.0"),
    ("rajpurkar/squad", "cc-by-sa-4.0"), ("allenai/c4", "odc-by"), ("open-thoughts/OpenThoughts-114k", "apache-2.0"),
    ("OPENAI/GSM8K", "mit"),
])
def test_well_known_datasets_carry_their_cards_license(kb, dataset_id, license):
    assert kb.dataset(dataset_id)["license"] == license


@pytest.mark.parametrize("dataset_id", ["teknium/OpenHermes-2.5", "EleutherAI/pile", "laion/laion2B-en",
                                        "uonlp/CulturaX", "lmsys/lmsys-chat-1m"])
def test_datasets_with_mixed_terms_are_unknown_with_a_reason(kb, dataset_id):
    entry = kb.dataset(dataset_id)
    assert entry.get("license") is None and entry["unknown"].strip()


@pytest.mark.parametrize("entry, message", [
    ('id = "a/b"\nlicense = "mit"\nunknown = "why"', "exactly one of"),
    ('id = "a/b"', "exactly one of"),
    ('id = "a/b"\nlicense = "mitt"', "neither an encoded license nor a Hub license id"),
    ('id = "a/b"\nlicense = "mit"\naliases = "b"', "`aliases` must be a list"),
    ('id = "bigscience/bloom"\nlicense = "mit"', "is a catalog model, not a dataset"),
    ('id = "a/b"\nlicense = "mit"\n[[dataset]]\nid = "A/B"\nlicense = "mit"', "in the catalog twice"),
    # a misspelt key was ignored: the dataset lost its generators (and a model entry its license)
    ('id = "a/b"\nlicense = "mit"\ngeneratedby = ["openai/gpt-4"]', "catalog.toml:8:1: unknown key `generatedby` in a "
                                                                 "[[dataset]] entry (did you mean `generated_by`?)"),
    ('id = "a/b"\nlicense = "mit"\n[[model]]\nid = "a/c"\n  licence = "mit"',
     "catalog.toml:10:3: unknown key `licence` in a [[model]] entry (did you mean `license`?)"),
    ('id = "a/b"\nlicense = "mit"\n[[datasets]]\nid = "a/c"', "unknown table `datasets` (did you mean `dataset`?)"),
    ('id = "a/b"\nlicense = "mit"\ngenerated_by = "openai/gpt-4"', "catalog.toml:5:1: `generated_by` must be a list"),
])
def test_bad_dataset_entries_are_load_errors(tmp_path, entry, message):
    folder = tmp_path / "facts"
    folder.mkdir()
    bundled = ROOT / "facts"
    (folder / "hf_licenses.toml").write_text((bundled / "hf_licenses.toml").read_text())
    (folder / "catalog.toml").write_text('[[model]]\nid = "bigscience/bloom"\nlicense = "mit"\n\n[[dataset]]\n' + entry)
    for lic in ("mit.lic",):
        (folder / lic).write_text((bundled / "licenses" / lic).read_text())
    with pytest.raises(LicenseFileError) as caught:
        KnowledgeBase.load([folder])
    assert message in str(caught.value)


# --- answers -------------------------------------------------------------------------------------

def test_a_card_trained_on_catalog_datasets_is_judged(can_i, tmp_path):
    # (not ultrachat_200k: its dialogues are gpt-3.5-turbo's outputs, UNKNOWN; review 30)
    path = card(tmp_path, "license: mit\nbase_model: microsoft/phi-2\ndatasets:\n- cais/mmlu\n- gsm8k")
    run = can_i("distribute", path, "--commercial", "--mau", "1M")
    assert run.code == 0 and run.out.startswith("YES"), run.out


def test_an_unknown_dataset_is_named_with_how_to_state_its_license(can_i, tmp_path):
    path = card(tmp_path, "license: mit\ndatasets:\n- someone/private-data\n- teknium/OpenHermes-2.5")
    run = can_i("distribute", path, "--commercial", "--json")
    assert run.code == 3
    answer = run.json()
    assert answer["status"] == "unknown"
    why = {r["artifact"]: r["message"] for r in answer["reasons"] if r["kind"] == "unknown_license"}
    assert set(why) == {"someone/private-data", "teknium/OpenHermes-2.5"}
    assert "not in the dataset catalog" in why["someone/private-data"]
    assert '{"id": "someone/private-data", "license": "ID"}' in why["someone/private-data"]
    assert "compiles many datasets" in why["teknium/OpenHermes-2.5"]


def test_a_dataset_license_not_encoded_is_unknown_never_yes(can_i, tmp_path):
    # samsum's card states cc-by-nc-nd-4.0, which is not encoded: no YES for commercial use.
    path = card(tmp_path, "license: mit\ndatasets: samsum")
    run = can_i("distribute", path, "--commercial", "--json")
    assert run.code == 3 and run.json()["status"] == "unknown"
    assert any(r["artifact"] == "samsum" and r["license"] == "cc-by-nc-nd-4.0" for r in run.json()["reasons"])


def test_a_lineage_file_states_an_unknown_datasets_license(can_i, tmp_path):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [
        {"id": "me/model", "license": "mit", "derived_from": [{"id": "teknium/OpenHermes-2.5", "relation": "trained_on"}]},
        {"id": "teknium/OpenHermes-2.5", "license": "apache-2.0"}], "subject": "me/model"}))
    run = can_i("distribute", lineage, "--commercial", "--json")
    assert run.code == 0 and run.json()["status"] == "permitted", run.out


def test_a_catalog_datasets_license_stays_beside_a_declared_one(can_i, tmp_path):
    # Relabelling alpaca (cc-by-nc-4.0) as MIT does not drop the catalog's license: hosting it
    # commercially is judged under cc-by-nc-4.0 too, and a note says so.
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [{"id": "tatsu-lab/alpaca", "license": "mit"}],
                                   "subject": "tatsu-lab/alpaca"}))
    run = can_i("distribute", lineage, "--commercial", "--json")
    answer = run.json()
    assert answer["status"] != "permitted"
    assert any("catalog dataset under cc-by-nc-4.0" in n["message"] for n in answer.get("notes", []))


def test_a_catalog_dataset_cannot_be_claimed_as_ones_own(can_i, tmp_path):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [
        {"id": "me/model", "mine": True, "derived_from": [{"id": "tatsu-lab/alpaca", "relation": "trained_on"}]},
        {"id": "tatsu-lab/alpaca", "mine": True}], "subject": "me/model"}))
    run = can_i("distribute", lineage, "--commercial")
    assert run.code == 2 and "catalog dataset" in run.line()


def test_a_catalog_dataset_is_a_subject_for_train_and_not_for_finetune(can_i):
    assert can_i("train", "openai/gsm8k", "--commercial").code == 0
    run = can_i("train", "tatsu-lab/alpaca", "--commercial")
    assert run.code in (0, 1, 3)    # judged as the license's terms say, never an input error
    run = can_i("finetune", "gsm8k")
    assert run.code == 2 and "catalog dataset, not a model" in run.line()


# --- listing ---------------------------------------------------------------------------------

def test_can_i_datasets_lists_the_catalog(can_i, kb):
    run = can_i("datasets")
    assert run.code == 0 and len(run.out.splitlines()) == len(kb.datasets)
    assert "openai/gsm8k  [mit]" in run.out and "teknium/OpenHermes-2.5  [unknown]" in run.out
    listed = can_i("datasets", "--json").json()
    assert list(listed[0]) == ["id", "license", "encoded", "unknown", "card_license", "note", "generated_by"]
    by_id = {d["id"]: d for d in listed}
    # the catalog's generators are listed (a model trained on such data is judged as distilled from them)
    generated = {d["id"]: d["generated_by"] for d in listed if d["generated_by"]}
    assert generated and generated == {d["id"]: d["generated_by"] for d in kb.datasets.values() if d.get("generated_by")}
    assert all(f"(outputs of {', '.join(g)})" in run.out for g in generated.values())
    assert by_id["openai/gsm8k"]["encoded"] is True and by_id["Samsung/samsum"]["encoded"] is False
    only = can_i("datasets", "--license", "MIT", "--json").json()
    assert only and all(d["license"] == "mit" for d in only)
    assert can_i("datasets", "--license", "mitt").code == 2


# --- Hub ids and names ---------------------------------------------------------------------------

def test_every_hub_id_resolves_to_an_encoding_or_a_reason(kb):
    for hub_id in kb.hub_ids:
        encoding, why = kb.resolve_license(hub_id)
        assert encoding or (why and "\n" not in why), hub_id


def test_every_license_on_the_sample_cards_resolves_or_has_a_reason(kb):
    import yaml

    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        meta = yaml.safe_load(json.loads(line)["front_matter"]) or {}
        value = meta.get("license")
        if not isinstance(value, str):
            continue
        encoding, why = kb.resolve_license(value, meta.get("license_name"))
        assert encoding or (why and "\n" not in why), value


def test_the_readme_table_says_whose_copy_each_text_is(can_i):
    run = can_i("licenses", "--markdown")
    lines = run.out.splitlines()
    assert lines[0].split(" | ")[5] == "text from"
    rows = lines[2:]
    assert all(("licensor's copy" in row or "third-party copy" in row or "| — |" in row) for row in rows)
    assert "| mit.txt | third-party copy |" in run.out
    assert "| llama3_1.LICENSE | licensor's copy" in run.out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert run.out.strip() in readme, "README's license table is stale: paste `can-i licenses --markdown`"


# --- the hub-cards script ------------------------------------------------------------------------

def test_hub_cards_script_answers_the_first_20_cards_without_a_traceback():
    import hub_cards

    cards = hub_cards.load_cards(SAMPLE, 20)
    report = hub_cards.run(cards)
    assert report["cards"] == 20 and not report["crashes"]
    assert sum(report["statuses"].values()) == 20
    for answer in report["answers"]:
        assert answer["status"] in ("permitted", "forbidden", "depends", "unknown", "error"), answer
        if answer["status"] in ("unknown", "error"):
            assert answer["why"] and all(w.strip() and "\n" not in w for w in answer["why"]), answer
    text = hub_cards.render(report)
    assert "UNKNOWN:" in text and "Traceback" not in text


def test_hub_cards_script_gives_the_clis_answers():
    import hub_cards

    cards = hub_cards.load_cards(SAMPLE, 3)
    report = hub_cards.run(cards)
    assert hub_cards.compare_cli(cards, report, 3) == []


# --- forbidden requests through the dataset path ---------------------------------------------------

def test_training_your_own_model_on_a_noncommercial_dataset_commercially_is_no(can_i, tmp_path):
    # The catalog fills alpaca's cc-by-nc-4.0 in; creating your model from it commercially is the
    # act the license judges (its grant is non-commercial only), by the card's dataset id or alias.
    for dataset in ("tatsu-lab/alpaca", "TATSU-LAB/alpaca", "alpaca"):
        path = card(tmp_path, f"license: mit\nmine: true\ndatasets:\n- {dataset}", name=f"mine-{len(dataset)}")
        run = can_i("distribute", path, "--commercial", "--json")
        assert run.code == 1 and run.json()["status"] == "forbidden", (dataset, run.out)
    assert can_i("train", "alpaca", "--commercial").code == 1


def test_a_catalog_dataset_license_is_said_in_a_note(can_i, tmp_path):
    path = card(tmp_path, "license: mit\ndatasets:\n- tatsu-lab/alpaca")
    notes = can_i("distribute", path, "--json").json()["notes"]
    assert any(n["code"] == "catalog_dataset" and "cc-by-nc-4.0" in n["message"] for n in notes)


def test_a_dataset_declared_under_a_weaker_license_keeps_the_catalogs(can_i, tmp_path):
    # A lineage file that calls alpaca MIT: your own model trained on it commercially is still NO.
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [
        {"id": "me/model", "mine": True, "derived_from": [{"id": "tatsu-lab/alpaca", "relation": "trained_on"}]},
        {"id": "tatsu-lab/alpaca", "license": "mit"}], "subject": "me/model"}))
    run = can_i("distribute", lineage, "--commercial", "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden", run.out


@pytest.mark.parametrize("name, encoding, reason", [
    ("llama3.2", "llama3.2", None),                       # a Hub id as license_name: that license
    ("cc-by-nc-sa-4.0", None, "cc by-nc-sa 4.0 is not encoded yet"),
    ("LLAMA3.2", "llama3.2", None),
    ("some-private-license", None, "license_name `some-private-license` is not in the knowledge base"),
    ("other", None, "license_name `other` is not in the knowledge base"),
])
def test_a_license_name_spelt_as_a_hub_id_resolves_like_it(kb, name, encoding, reason):
    got, why = kb.resolve_license("other", name)
    assert got == encoding and (reason is None or why == reason)
