"""What the session-3 review (h/review2) tried against the three speed changes merged into main
(size: fields given only at context artifacts of big questions, compact keys, shared decoded
leaves; pyside: explain's words shared per loaded license; remedy: the search asks one-change
remedies of one-artifact questions in its own grounding). The pinned digests were computed by
/work/baseline (42b2763, before the session) in a separate process; NOTES-review2.md has counts."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import review3_remedy_requests  # noqa: E402
from sizes import sized  # noqa: E402 - the default run's sample, the full one under -m slow
import review3_requests  # noqa: E402

from reasoner.api import Reasoner  # noqa: E402
from reasoner.kb import KnowledgeBase  # noqa: E402
from reasoner.remedies import apply_changes, normalized_document  # noqa: E402
from reasoner.resources import facts_dir  # noqa: E402


def _digest(result) -> str:
    return hashlib.sha256(json.dumps(result.to_json(), sort_keys=True).encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def engine():
    return Reasoner()


# --- size: big lineages (1,000-1,100 artifacts) answered as before ---------------------------------

# /work/baseline's answers to review3_requests.documents(4, 21, 1000, 1100): varied licenses
# (unknown ones too), families, names, modalities, publishers, several own models, merges,
# trained_on and distilled edges, grants, random subjects.
# The four digests moved in outputs2 (session 6): each lineage names catalog datasets that the
# catalog's `generated_by` now says are a model's outputs (camel-ai, UltraFeedback, OpenThoughts,
# airoboros, OpenOrca), which adds a `catalog_generated_by` note each (none in the subject's own
# lineage); statuses and every other field are as before (compared with a98f079..e008829).
# The second moved in session 13: MRL §4.2 now forbids relicensing (its research-only terms travel
# with a student), so nine students of MRL models labelled otherwise gain a `relabelled` risk; and
# in review 30 ultrachat_200k and ultrafeedback_binarized are read as gpt outputs too (three more
# `catalog_generated_by` notes). Nothing else in the answer changed.
# The second moved again in session 17: the generator draws licenses from the bundled ones, which
# gained c4ai-aup, so that lineage is another document; its status is as before (unknown).
# All four moved in session 18, statuses as before: the naming duties and Llama §2 read other
# conditions (review 36-38: a model made and made available; service users), so their explanation
# words changed, and the generated lineages draw licenses and examples that changed that day.
BIG = [("forbidden", "2dc07902ba3f1410"), ("unknown", "2754d60b8ccfb921"), ("depends", "9140a2944363a00e"),
       ("permitted", "4e6becbc0967793c")]


def test_big_varied_lineages_answer_as_the_baseline():
    asking = Reasoner(cache_size=0)
    got = []
    for doc in review3_requests.documents(4, 21, 1000, 1100):
        result = asking.ask(doc)
        got.append((result.status, _digest(result)))
    assert got == BIG


def _llama_chain(n: int) -> dict:
    """Llama 3 models m0..m(n-1), the user's own `acme-bot` at the end; the one model named with
    Llama's prefix (and stating its modalities) sits halfway, where no context acts: its name
    must not make the user's model look renamed."""
    artifacts = [{"id": "m0", "license": "llama3", "family": "llama"}]
    artifacts += [{"id": f"m{i}", "license": "llama3", "derived_from": [{"id": f"m{i - 1}", "relation": "finetune"}]}
                  for i in range(1, n)]
    artifacts[n // 2].update(name="Llama-3-support-bot", modalities=["text"])
    artifacts.append({"id": "me", "mine": True, "name": "acme-bot",
                      "derived_from": [{"id": f"m{n - 1}", "relation": "finetune"}]})
    return {"artifacts": artifacts, "subject": "me", "use": {"acts": ["distribute"], "release_mau": 1000}}


# Moved in session 18 with the naming sentence's new condition words (still NO by it, as before).
@pytest.mark.parametrize("n, digest", [(999, "a80a4ee351faabf9"), (1000, "4fc266722086f4a7"),
                                       (1500, "95e0c94e934c967d")])
def test_a_name_far_from_every_context_stays_unread(n, digest):
    result = Reasoner(cache_size=0).ask(_llama_chain(n))
    assert (result.status, _digest(result)) == ("forbidden", digest)


# --- pyside: words shared per loaded license, never across knowledge bases or answers ---------------

def test_two_knowledge_bases_with_one_license_id_keep_their_own_words(tmp_path):
    shutil.copytree(facts_dir(), tmp_path / "facts")
    variant = tmp_path / "facts" / "licenses" / "mit.lic"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace('name "MIT License"', 'name "MIT Variant"').replace("osi yes", "osi no"),
                       encoding="utf-8")
    plain, changed = Reasoner(), Reasoner(kb=KnowledgeBase.load([tmp_path / "facts"]))
    doc = {"licenses": ["mit"], "use": {"acts": ["distribute"]}}
    for _ in range(2):   # alternately, each after the other
        first = plain.ask(copy.deepcopy(doc)).to_json()
        second = changed.ask(copy.deepcopy(doc)).to_json()
        assert not any(r["risk"] == "not_osi" for r in first["risks"])
        assert [r["message"] for r in second["risks"] if r["risk"] == "not_osi"]
        assert all("MIT Variant" in r["message"] for r in second["risks"] if r["risk"] == "not_osi")


