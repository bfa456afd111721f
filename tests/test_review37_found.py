"""Review 37: a matrix of real-world questions about the most-used open models, each checked
against its primary text. HIGH = a wrong YES with a bundled license or catalog model, MEDIUM =
another wrong answer or a missing duty, LOW = the rest.

Each defect is a strict xfail (it passes only once fixed); the other tests are matrix cells that
were checked against the text and found right, kept as guards where a regression is most likely."""

from __future__ import annotations

import sys

from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import json_answer, write_card  # noqa: E402



def fixed(reason: str):
    """A finding since fixed (session 17): the test passes as a guard; `reason` says what it was."""
    return lambda test: test

pytestmark = pytest.mark.usefixtures("bundled_kb")

LLAMA31 = "meta-llama/Llama-3.1-8B-Instruct"
VISION32 = "meta-llama/Llama-3.2-11B-Vision-Instruct"
SCOUT = "meta-llama/Llama-4-Scout-17B-16E-Instruct"
QWEN25 = "Qwen/Qwen2.5-72B-Instruct"
FLUX = "black-forest-labs/FLUX.1-dev"
SD35 = "stabilityai/stable-diffusion-3.5-large"
HUNYUAN = "tencent/Hunyuan-A13B-Instruct"
KIMI = "moonshotai/Kimi-K2-Instruct"


def ask(can_i, *argv) -> dict:
    return json_answer(can_i, *argv, "--no-remedies")


def status(can_i, *argv) -> str:
    return ask(can_i, *argv)["status"]


def reasons(doc) -> set:
    return {(r["license"], r["clause"]) for r in doc["reasons"]}


def duties(doc) -> set:
    return {(o["license"], o["clause"], o["duty"]) for o in doc["obligations"]}


def depends_facts(doc) -> set:
    return {d["fact"] for d in doc["depends_on"]}


# =============================================================================================
# Findings
# =============================================================================================

# --- HIGH: Cohere's C4AI Acceptable Use Policy never reaches the Cohere catalog models ---------

@fixed((
    "HIGH: CohereLabs/c4ai-command-r-v01 (catalog note: 'CC-BY-NC plus Cohere acceptable-use "
    "addendum') is cc-by-nc-4.0 alone; the C4AI AUP (shared/license-texts/cohere_c4ai_aup.md) "
    "bans 'Harassment and abuse: engaging in, promoting, facilitating, or inciting activities that "
    "harass or abuse individuals', yet a non-commercial use for harassment is YES with no risk"))
@pytest.mark.parametrize("model", ["CohereLabs/c4ai-command-r-v01", "CohereLabs/c4ai-command-r-plus",
                                   "CohereLabs/aya-expanse-8b"])
@pytest.mark.parametrize("purpose", ["harassment", "misrepresent-ai-as-human"])
def test_cohere_models_follow_the_c4ai_acceptable_use_policy(can_i, model, purpose):
    """The model cards: 'License: CC-BY-NC, requires also adhering to C4AI's Acceptable Use
    Policy'. The policy: 'you may not use or allow others to use our models or model derivatives
    in connection with any of the following strictly prohibited use cases' - among them harassment
    and 'misrepresenting generated content from models as human-created'. facts/licenses/
    cc-by-nc-4.0.lic says the policy 'is NOT encoded here ... Encode the policy on its own and stack
    it where a card declares it'; the catalog never stacks it, so the answer is an unqualified YES."""
    assert status(can_i, "host", model, "--non-commercial", "--hosting", "public-api", "--purpose", purpose) != "permitted"


# --- HIGH: a company's production use passes as "non-commercial" where the text defines it away ----

