"""The `can-i` command line, driven through `reasoner.cli.main(argv)` (in-process, with capsys).

Covers every verb with a checked answer, every kind of subject, every exit code, the JSON
response and error documents (validated against the schema of PRODUCT.md), `--request FILE|-`,
`--explain`, exact number parsing, the error paths (one line on stderr, file:line:col where there
is a file), the author commands (`licenses`, `models`, `show`, `check`, `test`) and colour-free
output. Tests named test_bug_* pin bugs found and fixed along the way.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner import cli

from conftest import Run  # noqa: F401 - the tests' type for a CLI run

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "facts"
LICENSES = FACTS / "licenses"
CAN_I = Path(sys.executable).with_name("can-i")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# SGR colour parameters: 30-38 / 40-48 / 90-97 / 100-107 (bold 1, dim 2, reset 0 are not colours).
SGR = re.compile(r"\x1b\[([0-9;]*)m")


# --- running the CLI ------------------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("bundled_kb")   # conftest: the bundled knowledge base


# --- the JSON schema of PRODUCT.md (version 1) ----------------------------------------------------

STATUSES = {"permitted", "forbidden", "depends", "unknown"}
REASON_KINDS = {"prohibited", "not_granted", "needs_separate_license", "violated_duty", "conflict",
                "unknown_license"}
EXIT_OF = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}


def _fields(item: dict, spec: dict, where: str) -> None:
    assert isinstance(item, dict), f"{where} is not an object"
    for key, types in spec.items():
        assert key in item, f"{where} lacks `{key}`"
        assert isinstance(item[key], types), f"{where}.{key} = {item[key]!r} is not {types}"


def validate_response(doc: dict) -> dict:
    """Check a response document against PRODUCT.md's schema (fields may be added, none removed)."""
    _fields(doc, {"schema_version": str, "status": str, "subject": str, "reasons": list,
                  "obligations": list, "risks": list, "depends_on": list, "applicable": list}, "response")
    assert doc["schema_version"] == "1"
    assert doc["status"] in STATUSES
    opt_str = (str, type(None))
    for i, r in enumerate(doc["reasons"]):
        _fields(r, {"license": str, "version": str, "clause": opt_str, "title": str, "kind": str,
                    "message": str}, f"reasons[{i}]")
        assert r["kind"] in REASON_KINDS, r
        assert r["message"].strip()
    for i, o in enumerate(doc["obligations"]):
        _fields(o, {"license": str, "version": str, "clause": str, "duty": str, "params": dict,
                    "message": str}, f"obligations[{i}]")
    for i, k in enumerate(doc["risks"]):
        _fields(k, {"license": str, "clause": opt_str, "risk": str, "message": str}, f"risks[{i}]")
    for i, d in enumerate(doc["depends_on"]):
        _fields(d, {"fact": str, "op": str, "value": (int, str, list, bool), "license": str,
                    "clause": str, "then": str}, f"depends_on[{i}]")
        assert d["then"] in STATUSES
    for i, a in enumerate(doc["applicable"]):
        _fields(a, {"artifact": str, "license": str, "via": list}, f"applicable[{i}]")
        assert all(isinstance(v, str) for v in a["via"])
    # the status agrees with its parts
    if doc["status"] == "permitted":
        assert not doc["reasons"] and not doc["depends_on"]
    if doc["status"] == "forbidden":
        assert doc["reasons"]
    if doc["status"] == "depends":
        assert doc["depends_on"]
    if doc["status"] == "unknown":
        assert any(r["kind"] == "unknown_license" for r in doc["reasons"])
    return doc


def validate_error(doc: dict) -> dict:
    assert set(doc) == {"schema_version", "error"}, doc
    assert doc["schema_version"] == "1"
    _fields(doc["error"], {"code": str, "message": str, "location": (str, type(None))}, "error")
    assert set(doc["error"]) == {"code", "message", "location"}
    assert doc["error"]["message"].strip()
    return doc["error"]


def answer(can_i, *argv) -> tuple[int, dict]:
    """Run with --json: exit code and the validated response; the exit code follows the status."""
    run = can_i(*argv, "--json")
    assert run.err == "", run.err
    doc = validate_response(run.json())
    assert run.code == EXIT_OF[doc["status"]], (run.code, doc["status"])
    return run.code, doc


def cited(doc: dict, kind: str | None = None) -> set[tuple[str, str]]:
    return {(r["license"], r["clause"]) for r in doc["reasons"] if kind is None or r["kind"] == kind}


def duties(doc: dict) -> set[tuple[str, str, str]]:
    return {(o["license"], o["clause"], o["duty"]) for o in doc["obligations"]}


# --- fixtures: files in tmp_path ------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def card(tmp_path: Path, folder: str, front: str, body: str = "# A model\n") -> Path:
    return write(tmp_path / folder / "README.md", f"---\n{front.strip()}\n---\n{body}")


SUPPORT_BOT = {
    "artifacts": [
        {"id": "meta-llama/Meta-Llama-3-70B-Instruct", "license": "llama3", "family": "llama"},
        {"id": "google/gemma-2-9b"},
        {"id": "acme/support-bot", "license": "apache-2.0", "family": "gemma", "modalities": ["text"],
         "mine": True,
         "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"},
                          {"id": "meta-llama/Meta-Llama-3-70B-Instruct", "relation": "distilled"}]}],
    "subject": "acme/support-bot",
    "use": {"acts": ["distribute", "host"], "commercial": True, "release_mau": 2000000, "role": "licensee", "revenue_usd": 50000000,
            "territory": ["EU"], "purposes": ["customer-support"], "name": "support-bot", "grants": [],
            "date": "2025-06-01"},
}


# ==================================================================================================
# Verbs: one checked answer (or more) per act
# ==================================================================================================

def test_use_non_commercial_licence_commercially_is_not_granted(can_i):
    code, doc = answer(can_i, "use", "cc-by-nc-4.0", "--commercial")
    assert code == 1
    assert cited(doc, "not_granted") == {("cc-by-nc-4.0", "2.a.1")}
    code, doc = answer(can_i, "use", "cc-by-nc-4.0", "--non-commercial")
    assert code == 0 and doc["status"] == "permitted"


def test_use_mit_is_permitted(can_i):
    run = can_i("use", "mit")
    assert run.code == 0
    assert run.out.startswith("YES — use `mit`")


