"""Review 36: a hostile review of interactions between features (territory + role + hosting kind,
profile + request + command-line facts, grants + OR licenses + thresholds, datasets + distillation
+ outbound license, several acts at once, the same question through CLI flags, a JSON request,
JSON Lines, a lineage file, a card, `can-i audit` and a CycloneDX BOM, and the advice commands).

HIGH = a wrong YES with a bundled license or catalog model, MEDIUM = another wrong answer, a
traceback or an input silently ignored, LOW = the rest. Strict xfails: defects (they pass once
fixed). Plain tests: suspicions checked and found sound, kept as guards.

Findings (strict xfails):
 HIGH   5a Kimi K3 §4(a) "internal use" (hosting internal) clears a $1B MaaS company distributing a
           dataset of Kimi's outputs to third parties.
 HIGH   8  a profile's `name` replaces the name the request's model (or a card's model_name) states:
           a Llama 3.1 student named "Student" turns YES.
 MEDIUM 1  --cyclonedx drops the model's `name` (NO -> YES read back) and modalities (NO -> DEPENDS).
 MEDIUM 2  a lineage file asked with a verb ignores its `policy` (exit 0 vs 1) and any misspelt key.
 MEDIUM 3  Stability's cap ("at any time ... annual revenue") ignores `revenue_12m`.
 MEDIUM 5b/5c/5d Kimi: a distributed student, `public-api` beside `--no-maas-business`, internal
           hosting for customer support: YES.
 MEDIUM 7  misspelt or misplaced `can-i:` BOM properties are dropped: a Llama 3 distillation is YES.
 MEDIUM 7b an unlinked model component of a CycloneDX / SPDX 3 BOM is dropped without a note.
 MEDIUM 8b `use.name` silently beats the model's own `name` in one request.
 MEDIUM 9  the user's own `distilled` dataset still DEPENDS on `generated_outputs`.
 MEDIUM 9b the Llama naming sentence makes distributing a *dataset* NO.
 MEDIUM 10 a quantized copy of Llama 3.2 Vision stating text-only escapes the EU paragraph.
 MEDIUM 11 --cyclonedx drops the profile's policy verdict and exits 0 under a denying policy.
 LOW    the rest (unjudged own model, one release_mau for two release dates, --on ignored, --name
           over a lineage name unnoted, own/affiliate counts not combined, service users and
           Llama §2, --as with no recipients)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner

sys.path.insert(0, str(Path(__file__).parent))

from conftest import run_cli  # noqa: E402


def fixed(reason: str):
    """A finding since fixed (session 17): the test passes as a guard; `reason` says what it was."""
    return lambda test: test

R = Reasoner(cache_size=0)

L31 = "meta-llama/Llama-3.1-8B"
L3 = "meta-llama/Meta-Llama-3-8B"
VISION = "meta-llama/Llama-3.2-11B-Vision"
NAMING = "1.b.i, last sentence"


def _write(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# --- 1. a BOM that --cyclonedx writes drops the model's name (and modalities) -----------------

def _student(parent, relation="distilled", **kw):
    return {"id": "acme/student", "mine": True, "license": "apache-2.0", "family": "mistral",
            "modalities": ["text"], "derived_from": [{"id": parent, "relation": relation}], **kw}


_USE = {"commercial": True, "release_mau": 1000, "domicile": ["US"], "role": "licensee"}
_FLAGS = ("--commercial", "--release-mau", "1000", "--domicile", "US", "--role", "licensee")


def _round_trip(capsys, tmp_path, artifacts, *extra):
    """The JSON request's status, and the status of the CycloneDX BOM `--cyclonedx` writes for it
    read back with the same facts."""
    doc = {"artifacts": artifacts, "subject": "acme/student", "use": {"acts": ["distribute"], **_USE}}
    src = _write(tmp_path / "lineage.json", doc)
    direct = run_cli(capsys, "--request", src, "--json").json()["status"]
    bom = run_cli(capsys, "distribute", src, "--cyclonedx")
    path = tmp_path / "lineage.cdx.json"
    path.write_text(bom.out, encoding="utf-8")
    back = run_cli(capsys, "distribute", path, "--json", "--no-remedies", *_FLAGS, *extra).json()["status"]
    return direct, back


@fixed((
    "MEDIUM: --cyclonedx writes no `name` for the user's model, so the BOM written back answers YES "
    "where its source was NO (llama3.1 §1.b.i, last sentence: a model trained on Llama outputs must "
    "be named 'Llama…'); README: 'a BOM written back answers as its source'"))
def test_a_bom_written_back_keeps_the_stated_name(tmp_path, capsys):
    direct, back = _round_trip(capsys, tmp_path, [{"id": L31}, _student(L31, name="Student")])
    assert direct == "forbidden"
    assert back == direct


@fixed((
    "LOW: --cyclonedx writes no modalities for a lineage file's own models, so a NO under the "
    "Llama 3.2 EU paragraph (multimodal models, domicile EU) comes back DEPENDS on `modalities`"))
def test_a_bom_written_back_keeps_the_stated_modalities(tmp_path, capsys):
    parent = {"id": "x/vision", "license": "llama3.2", "family": "llama", "modalities": ["text", "image"]}
    arts = [parent, _student("x/vision", "finetune", family="llama", name="Llama-x", modalities=["text", "image"])]
    doc = {"artifacts": arts, "subject": "acme/student", "use": {"acts": ["distribute"], **_USE, "domicile": ["DE"]}}
    src = _write(tmp_path / "lineage.json", doc)
    assert run_cli(capsys, "--request", src, "--json").json()["status"] == "forbidden"
    path = tmp_path / "lineage.cdx.json"
    path.write_text(run_cli(capsys, "distribute", src, "--cyclonedx").out, encoding="utf-8")
    flags = [f if f != "US" else "DE" for f in _FLAGS]
    assert run_cli(capsys, "distribute", path, "--json", "--no-remedies", *flags).json()["status"] == "forbidden"


def test_guard_a_bom_written_back_keeps_family_and_outbound(tmp_path, capsys):
    """Checked and sound: Llama 3 §1.b.v (a student of another family) and Gemma §3.1.1 (--as
    apache-2.0) stay NO through the round trip."""
    direct, back = _round_trip(capsys, tmp_path, [{"id": L3}, _student(L3, name="Llama 3-x")])
    assert (direct, back) == ("forbidden", "forbidden")
    gemma = "google/gemma-2-9b"
    doc = {"artifacts": [{"id": gemma}, _student(gemma, "finetune", family="gemma")], "subject": "acme/student",
           "use": {"acts": ["distribute"], **_USE, "outbound_license": "apache-2.0"}}
    src = _write(tmp_path / "g.json", doc)
    assert run_cli(capsys, "--request", src, "--json").json()["status"] == "forbidden"
    path = tmp_path / "g.cdx.json"
    path.write_text(run_cli(capsys, "distribute", src, "--cyclonedx").out, encoding="utf-8")
    back = run_cli(capsys, "distribute", path, "--json", "--no-remedies", "--as", "apache-2.0", *_FLAGS).json()
    assert back["status"] == "forbidden"


# --- 2. a lineage file's `policy` (and any other top-level key) is ignored by a verb ----------

_POLICY_DOC = {"artifacts": [{"id": "google/gemma-2-9b"}], "use": {"acts": ["use"], "commercial": True},
               "policy": {"deny": ["gemma"]}}


def test_guard_a_request_file_honours_its_policy(tmp_path, capsys):
    path = _write(tmp_path / "pol.json", _POLICY_DOC)
    run = run_cli(capsys, "--request", path, "--json")
    assert run.json()["status"] == "permitted" and run.json()["policy"]["status"] == "denied"
    assert run.code == 1


@fixed((
    "MEDIUM: the same file asked about with a verb (`can-i use pol.json`) drops its `policy` without a "
    "word: exit 0 and no policy verdict, where `can-i --request pol.json` is denied (exit 1); README: a "
    "lineage file is the JSON request format, and a denied policy never exits 0"))
def test_a_lineage_file_keeps_its_policy_under_a_verb(tmp_path, capsys):
    path = _write(tmp_path / "pol.json", _POLICY_DOC)
    run = run_cli(capsys, "use", path, "--json", "--no-remedies")
    assert run.code == 1
    assert (run.json().get("policy") or {}).get("status") == "denied"


@fixed((
    "MEDIUM: a misspelt top-level key of a lineage file (`polcy`) is accepted silently under a verb, "
    "where --request refuses it with 'did you mean `policy`?' (exit 2)"))
def test_a_lineage_file_refuses_an_unknown_key_under_a_verb(tmp_path, capsys):
    doc = {k if k != "policy" else "polcy": v for k, v in _POLICY_DOC.items()}
    path = _write(tmp_path / "pol2.json", doc)
    assert run_cli(capsys, "--request", path).code == 2
    assert run_cli(capsys, "use", path, "--no-remedies").code == 2


# --- 3. Stability's "at any time ... annual revenue" ignores revenue_12m ------------------------

def _stability(**use):
    return R.ask({"licenses": ["stabilityai-ai-community"],
                  "use": {"acts": ["use"], "commercial": True, "role": "licensee", **use}})


@fixed((
    "MEDIUM: stabilityai-ai-community §III ('If at any time You or Your Affiliate(s) ... generate more "
    "than USD $1,000,000 in annual revenue') is read on `revenue` alone: a stated revenue_12m (you and "
    "your affiliates over any 12 consecutive months) of $5M beside last year's $500K is YES"))
def test_stability_cap_reads_revenue_over_any_12_months():
    answer = _stability(revenue=500_000, revenue_12m=5_000_000)
    assert answer.status == "forbidden", answer.status


@fixed((
    "MEDIUM (input silently ignored): revenue_12m = $5M alone leaves Stability's cap DEPENDS on "
    "`revenue`, although the stated fact already exceeds the cap 'at any time'"))
def test_stability_cap_decided_by_revenue_12m_alone():
    answer = _stability(revenue_12m=5_000_000)
    assert answer.status == "forbidden", (answer.status, [d.fact for d in answer.depends_on])


def test_guard_stability_boundaries_through_units():
    """Checked and sound: exactly $1M is inside the cap, $1,000,001 outside, in any spelling."""
    assert _stability(revenue="$1M").status == "permitted"
    assert _stability(revenue="1_000_001").status == "forbidden"
    assert _stability(revenue="1000K").status == "permitted"


# --- 4. a created model the question leaves out ---------------------------------------------

@fixed((
    "LOW: a request whose `subject` is the parent answers YES for hosting it and says nothing of the "
    "user's own model in the same request, distilled from Llama 3 into another family (llama3 "
    "§1.b.v forbids it; README: creating a `mine` model is the act): no note that it went unjudged"))
def test_an_unjudged_own_model_is_noted():
    arts = [{"id": L3}, {"id": "me/m", "mine": True, "license": "mit", "family": "mistral",
                         "derived_from": [{"id": L3, "relation": "distilled"}]}]
    answer = R.ask({"artifacts": arts, "subject": L3, "use": {"acts": ["host"], "release_mau": 1000}})
    assert any(n.code == "own_model_unjudged" and "`me/m`" in n.message for n in answer.notes), answer.notes


# --- guards: interactions checked and found sound --------------------------------------------

@pytest.mark.parametrize("acts", [["use", "distribute"], ["distribute", "use"], ["use", "host"]])
@pytest.mark.parametrize("role", ["product-recipient", "service-user"])
def test_guard_eu_end_user_exception_does_not_spread_to_other_acts(acts, role):
    """The Llama 3.2 EU paragraph spares end users' *use*; an act beside it stays NO."""
    answer = R.ask({"artifacts": [{"id": VISION}],
                    "use": {"acts": acts, "domicile": ["DE"], "role": role, "release_mau": 1_000_000}})
    assert answer.status == "forbidden"


