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
import threading
from pathlib import Path
from dataclasses import dataclass

import clingo
from clingo import Function, Number, String, Symbol, ast

from . import resources, schema
from .compile import const, num
from .kb import publisher_of
from .request import Artifact, Use
from .terms import Term, parse
from .vocabulary import open_territories

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
_SHARED_RULES = threading.Lock()


@functools.lru_cache(maxsize=1)
def _rules() -> tuple:
    """The statements of rules.lp and dsl2.lp, without their comments (clingo's AST keeps them,
    and adding one costs as much as adding a small rule)."""
    statements: list = []
    for path in (resources.rules_path(), resources.rules_path().with_name("dsl2.lp")):
        ast.parse_string(path.read_text(encoding="utf-8"), statements.append)
    return tuple(s for s in statements if s.ast_type != ast.ASTType.Comment)


def _predicate(literal) -> str | None:
    """The predicate name of a positive literal over an atom (None for comparisons, `not`, ...)."""
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


def _plain_analysis(value, size: int) -> bool:
    """Is a cached analysis shaped as `_analysis` makes it, for `size` statements?"""
    def names(items) -> bool:
        return type(items) is tuple and all(type(n) is str for n in items)

    return type(value) is tuple and len(value) == size and all(
        type(entry) is tuple and len(entry) == 3 and (entry[0] is None or type(entry[0]) is str)
        and names(entry[1]) and type(entry[2]) is tuple
        and all(type(c) is tuple and len(c) == 3 and type(c[0]) is str and type(c[1]) is int and type(c[2]) is str
                for c in entry[2])
        for entry in value)


@functools.lru_cache(maxsize=1)
def _dependencies() -> tuple:
    """Per statement: (statement, the predicate its head defines or None, the predicates its
    positive body needs, the constants its positive body asks of them). Reading them off the
    AST through clingo's accessors takes ~40 ms, a third of a cold question, so the analysis is
    kept in the knowledge-base cache, keyed by the rule files and this module's source."""
    from .kb import _cached

    statements = _rules()
    rules = resources.rules_path()
    key = b"\0".join(path.read_bytes() for path in (rules, rules.with_name("dsl2.lp"), Path(__file__)))
    analysis = _cached(rules, lambda _: _analysis(statements), lambda value: _plain_analysis(value, len(statements)),
                       data=key, name="rules-analysis", typed=False)
    return tuple((statement, head, frozenset(needs), constants)
                 for statement, (head, needs, constants) in zip(statements, analysis))


@functools.lru_cache(maxsize=1)
def _derived() -> frozenset:
    """The predicates some rule defines (their atoms are not known before grounding)."""
    return frozenset(head for _, head, _, _ in _dependencies() if head is not None)


# Per list of knowledge-base facts (a license's, the schema's), kept with the list itself so that
# its id stays its own: (facts, predicates, constants at each position).
_FACT_INDEX: dict[int, tuple] = {}
_FACT_INDEX_LOCK = threading.Lock()


def fact_index(facts) -> tuple[frozenset, frozenset]:
    """The predicates of a fixed list of facts and every (predicate, position, argument text)
    in them, computed once per list (the knowledge base's facts do not change)."""
    known = _FACT_INDEX.get(id(facts))
    if known is not None and known[0] is facts:
        return known[1], known[2]
    predicates = frozenset(symbol.name for symbol in facts)
    constants = frozenset((symbol.name, position, str(argument))
                          for symbol in facts for position, argument in enumerate(symbol.arguments))
    with _FACT_INDEX_LOCK:
        if len(_FACT_INDEX) >= 4096:   # many knowledge bases built and dropped (tests): start over
            _FACT_INDEX.clear()
        _FACT_INDEX[id(facts)] = (facts, predicates, constants)
    return predicates, constants


@functools.lru_cache(maxsize=512)
def statements_for(present: frozenset, fixed: frozenset = frozenset()) -> tuple:
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
    possible = [(statement, head, needs) for statement, head, needs, asked in dependencies
                if all(c in constants for c in asked if c[0] in checked)]
    growing = True
    while growing:
        growing = False
        for _, head, needs in possible:
            if head is not None and head not in live and needs <= live:
                live.add(head)
                growing = True
    return tuple(statement for statement, _, needs in possible if needs <= live)


# The artifact fields that facts are read from (family, modalities, name).
_ATTRIBUTES = tuple(schema.ARTIFACT_FIELDS)