def test_host_llama3_past_700m_users_is_forbidden_by_clause_2(can_i):
    run = can_i("host", "llama3", "--release-mau", "800M", "--role", "licensee")
    assert run.code == 1
    assert run.out.startswith("NO — host `llama3`")
    assert "§2 Additional Commercial Terms (users counted for the month before the Meta Llama 3 release date, 2024-04-18) [needs separate license]" in run.out
    assert "(--grant meta)" in run.out
    assert run.err == ""


def test_host_llama3_with_a_separate_grant_is_permitted(can_i):
    code, doc = answer(can_i, "host", "llama3", "--release-mau", "3000000000", "--role", "licensee", "--grant", "llama3")
    assert code == 0


def test_host_catalog_llama3_at_10m_users_is_permitted_with_its_duties(can_i):
    run = can_i("host", "meta-llama/Meta-Llama-3-8B", "--release-mau", "10M", "--role", "licensee", "--commercial")
    assert run.code == 0
    assert run.out.startswith("YES")
    assert "You must:" in run.out
    assert 'display "Built with Meta Llama 3" prominently' in run.out
    assert "llama3 §1.b.i" in run.out
    code, doc = answer(can_i, "host", "meta-llama/Meta-Llama-3-8B", "--release-mau", "10M", "--role", "licensee", "--commercial")
    assert ("llama3", "1.b.i", "display") in duties(doc)
    display = next(o for o in doc["obligations"] if o["duty"] == "display")
    assert display["params"] == {"text": "Built with Meta Llama 3"}


def test_host_llama3_without_users_depends_on_the_700m_line(can_i):
    run = can_i("host", "llama3", "--role", "licensee")
    assert run.code == 3
    assert run.out.startswith("DEPENDS")
    assert "release_mau > 700,000,000" in run.out
    assert "llama3 §2" in run.out
    code, doc = answer(can_i, "host", "llama3", "--role", "licensee")
    assert [(d["fact"], d["op"], d["value"], d["license"], d["clause"], d["then"]) for d in doc["depends_on"]] == [
        ("release_mau", ">", 700_000_000, "llama3", "2", "forbidden")]


def test_distribute_an_expression_collects_duties_of_both_licenses(can_i):
    code, doc = answer(can_i, "distribute", "mit AND apache-2.0")
    assert code == 0
    assert {("mit", "¶2", "include_license"), ("apache-2.0", "4.a", "include_license")} <= duties(doc)


def test_distribute_cc_by_with_llama3_is_a_conflict(can_i):
    code, doc = answer(can_i, "distribute", "cc-by-4.0 AND llama3", "--release-mau", "1M", "--role", "licensee")
    assert code == 1
    assert ("cc-by-4.0", "2.a.5.B") in cited(doc, "conflict")


def test_finetune_gemma_relicensed_as_apache_is_a_conflict(can_i):
    run = can_i("finetune", "gemma", "--as", "apache-2.0")
    assert run.code == 1
    assert "Conflicts:" in run.out
    assert "gemma" in run.out and "§3.1.1" in run.out
    code, doc = answer(can_i, "finetune", "gemma", "--as", "apache-2.0")
    assert cited(doc, "conflict") == {("gemma", "3.1.1")}


def test_finetune_apache_relicensed_as_mit_is_permitted(can_i):
    assert answer(can_i, "finetune", "apache-2.0", "--as", "mit")[0] == 0


def test_finetune_llama3_then_host_under_a_llama_name_is_permitted(can_i):
    code, doc = answer(can_i, "finetune", "llama3", "--release-mau", "1M", "--role", "licensee", "--commercial", "--and", "host",
                       "--name", "Llama 3 bot")
    assert code == 0
    prefix = [o for o in doc["obligations"] if o["duty"] == "name_prefix"]
    assert [(o["license"], o["params"]) for o in prefix] == [("llama3", {"prefix": "Llama 3"})]


def test_adapt_flux_dev_commercially_needs_a_separate_license(can_i):
    code, doc = answer(can_i, "adapt", "black-forest-labs/FLUX.1-dev", "--commercial")
    assert code == 1
    assert ("flux-1-dev-non-commercial-license", "2.b") in cited(doc, "needs_separate_license")
    assert answer(can_i, "adapt", "black-forest-labs/FLUX.1-dev", "--non-commercial")[0] == 0


def test_merge_llama3_then_distribute_under_another_name_violates_the_naming_duty(can_i):
    code, doc = answer(can_i, "merge", "llama3", "--and", "distribute", "--name", "Foo", "--release-mau", "1M", "--role", "licensee")
    assert code == 1
    assert cited(doc) == {("llama3", "1.b.i, last sentence")}
    assert {r["kind"] for r in doc["reasons"]} == {"violated_duty"}
    code, doc = answer(can_i, "merge", "llama3", "--and", "distribute", "--name", "Llama 3 Foo", "--release-mau", "1M", "--role", "licensee")
    assert code == 0


def test_merge_catalog_llama3_past_700m_users_is_forbidden(can_i):
    code, doc = answer(can_i, "merge", "meta-llama/Meta-Llama-3-8B", "--release-mau", "800M", "--role", "licensee", "--commercial")
    assert code == 1
    assert cited(doc, "needs_separate_license") == {("llama3", "2")}


def test_quantize_llama31_and_distribute(can_i):
    base = ("quantize", "meta-llama/Llama-3.1-8B", "--release-mau", "1M", "--role", "licensee", "--commercial", "--and", "distribute")
    code, doc = answer(can_i, *base, "--name", "Llama-q")
    assert code == 0
    assert ("llama3.1", "1.b.i", "display") in duties(doc)
    code, doc = answer(can_i, *base, "--name", "Qfoo")
    assert code == 1
    assert cited(doc, "violated_duty") == {("llama3.1", "1.b.i, last sentence")}


def test_distill_llama3_into_mistral_is_prohibited_by_1bv(can_i):
    run = can_i("distill", "llama3", "--into", "mistral", "--release-mau", "1M", "--role", "licensee")
    assert run.code == 1
    assert "§1.b.v" in run.out and "[prohibited]" in run.out
    code, doc = answer(can_i, "distill", "llama3", "--into", "mistral", "--release-mau", "1M", "--role", "licensee")
    assert cited(doc) == {("llama3", "1.b.v")}
    # `--into llama` states a family, not that the student takes Llama 3's weights (outputs6: the
    # exception is `target.derived`), so it is NO as well.
    assert answer(can_i, "distill", "llama3", "--into", "llama", "--release-mau", "1M", "--role", "licensee")[0] == 1


