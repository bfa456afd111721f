"""Separate licenses the user holds (`--grant`, `use.grants`): from a licensor, for artifacts.

A grant counts only where it covers the artifact acted on: a deal with Cohere on CC-BY-NC terms
does not clear someone else's CC-BY-NC dataset, and a license from Google does not lift Meta's
threshold. Unknown licensors, licenses and artifacts are input errors with "did you mean".
"""

from __future__ import annotations

import copy
import json
import unicodedata

import pytest

from conftest import run_cli
from reasoner.api import Reasoner
from reasoner.errors import CanIError, LicenseFileError, RequestError
from reasoner.parse import parse_text

AYA = "CohereForAI/aya-23-8B"
DATASET = "someone/nc-dataset"
LLAMA = "meta-llama/Meta-Llama-3-8B"


pytestmark = pytest.mark.usefixtures("bundled_kb")   # conftest: the bundled knowledge base


def cohere_stack(grants, with_dataset: bool = True) -> dict:
    """A commercial bot fine-tuned from Aya (CC-BY-NC, by Cohere) and trained on another
    publisher's CC-BY-NC dataset."""
    artifacts = [{"id": AYA, "license": "cc-by-nc-4.0"}]
    edges = [{"id": AYA, "relation": "finetune"}]
    if with_dataset:
        artifacts.append({"id": DATASET, "license": "cc-by-nc-4.0"})
        edges.append({"id": DATASET, "relation": "trained_on"})
    artifacts.append({"id": "acme/bot", "mine": True, "derived_from": edges})
    return {"artifacts": artifacts, "subject": "acme/bot",
            "use": {"acts": ["host"], "commercial": True, "grants": grants}}


