"""Gaps closed in session 4: wrong YESes and silent ignores at the edges.

1. A `hosting` kind that gives others access (public-api, product-feature) is the act `host`,
   whatever acts the request lists (Falcon 180B §9.3 Hosting Use needs a separate license).
2. A relicensing by the licensor is believed only when it is known (catalog) or verified (a Hub
   card fetched with --hub), never because a request invents an id in the licensor's namespace.
3. SPDX 3 relationships that can carry terms are read into the lineage or named in a note.
4. CSV cells that a spreadsheet would run as a formula are neutralised.

Each input path gets a forbidden request pushed through it that must stay unpermitted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner
from reasoner.request import Artifact, Request, Use, read_request
from reasoner.vocabulary import HOSTING_FOR_OTHERS, HOSTING_KINDS

pytestmark = pytest.mark.usefixtures("bundled_kb")

R = Reasoner()
FALCON = "tiiuae/falcon-180B"
FALCON_LICENSE = "falcon-180b-tii-license-1.0"


def status(doc) -> str:
    return R.ask(doc).status


# --- 1. hosting for others is hosting -------------------------------------------------------------

def test_hosting_kinds_for_others_are_declared_once_in_the_vocabulary():
    assert set(HOSTING_FOR_OTHERS) < set(HOSTING_KINDS) and "internal" not in HOSTING_FOR_OTHERS


@pytest.mark.parametrize("kind", HOSTING_FOR_OTHERS)
def test_hosting_for_others_adds_the_host_act_with_a_note(kind):
    request = read_request({"licenses": ["mit"], "use": {"acts": ["use"], "hosting": kind}})
    assert request.use.acts == ("host", "use")
    assert [code for code, _ in request.notes] == ["hosting_is_host"]
    internal = read_request({"licenses": ["mit"], "use": {"acts": ["use"], "hosting": "internal"}})
    assert internal.use.acts == ("use",) and internal.notes == ()
    hosted = read_request({"licenses": ["mit"], "use": {"acts": ["host"], "hosting": kind}})
    assert hosted.use.acts == ("host",) and hosted.notes == ()


def test_use_of_falcon_180b_as_a_public_api_is_no_by_9_3(can_i):
    run = can_i("use", FALCON, "--hosting", "public-api", "--json")
    doc = run.json()
    assert run.code == 1 and doc["status"] == "forbidden"
    assert [(r["license"], r["clause"]) for r in doc["reasons"]] == [(FALCON_LICENSE, "9.3")]
    assert any(n["code"] == "hosting_is_host" and "public-api" in n["message"] for n in doc["notes"])
    human = can_i("use", FALCON, "--hosting", "public-api")
    assert human.code == 1 and "judged as hosting it too" in human.out
    # The remedy "only use it internally" says so and verifies: it also states hosting internal.
    assert "only use it internally" in human.out
    assert can_i("use", FALCON, "--hosting", "public-api", "--grant", "tii").code == 0


@pytest.mark.parametrize("kind, code", [("internal", 0), ("product-feature", 0)])
def test_use_of_falcon_180b_internally_or_in_a_product_is_still_yes(can_i, kind, code):
    assert can_i("use", FALCON, "--hosting", kind).code == code


# Forbidden: Falcon 180B offered to third parties as an API without TII's hosting license.
FORBIDDEN_USE = {"acts": ["use"], "hosting": "public-api", "commercial": True}
MUTATIONS = [
    {"acts": ["use"], "hosting": "public-api"},
    {"acts": ["use"], "hosting": "Public-API"},
    {"acts": ["use"], "hosting": " public-api"},
    {"acts": ["distribute"], "hosting": "public-api"},
    {"acts": ["use", "use"], "hosting": "public-api", "commercial": False},
    {"hosting": "public-api"},
]


def _ok_or_error(doc) -> str:
    try:
        return status(doc)
    except Exception as exc:   # noqa: BLE001 - an input error is never a YES
        return type(exc).__name__


@pytest.mark.parametrize("use", [FORBIDDEN_USE] + MUTATIONS)
def test_a_public_api_never_answers_yes_through_json(use):
    got = _ok_or_error({"artifacts": [{"id": FALCON}], "use": use})
    assert got != "permitted", use
    assert got in ("forbidden", "RequestError")


def test_a_public_api_never_answers_yes_through_a_finetune():
    doc = {"artifacts": [{"id": FALCON}, {"id": "acme/f", "license": "apache-2.0", "mine": True,
                                          "derived_from": [{"id": FALCON, "relation": "finetune"}]}],
           "use": {"hosting": "public-api"}}
    result = R.ask(doc)
    assert result.status == "forbidden" and ("9.3" in {r.clause for r in result.reasons})


def test_a_public_api_never_answers_yes_through_a_hand_built_request_and_batches():
    hand = Request((Artifact(FALCON),), FALCON, Use(acts=("use",), hosting="public-api"))
    assert R.ask(hand).status == "forbidden"
    docs = [{"artifacts": [{"id": FALCON}], "use": dict(use)} for use in [FORBIDDEN_USE] + MUTATIONS[:4]]
    each = [a.status if not isinstance(a, Exception) else "error" for a in R.answer_each(docs)]
    assert "permitted" not in each and each == [_ok_or_error(d).replace("RequestError", "error") for d in docs]
    assert all(a.status != "permitted" for a in R.ask_many(docs[:2]))
    cold = Reasoner(cache_size=0)
    assert cold.ask(docs[0]).status == cold.ask(docs[0]).status == "forbidden"


def test_a_public_api_never_answers_yes_through_the_request_file_and_stdin(can_i, tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"artifacts": [{"id": FALCON}], "use": FORBIDDEN_USE}))
    assert can_i("--request", str(path), "--json").code == 1
    assert can_i("--request", "-", "--json", stdin=path.read_text()).code == 1


def test_a_public_api_never_answers_yes_through_a_lineage_file(can_i, tmp_path):
    path = tmp_path / "lineage.toml"
    path.write_text(f'[[artifacts]]\nid = "{FALCON}"\n[use]\nhosting = "public-api"\n')
    run = can_i("use", str(path), "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden"


def test_a_public_api_never_answers_yes_through_a_profile(can_i, tmp_path, monkeypatch):
    profile = tmp_path / "can-i.toml"
    profile.write_text('hosting = "public-api"\n')
    run = can_i("use", FALCON, "--profile", str(profile), "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden"
    # The command line wins over the profile: stated internal, it is plain use again.
    assert can_i("use", FALCON, "--profile", str(profile), "--hosting", "internal").code == 0


def test_a_public_api_never_answers_yes_through_the_installed_command():
    """The cold entry point (reasoner.fast) answers as the in-process CLI does."""
    env = {**os.environ, "CAN_I_PROFILE": "none"}
    run = subprocess.run([sys.executable, "-c", "import sys; from reasoner.fast import main; sys.exit(main())",
                          "use", FALCON, "--hosting", "public-api", "--json"],
                         capture_output=True, text=True, env=env, cwd=Path(__file__).parent.parent)
    assert run.returncode == 1 and json.loads(run.stdout)["status"] == "forbidden", run.stderr


# --- 2. a licensor's release is believed only when the catalog knows it ----------------------------

LLAMA3_8B = "meta-llama/Meta-Llama-3-8B"
# Forbidden: hosting Llama 3 material for 800M users at release (§2), under an invented Meta id.
OVER_THRESHOLD = {"acts": ["host"], "release_mau": "800M", "role": "licensee"}


def invented(artifact_id="meta-llama/whatever", **extra):
    return [{"id": artifact_id, "license": "mit", **extra,
             "derived_from": [{"id": LLAMA3_8B, "relation": "finetune"}]}]


def test_an_invented_id_in_the_licensors_namespace_keeps_the_base_terms_with_a_risk_saying_why():
    result = R.ask({"artifacts": invented(), "use": OVER_THRESHOLD})
    assert result.status == "forbidden" and ("llama3", "2") in {(r.license, r.clause) for r in result.reasons}
    assert {a.license for a in result.applicable} >= {"llama3", "mit"}
    assert not any(a.relicensed for a in result.applicable)
    risk = [r for r in result.risks if r.risk == "relabelled"]
    assert len(risk) == 1 and "not a release can-i knows" in risk[0].message
    # A third party's relabel keeps the plain relabelling risk.
    other = R.ask({"artifacts": invented("acme/whatever"), "use": OVER_THRESHOLD})
    assert [r.message for r in other.risks if r.risk == "relabelled"][0].startswith("`acme/whatever` declares other")


def test_a_request_cannot_say_its_artifact_is_listed():
    from reasoner.errors import RequestError

    with pytest.raises(RequestError, match="listed"):
        R.ask({"artifacts": invented(listed=True), "use": OVER_THRESHOLD})


def test_a_catalog_release_by_the_licensor_is_still_believed():
    result = R.ask({"artifacts": [{"id": "deepseek-ai/DeepSeek-R1"}], "use": {"acts": ["use"], "purposes": ["military"]}})
    assert result.status == "permitted" and {a.license for a in result.applicable} == {"mit"}
    assert any(n.code == "relicensed_by_licensor" for n in result.notes)


@pytest.mark.parametrize("artifacts", [
    invented(),
    invented("Meta-Llama/whatever"),
    invented(" meta-llama /whatever"),
    invented("META-LLAMA/Whatever", publisher="meta-llama"),
    invented("meta-llama/Meta-Llama-3-8B-Instruct-v2"),
    [{"id": "meta-llama/whatever", "license": "mit", "family": "llama",
      "derived_from": [{"id": LLAMA3_8B, "relation": "merge"}, {"id": "mistralai/Mistral-7B-v0.1", "relation": "merge"}]}],
    invented() + [{"id": "acme/mine", "license": "mit", "mine": True,
                   "derived_from": [{"id": "meta-llama/whatever", "relation": "finetune"}]}],
])
def test_an_invented_licensor_release_never_answers_yes_through_json(artifacts):
    got = _ok_or_error({"artifacts": artifacts, "use": OVER_THRESHOLD})
    assert got in ("forbidden", "RequestError"), artifacts


def test_an_invented_deepseek_release_keeps_the_deepseek_use_restrictions():
    doc = {"artifacts": [{"id": "deepseek-ai/r1-fake", "license": "mit",
                          "derived_from": [{"id": "deepseek-ai/DeepSeek-V3-Base", "relation": "finetune"}]}],
           "use": {"acts": ["use"], "purposes": ["military"]}}
    assert status(doc) == "forbidden"
    hand = read_request(doc)
    assert R.ask(hand).status == "forbidden"
    assert [a.status for a in R.answer_each([doc, doc])] == ["forbidden", "forbidden"]


def test_an_invented_licensor_release_never_answers_yes_through_the_cli(can_i, tmp_path):
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"artifacts": invented(), "use": OVER_THRESHOLD}))
    assert can_i("--request", str(request), "--json").code == 1
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": invented()}))
    run = can_i("host", str(lineage), "--release-mau", "800M", "--role", "licensee", "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden"
    # A fine-tune of the invented release, through the verb that creates it.
    run = can_i("finetune", str(lineage), "--and", "host", "--release-mau", "800M", "--role", "licensee", "--json")
    assert run.code == 1


def test_a_catalog_release_and_an_invented_one_of_the_same_shape_are_not_confused_by_caches():
    def doc(artifact_id):
        return {"artifacts": [{"id": artifact_id, "license": "mit",
                               "derived_from": [{"id": "deepseek-ai/DeepSeek-V3-Base", "relation": "finetune"}]}],
                "use": {"acts": ["use"], "purposes": ["military"]}}
    docs = [doc("deepseek-ai/DeepSeek-R1"), doc("deepseek-ai/r1-fake")] * 2
    for reasoner in (R, Reasoner(cache_size=0)):
        assert [a.status for a in reasoner.answer_each(docs)] == ["permitted", "forbidden"] * 2
        assert [reasoner.ask(d).status for d in docs] == ["permitted", "forbidden"] * 2


# --- 3. SPDX 3 relationships that carry terms are read, the rest named ---------------------------

sys.path.insert(0, str(Path(__file__).parent))
from test_hub_bom import FORBIDDEN_CONTEXT, LLAMA, ai, rel, spdx3, write  # noqa: E402


def bom_answer(can_i, tmp_path, doc, *argv, act="distribute"):
    run = can_i(act, str(write(tmp_path, doc, "bom.spdx3.json")), *argv, "--json")
    return run.code, run.json()


def licensed(spdx_id, license_id, i):
    return rel(i, "hasDeclaredLicense", spdx_id, f"https://spdx.org/licenses/{license_id}")


@pytest.mark.parametrize("relations", [
    [rel(1, "generates", "urn:llama", "urn:ft")],
    [{"type": "build_Build", "spdxId": "urn:build", "creationInfo": "_:ci"},
     rel(1, "hasInput", "urn:build", "urn:llama"), rel(2, "hasOutput", "urn:build", "urn:ft")],
    [rel(1, "hasVariant", "urn:llama", "urn:ft")],
    [rel(1, "expandsTo", "urn:ft", "urn:llama")],
])
def test_a_relabelled_llama_derivative_stays_no_through_each_spdx_relationship(can_i, tmp_path, relations):
    doc = spdx3(ai("urn:ft", "acme/llama-ft"), ai("urn:llama", LLAMA), licensed("urn:ft", "Apache-2.0", 9),
                *relations, root="urn:ft")
    code, answer = bom_answer(can_i, tmp_path, doc, *FORBIDDEN_CONTEXT)
    assert (code, answer["status"]) == (1, "forbidden"), answer
    assert ("llama3", "2") in {(r["license"], r["clause"]) for r in answer["reasons"]}


def test_a_build_with_nc_data_as_input_makes_the_output_trained_on_it(can_i, tmp_path):
    doc = spdx3(ai("urn:ft", "acme/ft"), ai("urn:data", "acme/chats", "dataset_DatasetPackage"),
                licensed("urn:ft", "MIT", 8), licensed("urn:data", "CC-BY-NC-4.0", 9),
                {"type": "build_Build", "spdxId": "urn:build", "creationInfo": "_:ci"},
                rel(1, "hasInput", "urn:build", "urn:data"), rel(2, "hasOutput", "urn:build", "urn:ft"), root="urn:ft")
    code, answer = bom_answer(can_i, tmp_path, doc, "--commercial", act="host")
    assert code == 1 and "cc-by-nc-4.0" in {r["license"] for r in answer["reasons"]}


def test_synthetic_data_a_gemma_model_generates_carries_gemma_to_the_model_trained_on_it(can_i, tmp_path):
    """Gemma §1.1(e): a model trained on Gemma's synthetic outputs is a Model Derivative."""
    doc = spdx3(ai("urn:student", "acme/student"), ai("urn:gemma", "google/gemma-2b"),
                ai("urn:data", "acme/synthetic", "dataset_DatasetPackage"),
                licensed("urn:student", "Apache-2.0", 8), licensed("urn:data", "CC-BY-4.0", 9),
                rel(1, "generates", "urn:gemma", "urn:data"), rel(2, "trainedOn", "urn:student", "urn:data"),
                root="urn:student")
    code, answer = bom_answer(can_i, tmp_path, doc, "--as", "apache-2.0")
    assert code == 1 and "gemma" in {r["license"] for r in answer["reasons"]}, answer
    assert any(a["license"] == "gemma" and a["artifact"] == "acme/student" for a in answer["applicable"])