@fixed(reason=(
    "HIGH: FLUX.1 [dev] 1.c: Non-Commercial Purpose is, for companies, only '(ii) use by "
    "commercial or for-profit entities for testing, evaluation, or non-commercial research and "
    "development in a non-production environment', and use '(b) in direct interactions with or "
    "that has impact on end users' is not one; Stability Community III: Commercial Purpose includes "
    "'(ii) ... Your business's or organization's internal operations'. A company stating "
    "--non-commercial --purpose customer-support (a USD 40M one for Stability) got YES; Yi 2.1 likewise. "
    "Fixed: a company's customer support is commercial use (schema.ENTITY_PURPOSE_FLAGS), so "
    "--non-commercial beside it is an input error, and unstated it is read as commercial"))
@pytest.mark.parametrize("argv", [
    ("use", FLUX, "--non-commercial", "--entity", "company", "--purpose", "customer-support"),
    ("use", SD35, "--non-commercial", "--entity", "company", "--purpose", "customer-support", "--revenue", "40M",
     "--role", "licensee"),
    # Yi 2.1 §1: "'Commercial Purposes' refers to the use ..., directly or indirectly, for the
    # operation, promotion, revenue generation, or any other profit-making purposes for entities"
    ("use", "yi-community-2.1", "--non-commercial", "--entity", "company", "--purpose", "customer-support"),
])
def test_a_companys_production_use_is_not_the_licenses_non_commercial_purpose(can_i, argv):
    run = can_i(*argv, "--json", "--no-remedies")
    assert run.code == 2 and "`commercial` true for a company" in run.err, run
    assert status(can_i, *(a for a in argv if a != "--non-commercial")) != "permitted"


@fixed((
    "MEDIUM (the rest of the HIGH above): FLUX.1 [dev] 1.c(ii): a company's use is non-commercial "
    "only 'for testing, evaluation, or non-commercial research and development in a non-production "
    "environment'; `use FLUX --non-commercial --entity company --hosting internal` with no purpose "
    "stated is YES, not DEPENDS on the purpose. Encoding it as a condition on entity and purpose "
    "makes every FLUX question that states neither DEPENDS too (no way to say 'only where the entity is stated')"))
def test_a_companys_flux_use_with_no_purpose_depends_on_it(can_i):
    assert status(can_i, "use", FLUX, "--non-commercial", "--entity", "company", "--hosting", "internal") != "permitted"


def test_mnpl_company_customer_support_is_no(can_i):
    """Guard: the same question under Codestral's MNPL (3.2, testing/evaluation, research and
    Personal use only) is NO, as it should be."""
    assert status(can_i, "use", "mistralai/Codestral-22B-v0.1", "--entity", "company",
                  "--purpose", "customer-support") == "forbidden"


# --- HIGH: inside-a-product recipients of Stability's models lose the revenue cap, not the grant ----

@fixed((
    "HIGH: Stability Community License III: 'If you receive Stability AI Materials ... from a "
    "Licensee as part of an integrated end user product, then Section III of this Agreement will "
    "not apply to you' - Section III is the Commercial Use License itself (its grant, the USD 1M "
    "cap and registration); the encoding lifts only the cap and keeps the grant (its own note: "
    "'lifting the whole section would also take the grant away'), so a USD 40M company that "
    "received SD 3.5 inside someone's app may host it as a commercial public API: YES, no risk"))
@pytest.mark.parametrize("act", ["host", "distribute"])
def test_stability_product_recipient_gets_no_commercial_grant_for_its_own_hosting(can_i, act):
    doc = ask(can_i, act, SD35, "--commercial", "--revenue", "40M", "--role", "product-recipient",
              *(["--hosting", "public-api"] if act == "host" else []))
    assert doc["status"] != "permitted", doc["risks"]


# --- MEDIUM: hosting "internal" (your organisation only) is judged as hosting for others -----------

_INTERNAL_HOSTING = (
    "MEDIUM: --hosting internal is 'your organisation only' (can-i host --help; the remedy 'do not "
    "offer it to others: only use it internally'), yet `host --hosting internal` still counts as "
    "offering the model to others: FLUX.1 [dev] 1.c makes it NO although 1.c(ii) counts 'use by "
    "commercial or for-profit entities for testing, evaluation, or non-commercial research and "
    "development in a non-production environment' as Non-Commercial Purpose (`use ... --hosting "
    "internal` is YES); Llama 3.1 §1.b.i last sentence makes an internally hosted fine-tune NO for "
    "its name though it binds only a model 'which is distributed or made available'")


