"""The command line as a new user meets it: help and version, options given twice, Hub and SPDX
license ids, readable human answers, listings in JSON and JSON Lines requests.

Driven in-process through `reasoner.cli.main(argv)`, which returns the exit code.
"""

from __future__ import annotations

import json
import re
from importlib import metadata

import pytest

from reasoner import cli, expressions, render
from test_cli import validate_error, validate_response

EXIT_OF = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}


pytestmark = pytest.mark.usefixtures("bundled_kb")   # conftest: the bundled knowledge base


def answer(can_i, *argv) -> dict:
    run = can_i(*argv, "--json")
    assert run.err == "", run.err
    doc = validate_response(run.json())
    assert run.code == EXIT_OF[doc["status"]]
    return doc


# ==================================================================================================
# Help, version, exit codes
# ==================================================================================================

@pytest.mark.parametrize("verb", ["use", "host", "distribute", "finetune", "distill", "train"])
def test_verb_help_says_what_the_subject_may_be(can_i, verb):
    run = can_i(verb, "--help")
    assert run.code == 0
    text = " ".join(run.out.replace("│", " ").split())
    assert "SUBJECT" in text
    assert "A license id or expression, a catalog model id, a model card (README.md) or a lineage file." in text


def test_every_argument_of_every_command_shows_its_help():
    command = cli.cli_command()
    for name, sub in command.commands.items():
        for param in sub.params:
            if param.param_type_name == "argument":
                assert param.help, (name, param.name)


def test_version_prints_the_installed_package_version(can_i):
    run = can_i("--version")
    assert run.code == 0
    assert run.out == f"can-i {metadata.version('can-i')}\n"


