"""Issue 11 (kb-b): the Tencent Hunyuan Community License in both forms, the MiniMax licenses, the
glm-4-9b and ChatGLM3-6B licenses and the Yi Series Models Community License 2.1. One acceptance
test per license for its deciding clauses through the CLI or JSON, and hostile mutations where a
forbidden request could slip through: territory aliases, a threshold at the exact line, a count
of the wrong kind, Hub names in other spellings."""

from __future__ import annotations

import pytest

YES, NO, ERROR, DEPENDS = 0, 1, 2, 3
A13B = "tencent/Hunyuan-A13B-Instruct"
LARGE = "tencent/Tencent-Hunyuan-Large"


def cited(run) -> set[tuple[str, str]]:
    return {(r["license"], r["clause"]) for r in run.json()["reasons"]}


def card(tmp_path, front: str, name: str = "README.md"):
    path = tmp_path / name
    path.write_text(f"---\n{front}\n---\n# a model\n", encoding="utf-8")
    return path


# --- Tencent Hunyuan: territory is the place of use ----------------------------------------------

@pytest.mark.parametrize("place", ["UK", "uk", "GB", "KR", "DE", "EU"])
def test_a13b_form_excludes_the_eu_the_uk_and_south_korea(can_i, place):
    run = can_i("host", A13B, "--territory", place, "--release-mau-own", "1M", "--json")
    assert run.code == NO, run.out
    assert ("tencent-hunyuan-community", "5.c") in cited(run)


@pytest.mark.parametrize("place, code", [("UK", YES), ("KR", YES), ("NO", YES), ("FR", NO), ("EU", NO)])
def test_large_form_excludes_the_eu_only(can_i, place, code):
    run = can_i("use", LARGE, "--territory", place, "--release-mau-own", "1M", "--json")
    assert run.code == code, run.out
    if code == NO:
        assert ("tencent-hunyuan-community-large", "5.c") in cited(run)


def test_a_place_hidden_among_others_is_still_caught(can_i):
    run = can_i("host", A13B, "--territory", "US", "--territory", "JP", "--territory", "uk",
                "--release-mau-own", "1M", "--json")
    assert run.code == NO and ("tencent-hunyuan-community", "5.c") in cited(run)


def test_the_eea_leaves_open_whether_the_use_is_in_the_eu(can_i):
    # EEA alone does not say the use is outside the EU: never a YES.
    run = can_i("use", A13B, "--territory", "EEA", "--release-mau-own", "1M")
    assert run.code == DEPENDS, run.out


def test_the_licensee_domicile_does_not_replace_the_place_of_use(can_i):
    # The text turns on where the works are used (§2, §3, §5.c): a UK company using it in the US is
    # not caught, and stating only a domicile leaves the place of use open.
    assert can_i("use", A13B, "--domicile", "GB", "--territory", "US", "--release-mau-own", "1M").code == YES
    assert can_i("use", A13B, "--domicile", "US", "--release-mau-own", "1M").code == DEPENDS


def test_a_spelled_out_country_is_an_input_error_not_a_yes(can_i):
    run = can_i("use", A13B, "--territory", "United Kingdom", "--release-mau-own", "1M")
    assert run.code == ERROR and "territory" in run.line()


# --- Tencent Hunyuan: 100M users, counted at release, the licensee's own products -----------------

@pytest.mark.parametrize("subject, lid", [(A13B, "tencent-hunyuan-community"), (LARGE, "tencent-hunyuan-community-large")])
def test_the_100m_line(can_i, subject, lid):
    assert can_i("host", subject, "--territory", "US", "--release-mau-own", "99_999_999").code == YES
    assert can_i("host", subject, "--territory", "US", "--release-mau-own", "100_000_000").code == YES
    run = can_i("host", subject, "--territory", "US", "--release-mau-own", "100_000_001", "--json")
    assert run.code == NO and (lid, "4") in cited(run)
    assert can_i("host", subject, "--territory", "US", "--release-mau-own", "1B", "--grant", "tencent").code == YES


