"""Prepared question shapes: ground once, answer many questions by switching `#external` atoms.

A question's facts (solve.question_facts) are of two kinds. The *structure* (the artifacts, their
licenses, the edges between them, the subject, stated names, grants, the outbound license) decides
which rules gringo instantiates; the *values* (the acts wanted, the flags stated, each number's
threshold cell) only decide which of those instances hold. Questions of one structure are common
(a CI gate asks about the same stack with other numbers; a catalog model is asked about with
every act), and gringo pays for every non-ground statement on every ground call, about 8-10 µs
each whether or not it matches (the bulk of a fresh question's ~5 ms).

So a structure that comes back gets a clingo Control of its own, grounded once with its structure as
facts and every value it could be given as an `#external` atom (every act, both truth values of
every flag, every threshold cell of every number the question's licenses compare). Each question
of that structure then assumes its values, solves (propagation only: the program is stratified,
so the externals decide the one model), and reads the shown atoms: ~0.3 ms instead of ~8.5 for
the whole question. `value_facts` and `value_domain` build the value facts as question_facts
does; the differential tests fail if the two ever differ.

Why this gives the same answers as a fresh grounding: an external assigned false is an atom
without support, as an absent fact is; one assigned true is a fact. The program and its unique
model are the same; only when gringo evaluates the atoms differs. A question with a value outside
the prepared domain (a number that is not on a threshold cell) is not answered here (the caller
grounds it afresh), and tests/test_shapes.py compares both paths on generated questions.

Limits (Shapes says why): a structure is prepared once six of its questions were asked (a
batch's counted together; a one-off question would pay a grounding for nothing), a question asked
alone at first sight while preparing pays, nothing for a new Reasoner's first 32 questions (the
command line), never a question of more than 64 artifacts; at most `capacity` structures and
`atoms` ground atoms are kept (least recently used first out), one that answered none of the
last IDLE questions is dropped when the next is prepared (once they hold a sixteenth of `atoms`;
a structure that came back after such a drop may stay idle IDLE_RETURNING questions),
and a Control busy in another thread is not waited for (the caller grounds afresh).
"""

from __future__ import annotations

import itertools
import _thread   # threading's own locks, without importing threading (~0.5 ms of a cold start)
from collections import OrderedDict

import clingo
from clingo import Function, Number, String, Symbol

from . import schema
from .compile import const, num
from .solve import (C_SOLVE, KEY_STATED, RuleFunctions, Scene, _ffi, add_fact_symbols, fact_index, free_control,
                    question_facts, read_shown, rule_statements, schema_facts, shown_symbols)

# The question facts whose values vary within one structure (the rest is the structure), and
# where Scene.key() holds them: the acts and the condition flags among its stated facts, and its
# numbers (each already moved to its threshold cell).
VALUE_PREDICATES = frozenset({"want", "fact_flag", "fact_num"})
_VALUE_FACTS = tuple(i for i, fact in enumerate(KEY_STATED)
                     if fact.type == schema.ACTS or (fact.type == schema.FLAG and fact.condition))
_STRUCTURE_FACTS = tuple(i for i in range(len(KEY_STATED)) if i not in _VALUE_FACTS)


def split_key(key: tuple) -> tuple[tuple, tuple]:
    """A Scene.key() as (its structure, its values): questions of one structure ground alike."""
    subject, stated, numbers, grants, artifacts = key
    return ((subject, tuple(stated[i] for i in _STRUCTURE_FACTS), grants, artifacts),
            (tuple(stated[i] for i in _VALUE_FACTS), numbers))


def value_facts(values: tuple) -> list:
    """The value part of split_key() as the facts solve.question_facts makes of it (question 0)."""
    stated, numbers = values
    Q = Number(0)
    facts = []
    for i, value in zip(_VALUE_FACTS, stated):
        fact = KEY_STATED[i]
        if value is None:
            continue
        if fact.type == schema.ACTS:
            facts += [Function("want", [Q, const(act)]) for act in value]
        else:
            facts.append(Function("fact_flag", [Q, const(fact.name), const("yes" if value else "no")]))
    facts += [Function("fact_num", [Q, String(name), num(value)]) for name, value in numbers]
    return facts


