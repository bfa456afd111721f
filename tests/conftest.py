"""Shared fixtures: the bundled knowledge base is loaded once per test session."""

from __future__ import annotations

import pytest

from reasoner.api import Reasoner
from reasoner.kb import KnowledgeBase
from reasoner.parse import parse_text


@pytest.fixture(scope="session")
def reasoner() -> Reasoner:
    return Reasoner()


def make_reasoner(*texts: str, cache_size: int = 0) -> Reasoner:
    """A reasoner over license texts written inside a test."""
    kb = KnowledgeBase()
    for i, text in enumerate(texts):
        for lic in parse_text(text, f"test{i}.lic"):
            kb.add(lic)
    return Reasoner(kb=kb, cache_size=cache_size)