def test_version_without_package_metadata_falls_back_to_the_source_version(can_i, monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    run = can_i("--version")
    assert run.code == 0
    assert run.out.startswith("can-i 0.") and "(not installed)" in run.out


def test_version_wins_over_a_missing_verb(can_i):
    assert can_i("--version", "host").code == 0


def test_root_help_lists_the_exit_codes(can_i):
    run = can_i("--help")
    assert run.code == 0
    text = " ".join(run.out.replace("│", " ").split())
    assert cli.EXIT_CODES in text
    assert "--version" in text


def test_verb_help_lists_the_exit_codes(can_i):
    text = " ".join(can_i("host", "--help").out.replace("│", " ").split())
    assert cli.EXIT_CODES in text


# ==================================================================================================
# An option that takes one value is given once
# ==================================================================================================

REPEATED = [
    (["host", "llama3", "--release-mau", "800M", "--role", "licensee", "--release-mau", "1M", "--role", "licensee"], "--release-mau"),
    (["host", "llama3", "--release-mau=800M", "--release-mau", "800M", "--role", "licensee"], "--release-mau"),           # identical repeats too
    (["host", "cc-by-nc-4.0", "--revenue", "1M", "--revenue", "2M"], "--revenue"),
    (["finetune", "llama3.1", "--name", "a", "--name", "b"], "--name"),
    (["finetune", "gemma", "--as", "mit", "--as", "apache-2.0"], "--as"),
    (["host", "llama3", "--on", "2025-01-01", "--on", "2026-01-01"], "--on"),
    (["distill", "llama3", "--into", "llama", "--into", "mistral"], "--into"),
    (["host", "mit", "--json", "--json"], "--json"),
    (["host", "mit", "--explain", "--explain"], "--explain"),
    (["host", "cc-by-nc-4.0", "--commercial", "--commercial"], "--commercial"),
    (["--request", "a.json", "--request", "b.json"], "--request"),
    (["--json", "--json", "host", "mit"], "--json"),
    (["models", "--license", "mit", "--license", "llama3"], "--license"),
]


@pytest.mark.parametrize("argv, option", REPEATED, ids=[" ".join(a) for a, _ in REPEATED])
def test_a_single_valued_option_given_twice_is_a_usage_error(can_i, argv, option):
    run = can_i(*argv)
    assert run.code == 2
    if "--json" in argv:
        assert validate_error(run.json())["code"] == "usage"
    else:
        assert run.out == ""
    line = run.line()
    assert f"{option} is given more than once" in line


@pytest.mark.parametrize("first, second", [("--commercial", "--non-commercial"), ("--non-commercial", "--commercial")])
def test_contradictory_flags_are_a_usage_error_naming_both(can_i, first, second):
    run = can_i("host", "cc-by-nc-4.0", first, second)
    assert run.code == 2
    assert f"{first} and {second} contradict each other" in run.line()


def test_a_repeated_option_cannot_turn_a_no_into_a_yes(can_i):
    """Last-wins would answer the second value: 800M users is NO under llama3 §2."""
    assert can_i("host", "llama3", "--release-mau", "800M", "--role", "licensee").code == 1
    assert can_i("host", "llama3", "--release-mau", "800M", "--role", "licensee", "--release-mau", "1M", "--role", "licensee").code == 2
    assert can_i("host", "cc-by-nc-4.0", "--commercial").code == 1
    assert can_i("host", "cc-by-nc-4.0", "--commercial", "--non-commercial").code == 2


def test_a_repeated_option_under_json_prints_the_usage_error_document(can_i):
    run = can_i("host", "llama3", "--release-mau", "1", "--role", "licensee", "--release-mau", "2", "--role", "licensee", "--json")
    assert run.code == 2
    error = validate_error(run.json())
    assert error["code"] == "usage" and "--release-mau" in error["message"]


def test_repeatable_options_stay_repeatable(can_i):
    doc = answer(can_i, "finetune", "llama3", "--territory", "US", "--territory", "DE", "--purpose", "research",
                 "--purpose", "customer-support", "--grant", "llama3", "--grant", "gemma", "--and", "host",
                 "--and", "distribute", "--release-mau", "1M", "--role", "licensee", "--name", "Llama-3-acme")
    assert doc["status"] == "permitted"
    assert {o["acts"][0] for o in doc["obligations"]} >= {"distribute"}


@pytest.mark.parametrize("argv", [
    ["--json", "host", "mit", "--json"],
    ["--explain", "host", "mit", "--explain"],
    ["--json", "--explain", "host", "mit", "--explain", "--json"],
])
def test_root_flags_may_be_given_both_before_and_after_the_verb(can_i, argv):
    run = can_i(*argv)
    assert run.code == 0, run.err
    if "--json" in argv:
        assert validate_response(run.json())["status"] == "permitted"


def test_the_same_facts_folder_twice_is_loaded_once(can_i, monkeypatch):
    from reasoner import resources

    monkeypatch.setattr(cli, "_reasoners", {})
    facts = str(resources.facts_dir())
    run = can_i("--facts", facts, "--facts", facts, "use", "mit")
    assert run.code == 0, run.err
    assert list(cli._reasoners) == [(facts,)]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_lineage_file_with_a_use_given_to_a_verb_keeps_its_facts(can_i, tmp_path, suffix):
    """Its `use` says military: dropping it silently would answer YES to a question not asked. The
    file's facts are merged with the command line's (which override them), with a note."""
    doc = {"artifacts": [{"id": "acme/bot", "license": "llama3"}],
           "use": {"acts": ["host"], "purposes": ["military"]}}
    path = tmp_path / f"lineage{suffix}"
    path.write_text(json.dumps(doc))  # JSON is YAML too
    run = can_i("host", path, "--release-mau", "1M", "--role", "licensee")
    assert run.code == 1, run.out
    assert "military" in run.out
    whole = can_i("--request", "-", "--json", stdin=json.dumps(doc))
    assert whole.code == 1  # asked as a request, the military purpose decides: NO


def test_a_lineage_file_with_a_flat_licenses_stack_beside_artifacts_is_refused(can_i, tmp_path):
    doc = {"artifacts": [{"id": "acme/bot", "license": "mit"}], "licenses": ["llama3"]}
    path = tmp_path / "lineage.json"
    path.write_text(json.dumps(doc))
    run = can_i("host", path, "--release-mau", "800M", "--role", "licensee")
    assert run.code == 2
    assert "`licenses`" in run.line() and str(path) in run.line()


# ==================================================================================================
# Hub ids, SPDX versions and exceptions: the same answer on the command line and in JSON
# ==================================================================================================

UNENCODED_HUB_IDS = ["cc0-1.0", "bsd-2-clause", "cc-by-nc-sa-4.0", "bigcode-openrail-m", "tii-falcon-llm"]


@pytest.mark.parametrize("license_id", UNENCODED_HUB_IDS)
def test_an_unencoded_hub_id_as_subject_is_unknown_with_the_tables_reason(can_i, reasoner, license_id):
    reason = reasoner.kb.hub_ids[license_id]["unknown"]
    doc = answer(can_i, "distribute", license_id)
    assert doc["status"] == "unknown"
    assert [r["kind"] for r in doc["reasons"]] == ["unknown_license"]
    assert reason in doc["reasons"][0]["message"]
    human = can_i("distribute", license_id)
    assert human.code == 3 and human.out.startswith("UNKNOWN") and reason in human.out


@pytest.mark.parametrize("license_id", UNENCODED_HUB_IDS)
def test_an_unencoded_hub_id_answers_alike_on_the_cli_and_in_json(can_i, license_id):
    cli_doc = answer(can_i, "host", license_id)
    request = json.dumps({"licenses": [license_id], "use": {"acts": ["host"]}})
    run = can_i("--request", "-", "--json", stdin=request)
    json_doc = validate_response(run.json())
    assert (run.code, json_doc["status"]) == (3, cli_doc["status"])
    assert [r["message"].split(": ", 1)[1] for r in json_doc["reasons"]] == \
           [r["message"].split(": ", 1)[1] for r in cli_doc["reasons"]]


def test_an_unknown_hub_id_in_an_expression_makes_it_unknown_not_yes(can_i):
    assert answer(can_i, "distribute", "mit AND cc0-1.0")["status"] == "unknown"


@pytest.mark.parametrize("typo, hint", [("cc0-1.1", "cc0-1.0"), ("bsd-2-clauze", "bsd-2-clause"), ("lama3", "llama3")])
def test_a_truly_unknown_id_stays_an_input_error_with_did_you_mean(can_i, typo, hint):
    run = can_i("host", typo)
    assert run.code == 2
    line = run.line()
    assert f"`{typo}` is not a known license" in line and f"did you mean `{hint}`" in line


@pytest.mark.parametrize("spdx, encoding", [
    ("GPL-2.0-only", "gpl-2.0"), ("GPL-3.0-only", "gpl-3.0"), ("GPL-3.0-or-later", "gpl-3.0-or-later"),
    ("LGPL-2.1-only", "lgpl-2.1"), ("LGPL-3.0-only", "lgpl-3.0"), ("LGPL-3.0-or-later", "lgpl-3.0-or-later"),
    ("AGPL-3.0-only", "agpl-3.0"), ("AGPL-3.0-or-later", "agpl-3.0-or-later"), ("gpl-3.0+", "gpl-3.0-or-later"),
])
def test_an_spdx_id_with_one_version_answers_as_that_version(can_i, spdx, encoding):
    def gist(doc):
        return (doc["status"], {(r["license"], r["clause"], r["kind"]) for r in doc["reasons"]},
                {(o["license"], o["clause"], o["duty"]) for o in doc["obligations"]})

    for verb, *rest in (["distribute"], ["finetune", "--as", "apache-2.0", "--and", "distribute"],
                        ["distribute", "--release-mau", "1M", "--role", "licensee", "--and", "host"]):
        assert gist(answer(can_i, verb, spdx, *rest)) == gist(answer(can_i, verb, encoding, *rest))


def test_or_later_is_an_encoding_of_its_own_named_by_its_spdx_spellings():
    """Issue 10: `-or-later` ids are encodings whose `later versions` decide what they allow (no
    expansion into an OR of versions here); `+` is the deprecated spelling of the same id."""
    assert expressions.alternatives("GPL-2.0-or-later") == [("gpl-2.0-or-later",)]
    assert expressions.alternatives("LGPL-2.1-or-later") == [("lgpl-2.1-or-later",)]
    assert expressions.alternatives("GPL-2.0+ AND mit") == [("gpl-2.0-or-later", "mit")]


def test_or_later_picks_the_version_that_accepts_apache(can_i):
    """GPL-2.0 does not accept Apache-2.0 in a relicensed fine-tune; GPL-3.0 does (§5 relicense
    conflicts fire on gpl-2.0 only)."""
    only2 = answer(can_i, "finetune", "GPL-2.0-only", "--as", "apache-2.0", "--and", "distribute")
    later = answer(can_i, "finetune", "GPL-2.0-or-later", "--as", "apache-2.0", "--and", "distribute")
    gpl3 = answer(can_i, "finetune", "gpl-3.0", "--as", "apache-2.0", "--and", "distribute")
    assert only2["status"] == "forbidden"
    assert later["status"] == gpl3["status"]
    if later["status"] != "forbidden":
        assert later["choice"] == {"GPL-2.0-or-later": ["gpl-3.0"]}


def test_no_spdx_mapping_leaves_its_license_family():
    """A version alias must never turn into a guess at another (permissive) license."""
    for spdx, encoding in expressions.SPDX_ALIASES.items():
        family = spdx.split("-")[0]
        assert encoding.split("-")[0] == family, spdx
        number = re.search(r"-(\d+\.\d+)", spdx).group(1)
        assert encoding.startswith(f"{family}-{number}"), spdx


def test_or_later_over_a_use_restricted_model_is_still_a_conflict(can_i):
    """Each GPL version forbids further restrictions: no choice of version makes Llama's AUP fit."""
    doc = answer(can_i, "distribute", "GPL-2.0-or-later AND llama3", "--release-mau", "1M", "--role", "licensee")
    assert doc["status"] == "forbidden"
    assert any(r["kind"] == "conflict" for r in doc["reasons"])


def test_spdx_only_ids_resolve_for_grants_and_outbound_licenses(reasoner):
    assert reasoner.kb.resolve_license("GPL-3.0-only") == ("gpl-3.0", "")
    assert reasoner.kb.resolve_license("LGPL-2.1-only") == ("lgpl-2.1", "")
    assert reasoner.kb.resolve_license("GPL-2.0-or-later") == ("gpl-2.0-or-later", "")
    assert reasoner.kb.resolve_license("GPL-2.0+") == ("gpl-2.0-or-later", "")


EXCEPTIONS = ["GPL-2.0 WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0",
              "gpl-3.0 with GCC-exception-3.1", "GPL-2.0-with-classpath-exception", "mit AND (GPL-2.0 WITH x-exception)"]


@pytest.mark.parametrize("expression", EXCEPTIONS)
def test_a_license_with_an_exception_is_unknown_naming_the_exception(can_i, expression):
    doc = answer(can_i, "distribute", expression)
    assert doc["status"] == "unknown"
    unknown = [r for r in doc["reasons"] if r["kind"] == "unknown_license"]
    assert len(unknown) == 1 and "exception" in unknown[0]["message"]
    exception = expressions.with_exception(unknown[0]["license"])[1]
    assert f"`{exception}`" in unknown[0]["message"]


@pytest.mark.parametrize("expression", EXCEPTIONS)
def test_a_license_with_an_exception_answers_alike_in_json(can_i, expression):
    cli_doc = answer(can_i, "host", expression)
    run = can_i("--request", "-", "--json", stdin=json.dumps({"licenses": [expression], "use": {"acts": ["host"]}}))
    assert run.code == 3
    json_doc = validate_response(run.json())
    assert json_doc["status"] == cli_doc["status"] == "unknown"
    assert [r["license"] for r in json_doc["reasons"]] == [r["license"] for r in cli_doc["reasons"]]


def test_an_exception_never_falls_back_to_the_bare_license(can_i):
    """gpl-2.0 alone is YES to distribute; with an exception can-i does not know it is UNKNOWN."""
    assert answer(can_i, "distribute", "gpl-2.0")["status"] == "permitted"
    assert answer(can_i, "distribute", "GPL-2.0 WITH Classpath-exception-2.0")["status"] == "unknown"


@pytest.mark.parametrize("expression", ["GPL-2.0 WITH", "GPL-2.0 WITH AND mit", "WITH mit", "mit WITH (x)"])
def test_a_malformed_with_is_a_one_line_error(can_i, expression):
    run = can_i("host", expression)
    assert run.code == 2
    assert "WITH" in run.line()


# ==================================================================================================
# Human output
# ==================================================================================================

def _duty_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  [ ] ")]


def test_a_fine_tune_lists_each_duty_once(can_i):
    run = can_i("finetune", "llama3.1", "--and", "distribute")
    lines = _duty_lines(run.out)
    assert lines and len(lines) == len(set(lines))
    stripped = [re.sub(r" \(for `[^`]*`(, `[^`]*`)*\)$", "", line) for line in lines]
    assert len(stripped) == len(set(stripped))
    doc = answer(can_i, "finetune", "llama3.1", "--and", "distribute")
    assert {(o["license"], o["clause"], o["message"]) for o in doc["obligations"]} == \
           {tuple(re.match(r"  \[ \] (.*)  — (\S+) §(.+)$", line).group(2, 3, 1)) for line in stripped}


def test_a_duty_owed_only_for_an_upstream_model_says_for_which(can_i, tmp_path):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [
        {"id": "base", "license": "llama3.1"},
        {"id": "acme/bot", "license": "apache-2.0", "mine": True, "derived_from": [{"id": "base", "relation": "distilled"}]}],
        "subject": "acme/bot"}))
    run = can_i("host", lineage, "--release-mau", "1M", "--role", "licensee", "--purpose", "research")
    doc = answer(can_i, "host", lineage, "--release-mau", "1M", "--role", "licensee", "--purpose", "research")
    upstream = {o["message"] for o in doc["obligations"] if o["artifact"] != doc["subject"]}
    own = {o["message"] for o in doc["obligations"] if o["artifact"] == doc["subject"]}
    assert upstream - own
    for message in upstream - own:
        assert any(message in line and "(for `base`)" in line for line in _duty_lines(run.out)), message


