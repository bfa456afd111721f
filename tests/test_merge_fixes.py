"""Seams between features built side by side: each test is a case one feature's path gave a
wrong or silently different answer through another's."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def profiled(tmp_path, monkeypatch):
    """A working directory whose pyproject.toml states a Llama-sized release (conftest turns
    profile search off; this turns it back on)."""
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.can-i]\ncommercial = true\nrelease_mau = "800M"\n',
                                             encoding="utf-8")
    return tmp_path


def test_license_for_reads_the_profile_like_every_question(can_i, profiled):
    """`license-for` took the verbs' --profile option but never applied a profile: a company above
    Llama's 700M line got the advice of one whose size is unknown, and --profile was ignored."""
    answer = json.loads(can_i("license-for", "meta-llama/Llama-3.1-8B", "--json").out)["answer"]
    assert answer["facts_from"]["release_mau"].startswith("profile ")
    assert [d["fact"] for d in answer["depends_on"]] == ["role"]   # above 700M: who receives it decides
    off = json.loads(can_i("license-for", "meta-llama/Llama-3.1-8B", "--json", "--no-profile").out)["answer"]
    assert "facts_from" not in off and "release_mau" in {d["fact"] for d in off["depends_on"]}


def test_downstream_is_about_recipients_not_the_profile_holder(can_i, profiled):
    """Recipients' facts are not the publisher's: the profile's MAU must not decide what they may do."""
    assert can_i("downstream", "meta-llama/Llama-3.1-8B", "--json").out == \
        can_i("downstream", "meta-llama/Llama-3.1-8B", "--json", "--no-profile").out


@pytest.mark.parametrize("option", ["--cyclonedx", "--no-remedies"])
@pytest.mark.parametrize("command", ["license-for", "downstream"])
def test_advice_refuses_verb_only_options_instead_of_ignoring_them(can_i, command, option):
    """The advice commands share the verbs' options; a BOM of one verdict is not their answer,
    and an option taken and not applied is input silently ignored."""
    run = can_i(command, "meta-llama/Llama-3.1-8B", option)
    assert run.code == 2 and option in run.err and len(run.err.strip().splitlines()) == 1


def test_the_typer_free_entry_answers_advice_documents_as_the_command_line(tmp_path, capsys):
    """fast.py answered a `suggest` document with Reasoner.ask, which refuses it: `can-i
    --request advice.json --json` was an input error on the fast path and advice on the full one."""
    from reasoner import cli, fast

    path = tmp_path / "advice.json"
    path.write_text(json.dumps({"suggest": "license", "licenses": ["llama3.1"], "use": {"acts": ["distribute"]}}))
    quick = fast._fast(["--request", str(path), "--json"])
    out = capsys.readouterr().out
    full = cli.main(["--request", str(path), "--json"])
    assert (quick, out) == (full, capsys.readouterr().out)
    assert json.loads(out)["advice"] == "license"


def test_the_typer_free_entry_searches_remedies_as_the_verbs_do(capsys):
    """A verb asks for remedies; the fast entry built its request on its own and left them out."""
    from reasoner import fast

    assert fast._fast(["host", "llama3", "--release-mau", "800M", "--role", "licensee", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["remedies"]


def test_audit_applies_the_real_profile_and_no_profile_turns_it_off(can_i, profiled, tmp_path):
    """The audit was built against a stand-in profile; with the real one it must ask "may we use
    and host it?" under the profile's facts, and --no-profile must be honoured, not refused."""
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: llama3\nbase_model: meta-llama/Meta-Llama-3-8B\n---\n# a fine-tune\n")
    with_profile = json.loads(can_i("audit", str(card), "--json", "-q").out)
    without = json.loads(can_i("audit", str(card), "--json", "-q", "--no-profile").out)
    assert [m.get("use_status") for m in with_profile["results"]] == ["depends"]   # 800M: the role decides
    assert [m.get("use_status") for m in without["results"]] == [None]


def test_the_rules_analysis_is_cached_and_a_tampered_entry_is_recomputed(tmp_path, monkeypatch):
    """The dependency analysis of the rules (which statements a batch can fire) cost a third of a
    cold question; it is kept in the cache. A corrupt or foreign entry must never be believed:
    leaving the wrong rules out would change answers."""
    from reasoner import solve

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    made = []
    real = solve._analysis
    monkeypatch.setattr(solve, "_analysis", lambda statements: made.append(1) or real(statements))
    solve._dependencies.cache_clear()
    try:
        first = solve._dependencies()
        solve._dependencies.cache_clear()
        assert solve._dependencies() == first and len(made) == 1   # the second process reads it
        for entry in tmp_path.glob("rules-analysis-*.marshal"):
            entry.write_bytes(entry.read_bytes()[:-40] + b"\0" * 40)   # a damaged entry
        solve._dependencies.cache_clear()
        assert solve._dependencies() == first and len(made) == 2
    finally:
        solve._dependencies.cache_clear()


@pytest.mark.parametrize("where", ["profile", "lineage"])
def test_toml_nested_too_deeply_is_one_line_at_the_file(can_i, tmp_path, where):
    """Profiles and TOML lineage files are read by one TOML reader (files.parse_toml): a document
    nested past Python's recursion limit is an input error naming the file, for both."""
    deep = tmp_path / "deep.toml"
    deep.write_text("mau = " + "[" * 5000 + "]" * 5000 + "\n")
    argv = ["host", "llama3", "--json", "--profile", str(deep)] if where == "profile" else ["host", str(deep), "--json"]
    run = can_i(*argv)
    assert run.code == 2 and "nested too deeply" in run.err and str(deep) in run.err
    assert len(run.err.strip().splitlines()) == 1