def test_guard_hosting_kind_makes_an_end_user_a_host(capsys):
    run = run_cli(capsys, "use", VISION, "--domicile", "DE", "--role", "service-user", "--release-mau", "1M",
                  "--hosting", "public-api", "--no-remedies", "--no-profile")
    assert run.code == 1


def test_guard_profile_facts_reach_every_input_path(tmp_path, capsys, monkeypatch):
    """A profile's domicile and role reach the verb, --request, JSON Lines, a lineage file and a card."""
    (tmp_path / "can-i.toml").write_text('domicile = ["DE"]\nrole = "licensee"\nrelease_mau = "1M"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    req = _write(tmp_path / "req.json", {"artifacts": [{"id": VISION}], "use": {"acts": ["use"]}})
    (tmp_path / "req.jsonl").write_text(req.read_text() + "\n" + req.read_text() + "\n", encoding="utf-8")
    card = tmp_path / "README.md"
    card.write_text(f"---\nlicense: llama3.2\nbase_model: {VISION}\n---\n", encoding="utf-8")
    assert run_cli(capsys, "use", VISION, "--no-remedies").code == 1
    assert run_cli(capsys, "--request", req).code == 1
    assert run_cli(capsys, "--request", tmp_path / "req.jsonl").code == 1
    assert run_cli(capsys, "use", req, "--no-remedies").code == 1
    assert run_cli(capsys, "use", "./README.md", "--no-remedies").code == 1


def test_guard_a_profile_grant_never_reaches_recipients(tmp_path, capsys):
    """`downstream` asks recipients' questions without the publisher's profile: Meta's grant and a
    US domicile stay the publisher's, so Llama's threshold and the EU paragraph are still listed."""
    prof = tmp_path / "p.toml"
    prof.write_text('grants = ["meta"]\ndomicile = ["US"]\nrole = "licensee"\nrelease_mau = "1M"\n', encoding="utf-8")
    doc = run_cli(capsys, "downstream", VISION, "--profile", prof, "--json").json()
    facts = {(t["condition"]) for t in doc["thresholds"]}
    assert any("release_mau" in c for c in facts) and any("domicile" in c for c in facts), facts


def test_guard_grants_pick_the_alternative_they_cover():
    """An OR of two thresholds: Meta's grant clears Llama's, Google's clears nothing."""
    def status(grants):
        return R.ask({"artifacts": [{"id": "x/m", "license": "llama3 OR qwen", "family": "llama"}],
                      "use": {"acts": ["host"], "commercial": True, "release_mau": 800_000_000,
                              "mau": 150_000_000, "role": "licensee", "grants": grants}}).status
    assert status([]) == "forbidden"
    assert status(["google"]) == "forbidden"
    assert status(["llama3.1"]) == "forbidden"
    assert status(["meta"]) == "permitted"


@pytest.mark.parametrize("value, status", [("100M", "permitted"), ("0.1B", "permitted"), ("1e8", "permitted"),
                                           ("100_000_001", "forbidden"), ("100,000,001", "forbidden"),
                                           ("0.0001T", "permitted"), ("1T", "forbidden")])
def test_guard_qwen_threshold_in_every_unit(capsys, value, status):
    run = run_cli(capsys, "host", "qwen", "--commercial", "--mau", value, "--json", "--no-remedies", "--no-profile")
    assert run.json()["status"] == status


# --- 5. Kimi K3 §4.a "internal use" stretched to outputs handed to third parties -------------

_KIMI = {"id": "moonshotai/kimi-x", "license": "kimi-k3", "family": "other"}
_BIG_MAAS = {"commercial": True, "maas_business": True, "revenue_12m": 1_000_000_000, "hosting": "internal"}


@fixed((
    "HIGH: a $1B Model-as-a-Service company distributes a dataset of Kimi K3's outputs, hosting the "
    "model internally: YES. kimi_k3.txt §4(a) exempts only 'internal use ... any use that does not make "
    "the Software, its outputs, or its underlying capabilities available to third parties'; handing "
    "out its outputs is not internal, so §2's separate agreement is needed (NO)"))
def test_kimi_internal_use_does_not_cover_distributing_its_outputs():
    data = {"id": "me/kimi-outputs", "mine": True, "kind": "dataset", "license": "mit",
            "derived_from": [{"id": _KIMI["id"], "relation": "distilled"}]}
    answer = R.ask({"artifacts": [_KIMI, data], "use": {"acts": ["distribute"], **_BIG_MAAS}})
    assert answer.status == "forbidden", answer.status


@fixed((
    "MEDIUM: the same company trains a student on Kimi K3's outputs and distributes the student, "
    "hosting Kimi internally: YES (CLI `can-i distill kimi-k3 --into mistral --commercial "
    "--maas-business --revenue-12m 1B --hosting internal --and distribute`). The student makes Kimi's "
    "'underlying capabilities' (and what its outputs taught) available to third parties, so §4(a) "
    "is at least open: a fine-tune distributed the same way is NO"))
def test_kimi_internal_use_does_not_cover_a_distributed_student(capsys):
    args = ("kimi-k3", "--into", "mistral", "--commercial", "--maas-business", "--revenue-12m", "1B",
            "--hosting", "internal", "--and", "distribute", "--json", "--no-remedies", "--no-profile")
    assert run_cli(capsys, "finetune", *args[:1], *args[3:]).json()["status"] == "forbidden"
    assert run_cli(capsys, "distill", *args).json()["status"] != "permitted"


def test_guard_kimi_internal_use_stays_yes_when_nothing_leaves():
    """Checked and sound: the outputs kept in a dataset nobody else gets, and Kimi hosted for the
    company's own staff, are internal use (§4(a))."""
    data = {"id": "me/kimi-outputs", "mine": True, "kind": "dataset", "license": "mit",
            "derived_from": [{"id": _KIMI["id"], "relation": "distilled"}]}
    inside = {**_BIG_MAAS, "purposes": ["research"]}
    assert R.ask({"artifacts": [_KIMI, data], "use": dict(inside)}).status == "permitted"
    assert R.ask({"artifacts": [_KIMI], "use": {"acts": ["use"], **inside}}).status == "permitted"


@fixed((
    "MEDIUM: `--hosting public-api` (README: 'an inference or fine-tuning API, model as a service') "
    "beside `--no-maas-business` is accepted and Kimi K3 is YES for a $1B company "
    "(`can-i host kimi-k3 --commercial --revenue-12m 1B --hosting public-api --no-maas-business`): "
    "kimi_k3.txt §2 defines Model as a Service as 'giving a third party access to language model "
    "inference or fine-tuning (e.g., via API)', so the two facts contradict (an input error, as "
    "`commercial-product` beside `--non-commercial` is) and public-api alone should decide §2"))
def test_kimi_public_api_is_a_model_as_a_service(capsys):
    base = ("host", "kimi-k3", "--commercial", "--revenue-12m", "1B", "--hosting", "public-api",
            "--no-remedies", "--no-profile")
    # Fixed in the license, not as an input error (review 38: other licenses' public APIs serve no
    # language model): Kimi §2 reads a public API of Kimi as a MaaS whatever the business is called.
    assert run_cli(capsys, *base, "--no-maas-business", "--json").json()["status"] == "forbidden"
    assert run_cli(capsys, *base, "--json").json()["status"] == "forbidden"
    assert run_cli(capsys, "host", "black-forest-labs/FLUX.1-schnell", "--hosting", "public-api",
                   "--no-maas-business", "--json", "--no-profile").code == 0


# --- 6. facts that one question cannot state exactly -----------------------------------------

@fixed((
    "LOW: a merge of Llama 3 (counted before 2024-04-18) and Llama 3.1 (before 2024-07-23) reads one "
    "`release_mau` for both §2 thresholds and says nothing; README: the count is 'in the calendar month "
    "before the licensed version's release date', each measure exact. A stated 650M may be 720M at the "
    "other date: a note (or DEPENDS) is owed, not a bare YES"))
def test_one_release_mau_for_two_release_dates_is_noted():
    l3, l31 = "meta-llama/Meta-Llama-3-8B", "meta-llama/Llama-3.1-8B"
    me = {"id": "me/m", "mine": True, "license": "llama3.1", "name": "Llama 3-x", "family": "llama",
          "derived_from": [{"id": l3, "relation": "merge"}, {"id": l31, "relation": "merge"}]}
    answer = R.ask({"artifacts": [{"id": l3}, {"id": l31}, me],
                    "use": {"acts": ["distribute"], "release_mau": 650_000_000, "role": "licensee"}})
    assert answer.status != "permitted" or any("release" in n.message for n in answer.notes), answer.notes


@fixed((
    "LOW: `--on DATE` (use.date) is read and validated but no license clause reads it and no note says "
    "so: hosting Llama 3.1 'on 1999-01-01', before the license existed, answers exactly as any other "
    "date (an input silently ignored)"))
def test_the_date_of_use_is_not_silently_ignored(capsys):
    args = ("host", L31, "--release-mau", "1M", "--json", "--no-remedies", "--no-profile")
    plain = run_cli(capsys, *args).json()
    dated = run_cli(capsys, *args, "--on", "1999-01-01").json()
    assert dated != plain


# --- 7. a misspelt `can-i:` property of a CycloneDX BOM is ignored ---------------------------

def _llama3_ancestor(*props):
    return {"type": "machine-learning-model", "group": "meta-llama", "name": "Meta-Llama-3-8B",
            "purl": "pkg:huggingface/meta-llama/Meta-Llama-3-8B",
            "properties": [{"name": n, "value": v} for n, v in props]}


def _own_bom(path, ancestor, *subject_props):
    mine = {"type": "machine-learning-model", "group": "acme", "name": "student",
            "licenses": [{"license": {"id": "Apache-2.0"}}], "pedigree": {"ancestors": [ancestor]},
            "properties": [{"name": "can-i:mine", "value": "true"},
                           *({"name": n, "value": v} for n, v in subject_props)]}
    return _write(path, {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                         "metadata": {"component": mine}, "components": []})


def _bom_status(capsys, path):
    run = run_cli(capsys, "distribute", path, "--release-mau", "1K", "--json", "--no-remedies", "--no-profile")
    return run.code, run.json().get("status")


def test_guard_the_documented_bom_properties_keep_llama3_distillation_no(tmp_path, capsys):
    assert _bom_status(capsys, _own_bom(tmp_path / "a.json", _llama3_ancestor(("can-i:derived-by", "distilled")))) \
        == (1, "forbidden")
    assert _bom_status(capsys, _own_bom(tmp_path / "b.json", _llama3_ancestor(),
                                        ("can-i:base_model_relation", "distilled"))) == (1, "forbidden")


@pytest.mark.parametrize("where, name", [("ancestor", "can-i:derived_by"), ("ancestor", "can-i:derivedby"),
                                         ("ancestor", "can-i:base_model_relation"),
                                         ("subject", "can-i:base-model-relation"), ("subject", "can-i:relation")])
@fixed((
    "MEDIUM: an unknown `can-i:` property (the documented ones mix `can-i:derived-by` with "
    "`can-i:base_model_relation`, inviting `can-i:derived_by` or `can-i:base-model-relation`; or the "
    "subject's property put on the ancestor) is dropped without a word: the Llama 3 distillation it "
    "states is read as a fine-tune and the BOM is YES, where llama3 §1.b.v makes it NO. JSON requests "
    "refuse an unknown key with 'did you mean'"))
def test_a_misspelt_can_i_property_is_refused(tmp_path, capsys, where, name):
    if where == "ancestor":
        path = _own_bom(tmp_path / "c.json", _llama3_ancestor((name, "distilled")))
    else:
        path = _own_bom(tmp_path / "c.json", _llama3_ancestor(), (name, "distilled"))
    code, status = _bom_status(capsys, path)
    assert code == 2 or status == "forbidden", (code, status)


_LLAMA3_COMPONENT = {"type": "machine-learning-model", "group": "meta-llama", "name": "Meta-Llama-3-8B",
                     "purl": "pkg:huggingface/meta-llama/Meta-Llama-3-8B", "bom-ref": "meta-llama/Meta-Llama-3-8B"}
_BOT = {"type": "machine-learning-model", "group": "acme", "name": "bot", "bom-ref": "acme/bot",
        "licenses": [{"license": {"id": "Apache-2.0"}}]}


def _bom_800m(capsys, path):
    run = run_cli(capsys, "distribute", path, "--release-mau", "800M", "--role", "licensee", "--json",
                  "--no-remedies", "--no-profile")
    return run.json()


def test_guard_a_nested_or_depended_on_llama_component_binds(tmp_path, capsys):
    nested = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
              "metadata": {"component": {**_BOT, "components": [_LLAMA3_COMPONENT]}}, "components": []}
    assert _bom_800m(capsys, _write(tmp_path / "n.json", nested))["status"] == "forbidden"
    depends = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": _BOT},
               "components": [_LLAMA3_COMPONENT],
               "dependencies": [{"ref": "acme/bot", "dependsOn": ["meta-llama/Meta-Llama-3-8B"]}]}
    assert _bom_800m(capsys, _write(tmp_path / "d.json", depends))["status"] == "forbidden"


