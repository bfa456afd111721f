"""can-i benchmarks: prints medians and ratios; run with `python benchmarks/bench.py [--quick]`.

Figures:
- knowledge-base load time (parse + compile every license file);
- one question on a 3-artifact stack with the knowledge base loaded: median latency with the
  answer cache off (every question runs clingo) and on;
- throughput over 10,000 varied 3-artifact questions, cache off and on;
- cold `can-i` invocations (new process each) for a 3-artifact question;
- lineage size: time and peak memory for 1k, 10k and 100k artifacts (deep chains and flat requests).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reasoner.api import Reasoner  # noqa: E402
from reasoner.kb import KnowledgeBase  # noqa: E402

QUICK = "--quick" in sys.argv
STACKS = [
    ("llama3", "llama3", "llama"), ("gemma", "apache-2.0", "gemma"), ("llama3.1", "mit", "llama"),
    ("cc-by-nc-4.0", "apache-2.0", "cohere"), ("creativeml-openrail-m", "openrail++", "stable-diffusion"),
    ("stabilityai-ai-community", "apache-2.0", "stable-diffusion"), ("tongyi-qianwen", "apache-2.0", "qwen"),
]


def three_artifacts(rng: random.Random, index: int) -> dict:
    """A base model, a third-party fine-tune, and the user's own model made from it."""
    base, middle, family = rng.choice(STACKS)
    relation = rng.choice(["finetune", "finetune", "adapter", "distilled", "quantized"])
    use = {"acts": rng.sample(["use", "host", "distribute"], rng.randint(1, 2))}
    if rng.random() < 0.8:
        use["mau"] = rng.randint(0, 2_000_000_000)
    if rng.random() < 0.7:
        use["commercial"] = rng.random() < 0.5
    if rng.random() < 0.5:
        use["revenue_usd"] = rng.randint(0, 5_000_000)
    return {"artifacts": [
        {"id": f"org/base-{index % 50}", "license": base, "family": family},
        {"id": f"org/tuned-{index}", "license": f"{base} AND {middle}",
         "derived_from": [{"id": f"org/base-{index % 50}", "relation": "finetune"}]},
        {"id": f"me/model-{index}", "mine": True, "family": rng.choice([family, "mistral"]),
         "derived_from": [{"id": f"org/tuned-{index}", "relation": relation}]},
    ], "subject": f"me/model-{index}", "use": use}


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def bench_load() -> None:
    import os

    def load_everything():
        kb = KnowledgeBase.load()
        kb.licenses.load_all()
        return kb

    kb = load_everything()
    print(f"knowledge base: {len(kb.licenses)} licenses, {sum(len(c.facts) for c in kb.licenses.values())} facts, "
          f"{len(kb.catalog)} catalog models")
    repeat = 3 if QUICK else 7
    warm = timed(load_everything, repeat)
    os.environ["CAN_I_NO_CACHE"] = "1"
    cold = timed(load_everything, repeat)
    del os.environ["CAN_I_NO_CACHE"]
    lazy = timed(KnowledgeBase.load, repeat)
    print(f"load every license, parsing all files (median of {repeat}): {ms(statistics.median(cold))}; "
          f"from the parse cache: {ms(statistics.median(warm))}; "
          f"a question's start (files parsed on demand): {ms(statistics.median(lazy))}")


def bench_questions() -> None:
    count = 1_000 if QUICK else 10_000
    rng = random.Random(7)
    questions = [three_artifacts(rng, i) for i in range(count)]
    reasoner = Reasoner(cache_size=0)
    reasoner.ask(questions[0])
    single = timed(lambda: reasoner.ask(questions[1]), 50)
    print(f"one 3-artifact question, knowledge base loaded, cache off: median {ms(statistics.median(single))} "
          f"(of 50)")

    def run(label: str, answer) -> dict:
        start = time.perf_counter()
        statuses: dict = {}
        for result in answer():
            statuses[result.status] = statuses.get(result.status, 0) + 1
        elapsed = time.perf_counter() - start
        print(f"{label}: {count:,} varied 3-artifact questions in {elapsed:.2f} s = {count / elapsed:,.0f} "
              f"questions/s ({ms(elapsed / count)} each)")
        return statuses

    one_by_one = run("one by one, cache off    ", lambda: [reasoner.ask(q) for q in questions])
    batched = run("ask_many, cache off      ", lambda: reasoner.ask_many(questions))
    assert one_by_one == batched, "batched answers differ from one-by-one answers"
    cached = Reasoner(cache_size=count)
    cached.ask_many(questions)
    run("ask_many, warm cache     ", lambda: cached.ask_many(questions))
    print(f"answers: {dict(sorted(batched.items()))}; batch/one-by-one speed-up is the ratio of the two lines")


def bench_cold_cli() -> None:
    executable = Path(sys.executable).with_name("can-i")
    if not executable.exists():
        print("cold CLI: skipped (can-i is not installed in this environment)")
        return
    request = three_artifacts(random.Random(3), 1)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(request, handle)
    runs = 5 if QUICK else 15
    samples = timed(lambda: subprocess.run([str(executable), "--request", handle.name, "--json"],
                                           capture_output=True, check=False), runs)
    print(f"cold `can-i --request FILE --json` (3 artifacts), median of {runs}: {ms(statistics.median(samples))}")
    baseline = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=False), runs)
    print(f"  for scale, a bare `python -c pass`: {ms(statistics.median(baseline))}")


def bench_size() -> None:
    sizes = (1_000, 10_000) if QUICK else (1_000, 10_000, 100_000)
    for shape in ("deep", "flat"):
        for size in sizes:
            code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
sys.setrecursionlimit(1000)
from reasoner.api import Reasoner
r = Reasoner(cache_size=0)
n = {size}
if {shape!r} == "deep":
    arts = [{{"id": "m0", "license": "llama3", "family": "llama"}}]
    arts += [{{"id": f"m{{i}}", "derived_from": [{{"id": f"m{{i-1}}", "relation": "finetune"}}], "license": "apache-2.0"}}
             for i in range(1, n)]
    subject = f"m{{n-1}}"
else:
    arts = [{{"id": "base", "license": "llama3", "family": "llama"}}]
    arts += [{{"id": f"m{{i}}", "license": "mit", "derived_from": [{{"id": "base", "relation": "finetune"}}]}}
             for i in range(1, n)]
    subject = "m1"
start = time.perf_counter()
result = r.ask({{"artifacts": arts, "subject": subject, "use": {{"acts": ["distribute"], "mau": 5}}}})
elapsed = time.perf_counter() - start
# VmHWM is this process's own peak (ru_maxrss would include the benchmark's, inherited at exec)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(json.dumps({{"seconds": elapsed, "peak_mib": peak, "status": result.status}}))
"""
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
            if done.returncode:
                print(f"{shape} lineage, {size:,} artifacts: failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{shape:>4} lineage, {size:>7,} artifacts: {figures['seconds']:.2f} s, peak memory "
                  f"{figures['peak_mib']:.0f} MiB, {figures['status']}")


if __name__ == "__main__":
    print(f"can-i benchmarks ({'quick' if QUICK else 'full'}); python {sys.version.split()[0]}")
    bench_load()
    bench_questions()
    bench_cold_cli()
    bench_size()
