"""A card's `license_link` to a license registry (Creative Commons, SPDX, choosealicense,
opensource.org's older pages) names the license its address spells, even where no encoding lists
that address. Before, `license: mit` beside a link to the CC BY-NC 4.0 deed answered YES for
commercial use, with only a note that the link went unread. A CycloneDX license's `url` is the
same statement as a card's license_link, and was not read at all: `Apache-2.0` at the address of
the Llama 3 text was YES for military use."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reasoner.addresses import registry_license

pytestmark = pytest.mark.usefixtures("bundled_kb")

sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402

NC_DEED = "https://creativecommons.org/licenses/by-nc/4.0/deed.en"


@pytest.mark.parametrize("link", [NC_DEED, "https://creativecommons.org/licenses/by-nc/4.0/",
                                  "http://www.CreativeCommons.org/licenses/by-nc/4.0/legalcode.de?x=1",
                                  "https://spdx.org/licenses/CC-BY-NC-4.0.html",
                                  "https://choosealicense.com/licenses/cc-by-nc-4.0/"])
def test_a_link_to_a_noncommercial_license_binds_beside_a_permissive_label(can_i, tmp_path, link):
    path = card(tmp_path, "m", f"license: mit\nlicense_link: {link}")
    doc = can_i("use", path, "--commercial", "--json", "--no-remedies").json()
    assert doc["status"] == "forbidden", doc["status"]
    assert {r["license"] for r in doc["reasons"]} == {"cc-by-nc-4.0"}
    assert not any(n["code"] == "card_license_link_unread" for n in doc.get("notes", []))


def test_a_link_among_several_binds_too(can_i, tmp_path):
    path = card(tmp_path, "m", f"license: apache-2.0\nlicense_link:\n- https://www.apache.org/licenses/LICENSE-2.0\n"
                               f"- {NC_DEED}")
    assert can_i("host", path, "--commercial", "--json", "--no-remedies").json()["status"] == "forbidden"


def test_a_link_to_a_license_can_i_does_not_encode_makes_the_answer_unknown(can_i, tmp_path):
    path = card(tmp_path, "m", "license: mit\nlicense_link: https://creativecommons.org/licenses/by-nc-sa/4.0/")
    doc = can_i("use", path, "--json", "--no-remedies").json()
    assert doc["status"] == "unknown"
    assert [r["license"] for r in doc["reasons"]] == ["cc-by-nc-sa-4.0"]


@pytest.mark.parametrize("label, link", [
    ("cc-by-nc-4.0", NC_DEED),
    ("mit", "https://spdx.org/licenses/MIT.html"),
    ("MIT", "https://opensource.org/licenses/mit"),
    ("apache-2.0", "https://choosealicense.com/licenses/apache-2.0/"),
])
def test_a_link_to_the_labels_own_license_changes_nothing(can_i, tmp_path, label, link):
    plain = can_i("use", card(tmp_path / "a", "m", f"license: {label}"), "--commercial", "--json").json()
    linked = can_i("use", card(tmp_path / "b", "m", f"license: {label}\nlicense_link: {link}"),
                   "--commercial", "--json").json()
    assert linked["status"] == plain["status"]
    assert linked["reasons"] == plain["reasons"] and linked["obligations"] == plain["obligations"]
    assert not any(n["code"] == "card_license_link_unread" for n in linked.get("notes", []))


def test_an_audit_of_a_card_folder_reads_the_link_the_same_way(can_i, tmp_path):
    card(tmp_path, "m", f"license: mit\nlicense_link: {NC_DEED}")
    (result,) = can_i("audit", str(tmp_path), "--json").json()["results"]
    assert result["declared"] == "(mit) AND (cc-by-nc-4.0)" and result["status"] != "permitted", result


@pytest.mark.parametrize("address, spelt", [
    ("https://creativecommons.org/licenses/by/3.0/de/", "cc-by-3.0-de"),   # a ported version is its own
    ("https://creativecommons.org/licenses/by-nd/4.0/legalcode", "cc-by-nd-4.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/deed.fr", "cc0-1.0"),
    ("https://opensource.org/licenses/BSD-3-Clause", "bsd-3-clause"),
    ("https://creativecommons.org/licenses/", None),
    ("https://creativecommons.org/licenses/by-nc/4.0x", None),
    ("https://example.org/licenses/by-nc/4.0/", None),
    ("LICENSE", None),
])
def test_registry_addresses_spell_their_license(address, spelt):
    assert registry_license(address) == spelt


# --- a CycloneDX license's `url` is the same statement as a card's license_link ------------------

def _cyclonedx(tmp_path, license_entry: dict):
    import json

    component = {"type": "machine-learning-model", "group": "acme", "name": "m",
                 "licenses": [{"license": license_entry}]}
    path = tmp_path / "m.cdx.json"
    path.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                                "metadata": {"component": component}, "components": []}), encoding="utf-8")
    return path


@pytest.mark.parametrize("entry, words", [
    # HIGH, was YES: the label over the address of the Llama 3 text, military use
    ({"id": "Apache-2.0", "url": "https://github.com/meta-llama/llama3/blob/main/LICENSE"}, "llama3"),
    ({"name": "Apache 2.0", "url": "https://raw.githubusercontent.com/meta-llama/llama3/main/LICENSE"}, "llama3"),
    ({"id": "MIT", "url": NC_DEED}, "cc-by-nc-4.0"),
])
def test_a_cyclonedx_license_url_binds_the_text_it_names(can_i, tmp_path, entry, words):
    doc = can_i("use", _cyclonedx(tmp_path, entry), "--purpose", "military", "--commercial", "--json",
                "--no-remedies").json()
    assert doc["status"] == "forbidden" and words in {r["license"] for r in doc["reasons"]}, doc["reasons"]


def test_a_cyclonedx_license_url_of_its_own_text_changes_nothing_and_another_is_noted(can_i, tmp_path):
    own = can_i("use", _cyclonedx(tmp_path, {"id": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}),
                "--commercial", "--json", "--no-remedies").json()
    assert own["status"] == "permitted" and own["notes"] == [], own["notes"]
    other = can_i("use", _cyclonedx(tmp_path, {"id": "Apache-2.0", "url": "https://example.com/LICENSE"}),
                  "--commercial", "--json", "--no-remedies").json()
    (note,) = [n for n in other["notes"] if n["code"] == "card_license_link_unread"]
    assert "m.cdx.json: metadata.component" in note["message"] and "example.com" in note["message"], note


@pytest.mark.parametrize("kind, name", [("expandedlicensing_CustomLicense", "MIT"),
                                        ("expandedlicensing_ListedLicense", "MIT (not from the list)")])
def test_an_spdx_license_see_also_binds_the_text_it_names(can_i, tmp_path, kind, name):
    """The SPDX 3 form of the same statement: a license element's `expandedlicensing_seeAlso`."""
    import json

    graph = [{"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2026-12-02T00:00:00Z"},
             {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:m"]},
             {"type": "ai_AIPackage", "spdxId": "urn:m", "creationInfo": "_:ci", "name": "m"},
             {"type": kind, "spdxId": "urn:lic",
              "creationInfo": "_:ci", "name": name, "simplelicensing_licenseText": "…",
              "expandedlicensing_seeAlso": ["https://github.com/meta-llama/llama3/blob/main/LICENSE"]},
             {"type": "Relationship", "spdxId": "urn:r", "creationInfo": "_:ci", "relationshipType": "hasDeclaredLicense",
              "from": "urn:m", "to": ["urn:lic"]}]
    path = tmp_path / "m.spdx.json"
    path.write_text(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}),
                    encoding="utf-8")
    doc = can_i("use", path, "--purpose", "military", "--json", "--no-remedies").json()
    assert doc["status"] == "forbidden" and "llama3" in {r["license"] for r in doc["reasons"]}, doc