@fixed((
    "MEDIUM: a CycloneDX BOM that lists Meta-Llama-3-8B among its `components` without a "
    "`dependencies` or pedigree entry (as many generators write an inventory) is YES at 800M users: "
    "the model component is dropped without the note other unjudged components get, where the same "
    "component nested in the subject or depended on is NO (llama3 §2)"))
def test_an_unlinked_model_component_is_judged_or_noted(tmp_path, capsys):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": _BOT},
           "components": [_LLAMA3_COMPONENT]}
    answer = _bom_800m(capsys, _write(tmp_path / "u.json", doc))
    assert answer["status"] != "permitted" or any("Meta-Llama-3-8B" in n["message"] for n in answer["notes"])


@fixed((
    "MEDIUM: the same in SPDX 3: an ai_AIPackage for Meta-Llama-3-8B in the document, no relationship "
    "to the root, is dropped without the `bom_relationships_unread` kind of note an unread "
    "relationship gets: YES at 800M users (llama3 §2)"))
def test_an_unlinked_spdx_model_is_judged_or_noted(tmp_path, capsys):
    from test_hub_bom import ai, spdx3, rel

    lic = {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:apache", "creationInfo": "_:ci",
           "simplelicensing_licenseExpression": "Apache-2.0"}
    doc = spdx3(ai("urn:bot", "acme/bot"), ai("urn:llama", L3), lic,
                rel(1, "hasDeclaredLicense", "urn:bot", "urn:apache"), root="urn:bot")
    answer = _bom_800m(capsys, _write(tmp_path / "u.spdx3.json", doc))
    assert answer["status"] != "permitted" or any("Meta-Llama-3-8B" in n["message"] for n in answer["notes"])


