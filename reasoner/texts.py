"""Check a license file's `quote`s against its `source` files (`can-i check --texts DIR`).

A quote is found when its words, in order, appear in one of the license's source files with any
whitespace between them (line breaks and indentation in the text do not matter). Everything else
must match exactly, so a misquoted or misattributed passage is caught mechanically.

>>> normalise("Subject to  the\\n terms")
'Subject to the terms'
"""

from __future__ import annotations

from pathlib import Path

from .errors import CanIError, LicenseFileError
from .files import read_regular_file
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
            cache[path] = _read_text(folder, path)
        text, problem = cache[path]
        if text is None:
            problems.append(error(f"source \"{source.file}\" {problem or 'is not in ' + str(folder)}",
                                  str(source.position), "DSL501",
                                  "name a file of the license-texts folder (see its SOURCES.md)"))
        else:
            texts[source.file] = text
    for clause in lic.clauses:
        for quote in clause.quotes:
            wanted = normalise(quote.text)
            if texts and not any(wanted in text for text in texts.values()):
                names = ", ".join(texts)
                problems.append(error(f"quote of §{clause.number} is not in {names}: \"{_short(quote.text)}\"",
                                      str(quote.position), "DSL501"))
    return problems


def _read_text(folder: Path, path: Path) -> tuple[str | None, str | None]:
    """The normalised text of a source file, or why it cannot be read (None: not there). Only a
    regular file inside the folder is read, and only up to files.MAX_FILE_BYTES: a FIFO would
    wait forever, /dev/zero never ends, and a link out of the folder reads what was not asked."""
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):   # a link loop
        inside = False
    if path.is_symlink() and not inside:
        return None, "leads outside the license-texts folder"
    if not path.exists():
        return None, None
    try:
        raw = read_regular_file(path, "license text", LicenseFileError)
    except CanIError as exc:
        return None, exc.message
    return normalise(raw.decode("utf-8", errors="replace")), None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
