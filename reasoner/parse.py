"""Parse license DSL files into typed `License` objects, with errors at file:line:col.

The parse tree is turned into typed objects by a lark `Transformer` (`_Build`), bottom-up: each
grammar rule has one method that checks its words and returns its typed value. Every error is a
`LicenseFileError` with file:line:col, a stable `DSLnnn` code (ERRORS) and a help line.

>>> [lic.id for lic in parse_text('license demo { name "Demo" clause "1" "Grant" { grant use } }')]
['demo']
"""

from __future__ import annotations

import re

import functools
import json
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import lark
from lark import Token, Transformer, Tree, v_args

from . import resources
from .addresses import address_key, is_absolute
from .codes import ERRORS, error  # noqa: F401 - ERRORS is part of this module's interface
from .errors import LicenseFileError
from . import schema
from .incorporate import check_citations, cross_clause_exceptions
from .files import read_regular_file
from .licenses import (
    Act, All, Always, Any_, BasedOn, Clause, Compare, Condition, Example, Exception_, Flag, License,
    Member, Not, Position, Quote, Rule, Source, StartsWith, Stated,
)
from .numbers import parse_count, parse_date
from .vocabulary import (
    ACT_GROUPS, ACTS, DUTIES, FLAG_FACTS, LICENSE_KINDS, NUMBER_FACTS, RELATIONS, RELICENSE_MODES,
    OTHER_FAMILY, REPEATED_SETTINGS, RISKS, SET_FACTS, SETTINGS, SOURCE_COPIES, STATED_FACTS, STATUSES, STRING_FACTS, USE_ACTS,
    CREATION_ACTS, FURTHER_TERMS, suggest, territory_problem, word_problem,
)

# Words an example may use besides acts: what they set in the example's use (from schema.py).
EXAMPLE_WORDS = schema.example_words()
# The fact each example word states (a flag's two words state one fact).
EXAMPLE_FACT_OF = {word: fact.name for fact in schema.FACT_LIST for word in fact.example}

@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    grammar = resources.grammar_path().read_text(encoding="utf-8")
    # Building the LALR tables takes ~0.3 s (only when a license file's parse is not cached), so
    # lark caches them: in can-i's own cache folder, not lark's default, a file named by the user
    # in the shared temporary directory, which it unpickles (another user could have put one
    # there first), and which was left in a TMPDIR that tests expect empty. The file holds the
    # grammar's hash; lark builds the tables again when it does not match.
    cache = resources.private_cache_file("grammar.lark-tables") or False
    parser = lark.Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True, cache=cache)
    if cache:
        # lark writes it with open(): under a umask of 002 (many desktops) group-writable, which
        # private_cache_file then refuses, so the tables were built and written again every time
        # (review 24). Made this user's alone, as the license files' cache entries are (mkstemp).
        import os

        try:
            os.chmod(cache, 0o600)
        except OSError:
            pass
    return parser


def parse_file(path: str | Path, errors: list | None = None) -> list[License]:
    """Parse one license file. Raises LicenseFileError with file:line:col; with an `errors` list,
    every independent error of the file is appended to it instead (see `parse_text`)."""
    path = Path(path)
    raw = read_regular_file(path, "license file", LicenseFileError)   # bounded; no FIFOs or devices
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", str(path), "DSL002",
                    "license files are UTF-8 text") from None
    return parse_text(text, str(path), errors)


