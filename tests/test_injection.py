"""License files and requests are data: no string in them can run code, read or write files,
or change the rules (issue 5). Extends test_dsl.py, which covers hostile strings in a license's
name, version, clause numbers and titles, notices and `family =`, and in a request's id, family,
name, purposes and territory.

Side effects are watched with a Python audit hook (PEP 578): while a test body runs, every
`open`, process start, `exec`/`compile`, socket and file-system change is recorded.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

import lark
import pytest

import reasoner
from conftest import make_reasoner
from reasoner import resources, shapes
from reasoner.api import Reasoner
from reasoner.cli import main
from reasoner.errors import CanIError, LicenseFileError, RequestError
from reasoner.parse import parse_text

R = Reasoner()
CANARY = Path("/tmp/can-i-injected")

# Raw strings (as the program sees them after decoding); each is written into license files
# with json.dumps, so quotes, backslashes and newlines arrive escaped.
HOSTILE = [
    'x" } clause "9" "Evil" { forbid all } #',
    '"); #script (python)\nimport os\nos.system("touch /tmp/can-i-injected")\n#end.',
    '#include "/etc/passwd".',
    "a. b :- c. :- not status(permitted). #show status/1.",
    "100% \\ backslash \\\\ double \\\" escaped quote",
    "line\nbreak\ttab\rreturn",
    "#const max=1. #program base. #external x.",
    'license evil { name "Evil" clause "1" "All" { forbid all } }',
    "é中文 🦙 \u202eRTL-override \ufeffBOM",
    "{{braces}} {0} %s %(name)s ${HOME} $(touch /tmp/can-i-injected) `id`",
]
IDS = [f"h{i}" for i in range(len(HOSTILE))]


def dsl(text: str) -> str:
    """A DSL string literal holding `text` exactly."""
    return json.dumps(text, ensure_ascii=False)


# --- watching for side effects ----------------------------------------------------------------

WATCHED = ("open", "os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
           "exec", "compile", "socket.connect", "socket.bind", "os.remove", "os.rename", "os.mkdir",
           "os.rmdir", "os.truncate", "os.chmod", "shutil.rmtree", "ctypes.dlopen", "pty.spawn")
_events: list | None = None


def _reporting() -> bool:
    """True inside pytest's or Python's own formatting of a failure (it reads source files)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if "/_pytest/_code/" in name or name.endswith(("/linecache.py", "/traceback.py")):
            return True
        frame = frame.f_back
    return False


def _audit(event: str, args) -> None:
    if _events is not None and event.startswith(WATCHED) and not _reporting():
        # `compile` is (source, filename): keep the filename, which tells source files apart
        _events.append((event, args[1] if event == "compile" and len(args) > 1 else args[0] if args else None))


sys.addaudithook(_audit)      # process-wide and permanent; it records only inside `watched`
ALLOWED_READS = [resources.facts_dir().resolve(), resources.grammar_path().resolve().parent,
                 resources.rules_path().resolve().parent,
                 Path(lark.__file__).resolve().parent / "grammars"]   # lark's `%import common`


# Modules are imported (and their dataclasses compiled) before anything is watched.
import encodings.ascii  # noqa: E402,F401  (shapes.py ends a ground program file in ascii: a codec's first import)
for _module in pkgutil.iter_modules(reasoner.__path__):
    importlib.import_module(f"reasoner.{_module.name}")
# ...and lark's parser tables built, or read from can-i's cache folder: each watched test has an
# empty cache folder of its own, so a test parsing the first license file of the process built
# them while watched (`compile` events), whenever the license files' cache missed (review 24).
importlib.import_module("reasoner.parse")._parser()


def _dataclass_method(event: str, target) -> bool:
    """Compiling or running the source of a method records.py generates from a class declaration
    (as `dataclasses` does at import; records.py does it on the method's first call)."""
    from reasoner.records import GENERATED_PREFIX

    if event == "compile":
        return isinstance(target, str) and target.startswith(GENERATED_PREFIX)
    return event == "exec" and getattr(target, "co_filename", "").startswith(GENERATED_PREFIX)


