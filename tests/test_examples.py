"""Every `example` block in facts/ runs as a test, and every rule-bearing clause is exercised."""

from __future__ import annotations

import pytest

from reasoner.api import Reasoner
from reasoner.examples import clause_coverage, run_example, run_examples

_REASONER = Reasoner()
_CASES = [(c.license, ex) for c in _REASONER.kb.licenses.values() for ex in c.license.examples]


@pytest.mark.parametrize("lic, example", _CASES,
                         ids=[f"{lic.id}:{ex.position.line}" for lic, ex in _CASES])
def test_example(lic, example):
    outcome = run_example(_REASONER, lic, example)
    assert outcome.passed, f"{outcome.location}: {example.description}: {outcome.problem}"


def test_every_rule_bearing_clause_is_exercised_by_an_example():
    gaps = clause_coverage(_REASONER, run_examples(_REASONER))
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
