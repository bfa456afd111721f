"""Outputs received as data (gaps, session 5): a license's restrictions on using its model's
outputs to improve other models judge a user's model trained on a dataset that holds those
outputs the way they judge a model distilled straight from the model, and answer DEPENDS where
the text leaves open whether a mere recipient of the outputs is bound (reasoner/rules.lp
"Outputs received as data"; the `generated_outputs` request fact, schema.py).

Each answer changed on purpose is named in NOTES-gaps.md; the permissive and follow-the-terms
cases are compared with the code before the change (/work/baseline) where it is present.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner

R = Reasoner(cache_size=0)
LLAMA3 = "meta-llama/Meta-Llama-3-8B"
BASELINE = Path("/work/baseline")
BASELINE_PYTHON = Path("/work/main/.venv/bin/python")


def student_on(data_parents, *, family=None, use=None, generator=LLAMA3, generator_license=None, chain=()):
    """A request: the user's own student trained on `x/syn`, a dataset of `generator`'s outputs,
    reached through `chain` (each a (relation, dataset id) regrouping the data on the way)."""
    generating = {"id": generator, "relation": "distilled"}
    artifacts = [{"id": "x/syn", "license": "mit", "derived_from": [generating]}]
    if generator_license:
        artifacts.append({"id": generator, "license": generator_license})
    top = "x/syn"
    for relation, dataset in chain:
        artifacts.append({"id": dataset, "license": "cc-by-4.0", "derived_from": [{"id": top, "relation": relation}]})
        top = dataset
    student = {"id": "acme/student", "license": "apache-2.0", "mine": True,
               "derived_from": [{"id": top, "relation": "trained_on"}] + list(data_parents)}
    if family:
        student["family"] = family
    return {"artifacts": [student] + artifacts, "subject": "acme/student", "use": {"acts": ["use"], **(use or {})}}


def deciding_facts(result) -> set[str]:
    return {d["fact"] for d in result.to_json()["depends_on"]}


def cited(result) -> set[tuple[str, str]]:
    return {(r["license"], r["clause"]) for r in result.to_json()["reasons"]}


# --- the review-6 case: your own LLM on someone else's Llama 3 outputs -------------------------------

def test_third_party_llama3_outputs_depend_on_who_generated_them():
    answer = R.ask(student_on([]))
    assert answer.status == "depends"
    # The exception tests the student's lineage (`target.derived`, outputs6), not its family: a
    # student taking no Llama 3 weights is outside it, so only who generated the outputs decides.
    assert "generated_outputs" in deciding_facts(answer) and "target.family" not in deciding_facts(answer)


def test_stated_received_outputs_stay_depends_the_text_leaves_a_recipient_open():
    answer = R.ask(student_on([], family="mistral", use={"generated_outputs": False}))
    assert answer.status == "depends"
    assert deciding_facts(answer) == {"generated_outputs"}
    risks = answer.to_json()["risks"]
    assert any(r.get("clause") == "1.b.v, outputs as data" for r in risks), risks


def test_outputs_you_generated_are_judged_as_your_distillation():
    """Stated generated, the act is the user's distillation of Llama 3: the same answer as a
    student distilled straight from it (1.b.v NO for a Mistral student; §2 on release_mau)."""
    use = {"generated_outputs": True, "release_mau": 1_000_000}
    via_data = R.ask(student_on([], family="mistral", use=use))
    assert via_data.status == "forbidden" and ("llama3", "1.b.v") in cited(via_data)
    direct = {"artifacts": [{"id": "acme/student", "license": "apache-2.0", "mine": True, "family": "mistral",
                             "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}],
              "subject": "acme/student", "use": {"acts": ["use"], "release_mau": 1_000_000}}
    assert cited(R.ask(direct)) == cited(via_data)
    unstated_mau = R.ask(student_on([{"id": LLAMA3, "relation": "finetune"}], use={"generated_outputs": True}))
    assert unstated_mau.status == "depends" and "release_mau" in deciding_facts(unstated_mau)


def test_a_llama_student_is_excluded_from_the_ban():
    """1.b.v: "(excluding Meta Llama 3 or derivative works thereof)": a student that takes Llama 3's
    weights (`target.derived`), whatever family it states (outputs6: the family alone let a Llama 2
    fine-tune through)."""
    assert R.ask(student_on([], family="llama")).status == "depends"
    assert R.ask(student_on([], family="llama", use={"generated_outputs": False})).status == "depends"
    # A fine-tune of Llama 3 of the user's own, trained on Llama 3 outputs too: a derivative work,
    # family stated or not (it DEPENDED on the family before), as the same fine-tune distilled
    # straight from Llama 3.
    for family in ("llama", None):
        ft = student_on([{"id": LLAMA3, "relation": "finetune"}], family=family, use={"release_mau": 1_000_000})
        direct = copy.deepcopy(ft)
        direct["artifacts"][0]["derived_from"] = [{"id": LLAMA3, "relation": "finetune"}, {"id": LLAMA3, "relation": "distilled"}]
        assert R.ask(ft).status == R.ask(direct).status == "permitted"


def test_outputs_of_a_llama3_fine_tune_are_caught_as_well():
    doc = student_on([], family="mistral", generator="acme/llama-ft")
    doc["artifacts"].append({"id": "acme/llama-ft", "license": "llama3",
                             "derived_from": [{"id": LLAMA3, "relation": "finetune"}]})
    assert R.ask(doc).status == "depends"
    doc["use"].update(generated_outputs=True, release_mau=1_000_000)
    assert R.ask(doc).status == "forbidden"


# --- indirect: the outputs regrouped into other datasets -----------------------------------------------

@pytest.mark.parametrize("chain", [
    [("merge", "x/mix")], [("finetune", "x/filtered")], [("trained_on", "x/archive")],
    [("merge", "x/mix"), ("trained_on", "x/archive"), ("finetune", "x/filtered")],
], ids=["merged", "derived", "contained", "three-deep"])
def test_outputs_regrouped_into_another_dataset_are_judged_the_same(chain):
    assert R.ask(student_on([], family="mistral", chain=chain)).status == "depends"
    use = {"generated_outputs": True, "release_mau": 1_000_000}
    assert R.ask(student_on([], family="mistral", chain=chain, use=use)).status == "forbidden"
    assert R.ask(student_on([], family="llama", chain=chain)).status == "depends"
    inside = student_on([{"id": LLAMA3, "relation": "finetune"}], chain=chain, use={"release_mau": 1_000_000})
    assert R.ask(inside).status == "permitted"


# --- every license with a ban on improving other models with its outputs -------------------------------

BANS = [  # license, its clause, a family it bans, a family its exception named before outputs6 (None: no exception)
    ("llama2", "1.b.v", "mistral", "llama"),
    ("llama3", "1.b.v", "mistral", "llama"),
    ("tongyi-qianwen", "5.b", "llama", "qwen"),
    ("tongyi-qianwen-research", "4.b", "llama", "qwen"),
    ("tencent-hunyuan-community", "5.b", "llama", "hunyuan"),
    ("tencent-hunyuan-community-large", "5.b", "llama", "hunyuan"),
    ("stabilityai-ai-community", "IV(b), last sentence", "flux", "stable-diffusion"),
    ("flux-1-dev-non-commercial-license", "2.d", "mistral", None),
    ("xai-community", "2.b", "mistral", None),
]


@pytest.mark.parametrize("license_id, clause, banned, excepted", BANS, ids=[b[0] for b in BANS])
def test_each_outputs_ban_reaches_a_model_trained_on_the_outputs(license_id, clause, banned, excepted):
    def ask(family, parents=(), **use):
        return R.ask(student_on(list(parents), family=family, use=use, generator="acme/teacher",
                                generator_license=license_id))

    for use in ({}, {"generated_outputs": False}):
        answer = ask(banned, **use)
        assert answer.status == "depends", (use, answer.status)
        assert "generated_outputs" in deciding_facts(answer)
        # (Hunyuan and Stability terms follow distillation: their other clauses judge the student too.)
        assert (license_id, f"{clause}, outputs as data") in \
            {(d["license"], d["clause"]) for d in answer.to_json()["depends_on"]}
    generated = ask(banned, generated_outputs=True)
    assert generated.status == "forbidden" and (license_id, clause) in cited(generated)
    if excepted:   # the ban's own exception (a fine-tune of the teacher): the outputs-as-data rule no longer decides anything
        # (the fine-tune edge brings the licensee's caps: Llama §2, Tongyi Qianwen §4)
        research = {"commercial": False, "purposes": ["research"]} if license_id == "tongyi-qianwen-research" else {}
        answer = ask(excepted, [{"id": "acme/teacher", "relation": "finetune"}], release_mau=1_000_000, mau=1_000_000,
                     **research)
        clauses = {(d["license"], d["clause"]) for d in answer.to_json()["depends_on"]} | cited(answer)
        assert answer.status != "forbidden" and not any(c.endswith("outputs as data") for _, c in clauses)
        if license_id not in ("tencent-hunyuan-community", "tencent-hunyuan-community-large",
                              "stabilityai-ai-community"):   # (their terms follow: territory, revenue)
            assert answer.status == "permitted"


# --- unchanged: models whose license bans nothing about outputs --------------------------------------

UNCHANGED = [  # the generating model's license: no ban on training with its outputs
    "apache-2.0", "mit", "gemma", "llama3.1", "llama4", "qwen", "deepseek", "nvidia-open-model-license",
    "kimi-k2-modified-mit", "minimax-model", "glm-4-9b", "falcon-llm-license", "apple-ascl", "creativeml-openrail-m",
    "mrl",
]


# Of those, the licenses whose terms judge the act when the user generated the outputs (a cap on
# using the model: Llama 3.1/4 §2, Qwen §4, MRL): with who generated them unstated, the answer was
# YES where generated is DEPENDS (review 15 finding 10, generalised): it is DEPENDS on
# `generated_outputs` since outputs2 (rules.lp outputs_open), received stays YES.
JUDGED_WHEN_GENERATED = {"llama3.1", "llama4", "qwen", "mrl"}
# And those whose terms (use restrictions, duties) bind the user who generated the outputs but
# stop nothing here: unstated, the answer keeps its status and lists them as owed only "if you
# generated the outputs" (with the license's risks and grants beside them); received, it is as before.
# NVIDIA's §2.3 restricts unlawful use since review 31 (its Trustworthy AI terms are not encoded).
LICENSEE_TERMS = {"minimax-model", "glm-4-9b", "falcon-llm-license", "nvidia-open-model-license"}


def unchanged_requests(licenses=None):
    docs = []
    for license_id in licenses or [lid for lid in UNCHANGED if lid not in JUDGED_WHEN_GENERATED | LICENSEE_TERMS]:
        for family in (None, "mistral"):
            docs.append(student_on([], family=family, generator="acme/teacher", generator_license=license_id))
    return docs


def test_a_model_trained_on_a_permissive_or_terms_following_models_outputs_gets_no_outputs_rule():
    for answer in R.answer_each(unchanged_requests()):
        text = json.dumps(answer.to_json())
        assert "outputs as data" not in text and "generated_outputs" not in text


def test_a_model_trained_on_outputs_of_a_capped_model_depends_on_who_generated_them():
    """llama3.1, llama4, qwen, mrl: the unstated answer names generated_outputs (was YES for the
    first three, while generated gives DEPENDS); received outputs stay as they were."""
    docs = unchanged_requests(sorted(JUDGED_WHEN_GENERATED))
    for doc, answer in zip(docs, R.answer_each(docs)):
        assert answer.status == "depends" and "generated_outputs" in {d.fact for d in answer.depends_on}
        received = {**doc, "use": {**doc["use"], "generated_outputs": False}}
        assert R.ask(received).status == ("depends" if "mrl" in json.dumps(doc) else "permitted")


def test_terms_binding_only_the_licensee_are_listed_as_conditional_while_unstated():
    docs = unchanged_requests(sorted(LICENSEE_TERMS))
    for doc, answer in zip(docs, R.answer_each(docs)):
        received = R.ask({**doc, "use": {**doc["use"], "generated_outputs": False}})
        assert answer.status == received.status == "permitted"
        assert "generated_outputs" not in {d.fact for d in answer.depends_on}
        licensee = [o for o in answer.obligations if o.message.endswith("generated_outputs)")]
        assert licensee and all(o.conditional for o in licensee)
        assert not any(o.message.endswith("generated_outputs)") for o in received.obligations)


@pytest.mark.slow
def test_a_model_trained_on_a_permissive_or_terms_following_models_outputs_answers_as_before():
    """No context is added where the generating model's license has no outputs-as-data rule, so
    the answer is byte for byte the one the code before gave (compared with /work/baseline)."""
    docs = unchanged_requests()
    now = [R.ask(d).to_json() for d in docs]
    if not (BASELINE / "reasoner").is_dir() or not BASELINE_PYTHON.exists():
        pytest.skip("no /work/baseline to compare with")
    script = ("import json, sys\nfrom reasoner import Reasoner\nr = Reasoner(cache_size=0)\n"
              "print(json.dumps([r.ask(d).to_json() for d in json.load(sys.stdin)]))")
    env = {**os.environ, "PYTHONPATH": str(BASELINE)}
    run = subprocess.run([str(BASELINE_PYTHON), "-c", script], input=json.dumps(docs), capture_output=True,
                         text=True, cwd=str(BASELINE), env=env, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    before = json.loads(run.stdout)
    assert [i for i, (a, b) in enumerate(zip(now, before)) if a != b] == []


def test_batched_answers_are_the_single_answers():
    docs = [student_on([]), student_on([], family="mistral", use={"generated_outputs": True, "release_mau": 1_000_000}),
            student_on([], family="llama"), *unchanged_requests()[:4]]
    assert [a.to_json() for a in R.answer_each(docs)] == [R.ask(d).to_json() for d in docs]


# --- mutations of the forbidden request, through --request, a lineage file and a BOM ----------------

FORBIDDEN = student_on([], family="mistral", use={"generated_outputs": True, "release_mau": 1_000_000})
FORBIDDEN_TEXT = json.dumps(FORBIDDEN)


@pytest.mark.parametrize("old, new", [
    ("", ""),
    ('"generated_outputs": true', '"generated_outputs": false'),          # received: DEPENDS
    ('"generated_outputs": true, ', ""),                                  # unstated: DEPENDS
    ('"generated_outputs": true', '"generated_outputs": "yes"'),          # not a flag: input error
    ('"generated_outputs": true', '"Generated_Outputs": true'),           # another key: input error
    ('"generated_outputs": true', '"generated_output": true'),            # a typo: input error
    ('"generated_outputs": true', '"generated_outputs": true, "generated_outputs": false'),   # duplicate key
    ('"relation": "distilled"', '"relation": "Distilled"'), ('"relation": "trained_on"', '"relation": "TRAINED_ON"'),
    (LLAMA3, LLAMA3.upper()), (LLAMA3, "ｍｅｔａ-llama/Meta-Llama-3-8B"),
    ('"family": "mistral"', '"family": "Mistral"'),
], ids=["as-is", "received", "unstated", "string-flag", "key-case", "key-typo", "duplicate-key", "relation-case",
        "trained-on-case", "id-case", "fullwidth-id", "family-case"])
def test_mutations_of_the_forbidden_request_are_never_permitted(can_i, tmp_path, old, new):
    text = FORBIDDEN_TEXT.replace(old, new) if old else FORBIDDEN_TEXT
    assert text != FORBIDDEN_TEXT or not old
    path = tmp_path / "request.json"
    path.write_text(text, encoding="utf-8")
    run = can_i("--request", str(path), "--json")
    assert run.code in (1, 2, 3), run.out
    if not old:
        assert run.code == 1 and ("llama3", "1.b.v") in {(r["license"], r["clause"]) for r in run.json()["reasons"]}


def test_the_train_verb_on_a_lineage_file_of_llama3_outputs(can_i, tmp_path):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [
        {"id": "x/syn", "license": "mit", "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}]}))
    assert can_i("train", str(lineage), "--into", "mistral", "--generated-outputs", "--release-mau", "1M").code == 1
    for argv in ((), ("--received-outputs",)):
        run = can_i("train", str(lineage), "--into", "mistral", *argv, "--json")
        assert run.code == 3 and run.json()["status"] == "depends"
    # A llama-family student is inside 1.b.v's exception only when it takes Llama 3's weights
    # (`target.derived`); `train` creates a model from the data alone, so it DEPENDS (was YES).
    assert can_i("train", str(lineage), "--into", "llama").code == 3
    help_text = can_i("train", "--help").out
    assert "--generated-outputs" in help_text and "--received-outputs" in help_text


sys.path.insert(0, str(Path(__file__).parent))
from test_hub_bom import ai, rel, spdx3, write  # noqa: E402


@pytest.mark.parametrize("llama_id", [LLAMA3, LLAMA3.lower(), "META-LLAMA/Meta-Llama-3-8B"])
def test_a_bom_of_data_llama3_generates_trained_into_your_model_is_never_permitted(can_i, tmp_path, llama_id):
    """SPDX 3 `generates`: the data is Llama 3's outputs; `train` on it into a Mistral model."""
    doc = spdx3(ai("urn:llama", llama_id), ai("urn:data", "acme/synthetic", "dataset_DatasetPackage"),
                rel(1, "hasDeclaredLicense", "urn:data", "https://spdx.org/licenses/MIT"),
                rel(2, "generates", "urn:llama", "urn:data"), root="urn:data")
    path = write(tmp_path, doc, "bom.spdx3.json")
    run = can_i("train", str(path), "--into", "mistral", "--generated-outputs", "--release-mau", "1M", "--json")
    assert run.code == 1 and "llama3" in {r["license"] for r in run.json()["reasons"]}, run.out
    for argv in ((), ("--received-outputs",)):
        run = can_i("train", str(path), "--into", "mistral", *argv, "--json")
        assert run.code == 3, run.out


