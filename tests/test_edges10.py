"""Session 10, edges: (1) a remedy that offered the user's own model under one alternative of its
OR license and then put no license (or another) on it instead: the first change did nothing the
second did not undo, so the remedy was not minimal; (2) the Qwen / Tongyi Qianwen licenses'
`also_at` addresses, and the near-miss addresses that must not bind."""

from __future__ import annotations

import pytest

from reasoner import Reasoner
from reasoner.remedies import apply_changes, normalized_document

R = Reasoner(cache_size=0)
LLAMA = "meta-llama/Meta-Llama-3-8B"


def _own(license: str, *, acts=("distribute",), **use) -> dict:
    """The user's fine-tune of Llama 3 8B under their own `license` (a GPL beside the Llama terms
    is a conflict: no further restrictions against a use-restricted license)."""
    return {"artifacts": [{"id": LLAMA},
                          {"id": "me/m", "mine": True, "license": license,
                           "derived_from": [{"id": LLAMA, "relation": "finetune"}]}],
            "subject": "me/m", "use": {"acts": list(acts), "release_mau": "1M", **use}, "remedies": True}


def _status(document: dict) -> str:
    return R.ask({**document, "remedies": False}).status


def _assert_minimal(request: dict, answer) -> None:
    """Every remedy turns the answer YES, and none without any one of its changes does."""
    document = normalized_document(request)
    for remedy in answer.remedies:
        ops = [op for change in remedy.changes for op in change.edits]
        assert _status(apply_changes(document, ops)) == "permitted", remedy
        for left_out in range(len(remedy.changes)):
            rest = [op for i, change in enumerate(remedy.changes) if i != left_out for op in change.edits]
            assert _status(apply_changes(document, rest)) != "permitted", (
                f"{remedy.changes[left_out].message!r} is not needed in {[c.message for c in remedy.changes]}")


# --- 1. remedies: no alternative taken only to be replaced ---------------------------------------

@pytest.mark.parametrize("license", ["gpl-3.0 OR mit", "mit OR gpl-3.0", "gpl-3.0 OR agpl-3.0",
                                     "gpl-3.0 OR gpl-2.0", "(gpl-3.0 OR mit) AND apache-2.0"])
def test_remedies_of_an_own_or_license_are_minimal(license):
    request = _own(license)
    answer = R.ask(request)
    assert answer.status == "forbidden"
    assert answer.remedies
    _assert_minimal(request, answer)
    for remedy in answer.remedies:
        kinds = [c.kind for c in remedy.changes]
        # an alternative taken, then the same license unset or replaced: the two said one thing twice
        assert not ("choose_alternative" in kinds and {"no_own_license", "own_license"} & set(kinds)), kinds


def test_putting_no_license_on_an_or_licensed_model_is_one_change_naming_the_whole_expression():
    """Both alternatives conflict with the Llama terms: the remedy is to put no license of one's
    own on the model, one change of cost 2, naming what the card says now, not one alternative of it."""
    answer = R.ask(_own("gpl-3.0 OR agpl-3.0"))
    none = [r for r in answer.remedies if [c.kind for c in r.changes] == ["no_own_license"]]
    assert len(none) == 1 and none[0].cost == 2
    change = none[0].changes[0]
    assert change.params["from"] == "gpl-3.0 OR agpl-3.0"
    assert change.message.endswith("instead of gpl-3.0 OR agpl-3.0")
    assert change.edits == (("unset", ("artifact", "me/m", "license")),)
    # the same remedy is not listed twice (once per alternative it was reached through)
    messages = [tuple(c.message for c in r.changes) for r in answer.remedies]
    assert len(messages) == len(set(messages))


def test_an_alternative_that_alone_is_the_way_stays():
    """`gpl-3.0 OR mit`: offering the model under MIT alone is the cheapest remedy, and it stays."""
    answer = R.ask(_own("gpl-3.0 OR mit"))
    first = answer.remedies[0]
    assert [c.kind for c in first.changes] == ["choose_alternative"]
    assert first.changes[0].params["choice"] == {"me/m": ["mit"]}