def value_domain(scene: Scene) -> list:
    """Every value fact a question of this scene's structure could state, for question 0: each
    act a request may ask for (creating a model is an edge, part of the structure), each flag true
    and false, and each number at every point where the licenses' thresholds cut it
    (Scene.canonical moves a stated number to one of these)."""
    Q = Number(0)
    domain = [Function("want", [Q, const(act)]) for act in schema.USE_ACTS]
    for fact in schema.USE_FACTS:
        if fact.about == schema.USE and fact.condition and fact.type == schema.FLAG:
            domain += [Function("fact_flag", [Q, const(fact.name), const(value)]) for value in ("yes", "no")]
    for fact in schema.USE_FACTS:
        cuts = (scene.thresholds or {}).get(fact.name) if fact.number else None
        if cuts is None:
            continue   # not a number, or not made canonical: a stated one is outside the domain
        cells = sorted({0, *cuts, *(cut + 1 for cut in cuts)})
        domain += [Function("fact_num", [Q, String(fact.name), num(cell)]) for cell in cells]
    return domain


class _Prepared:
    """One structure's Control, its value atoms' solver literals, and the shown atoms decoded so
    far (a Control shows a finite set of atoms, so each is read once, not once per question)."""

    __slots__ = ("control", "fixed", "literals", "assumptions", "decoded", "lock", "solves", "size", "used",
                 "idle")

    def __init__(self, control: clingo.Control, fixed: tuple, literals: dict, size: int):
        self.control = control
        self.size = size   # its grounding's ground atoms (~1.5 KB of memory each; the copy kept holds fewer)
        self.fixed = fixed              # the knowledge base's fact lists it was grounded with
        self.literals = literals        # value fact -> its external's literal
        self.assumptions: dict = {}     # values -> every external fixed true or false (bounded)
        self.decoded: dict = {}         # a shown symbol's number in clingo -> its atom, decoded
        self.lock = _thread.allocate_lock()
        self.solves = 0
        self.used = 0                   # Shapes' count of questions asked when it last answered one
        self.idle = 0                   # questions it may go unasked before it is dropped (Shapes.IDLE)

    def answer(self, values: tuple) -> list | None:
        """The shown atoms of question 0 with these values (split_key's), or None when one is
        outside the prepared domain.

        The externals are left free in the grounding and fixed per solve by assumptions, every
        one of them true or false, so the one model is the stratified program's (assigning them
        with assign_external instead costs ~0.1 ms per call: clingo updates the program)."""
        assumptions = self.assumptions.get(values, ())
        if assumptions == ():
            true = frozenset(value_facts(values))
            assumptions = None if not true <= self.literals.keys() else [
                literal if fact in true else -literal for fact, literal in self.literals.items()]
            if assumptions is not None and C_SOLVE:   # kept as clingo's own array: built once per values
                assumptions = (_ffi.new("clingo_literal_t[]", assumptions), len(assumptions))
            if len(self.assumptions) >= 256:   # bounded per Control (a few KB each)
                self.assumptions.clear()
            self.assumptions[values] = assumptions
        if assumptions is None:
            return None
        models = self._solve_c(*assumptions) if C_SOLVE else self._solve_py(assumptions)
        self.solves += 1
        if len(models) > 1:   # cannot happen for a stratified program with every external fixed
            raise AssertionError(f"{len(models)} models for one question")
        return models[0] if models else []

    def _solve_py(self, assumptions: list) -> list:
        # Models are taken from a yielding handle, not an on_model callback: the Control keeps
        # its last callback, which would tie it to this object in a cycle that only the garbage
        # collector (paused while a batch is answered) could free once the Control is evicted.
        models = []
        with self.control.solve(assumptions=assumptions, yield_=True) as handle:
            for model in handle:
                shown = model.symbols(shown=True)
                numbers = getattr(shown, "_p_symbols", None)   # clingo 5.5-5.8 hold the array
                models.append(self._atoms([symbol._rep for symbol in shown] if numbers is None else numbers))
        return models

    def _solve_c(self, assumptions, count: int) -> list:
        """_solve_py through clingo's C functions with no solve event handler (solve.shown_symbols:
        the same solve and model, ~10 µs less per question, and a Ctrl-C is raised here once
        clingo returns)."""
        return [self._atoms(numbers) for numbers in shown_symbols(self.control, assumptions, count)]

    def _atoms(self, numbers) -> list:
        # clingo interns symbols: a symbol's number (`_rep`) names one atom for the process's
        # lifetime, so the table maps it to the atom as read once by the decoder the fresh path
        # uses (terms.py). The numbers are read straight off the model's array, without making a
        # Symbol object per atom.
        decoded = self.decoded
        try:
            return [decoded[number] for number in numbers]
        except KeyError:
            new = [Symbol(number) for number in numbers if number not in decoded]
            for symbol, atom in zip(new, read_shown([str(Function("", new))]).get(0, [])):
                decoded[symbol._rep] = atom
            return [decoded[number] for number in numbers]


