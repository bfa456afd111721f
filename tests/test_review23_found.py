"""Review 23: every input path but lineage walks and remedies (profiles, policies, numbers,
territories, audit inputs, cards, the command line). Each test failed on the code it was
written against; HIGH = a wrong YES, MEDIUM = another wrong answer, a traceback or an input
silently ignored, LOW = the rest."""

from __future__ import annotations

import sys
from pathlib import Path

import json

import pytest

from reasoner import audit

pytestmark = pytest.mark.usefixtures("bundled_kb")


sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402


# --- HIGH: audit ended a card's front matter at an indented `---` -------------------------------

def test_audit_reads_keys_after_an_indented_dashes_line_in_a_block_scalar(tmp_path):
    """HIGH. `  ---` inside a block scalar is text (YAML and the Hub read it so; subjects.model_card
    and hub._read_front_matter stop at column 0 only). audit._markdown_card stopped there, so
    `base_model: meta-llama/Meta-Llama-3-8B` after a description was never read and a Llama
    fine-tune labelled MIT was audited as permitted to distribute under MIT."""
    path = card(tmp_path, "acme-bot", "license: mit\ndescription: |\n  Our bot.\n  ---\n  More.\n"
                                      "base_model: meta-llama/Meta-Llama-3-8B")
    report = audit.audit([path])
    (row,) = report.rows
    assert row["status"] != "permitted", row


# --- MEDIUM: --profile before and after the verb ------------------------------------------------

def test_profile_before_and_after_the_verb_is_a_usage_error(can_i, tmp_path, monkeypatch):
    """MEDIUM. `--profile A host llama3 --profile B` silently read B and dropped A, while
    `--profile A --profile B host …` and `--profile A host … --no-profile` are usage errors."""
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    company = tmp_path / "company.toml"
    company.write_text('commercial = true\nrole = "licensee"\nrelease_mau = "800M"\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('release_mau = "1M"\n', encoding="utf-8")
    run = can_i("--profile", company, "host", "llama3", "--profile", other)
    assert run.code == 2, run.out
    assert "--profile" in run.line() and "once" in run.line()


# --- HIGH: a card's license list joined without parentheses --------------------------------------

def test_a_card_license_list_keeps_each_entry_whole(can_i, tmp_path):
    """HIGH. `license: [cc-by-nc-4.0, "mit OR apache-2.0"]` was joined bare into
    `cc-by-nc-4.0 AND mit OR apache-2.0`, which reads `(cc-by-nc-4.0 AND mit) OR apache-2.0`:
    commercial use was YES through Apache-2.0 alone, dropping the card's CC BY-NC."""
    path = card(tmp_path, "m", 'license: [cc-by-nc-4.0, "mit OR apache-2.0"]')
    run = can_i("use", path, "--commercial", "--json")
    assert run.json()["status"] == "forbidden", run.out


# --- MEDIUM: a card's malformed license was located in the request, not the card ---------------

def test_a_malformed_card_license_is_an_error_at_the_cards_line(can_i, tmp_path):
    """MEDIUM. `license: (mit` was `can-i: artifacts[0].license: missing ...`: no file, no line;
    a nested list printed Python's repr of it."""
    path = card(tmp_path, "m", "title: x\nlicense: (mit")
    line = can_i("use", path).line()
    assert f"{path}:3:1:" in line and "missing `)`" in line, line
    path = card(tmp_path, "n", "license: [mit, [cc-by-nc-4.0]]")
    line = can_i("use", path).line()
    assert f"{path}:2:1:" in line and "['" not in line, line


# --- HIGH: a dump record giving its card twice ---------------------------------------------------

@pytest.mark.parametrize("record", [
    {"id": "acme/x", "front_matter": "license: mit",
     "cardData": {"license": "cc-by-nc-4.0", "base_model": "meta-llama/Meta-Llama-3-8B"}},
    {"id": "acme/x", "cardData": {"license": "mit"},
     "card_data": {"license": "cc-by-nc-4.0", "base_model": "meta-llama/Meta-Llama-3-8B"}},
])
def test_a_record_that_gives_its_card_twice_is_not_audited_as_either(tmp_path, record):
    """HIGH. `front_matter` was read and `cardData` dropped (and `cardData` over `card_data`)
    without a word: a record whose other card names CC BY-NC and a Llama base model was audited
    as MIT, permitted. Now the card is invalid, saying which keys."""
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (row,) = audit.audit([path]).rows
    assert row["status"] != "permitted", row


def test_one_card_under_both_spellings_is_still_read(tmp_path):
    """Not a finding: the check above must not refuse a dump that gives one card under both keys."""
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"id": "acme/x", "cardData": {"license": "mit"}, "card_data": {"license": "mit"}})
                    + "\n", encoding="utf-8")
    (row,) = audit.audit([path]).rows
    assert row["status"] == "permitted", row


