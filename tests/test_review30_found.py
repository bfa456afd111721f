"""Review 30: hostile review of the card path on real Hub cards (benchmarks/hub_cards.py, the 264
permitted cards of the sample and mutations of them). HIGH = a wrong YES, MEDIUM = another wrong
answer or an input silently ignored, LOW = the rest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")

sys.path.insert(0, str(Path(__file__).parent))
from conftest import json_answer, write_card as card  # noqa: E402

LLAMA3 = "meta-llama/Meta-Llama-3-8B"
# A Llama 3 derivative named otherwise breaks llama3 §1.b.i: NO when the Llama base binds.
NAMED = ("--commercial", "--mau", "1M", "--name", "acme-bot", "--no-remedies")


def answer(can_i, tmp_path, front: str, *argv, verb: str = "distribute") -> dict:
    return json_answer(can_i, verb, card(tmp_path, "m", front), *argv)


# --- HIGH: the Hub's own tags in `tags:` were skipped --------------------------------------------

@pytest.mark.parametrize("tag", [
    f"base_model:{LLAMA3}",
    f"base_model:finetune:{LLAMA3}",
    f"base_model:quantized:{LLAMA3}",
    f"base_model:adapter:{LLAMA3}",
    f"Base_Model:Merge:{LLAMA3}",
])
def test_a_base_model_tag_binds_its_base_model(can_i, tmp_path, tag):
    """HIGH. The Hub writes a model's lineage as tags (`base_model:quantized:ID`), and cards copied
    from the Hub's API carry them in `tags:`. A card with `license: mit` and only such a tag naming
    Llama 3 was read as a model with no base: YES to distributing it as `acme-bot`, which Llama 3
    §1.b.i forbids (the name must start with "Llama 3")."""
    plain = answer(can_i, tmp_path, f"license: mit\nbase_model: {LLAMA3}", *NAMED)
    assert plain["status"] == "forbidden"
    doc = answer(can_i, tmp_path, f"license: mit\ntags:\n- text-generation\n- '{tag}'", *NAMED)
    assert doc["status"] == "forbidden", doc
    assert any(a["license"] == "llama3" for a in doc["applicable"])
    assert any(n["code"] == "card_tag_lineage" for n in doc.get("notes", [])), doc.get("notes")


def test_a_dataset_tag_binds_its_dataset(can_i, tmp_path):
    """HIGH. `dataset:ID` is the Hub's tag for training data: a card tagged with the Alpaca data
    (CC BY-NC 4.0) and no `datasets:` key was YES for commercial use."""
    doc = answer(can_i, tmp_path, "license: mit\ntags: ['dataset:tatsu-lab/alpaca']", "--commercial", verb="use")
    assert doc["status"] != "permitted", doc
    assert "cc-by-nc-4.0" in {r["license"] for r in doc["reasons"]}


@pytest.mark.parametrize("tag, license_id", [
    ("license:cc-by-nc-4.0", "cc-by-nc-4.0"),
    ("License:CC-BY-NC-4.0", "cc-by-nc-4.0"),
    ("license:llama3", "llama3"),
])
def test_a_license_tag_beside_another_label_binds_too(can_i, tmp_path, tag, license_id):
    """HIGH. A `license:ID` tag naming other terms than the card's `license:` was skipped: a card
    labelled mit and tagged `license:cc-by-nc-4.0` was YES for commercial use. Both bind, as a
    `license_link` to other terms does."""
    doc = answer(can_i, tmp_path, f"license: mit\ntags: ['{tag}']", *NAMED)
    assert doc["status"] != "permitted", doc
    assert license_id in {a["license"] for a in doc["applicable"]}


def test_tags_repeating_the_card_change_nothing(can_i, tmp_path):
    """The same tags as the card's own keys (what a card copied from the Hub's API carries) add
    nothing: no second edge, no other license, and the answer is the plain card's."""
    plain = answer(can_i, tmp_path, "license: mit\nbase_model: microsoft/phi-2", *NAMED)
    tagged = answer(can_i, tmp_path, "license: mit\nbase_model: microsoft/phi-2\ntags:\n- license:mit\n"
                    "- base_model:microsoft/phi-2\n- base_model:finetune:microsoft/phi-2", *NAMED)
    assert plain["status"] == tagged["status"] == "permitted"
    assert plain["applicable"] == tagged["applicable"]
    assert not any(n["code"] == "card_tag_lineage" for n in tagged.get("notes", []))