# --- 8. a profile's `name` replaces the name the question states ------------------------------

_NAMED_LINEAGE = {"artifacts": [{"id": L31},
                                {"id": "acme/student", "mine": True, "license": "mit", "family": "mistral",
                                 "name": "Student", "derived_from": [{"id": L31, "relation": "distilled"}]}],
                  "use": {"acts": ["distribute"], "release_mau": 1000}}


def test_guard_the_stated_name_is_no_without_a_profile(tmp_path, capsys):
    path = _write(tmp_path / "lin.json", _NAMED_LINEAGE)
    assert run_cli(capsys, "--request", path, "--no-profile", "--json").json()["status"] == "forbidden"


@fixed((
    "HIGH: a profile stating `name = \"Llama-Acme\"` replaces the name a request's own model states "
    "(`\"name\": \"Student\"`) and the answer turns YES; README: 'a profile only fills what the question "
    "leaves unstated'. llama3.1 §1.b.i, last sentence: a model trained on Llama 3.1 outputs and "
    "distributed must be named 'Llama…', and the model is named Student (NO)"))
def test_a_profile_name_does_not_replace_the_models_stated_name(tmp_path, capsys):
    prof = tmp_path / "p.toml"
    prof.write_text('name = "Llama-Acme"\n', encoding="utf-8")
    path = _write(tmp_path / "lin.json", _NAMED_LINEAGE)
    assert run_cli(capsys, "--request", path, "--profile", prof, "--json").json()["status"] == "forbidden"


