"""Cold start, second round (issue 12 item 3): what a cold `can-i host llama3 --commercial --mau
10M --json [--no-remedies]` does is bounded by counts, never by time (benchmarks/bench.py times
it): the modules it imports, the licenses it loads, the dataclass methods it compiles. And the
shortcuts taken for it keep every answer: records.py classes are standard dataclasses to anyone
who looks, rule texts parse back to the same statements, the first Control (rules as text) and
later ones (AST statements) answer alike."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUESTION = ["host", "llama3", "--commercial", "--mau", "10M", "--json"]


def _child(code: str, cache: Path) -> dict:
    """Run `code` in a fresh interpreter (the package from this checkout, a private cache);
    it prints one JSON line last, which is returned."""
    env = dict(os.environ, CAN_I_CACHE_DIR=str(cache), CAN_I_PROFILE="none",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


_COLD = """
import io, json, sys, contextlib
from reasoner import fast
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = fast._fast({argv!r})
from reasoner import records
engine = fast._engines[0]
compiled = sum(1 for spec in records._SPECS.values() for name, value in vars(spec.cls).items()
               if callable(value) and getattr(value, "__code__", None) is not None
               and value.__code__.co_filename.startswith(records.GENERATED_PREFIX))
print(json.dumps({{"code": code, "modules": sorted(sys.modules), "status": json.loads(out.getvalue())["status"],
                  "loaded": len(dict.keys(engine.kb.licenses)), "pending": len(engine.kb.licenses.pending),
                  "records": len(records._SPECS), "compiled": compiled}}))