def test_a_choice_over_another_artifact_is_kept():
    """Two models of the user's own under OR licenses, one made from the other: taking `me/a` under
    MIT and putting no license on `me/m` are two edits of two artifacts; only `me/m`'s part of the
    choice is replaced, and the remedy stays minimal."""
    request = {"artifacts": [{"id": LLAMA},
                             {"id": "me/a", "mine": True, "license": "gpl-3.0 OR mit",
                              "derived_from": [{"id": LLAMA, "relation": "finetune"}]},
                             {"id": "me/m", "mine": True, "license": "gpl-3.0 OR agpl-3.0",
                              "derived_from": [{"id": "me/a", "relation": "finetune"}]}],
               "subject": "me/m", "use": {"acts": ["distribute"], "release_mau": "1M"}, "remedies": True}
    answer = R.ask(request)
    assert answer.status == "forbidden" and answer.remedies
    _assert_minimal(request, answer)
    for remedy in answer.remedies:
        unset = {c.params["artifact"] for c in remedy.changes if c.kind in ("no_own_license", "own_license")}
        for change in remedy.changes:
            if change.kind == "choose_alternative":
                assert not unset & set(change.params["choice"]), remedy


def test_a_forbidden_purpose_stays_no_through_these_remedies():
    """Llama 3's policy forbids military use: every remedy of an OR-licensed Llama fine-tune drops
    that purpose or leaves Llama, and putting no license of one's own on the model (the change the
    fix shortens) does not make it YES alone."""
    request = _own("gpl-3.0 OR agpl-3.0", purposes=["military"])
    answer = R.ask(request)
    assert answer.status == "forbidden" and answer.remedies
    for remedy in answer.remedies:
        assert any(c.kind in ("drop_purpose", "replace_parent") for c in remedy.changes), remedy
    _assert_minimal(request, answer)
    document = normalized_document(request)
    assert _status(apply_changes(document, [("unset", ("artifact", "me/m", "license"))])) == "forbidden"


# --- 2. the Qwen / Tongyi Qianwen licenses' addresses ---------------------------------------------

from reasoner.kb import KnowledgeBase  # noqa: E402
from reasoner.resources import facts_dir  # noqa: E402
from reasoner.subjects import Context, _license_at, build_request  # noqa: E402

QWEN_HUB = "https://huggingface.co/Qwen"
QWEN_GITHUB = "https://github.com/QwenLM"
# Each Qwen license's addresses: its `url`, then its `also_at`.
QWEN_ADDRESSES = {
    "tongyi-qianwen": [f"{QWEN_GITHUB}/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
                       f"{QWEN_HUB}/Qwen-7B/blob/main/LICENSE"],
    "tongyi-qianwen-research": [f"{QWEN_GITHUB}/Qwen/blob/main/Tongyi%20Qianwen%20RESEARCH%20LICENSE%20AGREEMENT"],
    "qwen": [f"{QWEN_HUB}/Qwen2.5-72B-Instruct/blob/main/LICENSE"],
    "qwen-research": [f"{QWEN_HUB}/Qwen2.5-3B-Instruct/blob/main/LICENSE"],
}
# A question each license answers NO, where apache-2.0 alone is YES.
FORBIDDEN = {
    "tongyi-qianwen": ("distill", Context(into="llama", commercial=True, mau="1M")),       # §5.b
    "tongyi-qianwen-research": ("use", Context(commercial=True)),                          # non-commercial only
    "qwen": ("host", Context(commercial=True, mau="200M")),                                # §4: over 100M users
    "qwen-research": ("use", Context(commercial=True)),                                    # non-commercial only
}
# Addresses Qwen cards and READMEs link that are not these texts: home pages that host code,
# other models and other terms; QwenLM/Qwen's LICENSE (Apache-2.0, its code's); Qwen-VL's text
# (other date, names Qwen-VL); Qwen-Image-2.1's 2026 research license; another ref of the file.
NEAR_MISSES = [
    f"{QWEN_GITHUB}/Qwen",
    f"{QWEN_GITHUB}/Qwen/blob/main/LICENSE",
    f"{QWEN_GITHUB}/Qwen/blob/main/README.md",
    f"{QWEN_GITHUB}/Qwen-VL/blob/master/LICENSE",
    f"{QWEN_GITHUB}/Qwen/blob/v1.0/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
    QWEN_HUB,
    f"{QWEN_HUB}/Qwen-Image-2.1/blob/main/LICENSE",
    "https://qwenlm.github.io/",
    "https://github.com/acme/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
]
LICENSES_ONLY = Reasoner(kb=KnowledgeBase.load([facts_dir() / "licenses"]), cache_size=0)