class Shapes:
    """The prepared structures of one knowledge base (held by a Reasoner).

    >>> from reasoner import Reasoner
    >>> reasoner = Reasoner(cache_size=0)
    >>> def host(mau): return {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": mau}}
    >>> sorted({reasoner.ask(host(mau)).status for mau in range(0, 1_000_000_000, 25_000_000)})
    ['depends', 'permitted']
    >>> reasoner.shapes.prepared, reasoner.shapes.answered   # the first 32 questions: afresh
    (1, 8)
    """

    # Preparing pays when structures come back. A question asked alone is prepared at once
    # while the structures prepared so far have been asked again at least once each on average
    # (reused >= prepared / REUSE_TO_STAY), and for the first WARM_UP preparations; its marginal
    # cost is small (the question is grounded anyway: ~2-4 ms more, with the first solve and the
    # eviction), a reuse saves ~9 ms. Half as many reuses let a run of questions that rarely
    # come back (issue 12's realistic mix) slow down as it went: 11 -> 21 ms per question over
    # 4,000 of them, against 11 -> 14 now. Otherwise, as in a batch, a structure is prepared
    # once `admit_after` of its questions have been asked: in a batch each costs ~2.5 ms of the
    # batch's one grounding, against ~10 ms to prepare and ~0.5 ms each after, so preparing pays
    # from about the sixth question on (a batch holding six prepares at once). Nothing is
    # prepared for the first EAGER_AFTER questions of all: a process that asks a handful (the
    # command line: a verdict and the 5-15 questions of its remedies) would pay for groundings
    # it never uses again. Measured on this machine: a fresh 3-artifact question ~8.5 ms,
    # preparing its structure about as much, a prepared question ~0.1 ms of clingo.
    WARM_UP = 16
    REUSE_TO_STAY = 1
    EAGER_AFTER = 32
    # A question with more artifacts is always grounded afresh: its grounding with every value
    # external could outgrow the atom budget (and the time and memory of a fresh one) before its
    # size is known, and a long lineage is asked about rarely enough to gain little.
    MAX_ARTIFACTS = 64
    # A structure that has answered none of the last IDLE questions asked is dropped when the
    # next one is prepared: what is kept is the structures in use, not every one met since the
    # start. A varied stream meets new structures for a long time (issue 12's realistic mix: 24
    # prepared over 6,000 questions, 9 of them never asked again and holding 15,600 of the
    # 21,000 atoms kept, ~1.5 KB each), and kept them all until `atoms` was full, tens of
    # thousands of questions on: memory grew ~5 MiB per 1,000 questions until then. A repeating
    # stream's structures come back long before (each of bench.py's 57 stack structures within
    # ~60 questions), and a structure dropped and asked again is prepared again.
    # Only under pressure, though: while the kept structures hold less than a sixteenth of `atoms`
    # (~9 MiB at the default), none is dropped for being idle. A stream that comes back to each of
    # a few small structures after more than IDLE questions (30 stacks asked in runs of 20, a CI
    # gate's order) re-prepared each on every return: 89 Controls instead of 30, 1.9x the CPU.
    # And a structure dropped for being idle and then prepared again is one that comes back: it
    # may then stay idle IDLE_RETURNING questions (a gate's stacks asked in turn are re-prepared
    # once each, not on every return).
    IDLE = 500
    IDLE_RETURNING = 4_000
    IDLE_PRESSURE = 16   # idle structures are dropped once they hold more than atoms / IDLE_PRESSURE

    def __init__(self, capacity: int = 64, admit_after: int = 6, atoms: int = 100_000,
                 start_after: int | None = None):
        """Keep at most `capacity` structures holding at most `atoms` ground atoms in all (about
        1.5 KB each: 100,000 is ~150 MiB; least recently used first out, and a structure larger
        than a quarter of it is never kept); prepare one once `admit_after` of its questions
        were asked (alone, sooner while preparing pays), and nothing for the first `start_after`
        questions (EAGER_AFTER by default). capacity 0 turns preparing off."""
        self.capacity = capacity
        self.admit_after = admit_after
        self.atoms = atoms
        self.start_after = self.EAGER_AFTER if start_after is None else start_after
        self._held = 0             # ground atoms of the structures kept
        self._too_large: set = set()   # structures found too large to keep (bounded)
        self._prepared: OrderedDict = OrderedDict()
        self._sightings: dict = {}
        self._dropped_idle: OrderedDict = OrderedDict()   # structures dropped for idleness (bounded)
        self._lock = _thread.allocate_lock()
        self.prepared = 0          # structures grounded so far (measures for tests and benchmarks)
        self.reused = 0            # questions answered by a structure prepared for an earlier one
        self.answered = 0          # questions answered from a prepared structure
        self._asked = 0            # questions offered
    def batch(self, keys: list) -> dict:
        """For a batch of questions, given as (Scene.key(), used license ids) pairs: how many of
        them each structure has (answer()'s `batch`)."""
        return Shapes.batch_of([(used, split_key(key)[0]) for key, used in keys])

    @staticmethod
    def batch_of(structures: list) -> dict:
        """batch() of questions given as their structures, (used license ids, split_key()[0])."""
        count: dict = {}
        for structure in structures:
            count[structure] = count.get(structure, 0) + 1
        return count

    @staticmethod
    def grouped(keys: list) -> list[int]:
        """The positions of a batch's questions (given as for batch()) with each structure's
        together, structures in the order first seen and each one's questions in batch order:
        solved so, a structure's Control is still in the CPU caches for its next question."""
        return Shapes.grouped_of([(used, split_key(key)[0]) for key, used in keys])

    @staticmethod
    def grouped_of(structures: list) -> list[int]:
        """grouped() of questions given as their structures (as for batch_of())."""
        groups: dict = {}
        for position, structure in enumerate(structures):
            groups.setdefault(structure, []).append(position)
        return [position for group in groups.values() for position in group]

    def answer(self, scene: Scene, key: tuple, used: tuple, fixed: tuple, batch: dict | None = None,
               split: tuple | None = None) -> list | None:
        """The shown atoms of question 0 for this scene (artifacts numbered from 0), or None when
        the caller must ground it afresh (not prepared yet, busy, or a value outside the domain).
        `key` is the scene's key(); `fixed` are the knowledge base's fact lists for the licenses
        the question uses (`used`); `batch`: batch()'s count for the caller's batch, which this
        call updates, or None for a question asked alone; `split`: split_key(key) when the caller
        has it (a batch splits each key once)."""
        if self.capacity <= 0 or len(scene.artifacts) > self.MAX_ARTIFACTS:
            return None
        structure, values = split_key(key) if split is None else split
        structure = (used, structure)
        with self._lock:
            self._asked += 1
            prepared = self._prepared.get(structure)
            if prepared is not None and (len(prepared.fixed) != len(fixed)
                                         or not all(a is b for a, b in zip(prepared.fixed, fixed))):
                prepared = None   # a license of the structure was replaced in the knowledge base
            if prepared is not None:
                self._prepared.move_to_end(structure)
                prepared.used = self._asked
            elif structure in self._too_large:
                return None
            else:
                # Sightings count questions; a batch's questions of the structure are counted
                # together at its first (its count in `batch` is then negated).
                in_batch = batch.get(structure, 1) if batch is not None else 1
                seen = self._sightings.get(structure, 0) + max(in_batch, 0)
                if batch is not None:
                    batch[structure] = -abs(in_batch)
                warm = self._asked > self.start_after
                eager = warm and batch is None and (self.prepared < self.WARM_UP
                                                     or self.reused * self.REUSE_TO_STAY >= self.prepared)
                if not eager and (seen < self.admit_after or not warm):
                    if len(self._sightings) >= 16 * max(self.capacity, 64):   # bounded: start counting again
                        self._sightings.clear()
                    self._sightings[structure] = seen
                    return None
                self._sightings.pop(structure, None)
        if prepared is None:
            prepared = _prepare(scene, fixed)
            with self._lock:
                self.prepared += 1
                if prepared.size * 4 > self.atoms:   # answered this once, then grounded afresh
                    if len(self._too_large) >= 4096:
                        self._too_large.clear()
                    self._too_large.add(structure)
                else:
                    old = self._prepared.pop(structure, None)
                    self._held += prepared.size - (old.size if old else 0)
                    self._drop_idle()
                    prepared.used = self._asked
                    returning = self._dropped_idle.pop(structure, None) is not None
                    prepared.idle = self.IDLE_RETURNING if returning else self.IDLE
                    self._prepared[structure] = prepared
                    while len(self._prepared) > self.capacity or self._held > self.atoms:
                        self._held -= self._prepared.popitem(last=False)[1].size
        if not prepared.lock.acquire(blocking=False):
            return None
        try:
            again = prepared.solves > 0
            atoms = prepared.answer(values)
        finally:
            prepared.lock.release()
        if atoms is not None:
            with self._lock:
                self.answered += 1
                self.reused += again
        return atoms

    def _drop_idle(self) -> None:
        """Drop the structures that answered none of the last IDLE questions asked, once the kept
        ones hold more than `atoms / IDLE_PRESSURE` ground atoms."""
        if self._held * self.IDLE_PRESSURE <= self.atoms:
            return
        for key in [key for key, kept in self._prepared.items() if self._asked - kept.used > kept.idle]:
            self._held -= self._prepared.pop(key).size
            self._dropped_idle[key] = True
            if len(self._dropped_idle) > 4 * max(self.capacity, 64):
                self._dropped_idle.popitem(last=False)

    def clear(self) -> None:
        """Drop every prepared structure and sighting."""
        with self._lock:
            self._prepared.clear()
            self._sightings.clear()
            self._too_large.clear()
            self._dropped_idle.clear()
            self._held = 0


