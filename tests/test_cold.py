"""Cold start (issue 12 items 3 and 5): the typer-free entry point (reasoner/fast.py) answers
exactly as the full command line does, the package imports lazily, and the knowledge-base cache
is invalidated and never trusted blindly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reasoner import cli, fast

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shared_engine(reasoner, monkeypatch):
    """Both paths answer from the session's reasoner (answers do not depend on which)."""
    monkeypatch.setattr(cli, "_reasoners", {(): ((), reasoner)})
    monkeypatch.setattr(fast, "_engines", [reasoner])


def _run(capsys, monkeypatch, entry, argv, stdin=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    capsys.readouterr()
    code = entry(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
    return code, out, err


def _both(capsys, monkeypatch, argv, stdin=None):
    """(full command line's run, fast entry point's run, whether the fast path answered)."""
    full = _run(capsys, monkeypatch, cli.main, argv, stdin)
    answered = []

    def entry(args):
        code = fast._fast(args)
        answered.append(code is not None)
        return cli.main(args) if code is None else code

    quick = _run(capsys, monkeypatch, entry, argv, stdin)
    return full, quick, answered[0]


def _request(tmp_path: Path, name: str, doc) -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


VERB_QUESTIONS = [
    # the question, and the options each fact has, in the ways click reads them
    ["host", "llama3", "--commercial", "--mau", "10M", "--json"],
    ["host", "llama3", "--commercial", "--mau", "10M", "--json", "--no-remedies"],
    ["--json", "host", "llama3", "--commercial", "--mau", "800M"],
    ["host", "llama3", "--mau=800M", "--commercial", "--json", "--explain"],
    ["--json", "--explain", "host", "llama3", "--non-commercial", "--mau", "1B", "--json"],
    ["use", "mit", "--json"],
    ["distribute", "apache-2.0 AND mit", "--json"],
    ["distribute", "gemma", "--territory", "EU", "--territory", "US", "--json"],
    ["host", "cc-by-nc-4.0", "--commercial", "--json"],
    ["host", "llama3", "--purpose", "military", "--json"],
    ["host", "llama3", "--grant", "meta", "--mau", "900M", "--json"],
    ["host", "llama3", "--on", "2024-06-01", "--role", "licensee", "--json"],
    ["finetune", "llama3", "--name", "Llama-3-bot", "--and", "distribute", "--json"],
    ["finetune", "llama3", "--name", "bot", "--and", "host", "--and", "distribute", "--json"],
    ["distill", "llama3", "--into", "mistral", "--json"],
    ["merge", "gemma", "--modality", "text", "--json"],
    ["quantize", "meta-llama/Meta-Llama-3-8B", "--json"],
    ["adapt", "mit", "--as", "apache-2.0", "--and", "distribute", "--json"],
    ["finetune", "gpl-3.0", "--as", "mit", "--and", "distribute", "--json"],
    ["use", "lgpl-3.0", "--linking", "--json"],
    ["host", "llama3", "--revenue", "$1M", "--employees", "250", "--domicile", "DE", "--entity", "company", "--json"],
    ["host", "llama3", "--release-mau", "1B", "--hosting", "internal", "--json"],
    ["use", "llama3", "--monthly-revenue", "1M", "--revenue-12m", "5M", "--json"],
    ["host", "llama3", "--maas-business", "--json"],
    ["train", "openai/gsm8k", "--json"],
    ["train", "openai/gsm8k", "--and", "distribute", "--json"],
]

BAD_VERB_QUESTIONS = [
    ["host", "llama3", "--no-remedies", "--no-remedies", "--json"],   # a flag twice: left to click
    ["host", "", "--json"],                                           # an empty subject
    ["hots", "llama3", "--json"],                                     # did you mean host
    ["host", "llamma3", "--json"],                                    # unknown subject: did you mean
    ["host", "llama3", "--mau", "10Q", "--json"],                     # bad value, located at --mau
    ["host", "llama3", "--mau", "1M", "--mau", "2M", "--json"],       # given twice
    ["host", "llama3", "--commercial", "--non-commercial", "--json"],
    ["host", "llama3", "--muu", "1M", "--json"],                      # unknown option
    ["host", "--json"],                                               # no subject
    ["host", "llama3", "--mau", "--json"],                            # a value that is an option
    ["host", "llama3", "--json", "--json"],
    ["host", "llama3", "extra", "--json"],
    ["host", "--", "llama3", "--json"],
    ["host", "llama3", "--mau", "-5", "--json"],
    ["host", "llama3", "--territory", "Narnia", "--json"],
    ["host", "llama3", "--and", "fly", "--json"],
    ["host", "llama3", "--into", "mistral", "--json"],                # a target fact on a use verb
    ["finetune", "llama3", "--modality", "smell", "--json"],           # located at the target option
    ["host", "llama3", "--commercial=yes", "--json"],
    ["host", "llama3", "--on", "yesterday", "--json"],
    ["host", "llama3", "--grant", "nobody", "--json"],
    ["host", "llama3", "--as", "no-such-license", "--json"],
    ["train", "llama3", "--json"],                                    # a model, not a dataset
    ["--json"],
    ["--json", "--request"],
    ["--json", "--facts", "facts/licenses/mit.lic", "use", "mit"],     # left to the full command line
    ["host", "llama3", "-h", "--json"],
    ["--json", "--version"],
]


def _alike(capsys, monkeypatch, good: list, bad: list) -> tuple[int, list]:
    """Ask every question on both paths: the same output and exit code each time, every `good`
    one answered by the fast path with a status's exit code. Returns how many the fast path
    answered, and the full command line's run of each good question."""
    fast_count, runs = 0, []
    for argv in good + bad:
        full, quick, answered = _both(capsys, monkeypatch, argv)
        assert quick == full, argv
        fast_count += answered
        if argv in good:
            assert answered, f"{argv} should be answered without typer"
            assert full[0] in (0, 1, 3), (argv, full)
            runs.append(full)
    return fast_count, runs


def test_verb_questions_answer_alike_on_both_paths(capsys, monkeypatch, shared_engine):
    fast_count, _ = _alike(capsys, monkeypatch, VERB_QUESTIONS, BAD_VERB_QUESTIONS)
    assert fast_count >= len(VERB_QUESTIONS) + 10   # the input errors it reads are reported alike


def _as_text(argv: list[str]) -> list[str]:
    """The same question asked for the human answer."""
    return [arg for arg in argv if arg != "--json"]


def test_human_answers_are_the_command_lines_on_both_paths(capsys, monkeypatch, shared_engine):
    # The text a person reads at a terminal (render.py) comes from the fast path too, byte for byte.
    fast_count, runs = _alike(capsys, monkeypatch, [_as_text(a) for a in VERB_QUESTIONS],
                              [_as_text(a) for a in BAD_VERB_QUESTIONS])
    assert all(full[1].split(" ")[0] in ("YES", "NO", "DEPENDS", "UNKNOWN") for full in runs), runs
    assert fast_count >= len(VERB_QUESTIONS) + 10


ADVICE_QUESTIONS = [
    ["license-for", "meta-llama/Meta-Llama-3-8B"],
    ["license-for", "llama3", "--as", "apache-2.0", "--explain"],
    ["license-for", "gemma", "--by", "distill", "--into", "gemma", "--name", "Gemma-bot"],
    ["license-for", "gpl-3.0", "--by", "merge", "--json"],
    ["downstream", "llama3", "--release-mau", "800M"],
    ["downstream", "cc-by-nc-4.0", "--commercial", "--explain"],
    ["--json", "downstream", "mit"],
]
BAD_ADVICE_QUESTIONS = [
    ["license-for", "llama3", "--no-remedies"],            # not an advice option: click refuses it
    ["license-for", "llama3", "--by", "fly"],
    ["license-for", "llama3", "--by"],
    ["license-for", "llama3", "--by", "merge", "--by", "adapt"],
    ["downstream", "llamma3"],
    ["downstream", "llama3", "--mau", "lots", "--json"],
    ["downstream"],
    ["--explain", "license-for", "no-such-license"],
]


def test_advice_answers_alike_on_both_paths(capsys, monkeypatch, shared_engine):
    fast_count, _ = _alike(capsys, monkeypatch, ADVICE_QUESTIONS, BAD_ADVICE_QUESTIONS)
    assert fast_count >= len(ADVICE_QUESTIONS) + 3


def test_a_forbidden_human_answer_stays_no_on_the_fast_path(capsys, monkeypatch, shared_engine):
    code, out, _ = _run(capsys, monkeypatch, fast.main, ["host", "cc-by-nc-4.0", "--commercial"])
    assert code == 1 and out.startswith("NO — host `cc-by-nc-4.0`")
    code, out, _ = _run(capsys, monkeypatch, fast.main, ["finetune", "llama3", "--name", "bot", "--and", "distribute"])
    assert code == 1 and out.startswith("NO — fine-tune `llama3`, then distribute") and "your model `bot`" in out


def test_a_terminal_gets_clicks_colours_from_the_fast_path(monkeypatch):
    import click

    from reasoner import render

    monkeypatch.setattr(render, "color", lambda: True)
    for word, colour in render.VERDICT.values():
        assert render.style(word, fg=colour, bold=True) == click.style(word, fg=colour, bold=True)
    assert render.style("§2 Title", bold=True) == click.style("§2 Title", bold=True)
    assert render.style("PASS", fg="green") == click.style("PASS", fg="green")


def test_a_standard_output_not_in_utf8_is_left_to_the_full_command_line(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert fast._fast(["host", "llama3"]) is None and fast._fast(["host", "llama3", "--json"]) is None
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert fast._stdout_takes_utf8()
    monkeypatch.setattr(sys, "stdout", io.StringIO())   # text with no encoding takes any
    assert fast._stdout_takes_utf8()


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_standard_output_in_another_encoding_gets_the_answer_and_no_traceback(encoding, tmp_path):
    # Under latin-1 the command line raised UnicodeEncodeError at the answer's first `—`.
    env = dict(os.environ, PYTHONIOENCODING=encoding, CAN_I_PROFILE="none")
    for argv in (["host", "cc-by-nc-4.0", "--commercial", "--no-remedies"], ["distill", "llama3", "--into", "mistral"]):
        done = subprocess.run([sys.executable, "-c", "from reasoner.fast import main; main()", *argv],
                              capture_output=True, cwd=tmp_path, env=env)
        assert b"Traceback" not in done.stderr + done.stdout and done.stdout.startswith(b"NO "), done
        assert done.returncode == 1


def test_forbidden_stays_forbidden_on_the_fast_path(capsys, monkeypatch, shared_engine, tmp_path):
    code, out, _ = _run(capsys, monkeypatch, fast.main, ["host", "cc-by-nc-4.0", "--commercial", "--json"])
    assert code == 1 and json.loads(out)["status"] == "forbidden"
    request = _request(tmp_path, "q.json", {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": True}})
    code, out, _ = _run(capsys, monkeypatch, fast.main, ["--request", request, "--json"])
    assert code == 1 and json.loads(out)["status"] == "forbidden"


def test_requests_answer_alike_on_both_paths(capsys, monkeypatch, shared_engine, tmp_path):
    good = {"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "10M", "commercial": True}}
    stack = {"artifacts": [{"id": "org/base", "license": "llama3", "family": "llama"},
                           {"id": "me/bot", "mine": True, "derived_from": [{"id": "org/base", "relation": "finetune"}]}],
             "subject": "me/bot", "use": {"acts": ["distribute"], "mau": 5}}
    files = {
        "good.json": good,
        "stack.json": stack,
        "unknown.json": {"licenses": ["no-such-license"], "use": {"acts": ["use"]}},
        "bad-field.json": {"licenses": ["mit"], "use": {"acts": ["use"], "muu": 1}},
        "no-acts.json": {"licenses": ["mit"], "use": {}},
        "broken.json": '{"licenses": ["mit"], "use": ',
        "empty.json": "  \n",
        "lines.jsonl": json.dumps(good) + "\n" + '{"licenses": ["mit"]}\n' + json.dumps(stack) + "\n",
        "lines.json": json.dumps(good) + "\n" + json.dumps(stack) + "\n",     # JSON Lines in a .json file
        # A request field a later feature may add (a license policy): today an input error on
        # both paths; should it ever answer, the paths must still agree on the exit code.
        "policy.json": {**good, "policy": {"deny": ["llama3"]}},
    }
    paths = {name: _request(tmp_path, name, doc) for name, doc in files.items()}
    runs = [["--request", path, "--json"] for path in paths.values()]
    runs += [["--json", "--request", paths["good.json"]], [f"--request={paths['stack.json']}", "--json"],
             ["--request", paths["good.json"], "--json", "--explain"],
             ["--request", str(tmp_path / "missing.json"), "--json"], ["--request", str(tmp_path), "--json"],
             ["--request", paths["good.json"], "host", "--json"], ["--request", paths["good.json"]],
             ["--request", paths["good.json"], "--request", paths["good.json"], "--json"]]
    advice = _request(tmp_path, "advice.json", {**stack, "suggest": "license-for"})
    runs += [["--request", advice, "--json"]]
    runs += [_as_text(argv) for argv in runs]   # and each for a person to read
    fast_count = 0
    for argv in runs:
        full, quick, answered = _both(capsys, monkeypatch, argv)
        assert quick == full, argv
        fast_count += answered
    assert fast_count >= 2 * len(files) + 6
    for stdin in (json.dumps(good), json.dumps(good) + "\n" + json.dumps(stack) + "\n", "{", ""):
        for argv in (["--request", "-", "--json"], ["--request", "-"], ["--explain", "--request", "-"]):
            full, quick, answered = _both(capsys, monkeypatch, argv, stdin=stdin)
            assert quick == full and answered, (argv, stdin)


def test_a_profile_in_reach_leaves_the_run_to_the_full_command_line(monkeypatch, tmp_path):
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert not fast._profile_may_apply()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert not fast._profile_may_apply()
    (tmp_path / "pyproject.toml").write_text("[tool.can-i]\nmau = '2M'\n")
    assert fast._profile_may_apply() and fast._fast(["use", "mit", "--json"]) is None
    (tmp_path / "pyproject.toml").unlink()
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "can-i.toml").write_text("mau = '2M'\n")
    monkeypatch.chdir(inner)
    assert fast._profile_may_apply()
    monkeypatch.setenv("CAN_I_PROFILE", "none")   # --no-profile, whatever files there are
    assert not fast._profile_may_apply()
    monkeypatch.setenv("CAN_I_PROFILE", "")
    assert not fast._profile_may_apply()
    (tmp_path / "can-i.toml").unlink()
    monkeypatch.setenv("CAN_I_PROFILE", str(tmp_path / "mine.toml"))
    assert fast._profile_may_apply()


def test_the_verbs_and_exit_codes_are_the_command_lines():
    from reasoner.schema import ACT_RELATION
    from reasoner.vocabulary import USE_ACTS

    assert set(USE_ACTS) | set(ACT_RELATION) == set(cli.VERB_HELP)
    assert fast.EXIT == cli.EXIT and fast.EXIT_USAGE == cli.EXIT_USAGE


def _imported(code: str, cache: Path | None = None) -> set[str]:
    env = dict(os.environ, CAN_I_CACHE_DIR=str(cache)) if cache else None
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, cwd=ROOT, check=True, env=env)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_installed_entry_point_answers_without_typer_click_or_rich(tmp_path):
    # What a cold `can-i host llama3 --json` imports, counted in a fresh process (not timed):
    # the first run fills the cache (parsing llama3 needs lark), the second reads it.
    code = ("import sys\nfrom reasoner import fast\nimport io, contextlib\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert fast._fast(['host', 'llama3', '--commercial', '--mau', '10M', '--json']) == 3")
    assert "lark" in _imported(code, tmp_path / "cache")
    modules = _imported(code, tmp_path / "cache")
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click", "rich", "lark")}
    # nor what the knowledge-base cache needed before (pickle, hashlib's OpenSSL, tempfile, tomllib)
    assert not modules & {"tomllib", "hashlib", "pickle", "tempfile"}
    assert "reasoner.cli" not in modules
    assert "can-i = \"reasoner.fast:main\"" in (ROOT / "pyproject.toml").read_text()
    # nor does the human answer a person reads at a terminal
    human = _imported(code.replace(", '--json']) == 3", "]) == 3"), tmp_path / "cache")
    assert not {m for m in human if m.split(".")[0] in ("typer", "click", "rich", "lark")} and "reasoner.cli" not in human
    assert "reasoner.render" in human


def test_importing_the_package_imports_no_engine():
    modules = _imported("import reasoner")
    assert "reasoner.api" not in modules and "clingo" not in modules
    from reasoner import Reasoner, Result, CanIError, load   # still there, on first use

    assert Reasoner.__module__ == "reasoner.api" and callable(load) and Result and CanIError


# --- the knowledge-base cache ---------------------------------------------------------------------

import marshal  # noqa: E402
import pickle  # noqa: E402
import shutil  # noqa: E402

from reasoner import kb as kb_module  # noqa: E402
from reasoner.api import Reasoner  # noqa: E402
from reasoner.kb import KnowledgeBase  # noqa: E402

CANARY = ROOT / "tests" / ".cold-canary"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(folder))
    monkeypatch.delenv("CAN_I_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def facts(tmp_path, monkeypatch):
    """A copy of the bundled facts that a test may change, loaded as the bundled ones are (each
    license file parsed on first use): `KnowledgeBase.load()` and `Reasoner()` read it."""
    folder = tmp_path / "facts"
    shutil.copytree(kb_module.resources.facts_dir(), folder)
    monkeypatch.setattr(kb_module.resources, "facts_dir", lambda: folder)
    return folder


def _tables(folder: Path) -> list[Path]:
    return sorted(folder.glob("tables-*.marshal"))


def test_the_catalog_tables_are_read_from_the_cache(cache, facts, monkeypatch):
    first = KnowledgeBase.load()
    assert len(_tables(cache)) == 1

    def no_reading(self, root, texts):
        raise AssertionError("the tables were read again although their cache entry is valid")

    monkeypatch.setattr(KnowledgeBase, "_read_tables", no_reading)
    again = KnowledgeBase.load()
    for table in kb_module._TABLES:
        assert getattr(again, table) == getattr(first, table), table
    assert again.model("meta-llama/Meta-Llama-3-8B")["license"] == "llama3"


def test_the_cache_follows_the_catalog_the_licenses_the_grammar_and_the_version(cache, facts, monkeypatch):
    KnowledgeBase.load()
    catalog = facts / "catalog.toml"
    # A catalog change of one character (same size: a timestamp-based key could miss it).
    text = catalog.read_text(encoding="utf-8")
    assert 'id = "meta-llama/Meta-Llama-3-8B"' in text
    catalog.write_text(text.replace('id = "meta-llama/Meta-Llama-3-8B"', 'id = "meta-llama/Meta-Llama-3-8C"', 1),
                       encoding="utf-8")
    changed = KnowledgeBase.load()
    assert changed.model("meta-llama/Meta-Llama-3-8C") and not changed.model("meta-llama/Meta-Llama-3-8B")
    assert len(_tables(cache)) == 2
    # A license file added: the ids the catalog is checked against change.
    (facts / "licenses" / "demo-extra.lic").write_text('license demo-extra { name "Demo" clause "1" "Grant" { grant use } }')
    KnowledgeBase.load()
    assert len(_tables(cache)) == 3
    # The grammar (or any parser source) and the package version are part of every key.
    monkeypatch.setattr(kb_module, "_code_digest", [])
    import reasoner

    monkeypatch.setattr(reasoner, "__version__", "99.0")
    before = set(cache.glob("*.marshal"))
    KnowledgeBase.load().licenses["llama3"]
    assert {p.name.rpartition("-")[0] for p in set(cache.glob("*.marshal")) - before} == {"tables", "catalog-entries",
                                                                                       "llama3"}
    grammar = facts.parent / "grammar.lark"
    grammar.write_text(kb_module.resources.grammar_path().read_text(encoding="utf-8") + "\n// changed\n")
    monkeypatch.setattr(kb_module, "_code_digest", [])
    monkeypatch.setattr(kb_module, "_PARSER_SOURCES", [grammar] + kb_module._PARSER_SOURCES[1:])
    before = set(cache.glob("*.marshal"))
    KnowledgeBase.load().licenses["llama3"]
    assert {p.name.rpartition("-")[0] for p in set(cache.glob("*.marshal")) - before} == {"tables", "catalog-entries",
                                                                                       "llama3"}


def test_a_license_file_change_is_seen_at_once(cache, facts):
    path = facts / "licenses" / "mit.lic"
    ask = {"licenses": ["mit"], "use": {"acts": ["distribute"]}}
    assert Reasoner(cache_size=0).ask(ask).status == "permitted"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    grant all", "    forbid all", 1), encoding="utf-8")
    assert Reasoner(cache_size=0).ask(ask).status != "permitted"


@pytest.mark.parametrize("planted", ["pickle", "code", "set", "tuple"])
def test_a_planted_cache_entry_runs_no_code_and_changes_no_answer(cache, planted):
    CANARY.unlink(missing_ok=True)
    forbidden = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": True}}
    Reasoner(cache_size=0).ask(forbidden)
    Reasoner(cache_size=0).ask({"licenses": ["llama3"], "use": {"acts": ["host"]}})
    entries = sorted(cache.glob("*.marshal"))
    assert {p.name.rpartition("-")[0] for p in entries} >= {"tables", "cc-by-nc-4.0", "llama3"}

    class Planted:
        def __reduce__(self):
            return (open, (str(CANARY), "w"))

    payload = {"pickle": lambda name: pickle.dumps(Planted()),
               "code": lambda name: marshal.dumps((kb_module.CACHE_FORMAT, name, compile(
                   f"open({str(CANARY)!r}, 'w')", "planted", "exec"))),
               "set": lambda name: marshal.dumps((kb_module.CACHE_FORMAT, name, [{1}])),
               "tuple": lambda name: marshal.dumps((kb_module.CACHE_FORMAT, name, ((b"__import__", "os"),)))}[planted]
    for entry in entries:
        entry.write_bytes(payload(entry.name))
    try:
        answer = Reasoner(cache_size=0).ask(forbidden)
    finally:
        ran = CANARY.exists()
        CANARY.unlink(missing_ok=True)
    assert not ran
    assert answer.status == "forbidden"


def test_no_cache_where_it_cannot_be_private_or_written(tmp_path, monkeypatch, facts):
    monkeypatch.delenv("CAN_I_NO_CACHE", raising=False)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)                          # others could plant entries: not used
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(shared))
    assert Reasoner(cache_size=0).ask({"licenses": ["mit"], "use": {"acts": ["use"]}}).status == "permitted"
    assert list(shared.iterdir()) == []
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)                     # read-only (as site-packages may be): no cache, same answers
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(locked / "can-i"))
    for path in [facts, *facts.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:   # (root may write to it anyway: then the entries go there, never beside the facts)
        answer = Reasoner(cache_size=0).ask({"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"],
                                                                                           "commercial": True}})
        assert answer.status == "forbidden"
        assert not [p for p in facts.rglob("*") if p.suffix in (".marshal", ".tmp")]
    finally:
        for path in [facts, *facts.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        locked.chmod(0o700)