"""


@pytest.fixture(scope="module")
def cold_runs(tmp_path_factory):
    """A cold verdict and a cold default run (remedies searched), each after a run that fills
    the cache."""
    cache = tmp_path_factory.mktemp("cache")
    runs = {}
    for name, argv in (("verdict", QUESTION + ["--no-remedies"]), ("default", QUESTION)):
        _child(_COLD.format(argv=argv), cache)
        runs[name] = _child(_COLD.format(argv=argv), cache)
    return runs


def test_a_cold_verdict_imports_no_dataclasses_no_ast_and_no_command_line(cold_runs):
    run = cold_runs["verdict"]
    assert run["code"] == 3 and run["status"] == "depends"
    modules = set(run["modules"])
    # dataclasses (and the inspect/ast/dis it imports), clingo's AST module, the command line's
    # libraries, the parser, and what only a profile or a cache miss needs
    assert not modules & {"dataclasses", "inspect", "ast", "dis", "clingo.ast", "typer", "click", "rich", "lark",
                          "reasoner.cli", "reasoner.parse", "reasoner.remedies", "tomllib", "datetime", "hashlib",
                          "pickle", "tempfile", "difflib"}


def test_a_cold_verdict_compiles_only_the_dataclass_methods_it_calls(cold_runs):
    run = cold_runs["verdict"]
    assert run["records"] >= 50            # licenses.py, response.py, request.py, ...: all records
    assert run["compiled"] <= 45, run      # 37 when written: __init__ of what is built, a few __eq__/__hash__


def test_a_cold_answer_with_remedies_loads_only_the_licenses_it_needs(cold_runs):
    run = cold_runs["default"]
    assert run["code"] == 3 and run["status"] == "depends"
    # its grant candidate asks which licensor ids exist: read from the cache, not by loading all 58
    assert run["loaded"] <= 3 and run["pending"] >= 50, run
    assert not set(run["modules"]) & {"dataclasses", "inspect", "typer", "clingo.ast"}


def test_licensor_ids_from_the_cache_are_those_of_every_license(tmp_path, monkeypatch):
    from reasoner.kb import KnowledgeBase

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    first = KnowledgeBase.load().licenses.licensor_ids()    # fills the entry (loads every license)
    lazy = KnowledgeBase.load()
    assert lazy.licenses.licensor_ids() == first and len(lazy.licenses.pending) == len(lazy.licenses)
    full = KnowledgeBase.load()
    expected = frozenset(c.license.licensor_id for c in full.licenses.values() if c.license.licensor_id)
    assert first == expected and "meta" in expected
    assert list(tmp_path.glob("licensors-*.marshal"))


def test_a_damaged_licensors_entry_is_recomputed(tmp_path, monkeypatch):
    from reasoner.kb import KnowledgeBase

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    expected = KnowledgeBase.load().licenses.licensor_ids()
    for entry in tmp_path.glob("licensors-*.marshal"):
        entry.write_bytes(entry.read_bytes()[:-8] + b"\x00" * 8)
    assert KnowledgeBase.load().licenses.licensor_ids() == expected


def test_a_grant_stays_checked_against_every_licensor(reasoner):
    """A held grant from a licensor no license names is still an input error, never a silent YES."""
    from reasoner.errors import RequestError

    request = {"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "800M", "grants": ["metta"]}}
    with pytest.raises(RequestError):
        reasoner.ask(request)
    forbidden = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}}
    assert reasoner.ask(forbidden).status == "forbidden"
    with_remedies = reasoner.ask(dict(forbidden, remedies=True))   # the search tries a held grant
    assert with_remedies.status == "forbidden" and with_remedies.remedies


# --- records.py: standard dataclasses to whoever looks ---------------------------------------------

def _all_records():
    import importlib
    import pkgutil

    import reasoner
    from reasoner import records

    for module in pkgutil.iter_modules(reasoner.__path__):
        if module.name not in ("cli", "fast"):
            importlib.import_module(f"reasoner.{module.name}")
    return list(records._SPECS)


def _standard_twin(cls):
    """The class as `dataclasses.dataclass` makes it from the same declaration."""
    from reasoner import records

    spec = records._SPECS[cls]
    entries = [(f.name, f.type, records._standard_field(f)) for f in spec.fields]
    namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    if cls.__dict__.get("__doc__") is not None and not isinstance(cls.__dict__.get("__doc__"), records._LazyDoc):
        namespace["__doc__"] = cls.__dict__["__doc__"]
    return dataclasses.make_dataclass(cls.__name__, entries, frozen=spec.frozen, eq=spec.eq, namespace=namespace)


def test_every_record_class_looks_like_its_standard_dataclass():
    classes = _all_records()
    assert len(classes) >= 50
    for cls in classes:
        twin = _standard_twin(cls)
        assert dataclasses.is_dataclass(cls), cls
        assert [(f.name, f.default, f.default_factory, f.compare, f.repr, f.kw_only) for f in dataclasses.fields(cls)] \
            == [(f.name, f.default, f.default_factory, f.compare, f.repr, f.kw_only) for f in dataclasses.fields(twin)], cls
        assert repr(cls.__dataclass_params__) == repr(twin.__dataclass_params__), cls
        assert cls.__match_args__ == twin.__match_args__, cls
        if cls.__qualname__ != "Use":   # Use wraps its __init__ for old spellings (request.py)
            assert str(inspect.signature(cls)) == str(inspect.signature(twin)), cls
        assert cls.__doc__ == twin.__doc__, cls
        assert (cls.__hash__ is None) == (twin.__hash__ is None), cls


def test_records_behave_as_standard_dataclasses():
    from reasoner.licenses import Compare, Position
    from reasoner.records import asdict, fields, is_dataclass, replace
    from reasoner.request import Artifact, Edge, Grant
    from reasoner.response import Decider, Result

    position = Position("f.lic", 3, 4)
    assert repr(position) == "Position(file='f.lic', line=3, column=4)" and str(position) == "f.lic:3:4"
    assert position == Position("f.lic", 3, 4) and hash(position) == hash(("f.lic", 3, 4))
    assert position != ("f.lic", 3, 4) and position.__eq__(("f.lic", 3, 4)) is NotImplemented
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'line'"):
        position.line = 5
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'line'"):
        del position.line
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'column'"):
        Position("f.lic", 3)
    # compare=False fields take no part in equality or hashing
    assert Grant(name="meta", written="a") == Grant(name="meta", written="b")
    assert hash(Grant(name="meta", written="a")) == hash(Grant(name="meta", written="b"))
    assert Decider("mau", ">", 1, "l", "2", "forbid", "k", group=1) == Decider("mau", ">", 1, "l", "2", "forbid", "k")
    # default factories give each instance its own; a mutable dataclass is unhashable
    first, second = Result("permitted", "m"), Result("permitted", "m")
    first.reasons.append(1)
    assert second.reasons == [] and Result.__hash__ is None
    # keyword-only fields, replace and asdict as the standard library's
    artifact = Artifact("m", license="mit", family="llama", derived_from=(Edge("p", "finetune"),))
    with pytest.raises(TypeError):
        Artifact("m", "mit", None, "llama")
    assert replace(artifact, license="apache-2.0") == dataclasses.replace(artifact, license="apache-2.0")
    assert asdict(artifact) == dataclasses.asdict(artifact)
    assert asdict(Compare("mau", ">", 7)) == {"fact": "mau", "op": ">", "value": 7}
    assert [f.name for f in fields(artifact)] == [f.name for f in dataclasses.fields(artifact)]
    assert is_dataclass(artifact) and is_dataclass(Artifact) and not is_dataclass({}) and not is_dataclass(dict)
    loop = Result("permitted", "m")
    loop.reasons.append(loop)
    assert "reasons=[...]" in repr(loop)


def test_a_record_definition_the_module_does_not_cover_is_a_standard_dataclass():
    from reasoner.records import _SPECS, dataclass, field

    @dataclass(frozen=True)
    class WithClassVar:
        limit: typing.ClassVar[int] = 3
        value: int = field(default=1)

    assert WithClassVar not in _SPECS and WithClassVar().value == 1 and WithClassVar.limit == 3
    assert [f.name for f in dataclasses.fields(WithClassVar)] == ["value"]
    with pytest.raises(ValueError, match="mutable default"):
        @dataclass
        class Mutable:
            items: list = []   # noqa: RUF012 - the error is the point
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @dataclass
        class Order:
            a: int = 1
            b: int


# --- the rules as text -----------------------------------------------------------------------------

def test_every_rule_statement_text_parses_back_to_the_same_statement():
    from clingo import ast

    from reasoner import solve

    statements = solve._rules()
    texts = [text for text, _, _, _ in solve._dependencies()]
    assert texts == [str(s) for s in statements]
    parsed: list = []
    ast.parse_string("\n".join(texts), parsed.append)
    assert parsed[1:] == list(statements)


def test_the_first_control_and_later_ones_give_the_same_answers(monkeypatch):
    """The process's first Controls get the rules as text, the others as AST statements (and so
    does a remedies search: it adds the rules through solve.rule_statements)."""
    import itertools

    from reasoner import Reasoner, solve

    reasoner = Reasoner(cache_size=0)   # every question solved, none answered from memory

    requests = [{"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "10M", "commercial": True}},
                {"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "800M", "commercial": True}},
                {"artifacts": [{"id": "a", "license": "apache-2.0", "derived_from": [{"id": "b", "relation": "finetune"}]},
                               {"id": "b", "license": "llama3.1"}], "subject": "a",
                 "use": {"acts": ["distribute"], "release_mau": "1M", "grants": ["meta"]}},
                {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}, "remedies": True}]
    monkeypatch.setattr(solve, "_CONTROLS", itertools.count(solve._TEXT_CONTROLS))
    as_ast = [reasoner.ask(r).to_json() for r in requests]
    as_text = []
    for request in requests:
        monkeypatch.setattr(solve, "_CONTROLS", itertools.count())
        as_text.append(reasoner.ask(request).to_json())
    assert as_text == as_ast
    assert as_text[3]["status"] == "forbidden" and as_text[3]["remedies"]   # still forbidden through text


def test_rule_statements_added_are_counted_alike(monkeypatch):
    import clingo

    from reasoner import solve

    present = frozenset({"own", "in_question", "subject", "want", "rule", "rule_act"})
    first, later = clingo.Control(["--warn=none"]), clingo.Control(["--warn=none"])
    monkeypatch.setattr(solve, "_CONTROLS", iter([0, solve._TEXT_CONTROLS]))   # text, then AST
    assert solve.rule_statements(first, present, frozenset()) == solve.rule_statements(later, present, frozenset()) \
        == len(solve.statements_for(present))


def _index_by_accessors(facts):
    """Every argument's text, as the fact index held it before it kept only asked positions."""
    return (frozenset(symbol.name for symbol in facts),
            frozenset((symbol.name, position, str(argument))
                      for symbol in facts for position, argument in enumerate(symbol.arguments)))