@pytest.fixture
def watched(tmp_path_factory, monkeypatch):
    """Run the test in an empty folder and fail on any side effect but reading the bundled
    knowledge base (licenses are parsed on first use) and can-i's own cache of parsed files."""
    global _events
    work = tmp_path_factory.mktemp("cwd")
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.chdir(work)
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(cache))
    CANARY.unlink(missing_ok=True)
    _events = []
    yield
    events, _events = _events, None
    unexpected = []
    for event, target in events:
        if isinstance(target, (str, bytes, os.PathLike)) and event in ("open", "os.rename", "os.mkdir", "os.remove", "os.rmdir"):
            try:
                path = Path(os.fsdecode(target)).resolve()
            except (TypeError, ValueError):
                path = None
            if path is not None and (
                    (event == "open" and any(path.is_relative_to(root) for root in ALLOWED_READS))
                    or path.is_relative_to(cache)
                    # a prepared structure's ground program, in can-i's own mode-0700 temporary
                    # directory (shapes.py): its name is random, nothing of the request reaches it
                    or any(path.is_relative_to(Path(own).resolve()) for own in shapes._PRIVATE.values())
                    # ...or one made before it in this test: a directory goes with its last file and is
                    # made again, and _PRIVATE keeps only the newest (two structures in one test)
                    or any(p.name.startswith("can-i-") and p.parent == Path(tempfile.gettempdir()).resolve()
                           for p in (path, path.parent))
                    or (event == "open" and path.suffix == ".py")  # source lines for a traceback
                    or path.name.startswith(".lark_cache_")):      # lark's cache of grammar tables
                continue
        if event == "compile" and isinstance(target, str) and target.endswith(".py"):
            continue                                                # pytest showing a failure
        if _dataclass_method(event, target):
            continue   # a dataclass method of can-i's own, compiled on its first call (records.py)
        unexpected.append((event, str(target)[:200]))
    assert not unexpected, unexpected
    assert list(work.iterdir()) == []
    assert not CANARY.exists()


def rules_text() -> str:
    return resources.rules_path().read_text(encoding="utf-8")


RULES_BEFORE = rules_text()
REFERENCE = [
    {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}},
    {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": 5, "role": "licensee"}},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": True}},
    {"licenses": ["mit", "apache-2.0"], "use": {"acts": ["distribute"]}},
]
REFERENCE_ANSWERS = [json.dumps(Reasoner(kb=R.kb, cache_size=0).ask(r).to_json()) for r in REFERENCE]


def assert_rules_unchanged():
    """Neither the rules file nor the answers to clean questions changed."""
    assert rules_text() == RULES_BEFORE
    assert [json.dumps(R.ask(r).to_json()) for r in REFERENCE] == REFERENCE_ANSWERS


# --- license files --------------------------------------------------------------------------------

def hostile_license(h: str) -> str:
    """Every string slot test_dsl.py does not already cover holds `h`."""
    s = dsl(h)
    return f'''license evil {{
      name "Evil" version "1" licensor {s} url {s} spdx {s}
      kind model osi no
      terms follow finetune
      clause "1" "Grant" {{
        grant all
        must display {s} when host
        must {s} when distribute
        must follow_policy {s}
        risk terms_change {s}
        note {s}
      }}
      clause "2" "Scale" {{
        needs separate license when release_mau > 10 unless {s}: commercial
        ambiguous {s}
      }}
      clause "3" "Names" {{
        must name_prefix {s} when derived and distribute
      }}
      clause "4" "Where" {{ forbid host when territory in {{"KP", "CU"}} }}
      clause "5" "Called" {{ forbid use when name starts with {s} }}
      example {s} {{ host noncommercial release_mau = 11 role = licensee expect forbidden by "2" }}
    }}'''