def test_a_relationship_not_read_as_lineage_is_named_in_a_note(can_i, tmp_path):
    doc = spdx3(ai("urn:ft", "acme/ft"), ai("urn:data", "acme/eval", "dataset_DatasetPackage"),
                licensed("urn:ft", "MIT", 8), licensed("urn:data", "MIT", 9),
                rel(1, "testedOn", "urn:ft", "urn:data"), rel(2, "hasDocumentation", "urn:ft", "urn:doc2"),
                root="urn:ft")
    code, answer = bom_answer(can_i, tmp_path, doc)
    notes = [n["message"] for n in answer["notes"] if n["code"] == "bom_relationships_unread"]
    assert code == 0 and len(notes) == 1
    assert "testedOn ×1" in notes[0] and "hasDocumentation ×1" in notes[0]
    human = can_i("distribute", str(write(tmp_path, doc, "bom.spdx3.json")))
    assert "relationships not read as lineage" in human.out


# --- 4. CSV cells a spreadsheet would run are neutralised ----------------------------------------

def test_csv_cells_that_start_a_formula_are_prefixed_with_a_quote(can_i, tmp_path, monkeypatch):
    import csv
    import io

    hostile = tmp_path / "=cards.jsonl"
    hostile.write_text("\n".join(json.dumps(line) for line in [
        {"id": '=HYPERLINK("http://evil","x")/m',
         "cardData": {"license": "apache-2.0", "base_model": "meta-llama/Meta-Llama-3-8B"}},
        {"id": "@SUM(1+1)/n", "cardData": {"license": "-2+3"}},
        {"id": "+cmd/o", "cardData": {"license": "mit"}},
        {"id": "\tx/p", "cardData": {"license": "mit"}},
        {"id": "plain/q", "cardData": {"license": "mit"}},
    ]) + "\n")
    monkeypatch.chdir(tmp_path)
    run = can_i("audit", hostile.name, "--csv")
    assert run.code == 1   # the relabelled Llama fine-tune stays forbidden
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0][0] == "id"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["'=HYPERLINK(\"http://evil\",\"x\")/m"][1] == "forbidden"
    assert "plain/q" in by_id and by_id["plain/q"][4].startswith("'=")   # the source file's name too
    assert any(row[3] == "'-2+3" for row in rows[1:])


