"""Resource-limit benchmark: time, peak memory and grounding size of the shapes that used to run
away, each in a fresh process (so peak memory is its own). Not a test: it prints figures.

    python benchmarks/limits.py              # every shape
    python benchmarks/limits.py or-dense     # shapes whose name contains the word

Shapes:
- or-dense: 100 of the user's own models, each made from 6 ancestors whose licenses are
  `llama3 OR mit` (64 combinations) and from every earlier own model (~200 KB of JSON);
- or-chain-N: N own models in a chain over the same 6 ancestors (64 combinations; 233 is the
  largest MAX_WORK admits);
- own-chain-N / upstream-chain-N: a chain of N own models / of N upstream fine-tunes (1 combination);
- merge-N: one own model merging N MIT parents;
- yaml-N: a YAML lineage file of N artifacts given as the subject of `can-i host`;
- json-N: the same lineage as JSON.
The code measured is whatever `import reasoner` finds from a scratch folder: the installed
checkout, or another one with PYTHONPATH=/path/to/checkout (for before/after figures).
Each is run with a hang guard (--timeout, default 300 s) and its address space capped (--memory GiB).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r'''
import json, resource, sys, time
limit = int(sys.argv[3]) << 30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from reasoner import api
from reasoner.errors import CanIError
statistics = {}
original = api.run
import inspect
if "statistics" in inspect.signature(original).parameters:   # older versions cannot count atoms
    api.run = lambda facts: original(facts, statistics)
started = time.perf_counter()
try:
    if sys.argv[1] == "request":
        answer = api.Reasoner(cache_size=0).ask(api.read_json_file(sys.argv[2])).status
    else:
        from reasoner.subjects import Context, build_request   # what `can-i host FILE` does
        engine = api.Reasoner(cache_size=0)
        answer = engine.ask(build_request(engine.kb, sys.argv[2], "host", Context())).status
except CanIError as exc:
    answer = f"{exc.code}: {exc.message[:90]}"
except MemoryError:
    answer = "MemoryError"
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"answer": answer, "seconds": seconds, "peak_mb": peak, **statistics}))
'''


def own_over_or(n: int, dense: bool) -> dict:
    artifacts = [{"id": f"org/ancestor-{i}", "license": "llama3 OR mit"} for i in range(6)]
    for j in range(n):
        edges = [{"id": f"org/ancestor-{i}", "relation": "finetune"} for i in range(6)]
        if dense:
            edges += [{"id": f"me/model-{k}", "relation": "merge"} for k in range(j)]
        elif j:
            edges.append({"id": f"me/model-{j - 1}", "relation": "finetune"})
        artifacts.append({"id": f"me/model-{j}", "mine": True, "derived_from": edges})
    return {"artifacts": artifacts, "subject": f"me/model-{n - 1}",
            "use": {"acts": ["host", "distribute"], "mau": "800M"}}


def chain(n: int, mine: bool) -> dict:
    artifacts = [{"id": "m0", "license": "llama3", "family": "llama"}]
    for i in range(1, n + 1):
        artifact = {"id": f"m{i}", "derived_from": [{"id": f"m{i - 1}", "relation": "finetune"}]}
        if mine or i == n:
            artifact["mine"] = True
        else:
            artifact["license"] = "llama3"
        artifacts.append(artifact)
    return {"artifacts": artifacts, "subject": f"m{n}", "use": {"acts": ["host"], "mau": "800M"}}


def merge(n: int) -> dict:
    artifacts = [{"id": f"p{i}", "license": "mit"} for i in range(n)]
    artifacts.append({"id": "me", "mine": True, "derived_from": [{"id": f"p{i}", "relation": "merge"} for i in range(n)]})
    return {"artifacts": artifacts, "subject": "me", "use": {"acts": ["host"]}}


def lineage_yaml(n: int) -> str:
    lines = ["subject: m0", "artifacts:", "  - id: m0", "    license: llama3"]
    for i in range(1, n):
        lines += [f"  - id: m{i}", "    license: mit"]
    return "\n".join(lines) + "\n"


def lineage_json(n: int) -> dict:
    return {"artifacts": [{"id": "m0", "license": "llama3"}] + [{"id": f"m{i}", "license": "mit"} for i in range(1, n)],
            "subject": "m0"}


SHAPES = {
    "or-dense": ("request", lambda: json.dumps(own_over_or(100, dense=True)), ".json"),
    "or-dense-20": ("request", lambda: json.dumps(own_over_or(20, dense=True)), ".json"),
    "or-chain-300": ("request", lambda: json.dumps(own_over_or(300, dense=False)), ".json"),
    "or-chain-233": ("request", lambda: json.dumps(own_over_or(233, dense=False)), ".json"),
    "own-chain-10000": ("request", lambda: json.dumps(chain(10_000, mine=True)), ".json"),
    "own-chain-19000": ("request", lambda: json.dumps(chain(19_000, mine=True)), ".json"),
    "upstream-chain-100000": ("request", lambda: json.dumps(chain(100_000, mine=False)), ".json"),
    "merge-10000": ("request", lambda: json.dumps(merge(10_000)), ".json"),
    "yaml-300000": ("subject", lambda: lineage_yaml(300_000), ".yaml"),
    "yaml-9000": ("subject", lambda: lineage_yaml(9_000), ".yaml"),
    "json-300000": ("subject", lambda: json.dumps(lineage_json(300_000)), ".json"),
}


def main(argv: list[str]) -> None:
    timeout = float(argv[argv.index("--timeout") + 1]) if "--timeout" in argv else 300.0
    memory = argv[argv.index("--memory") + 1] if "--memory" in argv else "8"
    words = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] not in ("--timeout", "--memory"))]
    with tempfile.TemporaryDirectory() as folder:
        for name, (how, make, suffix) in SHAPES.items():
            if words and not any(word in name for word in words):
                continue
            path = Path(folder) / f"{name}{suffix}"
            path.write_text(make())
            size = path.stat().st_size
            try:
                done = subprocess.run([sys.executable, "-c", CHILD, how, str(path), memory], cwd=folder,
                                      capture_output=True, text=True, timeout=timeout)
                figures = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {
                    "answer": f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"}
            except subprocess.TimeoutExpired:
                figures = {"answer": f"still running after {timeout:.0f} s"}
            line = f"{name:<24} {size / 1024:>9,.0f} KB  {figures['answer'][:70]:<40}"
            if "seconds" in figures:
                line += f" {figures['seconds']:7.2f} s {figures['peak_mb']:8,.0f} MB"
            if "atoms" in figures:
                line += f" {figures['atoms']:>12,} atoms"
            print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
