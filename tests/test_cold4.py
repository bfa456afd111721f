"""Cold start, fourth round (issue 12: the cold default command <= 4x `python -c pass`). Counts and
outcomes only, never time (benchmarks/bench.py times it):

- the dataclass methods a cold question makes come precompiled (reasoner/records_precompiled.py),
  each exactly what records.py would compile from its key, and the module is current;
- the fact index keeps only the arguments rules ask constants of, and selects the same rule
  statements as the full index for every bundled license;
- what a cold `--json` question imports when no profile applies (no profile.py, tomllib, typer,
  click, rich; no threading, copy, math, unicodedata, array), and a forbidden request stays
  forbidden through it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUESTION = ["host", "llama3", "--commercial", "--mau", "10M", "--json"]


def _child(code: str, cache: Path, cwd: Path) -> dict:
    """`code` in a fresh interpreter (this checkout's package, a private cache, no profile); its
    last line of output is JSON."""
    env = dict(os.environ, CAN_I_CACHE_DIR=str(cache),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("CAN_I_PROFILE", None)   # no profile by discovery: the folder has none
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


_COLD = """
import io, json, sys, contextlib
made = []
sys.addaudithook(lambda event, args: made.append(args[1]) if event == "compile" and isinstance(args[1], str)
                 and args[1].startswith("<dataclass method ") else None)
from reasoner import fast
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = fast._fast({argv!r})
print(json.dumps({{"code": code, "modules": sorted(sys.modules), "answer": json.loads(out.getvalue()),
                  "compiled": made}}))
"""


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """Cold runs in a folder with no profile, each after a run that fills the cache: the default
    question (remedies searched) and a forbidden one."""
    cache, folder = tmp_path_factory.mktemp("cache"), tmp_path_factory.mktemp("work")
    runs = {}
    for name, argv in (("default", QUESTION),
                       ("forbidden", ["host", "llama3", "--release-mau", "800M", "--role", "licensee", "--json"])):
        _child(_COLD.format(argv=argv), cache, folder)
        runs[name] = _child(_COLD.format(argv=argv), cache, folder)
    return runs


def test_a_cold_question_without_a_profile_imports_no_profile_toml_or_command_line(cold):
    for run in cold.values():
        modules = set(run["modules"])
        assert not modules & {"reasoner.profile", "tomllib", "typer", "click", "rich", "reasoner.cli",
                              "dataclasses", "hashlib", "lark"}, modules
        # Imported only where needed (this round): none is needed by a cold ASCII question.
        assert not modules & {"threading", "copy", "math", "unicodedata", "array"}, modules
        assert "reasoner.records_precompiled" in modules


def test_a_cold_question_compiles_no_dataclass_method(cold):
    """Every method the bench's cold questions make is in records_precompiled.py (rerun
    `python benchmarks/precompile_records.py` after changing a record class if this fails)."""
    assert cold["default"]["compiled"] == [], cold["default"]["compiled"]


def test_a_forbidden_question_stays_forbidden_through_the_cold_path(cold):
    answer = cold["forbidden"]["answer"]
    assert cold["forbidden"]["code"] == 1 and answer["status"] == "forbidden", answer
    assert cold["default"]["answer"]["status"] == "depends" and cold["default"]["code"] == 3


def test_the_precompiled_methods_module_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "precompile_records.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_precompiled_method_is_what_records_compiles_from_its_key():
    """A precompiled factory's code equals compile() of its key under the same file name (so no
    entry was edited by hand), and the method it makes behaves as the compiled one."""
    from types import CodeType

    from reasoner import records
    from reasoner.records_precompiled import METHODS

    def same(a: CodeType, b: CodeType) -> bool:
        nested = [(x, y) for x, y in zip(a.co_consts, b.co_consts) if isinstance(x, CodeType)]
        plain = lambda code: tuple(c for c in code.co_consts if not isinstance(c, CodeType))   # noqa: E731
        return (a.co_code == b.co_code and plain(a) == plain(b) and a.co_names == b.co_names
                and a.co_varnames == b.co_varnames and a.co_freevars == b.co_freevars
                and a.co_cellvars == b.co_cellvars and a.co_filename == b.co_filename
                and a.co_firstlineno == b.co_firstlineno and a.co_linetable == b.co_linetable
                and len(a.co_consts) == len(b.co_consts) and all(same(x, y) for x, y in nested))

    assert METHODS
    for source in METHODS:
        filename = "<dataclass method Test.m>"
        namespace: dict = {}
        exec(compile(source, filename, "exec", dont_inherit=True), {}, namespace)
        assert same(records._precompiled(source, filename), namespace["__create_fn__"].__code__), source
    assert records._precompiled("def __create_fn__():\n def f(self):\n  return 1\n return f", "x") is None


def test_a_record_class_changed_since_precompiling_is_compiled_as_before():
    """An entry is taken only for its exact source: a class whose fields differ gets its own
    compiled methods, and behaves as its declaration says."""
    from reasoner.records import GENERATED_PREFIX, dataclass

    @dataclass(frozen=True)
    class Act:   # licenses.Act's name, another field
        act: str
        other: int = 0

    made = Act("host", 2)
    assert (made.act, made.other, made == Act("host", 2), hash(made) == hash(("host", 2))) == ("host", 2, True, True)
    assert type(made).__init__.__code__.co_filename.startswith(GENERATED_PREFIX)


def test_the_restricted_fact_index_selects_the_same_statements_as_the_full_one(reasoner):
    """_selected with fact_index (arguments at asked positions only) keeps exactly the statements
    the full index (every argument) keeps, for every bundled license with the schema's facts,
    under the predicate sets of a few question shapes."""
    from reasoner import solve

    def full(facts):
        return (frozenset(symbol.name for symbol in facts),
                frozenset((symbol.name, position, str(argument))
                          for symbol in facts for position, argument in enumerate(symbol.arguments)))

    select = solve._selected.__wrapped__
    schema = list(solve.schema_facts())
    requests = [{"licenses": ["llama3"], "use": {"acts": ["host"], "commercial": True, "mau": 10_000_000}},
                {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["distribute"], "revenue_usd": 5}},
                {"artifacts": [{"id": "org/base", "license": "gemma", "family": "gemma"},
                               {"id": "me/tuned", "mine": True, "derived_from": [{"id": "org/base", "relation": "finetune"}]}],
                 "subject": "me/tuned", "use": {"acts": ["distribute"], "grants": ["gemma"], "outbound_license": "mit"}}]
    shapes = set()
    for request in requests:
        plan, error = next(iter(reasoner._planned([request])))
        assert error is None, error
        for question in plan.scenes:
            shapes.add(frozenset(fact.name for fact in solve.question_facts(question.scene, runs=False)))
    assert len(shapes) >= 3
    for lid in reasoner.kb.licenses:
        facts = reasoner.kb.licenses[lid].facts
        restricted = frozenset({solve.fact_index(facts), solve.fact_index(schema)})
        whole = frozenset({full(facts), full(schema)})
        for present in shapes:
            assert select(present, restricted) == select(present, whole), (lid, sorted(present))


def test_words_fold_as_before_without_unicodedata_for_ascii():
    """normalise_word skips NFKC for ASCII (NFKC leaves it as it is) and still folds compatibility
    forms; a request spelled in full-width letters stays what it was (forbidden here)."""
    import unicodedata

    from reasoner import Reasoner
    from reasoner.vocabulary import VOCABULARIES, normalise_word

    words = [w for vocabulary in VOCABULARIES.values() for w in vocabulary] + [" EU ", "host", "Ｈｏｓｔ", "ＥＵ", " x\u00a0"]
    for word in words:
        assert normalise_word(word) == unicodedata.normalize("NFKC", word).strip(), word
    request = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "ｌｉｃｅｎｓｅｅ"}}
    assert Reasoner(solver_processes=0).ask(request).status == "forbidden"   # as with `licensee`