@functools.lru_cache(maxsize=1)
def schema_facts() -> tuple[Symbol, ...]:
    """The tables of schema.py the rules need, as facts: which act creating a model by each
    relation is, and which artifact of a context (acted on or target) each fact is read from."""
    facts = [Function("rel_act", [const(r.name), const(r.act)]) for r in schema.RELATION_LIST]
    for fact in schema.ARTIFACT_FACTS:
        facts.append(Function("fact_about", [String(fact.name), const(fact.about), String(fact.artifact_field),
                                             const("set" if fact.type == schema.TAGS else "string")]))
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
        stated = ((fact.name, getattr(self.use, fact.attr)) for fact in schema.USE_FACTS if fact.number)
        return [(name, self.canonical(name, value)) for name, value in stated if value is not None]

    def key(self) -> tuple:
        """Everything the solver sees, in plain values: equal keys give equal answers."""
        position = {a.id: i for i, a in enumerate(self.artifacts)}
        use = self.use
        stated = tuple(getattr(use, fact.attr) for fact in schema.USE_FACTS
                       if not fact.number and fact.type != schema.GRANTS and fact.about == schema.USE)
        return (
            position[self.subject], stated, tuple(self.numbers()), self.grant_key(position),
            tuple((a.mine, publisher_of(a.id), self.licenses.get(a.id, ()), tuple(i for i, _ in self.unknown.get(a.id, ())),
                   tuple((position[e.parent], e.relation) for e in a.derived_from),
                   tuple(self.attribute(a, f) for f in _ATTRIBUTES)) for a in self.artifacts),
        )

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


def _alike_facts(scene: Scene, index: dict, Q: Symbol) -> dict[tuple, list[int]]:
    """The facts about artifacts grouped by what they say but for the artifact A they are about:
    (name, arguments) -> the numbers A, in order. An argument is ("artifact", d), the artifact
    A + d (a chain's edges A -> A+1 say alike), or a plain value that `_symbol` makes a Symbol
    of once per run: keys of plain values hash in C (a clingo Symbol's hash is a Python call,
    600,000 of them for a 100,000-deep lineage)."""
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

    in_question = ("in_question", (("artifact", 0), ("number", Q.number)))
    mine = ("mine", (("artifact", 0),))
    for artifact in scene.artifacts:
        A = index[artifact.id]
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
            add(about("hub_org", organisation), A)
        for artifact_field in _ATTRIBUTES:
            value = scene.attribute(artifact, artifact_field)
            if value is None or value == "":
                continue
            add(about("artifact_stated", artifact_field), A)
            for item in (value if isinstance(value, tuple) else (value,)):
                add(about("artifact_value", artifact_field, item), A)
    return alike


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


def question_facts(scene: Scene, question: int = 0, offset: int = 0, runs: bool | None = None) -> list:
    """The question as facts. Artifacts are numbered from `offset` in `scene.artifacts` order and
    tied to `question` by in_question(A, Q), so many questions can share one grounding.

    With `runs` (by default: from RUNS_FROM artifacts on) the facts about artifacts come as
    FactRuns where they can, which run() adds as rules; without, every fact is a Symbol."""
    facts: list = []
    add = facts.append
    Q = Number(question)
    if runs is None:
        runs = len(scene.artifacts) >= RUNS_FROM
    if runs:
        numbers = {artifact.id: offset + i for i, artifact in enumerate(scene.artifacts)}
        add(Function("subject", [Number(numbers[scene.subject])]))
        for act in scene.use.acts:
            add(Function("want", [Q, const(act)]))
        facts.extend(_as_runs(_alike_facts(scene, numbers, Q)))
        index = _NumberOf(numbers)
    else:
        index = {artifact.id: Number(offset + i) for i, artifact in enumerate(scene.artifacts)}
        add(Function("subject", [index[scene.subject]]))
        for act in scene.use.acts:
            add(Function("want", [Q, const(act)]))
        for artifact in scene.artifacts:
            A = index[artifact.id]
            add(Function("in_question", [A, Q]))
            if artifact.mine:
                add(Function("mine", [A]))
            for lid in scene.licenses.get(artifact.id, ()):
                add(Function("own", [A, String(lid)]))
            for lid, _ in scene.unknown.get(artifact.id, ()):
                add(Function("unknown_license", [A, String(lid)]))
            for edge in artifact.derived_from:
                add(Function("edge", [A, index[edge.parent], const(edge.relation)]))
            organisation = publisher_of(artifact.id)
            if organisation:   # the Hub namespace the id lives in: only that organisation publishes there
                add(Function("hub_org", [A, String(organisation)]))
            for artifact_field in _ATTRIBUTES:
                value = scene.attribute(artifact, artifact_field)
                if value is None or value == "":
                    continue
                add(Function("artifact_stated", [A, String(artifact_field)]))
                for item in (value if isinstance(value, tuple) else (value,)):
                    add(Function("artifact_value", [A, String(artifact_field), String(item)]))
    use = scene.use
    for fact in schema.USE_FACTS:
        if fact.about != schema.USE or not fact.condition:
            continue
        value = getattr(use, fact.attr)
        if fact.type == schema.FLAG and value is not None:
            add(Function("fact_flag", [Q, const(fact.name), const("yes" if value else "no")]))
        elif fact.type == schema.TAGS and value is not None:
            add(Function("fact_stated", [Q, String(fact.name)]))
            for item in (value if isinstance(value, tuple) else (value,)):   # a list, or one word
                add(Function("fact_set", [Q, String(fact.name), String(item)]))
            if fact.vocabulary == "territory":
                for item in open_territories(value):
                    add(Function("fact_open", [Q, String(fact.name), String(item)]))
    for fact, value in scene.numbers():
        add(Function("fact_num", [Q, String(fact), num(value)]))
    for number, grant in enumerate(use.grants):
        G = Function("g", [Q, Number(number)])
        add(Function("grant", [Q, G]))
        if grant.license:
            add(Function("grant_license", [G, String(grant.license)]))
        if grant.licensor:
            add(Function("grant_licensor", [G, String(grant.licensor)]))
        if grant.artifacts is not None:   # a grant for named artifacts (maybe none of this question's)
            add(Function("grant_scoped", [G]))
            for artifact_id in grant.artifacts:
                if artifact_id in index:
                    add(Function("grant_artifact", [G, index[artifact_id]]))
    if use.outbound_license:
        add(Function("outbound", [Q, String(use.outbound_license)]))
    return facts


