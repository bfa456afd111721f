"""Review 35: a hostile review of 91bb398 + 02c2ce9 (`follows directly`: a clause that reaches a
model alone passed on only along `trained_on`, from the user's own model, or within one Hub
namespace). It found wrong YES answers wherever the input does not say who made an intermediate
model (a third party's quantized copy of the user's own student; SPDX 3, which cannot mark an
ancestor as the user's own; card ids written as URLs; `can-i audit` shapes that dropped the
namespaces the answer turned on) and quadratic grounding within one namespace, and the reading was
withdrawn in session 16 (tests/test_review20_found.py #5). Kept: its cases that must stay NO under
any future reading, as guards (they pass with the transitive reach)."""

from __future__ import annotations


import json


import sys




from pathlib import Path


import pytest


from reasoner import Reasoner


sys.path.insert(0, str(Path(__file__).parent))


from conftest import run_cli  # noqa: E402


R = Reasoner(cache_size=0)


NAMING = "1.b.i, last sentence"


LLAMA = "meta-llama/Llama-3.1-70B"


QWEN = "Qwen/Qwen2.5-72B-Instruct"



def _use(**kw):
    return {"acts": ["distribute"], "release_mau": 1000, "commercial": True, "name": "Student-2",
            "domicile": ["US"], "territory": ["US"], **kw}


def _model(id_, parents, **kw):
    parents = [parents] if isinstance(parents, tuple) else parents
    return {"id": id_, "license": kw.pop("license", "apache-2.0"), "family": kw.pop("family", "mistral"),
            "derived_from": [{"id": p, "relation": r} for p, r in parents], **kw}


def _data(id_, parent, relation="distilled", **kw):
    return {"id": id_, "license": "mit", "kind": "dataset", "derived_from": [{"id": parent, "relation": relation}], **kw}


def _llama():
    return {"id": LLAMA, "license": "llama3.1", "family": "llama"}


def _ask(artifacts, subject="acme/student", **use):
    return R.ask({"artifacts": artifacts, "subject": subject, "use": _use(**use)})


def _clauses(answer):
    return {(r.license, r.clause) for r in answer.reasons}


def _named(answer):
    return answer.status == "forbidden" and ("llama3.1", NAMING) in _clauses(answer)


def _audit(capsys, tmp_path, cards):
    path = tmp_path / "cards.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cards) + "\n", encoding="utf-8")
    run = run_cli(capsys, "audit", path, "--json", "-q")
    return {row["id"]: row["status"] for row in run.json()["results"]}


def _card(id_, base):
    return {"id": id_, "front_matter": {"license": "apache-2.0", "model_name": id_.rsplit("/", 1)[-1],
                                        "base_model": base, "base_model_relation": "distilled"}}


@pytest.fixture
def fresh_shapes(monkeypatch):
    """Audits in this file start without the answers earlier audits in this process shared
    (audit._SHAPES, finding 0): each test's answer is its own cards'."""
    from reasoner import audit

    monkeypatch.setattr(audit, "_SHAPES", {})


def test_an_audit_answers_alike_in_any_order(tmp_path, capsys, fresh_shapes):
    """One organisation's chain and two organisations' chain of the same shape, in either order:
    every card is NO (the naming duty reaches both students; no answer may turn on a namespace the
    audit's shapes drop)."""
    cards = [_card("acme/mid", LLAMA), _card("acme/student", "acme/mid"), _card("b/mid", LLAMA), _card("c/student", "b/mid")]
    for order in (cards, cards[2:] + cards[:2]):
        from reasoner import audit

        audit._SHAPES.clear()
        rows = _audit(capsys, tmp_path, order)
        assert rows == dict.fromkeys(("acme/mid", "acme/student", "b/mid", "c/student"), "forbidden"), rows


def _own_then_copied(relation="quantized", teacher=None):
    teacher = teacher or _llama()
    return [teacher, _model("lab/mid", (teacher["id"], "distilled"), mine=True),
            _model("TheBloke/mid-GGUF", ("lab/mid", relation)),
            _model("acme/student", ("TheBloke/mid-GGUF", "distilled"), mine=True)]


def test_a_quantized_copy_of_the_users_own_student_keeps_the_llama_name():
    answer = _ask(_own_then_copied())
    assert _named(answer), (answer.status, answer.reasons)


def test_a_quantized_copy_of_the_users_own_qwen_student_keeps_built_with_qwen():
    answer = _ask(_own_then_copied(teacher={"id": QWEN, "license": "qwen", "family": "qwen"}))
    assert ("qwen", "5.b") in {(o.license, o.clause) for o in answer.obligations}, answer.obligations