@pytest.mark.parametrize("argv", [
    # fixed: FLUX 1.c needs BFL's license for hosting for others only
    ("host", FLUX, "--non-commercial", "--purpose", "research", "--hosting", "internal", "--entity", "company"),
    # fixed: Llama 3.1 §1.b.i's naming sentence binds a model made available to others only
    ("finetune", LLAMA31, "--commercial", "--release-mau", "1M", "--name", "SupportBot", "--and", "host",
     "--hosting", "internal"),
])
def test_internal_hosting_is_not_hosting_for_others(can_i, argv):
    assert status(can_i, *argv) == "permitted"


@pytest.mark.parametrize("also, expected", [
    (("--and", "host", "--hosting", "public-api"), "forbidden"),
    (("--and", "host", "--hosting", "product-feature"), "forbidden"),
    (("--and", "distribute"), "forbidden"),
    (("--and", "distribute", "--and", "host", "--hosting", "internal"), "forbidden"),
    (("--and", "host"), "forbidden"),    # `host` offers it to others unless `--hosting internal` says otherwise
])
def test_a_fine_tune_made_available_to_others_still_owes_the_prefix(can_i, also, expected):
    """Guard for the internal-hosting fix (no wrong YES): a fine-tune named 'SupportBot' that is
    distributed, or hosted for others, is 'distributed or made available' (§1.b.i last sentence)."""
    doc = ask(can_i, "finetune", LLAMA31, "--commercial", "--release-mau", "1M", "--name", "SupportBot", *also)
    assert doc["status"] == expected
    assert ("llama3.1", "1.b.i, last sentence") in reasons(doc)


def test_internal_use_of_flux_for_research_is_yes(can_i):
    """Guard: the same use stated as `use` is YES (1.c(ii))."""
    assert status(can_i, "use", FLUX, "--non-commercial", "--purpose", "research", "--hosting", "internal",
                  "--entity", "company") == "permitted"


# --- LOW: `distribute CARD --mine` is silent on the relabelling `audit` and `license-for` flag ------

@fixed((
    "LOW: a card of the user's own Llama 3.1 fine-tune declaring only `license: apache-2.0` is YES "
    "under `can-i distribute CARD --mine` with no word that the card's license breaks §1.b.i "
    "('provide a copy of this Agreement with any such Llama Materials'), while `can-i audit` of the "
    "same card is NO (relabelled) and `can-i license-for` notes own_license_beside: 'as the card's "
    "only license it would break the inherited terms'"))
def test_distributing_a_relabelled_own_llama_card_warns_like_license_for(can_i, tmp_path):
    card = write_card(tmp_path, "SupportBot", f"license: apache-2.0\nbase_model: {LLAMA31}\nbase_model_relation: finetune")
    audit = can_i("audit", card, "--json", "-q").json()
    assert {row["status"] for row in audit["results"]} == {"forbidden"}     # the audit's answer
    advice = can_i("license-for", card, "--mine", "--release-mau", "1M", "--json").json()
    assert "own_license_beside" in {n["code"] for n in advice["notes"]}     # license-for's answer
    doc = ask(can_i, "distribute", card, "--mine", "--commercial", "--release-mau", "1M", "--name", "Llama-SupportBot")
    # Fixed as a `relabelled` risk (rules.lp own_relabelled): the user's own contribution may stand
    # under its own license beside Llama's, as license-for advises, so the answer stays YES with it.
    warned = {n["code"] for n in doc["notes"]} | {r["risk"] for r in doc["risks"] if "llama3.1" in r["message"]}
    assert doc["status"] != "permitted" or warned & {"own_license_beside", "relabelled"}, (doc["notes"], doc["risks"])
    declared_both = write_card(tmp_path / "both", "SupportBot",
                               f"license: other\nlicense_name: llama3.1 AND apache-2.0\nbase_model: {LLAMA31}\n"
                               "base_model_relation: finetune")
    both = ask(can_i, "distribute", declared_both, "--mine", "--commercial", "--release-mau", "1M", "--name", "Llama-SupportBot")
    assert "relabelled" not in {r["risk"] for r in both["risks"]}, both["risks"]