@fixed((
    "HIGH: the same through a card: `model_name: Student` on the user's own Llama 3.1 fine-tune, and "
    "a profile `name = \"Llama-Acme\"`: `can-i distribute ./README.md --mine` is YES (NO without the "
    "profile; llama3.1 §1.b.i, last sentence)"))
def test_a_profile_name_does_not_replace_a_cards_model_name(tmp_path, capsys):
    prof = tmp_path / "p.toml"
    prof.write_text('name = "Llama-Acme"\nrelease_mau = "1K"\n', encoding="utf-8")
    card = tmp_path / "card" / "README.md"
    card.parent.mkdir()
    card.write_text(f"---\nlicense: mit\nbase_model: {L31}\nmodel_name: Student\n---\n", encoding="utf-8")
    run = run_cli(capsys, "distribute", card, "--mine", "--profile", prof, "--json", "--no-remedies")
    assert run.json()["status"] == "forbidden"


@fixed((
    "MEDIUM: in one JSON request, `use.name` (\"Llama-x\") silently replaces the user's model's own "
    "`name` (\"Student\"): two statements of one fact that disagree are an input error elsewhere "
    "(`commercial-product` beside `commercial: false`), here the permissive one wins (YES)"))
def test_use_name_and_the_models_name_disagreeing_is_an_error():
    from reasoner.errors import CanIError

    doc = json.loads(json.dumps(_NAMED_LINEAGE))
    doc["use"]["name"] = "Llama-x"
    try:
        answer = R.ask(doc)
    except CanIError:
        return
    assert answer.status == "forbidden", answer.status


