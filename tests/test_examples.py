"""Every `example` block in facts/ runs as a test, and every rule-bearing clause is exercised."""

from __future__ import annotations

import pytest

from reasoner.api import Reasoner
from reasoner.examples import clause_coverage, run_example, run_examples

_REASONER = Reasoner()
_CASES = [(c.license, ex) for c in _REASONER.kb.licenses.values() for ex in c.license.examples]
_OUTCOMES: dict = {}   # license id -> its examples' outcomes, asked as one batch (as `can-i test` does)


def _outcomes(lic) -> dict:
    """The outcomes of a license's examples by example, run once per test process."""
    if lic.id not in _OUTCOMES:
        _OUTCOMES[lic.id] = {id(o.example): o for o in run_examples(_REASONER, [lic])}
    return _OUTCOMES[lic.id]


@pytest.mark.parametrize("lic, example", _CASES,
                         ids=[f"{lic.id}:{ex.position.line}" for lic, ex in _CASES])
def test_example(lic, example):
    outcome = _outcomes(lic)[id(example)]
    assert outcome.passed, f"{outcome.location}: {example.description}: {outcome.problem}"


def test_examples_answer_alike_batched_and_one_by_one():
    """run_examples asks a license's examples as one batch; each answer is the one a question
    asked alone gets (a sample of licenses: the engine equivalence tests cover the rest)."""
    for lid in ("llama3", "gemma", "bigscience-openrail-m", "gpl-3.0", "tencent-hunyuan-community"):
        lic = _REASONER.kb.licenses[lid].license
        alone = Reasoner(kb=_REASONER.kb, cache_size=0)
        for example in lic.examples[::4]:
            batched, single = _outcomes(lic)[id(example)], run_example(alone, lic, example)
            assert (batched.passed, batched.problem, batched.cited) == (single.passed, single.problem, single.cited)
            if single.result is not None:
                assert batched.result.to_json() == single.result.to_json(), example.position


def test_every_rule_bearing_clause_is_exercised_by_an_example():
    gaps = clause_coverage(_REASONER, [o for c in _REASONER.kb.licenses.values()
                                       for o in _outcomes(c.license).values()])
    assert {lid: missing for lid, missing in gaps.items() if missing} == {}


def test_every_license_has_examples_and_names_its_primary_text():
    for compiled in _REASONER.kb.licenses.values():
        lic = compiled.license
        assert lic.examples, f"{lic.id} has no examples"
        assert lic.name and lic.clauses, f"{lic.id} lacks a name or clauses"
        # Model licenses are versioned or dated; MIT and BSD templates carry no version.
        assert lic.version or lic.kind == "software", f"{lic.id} lacks a version"
        # DSL 2: the primary text is a `source` setting (no longer a comment read with a regex),
        # and at least one `quote` ties the encoding to its words (checked in test_dsl2.py).
        assert lic.sources, f"{lic.file} does not name its primary text with `source`"
        assert any(c.quotes for c in lic.clauses), f"{lic.file} quotes nothing of its primary text"


def test_the_readme_table_of_licenses_is_current(capsys):
    from pathlib import Path

    from reasoner.cli import main

    assert main(["licenses", "--markdown"]) == 0
    table = capsys.readouterr().out.strip()
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README's license table is stale: paste `can-i licenses --markdown`"
