"""Review 27: hostile review of session 12's change (2995e41..HEAD). HIGH = a wrong YES,
MEDIUM = another wrong answer, a traceback or an input silently ignored, LOW = the rest."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner.addresses import registry_license

pytestmark = pytest.mark.usefixtures("bundled_kb")

sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402


# --- HIGH: Creative Commons 1.0 spelt its NonCommercial licenses otherwise -----------------------

@pytest.mark.parametrize("link, spelt", [
    ("https://creativecommons.org/licenses/by-nd-nc/1.0/", "cc-by-nc-nd-1.0"),   # SPDX CC-BY-NC-ND-1.0
    ("https://creativecommons.org/licenses/nc/1.0/", "cc-nc-1.0"),
    ("https://creativecommons.org/licenses/nc-sa/1.0/", "cc-nc-sa-1.0"),
    ("https://creativecommons.org/licenses/nd-nc/1.0/legalcode", "cc-nc-nd-1.0"),
])
def test_a_link_to_a_cc_1_0_noncommercial_deed_is_not_yes(can_i, tmp_path, link, spelt):
    """HIGH. The registry pattern read only `by(-nc)(-sa|-nd)`: CC 1.0's `by-nd-nc`, `nc`, `nc-sa`
    and `nd-nc` deeds were no registry address, and `license: mit` beside them was YES for
    commercial use with only an "unread link" note."""
    assert registry_license(link) == spelt
    doc = can_i("use", card(tmp_path, "m", f"license: mit\nlicense_link: {link}"),
                "--commercial", "--json", "--no-remedies").json()
    assert doc["status"] == "unknown" and [r["license"] for r in doc["reasons"]] == [spelt], doc["reasons"]


def test_a_cc_port_with_a_long_name_is_its_own_license():
    """LOW. `…/by-nc/2.5/scotland/` and `…/3.0/igo/` were read as the unported license."""
    assert registry_license("https://creativecommons.org/licenses/by-nc/2.5/scotland/") == "cc-by-nc-2.5-scotland"
    assert registry_license("https://creativecommons.org/licenses/by-sa/3.0/igo/deed.en") == "cc-by-sa-3.0-igo"
    assert registry_license("https://creativecommons.org/licenses/by-nc/4.0/rdf") == "cc-by-nc-4.0"


# --- HIGH: a registry link written loosely was neither bound nor noted ---------------------------

@pytest.mark.parametrize("link", [
    '"creativecommons.org/licenses/by-nc/4.0/"',
    '"www.creativecommons.org/licenses/by-nc/4.0/"',
    '"//creativecommons.org/licenses/by-nc/4.0/"',
    '"<https://creativecommons.org/licenses/by-nc/4.0/>"',
    '"[CC BY-NC 4.0](https://creativecommons.org/licenses/by-nc/4.0/)"',
])
def test_a_loosely_written_registry_link_binds(can_i, tmp_path, link):
    """HIGH. A link without a scheme, in angle brackets or as a Markdown link was no absolute
    address: not bound, not even noted, and `license: mit` beside the CC BY-NC deed so written
    was YES for commercial use without a word."""
    doc = can_i("use", card(tmp_path, "m", f"license: mit\nlicense_link: {link}"),
                "--commercial", "--json", "--no-remedies").json()
    assert doc["status"] == "forbidden" and {r["license"] for r in doc["reasons"]} == {"cc-by-nc-4.0"}, doc


def test_a_loosely_written_unknown_link_is_noted(can_i, tmp_path):
    """MEDIUM. `[text](https://…)` to an address no license states was dropped without the note
    an absolute address gets."""
    doc = can_i("use", card(tmp_path, "m", 'license: mit\nlicense_link: "[terms](https://example.com/terms)"'),
                "--json", "--no-remedies").json()
    assert any(n["code"] == "card_license_link_unread" and "example.com" in n["message"] for n in doc["notes"]), doc


@pytest.mark.parametrize("entry", ['{url: "https://creativecommons.org/licenses/by-nc/4.0/"}',
                                   '["https://creativecommons.org/licenses/by-nc/4.0/"]'])
def test_a_link_list_entry_that_is_no_address_is_noted(can_i, tmp_path, entry):
    """MEDIUM. A mapping given as `license_link` is noted as unread (review 23), but the same
    mapping (or a nested list) as an entry of a link list was skipped without a word: YES for
    commercial use of `license: mit` beside it, and nothing said."""
    doc = can_i("use", card(tmp_path, "m", f"license: mit\nlicense_link: [{entry}]"),
                "--commercial", "--json", "--no-remedies").json()
    (note,) = [n for n in doc["notes"] if n["code"] == "card_license_link_unread"]
    assert "by-nc/4.0" in note["message"], note


# --- MEDIUM: opensource.org's current pages -------------------------------------------------------

@pytest.mark.parametrize("link, spelt", [("https://opensource.org/license/gpl-3-0", "gpl-3.0"),
                                         ("https://opensource.org/license/lgpl-2-1/", "lgpl-2.1"),
                                         ("https://opensource.org/license/bsd-3-clause", "bsd-3-clause"),
                                         ("https://opensource.org/license/mit/", "mit")])
def test_opensource_org_current_license_pages_name_their_license(can_i, tmp_path, link, spelt):
    """MEDIUM. opensource.org moved its pages to `/license/<slug>` (dots as hyphens): only the old
    `/licenses/` were read, so `license: mit` beside the GPL-3.0 page answered as MIT alone."""
    assert registry_license(link) == spelt
    doc = can_i("use", card(tmp_path, "m", f"license: mit\nlicense_link: {link}"), "--json", "--no-remedies").json()
    assert not any(n["code"] == "card_license_link_unread" for n in doc["notes"]), doc["notes"]


# --- the same through the other readers -------------------------------------------------------------

def test_a_cc_1_0_link_in_a_hub_dump_and_a_cyclonedx_url_is_not_yes(can_i, tmp_path):
    """HIGH (the same finding through audit's Hub dump and a CycloneDX license url)."""
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "acme/m", "front_matter": {
        "license": "mit", "license_link": "https://creativecommons.org/licenses/by-nd-nc/1.0/"}}) + "\n",
        encoding="utf-8")
    audit = can_i("audit", dump, "--json").json()
    assert audit["statuses"] == {"unknown": 1}, audit["statuses"]
    component = {"type": "machine-learning-model", "group": "acme", "name": "m",
                 "licenses": [{"license": {"id": "MIT", "url": "https://creativecommons.org/licenses/nc/1.0/"}}]}
    bom = tmp_path / "m.cdx.json"
    bom.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                               "metadata": {"component": component}, "components": []}), encoding="utf-8")
    doc = can_i("use", bom, "--commercial", "--json", "--no-remedies").json()
    assert doc["status"] == "unknown", doc["status"]


