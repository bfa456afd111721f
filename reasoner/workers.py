"""Batches of questions grounded in solver processes that are replaced after a while.

Why: clingo interns every symbol a grounding makes in a table that lives as long as the process
(clingo 5.8 never frees one). A batch numbers its questions' artifacts by their position in the
batch, so a stream of questions whose structures do not repeat keeps making symbols that no
earlier batch made (the same license and rule at another artifact number): a long
`iter_answers` over realistic requests grew by ~16 MiB per 1,000 requests, without end. A
batch grounded in a child process makes those symbols there, and the child is replaced after
TASKS_PER_CHILD batches, so they die with it. The parent reads the answers from text
(terms.py) and makes no clingo symbol for them; the question facts are built in the child
too, from the pickled scenes.

A second effect: while children ground the next batches, this process plans and explains, so a
machine with two cores does both at once (`Reasoner._answers` keeps that many batches started).

Only batches of several small questions go to a child (`Solvers.submit`), and only once this
process has grounded START_AFTER questions in batches itself: a short run (one question, a
small JSON Lines file) never starts a process. Where no child can be started (not POSIX, no
usable `sys.executable`, a child that does not answer its first message) batches are grounded
in this process as before, and `Solvers.failed` says why. Answers are the same either way: the
child runs the same `solve.batch_facts` and `solve.shown_texts`.

A child is `python -c "... serve()"` (this package's folder first on its path, the working
directory not on it), started with `subprocess` (not multiprocessing, whose
"spawn" re-imports the parent's main script, and whose "fork" copies a process that may hold
other threads' locks). It reads length-prefixed pickles on stdin and writes them on stdout, one
task at a time; it ends at the end of its input, so it ends with its parent.
"""

from __future__ import annotations

import os
import sys
import _thread   # threading's own locks, without importing threading (~0.5 ms of a cold start)
import weakref

# Questions grounded in batches in this process before batches go to children: ~32 MiB of
# interned symbols at most, and no process started for runs that ask fewer.
START_AFTER = 2_000
# Batches a child grounds before it is replaced: ~2,000 realistic questions, ~32 MiB of symbols;
# starting one costs ~0.1 s of its own CPU, a few percent of what those batches cost.
TASKS_PER_CHILD = 20
# Children at most; the parent plans and explains beside them.
CHILDREN = 2
# Seconds a new child has to say it is ready (importing clingo and the rules) before children
# are given up for this Reasoner.
READY_WITHIN = 30.0

# Seconds between checks that a child owing an answer is not stopped (Child.answering).
_CHECK_EVERY = 1.0
_HEADER = 8   # bytes of a message's length, little-endian, before the message (a pickle)
_READY = b"can-i solver ready"


def _pack(value) -> bytes:
    import pickle   # here, not at the top: a cold question never sends anything

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _send(stream, data: bytes) -> None:
    stream.write(len(data).to_bytes(_HEADER, "little"))
    stream.write(data)
    stream.flush()


def _write(stream, value) -> None:
    _send(stream, _pack(value))


class _Unreadable(Exception):
    """A message that is not one: the other side is gone or is not a solver process."""


def _read(stream):
    """The next message; _Unreadable when the other side is gone or says something else."""
    import pickle

    header = stream.read(_HEADER)
    if len(header) < _HEADER:
        raise _Unreadable("the other side ended")
    size = int.from_bytes(header, "little")
    data = stream.read(size)
    if len(data) < size:
        raise _Unreadable("the other side ended in a message")
    try:
        return pickle.loads(data)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means the same
        raise _Unreadable(f"an unreadable message ({type(exc).__name__})") from None


# --- the child ---------------------------------------------------------------------------------

_READ: dict[int, tuple] = {}   # in a child: the license fact lists it was sent, each read once


def _fixed(key: int, text: str) -> tuple:
    known = _READ.get(key)
    if known is None:
        from clingo import parse_term

        known = _READ[key] = tuple(parse_term(text).arguments) if text != "()" else ()
    return known