def _prepare(scene: Scene, fixed: tuple, compact: bool = True) -> _Prepared:
    """Ground the rules once over a scene's structure: its facts as facts, every value an external.

    The values are declared as `#external` statements built as syntax trees from our own symbols
    (no text is parsed), not as backend atoms: gringo takes an atom added through the backend
    before grounding for a fact, so a rule such as `nh :- q(V), V >= 10` is instantiated for the
    first q(V) only (nh is then "known"), and a later value switched on would derive nothing
    (tests/test_shapes.py keeps the case)."""
    from clingo import ast   # not at import: a cold question never needs it (tests/test_cold_start.py)

    structure = [fact for fact in question_facts(scene, runs=False) if fact.name not in VALUE_PREDICATES]
    domain = value_domain(scene)
    written = _ground_program_file() if COMPACT and compact else None
    try:
        control = clingo.Control(["--warn=none"])
        if written is not None:   # the ground program goes to the file only: no solver is prepared here
            control.register_backend(clingo.BackendType.Aspif, written, replace=True)
        indexes = frozenset(fact_index(known) for known in (schema_facts(), *fixed))
        present = frozenset(f.name for f in structure) | VALUE_PREDICATES
        rule_statements(control, present, indexes)
        where = ast.Location(ast.Position("<values>", 1, 1), ast.Position("<values>", 1, 1))
        free = ast.SymbolicTerm(where, Function("free"))
        with ast.ProgramBuilder(control) as builder:
            for symbol in domain:
                builder.add(ast.External(where, ast.SymbolicAtom(ast.SymbolicTerm(where, symbol)), [], free))
        with control.backend() as backend:
            runs = add_fact_symbols(backend, itertools.chain(schema_facts(), *fixed, structure))
        if runs:   # a structure's facts are Symbols (question_facts with runs=False)
            raise TypeError("a structure was given runs of facts")
        control.ground([("base", [])], context=RuleFunctions())
        atoms = control.symbolic_atoms
        literals = {}
        for symbol in domain:
            atom = atoms[symbol]
            if atom is not None:   # (every declared external is kept; a missing one is outside the domain)
                literals[symbol] = atom.literal
        size = len(atoms)
        if written is None:
            return _Prepared(control, fixed, literals, size)
        del atoms
        # Freed now, not when the last reference goes: freeing the Control ends its output, and
        # only a whole program may be read back (a cut one could parse and lose rules).
        free_control(control)
        compact = _load_ground_program(written)
    finally:
        if written is not None:
            _remove(written)
    if compact is None:   # could not be read back (never seen): prepared as before
        return _prepare(scene, fixed, compact=False)
    return _Prepared(compact, fixed, literals, size)