def test_a_current_count_does_not_decide_the_own_count_at_release(can_i):
    run = can_i("host", A13B, "--territory", "US", "--mau", "5M", "--json")
    assert run.code == DEPENDS, run.out
    assert {d["fact"] for d in run.json()["depends_on"]} == {"release_mau_own"}
    # The count with affiliates at the same date bounds the own count (schema.AT_MOST): at most
    # 100M settles §4, above it leaves the own count open (review 37).
    assert can_i("host", A13B, "--territory", "US", "--release-mau", "5M").code == YES
    run = can_i("host", A13B, "--territory", "US", "--release-mau", "500M", "--json")
    assert run.code == DEPENDS and {d["fact"] for d in run.json()["depends_on"]} == {"release_mau_own"}


# --- Tencent Hunyuan: outputs, Model Derivatives and the AUP ---------------------------------------

@pytest.mark.parametrize("subject, lid", [(A13B, "tencent-hunyuan-community"), (LARGE, "tencent-hunyuan-community-large")])
def test_outputs_may_not_improve_another_model_line(can_i, subject, lid):
    run = can_i("distill", subject, "--into", "qwen", "--territory", "US", "--release-mau-own", "1M", "--json")
    assert run.code == NO and (lid, "5.b") in cited(run)
    # The exception is a Model Derivative by the weights (`target.derived`, outputs6): a hunyuan-family
    # student trained on the outputs alone is NO as well.
    assert can_i("distill", subject, "--into", "hunyuan", "--territory", "US", "--release-mau-own", "1M").code == NO


def test_a_distilled_student_is_a_model_derivative_bound_by_the_territory(can_i):
    # §1.g(iii): the terms follow `distilled`, so the student may not go to South Korea either.
    run = can_i("distill", A13B, "--into", "hunyuan", "--and", "distribute", "--territory", "KR",
                "--release-mau-own", "1M", "--json")
    assert run.code == NO and ("tencent-hunyuan-community", "5.c") in cited(run)


def test_the_aup_flows_down_and_bars_military_use(can_i):
    run = can_i("host", A13B, "--territory", "US", "--release-mau-own", "1M", "--json")
    assert run.code == YES
    duties = {(o["clause"], o["duty"]) for o in run.json()["obligations"]}
    assert ("5.a", "pass_restrictions") in duties
    run = can_i("host", A13B, "--territory", "US", "--release-mau-own", "1M", "--purpose", "military", "--json")
    assert run.code == NO and ("tencent-hunyuan-community", "AUP") in cited(run)


@pytest.mark.parametrize("name, link, lid", [
    ("tencent-license", "https://huggingface.co/tencent/Tencent-Hunyuan-Large/blob/main/LICENSE.txt",
     "tencent-hunyuan-community-large"),
    ("Tencent-Hunyuan-A13B", None, "tencent-hunyuan-community"),
    ("tencent-hunyuan-community", "https://github.com/Tencent-Hunyuan/Hunyuan-A13B/blob/main/LICENSE",
     "tencent-hunyuan-community")])
def test_hub_license_names_resolve_to_the_right_form(can_i, tmp_path, name, link, lid):
    # `tencent-license` and `tencent-hunyuan-community` name no one text (review 29): the card's
    # license_link says which form; test_review29_found.py has the cards without one.
    path = card(tmp_path, f"license: other\nlicense_name: {name}" + (f"\nlicense_link: {link}" if link else ""))
    run = can_i("use", path, "--territory", "DE", "--release-mau-own", "1M", "--json")
    assert run.code == NO and (lid, "5.c") in cited(run)
    uk = can_i("use", path, "--territory", "UK", "--release-mau-own", "1M").code
    assert uk == (YES if lid.endswith("-large") else NO)


def test_hub_license_names_without_a_link_are_never_yes_where_a_form_forbids(can_i, tmp_path):
    path = card(tmp_path, "license: other\nlicense_name: tencent-license")
    assert can_i("use", path, "--territory", "DE", "--release-mau-own", "1M").code == NO   # both forms
    assert can_i("use", path, "--territory", "UK", "--release-mau-own", "1M").code == DEPENDS
    path = card(tmp_path, "license: other\nlicense_name: tencent-hunyuan-community")
    assert can_i("use", path, "--territory", "UK", "--release-mau-own", "1M").code != YES


# --- MiniMax ------------------------------------------------------------------------------------

