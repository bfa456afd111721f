"""Profiles (issue 14, item 1): standing facts and a license policy read from can-i.toml,
[tool.can-i] in pyproject.toml or --profile FILE; the command line and a request's own facts win;
the answer says where each fact came from, and the policy's verdict stands apart from the legal
one. Every profile is written in a tmp folder and read with that folder as working directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reasoner import Reasoner, schema
from reasoner.errors import RequestError
from reasoner.profile import (ProfileError, QUESTION_ONLY, _has_tool_table, find_profile, load_profile)

pytestmark = pytest.mark.usefixtures("bundled_kb")

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = ("host", "llama3", "--release-mau", "800M", "--role", "licensee")   # Llama 3 §2: NO


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A tmp folder as working directory, with profile search on (conftest turns it off)."""
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    work = tmp_path / "project"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def answer(can_i, *argv):
    run = can_i(*argv, "--json")
    assert run.err == "", run.err
    return run.code, json.loads(run.out)


# --- where a profile is found ---------------------------------------------------------------------

def test_the_projects_own_pyproject_is_no_profile():
    assert not _has_tool_table(REPO / "pyproject.toml")


def test_tests_run_without_a_profile(can_i):
    """conftest's CAN_I_PROFILE=none: no stray profile above the checkout reaches other tests."""
    code, doc = answer(can_i, "host", "llama3")
    assert code == 3 and "facts_from" not in doc and "policy" not in doc


def test_can_i_toml_wins_over_pyproject_in_one_folder(here, can_i):
    write(here / "pyproject.toml", "[tool.can-i]\nrelease_mau = \"800M\"\nrole = \"licensee\"\n")
    write(here / "can-i.toml", "release_mau = 10\n")
    assert find_profile(here) == here / "can-i.toml"
    code, doc = answer(can_i, "host", "llama3")
    assert code == 0 and doc["facts_from"] == {"release_mau": f"profile {here / 'can-i.toml'}"}


def test_nearest_upward_and_pyproject_without_table_passed_over(here, can_i):
    write(here / "can-i.toml", "release_mau = 10\n")
    inner = here / "pkg" / "sub"
    write(inner.parent / "pyproject.toml", "[project]\nname = \"pkg\"\n")   # no [tool.can-i]: not a profile
    inner.mkdir()
    assert find_profile(inner) == here / "can-i.toml"
    write(inner / "pyproject.toml", "[tool.can-i]\nrelease_mau = \"800M\"\nrole = \"licensee\"\n")
    assert find_profile(inner) == inner / "pyproject.toml"


def test_profile_option_wins_and_no_profile_ignores(here, can_i):
    write(here / "can-i.toml", "release_mau = 10\n")
    other = write(here / "elsewhere" / "company.toml", "release_mau = \"800M\"\nrole = \"licensee\"\n")
    assert answer(can_i, "host", "llama3")[0] == 0
    assert answer(can_i, "host", "llama3", "--profile", other)[0] == 1
    assert answer(can_i, "--profile", other, "host", "llama3")[0] == 1    # before the verb too
    code, doc = answer(can_i, "host", "llama3", "--no-profile")
    assert code == 3 and "facts_from" not in doc
    run = can_i("host", "llama3", "--profile", other, "--no-profile")
    assert run.code == 2 and "--profile or --no-profile" in run.line()


def test_environment_names_or_turns_off_the_profile(here, can_i, monkeypatch):
    write(here / "can-i.toml", "release_mau = 10\n")
    other = write(here / "x" / "co.toml", "release_mau = \"800M\"\nrole = \"licensee\"\n")
    monkeypatch.setenv("CAN_I_PROFILE", str(other))
    assert answer(can_i, "host", "llama3")[0] == 1
    monkeypatch.setenv("CAN_I_PROFILE", "none")
    assert answer(can_i, "host", "llama3")[0] == 3


def test_a_pyproject_named_by_option_is_read_from_tool_table(here, can_i):
    named = write(here / "p" / "pyproject.toml", "[project]\nname = \"x\"\n")
    run = can_i("host", "llama3", "--profile", named)
    assert run.code == 2 and "[tool.can-i]" in run.line()
    run = can_i("host", "llama3", "--profile", here / "missing.toml")
    assert run.code == 2 and "no profile file" in run.line()