def test_a_mutated_result_changes_no_later_answer(engine):
    doc = {"licenses": ["llama3"], "use": {"acts": ["distribute"], "commercial": True, "mau": 800_000_000},
           "remedies": True}
    before = engine.ask(copy.deepcopy(doc))
    text = json.dumps(before.to_json(), sort_keys=True)
    shown = before.to_json()
    for item in shown["obligations"] + shown["risks"] + shown["reasons"]:
        for key, value in item.items():
            if isinstance(value, list):
                value.append("junk")
            elif isinstance(value, dict):
                value["junk"] = 1
    for obligation in before.obligations:
        obligation.params["junk"] = 1
        for value in obligation.params.values():
            if isinstance(value, list):
                value.append("junk")
    before.risks.clear()
    assert json.dumps(engine.ask(copy.deepcopy(doc)).to_json(), sort_keys=True) == text
    assert json.dumps(Reasoner(cache_size=0, shapes=0).ask(copy.deepcopy(doc)).to_json(), sort_keys=True) == text


# --- remedy: every remedy offered verifies when applied and asked again ----------------------------

def test_one_artifact_remedies_verify_when_asked_again(engine):
    checking = Reasoner(cache_size=0, shapes=0)
    offered = 0
    for doc in review3_remedy_requests.documents(sized(20, 40), 2):
        try:
            result = engine.ask(dict(copy.deepcopy(doc), remedies=True))
        except Exception:   # an input error of the generated request: nothing offered
            continue
        for remedy in result.remedies or []:
            offered += 1
            changed = apply_changes(normalized_document(doc),
                                    [edit for change in remedy.changes for edit in change.edits])
            assert checking.ask(changed).status == "permitted", (doc, changed)
    assert offered >= sized(5, 10)


# Equal-cost remedies come out in clingo's enumeration order, which depends on the search's
# grounding: selecting only the rules the facts can fire (remedy, session 3) changed which of
# several equally cheap remedies come first or are shown at all. Every remedy still verifies;
# only the choice among ties differs from /work/baseline (4 of 1,500 generated one-artifact
# requests; none of the bundled examples). A fix needs a tie-break of its own (by the changes'
# edits, say), which would differ from the baseline's order too: left to the remedy owner.
TIES = [
    ({"licenses": ["kimi-k3"], "use": {"employees": 25143, "territory": ["DE", "EU"], "acts": ["distribute"],
                                       "mau": 700000000, "release_mau": 800000000, "outbound_license": "apache-2.0",
                                       "entity": "government"}},
     [["the answer is YES if hosting is internal: state it if it holds"],
      ["the answer is YES if maas_business is false: state it if it holds"],
      ["the answer is YES if commercial is false: state it if it holds"]]),
    ({"licenses": ["llama3.2"], "use": {"acts": ["host"], "commercial": False, "mau": 0, "outbound_license": "gpl-3.0",
                                        "territory": ["IR", "RU", "BR"]}},
     [["do not relicense: distribute under the inherited terms instead of gpl-3.0 alone",
       "the answer is YES if role is product-recipient: state it if it holds",
       "the answer is YES if modalities is text: state it if it holds"],
      ["give recipients llama3.2 instead of gpl-3.0",
       "the answer is YES if role is product-recipient: state it if it holds",
       "the answer is YES if modalities is text: state it if it holds"],
      ["do not relicense: distribute under the inherited terms instead of gpl-3.0 alone",
       "the answer is YES if release_mau is within 0–700,000,000: state it if it holds",
       "the answer is YES if modalities is text: state it if it holds"]]),
]


# The llama3.2 case came back to the baseline's order when outputs2 (session 6) added rules for
# outputs received as data (another grounding, another enumeration order); the kimi-k3 one did not.
_TIE_ORDER = pytest.mark.xfail(strict=True, reason="equal-cost remedies are picked in clingo's enumeration order, "
                               "which the remedy search's rule selection changed: other (verified) ties than "
                               "/work/baseline's")


@pytest.mark.parametrize("doc, remedies", [pytest.param(*TIES[0], marks=_TIE_ORDER), TIES[1]])
def test_equal_cost_remedies_as_the_baseline_chose_them(engine, doc, remedies):
    result = engine.ask(dict(doc, remedies=True))
    assert [[change.message for change in remedy.changes] for remedy in result.remedies] == remedies
