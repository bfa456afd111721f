"""Hostile review (review3) of `can-i audit`, cards as they are, the typer-free entry and the
engine: each test is a defect found, fixed where it belongs."""


import pytest

from reasoner import audit
from reasoner.audit import Card, audit_cards
from reasoner.profile import Profile


def rows_by_id(report):
    return {row["id"]: row for row in report.rows}


def test_a_profile_grant_for_one_model_does_not_clear_another_of_its_shape():
    # Two models of one shape (their own CC-BY-NC-4.0), a profile granting the first only:
    # the audit answered the shape once, with the grant, and renamed the YES to the second.
    cards = [Card("orga/m", "x.jsonl", 1, {"license": "cc-by-nc-4.0"}),
             Card("orgb/m", "x.jsonl", 2, {"license": "cc-by-nc-4.0"})]
    profile = Profile(facts={"commercial": True, "grants": ["cc-by-nc-4.0:orga/m"]}, source="profile /p/can-i.toml")
    for order in (cards, cards[::-1]):
        rows = rows_by_id(audit_cards(order, profile=profile))
        assert rows["orga/m"]["use_status"] == "permitted"
        assert rows["orgb/m"]["use_status"] == "forbidden"


def test_a_model_the_profile_may_not_use_does_not_exit_0_and_is_in_the_sarif():
    # The publisher may distribute its own CC-BY-NC model; we, a company, may not use it
    # commercially. The audit said so in `use_status` but exited 0 and SARIF showed nothing,
    # so a CI gate passed.
    cards = [Card("orgb/m", "x.jsonl", 1, {"license": "cc-by-nc-4.0"})]
    report = audit_cards(cards, profile=Profile(facts={"commercial": True}, source="profile /p/can-i.toml"))
    row = report.rows[0]
    assert (row["status"], row["use_status"]) == ("permitted", "forbidden")
    assert report.exit_code() == 1
    results = audit.render_sarif(report)["runs"][0]["results"]
    assert results and all(r["level"] == "error" and ": use: forbidden" in r["message"]["text"] for r in results)


def test_a_policy_denial_in_the_audit_does_not_exit_0():
    report = audit.AuditReport([audit.Row("org/m", "x.jsonl", 1, "permitted", [], [], [], {},
                                          use_status="permitted", policy={"status": "denied", "licenses": {}})])
    assert report.exit_code() == 1
    report.rows[0].policy = {"status": "review", "licenses": {}}
    assert report.exit_code() == 3


def test_a_blank_entry_in_datasets_or_base_model_is_left_out_not_an_invalid_card():
    # `datasets: ["  ", …]` (a template's blank entry) made an empty id: the card was invalid
    # (exit 2) for something real publishers write. The odd entries beside it still keep the
    # answer UNKNOWN.
    cards = [Card("a/ds", "x.jsonl", 1, {"license": "mit", "datasets": ["  ", 5]}),
             Card("a/bm", "x.jsonl", 2, {"license": "mit", "base_model": [" ", "meta-llama/Meta-Llama-3-8B"]}),
             Card("a/blank", "x.jsonl", 3, {"license": "mit", "base_model": "\t"})]
    rows = rows_by_id(audit_cards(cards))
    assert rows["a/ds"]["status"] == "unknown" and rows["a/ds"]["kinds"] == ["unknown-dataset"]
    assert rows["a/bm"]["status"] == "forbidden"     # still Llama 3's terms relabelled as MIT
    assert rows["a/blank"]["status"] == "permitted"
    assert any("empty entr" in n for n in rows["a/blank"]["notes"])


@pytest.mark.parametrize("text", ['[tool."can-i"]\ncommercial = true\n',
                                  "[tool]\ncan-i = { commercial = true }\n",
                                  "[tool]\n'can-i'.commercial = true\n",
                                  "[project]\nname = 'x'\n" + "# pad\n" * 200_000 + "[tool.can-i]\ncommercial = true\n"])
def test_a_pyproject_profile_in_any_toml_spelling_leaves_the_run_to_the_full_command_line(monkeypatch, tmp_path, text):
    # The typer-free entry looked for the bytes `[tool.can-i` in the first MiB only: under
    # `[tool."can-i"]` or `can-i = {…}` it answered without the profile (DEPENDS, exit 3) where
    # the command line applied it (commercial use of CC-BY-NC: NO, exit 1).
    from reasoner import fast, profile

    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(text)
    assert profile.find_profile(tmp_path) is not None
    assert fast._profile_may_apply()


def test_a_pyproject_that_only_names_can_i_keeps_the_fast_path(monkeypatch, tmp_path):
    from reasoner import fast

    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "can-i"\n[project.scripts]\ncan-i = "reasoner.fast:main"\n')
    assert not fast._profile_may_apply()


@pytest.mark.parametrize("base_id", ["a/base", "A/Base"])
def test_two_differing_cards_for_one_parent_id_never_make_its_child_a_yes(base_id):
    # A dump that lists `a/base` twice (MIT, then CC-BY-NC-4.0): its child took the first card,
    # so the child's answer hung on the order of the input (YES in one order).
    mit = Card("a/base", "x.jsonl", 1, {"license": "mit"})
    nc = Card(base_id, "x.jsonl", 2, {"license": "cc-by-nc-4.0"})
    child = Card("b/child", "x.jsonl", 3, {"license": "mit", "base_model": "a/base"})
    for cards in ([mit, nc, child], [nc, mit, child]):
        rows = audit_cards(cards).rows
        by_id = {row.id: row for row in rows}
        assert by_id["b/child"]["status"] != "permitted", cards
        assert any("differ" in n for row in rows for n in row["notes"])
    # the same card twice settles its children as before
    rows = rows_by_id(audit_cards([mit, Card("a/base", "y.jsonl", 1, {"license": "mit"}), child]))
    assert rows["b/child"]["status"] == "permitted"


def test_an_input_error_shared_by_shape_names_the_model_own_ids():
    # Two cycles of one shape: the second's row said "lineage has a cycle: a/c1 -> a/c2 -> a/c1".
    cards = [Card("a/c1", "x", 1, {"license": "mit", "base_model": "a/c2"}),
             Card("a/c2", "x", 2, {"license": "mit", "base_model": "a/c1"}),
             Card("b/c1", "x", 3, {"license": "mit", "base_model": "b/c2"}),
             Card("b/c2", "x", 4, {"license": "mit", "base_model": "b/c1"})]
    profile = Profile(facts={"commercial": True}, source="profile /p/can-i.toml")
    for row in audit_cards(cards, profile=profile).rows:
        assert row["status"] == row["use_status"] == "invalid"
        org = row.id.split("/")[0]
        assert all(f"{org}/c1" in f["message"] and f"{'b' if org == 'a' else 'a'}/c" not in f["message"]
                   for f in row["findings"] + row["use_findings"]), row


def test_a_grant_a_shared_message_asks_for_names_this_model():
    # "list `cc-by-nc-4.0:a/m` in use.grants" was left naming the representative's model.
    assert audit._renamed("if you hold one, list `cc-by-nc-4.0:a/m` in `use.grants`", {"a/m": "b/m"}) == \
        "if you hold one, list `cc-by-nc-4.0:b/m` in `use.grants`"