def test_minimax_model_license_terms_travel_with_fine_tunes(can_i):
    for lid in ("minimax-model", "minimax-model-m2.5"):
        assert can_i("host", lid, "--commercial", "--mau", "1B").code == YES
        run = can_i("finetune", lid, "--and", "distribute", "--as", "apache-2.0", "--json")
        assert run.code == NO and any(c == "2.b.i" for _, c in cited(run)), run.out
        run = can_i("use", lid, "--purpose", "military", "--json")
        assert run.code == NO and any(c == "Policy" for _, c in cited(run))


def test_minimax_catalog_models_carry_their_licenses(can_i):
    assert can_i("host", "MiniMaxAI/MiniMax-Text-01", "--commercial").code == YES
    assert can_i("host", "MiniMaxAI/MiniMax-M2.5", "--commercial").code == YES
    run = can_i("host", "MiniMaxAI/MiniMax-M2.7", "--commercial", "--json")
    assert run.code == NO and ("minimax-m2.7-noncommercial", "3") in cited(run)


def test_minimax_m2_7_commercial_use_needs_written_authorization(can_i, tmp_path):
    assert can_i("host", "minimax-m2.7-noncommercial", "--non-commercial").code == YES
    assert can_i("host", "minimax-m2.7-noncommercial").code == DEPENDS
    assert can_i("host", "minimax-m2.7-noncommercial", "--commercial", "--grant", "minimax").code == YES
    # A fine-tune is a derivative work: item 3 reaches it.
    run = can_i("finetune", "minimax-m2.7-noncommercial", "--and", "host", "--commercial", "--json")
    assert run.code == NO and ("minimax-m2.7-noncommercial", "3") in cited(run)
    # The Hub name on a third-party card resolves to it, in any case.
    path = card(tmp_path, "license: other\nlicense_name: MiniMax-M2.7-License")
    assert can_i("host", path, "--commercial").code == NO


# --- Zhipu: glm-4-9b and ChatGLM3-6B ---------------------------------------------------------------

def test_glm_commercial_use_owes_registration(can_i):
    for subject, lid in (("zai-org/glm-4-9b-chat", "glm-4-9b"), ("zai-org/chatglm3-6b", "chatglm3-6b")):
        run = can_i("host", subject, "--commercial", "--json")
        assert run.code == YES, run.out
        owed = {(o["license"], o["clause"]) for o in run.json()["obligations"]}
        assert (lid, "2, registration") in owed


def test_glm_4_names_and_built_with(can_i):
    run = can_i("finetune", "glm-4-9b", "--and", "distribute", "--name", "SupportBot", "--json")
    assert run.code == NO and ("glm-4-9b", "2, naming") in cited(run)
    assert can_i("finetune", "glm-4-9b", "--and", "distribute", "--name", "glm-4-9b-support").code == YES
    # The naming sentence is read to reach students trained on outputs (marked ambiguous).
    run = can_i("distill", "glm-4-9b", "--into", "qwen", "--and", "distribute", "--name", "Qwen-Student", "--json")
    assert run.code == NO and ("glm-4-9b", "2, naming") in cited(run)
    # ChatGLM3-6B has no naming duty.
    assert can_i("finetune", "chatglm3-6b", "--and", "distribute", "--name", "SupportBot").code == YES


def test_glm_grants_are_not_sublicensable(can_i):
    for lid in ("glm-4-9b", "chatglm3-6b"):
        run = can_i("finetune", lid, "--and", "distribute", "--name", "glm-4-x", "--as", "mit", "--json")
        assert run.code == NO and (lid, "2") in cited(run)


def test_glm_4_hub_name_resolves(can_i, tmp_path):
    # `glm-4` also names the GLM-Edge License on glm-edge cards (review 29): the link says which
    path = card(tmp_path, "license: other\nlicense_name: GLM-4\n"
                          "license_link: https://huggingface.co/THUDM/glm-4-9b/blob/main/LICENSE")
    run = can_i("use", path, "--purpose", "military", "--json")
    assert run.code == NO and ("glm-4-9b", "3") in cited(run)
    path = card(tmp_path, "license: other\nlicense_name: GLM-4", "other.md")
    assert can_i("use", path, "--purpose", "military").code != YES


# --- Yi Series Models Community License 2.1 ---------------------------------------------------------

def test_yi_commercial_purposes_need_the_registration_license(can_i):
    run = can_i("host", "yi-community-2.1", "--commercial", "--json")
    assert run.code == NO and ("yi-community-2.1", "2, commercial") in cited(run)
    assert can_i("host", "yi-community-2.1").code == DEPENDS
    assert can_i("host", "yi-community-2.1", "--non-commercial").code == YES
    assert can_i("host", "yi-community-2.1", "--commercial", "--grant", "lingyiwanwu").code == YES


