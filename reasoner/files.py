"""Reading input files and standard input with bounds: regular files only, and never more than
MAX_FILE_BYTES (`/dev/zero` never ends, a FIFO waits forever for a writer, `yes |` fills memory).

Below every reader (license files, requests, cards, lineage files), so each can raise its own
error class.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .errors import CanIError, LimitError

MAX_FILE_BYTES = 10 * 1024 * 1024


def read_regular_file(path: Path, what: str, error: type[CanIError]) -> bytes:
    """The bytes of a regular file, at most MAX_FILE_BYTES + 1 of them read. A missing,
    unreadable or special file (directory, FIFO, device, socket) is `error` located at the file;
    a longer one is a LimitError.

    The file is opened without blocking and checked on the open descriptor, so nothing can be
    swapped in between the check and the read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error("no such file", location=str(path)) from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {what}", location=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", location=str(path)) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise error(f"is a directory, not a {what}", location=str(path))
        if not stat.S_ISREG(mode):
            raise error(f"is {_file_kind(mode)}, not a regular file (can-i reads only regular files)",
                        location=str(path))
        os.set_blocking(descriptor, True)
        return read_bounded(lambda size: os.read(descriptor, size), str(path))
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", location=str(path)) from None
    finally:
        os.close(descriptor)


def read_bounded(read, source: str) -> bytes:
    """Read to the end with `read(size)` (a file's or standard input's), but never more than
    MAX_FILE_BYTES + 1 bytes: a longer input is a LimitError, not a MemoryError."""
    chunks, size = [], 0
    while size <= MAX_FILE_BYTES:
        chunk = read(MAX_FILE_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_FILE_BYTES:
        raise LimitError(f"input is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the most can-i reads",
                         location=source)
    return chunks[0][:0].join(chunks) if chunks else b""  # a text stream gives str


# A line ends at \n, \r\n or \r, as JSON, JSON Lines, TOML and a Hub card's front matter count
# lines. str.splitlines also breaks at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029, which are
# characters of a line there (U+2028 may stand raw inside a JSON string): split by it, a card's
# `license: mit\u2028---\u2028base_model: <a Llama>` ended its front matter at the `---` and the
# base model was never read (a Llama fine-tune audited as MIT: YES), and a JSON Lines request
# holding a U+2028 was cut in two, every later answer one line off its request (review 25).
# Compiled on first use (re's cache), not at import: a cold question reads no card or JSON Lines.
_LINE_BREAK = r"\r\n|\r|\n"


def spells(data: bytes, word: str) -> bool:
    """Whether `data` holds `word` in UTF-8, or in UTF-16 or UTF-32 (a file an editor saved so).
    A TOML file must be UTF-8, and reading one reports that it is not; searched for the UTF-8
    bytes alone, a UTF-16 pyproject.toml with a `[tool.can-i]` table was passed over as holding
    none, and its policy and facts were dropped without a word (review 25).

    >>> spells("[tool.can-i]".encode("utf-16"), "can-i"), spells(b"[tool.black]", "can-i")
    (True, False)
    """
    return any(word.encode(encoding) in data for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le",
                                                                 "utf-32-be"))


def text_lines(text: str) -> list[str]:
    """The lines of `text`, broken at \\n, \\r\\n and \\r only (see _LINE_BREAK); like
    str.splitlines, no empty line after a final line break.

    >>> text_lines("a\\u2028b\\r\\nc\\n")
    ['a\\u2028b', 'c']
    """
    lines = re.split(_LINE_BREAK, text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def parse_toml(text: str, path, error: type[CanIError]) -> dict:
    """A TOML document (a lineage file, a profile), its errors raised as `error` at file:line:col
    (tomllib puts the position in its message)."""
    import tomllib   # here: ~5 ms of every start, for the TOML inputs only

    try:
        from .numbers import WrittenFloat

        # A count is judged as written, not as the double it fits in (numbers.WrittenFloat).
        return tomllib.loads(text, parse_float=WrittenFloat.parse)
    except RecursionError:
        raise error("TOML nested too deeply", location=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"{path}:{at.group(1)}:{at.group(2)}" if at else str(path)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise error(f"not valid TOML: {reason}", location=where) from None