def test_the_request_fact_is_declared_once_and_read_everywhere():
    from reasoner import schema
    fact = schema.FACTS["generated_outputs"]
    assert fact.cli == "--generated-outputs/--received-outputs" and fact.field == "generated_outputs"
    assert schema.FACTS["outputs_licensee"].stated_by == "generated_outputs"
    doc = copy.deepcopy(FORBIDDEN)
    doc["use"]["generated_outputs"] = False
    assert R.ask(doc).status == "depends"


def test_stating_received_outputs_never_lifts_a_grant_a_license_withholds():
    """Microsoft Research §1 grants distillation only for non-commercial research: a `distilled`
    edge with the outputs stated as received is still judged as a distillation under a license
    with no outputs-as-data rule (the statement opens only the outputs bans that bind a licensee)."""
    doc = {"artifacts": [{"id": "acme/student", "license": "mit", "mine": True,
                          "derived_from": [{"id": "x/p", "relation": "distilled"}]},
                         {"id": "x/p", "license": "microsoft-research-license"}],
           "subject": "acme/student", "use": {"acts": ["use"], "commercial": True}}
    assert R.ask(doc).status == "forbidden"
    doc["use"]["generated_outputs"] = False
    assert R.ask(doc).status == "forbidden"
    # ...and a stack with a license that has one keeps the other's grant.
    doc["artifacts"][1]["license"] = "microsoft-research-license AND llama3"
    assert R.ask(doc).status == "forbidden"


