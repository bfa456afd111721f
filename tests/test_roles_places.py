"""Who and where (issue 10, item 2): domicile apart from the place of use, entity type, recipient
role, hosting kind and counts measured at a date, through the CLI and JSON, each answer citing
the clause that decides it; and each new input path pushed with a forbidden request."""

from __future__ import annotations

import json
import re

import pytest

from reasoner import schema
from reasoner.api import Reasoner
from reasoner.vocabulary import ENTITIES, HOSTING_KINDS, ROLES, VOCABULARIES

R = Reasoner()
VISION = "meta-llama/Llama-3.2-11B-Vision-Instruct"
FALCON = "tiiuae/falcon-180B"
NEW_FACTS = ("domicile", "entity", "role", "hosting", "release_mau", "release_mau_own", "monthly_revenue",
             "product_monthly_revenue", "revenue_12m")


def cited(run) -> set[tuple[str, str]]:
    return {(r["license"], r["clause"]) for r in run.json()["reasons"]}


# --- declared once, and visible everywhere the schema reaches ---------------------------------

def test_each_new_fact_is_declared_once_with_its_option_field_and_example_word():
    names = [f.name for f in schema.FACT_LIST]
    words = schema.example_words()
    for name in NEW_FACTS:
        assert names.count(name) == 1
        fact = schema.FACTS[name]
        assert fact.field == name and fact.cli and fact.example
        assert fact.example[0] in words
    assert VOCABULARIES["entity"] == ENTITIES and VOCABULARIES["role"] == ROLES
    assert VOCABULARIES["hosting"] == HOSTING_KINDS
    assert schema.FACTS["domicile"].vocabulary == schema.FACTS["territory"].vocabulary == "territory"


def test_host_help_lists_every_new_option(can_i):
    run = can_i("host", "--help")
    assert run.code == 0
    text = re.sub(r"[│\s]+", " ", run.out)
    for name in NEW_FACTS:
        assert schema.FACTS[name].cli in text or schema.FACTS[name].cli[:20] in text, name
    assert "Where the model is used" in text   # territory is the place of use, not the domicile


def test_the_readme_documents_the_new_use_fields():
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in NEW_FACTS:
        assert f"`{name}`" in readme, name


def test_each_new_fact_is_used_in_a_bundled_example():
    text = "\n".join(lic.read_text(encoding="utf-8") for lic in
                     (__import__("pathlib").Path(__file__).resolve().parent.parent / "facts" / "licenses").glob("*.lic"))
    examples = [line for line in text.splitlines() if line.strip().startswith("example ")]
    for name in NEW_FACTS:
        assert any(re.search(rf"\b{name} = ", line) for line in examples), name


# --- Llama §2: the dated count and §1.b.ii ----------------------------------------------------

def test_a_current_mau_does_not_decide_the_release_date_count(can_i):
    run = can_i("host", "meta-llama/Llama-3.1-8B", "--mau", "800M", "--role", "licensee")
    assert run.code == 3
    assert "release_mau > 700,000,000" in run.out
    assert "2024-07-23" in run.out                      # the version's release date, in the DEPENDS text
    doc = can_i("host", "meta-llama/Llama-3.1-8B", "--mau", "800M", "--role", "licensee", "--json").json()
    assert doc["status"] == "depends"
    assert [d["fact"] for d in doc["depends_on"]] == ["release_mau"]
    assert "2024-07-23" in doc["residual"]["any"][0]["all"][0]["title"]


@pytest.mark.parametrize("lid, date", [("llama2", "2023-07-18"), ("llama3", "2024-04-18"),
                                       ("llama3.1", "2024-07-23"), ("llama3.3", "2024-12-06")])
def test_over_700m_at_release_is_no_for_a_licensee_citing_section_2(can_i, lid, date):
    run = can_i("host", lid, "--release-mau", "700_000_001", "--role", "licensee", "--domicile", "US", "--json")
    assert run.code == 1 and (lid, "2") in cited(run)
    reason = next(r for r in run.json()["reasons"] if r["clause"] == "2")
    assert date in reason["title"]
    assert can_i("host", lid, "--release-mau", "700M", "--role", "licensee", "--domicile", "US").code == 0