def test_relabelling_a_llama_fine_tune_with_as_is_no(can_i):
    """Guard: the same question asked with --as is NO under §1.b.i."""
    doc = ask(can_i, "finetune", LLAMA31, "--commercial", "--release-mau", "1M", "--name", "Llama-Bot",
              "--and", "distribute", "--as", "apache-2.0")
    assert doc["status"] == "forbidden" and ("llama3.1", "1.b.i") in reasons(doc)


# --- LOW: Hunyuan's own-user count is not bounded by the stated count with affiliates ------------

@fixed((
    "LOW: Hunyuan §4 counts 'all products or services made available by or for Licensee' (no "
    "affiliates); --release-mau 1M counts yours and your affiliates' together, so your own count "
    "is at most 1M, yet the answer still DEPENDS on release_mau_own > 100M"))
def test_hunyuan_release_mau_with_affiliates_bounds_the_own_count(can_i):
    doc = ask(can_i, "host", HUNYUAN, "--commercial", "--release-mau", "1M", "--territory", "US", "--domicile", "US")
    assert "release_mau_own" not in depends_facts(doc), doc["depends_on"]


# --- LOW: hosting Meta's own weights unmodified carries the naming duty for a created model ------

@fixed((
    "LOW: Llama 3.1 §1.b.i last sentence binds only 'If you use the Llama Materials ... to create, "
    "train, fine tune, or otherwise improve an AI model, which is distributed or made available'; "
    "hosting Meta's unmodified Llama-3.1-8B-Instruct creates no model, yet 'start the model's name "
    "with \"Llama\"' is listed as a duty of the host"))
def test_hosting_unmodified_llama_owes_no_naming_duty(can_i):
    doc = ask(can_i, "host", LLAMA31, "--commercial", "--release-mau", "1M", "--hosting", "public-api")
    assert doc["status"] == "permitted"
    assert ("llama3.1", "1.b.i, last sentence", "name_prefix") not in duties(doc)


@fixed((
    "LOW: Qwen §5.b binds only 'If you use the Materials or any outputs or results therefrom to "
    "create, train, fine-tune, or improve an AI model that is distributed or made available'; "
    "hosting Alibaba's unmodified Qwen2.5-72B-Instruct creates no model, yet 'Built with Qwen' is owed"))
def test_hosting_unmodified_qwen_owes_no_built_with_qwen(can_i):
    doc = ask(can_i, "host", QWEN25, "--commercial", "--mau", "1M", "--hosting", "public-api")
    assert doc["status"] == "permitted"
    assert ("qwen", "5.b", "display") not in duties(doc)


def test_a_third_partys_llama_derivative_hosted_still_lists_the_naming_duty(can_i):
    """Guard for the fix above: only the licensor's own release is spared; a third party's fine-tune
    handed on (review 30) still carries the naming sentence, as the user's own fine-tune does."""
    doc = ask(can_i, "host", "NousResearch/Hermes-3-Llama-3.1-8B", "--commercial", "--release-mau", "1M",
              "--hosting", "public-api")
    assert ("llama3.1", "1.b.i, last sentence", "name_prefix") in duties(doc)


def test_a_qwen_fine_tune_distributed_still_owes_built_with_qwen(can_i):
    """Guard: the model the user fine-tunes from Qwen and distributes owes the display (§5.b)."""
    doc = ask(can_i, "finetune", QWEN25, "--commercial", "--mau", "1M", "--and", "distribute")
    assert ("qwen", "5.b", "display") in duties(doc)


# =============================================================================================
# Guards: matrix cells checked against the text and found right
# =============================================================================================

# --- Llama: the 700M threshold counts users at the release date, not today ---------------------