# --- facts, provenance and precedence -------------------------------------------------------------

def test_every_use_fact_but_the_acts_is_a_profile_key(here):
    """The keys come from schema.py: each use field (and old spelling) is read as a fact, so a
    bad value is a value error, never an unknown key."""
    assert QUESTION_ONLY == ("acts",)
    keys = [key for f in schema.USE_FACTS for key in (f.field,) + f.aliases if f.field not in QUESTION_ONLY]
    assert {"commercial", "mau", "revenue", "domicile", "entity", "role", "hosting", "territory", "purposes",
            "grants"} <= set(keys)
    for key in keys:
        write(here / "can-i.toml", f"{key} = {{ bad = 1 }}\n")
        with pytest.raises(ProfileError) as caught:
            load_profile(start_dir=here)
        assert "unknown profile key" not in caught.value.message and caught.value.location.endswith(":1:1")


def test_facts_from_names_profile_and_command_line(here, can_i):
    write(here / "pyproject.toml", "[project]\nname = \"x\"\n\n[tool.can-i]\ncommercial = true\n"
                                   "release_mau = \"800M\"\ndomicile = [\"DE\"]\ndate = 2025-01-01\n")
    code, doc = answer(can_i, "host", "llama3", "--release-mau", "10", "--entity", "company")
    source = f"profile {here / 'pyproject.toml'}"
    assert doc["facts_from"] == {"commercial": source, "release_mau": "command line", "domicile": source,
                                 "date": source, "entity": "command line"}
    assert code == 0


def test_command_line_overrides_profile_both_ways(here, can_i):
    write(here / "can-i.toml", "release_mau = \"800M\"\nrole = \"licensee\"\n")
    assert answer(can_i, "host", "llama3")[0] == 1                          # the profile's facts: NO
    code, doc = answer(can_i, "host", "llama3", "--release-mau", "10")   # the option's: YES
    assert code == 0 and doc["facts_from"]["release_mau"] == "command line"
    write(here / "can-i.toml", "release_mau = 10\nrole = \"product-recipient\"\n")
    assert answer(can_i, "host", "llama3")[0] == 0
    code, doc = answer(can_i, *FORBIDDEN)                                   # options win: NO
    assert code == 1 and doc["status"] == "forbidden"
    assert doc["facts_from"] == {"release_mau": "command line", "role": "command line"}


@pytest.mark.parametrize("profile", [
    "commercial = false\n", "release_mau = 10\nrole = \"product-recipient\"\n",
    "entity = \"academic\"\npurposes = [\"research\"]\nterritory = [\"US\"]\n",
    "grants = [\"google\"]\nhosting = \"internal\"\n",
])
def test_a_profile_never_turns_a_stated_no_into_yes(here, can_i, profile):
    write(here / "can-i.toml", profile)
    assert answer(can_i, "use", "cc-by-nc-4.0", "--commercial")[0] == 1
    assert answer(can_i, *FORBIDDEN)[0] == 1
    request = write(here / "request.json", json.dumps({"licenses": ["llama3"], "use": {
        "acts": ["host"], "release_mau": "800M", "role": "licensee", "commercial": True}}))
    code, doc = answer(can_i, "--request", request)
    assert code == 1 and doc["facts_from"]["release_mau"] == f"request {request}"


def test_a_grant_the_profile_states_is_a_fact_that_changes_the_answer(here, can_i):
    write(here / "can-i.toml", "grants = [\"meta\"]\n")
    code, doc = answer(can_i, *FORBIDDEN)
    assert code == 0 and doc["facts_from"]["grants"].startswith("profile ")


def test_a_profile_fact_settles_a_depends(here, can_i):
    assert answer(can_i, "host", "llama3", "--no-profile")[0] == 3
    write(here / "can-i.toml", "release_mau = 10\n")
    code, doc = answer(can_i, "host", "llama3")
    assert code == 0 and doc["depends_on"] == []
    write(here / "can-i.toml", "release_mau = \"800M\"\n")   # another open fact (role) stays open
    assert answer(can_i, "host", "llama3")[1]["status"] == "depends"