def test_the_fact_index_is_the_accessors_index_at_the_asked_positions(reasoner):
    """solve.fact_index keeps every predicate and the arguments at the positions rules ask
    constants of (the only ones _selected reads): for every bundled license and odd terms, what
    the accessors give, restricted to those positions (tests/test_cold4.py: same statements)."""
    from clingo import Function, Number, String, parse_term

    from reasoner import solve

    asked = solve._asked_positions()

    def restricted(index):
        names, constants = index
        return names, frozenset(c for c in constants if c[1] in asked.get(c[0], ()))

    for lid in reasoner.kb.licenses:
        facts = reasoner.kb.licenses[lid].facts
        assert solve._read_index(facts) == restricted(_index_by_accessors(facts)), lid
    odd = [parse_term('p(#inf,"a\\"b,c",(1,2),-3,f(g(x)),())'), Function("q"), parse_term("-p(1)"),
           parse_term("r(#sup)"), Function("Upper", [Number(1)]), Function("p", [Function("Upper", [Number(1)])]),
           Function("p", [String("x\ny\\z\"")]), parse_term("p(f(#inf),a)"), parse_term('rule("l","1",2,forbid,3)')]
    for case in [[term] for term in odd] + [odd, [], list(solve.schema_facts())]:
        assert solve._read_index(case) == restricted(_index_by_accessors(case)), case