def parse_tree(text: str, filename: str = "<string>") -> Tree:
    """The lark parse tree of license DSL text (for the formatter); syntax errors as in parse_text.
    A leading byte order mark (Windows editors write one) is not part of the text."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise error("binary data (NUL byte) in a license file", f"{filename}:1:1", "DSL002",
                    "license files are UTF-8 text")
    try:
        return _parser().parse(text)
    except lark.UnexpectedInput as exc:
        raise _syntax_error(exc, text, filename) from None
    except RecursionError:
        raise too_deep(filename, text) from None


def too_deep(filename: str, text: str | None = None) -> LicenseFileError:
    """A license nested past Python's recursion limit (thousands of `not`s or operands): an input
    error located at the deepest point of the text (file:line:col, as every other problem with
    it; the file alone when no text is at hand), not a RecursionError."""
    at = _deepest(text) if text else None
    return error("a condition is nested too deeply (or has too many operands) to read",
                 f"{filename}:{at[0]}:{at[1]}" if at else filename, "DSL001",
                 "write the condition with fewer levels; name parts of it with `define`")


# Compiled on the error path only (re caches it): a cold question never pays for it.
_NESTING = r'"(?:\\.|[^"\\\n])*"|#[^\n]*|\(|\)|\bnot\b|[^\s()"#]+'


def _deepest(text: str) -> tuple[int, int] | None:
    """(line, column) where parentheses plus a run of `not`s nest deepest, where the parser gave
    up; without nesting (thousands of operands), the start of the longest line."""
    depth = nots = best = 0
    where = None
    for token in re.finditer(_NESTING, text):
        word = token.group()
        if word == "(":
            depth += 1
        elif word == ")":
            depth, nots = max(depth - 1, 0), 0
        elif word == "not":
            nots += 1
        elif not word.startswith("#"):
            nots = 0
        if depth + nots > best:
            best, where = depth + nots, token.start()
    if best < 2:   # no nesting to speak of: thousands of operands, on the longest line
        lines = text.split("\n")
        longest = max(range(len(lines)), key=lambda index: len(lines[index]))
        return longest + 1, len(lines[longest]) - len(lines[longest].lstrip()) + 1
    line = text.count("\n", 0, where) + 1
    return line, where - (text.rfind("\n", 0, where) + 1) + 1


def parse_text(text: str, filename: str = "<string>", errors: list | None = None) -> list[License]:
    """Parse license DSL text; `filename` is used in error locations.

    With an `errors` list (`can-i check`), a semantic error does not stop the reading: it is
    appended, the statement, example or clause it is in is left out, and the rest is read, so
    every independent error is reported; the licenses without an error are returned. A syntax
    error still stops at the first: the LALR parser does not recover from it."""
    if errors is not None:
        try:
            tree = parse_tree(text, filename)
        except LicenseFileError as exc:
            errors.append(exc)
            return []
        try:
            return _Build(filename, errors).transform(tree)
        except RecursionError:
            errors.append(too_deep(filename, text))
            return []
    tree = parse_tree(text, filename)
    try:
        return _Build(filename).transform(tree)
    except lark.exceptions.VisitError as exc:
        if isinstance(exc.orig_exc, LicenseFileError):
            raise exc.orig_exc from None
        if isinstance(exc.orig_exc, RecursionError):
            raise too_deep(filename, text) from None
        raise
    except RecursionError:
        raise too_deep(filename, text) from None


def _syntax_error(exc: lark.UnexpectedInput, text: str, filename: str) -> LicenseFileError:
    line, column = getattr(exc, "line", 1), getattr(exc, "column", 1)
    if line is None or line < 1:  # end of input
        line = text.count("\n") + 1
        column = len(text) - text.rfind("\n")
    location = f"{filename}:{line}:{column}"
    if isinstance(exc, lark.UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        if char == '"':
            return error("unterminated string", location, "DSL002")
        return error(f"unexpected character `{char}`", location, "DSL001")
    if isinstance(exc, lark.UnexpectedEOF):
        return error("unexpected end of file (a `}` may be missing)", location, "DSL001",
                     "every `{` needs its `}`: the license block, each clause and each example")
    token = getattr(exc, "token", None)
    expected = sorted(_describe_terminal(t) for t in getattr(exc, "expected", ()) or ())
    got = f"`{token}`" if token else "end of file"
    hint = f", expected {', '.join(expected[:6])}" if expected else ""
    return error(f"unexpected {got}{hint}", location, "DSL001")


def _describe_terminal(name: str) -> str:
    try:
        pattern = _parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if pattern.type == "str":
        return f"`{pattern.value}`"
    return {"NAME": "a word", "STRING": "a string", "NUMBER": "a number", "DATE": "a date",
            "OP": "a comparison"}.get(name, name.lower())


# The closed vocabulary each set fact draws from (territories have their own table).
SET_VOCABULARY = {f.name: f.vocabulary for f in schema.CONDITION_FACTS
                  if f.type == schema.TAGS and f.vocabulary != "territory"}


def normalise_value(fact: str, value: str, in_example: bool = False) -> tuple[str | None, str]:
    """A set value as requests state it (`eu` is `EU`, `Text` is `text`), or None and why it is
    not in the fact's closed vocabulary. Other facts' values are kept as written. The family
    `other` is a statement a request (or an example) may make, but no license can name it."""
    if fact not in SET_VOCABULARY and fact in schema.FACTS and schema.FACTS[fact].vocabulary == "territory":
        return territory_problem(value)
    if fact in SET_VOCABULARY:
        canonical, problem = word_problem(SET_VOCABULARY[fact], value)
        if canonical == OTHER_FAMILY and not in_example:
            return None, (f"`{OTHER_FAMILY}` stands for a family no license names and never equals one; "
                          f"name the family")
        return canonical, problem
    return value, ""


# --- intermediate values the transformer passes up ----------------------------------------------

@dataclass(frozen=True)
class _Broken:
    """A duty's `broken by FACT {values}`, passed up to the duty it ends."""
    fact: str
    values: tuple[str, ...]


# A Hub organisation as `licensor_hub` names it: lower case, as publisher ids are compared.
_HUB_ORG = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True)
class _Named:
    """A condition word that is neither an act nor a flag: a `define`d name, resolved (or
    rejected) once the license's defines are known."""
    token: Token


@dataclass(frozen=True)
class _Set:
    tokens: tuple[Token, ...]
    meta: object


@dataclass(frozen=True)
class _Item:
    """A license-level item other than a clause, example or source: kind, first token, value."""
    kind: str
    token: Token
    value: object
    meta: object = None


