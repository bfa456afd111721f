"""The clingo side of a question, stage by stage (issue 12: grounding, reading answers back,
streaming, no decay). Every figure is a median of CPU time (time.process_time) beside wall time,
so that a loaded machine still gives comparable numbers.

    python benchmarks/engine.py [--quick]            # this checkout
    PYTHONPATH=/path/to/old/code python benchmarks/engine.py   # the same figures for older code

Requests are benchmarks/bench.py's `three_artifacts` (a base model, a third-party fine-tune and the
user's model), answer cache off.
"""

from __future__ import annotations

import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import reasoner  # noqa: E402  (first: bench.py puts this checkout on sys.path, PYTHONPATH must win)
from reasoner import Reasoner  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from bench import three_artifacts  # noqa: E402

QUICK = "--quick" in sys.argv


def median_ms(samples) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms (min {min(samples) * 1000:.2f}, max {max(samples) * 1000:.2f})"


def clock():
    return time.process_time(), time.perf_counter()


def since(start) -> tuple[float, float]:
    cpu, wall = clock()
    return cpu - start[0], wall - start[1]


def one_by_one(engine: Reasoner, questions: list) -> None:
    cpu, wall = [], []
    for question in questions:
        start = clock()
        engine.ask(question)
        c, w = since(start)
        cpu.append(c)
        wall.append(w)
    print(f"one at a time ({len(questions)}): CPU {median_ms(cpu)}, wall {median_ms(wall)}; "
          f"{1 / statistics.median(cpu):,.0f} q/s by CPU median")


def batched(engine: Reasoner, questions: list, rounds: int) -> None:
    cpu, wall = [], []
    for _ in range(rounds):
        start = clock()
        engine.ask_many(questions)
        c, w = since(start)
        cpu.append(c / len(questions))
        wall.append(w / len(questions))
    print(f"ask_many of {len(questions)}, per question over {rounds} rounds: CPU {median_ms(cpu)}, wall "
          f"{median_ms(wall)}; {1 / statistics.median(cpu):,.0f} q/s by CPU median")


def stages(engine: Reasoner, questions: list) -> None:
    """Where one question's time goes (CPU medians)."""
    from reasoner import api, solve

    times: dict[str, list[float]] = {}

    def timed(name, fn, *args):
        start = time.process_time()
        out = fn(*args)
        times.setdefault(name, []).append(time.process_time() - start)
        return out

    original_run = api.run
    statements_for = getattr(solve, "statements_for", None)

    def run(facts, statistics=None):
        import clingo
        from clingo import ast
        start = time.process_time()
        control = clingo.Control(["--warn=none"])
        if statements_for:
            present = frozenset(symbol.name for symbol in [*solve.schema_facts(), *facts])
            statements = statements_for(present)
        else:
            statements = solve._rules()
        with ast.ProgramBuilder(control) as builder:
            for statement in statements:
                builder.add(statement)
        with control.backend() as backend:
            for symbol in [*solve.schema_facts(), *facts]:
                backend.add_rule([backend.add_atom(symbol)])
        times.setdefault("new Control, add statements and facts", []).append(time.process_time() - start)
        timed("ground", control.ground, [("base", [])], solve._Context())
        shown = []
        timed("solve, copy shown symbols", control.solve, None, None, lambda m: shown.extend(m.symbols(shown=True)))
        start = time.process_time()
        del control
        times.setdefault("free Control", []).append(time.process_time() - start)
        return original_run(facts, statistics)   # the real decode, timed by the caller's total

    for question in questions:
        plan = timed("plan (request reading, catalog, OR choices)", engine._plan, question)
        api.run = run
        try:
            start = time.process_time()
            engine._solve(plan.scenes)
            times.setdefault("_solve total (incl. a second full clingo run)", []).append(time.process_time() - start)
        finally:
            api.run = original_run
        solved_once = timed("_solve (clingo run + decode)", engine._solve, plan.scenes)
        timed("explain (_result)", engine._result, plan, solved_once)
    for name, samples in times.items():
        print(f"  {name:48s} {statistics.median(samples) * 1000:7.3f} ms CPU")


def decay(engine: Reasoner, count: int) -> None:
    rng = random.Random(11)
    cpu = []
    for index in range(count):
        question = three_artifacts(rng, index)
        start = time.process_time()
        engine.ask(question)
        cpu.append(time.process_time() - start)
    early, late = cpu[50:150], cpu[-100:]
    print(f"decay over {count:,} questions one at a time: questions 50-150 CPU median "
          f"{statistics.median(early) * 1000:.2f} ms, last 100 {statistics.median(late) * 1000:.2f} ms "
          f"(ratio {statistics.median(late) / statistics.median(early):.2f})")


def streaming(engine: Reasoner, count: int) -> None:
    if not hasattr(engine, "iter_answers"):
        print("streaming: no iter_answers in this code")
        return
    rng = random.Random(12)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = clock()
    answered = 0
    for _ in engine.iter_answers(three_artifacts(rng, i) for i in range(count)):
        answered += 1
    c, w = since(start)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"iter_answers over {count:,} generated requests: {count / c:,.0f} q/s by CPU ({count / w:,.0f} by wall); "
          f"peak RSS {after / 1024:.0f} MiB (grew {(after - before) / 1024:.0f} MiB during the run)")


def main() -> None:
    print(f"code: {Path(reasoner.__file__).parent}")
    engine = Reasoner(cache_size=0)
    rng = random.Random(5)
    questions = [three_artifacts(rng, i) for i in range(400)]
    engine.ask_many(questions[:20])
    gc.collect()
    one_by_one(engine, questions[:60 if QUICK else 200])
    batched(engine, questions, 2 if QUICK else 5)
    print("one question, by stage (CPU medians):")
    stages(engine, questions[:30 if QUICK else 100])
    decay(Reasoner(cache_size=0), 1_000 if QUICK else 4_000)
    if "--stream" in sys.argv:
        streaming(engine, int(sys.argv[sys.argv.index("--stream") + 1]))


if __name__ == "__main__":
    main()