def test_a_record_whose_id_and_model_id_differ_is_an_invalid_card(tmp_path):
    """MEDIUM. `{"id": "acme/x", "modelId": "acme/y"}` was audited as acme/x; a child naming
    acme/y found no parent in the run."""
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"id": "acme/x", "modelId": "acme/y", "cardData": {"license": "mit"}}) + "\n",
                    encoding="utf-8")
    (row,) = audit.audit([path]).rows
    assert row["status"] == "invalid" or row.get("error"), row


# --- HIGH: YAML 1.1 octal and base-60 numbers in a YAML lineage file -----------------------------

@pytest.mark.parametrize("written, refused", [("0700000001", False), ("1:20:00", True), ("0x30000000", True)])
def test_a_yaml_number_is_read_as_written_in_decimal(can_i, tmp_path, written, refused):
    """HIGH. PyYAML reads YAML 1.1: `release_mau: 0700000001` was octal 117,440,513, under Llama
    3's 700M line, so hosting was YES where the user stated 700,000,001 users; `1:20:00` was 4800.
    Now a number is decimal as written, or the field's reader refuses it at its line."""
    path = tmp_path / "lineage.yaml"
    path.write_text("artifacts:\n  - id: meta-llama/Meta-Llama-3-8B\nuse:\n"
                    f"  release_mau: {written}\n  role: licensee\n  commercial: true\n", encoding="utf-8")
    run = can_i("host", path)
    if refused:
        assert run.code == 2 and f"{path}:4:3:" in run.line(), run.err
    else:
        assert run.code == 1, run.out


# --- LOW: an unknown option written in another case had no "did you mean" -----------------------

@pytest.mark.parametrize("argv, meant", [
    (("host", "llama3", "--JSON"), "--json"),
    (("host", "llama3", "--TERRITORY", "EU"), "--territory"),
    (("--JSON", "host", "llama3"), "--json"),
])
def test_an_option_in_another_case_is_an_error_with_did_you_mean(can_i, argv, meant):
    """LOW. `--JSON` was `No such option '--JSON'.` with no suggestion (click compares case)."""
    run = can_i(*argv)
    assert run.code == 2 and f"'{meant}'" in run.line(), run.err


# --- LOW: dates that are not YYYY-MM-DD ---------------------------------------------------------

@pytest.mark.parametrize("written", ["20250601", "2025-W23-1", "2025W231"])
def test_a_date_is_yyyy_mm_dd_only(can_i, written):
    """LOW. Python's ISO reader took `--on 2025-W23-1` as 2025-06-02 (and `20250601`, `2025-153`)
    while every message says YYYY-MM-DD."""
    run = can_i("use", "mit", "--on", written)
    assert run.code == 2 and "YYYY-MM-DD" in run.line(), run.out


def test_an_empty_request_path_is_a_usage_error_saying_so(can_i):
    """LOW. `--request ""` was read as the path `.`: "can-i: .: is a directory, not a JSON file"."""
    run = can_i("--request", "")
    assert run.code == 2 and "--request" in run.line() and "empty" in run.line(), run.err