def ground_in_child(fixed: tuple[tuple[int, str], ...], scenes: list) -> tuple[list[str], list[int]]:
    """What a child does with a batch: the shown atoms' texts and each question's first
    artifact number (the parent's `solve.run` for the same batch, up to reading the texts)."""
    from .solve import batch_facts, shown_texts

    facts, offsets = batch_facts(tuple(_fixed(key, text) for key, text in fixed), scenes)
    return list(shown_texts(facts)), offsets


def serve(source=None, sink=None) -> None:
    """A child's loop: a task in, its answer out, until the input ends."""
    source = source or sys.stdin.buffer
    sink = sink or sys.stdout.buffer
    from . import solve  # noqa: F401  (imported before saying ready: the first task is then not slower)

    _write(sink, _READY)
    while True:
        try:
            number, fixed, scenes = _read(source)
        except (_Unreadable, TypeError, ValueError):
            return
        try:
            answer = (number, "ok", ground_in_child(fixed, scenes))
        except Exception as exc:  # noqa: BLE001 - the parent raises it as its own run would
            answer = (number, "error", f"{type(exc).__name__}: {exc}")
        _write(sink, answer)


# --- the parent --------------------------------------------------------------------------------

class _Child:
    """One solver process and the tasks sent to it whose answers are not read yet."""

    def __init__(self, process):
        self.process = process
        self.waiting: list["_Answers"] = []   # sent, answer not read yet, oldest first
        self.tasks = 0
        self.broken = False   # its pipes may hold part of a message: never read or written again

    def take_answer(self) -> None:
        """Read the oldest waiting task's answer into it."""
        task = self.waiting[0]
        if not self.answering():
            self.break_off("a solver process was stopped (SIGSTOP) while it owed an answer")
            return
        try:
            reply = _read(self.process.stdout)
        except (_Unreadable, OSError) as exc:
            reply = (task.number, "lost", f"a solver process ended without answering ({exc})")
        except BaseException:
            # Interrupted (KeyboardInterrupt) with the answer unread or half read: the next
            # answer read from this pipe would be this one, given to another batch.
            self.break_off()
            raise
        if not (isinstance(reply, tuple) and len(reply) == 3 and reply[0] == task.number):
            self.break_off("a solver process answered another task")
            return
        self.waiting.pop(0)
        task.reply = reply[1:]

    def answering(self) -> bool:
        """Wait until the child's next answer begins (or it ends: the read then says so); False
        if it is found stopped meanwhile (SIGSTOP, a debugger), which would hang this process
        and every thread waiting for the lock. No time bound: a batch may take long."""
        import select

        while not select.select([self.process.stdout], [], [], _CHECK_EVERY)[0]:
            if self.process.poll() is None and _stopped(self.process.pid):
                return False
        return True

    def break_off(self, why: str = "a solver process was interrupted in a message") -> None:
        """Never read or write this child again (a message was cut short, or an answer is not
        the one awaited): end it; its waiting tasks are grounded by their callers."""
        self.broken = True
        for task in self.waiting:
            task.reply = ("broken", why)
        self.waiting.clear()
        try:
            self.process.kill()
        except OSError:
            pass

    def stop(self) -> None:
        """Let it end: it reads the end of its input once the answers sent are read."""
        while self.waiting:
            self.take_answer()
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.stdout.close()
        self.process.wait()


