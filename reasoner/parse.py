"""Parse license DSL files into typed `License` objects, with errors at file:line:col.

>>> [lic.id for lic in parse_text('license demo { name "Demo" clause "1" "Grant" { grant use } }')]
['demo']
"""

from __future__ import annotations

import functools
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import lark
from lark import Token, Tree

from . import resources
from .errors import LicenseFileError
from . import schema
from .files import read_regular_file
from .licenses import (
    Act, All, Always, Any_, Clause, Compare, Condition, Example, Exception_, Flag, License, Member,
    Not, Position, Rule, StartsWith,
)
from .numbers import parse_count, parse_date
from .vocabulary import (
    ACT_GROUPS, ACTS, DUTIES, FLAG_FACTS, LICENSE_KINDS, NUMBER_FACTS, RELATIONS, RELICENSE_MODES,
    OTHER_FAMILY, RISKS, SET_FACTS, SETTINGS, STATUSES, STRING_FACTS, USE_ACTS, CREATION_ACTS, suggest,
    territory_problem, word_problem,
)

# Words an example may use besides acts: what they set in the example's use (from schema.py).
EXAMPLE_WORDS = schema.example_words()


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    grammar = resources.grammar_path().read_text(encoding="utf-8")
    # Building the LALR tables takes ~0.3 s; lark caches them (keyed by the grammar's hash) in
    # the temporary directory, so later processes start fast.
    return lark.Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True, cache=True)


def parse_file(path: str | Path) -> list[License]:
    """Parse one license file. Raises LicenseFileError with file:line:col."""
    path = Path(path)
    raw = read_regular_file(path, "license file", LicenseFileError)   # bounded; no FIFOs or devices
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LicenseFileError(f"not UTF-8 text (byte {exc.start})", location=str(path)) from None
    return parse_text(text, str(path))


def parse_text(text: str, filename: str = "<string>") -> list[License]:
    """Parse license DSL text; `filename` is used in error locations."""
    if "\x00" in text:
        raise LicenseFileError("binary data (NUL byte) in a license file", location=f"{filename}:1:1")
    try:
        tree = _parser().parse(text)
    except lark.UnexpectedInput as exc:
        raise _syntax_error(exc, text, filename) from None
    builder = _Builder(filename)
    return [builder.license(node) for node in tree.children]