@pytest.mark.parametrize("argv, shown", [
    (["finetune", "llama3", "--and", "distribute", "--release-mau", "800M", "--role", "licensee"], "your model"),
    (["finetune", "llama3.1", "--and", "distribute", "--name", "Acme-7B"], "your model `Acme-7B`"),
    (["distill", "gemma", "--into", "mistral", "--and", "host"], "your model"),
])
def test_the_model_a_verb_creates_is_called_your_model_or_its_name(can_i, argv, shown):
    run = can_i(*argv, "--explain")
    assert "your-model" not in run.out
    assert shown in run.out
    doc = answer(can_i, *argv)  # the JSON keeps its artifact id: schema v1 is unchanged
    assert doc["subject"] == "your-model"


NESTED = re.compile(r"\([^()]*\(")


@pytest.mark.parametrize("argv", [
    ["distribute", "gpl-3.0 AND llama3", "--release-mau", "1M", "--role", "licensee"],
    ["finetune", "apache-2.0", "--as", "gpl-2.0", "--and", "distribute"],
    ["finetune", "gpl-2.0", "--as", "apache-2.0", "--and", "distribute", "--explain"],
    ["show", "gpl-3.0"], ["show", "apple-amlr"], ["show", "apache-2.0"],
])
def test_versions_with_their_own_parentheses_are_not_nested(can_i, argv):
    run = can_i(*argv)
    assert run.out.strip()
    for line in run.out.splitlines():
        assert not NESTED.search(line), line


