"""Defects a hostile review (review1) found in profiles + license policy (issue 14 item 1) and in
`license-for` / `downstream` (issue 13 items 2, 3): each test failed before its fix."""

from __future__ import annotations

import json

import pytest

from reasoner.advice import downstream, license_for
from reasoner.profile import ProfileError, load_profile

pytestmark = pytest.mark.usefixtures("bundled_kb")


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


# --- profiles: a standing grant must not clear material it was never about -----------------------

def test_profile_grant_under_a_template_license_must_name_its_artifact(tmp_path, reasoner):
    """`grants = ["cc-by-nc-4.0"]` in a profile would cover the one CC-BY-NC artifact of EVERY
    question: a deal with one licensor (Cohere for Aya) silently cleared someone else's dataset
    (camel-ai/math) for commercial training. A profile holds for every question, so a grant under a
    license anyone may apply must say whose it is."""
    profile = write(tmp_path / "can-i.toml", 'commercial = true\ngrants = ["cc-by-nc-4.0"]\n')
    with pytest.raises(ProfileError) as err:
        load_profile(profile, kb=reasoner.kb)
    assert err.value.location.endswith("can-i.toml:2:1")
    assert "cc-by-nc-4.0:ARTIFACT" in err.value.message


def test_profile_template_grant_cannot_make_training_on_anothers_nc_data_yes(tmp_path, can_i):
    write(tmp_path / "can-i.toml", 'commercial = true\ngrants = ["cc-by-nc-4.0"]\n')
    run = can_i("--profile", tmp_path / "can-i.toml", "train", "camel-ai/math", "--and", "distribute")
    assert run.code == 2 and "can-i.toml:2:1" in run.line()


def test_profile_licensor_grant_still_reads(tmp_path, reasoner):
    profile = write(tmp_path / "can-i.toml", 'grants = ["meta", "cc-by-nc-4.0:CohereLabs/aya-23-8B"]\n')
    assert load_profile(profile, kb=reasoner.kb).facts["grants"][0] == "meta"


# --- profiles: the policy names licenses, never placeholders -------------------------------------

@pytest.mark.parametrize("placeholder", ["other", "unknown", "OTHER"])
def test_policy_cannot_approve_a_placeholder_for_unnamed_terms(tmp_path, reasoner, placeholder):
    """`allow = ["other"]` approved every license a card leaves unnamed (`license: other`):
    the policy said ALLOWED for terms no one has read."""
    profile = write(tmp_path / "can-i.toml", f'[policy]\nallow = ["mit", "{placeholder}"]\n')
    with pytest.raises(ProfileError) as err:
        load_profile(profile, kb=reasoner.kb)
    assert err.value.location.endswith("can-i.toml:2:17")


def test_policy_in_a_request_cannot_approve_other(reasoner):
    from reasoner.errors import RequestError

    doc = {"artifacts": [{"id": "acme/base", "license": "other"},
                         {"id": "acme/m", "license": "mit", "mine": True,
                          "derived_from": [{"id": "acme/base", "relation": "finetune"}]}],
           "use": {"acts": ["distribute"]}, "policy": {"allow": ["mit", "other"]}}
    with pytest.raises(RequestError):
        reasoner.ask(doc)


# --- profiles reach the advice as they reach every question ---------------------------------------

def test_request_asking_for_advice_uses_the_profile_as_the_verb_does(tmp_path, can_i):
    """`can-i license-for llama3.1` applied the profile (release_mau 1M: YES) but the same
    question as `--request` with `"suggest": "license"` ignored it (DEPENDS): one question, two
    answers depending on the path."""
    write(tmp_path / "can-i.toml", 'commercial = true\nrelease_mau = "1M"\n')
    request = write(tmp_path / "q.json", json.dumps({"suggest": "license", "licenses": ["llama3.1"]}))
    verb = can_i("--profile", tmp_path / "can-i.toml", "license-for", "llama3.1", "--json")
    asked = can_i("--profile", tmp_path / "can-i.toml", "--request", request, "--json")
    assert verb.code == asked.code == 0
    assert verb.json()["status"] == asked.json()["status"] == "permitted"


def test_license_for_reports_the_profiles_policy_and_its_exit_code(tmp_path, can_i):
    """A policy denying gemma was dropped by `license-for`: it recommended `license: gemma`, said
    nothing of the policy and exited 0, though the README says a denied policy never exits 0."""
    write(tmp_path / "can-i.toml", 'commercial = true\n[policy]\nallow = ["apache-2.0"]\ndeny = ["gemma"]\n')
    run = can_i("--profile", tmp_path / "can-i.toml", "license-for", "google/gemma-2-9b")
    assert run.code == 1
    assert "Policy: DENIED" in run.out and "gemma: denied" in run.out