def _syntax_error(exc: lark.UnexpectedInput, text: str, filename: str) -> LicenseFileError:
    line, column = getattr(exc, "line", 1), getattr(exc, "column", 1)
    if line is None or line < 1:  # end of input
        line = text.count("\n") + 1
        column = len(text) - text.rfind("\n")
    location = f"{filename}:{line}:{column}"
    if isinstance(exc, lark.UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        if char == '"':
            return LicenseFileError("unterminated string", location)
        return LicenseFileError(f"unexpected character `{char}`", location)
    if isinstance(exc, lark.UnexpectedEOF):
        return LicenseFileError("unexpected end of file (a `}` may be missing)", location)
    token = getattr(exc, "token", None)
    expected = sorted(_describe_terminal(t) for t in getattr(exc, "expected", ()) or ())
    got = f"`{token}`" if token else "end of file"
    hint = f", expected {', '.join(expected[:6])}" if expected else ""
    return LicenseFileError(f"unexpected {got}{hint}", location)


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
    if fact == "territory":
        return territory_problem(value)
    if fact in SET_VOCABULARY:
        canonical, problem = word_problem(SET_VOCABULARY[fact], value)
        if canonical == OTHER_FAMILY and not in_example:
            return None, (f"`{OTHER_FAMILY}` stands for a family no license names and never equals one; "
                          f"name the family")
        return canonical, problem
    return value, ""


class _Builder:
    """Turns a parse tree into typed objects and validates every word on the way."""

    def __init__(self, filename: str):
        self.filename = filename
        self.defines: dict[str, Condition] = {}

    # --- helpers ------------------------------------------------------------------------------

    def pos(self, item) -> Position:
        if isinstance(item, Token):
            return Position(self.filename, item.line or 1, item.column or 1)
        meta = item.meta
        return Position(self.filename, getattr(meta, "line", 1), getattr(meta, "column", 1))

    def fail(self, item, message: str):
        raise LicenseFileError(message, location=str(self.pos(item)))

    def string(self, token: Token) -> str:
        try:
            value = json.loads(token)
        except json.JSONDecodeError:
            self.fail(token, "invalid escape in string (use \\\" \\\\ \\n \\t or \\uXXXX)")
        # A NUL would cut the string short inside clingo, and other control characters would
        # reach terminals: license strings are printable text (with line breaks and tabs).
        bad = next((c for c in value if unicodedata.category(c) == "Cc" and c not in "\n\t\r"), None)
        if bad is not None:
            self.fail(token, f"control character U+{ord(bad):04X} in a string")
        return value

    def scalar(self, token: Token):
        """A value as written: string, word, number (Decimal) or date (int YYYYMMDD)."""
        if token.type == "STRING":
            return self.string(token)
        if token.type == "NUMBER":
            try:
                return Decimal(parse_count(str(token)))
            except ValueError as exc:
                self.fail(token, str(exc))
        if token.type == "DATE":
            try:
                return parse_date(str(token))
            except ValueError as exc:
                self.fail(token, str(exc))
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
                self.fail(token, f"unknown act `{word}`{suggest(word, list(ACTS) + list(ACT_GROUPS))}")
        return tuple(out)

    # --- license ------------------------------------------------------------------------------

    def license(self, node: Tree) -> License:
        id_token, *items = node.children
        self.defines = {}
        settings: dict[str, object] = {}
        follows: tuple[str, ...] = ()
        for item in items:
            if item.data == "define":
                name_token, cond = item.children
                name = str(name_token)
                if name in self.defines:
                    self.fail(name_token, f"`{name}` is defined twice")
                if name in ACTS or name in FLAG_FACTS:
                    self.fail(name_token, f"`{name}` is already a word of the language; pick another name")
                self.defines[name] = self.condition(cond)
        clauses: list[Clause] = []
        examples: list[Example] = []
        for item in items:
            if item.data == "setting":
                key_token, value_token = item.children
                key = str(key_token)
                if key not in SETTINGS:
                    self.fail(key_token, f"unknown setting `{key}`{suggest(key, SETTINGS)}")
                if key in settings:
                    self.fail(key_token, f"`{key}` is set twice")
                settings[key] = self.setting(key, value_token)
            elif item.data == "follows":
                if follows:
                    self.fail(item, "`terms follow` is given twice")
                follows = self.relations(item.children)
            elif item.data == "clause":
                clause = self.clause(item)
                if any(c.number == clause.number for c in clauses):
                    self.fail(item, f"clause \"{clause.number}\" appears twice")
                clauses.append(clause)
            elif item.data == "example":
                examples.append(self.example(item))
        lic = License(
            id=str(id_token), position=self.pos(id_token), follows=follows,
            clauses=tuple(clauses), examples=tuple(examples), **settings,
        )
        for example in lic.examples:
            for number in example.by:
                if lic.clause(number) is None:
                    self.fail_at(example.position, f"example cites clause \"{number}\", which "
                                 f"`{lic.id}` does not have{suggest(number, [c.number for c in clauses])}")
        if not lic.name:
            self.fail(id_token, f"license `{lic.id}` has no `name`")
        return lic

    def fail_at(self, position: Position, message: str):
        raise LicenseFileError(message, location=str(position))

    def setting(self, key: str, token: Token):
        value = self.scalar(token)
        if key == "osi":
            if value not in ("yes", "no"):
                self.fail(token, "`osi` takes yes or no")
            return value == "yes"
        if key == "kind":
            if value not in LICENSE_KINDS:
                self.fail(token, f"unknown kind `{value}`{suggest(str(value), LICENSE_KINDS)}")
            return value
        if key == "family":
            if token.type != "NAME":
                self.fail(token, "`family` takes a word, like llama")
            return self.set_value("family", token)
        if key == "licensor_id":
            if token.type != "NAME" or not str(value).islower() or ":" in str(value):
                self.fail(token, "`licensor_id` takes a lower-case word, like meta")
            return value
        if token.type != "STRING":
            self.fail(token, f"`{key}` takes a string in double quotes")
        return value

    def relations(self, tokens) -> tuple[str, ...]:
        words = [str(t) for t in tokens]
        if words == ["none"]:
            return ()
        for token in tokens:
            if str(token) not in RELATIONS:
                self.fail(token, f"unknown relation `{token}`{suggest(str(token), RELATIONS)}")
        return tuple(dict.fromkeys(words))

    # --- clauses ------------------------------------------------------------------------------

    def clause(self, node: Tree) -> Clause:
        number_token, title_token, *statements = node.children
        number, title = self.string(number_token), self.string(title_token)
        if not number.strip():
            self.fail(number_token, "clause number is empty")
        rules: list[Rule] = []
        extra: dict[str, object] = {"follows": (), "notes": ()}
        for st in statements:
            kind = st.data
            if kind in ("grant", "forbid", "separate", "duty", "restrict", "risk"):
                rules.append(getattr(self, "rule_" + kind)(st))
            elif kind == "relicense":
                mode_token, *targets = [c for c in st.children if c is not None]
                mode = str(mode_token)
                if mode not in RELICENSE_MODES:
                    self.fail(mode_token, f"unknown relicense mode `{mode}`{suggest(mode, RELICENSE_MODES)}")
                if targets and mode == "allowed":
                    self.fail(targets[0], "`relicense allowed` already allows any license; `to` lists the "
                                          "only licenses a `forbidden` or `copyleft` license accepts")
                extra["relicense"] = mode
                extra["relicense_to"] = tuple(str(t).lower() for t in targets)
            elif kind == "no_further_restrictions":
                extra["no_further_restrictions"] = True
            elif kind == "restricts_use":
                extra["restricts_use"] = True
            elif kind == "ambiguous":
                extra["ambiguous"] = self.string(st.children[0])
            elif kind == "clause_follows":
                extra["follows"] = self.relations(st.children)
            elif kind == "note":
                extra["notes"] = extra["notes"] + (self.string(st.children[0]),)
        return Clause(number=number, title=title, position=self.pos(node), rules=tuple(rules), **extra)

    def split(self, children):
        """Separate a rule's children into words, its condition and its exceptions."""
        words, condition, exceptions = [], None, []
        for child in children:
            if child is None:
                continue
            if isinstance(child, Token):
                words.append(child)
            elif child.data == "exception":
                exceptions.append(self.exception(child))
            elif child.data in ("params", "set"):
                words.append(child)
            else:
                condition = self.condition(child)
        return words, condition or Always(), tuple(exceptions)

    def exception(self, node: Tree) -> Exception_:
        label_token, cond = node.children
        label = self.string(label_token) if label_token is not None else None
        if label is not None and not label.strip():
            self.fail(label_token, "an exception label is empty: name the exception or drop the label")
        return Exception_(label, self.condition(cond), self.pos(node))

    def rule_grant(self, node):
        words, cond, _ = self.split(node.children)
        return Rule("grant", self.acts(words), cond, self.pos(node))

    def rule_forbid(self, node):
        words, cond, exceptions = self.split(node.children)
        return Rule("forbid", self.acts(words), cond, self.pos(node), exceptions=exceptions)

    def rule_separate(self, node):
        words, cond, exceptions = self.split(node.children)
        acts = self.acts(words) if words else ACTS
        return Rule("separate", acts, cond, self.pos(node), exceptions=exceptions)

    def rule_duty(self, node):
        words, cond, _ = self.split(node.children)
        name_token, *rest = words
        duty = str(name_token)
        if duty not in DUTIES:
            self.fail(name_token, f"unknown duty `{duty}`{suggest(duty, DUTIES)}")
        positional, _ = DUTIES[duty]
        params: dict[str, str] = {}
        for params_tree in rest:
            for p in params_tree.children:
                if isinstance(p, Token):
                    if positional is None:
                        self.fail(p, f"duty `{duty}` takes no text")
                    if positional in params:
                        self.fail(p, f"duty `{duty}` takes one text")
                    params[positional] = self.string(p)
                else:
                    key_token, value_token = p.children
                    params[str(key_token)] = self.string(value_token)
        if positional and positional not in params:
            self.fail(name_token, f"duty `{duty}` needs its {positional} in double quotes")
        return Rule("duty", (), cond, self.pos(node), duty=duty, params=tuple(sorted(params.items())))

    def rule_restrict(self, node):
        words, cond, _ = self.split(node.children)
        fact_token, values_tree = words
        fact = str(fact_token)
        if fact not in SET_FACTS:
            self.fail(fact_token, f"`restrict` takes a set fact ({', '.join(SET_FACTS)}), not `{fact}`")
        values = self.set_values(fact, values_tree)
        return Rule("restrict", (), cond, self.pos(node), restricted_fact=fact, restricted_values=values)

    def rule_risk(self, node):
        words, cond, _ = self.split(node.children)
        name_token = words[0]
        risk = str(name_token)
        if risk not in RISKS:
            self.fail(name_token, f"unknown risk `{risk}`{suggest(risk, RISKS)}")
        message = self.string(words[1]) if len(words) > 1 else None
        return Rule("risk", (), cond, self.pos(node), risk=risk, message=message)

    def set_values(self, fact: str, values_tree: Tree) -> tuple[str, ...]:
        tokens = [t for t in values_tree.children if t is not None]
        return tuple(self.set_value(fact, t) for t in tokens)

    def set_value(self, fact: str, token: Token, in_example: bool = False) -> str:
        """One value of a set fact, checked against its closed vocabulary."""
        value, problem = normalise_value(fact, str(self.scalar(token)), in_example)
        if value is None:
            self.fail(token, problem + "; add new words to reasoner/vocabulary.py")
        return value

    # --- conditions ---------------------------------------------------------------------------

    def condition(self, node) -> Condition:
        kind = node.data
        if kind == "or_cond":
            return Any_(tuple(self.condition(c) for c in node.children))
        if kind == "and_cond":
            return All(tuple(self.condition(c) for c in node.children))
        if kind == "negation":
            return Not(self.condition(node.children[0]))
        if kind == "flag":
            token = node.children[0]
            word = str(token)
            if word in ACTS:
                return Act(word)
            if word in ACT_GROUPS:
                return Any_(tuple(Act(a) for a in ACT_GROUPS[word]))
            if word in FLAG_FACTS:
                return Flag(word)
            if word in self.defines:
                return self.defines[word]
            options = list(ACTS) + list(FLAG_FACTS) + list(self.defines)
            self.fail(token, f"unknown fact `{word}`{suggest(word, options)}")
        if kind == "compare":
            fact_token, op_token, value_token = node.children
            fact, op = str(fact_token), str(op_token)
            value = self.scalar(value_token)
            if fact in NUMBER_FACTS:
                if fact == "date" and value_token.type != "DATE":
                    self.fail(value_token, "`date` compares with a date like 2024-04-18")
                if fact != "date" and value_token.type != "NUMBER":
                    self.fail(value_token, f"`{fact}` compares with a number, like 700M")
                return Compare(fact, op, Decimal(value))
            if fact in SET_FACTS or fact in STRING_FACTS:
                if op not in ("=", "!="):
                    self.fail(op_token, f"`{fact}` is not a number: use = or != or `in`")
                test = Member(fact, (self.set_value(fact, value_token) if fact in SET_FACTS else str(value),))
                return test if op == "=" else Not(test)
            self.fail(fact_token, f"unknown fact `{fact}`{suggest(fact, list(NUMBER_FACTS) + list(SET_FACTS))}")
        if kind == "member":
            fact_token, values_tree = node.children
            fact = str(fact_token)
            if fact not in SET_FACTS:
                self.fail(fact_token, f"`in` takes a set fact ({', '.join(SET_FACTS)}){suggest(fact, SET_FACTS)}")
            return Member(fact, self.set_values(fact, values_tree))
        if kind == "starts_with":
            fact_token, prefix_token = node.children
            fact = str(fact_token)
            if fact not in STRING_FACTS:
                self.fail(fact_token, f"`starts with` takes {' or '.join(STRING_FACTS)}{suggest(fact, STRING_FACTS)}")
            return StartsWith(fact, self.string(prefix_token))
        self.fail(node, f"unexpected condition `{kind}`")  # the grammar makes no other kind

    # --- examples -----------------------------------------------------------------------------

    def example(self, node: Tree) -> Example:
        description_token, *facts, expect = node.children
        items: list[tuple[str, object]] = []
        for fact in facts:
            word_token, value = fact.children
            word = str(word_token)
            if word in USE_ACTS or word in CREATION_ACTS:
                if value is not None:
                    self.fail(word_token, f"act `{word}` takes no value")
                items.append((word, True))
                continue
            if word not in EXAMPLE_WORDS:
                self.fail(word_token, f"unknown example fact `{word}`"
                          f"{suggest(word, list(EXAMPLE_WORDS) + list(ACTS))}")
            shape = EXAMPLE_WORDS[word]
            if shape == "flag":
                if value is not None:
                    self.fail(word_token, f"`{word}` takes no value")
                items.append((word, True))
                continue
            if value is None:
                self.fail(word_token, f"`{word}` needs a value: {word} = …")
            if isinstance(value, Tree):
                if shape != "set":
                    self.fail(value, f"`{word}` takes one value, not a set")
                tokens = [t for t in value.children if t is not None]
                if word in SET_FACTS:
                    items.append((word, tuple(self.set_value(word, t, True) for t in tokens)))
                else:
                    items.append((word, tuple(str(self.scalar(t)) for t in tokens)))
                continue
            parsed = self.scalar(value)
            if shape == "number" and value.type != "NUMBER":
                self.fail(value, f"`{word}` takes a number, like 700M")
            if shape == "date" and value.type != "DATE":
                self.fail(value, f"`{word}` takes a date like 2025-01-31")
            if shape == "string" and value.type != "STRING":
                self.fail(value, f"`{word}` takes a string in double quotes")
            if shape == "set":
                parsed = (self.set_value(word, value, True) if word in SET_FACTS else str(parsed),)
            if word == "into":
                parsed = self.set_value("target.family", value, True)
            items.append((word, parsed))
        status_token, *by_tokens = expect.children
        status = str(status_token)
        if status not in STATUSES:
            self.fail(status_token, f"unknown status `{status}`{suggest(status, STATUSES)}")
        by = tuple(self.string(t) for t in by_tokens if t is not None)
        if not any(word in ACTS for word, _ in items):
            self.fail(node, "example names no act (use, host, distribute, finetune, distill, …)")
        return Example(self.string(description_token), tuple(items), status, by, self.pos(node))