def test_a_version_with_parentheses_is_shown_flat():
    assert render.cite("gpl-3.0", "3 (29 June 2007)", "10") == "gpl-3.0 (3, 29 June 2007) §10"
    assert render.cite("llama3", "2024-04-18", "2") == "llama3 (2024-04-18) §2"
    assert render.cite("x", "", None) == "x"


FLAG = re.compile(r"(^|[\s(`])--[a-z]")


def _messages(doc: dict) -> list[str]:
    return [item["message"] for key in ("reasons", "obligations", "risks") for item in doc[key]]


@pytest.mark.parametrize("argv", [
    ["host", "llama3", "--release-mau", "800M", "--role", "licensee"], ["adapt", "flux-1-dev-non-commercial-license", "--commercial"],
    ["host", "cc-by-nc-4.0", "--commercial"], ["distill", "llama3", "--into", "mistral"],
    ["finetune", "gemma", "--as", "apache-2.0", "--and", "distribute"], ["host", "cc0-1.0"],
    ["host", "stabilityai/stable-diffusion-3.5-large", "--commercial", "--revenue", "2M"],
])
def test_json_messages_name_request_fields_not_command_line_flags(can_i, argv):
    doc = answer(can_i, *argv)
    for message in _messages(doc):
        assert not FLAG.search(message), message


