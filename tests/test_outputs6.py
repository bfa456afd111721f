"""Outputs (session 6): the exceptions to the bans on improving other models with a model's outputs
test the student's lineage, not its family (`target.derived`); `--received-outputs` no longer lifts
a licensee's cap through that exception; a model names a dataset only by `trained_on` (`kind`);
a BOM written back keeps a dataset's kind and each edge's relation. NOTES-outputs.md lists every
answer that changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner
from reasoner.errors import RequestError

sys.path.insert(0, str(Path(__file__).parent))
from conftest import assert_input_error, make_reasoner, own_model_bom, run_cli  # noqa: E402

R = Reasoner(cache_size=0)
LLAMA3 = "meta-llama/Meta-Llama-3-8B"
LLAMA2 = "meta-llama/Llama-2-7b-hf"
MISTRAL = "mistralai/Mistral-7B-v0.1"


def student(edges, *, family=None, license="apache-2.0", extra=(), **use):
    me = {"id": "acme/student", "license": license, "mine": True, "derived_from": list(edges)}
    if family:
        me["family"] = family
    return {"artifacts": [me, *extra], "subject": "acme/student", "use": {"acts": ["use"], **use}}


def cited(answer) -> set[tuple[str, str]]:
    return {(r.license, r.clause) for r in answer.reasons}


# --- 1. the exception is the student's lineage ---------------------------------------------------------

# license, the ban's clause, the family word its exception used to test (None: it had no exception),
# and facts that keep the licensee's other terms satisfied.
EXCEPTIONS = [
    ("llama2", "1.b.v", "llama", {"release_mau": 1_000_000}),
    ("llama3", "1.b.v", "llama", {"release_mau": 1_000_000}),
    ("tongyi-qianwen", "5.b", "qwen", {"mau": 1_000_000}),
    ("tongyi-qianwen-research", "4.b", "qwen", {"commercial": False, "purposes": ["research"]}),
    ("tencent-hunyuan-community", "5.b", "hunyuan", {"release_mau_own": 1_000_000, "territory": ["US"]}),
    ("tencent-hunyuan-community-large", "5.b", "hunyuan", {"release_mau_own": 1_000_000, "territory": ["US"]}),
    ("stabilityai-ai-community", "IV(b), last sentence", "stable-diffusion", {"commercial": False}),
    ("xai-community", "2.b", None, {}),
]
IDS = [e[0] for e in EXCEPTIONS]
TEACHER = "acme/teacher"


def _distilled(license_id, *, base=None, family=None, generated=None, **use):
    """The user's model trained on the outputs of `acme/teacher` (under `license_id`), optionally
    also made from `base` by fine-tuning: straight (`distilled` edge) or through a dataset."""
    extra = [{"id": TEACHER, "license": license_id}]
    edges = [{"id": TEACHER, "relation": "distilled"}]
    if base is not None:
        edges.append({"id": base["id"], "relation": "finetune"})
        if base["id"] != TEACHER:
            extra.append(base)
    if generated is not None:
        use["generated_outputs"] = generated
    return student(edges, family=family, extra=extra, **use)


@pytest.mark.parametrize("license_id, clause, family, facts", EXCEPTIONS, ids=IDS)
def test_a_same_family_model_without_the_licensed_weights_is_outside_the_exception(license_id, clause, family, facts):
    """A cousin of the family (another generation, another line's fine-tune) is "any other model"."""
    cousin = {"id": "acme/cousin", "license": "apache-2.0", "family": family or "mistral"}
    for generated in (None, True):
        answer = R.ask(_distilled(license_id, base=cousin, family=family, generated=generated, **facts))
        assert answer.status == "forbidden", (generated, answer.status)
        assert (license_id, clause) in cited(answer)


@pytest.mark.parametrize("license_id, clause, family, facts", EXCEPTIONS, ids=IDS)
def test_a_fine_tune_of_the_licensed_model_is_inside_the_exception(license_id, clause, family, facts):
    """The text's own exception: the Materials or a derivative work of them (xAI: "modifications or
    fine-tuning of xAI Materials"), family stated or not."""
    teacher = {"id": TEACHER}
    for stated in (family, None):
        answer = R.ask(_distilled(license_id, base=teacher, family=stated, **facts))
        assert (license_id, clause) not in cited(answer)
        assert answer.status == "permitted", (stated, answer.status, cited(answer))


@pytest.mark.parametrize("license_id, clause, family, facts", EXCEPTIONS, ids=IDS)
def test_received_outputs_into_a_same_family_student_are_never_yes(license_id, clause, family, facts):
    answer = R.ask(_distilled(license_id, family=family or "mistral", generated=False, **facts))
    assert answer.status == "depends"
    assert "generated_outputs" in {d.fact for d in answer.depends_on}


def test_the_review8_llama2_case_on_every_input_path(tmp_path, capsys):
    """A Llama 2 fine-tune improved with Llama 3 outputs: JSON request, lineage file, CLI verb, BOM."""
    pytest.importorskip("cyclonedx")
    doc = student([{"id": LLAMA2, "relation": "finetune"}, {"id": LLAMA3, "relation": "distilled"}],
                  family="llama", license="llama2", release_mau=1_000_000)
    assert R.ask(doc).status == "forbidden"
    request = tmp_path / "request.json"
    request.write_text(json.dumps(doc), encoding="utf-8")
    assert run_cli(capsys, "--request", request, "--json").code == 1
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": doc["artifacts"], "subject": "acme/student"}), encoding="utf-8")
    assert run_cli(capsys, "use", lineage, "--release-mau", "1M").code == 1
    # The verb: `--into llama` alone states a family, never a lineage (was YES).
    assert run_cli(capsys, "distill", LLAMA3, "--into", "llama", "--release-mau", "1M").code == 1
    # Written as a BOM and read back: each ancestor keeps its relation (derived-by).
    bom = tmp_path / "student.cdx.json"
    bom.write_text(run_cli(capsys, "use", lineage, "--release-mau", "1M", "--cyclonedx").out, encoding="utf-8")
    assert run_cli(capsys, "use", bom, "--release-mau", "1M").code == 1


def test_a_licence_the_user_declares_proves_no_derivation():
    """Anyone can write `llama3` on a model: only the lineage makes it Llama 3's derivative work."""
    doc = student([{"id": LLAMA3, "relation": "distilled"}], family="llama", license="llama3", release_mau=1_000_000)
    assert R.ask(doc).status == "forbidden"


@pytest.mark.parametrize("relation", ["finetune", "adapter", "merge", "quantized"])
def test_every_weights_relation_makes_a_derivative_along_the_lineage(relation):
    """The user's model takes Llama 3's weights through an intermediate model of theirs."""
    middle = {"id": "acme/middle", "license": "llama3", "mine": True,
              "derived_from": [{"id": LLAMA3, "relation": relation}]}
    doc = student([{"id": "acme/middle", "relation": "finetune"}, {"id": LLAMA3, "relation": "distilled"}],
                  license="llama3", extra=[middle], release_mau=1_000_000)
    assert ("llama3", "1.b.v") not in cited(R.ask(doc))


def test_a_teacher_distilled_earlier_does_not_carry_the_exception():
    """Outputs are not weights: a model of the user's own distilled from Llama 3 before, fine-tuned
    and trained on Llama 3 outputs again, is still "another" model (cautious reading)."""
    middle = {"id": "acme/middle", "license": "apache-2.0", "mine": True, "family": "mistral",
              "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}
    doc = student([{"id": "acme/middle", "relation": "finetune"}, {"id": LLAMA3, "relation": "distilled"}],
                  extra=[middle], release_mau=1_000_000)
    assert R.ask(doc).status == "forbidden"


def test_target_derived_in_a_license_of_ones_own():
    """The condition is one of the DSL's: an act that creates nothing creates no derivative."""
    engine = make_reasoner('''license mine-only {
  name "Mine only"
  kind model
  terms follow finetune
  clause "1" "Grant" { grant all }
  clause "2" "Only our derivatives" { forbid host, distill unless "our derivatives": target.derived }
  example "hosted" { host expect forbidden by "2" }
  example "a fine-tune distilled" { finetune distill expect permitted }
  example "a student" { distill expect forbidden by "2" }
}''')
    from reasoner.examples import example_request

    lic = engine.kb.licenses["mine-only"].license
    assert [engine.ask(example_request(lic, e)).status for e in lic.examples] == ["forbidden", "permitted", "forbidden"]


def test_target_derived_is_never_stated():
    with pytest.raises(RequestError):
        R.ask(student([], **{"target.derived": True}))
    with pytest.raises(RequestError):
        R.ask(student([], target_derived=True))


# --- 2. received outputs keep the licensee's caps ------------------------------------------------------

def test_received_outputs_do_not_lift_the_caps_on_any_path(tmp_path, capsys):
    doc = student([{"id": "Qwen/Qwen-7B", "relation": "distilled"}], family="qwen",
                  commercial=True, mau=200_000_000, generated_outputs=False)
    assert R.ask(doc).status != "permitted"
    assert run_cli(capsys, "distill", "Qwen/Qwen-7B", "--into", "qwen", "--commercial", "--mau", "200M",
                   "--received-outputs").code != 0
    assert run_cli(capsys, "distill", LLAMA3, "--into", "llama", "--release-mau", "800M", "--role", "licensee",
                   "--received-outputs").code != 0
    # The student that is inside the exception (a fine-tune as well) meets the cap on its fine-tune edge.
    ft = student([{"id": "Qwen/Qwen-7B", "relation": "finetune"}, {"id": "Qwen/Qwen-7B", "relation": "distilled"}],
                 commercial=True, mau=200_000_000, generated_outputs=False)
    answer = R.ask(ft)
    assert answer.status == "forbidden" and ("tongyi-qianwen", "4") in cited(answer)
    path = tmp_path / "ft.json"
    path.write_text(json.dumps(ft), encoding="utf-8")
    assert run_cli(capsys, "--request", path).code == 1


# --- 3. a model names a dataset only by trained_on (kind) ----------------------------------------------

def _on_data(relation, *, kind="dataset", child_kind=None):
    data = {"id": "x/syn", "license": "mit", "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}
    if kind:
        data["kind"] = kind
    doc = student([{"id": "x/syn", "relation": relation}], family="mistral", extra=[data],
                  generated_outputs=True, release_mau=1_000_000)
    if child_kind:
        doc["artifacts"][0]["kind"] = child_kind
    return doc


@pytest.mark.parametrize("relation", ["finetune", "adapter", "merge", "quantized", "distilled"])
def test_a_model_that_names_a_dataset_by_another_relation_is_an_error(relation, tmp_path, capsys):
    path = assert_input_error(R, _on_data(relation), "artifacts[0].derived_from[0].relation", "trained_on",
                              tmp_path, capsys)
    run = run_cli(capsys, "use", path)   # the same document as a lineage file
    assert run.code == 2


def test_trained_on_the_dataset_is_forbidden_and_data_may_regroup_data():
    assert R.ask(_on_data("trained_on")).status == "forbidden"
    regrouped = _on_data("trained_on")
    regrouped["artifacts"].append({"id": "x/mix", "license": "mit", "kind": "dataset",
                                   "derived_from": [{"id": "x/syn", "relation": "merge"}]})
    regrouped["artifacts"][0]["derived_from"] = [{"id": "x/mix", "relation": "trained_on"}]
    assert R.ask(regrouped).status == "forbidden"


def test_a_catalog_dataset_is_a_dataset_without_saying_so():
    doc = student([{"id": "allenai/c4", "relation": "finetune"}], family="mistral")
    with pytest.raises(RequestError, match="is a dataset"):
        R.ask(doc)
    doc["artifacts"][0]["derived_from"][0]["relation"] = "trained_on"
    R.ask(doc)   # read (its answer is the catalog license's own business), no error


def test_a_stated_kind_is_checked():
    with pytest.raises(RequestError, match="did you mean `dataset`"):
        R.ask(_on_data("trained_on", kind="datset"))
    with pytest.raises(RequestError, match="is a model"):
        R.ask(_on_data("trained_on", kind="model"))
    with pytest.raises(RequestError, match="catalog model"):
        R.ask(student([{"id": LLAMA3, "relation": "finetune"}], extra=[{"id": LLAMA3, "kind": "dataset"}]))
    with pytest.raises(RequestError, match="catalog dataset"):
        R.ask(student([{"id": "allenai/c4", "relation": "trained_on"}], extra=[{"id": "allenai/c4", "kind": "model"}]))


def test_an_unstated_kind_stays_a_model_reading():
    """Without a kind, `x/syn` may be someone else's student model: fine-tuning it is outside
    1.b.v (the user used no Llama 3 outputs). Unchanged from before; stating the kind fails closed."""
    assert R.ask(_on_data("finetune", kind=None)).status == "permitted"


# --- 4. a BOM written back answers as its source -------------------------------------------------------

def _spdx_dataset_from_llama3(tmp_path):
    from test_hub_bom import ai, rel, spdx3

    doc = spdx3(ai("urn:llama", LLAMA3), ai("urn:data", "x/syn", "dataset_DatasetPackage"),
                rel(1, "hasDeclaredLicense", "urn:data", "https://spdx.org/licenses/MIT"),
                rel(2, "descendantOf", "urn:data", "urn:llama"), root="urn:data")
    source = tmp_path / "data.spdx3.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    return source


def _same_answer(capsys, source, written, *argv):
    a = run_cli(capsys, *argv[:1], source, *argv[1:], "--json", "--no-remedies")
    b = run_cli(capsys, *argv[:1], written, *argv[1:], "--json", "--no-remedies")
    assert a.code == b.code, (a.out[:300], b.out[:300])
    key = lambda run: (run.json()["status"], sorted((r["license"], r["clause"]) for r in run.json()["reasons"]))  # noqa: E731
    assert key(a) == key(b)


def test_a_dataset_bom_written_back_answers_as_its_source(tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    source = _spdx_dataset_from_llama3(tmp_path)
    written = tmp_path / "data.cdx.json"
    written.write_text(run_cli(capsys, "use", source, "--cyclonedx").out, encoding="utf-8")
    subject = json.loads(written.read_text())["metadata"]["component"]
    assert subject["type"] == "data"
    relations = sorted(p["value"] for a in subject["pedigree"]["ancestors"] for p in a.get("properties", [])
                       if p["name"] == "can-i:derived-by")
    assert relations == ["distilled", "finetune"]
    _same_answer(capsys, source, written, "use", "--purpose", "military")
    for extra in (("--generated-outputs",), ("--received-outputs",)):
        _same_answer(capsys, source, written, "train", "--into", "mistral", "--release-mau", "1M", *extra)


def test_a_model_bom_written_back_keeps_a_distilled_edge_beside_a_fine_tune(tmp_path, capsys):
    """Mistral fine-tune trained on Llama 3 outputs: the two edges survive the round trip (read as
    one fine-tune, the writer's BOM made the student a Llama 3 derivative)."""
    pytest.importorskip("cyclonedx")
    doc = student([{"id": MISTRAL, "relation": "finetune"}, {"id": LLAMA3, "relation": "distilled"}],
                  family="mistral")
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": doc["artifacts"], "subject": "acme/student"}), encoding="utf-8")
    written = tmp_path / "student.cdx.json"
    written.write_text(run_cli(capsys, "use", lineage, "--cyclonedx").out, encoding="utf-8")
    _same_answer(capsys, lineage, written, "use", "--release-mau", "1M")
    assert run_cli(capsys, "use", written, "--release-mau", "1M").code == 1


def test_two_relations_to_one_parent_are_both_read_back():
    """A Llama 3 fine-tune distilled from Llama 3 too, the `distilled` ancestor first: the reader keeps
    one edge per parent and the outputs beside it, whatever the order."""
    from reasoner.bom import _Lineage

    for relations in (("distilled", "finetune"), ("finetune", "distilled"), ("distilled", None)):
        lineage = _Lineage(Path("x.cdx.json"))
        lineage.add("acme/student", "metadata.component")
        for relation in relations:
            lineage.edge("acme/student", LLAMA3, relation)
        artifacts, _, _ = lineage.finish(R.kb, one_subject=False)
        edges = sorted(e["relation"] for e in artifacts[0]["derived_from"])
        assert edges == (["distilled", "finetune"] if None not in relations else ["distilled"]), relations


def test_a_bad_derived_by_property_is_a_located_error(tmp_path, capsys):
    pytest.importorskip("cyclonedx")
    llama = {"type": "machine-learning-model", "group": "meta-llama", "name": "Meta-Llama-3-8B",
             "properties": [{"name": "can-i:derived-by", "value": "distiled"}]}
    path = own_model_bom(tmp_path / "bad.cdx.json", llama)
    run = run_cli(capsys, "use", path)
    assert run.code == 2 and "did you mean `distilled`" in run.err and "pedigree.ancestors[0]" in run.err
