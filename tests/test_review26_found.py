"""Review 26: license encodings against their primary texts. HIGH = a wrong YES, MEDIUM = another
wrong answer, LOW = the rest."""

from __future__ import annotations

import pytest

from conftest import json_answer

pytestmark = pytest.mark.usefixtures("bundled_kb")


def _clauses(doc: dict) -> set[tuple[str, str]]:
    return {(r["license"], r["clause"]) for r in doc["reasons"]}


# --- HIGH: Kimi K3 §4.a's internal-use exemption reached distribution of the weights ------------

@pytest.mark.parametrize("argv", [
    ("distribute", "kimi-k3"),
    ("finetune", "kimi-k3", "--and", "distribute"),
])
def test_kimi_k3_weights_handed_to_others_are_not_internal_use(can_i, argv):
    """HIGH. Kimi K3 §4.a exempts from §2 only "internal use of the Software, defined as any use
    that does not make the Software ... available to third parties". §2: a licensee with a Model as
    a Service business and over $20M revenue in 12 months "must enter into a separate agreement"
    before any commercial use. Input: `distribute kimi-k3 --commercial --maas-business
    --revenue-12m 1B --hosting internal` (its own deployment is internal); the answer was YES:
    handing the weights (or a fine-tune) to others was excepted as internal use."""
    doc = json_answer(can_i, *argv, "--commercial", "--maas-business", "--revenue-12m", "1B",
                      "--hosting", "internal", "--no-remedies")
    assert doc["status"] == "forbidden" and ("kimi-k3", "2") in _clauses(doc), doc["reasons"]


def test_kimi_k3_internal_use_stays_exempt(can_i):
    """The same large MaaS company running Kimi K3 for its own staff only, for research, is still
    exempt (§4.a); with no purpose stated where the outputs go is open (review 38)."""
    doc = json_answer(can_i, "use", "kimi-k3", "--commercial", "--maas-business", "--revenue-12m", "1B",
                      "--hosting", "internal", "--purpose", "research")
    assert doc["status"] == "permitted", doc["reasons"]


# --- HIGH: the glm-4 naming sentence did not reach a model trained on material under it ---------

def test_glm_4_naming_reaches_a_model_trained_on_material_under_it(can_i):
    """HIGH. glm-4-9b §2: whoever uses the glm-4 materials "to create, train, fine-tune or otherwise
    improve" (创建、训练、微调) an AI model that is distributed must "add \\"glm-4\\" to the
    beginning of any such AI model name" (Llama 3.1's same sentence follows `trained_on` since
    review 19). Input: `train glm-4-9b --into qwen --and distribute --name Qwen-Student`; the answer
    was YES (the clause followed only `distilled`)."""
    doc = json_answer(can_i, "train", "glm-4-9b", "--into", "qwen", "--and", "distribute",
                      "--name", "Qwen-Student", "--no-remedies")
    assert doc["status"] == "forbidden" and ("glm-4-9b", "2, naming") in _clauses(doc), doc["reasons"]


# --- MEDIUM: "Built with Qwen" did not reach a model trained on material under the license -------

@pytest.mark.parametrize("lic, clause, extra", [
    ("qwen", "5.b", ("--mau", "1M")),
    ("qwen-research", "4.b", ("--non-commercial", "--purpose", "research")),
])
def test_built_with_qwen_reaches_a_model_trained_on_material_under_it(can_i, lic, clause, extra):
    """MEDIUM (a duty missing from a YES). Qwen §5.b (Qwen Research §4.b): "If you use the
    Materials or any outputs or results therefrom to create, train, fine-tune, or improve an AI
    model that is distributed or made available", display "Built with Qwen". Input: `train qwen
    --into llama --and distribute --mau 1M`; the answer was YES with no display duty (the clause
    followed only `distilled`)."""
    doc = json_answer(can_i, "train", lic, "--into", "llama", "--and", "distribute", *extra)
    duties = {(o["license"], o["clause"], o["duty"]) for o in doc["obligations"]}
    assert (lic, clause, "display") in duties, doc["obligations"]


# --- HIGH: MNPL "Personal" use claimed by a company ---------------------------------------------

def test_mnpl_personal_use_is_not_a_companys(can_i):
    """HIGH. MNPL §3.2 allows only "testing, research, Personal, or evaluation purposes"; §9
    "Personal" is use "not directly or indirectly connected to any commercial activities, business
    operations" and excludes use "performed on behalf of a commercial entity". Input: `use mnpl
    --non-commercial --purpose personal --entity company`; the answer was YES."""
    doc = json_answer(can_i, "use", "mnpl", "--non-commercial", "--purpose", "personal", "--entity", "company",
                      "--no-remedies")
    assert doc["status"] == "forbidden" and ("mnpl", "9, Personal") in _clauses(doc), doc["reasons"]


