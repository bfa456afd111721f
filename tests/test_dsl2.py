"""DSL 2: `source` and checked `quote`s, `inform` and worded duties, error codes with help lines,
and the canonical formatter (`can-i fmt`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import make_reasoner
from reasoner.cli import main
from reasoner.errors import LicenseFileError
from reasoner.fmt import format_text
from reasoner.parse import ERRORS, parse_text
from reasoner.texts import check_quotes

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted((REPO / "facts" / "licenses").glob("*.lic"))
# The project does not ship the license texts; a checkout beside the shared folder has them.
TEXTS = (REPO / ".." / "shared" / "license-texts").resolve()
needs_texts = pytest.mark.skipif(not TEXTS.is_dir(), reason=f"no license texts at {TEXTS} (not shipped with can-i)")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- source and quote ----------------------------------------------------------------------------

@needs_texts
def test_every_bundled_quote_is_found_in_its_primary_text(capsys):
    code, out, err = run(capsys, "check", "--texts", TEXTS, REPO / "facts" / "licenses")
    assert (code, err) == (0, ""), err
    assert out.startswith(f"ok: {len(BUNDLED)} licenses, ")


def test_every_bundled_license_names_its_source_and_whose_copy_it_is():
    for path in BUNDLED:
        for lic in parse_text(path.read_text(encoding="utf-8"), str(path)):
            assert lic.sources and all(s.copy in ("licensor", "third-party") for s in lic.sources), path
            assert sum(len(c.quotes) for c in lic.clauses) >= 1, path


SOURCED = '''license q {
  name "Q"
  source "q.txt" from licensor
  clause "1" "Grant" {
    quote "hereby grants you a perpetual license"
    grant use
  }
}
'''


def test_a_misquoted_clause_is_caught_with_its_location(tmp_path):
    (tmp_path / "q.txt").write_text("The Licensor hereby grants you\n   a perpetual   license to use it.\n")
    lic = parse_text(SOURCED, "q.lic")[0]
    assert check_quotes(lic, tmp_path) == []          # line breaks and spaces do not matter
    wrong = parse_text(SOURCED.replace("perpetual", "irrevocable"), "q.lic")[0]
    [problem] = check_quotes(wrong, tmp_path)
    assert str(problem).startswith("q.lic:5:11: quote of §1 is not in q.txt") and problem.error_code == "DSL501"
    [missing] = check_quotes(lic, tmp_path / "elsewhere")
    assert str(missing).startswith("q.lic:3:10: source \"q.txt\" is not in")


def test_check_texts_exits_2_on_a_wrong_quote_and_names_it(capsys, tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "q.txt").write_text("The Licensor hereby grants you a perpetual license.")
    bad = tmp_path / "q.lic"
    bad.write_text(SOURCED.replace("perpetual", "revocable"), encoding="utf-8")
    code, out, err = run(capsys, "check", "--texts", tmp_path / "texts", bad)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].endswith("[DSL501]") and lines[1].startswith("  help: quotes are short verbatim passages")
    good = tmp_path / "good.lic"
    good.write_text(SOURCED, encoding="utf-8")
    assert run(capsys, "check", "--texts", tmp_path / "texts", good)[:2] == (0, "ok: 1 licenses, 1 quotes found in their texts\n")
    assert run(capsys, "check", "--texts", tmp_path / "nowhere", good)[0] == 2


@pytest.mark.parametrize("text, location, message, code", [
    (SOURCED.replace('"q.txt" from licensor', '"texts/q.txt" from licensor'), "t.lic:3:10", "without a folder", "DSL301"),
    (SOURCED.replace("from licensor", "from licenser"), "t.lic:3:23", "did you mean `licensor`", "DSL107"),
    (SOURCED.replace('quote "hereby grants you a perpetual license"', 'quote "grants"'), "t.lic:5:11",
     "at least two words", "DSL401"),
    (SOURCED.replace('  clause', '  source "q.txt" from licensor\n  clause'), "t.lic:4:10", "given twice", "DSL201"),
])
def test_source_and_quote_mistakes_are_errors(text, location, message, code):
    with pytest.raises(LicenseFileError) as caught:
        parse_text(text, "t.lic")
    assert str(caught.value).startswith(location + ": ") and message in str(caught.value)
    assert caught.value.error_code == code


def test_the_readme_table_reads_the_source_setting_not_a_comment(capsys):
    code, out, _ = run(capsys, "licenses", "--markdown")
    assert code == 0 and "| `llama3.1` | Llama 3.1 Community License Agreement | 2024-07-23 | model | llama3_1.LICENSE |" in out


# --- error codes and help lines ------------------------------------------------------------------

def test_errors_carry_a_stable_code_and_a_help_line():
    with pytest.raises(LicenseFileError) as caught:
        parse_text('license x { name "X" clause "1" "T" { grant fly } }', "t.lic")
    exc = caught.value
    assert str(exc) == "t.lic:1:45: unknown act `fly` [DSL101]"
    assert exc.help_line().startswith("help: acts are use, host, distribute")
    assert json.loads(json.dumps(exc.to_json()))["error_code"] == "DSL101"
    assert all(code.startswith("DSL") and help for code, help in ERRORS.items())


def test_must_report_is_refused_with_the_three_dsl2_spellings():
    with pytest.raises(LicenseFileError) as caught:
        parse_text('license x { name "X" clause "1" "T" { grant use\n must report "x" } }', "t.lic")
    assert caught.value.error_code == "DSL402" and str(caught.value).startswith("t.lic:2:7: ")
    assert "inform" in caught.value.help and "must not" in caught.value.help


def test_no_bundled_license_uses_must_report():
    for path in BUNDLED:
        assert "must report" not in path.read_text(encoding="utf-8"), path


# --- inform, must "…", must not "…" --------------------------------------------------------------

WORDED = '''license w {
  name "W"
  clause "1" "Grant" { grant all }
  clause "2" "Dangers" { must "disclose known dangers to end users" when host }
  clause "3" "Guardrails" { must not "bypass the safety guardrails" }
  clause "4" "Who is a licensee" { inform "resellers of an integrated product are not licensees" when commercial }
  clause "5" "Scale" { forbid host when mau > 10 }
}
'''


def test_inform_is_shown_as_information_never_as_a_duty():
    r = make_reasoner(WORDED)
    result = r.ask({"licenses": ["w"], "use": {"acts": ["host"], "mau": 1, "commercial": True}})
    assert result.status == "permitted"
    assert [(i.clause, i.message, i.conditional) for i in result.information] == [
        ("4", "resellers of an integrated product are not licensees", False)]
    assert {(o.clause, o.duty, o.message) for o in result.obligations} == {
        ("2", "report", "disclose known dangers to end users"), ("3", "refrain", "do not bypass the safety guardrails")}
    assert result.to_json()["information"][0]["clause"] == "4"
    # With `commercial` unstated the explanation is conditional, and it makes nothing depend on it.
    open_result = r.ask({"licenses": ["w"], "use": {"acts": ["host"], "mau": 1}})
    assert open_result.status == "permitted" and open_result.information[0].conditional
    assert open_result.information[0].message.endswith("(if the use is commercial)") or "if" in open_result.information[0].message


def test_an_explanation_cannot_turn_a_prohibition_into_a_yes():
    r = make_reasoner(WORDED)
    result = r.ask({"licenses": ["w"], "use": {"acts": ["host"], "mau": 11, "commercial": True}})
    assert result.status == "forbidden" and [x.clause for x in result.reasons] == ["5"]
    assert [i.clause for i in result.information] == ["4"]


def test_bundled_explanations_moved_out_of_the_duties(capsys):
    code, out, _ = run(capsys, "distill", "gemma", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "permitted"
    assert any("Gemma Model Derivative" in i["message"] for i in answer["information"])
    assert not any("Gemma Model Derivative" in o["message"] for o in answer["obligations"])
    code, out, _ = run(capsys, "distill", "gemma")
    assert "Good to know:" in out and "Gemma Model Derivative" in out


# --- the formatter ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_licenses_are_formatted_and_formatting_is_idempotent(path):
    text = path.read_text(encoding="utf-8")
    once = format_text(text, str(path))
    assert once == text, f"{path.name} is not in canonical layout: run `can-i fmt --write {path}`"
    assert format_text(once) == once


MESSY = '''# header comment

license   m {name "M"   # the title
  kind model
  clause "1" "T" { grant use when commercial and (host or distribute)   # trailing
    # before the forbid
    forbid host when not (mau>5 and territory in {EU,US}) unless "small": mau < 2 }
  example "e" {
     host mau = 1 expect permitted }
}
'''


def test_fmt_gives_one_layout_and_keeps_every_comment():
    once = format_text(MESSY)
    assert format_text(once) == once
    for comment in ("# header comment", "# the title", "# trailing", "# before the forbid"):
        assert comment in once
    assert '    forbid host when not (mau > 5 and territory in {EU, US}) unless "small": mau < 2' in once
    assert '  example "e" { host mau = 1 expect permitted }' in once
    # The formatted text means the same license.
    assert parse_text(once)[0].clauses == tuple(
        c.__class__(**{**c.__dict__, "position": d.position, "rules": d.rules}) for c, d in
        zip(parse_text(MESSY)[0].clauses, parse_text(once)[0].clauses))
    assert [r.condition for r in parse_text(once)[0].clauses[0].rules] == \
        [r.condition for r in parse_text(MESSY)[0].clauses[0].rules]


def test_fmt_check_exits_1_on_an_unformatted_file_and_write_fixes_it(capsys, tmp_path):
    path = tmp_path / "m.lic"
    path.write_text(MESSY, encoding="utf-8")
    code, _, err = run(capsys, "fmt", "--check", path)
    assert code == 1 and "not formatted" in err
    code, out, _ = run(capsys, "fmt", path)
    assert code == 0 and out == format_text(MESSY) and path.read_text() == MESSY   # printing changes nothing
    assert run(capsys, "fmt", "--write", path)[0] == 0
    assert run(capsys, "fmt", "--check", path)[0] == 0


def test_fmt_of_a_broken_file_is_an_input_error(capsys, tmp_path):
    path = tmp_path / "b.lic"
    path.write_text('license b { name "B" clause "1" "T" { grant use ; } }', encoding="utf-8")
    code, out, err = run(capsys, "fmt", path)
    assert code == 2 and out == "" and "[DSL001]" in err


@needs_texts
def test_the_readme_example_parses_and_its_quote_is_in_its_source():
    readme = (REPO / "facts" / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\nlicense llama3 {", 1)[1].split("```", 1)[0]
    [lic] = parse_text("license llama3 {" + block, "README.md")
    assert [s.file for s in lic.sources] == ["llama3.LICENSE", "llama3.USE_POLICY.md"]
    assert check_quotes(lic, TEXTS) == [] and lic.clause("2").quotes


# --- cross-clause exceptions ---------------------------------------------------------------------

def test_an_exception_in_another_clause_settles_a_copyleft_clash_and_both_clauses_are_cited(reasoner):
    combined = reasoner.ask({"licenses": ["gpl-3.0", "agpl-3.0"], "use": {"acts": ["distribute"]}})
    assert combined.status == "permitted"
    cited = {(i.license, i.clause) for i in combined.information}
    assert {("gpl-3.0", "13"), ("agpl-3.0", "13")} <= cited
    assert any("§13" in i.message and "§5.c" in i.message for i in combined.information)
    # Mutations: the exception names AGPL-3.0 only, and combinations only.
    assert reasoner.ask({"licenses": ["gpl-3.0", "gpl-2.0"], "use": {"acts": ["distribute"]}}).status == "forbidden"
    relicensed = reasoner.ask({"licenses": ["gpl-3.0"], "use": {"acts": ["distribute"], "outbound_license": "agpl-3.0"}})
    assert relicensed.status == "forbidden"


def test_mpl_secondary_licenses_are_an_exception_to_its_copyleft(reasoner):
    assert reasoner.ask({"licenses": ["mpl-2.0", "gpl-2.0"], "use": {"acts": ["distribute"]}}).status == "permitted"
    assert reasoner.ask({"licenses": ["mpl-2.0", "cc-by-sa-4.0"], "use": {"acts": ["distribute"]}}).status == "forbidden"


EXCEPTED = '''license e {
  name "E"
  clause "1" "Grant" { grant all }
  clause "1.b.ii" "Integrated products" { excepts "2" when not commercial }
  clause "2" "Scale" { needs separate license when mau > 10 }
}
'''


def test_excepts_when_suspends_the_named_clause_with_the_excepting_clause_as_label():
    r = make_reasoner(EXCEPTED)
    lic = r.kb.licenses["e"].license
    [rule] = lic.clause("2").rules
    assert [e.label for e in rule.exceptions] == ["§1.b.ii"]
    base = {"licenses": ["e"], "use": {"acts": ["host"], "mau": 11}}
    assert r.ask({**base, "use": {**base["use"], "commercial": True}}).status == "forbidden"
    assert r.ask({**base, "use": {**base["use"], "commercial": False}}).status == "permitted"
    assert r.ask(base).status == "depends"


@pytest.mark.parametrize("text, message", [
    (EXCEPTED.replace('excepts "2"', 'excepts "3"'), 'names clause "3", which `e` does not have'),
    (EXCEPTED.replace('excepts "2"', 'excepts "1.b.ii"'), "cannot make an exception to itself"),
])
def test_excepts_must_name_another_clause_of_the_license(text, message):
    with pytest.raises(LicenseFileError) as caught:
        parse_text(text, "t.lic")
    assert str(caught.value).startswith("t.lic:4:") and message in str(caught.value)
    assert caught.value.error_code == "DSL401"


def test_fmt_prints_cross_clause_exceptions():
    once = format_text(EXCEPTED)
    assert '    excepts "2" when not commercial' in once and format_text(once) == once


# --- incorporation: based on ---------------------------------------------------------------------

BASE = '''license base {
  name "Base"
  clause "1" "Grant" { grant all }
  clause "7" "Weapons" { forbid use when purpose in {weapons} }
  clause "8" "Termination" { risk termination "ends on breach" }
  clause "9" "Copyleft" { relicense copyleft }
  clause "10" "Combinations" { excepts "9" for other }
}
'''
INCLUDER = '''license inc {
  name "Inc"
  based on base only "7", "8", "9", "10" cited as "B"
  clause "1" "Grant" { grant use, host, distribute }
  clause "B 8" "Termination, as this license reads it" { risk termination "ends thirty days after notice" }
  example "weapons" { use purpose = weapons expect forbidden by "B 7" }
}
'''
OTHER = '''license other {
  name "Other"
  clause "1" "Grant" { grant all }
  clause "2" "Copyleft" { relicense copyleft }
}
'''


def test_based_on_incorporates_clauses_renumbered_and_own_clauses_replace_them():
    r = make_reasoner(BASE, INCLUDER, OTHER)
    lic = r.kb.licenses["inc"].license
    assert [c.number for c in lic.clauses] == ["1", "B 8", "B 7", "B 9", "B 10"]
    assert lic.clause("B 7").position.file == "test0.lic"          # written once, in the base
    assert lic.clause("B 10").excepts_for[0][:2] == ("B 9", ("other",))
    forbidden = r.ask({"licenses": ["inc"], "use": {"acts": ["use"], "purposes": ["weapons"]}})
    assert forbidden.status == "forbidden" and [x.clause for x in forbidden.reasons] == ["B 7"]
    research = {"licenses": ["inc"], "use": {"acts": ["use"], "purposes": ["research"]}}
    assert r.ask(research).status == "permitted"
    assert {k.message for k in r.ask(research).risks
            if k.risk == "termination"} == {"ends thirty days after notice"}
    combined = r.ask({"licenses": ["inc", "other"], "use": {"acts": ["distribute"]}})
    assert combined.status == "permitted" and {i.clause for i in combined.information} == {"B 10"}


def test_a_license_may_come_before_the_one_it_is_based_on(capsys, tmp_path):
    (tmp_path / "a-inc.lic").write_text(INCLUDER.replace("license inc", "license a-inc"), encoding="utf-8")
    (tmp_path / "base.lic").write_text(BASE, encoding="utf-8")
    (tmp_path / "other.lic").write_text(OTHER, encoding="utf-8")
    code, out, err = run(capsys, "check", tmp_path)
    assert (code, out) == (0, "ok: 3 licenses\n"), err
    code, out, _ = run(capsys, "--facts", tmp_path, "use", "a-inc", "--purpose", "weapons")
    assert code == 1 and "§B 7" in out


@pytest.mark.parametrize("texts, message", [
    ((INCLUDER,), "no license `base` is loaded"),
    ((BASE, INCLUDER.replace('only "7"', 'only "6"')), 'lists clause "6", which `base` does not have'),
    ((BASE, INCLUDER.replace('by "B 7"', 'by "7"')), 'cites clause "7", which `inc` does not have'),
])
def test_based_on_mistakes_are_errors(texts, message):
    with pytest.raises(LicenseFileError) as caught:
        make_reasoner(*texts).kb.licenses.load_all()
    assert message in str(caught.value) and caught.value.error_code == "DSL401"


def test_a_cycle_of_incorporations_is_an_error(capsys, tmp_path):
    (tmp_path / "base.lic").write_text(BASE.replace("license base {", "license base {\n  based on inc"), encoding="utf-8")
    (tmp_path / "inc.lic").write_text(INCLUDER, encoding="utf-8")
    code, out, err = run(capsys, "check", tmp_path)
    assert code == 2 and out == "" and "cycle" in err and "[DSL401]" in err


def test_shared_llama_policy_items_are_written_once(reasoner):
    for version in ("llama3.2", "llama3.3"):
        lic = reasoner.kb.licenses[version].license
        assert lic.based_on.license == "llama3.1"
        assert Path(lic.clause("AUP 2").position.file).name == "llama3.1.lic"
        result = reasoner.ask({"licenses": [version], "use": {"acts": ["host"], "mau": 1, "purposes": ["weapons"]}})
        assert result.status == "forbidden" and [x.clause for x in result.reasons] == ["AUP 2"]
        assert 'clause "AUP 2"' not in (REPO / "facts" / "licenses" / f"{version}.lic").read_text()


def test_lgpl_incorporates_the_gpl_sections_it_shares(reasoner):
    lic = reasoner.kb.licenses["lgpl-3.0"].license
    assert lic.based_on.cited_as == "GPL" and lic.clause("GPL 8") and lic.clause("GPL 13")
    combined = reasoner.ask({"licenses": ["lgpl-3.0", "agpl-3.0"], "use": {"acts": ["distribute"]}})
    assert combined.status == "permitted"
    assert ("lgpl-3.0", "GPL 13") in {(i.license, i.clause) for i in combined.information}
    assert reasoner.ask({"licenses": ["lgpl-3.0", "llama3"], "use": {"acts": ["distribute"], "mau": 1}}).status == "forbidden"


# --- this version or any later version -----------------------------------------------------------

def test_or_later_ids_are_encodings_based_on_the_version_they_name(reasoner):
    """Issue 10: the Hub ids read as version N only (no `later versions`); each `-or-later`
    encoding is based on its version and names the later versions a licensee may follow."""
    assert reasoner.kb.licenses["gpl-2.0"].license.later_versions == ()
    assert reasoner.kb.licenses["gpl-2.0-or-later"].license.later_versions == ("gpl-3.0-or-later",)
    assert reasoner.kb.licenses["lgpl-2.1-or-later"].license.later_versions == ("lgpl-3.0-or-later",)
    for lid in ("gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0"):
        assert reasoner.kb.licenses[f"{lid}-or-later"].license.based_on.license == lid


def test_later_versions_is_a_clause_statement_that_fmt_keeps():
    text = 'license v { name "V" clause "9" "Revised versions" { later versions V-3, v-4 } }'
    [lic] = parse_text(text)
    assert lic.later_versions == ("v-3", "v-4")
    assert "    later versions V-3, v-4\n" in format_text(text)


# --- relicensing with a rider --------------------------------------------------------------------

def test_a_rider_is_cited_but_relicensing_to_the_bare_license_stays_forbidden(reasoner):
    result = reasoner.ask({"licenses": ["creativeml-openrail-m"],
                           "use": {"acts": ["distribute"], "outbound_license": "apache-2.0"}})
    assert result.status == "forbidden"          # apache-2.0 alone drops the use restrictions
    [rider] = [i for i in result.information if "rider" in i.message]
    assert rider.clause == "4.a" and "§5" in rider.message and "apache-2.0" in rider.message
    same = reasoner.ask({"licenses": ["creativeml-openrail-m"],
                         "use": {"acts": ["distribute"], "outbound_license": "creativeml-openrail-m"}})
    assert same.status == "permitted" and not [i for i in same.information if "rider" in i.message]


RIDER = '''license r {
  name "R"
  clause "1" "Grant" { grant all }
  clause "4" "Terms travel" {
    relicense forbidden
    relicense with rider "5" to apache-2.0
  }
  clause "5" "Use restrictions" { restrict purpose {weapons} }
}
'''


def test_a_rider_names_a_clause_and_qualifies_a_relicense_restriction():
    [lic] = parse_text(RIDER)
    assert lic.clause("4").rider[:2] == ("5", ("apache-2.0",))
    assert "    relicense with rider \"5\" to apache-2.0\n" in format_text(RIDER)
    r = make_reasoner(RIDER, 'license mit { name "MIT" clause "1" "G" { grant all } }')
    to_mit = r.ask({"licenses": ["r"], "use": {"acts": ["distribute"], "outbound_license": "mit"}})
    assert to_mit.status == "forbidden" and not to_mit.information      # the rider names apache-2.0 only
    for broken, message in ((RIDER.replace('rider "5"', 'rider "6"'), 'names clause "6"'),
                            (RIDER.replace("relicense forbidden", "relicense allowed"), "qualifies")):
        with pytest.raises(LicenseFileError, match=message):
            parse_text(broken)