def llama_at_800m(grants) -> dict:
    return {"artifacts": [{"id": LLAMA}], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee", "grants": grants}}


# --- what a grant covers -------------------------------------------------------------------------

@pytest.mark.parametrize("grant", [f"cc-by-nc-4.0:{AYA}", f"CohereForAI:{AYA}",
                                   {"license": "cc-by-nc-4.0", "artifacts": [AYA]},
                                   {"licensor": "CohereForAI", "artifacts": [AYA]}])
def test_a_cc_by_nc_grant_for_aya_does_not_clear_another_cc_by_nc_artifact(reasoner, grant):
    # The grant is real: alone, Aya is cleared for commercial use...
    assert reasoner.ask(cohere_stack([grant], with_dataset=False)).status == "permitted"
    assert reasoner.ask(cohere_stack([], with_dataset=False)).status == "forbidden"
    # ...but the other CC-BY-NC dataset stays forbidden for commercial use.
    result = reasoner.ask(cohere_stack([grant]))
    assert result.status == "forbidden"
    # Training on the dataset, and (its terms following trained_on, read conservatively) the
    # bot trained on it; never Aya, which the grant covers.
    assert DATASET in {r.artifact for r in result.reasons}
    assert {r.artifact for r in result.reasons} <= {DATASET, "acme/bot"}
    assert all(r.license == "cc-by-nc-4.0" for r in result.reasons)


def test_grants_for_both_cc_by_nc_artifacts_clear_the_stack(reasoner):
    grants = [f"CohereForAI:{AYA}", {"license": "cc-by-nc-4.0", "artifacts": [DATASET]}]
    assert reasoner.ask(cohere_stack(grants)).status == "permitted"


def test_llama3_at_800m_users_is_cleared_by_a_grant_from_meta_not_from_google(capsys):
    code, out, _ = run_cli(capsys, "host", LLAMA, "--release-mau", "800M", "--role", "licensee", "--grant", "meta")
    assert code == 0 and out.startswith("YES")
    assert "grant `meta` was read as a separate license from meta" in out
    code, out, _ = run_cli(capsys, "host", LLAMA, "--release-mau", "800M", "--role", "licensee", "--grant", "google")
    assert code == 1 and out.startswith("NO")
    assert "llama3 (2024-04-18) §2" in out
    assert "grant `google` was read as a separate license from google" in out
    assert "covers nothing" in out


def test_the_old_license_form_still_works_and_says_what_it_covered(capsys):
    code, out, _ = run_cli(capsys, "host", LLAMA, "--release-mau", "800M", "--role", "licensee", "--grant", "llama3", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["status"] == "permitted"
    assert doc["notes"] == [{"code": "grant_covered", "message":
                             "grant `llama3` was read as a separate license from meta under llama3 for every "
                             f"artifact under it; it covers llama3 on `{LLAMA}`"}]


def test_a_license_form_grant_covers_only_that_license(reasoner):
    # Meta's Llama 3.1 license is not Llama 3's: a grant under llama3 leaves a 3.1 model forbidden.
    doc = {"licenses": ["llama3.1"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee", "grants": ["llama3"]}}
    result = reasoner.ask(doc)
    assert result.status == "forbidden"
    assert [n.code for n in result.notes] == ["grant_unused"]
    doc["use"]["grants"] = ["meta"]
    assert reasoner.ask(doc).status == "permitted"


def test_the_old_form_of_a_template_license_covers_the_one_artifact_under_it(reasoner):
    result = reasoner.ask(cohere_stack(["cc-by-nc-4.0"], with_dataset=False))
    assert result.status == "permitted"
    [note] = result.notes
    assert note.code == "grant_covered"
    assert f"under cc-by-nc-4.0 for `{AYA}`" in note.message


def test_the_old_form_of_a_template_license_under_two_artifacts_asks_whose(reasoner, capsys):
    with pytest.raises(RequestError, match=r"cc-by-nc-4\.0:ARTIFACT") as error:
        reasoner.ask(cohere_stack(["cc-by-nc-4.0"]))
    assert error.value.location == "use.grants[0]"


def test_a_template_license_grant_under_no_artifact_of_the_question_covers_nothing(reasoner):
    result = reasoner.ask(llama_at_800m(["apache-2.0"]))
    assert result.status == "forbidden"
    assert [n.code for n in result.notes] == ["grant_unused"]


def test_a_grant_for_a_base_model_covers_its_finetune_but_not_a_merge_with_another_llama(reasoner):
    base = {"id": LLAMA}
    other = {"id": "someone/llama3-finetune", "license": "llama3"}

    def bot(*parents):
        return {"artifacts": [base, other, {"id": "acme/bot", "mine": True, "derived_from": [
            {"id": p, "relation": "merge" if len(parents) > 1 else "finetune"} for p in parents]}],
            "subject": "acme/bot", "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee", "grants": [f"meta:{LLAMA}"]}}

    assert reasoner.ask(bot(LLAMA)).status == "permitted"
    merged = reasoner.ask(bot(LLAMA, "someone/llama3-finetune"))
    assert merged.status == "forbidden"
    assert {(r.license, r.clause) for r in merged.reasons} == {("llama3", "2")}


def test_a_grant_from_meta_does_not_cover_a_template_license_on_a_meta_model(reasoner):
    doc = {"artifacts": [{"id": "meta-llama/some-model", "license": "cc-by-nc-4.0"}],
           "use": {"acts": ["host"], "commercial": True, "grants": ["meta"]}}
    assert reasoner.ask(doc).status == "forbidden"
    doc["use"]["grants"] = ["meta-llama:meta-llama/some-model"]   # its publisher, for that artifact
    assert reasoner.ask(doc).status == "permitted"


def test_a_grant_from_a_publisher_covers_only_the_artifacts_it_published(reasoner):
    grant = {"licensor": "CohereForAI", "artifacts": [AYA, DATASET]}
    result = reasoner.ask(cohere_stack([grant]))
    assert result.status == "forbidden"
    assert DATASET in {r.artifact for r in result.reasons}
    assert {r.artifact for r in result.reasons} <= {DATASET, "acme/bot"}   # trained_on reach


# --- input errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("grant, hint", [
    ("metta", "did you mean `meta`?"),
    ("llama33", "`llama3.3`"),
    ("gogle", "did you mean `google`?"),
    ("ＭＥＴＡ", "did you mean `meta`?"),
])
def test_an_unknown_licensor_or_license_is_exit_2_with_a_suggestion(capsys, grant, hint):
    code, out, err = run_cli(capsys, "host", LLAMA, "--release-mau", "800M", "--role", "licensee", "--grant", grant)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert f"unknown license or licensor `{grant.lower()}`" in err and hint in err


def test_an_unknown_licensor_in_json_is_a_request_error_with_suggestions(capsys, tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(llama_at_800m([{"licensor": "gogle"}])))
    code, out, _ = run_cli(capsys, "--request", path, "--json")
    error = json.loads(out)["error"]
    assert code == 2 and error["code"] == "request"
    # where the file writes the field, then its JSON path (tests/test_edges6.py)
    assert error["location"].startswith(f"{path}:1:") and error["location"].endswith(": use.grants[0].licensor")
    assert "did you mean `google`?" in error["message"]


@pytest.mark.parametrize("grant, where, words", [
    (f"meta:{LLAMA.lower()}", "use.grants[0]", f"did you mean `{LLAMA}`"),
    ("meta:nobody/model", "use.grants[0]", "not among the artifacts"),
    ("", "use.grants[0]", "names no licensor or license"),
    ("  ", "use.grants[0]", "names no licensor or license"),
    (":" + LLAMA, "use.grants[0]", "names no licensor or license"),
    ("meta:", "use.grants[0]", "without an artifact"),
    ("cohereforai", "use.grants[0]", "unknown license or licensor"),
    ({}, "use.grants[0]", "needs a `licensor` or a `license`"),
    ({"artifacts": [LLAMA]}, "use.grants[0]", "needs a `licensor` or a `license`"),
    ({"licensor": ""}, "use.grants[0].licensor", "is empty"),
    ({"licensor": " "}, "use.grants[0].licensor", "is empty"),
    ({"licensor": 3}, "use.grants[0].licensor", "must be a string"),
    ({"licensor": None}, "use.grants[0]", "needs a `licensor` or a `license`"),
    ({"licensor": "meta", "artifacts": []}, "use.grants[0].artifacts", "is empty"),
    ({"licensor": "meta", "artifacts": [""]}, "use.grants[0].artifacts[0]", "is empty"),
    ({"licensor": "meta", "artifacts": LLAMA}, "use.grants[0].artifacts", "must be a list"),
    ({"licensor": "meta", "artifact": [LLAMA]}, "use.grants[0].artifact", "did you mean `artifacts`"),
    ({"licensor": "meta", "licence": "llama3"}, "use.grants[0].licence", "did you mean `license`"),
    ({"license": "llama3", "licensor": "google"}, "use.grants[0]", "licensed by `meta`, not `google`"),
    ({"license": "llama-3"}, "use.grants[0].license", "unknown license"),
    ({"licensor": "cohereforai"}, "use.grants[0].licensor", "unknown licensor"),
    (["meta"], "use.grants[0]", "a string (LICENSOR[:ARTIFACT]) or an object"),
    (None, "use.grants[0]", "a string (LICENSOR[:ARTIFACT]) or an object"),
    ("meta\x00", "use.grants[0]", "NUL"),
])
def test_a_malformed_grant_is_an_input_error_naming_the_field(reasoner, grant, where, words):
    with pytest.raises(RequestError) as error:
        reasoner.ask(llama_at_800m([grant]))
    assert error.value.location == where
    assert words in error.value.message


def test_grants_must_be_a_list(reasoner):
    for value in ("meta", {"licensor": "meta"}, 1):
        with pytest.raises(RequestError, match="use.grants"):
            reasoner.ask(llama_at_800m(value))


def test_an_empty_grants_list_holds_no_grant(reasoner):
    assert reasoner.ask(llama_at_800m([])).status == "forbidden"


# --- mutations of forbidden requests never give YES ---------------------------------------------

def _case_and_unicode_forms(text: str) -> list[str]:
    forms = {text.upper(), text.lower(), text.swapcase(), text.title(), " " + text, text + " ",
             unicodedata.normalize("NFD", text.replace("a", "á")),
             "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text),   # full width
             text.replace("i", "ı"), text.replace("-", "‐"), text.replace("/", "∕"), text + "\u200b"}
    forms.discard(text)
    return sorted(forms)


def _grant_mutations(grant) -> list:
    """The grant with case, Unicode form and junk changes in each of its parts."""
    out = []
    if isinstance(grant, str):
        head, colon, tail = grant.partition(":")
        out += [form + colon + tail for form in _case_and_unicode_forms(head)]
        if colon:
            out += [head + colon + form for form in _case_and_unicode_forms(tail)]
            # (Dropping the artifact is no mutation: `meta` alone is a documented, broader grant.)
            out += [head + ":", tail, grant + "," + tail, grant.replace(":", "::")]
        out.append({"license" if "-" in head else "licensor": head, "artifacts": [tail] if colon else []})
        return out
    for key, value in grant.items():
        if isinstance(value, str):
            out += [{**grant, key: form} for form in _case_and_unicode_forms(value)]
        else:
            out += [{**grant, key: [form]} for item in value for form in _case_and_unicode_forms(item)]
            out += [{**grant, key: []}, {**grant, key: value * 2}, {**grant, key: value[0]}]
    out += [{**grant, "junk": True}, {**grant, "artifacts": []}, {**grant, "licensee": "me"}]
    return out


FORBIDDEN = [
    ("cohere, license form", cohere_stack([f"cc-by-nc-4.0:{AYA}"])),
    ("cohere, publisher form", cohere_stack([f"CohereForAI:{AYA}"])),
    ("cohere, object", cohere_stack([{"license": "cc-by-nc-4.0", "licensor": "CohereForAI", "artifacts": [AYA]}])),
    ("llama from google", llama_at_800m(["google"])),
    ("llama under gemma", llama_at_800m(["gemma"])),
    ("llama, google object", llama_at_800m([{"licensor": "google"}])),
    ("llama, meta for another artifact", {
        "artifacts": [{"id": LLAMA}, {"id": "other/llama", "license": "llama3"},
                      {"id": "acme/bot", "mine": True, "derived_from": [
                          {"id": LLAMA, "relation": "merge"}, {"id": "other/llama", "relation": "merge"}]}],
        "subject": "acme/bot", "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee", "grants": [f"meta:{LLAMA}"]}}),
]


