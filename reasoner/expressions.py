"""License expressions: `llama3.1 AND apache-2.0`, `(mit OR apache-2.0) AND cc-by-4.0`.

An expression is expanded into its alternatives: each alternative is a set of license ids that
all apply together. `OR` means the user may pick either side. SPDX `-only` / `-or-later` ids of
the GNU licenses are names of encodings (SPDX_ALIASES); `X WITH EXCEPTION` stays one id of its own.

>>> alternatives("mit OR (apache-2.0 AND cc-by-4.0)")
[('mit',), ('apache-2.0', 'cc-by-4.0')]
>>> alternatives("GPL-2.0+ AND GPL-3.0-only")
[('gpl-2.0-or-later', 'gpl-3.0')]
"""

from __future__ import annotations

import functools

from . import patterns   # re.compile from precompiled code (patterns.py)

_TOKEN = patterns.compile(r"\s*(\(|\)|[A-Za-z0-9][A-Za-z0-9_.+\-]*)")
MAX_ALTERNATIVES = 64
# Parentheses nest at most this deep: the parser recurses per level, and an embedder must get a
# ValueError (an input error), not Python's RecursionError, for `((((…mit…))))`.
MAX_DEPTH = 64

# SPDX spellings of the GNU licenses, each the name of one encoding. The Hub ids (gpl-2.0, …) are
# read as version N only, so `-only` names them; `-or-later` ids are encodings of their own
# (facts/licenses/*-or-later.lic), whose `later versions` statement is the one place that decides
# what "or any later version" allows; the deprecated `+` names them too. Names only, no meaning:
# tests keep this table equal to the files' `spdx` settings.
SPDX_ALIASES = {
    "gpl-2.0-only": "gpl-2.0", "gpl-2.0+": "gpl-2.0-or-later",
    "gpl-3.0-only": "gpl-3.0", "gpl-3.0+": "gpl-3.0-or-later",
    "lgpl-2.1-only": "lgpl-2.1", "lgpl-2.1+": "lgpl-2.1-or-later",
    "lgpl-3.0-only": "lgpl-3.0", "lgpl-3.0+": "lgpl-3.0-or-later",
    "agpl-3.0-only": "agpl-3.0", "agpl-3.0+": "agpl-3.0-or-later",
}
# A license with an exception (`GPL-2.0 WITH Classpath-exception-2.0`, or the deprecated SPDX form
# `GPL-2.0-with-classpath-exception`) is one license of its own: it becomes the single id
# `gpl-2.0 with classpath-exception-2.0`, which no encoding matches, so the answer is unknown
# and names the exception instead of judging the bare license without it.
WITH = " with "
_DEPRECATED_WITH = patterns.compile(r"^(.+?)-with-(.+-exception)$")


def with_exception(license_id: str) -> tuple[str, str] | None:
    """(license, exception) of an id that carries an exception, else None.

    >>> with_exception("gpl-2.0 with classpath-exception-2.0")
    ('gpl-2.0', 'classpath-exception-2.0')
    """
    lid = license_id.lower()
    if WITH in lid:
        base, exception = lid.split(WITH, 1)
        return base, exception
    match = _DEPRECATED_WITH.match(lid)
    return (match.group(1), match.group(2)) if match else None


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"unexpected `{text[pos:].strip()[:20]}` in license expression `{text}`")
        tokens.append(match.group(1))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


# Parsed expressions are kept: a request reads each license text several times (reading, catalog
# completion, planning), a 100,000-deep lineage repeats one text 100,000 times, and embedders ask
# about the same few licenses again and again. Bounded, so distinct texts cannot grow it for ever.
PARSE_CACHE_SIZE = 4096


def alternatives(text: str) -> list[tuple[str, ...]]:
    """Expand an expression into alternatives (sorted ids each); raise ValueError if malformed."""
    return list(_parsed(text))


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parsed(text: str) -> tuple[tuple[str, ...], ...]:
    """`alternatives`, parsed once per text (a malformed text raises each time: nothing is kept)."""
    tokens = _tokens(text)
    if not tokens:
        raise ValueError("empty license expression")
    position = 0
    depth = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def expr():
        result = term()
        while peek() is not None and peek().upper() == "OR":
            take()
            result = result + term()
            if len(result) > MAX_ALTERNATIVES:
                raise ValueError(f"license expression `{text}` has more than {MAX_ALTERNATIVES} alternatives")
        return result

    def term():
        result = factor()
        while peek() is not None and peek().upper() == "AND":
            take()
            right = factor()
            result = [tuple(sorted(set(a) | set(b))) for a in result for b in right]
            if len(result) > MAX_ALTERNATIVES:
                raise ValueError(f"license expression `{text}` has more than {MAX_ALTERNATIVES} alternatives")
        return result

    def factor():
        token = peek()
        if token is None:
            raise ValueError(f"license expression `{text}` ends too early")
        if token == "(":
            nonlocal depth
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(f"license expression nests parentheses more than {MAX_DEPTH} deep")
            take()
            inner = expr()
            depth -= 1
            if peek() != ")":
                raise ValueError(f"missing `)` in license expression `{text}`")
            take()
            return inner
        if token == ")" or token.upper() in ("AND", "OR", "WITH"):
            raise ValueError(f"unexpected `{token}` in license expression `{text}`")
        take()
        if peek() is not None and peek().upper() == "WITH":
            take()
            exception = peek()
            if exception is None or exception in ("(", ")") or exception.upper() in ("AND", "OR", "WITH"):
                raise ValueError(f"`WITH` in license expression `{text}` needs an exception id after it")
            take()
            return [(token.lower() + WITH + exception.lower(),)]
        return [(SPDX_ALIASES.get(token.lower(), token.lower()),)]

    result = expr()
    if position != len(tokens):
        raise ValueError(f"unexpected `{tokens[position]}` in license expression `{text}`")
    return tuple(dict.fromkeys(result))


def ids(text: str) -> list[str]:
    """Every license id an expression mentions, in order of first appearance."""
    seen: list[str] = []
    for alt in alternatives(text):
        for item in alt:
            if item not in seen:
                seen.append(item)
    return seen