@fixed((
    "LOW: `can-i distribute lineage.json --name Llama-x` replaces the name the file's own model states "
    "(`\"name\": \"Student\"`) and says nothing, where an option replacing the file's `use` facts gets a "
    "`lineage_use_merged` note: NO turns DEPENDS without a word"))
def test_name_option_over_a_lineage_models_name_is_noted(tmp_path, capsys):
    doc = json.loads(json.dumps(_NAMED_LINEAGE))
    del doc["use"]["release_mau"]
    path = _write(tmp_path / "lin.json", doc)
    run = run_cli(capsys, "distribute", path, "--name", "Llama-x", "--json", "--no-remedies", "--no-profile")
    # Fixed as the JSON request's two names are (8b): an input error naming both, exit 2.
    assert run.code == 2 and '"Student"' in run.err and "state it once" in run.err, run.err


@fixed((
    "LOW: counts that bound each other are not combined: release_mau_own = 800M (the licensee's own "
    "products) leaves Llama 3 §2 DEPENDS on release_mau (own and affiliates' products, so at least "
    "800M > 700M: NO), and release_mau = 50M leaves Hunyuan §4 DEPENDS on release_mau_own (at most "
    "50M: YES)"))
def test_counts_with_and_without_affiliates_bound_each_other(capsys):
    llama = run_cli(capsys, "host", "llama3", "--release-mau-own", "800M", "--role", "licensee", "--json",
                    "--no-remedies", "--no-profile").json()
    hunyuan = run_cli(capsys, "host", "tencent-hunyuan-community", "--commercial", "--territory", "US",
                      "--release-mau", "50M", "--json", "--no-remedies", "--no-profile").json()
    assert (llama["status"], hunyuan["status"]) == ("forbidden", "permitted")


