"""Issue 11 hostile review (review11): wrong answers found in the new encodings, the model and
dataset catalogs and the card path, each as a test named after the behaviour. Fixed findings are
plain tests; findings whose fix is not local are strict xfails with the precise reason."""

from __future__ import annotations

import pytest

YES, NO, ERROR, DEPENDS = 0, 1, 2, 3


def card(tmp_path, front: str):
    path = tmp_path / "README.md"
    path.write_text(f"---\n{front}\n---\n# a model\n", encoding="utf-8")
    return path


# --- datasets: a relabelled copy of NonCommercial data ---------------------------------------------

def test_commercial_training_on_a_cleaned_copy_of_nc_alpaca_is_not_yes(can_i):
    # yahma/alpaca-cleaned's card says cc-by-4.0, but it is tatsu-lab/alpaca (cc-by-nc-4.0) cleaned:
    # the NonCommercial term still binds. It answered YES.
    run = can_i("train", "yahma/alpaca-cleaned", "--commercial", "--json")
    assert run.code == NO, run.out
    assert any(r["license"] == "cc-by-nc-4.0" for r in run.json()["reasons"])


def test_non_commercial_training_on_cleaned_alpaca_stays_yes(can_i):
    run = can_i("train", "yahma/alpaca-cleaned", "--non-commercial", "--json")
    assert run.code == YES, run.out
    assert "its card says cc-by-4.0" in run.out


# --- catalog: a fine-tune of an unlisted base answered under its own tag alone ------------------

def test_wizardcoder_keeps_starcoders_unencoded_terms_unknown(can_i):
    # WizardCoder-15B is a StarCoder fine-tune (BigCode OpenRAIL-M, not encoded); listed under
    # its Hub tag bigscience-openrail-m alone, a commercial host answered YES.
    run = can_i("host", "WizardLMTeam/WizardCoder-15B-V1.0", "--commercial", "--json")
    assert run.json()["status"] == "unknown", run.out


# --- the card path: license_name `qwen` beside a link to the 2023 Tongyi Qianwen text ---------------

# The card reader never read license_link: `license_name: qwen` mapped to the 2024 Qwen LICENSE
# AGREEMENT (no ban on improving other models) even when the link names Qwen/Qwen2-72B-Instruct's
# LICENSE, the 2023 Tongyi Qianwen text whose §5.b forbids using outputs to improve other LLMs.
def test_qwen_name_with_a_link_to_the_tongyi_text_does_not_permit_distilling_into_llama(can_i, tmp_path):
    path = card(tmp_path, "license: other\nlicense_name: qwen\n"
                          "license_link: https://huggingface.co/Qwen/Qwen2-72B-Instruct/blob/main/LICENSE")
    run = can_i("distill", str(path), "--into", "llama", "--mau", "1M", "--json")
    assert run.code != YES, run.out


# --- cards and requests: `license_name` beside a license other than `other` -------------------------

def test_a_card_with_mit_and_license_name_qwen_research_is_an_input_error(can_i, tmp_path):
    # `license_name` was dropped unless `license: other`, so this card answered YES for a
    # commercial host under MIT alone, though it names the non-commercial Qwen Research license.
    path = card(tmp_path, "license: mit\nlicense_name: qwen-research")
    run = can_i("host", str(path), "--commercial", "--mau", "1M")
    assert run.code == ERROR
    assert "license_name" in run.line()


def test_a_request_artifact_with_mit_and_license_name_qwen_research_is_an_input_error(can_i, tmp_path):
    path = tmp_path / "req.json"
    path.write_text('{"artifacts": [{"id": "x/m", "license": "mit", "license_name": "qwen-research"}], '
                    '"subject": "x/m", "use": {"acts": ["host"], "commercial": true, "mau": 1000000}}')
    run = can_i("--request", str(path), "--json")
    assert run.code == ERROR, run.out


@pytest.mark.parametrize("front", ["license: other\nlicense_name: qwen-research",
                                   "license: qwen-research\nlicense_name: qwen-research"])
def test_license_name_with_other_or_the_same_id_still_reads(can_i, tmp_path, front):
    run = can_i("host", str(card(tmp_path, front)), "--commercial", "--mau", "1M", "--json")
    assert run.code == NO, run.out


def test_a_link_to_the_cards_own_license_changes_nothing(can_i, tmp_path):
    path = card(tmp_path, "license: other\nlicense_name: qwen\n"
                          "license_link: https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE")
    run = can_i("distill", str(path), "--into", "llama", "--mau", "1M", "--json")
    assert run.code == YES, run.out


def test_a_link_to_a_research_licensed_repo_binds_beside_an_apache_label(can_i, tmp_path):
    path = card(tmp_path, "license: apache-2.0\n"
                          "license_link: https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/resolve/main/LICENSE")
    run = can_i("host", str(path), "--commercial", "--mau", "1M", "--json")
    assert run.code == NO, run.out
    assert any(r["license"] == "qwen-research" for r in run.json()["reasons"])


# --- MNPL-0.1: the grant is limited to testing, research, Personal or evaluation purposes ---------

def test_mnpl_non_commercial_production_use_is_not_yes(can_i):
    # MNPL 3.2: "only ... for testing, research, Personal, or evaluation purposes in Non-Production
    # Environments". A non-profit's staff using Codestral in their daily work is non-commercial
    # but live use; it answered YES, as did a non-commercial use of unstated purpose.
    run = can_i("use", "mistralai/Codestral-22B-v0.1", "--non-commercial", "--purpose", "customer-support", "--json")
    assert run.code == NO, run.out
    assert can_i("use", "mnpl", "--non-commercial", "--json").code == DEPENDS


@pytest.mark.parametrize("purpose", ["evaluation", "research", "personal"])
def test_mnpl_non_production_purposes_stay_yes(can_i, purpose):
    # Review 26: MNPL §9 "Personal" use is an individual's own (a company's is "performed on behalf
    # of a commercial entity"), so a personal purpose is YES for an individual and depends on who
    # uses it when that is unstated (tests/test_review26_found.py).
    who = ("--entity", "individual") if purpose == "personal" else ()
    assert can_i("use", "mnpl", "--non-commercial", "--purpose", purpose, *who, "--json").code == YES