# --- a licensor's own release trained on its model's generated data: the note says so ---------------

def test_a_licensor_release_trained_on_its_models_generated_data_says_it_replaced_the_license():
    """Google's own release (Apache-2.0, catalog) trained on data Gemma generated: Gemma's terms
    stop at it (the verdict was right before), and now the answer says why, as it does for a
    release fine-tuned from the licensor's model (rules.lp replaced_terms along `synthetic`)."""
    doc = {"artifacts": [{"id": "google/flan-t5-base", "derived_from": [{"id": "x/gemma-data", "relation": "trained_on"}]},
                         {"id": "x/gemma-data", "license": "cc-by-4.0",
                          "derived_from": [{"id": "google/gemma-2b", "relation": "distilled"}]}],
           "subject": "google/flan-t5-base", "use": {"acts": ["use"], "purposes": ["spam"]}}
    answer = R.ask(doc).to_json()
    assert answer["status"] == "permitted"
    notes = [n["message"] for n in answer["notes"] if n["code"] == "relicensed_by_licensor"]
    assert notes == [("`google/flan-t5-base` is google's own release under apache-2.0: as the licensor of gemma, "
                      "it replaced gemma for this model and what derives from it")]
    # A third party's model of the same shape keeps Gemma's terms (its prohibited-use policy).
    doc["artifacts"][0] = {"id": "acme/t5", "license": "apache-2.0",
                           "derived_from": [{"id": "x/gemma-data", "relation": "trained_on"}]}
    doc["subject"] = "acme/t5"
    assert R.ask(doc).status == "forbidden"