# --- 9. the user's own dataset of Llama 3 outputs: who generated them is already stated --------

def _own_syn_then_student(**use):
    arts = [{"id": L3},
            {"id": "me/syn", "mine": True, "kind": "dataset", "license": "mit",
             "derived_from": [{"id": L3, "relation": "distilled"}]},
            {"id": "me/student", "mine": True, "license": "mit", "family": "mistral",
             "derived_from": [{"id": "me/syn", "relation": "trained_on"}]}]
    return R.ask({"artifacts": arts, "subject": "me/student",
                  "use": {"acts": ["distribute"], "release_mau": 1000, **use}})


def test_guard_stated_generated_outputs_is_no():
    assert _own_syn_then_student(generated_outputs=True).status == "forbidden"


@fixed((
    "MEDIUM: the user's own dataset (`mine`) made by a `distilled` edge from Llama 3 (README: creating "
    "a mine artifact 'performs the relation of each of its edges on the parent': the user ran Llama 3) "
    "then trains the user's own mistral-family student: DEPENDS on `generated_outputs`, which the "
    "request already states; llama3 §1.b.v makes it NO. (`generated_outputs: false` beside it, a "
    "contradiction, is accepted too)"))
def test_an_own_distilled_dataset_states_who_generated_the_outputs():
    answer = _own_syn_then_student()
    assert answer.status == "forbidden", (answer.status, [d.fact for d in answer.depends_on])


@fixed((
    "MEDIUM: `can-i use kimi-k3 --commercial --maas-business --revenue-12m 1B --hosting internal "
    "--purpose customer-support` is YES: hosting for the organisation only is read as §4(a)'s "
    "'internal use', but that is 'any use that does not make the Software, its outputs, or its "
    "underlying capabilities available to third parties', and customer support hands the outputs to "
    "customers: §2's separate agreement applies (NO), or at least it depends on where the outputs go"))
def test_kimi_internal_hosting_for_customer_support_is_not_internal_use(capsys):
    run = run_cli(capsys, "use", "kimi-k3", "--commercial", "--maas-business", "--revenue-12m", "1B",
                  "--hosting", "internal", "--purpose", "customer-support", "--json", "--no-remedies", "--no-profile")
    assert run.json()["status"] != "permitted"


@pytest.mark.parametrize("parent, lic", [(L3, "llama3"), (L31, "llama3.1")])
@fixed((
    "MEDIUM (a wrong NO): distributing the user's own dataset of Llama 3 / 3.1 outputs named "
    "`syn-data` is NO by the naming sentence, which binds 'an AI model, which is distributed or made "
    "available' ('include \"Llama\" at the beginning of any such AI model name', llama3_1.LICENSE "
    "§1.b.i): a dataset is no AI model (the bans on improving models already spare data, "
    "`target.dataset`); `can-i license-for` likewise tells the dataset's card to start its name with "
    "'Llama 3' and calls it 'This model'"))
def test_the_naming_sentence_does_not_name_a_dataset(parent, lic):
    data = {"id": "acme/syn", "mine": True, "kind": "dataset", "license": "mit", "name": "syn-data",
            "derived_from": [{"id": parent, "relation": "distilled"}]}
    answer = R.ask({"artifacts": [{"id": parent}, data], "use": {"acts": ["distribute"], "release_mau": 1000}})
    assert (lic, NAMING) not in {(r.license, r.clause) for r in answer.reasons}, answer.status


@pytest.mark.parametrize("parent, lic", [(L3, "llama3"), (L31, "llama3.1")])
def test_license_for_a_dataset_of_llama_outputs_names_no_model(parent, lic):
    """Guard for the fix above: `license-for` of the dataset neither asks its name to start with
    Llama nor calls it a model in its NOTICE."""
    from reasoner.advice import license_for
    data = {"id": "acme/syn", "mine": True, "kind": "dataset", "license": "mit",
            "derived_from": [{"id": parent, "relation": "distilled"}]}
    advice = license_for(R, {"artifacts": [{"id": parent}, data], "subject": "acme/syn", "use": {"release_mau": 1000}})
    assert "name_prefix" not in {d.duty for d in advice.duties}
    notice = advice.recommended.notice if advice.recommended else ""
    assert "This model" not in notice and "Its name begins" not in notice, notice


