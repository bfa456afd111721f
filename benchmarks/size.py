"""Size benchmark (issue 12, item 4): one very large question at a time, each run in a fresh
process, with the time split between reading and planning it (Python), solving it (clingo and
the facts fed to it) and explaining the answer. Not a test: it prints figures.

    python benchmarks/size.py                  # every shape, median of 3 runs
    python benchmarks/size.py deep --runs 5    # shapes whose name contains a word
    PYTHONPATH=/work/baseline python benchmarks/size.py   # another checkout, for before/after

Shapes (the issue's targets: ≤ 5 s and ≤ 300 MiB for the first two):
- deep-100000: 100,000 upstream fine-tunes of Llama 3 in a chain, the user's model at the end,
  hosted at 800M users (tests/test_size.py's `chain`);
- merge-100000: an upstream model merging 100,000 MIT models, fine-tuned by the user and hosted;
- own-merge-100000: the user's own model merging 100,000 parents: 100,000 acts, past MAX_ACTS,
  so a limit error, raised before anything is solved;
- wide-100000: 100,000 artifacts beside a subject with no lineage;
- relabelled-100000: bench.py's lineage, every fine-tune of Llama 3 relabelled Apache-2.0 and the
  last distributed: one risk per relabelled model in the answer.

Each figure is the median of the runs with min–max: wall and CPU seconds (CPU is the steadier on a
shared machine), CPU per phase (plan = read, complete, check and plan; solve; result = explain),
the part of CPU the cyclic garbage collector took, and peak resident memory (VmHWM).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r'''
import gc, json, sys, time
from reasoner import api
from reasoner.errors import CanIError

doc = json.load(open(sys.argv[1]))
phases = {}
def timed(name):
    original = getattr(api.Reasoner, name, None)
    if original is None:          # another checkout may name its steps otherwise
        return
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            phases[name.strip("_")] = phases.get(name.strip("_"), 0) + time.process_time() - started
    setattr(api.Reasoner, name, wrapper)
for name in ("_plan", "_solve", "_result"):
    timed(name)
collecting = [0.0, 0.0]
def collector(phase, info):
    if phase == "start":
        collecting[1] = time.process_time()
    else:
        collecting[0] += time.process_time() - collecting[1]
reasoner = api.Reasoner(cache_size=0)
reasoner.ask({"licenses": ["llama3", "mit"], "use": {"acts": ["use"]}})   # load what a question loads
phases.clear()
gc.callbacks.append(collector)
wall, cpu = time.perf_counter(), time.process_time()
try:
    answer = reasoner.ask(doc).status
except CanIError as exc:
    answer = f"{exc.code}: {exc.message[:60]}"
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(json.dumps({"answer": answer, "wall": wall, "cpu": cpu, "gc": collecting[0], "peak_mib": peak, **phases}))
'''


def deep(n: int) -> dict:
    """m0 (Llama 3) <- m1 <- … <- mN, every model upstream, the user's own the last, hosted at 800M
    (tests/test_pypath.py bounds the work of these shapes)."""
    artifacts = [{"id": "m0", "license": "llama3", "family": "llama"}]
    for i in range(1, n + 1):
        artifact = {"id": f"m{i}", "derived_from": [{"id": f"m{i - 1}", "relation": "finetune"}]}
        if i == n:
            artifact["mine"] = True
        else:
            artifact["license"] = "llama3"
        artifacts.append(artifact)
    return {"artifacts": artifacts, "subject": f"m{n}",
            "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}}


def merge(n: int, mine: bool) -> dict:
    """A model merging n MIT parents: the user's own (n acts), or an upstream one the user hosts."""
    artifacts = [{"id": f"p{i}", "license": "mit"} for i in range(n)]
    edges = [{"id": f"p{i}", "relation": "merge"} for i in range(n)]
    if mine:
        artifacts.append({"id": "me", "mine": True, "derived_from": edges})
    else:
        artifacts.append({"id": "merged", "license": "mit", "derived_from": edges})
        artifacts.append({"id": "me", "mine": True, "derived_from": [{"id": "merged", "relation": "finetune"}]})
    return {"artifacts": artifacts, "subject": "me", "use": {"acts": ["host"]}}


def relabelled(n: int) -> dict:
    """bench.py's lineage: m0 (Llama 3) <- m1 <- … <- m(n-1), every fine-tune relabelled Apache-2.0,
    the last distributed at 5 users: one risk per relabelled model, both licenses bind every link."""
    artifacts = [{"id": "m0", "license": "llama3", "family": "llama"}]
    artifacts += [{"id": f"m{i}", "derived_from": [{"id": f"m{i - 1}", "relation": "finetune"}], "license": "apache-2.0"}
                  for i in range(1, n)]
    return {"artifacts": artifacts, "subject": f"m{n - 1}", "use": {"acts": ["distribute"], "mau": 5}}


def wide(n: int) -> dict:
    return {"artifacts": [{"id": f"org/model-{i}", "license": "mit"} for i in range(n)],
            "subject": "org/model-99", "use": {"acts": ["use", "distribute"]}}


SHAPES = {
    "deep-100000": lambda: deep(100_000),
    "merge-100000": lambda: merge(100_000, mine=False),
    "own-merge-100000": lambda: merge(100_000, mine=True),
    "wide-100000": lambda: wide(100_000),
    "relabelled-100000": lambda: relabelled(100_000),
    "deep-10000": lambda: deep(10_000),
}


def spread(values: list[float], unit: str = "", digits: int = 2) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}{unit}"
    return f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main(argv: list[str]) -> None:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    words = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--runs")]
    print(f"size benchmark: median (min–max) of {runs} runs, each in a fresh process; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in SHAPES.items():
            if words and not any(word in name for word in words):
                continue
            path = Path(folder) / f"{name}.json"
            path.write_text(json.dumps(make()))
            samples = []
            for _ in range(runs):
                done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                                      timeout=900, cwd=folder)
                if done.returncode:
                    print(f"{name}: failed: {done.stderr.strip().splitlines()[-1:]}")
                    break
                samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
            if not samples:
                continue
            figures = {key: [s.get(key, 0.0) for s in samples] for key in ("wall", "cpu", "gc", "plan", "solve",
                                                                            "result", "peak_mib")}
            print(f"{name:<17} {samples[0]['answer'][:40]:<40} wall {spread(figures['wall'], ' s')}, "
                  f"CPU {spread(figures['cpu'], ' s')} [plan {spread(figures['plan'])}, solve "
                  f"{spread(figures['solve'])}, result {spread(figures['result'])}; garbage collector "
                  f"{spread(figures['gc'])}], peak {spread(figures['peak_mib'], ' MiB', 0)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
