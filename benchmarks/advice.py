"""Time `license-for` and `downstream` on 1- and 3-artifact lineages: `python benchmarks/advice.py`.

Each figure is the median of --runs runs (default 15) with min–max, wall and process CPU time,
with the answer cache off (every question runs clingo), and its ratio to a floor: one verdict
question on the same lineage (`Reasoner.ask`, cache off). `license-for` asks 1 + (licenses in the
knowledge base) questions in one `ask_many` batch; `downstream` asks one per recipient question
and, when the model declares no license, `license-for` first.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reasoner.advice import RECIPIENT_QUESTIONS  # noqa: E402
from reasoner.api import Reasoner  # noqa: E402

RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15

LINEAGES = {
    # One artifact: a license id, the model made from it (a fine-tune) is the one published.
    "1 artifact (llama3.1)": {"licenses": ["llama3.1"], "use": {"commercial": True, "release_mau": "10M"}},
    # Three: the seed question, a Gemma 2 fine-tune also trained on Llama 3.1 outputs (the catalog
    # adds the Llama base, so four artifacts are solved; three are written).
    "3 artifacts (seed: gemma + llama3.1 outputs)": {
        "artifacts": [{"id": "meta-llama/Llama-3.1-70B-Instruct"}, {"id": "google/gemma-2-9b"},
                      {"id": "acme/gemma-2-9b-support", "mine": True,
                       "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"},
                                        {"id": "meta-llama/Llama-3.1-70B-Instruct", "relation": "distilled"}]}],
        "subject": "acme/gemma-2-9b-support", "use": {"acts": ["distribute"], "commercial": True,
                                                      "release_mau": "10M"}},
}


def measure(fn) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def shown(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms ({min(samples) * 1000:.0f}–{max(samples) * 1000:.0f})"


def main() -> None:
    reasoner = Reasoner(cache_size=0)
    reasoner.license_for({"licenses": ["mit"]})   # load every license file once, outside the timings
    licenses = len(reasoner.kb.licenses)
    print(f"{RUNS} runs each, answer cache off; {licenses} licenses ({1 + licenses} questions per license-for), "
          f"{len(RECIPIENT_QUESTIONS)} recipient questions per downstream")
    for name, doc in LINEAGES.items():
        verdict = {**doc, "use": {**doc["use"], "acts": ["distribute"]}}
        if "licenses" in verdict:
            verdict = {"artifacts": [{"id": "stack", "license": doc["licenses"][0]},
                                     {"id": "your-model", "mine": True,
                                      "derived_from": [{"id": "stack", "relation": "finetune"}]}],
                       "subject": "your-model", "use": verdict["use"]}
        floor_wall, floor_cpu = measure(lambda: reasoner.ask(verdict))
        for label, fn in (("license-for", lambda: reasoner.license_for(doc)),
                          ("downstream", lambda: reasoner.downstream(doc))):
            wall, cpu = measure(fn)
            print(f"{label:<12} {name}: wall {shown(wall)}, CPU {shown(cpu)}; "
                  f"{statistics.median(wall) / statistics.median(floor_wall):.0f}× one verdict "
                  f"({shown(floor_wall)} wall, {shown(floor_cpu)} CPU)")


if __name__ == "__main__":
    main()