def test_a_separate_license_names_use_grants_in_json_and_the_flag_on_the_cli(can_i):
    doc = answer(can_i, "host", "llama3", "--release-mau", "800M", "--role", "licensee")
    message = next(r["message"] for r in doc["reasons"] if r["kind"] == "needs_separate_license")
    assert "`use.grants`" in message and "--grant" not in message
    human = can_i("host", "llama3", "--release-mau", "800M", "--role", "licensee").out
    assert "`use.grants` (--grant meta)" in human


def test_the_json_response_keeps_schema_v1_fields(can_i):
    doc = answer(can_i, "finetune", "llama3.1", "--and", "distribute", "--name", "Llama-acme", "--release-mau", "1M", "--role", "licensee")
    assert set(doc) >= {"schema_version", "status", "subject", "reasons", "obligations", "risks", "depends_on",
                        "applicable", "grants"}
    # the JSON still lists a duty per artifact it is owed for (the CLI merges them for reading)
    owed = {(o["license"], o["clause"], o["duty"], o["message"]) for o in doc["obligations"]}
    assert len(owed) < len(doc["obligations"])
    assert {o["artifact"] for o in doc["obligations"]} == {"llama3.1", "your-model"}


# ==================================================================================================
# Listings
# ==================================================================================================

MODEL_KEYS = ["id", "license", "family", "modalities", "released", "base_model", "relation", "note", "aliases"]
LICENSE_KEYS = ["id", "name", "version", "licensor", "family", "kind", "osi", "url", "clauses", "examples"]