def test_mnpl_personal_use_with_the_user_unstated_depends(can_i):
    """The same question with who uses it unstated depends on it; an individual's personal use and a
    company's evaluation stay YES."""
    doc = json_answer(can_i, "use", "mnpl", "--non-commercial", "--purpose", "personal", "--no-remedies")
    assert doc["status"] == "depends" and any(d["fact"] == "entity" for d in doc["depends_on"]), doc
    for who, purpose in (("individual", "personal"), ("company", "evaluation")):
        doc = json_answer(can_i, "use", "mnpl", "--non-commercial", "--purpose", purpose, "--entity", who)
        assert doc["status"] == "permitted", (who, purpose, doc["reasons"])


# --- MEDIUM: an evaluation was outside the Qwen research grants ---------------------------------

@pytest.mark.parametrize("lic", ["qwen-research", "tongyi-qianwen-research"])
def test_qwen_research_grants_cover_evaluation(can_i, lic):
    """MEDIUM (a wrong NO). Both research agreements grant "FOR NON-COMMERCIAL PURPOSES ONLY", and
    §1.i defines "Non-Commercial" as "for research or evaluation purposes only"; the encodings
    granted only `research` (written when `evaluation` had no tag). Input: `use qwen-research
    --non-commercial --purpose evaluation`; the answer was NO (§2.a not granted)."""
    doc = json_answer(can_i, "use", lic, "--non-commercial", "--purpose", "evaluation")
    assert doc["status"] == "permitted", doc["reasons"]


# --- HIGH: the Falcon AUPs' "harm ... living beings in any way" let a self-harm purpose through ---

@pytest.mark.parametrize("subject", ["falcon-llm-license", "falcon2-11b-tii-license-1.0", "tiiuae/Falcon3-10B-Instruct"])
def test_falcon_aup_bars_self_harm(can_i, subject):
    """HIGH. The Falcon 2 11B and Falcon 3 Acceptable Use Policies (item 2): not "to exploit or harm
    minors and/or living beings in any way"; a person is a living being. The encodings read item 2
    as child-exploitation and violence only. Input: `host falcon-llm-license --purpose
    self-harm`; the answer was YES."""
    doc = json_answer(can_i, "host", subject, "--purpose", "self-harm", "--no-remedies")
    assert doc["status"] == "forbidden" and any(c == "AUP 2" for _, c in _clauses(doc)), doc["reasons"]


# --- HIGH, fixed in session 12: a crime stated as a purpose passed a license barring unlawful use --

@pytest.mark.parametrize("lic, purpose", [("qwen", "child-exploitation"), ("kimi-k3", "human-trafficking"),
                                         ("glm-4-9b", "illegal-drugs"), ("yi-community-2.1", "fraud")])
def test_a_crime_stated_as_the_purpose_is_unlawful_use(can_i, lic, purpose):
    """HIGH (was a strict xfail; vocabulary.IMPLIED_PURPOSES, rules.lp value_implies). Qwen §5.a: "You shall comply with applicable laws and regulations in your use of the
    Materials"; Kimi K3 §1: use "must comply with applicable laws and regulations". Input: `use
    qwen --purpose child-exploitation --mau 1M`; the answer is YES (only `illegal-activity` is on
    the restricted list)."""
    doc = json_answer(can_i, "use", lic, "--purpose", purpose, "--mau", "1M", "--no-maas-business",
                      "--no-remedies")
    assert doc["status"] == "forbidden", doc["reasons"]
    # The answer quotes the purpose stated, and what makes it unlawful use.
    assert any(f"`{purpose}` (an `illegal-activity`)" in r["message"] for r in doc["reasons"]), doc["reasons"]


def test_a_purpose_that_may_be_lawful_implies_nothing(can_i):
    """Only tags whose every instance is a crime imply `illegal-activity`: `military` under a
    license that bars only unlawful use is judged as stated (YES), not guessed at."""
    doc = json_answer(can_i, "use", "qwen", "--purpose", "military", "--mau", "1M", "--no-remedies")
    assert doc["status"] == "permitted", doc["reasons"]


# --- MEDIUM: MRL's research-only student may not be relabelled --------------------------------

def test_mrl_research_only_student_cannot_be_relabelled_apache(can_i):
    """MEDIUM (was a strict xfail; rules.lp outbound_bound now reads partial reach). MRL §4.2:
    "Any Outputs shall be subject to the restrictions set out in Section 3"; the encoding's own reading (4.2 note, `follows distilled`) keeps a student trained on them
    research-only wherever it goes. Input: `distill mrl --non-commercial --purpose research --entity
    academic --into llama --and distribute --as apache-2.0`; the answer is YES, telling recipients
    the research-only student is theirs under Apache-2.0 alone."""
    doc = json_answer(can_i, "distill", "mrl", "--non-commercial", "--purpose", "research", "--entity", "academic",
                      "--into", "llama", "--and", "distribute", "--as", "apache-2.0", "--no-remedies")
    assert doc["status"] == "forbidden", doc["reasons"]