def test_guard_the_users_own_copy_and_own_student_keep_the_name():
    """Guards (pass today): the user's own quantized copy, and their own student distilled directly."""
    own_copy = _own_then_copied()
    own_copy[2]["mine"] = True
    assert _named(_ask(own_copy))
    direct = [_llama(), _model("lab/mid", (LLAMA, "distilled"), mine=True),
              _model("acme/student", ("lab/mid", "distilled"), mine=True)]
    assert _named(_ask(direct))


def _spdx_own_chain(mid="lab/mid", d2="acme/d2"):
    def package(hub_id, dataset=False):
        return {"type": "dataset_DatasetPackage" if dataset else "ai_AIPackage", "spdxId": "urn:" + hub_id,
                "creationInfo": "_:ci", "name": hub_id.split("/")[-1],
                "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl",
                                        "identifier": f"pkg:huggingface/{hub_id}"}]}
    graph = [{"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2026-12-03T00:00:00Z"},
             {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:acme/student"]}]
    for hub_id, dataset in ((LLAMA, False), ("x/llama-outputs", True), (mid, False), (d2, True), ("acme/student", False)):
        graph.append(package(hub_id, dataset))

    def rel(kind, source, *targets):
        graph.append({"type": "Relationship", "spdxId": f"urn:rel{len(graph)}", "creationInfo": "_:ci",
                      "relationshipType": kind, "from": "urn:" + source, "to": ["urn:" + t for t in targets]})
    for hub_id, expression in ((mid, "Apache-2.0"), ("acme/student", "Apache-2.0"), ("x/llama-outputs", "MIT"), (d2, "MIT")):
        graph.append({"type": "simplelicensing_LicenseExpression", "spdxId": "urn:lic-" + hub_id,
                      "creationInfo": "_:ci", "simplelicensing_licenseExpression": expression})
        rel("hasDeclaredLicense", hub_id, "lic-" + hub_id)
    rel("generates", LLAMA, "x/llama-outputs")
    rel("trainedOn", mid, "x/llama-outputs")
    rel("generates", mid, d2)
    rel("trainedOn", "acme/student", d2)
    return {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}


def _distribute(capsys, path, *extra):
    return run_cli(capsys, "distribute", path, *extra, "--name", "Student-2", "--commercial", "--release-mau", "1000",
                   "--no-remedies", "--json")


def test_the_users_own_chain_in_an_spdx3_bom_keeps_the_llama_name(tmp_path, capsys):
    path = tmp_path / "own.spdx.json"
    path.write_text(json.dumps(_spdx_own_chain()), encoding="utf-8")
    run = _distribute(capsys, path, "--mine")
    assert run.code == 1 and ("llama3.1", NAMING) in {(r["license"], r["clause"]) for r in run.json()["reasons"]}, \
        run.out[:400] + run.err


def test_guard_the_same_chain_as_a_json_request_and_in_one_namespace(tmp_path, capsys):
    """Guards: the JSON request saying lab/mid is the user's is NO; the SPDX BOM with the
    intermediate in the student's namespace is NO (made_by)."""
    arts = [_llama(), _data("x/llama-outputs", LLAMA), _model("lab/mid", ("x/llama-outputs", "trained_on"), mine=True),
            _data("acme/d2", "lab/mid", mine=True), _model("acme/student", ("acme/d2", "trained_on"), mine=True)]
    assert _named(_ask(arts, generated_outputs=True))
    path = tmp_path / "one.spdx.json"
    path.write_text(json.dumps(_spdx_own_chain(mid="acme/mid")), encoding="utf-8")
    assert _distribute(capsys, path, "--mine").code == 1


@pytest.mark.parametrize("student", ["https://huggingface.co/acme/student", "hf.co/acme/student"])
def test_one_organisations_cards_keep_the_name_whatever_the_id_spelling(student, tmp_path, capsys, fresh_shapes):
    rows = _audit(capsys, tmp_path, [_card("acme/mid", LLAMA), _card(student, "acme/mid")])
    assert rows[student] == "forbidden", rows


def test_guard_one_organisations_cards_in_plain_and_other_case(tmp_path, capsys, fresh_shapes):
    from reasoner import audit

    assert _audit(capsys, tmp_path, [_card("acme/mid", LLAMA), _card("acme/student", "acme/mid")])["acme/student"] \
        == "forbidden"
    audit._SHAPES.clear()
    assert _audit(capsys, tmp_path, [_card("Acme/mid", LLAMA), _card("acme/student", "Acme/mid")])["acme/student"] \
        == "forbidden"