# --- 5. remedies for UNKNOWN answers: a known license it may be under, verified ------------------

from reasoner.remedies import apply_changes, normalized_document  # noqa: E402


def unknown_doc(license_text, **use):
    return {"artifacts": [{"id": "acme/x", "license": license_text}],
            "use": {"acts": ["use"], **use}, "remedies": True}


@pytest.mark.parametrize("license_text, offered", [
    ("apache2", ["apache-2.0"]),
    ("mit AND apache2", ["apache-2.0"]),
    ("Apache-2", ["apache-2.0"]),
])
def test_an_unknown_license_spelt_like_a_known_one_gets_a_verified_remedy(license_text, offered):
    doc = unknown_doc(license_text)
    answer = R.ask(doc)
    assert answer.status == "unknown"
    assert [c.params["license"] for r in answer.remedies for c in r.changes][:len(offered)] == offered
    for remedy in answer.remedies:
        assert [c.kind for c in remedy.changes] == ["state_license"]
        edits = [e for c in remedy.changes for e in c.edits]
        again = Reasoner(cache_size=0).ask(apply_changes(normalized_document(doc), edits))
        assert again.status == "permitted", remedy


def test_no_remedy_is_offered_when_the_closest_known_license_is_not_yes():
    """`cc-by-nc-4.O` used commercially: under cc-by-nc-4.0 (closest) it is NO, so neither it nor
    a farther permissive license is offered."""
    answer = R.ask(unknown_doc("cc-by-nc-4.O", commercial=True))
    assert answer.status == "unknown" and answer.remedies == []
    note = [n.message for n in answer.notes if n.code == "no_remedy"]
    assert len(note) == 1 and "cc-by-nc-4.0, answers forbidden" in note[0]
    assert R.ask(unknown_doc("cc-by-nc-4.O", commercial=False)).remedies   # non-commercial: YES under it