@pytest.mark.parametrize("release_mau, expected", [("700M", "permitted"), ("700000001", "depends")])
def test_llama31_threshold_at_release(can_i, release_mau, expected):
    """§2: 'greater than 700 million monthly active users in the preceding calendar month' on
    the release date; role unstated leaves the product-recipient exception open."""
    doc = ask(can_i, "host", LLAMA31, "--commercial", "--mau", "800M", "--release-mau", release_mau)
    assert doc["status"] == expected
    if expected == "depends":
        assert "role" in depends_facts(doc)


def test_llama31_unstated_users_depend_on_release_mau(can_i):
    doc = ask(can_i, "host", LLAMA31, "--commercial", "--hosting", "public-api")
    assert doc["status"] == "depends" and "release_mau" in depends_facts(doc)


def test_llama31_fine_tune_distribution_carries_every_duty(can_i):
    doc = ask(can_i, "finetune", LLAMA31, "--commercial", "--release-mau", "1M", "--name", "Llama-Bot", "--and", "distribute")
    assert doc["status"] == "permitted"
    assert {("llama3.1", "1.b.i", "display"), ("llama3.1", "1.b.i", "include_license"),
            ("llama3.1", "1.b.i, last sentence", "name_prefix"), ("llama3.1", "1.b.iii", "notice"),
            ("llama3.1", "1.b.iv", "follow_policy")} <= duties(doc)


@pytest.mark.parametrize("name, expected", [("Bot", "forbidden"), ("Llama-Bot", "permitted")])
def test_llama31_distilled_student_needs_the_prefix(can_i, name, expected):
    """§1.b.i last sentence reaches 'any outputs or results' used to train a model made available."""
    doc = ask(can_i, "distill", LLAMA31, "--into", "mistral", "--commercial", "--release-mau", "1M",
              "--name", name, "--and", "distribute")
    assert doc["status"] == expected


def test_llama3_student_of_another_family_is_no(can_i):
    """Llama 3 §1.b.v: not 'to improve any other large language model'."""
    doc = ask(can_i, "distill", "meta-llama/Meta-Llama-3-8B-Instruct", "--into", "mistral", "--commercial",
              "--release-mau", "1M", "--name", "Llama 3 Bot", "--and", "distribute")
    assert doc["status"] == "forbidden" and ("llama3", "1.b.v") in reasons(doc)


@pytest.mark.parametrize("model", [VISION32, SCOUT, "meta-llama/Llama-Guard-4-12B"])
def test_llama_multimodal_is_not_for_an_eu_company(can_i, model):
    """Llama 3.2 / 4 AUP: rights under 1(a) 'are not being granted to you if you are ... a company
    with a principal place of business in, the European Union'."""
    doc = ask(can_i, "host", model, "--commercial", "--release-mau", "1M", "--domicile", "DE", "--territory", "US")
    assert doc["status"] == "forbidden"


def test_llama_multimodal_exception_for_end_users(can_i):
    """'This restriction does not apply to end users of a product or service that incorporates'."""
    assert status(can_i, "use", SCOUT, "--commercial", "--release-mau", "1M", "--domicile", "DE",
                  "--role", "product-recipient") == "permitted"


def test_llama_multimodal_unstated_domicile_depends_on_it(can_i):
    doc = ask(can_i, "host", VISION32, "--commercial", "--release-mau", "1M", "--territory", "DE")
    assert doc["status"] == "depends" and "domicile" in depends_facts(doc)


def test_llama32_text_model_is_open_to_an_eu_company(can_i):
    assert status(can_i, "host", "meta-llama/Llama-3.2-3B-Instruct", "--commercial", "--release-mau", "1M",
                  "--domicile", "DE") == "permitted"


def test_llama_aup_military(can_i):
    """Llama 3.1 AUP 2.a: 'Military, warfare, nuclear industries or applications, espionage'."""
    assert status(can_i, "host", LLAMA31, "--commercial", "--release-mau", "1M", "--purpose", "military") == "forbidden"


