"""Write a generated module of the package, or check that it is current (`--check`): shared by
precompile_records.py and precompile_patterns.py, whose modules ship with the package and are
taken only when they match what would be compiled (a stale one costs time, never behaviour)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(target: Path, text: str, argv: list[str], made: str = "") -> int:
    """With `--check` in argv: 0 if `target` holds `text`, else 1 and a line on stderr naming the
    script that rewrites it. Otherwise write it and say so (`made` says what it holds)."""
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{shown} is not current: run python benchmarks/{Path(sys.argv[0]).name}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {shown}{made}")
    return 0