# --- audit --hub believes a licensor's release its Hub card states, in every process ----------------

from test_hub_bom import hub  # noqa: E402,F401 - the recorded Hub fixture

V3_BASE = "deepseek-ai/DeepSeek-V3-Base"


def _audit(can_i, tmp_path, lines, *argv):
    cards = tmp_path / "cards.jsonl"
    cards.write_text("".join(json.dumps(line) + "\n" for line in lines))
    run = can_i("audit", str(cards), "--json", "-q", *argv)
    return {r["id"]: r["status"] for r in run.json()["results"]}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_audit_hub_release_card_is_believed_with_any_number_of_jobs(can_i, tmp_path, hub, jobs):  # noqa: F811
    from reasoner.kb import HUB_CARD_LICENSES

    release = "deepseek-ai/r9-gaps5-release"
    hub.models[release] = f"license: mit\nbase_model: {V3_BASE}\n"
    HUB_CARD_LICENSES.pop(release, None)
    child = {"id": "acme/child", "cardData": {"license": "mit", "base_model": release}}
    assert _audit(can_i, tmp_path, [child], "--hub", "--jobs", jobs) == {"acme/child": "permitted"}


def test_audit_does_not_believe_a_release_card_given_in_the_input_itself(can_i, tmp_path, hub):  # noqa: F811
    """Only a card the resolver fetched from the Hub vouches for a licensor's release: the same
    card written into the audited file (anyone can write one) keeps DeepSeek's terms (military)."""
    from reasoner.kb import HUB_CARD_LICENSES

    release = "deepseek-ai/r9-gaps5-claimed"
    HUB_CARD_LICENSES.pop(release, None)
    lines = [{"id": release, "cardData": {"license": "mit", "base_model": V3_BASE}},
             {"id": "acme/child2", "cardData": {"license": "mit", "base_model": release}}]
    statuses = _audit(can_i, tmp_path, lines, "--hub")
    assert statuses["acme/child2"] != "permitted" and statuses[release] != "permitted"
    # ...and a Hub card stating other terms than the child's request relies on is not a release.
    other = "deepseek-ai/r9-gaps5-other"
    hub.models[other] = f"license: apache-2.0\nbase_model: {V3_BASE}\n"
    HUB_CARD_LICENSES.pop(other, None)
    doc = {"artifacts": [{"id": "acme/child3", "license": "mit", "mine": True,
                          "derived_from": [{"id": other, "relation": "finetune"}]},
                         {"id": other, "license": "mit", "derived_from": [{"id": V3_BASE, "relation": "finetune"}]}],
           "subject": "acme/child3", "use": {"acts": ["distribute"], "purposes": ["military"]}}
    assert R.ask(doc).status == "forbidden"


