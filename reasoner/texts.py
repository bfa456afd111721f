"""Check a license file's `quote`s against its `source` files (`can-i check --texts DIR`).

A quote is found when its words, in order, appear in one of the license's source files with any
whitespace between them (line breaks and indentation in the text do not matter). Everything else
must match exactly, so a misquoted or misattributed passage is caught mechanically.

>>> normalise("Subject to  the\\n terms")
'Subject to the terms'
"""

from __future__ import annotations

from pathlib import Path

from .errors import LicenseFileError
from .licenses import License
from .parse import error


def normalise(text: str) -> str:
    """Whitespace runs as one space, so quotes match across line breaks."""
    return " ".join(text.split())


def check_quotes(lic: License, folder: Path, cache: dict | None = None) -> list[LicenseFileError]:
    """Every problem with `lic`'s sources and quotes, given the folder of primary texts."""
    cache = {} if cache is None else cache
    problems: list[LicenseFileError] = []
    if not lic.sources:
        problems.append(error(f"license `{lic.id}` names no `source`", str(lic.position), "DSL401",
                              "name the primary-text file: source \"FILE\" from licensor|third-party"))
        return problems
    texts: dict[str, str] = {}
    for source in lic.sources:
        path = folder / source.file
        if path not in cache:
            try:
                cache[path] = normalise(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                cache[path] = None
        if cache[path] is None:
            problems.append(error(f"source \"{source.file}\" is not in {folder}", str(source.position), "DSL501",
                                  "name a file of the license-texts folder (see its SOURCES.md)"))
        else:
            texts[source.file] = cache[path]
    for clause in lic.clauses:
        for quote in clause.quotes:
            wanted = normalise(quote.text)
            if texts and not any(wanted in text for text in texts.values()):
                names = ", ".join(texts)
                problems.append(error(f"quote of §{clause.number} is not in {names}: \"{_short(quote.text)}\"",
                                      str(quote.position), "DSL501"))
    return problems


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