@pytest.mark.parametrize("lid", ["llama2", "llama3", "llama3.1", "llama3.3"])
def test_an_integrated_product_recipient_over_700m_is_yes(can_i, lid):
    run = can_i("use", lid, "--release-mau", "3B", "--role", "product-recipient", "--domicile", "US", "--json")
    assert run.code == 0, run.out
    assert run.json()["status"] == "permitted"


def test_role_unstated_over_700m_depends_on_the_role_citing_1_b_ii(can_i):
    run = can_i("host", "llama3.1", "--release-mau", "800M", "--json")
    assert run.code == 3
    doc = run.json()
    assert [(d["fact"], d["op"], d["value"]) for d in doc["depends_on"]] == [("role", "!=", "product-recipient")]
    leaf = doc["residual"]["any"][0]["all"][0]
    assert leaf["exception"] == "§1.b.ii" and leaf["clause"] == "2"


def test_a_service_user_is_not_counted_by_section_2_but_a_service_user_who_hosts_is():
    """§1.b.ii names recipients inside an integrated end user product only, but §2 binds the
    Licensee, and an end user of someone else's hosted service receives no Llama Materials: using
    the service is not counted (review 36); hosting or handing the model on makes one a licensee."""
    doc = {"licenses": ["llama3"], "use": {"acts": ["use"], "release_mau": 800_000_000, "role": "service-user"}}
    assert R.ask(doc).status == "permitted"
    doc["use"]["acts"] = ["host"]
    result = R.ask(doc)
    assert result.status == "forbidden" and ("llama3", "2") in {(r.license, r.clause) for r in result.reasons}


# --- the Llama 3.2 / 4 multimodal EU paragraph: domicile and role ------------------------------

def test_domicile_eu_with_the_multimodal_llama_3_2_is_no(can_i):
    run = can_i("use", VISION, "--domicile", "DE", "--role", "licensee", "--release-mau", "1M", "--json")
    assert run.code == 1
    assert ("llama3.2", "AUP, multimodal models") in cited(run)


def test_an_eu_end_user_of_a_service_built_on_it_is_yes(can_i):
    run = can_i("use", VISION, "--domicile", "DE", "--role", "service-user", "--release-mau", "1M")
    assert run.code == 0, run.out
    run = can_i("use", VISION, "--domicile", "FR", "--role", "product-recipient", "--release-mau", "1M")
    assert run.code == 0, run.out


def test_the_place_of_use_is_not_the_domicile(can_i):
    # A US company whose model is used in the EU is not caught; an EU company using it in the US is.
    assert can_i("host", VISION, "--domicile", "US", "--territory", "EU", "--role", "licensee",
                 "--release-mau", "1M").code == 0
    run = can_i("host", VISION, "--domicile", "IT", "--territory", "US", "--role", "licensee",
                "--release-mau", "1M", "--json")
    assert run.code == 1 and ("llama3.2", "AUP, multimodal models") in cited(run)


def test_an_eu_domicile_with_the_role_unstated_depends_on_the_role(can_i):
    doc = can_i("use", VISION, "--domicile", "DE", "--release-mau", "1M", "--json").json()
    assert doc["status"] == "depends"
    assert {d["fact"] for d in doc["depends_on"]} == {"role"}
    assert all(d["clause"] == "AUP, multimodal models" for d in doc["depends_on"])


@pytest.mark.parametrize("domicile", ["EEA", "EU"])
def test_a_region_leaves_the_member_open_or_decides(can_i, domicile):
    run = can_i("use", VISION, "--domicile", domicile, "--role", "licensee", "--release-mau", "1M")
    assert run.code == (3 if domicile == "EEA" else 1)


def test_llama_4_eu_paragraph_reads_domicile_and_role():
    base = {"artifacts": [{"id": "m", "license": "llama4", "modalities": ["text", "image"]}],
            "use": {"acts": ["distribute"], "release_mau": 1, "domicile": ["NL"]}}
    assert R.ask(dict(base, use=dict(base["use"], role="licensee"))).status == "forbidden"
    # An end user uses the service; distributing the weights is a licensee's act (review of issue 10).
    assert R.ask(dict(base, use=dict(base["use"], role="service-user"))).status == "forbidden"
    assert R.ask(dict(base, use=dict(base["use"], role="service-user", acts=["use"]))).status == "permitted"
    assert R.ask(dict(base, use=dict(base["use"], role="licensee", domicile=["NO"]))).status == "permitted"


# --- Falcon 180B §9: the hosting kind ----------------------------------------------------------