def test_a_chunk_carries_the_hub_cards_to_a_process_that_read_none():
    """What a worker process gets: the chunk's plain data. Answered where no card was read (the
    process's record emptied), the release is believed from the cards the chunk carries."""
    from reasoner import audit as audit_module
    from reasoner.kb import HUB_CARD_LICENSES

    release = "deepseek-ai/r9-gaps5-chunk"
    cards = [audit_module.Card("acme/chunk-child", "cards.jsonl", 1, {"license": "mit", "base_model": release})]
    graph = audit_module.AuditGraph(R.kb, cards, resolver=lambda parent: {"license": "mit", "base_model": V3_BASE}
                                     if parent == release else None)
    items = graph.chunk_items(["acme/chunk-child"])
    assert items[0]["hub_cards"] == {release: ("mit", None)}
    items = json.loads(json.dumps(items))   # as plain data crosses to a worker (tuples become lists)
    saved = dict(HUB_CARD_LICENSES)

    def answered_where_no_card_was_read(chunk) -> list[str]:
        HUB_CARD_LICENSES.clear()
        audit_module._SHAPES.clear()
        try:
            return [row.status for row in audit_module.answer_chunk(chunk)]
        finally:
            HUB_CARD_LICENSES.clear()
            HUB_CARD_LICENSES.update(saved)
            audit_module._SHAPES.clear()

    assert answered_where_no_card_was_read(items) == ["permitted"]
    # The same chunk without the cards it carries: DeepSeek's terms kept (relabelled), never YES.
    del items[0]["hub_cards"]
    assert answered_where_no_card_was_read(items) != ["permitted"]