# --- HIGH, fixed in session 12 (compile.py c_every): a research-only grant met by one purpose of several

@pytest.mark.parametrize("license_id", ["qwen-research", "tongyi-qianwen-research", "mnpl"])
def test_a_research_only_grant_is_not_met_by_research_beside_a_production_purpose(can_i, license_id):
    """HIGH (was a strict xfail). qwen-research and tongyi-qianwen-research grant only "for research or evaluation
    purposes only" (§1.i), MNPL only "testing, research, Personal, or evaluation purposes" (3.2);
    `--purpose customer-support` alone is NO, but `--purpose evaluation --purpose customer-support`
    (session 12 added evaluation to the Qwen research grants) is YES: the customer-support use is
    still made, and it is neither research nor evaluation."""
    alone = can_i("use", license_id, "--non-commercial", "--entity", "individual", "--purpose", "customer-support",
                  "--json", "--no-remedies").json()
    assert alone["status"] == "forbidden", alone["status"]
    both = can_i("use", license_id, "--non-commercial", "--entity", "individual", "--purpose", "evaluation",
                 "--purpose", "customer-support", "--json", "--no-remedies").json()
    assert both["status"] != "permitted", both["status"]


# --- HIGH: a misspelt license_link was skipped ------------------------------------------------------

@pytest.mark.parametrize("key", ["license-link", "License_Link", "license_links", "licence_link", "licenseLink",
                                 "ｌｉｃｅｎｓｅ_link"])