def test_request_file_gets_the_profile_and_embedders_the_same_answer(here, can_i):
    profile = write(here / "can-i.toml", "release_mau = 10\n[policy]\nallow = [\"llama3\"]\n")
    raw = {"licenses": ["llama3"], "use": {"acts": ["host"], "commercial": True}}
    request = write(here / "q.json", json.dumps(raw))
    code, doc = answer(can_i, "--request", request)
    assert code == 0 and doc["facts_from"] == {"commercial": f"request {request}",
                                               "release_mau": f"profile {profile}"}
    assert doc["policy"]["status"] == "allowed"
    built = load_profile(start_dir=here).apply(raw, f"request {request}")
    assert Reasoner().ask(built).to_json() == doc
    code, doc = answer(can_i, "--request", request, "--no-profile")
    assert code == 3 and "facts_from" not in doc and "policy" not in doc


def test_request_policy_and_facts_from_win_over_the_profile(here, can_i):
    write(here / "can-i.toml", "commercial = false\n[policy]\ndeny = [\"mit\"]\n")
    request = write(here / "q.json", json.dumps({"licenses": ["mit"], "use": {"acts": ["use"], "commercial": True},
                                                 "policy": {"allow": "*"}, "facts_from": {"commercial": "ticket 7"}}))
    code, doc = answer(can_i, "--request", request)
    assert code == 0 and doc["policy"]["status"] == "allowed"
    assert doc["facts_from"] == {"commercial": "ticket 7"}


