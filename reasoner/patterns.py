"""Regular expressions compiled at no cost on a cold start.

`re.compile` parses a pattern and builds its matcher's code in Python: ~1.5 ms of a cold `can-i`
question for the patterns its modules compile at import (terms.py's shown-atom scanner alone is
~0.85 ms). reasoner/patterns_precompiled.py holds that code for each of them, as re's own compiler
builds it, keyed by the exact pattern and flags; `compile` hands an entry to the regular
expression engine (`_sre.compile`, what re.compile ends with) only for the Python minor version,
engine version (`_sre.MAGIC`) and code unit size it was written for, and compiles anything else
with re.compile. A stale or foreign entry costs time, never behaviour (tests/test_cold5.py checks
that each entry is what re.compile builds).

>>> compile(r"-?[0-9]+").fullmatch("-12") is not None
True
"""

from __future__ import annotations

import re
import sys

try:
    import _sre

    from .patterns_precompiled import CODESIZE, MAGIC, PATTERNS, VERSION

    _USABLE = VERSION == tuple(sys.version_info[:2]) and MAGIC == _sre.MAGIC and CODESIZE == _sre.CODESIZE
except Exception:   # noqa: BLE001 - no module, or a broken one: re.compile it is
    _USABLE, PATTERNS = False, {}

ASKED: dict = {}   # {(pattern, flags): None} of every call (benchmarks/precompile_patterns.py)


def compile(pattern: str, flags: int = 0) -> re.Pattern:   # noqa: A001 - re.compile's name, on purpose
    """re.compile(pattern, flags), from the precompiled code when there is an entry for it."""
    key = (pattern, int(flags))
    ASKED[key] = None
    entry = PATTERNS.get(key) if _USABLE else None
    if entry is None:
        return re.compile(pattern, flags)
    final_flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, final_flags, list(code), groups, dict(groupindex), indexgroup)


def compiled_entry(pattern: str, flags: int = 0) -> tuple:
    """The entry re's own compiler builds for (pattern, flags): what _sre.compile is given."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), tuple(map(int, code)), parsed.state.groups - 1,
            tuple(sorted(groupindex.items())), tuple(indexgroup))