def test_yi_derivatives_include_students_trained_on_outputs(can_i):
    run = can_i("distill", "yi-community-2.1", "--into", "llama", "--and", "distribute", "--non-commercial",
                "--as", "mit", "--json")
    assert run.code == NO and ("yi-community-2.1", "2") in cited(run)
    run = can_i("distill", "yi-community-2.1", "--into", "llama", "--and", "host", "--commercial", "--json")
    assert run.code == NO and ("yi-community-2.1", "2, commercial") in cited(run)


@pytest.mark.parametrize("name", ["yi-license", "Yi-License"])
def test_yi_hub_name_resolves_for_third_party_fine_tunes(can_i, tmp_path, name):
    # The fine-tune's base (01-ai/Yi-34B) is Apache-2.0 today, but the card's own license binds.
    path = card(tmp_path, f"license: other\nlicense_name: \"{name}\"\nbase_model: 01-ai/Yi-34B")
    run = can_i("host", path, "--commercial", "--json")
    assert run.code == NO, run.out
    assert ("yi-community-2.1", "2, commercial") in cited(run)


def test_a_yi_hub_name_in_an_unlisted_spelling_is_never_a_yes(can_i, tmp_path):
    path = card(tmp_path, "license: other\nlicense_name: \" yi-license \"\nbase_model: 01-ai/Yi-34B")
    assert can_i("host", path, "--commercial").code not in (YES, ERROR)


def test_yi_catalog_models_follow_01ai_s_move_to_apache(can_i):
    assert can_i("host", "01-ai/Yi-34B-Chat", "--commercial").code == YES
    assert can_i("host", "01-ai/Yi-1.5-9B-Chat", "--commercial").code == YES


# --- catalog and listings ---------------------------------------------------------------------------

def test_catalog_entries_name_their_licenses_and_sources(reasoner):
    kb = reasoner.kb
    expected = {
        "tencent/Tencent-Hunyuan-Large": "tencent-hunyuan-community-large",
        "tencent/Hunyuan-A13B-Instruct": "tencent-hunyuan-community",
        "tencent/HunyuanVideo": "tencent-hunyuan-community",
        "MiniMaxAI/MiniMax-Text-01": "minimax-model",
        "MiniMaxAI/MiniMax-M2.5": "minimax-model-m2.5",
        "MiniMaxAI/MiniMax-M2.7": "minimax-m2.7-noncommercial",
        "zai-org/glm-4-9b": "glm-4-9b",
        "zai-org/chatglm3-6b": "chatglm3-6b",
    }
    for model_id, lid in expected.items():
        entry = kb.model(model_id)
        assert entry is not None and entry["license"] == lid, model_id
        assert "card" in entry["note"] or "LICENSE" in entry["note"], model_id
    assert kb.model("TENCENT/hunyuan-a13b-instruct")["id"] == A13B   # the Hub is case-insensitive


def test_an_old_org_spelling_answers_as_the_entry_it_names(can_i):
    # THUDM was renamed zai-org on the Hub: the zai-org entries list the THUDM ids as aliases
    # (catalog `aliases`), so a card naming the old id gets the same terms, never a guess.
    old = can_i("host", "THUDM/glm-4-9b", "--commercial", "--json")
    new = can_i("host", "zai-org/glm-4-9b", "--commercial", "--json")
    assert old.code == new.code and old.json()["status"] == new.json()["status"]
    assert {(r["license"], r["clause"]) for r in old.json()["reasons"]} == \
        {(r["license"], r["clause"]) for r in new.json()["reasons"]}


def test_an_academic_entity_is_not_a_licence_for_commercial_use(can_i):
    run = can_i("host", "MiniMaxAI/MiniMax-M2.7", "--commercial", "--entity", "academic", "--json")
    assert run.code == NO and ("minimax-m2.7-noncommercial", "3") in cited(run)
    run = can_i("use", "MiniMaxAI/MiniMax-M2.7", "--non-commercial", "--entity", "academic", "--json")
    assert run.code == YES
    assert any(i["clause"] == "5" for i in run.json()["information"]), run.out