@pytest.mark.parametrize("artifacts", [
    [{"id": "acme/x"}],
    [{"id": "acme/x", "license": "other", "license_name": "Some Custom Terms"}],
    [{"id": "acme/x", "license": "foo"}, {"id": "acme/y", "license": "bar", "derived_from": [
        {"id": "acme/x", "relation": "finetune"}]}],
])
def test_an_unknown_answer_without_a_near_license_says_what_to_state(artifacts):
    answer = R.ask({"artifacts": artifacts, "use": {"acts": ["use"]}, "remedies": True})
    assert answer.status == "unknown" and answer.remedies == []
    note = [n.message for n in answer.notes if n.code == "no_remedy"]
    assert len(note) == 1 and "state the license of `acme/x`" in note[0]


@pytest.mark.parametrize("license_text", ["llama3 AND apache2", "apache2 AND llama3", "(apache2) AND llama3"])
def test_an_unknown_beside_a_forbidding_license_stays_not_permitted_with_its_remedies(license_text):
    doc = unknown_doc(license_text, release_mau="800M", role="licensee")
    doc["use"]["acts"] = ["host"]
    answer = R.ask(doc)
    assert answer.status in ("forbidden", "unknown")
    for remedy in answer.remedies:   # whatever is offered verifies; nothing offered on its own makes YES
        edits = [e for c in remedy.changes for e in c.edits]
        again = Reasoner(cache_size=0).ask(apply_changes(normalized_document(doc), edits))
        assert again.status == "permitted", remedy
    assert not any(c.kind == "state_license" for r in answer.remedies for c in r.changes)