@pytest.mark.parametrize("h", HOSTILE, ids=IDS)
def test_strings_in_every_slot_of_a_license_are_data(h, watched):
    r = make_reasoner(hostile_license(h))
    lic = r.kb.licenses["evil"].license
    assert (lic.licensor, lic.url, lic.examples[0].description) == (h, h, h)
    # The threshold and its labelled exception still decide exactly.
    us = {"territory": ["US"]}
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["host"], "release_mau": 10, "role": "licensee", **us}}).status == "permitted"
    above = r.ask({"licenses": ["evil"], "use": {"acts": ["host", "distribute"], "release_mau": 11, "role": "licensee", "commercial": False, **us}})
    assert above.status == "forbidden"
    assert {(x.clause, x.kind) for x in above.reasons} == {("2", "needs_separate_license")}
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["host"], "release_mau": 11, "role": "licensee", "commercial": True, **us}}).status == "permitted"
    # Strings come back exactly as written.
    params = {o.duty: o.params for o in above.obligations}
    assert params["display"] == {"text": h} and params["report"] == {"text": h}
    assert params["follow_policy"] == {"url": h}
    assert {k.message for k in above.risks if k.risk == "terms_change"} == {h}
    assert any(k.risk == "ambiguous" and k.message.endswith(h) for k in above.risks)
    # A set and a prefix compare with exactly their values, nothing more.
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["host"], "release_mau": 1, "role": "licensee", "territory": ["KP"]}}).status == "forbidden"
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["host"], "release_mau": 1, "role": "licensee", "territory": ["US"]}}).status == "permitted"
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["use"], "release_mau": 1, "role": "licensee", "territory": ["US"]}}).status == "depends"
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["use"], "release_mau": 1, "role": "licensee", "name": "plain"}}).status == "permitted"
    # The example runs as data too.
    from reasoner.examples import run_examples
    assert [o.passed for o in run_examples(r, [lic])] == [True]
    assert_rules_unchanged()


@pytest.mark.parametrize("h", HOSTILE, ids=IDS)
def test_a_hostile_territory_in_a_license_is_an_error_at_its_place(h, watched):
    """Territories are a closed vocabulary: hostile text there is an unknown territory, on one line."""
    with pytest.raises(LicenseFileError) as caught:
        parse_text(f'license x {{ name "X" clause "1" "T" {{ forbid host when territory in {{"US", {dsl(h)}}} }} }}',
                   "t.lic")
    assert str(caught.value).startswith("t.lic:1:") and "unknown territory" in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize("h", HOSTILE, ids=IDS)