# --- Gemma ------------------------------------------------------------------------------------

def test_gemma_hosting_is_distribution_and_carries_the_restrictions(can_i):
    """1.1(b): Distribution includes 'a hosted service via API'; 3.1.1 pass the use restrictions,
    3.1.2 a copy of the Agreement; 3.1.4's Notice file is not owed 'through a Hosted Service'."""
    doc = ask(can_i, "host", "google/gemma-2-9b-it", "--commercial", "--mau", "800M", "--hosting", "public-api")
    assert doc["status"] == "permitted"
    got = duties(doc)
    assert {("gemma", "3.1.1", "pass_restrictions"), ("gemma", "3.1.2", "include_license")} <= got
    assert ("gemma", "3.1.4", "notice") not in got


def test_gemma_distilled_student_is_a_model_derivative(can_i):
    """1.1(e): Model Derivatives include 'distillation methods ... synthetic data Outputs'."""
    doc = ask(can_i, "distill", "google/gemma-2-9b-it", "--into", "mistral", "--commercial", "--name", "Bot",
              "--and", "distribute", "--as", "apache-2.0")
    assert doc["status"] == "forbidden" and ("gemma", "3.1.1") in reasons(doc)


def test_gemma_prohibited_use_sexual_content(can_i):
    assert status(can_i, "host", "google/gemma-2-9b-it", "--commercial", "--purpose", "sexual-content") == "forbidden"


# --- Qwen -------------------------------------------------------------------------------------

@pytest.mark.parametrize("mau, expected", [("100M", "permitted"), ("100000001", "forbidden")])
def test_qwen_threshold(can_i, mau, expected):
    """Qwen §4: 'commercially using ... more than 100 million monthly active users'."""
    assert status(can_i, "host", QWEN25, "--commercial", "--mau", mau, "--hosting", "public-api") == expected


def test_qwen_threshold_unstated_depends_on_mau(can_i):
    doc = ask(can_i, "host", QWEN25, "--commercial")
    assert doc["status"] == "depends" and "mau" in depends_facts(doc)


def test_qwen_student_owes_built_with_qwen(can_i):
    """Qwen §5.b: 'outputs ... to create, train ... an AI model that is distributed ... display
    "Built with Qwen" or "Improved using Qwen"'."""
    doc = ask(can_i, "distill", QWEN25, "--into", "mistral", "--commercial", "--mau", "1M", "--name", "Bot", "--and", "distribute")
    assert doc["status"] == "permitted" and ("qwen", "5.b", "display") in duties(doc)


def test_tongyi_qianwen_student_of_another_llm_is_no(can_i):
    """Tongyi Qianwen §5.b: 'can not use ... any output therefrom to improve any other large
    language model'."""
    assert status(can_i, "distill", "Qwen/Qwen-72B-Chat", "--into", "mistral", "--commercial", "--mau", "1M",
                  "--name", "Bot", "--and", "distribute") == "forbidden"


def test_qwen_research_is_not_commercial(can_i):
    assert status(can_i, "host", "Qwen/Qwen2.5-3B-Instruct", "--commercial", "--mau", "1M") == "forbidden"


# --- Mistral ----------------------------------------------------------------------------------

@pytest.mark.parametrize("revenue, expected", [("20M", "permitted"), ("30M", "forbidden")])
def test_mistral_medium_revenue_limit(can_i, revenue, expected):
    """Modified MIT 2: 'not authorized ... if the global consolidated monthly revenue ... exceeds
    $20 million'."""
    assert status(can_i, "host", "mistral-medium-3.5-modified-mit", "--commercial", "--monthly-revenue", revenue) == expected


def test_mistral_medium_unstated_revenue_depends(can_i):
    doc = ask(can_i, "use", "mistral-medium-3.5-modified-mit", "--non-commercial")
    assert doc["status"] == "depends" and "monthly_revenue" in depends_facts(doc)


def test_mrl_is_research_only(can_i):
    assert status(can_i, "host", "mistralai/Mistral-Large-Instruct-2411", "--commercial") == "forbidden"