@pytest.mark.parametrize("release, card", [
    ("acme-ai/r9-gaps5-mut", f"license: mit\nbase_model: {V3_BASE}\n"),                 # not the licensor's namespace
    ("deepseek-ai/r9-gaps5-nolicense", f"base_model: {V3_BASE}\n"),                       # the card states no terms
    ("deepseek-ai/r9-gaps5-other", f"license: other\nlicense_name: acme\nbase_model: {V3_BASE}\n"),   # unknown terms
], ids=["other-namespace", "no-license", "unknown-terms"])
def test_mutations_of_a_hub_release_in_audit_are_never_permitted(can_i, tmp_path, hub, release, card):  # noqa: F811
    from reasoner.kb import HUB_CARD_LICENSES

    hub.models[release] = card
    HUB_CARD_LICENSES.pop(release, None)
    child = {"id": "acme/child-mut", "cardData": {"license": "mit", "base_model": release}}
    assert _audit(can_i, tmp_path, [child], "--hub")["acme/child-mut"] != "permitted"


def test_generated_outputs_from_a_profile_and_its_bad_values(can_i, tmp_path):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [
        {"id": "x/syn", "license": "mit", "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}]}))
    profile = tmp_path / "can-i.toml"
    profile.write_text('generated_outputs = true\nrelease_mau = "1M"\n')
    assert can_i("train", str(lineage), "--into", "mistral", "--profile", str(profile)).code == 1
    # The command line wins over the profile: received, it depends.
    assert can_i("train", str(lineage), "--into", "mistral", "--received-outputs", "--profile", str(profile)).code == 3
    profile.write_text('generated_outputs = "yes"\n')
    assert can_i("train", str(lineage), "--into", "mistral", "--profile", str(profile)).code == 2
    assert can_i("train", str(lineage), "--generated-outputs", "--received-outputs").code == 2