# --- HIGH: a Hub license_link written loosely was an "unread" note --------------------------------

@pytest.mark.parametrize("link", [
    f"huggingface.co/{LLAMA3}/blob/main/LICENSE",
    f"hf.co/{LLAMA3}/resolve/main/LICENSE",
    f"'<https://huggingface.co/{LLAMA3}/blob/main/LICENSE>'",
    f"'[license](https://huggingface.co/{LLAMA3}/blob/main/LICENSE)'",
    f"https://huggingface.co/{LLAMA3}/tree/main/LICENSE",
])
def test_a_loosely_written_hub_license_link_binds(can_i, tmp_path, link):
    """HIGH. Review 27 read registry links written without a scheme or in brackets, but a link to a
    catalog model's files on the Hub still had to be `https://…/(blob|resolve|raw)/…`: the same
    Llama 3 LICENSE linked as `huggingface.co/…`, `<https://…>`, a Markdown link, a `tree` view or
    the repo page was an "unread" note and `license: mit` was YES for military use."""
    doc = answer(can_i, tmp_path, f"license: mit\nlicense_link: {link}",
                 "--commercial", "--purpose", "military", "--no-remedies", verb="use")
    assert doc["status"] == "forbidden", doc
    assert "llama3" in {r["license"] for r in doc["reasons"]}


@pytest.mark.parametrize("page", [LLAMA3, f"{LLAMA3}/", f"{LLAMA3}?library=transformers", f"{LLAMA3}#license"])
def test_a_license_link_to_a_catalog_models_repo_page_binds(can_i, tmp_path, page):
    """Was a strict xfail (MEDIUM): a license_link to a catalog model's repo page (not a file in
    it) was an 'unread' note and the label decided: `license: mit` beside the Llama 3 repo page was
    YES for military use. The page says "its terms" as its LICENSE file does: the catalog model's
    license binds (subjects._HUB_FILE_LINK)."""
    doc = answer(can_i, tmp_path, f"license: mit\nlicense_link: https://huggingface.co/{page}",
                 "--commercial", "--purpose", "military", "--no-remedies", verb="use")
    assert doc["status"] == "forbidden", doc
    assert "llama3" in {r["license"] for r in doc["reasons"]}


@pytest.mark.parametrize("page", [f"https://huggingface.co/{LLAMA3}/discussions/12", "https://huggingface.co/meta-llama",
                                  "https://huggingface.co/acme/not-in-the-catalog"])
def test_other_hub_pages_are_noted_not_bound(can_i, tmp_path, page):
    """A discussion, an organisation's page or a repo the catalog does not hold names no text
    can-i knows: the label decides, with the `card_license_link_unread` note saying so."""
    doc = answer(can_i, tmp_path, f"license: mit\nlicense_link: {page}", "--commercial", "--no-remedies", verb="use")
    assert doc["status"] == "permitted", doc
    assert "card_license_link_unread" in {n["code"] for n in doc["notes"]}, doc["notes"]


# --- HIGH: catalog datasets of model outputs that did not say so ---------------------------------

