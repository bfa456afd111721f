"""Session 10, edges: (1) a remedy that offered the user's own model under one alternative of its
OR license and then put no license (or another) on it instead: the first change did nothing the
second did not undo, so the remedy was not minimal."""

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