@pytest.mark.parametrize("parent, lic", [(L3, "llama3"), (L31, "llama3.1")])
def test_a_model_trained_on_a_dataset_of_llama_outputs_still_owes_the_prefix(parent, lic):
    """Guard (no wrong YES): the model trained on that dataset and distributed is 'an AI model' the
    outputs helped 'create, train'; named without the prefix it is still NO by the naming sentence."""
    data = {"id": "acme/syn", "mine": True, "kind": "dataset", "license": "mit",
            "derived_from": [{"id": parent, "relation": "distilled"}]}
    model = {"id": "acme/student", "mine": True, "family": "mistral", "name": "Student",
             "derived_from": [{"id": "acme/syn", "relation": "trained_on"}]}
    answer = R.ask({"artifacts": [{"id": parent}, data, model], "subject": "acme/student",
                    "use": {"acts": ["distribute"], "release_mau": 1000, "generated_outputs": True}})
    assert (lic, NAMING) in {(r.license, r.clause) for r in answer.reasons}, answer.status
    assert answer.status != "permitted"


# --- 10. a third party's copy of a multimodal model states it is text-only --------------------

@fixed((
    "MEDIUM: an EU licensee uses `TheBloke/vision-q`, a *quantized* copy of "
    "meta-llama/Llama-3.2-11B-Vision that states `modalities: [\"text\"]`: YES. Quantizing keeps every "
    "modality (the copy is the multimodal model, 'included in Llama 3.2'), so the EU paragraph of the "
    "Llama 3.2 AUP withholds §1(a) (NO, as it is when the copy states no modalities); the stated "
    "modalities contradict the relation and silently win"))
def test_a_quantized_copy_keeps_its_parents_modalities():
    arts = [{"id": VISION}, {"id": "TheBloke/vision-q", "license": "llama3.2", "modalities": ["text"],
                             "derived_from": [{"id": VISION, "relation": "quantized"}]}]
    use = {"acts": ["use"], "domicile": ["DE"], "role": "licensee", "release_mau": 1_000_000}
    unstated = json.loads(json.dumps(arts))
    del unstated[1]["modalities"]
    assert R.ask({"artifacts": unstated, "subject": "TheBloke/vision-q", "use": use}).status == "forbidden"
    assert R.ask({"artifacts": arts, "subject": "TheBloke/vision-q", "use": use}).status == "forbidden"


@fixed((
    "LOW (a wrong NO): `can-i use llama3 --role service-user --release-mau 800M` is NO by §2, whose "
    "count is of 'products or services made available by or for Licensee' and which binds the "
    "Licensee: an end user of someone else's hosted service exercises no right under the agreement "
    "(the Llama 3.2 EU paragraph's own encoding spares end users' use); `downstream` likewise tells "
    "end users of a hosted service that Llama's §2 threshold may forbid them"))
def test_an_end_user_of_a_hosted_service_is_not_counted_as_a_licensee(capsys):
    run = run_cli(capsys, "use", "llama3", "--role", "service-user", "--release-mau", "800M", "--json",
                  "--no-remedies", "--no-profile")
    assert run.json()["status"] == "permitted"


# --- 11. --cyclonedx drops the profile's license policy --------------------------------------

@fixed((
    "MEDIUM: `can-i use mit --profile P --cyclonedx` under a policy that denies mit exits 0 and the "
    "BOM carries no policy verdict, where the text and --json answers exit 1 (README: 'a denied policy "
    "never exits 0')"))
def test_cyclonedx_output_keeps_the_policy_verdict(tmp_path, capsys):
    prof = tmp_path / "p.toml"
    prof.write_text('[policy]\ndeny = ["mit"]\n', encoding="utf-8")
    assert run_cli(capsys, "use", "mit", "--profile", prof, "--json").code == 1
    run = run_cli(capsys, "use", "mit", "--profile", prof, "--cyclonedx")
    props = json.loads(run.out)["metadata"]["component"].get("properties", [])
    assert run.code == 1 and any("polic" in p["name"] for p in props), (run.code, props)


@fixed((
    "LOW (a wrong NO): `can-i use llama3 --as mit --release-mau 1M` is NO by a relicensing conflict "
    "('recipients would get only mit') although nothing is distributed or hosted: with no recipients "
    "`--as` should be refused as --modality is for a verb that creates nothing, or ignored with a note"))
def test_as_without_recipients_is_no_conflict(capsys):
    run = run_cli(capsys, "use", "llama3", "--as", "mit", "--release-mau", "1M", "--json", "--no-remedies",
                  "--no-profile")
    assert run.code == 2 or run.json()["status"] == "permitted"


def test_as_without_recipients_is_refused_through_json_too():
    """The same through a JSON request; a request with no acts (what `license-for` asks: what may
    the model go out under) and one that hosts or makes a model of the user's own keep it."""
    from reasoner.errors import RequestError

    with pytest.raises(RequestError, match="nothing is distributed, hosted or made"):
        R.ask({"licenses": ["llama3"], "use": {"acts": ["use"], "outbound_license": "mit", "release_mau": 1000}})
    assert R.ask({"licenses": ["llama3"], "use": {"acts": ["distribute"], "outbound_license": "mit",
                                                  "release_mau": 1000}}).status == "forbidden"
    mine = {"artifacts": [{"id": L3}, {"id": "me/ft", "mine": True, "derived_from": [{"id": L3, "relation": "finetune"}]}],
            "use": {"acts": ["use"], "outbound_license": "mit", "release_mau": 1000}}
    assert R.ask(mine).status == "forbidden"