def _linking(tmp_path, link: str, license: str = "apache-2.0"):
    folder = tmp_path / "linking-card"
    folder.mkdir(exist_ok=True)
    (folder / "README.md").write_text(f"---\nlicense: {license}\nlicense_link: {link}\n---\n# m\n", encoding="utf-8")
    return str(folder / "README.md")


def _asked(reasoner, tmp_path, link, lid, license="apache-2.0"):
    act, context = FORBIDDEN[lid]
    return reasoner.ask(build_request(reasoner.kb, _linking(tmp_path, link, license), act, context))


def test_the_qwen_licenses_list_their_addresses():
    addresses = R.kb.licenses.addresses()
    for lid, listed in QWEN_ADDRESSES.items():
        assert list(addresses[lid]) == listed, lid


@pytest.mark.parametrize("reasoner", [R, LICENSES_ONLY], ids=["bundled", "licenses-only"])
@pytest.mark.parametrize("lid,link", [(lid, link) for lid, links in QWEN_ADDRESSES.items() for link in links])
def test_a_card_linking_a_qwen_address_binds_that_license(tmp_path, reasoner, lid, link):
    """A card labelled apache-2.0 that links the text is under it too: NO, citing that license.
    With the catalog, a Hub LICENSE of a catalog model binds through the catalog as well; with
    the license files alone, only the address the license states does."""
    assert _license_at(reasoner.kb, link) == lid
    answer = _asked(reasoner, tmp_path, link, lid)
    assert answer.status == "forbidden", (link, answer.status)
    assert any(r.license == lid for r in answer.reasons), answer.reasons


@pytest.mark.parametrize("reasoner", [R, LICENSES_ONLY], ids=["bundled", "licenses-only"])
@pytest.mark.parametrize("link", NEAR_MISSES)
def test_a_near_miss_qwen_address_binds_nothing(tmp_path, reasoner, link):
    """The label decides: apache-2.0 is YES to each question a Qwen license answers NO."""
    assert _license_at(reasoner.kb, link) is None
    for lid in FORBIDDEN:
        answer = _asked(reasoner, tmp_path, link, lid)
        assert answer.status == "permitted", (link, lid, answer.status)


@pytest.mark.parametrize("reasoner", [R, LICENSES_ONLY], ids=["bundled", "licenses-only"])
def test_a_catalog_models_repo_page_binds_its_license_through_the_catalog(tmp_path, reasoner):
    """The Qwen-7B repo page (a 'near miss' until review 30) says "its terms" as its LICENSE file
    does: with the catalog it binds tongyi-qianwen; with the license files alone it is no
    license's address and the label decides."""
    answer = _asked(reasoner, tmp_path, f"{QWEN_HUB}/Qwen-7B", "tongyi-qianwen")
    expected = "forbidden" if reasoner is R else "permitted"
    assert answer.status == expected, answer.status


@pytest.mark.parametrize("link", NEAR_MISSES + [a for links in QWEN_ADDRESSES.values() for a in links])
def test_a_card_labelled_tongyi_qianwen_stays_no_whatever_it_links(tmp_path, link):
    """No link, bound or not, takes the label's terms away: distilling into another family stays NO."""
    answer = _asked(R, tmp_path, link, "tongyi-qianwen", license="other\nlicense_name: tongyi-qianwen")
    assert answer.status == "forbidden", (link, answer.status)
    assert any(r.license == "tongyi-qianwen" and r.clause == "5.b" for r in answer.reasons), answer.reasons
