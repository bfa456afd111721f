"""Review 25: hostile review of the distributed audit, the machine outputs (SARIF, CSV, JSON Lines)
and input paths (JSON Lines requests, audits of card folders, profiles). HIGH = a wrong YES,
MEDIUM = another wrong answer, a traceback or an input silently ignored, LOW = the rest."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")


sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402

LLAMA = "meta-llama/Meta-Llama-3-8B"
# Characters str.splitlines breaks a line at, but JSON, TOML and a Hub card's front matter do not.
NOT_LINE_BREAKS = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1e"]


# --- HIGH: a line separator inside a card's front matter ended it early ---------------------------

@pytest.mark.parametrize("separator", NOT_LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in NOT_LINE_BREAKS])
def test_a_line_separator_does_not_end_a_cards_front_matter(can_i, tmp_path, separator):
    """HIGH. The card reader split the card with str.splitlines, which also breaks at U+2028,
    U+0085, form feeds, … So `license: mit<U+2028>---<U+2028>base_model: meta-llama/Meta-Llama-3-8B`
    ended the front matter at that `---` and the base model was never read: a Llama 3 fine-tune
    labelled MIT was YES for commercial use. The Hub (and any YAML reader given the block between
    the `---` lines) reads no such end: the card is one YAML text that is not a single document,
    an input error."""
    path = card(tmp_path, "m", f"license: mit{separator}---{separator}base_model: {LLAMA}\nmodel_name: m")
    run = can_i("use", path, "--commercial", "--no-remedies", "--json")
    assert run.code == 2 and str(path) in run.line(), run.out


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0c"], ids=["U+2028", "U+0085", "U+000C"])
def test_an_audit_reads_the_whole_front_matter_past_a_line_separator(can_i, tmp_path, separator):
    """HIGH. The same card in a folder given to `can-i audit`: audited as MIT, permitted, exit 0
    (a CI gate passed a relabelled Llama fine-tune)."""
    card(tmp_path / "cards", "acme-bot", f"license: mit{separator}---{separator}base_model: {LLAMA}")
    run = can_i("audit", str(tmp_path / "cards"), "--json")
    row = run.json()["results"][0]
    assert row["status"] != "permitted" and run.code != 0, row


def test_a_hub_cards_front_matter_is_not_ended_by_a_line_separator():
    """HIGH (through `--hub`). The Hub reader ended a fetched card's front matter the same way."""
    import time

    from reasoner import hub

    text = f"---\nlicense: mit\u2028---\u2028base_model: {LLAMA}\n---\n# card\n".encode()
    front = hub._read_front_matter([text], time.monotonic() + 60)
    assert LLAMA in front, front


# --- MEDIUM: JSON Lines cut at a U+2028 inside a string ----------------------------------------------

def test_a_json_lines_request_holding_a_line_separator_keeps_every_answer_on_its_line(can_i, tmp_path):
    """MEDIUM. A JSON Lines file of three requests whose first holds a raw U+2028 in a string
    (valid JSON) was cut in two by str.splitlines: four outputs for three lines, the Llama 3 request
    of line 2 answered in the third place, where a reader pairing answers with lines by position
    reads line 3's, and line 3's error located at line 4 of a three-line file."""
    first = json.dumps({"licenses": ["mit"], "use": {"acts": ["distribute"], "name": "my\u2028model"}},
                       ensure_ascii=False)
    second = json.dumps({"artifacts": [{"id": LLAMA}], "use": {"acts": ["host"], "commercial": True,
                                                                "release_mau": 800_000_000, "role": "licensee"}})
    third = json.dumps({"licenses": ["mit"], "use": {"acts": ["distribute"], "commercial": "yes"}})
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join([first, second, third]) + "\n", encoding="utf-8")
    run = can_i("--request", str(path), "--json")
    answers = [json.loads(line) for line in run.out.splitlines()]
    assert [a.get("status") for a in answers] == ["permitted", "forbidden", None], run.out
    assert answers[2]["error"]["location"].startswith(f"{path}:3:"), answers[2]
    assert run.code == 2


# --- LOW: no "did you mean" for a word in another case --------------------------------------------

@pytest.mark.parametrize("rename, meant", [(("use", "release_mau", "RELEASE_MAU"), "release_mau"),
                                           ((None, "use", "USE"), "use")])
def test_a_request_key_in_another_case_gets_a_did_you_mean(can_i, tmp_path, rename, meant):
    """LOW. `RELEASE_MAU` or `USE` in a request was refused as an unknown field with no suggestion
    (`Release_MAU` got one): difflib finds no upper-case word close to a lower-case one."""
    doc = {"artifacts": [{"id": LLAMA}], "use": {"acts": ["host"], "release_mau": 1}}
    table, old, new = rename
    inner = doc[table] if table else doc
    inner[new] = inner.pop(old)
    path = tmp_path / "request.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run = can_i("--request", str(path), "--json")
    assert run.code == 2 and f"did you mean `{meant}`" in run.line(), run.err


