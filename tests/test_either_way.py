"""A NO whichever way an unstated fact goes (explain._forbidden_either_way).

Each AND-group of the residual condition ends forbidden on its own; when the groups that test one
unstated fact alone cover every value it can take, the answer is NO. These check the split on a
flag, a number and one word, and that a value left uncovered (or a group that needs a second fact)
keeps the DEPENDS.
"""

from __future__ import annotations

import pytest

from conftest import make_reasoner


def _ask(text: str, **use):
    reasoner = make_reasoner(text)
    return reasoner.ask({"licenses": ["t"], "use": {"acts": ["use"], **use}})


def _license(*clauses: str) -> str:
    return 'license t { name "T" ' + " ".join(f'clause "{i}" "C{i}" {{ {c} }}' for i, c in enumerate(clauses, 1)) + " }"


FLAG = _license("grant all when commercial", "needs separate license when commercial")
NUMBER = _license("grant all when mau >= 10", "forbid all when mau > 5")
WORD = _license("grant all when role = product-recipient", "forbid all when role = product-recipient")


@pytest.mark.parametrize("text", [FLAG, NUMBER, WORD], ids=["flag", "number", "word"])
def test_every_value_of_the_unstated_fact_ends_forbidden(text):
    answer = _ask(text)
    assert answer.status == "forbidden", answer.residual
    assert not answer.residual and not answer.depends_on
    assert {r.clause for r in answer.reasons} == {"1", "2"}
    assert all("each value of it ends forbidden" in r.message for r in answer.reasons)


@pytest.mark.parametrize("text", [
    _license("grant all when mau >= 10", "forbid all when mau > 20"),          # 10..20 is granted
    _license("grant all when role = product-recipient", "forbid all when role = licensee"),   # a product recipient is granted
    _license("grant all when not commercial", "forbid all when commercial and mau > 100"),    # two facts
], ids=["gap", "other-word", "two-facts"])
def test_a_value_left_open_keeps_the_depends(text):
    assert _ask(text).status == "depends"


def test_a_stated_value_is_answered_as_before():
    assert _ask(NUMBER, mau=7).status == "forbidden"
    assert _ask(FLAG, commercial=False).status == "forbidden"
    assert _ask(_license("grant all when mau >= 10", "forbid all when mau > 20"), mau=15).status == "permitted"