def test_json_lines_each_get_the_profile(here, can_i):
    write(here / "can-i.toml", "release_mau = 10\n[policy]\nallow = [\"llama3\"]\n")
    lines = write(here / "q.jsonl", "\n".join(json.dumps(d) for d in (
        {"licenses": ["llama3"], "use": {"acts": ["host"]}},
        {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": False}})) + "\n")
    run = can_i("--request", lines, "--json")
    docs = [json.loads(line) for line in run.out.splitlines()]
    assert [d["status"] for d in docs] == ["permitted", "permitted"]
    assert [d["policy"]["status"] for d in docs] == ["allowed", "review"]
    assert run.code == 3   # the second line's policy sends it to review


# --- bad profiles -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, where, words", [
    ("pyproject.toml", "[project]\nname = \"x\"\n\n[tool.can-i]\ncommercial = true\n  muu = 5\n", "6:3",
     "unknown profile key `muu` (did you mean `mau`?)"),
    ("can-i.toml", "commercial = true\nmau = \"lots\"\n", "2:1", "`lots` is not a valid number"),
    ("can-i.toml", "acts = [\"host\"]\n", "1:1", "`acts` is what a question asks"),
    ("can-i.toml", "territory = [\"XX\"]\n", "1:1", "unknown territory `XX`"),
    ("can-i.toml", "mau = \n", "1:7", "not valid TOML"),
    ("can-i.toml", "date = 2025-01-01T10:00:00\n", "1:1", "without a time"),
    ("can-i.toml", "[policy]\nallow = [\"mit\",\n  \"apache2\"]\n", "3:3",
     "unknown license `apache2` in the policy (did you mean `apache-2.0`?)"),
    ("can-i.toml", "[policy]\nallow = [\"mit\"]\ndeny = [\"MIT\"]\n", "3:9", "is in both `allow` and `deny`"),
    ("can-i.toml", "[policy]\nallow = \"*\"\nreview = \"*\"\n", "3:1", "only one list takes every other"),
    ("can-i.toml", "[policy]\nalow = [\"mit\"]\n", "2:1", "unknown policy list `alow` (did you mean `allow`?)"),
    ("can-i.toml", "revenue = \"1M\"\nrevenue_usd = 5\n", "2:1", "two spellings of one fact"),
    ("can-i.toml", "release-mau = 5\n", "1:1", "did you mean `release_mau`"),
    ("pyproject.toml", "[tool.can-i]\npolicy.deny = [\"gpl3\"]\n", "2:16", "unknown license `gpl3`"),
])
def test_bad_profile_is_one_line_at_file_line_col(here, can_i, name, text, where, words):
    path = write(here / name, text)
    run = can_i("host", "llama3")
    assert run.code == 2 and run.out == ""
    line = run.line()
    assert line.startswith(f"can-i: {path}:{where}: ") and words in line, line
    code, out, _ = can_i("host", "llama3", "--json")
    assert code == 2 and json.loads(out)["error"]["location"] == f"{path}:{where}"


def test_a_profile_grant_the_question_cannot_resolve_points_at_the_profile(here, can_i):
    path = write(here / "can-i.toml", "commercial = true\ngrants = [\"metaa\"]\n")
    line = can_i("host", "llama3").line()
    assert line.startswith(f"can-i: {path}:2:1") and "did you mean `meta`" in line


def test_other_commands_ignore_a_broken_profile(here, can_i):
    write(here / "can-i.toml", "muu = 1\n")
    assert can_i("licenses").code == 0


# --- license policy -------------------------------------------------------------------------------

POLICY = "[policy]\nallow = [\"Apache-2.0\", \"MIT\", \"bsd-3-clause\"]\ndeny = [\"cc-by-nc-4.0\"]\nreview = \"*\"\n"


def test_inherited_license_sends_a_permitted_model_to_review(here, can_i):
    write(here / "can-i.toml", "commercial = true\n" + POLICY)
    code, doc = answer(can_i, "distill", "google/gemma-2-9b", "--into", "qwen", "--and", "distribute")
    assert doc["status"] == "permitted" and code == 3
    finding = doc["policy"]["findings"][0]
    assert doc["policy"]["status"] == "review" and finding["license"] == "gemma" and finding["list"] == "review"
    assert finding["via"] == [{"artifact": "your-model", "relation": "distilled", "parent": "google/gemma-2-9b"}]
    run = can_i("distill", "google/gemma-2-9b", "--into", "qwen", "--and", "distribute")
    assert run.out.startswith("YES") and "Policy: REVIEW (the licenses permit it" in run.out
    assert "? gemma: sent to review — its terms reach your model through: your model is trained on the outputs" \
           in run.out


def test_denied_policy_never_exits_zero_and_aliases_match(here, can_i):
    write(here / "can-i.toml", POLICY)
    code, doc = answer(can_i, "use", "cc-by-nc-4.0", "--non-commercial")
    assert doc["status"] == "permitted" and doc["policy"]["status"] == "denied" and code == 1
    assert "Policy: DENIED" in can_i("use", "cc-by-nc-4.0", "--non-commercial").out
    code, doc = answer(can_i, "use", "mit")
    assert code == 0 and doc["policy"] == {"status": "allowed", "findings": [
        {"license": "mit", "list": "allow", "artifact": "mit", "via": []}]}
    code, doc = answer(can_i, "use", "cc-by-nc-4.0", "--commercial")   # NO stays NO (exit 1)
    assert code == 1 and doc["status"] == "forbidden"


def test_policy_reaches_inherited_licenses_through_the_lineage(here, can_i):
    write(here / "can-i.toml", "[policy]\ndeny = [\"gemma\"]\nallow = \"*\"\n")
    code, doc = answer(can_i, "finetune", "google/codegemma-2b", "--and", "distribute")
    assert code == 1 and doc["policy"]["status"] == "denied"
    via = doc["policy"]["findings"][0]["via"]
    assert [edge["parent"] for edge in via] == ["google/codegemma-2b", "google/gemma-2b"]


def test_allow_star_never_approves_a_license_can_i_does_not_know(here, can_i):
    write(here / "can-i.toml", "[policy]\nallow = \"*\"\n")
    request = write(here / "q.json", json.dumps({"licenses": ["foo-1.0"], "use": {"acts": ["use"]}}))
    code, doc = answer(can_i, "--request", request)
    assert code == 3 and doc["policy"]["status"] == "review"
    assert doc["policy"]["findings"][0]["license"] == "foo-1.0"
    write(here / "can-i.toml", "[policy]\nallow = [\"mit\"]\ndeny = \"*\"\n")
    assert answer(can_i, "--request", request)[1]["policy"]["status"] == "denied"


def test_embedder_policy_is_checked_like_a_profiles():
    engine = Reasoner()
    doc = {"licenses": ["mit"], "use": {"acts": ["use"]}}
    with pytest.raises(RequestError) as caught:
        engine.ask({**doc, "policy": {"allow": ["apache2"]}})
    assert caught.value.location == "policy.allow[0]" and "apache-2.0" in caught.value.message
    with pytest.raises(RequestError) as caught:
        engine.ask({**doc, "policy": {"allow": "mit"}})
    assert caught.value.location == "policy.allow"
    with pytest.raises(RequestError) as caught:
        engine.ask({**doc, "facts_from": {"muu": "x"}})
    assert "did you mean `mau`" in caught.value.message
    from reasoner.request import read_request
    request = read_request({**doc, "policy": {"allow": ["MIT"]}, "facts_from": {}})
    assert engine.ask(request).policy.status == "allowed"   # a Request object keeps its policy


def test_readme_profile_example_gives_the_output_shown(here, can_i):
    """The README's example profile, as a pyproject.toml, gives the policy lines it shows."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Profiles", 1)[1].split("\n## ", 1)[0]
    toml = section.split("```toml\n", 1)[1].split("```", 1)[0]
    shown = section.split("```console\n", 1)[1].split("```", 1)[0]
    write(here / "pyproject.toml", "[project]\nname = \"x\"\n\n" + toml)
    run = can_i("distill", "google/gemma-2-9b", "--into", "qwen", "--and", "distribute")
    assert run.code == 3 and run.code == int(shown.split("$ echo $?\n", 1)[1].split()[0])
    for line in shown.splitlines():
        if line.startswith(("Policy:", "  ? ", "YES")):
            assert line in run.out.splitlines(), line
    assert f"From your profile {here / 'pyproject.toml'}: " in run.out


def test_a_lineage_files_own_use_wins_over_the_profile(here, can_i):
    write(here / "can-i.toml", "release_mau = 10\ncommercial = true\n")
    write(here / "lineage.json", json.dumps({"artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"}],
                                             "use": {"role": "licensee", "release_mau": "800M"}}))
    code, doc = answer(can_i, "host", "./lineage.json")
    assert code == 1 and doc["facts_from"]["release_mau"] == "file ./lineage.json"
    assert doc["facts_from"]["commercial"].startswith("profile ")
    code, doc = answer(can_i, "host", "./lineage.json", "--release-mau", "10")
    assert code == 0 and doc["facts_from"]["release_mau"] == "command line"


def test_broken_pyproject_is_a_profile_only_if_it_names_can_i(here, can_i):
    write(here / "pyproject.toml", "[project\nname = 1\n")
    assert find_profile(here) is None and answer(can_i, "host", "llama3")[0] == 3
    path = write(here / "pyproject.toml", "[tool.can-i]\nmau = \n")
    run = can_i("host", "llama3")
    assert run.code == 2 and run.line().startswith(f"can-i: {path}:2:7: not valid TOML")


def test_a_profile_must_be_a_regular_file(here, can_i):
    (here / "folder.toml").mkdir()
    run = can_i("host", "llama3", "--profile", here / "folder.toml")
    assert run.code == 2 and "is a directory" in run.line()


def test_a_family_id_in_the_policy_names_every_version(here, can_i):
    """`deny = ["gpl"]` with `allow = "*"` must deny GPL-3.0: a family id never matching would
    leave GPL to the allow-everything list."""
    write(here / "can-i.toml", "[policy]\ndeny = [\"gpl\"]\nallow = \"*\"\n")
    code, doc = answer(can_i, "use", "gpl-3.0")
    assert code == 1 and doc["policy"]["status"] == "denied"
    path = write(here / "can-i.toml", "[policy]\ndeny = [\"gpl\"]\nallow = [\"GPL-3.0-only\"]\n")
    line = can_i("use", "mit").line()
    assert line.startswith(f"can-i: {path}:2:9: ") and "`gpl` is in both `allow` and `deny` (as `gpl-3.0`)" in line


def test_docstring_examples():
    import doctest

    import reasoner.profile

    assert doctest.testmod(reasoner.profile).failed == 0
