"""Build the question's facts and run clingo over them with the rules.

The rules are parsed once per process. Each batch of questions gets a fresh clingo Control that
receives the parsed rules, the facts of the licenses the batch touches and each question's facts
as symbols (through the backend), so no string from a request or a license is ever parsed as a
program.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import _thread   # threading's own locks, without importing threading (~0.5 ms of a cold start)
from pathlib import Path
from .records import dataclass   # a standard dataclass, defined at no cost (records.py)

import clingo
from clingo import Function, Number, String, Symbol

try:   # clingo's C functions, as its own Python API calls them (Control.solve, Model.symbols)
    from clingo._internal import _ffi, _handle_error, _lib
    _YIELD, _SHOWN = _lib.clingo_solve_mode_yield, _lib.clingo_show_type_shown
    C_SOLVE = all(hasattr(_lib, name) for name in (
        "clingo_control_solve", "clingo_solve_handle_resume", "clingo_solve_handle_model",
        "clingo_model_symbols_size", "clingo_model_symbols", "clingo_solve_handle_close",
        "clingo_model_optimality_proven", "clingo_model_cost_size", "clingo_model_cost", "clingo_model_is_true"))
    C_BACKEND = all(hasattr(_lib, name) for name in ("clingo_backend_add_atom", "clingo_backend_rule"))
except (ImportError, AttributeError):   # another clingo: its public API (Control.solve, Backend.add_rule)
    C_SOLVE, C_BACKEND, _ffi = False, False, None

from . import resources, schema
from .compile import const, flag_symbol, num
from .kb import publisher_of
from .request import Artifact, Use
from .terms import Term, parse, sharing_leaves
from .vocabulary import IMPLIED_VALUES, MEMBERS_OF, implied_regions, open_territories

# Hugging Face repo names cannot hold spaces, so a space in a required prefix ("Llama 3") is
# met by a space, `-` or `_` in the name; every other character must be there as written.
_NAME_SEPARATORS = " -_"


def _same_character(in_name: str, in_prefix: str) -> bool:
    return in_name == in_prefix or (in_prefix == " " and in_name in _NAME_SEPARATORS)


def name_starts_with(name: str, prefix: str) -> bool:
    """True when `name` literally begins with `prefix` ("include 'Llama' at the beginning of the
    name"): case counts, nothing before the prefix is skipped, and nothing is required after it.

    >>> name_starts_with("Llama-3-support-bot", "Llama 3"), name_starts_with("Llama3.1-Acme", "Llama")
    (True, True)
    >>> name_starts_with("-Llama-foo", "Llama"), name_starts_with("llama-foo", "Llama")
    (False, False)
    """
    return len(name) >= len(prefix) and all(_same_character(n, p) for n, p in zip(name, prefix))


def prefixes_compatible(first: str, second: str) -> bool:
    """True when some name begins with both prefixes (so two naming duties do not clash)."""
    return all(_same_character(a, b) or _same_character(b, a) for a, b in zip(first, second))


class RuleFunctions:
    """Functions the rules may call during grounding (our code, never a license's)."""

    @staticmethod
    def starts_with(name: Symbol, prefix: Symbol) -> Symbol:
        return Number(1 if name_starts_with(name.string, prefix.string) else 0)

    @staticmethod
    def prefixes_compatible(first: Symbol, second: Symbol) -> Symbol:
        return Number(1 if prefixes_compatible(first.string, second.string) else 0)


# The parsed rules are shared by every Control; clingo's AST objects are not safe to hand to two
# Controls at once ("invalid ast: term expected" from threads sharing a Reasoner), so adding them
# is one thread at a time. Grounding and solving, the costly part, still run in parallel.
_SHARED_RULES = _thread.allocate_lock()


@functools.lru_cache(maxsize=1)
def _rules() -> tuple:
    """The statements of rules.lp and dsl2.lp, without their comments (clingo's AST keeps them,
    and adding one costs as much as adding a small rule)."""
    from clingo import ast   # only here and in the analysis: a cold question adds the rules as text

    _release_at_exit(_rules.cache_clear)
    statements: list = []
    for path in (resources.rules_path(), resources.rules_path().with_name("dsl2.lp")):
        ast.parse_string(path.read_text(encoding="utf-8"), statements.append)
    return tuple(s for s in statements if s.ast_type != ast.ASTType.Comment)


def _predicate(literal) -> str | None:
    """The predicate name of a positive literal over an atom (None for comparisons, `not`, ...)."""
    from clingo import ast

    if literal.ast_type != ast.ASTType.Literal or literal.sign != ast.Sign.NoSign:
        return None
    atom = literal.atom
    if atom.ast_type != ast.ASTType.SymbolicAtom:
        return None
    term = atom.symbol
    if term.ast_type == ast.ASTType.Function:
        return term.name
    if term.ast_type == ast.ASTType.SymbolicTerm and term.symbol.type == clingo.SymbolType.Function:
        return term.symbol.name
    return None


def _constants(literal) -> tuple:
    """(predicate, position, constant's text) for each argument of a positive literal written as a
    constant (`rule(L,C,R,forbid,_)`: forbid at 3)."""
    from clingo import ast

    name = _predicate(literal)
    if name is None or literal.atom.symbol.ast_type != ast.ASTType.Function:
        return ()
    return tuple((name, position, str(argument.symbol))
                 for position, argument in enumerate(literal.atom.symbol.arguments)
                 if argument.ast_type == ast.ASTType.SymbolicTerm)


def _analysis(statements) -> tuple:
    """Per statement, in plain values: (the predicate its head defines or None, the predicates
    its positive body needs, the constants its positive body asks of them). Statements that are
    neither rules nor #show terms need nothing."""
    from clingo import ast

    out = []
    for statement in statements:
        if statement.ast_type in (ast.ASTType.Rule, ast.ASTType.ShowTerm):
            head = _predicate(statement.head) if statement.ast_type == ast.ASTType.Rule else None
            needs = tuple(sorted(set(filter(None, map(_predicate, statement.body)))))
            constants = tuple(c for literal in statement.body for c in _constants(literal))
            out.append((head, needs, constants))
        else:
            out.append((None, (), ()))
    return tuple(out)


def _plain_analysis(value) -> bool:
    """Is a cached analysis shaped as `_dependencies` stores it: per statement, its text and what
    `_analysis` gives for it, its needs as a frozenset (marshal keeps one as it is)?"""
    def names(items) -> bool:
        return type(items) is frozenset and all(type(n) is str for n in items)

    return type(value) is tuple and bool(value) and all(
        type(entry) is tuple and len(entry) == 4 and type(entry[0]) is str
        and (entry[1] is None or type(entry[1]) is str)
        and names(entry[2]) and type(entry[3]) is tuple
        and all(type(c) is tuple and len(c) == 3 and type(c[0]) is str and type(c[1]) is int and type(c[2]) is str
                for c in entry[3])
        for entry in value)


@functools.lru_cache(maxsize=1)
def _dependencies() -> tuple:
    """Per statement of the rules, in order: (its text, the predicate its head defines or None,
    the predicates its positive body needs, the constants its positive body asks of them).
    Reading them off the AST through clingo's accessors takes ~40 ms, and parsing the rules into
    AST objects (a Python call per statement) ~6 ms, of a cold question: both are kept in the
    knowledge-base cache, keyed by the rule files and this module's source, and a question parses
    only the statements it grounds (statements_for). A statement's text parses back to the same
    statement (clingo prints its AST as source; tests/test_cold_start.py checks every one)."""
    from .kb import _cached

    def produce(_) -> tuple:
        statements = _rules()
        return tuple((str(statement), head, frozenset(needs), constants)
                     for statement, (head, needs, constants) in zip(statements, _analysis(statements)))

    # Stored as used (needs as frozensets): making ~770 frozensets again was ~1 ms of a cold question.
    return _cached(resources.rules_path(), produce, _plain_analysis, data=_rules_key(), name="rules-analysis",
                   typed=False)


# Statements parsed so far, by their position in _dependencies(): each is parsed once per process,
# when a question first needs it.
_PARSED: dict[int, object] = {}
_PARSING = _thread.allocate_lock()


def _release_at_exit(release) -> None:
    """Drop AST objects held for the process before the interpreter tears modules down: clingo.ast
    is imported only when first needed, after this module, so it goes first, and an AST freed
    after it prints "Exception ignored in AST.__del__" at exit."""
    import atexit

    atexit.register(release)


def _parsed(positions: list[int]) -> tuple:
    """The statements at these positions of _dependencies(), parsed from their texts."""
    from clingo import ast

    with _PARSING:
        missing = [p for p in positions if p not in _PARSED]
        if missing:
            if not _PARSED:
                _release_at_exit(_PARSED.clear)
            texts = [_dependencies()[p][0] for p in missing]
            statements: list = []
            ast.parse_string("\n".join(texts), statements.append)
            del statements[0]   # parse_string begins with the `#program base.` it implies
            if len(statements) != len(missing):   # never seen: the cache would hold a wrong text
                raise ValueError("the cached rule texts do not parse back one statement each")
            _PARSED.update(zip(missing, statements))
        return tuple(_PARSED[p] for p in positions)


@functools.lru_cache(maxsize=1)
def _derived() -> frozenset:
    """The predicates some rule defines (their atoms are not known before grounding)."""
    return frozenset(head for _, head, _, _ in _dependencies() if head is not None)


# Per list of knowledge-base facts (a license's, the schema's), kept with the list itself so that
# its id stays its own: (facts, the rules' analysis it was read for, predicates, constants).
_FACT_INDEX: dict[int, tuple] = {}
_FACT_INDEX_LOCK = _thread.allocate_lock()


def fact_index(facts) -> tuple[frozenset, frozenset]:
    """The predicates of a fixed list of facts, and (predicate, position, argument text) in them
    at every position where some rule asks for a constant (the only ones _selected() looks up:
    `rule(L,C,R,forbid,_)` asks rule's position 3), computed once per list (the knowledge base's
    facts do not change)."""
    dependencies = _dependencies()
    known = _FACT_INDEX.get(id(facts))
    if known is not None and known[0] is facts and known[1] is dependencies:
        return known[2], known[3]
    predicates, constants = _read_index(facts)
    with _FACT_INDEX_LOCK:
        if len(_FACT_INDEX) >= 4096:   # many knowledge bases built and dropped (tests): start over
            _FACT_INDEX.clear()
        _FACT_INDEX[id(facts)] = (facts, dependencies, predicates, constants)
    return predicates, constants


_ASKED: list = []   # [(the rules' analysis, {predicate: the positions its rules ask constants at})]


def _asked_positions() -> dict[str, tuple[int, ...]]:
    """Per predicate, the argument positions at which some rule's positive body asks for a
    constant, for the rules' analysis of the moment (_dependencies)."""
    dependencies = _dependencies()
    if not _ASKED or _ASKED[0][0] is not dependencies:
        positions: dict[str, set] = {}
        for _, _, _, asked in dependencies:
            for name, position, _ in asked:
                positions.setdefault(name, set()).add(position)
        _ASKED[:] = [(dependencies, {name: tuple(sorted(found)) for name, found in positions.items()})]
    return _ASKED[0][1]


def _read_index(facts) -> tuple[frozenset, frozenset]:
    """fact_index's sets, through clingo's accessors: every fact's name, and the text of its
    arguments only at the positions some rule asks a constant of (_asked_positions). Reading the
    text of every argument (one text of all the facts, parsed) was ~0.85 ms of a cold question
    for llama3's 213 facts; this is ~0.4 ms, and _selected() keeps the same statements (a
    constant it looks up is always at an asked position: tests/test_cold4.py)."""
    asked = _asked_positions()
    predicates: set = set()
    constants: set = set()
    for symbol in facts:
        name = symbol.name
        predicates.add(name)
        positions = asked.get(name)
        if positions:
            arguments = symbol.arguments
            for position in positions:
                if position < len(arguments):
                    constants.add((name, position, str(arguments[position])))
    return frozenset(predicates), frozenset(constants)


@functools.lru_cache(maxsize=512)
def _selected(present: frozenset, fixed: frozenset = frozenset()) -> tuple[int, ...]:
    """The statements that can fire when facts of the `present` predicates, and the `fixed`
    ones, are given: a rule whose positive body needs a predicate that no fact and no live rule
    can make never derives anything, so leaving it out changes no answer, while each rule costs
    gringo time in every ground call whether or not it matches (a question without grants
    grounds no grant rules).
    `fixed` holds fact_index()es of fact lists known in full (the licenses' and the schema's): a
    rule asking one of their predicates for a constant none of their facts has at that position
    (`rule(L,C,R,separate,_)` with no `separate` rule among the licenses) is left out too.
    Sound by construction: `not p` over a predicate left without rules is true, as it was when
    p's rules could not fire."""
    dependencies = _dependencies()
    constants = frozenset().union(*(index for _, index in fixed))
    known = frozenset().union(*(names for names, _ in fixed))
    # Only predicates whose every fact is in `fixed` (no other fact, no rule makes one) are checked.
    checked = known - _derived() - present
    live = set(present | known)
    possible = [(position, head, needs) for position, (_, head, needs, asked) in enumerate(dependencies)
                if all(c in constants for c in asked if c[0] in checked)]
    growing = True
    while growing:
        growing = False
        for _, head, needs in possible:
            if head is not None and head not in live and needs <= live:
                live.add(head)
                growing = True
    return tuple(position for position, _, needs in possible if needs <= live)


def statements_for(present: frozenset, fixed: frozenset = frozenset()) -> tuple:
    """The statements _selected() keeps, as clingo AST statements (parsed once per process)."""
    return _parsed(_selected(present, fixed))


@functools.lru_cache(maxsize=512)
def rules_text(present: frozenset, fixed: frozenset = frozenset()) -> str:
    """The statements _selected() keeps, as one program text (each is its AST printed, which
    parses back to the same statement)."""
    dependencies = _dependencies()
    return "\n".join(dependencies[position][0] for position in _selected(present, fixed))


def more_rules_text(present: frozenset, fixed_lists: tuple, given: frozenset, cold: bool = False) -> str:
    """The statements selection() keeps but those at the positions `given` (a kept grounding's),
    in order, as one text."""
    positions, texts = selection(present, fixed_lists, cold)
    return "\n".join(text for position, text in zip(positions, texts) if position not in given)


def selection(present: frozenset, fixed_lists: tuple, cold: bool = False) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The statements _selected() keeps for facts of the `present` predicates beside the fixed
    fact lists (the schema's, the licenses'): their positions in _dependencies() and their texts.
    `cold` (a process's first Controls, which get the rules as text): from the knowledge-base
    cache, when an earlier process made it for the same rules, predicates and facts. Loading the
    rules' analysis, indexing the fact lists and selecting was ~1.9 ms of a cold question (0.9,
    0.5 and 0.5); the entry is keyed by all that decides the selection (the rules and this
    module, as _dependencies' key, the predicates, and the text of every fixed fact)."""
    if not cold:
        positions = _selected(present, frozenset(fact_index(known) for known in fixed_lists))
        dependencies = _dependencies()
        return positions, tuple(dependencies[position][0] for position in positions)
    from .kb import _cached

    def produce(_) -> tuple:
        return selection(present, fixed_lists)

    def valid(value) -> bool:
        return (type(value) is tuple and len(value) == 2 and type(value[0]) is tuple and type(value[1]) is tuple
                and len(value[0]) == len(value[1]) and all(type(p) is int for p in value[0])
                and all(type(t) is str for t in value[1]))

    key = b"\1".join([_rules_key(), "\0".join(sorted(present)).encode()]
                      + [str(Function("", list(known))).encode() for known in fixed_lists])
    return _cached(resources.rules_path(), produce, valid, data=key, name="rules-selection", typed=False)


@functools.lru_cache(maxsize=1)
def _rules_key() -> bytes:
    """What the rules' analysis is made from: the rule files, this module (how it is read) and
    clingo's version (the texts are its printing of its parse)."""
    rules = resources.rules_path()
    return b"\0".join([path.read_bytes() for path in (rules, rules.with_name("dsl2.lp"), Path(__file__))]
                      + [clingo.__version__.encode()])


_CONTROLS = itertools.count()   # how many Controls this process has given rules to
# The first Controls of a process get the rules as one text: clingo parses it in C (~2.3 ms for
# ~280 statements), where importing clingo.ast and parsing the statements into AST objects once
# costs ~5 ms. Later ones get the AST statements (parsed once per process): adding those is
# ~0.6 ms, four times cheaper than parsing the text again. A cold question makes one Control,
# two with remedies (the verdict; the remedy search, which asks its checks in its grounding).
_TEXT_CONTROLS = 3


def rule_statements(control: clingo.Control, present: frozenset, indexes: frozenset, alone: bool = False,
                    text: bool | None = None) -> int:
    """Add to `control` the rules that can fire with facts of the `present` predicates beside the
    fixed fact lists `indexes` (fact_index()es); returns how many statements were added: as one
    text for the process's first _TEXT_CONTROLS Controls, else as AST statements. Same
    statements, same order, same program either way. `alone`: for one big question grounded
    alone, given without in_question facts (alone_statements). `text` False: as AST statements
    (the caller counted this Control)."""
    if alone:
        from clingo import ast

        statements = alone_statements(_selected(present | {_QUESTION}, indexes))
        with _SHARED_RULES, ast.ProgramBuilder(control) as builder:
            for statement in statements:
                builder.add(statement)
        return len(statements)
    if text is None and next(_CONTROLS) < _TEXT_CONTROLS:
        control.add("base", [], rules_text(present, indexes))
        return len(_selected(present, indexes))
    from clingo import ast

    statements = statements_for(present, indexes)
    with _SHARED_RULES, ast.ProgramBuilder(control) as builder:
        for statement in statements:
            builder.add(statement)
    return len(statements)


# in_question(A, Q): artifact A is one of question Q's. Every artifact of a question grounded
# alone is its question 0's, so for one big question (batch_facts: from RUNS_FROM artifacts on)
# no in_question fact is given, and each `in_question(X, Y)` the rules ask reads `Y = 0` instead
# (alone_statements): an atom per artifact, with the symbol clingo keeps for the process's life
# and gringo's index of it by artifact, was 17 MiB of a 100,000-deep lineage's grounding and
# 6 MiB of symbols. The rules keep their one text; questions grounded together keep the facts.
_QUESTION = "in_question"
_ALONE: dict[int, object] = {}


def alone_statements(positions: tuple[int, ...]) -> tuple:
    """The statements at these positions of _dependencies(), parsed, with each positive literal
    `in_question(X, Y)` of a body (a rule's or a #show's) read as `Y = 0`: the program of one
    question grounded without in_question facts. X is bound by another literal in every rule
    that asks it (gringo refuses an unsafe rule: a rule that enumerated a question's artifacts
    through in_question could not be ground alone, loudly, not answered wrongly)."""
    from clingo import ast

    def literal(item):
        atom = item.atom if item.ast_type == ast.ASTType.Literal else None
        if (atom is None or item.sign != ast.Sign.NoSign or atom.ast_type != ast.ASTType.SymbolicAtom
                or atom.symbol.ast_type != ast.ASTType.Function or atom.symbol.name != _QUESTION
                or len(atom.symbol.arguments) != 2):
            return item
        question = atom.symbol.arguments[1]
        zero = ast.SymbolicTerm(item.location, Number(0))
        return ast.Literal(item.location, ast.Sign.NoSign,
                           ast.Comparison(question, [ast.Guard(ast.ComparisonOperator.Equal, zero)]))

    with _PARSING:
        missing = [p for p in positions if p not in _ALONE]
    if missing:
        made = {}
        for position, statement in zip(missing, _parsed(missing)):
            if statement.ast_type in (ast.ASTType.Rule, ast.ASTType.ShowTerm):
                statement = statement.update(body=[literal(item) for item in statement.body])
            made[position] = statement
        with _PARSING:
            if not _ALONE:
                _release_at_exit(_ALONE.clear)
            _ALONE.update(made)
    with _PARSING:
        return tuple(_ALONE[p] for p in positions)


# The artifact fields that facts are read from (family, modalities, name).
_ATTRIBUTES = tuple(schema.ARTIFACT_FIELDS)
# The schema's use facts as the per-question loops read them (schema.Fact's `number` and `attr`
# are properties, worked out on every read): numbers as (name, attribute); the other facts about
# the use the solver sees, by attribute; those a condition may test, as question_facts reads them.
_NUMBERS = tuple((fact.name, fact.attr) for fact in schema.USE_FACTS if fact.number)
# The use's facts a Scene.key() holds in its second part, in this order (numbers and grants have
# parts of their own); shapes.py splits them into the structure and the values.
KEY_STATED = tuple(fact for fact in schema.USE_FACTS
                   if not fact.number and fact.type != schema.GRANTS and fact.about == schema.USE)
_STATED = tuple(fact.attr for fact in KEY_STATED)
_TESTED_ATTRS = tuple((fact, fact.attr) for fact in schema.USE_FACTS if fact.about == schema.USE and fact.condition)


@functools.lru_cache(maxsize=1)
def schema_facts() -> tuple[Symbol, ...]:
    """The tables of schema.py the rules need, as facts: which act creating a model by each
    relation is, and which artifact of a context (acted on or target) each fact is read from."""
    facts = [Function("rel_act", [const(r.name), const(r.act)]) for r in schema.RELATION_LIST]
    for fact in schema.ARTIFACT_FACTS:
        facts.append(Function("fact_about", [String(fact.name), const(fact.about), String(fact.artifact_field),
                                             const("set" if fact.type == schema.TAGS else "string")]))
    # Computed flags of the target (`target.derived`), each with its last word: rules.lp reads them
    # by that word (their solver name is a string, compile.flag_symbol). And the relations that carry weights.
    facts.extend(Function("target_flag", [flag_symbol(f.name), const(f.name.split(".", 1)[1])])
                 for f in schema.CONDITION_FACTS if f.about == schema.TARGET and f.type == schema.FLAG)
    facts.extend(Function("weights_relation", [const(r)]) for r in schema.WEIGHTS_RELATIONS)
    # A stated word that is another one too (vocabulary.IMPLIED_VALUES), as fact_set spells them.
    facts.extend(Function("value_implies", [String(fact.name), String(stated), String(implied)])
                 for fact in schema.USE_FACTS if fact.type == schema.TAGS
                 for stated, implied_ones in IMPLIED_VALUES.get(fact.vocabulary, {}).items()
                 for implied in implied_ones)
    # The regions of the territory vocabulary and their members (`EU` holds DE; `EEA` holds EU and
    # DE; `NO` holds SJ): rules.lp every_value tells a place stated from a region it lies in.
    facts.extend(Function("region_member", [String(region), String(member)])
                 for region, members in sorted(MEMBERS_OF.items()) for member in sorted(members))
    return tuple(facts)


@dataclass(frozen=True)
class Scene:
    """One concrete question: artifacts with their chosen license ids, and the use."""
    subject: str
    artifacts: tuple[Artifact, ...]
    licenses: dict            # artifact id -> tuple of known license ids (one alternative)
    unknown: dict             # artifact id -> tuple of (license id, reason)
    use: Use
    thresholds: dict = None   # fact -> sorted thresholds the licenses compare it with

    def canonical(self, fact: str, value: int) -> int:
        """The smallest number that compares with every threshold exactly as `value` does.

        Rules only ever compare a number with thresholds, so this keeps every answer the same
        while letting questions that differ only in, say, 5M versus 6M users share a cache entry.
        """
        cuts = (self.thresholds or {}).get(fact)
        if cuts is None:
            return value
        position = bisect.bisect_left(cuts, value)
        if position < len(cuts) and cuts[position] == value:
            return value
        return cuts[position - 1] + 1 if position else 0

    def numbers(self) -> list[tuple[str, int]]:
        """The stated numbers, each moved to the canonical point of its threshold cell."""
        stated = ((name, getattr(self.use, attr)) for name, attr in _NUMBERS)
        return [(name, self.canonical(name, value)) for name, value in stated if value is not None]

    def key(self) -> tuple:
        """Everything the solver sees, in plain values: equal keys give equal answers."""
        position = {a.id: i for i, a in enumerate(self.artifacts)}
        use = self.use
        stated = tuple([getattr(use, attr) for attr in _STATED])
        attribute = self.attribute
        if len(self.artifacts) >= RUNS_FROM:
            artifacts = self._compact_artifacts(position)
        else:
            # Lists made into tuples, not generator expressions: this runs per artifact of every question.
            artifacts = tuple([(a.mine, publisher_of(a.id), a.listed, self.licenses.get(a.id, ()),
                                tuple([i for i, _ in self.unknown.get(a.id, ())]),
                                tuple([(position[e.parent], e.relation) for e in a.derived_from]),
                                tuple([attribute(a, f) for f in _ATTRIBUTES])) for a in self.artifacts])
        return position[self.subject], stated, tuple(self.numbers()), self.grant_key(position), artifacts

    def _compact_artifacts(self, position: dict) -> tuple:
        """key()'s artifacts part for a big scene, exact but small: each artifact as the number of
        its kind (what key() says of it, with its parents counted from itself, so that every link
        of a chain is one kind) in an array, beside the table of kinds. A tuple per artifact held
        ~29 MiB for the whole of a 100,000-deep lineage's question; this holds 0.4 MiB. The
        artifacts can be read back from it, so equal keys still mean equal questions, and it never
        equals a small scene's tuple of artifacts (its first item is the word "kinds")."""
        from array import array   # only for big scenes: a small question does not import it

        kinds: dict = {}
        numbers = array("I")   # 4 bytes a number: far more kinds than a question may have artifacts
        attribute = self.attribute
        for i, a in enumerate(self.artifacts):
            kind = (a.mine, publisher_of(a.id), a.listed, self.licenses.get(a.id, ()),
                    tuple([n for n, _ in self.unknown.get(a.id, ())]),
                    tuple([(position[e.parent] - i, e.relation) for e in a.derived_from]),
                    tuple([attribute(a, f) for f in _ATTRIBUTES]))
            number = kinds.get(kind)
            if number is None:
                number = kinds[kind] = len(kinds)
            numbers.append(number)
        return "kinds", tuple(kinds), numbers.tobytes()

    def attribute(self, artifact: Artifact, artifact_field: str):
        """What an artifact states in one field facts are read from. A field the use may state
        (schema.py: the `name` of the model asked about) is the use's value for the subject."""
        stating = schema.USE_STATES_ARTIFACT_FIELD.get(artifact_field)
        if stating is not None and artifact.id == self.subject:
            stated = getattr(self.use, stating.attr)
            if stated:
                return stated
        return getattr(artifact, artifact_field)

    def grant_key(self, position: dict) -> tuple:
        """The held grants as the solver sees them: artifacts by position, with their publisher."""
        return tuple((g.licensor, g.license, None if g.artifacts is None else
                      tuple(sorted((position[a], publisher_of(a) or "") for a in g.artifacts if a in position)))
                     for g in self.use.grants)


_CACHED_FACTS = 16_384


@functools.lru_cache(maxsize=_CACHED_FACTS)
def _fact(name: str, *values) -> Symbol:
    """The fact `name(values…)`, a number standing for Number, a string for String, a 1-tuple
    (`("host",)`) for a constant. Questions repeat the same facts (artifact numbers from 0, the
    same ids, fields and acts), and building a Symbol through clingo's Python API costs a few
    foreign calls; a fact is a value, so equal ones are built once (up to _CACHED_FACTS)."""
    return Function(name, [Function(v[0]) if isinstance(v, tuple) else Number(v) if isinstance(v, int) else String(v)
                           for v in values])


# From this many artifacts on, a question's per-artifact facts reach clingo as runs (FactRun):
# building one clingo Symbol per fact in Python, and adding each through the backend, was 2.9 s
# of a 100,000-deep lineage's 8 s (500,000 facts), and the Symbols held ~120 MiB while it was
# solved. Smaller questions keep one Symbol per fact (remedies.py takes set differences of them).
RUNS_FROM = 1_000
# A run shorter than this is added as Symbols: a rule per fact would cost more than it saves.
_SHORTEST_RUN = 4


@dataclass(frozen=True)
class FactRun:
    """Facts `name(...)` for each artifact A in first..last, all alike but for A: each argument is
    ("artifact", d), the artifact A + d, or ("symbol", S), the same Symbol S for every A. Given to
    clingo as one rule built as an AST, `name(X+d, S, ...) :- X = first..last.`, never parsed from
    text: its strings are String symbols, escaped as any other fact's (so no request text can
    become a program), and gringo makes the 100,000 facts of a deep lineage in C."""
    name: str
    arguments: tuple
    first: int
    last: int

    def symbols(self) -> list[Symbol]:
        return [Function(self.name, [Number(a + value) if kind == "artifact" else value
                                     for kind, value in self.arguments])
                for a in range(self.first, self.last + 1)]

    def statement(self):
        from clingo import ast   # only for big questions: a cold question never imports it

        where = ast.Location(ast.Position("<facts>", 1, 1), ast.Position("<facts>", 1, 1))
        variable = ast.Variable(where, "X")

        def term(kind, value):
            if kind == "symbol":
                return ast.SymbolicTerm(where, value)
            if value == 0:
                return variable
            return ast.BinaryOperation(where, ast.BinaryOperator.Plus, variable, ast.SymbolicTerm(where, Number(value)))

        head = ast.Literal(where, ast.Sign.NoSign, ast.SymbolicAtom(
            ast.Function(where, self.name, [term(kind, value) for kind, value in self.arguments], False)))
        span = ast.Interval(where, ast.SymbolicTerm(where, Number(self.first)), ast.SymbolicTerm(where, Number(self.last)))
        bound = ast.Literal(where, ast.Sign.NoSign,
                            ast.Comparison(variable, [ast.Guard(ast.ComparisonOperator.Equal, span)]))
        return ast.Rule(where, head, [bound])


def _alike_facts(scene: Scene, index: dict, Q: Symbol, alone: bool = False) -> dict[tuple, list[int]]:
    """The facts about artifacts grouped by what they say but for the artifact A they are about:
    (name, arguments) -> the numbers A, in order. An argument is ("artifact", d), the artifact
    A + d (a chain's edges A -> A+1 say alike), or a plain value that `_symbol` makes a Symbol
    of once per run: keys of plain values hash in C (a clingo Symbol's hash is a Python call,
    600,000 of them for a 100,000-deep lineage). `alone`: no in_question facts (alone_statements)."""
    alike: dict[tuple, list[int]] = {}
    keys: dict = {}   # (name, texts) -> its key, made once

    def about(name: str, *texts: str) -> tuple:
        known = keys.get((name, texts))
        if known is None:
            known = keys[(name, texts)] = (name, (("artifact", 0),) + tuple(("text", t) for t in texts))
        return known

    def add(key: tuple, A: int) -> None:
        numbers = alike.get(key)
        if numbers is None:
            alike[key] = [A]
        else:
            numbers.append(A)

    # What an artifact states is given where a rule may read it (fields_read_everywhere): a
    # 100,000-deep lineage inherits its `family` at every model, two ground atoms each, read only
    # at the few models acted on.
    everywhere = fields_read_everywhere()
    everywhere = _ATTRIBUTES if everywhere is None else tuple(f for f in _ATTRIBUTES if f in everywhere)
    sites = context_artifacts(scene)
    in_question = ("in_question", (("artifact", 0), ("number", Q.number)))
    mine = ("mine", (("artifact", 0),))
    for artifact in scene.artifacts:
        A = index[artifact.id]
        if not alone:
            add(in_question, A)
        if artifact.mine:
            add(mine, A)
        for lid in scene.licenses.get(artifact.id, ()):
            add(about("own", lid), A)
        for lid, _ in scene.unknown.get(artifact.id, ()):
            add(about("unknown_license", lid), A)
        for edge in artifact.derived_from:
            add(("edge", (("artifact", 0), ("artifact", index[edge.parent] - A), ("constant", edge.relation))), A)
        organisation = publisher_of(artifact.id)
        if organisation:   # the Hub namespace the id lives in: only that organisation publishes there
            add(about("hub_org" if artifact.listed else "claimed_org", organisation), A)
        for artifact_field in (_ATTRIBUTES if artifact.id in sites else everywhere):
            value = scene.attribute(artifact, artifact_field)
            if value is None or value == "":
                continue
            add(about("artifact_stated", artifact_field), A)
            for item in (value if isinstance(value, tuple) else (value,)):
                add(about("artifact_value", artifact_field, item), A)
    return alike


# The predicates of what an artifact states, and the one that says which artifact a context acts
# on (position 2) or creates (position 3).
_STATEMENTS = ("artifact_value", "artifact_stated")
_CONTEXT = "ctx_of"


@functools.lru_cache(maxsize=1)
def fields_read_everywhere() -> frozenset | None:
    """The artifact fields some rule reads of any artifact, not only of one a context acts on or
    creates (read_everywhere() of the rules); None when every field counts as read everywhere.
    Walking the rules' AST takes ~150 ms, so the answer is kept in the knowledge-base cache, keyed
    by the rule files, this module's source and clingo's version, as _dependencies() is."""
    from .kb import _cached

    def produce(_) -> tuple:
        fields = read_everywhere(_rules())
        return (fields is None, tuple(sorted(fields or ())))

    def plain(value) -> bool:
        return (type(value) is tuple and len(value) == 2 and type(value[0]) is bool
                and type(value[1]) is tuple and all(type(f) is str for f in value[1]))

    rules = resources.rules_path()
    key = b"\0".join([path.read_bytes() for path in (rules, rules.with_name("dsl2.lp"), Path(__file__))]
                     + [clingo.__version__.encode()])
    every, fields = _cached(rules, produce, plain, data=key, name="rules-fields-everywhere", typed=False)
    return None if every else frozenset(fields)


def read_everywhere(statements) -> frozenset | None:
    """The artifact fields some rule reads of any artifact, not only of one a context acts on or
    creates (rules.lp's publisher/2 reads every artifact's publisher); None when a rule reads a field
    it does not name so (then every field counts as read everywhere). Read off the rules
    themselves, so a rule added later that reads a field elsewhere keeps that field's facts for
    every artifact: a reading is confined to contexts only when it is a positive literal of a
    rule's body whose artifact is a variable that a positive `ctx_of(K,X,A,T)` of the same body
    binds as A or T. Any other occurrence (negated, in an aggregate or a condition, in a head or
    a #show) counts as reading everywhere."""
    from clingo import ast

    everywhere: set = set()
    all_fields = False

    def occurrences(node):
        if isinstance(node, ast.AST):
            if node.ast_type == ast.ASTType.SymbolicAtom and node.symbol.ast_type == ast.ASTType.Function \
                    and node.symbol.name in _STATEMENTS:
                yield node.symbol
            for key in node.child_keys:
                yield from occurrences(getattr(node, key))
        elif isinstance(node, (list, tuple, ast.ASTSequence)):
            for item in node:
                yield from occurrences(item)

    def function(literal):   # the function of a positive literal over an atom, else None
        if literal.ast_type == ast.ASTType.Literal and literal.sign == ast.Sign.NoSign \
                and literal.atom.ast_type == ast.ASTType.SymbolicAtom \
                and literal.atom.symbol.ast_type == ast.ASTType.Function:
            return literal.atom.symbol
        return None

    for statement in statements:
        read = [statement]
        if statement.ast_type == ast.ASTType.Rule:
            terms = [function(literal) for literal in statement.body]
            contexts = {str(term.arguments[i]) for term in terms if term is not None and term.name == _CONTEXT
                        and len(term.arguments) == 4 for i in (2, 3)
                        if term.arguments[i].ast_type == ast.ASTType.Variable}
            read = [statement.head] + [literal for literal, term in zip(statement.body, terms)
                                       if not (term is not None and term.name in _STATEMENTS and term.arguments
                                               and term.arguments[0].ast_type == ast.ASTType.Variable
                                               and str(term.arguments[0]) in contexts)]
        for term in occurrences(read):
            field = term.arguments[1] if len(term.arguments) > 1 else None
            if field is not None and field.ast_type == ast.ASTType.SymbolicTerm \
                    and field.symbol.type == clingo.SymbolType.String:
                everywhere.add(field.symbol.string)
            else:
                all_fields = True
    return None if all_fields else frozenset(everywhere)


def context_artifacts(scene: Scene) -> frozenset:
    """The artifacts a context may act on or create (rules.lp's `acting`): the subject, the
    user's own models and their parents, and the data held in data they are trained on (rules.lp
    `data_held`: the trained_on parents of the data reached down every edge but distilled). A
    field no rule reads elsewhere (fields_read_everywhere) is given only for these;
    tests/test_size2.py checks that every ground ctx_of is among them."""
    sites = {scene.subject}
    by_id = None
    seen: set = set()   # data walked already (from any of the user's models)
    for artifact in scene.artifacts:
        if artifact.mine:
            sites.add(artifact.id)
            sites.update(edge.parent for edge in artifact.derived_from)
            data = [edge.parent for edge in artifact.derived_from if edge.relation == "trained_on"]
            if data and by_id is None:
                by_id = {a.id: a for a in scene.artifacts}
            while data:   # iterative: regrouped data may be deep
                held = by_id.get(data.pop())
                if held is None or held.id in seen:
                    continue
                seen.add(held.id)
                outputs = {edge.parent for edge in held.derived_from if edge.relation == "distilled"}
                for edge in held.derived_from:   # rules.lp data_reach: every edge but distilled
                    if edge.relation == "distilled" or edge.parent in outputs:
                        continue
                    if edge.relation == "trained_on":
                        sites.add(edge.parent)
                    data.append(edge.parent)
    return frozenset(sites)


def _symbol(kind: str, value) -> Symbol:
    """The Symbol of a plain argument of `_alike_facts` (an artifact's number once absolute)."""
    if kind == "text":
        return String(value)
    if kind == "constant":
        return const(value)
    return Number(value)


def _runs_of(alike: dict[tuple, list[int]]) -> tuple[list, list]:
    """(FactRuns of consecutive numbers, the facts left as (name, absolute arguments))."""
    runs: list = []
    left: list = []
    for (name, arguments), numbers in alike.items():
        start = 0
        for i in range(1, len(numbers) + 1):
            if i < len(numbers) and numbers[i] == numbers[i - 1] + 1:
                continue
            if i - start >= _SHORTEST_RUN:
                runs.append(FactRun(name, tuple((kind, value) if kind == "artifact" else ("symbol", _symbol(kind, value))
                                                for kind, value in arguments), numbers[start], numbers[i - 1]))
            else:
                left.extend((name, tuple(("artifact", value + n) if kind == "artifact" else (kind, value)
                                         for kind, value in arguments)) for n in numbers[start:i])
            start = i
    return runs, left


def _as_runs(alike: dict[tuple, list[int]]) -> list:
    """The facts of `_alike_facts` as FactRuns where consecutive artifacts say alike, then where
    an edge from one artifact names consecutive ones (a merge's edges M -> P for every parent P),
    and as Symbols elsewhere."""
    runs, left = _runs_of(alike)
    by_parent: dict[tuple, list[int]] = {}
    rest = []
    for name, arguments in left:
        if name == "edge":
            (_, A), (_, P), relation = arguments
            by_parent.setdefault((name, (("number", A), ("artifact", 0), relation)), []).append(P)
        else:
            rest.append((name, arguments))
    for numbers in by_parent.values():
        numbers.sort()
    more, left = _runs_of(by_parent)
    return runs + more + [Function(name, [_symbol(kind, value) for kind, value in arguments])
                          for name, arguments in rest + left]


def question_facts(scene: Scene, question: int = 0, offset: int = 0, runs: bool | None = None,
                   alone: bool = False) -> list:
    """The question as facts. Artifacts are numbered from `offset` in `scene.artifacts` order and
    tied to `question` by in_question(A, Q), so many questions can share one grounding.

    With `runs` (by default: from RUNS_FROM artifacts on) the facts about artifacts come as
    FactRuns where they can, which run() adds as rules; without, every fact is a Symbol.
    `alone` (question 0, from artifact 0, grounded by itself with alone_statements): without
    in_question facts."""
    if alone and (question, offset) != (0, 0):
        raise ValueError("a question grounded alone is question 0, its artifacts numbered from 0")
    facts: list = []
    add = facts.append
    Q = question
    index = {artifact.id: offset + i for i, artifact in enumerate(scene.artifacts)}
    add(_fact("subject", index[scene.subject]))
    for act in scene.use.acts:
        add(_fact("want", Q, (act,)))
    if runs is None:
        runs = len(scene.artifacts) >= RUNS_FROM
    if runs:
        facts.extend(_as_runs(_alike_facts(scene, index, Number(Q), alone)))
    else:
        for artifact in scene.artifacts:
            A = index[artifact.id]
            if not alone:
                add(_fact("in_question", A, Q))
            if artifact.mine:
                add(_fact("mine", A))
            for lid in scene.licenses.get(artifact.id, ()):
                add(_fact("own", A, lid))
            for lid, _ in scene.unknown.get(artifact.id, ()):
                add(_fact("unknown_license", A, lid))
            for edge in artifact.derived_from:
                add(_fact("edge", A, index[edge.parent], (edge.relation,)))
            organisation = publisher_of(artifact.id)
            if organisation:   # the Hub namespace the id lives in: only that organisation publishes there
                # A catalog model's namespace is known; an id a request names there is only claimed.
                add(_fact("hub_org" if artifact.listed else "claimed_org", A, organisation))
            for artifact_field in _ATTRIBUTES:
                value = scene.attribute(artifact, artifact_field)
                if value is None or value == "":
                    continue
                add(_fact("artifact_stated", A, artifact_field))
                for item in (value if isinstance(value, tuple) else (value,)):
                    add(_fact("artifact_value", A, artifact_field, item))
    use = scene.use
    for fact, attr in _TESTED_ATTRS:
        value = getattr(use, attr)
        if fact.type == schema.FLAG and value is not None:
            add(_fact("fact_flag", Q, (fact.name,), ("yes" if value else "no",)))
        elif fact.type == schema.TAGS and value is not None:
            add(_fact("fact_stated", Q, fact.name))
            items = value if isinstance(value, tuple) else (value,)   # a list, or one word
            if fact.vocabulary == "territory":
                # A stated place is in the regions it lies in too (DE in the EU), a region in its
                # own right leaves its other members open (rules.lp every_value, open_member).
                implied = implied_regions(items)
                items += implied
                for item in implied:
                    add(_fact("fact_implied", Q, fact.name, item))
                for item in open_territories(value):
                    add(_fact("fact_open", Q, fact.name, item))
            for item in items:
                add(_fact("fact_set", Q, fact.name, item))
    for fact, value in scene.numbers():
        add(Function("fact_num", [Number(Q), String(fact), num(value)]))
    for number, grant in enumerate(use.grants):
        G = Function("g", [Number(Q), Number(number)])
        add(Function("grant", [Number(Q), G]))
        if grant.license:
            add(Function("grant_license", [G, String(grant.license)]))
        if grant.licensor:
            add(Function("grant_licensor", [G, String(grant.licensor)]))
        if grant.artifacts is not None:   # a grant for named artifacts (maybe none of this question's)
            add(Function("grant_scoped", [G]))
            for artifact_id in grant.artifacts:
                if artifact_id in index:
                    add(Function("grant_artifact", [G, Number(index[artifact_id])]))
    if use.outbound_license:
        add(_fact("outbound", Q, use.outbound_license))
    return facts


def add_fact_symbols(backend: clingo.Backend, facts) -> list:
    """Add each Symbol of `facts` as a fact through an open backend (an escaped term: nothing is
    parsed); returns the FactRuns among them, for add_facts. Through clingo's C functions with one
    symbol and one atom buffer for all, where Backend.add_atom and add_rule make both per call:
    5.6 ms instead of 12.4 for the ~8,000 license facts of a batch."""
    runs = []
    rep = getattr(backend, "_rep", None) if C_BACKEND else None   # clingo's clingo_backend_t*
    if rep is None:
        for fact in facts:
            if type(fact) is FactRun:
                runs.append(fact)
            else:
                backend.add_rule([backend.add_atom(fact)])
        return runs
    symbol, atom = _ffi.new("clingo_symbol_t*"), _ffi.new("clingo_atom_t*")
    add_atom, add_rule, null = _lib.clingo_backend_add_atom, _lib.clingo_backend_rule, _ffi.NULL
    for fact in facts:
        if type(fact) is FactRun:
            runs.append(fact)
            continue
        symbol[0] = fact._rep
        if not (add_atom(rep, symbol, atom) and add_rule(rep, False, atom, 1, null, 0)):
            _handle_error(False)
    return runs


def add_facts(control: clingo.Control, facts) -> int:
    """Give clingo the facts: Symbols through the backend (add_fact_symbols) and FactRuns as rules
    built as ASTs (FactRun.statement). Returns the number of runs."""
    with control.backend() as backend:
        runs = add_fact_symbols(backend, facts)
    if runs:
        from clingo import ast

        with ast.ProgramBuilder(control) as builder:
            for run_ in runs:
                builder.add(run_.statement())
    return len(runs)


def _give_back_memory() -> None:
    """Return the heap a freed grounding leaves to the system (glibc keeps it otherwise, and a
    big question's decoding then comes on top of it: +170 MiB at the peak of a 100,000-deep
    lineage). Only after big questions, so small ones do not import ctypes."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to do
        pass


class Facts(list):
    """A batch's facts: the knowledge base's fixed lists (each license's facts, which never change
    and are indexed once: fact_index) first, then the questions' from `questions_from` on. A plain
    list works too (nothing is then known in full but the schema's tables)."""

    def __init__(self, fixed: tuple = ()):
        super().__init__(itertools.chain.from_iterable(fixed))   # C-level: ~10,000 license facts per batch
        self.fixed = fixed
        self.questions_from = len(self)
        self.firsts = (0,)   # each question's first artifact number (batch_facts), for read_shown
        self.alone = False   # one question, given without in_question facts (batch_facts)


# Shown atoms decoded per slice (run): a batch of small questions is one slice.
_DECODED_AT_ONCE = 20_000


def read_shown(shown, firsts=(0,)) -> dict[int, list[Term]]:
    """The shown atoms of models as {Q: [Atom, ...]}, read (terms.py) from the models' strings,
    one str() of many shown atoms each: a slice at a time, so that a slice's decoded out(Q, ·)
    wrappers are dropped before the next is read. An atom is `out(Q, Atom)`, or an Atom shown as
    itself (rules.lp: those that may come once per model of a lineage), whose first argument is
    an artifact: its question is the last one whose first artifact number (`firsts`, ascending:
    batch_facts' offsets, by question number) is not above it."""
    answers: dict[int, list[Term]] = {}
    alone = len(firsts) == 1
    with sharing_leaves():   # equal leaves are one Term across the slices too
        for text in shown:
            for model in parse(text):
                for term in model.arguments:
                    if term.name == "out":
                        question, atom = term.arguments
                        number = question.number
                    else:
                        atom = term
                        number = 0 if alone else bisect.bisect_right(firsts, term.arguments[0].number) - 1
                    answers.setdefault(number, []).append(atom)
    return answers


def run(facts: list[Symbol], statistics: dict | None = None) -> dict[int, list[Term]]:
    """Ground and solve the rules with these facts (a `Facts` or a list); the shown atoms per
    question, as `Term`s (terms.py: read like clingo Symbols, but from one string per atom).

    With a `statistics` dict, adds the size of the grounding to it (`atoms`, `rules`) and the
    number of non-ground statements grounded (`statements`): measures of work that, unlike time,
    do not depend on the machine (tests bound them)."""
    return read_shown(shown_texts(facts, statistics), getattr(facts, "firsts", (0,)))


def batch_facts(fixed: tuple, scenes) -> tuple["Facts", list[int]]:
    """The facts of one clingo run for several questions (`Scene`s): the license fact lists
    `fixed`, then each question's, its artifacts numbered on from the previous question's; and
    the first artifact number of each question (explain reads the numbers back with it)."""
    facts = Facts(fixed)
    offsets = []
    offset = 0
    # One big question grounded by itself goes without in_question facts (alone_statements).
    facts.alone = len(scenes) == 1 and len(scenes[0].artifacts) >= RUNS_FROM
    for number, scene in enumerate(scenes):
        facts += question_facts(scene, number, offset, alone=facts.alone)
        offsets.append(offset)
        offset += len(scene.artifacts)
    facts.firsts = offsets
    return facts, offsets


# A question with remedies asked alone (one small question in its batch: api._start says so with
# `keeping`) leaves its verdict's Control here, and the remedy search grounds its own program in
# it (remedies._search, multi-shot: the rules are re-ground with the search's question beside the
# verdict's), where a Control of its own parsed the rules' text again (~2.1 ms) and set clasp up
# (~0.3 ms). Every atom of a verdict's grounding is a fact (the program is stratified), so gringo
# takes the second grounding's rules deriving them again; the search's question, its checks and
# their artifacts are numbered after the verdict's, so no atom of theirs is the verdict's.
_KEPT = _thread._local()   # .key: the question whose verdict to keep; .grounding: a KeptGrounding


class KeptGrounding:
    """A verdict's Control, kept for the remedy search of the same question (`key`): the rules
    it was given (positions in _dependencies()), the fact lists given (ids), its artifacts."""
    __slots__ = ("key", "control", "positions", "fixed", "artifacts", "cold")

    def __init__(self, key, control: clingo.Control, positions: frozenset, fixed: frozenset, artifacts: int,
                 cold: bool):
        self.key, self.control, self.positions, self.fixed, self.artifacts = key, control, positions, fixed, artifacts
        self.cold = cold   # given the rules as text, from selection(cold=True): the search reads its own so


class keeping:
    """Within this block (in this thread), the grounding of the question `key` asked alone is kept
    for take_grounding(key); `key` None keeps nothing."""

    def __init__(self, key):
        self.key = key

    def __enter__(self):
        _KEPT.key = self.key

    def __exit__(self, *_):
        _KEPT.key = None


def take_grounding(key) -> KeptGrounding | None:
    """The kept grounding of question `key`, once (the slot is emptied), or None."""
    kept = getattr(_KEPT, "grounding", None)
    _KEPT.grounding = None
    return kept if kept is not None and kept.key == key else None


def release_grounding() -> None:
    """Free a kept grounding no search took (the answer needed no remedies)."""
    kept = getattr(_KEPT, "grounding", None)
    _KEPT.grounding = None
    if kept is not None:
        free_control(kept.control)


def free_control(control: clingo.Control) -> None:
    """Free a Control now, in the caller's frame, when our code is done with it. Left to the
    collector, clingo frees it in Control.__del__ (a few ms for a batch's grounding), and a Ctrl-C
    arriving then is raised inside __del__: Python prints "Exception ignored in … Traceback …
    KeyboardInterrupt" and drops it, so the user's Ctrl-C was lost (5 of 40 in
    test_review_workers' remedy rounds). Here it is raised as a KeyboardInterrupt. `_free` is
    cleared first, so that no later __del__ frees it again, whatever the clingo release (5.6/5.7
    keep the freed handle); a Ctrl-C between the two leaks that Control rather than freeing it twice."""
    rep = getattr(control, "_rep", None)
    if rep is None or not getattr(control, "_free", False):
        return   # freed already, or not ours to free
    if _ffi is None:   # another clingo: its own __del__, then never again
        control.__del__()
        control._free = False
        return
    control._free = False
    control._rep = None
    _lib.clingo_control_free(rep)


class _Numbers:
    """A model's array of shown symbol numbers, sliced as Symbols (what model.symbols gives)."""

    __slots__ = ("numbers",)

    def __init__(self, numbers):
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, part: slice) -> list:   # a cffi array's slice does not clip: clipped here
        return [Symbol(number) for number in self.numbers[part.start:min(part.stop, len(self.numbers))]]


class _CModel:
    """One model of a solve through clingo's C functions (solved_models): what the callers read of
    a clingo.Model, read from the `clingo_model_t*`, which is valid until the next model is asked for."""

    __slots__ = ("pointer",)

    def __init__(self, pointer):
        self.pointer = pointer

    def shown_numbers(self):
        """The shown symbols as clingo's own array of symbol numbers (8 bytes an atom)."""
        size = _ffi.new("size_t*")
        _handle_error(_lib.clingo_model_symbols_size(self.pointer, _SHOWN, size))
        numbers = _ffi.new("clingo_symbol_t[]", size[0])
        _handle_error(_lib.clingo_model_symbols(self.pointer, _SHOWN, numbers, size[0]))
        return numbers

    def symbols(self, shown: bool = True) -> list[Symbol]:
        assert shown, "only the shown symbols are read"
        return [Symbol(number) for number in self.shown_numbers()]

    @property
    def optimality_proven(self) -> bool:
        proven = _ffi.new("bool*")
        _handle_error(_lib.clingo_model_optimality_proven(self.pointer, proven))
        return proven[0]

    @property
    def cost(self) -> list[int]:
        size = _ffi.new("size_t*")
        _handle_error(_lib.clingo_model_cost_size(self.pointer, size))
        costs = _ffi.new("int64_t[]", size[0])
        _handle_error(_lib.clingo_model_cost(self.pointer, costs, size[0]))
        return list(costs)

    def is_true(self, literal: int) -> bool:
        true = _ffi.new("bool*")
        _handle_error(_lib.clingo_model_is_true(self.pointer, literal, true))
        return true[0]


def solved_models(control: clingo.Control, assumptions=None, count: int | None = None):
    """Each model of `control`'s solve, solved through clingo's C functions with no solve event
    handler. clingo's Python `Control.solve` always installs one, yielding or not, and its
    on_statistics calls back into Python after the search: a Ctrl-C raised there is "error in
    SolveEventHandler::on_statistics going to terminate", an abort, not a KeyboardInterrupt
    (test_review_workers' random SIGINTs). No callback here, so a Ctrl-C is raised once clingo
    returns, and the handle is closed whatever happens (the generator's end, a `break`, an error).

    A model (_CModel, or clingo's own Model where clingo's C functions are not reachable) is read
    before the next is asked for. `assumptions` is a list of literals, or a clingo_literal_t array
    of `count` literals.

    >>> control = clingo.Control(["0"]); control.add("base", [], "{a}."); control.ground([("base", [])])
    >>> sorted(" ".join(map(str, model.symbols(shown=True))) for model in solved_models(control))
    ['', 'a']
    """
    if not C_SOLVE:
        with control.solve(assumptions=list(assumptions or ()), yield_=True) as handle:
            yield from handle
        return
    if assumptions is not None and count is None:
        assumptions, count = _ffi.new("clingo_literal_t[]", list(assumptions)), len(assumptions)
    handle = _ffi.new("clingo_solve_handle_t**")
    try:
        _handle_error(_lib.clingo_control_solve(control._rep, _YIELD, _ffi.NULL if assumptions is None else assumptions,
                                                count or 0, _ffi.NULL, _ffi.NULL, handle))
        pointer = _ffi.new("clingo_model_t**")
        while True:
            _handle_error(_lib.clingo_solve_handle_resume(handle[0]))
            _handle_error(_lib.clingo_solve_handle_model(handle[0], pointer))
            if pointer[0] == _ffi.NULL:
                return
            yield _CModel(pointer[0])
    finally:
        if handle[0] != _ffi.NULL:
            _handle_error(_lib.clingo_solve_handle_close(handle[0]))


def shown_symbols(control: clingo.Control, assumptions=None, count: int = 0) -> list:
    """The shown symbols of each model, as clingo's own arrays of symbol numbers (8 bytes an atom;
    `Symbol(number)` makes one when it is read), solved with no event handler (solved_models).
    `assumptions` is a clingo_literal_t array of `count` literals."""
    return [model.shown_numbers() for model in solved_models(control, assumptions, count)]


def shown_texts(facts: list[Symbol], statistics: dict | None = None):
    """`run`'s grounding and solving: the shown atoms as text, a slice of them per string, each
    made when it is read (read_shown reads them; a solver process, workers.py, sends them to its
    parent, unsorted: explain sorts what it reports)."""
    control = clingo.Control(["--warn=none"] + (["--stats"] if statistics is not None else []))
    # The lists known in full (the licenses', the schema's) are indexed once; rules asking for
    # what none of them holds are left out (statements_for).
    fixed, questions_from = getattr(facts, "fixed", ()), getattr(facts, "questions_from", 0)
    fixed_lists = (schema_facts(), *fixed)
    present = frozenset(facts[i].name for i in range(questions_from, len(facts)))
    alone = getattr(facts, "alone", False)
    cold = not alone and next(_CONTROLS) < _TEXT_CONTROLS
    if cold:   # the text rule_statements would give, from the cache (selection)
        positions, texts = selection(present, fixed_lists, cold=True)
        control.add("base", [], "\n".join(texts))
        added = len(positions)
    else:
        indexes = frozenset(fact_index(known) for known in fixed_lists)
        added = rule_statements(control, present, indexes, alone, text=False)
    big = add_facts(control, itertools.chain(schema_facts(), facts))   # no copy of the batch's facts
    control.ground([("base", [])], context=RuleFunctions())
    # The shown symbols only (the program is stratified: one model): clingo interns symbols for
    # the process's life, so they stay valid once the Control is freed, and their text is made
    # after that (an array of 8 bytes per atom here, where the text held ~16 MiB more at a
    # 100,000-deep lineage's peak). Solved with no event handler (shown_symbols: a Ctrl-C).
    if C_SOLVE:
        models = [_Numbers(numbers) for numbers in shown_symbols(control)]
    else:
        models = [model.symbols(shown=True) for model in solved_models(control)]
    if statistics is not None:
        program = control.statistics["problem"]["lp"]
        for key in ("atoms", "rules"):
            statistics[key] = statistics.get(key, 0) + int(program[key])
        statistics["statements"] = statistics.get("statements", 0) + added
    key = getattr(_KEPT, "key", None)
    if key is not None and len(getattr(facts, "firsts", (0,))) == 1 and not big and not getattr(facts, "alone", False):
        _KEPT.grounding = KeptGrounding(key, control, frozenset(positions if cold else _selected(present, indexes)),
                                        frozenset(map(id, fixed)),
                                        sum(facts[i].name == _QUESTION for i in range(questions_from, len(facts))), cold)
    if getattr(_KEPT, "grounding", None) is None or _KEPT.grounding.control is not control:
        free_control(control)   # done with: freed before the shown atoms are decoded
    del control
    if big:
        _give_back_memory()
    # The shown atoms as tuples: one str() for many of them (2.6x cheaper than one each), in
    # slices made as they are read, so that each slice's text and decoded out(Q, ·) wrappers are
    # dropped before the next (all at once they held ~50 MiB more at the peak of a 100,000-deep
    # lineage).
    return (str(Function("", symbols[start:start + _DECODED_AT_ONCE]))
            for symbols in models for start in range(0, len(symbols), _DECODED_AT_ONCE))