def test_distill_llama3_without_a_target_family_is_prohibited_as_well(can_i):
    """The student the verb creates is trained on the outputs alone: outside 1.b.v's exception
    whatever its family (it DEPENDED on the family before outputs6)."""
    code, doc = answer(can_i, "distill", "llama3", "--release-mau", "1M", "--role", "licensee")
    assert code == 1 and cited(doc) == {("llama3", "1.b.v")}
    assert doc["depends_on"] == []


def test_distill_llama31_into_mistral_named_mistral_violates_the_naming_duty(can_i):
    args = ("distill", "llama3.1", "--into", "mistral", "--release-mau", "1M", "--role", "licensee", "--and", "distribute")
    run = can_i(*args, "--name", "Mistral-x")
    assert run.code == 1
    assert "[violated duty]" in run.out and 'must start with "Llama"' in run.out
    code, doc = answer(can_i, *args, "--name", "Mistral-x")
    assert cited(doc, "violated_duty") == {("llama3.1", "1.b.i, last sentence")}
    # without a name the prefix is a duty, not a violation
    code, doc = answer(can_i, *args)
    assert code == 0
    assert ("llama3.1", "1.b.i, last sentence", "name_prefix") in duties(doc)


def test_train_on_a_non_commercial_dataset(can_i):
    code, doc = answer(can_i, "train", "cc-by-nc-4.0", "--commercial")
    assert code == 1
    assert cited(doc, "not_granted") == {("cc-by-nc-4.0", "2.a.1")}
    assert answer(can_i, "train", "cc-by-4.0", "--commercial")[0] == 0


def test_a_restricted_purpose_is_prohibited(can_i):
    code, doc = answer(can_i, "use", "gemma", "--purpose", "violence")
    assert code == 1
    assert cited(doc, "prohibited") == {("gemma", "PUP 2.1"), ("gemma", "PUP 2.5")}   # each policy item on its own clause


@pytest.mark.parametrize("verb", ["use", "host", "distribute", "finetune", "adapt", "merge", "quantize",
                                  "distill", "train"])
def test_every_verb_has_help(can_i, verb):
    run = can_i(verb, "--help")
    assert run.code == 0
    assert f"Usage: can-i {verb}" in run.out
    assert cli.VERB_HELP[verb] in run.out and "--release-mau" in run.out


# ==================================================================================================
# Subjects
# ==================================================================================================

def test_subject_license_expression_or_picks_the_best_alternative(can_i):
    code, doc = answer(can_i, "use", "mit OR cc-by-nc-4.0", "--commercial")
    assert code == 0
    assert doc["choice"] == {"stack": ["mit"]}
    code, doc = answer(can_i, "use", "mit AND cc-by-nc-4.0", "--commercial")
    assert code == 1
    assert cited(doc) == {("cc-by-nc-4.0", "2.a.1")}


def test_subject_catalog_id_brings_its_lineage(can_i):
    run = can_i("host", "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "--release-mau", "1M", "--role", "licensee", "--commercial",
                "--explain")
    assert run.code == 0
    assert ("llama3.1 applies to `hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4` via "
            "meta-llama/Llama-3.1-8B-Instruct ← meta-llama/Llama-3.1-8B") in run.out


def test_subject_catalog_id_is_case_insensitive(can_i):
    code, doc = answer(can_i, "host", "META-LLAMA/meta-llama-3-8b", "--release-mau", "800M", "--role", "licensee")
    assert code == 1
    assert cited(doc) == {("llama3", "2")}


def test_subject_catalog_gemma_model(can_i):
    code, doc = answer(can_i, "host", "google/gemma-2-9b", "--commercial", "--release-mau", "1M", "--role", "licensee")
    assert code == 0
    assert {a["license"] for a in doc["applicable"]} == {"gemma"}


def test_subject_card_with_an_unencoded_license_is_unknown(can_i, tmp_path):
    # Every catalog license is encoded now (qwen-research since issue 11): a card whose
    # license_name names several texts (modified-mit) stands in for an unencoded license.
    path = card(tmp_path, "kimi-ish", "license: other\nlicense_name: modified-mit")
    run = can_i("use", str(path.parent), "--commercial")
    assert run.code == 3
    assert run.out.startswith("UNKNOWN")
    code, doc = answer(can_i, "use", str(path.parent), "--commercial")
    assert [(r["license"], r["kind"]) for r in doc["reasons"]] == [("modified-mit", "unknown_license")]


def test_subject_model_card_with_license_other_and_license_name(can_i, tmp_path):
    path = card(tmp_path, "my-llama", """
license: other
license_name: llama3
base_model: meta-llama/Meta-Llama-3-8B
base_model_relation: finetune
""")
    code, doc = answer(can_i, "host", path, "--release-mau", "10M", "--role", "licensee", "--commercial")
    assert code == 0
    assert doc["subject"] == "my-llama"  # the folder names the model
    assert ("llama3", "1.b.i, last sentence", "name_prefix") in duties(doc)
    code, doc = answer(can_i, "host", path, "--release-mau", "800M", "--role", "licensee", "--commercial")
    assert code == 1
    assert cited(doc, "needs_separate_license") == {("llama3", "2")}
    # the model folder works as well as its README.md
    assert answer(can_i, "host", path.parent, "--release-mau", "10M", "--role", "licensee", "--commercial")[0] == 0


def test_subject_model_card_declaring_apache_on_a_gemma_finetune_keeps_gemma_terms(can_i, tmp_path):
    path = card(tmp_path, "gemma-bot", """
license: apache-2.0
base_model: google/gemma-2-9b
base_model_relation: finetune
""")
    code, doc = answer(can_i, "distribute", path, "--release-mau", "1M", "--role", "licensee", "--commercial", "--mine")
    assert code == 0
    assert ("gemma", "3.1.4", "notice") in duties(doc)
    # Apache-2.0 is what the user grants others on their contribution: it puts no duty on the user.
    assert not {d for d in duties(doc) if d[0] == "apache-2.0"}
    assert {(a["license"], tuple(a["via"])) for a in doc["applicable"] if a["artifact"] == "gemma-bot"} == {
        ("apache-2.0", ()), ("gemma", ("google/gemma-2-9b",))}