def test_a_near_miss_of_license_link_is_refused(can_i, tmp_path, key):
    """HIGH. Session 12 made a card's `license_link` bind the registry license it spells, but a
    near miss of the key was skipped like any unknown key: `license: mit` with `License_Link:`
    the CC BY-NC 4.0 deed was YES for commercial use, and nothing said the link went unread."""
    path = card(tmp_path, "m", f"license: mit\n{key}: https://creativecommons.org/licenses/by-nc/4.0/")
    run = can_i("use", path, "--commercial", "--no-remedies")
    assert run.code == 2 and "license_link" in run.line(), run.out


# --- HIGH: an SPDX seeAlso or a card link not written as a plain absolute address ---------------------

def _spdx_see_also(tmp_path, see_also) -> Path:
    graph = [{"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2026-12-02T00:00:00Z"},
             {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:m"]},
             {"type": "ai_AIPackage", "spdxId": "urn:m", "creationInfo": "_:ci", "name": "m"},
             {"type": "expandedlicensing_CustomLicense", "spdxId": "urn:lic", "creationInfo": "_:ci", "name": "MIT",
              "simplelicensing_licenseText": "…", "expandedlicensing_seeAlso": see_also},
             {"type": "Relationship", "spdxId": "urn:r", "creationInfo": "_:ci",
              "relationshipType": "hasDeclaredLicense", "from": "urn:m", "to": ["urn:lic"]}]
    path = tmp_path / "m.spdx.json"
    path.write_text(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}),
                    encoding="utf-8")
    return path


LLAMA3_TEXT = "https://github.com/meta-llama/llama3/blob/main/LICENSE"


@pytest.mark.parametrize("see_also", [{"@value": LLAMA3_TEXT}, [{"@value": LLAMA3_TEXT}], "llama.com/llama3/license",
                                      ["llama.com/llama3/license/"]])
def test_an_spdx_see_also_written_otherwise_binds(can_i, tmp_path, see_also):
    """HIGH. A JSON-LD value object (`{"@value": "https://…"}`) or an address without its scheme
    in `expandedlicensing_seeAlso` was dropped without a word: a custom MIT whose seeAlso is the
    Llama 3 text was YES for military use, as it was before session 12 read seeAlso at all."""
    doc = can_i("use", _spdx_see_also(tmp_path, see_also), "--purpose", "military", "--json", "--no-remedies").json()
    assert doc["status"] == "forbidden" and "llama3" in {r["license"] for r in doc["reasons"]}, doc


def test_an_spdx_see_also_that_is_no_address_is_noted(can_i, tmp_path):
    """MEDIUM. A seeAlso that is no address (a number, a mapping) was skipped without a word."""
    doc = can_i("use", _spdx_see_also(tmp_path, 5), "--json", "--no-remedies").json()
    assert any(n["code"] == "card_license_link_unread" for n in doc["notes"]), doc["notes"]


def test_a_card_link_without_its_scheme_binds(can_i, tmp_path):
    """HIGH. `license_link: llama.com/llama3/license` (no `https://`) was read as a file beside
    the card: neither bound nor noted, and `license: mit` was YES for military use."""
    doc = can_i("use", card(tmp_path, "m", "license: mit\nlicense_link: llama.com/llama3/license"),
                "--purpose", "military", "--json", "--no-remedies").json()
    assert doc["status"] == "forbidden" and "llama3" in {r["license"] for r in doc["reasons"]}, doc