def _mutations(doc: dict) -> list[dict]:
    [grant] = doc["use"]["grants"]
    out = []
    for mutated in _grant_mutations(grant):
        other = copy.deepcopy(doc)
        other["use"]["grants"] = [mutated]
        out.append(other)
    for extra in ([], [[]], [{}], [""], [grant, grant], [grant, {"junk": 1}]):
        other = copy.deepcopy(doc)
        other["use"]["grants"] = [grant] + extra
        out.append(other)
    # Ids renamed consistently (case, Unicode form) everywhere, grant included.
    text = json.dumps(doc, ensure_ascii=False)
    for old in (AYA, DATASET, LLAMA):
        if old in text:
            for form in _case_and_unicode_forms(old):
                out.append(json.loads(text.replace(json.dumps(old)[1:-1], json.dumps(form)[1:-1])))
    return out


@pytest.mark.parametrize("name, doc", FORBIDDEN, ids=[n for n, _ in FORBIDDEN])
def test_mutations_of_a_forbidden_request_through_the_grant_path_never_give_yes(reasoner, name, doc):
    assert reasoner.ask(doc).status == "forbidden"
    mutations = _mutations(doc)
    assert len(mutations) > 20
    outcomes = set()
    for mutated in mutations:
        try:
            status = reasoner.ask(mutated).status
        except CanIError as exc:
            status = "error"
            assert str(exc).strip()
        assert status != "permitted", json.dumps(mutated, ensure_ascii=False)
        outcomes.add(status)
    assert "error" in outcomes   # the mutations reach the checks, not only the rules


