"""The examples in the public modules' docstrings run and give what they show: an example is
documentation a reader copies, and one that raises (a name a refactor removed) or answers
otherwise (a request the rules now read differently) misleads."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["addresses", "api", "files", "remedies", "request", "records", "solve", "terms", "workers"]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_docstrings_hold(name):
    module = importlib.import_module(f"reasoner.{name}")
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