@pytest.mark.parametrize("argv", [["models", "--json"], ["--json", "models"]])
def test_models_json_is_a_sorted_list_of_objects_with_fixed_keys(can_i, reasoner, argv):
    run = can_i(*argv)
    assert run.code == 0 and run.err == ""
    models = run.json()
    assert isinstance(models, list) and len(models) == len(reasoner.kb.catalog)
    assert all(list(m) == MODEL_KEYS for m in models)
    ids = [m["id"] for m in models]
    assert ids == sorted(reasoner.kb.catalog, key=lambda i: (i.casefold(), i))
    for m in models:
        entry = reasoner.kb.catalog[m["id"]]
        assert m["license"] == entry["license"] and m["base_model"] == entry.get("base_model")
        assert (m["relation"] is None) == (m["base_model"] is None)


@pytest.mark.parametrize("argv", [["licenses", "--json"], ["--json", "licenses"]])
def test_licenses_json_is_a_sorted_list_of_objects_with_fixed_keys(can_i, reasoner, argv):
    run = can_i(*argv)
    assert run.code == 0 and run.err == ""
    licenses = run.json()
    assert [x["id"] for x in licenses] == sorted(reasoner.kb.licenses, key=lambda i: (i.casefold(), i))
    assert all(list(x) == LICENSE_KEYS for x in licenses)
    llama3 = next(x for x in licenses if x["id"] == "llama3")
    assert llama3["version"] == "2024-04-18" and llama3["osi"] is False and llama3["clauses"] > 0


def test_licenses_json_and_markdown_together_is_a_usage_error(can_i):
    run = can_i("licenses", "--json", "--markdown")
    assert run.code == 2 and "--markdown" in run.line()


def test_the_model_listing_sorts_case_insensitively(can_i, reasoner):
    ids = [line.split("  ")[0] for line in can_i("models").out.splitlines()]
    assert ids == sorted(reasoner.kb.catalog, key=lambda i: (i.casefold(), i))
    assert any(i[0].isupper() for i in ids) and any(i[0].islower() for i in ids)
    assert ids != sorted(ids)  # the byte order would put every capitalised id first