# --- the DSL -------------------------------------------------------------------------------------

def test_licensor_id_is_an_optional_lower_case_word():
    [lic] = parse_text('license x { name "X" licensor "X Corp" licensor_id xcorp }', "t.lic")
    assert lic.licensor_id == "xcorp"
    [plain] = parse_text('license y { name "Y" }', "t.lic")
    assert plain.licensor_id is None
    for bad in ('licensor_id "xcorp"', "licensor_id XCorp", "licensor_id 3"):
        with pytest.raises(LicenseFileError, match="licensor_id"):
            parse_text(f'license x {{ name "X" {bad} }}', "t.lic")


def test_bundled_licensor_ids_are_no_license_ids_and_template_licenses_have_none(reasoner):
    licenses = {c.license.id: c.license for c in reasoner.kb.licenses.values()}
    keys = {lic.licensor_id for lic in licenses.values() if lic.licensor_id}
    assert keys and not keys & set(licenses)
    assert {licenses[i].licensor_id for i in ("llama3", "llama3.1", "llama4")} == {"meta"}
    assert licenses["gemma"].licensor_id == "google"
    for template in ("apache-2.0", "mit", "cc-by-nc-4.0", "gpl-3.0", "creativeml-openrail-m", "openrail++"):
        assert licenses[template].licensor_id is None, template


