"""The Python side of a warm question (issue 12): CPU time per 3-artifact question outside clingo,
split by phase. Not a test: it prints figures.

    python benchmarks/pyside.py [--questions 300] [--passes 5] [--batched]
    PYTHONPATH=/work/baseline python benchmarks/pyside.py   # the code before, for before/after

It asks `Reasoner(cache_size=0).ask(q)` for the 3-artifact stacks of benchmarks/bench.py
(`three_artifacts`), one by one (or `answer_each` with --batched), and times each phase with
`time.process_time` (CPU: steadier than wall on a shared machine) by wrapping the functions that
make it up: plan (`Reasoner._plan`: reading, completing, planning, the Scene and its key), facts
(`solve.question_facts`), clingo (`solve.run` less the decoding inside it), decode (`terms.parse`),
explain (`explain.explain`), result (the rest of `Reasoner._result` and `_with_profile`) and
to_json. "python" is everything but clingo: the whole ask less the clingo part. Each figure is the
median of the passes, with min-max, in ms per question.

With --replay, each phase is instead run on its own over the recorded inputs of all the questions,
back to back (warm CPU caches, collector off): what the phase costs without a clingo run between two
calls evicting the caches (in flow, one by one, phases cost ~2x this).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("CAN_I_BENCH_CODE", os.environ.get("PYTHONPATH", "").split(os.pathsep)[0]
                      or os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--batched", action="store_true", help="answer_each over the questions, not ask")
    parser.add_argument("--replay", action="store_true", help="each phase on its own, over recorded inputs")
    args = parser.parse_args(argv)
    saved = sys.argv
    sys.argv = [saved[0]]
    from bench import three_artifacts   # noqa: E402  (its STACKS; the path set above picks the code)
    sys.argv = saved
    from reasoner import api, solve   # noqa: E402
    from reasoner.response import Result   # noqa: E402

    spent: dict[str, float] = {}

    def timed(owner, name, phase):
        original = getattr(owner, name, None)
        if original is None:   # an older or newer engine without this step: not timed
            return

        def wrapper(*a, **k):
            started = time.process_time()
            try:
                return original(*a, **k)
            finally:
                spent[phase] = spent.get(phase, 0.0) + time.process_time() - started
        static = isinstance(getattr(owner, "__dict__", {}).get(name), staticmethod)
        setattr(owner, name, staticmethod(wrapper) if static else wrapper)

    timed(api.Reasoner, "_plan", "plan")
    timed(api, "question_facts", "facts")
    timed(api, "run", "run")
    timed(api.Reasoner, "_ground", "run")   # where `run` is called through it (batches grounded afresh)
    if hasattr(solve, "parse"):
        timed(solve, "parse", "decode")
    try:   # a question of a prepared structure (shapes.py): its clingo solve and the reading of its atoms
        from reasoner import shapes
        timed(shapes._Prepared, "answer", "prepared")
    except ImportError:
        pass
    timed(api, "explain", "explain")
    timed(api.Reasoner, "_result", "result+explain")
    timed(Result, "to_json", "to_json")
    import gc

    def collector(phase, info, began=[0.0]):   # the cyclic collector's time, from its callbacks
        if phase == "start":
            began[0] = time.process_time()
        else:
            spent["gc"] = spent.get("gc", 0.0) + time.process_time() - began[0]
    gc.callbacks.append(collector)

    rng = random.Random(12)
    stacks = [three_artifacts(rng, i) for i in range(args.questions)]
    if args.replay:
        return replay(stacks, args.passes)
    reasoner = api.Reasoner(cache_size=0)
    for q in stacks[:20]:
        reasoner.ask(q).to_json()
    if args.batched:   # warm: the stacks' structures prepared (shapes.py), as in a long-running process
        reasoner.answer_each(stacks)
    rows: dict[str, list[float]] = {}
    for _ in range(args.passes):
        spent.clear()
        started = time.process_time()
        if args.batched:
            answers = reasoner.answer_each(stacks)
        else:
            answers = [reasoner.ask(q) for q in stacks]
        for answer in answers:   # one by one, as a consumer of JSON Lines does (a list would keep them all)
            answer.to_json()
        total = time.process_time() - started
        clingo = spent.get("run", 0.0) - spent.get("decode", 0.0)
        figures = {
            "total": total, "clingo (run less decode)": clingo,
            "prepared (solve + atoms)": spent.get("prepared", 0.0),
            "python (total less both)": total - clingo - spent.get("prepared", 0.0), "gc": spent.get("gc", 0.0),
            "plan": spent.get("plan", 0.0), "facts": spent.get("facts", 0.0), "decode": spent.get("decode", 0.0),
            "explain": spent.get("explain", 0.0),
            "result less explain": spent.get("result+explain", 0.0) - spent.get("explain", 0.0),
            "to_json": spent.get("to_json", 0.0),
        }
        for name, seconds in figures.items():
            rows.setdefault(name, []).append(seconds * 1000 / len(stacks))
    load = os.getloadavg()
    print(f"{len(stacks)} 3-artifact questions, {'answer_each' if args.batched else 'ask one by one'}, "
          f"{args.passes} passes, CPU ms per question (median, min-max); load average {load[0]:.2f}")
    for name, values in rows.items():
        print(f"  {name:28} {statistics.median(values):7.3f}  ({min(values):.3f}-{max(values):.3f})")


def replay(stacks: list, passes: int) -> None:
    import gc

    from reasoner import api, solve

    reasoner = api.Reasoner(cache_size=0)
    texts, calls = [], []
    parse, explain = solve.parse, api.explain
    solve.parse = lambda text: texts.append(text) or parse(text)
    api.explain = lambda *a, **k: calls.append((a, k)) or explain(*a, **k)
    answers = [reasoner.ask(q) for q in stacks]
    solve.parse, api.explain = parse, explain
    plans = [reasoner._plan(q) for q in stacks]
    phases = {
        "plan": lambda: [reasoner._plan(q) for q in stacks],
        "facts": lambda: [solve.question_facts(question.scene, i, 0)
                          for plan in plans for i, question in enumerate(plan.scenes)],
        "decode": lambda: [parse(text) for text in texts],
        "explain": lambda: [explain(*a, **k) for a, k in calls],
        "to_json": lambda: [answer.to_json() for answer in answers],
    }
    enabled = gc.isenabled()
    gc.disable()
    try:
        load = os.getloadavg()
        print(f"{len(stacks)} 3-artifact questions, each phase replayed on its own, {passes} passes, CPU ms per "
              f"question (median, min-max); load average {load[0]:.2f}")
        for name, work in phases.items():
            values = []
            for _ in range(passes):
                started = time.process_time()
                work()
                values.append((time.process_time() - started) * 1000 / len(stacks))
            print(f"  {name:28} {statistics.median(values):7.3f}  ({min(values):.3f}-{max(values):.3f})")
    finally:
        if enabled:
            gc.enable()


if __name__ == "__main__":
    main()