@pytest.mark.parametrize("wrong, hint", [("lama3", "llama3"), ("apache2.0", "apache-2.0")])
def test_models_filtered_by_an_unknown_license_is_an_input_error_with_did_you_mean(can_i, wrong, hint):
    run = can_i("models", "--license", wrong)
    assert run.code == 2 and run.out == ""
    assert f"did you mean `{hint}`" in run.line()


def test_models_filtered_by_nonsense_is_an_input_error(can_i):
    run = can_i("models", "--license", "nonexistent", "--json")
    assert run.code == 2
    assert validate_error(run.json())["code"] == "unknown_subject"


@pytest.mark.parametrize("license_id", ["gpl-3.0", "cc0-1.0"])
def test_models_under_a_known_license_without_catalog_models_says_so(can_i, license_id):
    run = can_i("models", "--license", license_id)
    assert run.code == 0 and run.out == ""
    assert "no catalog model is under" in run.line()
    as_json = can_i("models", "--license", license_id, "--json")
    assert as_json.code == 0 and as_json.json() == []


@pytest.mark.parametrize("spelling", ["llama3", "LLAMA3", " llama3 "])
def test_models_filter_matches_any_spelling_of_the_license(can_i, reasoner, spelling):
    models = can_i("models", "--license", spelling, "--json").json()
    assert models and all("llama3" in expressions.ids(m["license"]) for m in models)
    expected = [i for i, e in reasoner.kb.catalog.items() if "llama3" in expressions.ids(e["license"])]
    assert sorted(m["id"] for m in models) == sorted(expected)


def test_models_filter_by_a_license_only_the_catalog_names(can_i):
    """Filtering by a license lists exactly the catalog models that carry it (qwen-research)."""
    models = can_i("models", "--license", "qwen-research", "--json").json()
    assert models and all(m["license"] == "qwen-research" for m in models)


# ==================================================================================================
# JSON Lines requests
# ==================================================================================================

MIT = {"licenses": ["mit"], "use": {"acts": ["host"]}}
LLAMA_800M = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}
LLAMA_UNSTATED = {"licenses": ["llama3"], "use": {"acts": ["host"]}}


def jsonl(*docs) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in docs)


def test_json_lines_on_stdin_give_one_response_per_line_in_order(can_i):
    run = can_i("--request", "-", "--json", stdin=jsonl(MIT, LLAMA_800M, LLAMA_UNSTATED))
    lines = run.out.splitlines()
    assert [validate_response(json.loads(line))["status"] for line in lines] == ["permitted", "forbidden", "depends"]
    assert run.code == 1  # the worst status: forbidden
    assert run.err == ""


def test_each_json_line_gets_the_answer_it_gets_alone(can_i):
    docs = [MIT, LLAMA_800M, LLAMA_UNSTATED, {"licenses": ["cc0-1.0"], "use": {"acts": ["distribute"]}}]
    batch = [json.loads(line) for line in can_i("--request", "-", "--json", stdin=jsonl(*docs)).out.splitlines()]
    alone = [can_i("--request", "-", "--json", stdin=json.dumps(d)).json() for d in docs]
    assert batch == alone


@pytest.mark.parametrize("docs, code", [
    ([MIT, MIT], 0), ([MIT, LLAMA_UNSTATED], 3), ([LLAMA_UNSTATED, LLAMA_800M, MIT], 1),
    ([MIT, {"licenses": ["cc0-1.0"], "use": {"acts": ["host"]}}], 3),
])
def test_a_batch_exits_with_the_code_of_its_worst_status(can_i, docs, code):
    assert can_i("--request", "-", "--json", stdin=jsonl(*docs)).code == code


