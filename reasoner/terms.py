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

import _thread   # threading.local is _thread._local; threading itself is not imported
from contextlib import contextmanager
from sys import intern

from clingo import SymbolType

from . import patterns   # re.compile from precompiled code (patterns.py)

# A string (with clingo's escapes \\ \" \n), a number, a name (with its `(` when it opens a
# function), a bare `(` (a tuple: a function without a name), or a closing parenthesis; commas
# are skipped. Shown atoms hold no #inf or #sup.
_TOKENS = patterns.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+|[a-z_\'][A-Za-z0-9_\']*\(?|[()]')
_FUNCTION, _NUMBER, _STRING = SymbolType.Function, SymbolType.Number, SymbolType.String
_ESCAPES = patterns.compile(r'\\(.)')
_ESCAPED = {'"': '"', "\\": "\\", "n": "\n"}

# The shape of nearly every shown atom, `out(Q,name(LEAF,…))` or, for an atom shown as itself
# (rules.lp: those that may come once per model of a lineage), `name(LEAF,…)`, with at most _MOST
# arguments, each a leaf: a string, a number, a constant, or a function of constants and numbers
# (`ctx(host,1,none)`).
# One match reads a whole atom (its arguments are the groups), so the per-token Python loop below
# runs only for what does not fit. A match starts where the previous one ended (a scanner), so an
# atom's text inside a string can never be read as an atom.
_NAME = r"[a-z_'][A-Za-z0-9_']*"
_LEAF = rf'"[^"\\]*(?:\\.[^"\\]*)*"|-?[0-9]+|{_NAME}(?:\([^()"]*\))?'
_MOST = 8
_SHOWN = patterns.compile(rf"(?:out\((-?[0-9]+),|(?!out\())({_NAME})\(({_LEAF})" + rf"(?:,({_LEAF}))?" * (_MOST - 1)
                    + r"\)(?(1)\)),?")


class Term:
    """One term of a shown atom, with the attributes of a clingo Symbol that explain.py reads."""
    __slots__ = ("type", "name", "arguments", "number", "string", "_text")

    def __str__(self) -> str:
        text = self._text
        if text is None and self.type is _NUMBER:   # a number keeps no text: clingo writes it so
            return str(self.number)
        if text is None:   # a function read by _SHOWN: its text is clingo's, rebuilt when asked for
            inner = ",".join(map(str, self.arguments))
            text = self._text = f"{self.name}({inner}{',' if not self.name and len(self.arguments) == 1 else ''})"
        return text

    __repr__ = __str__


class _Shown(tuple):
    """`out(Q,atom)` read by _SHOWN: the pair (Q, atom) is its arguments; what a Term has besides
    is the same for every one (made per shown atom, so as cheap as a tuple)."""
    __slots__ = ()
    type, name, number, string = _FUNCTION, "out", None, None

    @property
    def arguments(self) -> tuple:
        return tuple(self)

    def __str__(self) -> str:
        return f"out({self[0]},{self[1]})"

    __repr__ = __str__


def _term(type_, name, arguments, number, string, text) -> Term:
    term = Term.__new__(Term)
    term.type, term.name, term.arguments, term.number, term.string, term._text = (
        type_, name, arguments, number, string, text)
    return term


def _unescape(body: str) -> str:
    return _ESCAPES.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), body) if "\\" in body else body


_SHARING = _thread._local()   # the leaves shared by the parse() calls inside sharing_leaves()


@contextmanager
def sharing_leaves():
    """Within this block, parse() calls in this thread share their leaves (solve.read_shown reads
    a big answer in slices, and a 100,000-deep lineage names each artifact in two slices' atoms:
    one Term per number, not one per slice)."""
    outer = getattr(_SHARING, "leaves", None)   # a block inside another shares the outer's
    if outer is None:
        _SHARING.leaves = {}
    try:
        yield
    finally:
        _SHARING.leaves = outer


def parse(text: str, leaves: dict | None = None) -> list[Term]:
    """The terms of `text`, which holds clingo terms separated by newlines (or anything but
    the characters of a term). Equal strings, numbers and constants are one shared Term (terms
    are read, never changed): a batch repeats its message templates and numbers many times.

    >>> [model] = parse('(out(0,status(permitted)),out(0,applies(1,"mit")))')
    >>> [str(out.arguments[1]) for out in model.arguments]
    ['status(permitted)', 'applies(1,"mit")']

    `leaves`, a dict kept by the caller, shares them across calls too (so does sharing_leaves()).
    """
    if leaves is None:
        leaves = getattr(_SHARING, "leaves", None)
        if leaves is None:
            leaves = {}
    out: list[Term] = []
    for line in text.split("\n"):   # clingo writes a newline in a string as \n
        model = _shown(line, leaves)
        if model is None:
            out += _terms(line, leaves)
        else:
            out.append(model)
    return out


def _shown(line: str, leaves: dict) -> Term | None:
    """One model's shown atoms written as a tuple, `(out(Q,atom(…)),atom(…),…)`, read an atom at
    a time (an out(Q, ·) as a _Shown, an atom shown as itself as its Term); None when some atom
    has another shape (the caller reads the line token by token)."""
    if line[:1] != "(":
        return None
    get = leaves.get
    outs: list = []
    add = outs.append
    new = Term.__new__
    end = 1
    for match in iter(_SHOWN.scanner(line, 1).match, None):
        question, name, *arguments = match.groups()[:match.lastindex]   # the groups that matched
        atom = new(Term)   # _term, inlined: this loop runs once per shown atom
        # The name interned (one string per predicate, not per atom), the arguments a tuple (one
        # allocation, not two): ~27 MiB less for the 200,000 atoms of a 100,000-deep lineage.
        atom.type, atom.name, atom.number, atom.string, atom._text = _FUNCTION, intern(name), None, None, None
        atom.arguments = tuple([get(t) or _leaf(t, leaves) for t in arguments])
        add(atom if question is None else _Shown((get(question) or _leaf(question, leaves), atom)))
        end = match.end()
    if line[end:] != ")":
        return None
    return _term(_FUNCTION, "", outs, None, None, line)


def _leaf(token: str, leaves: dict) -> Term:
    """The Term of a leaf's text, kept in `leaves`."""
    first = token[0]
    if first == '"':
        term = _term(_STRING, None, (), None, _unescape(token[1:-1]), token)
    elif first == "-" or first.isdigit():
        # No text kept: a 100,000-deep lineage's answer names 100,000 artifact numbers, and their
        # texts (~54 bytes each) would outlive the decoding in every Term.
        term = _term(_NUMBER, None, (), int(token), None, None)
    elif token[-1] == ")":   # a function of constants and numbers
        [term] = _terms(token, leaves)
    else:
        term = _term(_FUNCTION, token, (), None, None, token)
    leaves[token] = term
    return term


def _terms(text: str, leaves: dict) -> list[Term]:
    """The terms of `text`, token by token."""
    out: list[Term] = []
    open_functions: list = []   # (term, where its text starts)
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
            term = _leaf(token, leaves)
        if open_functions:
            open_functions[-1][0].arguments.append(term)
        else:
            out.append(term)
    return out
