"""The profile's license policy in the audit's machine outputs. The exit code counted a denial,
but `--csv` showed only `permitted` and `--sarif` had no result: a CI gate or a spreadsheet reading
either one let a model through that the policy denies."""

import csv
import io
import json

import pytest

from reasoner import audit
from reasoner.audit import Card, audit_cards
from reasoner.cli import main
from reasoner.profile import Profile

POLICY = {"allow": ["apache-2.0"], "deny": ["mit"], "review": "*"}


def report_of(*licenses):
    cards = [Card(f"org/m{i}", "x.jsonl", i + 1, {"license": lid}) for i, lid in enumerate(licenses)]
    return audit_cards(cards, profile=Profile(facts={"commercial": True}, policy=POLICY, source="profile /p/can-i.toml"))


def csv_rows(report):
    return {row["id"]: row for row in csv.DictReader(io.StringIO(audit.render_csv(report)))}


def test_a_denied_license_is_in_the_csv_and_fails_the_exit_code():
    report = report_of("mit", "apache-2.0", "bsd-3-clause")
    rows = csv_rows(report)
    assert rows["org/m0"]["status"] == "permitted"        # the legal verdict is unchanged ...
    assert (rows["org/m0"]["policy"], rows["org/m0"]["policy_licenses"]) == ("denied", "mit:deny")   # ... the policy is beside it
    assert (rows["org/m1"]["policy"], rows["org/m1"]["policy_licenses"]) == ("allowed", "apache-2.0:allow")
    assert rows["org/m2"]["policy"] == "review"
    assert report.exit_code() == 1


def test_without_a_policy_the_csv_columns_are_empty():
    report = audit_cards([Card("org/m", "x.jsonl", 1, {"license": "mit"})])
    row = csv_rows(report)["org/m"]
    assert (row["policy"], row["policy_licenses"]) == ("", "")


@pytest.mark.parametrize("lid, level, verb", [("mit", "error", "denies mit"),
                                              ("bsd-3-clause", "warning", "holds for review bsd-3-clause")])
def test_a_denied_or_reviewed_license_is_a_sarif_result(lid, level, verb):
    sarif = audit.render_sarif(report_of(lid))
    run = sarif["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    results = [r for r in run["results"] if r["ruleId"] == "policy"]
    assert len(results) == 1 and rules[results[0]["ruleIndex"]] == "policy"
    assert results[0]["level"] == level and verb in results[0]["message"]["text"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_an_allowed_license_adds_no_sarif_result():
    assert audit.render_sarif(report_of("apache-2.0"))["runs"][0]["results"] == []


def test_the_command_line_csv_and_sarif_carry_the_denial(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "can-i.toml").write_text('commercial = true\n[policy]\nallow = ["apache-2.0"]\ndeny = ["mit"]\n'
                                         'review = "*"\n')
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text("---\nlicense: MIT\n---\n# m\n")
    assert main(["audit", "m", "--csv"]) == 1
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["policy"] == "denied"
    assert main(["audit", "m", "--sarif"]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [r["level"] for r in results if r["ruleId"] == "policy"] == ["error"]