def test_a_bad_line_is_reported_in_place_and_the_others_are_answered(can_i):
    bad_number = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "8x00M", "role": "licensee"}}
    text = jsonl(MIT, bad_number, '{"licenses": ["mit"], "use": {"acts"', LLAMA_800M)
    run = can_i("--request", "-", "--json", stdin=text)
    assert run.code == 2  # an input error anywhere in the batch
    lines = [json.loads(line) for line in run.out.splitlines()]
    assert len(lines) == 4
    assert validate_response(lines[0])["status"] == "permitted"
    first, second = validate_error(lines[1]), validate_error(lines[2])
    assert first["location"] == "<stdin>:2:52: use.release_mau"   # line:col of the field (test_edges6)
    assert second["location"].startswith("<stdin>:3:")
    assert validate_response(lines[3])["status"] == "forbidden"
    errors = run.err.splitlines()
    assert len(errors) == 2 and errors[0].startswith("can-i: <stdin>:2:") and errors[1].startswith("can-i: <stdin>:3:")


def test_a_bad_line_cannot_hide_a_no(can_i):
    """An error line never turns the batch's NO into a pass: the exit code is non-zero."""
    run = can_i("--request", "-", "--json", stdin=jsonl(LLAMA_800M, "{oops}"))
    assert run.code != 0
    assert json.loads(run.out.splitlines()[0])["status"] == "forbidden"


def test_blank_lines_are_skipped_and_line_numbers_kept(can_i):
    run = can_i("--request", "-", "--json", stdin="\n" + jsonl(MIT) + "\n\n" + jsonl({"licenses": []}))
    lines = [json.loads(line) for line in run.out.splitlines()]
    assert len(lines) == 2 and lines[0]["status"] == "permitted"
    assert validate_error(lines[1])["location"].startswith("<stdin>:5")


def test_json_lines_from_a_file(can_i, tmp_path):
    path = tmp_path / "requests.txt"
    path.write_text(jsonl(MIT, LLAMA_800M))
    run = can_i("--request", path, "--json")
    assert [json.loads(line)["status"] for line in run.out.splitlines()] == ["permitted", "forbidden"]
    assert run.code == 1


def test_a_jsonl_file_with_one_request_still_answers_on_one_line(can_i, tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(jsonl(LLAMA_800M))
    run = can_i("--request", path, "--json")
    assert run.out.count("\n") == 1 and json.loads(run.out)["status"] == "forbidden"
    assert run.code == 1


def test_one_pretty_printed_document_is_still_one_request(can_i):
    run = can_i("--request", "-", "--json", stdin=json.dumps(LLAMA_800M, indent=2))
    assert run.code == 1
    assert validate_response(run.json())["status"] == "forbidden"
    assert run.out.count("\n") > 5  # the indented single-document output is unchanged


def test_a_broken_pretty_printed_document_is_one_error_with_line_and_column(can_i):
    text = json.dumps(LLAMA_800M, indent=2).replace('"host"', '"host",,')
    run = can_i("--request", "-", stdin=text)
    assert run.code == 2
    assert re.match(r"can-i: <stdin>:\d+:\d+: not valid JSON", run.line())


def test_json_lines_without_json_print_one_answer_per_request(can_i):
    run = can_i("--request", "-", stdin=jsonl(MIT, LLAMA_800M))
    assert run.code == 1
    assert "YES — line 1: the request for `stack`" in run.out
    assert "NO — line 2: the request for `stack`" in run.out


def test_json_lines_with_crlf_and_a_byte_order_mark(can_i, tmp_path):
    path = tmp_path / "requests.txt"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl(MIT, LLAMA_800M).replace("\n", "\r\n").encode())
    run = can_i("--request", path, "--json")
    assert [json.loads(line)["status"] for line in run.out.splitlines()] == ["permitted", "forbidden"]
    assert run.code == 1


@pytest.mark.parametrize("argv, option", [
    (["finetune", "mit", "--as", "nonsense-license", "--and", "distribute"], "--as (use.outbound_license)"),
    (["host", "llama3", "--territory", "Frnce"], "--territory (use.territory[0])"),
    (["host", "llama3", "--purpose", "militray"], "--purpose (use.purposes[0])"),
    (["host", "llama3", "--release-mau", "800M", "--role", "licensee", "--grant", "metta"], "--grant (use.grants[0])"),
])
def test_an_error_in_a_typed_value_names_the_option_and_the_field(can_i, argv, option):
    run = can_i(*argv)
    assert run.code == 2
    assert run.line().startswith(f"can-i: {option}: ")
    assert "did you mean" in run.line()
