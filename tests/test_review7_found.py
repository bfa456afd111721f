"""What review7 found trying can-i as a hostile user and embedder (session 5): fixed ones as plain
tests, open ones as strict xfails saying what, where and why it matters."""
from __future__ import annotations

import json

import pytest

from reasoner import Reasoner

R = Reasoner()


def _status(doc) -> str:
    return R.ask(doc).status


# --- 1. the territory of the European Union ---------------------------------------------------------
# Parts of EU member states that ISO 3166-1 gives codes of their own: the outermost regions
# Guadeloupe, French Guiana, Martinique, Réunion, Mayotte and Saint-Martin (TFEU art. 349 and
# 355(1): the Treaties apply there) and the Åland Islands (TFEU 355(4), in the EU with derogations).
# vocabulary.REGIONS held only the 27 member states' codes, so a use in Réunion was outside "the
# territory of the European Union" (Hunyuan §1.l/§5.c: YES) and a company in French Guiana was not
# "domiciled in the EU" (Llama 3.2 vision).

EU_PARTS_WITH_OWN_CODES = ("GP", "GF", "MQ", "RE", "YT", "MF", "AX")


@pytest.mark.parametrize("code", EU_PARTS_WITH_OWN_CODES)
def test_hunyuan_use_in_an_outermost_region_of_the_eu_is_use_outside_its_territory(code):
    doc = {"licenses": ["tencent-hunyuan-community"],
           "use": {"acts": ["use"], "release_mau_own": 1_000_000, "territory": [code]}}
    answer = R.ask(doc)
    assert answer.status == "forbidden"
    assert ("tencent-hunyuan-community", "5.c") in {(r.license, r.clause) for r in answer.reasons}


@pytest.mark.parametrize("code", ("RE", "GF"))
def test_a_company_in_an_outermost_region_is_domiciled_in_the_eu_for_llama_3_2_vision(code):
    doc = {"artifacts": [{"id": "meta-llama/Llama-3.2-11B-Vision-Instruct"}],
           "use": {"acts": ["use"], "domicile": [code], "entity": "company", "role": "licensee"}}
    assert _status(doc) == "forbidden"


@pytest.mark.parametrize("code", ("NC", "PF", "GL", "FO", "AW", "GI"))
def test_overseas_countries_and_territories_outside_the_eu_stay_outside(code):
    """New Caledonia, French Polynesia, Greenland, the Faroes, Aruba and Gibraltar are not EU
    territory (TFEU annex II, 355(5)(a); Gibraltar left with the UK), nor the United Kingdom."""
    doc = {"licenses": ["tencent-hunyuan-community"],
           "use": {"acts": ["use"], "release_mau_own": 1_000_000, "territory": [code]}}
    assert _status(doc) == "permitted"