def test_a_falcon_180b_public_api_is_judged_by_section_9(can_i):
    run = can_i("host", FALCON, "--hosting", "public-api", "--commercial", "--json")
    assert run.code == 1
    assert ("falcon-180b-tii-license-1.0", "9.3") in cited(run)
    assert can_i("host", FALCON, "--hosting", "public-api", "--grant", "tii").code == 0


@pytest.mark.parametrize("kind", ["product-feature", "internal"])
def test_a_falcon_180b_feature_or_internal_service_is_not_hosting_use(can_i, kind):
    run = can_i("host", FALCON, "--hosting", kind, "--commercial")
    assert run.code == 0, run.out


def test_falcon_180b_hosting_kind_unstated_depends_on_it(can_i):
    doc = can_i("host", FALCON, "--json").json()
    assert doc["status"] == "depends"
    assert [(d["fact"], d["clause"]) for d in doc["depends_on"]] == [("hosting", "9.3")]
    assert doc["residual"]["any"][0]["all"][0]["exception"] == "9.1, 9.2"


# --- MRL: the entity type ---------------------------------------------------------------------

def test_mrl_a_company_distributing_for_research_is_no_and_a_university_yes(can_i):
    args = ("distribute", "mrl", "--non-commercial", "--purpose", "research")
    run = can_i(*args, "--entity", "company", "--json")
    assert run.code == 1 and ("mrl", "9, Research Purposes (2)") in cited(run)
    assert can_i(*args, "--entity", "academic").code == 0
    assert can_i(*args).code == 3


# --- each new input path: errors, and no mutation of a forbidden request turns into YES ----------

@pytest.mark.parametrize("option, word, hint", [
    ("--role", "licencee", "licensee"), ("--role", "product-recipent", "product-recipient"),
    ("--entity", "compnay", "company"), ("--hosting", "public_api", "public-api"),
    ("--domicile", "Germany", "DE"),
])
def test_an_unknown_word_is_an_error_with_did_you_mean(can_i, option, word, hint):
    run = can_i("use", "llama3", option, word)
    assert run.code == 2
    line = run.line()
    assert option in line and "did you mean" in line and hint in line


@pytest.mark.parametrize("option", ["--role", "--entity", "--hosting", "--domicile", "--release-mau",
                                    "--monthly-revenue", "--revenue-12m"])
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_value_is_an_error(can_i, option, value):
    run = can_i("use", "llama3", option, value)
    assert run.code == 2
    assert option in run.line()


@pytest.mark.parametrize("field, value", [
    ("role", ""), ("role", ["licensee"]), ("role", 3), ("role", "Licensee "), ("entity", None),
    ("hosting", "API"), ("domicile", []), ("domicile", [""]), ("domicile", "Deutschland"),
    ("release_mau", "-1"), ("release_mau", "lots"), ("release_mau", True),
])
def test_no_mutation_of_a_forbidden_json_request_turns_into_yes(can_i, field, value):
    """EU company, multimodal Llama 3.2, over 700M at release, public API on Falcon 180B: each
    field mutated is either read (to the same or a stricter answer) or rejected; never YES."""
    base = {"schema_version": 1, "subject": "m",
            "artifacts": [{"id": "m", "license": "llama3.2 AND falcon-180b-tii-license-1.0",
                           "modalities": ["text", "image"]}],
            "use": {"acts": ["host"], "role": "licensee", "domicile": ["DE"], "release_mau": 800_000_000,
                    "hosting": "public-api", "entity": "company"}}
    assert can_i("--request", "-", stdin=json.dumps(base)).code == 1
    base["use"][field] = value
    run = can_i("--request", "-", "--json", stdin=json.dumps(base))
    assert run.code in (1, 2, 3), run.out
    if run.code == 2:
        assert "Traceback" not in run.err


def test_role_case_and_spacing_is_read_as_the_word():
    doc = {"licenses": ["llama3"], "use": {"acts": ["use"], "release_mau": 800_000_000, "role": " Product-Recipient"}}
    assert R.ask(doc).status == "permitted"


def test_a_stated_current_mau_never_turns_a_dated_no_into_yes():
    """Stating a small current count beside a large count at release keeps the NO."""
    doc = {"licenses": ["llama3.1"], "use": {"acts": ["host"], "role": "licensee", "release_mau": 800_000_000,
                                             "mau": 10}}
    assert R.ask(doc).status == "forbidden"