def test_is_licensor_agrees_with_every_licensor_id(tmp_path, monkeypatch):
    """A grant's licensor is checked against the loaded licenses first, then against all."""
    from reasoner import Reasoner

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    everyone = Reasoner().licensor_ids()
    fresh = Reasoner()
    fresh.kb.licenses["llama3"]   # one license loaded: its licensor is known without the others
    assert fresh._is_licensor("meta") and fresh._licensor_ids is None
    for name in sorted(everyone)[:5] + ["metta", "", None]:
        assert fresh._is_licensor(name) == (name in everyone), name


def test_groundings_are_kept_only_by_the_whole_process_for_a_small_question(monkeypatch):
    """fast.py leaves clingo Controls unfreed (the process ends with os._exit) only when it is the
    process and the question is small; an embedder's or a test's Controls are always freed."""
    import clingo

    from reasoner import fast

    finalizer = clingo.Control.__del__
    monkeypatch.setattr(clingo.Control, "__del__", finalizer)
    fast._keep_groundings({"licenses": ["llama3"]})           # not the whole process: nothing
    assert clingo.Control.__del__ is finalizer
    monkeypatch.setattr(fast, "_whole_process", [True])
    for large in ({"artifacts": [{"id": str(i)} for i in range(fast._KEPT_GROUNDINGS_UP_TO + 1)]},
                  {"licenses": ["mit"] * (fast._KEPT_GROUNDINGS_UP_TO + 1)}, "not a document"):
        fast._keep_groundings(large)
        assert clingo.Control.__del__ is finalizer
    import gc

    collecting = gc.isenabled()
    try:
        fast._keep_groundings({"licenses": 5, "artifacts": "x"})   # malformed: read later, no error here
        assert clingo.Control.__del__ is fast._unfreed
        assert not gc.isenabled()   # a small question's garbage ends with the process too
    finally:
        if collecting:
            gc.enable()
