"""Where the grammar, the ASP rules and the bundled knowledge base live.

In a wheel, `grammar/` and `facts/` are installed inside the package (see pyproject.toml); in a
source checkout they sit beside it. Either way they are found from any working directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"can-i is installed without its {name}/ folder (looked in {_PACKAGE})")


def grammar_path() -> Path:
    return _find("grammar") / "license.lark"


def facts_dir() -> Path:
    return _find("facts")


def rules_path() -> Path:
    return _PACKAGE / "rules.lp"
