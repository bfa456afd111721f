"""The solver's shown atoms, read back from their text in one pass.

Reading a model through clingo's Symbol accessors costs a foreign call and new objects for every
`.arguments`, `.name` or `.string` (most of the time of turning atoms into answers in a batch).
Instead each shown symbol is turned into text once (`str`), and this module's small tokenizer
builds plain `Term`s with the attributes explain.py reads of a Symbol: `name`, `arguments`,
`number`, `string`, `type`, and `str()` (the term's clingo text, used as a key).

>>> [term] = parse("out(0,reason(\\"mit\\",\\"2\\",3,ctx(host,1,none),prohibited,\\"say \\\\\\"{doing}\\\\\\"\\"))")
>>> atom = term.arguments[1]
>>> atom.name, atom.arguments[0].string, atom.arguments[2].number, str(atom.arguments[3])
('reason', 'mit', 3, 'ctx(host,1,none)')
>>> atom.arguments[5].string
'say "{doing}"'
"""

from __future__ import annotations

import re

from clingo import SymbolType

# A string (with clingo's escapes \\ \" \n), a number, a name (with its `(` when it opens a
# function), a bare `(` (a tuple: a function without a name), or a closing parenthesis; commas
# are skipped. Shown atoms hold no #inf or #sup.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+|[a-z_\'][A-Za-z0-9_\']*\(?|[()]')
_FUNCTION, _NUMBER, _STRING = SymbolType.Function, SymbolType.Number, SymbolType.String
_ESCAPES = re.compile(r'\\(.)')
_ESCAPED = {'"': '"', "\\": "\\", "n": "\n"}


class Term:
    """One term of a shown atom, with the attributes of a clingo Symbol that explain.py reads."""
    __slots__ = ("type", "name", "arguments", "number", "string", "_text")

    def __str__(self) -> str:
        return self._text

    __repr__ = __str__


def _term(type_, name, arguments, number, string, text) -> Term:
    term = Term.__new__(Term)
    term.type, term.name, term.arguments, term.number, term.string, term._text = (
        type_, name, arguments, number, string, text)
    return term


def _unescape(body: str) -> str:
    return _ESCAPES.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), body) if "\\" in body else body


def parse(text: str) -> list[Term]:
    """The terms of `text`, which holds clingo terms separated by newlines (or anything but
    the characters of a term). Equal strings, numbers and constants are one shared Term (terms
    are read, never changed): a batch repeats its message templates and numbers many times."""
    out: list[Term] = []
    open_functions: list = []   # (term, where its text starts)
    leaves: dict[str, Term] = {}
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == ")":
            term, start = open_functions.pop()
            term._text = text[start:match.end()]
            if not open_functions:
                out.append(term)
            continue
        if token[-1] == "(":   # a function, or a tuple (name "")
            term = _term(_FUNCTION, token[:-1], [], None, None, None)
            if open_functions:
                open_functions[-1][0].arguments.append(term)
            open_functions.append((term, match.start()))
            continue
        term = leaves.get(token)
        if term is None:
            first = token[0]
            if first == '"':
                term = _term(_STRING, None, (), None, _unescape(token[1:-1]), token)
            elif first == "-" or first.isdigit():
                term = _term(_NUMBER, None, (), int(token), None, token)
            else:
                term = _term(_FUNCTION, token, (), None, None, token)
            leaves[token] = term
        if open_functions:
            open_functions[-1][0].arguments.append(term)
        else:
            out.append(term)
    return out