# --- DeepSeek ---------------------------------------------------------------------------------

def test_deepseek_military_and_relabel(can_i):
    """Attachment A: 'For military use in any way'; 4.a use restrictions travel with derivatives."""
    assert status(can_i, "host", "deepseek-ai/DeepSeek-V3", "--commercial", "--purpose", "military") == "forbidden"
    assert status(can_i, "finetune", "deepseek-ai/DeepSeek-V3", "--commercial", "--name", "Bot", "--and", "distribute",
                  "--as", "apache-2.0") == "forbidden"


# --- FLUX.1 [dev] -----------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ("host", FLUX, "--commercial"),
    ("host", FLUX, "--non-commercial", "--purpose", "research", "--hosting", "public-api"),
    ("use", FLUX, "--commercial", "--hosting", "internal"),
    ("use", FLUX, "--non-commercial", "--purpose", "research", "--territory", "IR"),
    ("use", FLUX, "--non-commercial", "--purpose", "research", "--purpose", "surveillance"),
])
def test_flux_dev_noes(can_i, argv):
    assert status(can_i, *argv) == "forbidden"


def test_flux_dev_research_fine_tune_duties(can_i):
    doc = ask(can_i, "finetune", FLUX, "--non-commercial", "--purpose", "research", "--entity", "individual", "--name", "Bot",
              "--and", "distribute")
    assert doc["status"] == "permitted"
    assert {("flux-1-dev-non-commercial-license", "3.a", "include_license"),
            ("flux-1-dev-non-commercial-license", "3.b", "notice")} <= duties(doc)


# --- Stability AI Community ---------------------------------------------------------------------

@pytest.mark.parametrize("revenue, expected", [("1M", "permitted"), ("1000001", "forbidden")])
def test_stability_revenue_threshold(can_i, revenue, expected):
    """III: 'more than USD $1,000,000 in annual revenue' ends the licence; hosting for others is the
    host's own Commercial Purpose whatever its role (review 37 HIGH), so the role no longer leaves it open."""
    assert status(can_i, "host", SD35, "--commercial", "--revenue", revenue) == expected


def test_stability_hosting_duties(can_i):
    doc = ask(can_i, "host", SD35, "--commercial", "--revenue", "500K", "--hosting", "public-api")
    assert {("stabilityai-ai-community", "IV(a)", "display"), ("stabilityai-ai-community", "IV(a)", "include_license"),
            ("stabilityai-ai-community", "III", "report")} <= duties(doc)


def test_stability_outputs_train_no_foundational_model(can_i):
    assert status(can_i, "distill", SD35, "--into", "flux", "--commercial", "--revenue", "500K", "--name", "Bot") == "forbidden"


# --- OpenRAIL ---------------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["CompVis/stable-diffusion-v1-4", "stabilityai/stable-diffusion-xl-base-1.0"])
def test_openrail_restrictions_travel(can_i, model):
    """4.a: use-based restrictions 'MUST be included as an enforceable provision'."""
    assert status(can_i, "finetune", model, "--commercial", "--name", "Bot", "--and", "distribute", "--as", "apache-2.0") == "forbidden"
    assert status(can_i, "host", model, "--commercial", "--purpose", "medical-advice") == "forbidden"


# --- Falcon -----------------------------------------------------------------------------------

@pytest.mark.parametrize("hosting, expected", [("public-api", "forbidden"), ("product-feature", "permitted")])
def test_falcon_180b_hosting_use(can_i, hosting, expected):
    """9.1/9.2: an inference API is Hosting Use; 'integrated end user products which use the Work
    ... in the background shall not be considered Hosting Use'."""
    assert status(can_i, "host", "tiiuae/falcon-180B-chat", "--commercial", "--hosting", hosting) == expected


def test_falcon_180b_unstated_hosting_depends(can_i):
    doc = ask(can_i, "host", "tiiuae/falcon-180B-chat", "--commercial")
    assert doc["status"] == "depends" and "hosting" in depends_facts(doc)


