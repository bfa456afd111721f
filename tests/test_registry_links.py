"""A card's `license_link` to a license registry (Creative Commons, SPDX, choosealicense,
opensource.org's older pages) names the license its address spells, even where no encoding lists
that address. Before, `license: mit` beside a link to the CC BY-NC 4.0 deed answered YES for
commercial use, with only a note that the link went unread."""

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