class _NumberOf(dict):
    """An artifact id's number as a Symbol, made when asked (the grants name a few of them)."""

    def __getitem__(self, key):
        return Number(dict.__getitem__(self, key))


def add_facts(control: clingo.Control, facts) -> int:
    """Give clingo the facts: Symbols through the backend (escaped terms, nothing parsed) and
    FactRuns as rules built as ASTs (FactRun.statement). Returns the number of runs."""
    runs = []
    with control.backend() as backend:
        for fact in facts:
            if type(fact) is FactRun:
                runs.append(fact)
            else:
                backend.add_rule([backend.add_atom(fact)])
    if runs:
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
        super().__init__(fact for known in fixed for fact in known)
        self.fixed = fixed
        self.questions_from = len(self)


# Shown atoms decoded per slice (run): a batch of small questions is one slice.
_DECODED_AT_ONCE = 20_000


def run(facts: list[Symbol], statistics: dict | None = None) -> dict[int, list[Term]]:
    """Ground and solve the rules with these facts (a `Facts` or a list); the shown atoms per
    question, as `Term`s (terms.py: read like clingo Symbols, but from one string per atom).

    With a `statistics` dict, adds the size of the grounding to it (`atoms`, `rules`) and the
    number of non-ground statements grounded (`statements`): measures of work that, unlike time,
    do not depend on the machine (tests bound them)."""
    control = clingo.Control(["--warn=none"] + (["--stats"] if statistics is not None else []))
    # The lists known in full (the licenses', the schema's) are indexed once; rules asking for
    # what none of them holds are left out (statements_for).
    fixed, questions_from = getattr(facts, "fixed", ()), getattr(facts, "questions_from", 0)
    indexes = frozenset(fact_index(known) for known in (schema_facts(), *fixed))
    statements = statements_for(frozenset(facts[i].name for i in range(questions_from, len(facts))), indexes)
    with _SHARED_RULES, ast.ProgramBuilder(control) as builder:
        for statement in statements:
            builder.add(statement)
    big = add_facts(control, itertools.chain(schema_facts(), facts))   # no copy of the batch's facts
    control.ground([("base", [])], context=RuleFunctions())
    shown: list[str] = []

    def collect(model) -> None:   # the program is stratified: one model
        # The shown atoms as tuples: one str() for many of them (2.6x cheaper than one each), in
        # slices so that each slice's decoded out(Q, ·) wrappers are dropped before the next is
        # read (all at once they held ~50 MiB more at the peak of a 100,000-deep lineage).
        symbols = model.symbols(shown=True)
        for start in range(0, len(symbols), _DECODED_AT_ONCE):
            shown.append(str(Function("", symbols[start:start + _DECODED_AT_ONCE])))

    control.solve(on_model=collect)
    if statistics is not None:
        program = control.statistics["problem"]["lp"]
        for key in ("atoms", "rules"):
            statistics[key] = statistics.get(key, 0) + int(program[key])
        statistics["statements"] = statistics.get("statements", 0) + len(statements)
    del control   # the grounding is done with: free it before the shown atoms are decoded
    if big:
        _give_back_memory()
    answers: dict[int, list[Term]] = {}
    for text in shown:
        for model in parse(text):   # each out(Q, Atom), read in one pass (terms.py)
            for term in model.arguments:
                question, atom = term.arguments
                answers.setdefault(question.number, []).append(atom)
    return answers  # unsorted: explain sorts what it reports
