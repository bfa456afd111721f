"""explain + to_json, isolated: the inputs `explain` gets for 500 prepared requests (bench.py's
realistic mix and 3-artifact stacks, answer cache off) are recorded once, then explain and
to_json are timed over them (median of several runs, µs per answer).

    python benchmarks/explain_bench.py [--runs 9] [--count 500] [--profile]
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=builtin_eval \
        python benchmarks/explain_bench.py --count 100 --callgrind 3 [--to-json]
        (instructions of 3 passes of explain + to_json, or of to_json alone, over the answers)
    CAN_I_BENCH_CODE=DIR python benchmarks/explain_bench.py   (the reasoner package in DIR)
"""
from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

import os

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("CAN_I_BENCH_CODE", str(ROOT)))   # the reasoner package measured (bench.py --code)
sys.path.insert(0, str(CODE))
sys.argv, argv = sys.argv[:1], sys.argv[1:]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402

from reasoner import api  # noqa: E402
from reasoner.api import Reasoner  # noqa: E402


def recorded(count: int = 500):
    rng = random.Random(3)
    documents = bench.realistic_mix(count // 2) + [bench.three_artifacts(rng, i) for i in range(count - count // 2)]
    calls = []
    original = api.explain

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append((args, kwargs))
        return result

    api.explain = recording
    try:
        Reasoner(cache_size=0, solver_processes=0).answer_each(documents)
    finally:
        api.explain = original
    return calls


def main() -> None:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 9
    calls = recorded(int(argv[argv.index("--count") + 1]) if "--count" in argv else 500)
    from reasoner.explain import explain
    import reasoner
    print(f"code: {Path(reasoner.__file__).parent}; load average {os.getloadavg()[0]:.1f}")

    def explain_only():
        return [explain(*a, **k) for a, k in calls]

    def both():
        for a, k in calls:
            explain(*a, **k).to_json()

    results = explain_only()
    def json_only():
        for r in results:
            r.to_json()

    if "--callgrind" in argv:   # under valgrind --tool=callgrind --collect-atstart=no --toggle-collect=builtin_eval
        loops = int(argv[argv.index("--callgrind") + 1])
        eval("[work() for _ in range(loops)]", {"work": json_only if "--to-json" in argv else both, "loops": loops})
        return
    if "--profile" in argv:
        import cProfile
        import pstats
        cProfile.runctx("for _ in range(5): both()", globals(), locals(), "/tmp/explain9.prof")
        pstats.Stats("/tmp/explain9.prof").sort_stats("tottime").print_stats(30)
        return
    figures = {}
    gc.collect()
    for name, fn in (("explain", explain_only), ("to_json", json_only), ("explain+to_json", both)):
        fn()
        samples, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            samples.append((time.perf_counter() - start) / len(calls) * 1e6)
            cpu.append((time.process_time() - start_cpu) / len(calls) * 1e6)
        figures[name] = samples
        print(f"{name:16} median {statistics.median(samples):7.1f} µs/answer (min {min(samples):.1f}, "
              f"max {max(samples):.1f}; CPU median {statistics.median(cpu):.1f}) over {len(calls)} answers, {runs} runs")
    sizes = [len(json.dumps(r.to_json())) for r in results]
    print(f"answers: {len(results)}, mean document {statistics.mean(sizes):.0f} bytes")


if __name__ == "__main__":
    main()