def test_a_derivative_named_with_a_hostile_prefix_is_judged_exactly(h, watched):
    r = make_reasoner(hostile_license(h))
    doc = {"artifacts": [{"id": "up", "license": "evil"},
                         {"id": "me", "mine": True, "derived_from": [{"id": "up", "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "release_mau": 1, "role": "licensee"}}
    named = lambda name: dict(doc, use=dict(doc["use"], name=name))  # noqa: E731
    assert r.ask(named(h + " bot")).status == "permitted"
    wrong = r.ask(named("Plain bot"))
    assert wrong.status == "forbidden" and [x.kind for x in wrong.reasons] == ["violated_duty"]
    assert r.ask(doc).obligations and any(o.params == {"prefix": h} for o in r.ask(doc).obligations)


def test_program_text_outside_strings_is_a_syntax_error_not_a_program(watched):
    """`#script`, `:-` and `.` outside strings: a comment at most, never clingo code."""
    script = ('license x { name "X" clause "1" "T" { grant all } }\n'
              "#script (python)\nimport os\nos.system('touch /tmp/can-i-injected')\n#end.\n")
    with pytest.raises(LicenseFileError) as caught:
        parse_text(script, "s.lic")
    assert str(caught.value).startswith("s.lic:3:1: ")
    for text, where in [
        ('license x { name "X" clause "1" "T" { grant all } }\nstatus(permitted) :- license(X).', "s.lic:2:"),
        ('license x { name "X" clause "1" "T" { grant all :- } }', "s.lic:1:"),
        ('license x { name "X" clause "1" "T" { grant all. } }', "s.lic:1:"),
        ('license x { name "X" clause "1" "T" { grant all % comment\n } }', "s.lic:1:"),
    ]:
        with pytest.raises(LicenseFileError) as caught:
            parse_text(text, "s.lic")
        assert str(caught.value).startswith(where), str(caught.value)
    assert not CANARY.exists()


def test_include_in_a_comment_reads_nothing(watched):
    """`#include` on its own line is a DSL comment: the license parses and no file is read."""
    text = ('#include "/etc/passwd".\n#include </etc/shadow>.\n'
            'license x { name "X" #include "/etc/hostname".\n clause "1" "T" { grant all } }')
    r = make_reasoner(text)
    assert r.ask({"licenses": ["x"], "use": {"acts": ["host"]}}).status == "permitted"


def test_a_license_cannot_redefine_another_or_the_vocabulary(watched):
    """A file can only add its own license: a second `license llama3` is an error, and a
    `define` cannot take over a word of the language."""
    from reasoner.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    kb.licenses["llama3"]
    with pytest.raises(LicenseFileError, match="already defined"):
        kb.add(parse_text('license llama3 { name "Mine" clause "2" "Gone" { grant all } }', "fake.lic")[0])
    for word in ("host", "commercial", "derived"):
        with pytest.raises(LicenseFileError, match="already a word"):
            parse_text(f'license x {{ name "X" define {word} = commercial clause "1" "T" {{ grant all }} }}', "d.lic")


def _nul_license() -> str:
    return ('license nul { name "NUL" clause "1" "Grant" { grant all }\n'
            '  clause "2" "Not for one family" { forbid host when family = "llama\\u0000-other" } }')


def test_a_nul_in_a_license_string_is_rejected_or_kept(watched):
    try:
        r = make_reasoner(_nul_license())
    except LicenseFileError as exc:       # rejecting NUL in strings is fine too
        assert str(exc).startswith("test0.lic:")
        return
    doc = {"artifacts": [{"id": "m", "license": "nul", "family": "llama"}], "use": {"acts": ["host"]}}
    assert r.ask(doc).status == "permitted"


# --- requests -------------------------------------------------------------------------------------

REQUEST_HOSTILE = HOSTILE + ["\x00", "nul\x00byte", "\x1b[2J\x1b[1;1HYES", "a" * 20_000]
REQUEST_IDS = IDS + ["nul", "nul-inside", "ansi", "long"]


def status_and_reasons(result):
    """What decides: status, cited clauses (an unknown license is named by the request, so only
    its kind counts) and deciders."""
    return result.status, sorted(("?" if x.kind == "unknown_license" else x.license, x.clause, x.kind)
                                 for x in result.reasons), \
        sorted((d.fact, d.op, str(d.value), d.license, d.clause) for d in result.depends_on)


def _lineage(ids=("meta/llama", "acme/bot"), family="mistral", name="SupportBot", purposes=("customer-support",),
             territory=("US",), grants=("google",), license_name="not-encoded"):
    return {"artifacts": [
        {"id": ids[0], "license": "llama3", "family": "llama"},
        {"id": "odd/base", "license": "other", "license_name": license_name},
        {"id": ids[1], "mine": True, "family": family, "name": name,
         "derived_from": [{"id": ids[0], "relation": "finetune"}, {"id": "odd/base", "relation": "merge"}]}],
        "subject": ids[1],
        "use": {"acts": ["distribute", "host"], "release_mau": 800_000_000, "role": "licensee", "purposes": list(purposes),
                "territory": list(territory), "grants": list(grants)}}


FIELDS = {
    "ids": lambda h: _lineage(ids=("meta/" + h, "acme/" + h)),
    "family": lambda h: _lineage(family="mistral" + h),
    "name": lambda h: _lineage(name="SupportBot" + h),
    "purposes": lambda h: _lineage(purposes=("customer-support" + h,)),
    "territory": lambda h: _lineage(territory=("US" + h,)),
    "grants": lambda h: _lineage(grants=("google" + h,)),
    "license_name": lambda h: _lineage(license_name="not-encoded" + h),
}
# Fields drawn from a closed vocabulary: appended text makes an unknown word, an input error.
CLOSED_FIELDS = {"family": "artifacts\\[2\\].family", "purposes": "use.purposes\\[0\\]",
                 "territory": "use.territory\\[0\\]"}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("h", REQUEST_HOSTILE, ids=REQUEST_IDS)
def test_hostile_request_strings_get_the_clean_answer(field, h, watched):
    """Each free-text field of a request, with hostile text appended to a neutral value, gives
    exactly the status, reasons and deciders of the clean request; in a closed-vocabulary field
    it is an error naming the field, on one line. A NUL (which clingo strings cannot carry) is
    refused with an error naming the field."""
    clean = R.ask(FIELDS[field](""))
    if "\x00" in h:
        with pytest.raises(RequestError, match="NUL"):
            R.ask(FIELDS[field](h))
        return
    if field == "grants" and h.strip():
        # A grant names a known licensor or license (here Google, who licenses nothing in this
        # stack): anything else is an input error naming the field, never a changed answer.
        with pytest.raises(RequestError, match=r"use\.grants\[0\]"):
            R.ask(FIELDS[field](h))
        return
    if field in CLOSED_FIELDS:
        with pytest.raises(RequestError) as caught:
            R.ask(FIELDS[field](h))
        assert caught.value.location and __import__("re").match(CLOSED_FIELDS[field], caught.value.location)
        assert len(str(caught.value).splitlines()) == 1
        return
    hostile = R.ask(FIELDS[field](h))
    assert clean.status == "forbidden"
    assert status_and_reasons(hostile) == status_and_reasons(clean)
    json.dumps(hostile.to_json())           # and the answer is still valid JSON
    assert_rules_unchanged()


@pytest.mark.parametrize("h", REQUEST_HOSTILE, ids=REQUEST_IDS)
def test_hostile_strings_come_back_unchanged_in_the_response(h, watched):
    doc = {"artifacts": [{"id": h, "license": "llama3"},
                         {"id": h + "/mine", "mine": True, "derived_from": [{"id": h, "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "release_mau": 5, "role": "licensee", "name": "Llama 3 " + h}}
    if "\x00" in h:
        with pytest.raises(RequestError, match="NUL"):
            R.ask(doc)
        return
    out = json.loads(json.dumps(R.ask(doc).to_json(), ensure_ascii=False))
    assert out["subject"] == h + "/mine"
    assert {a["artifact"] for a in out["applicable"]} == {h, h + "/mine"}


def test_a_nul_byte_cannot_forge_a_grant(watched):
    doc = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee", "grants": ["llama3\x00-applied-for"]}}
    with pytest.raises(RequestError, match="use.grants\\[0\\]"):
        R.ask(doc)


def test_a_nul_byte_cannot_forge_a_family(watched):
    doc = {"artifacts": [{"id": "up", "license": "llama3", "family": "llama"},
                         {"id": "me", "mine": True, "family": "llama\x00mistral",
                          "derived_from": [{"id": "up", "relation": "distilled"}]}],
           "use": {"acts": ["use"], "release_mau": 5, "role": "licensee"}}
    with pytest.raises(RequestError, match="artifacts\\[1\\].family"):
        R.ask(doc)


# --- error messages and the terminal ----------------------------------------------------------------

@pytest.mark.parametrize("bad", ["llama\n3", "llama\x0b3", "llama\u20283", "llama\x853"])
def test_error_messages_quote_input_on_one_line(bad):
    with pytest.raises(CanIError) as caught:
        R.ask({"licenses": [bad], "use": {"acts": ["host"]}})
    assert len(str(caught.value).splitlines()) == 1, repr(str(caught.value))
    if bad[-2] == "\n":  # a plain line break is white space in the DSL, not an error
        return
    with pytest.raises(CanIError) as caught:
        parse_text(f'license x {{ name "X" clause "1" "T" {{ grant use {bad[-2]} }} }}', "t.lic")
    assert len(str(caught.value).splitlines()) == 1, repr(str(caught.value))


def test_the_human_answer_carries_no_terminal_control_characters():
    from reasoner.cli import render

    evil = "\x1b[1A\x1b[2K\x1b[32mYES\x1b[0m"
    result = R.ask({"artifacts": [{"id": evil, "license": "llama3"}],
                    "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}})
    assert result.status == "forbidden"
    text = render(result, f"host `{evil}`", explain=True)
    assert not any(ord(c) < 32 and c != "\n" for c in text), repr(text[:200])


# --- the command line ---------------------------------------------------------------------------

CLI_SAFE = [h for h in REQUEST_HOSTILE if "\x00" not in h and not any(c in h for c in "\n\r")]


@pytest.mark.parametrize("h", CLI_SAFE, ids=[i for i, h in zip(REQUEST_IDS, REQUEST_HOSTILE) if h in CLI_SAFE])
def test_hostile_cli_options_are_data(h, watched, capsys):
    """--name with hostile text: same exit code as clean text, and the JSON answer carries the
    text back unchanged. --territory and --purpose are closed vocabularies: an input error."""
    clean = main(["finetune", "llama3", "--release-mau", "5", "--role", "licensee", "--json", "--and", "distribute",
                  "--name", "Llama-3-bot", "--territory", "US", "--purpose", "customer-support"])
    capsys.readouterr()
    code = main(["finetune", "llama3", "--release-mau", "5", "--role", "licensee", "--json", "--and", "distribute",
                 "--name", "Llama-3-bot" + h, "--territory", "US", "--purpose", "customer-support"])
    out = capsys.readouterr()
    assert (clean, code) == (0, 0), out.err
    json.loads(out.out)
    for option, word in (("--territory", "US"), ("--purpose", "customer-support")):
        code = main(["finetune", "llama3", "--release-mau", "5", "--role", "licensee", "--and", "distribute", "--name", "Llama-3-bot",
                     option, word + h])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and err.startswith("can-i: "), err[:300]


@pytest.mark.parametrize("h", [pytest.param(h, id=i)
                               for i, h in zip(REQUEST_IDS, REQUEST_HOSTILE) if h in CLI_SAFE])
def test_a_hostile_subject_is_an_unknown_subject_on_one_line(h, watched, capsys):
    code = main(["host", "zz-" + h])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("can-i: "), err[:300]


# --- the watcher itself, and can-i's cache ----------------------------------------------------------

def test_the_watcher_sees_side_effects(tmp_path):
    """The audit hook behind `watched` does record what these tests look for."""
    global _events
    _events = []
    try:
        (tmp_path / "probe").write_text("x")
        os.rename(tmp_path / "probe", tmp_path / "moved")
        eval(compile("1 + 1", "<input>", "eval"))
    finally:
        seen, _events = _events, None
    kinds = {event for event, _ in seen}
    assert {"open", "os.rename", "compile", "exec"} <= kinds, seen


class _Planted:
    """A pickle that creates the canary file when loaded."""

    def __reduce__(self):
        return (open, (str(CANARY), "w"))


def test_a_planted_cache_file_cannot_run_code(tmp_path, monkeypatch):
    import pickle

    from reasoner.kb import KnowledgeBase

    shared = tmp_path / "shared"
    folder = shared / "can-i"
    folder.mkdir(parents=True)
    for path in (shared, folder):                # as another user could leave it in /tmp
        path.chmod(0o777)
    monkeypatch.delenv("CAN_I_CACHE_DIR", raising=False)
    monkeypatch.delenv("CAN_I_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    KnowledgeBase.load().licenses["llama3"]       # fills the cache, if there is one
    planted = sorted(folder.glob("*.marshal"))
    if not planted:
        return                                   # no cache in a folder others may write to
    for path in planted:
        path.write_bytes(pickle.dumps(_Planted()))
    CANARY.unlink(missing_ok=True)
    try:
        KnowledgeBase.load().licenses["llama3"]
    except Exception:                            # noqa: BLE001 - refusing the file is fine
        pass
    ran = CANARY.exists()
    CANARY.unlink(missing_ok=True)
    assert not ran, f"a planted {planted[0].name} ran code"