def test_an_empty_request_path_under_json_is_the_same_usage_error(capsys):
    """LOW. The fast path (`--request X --json`, reasoner/fast.py) read it as a file named ` `."""
    from reasoner import fast

    code = fast.main(["--request", " ", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["error"]["code"] == "usage" and "empty" in doc["error"]["message"], doc


def test_a_license_link_that_is_no_address_is_said_in_a_note(can_i, tmp_path):
    """LOW. `license_link: {url: …}` (a mapping) was skipped without a word: the answer followed
    `license: mit` and no note said the linked text went unread, as one does for a string link."""
    path = card(tmp_path, "m", "license: mit\nlicense_link: {url: https://creativecommons.org/licenses/by-nc/4.0/legalcode}")
    doc = can_i("use", path, "--json").json()
    assert any(n["code"] == "card_license_link_unread" for n in doc.get("notes", [])), doc.get("notes")


# --- not fixed ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["800.000", "1.500M", "$999.999", "700.000M"])
def test_a_thousands_dot_is_refused_as_ambiguous(can_i, written):
    """Was a strict xfail (LOW): `800.000` was read as 800 (a dot as the decimal point), 800,000 in
    much of Europe; `1.500M` as 1.5M where a European reader means 1.5B, over Llama 3's 700M line
    (a wrong YES). A dot before exactly three digits is refused, as `1,5B` is."""
    run = can_i("host", "llama3", "--commercial", "--mau", written)
    assert run.code == 2 and "ambiguous" in run.err and run.err.count("\n") == 1, (run.out, run.err)


@pytest.mark.parametrize("written, value", [("800", 800), ("2.5B", 2_500_000_000), ("1.5M", 1_500_000),
                                            ("1,500,000", 1_500_000), ("1234.000", 1234), ("0.75K", 750)])
def test_numbers_with_other_decimals_still_read(written, value):
    from reasoner.numbers import parse_count

    assert parse_count(written) == value


def _profile(tmp_path, monkeypatch, name: str, text: str):
    """A profile file of this text, and no profile named in the environment."""
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    profile = tmp_path / name
    profile.write_text(text, encoding="utf-8")
    return profile


def test_a_policy_judges_the_alternative_it_allows(can_i, tmp_path, monkeypatch):
    """Was a strict xfail (LOW): for `cc-by-nc-4.0 OR mit`, both permitted, the answer chose
    cc-by-nc-4.0 and the policy that denies it said DENIED (exit 1), though MIT is allowed. Among
    equally good alternatives the one the policy allows is picked; a better verdict still wins."""
    profile = _profile(tmp_path, monkeypatch, "can-i.toml", '[policy]\ndeny = ["cc-by-nc-4.0"]\nallow = "*"\n')
    doc = can_i("--profile", profile, "use", "cc-by-nc-4.0 OR mit", "--non-commercial", "--json").json()
    assert doc["policy"]["status"] == "allowed", doc["policy"]
    assert doc["choice"] == {"stack": ["mit"]}, doc["choice"]
    # Commercial use: only MIT permits it, so MIT is the pick whatever the policy says of it.
    profile.write_text('[policy]\ndeny = ["mit"]\nallow = "*"\n', encoding="utf-8")
    doc = can_i("--profile", profile, "use", "cc-by-nc-4.0 OR mit", "--commercial", "--json").json()
    assert doc["status"] == "permitted" and doc["policy"]["status"] == "denied", doc["policy"]


def test_a_bad_value_in_an_inline_profile_table_has_a_line(can_i, tmp_path, monkeypatch):
    """Was a strict xfail (LOW): a bad value in an inline [tool] table (`can-i = { release_mau =
    "lots" }`) was located at the file, without line:col."""
    profile = _profile(tmp_path, monkeypatch, "pyproject.toml", '[tool]\ncan-i = { release_mau = "lots" }\n')
    line = can_i("--profile", profile, "host", "llama3").line()
    assert f"{profile}:2:11:" in line, line
    # A key written twice in the file (here in another table too) is not guessed at: the file alone.
    profile.write_text('[tool]\ncan-i = { release_mau = "lots" }\n[other]\nrelease_mau = 1\n', encoding="utf-8")
    line = can_i("--profile", profile, "host", "llama3").line()
    assert f"{profile}: " in line, line


# --- HIGH: the older card key `finetuned_from` was skipped ---------------------------------------

def test_a_base_model_named_only_under_finetuned_from_is_not_dropped(can_i, tmp_path):
    """HIGH. `finetuned_from` (the older card templates' key for the base model) was skipped like
    any unknown key: `license: mit` + `finetuned_from: meta-llama/Meta-Llama-3-8B` was YES to
    distribute your model under MIT alone. Now it is an error at its line unless `base_model`
    lists the same model."""
    path = card(tmp_path, "m", "license: mit\nfinetuned_from: meta-llama/Meta-Llama-3-8B")
    run = can_i("distribute", path, "--mine")
    assert run.code == 2 and f"{path}:3:1:" in run.line() and "base_model" in run.line(), run.out
    both = card(tmp_path, "n", "license: mit\nbase_model: meta-llama/Meta-Llama-3-8B\n"
                               "finetuned_from: meta-llama/Meta-Llama-3-8B")
    assert can_i("distribute", both, "--mine", "--json").json()["status"] != "permitted"