class Solvers:
    """The children that ground batches for one Reasoner (started when first needed).

    `submit` gives the pending answers of a batch (`.result()`: answers by question number and
    first artifact numbers, as `solve.run` and `batch_facts` give), or None when the batch is to
    be grounded in this process."""

    def __init__(self, children: int = CHILDREN, start_after: int = START_AFTER,
                 tasks_per_child: int = TASKS_PER_CHILD):
        self.children = children
        self.start_after = start_after
        self.tasks_per_child = tasks_per_child
        self.grounded_here = 0            # questions grounded in batches in this process
        self.started = 0                  # children started, all told
        self.failed: str | None = None    # why children are not used (then never tried again)
        self._running: list[_Child] = []
        self._turn = 0
        self._texts: dict[int, tuple] = {}   # id(fact list) -> (the list, key, its text or None)
        self._keys = 0
        self._sent = 0                    # tasks sent, all told: each answer names its task
        self._lock = _thread.RLock()   # close() is called with it held (a child found dead)

    @property
    def parallel(self) -> int:
        """How many batches may be ground beside this process's own work now (0: none)."""
        return len(self._running) and self.children

    def submit(self, fixed: tuple, scenes: list):
        """The pending answers of a batch from a child, or None: ground it here (it is counted)."""
        from .solve import RUNS_FROM

        if (self.children <= 0 or self.failed or len(scenes) < 2
                or any(len(scene.artifacts) >= RUNS_FROM for scene in scenes)):
            return None
        with self._lock:
            if not self._running and self.grounded_here < self.start_after:
                self.grounded_here += len(scenes)
                return None
            texts = self._fixed_texts(fixed)
            child = None if texts is None else self._child()
            if child is None:
                return None
            self._sent += 1
            task = _Answers(self, child, self._sent)
            try:
                data = _pack((task.number, texts, scenes))
            except Exception:  # noqa: BLE001 - a value pickle cannot carry (an embedder's own str class)
                return None
            try:
                _send(child.process.stdin, data)
                child.waiting.append(task)
            except (OSError, ValueError) as exc:
                self._give_up(f"a solver process stopped reading ({exc})")
                return None
            except BaseException:   # interrupted: part of a task, or a task nobody waits for, was sent
                child.break_off()
                raise
            child.tasks += 1
            return task

    def _child(self) -> _Child | None:
        """A child with no task waiting (the oldest answer is read if all are busy), replacing
        one that has had its TASKS_PER_CHILD; None if none can be started."""
        while len(self._running) < self.children:
            child = self._start()
            if child is None:
                if not self._running:
                    return None
                break
            self._running.append(child)
        idle = [i for i, child in enumerate(self._running) if not child.waiting]
        # An idle child if there is one, else the next in turn (whose answer is the oldest).
        self._turn = idle[0] if idle else (self._turn + 1) % len(self._running)
        child = self._running[self._turn]
        if child.tasks >= self.tasks_per_child or child.broken:   # its symbols are dropped with it
            child.stop()
            fresh = self._start()
            if fresh is None:
                self._running.remove(child)
                return self._child() if self._running else None
            self._running[self._turn] = child = fresh
        while child.waiting:   # one task at a time: a big answer never blocks a big task
            child.take_answer()
        return child

    def _start(self) -> _Child | None:
        if os.name != "posix" or not sys.executable:
            self.failed = "solver processes need a POSIX system and sys.executable"
            return None
        import select
        import subprocess

        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        # `-c`, not `-m reasoner.workers`: both put the working directory first on the child's
        # path, and a `reasoner/` (another can-i's checkout) or a `clingo.py` there would be the
        # code that answers. This package's folder takes its place instead.
        start = ("import sys\n"
                 "if sys.path[:1] == ['']: del sys.path[0]\n"
                 f"sys.path.insert(0, {package!r})\n"
                 "from reasoner.workers import serve\n"
                 "serve()\n")
        # The parent's interpreter flags too (as multiprocessing passes them): a parent run with
        # -I or -E ignores PYTHONPATH and the user's site, and so must its children.
        flags = getattr(subprocess, "_args_from_interpreter_flags", list)()
        try:
            process = subprocess.Popen([sys.executable, *flags, "-c", start], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            self.failed = f"no solver process could be started ({exc})"
            return None
        try:
            ready = select.select([process.stdout], [], [], READY_WITHIN)[0]
            said = _read(process.stdout) if ready else None
        except (_Unreadable, OSError):
            said = None
        except BaseException:   # interrupted while it starts: it is no one's, end it
            process.kill()
            process.wait()
            raise
        if said != _READY:
            process.kill()
            process.wait()
            self.failed = f"a solver process ({sys.executable}, reasoner.workers) did not start"
            return None
        if not self.started:   # the children end when this Reasoner is dropped, too
            weakref.finalize(self, _stop, self._running)
            _OPEN.add(self)
        self.started += 1
        return _Child(process)

    def _fixed_texts(self, fixed: tuple) -> tuple | None:
        """(key, text) of each license fact list, made once per list. None if a list does not
        read back as itself (a term the text cannot carry): such a batch is grounded here."""
        texts = []
        for facts in fixed:
            known = self._texts.get(id(facts))
            if known is None or known[0] is not facts:
                if len(self._texts) >= 4096:   # many knowledge bases built and dropped: start over
                    self._texts.clear()
                known = self._texts[id(facts)] = (facts, self._keys, _readable(facts))
                self._keys += 1
            if known[2] is None:
                return None
            texts.append((known[1], known[2]))
        return tuple(texts)

    def _give_up(self, why: str) -> None:
        self.failed = why
        self.close()

    def close(self) -> None:
        """Stop the children (they also stop when this Reasoner is dropped or this process ends)."""
        with self._lock:
            _stop(self._running)


class _Answers:
    """A child's answers to one batch, read when asked for (`result`)."""

    def __init__(self, solvers: Solvers, child: _Child, number: int):
        # Weakly: a task left waiting in a child (a generator abandoned half-way) must not keep
        # its Solvers alive through the finalizer's list of children, which would then never end.
        self.solvers = weakref.ref(solvers)
        self.lock = solvers._lock
        self.child = child
        self.number = number
        self.reply = None

    def result(self) -> tuple[dict, list[int]]:
        """Answers by question number and the first artifact numbers; raises RuntimeError if
        the child failed (the batch is then grounded in this process by the caller)."""
        from .solve import read_shown

        if self.reply is None:
            with self.lock:
                while self.reply is None and self in self.child.waiting:
                    self.child.take_answer()
        kind, value = self.reply or ("lost", "a solver process was stopped before answering")
        if kind != "ok":
            solvers = self.solvers()
            if kind == "lost" and solvers is not None:
                solvers._give_up(value)
            raise ChildFailed(value)
        shown, offsets = value
        self.reply = None
        return read_shown(shown, offsets), offsets


class ChildFailed(RuntimeError):
    """A solver process could not answer a batch."""


def process_state(pid: int) -> bytes | None:
    """A process's state letter in Linux's /proc (R, S, T stopped, Z ended and not waited for,
    ...), or None where it cannot be read (no such process, or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _stopped(pid: int) -> bool:
    return process_state(pid) in (b"T", b"t")


def _readable(facts) -> str | None:
    """The text of a fact list, if clingo reads it back as the same list (one parse_term)."""
    from clingo import Function, parse_term

    facts = list(facts)
    text = str(Function("", facts))
    try:
        read = list(parse_term(text).arguments) if facts else []
    except RuntimeError:
        return None
    return text if read == facts else None


def _stop(running: list) -> None:
    children = running[:]
    running.clear()
    for child in children:
        child.stop()


_OPEN: "weakref.WeakSet[Solvers]" = weakref.WeakSet()


def _after_fork() -> None:
    """In a forked copy of this process (multiprocessing's fork, a pre-forking server): the
    children are the parent's. Writing to them or reading from them here would take the
    parent's answers (and give it ours, numbered alike), so they are forgotten: this copy's ends
    of their pipes closed (unflushed: they would not end with the parent otherwise), nothing read,
    written or waited for. This copy starts its own children when it needs them."""
    for solvers in list(_OPEN):
        solvers._lock = _thread.RLock()   # another thread may have held it at the fork
        for child in solvers._running:
            for task in child.waiting:
                task.reply = ("broken", "a solver process of the process this one was forked from")
            child.waiting.clear()
            child.broken = True
            for stream in (child.process.stdin, child.process.stdout):
                try:
                    stream.raw.close()
                except (OSError, ValueError, AttributeError):
                    pass
        solvers._running.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def close_all() -> None:
    """Stop every Reasoner's children: before os._exit, which skips closing their pipes
    (fast.py); they would end anyway once this process is gone."""
    for solvers in list(_OPEN):
        solvers.close()


if __name__ == "__main__":
    serve()