def test_a_profile_key_in_another_case_gets_a_did_you_mean(can_i, tmp_path):
    """LOW. The same for a profile's `RELEASE_MAU = "800M"`."""
    profile = tmp_path / "can-i.toml"
    profile.write_text('RELEASE_MAU = "800M"\n', encoding="utf-8")
    run = can_i("host", LLAMA, "--profile", str(profile), "--json", "--no-remedies")
    assert run.code == 2 and "did you mean `release_mau`" in run.line(), run.err


@pytest.mark.parametrize("also", ["Distribute", "DISTRIBUTE", " distribute "])
def test_and_reads_an_act_without_case_as_other_words_are(can_i, also):
    """LOW (a known open item). `--and Distribute` was an unknown act (exit 2, and `DISTRIBUTE`
    with no suggestion) while `--role Licensee` is read as `licensee`: acts are a closed
    vocabulary like the others. Read as `distribute`, the student's name is judged: NO."""
    run = can_i("distill", "llama3.1", "--into", "mistral", "--release-mau", "1M", "--and", also,
                "--name", "Mistral-Student", "--no-remedies", "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden", run.out


def test_a_profile_error_is_located_on_its_toml_line_past_a_line_separator(can_i, tmp_path):
    """LOW. A profile's bad value was located by counting str.splitlines' lines: a U+2028 in a
    comment above it (TOML allows it there) put the error one line too far."""
    profile = tmp_path / "can-i.toml"
    profile.write_text('# owner: legal\u2028ops\nmau = "lots"\n', encoding="utf-8")
    run = can_i("host", LLAMA, "--profile", str(profile), "--json", "--no-remedies")
    assert run.code == 2 and f"{profile}:2:" in run.line(), run.err


# --- MEDIUM: an audit of a dump holding no card passed as "every model permitted" -----------------

@pytest.mark.parametrize("name, text", [("dump.jsonl", ""), ("dump.jsonl", "\n \n"), ("dump.ndjson", "\r\n"),
                                        ("dump.json", "[]")])
@pytest.mark.parametrize("output", ["--json", "--sarif", "--csv"])
def test_an_audit_of_a_dump_holding_no_card_is_an_error(can_i, tmp_path, name, text, output):
    """MEDIUM. `can-i audit dump.jsonl --sarif` of an empty file (or blank lines, or `[]`) printed
    "0 models audited" and exited 0, which the README gives for "every model permitted": a CI gate
    passed the empty dump a failed export left. A folder holding no README.md was already an
    error; so is a file holding no record."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = can_i("audit", str(path), output)
    assert run.code == 2 and str(path) in run.line(), (run.code, run.out)


# --- LOW: an empty `subject` was read as left out ---------------------------------------------------

@pytest.mark.parametrize("doc", [
    {"artifacts": [{"id": LLAMA}, {"id": "acme/ft", "license": "llama3", "mine": True,
                                   "derived_from": [{"id": LLAMA, "relation": "finetune"}]}],
     "subject": "", "use": {"acts": ["distribute"], "release_mau": 1_000_000}},
    {"licenses": ["mit"], "subject": "", "use": {"acts": ["distribute"]}}], ids=["artifacts", "stack"])
def test_an_empty_subject_is_an_input_error(reasoner, doc, tmp_path, capsys):
    """LOW. `"subject": ""` answered the default subject (the one artifact nothing derives from)
    with no word, while an empty `name` or `role` is an input error (an empty value is no statement)."""
    from conftest import assert_input_error

    assert_input_error(reasoner, doc, "subject", "`subject` is empty", tmp_path, capsys)


# --- MEDIUM: a JSON Lines file of nothing but a BOM or a wide space was a traceback ---------------

@pytest.mark.parametrize("text", ["\ufeff\n", "\u3000\n", "\u2028\n", "\n\u00a0\n"],
                         ids=["BOM", "U+3000", "U+2028", "U+00A0"])
@pytest.mark.parametrize("json_out", [True, False], ids=["json", "text"])
def test_a_json_lines_file_holding_no_request_is_one_line_not_a_traceback(can_i, tmp_path, text, json_out):
    """MEDIUM. `can-i --request x.jsonl` of a file holding only a BOM (or U+3000, U+2028, a
    no-break space) passed the byte-wise "file is empty" check, held no request, and the batch's
    exit code was max() of nothing: `ValueError: max() arg is an empty sequence`, a traceback."""
    path = tmp_path / "requests.jsonl"
    path.write_text(text, encoding="utf-8")
    run = can_i("--request", str(path), *(["--json"] if json_out else []))
    assert run.code == 2 and str(path) in run.line(), run.err


# --- LOW: a policy naming the `bsd` family was refused -----------------------------------------------

def test_a_policy_may_name_the_bsd_family(can_i, tmp_path):
    """LOW. The README says a family id such as `gpl` or `bsd` names every version it may mean in a
    policy, but `deny = ["bsd"]` was "unknown license `bsd` in the policy (did you mean `bsd`?)":
    two of the versions its entry lists (bsd-4-clause, 0bsd) are not Hub ids. Now it denies."""
    profile = tmp_path / "can-i.toml"
    profile.write_text('[policy]\ndeny = ["bsd"]\n', encoding="utf-8")
    run = can_i("distribute", "bsd-3-clause", "--profile", str(profile), "--json", "--no-remedies")
    assert run.code == 1 and run.json()["policy"]["status"] == "denied", run.out + run.err


# --- HIGH: a `...` line the Hub reads past ended a card's front matter --------------------------------

@pytest.mark.parametrize("closer", ["...\n", "---\r"], ids=["dots", "dashes-lone-CR"])
def test_a_front_matter_the_hub_reads_past_its_closing_line_is_refused(can_i, tmp_path, closer):
    """HIGH. `license: mit / ... / base_model: meta-llama/Meta-Llama-3-8B / ---`: can-i ended the
    front matter at YAML's document end `...` (or at a `---` ended by a lone carriage return) and
    read MIT alone (YES for commercial use), while the Hub (huggingface_hub's REGEX_YAML_BLOCK)
    ends it only at a `---` line ended by \\n, \\r\\n or the end, and reads on. A card the Hub
    reads to another line is refused, located where can-i ended it; `...` with no `---` after it
    still closes it."""
    path = tmp_path / "m" / "README.md"
    path.parent.mkdir()
    path.write_text(f"---\nlicense: mit\n{closer}base_model: {LLAMA}\n---\n# m\n", encoding="utf-8", newline="")
    run = can_i("use", path, "--commercial", "--no-remedies", "--json")
    assert run.code == 2 and f"{path}:3:1" in run.line(), run.out
    card(tmp_path / "cards", "m", f"license: mit\n...\nbase_model: {LLAMA}")
    run = can_i("audit", str(tmp_path / "cards"), "--json")
    assert run.code == 2 and run.json()["results"][0]["status"] == "invalid", run.out
    closed = tmp_path / "ok" / "README.md"
    closed.parent.mkdir()
    closed.write_text("---\nlicense: mit\n...\n# Bot\n", encoding="utf-8")
    assert can_i("use", closed, "--commercial", "--no-remedies", "--json").code == 0


def test_a_hub_card_is_closed_only_by_a_dashes_line():
    """HIGH (through `--hub`). The Hub reader ended a fetched card at `...` too."""
    import time

    from reasoner import hub

    text = f"---\nlicense: mit\n...\nbase_model: {LLAMA}\n---\n# card\n".encode()
    front = hub._read_front_matter([text], time.monotonic() + 60)
    assert LLAMA in front, front


# --- HIGH: a binding card key in fullwidth letters was no near miss ----------------------------------

@pytest.mark.parametrize("key", ["ｂａｓｅ_model", "ｂａｓｅ＿ｍｏｄｅｌ", "𝐛𝐚𝐬𝐞_model", "ｄａｔａｓｅｔｓ"],
                         ids=["fullwidth-base", "fullwidth-all", "math-bold", "fullwidth-datasets"])
def test_a_binding_card_key_in_compatibility_letters_is_refused(can_i, tmp_path, key):
    """HIGH. Review 24 refuses near misses of the keys whose terms bind (`base-model`,
    `finetuned-from`), but `ｂａｓｅ_model: meta-llama/Meta-Llama-3-8B` (fullwidth letters, which
    fold to `model`) was no near miss of anything: skipped, and a Llama fine-tune labelled MIT was
    YES for commercial use. Keys are compared after NFKC."""
    value = LLAMA if "ｄ" not in key else "[tatsu-lab/alpaca]"
    path = card(tmp_path, "m", f"license: mit\n{key}: {value}")
    run = can_i("use", path, "--commercial", "--no-remedies", "--json")
    assert run.code == 2 and "did you mean" in run.line(), run.out


# --- MEDIUM: SARIF put UNKNOWN at `warning` and DEPENDS at `note` -------------------------------------

def test_sarif_gives_no_unknown_a_level_a_default_gate_passes(can_i, tmp_path):
    """MEDIUM. `can-i audit --sarif` gave an UNKNOWN model (a license can-i does not know, a base
    model nobody knows) `warning` and a DEPENDS one `note`; GitHub code scanning fails a check on
    `error` alone by default, so a gate reading the SARIF passed an audit whose exit code was 3.
    UNKNOWN (never YES) is now an `error`, DEPENDS a `warning`."""
    card(tmp_path / "cards", "unknown-license", "license: wtfpl-9")
    card(tmp_path / "cards", "unknown-parent", "license: mit\nbase_model: nobody/ghost")
    card(tmp_path / "cards", "depends", f"license: llama3\nbase_model: {LLAMA}")
    run = can_i("audit", str(tmp_path / "cards"), "--sarif")
    levels = {r["locations"][0]["logicalLocations"][0]["name"]: r["level"]
              for r in json.loads(run.out)["runs"][0]["results"]}
    assert levels == {"unknown-license": "error", "unknown-parent": "error", "depends": "warning"}, levels
    assert run.code == 3


# --- LOW: a JSON Lines request asking for advice was an "unknown field" ---------------------------------

def test_a_json_lines_line_asking_for_advice_says_so(can_i, tmp_path):
    """LOW. A line with `"suggest": "license"` was refused as "unknown field `suggest`", though the
    README documents `suggest` for a request document: the error now says advice is answered for
    one document, located at the line's key; the other lines are still answered."""
    doc = {"artifacts": [{"id": LLAMA}], "use": {"acts": ["host"], "commercial": True,
                                                  "release_mau": 800_000_000, "role": "licensee"}}
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in [doc, {**doc, "suggest": "license"}, doc]) + "\n",
                    encoding="utf-8")
    run = can_i("--request", str(path), "--json")
    answers = [json.loads(line) for line in run.out.splitlines()]
    assert [a.get("status") for a in answers] == ["forbidden", None, "forbidden"], run.out
    error = answers[1]["error"]
    assert "one request document" in error["message"] and error["location"].startswith(f"{path}:2:"), error
    assert run.code == 2