# A prepared structure's Control is a copy of its grounding's ground program, read back from
# clingo's own aspif output (shown atoms and terms, rules, externals: program atoms keep their
# numbers, so the externals' literals are the grounding's), not the Control that grounded it.
# That Control also holds gringo's domains, every ground atom with its symbol (~1,500-2,000 for a
# 3-artifact stack), and a solve reads through its program builder: answering a batch's
# questions, which go from one structure's Control to another's, a solve took ~95-105 µs of
# mostly cache misses, against ~65-70 µs for the copy (56 structures round robin; ~50 vs ~42 µs
# hot), and the copy keeps ~7x fewer symbols. Preparing pays the write and the read (in C).
# The copy's model holds the same shown symbols, in another order; explain's answers do not
# depend on that order (tests/test_plan6.py shuffles them).
COMPACT = True
_COMPACTED = [0, 0]   # structures read back from their ground program, and those prepared as before


def _ground_program_file() -> str | None:
    """A new empty file for a grounding's aspif output, or None where there is none to be had
    (no temporary directory, or a clingo without aspif output)."""
    if not (hasattr(clingo, "BackendType") and hasattr(clingo.Control, "load_aspif")
            and hasattr(clingo.Control, "register_backend")
            and hasattr(clingo.Control, "__del__")):   # (freeing it is what ends the file)
        return None
    import os
    import tempfile   # not at import: a cold question prepares nothing
    try:
        handle, path = tempfile.mkstemp(prefix="can-i-", suffix=".aspif", dir=_private_directory(tempfile))
    except OSError:
        return None
    os.close(handle)
    return path