def test_the_see_also_of_a_license_from_spdxs_list_is_the_lists_not_the_documents(can_i, tmp_path):
    """GPL-2.0-or-later as SPDX's list gives it carries the list's seeAlso, among them
    opensource.org/licenses/GPL-2.0: read as the document's statement it bound gpl-2.0 beside
    the -or-later id (review 27's suspicion). A list license's seeAlso is not read."""
    import json

    iri = "https://spdx.org/licenses/GPL-2.0-or-later"
    graph = [{"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2026-12-02T00:00:00Z"},
             {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:m"]},
             {"type": "ai_AIPackage", "spdxId": "urn:m", "creationInfo": "_:ci", "name": "m"},
             {"type": "expandedlicensing_ListedLicense", "spdxId": iri, "creationInfo": "_:ci",
              "name": "GNU General Public License v2.0 or later", "simplelicensing_licenseText": "…",
              "expandedlicensing_seeAlso": ["https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html",
                                            "https://opensource.org/licenses/GPL-2.0"]},
             {"type": "Relationship", "spdxId": "urn:r", "creationInfo": "_:ci", "relationshipType": "hasDeclaredLicense",
              "from": "urn:m", "to": [iri]}]
    path = tmp_path / "m.spdx.json"
    path.write_text(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}),
                    encoding="utf-8")
    doc = can_i("use", path, "--json", "--no-remedies").json()
    assert {a["license"] for a in doc["applicable"]} == {"gpl-2.0-or-later"}, doc["applicable"]
