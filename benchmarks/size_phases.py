"""Where a big question's memory goes, phase by phase (issue 12, item 4). Not a test: it prints
each phase's CPU, its resident memory before -> after, and its own peak (VmHWM, reset when the
phase starts through /proc/self/clear_refs: Linux only; a phase holding others, indented under
it, shows the peak since its last inner phase began). With `tracemalloc`, also the Python heap's
growth and peak in each phase (much slower).

    python benchmarks/size_phases.py deep 100000      # benchmarks/size.py's deep chain
    python benchmarks/size_phases.py merge 100000     # ... and its upstream merge
    python benchmarks/size_phases.py bench 100000     # bench.py's lineage (apache at every step)
    python benchmarks/size_phases.py deep 100000 tracemalloc
    PYTHONPATH=/work/baseline python benchmarks/size_phases.py deep 100000   # another checkout
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import clingo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import size  # noqa: E402  (benchmarks/size.py: the shapes)

from reasoner import api, solve  # noqa: E402

TRACING = "tracemalloc" in sys.argv[3:]
if TRACING:
    import tracemalloc

ROWS: list[str] = []
_DEPTH = [0]


def memory() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in MiB."""
    values = {}
    for line in open("/proc/self/status"):
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":")
            values[key] = int(value.split()[0]) // 1024
    return values


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def measured(owner, name: str, label: str) -> None:
    """Replace owner.name with a wrapper that adds a row for each call (nested calls indented)."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        before = memory()["VmRSS"]
        reset_peak()
        started = time.process_time()
        if TRACING:
            tracemalloc.reset_peak()
            traced = tracemalloc.get_traced_memory()[0]
        _DEPTH[0] += 1
        try:
            return original(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
            after, cpu = memory(), time.process_time() - started
            heap = ""
            if TRACING:
                current, peak = tracemalloc.get_traced_memory()
                heap = f", Python heap +{(current - traced) / 2**20:.0f} (peak +{(peak - traced) / 2**20:.0f}) MiB"
            ROWS.append(f"{'  ' * _DEPTH[0]}{label:22s} CPU {cpu:5.2f} s, RSS {before} -> {after['VmRSS']} MiB, "
                        f"peak {after['VmHWM']} MiB{heap}")

    static = isinstance(getattr(owner, "__dict__", {}).get(name), staticmethod)
    setattr(owner, name, staticmethod(wrapper) if static else wrapper)


def bench_lineage(n: int) -> dict:
    """bench.py's lineage: Llama 3 at the root, apache-2.0 on every model after it, distributed."""
    artifacts = [{"id": "m0", "license": "llama3", "family": "llama"}]
    artifacts += [{"id": f"m{i}", "derived_from": [{"id": f"m{i - 1}", "relation": "finetune"}],
                   "license": "apache-2.0"} for i in range(1, n)]
    return {"artifacts": artifacts, "subject": f"m{n - 1}", "use": {"acts": ["distribute"], "mau": 5}}


def main(argv: list[str]) -> None:
    shape, n = argv[0], int(argv[1])
    for owner, name, label in ((api.Reasoner, "_plan", "plan"), (api.Reasoner, "_ground", "ground (all)"),
                               (solve, "question_facts", "question_facts"), (solve, "add_facts", "add_facts"),
                               (clingo.Control, "ground", "clingo ground"), (clingo.Control, "solve", "clingo solve"),
                               (solve, "read_shown", "decode"), (api.Reasoner, "_result", "result (explain)"),
                               (api, "explain", "explain")):
        measured(owner, name, label)
    reasoner = api.Reasoner(cache_size=0)
    reasoner.ask({"licenses": ["llama3", "mit"], "use": {"acts": ["use"]}})   # load what a question loads
    ROWS.clear()
    doc = {"deep": lambda: size.deep(n), "merge": lambda: size.merge(n, mine=False),
           "bench": lambda: bench_lineage(n)}[shape]()
    print("request document made:", memory())
    if TRACING:
        tracemalloc.start()
    reset_peak()
    started = time.process_time()
    answer = reasoner.ask(doc)
    print("\n".join(ROWS))
    print(f"{answer.status}: CPU {time.process_time() - started:.2f} s; VmHWM is the last phase's peak: {memory()}")


if __name__ == "__main__":
    main(sys.argv[1:])
