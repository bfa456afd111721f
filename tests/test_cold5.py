"""A cold question with remedies (issue 12, session 5): the remedy search is ground in the
verdict's own Control (solve.keeping, remedies._search), so the rules' text is parsed once per
question and clasp is set up once. Bounded by counts (Controls made, rules texts given to clingo),
never by time; and the answers are the ones a search in a Control of its own gives."""

from __future__ import annotations

import itertools

import clingo
import pytest

from reasoner import Reasoner, remedies, solve

# The cold default command's question: `can-i host llama3 --commercial --mau 10M --json`.
DEFAULT = {"licenses": ["llama3"], "use": {"acts": ["host"], "commercial": True, "mau": "10M"}, "remedies": True}
# A forbidden one (commercial use under a non-commercial license), and one whose remedies stay
# under a threshold (a number widened by asking again).
FORBIDDEN = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}, "remedies": True}
THRESHOLD = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"},
             "remedies": True}
LINEAGE = {"artifacts": [{"id": "acme/bot", "mine": True,
                          "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "commercial": True, "release_mau": "900M"}, "remedies": True}


@pytest.fixture
def counted(monkeypatch):
    """Controls made, and program texts given to Control.add with their sizes, during the test."""
    counts = {"controls": 0, "texts": [], "backends": 0}

    class Counting(clingo.Control):
        def __init__(self, *args, **kwargs):
            counts["controls"] += 1
            super().__init__(*args, **kwargs)

        def backend(self, *args, **kwargs):
            counts["backends"] += 1
            return super().backend(*args, **kwargs)

        def add(self, *args, **kwargs):
            counts["texts"].append(args[-1].count("\n") + 1)
            return super().add(*args, **kwargs)

    monkeypatch.setattr(clingo, "Control", Counting)
    return counts


def _own_control(monkeypatch):
    """Every search in a Control of its own, as before solve.keeping."""
    monkeypatch.setattr(remedies, "take_grounding", lambda key: None)


def test_a_cold_question_with_remedies_makes_one_control_and_parses_the_rules_once(counted, monkeypatch):
    monkeypatch.setattr(solve, "_CONTROLS", itertools.count())   # a process's first Controls: the rules as text
    answer = Reasoner(cache_size=0).ask(DEFAULT)
    assert answer.status == "depends" and len(answer.remedies) == 3
    assert counted["controls"] == 1
    # The verdict's rules (~280 statements), then the search's: the statements the verdict's
    # selection lacks (a few), remedies.lp, the bridges; never the rules' text a second time.
    verdict, *search = counted["texts"]
    assert verdict > 100 and len(search) == 3 and search[0] < verdict / 4
    # One backend for the verdict's facts, one for the search's; its rounds exclude the sets
    # found (single changes) by assumptions, with no backend each (clasp would update the program).
    assert counted["backends"] == 2


def test_the_search_in_its_own_control_makes_two(counted, monkeypatch):
    _own_control(monkeypatch)
    Reasoner(cache_size=0).ask(DEFAULT)
    assert counted["controls"] == 2


@pytest.mark.parametrize("request_", [DEFAULT, FORBIDDEN, THRESHOLD, LINEAGE],
                         ids=["default", "forbidden", "threshold", "lineage"])
def test_answers_equal_those_of_a_search_in_its_own_control(monkeypatch, request_):
    kept = Reasoner(cache_size=0).ask(request_).to_json()
    _own_control(monkeypatch)
    assert Reasoner(cache_size=0).ask(request_).to_json() == kept
    assert kept["remedies"]


def test_a_forbidden_request_stays_forbidden_and_its_remedies_verify():
    engine = Reasoner(cache_size=0)
    answer = engine.ask(FORBIDDEN)
    assert answer.status == "forbidden" and answer.remedies
    for remedy in answer.remedies:   # each, applied to the request and asked again, is YES
        document = remedies.apply_changes(remedies.normalized_document(FORBIDDEN),
                                          [op for change in remedy.changes for op in change.edits])
        assert engine.ask(document).status == "permitted"
    assert engine.ask({**FORBIDDEN, "remedies": False}).status == "forbidden"


def test_a_grounding_gringo_refuses_is_searched_in_a_control_of_its_own(monkeypatch):
    """Were a rule ever to derive a verdict's atom from another question's facts, gringo would
    refuse the second grounding ("redefinition of atom"): the search then runs as before."""
    expected = Reasoner(cache_size=0).ask(DEFAULT).to_json()
    real = solve.take_grounding
    refused = []

    def refusing(key):
        kept = real(key)
        if kept is not None:
            class Refusing(clingo.Control):   # a Control whose next ground call fails
                def ground(self, *args, **kwargs):
                    refused.append(True)
                    raise RuntimeError("redefinition of atom")
            kept.control.__class__ = Refusing
        return kept

    monkeypatch.setattr(remedies, "take_grounding", refusing)
    assert Reasoner(cache_size=0).ask(DEFAULT).to_json() == expected and refused


def test_the_kept_grounding_is_released_and_kept_for_remedies_only(monkeypatch):
    kept = []
    real = solve.take_grounding
    monkeypatch.setattr(remedies, "take_grounding", lambda key: kept.append(real(key)) or kept[-1])
    engine = Reasoner(cache_size=0)
    engine.ask(DEFAULT)
    assert len(kept) == 1 and kept[0] is not None
    assert getattr(solve._KEPT, "grounding", None) is None and getattr(solve._KEPT, "key", None) is None
    engine.ask({**DEFAULT, "remedies": False})   # no remedies asked
    engine.ask({"licenses": ["mit"], "use": {"acts": ["host"]}, "remedies": True})       # YES: none searched
    assert getattr(solve._KEPT, "grounding", None) is None


# --- regular expressions from precompiled code (reasoner/patterns.py) -----------------------------

def test_every_precompiled_pattern_is_what_re_compiles():
    import re

    from reasoner import patterns
    from reasoner.patterns_precompiled import PATTERNS

    assert len(PATTERNS) >= 8 and patterns._USABLE
    for (pattern, flags), entry in PATTERNS.items():
        assert entry == patterns.compiled_entry(pattern, flags), pattern
        made, expected = patterns.compile(pattern, flags), re.compile(pattern, flags)
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (
            expected.pattern, expected.flags, expected.groups, expected.groupindex)


def test_a_pattern_without_an_entry_is_compiled_by_re():
    from reasoner import patterns

    assert patterns.compile(r"(?P<word>[a-z]+)-\d").match("ab-1").group("word") == "ab"


def test_the_precompiled_patterns_module_is_current():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "precompile_patterns.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_cold_question_compiles_none_of_the_packages_patterns(tmp_path):
    """In a fresh process, the default cold question: re's compiler builds none of the patterns
    the package compiles through patterns.py (each comes from its precompiled code)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    child = (
        "import io, json, sys\n"
        "from re import _compiler\n"
        "built = []\n"
        "real = _compiler.compile\n"
        "_compiler.compile = lambda p, flags=0: built.append(p) or real(p, flags)\n"
        "from reasoner import fast, patterns\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "code = fast.main(['host', 'llama3', '--commercial', '--mau', '10M', '--json'])\n"
        "out.write(json.dumps([code, [p for p in built if isinstance(p, str)], [p for p, _ in patterns.ASKED]]))\n")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "CAN_I_PROFILE": "none"}
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env, cwd=tmp_path)
    code, built, asked = json.loads(done.stdout)
    assert code == 3 and len(asked) >= 6
    assert not set(built) & set(asked)


def test_a_grounding_that_skips_the_searchs_questions_is_caught(monkeypatch):
    """Grounding "base" again is what instantiates the rules for the search's questions (clingo
    calls grounding a part twice unsupported: remedies._regrounded). Were it to do nothing, the
    search's questions would have no status: the search runs in a Control of its own instead,
    with the same answer, never "no remedy found"."""
    expected = Reasoner(cache_size=0).ask(DEFAULT).to_json()
    real = solve.take_grounding
    skipped = []

    def skipping(key):
        kept = real(key)
        if kept is not None:
            class Skipping(clingo.Control):   # grounds nothing new: no rule for the new questions
                def ground(self, parts, *args, **kwargs):
                    skipped.append(parts)
                    return super().ground([("nothing", [])], *args, **kwargs)
            kept.control.__class__ = Skipping
        return kept

    monkeypatch.setattr(remedies, "take_grounding", skipping)
    assert Reasoner(cache_size=0).ask(DEFAULT).to_json() == expected and skipped


# --- the bundled license files, listed without pathlib's rglob (kb._license_files_under) ----------

def test_license_files_are_listed_as_rglob_sorted_lists_them(tmp_path):
    from reasoner import kb, resources

    bundled = resources.facts_dir()
    assert kb.license_files([bundled]) == sorted(bundled.rglob("*.lic"))
    for name in ("b/x.lic", "a-b/y.lic", "a/z.lic", "a/A.lic", "top.lic", "a/.hidden.lic", "a/n.txt", "a/b/c/deep.lic"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)   # not descended into, as by rglob
    assert kb.license_files([tmp_path]) == sorted(tmp_path.rglob("*.lic"))


# --- the rules a cold question's Controls get, from the knowledge-base cache (solve.selection) ----

def test_the_cached_selection_is_the_computed_one(tmp_path, monkeypatch):
    from reasoner import solve
    from reasoner.solve import schema_facts

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    engine = Reasoner(cache_size=0)
    for lids, present in ((["llama3"], {"subject", "want", "in_question", "own", "fact_flag", "fact_num"}),
                          (["gemma", "apache-2.0"], {"subject", "want", "in_question", "own", "edge", "grant"}),
                          (["mit"], {"subject", "want"})):
        lists = (schema_facts(), *(engine.kb.licenses[lid].facts for lid in engine.kb.related(lids)))
        computed = solve.selection(frozenset(present), lists)
        assert solve.selection(frozenset(present), lists, cold=True) == computed   # written
        assert solve.selection(frozenset(present), lists, cold=True) == computed   # read back
        assert computed[0] == solve._selected(frozenset(present), frozenset(map(solve.fact_index, lists)))


def test_a_second_cold_question_reads_no_rules_analysis(tmp_path):
    """In a fresh process with the cache filled, the default cold question neither loads the rules'
    analysis nor indexes a fact list nor selects statements: its Control's rules, and the search's
    extra ones, are read from the cache. Same answer as the process that filled it."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    child = (
        "import io, json, sys\n"
        "from reasoner import fast, solve\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "code = fast.main(['host', 'llama3', '--commercial', '--mau', '10M', '--json'])\n"
        "answer, sys.stdout = sys.stdout.getvalue(), out\n"
        "print(json.dumps([code, answer, solve._dependencies.cache_info().misses, solve._selected.cache_info().misses,\n"
        "                  len(solve._FACT_INDEX)]))\n")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "CAN_I_PROFILE": "none", "CAN_I_CACHE_DIR": str(tmp_path)}
    runs = [json.loads(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env,
                                      cwd=tmp_path, check=True).stdout) for _ in range(2)]
    assert runs[0][0] == runs[1][0] == 3 and runs[0][1] == runs[1][1]
    assert runs[0][2:] != [0, 0, 0] and runs[1][2:] == [0, 0, 0]


