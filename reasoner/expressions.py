"""License expressions: `llama3.1 AND apache-2.0`, `(mit OR apache-2.0) AND cc-by-4.0`.

An expression is expanded into its alternatives: each alternative is a set of license ids that
all apply together. `OR` means the user may pick either side.

>>> alternatives("mit OR (apache-2.0 AND cc-by-4.0)")
[('mit',), ('apache-2.0', 'cc-by-4.0')]
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9][A-Za-z0-9_.+\-]*)")
MAX_ALTERNATIVES = 64


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


def alternatives(text: str) -> list[tuple[str, ...]]:
    """Expand an expression into alternatives (sorted ids each); raise ValueError if malformed."""
    tokens = _tokens(text)
    if not tokens:
        raise ValueError("empty license expression")
    position = 0

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
            take()
            inner = expr()
            if peek() != ")":
                raise ValueError(f"missing `)` in license expression `{text}`")
            take()
            return inner
        if token == ")" or token.upper() in ("AND", "OR"):
            raise ValueError(f"unexpected `{token}` in license expression `{text}`")
        take()
        if peek() is not None and peek().upper() == "WITH":
            raise ValueError(f"`WITH` exceptions are not supported in `{text}`")
        return [(token.lower(),)]

    result = expr()
    if position != len(tokens):
        raise ValueError(f"unexpected `{tokens[position]}` in license expression `{text}`")
    unique: list[tuple[str, ...]] = []
    for alt in result:
        if alt not in unique:
            unique.append(alt)
    return unique


def ids(text: str) -> list[str]:
    """Every license id an expression mentions, in order of first appearance."""
    seen: list[str] = []
    for alt in alternatives(text):
        for item in alt:
            if item not in seen:
                seen.append(item)
    return seen