@pytest.mark.parametrize("dataset, source", [
    ("HuggingFaceH4/ultrachat_200k", "stingning/ultrachat"),
    ("HuggingFaceH4/ultrafeedback_binarized", "openbmb/UltraFeedback"),
    ("Intel/orca_dpo_pairs", "Open-Orca/SlimOrca"),
    ("argilla/distilabel-intel-orca-dpo-pairs", "Open-Orca/SlimOrca"),
])
def test_a_dataset_filtered_from_model_outputs_is_model_outputs(can_i, tmp_path, dataset, source):
    """HIGH. The catalog reads stingning/ultrachat (GPT-3.5 outputs), openbmb/UltraFeedback and
    Open-Orca/SlimOrca (GPT-4 outputs) as distilled from their generators, whose terms can-i does
    not have: UNKNOWN. The datasets filtered, binarized or paired from them (their own notes say
    so) carried no `generated_by`, so a model trained on them was YES: two permitted cards of the
    Hub sample (lole25/phi-2-sft-ultrachat-full, rbgo/Super-phi-2-dpo). Intel/orca_dpo_pairs
    takes its chosen answers from SlimOrca's GPT-4 ones and its rejected ones from
    Llama-2-13b-chat."""
    base = answer(can_i, tmp_path, f"license: mit\nbase_model: microsoft/phi-2\ndatasets: [{source}]",
                  "--commercial", "--mau", "1M")
    doc = answer(can_i, tmp_path, f"license: mit\nbase_model: microsoft/phi-2\ndatasets: [{dataset}]",
                 "--commercial", "--mau", "1M")
    assert base["status"] != "permitted"
    assert doc["status"] != "permitted", doc
    assert any(n["code"] == "catalog_generated_by" for n in doc.get("notes", []))


def test_orca_dpo_pairs_carries_llama_2_outputs(bundled_kb, reasoner):
    """Intel/orca_dpo_pairs' rejected answers are Llama-2-13b-chat's (its card, and Intel's
    neural-chat card): the Llama 2 terms on outputs used to improve another model reach it."""
    assert "meta-llama/Llama-2-13b-chat-hf" in reasoner.kb.dataset("Intel/orca_dpo_pairs")["generated_by"]


def test_the_audit_reads_lineage_tags_too(can_i, tmp_path):
    """The audit reads cards through the same card_artifacts: a card tagged with a Llama 3 base
    model and labelled mit is not audited as permitted."""
    import json

    card(tmp_path, "m", f"license: mit\ntags: ['base_model:quantized:{LLAMA3}']")
    doc = json.loads(can_i("audit", tmp_path / "m" / "README.md", "--json").out)
    assert [r["status"] for r in doc["results"]] == ["forbidden"], doc
    assert {f["license"] for f in doc["results"][0]["findings"]} == {"llama3"}


# --- MEDIUM: a gated prompt naming the license agreement was not read ------------------------------

def test_a_gated_prompt_linking_a_license_binds_it(can_i, tmp_path):
    """MEDIUM. `extra_gated_prompt` (the agreement the Hub makes users accept before download)
    links the license text the model is under; no link in it was read, so `license: mit` beside a
    gate accepting the Llama 3 LICENSE was YES for military use."""
    front = ("license: mit\nextra_gated_prompt: \"By clicking Agree you accept the "
             f"[License](https://huggingface.co/{LLAMA3}/blob/main/LICENSE)\"")
    doc = answer(can_i, tmp_path, front, "--commercial", "--purpose", "military", "--no-remedies", verb="use")
    assert doc["status"] != "permitted", doc


def test_a_gated_prompt_linking_the_cards_own_license_changes_nothing(can_i, tmp_path):
    """SD3-medium's own card: its gate links its own LICENSE.md and a privacy policy."""
    front = ("license: other\nlicense_name: stabilityai-ai-community\nextra_gated_prompt: >-\n  By clicking "
             "\"Agree\", you agree to the [License\n  Agreement](https://huggingface.co/stabilityai/"
             "stable-diffusion-3-medium/blob/main/LICENSE.md)\n  and acknowledge Stability AI's [Privacy\n"
             "  Policy](https://stability.ai/privacy-policy).")
    gated = answer(can_i, tmp_path, front, "--commercial", "--revenue", "500K")
    plain = answer(can_i, tmp_path, "license: other\nlicense_name: stabilityai-ai-community",
                   "--commercial", "--revenue", "500K")
    assert gated["status"] == plain["status"] == "permitted"
    assert gated["applicable"] == plain["applicable"]
