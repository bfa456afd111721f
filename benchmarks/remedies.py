"""Remedy search time (issue 13) for 1-, 3- and 10-artifact lineages, beside the verdict alone.

    python benchmarks/remedies.py [--repeat N] [--baseline /work/baseline]

For each lineage: the verdict alone (`"remedies"` absent: the path every embedder takes unless it
asks) and the verdict with remedies (search + asking each remedy again), each a median with
min–max over N runs, wall and process CPU time, with the answer cache off (every question runs
clingo). The ratio is remedies / verdict. With --baseline, the verdict alone is also timed with
the code at that path (a checkout before remedies) in a subprocess: the verdict path must not have
become slower. `rows()` returns the figures for benchmarks/bench.py.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lineages() -> dict[str, dict]:
    """Three non-permitted questions of growing lineage size."""
    chain = [{"id": "meta-llama/Llama-3.1-8B"}]
    for i in range(1, 10):   # the user's own fine-tunes of fine-tunes: 10 artifacts
        chain.append({"id": f"acme/step-{i}", "mine": True,
                      "derived_from": [{"id": chain[-1]["id"], "relation": "finetune"}]})
    return {
        "1 artifact (llama3 host, 800M users)": {
            "licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}},
        "3 artifacts (Gemma fine-tune on Llama 3 outputs, Apache-2.0)": {
            "artifacts": [{"id": "meta-llama/Meta-Llama-3-70B-Instruct"}, {"id": "google/gemma-2-9b"},
                          {"id": "acme/support-bot", "mine": True, "family": "gemma",
                           "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"},
                                            {"id": "meta-llama/Meta-Llama-3-70B-Instruct", "relation": "distilled"}]}],
            "use": {"acts": ["distribute"], "commercial": True, "release_mau": "1M", "outbound_license": "apache-2.0"}},
        "10 artifacts (Llama 3.1 fine-tune chain, wrong name, Apache-2.0)": {
            "artifacts": chain, "use": {"acts": ["distribute"], "name": "SupportBot", "release_mau": "1M",
                                        "outbound_license": "apache-2.0"}},
    }


def _measure(fn, repeat: int) -> dict:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(cpus)}


def rows(repeat: int = 5) -> list[dict]:
    """One row per lineage: verdict alone and with remedies (seconds), and the remedies found."""
    sys.path.insert(0, str(ROOT))
    from reasoner.api import Reasoner

    engine = Reasoner(cache_size=0)
    out = []
    for name, request in lineages().items():
        engine.ask(request)   # load the licenses it touches once, as a long-running embedder has
        verdict = _measure(lambda: engine.ask(request), repeat)
        asked = {**request, "remedies": True}
        found = engine.ask(asked)
        remedies = _measure(lambda: engine.ask(asked), repeat)
        out.append({"lineage": name, "status": found.status, "verdict": verdict, "remedies": remedies,
                    "found": ["; ".join(c.message for c in r.changes) for r in found.remedies]})
    return out


_BASELINE_SCRIPT = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from reasoner.api import Reasoner
engine = Reasoner(cache_size=0)
out = {}
for name, request in json.loads(sys.stdin.read()).items():
    engine.ask(request)
    walls, cpus = [], []
    for _ in range(int(sys.argv[2])):
        wall, cpu = time.perf_counter(), time.process_time()
        engine.ask(request)
        walls.append(time.perf_counter() - wall); cpus.append(time.process_time() - cpu)
    out[name] = {"median": statistics.median(walls), "min": min(walls), "max": max(walls), "cpu": statistics.median(cpus)}
print(json.dumps(out))
"""


def baseline(path: str, repeat: int) -> dict:
    """The verdict alone with the code at `path`, in its own process."""
    done = subprocess.run([sys.executable, "-c", _BASELINE_SCRIPT, path, str(repeat)], input=json.dumps(lineages()),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _ms(figure: dict) -> str:
    return f"{figure['median'] * 1000:7.1f} ms ({figure['min'] * 1000:.0f}–{figure['max'] * 1000:.0f}; cpu {figure['cpu'] * 1000:.0f})"


def main(argv: list[str]) -> None:
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 5
    before = baseline(argv[argv.index("--baseline") + 1], repeat) if "--baseline" in argv else {}
    print(f"remedy search, median of {repeat} (min–max; process CPU), answer cache off")
    for row in rows(repeat):
        ratio = row["remedies"]["median"] / row["verdict"]["median"]
        print(f"- {row['lineage']}: {row['status']}")
        print(f"    verdict alone   {_ms(row['verdict'])}")
        if row["lineage"] in before:
            then = before[row["lineage"]]
            print(f"    verdict before  {_ms(then)}  (now / before: {row['verdict']['median'] / then['median']:.2f})")
        print(f"    with remedies   {_ms(row['remedies'])}  ({ratio:.1f}× the verdict)")
        for number, found in enumerate(row["found"], 1):
            print(f"      {number}. {found}")


if __name__ == "__main__":
    main(sys.argv[1:])
