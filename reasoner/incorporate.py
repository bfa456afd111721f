"""Incorporation (`based on`) and cross-clause exceptions (`excepts`): checks and merging that
need a license's whole set of clauses, including those it takes from another license.

No lark here: the knowledge base merges incorporated clauses without importing the parser.
"""

from __future__ import annotations

from dataclasses import replace

from .codes import error
from .licenses import Clause, Exception_, License, Position
from .vocabulary import suggest


def cross_clause_exceptions(clauses: list[Clause], license_id: str) -> list[Clause]:
    """Check that each clause an `excepts` names exists (and is another clause), and fold
    `excepts "N" when C` into the rules of clause N as an exception labelled with the
    excepting clause, so the answer can cite both."""
    numbers = [c.number for c in clauses]
    suspended: dict[str, list[Exception_]] = {}
    for clause in clauses:
        for number, _, position in clause.excepts_for + clause.excepts_when:
            if number not in numbers:
                _fail_at(position, f"`excepts` names clause \"{number}\", which `{license_id}` does not have"
                                    f"{suggest(number, numbers)}", "DSL401")
            if number == clause.number:
                _fail_at(position, "a clause cannot make an exception to itself: use `unless`", "DSL401")
        if clause.rider is not None:
            number, _, position = clause.rider
            if number not in numbers:
                _fail_at(position, f"the rider names clause \"{number}\", which `{license_id}` does not have"
                                   f"{suggest(number, numbers)}", "DSL401")
            if clause.relicense not in ("forbidden", "copyleft"):
                _fail_at(position, "a rider qualifies `relicense forbidden` or `relicense copyleft` in the same "
                                   "clause", "DSL401")
        for number, cond, position in clause.excepts_when:
            suspended.setdefault(number, []).append(Exception_(f"§{clause.number}", cond, position))
    out = []
    for clause in clauses:
        extra = tuple(suspended.get(clause.number, ()))
        if extra:
            clause = replace(clause, rules=tuple(replace(r, exceptions=r.exceptions + extra) for r in clause.rules))
        out.append(clause)
    return out

def _fail_at(position: Position, message: str, code: str, help: str | None = None):
    raise error(message, str(position), code, help)


def check_citations(lic: License) -> None:
    """Every clause an example cites exists."""
    numbers = [c.number for c in lic.clauses]
    for example in lic.examples:
        for number in example.by:
            if lic.clause(number) is None:
                _fail_at(example.position, f"example cites clause \"{number}\", which "
                         f"`{lic.id}` does not have{suggest(number, numbers)}", "DSL401")


def incorporate(lic: License, base: License) -> License:
    """`lic` with the clauses it incorporates from `base` (its `based on`): renumbered as cited,
    replaced by `lic`'s own clause of the same number, then checked like any license."""
    based = lic.based_on
    if based is None:
        return lic
    numbers = [c.number for c in base.clauses]
    for number in based.only:
        if number not in numbers:
            _fail_at(based.position, f"`based on {base.id}` lists clause \"{number}\", which `{base.id}` "
                                     f"does not have{suggest(number, numbers)}", "DSL401")
    own = {c.number for c in lic.clauses}
    incorporated = []
    for clause in base.clauses:
        if based.only and clause.number not in based.only:
            continue
        number = based.number(clause.number)
        if number in own:
            continue
        incorporated.append(replace(
            clause, number=number,
            excepts_for=tuple((based.number(n), ids, p) for n, ids, p in clause.excepts_for),
            excepts_when=()))   # already folded into the base's rules
    clauses = cross_clause_exceptions(list(lic.clauses) + incorporated, lic.id)
    merged = replace(lic, clauses=tuple(clauses))
    check_citations(merged)
    return merged