# --- the catalog's entries, read from the cache when first used (kb._LAZY_TABLES) ------------------

def test_the_catalog_is_read_when_first_used_and_equals_a_fresh_read(tmp_path, monkeypatch):
    from reasoner import kb as kb_module

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    fresh = Reasoner().kb   # fills the cache: every table read from the files
    assert "_lazy_tables" not in vars(fresh)
    engine = Reasoner(cache_size=0)
    assert "catalog" not in vars(engine.kb) and "_lazy_tables" in vars(engine.kb)
    assert engine.ask({**DEFAULT, "remedies": True}).status == "depends"   # a license subject
    assert engine.kb.model("no-such/model") is None
    assert "catalog" not in vars(engine.kb)                               # never needed
    assert engine.kb.model("meta-llama/META-LLAMA-3-8B") == fresh.model("meta-llama/Meta-Llama-3-8B") is not None
    assert "catalog" in vars(engine.kb) and "_lazy_tables" not in vars(engine.kb)
    for table in kb_module._TABLES:
        assert getattr(engine.kb, table) == getattr(fresh, table), table
    # Lost from the cache: read from the files again, the same.
    lost = Reasoner(cache_size=0).kb
    for entry in tmp_path.glob("catalog-entries-*"):
        entry.unlink()
    assert lost.catalog == fresh.catalog and lost.catalog_origins == fresh.catalog_origins
    with pytest.raises(AttributeError):
        lost.no_such_table


def test_a_catalog_model_subject_answers_as_before(tmp_path, monkeypatch):
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path))
    request = {"artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"}], "remedies": True,
               "use": {"acts": ["host"], "commercial": True, "release_mau": "800M", "role": "licensee"}}
    first = Reasoner(cache_size=0).ask(request).to_json()     # tables read from the files
    second = Reasoner(cache_size=0).ask(request).to_json()    # from the cache, the catalog lazily
    assert first == second and first["status"] == "forbidden"