# --- LOW: a SARIF location that is no URI ----------------------------------------------------------

def test_a_sarif_location_is_a_percent_encoded_uri(can_i, tmp_path, monkeypatch):
    """LOW. A card under `my models/` (a space) or `#1/` was located in SARIF as the raw path
    `my models/bot/README.md`, which is no URI reference (RFC 3986): a code-scanning upload reads
    `#1/...` as a fragment, or refuses the file."""
    monkeypatch.chdir(tmp_path)
    card(tmp_path / "my models #1", "bot", "license: wtfpl-9")
    run = can_i("audit", "my models #1", "--sarif")
    uri = json.loads(run.out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20models%20%231/bot/README.md", uri


# --- HIGH (contrived): a JSON number past a double's precision read as the threshold ----------------

@pytest.mark.parametrize("written", ["700000000.00000001", "7.0000000000000001e8"])
def test_a_json_number_is_judged_as_written_not_as_its_float(can_i, tmp_path, written):
    """HIGH by definition (a wrong YES), with a contrived input. `"release_mau": 700000000.00000001`
    was read by json as the float 700000000.0, exactly Llama 3's threshold, and hosting was YES,
    although the number written is above the threshold and no whole count (the same digits as a
    string, or `700000000.0000001`, were refused as "not a whole number"). Now refused too."""
    path = tmp_path / "request.json"
    path.write_text('{"artifacts": [{"id": "%s"}], "use": {"acts": ["host"], "commercial": true, '
                    '"role": "licensee", "release_mau": %s}}' % (LLAMA, written), encoding="utf-8")
    run = can_i("--request", str(path), "--json")
    assert run.code == 2 and f"not {written}" in run.line(), run.out


@pytest.mark.parametrize("kind", ["yaml", "toml", "profile"])
def test_a_yaml_or_toml_number_is_judged_as_written_not_as_its_float(can_i, tmp_path, kind):
    """HIGH by definition, contrived (as above): the same number in a YAML or TOML lineage file's
    `use`, or in a profile, was read as the float 700000000.0 and hosting Llama 3 was YES."""
    number = "700000000.00000001"
    if kind == "profile":
        profile = tmp_path / "can-i.toml"
        profile.write_text(f'commercial = true\nrole = "licensee"\nrelease_mau = {number}\n', encoding="utf-8")
        run = can_i("host", LLAMA, "--profile", str(profile), "--json", "--no-remedies")
    else:
        path = tmp_path / f"lineage.{kind}"
        path.write_text(f"artifacts:\n  - id: {LLAMA}\nuse:\n  acts: [host]\n  commercial: true\n  role: licensee\n"
                        f"  release_mau: {number}\n" if kind == "yaml" else
                        f'[[artifacts]]\nid = "{LLAMA}"\n[use]\nacts = ["host"]\ncommercial = true\nrole = "licensee"\n'
                        f"release_mau = {number}\n", encoding="utf-8")
        run = can_i("host", str(path), "--json", "--no-remedies")
    assert run.code == 2 and f"not {number}" in run.line(), run.out