# The files are opened again by name (clingo writes the output, Python ends it, clingo reads it
# back), so they live in a directory of this process's own (mode 0700, mkdtemp), one per temporary
# directory in use: in a shared temporary directory without the sticky bit, another user could
# otherwise replace a file between two opens with a program of theirs (review 16). Removed at exit.
# Keyed by process id too: a forked copy of this process (a pre-forking server) makes its own, and
# inherits the parent's exit handlers, which remove only what their own process made (review 17:
# a forked child ending normally removed the directory its parent was still writing in).
# The directory is also removed as soon as its last file is (`_remove`), and made again for the next
# one: a process ended by SIGTERM runs no exit handler and left an empty can-i-* directory behind
# each time (review 17); a structure is prepared rarely, so the extra mkdtemp costs nothing that
# shows. One exit handler per key, not one per directory made, so a long process keeps no list.
_PRIVATE: dict = {}   # (process id, the temporary directory) -> that process's own directory in it


def _private_directory(tempfile) -> str:
    import os

    key = (os.getpid(), tempfile.gettempdir())
    own = _PRIVATE.get(key)
    if own is None or not os.path.isdir(own):
        if key not in _PRIVATE:
            import atexit

            atexit.register(_remove_directory, key)
        own = _PRIVATE[key] = tempfile.mkdtemp(prefix="can-i-")
    return own


def _remove_directory(key: tuple) -> None:
    """At exit: remove the directory this process made for `key`, if it is this process's."""
    import os
    import shutil

    if key[0] == os.getpid() and _PRIVATE.get(key):
        shutil.rmtree(_PRIVATE[key], ignore_errors=True)


def _load_ground_program(path: str) -> clingo.Control | None:
    """A Control holding the ground program of an aspif file written by a grounding (ended here:
    the step's end is written only when it is solved), or None if it cannot be read."""
    try:
        with open(path, "a", encoding="ascii") as file:
            file.write("0\n")
        control = clingo.Control(["--warn=none"])
        control.load_aspif([path])   # ground already: nothing is left to ground
    except (OSError, RuntimeError):
        _COMPACTED[1] += 1
        return None
    _COMPACTED[0] += 1
    return control


def _remove(path: str) -> None:
    """Remove an aspif file, and its private directory when it was the last file there."""
    import os

    try:
        os.unlink(path)
    except OSError:
        pass
    directory = os.path.dirname(path)
    if directory in _PRIVATE.values():
        try:
            os.rmdir(directory)   # fails while another file is still in it: removed with the last
        except OSError:
            pass