_BROKEN = object()   # a part of the tree that had an error (only while collecting errors)


@v_args(meta=True)
class _Build(Transformer):
    """The parse tree to typed objects, checking every word on the way (one method per rule)."""

    def __init__(self, filename: str, errors: list | None = None):
        super().__init__(visit_tokens=False)
        self.filename = filename
        self.errors = errors    # collect errors here instead of stopping at the first
        self._dropped: set = set()   # kinds of parts of the license being read that had errors
        self._dropped_defines: set = set()   # names of its defines that had errors
        self._refs: list = []   # license ids named by the statements of the clause being read

    def refs(self, statement: str, tokens) -> tuple[str, ...]:
        """License ids a statement names, lower-cased, kept with their places for the check
        against the knowledge base (`License.license_refs`)."""
        ids = tuple(dict.fromkeys(str(t).lower() for t in tokens))
        self._refs.extend((str(t).lower(), statement, self.pos(t)) for t in tokens)
        return ids

    # Rules that hold independent parts: a broken part is left out of them, and the rest is read.
    _CONTAINERS = ("start", "license", "clause")

    def _call_userfunc(self, tree, new_children=None):
        """In collecting mode, an error is recorded and its subtree becomes `_BROKEN`; a rule with a
        broken child is broken too (its own checks would only repeat the error), except for the
        containers, which drop broken parts. A container with a broken part does not report the
        errors of its own checks (a missing clause an example cites may be the broken one)."""
        if self.errors is None:
            return super()._call_userfunc(tree, new_children)
        children = new_children if new_children is not None else tree.children
        broken = any(c is _BROKEN for c in children)
        if broken and tree.data not in self._CONTAINERS:
            return _BROKEN
        if broken:
            if tree.data == "license":   # which kinds of parts were left out (see `license`)
                parts = [part for part, child in zip(tree.children, children)
                         if child is _BROKEN and isinstance(part, Tree)]
                self._dropped = {part.data for part in parts}
                self._dropped_defines = {str(part.children[0]) for part in parts if part.data == "define"}
            children = [c for c in children if c is not _BROKEN]
        try:
            return super()._call_userfunc(tree, children)
        except lark.exceptions.VisitError as exc:
            if not isinstance(exc.orig_exc, LicenseFileError):
                raise
            if not broken:
                self.errors.append(exc.orig_exc)
            if tree.data == "clause":
                self._refs = []
            return _BROKEN

    # --- helpers ------------------------------------------------------------------------------

    def pos(self, item) -> Position:
        if isinstance(item, Token):
            return Position(self.filename, item.line or 1, item.column or 1)
        return Position(self.filename, getattr(item, "line", 1) or 1, getattr(item, "column", 1) or 1)

    def fail(self, item, message: str, code: str, help: str | None = None):
        raise error(message, str(item if isinstance(item, Position) else self.pos(item)), code, help)

    def string(self, token: Token) -> str:
        try:
            value = json.loads(token)
        except json.JSONDecodeError:
            self.fail(token, "invalid escape in string (use \\\" \\\\ \\n \\t or \\uXXXX)", "DSL002")
        # A NUL would cut the string short inside clingo, and other control characters would
        # reach terminals: license strings are printable text (with line breaks and tabs).
        bad = next((c for c in value if unicodedata.category(c) == "Cc" and c not in "\n\t\r"), None)
        if bad is not None:
            self.fail(token, f"control character U+{ord(bad):04X} in a string", "DSL002")
        # A lone surrogate (`\ud800`, half of a UTF-16 pair) is no character: `show`, `licenses` and
        # every answer quoting the string ended in a traceback (review 31).
        bad = next((c for c in value if unicodedata.category(c) == "Cs"), None)
        if bad is not None:
            self.fail(token, f"lone surrogate U+{ord(bad):04X} in a string (half of a UTF-16 pair: write the "
                             "character itself)", "DSL002")
        return value

    def scalar(self, token: Token):
        """A value as written: string, word, number (Decimal) or date (int YYYYMMDD)."""
        if token.type == "STRING":
            return self.string(token)
        if token.type == "NUMBER":
            try:
                return Decimal(parse_count(str(token)))
            except ValueError as exc:
                self.fail(token, str(exc), "DSL301")
        if token.type == "DATE":
            try:
                return parse_date(str(token))
            except ValueError as exc:
                self.fail(token, str(exc), "DSL301")
        return str(token)

    def acts(self, tokens) -> tuple[str, ...]:
        out: list[str] = []
        for token in tokens:
            word = str(token)
            if word in ACT_GROUPS:
                out += [a for a in ACT_GROUPS[word] if a not in out]
            elif word in ACTS:
                if word not in out:
                    out.append(word)
            else:
                self.fail(token, f"unknown act `{word}`{suggest(word, list(ACTS) + list(ACT_GROUPS))}", "DSL101")
        return tuple(out)

    def relations(self, tokens) -> tuple[str, ...]:
        words = [str(t) for t in tokens]
        if words == ["none"]:
            return ()
        for token in tokens:
            if str(token) not in RELATIONS:
                self.fail(token, f"unknown relation `{token}`{suggest(str(token), RELATIONS)}", "DSL102")
        return tuple(dict.fromkeys(words))

    def set_value(self, fact: str, token: Token, in_example: bool = False) -> str:
        """One value of a set fact, checked against its closed vocabulary."""
        value, problem = normalise_value(fact, str(self.scalar(token)), in_example)
        if value is None:
            self.fail(token, problem + "; add new words to reasoner/vocabulary.py", "DSL107")
        return value

    def set_values(self, fact: str, values: _Set) -> tuple[str, ...]:
        return tuple(self.set_value(fact, t) for t in values.tokens)

    @staticmethod
    def split(children):
        """A rule's children as its words, its condition and its exceptions."""
        words, condition, exceptions = [], None, []
        for child in children:
            if child is None:
                continue
            if isinstance(child, (Token, _Set, list)):
                words.append(child)
            elif isinstance(child, Exception_):
                exceptions.append(child)
            else:
                condition = child
        return words, condition or Always(), tuple(exceptions)

    # --- file and license ---------------------------------------------------------------------

    def start(self, meta, licenses):
        return list(licenses)

    def setting(self, meta, children):
        key_token, value_token = children
        return _Item("setting", key_token, value_token)

    def source(self, meta, children):
        file_token, copy_token = children
        file = self.string(file_token)
        if not file.strip() or "/" in file or "\\" in file or file.startswith("."):
            self.fail(file_token, "`source` names a file of the license-texts folder, without a folder",
                      "DSL301")
        copy = str(copy_token)
        if copy not in SOURCE_COPIES:
            self.fail(copy_token, f"unknown copy `{copy}`{suggest(copy, SOURCE_COPIES)}", "DSL107",
                      "`from licensor` (the licensor's own copy) or `from third-party` (anyone else's)")
        return Source(file, copy, self.pos(file_token))

    def based_on(self, meta, children):
        id_token, *rest = [c for c in children if c is not None]
        cited = next((c for c in rest if isinstance(c, tuple)), None)
        numbers = tuple(self.string(t) for t in rest if isinstance(t, Token))
        return BasedOn(str(id_token).lower(), tuple(dict.fromkeys(numbers)), cited[0] if cited else None,
                       self.pos(id_token))

    def cited(self, meta, children):
        prefix = self.string(children[0])
        if not prefix.strip():
            self.fail(children[0], "`cited as` is empty", "DSL401")
        return (prefix,)

    def follows(self, meta, children):
        return _Item("follows", children[0], self.relations(children), meta)

    def define(self, meta, children):
        name_token, cond = children
        return _Item("define", name_token, cond)

    def license(self, meta, children):
        id_token, *items = children
        # While collecting errors, each define, setting and clause is checked on its own; the
        # checks across clauses run unless a clause was left out (they would only repeat that).
        dropped, self._dropped = self._dropped, set()
        dropped_defines, self._dropped_defines = self._dropped_defines, set()
        failed = False

        def attempt(check, *args):
            nonlocal failed
            if self.errors is None:
                return check(*args)
            try:
                return check(*args)
            except LicenseFileError as exc:
                self.errors.append(exc)
                failed = True
                return _BROKEN

        # A define left out for an error stands for "always": its uses are not errors of their own.
        defines: dict[str, Condition] = {name: Always() for name in dropped_defines}

        def define(item):
            name = str(item.token)
            if name in defines:
                self.fail(item.token, f"`{name}` is defined twice", "DSL201")
            if name in ACTS or name in FLAG_FACTS:
                self.fail(item.token, f"`{name}` is already a word of the language; pick another name", "DSL401")
            defines[name] = self.resolve(item.value, defines)

        for item in items:
            if isinstance(item, _Item) and item.kind == "define":
                if attempt(define, item) is _BROKEN:
                    defines.setdefault(str(item.token), Always())   # its uses are not errors of their own
        settings: dict[str, object] = {}
        follows: tuple[str, ...] | None = None
        sources: list[Source] = []
        based_on: BasedOn | None = None
        clauses: list[Clause] = []
        examples: list[Example] = []
        at: list[tuple[str, Token, str]] = []   # `url` and each `also_at`, in the file's order

        def read(item):
            nonlocal based_on, follows
            if isinstance(item, BasedOn):
                if based_on is not None:
                    self.fail(item.position, "`based on` is given twice", "DSL201")
                if item.license == str(id_token).lower():
                    self.fail(item.position, "a license cannot be based on itself", "DSL401")
                based_on = item
            elif isinstance(item, Source):
                if any(s.file == item.file for s in sources):
                    self.fail(item.position, f"source \"{item.file}\" is given twice", "DSL201")
                sources.append(item)
            elif isinstance(item, Clause):
                if any(c.number == item.number for c in clauses):
                    self.fail(item.position, f"clause \"{item.number}\" appears twice", "DSL201")
                resolved = attempt(self.resolve_clause, item, defines)
                clauses.append(item if resolved is _BROKEN else resolved)
            elif isinstance(item, Example):
                examples.append(item)
            elif item.kind == "setting":
                key = str(item.token)
                if key not in SETTINGS:
                    self.fail(item.token, f"unknown setting `{key}`{suggest(key, SETTINGS)}", "DSL106")
                if key in REPEATED_SETTINGS:
                    value = self.setting_value(key, item.value)
                    settings[key] = settings.get(key, ()) + (value,)
                    at.append((key, item.value, value))
                    return
                if key in settings:
                    self.fail(item.token, f"`{key}` is set twice", "DSL201")
                settings[key] = self.setting_value(key, item.value)
                if key == "url":
                    at.append((key, item.value, settings[key]))
            elif item.kind == "follows":
                if follows is not None:
                    self.fail(item.meta, "`terms follow` is given twice", "DSL201")
                follows = item.value

        for item in items:
            attempt(read, item)
        attempt(self.check_addresses, at)
        if "clause" in dropped or "example" in dropped:
            return _BROKEN   # its errors are reported; what the clauses say together cannot be checked
        if based_on is None:   # otherwise once the incorporated clauses are known (`incorporate`)
            clauses = attempt(cross_clause_exceptions, clauses, str(id_token))
            if clauses is _BROKEN:
                return _BROKEN
        lic = License(
            id=str(id_token), position=self.pos(id_token), follows=follows or (), sources=tuple(sources),
            based_on=based_on, clauses=tuple(clauses), examples=tuple(examples), **settings,
        )
        if based_on is None:
            attempt(check_citations, lic)
        if not lic.name and "setting" not in dropped:   # a dropped setting may be the name
            attempt(self.fail, id_token, f"license `{lic.id}` has no `name`", "DSL401",
                    "give the license's title as the text states it: name \"…\"")
        return _BROKEN if failed or dropped else lic

    def check_addresses(self, at: list) -> None:
        """An address stated twice (`url` and an `also_at`, or two `also_at`s), however spelt
        (addresses.address_key): the second says nothing the first does not, and is likely a
        slip for another address."""
        seen: dict[str, str] = {}
        for key, token, address in at:
            spelt = address_key(address)
            if spelt in seen:
                self.fail(token, f"`{key}` \"{address}\" is the address {seen[spelt]} states", "DSL201",
                          "give each address the text is published at once (spellings that differ only "
                          "in scheme, case, `www.`, a query or a trailing slash are one address)")
            seen[spelt] = f"`{key}` \"{address}\""

    def setting_value(self, key: str, token: Token):
        value = self.scalar(token)
        if key == "also_at":
            # Matched against a card's `license_link`, which names a text by a web address.
            if token.type != "STRING" or not is_absolute(str(value)) or any(c.isspace() for c in str(value)):
                self.fail(token, "`also_at` takes a web address in double quotes, like "
                                 "\"https://github.com/meta-llama/llama3/blob/main/LICENSE\"", "DSL301")
            return value
        if key == "osi":
            if value not in ("yes", "no"):
                self.fail(token, "`osi` takes yes or no", "DSL301")
            return value == "yes"
        if key == "kind":
            if value not in LICENSE_KINDS:
                self.fail(token, f"unknown kind `{value}`{suggest(str(value), LICENSE_KINDS)}", "DSL107")
            return value
        if key == "family":
            if token.type != "NAME":
                self.fail(token, "`family` takes a word, like llama", "DSL301")
            return self.set_value("family", token)
        if key == "licensor_hub":
            # One Hub organisation (a word), or several in a string: "meta-llama, facebook".
            organisations = tuple(o.strip() for o in str(value).split(",")) if token.type == "STRING" else (str(value),)
            if token.type not in ("NAME", "STRING") or not all(_HUB_ORG.fullmatch(o) for o in organisations):
                self.fail(token, "`licensor_hub` takes the licensor's Hub organisations in lower case, like "
                                 "deepseek-ai or \"meta-llama, facebook\"", "DSL301")
            return organisations
        if key == "licensor_id":
            if token.type != "NAME" or not str(value).islower() or ":" in str(value):
                self.fail(token, "`licensor_id` takes a lower-case word, like meta", "DSL301")
            return value
        if token.type != "STRING":
            self.fail(token, f"`{key}` takes a string in double quotes", "DSL301")
        return value

    # --- defines: conditions are resolved once the license's names are known ----------------------

    def resolve(self, cond, defines: dict[str, Condition]):
        if isinstance(cond, _Named):
            word = str(cond.token)
            if word in defines:
                return defines[word]
            options = list(ACTS) + list(FLAG_FACTS) + list(defines)
            self.fail(cond.token, f"unknown fact `{word}`{suggest(word, options)}", "DSL103")
        if isinstance(cond, Not):
            return Not(self.resolve(cond.operand, defines))
        if isinstance(cond, (All, Any_)):
            return type(cond)(tuple(self.resolve(c, defines) for c in cond.operands))
        return cond

    def resolve_clause(self, clause: Clause, defines) -> Clause:
        rules = tuple(
            replace(rule, condition=self.resolve(rule.condition, defines),
                    exceptions=tuple(replace(e, condition=self.resolve(e.condition, defines))
                                     for e in rule.exceptions))
            for rule in clause.rules)
        excepts_when = tuple((n, self.resolve(c, defines), p) for n, c, p in clause.excepts_when)
        return replace(clause, rules=rules, excepts_when=excepts_when)

    # --- clauses ------------------------------------------------------------------------------

    def clause(self, meta, children):
        number_token, title_token, *statements = children
        number, title = self.string(number_token), self.string(title_token)
        if not number.strip():
            self.fail(number_token, "clause number is empty", "DSL401")
        rules: list[Rule] = []
        extra: dict[str, object] = {"follows": (), "notes": (), "quotes": (), "excepts_for": (), "excepts_when": ()}
        for statement in statements:
            if isinstance(statement, Rule):
                rules.append(statement)
            elif isinstance(statement, Quote):
                extra["quotes"] = extra["quotes"] + (statement,)
            else:
                key, value = statement
                if key == "relicense":
                    extra["relicense"], extra["relicense_to"] = value
                elif key == "rider":
                    if extra.get("rider") is not None:
                        self.fail(value[2], "a clause has one rider", "DSL201")
                    extra["rider"] = value
                elif key in ("notes", "excepts_for", "excepts_when"):
                    extra[key] = extra[key] + (value,)
                else:
                    extra[key] = value
        refs, self._refs = tuple(self._refs), []
        return Clause(number=number, title=title, position=self.pos(meta), rules=tuple(rules), license_refs=refs,
                      **extra)

    def relicense(self, meta, children):
        mode_token, *targets = [c for c in children if c is not None]
        mode = str(mode_token)
        if mode not in RELICENSE_MODES:
            self.fail(mode_token, f"unknown relicense mode `{mode}`{suggest(mode, RELICENSE_MODES)}", "DSL107")
        if targets and mode == "allowed":
            self.fail(targets[0], "`relicense allowed` already allows any license; `to` lists the "
                                  "only licenses a `forbidden` or `copyleft` license accepts", "DSL401")
        return ("relicense", (mode, self.refs("relicense … to", targets)))

    def no_further_restrictions(self, meta, children):
        return ("no_further_restrictions", True)

    def restricts_use(self, meta, children):
        return ("restricts_use", True)

    def ambiguous(self, meta, children):
        return ("ambiguous", self.string(children[0]))

    def clause_follows(self, meta, children):
        return ("follows", self.relations(children))

    def note(self, meta, children):
        return ("notes", self.string(children[0]))

    def quote(self, meta, children):
        text = self.string(children[0])
        if len(text.split()) < 2:
            self.fail(children[0], "a quote needs at least two words of the text", "DSL401",
                      "quote a short passage that identifies the sentence the clause encodes")
        if len(text) > 400:
            self.fail(children[0], "a quote is at most 400 characters: cite, do not copy the text", "DSL401")
        return Quote(text, self.pos(children[0]))

    def except_for(self, meta, children):
        number_token, *ids = children
        return ("excepts_for", (self.string(number_token), self.refs("excepts … for", ids), self.pos(number_token)))

    def rider(self, meta, children):
        number_token, *targets = [c for c in children if c is not None]
        return ("rider", (self.string(number_token), self.refs("relicense with rider … to", targets),
                          self.pos(number_token)))

    def adds_further(self, meta, children):
        return ("adds_further", self.further_terms(children))

    def accepts_further(self, meta, children):
        return ("accepts_further", self.further_terms(children))

    def further_terms(self, tokens) -> tuple[str, ...]:
        for token in tokens:
            if str(token) not in FURTHER_TERMS:
                self.fail(token, f"unknown further term `{token}`{suggest(str(token), FURTHER_TERMS)}; "
                                 f"further terms: {', '.join(FURTHER_TERMS)}", "DSL107")
        return tuple(dict.fromkeys(str(t) for t in tokens))

    def later_versions(self, meta, children):
        return ("later_versions", self.refs("later versions", children))

    def except_when(self, meta, children):
        number_token, cond = children
        return ("excepts_when", (self.string(number_token), cond, self.pos(number_token)))

    def exception(self, meta, children):
        label_token, cond = children
        label = self.string(label_token) if label_token is not None else None
        if label is not None and not label.strip():
            self.fail(label_token, "an exception label is empty: name the exception or drop the label", "DSL401")
        return Exception_(label, cond, self.pos(meta))

    def grant(self, meta, children):
        words, cond, _ = self.split(children)
        return Rule("grant", self.acts(words), cond, self.pos(meta))

    def forbid(self, meta, children):
        words, cond, exceptions = self.split(children)
        return Rule("forbid", self.acts(words), cond, self.pos(meta), exceptions=exceptions)

    def separate(self, meta, children):
        words, cond, exceptions = self.split(children)
        acts = self.acts(words) if words else ACTS
        return Rule("separate", acts, cond, self.pos(meta), exceptions=exceptions)

    def broken(self, meta, children):
        fact_token, values = children
        fact = self.set_fact(fact_token, "`broken by`", f", not `{fact_token}`")
        return _Broken(fact, self.set_values(fact, values))

    def set_fact(self, fact_token, construct: str, hint: str) -> str:
        """The set fact a construct (`in`, `broken by`) names; anything else is DSL301."""
        fact = str(fact_token)
        if fact not in SET_FACTS:
            self.fail(fact_token, f"{construct} takes a set fact ({', '.join(SET_FACTS)}){hint}", "DSL301")
        return fact

    @staticmethod
    def _broken_by(rule: Rule, children) -> Rule:
        """The rule with the `broken by` part of its children, if any."""
        broken = next((c for c in children if isinstance(c, _Broken)), None)
        return replace(rule, broken_fact=broken.fact, broken_values=broken.values) if broken else rule

    def duty(self, meta, children):
        rule = self._duty(meta, [c for c in children if not isinstance(c, _Broken)])
        return self._broken_by(rule, children)

    def _duty(self, meta, children):
        words, cond, _ = self.split(children)
        name_token, *rest = words
        duty = str(name_token)
        if duty == "report":
            self.fail(name_token, "`must report` is DSL 1: say whether the text states a duty, a "
                                  "prohibition or an explanation", "DSL402")
        if duty not in DUTIES or duty == "refrain":
            self.fail(name_token, f"unknown duty `{duty}`{suggest(duty, [d for d in DUTIES if d not in ('report', 'refrain')])}",
                      "DSL104")
        positional, _ = DUTIES[duty]
        params: dict[str, str] = {}
        for params_list in rest:
            for p in params_list:
                if isinstance(p, Token):
                    if positional is None:
                        self.fail(p, f"duty `{duty}` takes no text", "DSL301")
                    if positional in params:
                        self.fail(p, f"duty `{duty}` takes one text", "DSL301")
                    params[positional] = self.string(p)
                else:
                    key_token, value_token = p
                    params[str(key_token)] = self.string(value_token)
        if positional and positional not in params:
            self.fail(name_token, f"duty `{duty}` needs its {positional} in double quotes", "DSL401")
        return Rule("duty", (), cond, self.pos(meta), duty=duty, params=tuple(sorted(params.items())))

    def duty_text(self, meta, children):
        return self._broken_by(self._worded("report", children[0], self._when_of(children), meta), children)

    def prohibition(self, meta, children):
        return self._broken_by(self._worded("refrain", children[0], self._when_of(children), meta), children)

    @staticmethod
    def _when_of(children):
        return next((c for c in children[1:] if c is not None and not isinstance(c, _Broken)), None)

    def _worded(self, duty: str, text_token: Token, cond, meta) -> Rule:
        text = self.string(text_token)
        if not text.strip():
            self.fail(text_token, "the duty's words are empty", "DSL401")
        return Rule("duty", (), cond or Always(), self.pos(meta), duty=duty, params=(("text", text),))

    def inform(self, meta, children):
        text_token, *rest = children
        cond = next(iter(rest), None)
        text = self.string(text_token)
        if not text.strip():
            self.fail(text_token, "`inform` has no words", "DSL401")
        return Rule("inform", (), cond or Always(), self.pos(meta), message=text)

    def params(self, meta, children):
        return list(children)

    def param(self, meta, children):
        return tuple(children)

    def restrict(self, meta, children):
        words, cond, _ = self.split(children)
        fact_token, values = words
        fact = str(fact_token)
        if fact not in SET_FACTS:
            self.fail(fact_token, f"`restrict` takes a set fact ({', '.join(SET_FACTS)}), not `{fact}`", "DSL301")
        return Rule("restrict", (), cond, self.pos(meta), restricted_fact=fact,
                    restricted_values=self.set_values(fact, values))

    def risk(self, meta, children):
        words, cond, _ = self.split(children)
        name_token = words[0]
        risk = str(name_token)
        if risk not in RISKS:
            self.fail(name_token, f"unknown risk `{risk}`{suggest(risk, RISKS)}", "DSL105")
        message = self.string(words[1]) if len(words) > 1 else None
        return Rule("risk", (), cond, self.pos(meta), risk=risk, message=message)

    def set(self, meta, children):
        return _Set(tuple(t for t in children if t is not None), meta)

    # --- conditions ---------------------------------------------------------------------------

    def or_cond(self, meta, children):
        return Any_(tuple(children))

    def and_cond(self, meta, children):
        return All(tuple(children))

    def negation(self, meta, children):
        return Not(children[0])

    def flag(self, meta, children):
        token = children[0]
        word = str(token)
        if word in ACTS:
            return Act(word)
        if word in ACT_GROUPS:
            return Any_(tuple(Act(a) for a in ACT_GROUPS[word]))
        if word in FLAG_FACTS:
            return Flag(word)
        return _Named(token)

    def compare(self, meta, children):
        fact_token, op_token, value_token = children
        fact, op = str(fact_token), str(op_token)
        value = self.scalar(value_token)
        if fact in NUMBER_FACTS:
            if fact == "date" and value_token.type != "DATE":
                self.fail(value_token, "`date` compares with a date like 2024-04-18", "DSL301")
            if fact != "date" and value_token.type != "NUMBER":
                self.fail(value_token, f"`{fact}` compares with a number, like 700M", "DSL301")
            return Compare(fact, op, Decimal(value))
        if fact in SET_FACTS or fact in STRING_FACTS:
            if op not in ("=", "!="):
                self.fail(op_token, f"`{fact}` is not a number: use = or != or `in`", "DSL301")
            test = Member(fact, (self.set_value(fact, value_token) if fact in SET_FACTS else str(value),))
            return test if op == "=" else Not(test)
        self.fail(fact_token, f"unknown fact `{fact}`{suggest(fact, list(NUMBER_FACTS) + list(SET_FACTS))}", "DSL103")

    def member(self, meta, children):
        fact_token, values = children
        fact = self.set_fact(fact_token, "`in`", suggest(str(fact_token), SET_FACTS))
        return Member(fact, self.set_values(fact, values))

    def starts_with(self, meta, children):
        fact_token, prefix_token = children
        fact = str(fact_token)
        if fact not in STRING_FACTS:
            self.fail(fact_token, f"`starts with` takes {' or '.join(STRING_FACTS)}{suggest(fact, STRING_FACTS)}",
                      "DSL301")
        return StartsWith(fact, self.string(prefix_token))

    def stated(self, meta, children):
        fact_token = children[0]
        fact = str(fact_token)
        if fact not in STATED_FACTS:
            self.fail(fact_token, f"`stated` takes a fact of the use ({', '.join(STATED_FACTS)})"
                      f"{suggest(fact, STATED_FACTS)}", "DSL301")
        return Stated(fact)

    # --- examples -----------------------------------------------------------------------------

    def example_fact(self, meta, children):
        return tuple(children)

    def expect(self, meta, children):
        status_token, *by_tokens = children
        status = str(status_token)
        if status not in STATUSES:
            self.fail(status_token, f"unknown status `{status}`{suggest(status, STATUSES)}", "DSL108")
        return status, tuple(self.string(t) for t in by_tokens if t is not None)

    def example(self, meta, children):
        description_token, *facts, (status, by) = children
        items = [self.example_item(word_token, value) for word_token, value in facts]
        if not any(word in ACTS for word, _ in items):
            self.fail(meta, "example names no act (use, host, distribute, finetune, distill, …)", "DSL401")
        # One fact stated twice (`generated_outputs received_outputs`, `commercial noncommercial`,
        # `mau = 1M mau = 2B`): the example's request kept the last word, silently.
        said: dict = {}
        for (word, _), (word_token, _) in zip(items, facts):
            fact = EXAMPLE_FACT_OF.get(word, word)
            if fact in said:
                self.fail(word_token, f"`{word}` states again what `{said[fact]}` states", "DSL401",
                          "give each fact once")
            said[fact] = word
        return Example(self.string(description_token), tuple(items), status, by, self.pos(meta))

    def example_item(self, word_token: Token, value) -> tuple[str, object]:
        word = str(word_token)
        if word in USE_ACTS or word in CREATION_ACTS:
            if value is not None:
                self.fail(word_token, f"act `{word}` takes no value", "DSL301")
            return word, True
        if word not in EXAMPLE_WORDS:
            self.fail(word_token, f"unknown example fact `{word}`"
                      f"{suggest(word, list(EXAMPLE_WORDS) + list(ACTS))}", "DSL103",
                      "examples state acts and " + ", ".join(EXAMPLE_WORDS))
        shape = EXAMPLE_WORDS[word]
        if shape == "flag":
            if value is not None:
                self.fail(word_token, f"`{word}` takes no value", "DSL301")
            return word, True
        if value is None:
            self.fail(word_token, f"`{word}` needs a value: {word} = …", "DSL401")
        if isinstance(value, _Set):
            if shape != "set":
                self.fail(value.meta, f"`{word}` takes one value, not a set", "DSL301")
            if word in SET_FACTS:
                return word, tuple(self.set_value(word, t, True) for t in value.tokens)
            return word, tuple(str(self.scalar(t)) for t in value.tokens)
        parsed = self.scalar(value)
        if shape == "number" and value.type != "NUMBER":
            self.fail(value, f"`{word}` takes a number, like 700M", "DSL301")
        if shape == "date" and value.type != "DATE":
            self.fail(value, f"`{word}` takes a date like 2025-01-31", "DSL301")
        if shape == "string" and value.type != "STRING":
            self.fail(value, f"`{word}` takes a string in double quotes", "DSL301")
        if shape == "set":
            parsed = (self.set_value(word, value, True) if word in SET_FACTS else str(parsed),)
        if word == "into":
            parsed = self.set_value("target.family", value, True)
        return word, parsed