def test_unknown_remedies_through_the_cli(can_i, tmp_path):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [{"id": "acme/x", "license": "apache2"}]}))
    run = can_i("use", str(lineage))
    assert run.code == 3 and "To make it YES" in run.out and "is under apache-2.0" in run.out
    assert "To make it YES" not in can_i("use", str(lineage), "--no-remedies").out
    doc = can_i("use", str(lineage), "--json").json()
    assert doc["status"] == "unknown" and doc["remedies"][0]["changes"][0]["kind"] == "state_license"


from test_hub_bom import hub  # noqa: E402,F401 - the recorded Hub fixture


def test_a_licensor_release_read_from_its_hub_card_is_believed_and_a_different_declaration_is_not(
        can_i, tmp_path, hub):  # noqa: F811
    release = "deepseek-ai/r9-hub-release"
    hub.models[release] = "license: mit\nbase_model: deepseek-ai/DeepSeek-V3-Base\n"
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [{"id": release}]}))
    run = can_i("use", str(lineage), "--hub", "--purpose", "military", "--json")
    doc = run.json()
    assert run.code == 0 and doc["status"] == "permitted", doc
    assert any(n["code"] == "relicensed_by_licensor" for n in doc["notes"])
    assert can_i("use", str(lineage), "--purpose", "military", "--json").code != 0   # not read: not believed
    # The card says MIT: a request declaring other terms for it is not the publisher's statement.
    other = {"artifacts": [{"id": release, "license": "apache-2.0",
                            "derived_from": [{"id": "deepseek-ai/DeepSeek-V3-Base", "relation": "finetune"}]}],
             "use": {"acts": ["use"], "purposes": ["military"]}}
    assert status(other) == "forbidden"
    # Nor does a card read for one id vouch for another in the namespace.
    other["artifacts"][0].update(id="deepseek-ai/r9-hub-release-2", license="mit")
    assert status(other) == "forbidden"