def test_subject_model_card_with_an_unknown_license_is_unknown(can_i, tmp_path):
    path = card(tmp_path, "secret", """
license: other
license_name: acme-secret-license
""")
    run = can_i("host", path, "--release-mau", "1M", "--role", "licensee", "--commercial")
    assert run.code == 3
    assert run.out.startswith("UNKNOWN")
    assert "acme-secret-license" in run.out
    code, doc = answer(can_i, "host", path, "--release-mau", "1M", "--role", "licensee", "--commercial")
    assert {r["kind"] for r in doc["reasons"]} == {"unknown_license"}


def test_subject_model_card_with_an_unknown_license_id_is_unknown(can_i, tmp_path):
    path = write(tmp_path / "unk.md", "---\nlicense: no-such-license-xyz\n---\n")
    code, doc = answer(can_i, "host", path, "--commercial", "--release-mau", "1", "--role", "licensee")
    assert code == 3
    assert "no-such-license-xyz" in doc["reasons"][0]["message"]


def test_subject_model_card_on_a_base_model_nobody_knows_is_unknown(can_i, tmp_path):
    path = card(tmp_path, "orphan", "license: mit\nbase_model: acme/never-heard-of-it")
    code, doc = answer(can_i, "host", path)
    assert code == 3
    assert doc["status"] == "unknown"


def test_subject_json_lineage_file_in_request_format(can_i, tmp_path):
    lineage = {key: value for key, value in SUPPORT_BOT.items() if key != "use"}
    path = write(tmp_path / "lineage.json", json.dumps(lineage))
    # the acts come from the verb (a lineage file with a `use` is refused: see test_cli_interface)
    code, doc = answer(can_i, "host", path, "--release-mau", "1M", "--role", "licensee", "--commercial", "--name", "support-bot")
    assert code == 1
    assert doc["subject"] == "acme/support-bot"
    assert ("llama3", "1.b.v") in cited(doc, "prohibited")


def test_subject_yaml_lineage_file(can_i, tmp_path):
    path = write(tmp_path / "lineage.yaml", """
artifacts:
  - id: google/gemma-2-9b
  - id: acme/bot
    mine: true
    license: apache-2.0
    derived_from:
      - {id: google/gemma-2-9b, relation: finetune}
""")
    code, doc = answer(can_i, "host", path, "--release-mau", "1M", "--role", "licensee", "--commercial")
    assert code == 0
    assert doc["subject"] == "acme/bot"  # the one artifact nothing derives from
    assert ("gemma", "3.1.1", "pass_restrictions") in duties(doc)


def test_subject_toml_lineage_file(can_i, tmp_path):
    path = write(tmp_path / "lineage.toml", """
subject = "acme/student"
[[artifacts]]
id = "meta-llama/Meta-Llama-3-8B"
[[artifacts]]
id = "acme/student"
mine = true
family = "mistral"
derived_from = [{id = "meta-llama/Meta-Llama-3-8B", relation = "distilled"}]
""")
    code, doc = answer(can_i, "distribute", path, "--release-mau", "1M", "--role", "licensee", "--commercial")
    assert code == 1
    assert cited(doc, "prohibited") == {("llama3", "1.b.v")}