def test_a_reasoner_with_its_own_licenses_reads_grants_by_their_licensor_id():
    kb_text = ('license big { name "Big" licensor_id acme clause "1" "Grant" { grant all } '
               'clause "2" "Scale" { needs separate license when release_mau > 100 } }')
    from tests.conftest import make_reasoner

    r: Reasoner = make_reasoner(kb_text)
    doc = {"licenses": ["big"], "use": {"acts": ["use"], "release_mau": 1000, "role": "licensee", "grants": ["acme"]}}
    assert r.ask(doc).status == "permitted"
    doc["use"]["grants"] = ["acm"]
    with pytest.raises(RequestError, match="did you mean `acme`"):
        r.ask(doc)


def test_an_embedder_building_a_use_may_give_grants_as_strings(reasoner):
    from reasoner.request import Artifact, Request, Use

    def ask(grant):
        use = Use(acts=("host",), release_mau=800_000_000, role="licensee", grants=(grant,))
        return reasoner.ask(Request((Artifact("x", license="llama3"),), "x", use)).status

    assert (ask("meta"), ask("google")) == ("permitted", "forbidden")
    with pytest.raises(RequestError, match="did you mean `meta`"):
        ask("mta")


def _aya_finetune(own_license: str) -> dict:
    """A third party's fine-tune of Cohere's Aya (CC-BY-NC terms follow fine-tunes)."""
    return {"artifacts": [{"id": "CohereLabs/aya-23-8B"},
                          {"id": "thirdparty/aya-ft", "license": own_license,
                           "derived_from": [{"id": "CohereLabs/aya-23-8B", "relation": "finetune"}]}],
            "subject": "thirdparty/aya-ft", "use": {"acts": ["host"], "commercial": True}}


@pytest.mark.parametrize("own_license", ["mit", "cc-by-nc-4.0"])
@pytest.mark.parametrize("grant", ["cc-by-nc-4.0:thirdparty/aya-ft", "thirdparty:thirdparty/aya-ft",
                                   {"license": "cc-by-nc-4.0", "artifacts": ["thirdparty/aya-ft"]}])
def test_a_grant_naming_a_finetune_does_not_waive_the_upstream_licensors_template_terms(reasoner, own_license,
                                                                                           grant):
    """Cohere applied CC-BY-NC to Aya: only a grant for Aya (from Cohere) clears the terms that
    reach a fine-tune from it; the fine-tuner cannot waive them by being named."""
    doc = _aya_finetune(own_license)
    doc["use"]["grants"] = [grant]
    assert reasoner.ask(doc).status == "forbidden"


def test_grants_from_every_licensor_whose_template_terms_reach_a_model_clear_it_together(reasoner):
    doc = _aya_finetune("cc-by-nc-4.0")
    doc["use"]["grants"] = ["cc-by-nc-4.0:CohereLabs/aya-23-8B"]
    assert reasoner.ask(doc).status == "forbidden"      # the fine-tuner's own CC-BY-NC still binds
    doc["use"]["grants"] = ["cc-by-nc-4.0:CohereLabs/aya-23-8B", "thirdparty:thirdparty/aya-ft"]
    assert reasoner.ask(doc).status == "permitted"
    doc = _aya_finetune("mit")
    doc["use"]["grants"] = ["CohereLabs:CohereLabs/aya-23-8B"]
    assert reasoner.ask(doc).status == "permitted"      # Cohere's grant covers its terms downstream