# --- Tencent Hunyuan --------------------------------------------------------------------------

@pytest.mark.parametrize("territory", ["DE", "GB", "KR"])
def test_hunyuan_a13b_territory(can_i, territory):
    """'Territory' excludes 'the European Union, United Kingdom and South Korea' (1.l, 5.c)."""
    assert status(can_i, "host", HUNYUAN, "--commercial", "--release-mau-own", "1M", "--territory", territory) == "forbidden"


def test_hunyuan_large_excludes_only_the_eu(can_i):
    assert status(can_i, "host", "tencent/Tencent-Hunyuan-Large", "--commercial", "--release-mau-own", "1M",
                  "--territory", "GB") == "permitted"


def test_hunyuan_product_recipient_still_counts_users(can_i):
    """'this Section 3 ... will not apply to You' - §4's user count still does."""
    assert status(can_i, "use", HUNYUAN, "--commercial", "--role", "product-recipient", "--release-mau-own", "200M",
                  "--territory", "US") == "forbidden"


# --- Kimi K2 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, conditional", [
    (("--mau", "150M"), False),
    (("--mau", "1M", "--product-monthly-revenue", "30M"), False),
    ((), True),
])
def test_kimi_k2_display(can_i, argv, conditional):
    """'more than 100 million monthly active users, or more than 20 million US dollars ... in
    monthly revenue, you shall prominently display "Kimi K2"'."""
    doc = ask(can_i, "host", KIMI, "--commercial", *argv)
    assert doc["status"] == "permitted"
    kimi = [o for o in doc["obligations"] if o["license"] == "kimi-k2-modified-mit" and o["duty"] == "display"]
    assert kimi and kimi[0]["conditional"] is conditional


# --- NVIDIA, MiniMax, xAI, GLM, Yi, CC-BY-NC ---------------------------------------------------

def test_nvidia_cosmos_built_on(can_i):
    doc = ask(can_i, "host", "nvidia/Cosmos-1.0-Diffusion-7B-Text2World", "--commercial", "--hosting", "public-api")
    assert ("nvidia-open-model-license", "3.2", "display") in duties(doc)


def test_minimax_m27_is_non_commercial(can_i):
    assert status(can_i, "host", "MiniMaxAI/MiniMax-M2.7", "--commercial") == "forbidden"
    assert status(can_i, "use", "MiniMaxAI/MiniMax-Text-01",
                  "--commercial", "--purpose", "military") == "forbidden"


def test_xai_outputs_train_no_llm(can_i):
    """2.b: not 'to train, create, or improve any foundational, large language, or general-purpose
    AI models'."""
    assert status(can_i, "distill", "xai-community", "--into", "llama", "--commercial", "--name", "Bot") == "forbidden"


@pytest.mark.parametrize("name, expected", [("Bot", "forbidden"), ("glm-4-Bot", "permitted")])
def test_glm4_name_prefix(can_i, name, expected):
    """'add "glm-4" to the beginning of any such AI model name'."""
    assert status(can_i, "finetune", "zai-org/glm-4-9b-chat", "--commercial", "--name", name, "--and", "distribute") == expected


def test_yi_commercial_needs_registration_licence(can_i):
    assert status(can_i, "host", "yi-community-2.1", "--commercial", "--hosting", "public-api") == "forbidden"


@pytest.mark.parametrize("argv, expected", [
    (("host", "CohereLabs/c4ai-command-r-plus", "--commercial", "--hosting", "public-api"), "forbidden"),
    (("use", "CohereLabs/c4ai-command-r-plus", "--commercial", "--hosting", "internal"), "forbidden"),
    (("use", "CohereLabs/c4ai-command-r-plus"), "depends"),
    (("finetune", "CohereLabs/c4ai-command-r-plus", "--non-commercial", "--name", "Bot", "--and", "distribute",
      "--as", "apache-2.0"), "forbidden"),
])
def test_cc_by_nc_cells(can_i, argv, expected):
    assert status(can_i, *argv) == expected