# --- license-for: the NOTICE credits what the licenses say must be credited ------------------------

def test_notice_credits_the_dataset_whose_license_asks_for_attribution(reasoner):
    """CC BY-SA 3.a.1 (attribute, keep notices) on a model trained on allenai/ai2_arc: the NOTICE
    named only the license, never the material to credit."""
    doc = {"artifacts": [{"id": "allenai/ai2_arc"},
                         {"id": "acme/m", "mine": True, "derived_from": [{"id": "allenai/ai2_arc", "relation": "trained_on"}]}],
           "use": {"acts": ["distribute"], "commercial": True}}
    advice = license_for(reasoner, doc)
    assert advice.recommended is not None
    assert "allenai/ai2_arc" in advice.recommended.notice


# --- downstream: a card's `license: other` + `license_name` is its license --------------------------

def test_downstream_keeps_the_license_name_of_an_other_declaration(reasoner):
    """A model declaring `license: other` with `license_name: flux-1-dev-non-commercial-license`
    reached recipients as bare `other`: every question UNKNOWN, "other §None" cited."""
    doc = {"artifacts": [{"id": "black-forest-labs/FLUX.1-dev"},
                         {"id": "acme/flux-ft", "license": "other", "license_name": "flux-1-dev-non-commercial-license",
                          "mine": True, "derived_from": [{"id": "black-forest-labs/FLUX.1-dev", "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "commercial": False}}
    view = downstream(reasoner, doc)
    assert view.status == "answered"
    statuses = {a.question: a.result.status for a in view.answers}
    # Non-commercial use turns on who the recipient is (FLUX 1.c(ii): review 38), not on `other`.
    assert statuses["use it, not commercially"] in ("permitted", "depends")
    assert statuses["use it commercially"] == "forbidden"


# --- policy: an "or any later version" id is judged as its base version ----------------------------

def test_policy_denying_a_gpl_version_denies_its_or_later_id(reasoner):
    """`deny = ["gpl-3.0"]` beside `allow = "*"` ALLOWED a model under GPL-3.0-or-later, which a
    licensee takes under GPL-3.0 (its `based on`): the policy's NO was lost to a spelling."""
    doc = {"licenses": ["GPL-3.0-or-later"], "use": {"acts": ["use"]},
           "policy": {"allow": "*", "deny": ["gpl-3.0"]}}
    assert reasoner.ask(doc).policy.status == "denied"
    doc["policy"] = {"allow": ["gpl-3.0-or-later"], "deny": ["gpl-3.0"]}   # named itself: its own list
    assert reasoner.ask(doc).policy.status == "allowed"


def test_notice_of_an_openrail_finetune_lists_the_restrictions_it_passes_on(reasoner):
    """CreativeML OpenRAIL-M 4.a: the use restrictions must reach every recipient. The NOTICE said
    "subject to the use restrictions that §4.a passes on" and listed none (no policy page to cite)."""
    notice = license_for(reasoner, {"licenses": ["creativeml-openrail-m"], "use": {}}).recommended.notice
    assert "medical-advice" in notice and "law-enforcement" in notice and "§A.11" in notice


def test_notice_credits_no_made_up_stack_id(reasoner):
    notice = license_for(reasoner, {"licenses": ["apache-2.0"], "use": {}}).recommended.notice
    assert "`stack`" not in notice and "`apache-2.0`" not in notice


# --- profiles: a standing grant for one model does not break questions about others ----------------

def test_profile_grant_for_one_artifact_covers_nothing_in_other_questions(tmp_path, can_i):
    """`grants = ["meta:meta-llama/Llama-3.1-8B"]` made every question about any other model an
    input error (exit 2: "not among the artifacts"); it still lifts Meta's threshold where it applies."""
    profile = write(tmp_path / "can-i.toml", 'grants = ["meta:meta-llama/Llama-3.1-8B"]\n')
    run = can_i("--profile", profile, "use", "mit", "--json")
    assert run.code == 0 and any(n["code"] == "profile_grant" for n in run.json()["notes"])
    run = can_i("--profile", profile, "host", "meta-llama/Llama-3.1-8B", "--commercial", "--release-mau", "800M",
                "--role", "licensee", "--json")
    assert run.code == 0
    stated = can_i("--profile", profile, "use", "mit", "--grant", "meta:meta-llama/Llama-3.1-8B")
    assert stated.code == 2   # typed on the command line it is about this question: still checked


def test_profile_grant_error_in_advice_is_located_in_the_profile(tmp_path, can_i):
    profile = write(tmp_path / "can-i.toml", 'commercial = true\ngrants = ["metaa"]\n')
    run = can_i("--profile", profile, "license-for", "mit")
    assert run.code == 2 and "can-i.toml:2:1" in run.line() and "did you mean `meta`" in run.line()


# --- downstream: no recipient view of a model that may not be handed on ----------------------------

def test_downstream_of_a_model_its_publisher_may_not_distribute_is_no(can_i):
    """A Llama 3 distillation into Qwen (llama3 §1.b.v: forbidden) declared MIT: downstream said
    recipients may do everything (eight YES) and exited 0, a card's worth of wrong YES."""
    run = can_i("--no-profile", "downstream", "meta-llama/Meta-Llama-3-8B", "--by", "distill", "--into", "qwen",
                "--as", "mit", "--json")
    doc = run.json()
    assert run.code == 1 and doc["status"] == "forbidden"
    assert any(n["code"] == "publisher_forbidden" and "llama3 §1.b.v" in n["message"] for n in doc["notes"])


def test_policy_written_as_a_table_array_is_located(tmp_path, reasoner):
    profile = write(tmp_path / "can-i.toml", 'mau = 5\n[[policy]]\nallow = ["mit"]\n')
    with pytest.raises(ProfileError) as err:
        load_profile(profile, kb=reasoner.kb)
    assert err.value.location.endswith("can-i.toml:2:1")


def test_by_on_your_own_model_is_an_error_not_ignored(tmp_path, can_i):
    """`license-for own.json --by distill` silently answered for the fine-tune the lineage says."""
    lineage = write(tmp_path / "own.json", json.dumps({
        "artifacts": [{"id": "google/gemma-2-9b"},
                      {"id": "acme/m", "mine": True, "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"}]}],
        "use": {"acts": ["distribute"], "commercial": True}}))
    run = can_i("--no-profile", "license-for", lineage, "--by", "distill")
    assert run.code == 2 and run.line().startswith("can-i: --by:")


def test_no_outbound_license_is_compatible_while_distributing_is_forbidden(can_i):
    """Llama 3 distilled into Qwen (llama3 §1.b.v): the JSON said `compatible` for all 58 licenses;
    a tool reading `outbound` alone saw 58 ways to publish a model that may not be published."""
    run = can_i("--no-profile", "license-for", "meta-llama/Meta-Llama-3-8B", "--by", "distill", "--into", "qwen",
                "--commercial", "--json")
    doc = run.json()
    assert run.code == 1 and doc["status"] == "forbidden"
    assert not [c for c in doc["outbound"] if c["verdict"] == "compatible"]
    assert {c["verdict"] for c in doc["outbound"]} == {"blocked"}


def test_a_bad_facts_from_is_reported_with_a_profile_too(tmp_path, can_i):
    """With a profile, a request's `facts_from` that is not an object was silently replaced by the
    profile's; without one it is an input error."""
    write(tmp_path / "can-i.toml", "mau = 5\n")
    request = write(tmp_path / "q.json", json.dumps({"licenses": ["mit"], "use": {"acts": ["use"]},
                                                      "facts_from": ["HR"]}))
    assert can_i("--profile", tmp_path / "can-i.toml", "--request", request).code == 2
    assert can_i("--no-profile", "--request", request).code == 2


def test_policy_judges_the_license_the_model_goes_out_under(reasoner):
    """`--as gpl-3.0` (use.outbound_license: the only license recipients get) under `deny =
    ["gpl-3.0"]` was ALLOWED, while the same license declared on the model itself was DENIED."""
    doc = {"artifacts": [{"id": "acme/base", "license": "mit"},
                         {"id": "acme/m", "mine": True, "derived_from": [{"id": "acme/base", "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "outbound_license": "GPL-3.0-only"},
           "policy": {"allow": "*", "deny": ["gpl-3.0"]}}
    result = reasoner.ask(doc)
    assert result.policy.status == "denied"
    assert any(f.license == "gpl-3.0" and f.list == "deny" for f in result.policy.findings)


def test_api_profile_without_kb_cannot_leak_a_template_grant(reasoner):
    """An embedder's Profile (read without a knowledge base, or built by hand) applied to a request:
    the reasoner refuses the standing template-license grant that load_profile(kb=…) refuses."""
    from reasoner.errors import RequestError
    from reasoner.profile import Profile

    profile = Profile(facts={"commercial": True, "grants": ["cc-by-nc-4.0"]}, source="profile p.toml")
    doc = profile.apply({"artifacts": [{"id": "camel-ai/math"},
                                       {"id": "acme/m", "mine": True,
                                        "derived_from": [{"id": "camel-ai/math", "relation": "trained_on"}]}],
                         "use": {"acts": ["distribute"]}})
    with pytest.raises(RequestError):
        reasoner.ask(doc)