def test_relabelled_upstream_stays_under_llama_and_says_so(can_i, tmp_path):
    path = write(tmp_path / "relabelled.json", json.dumps({"artifacts": [
        {"id": "meta-llama/Meta-Llama-3-8B"},
        {"id": "someone/llama-ft", "license": "apache-2.0",
         "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]},
        {"id": "acme/bot", "mine": True, "derived_from": [{"id": "someone/llama-ft", "relation": "quantized"}]}]}))
    code, doc = answer(can_i, "host", path, "--release-mau", "800M", "--role", "licensee", "--commercial")
    assert code == 1
    assert cited(doc) == {("llama3", "2")}
    assert ("llama3", "relabelled") in {(k["license"], k["risk"]) for k in doc["risks"]}


# ==================================================================================================
# JSON, --request, --explain
# ==================================================================================================

def test_request_file_json_matches_the_schema(can_i, tmp_path):
    path = write(tmp_path / "req.json", json.dumps(SUPPORT_BOT))
    run = can_i("--request", path, "--json")
    doc = validate_response(run.json())
    assert run.code == 1 and doc["status"] == "forbidden"
    assert doc["subject"] == "acme/support-bot"
    assert ("llama3", "1.b.v") in cited(doc, "prohibited")
    assert {a["license"] for a in doc["applicable"] if a["artifact"] == "acme/support-bot"} == {
        "apache-2.0", "gemma", "llama3"}
    assert run.err == ""


def test_request_from_stdin_gives_the_same_document(can_i, tmp_path):
    path = write(tmp_path / "req.json", json.dumps(SUPPORT_BOT))
    from_file = can_i("--request", path, "--json")
    from_stdin = can_i("--request", "-", "--json", stdin=json.dumps(SUPPORT_BOT))
    assert from_stdin.code == from_file.code == 1
    assert from_stdin.out == from_file.out


def test_flat_stack_request_from_stdin(can_i):
    run = can_i("--json", "--request", "-",
                stdin=json.dumps({"licenses": ["llama3", "apache-2.0"], "use": {"acts": ["host"]}}))
    doc = validate_response(run.json())
    assert run.code == 3 and doc["status"] == "depends"
    assert doc["depends_on"][0]["value"] == 700_000_000


def test_request_without_json_prints_the_human_answer(can_i, tmp_path):
    path = write(tmp_path / "req.json", json.dumps({"licenses": ["mit"], "use": {"acts": ["use"]}}))
    run = can_i("--request", path)
    assert run.code == 0
    assert run.out.startswith("YES — the request for `stack`")


@pytest.mark.parametrize("argv", [
    ("host", "llama3"),
    ("host", "llama3", "--release-mau", "800M", "--role", "licensee"),
    ("use", "mit"),
    ("distill", "llama3", "--into", "mistral", "--release-mau", "1M", "--role", "licensee"),
    ("finetune", "gemma", "--as", "apache-2.0"),
    ("use", "Qwen/Qwen2.5-3B-Instruct"),
])
def test_json_output_is_valid_and_deterministic(can_i, argv):
    first = can_i(*argv, "--json")
    second = can_i("--json", *argv)  # --json works before the verb too
    validate_response(first.json())
    assert first.out == second.out
    assert first.code == second.code == EXIT_OF[first.json()["status"]]


def test_explain_shows_the_lineage_chain(can_i, tmp_path):
    path = card(tmp_path, "my-llama", "license: llama3\nbase_model: meta-llama/Meta-Llama-3-8B")
    run = can_i("host", path, "--release-mau", "10M", "--role", "licensee", "--commercial", "--explain", "--mine")
    assert run.code == 0
    assert "How this was decided:" in run.out
    assert "llama3 applies to `my-llama` via meta-llama/Meta-Llama-3-8B [all terms]" in run.out
    assert "llama3 §1.a grants finetune on `meta-llama/Meta-Llama-3-8B`" in run.out
    plain = can_i("host", path, "--release-mau", "10M", "--role", "licensee", "--commercial")
    assert "How this was decided:" not in plain.out


def test_explain_names_the_clause_that_fires(can_i, tmp_path):
    path = write(tmp_path / "req.json", json.dumps(SUPPORT_BOT))
    run = can_i("--explain", "--request", path)
    assert run.code == 1
    assert "llama3 applies to `acme/support-bot` via meta-llama/Meta-Llama-3-70B-Instruct" in run.out
    assert "llama3 §1.b.v fires [prohibited] on distill of `meta-llama/Meta-Llama-3-70B-Instruct`" in run.out


# ==================================================================================================
# Numbers
# ==================================================================================================

@pytest.fixture
def captured(monkeypatch):
    """The `use` the request reader makes of what the CLI typed (its numbers, exactly as parsed:
    the CLI only writes the request, the reader parses it)."""
    from reasoner import api

    seen = []
    original = api.read_request

    def spy(doc):
        request = original(doc)
        seen.append(request.use)
        return request

    monkeypatch.setattr(api, "read_request", spy)
    return seen


@pytest.mark.parametrize("text, value", [
    ("700M", 700_000_000), ("2.5B", 2_500_000_000), ("1_000_000", 1_000_000), ("$1M", 1_000_000),
    ("1,000,000", 1_000_000), ("3000000000", 3_000_000_000),
])
def test_numbers_are_parsed_exactly(can_i, captured, text, value):
    run = can_i("host", "llama3", "--release-mau", text, "--role", "licensee", "--revenue", text)
    assert run.code in (0, 1)
    assert (captured[0].release_mau, captured[0].revenue_usd) == (value, value)
    assert all(isinstance(v, int) for v in (captured[0].release_mau, captured[0].revenue_usd))


@pytest.mark.parametrize("release_mau, code", [("700M", 0), ("700_000_000", 0), ("700_000_001", 1), ("2.5B", 1),
                                       ("0.7B", 0), ("3B", 1)])
def test_the_llama3_user_threshold_compares_exactly(can_i, release_mau, code):
    assert can_i("host", "llama3", "--release-mau", release_mau, "--role", "licensee").code == code


@pytest.mark.parametrize("revenue, code", [("$1M", 0), ("999_999", 0), ("1_000_001", 1), ("2.5B", 1)])
def test_the_stability_revenue_threshold_compares_exactly(can_i, revenue, code):
    assert can_i("host", "stabilityai-ai-community", "--commercial", "--revenue", revenue, "--role", "licensee").code == code


@pytest.mark.parametrize("option", ["--release-mau", "--revenue"])
@pytest.mark.parametrize("text", ["7OOM", "-5", "abc", "0.5", "", "1e30"])
def test_bad_numbers_are_rejected_in_one_line(can_i, option, text):
    run = can_i("host", "llama3", f"{option}={text}")
    assert run.code == 2
    line = run.line()
    assert line.startswith("can-i: ") and option in line
    assert run.out == ""


@pytest.mark.parametrize("text", ["7OOM", "-5", "abc"])
def test_bad_numbers_as_separate_arguments(can_i, text):
    run = can_i("host", "llama3", "--release-mau", text, "--role", "licensee")
    assert run.code == 2
    assert f"`{text}`" in run.line()


def test_bad_number_message_names_the_value(can_i):
    line = can_i("host", "llama3", "--release-mau", "7OOM", "--role", "licensee").line()
    assert "`7OOM` is not a valid number" in line


# ==================================================================================================
# Errors
# ==================================================================================================

def test_mistyped_subject_suggests_the_license(can_i):
    run = can_i("host", "lama3")
    assert run.code == 2
    line = run.line()
    assert "`lama3` is not a known license" in line and "did you mean `llama3`" in line
    assert run.out == ""


def test_mistyped_catalog_id_suggests_the_model(can_i):
    line = can_i("host", "meta-llama/Meta-Llama-3-8").line()
    assert "`meta-llama/Meta-Llama-3-8B`" in line


def test_unknown_subject_with_json_prints_the_error_document(can_i):
    run = can_i("host", "lama3", "--json")
    assert run.code == 2
    error = validate_error(run.json())
    assert error["code"] == "unknown_subject"
    run.line()


def test_invalid_yaml_in_a_model_card_reports_file_line_col(can_i, tmp_path):
    path = card(tmp_path, "bad", "license: mit\n  bad: indent")
    run = can_i("host", path)
    assert run.code == 2
    assert run.line() == f"can-i: {path}:3:6: invalid YAML front matter: mapping values are not allowed here"
    run = can_i("host", path, "--json")
    error = validate_error(run.json())
    assert error["location"] == f"{path}:3:6" and error["code"] == "request"


def test_invalid_yaml_lineage_file_reports_file_line_col(can_i, tmp_path):
    path = write(tmp_path / "lineage.yaml", "artifacts:\n  - id: [unclosed\n")
    run = can_i("host", path)
    assert run.code == 2
    assert re.match(rf"can-i: {re.escape(str(path))}:\d+:\d+: invalid YAML", run.line())


def test_invalid_json_lineage_file_reports_file_line_col(can_i, tmp_path):
    path = write(tmp_path / "lineage.json", '{"licenses": ["llama3"],\n  "use": {"acts": ["host"] "release_mau": 5, "role": "licensee"}}\n')
    for argv in (("host", path), ("--request", path)):
        run = can_i(*argv)
        assert run.code == 2
        assert run.line() == f"can-i: {path}:2:28: not valid JSON: Expecting ',' delimiter"


def test_invalid_json_on_stdin_reports_stdin_line_col(can_i):
    run = can_i("--request", "-", "--json", stdin='{"licenses": [}')
    assert run.code == 2
    assert validate_error(run.json())["location"] == "<stdin>:1:15"
    assert run.line().startswith("can-i: <stdin>:1:15: not valid JSON")


@pytest.mark.parametrize("front, message", [
    ("- a\n- b", "front matter must be a mapping"),
    ("license: mit\nbase_model: google/gemma-2-9b\nbase_model_relation: finetuned", "did you mean `finetune`"),
])
def test_malformed_model_cards_are_input_errors(can_i, tmp_path, front, message):
    path = card(tmp_path, "m", front)
    run = can_i("host", path)
    assert run.code == 2
    line = run.line()
    assert message in line and str(path) in line


def test_model_card_without_front_matter(can_i, tmp_path):
    path = write(tmp_path / "README.md", "# just prose\n")
    assert can_i("host", path).line() == (
        f"can-i: {path}:1:1: model card has no YAML front matter (it must start with a `---` line)")


@pytest.mark.parametrize("doc, field", [
    ({"artifacts": [{"id": "x", "license": "mit", "derived_from": [{"id": "y", "relation": "finetuned"}]},
                    {"id": "y", "license": "mit"}], "use": {"acts": ["host"]}},
     "artifacts[0].derived_from[0].relation"),
    ({"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "lots", "role": "licensee"}}, "use.release_mau"),
    ({"licenses": ["llama3"], "use": {"acts": ["finetune"]}}, "use.acts[0]"),
    ({"licenses": ["llama3"], "use": {"acts": ["host"], "comercial": True}}, "use.comercial"),
    ({"artifacts": [{"license": "mit"}]}, "artifacts[0].id"),
    ({"licenses": ["mit"], "schema_version": "2"}, "schema_version"),
    ({"artifacts": [{"id": "a", "license": "mit", "derived_from": [{"id": "b", "relation": "finetune"}]}]},
     "artifacts[0].derived_from[0].id"),
])
def test_malformed_requests_name_the_field(can_i, tmp_path, doc, field):
    path = write(tmp_path / "req.json", json.dumps(doc))
    # The field's JSON path after where the file writes it (file:line:col, tests/test_edges6.py)
    run = can_i("--request", path)
    assert run.code == 2
    assert re.match(rf"can-i: {re.escape(str(path))}:1:\d+: {re.escape(field)}: ", run.line())
    run = can_i("--request", path, "--json")
    assert run.code == 2
    error = validate_error(run.json())
    assert error["code"] == "request" and re.fullmatch(rf"{re.escape(str(path))}:1:\d+: {re.escape(field)}", error["location"])
    run.line()


def test_cyclic_lineage_is_an_input_error(can_i, tmp_path):
    cyclic = {"artifacts": [
        {"id": "a", "license": "mit", "derived_from": [{"id": "b", "relation": "finetune"}]},
        {"id": "b", "license": "mit", "derived_from": [{"id": "a", "relation": "finetune"}]}], "subject": "a"}
    path = write(tmp_path / "cycle.json", json.dumps(cyclic))
    for argv in (("host", path), ("--request", path)):
        run = can_i(*argv)
        assert run.code == 2
        assert "lineage has a cycle: a -> b -> a" in run.line()


@pytest.mark.parametrize("argv", [
    ("host", "missing.json"),
    ("host", "missing/README.md"),
    ("--request", "missing.json"),
])
def test_missing_files_are_input_errors(can_i, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    run = can_i(*argv)
    assert run.code == 2
    assert run.line().endswith(": no such file")


def test_missing_request_file_with_json_prints_the_error_document(can_i, tmp_path):
    run = can_i("--request", tmp_path / "nope.json", "--json")
    assert run.code == 2
    assert validate_error(run.json()) == {"code": "request", "message": "no such file",
                                          "location": str(tmp_path / "nope.json")}


@pytest.mark.parametrize("content, message", [(b"", "file is empty"), (b"\x00\x01", "binary file"),
                                              (b'{"a": "caf\xe9"}', "not UTF-8")])
def test_unreadable_subject_files(can_i, tmp_path, content, message):
    path = tmp_path / "lineage.json"
    path.write_bytes(content)
    run = can_i("host", path)
    assert run.code == 2
    assert message in run.line()


def test_a_folder_without_a_model_card(can_i, tmp_path):
    assert "is a directory" in can_i("host", tmp_path).line()
    assert "is a directory" in can_i("--request", tmp_path).line()


@pytest.mark.parametrize("argv, fragment", [
    (("frob", "llama3"), "No such command"),
    (("host",), "Missing argument"),
    (("host", "llama3", "--bogus"), "No such option"),
    (("host", "llama3", "--and", "frobnicate"), "--and (use.acts[0]): unknown act `frobnicate`"),
    (("use", "llama3", "--into", "mistral"), "--into"),
    (("--request", "x.json", "host", "llama3"), "--request takes no verb"),
    (("host", ""), "the subject is empty"),
    (("host", "llama3", "--as", "mit OR apache-2.0"), "--as (use.outbound_license): `use.outbound_license` must be one license id"),
])
def test_usage_errors_exit_2_in_one_line(can_i, argv, fragment):
    run = can_i(*argv)
    assert run.code == 2
    assert fragment in run.line()


def test_no_arguments_prints_help_and_exits_2(can_i):
    run = can_i()
    assert run.code == 2
    assert "Usage: can-i" in run.out


# ==================================================================================================
# Author commands
# ==================================================================================================

def _license_ids() -> dict[str, Path]:
    ids = {}
    for path in sorted(LICENSES.glob("*.lic")):
        for match in re.finditer(r"^license\s+(\S+)\s*\{", path.read_text(encoding="utf-8"), re.M):
            ids[match.group(1)] = path
    return ids


def test_licenses_lists_every_id_with_its_version(can_i):
    run = can_i("licenses")
    assert run.code == 0
    rows = {line.split()[0]: line for line in run.out.splitlines()}
    assert set(rows) == set(_license_ids())
    assert "2024-04-18" in rows["llama3"] and "Meta Llama 3 Community License Agreement" in rows["llama3"]
    assert "2024-07-23" in rows["llama3.1"]
    assert "2.0" in rows["apache-2.0"]


def test_models_lists_the_catalog_and_filters_by_license(can_i):
    run = can_i("models")
    assert run.code == 0
    assert "meta-llama/Meta-Llama-3-8B  [llama3] llama" in run.out
    gemma = can_i("models", "--license", "gemma").out.splitlines()
    assert "google/gemma-2-9b  [gemma] gemma 2024-06-27" in gemma
    # an expression that names gemma among others is listed too
    assert any(line.startswith("princeton-nlp/gemma-2-9b-it-SimPO  [mit AND gemma]") for line in gemma)
    assert all("gemma" in _ids_in_brackets(line) for line in gemma)


def _ids_in_brackets(line: str) -> set[str]:
    expression = line.split("[", 1)[1].split("]", 1)[0]
    return set(re.split(r"\s+(?:AND|OR)\s+|[()\s]+", expression)) - {""}


def test_show_prints_the_clauses_of_a_license(can_i):
    run = can_i("show", "llama3")
    assert run.code == 0
    assert run.out.startswith("llama3 — Meta Llama 3 Community License Agreement (2024-04-18)")
    for heading in ("§1.a Grant of Rights", "§1.b.v", "§2 Additional Commercial Terms"):
        assert heading in run.out
    assert 'must display text="Built with Meta Llama 3"' in run.out
    assert "examples" in run.out.splitlines()[-1]


def test_show_an_unknown_license_suggests_one(can_i):
    run = can_i("show", "lama3")
    assert run.code == 2
    assert "did you mean `llama3`" in run.line()


def test_check_the_bundled_licenses_is_ok(can_i):
    run = can_i("check", LICENSES)
    assert run.code == 0
    assert run.out.strip() == f"ok: {len(_license_ids())} licenses"
    assert run.err == ""


BROKEN = 'license broken {\n  name "Broken"\n  kind model\n  clause "1" "x" {\n    grant frobnicate\n  }\n}\n'
BROKEN_TOO = 'license broken2 {\n  name "B2"\n  kind model\n  clause "1" "x" {\n    grant use when release_mau > \n  }\n}\n'


def test_check_a_broken_license_file_reports_file_line_col(can_i, tmp_path):
    path = write(tmp_path / "BROKEN.lic", BROKEN)
    run = can_i("check", path)
    assert run.code == 2
    lines = run.err.splitlines()
    # DSL 2: each error carries its stable code, and a help line follows it.
    assert lines[0] == f"{path}:5:11: unknown act `frobnicate` [DSL101]"
    assert lines[1].startswith("  help: acts are use, host, distribute")
    assert lines[-1] == "1 error in 1 files"
    assert run.out == ""


def test_check_a_folder_reports_every_broken_file(can_i, tmp_path):
    one = write(tmp_path / "lic" / "a.lic", BROKEN)
    two = write(tmp_path / "lic" / "b.lic", BROKEN_TOO)
    run = can_i("check", tmp_path / "lic")
    assert run.code == 2
    lines = [line for line in run.err.splitlines() if not line.startswith("  help: ")]
    assert lines[0].startswith(f"{one}:5:11: ")
    assert re.match(rf"{re.escape(str(two))}:\d+:\d+: ", lines[1])
    assert lines[2] == "2 errors in 2 files"


def test_check_a_missing_file(can_i, tmp_path):
    run = can_i("check", tmp_path / "nope.lic")
    assert run.code == 2
    assert run.err.splitlines()[0] == f"{tmp_path / 'nope.lic'}: no such file"


# tests/test_examples.py runs every bundled example (and the clause coverage) through the API;
# here the command's own path is checked on a few files that reach across licenses (MPL-2.0's
# exceptions name the GNU licenses, Llama 3's policy and thresholds), so the default suite does
# not run all of them a third time.
CLI_TEST_FILES = ("mit.lic", "llama3.lic", "mpl-2.0.lic", "gpl-2.0-or-later.lic")


def test_test_runs_every_example_of_the_files_given_and_passes(can_i):
    files = [LICENSES / name for name in CLI_TEST_FILES]
    run = can_i("test", *files)
    assert run.code == 0, run.out[-2000:]
    lines = run.out.splitlines()
    passed = sum(line.startswith("PASS ") for line in lines)
    assert not any(line.startswith("FAIL ") for line in lines)
    expected = sum(len(re.findall(r"^\s*example\s", p.read_text(encoding="utf-8"), re.M)) for p in files)
    assert passed == expected > 0
    assert lines[-1] == f"{passed} passed, 0 failed"
    assert re.fullmatch(r"clause coverage: \d+\.\d% \(\d+ of \d+ rule-bearing clauses\)", lines[-2])
    assert run.err == ""


def test_test_reports_a_failing_example_with_its_location(can_i, tmp_path):
    path = write(tmp_path / "wrong.lic", """license wrong {
  name "Wrong"
  kind model
  clause "1" "Grant" {
    grant use
  }
  example "use is permitted" { use expect permitted }
  example "a deliberately wrong expectation" { use expect forbidden }
}
""")
    run = can_i("--facts", path, "test")
    assert run.code == 1
    assert "PASS wrong: use is permitted" in run.out
    assert "FAIL wrong: a deliberately wrong expectation" in run.out
    assert re.search(rf"{re.escape(str(path))}:8:\d+: ", run.out)
    assert run.out.splitlines()[-1] == "1 passed, 1 failed"


def test_facts_option_with_a_broken_file_is_an_input_error(can_i, tmp_path):
    path = write(tmp_path / "BROKEN.lic", BROKEN)
    run = can_i("--facts", path, "licenses")
    assert run.code == 2
    assert run.line() == f"can-i: {path}:5:11: unknown act `frobnicate` [DSL101]"  # DSL 2 error code


def test_test_on_a_file_outside_the_knowledge_base(can_i, tmp_path):
    run = can_i("test", write(tmp_path / "x.lic", BROKEN))
    assert run.code == 2
    assert "none of these files is part of the knowledge base" in run.line()


# ==================================================================================================
# Colour
# ==================================================================================================

@pytest.mark.parametrize("argv", [("host", "llama3", "--release-mau", "800M", "--role", "licensee"), ("show", "llama3"), ("licenses",),
                                  ("--help",), ("host", "lama3"), ("test", LICENSES / "mit.lic")])
def test_output_to_a_pipe_has_no_ansi_escapes(can_i, argv):
    run = can_i(*argv)
    assert not ANSI.search(run.out + run.err)


def _on_a_tty(argv, env: dict) -> tuple[int, str]:
    """Run the installed `can-i` with stdout and stderr on a pseudo-terminal."""
    pty = pytest.importorskip("pty")
    if not CAN_I.exists():
        pytest.skip("can-i console script not installed next to this python")
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(CAN_I), *map(str, argv)], stdout=slave, stderr=slave,
                            stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def _colours(text: str) -> list[str]:
    codes = []
    for params in SGR.findall(text):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                codes.append(p)
    return codes


def test_no_color_on_a_terminal_has_no_ansi_escapes():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    code, coloured = _on_a_tty(["host", "llama3", "--release-mau", "800M", "--role", "licensee"], env)
    assert code == 1
    assert ANSI.search(coloured), "control: a terminal without NO_COLOR gets colour"
    for argv in (["host", "llama3", "--release-mau", "800M", "--role", "licensee"], ["show", "mit"]):
        code, text = _on_a_tty(argv, {**env, "NO_COLOR": "1"})
        assert "NO — host" in text or "mit — MIT License" in text
        assert not ANSI.search(text), repr(text[:300])


def test_no_color_help_on_a_terminal_has_no_colour_codes():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    code, text = _on_a_tty(["--help"], {**env, "TERM": "xterm-256color", "NO_COLOR": "1"})
    assert code == 0 and "Usage" in text
    assert _colours(text) == []


# ==================================================================================================
# Bugs found and fixed (kept as regression tests)
# ==================================================================================================

def test_bug_request_file_not_utf8(can_i, tmp_path):
    path = tmp_path / "req.json"
    path.write_bytes(b'{"licenses": ["mit"], "use": {"acts": ["use"], "name": "caf\xe9"}}')
    run = can_i("--request", path)
    assert run.code == 2
    assert "UTF-8" in run.line()


@pytest.mark.parametrize("text", ["[]", "42", "null"])
def test_bug_request_that_is_not_an_object(can_i, text):
    run = can_i("--request", "-", "--json", stdin=text)
    assert run.code == 2
    assert validate_error(run.json())["code"] == "request"
    run.line()


def test_bug_request_that_is_a_json_string(can_i, tmp_path):
    path = write(tmp_path / "req.json", '"hello"')
    run = can_i("--request", path)
    assert run.code == 2
    assert "not valid JSON" not in run.line()


@pytest.mark.parametrize("subject", [5, ["x"]])
def test_bug_flat_stack_with_a_non_string_subject(can_i, subject):
    doc = {"licenses": ["mit"], "use": {"acts": ["use"]}, "subject": subject}
    run = can_i("--request", "-", stdin=json.dumps(doc))
    assert run.code == 2
    assert "subject" in run.line()


@pytest.mark.parametrize("name, text", [
    ("subject.json", '{"artifacts": [{"id": "a", "license": "mit"}], "subject": "zzz"}'),
    ("noid.json", '{"artifacts": [{"license": "mit"}]}'),
    ("intid.yaml", "artifacts:\n  - id: 5\n    license: mit\n"),
])
def test_bug_creation_verb_on_an_invalid_lineage_file(can_i, tmp_path, name, text):
    path = write(tmp_path / name, text)
    assert can_i("host", path).code == 2  # the use verbs are fine
    run = can_i("finetune", path)
    assert run.code == 2
    run.line()


def test_bug_facts_option_leaks_into_later_calls(can_i, tmp_path):
    path = write(tmp_path / "good.lic", 'license good {\n  name "Good"\n  kind model\n'
                                        '  clause "1" "x" {\n    grant use\n  }\n}\n')
    assert can_i("--facts", path, "licenses").code == 0
    assert can_i("host", "llama3", "--release-mau", "1M", "--role", "licensee").code == 0


def test_bug_json_usage_error_has_an_error_document(can_i):
    run = can_i("host", "llama3", "--release-mau", "abc", "--role", "licensee", "--json")
    assert run.code == 2
    validate_error(run.json())


@pytest.mark.parametrize("argv", [("host", "lama\n3"), ("show", "x\ny")])
def test_bug_error_with_a_newline_in_the_input_is_still_one_line(can_i, argv):
    run = can_i(*argv)
    assert run.code == 2
    run.line()


def test_bug_toml_syntax_error_has_file_line_col(can_i, tmp_path):
    path = write(tmp_path / "lineage.toml", 'subject = "x"\n[[artifacts]\nid = "a"\n')
    run = can_i("host", path)
    assert run.code == 2
    assert run.line().startswith(f"can-i: {path}:2:")


def test_bug_errors_in_a_lineage_file_name_the_file(can_i, tmp_path):
    path = write(tmp_path / "cycle.json", json.dumps({"artifacts": [
        {"id": "a", "license": "mit", "derived_from": [{"id": "b", "relation": "finetune"}]},
        {"id": "b", "license": "mit", "derived_from": [{"id": "a", "relation": "finetune"}]}], "subject": "a"}))
    assert str(path) in can_i("host", path).line()


def test_bug_model_card_field_error_has_line_col(can_i, tmp_path):
    path = card(tmp_path, "m", "license: mit\nbase_model: google/gemma-2-9b\nbase_model_relation: finetuned")
    assert can_i("host", path).line().startswith(f"can-i: {path}:4:")


def test_bug_option_errors_name_the_option(can_i):
    line = can_i("host", "llama3", "--on", "2025-13-01").line()
    assert "--on" in line


def test_bug_models_license_filter_matches_whole_ids(can_i):
    lines = can_i("models", "--license", "llama3").out.splitlines()
    assert any(line.startswith("meta-llama/Meta-Llama-3-8B ") for line in lines)
    assert all("llama3" in _ids_in_brackets(line) for line in lines), [
        line for line in lines if "llama3" not in _ids_in_brackets(line)]
