"""can-i benchmarks: every figure as a median with its min–max and as a ratio to a floor, so that
a reader on another machine can compare.

    python benchmarks/bench.py [--quick] [--markdown] [--code DIR] [--only SECTION ...]

Floors, measured in the same run:
- a bare `python -c pass` (and `python -c "import clingo"`), for cold command-line runs, taken as
  alternating pairs with them so that the machine's load weighs on both alike;
- clingo grounding and solving an empty program in this process, for one warm question.

Sections (`--only` picks some): floors; load (parsing license files, the cache); questions (one
3-artifact question; the realistic mix of the issue: catalog models, 1–5 artifacts, mixed acts and
numbers; one by one and batched, answer cache off and on; the 100th against the last question of
a long run, for decay); cold (new `can-i` processes: `host llama3 --commercial --mau 10M --json`, the same
question's human answer, and `--request FILE --json`, wall and CPU time); imports (`python -X importtime`: the costliest
modules of a cold question); memory (peak RSS over many requests through `iter_answers` when the
engine has it, else `ask_many`); size (lineages of 1k–100k artifacts).

`--markdown` prints the README's speed table (progress goes to stderr); `--code DIR` measures the
reasoner package in DIR instead of this checkout (a copy of an older version, for before/after).
`--quick` keeps the whole run near a minute on an idle 2-core machine; the full run takes far longer
(4,000 questions one by one, 100,000 through the memory section, 100k-artifact lineages). Run it on
an idle machine, or read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("floors", "load", "questions", "cold", "imports", "memory", "size")
COLD_QUESTION = ["host", "llama3", "--commercial", "--mau", "10M", "--json"]


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Sections: " + ", ".join(SECTIONS) + ".")
    parser.add_argument("--quick", action="store_true", help="fewer questions and runs (about a minute)")
    parser.add_argument("--markdown", action="store_true", help="print the README's speed table at the end")
    parser.add_argument("--code", type=Path, default=ROOT, metavar="DIR",
                        help="the folder holding the `reasoner` package to measure (default: this checkout)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION", help="run only these sections")
    return parser.parse_args(argv)


# Imported (by the memory section's child process), it measures the code it was told to.
ARGS = arguments() if __name__ == "__main__" else arguments(["--code", os.environ.get("CAN_I_BENCH_CODE", str(ROOT))])
QUICK = ARGS.quick
CODE = ARGS.code.resolve()
sys.path.insert(0, str(CODE))

# Every process of the run (this one and the cold ones) uses a private cache folder, warmed
# before anything is timed: other processes on the machine cannot evict its entries.
if __name__ == "__main__":
    CACHE = tempfile.mkdtemp(prefix="can-i-bench-cache-")
    os.environ["CAN_I_CACHE_DIR"] = CACHE
    os.environ.pop("CAN_I_NO_CACHE", None)
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
CHILD_ENV["PYTHONPATH"] = str(CODE) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
CHILD_ENV["CAN_I_BENCH_CODE"] = str(CODE)

from reasoner.api import Reasoner  # noqa: E402
from reasoner.kb import KnowledgeBase  # noqa: E402

STACKS = [
    ("llama3", "llama3", "llama"), ("gemma", "apache-2.0", "gemma"), ("llama3.1", "mit", "llama"),
    ("cc-by-nc-4.0", "apache-2.0", "cohere"), ("creativeml-openrail-m", "openrail++", "stable-diffusion"),
    ("stabilityai-ai-community", "apache-2.0", "stable-diffusion"), ("tongyi-qianwen", "apache-2.0", "qwen"),
]


# --- figures ------------------------------------------------------------------------------------

ROWS: list[tuple[str, str, str]] = []   # (figure, value, ratio) for --markdown
FLOORS: dict[str, float] = {}


def say(text: str = "") -> None:
    print(text, file=sys.stderr if ARGS.markdown else sys.stdout, flush=True)


def duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    milliseconds = seconds * 1000
    return f"{milliseconds:.1f} ms" if milliseconds >= 10 else f"{milliseconds:.2f} ms"


def spread(samples: list[float], show=duration) -> str:
    """`median (min–max, n=N)`."""
    if len(samples) == 1:
        return show(samples[0])
    return f"{show(statistics.median(samples))} ({show(min(samples))}–{show(max(samples))}, n={len(samples)})"


def ratio(value: float, floor: str, higher_is_faster: bool = False) -> str:
    base = FLOORS.get(floor)
    if not base or not value:
        return ""
    times = base / value if higher_is_faster else value / base
    return f"{times:,.1f}× {floor}"


def figure(name: str, samples: list[float], floor: str = "", rate: str = "", note: str = "") -> None:
    """One figure: seconds per sample (or, with `rate`, `rate` per second from seconds per item)."""
    if rate:
        per_second = [1 / s for s in samples if s > 0]
        value = spread(per_second, lambda v: f"{v:,.0f} {rate}/s")
        times = f"one: {ratio(statistics.median(samples), floor)}" if floor else ""
    else:
        value = spread(samples)
        times = ratio(statistics.median(samples), floor) if floor else ""
    value += f"; {note}" if note else ""
    say(f"{name}: {value}" + (f" = {times}" if times else ""))
    ROWS.append((name, value, times))


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


# --- requests -----------------------------------------------------------------------------------

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


THIRD_PARTY_LICENSES = ["apache-2.0", "mit", "cc-by-4.0", "cc-by-nc-4.0", "openrail++", "llama3.1", "gemma",
                        "apache-2.0 OR mit", "cc-by-sa-4.0"]
NUMBERS = {"mau": (0, 2_000_000_000), "release_mau": (0, 2_000_000_000), "revenue": (0, 50_000_000),
           "employees": (0, 100_000), "monthly_revenue": (0, 5_000_000)}


def realistic(rng: random.Random, index: int, catalog: list[str]) -> dict:
    """The issue's mix: a catalog model, then 0–4 more artifacts (third-party derivatives, a
    second catalog model merged in, the user's own model), mixed acts, numbers and flags."""
    base = rng.choice(catalog)
    artifacts = [{"id": base}]
    size = rng.randint(1, 5)
    previous = base
    while len(artifacts) < size:
        step = rng.random()
        if step < 0.2 and len(artifacts) <= size - 2:   # a merge of two catalog models
            other = rng.choice(catalog)
            if other != previous and all(a["id"] != other for a in artifacts):
                artifacts.append({"id": other})
                merged = f"org/merge-{index}-{len(artifacts)}"
                artifacts.append({"id": merged, "license": rng.choice(THIRD_PARTY_LICENSES),
                                  "derived_from": [{"id": previous, "relation": "merge"},
                                                   {"id": other, "relation": "merge"}]})
                previous = merged
                continue
        tuned = f"org/tuned-{index}-{len(artifacts)}"
        artifacts.append({"id": tuned, "license": rng.choice(THIRD_PARTY_LICENSES),
                          "derived_from": [{"id": previous,
                                            "relation": rng.choice(["finetune", "adapter", "quantized"])}]})
        previous = tuned
    use: dict = {"acts": rng.sample(["use", "host", "distribute"], rng.randint(1, 2))}
    if rng.random() < 0.5 and len(artifacts) > 1:   # the last one is the user's own model
        mine = artifacts[-1]
        mine.pop("license", None)
        mine["mine"] = True
        mine["id"] = f"me/model-{index}"
        if rng.random() < 0.5:
            del use["acts"]                           # the act is creating it
    for fact, (low, high) in NUMBERS.items():
        if rng.random() < 0.35:
            use[fact] = rng.randint(low, high)
    if rng.random() < 0.7:
        use["commercial"] = rng.random() < 0.5
    if rng.random() < 0.2:
        use["role"] = rng.choice(["licensee", "product-recipient"])
    return {"artifacts": artifacts, "subject": artifacts[-1]["id"], "use": use}


def realistic_mix(count: int, seed: int = 11) -> list[dict]:
    catalog = sorted(KnowledgeBase.load().catalog)
    rng = random.Random(seed)
    return [realistic(rng, i, catalog) for i in range(count)]


# --- sections -----------------------------------------------------------------------------------

def paired_runs(commands: dict, rounds: int) -> dict:
    """{name: (wall seconds, CPU seconds)} of `rounds` alternating runs of each command."""
    results = {name: ([], []) for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            start = time.perf_counter()
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=CHILD_ENV, cwd=CACHE)
            _, _, usage = os.wait4(process.pid, 0)
            results[name][0].append(time.perf_counter() - start)
            results[name][1].append(usage.ru_utime + usage.ru_stime)
    return results


def entry_point() -> list[str]:
    """The command an installed `can-i` runs (the console script's module), for CODE."""
    module = "reasoner.fast" if (CODE / "reasoner" / "fast.py").exists() else "reasoner.cli"
    return [sys.executable, "-c", f"import sys; sys.argv[0] = 'can-i'; from {module} import main; sys.exit(main())"]


def bench_floors() -> None:
    import clingo

    def empty_grounding():
        control = clingo.Control(["--warn=none"])
        control.add("base", [], "")
        control.ground([("base", [])])
        control.solve()

    empty_grounding()
    samples = timed(empty_grounding, 200)
    FLOORS["empty grounding"] = statistics.median(samples)
    figure("floor: clingo grounding and solving an empty program (in process)", samples)
    from reasoner import resources

    rules = "\n".join(path.read_text(encoding="utf-8") for path in sorted(resources.rules_path().parent.glob("*.lp")))

    def rules_alone():
        control = clingo.Control(["--warn=none"])
        control.add("base", [], rules)
        control.ground([("base", [])])
        control.solve()

    figure("our rules (every .lp file) parsed, grounded and solved with no facts", timed(rules_alone, 20),
           "empty grounding")
    runs = paired_runs({"pass": [sys.executable, "-c", "pass"],
                        "import clingo": [sys.executable, "-c", "import clingo"]}, 5 if QUICK else 15)
    FLOORS["python -c pass"] = statistics.median(runs["pass"][0])
    FLOORS["python -c pass (CPU)"] = statistics.median(runs["pass"][1])
    figure("floor: `python -c pass`, wall", runs["pass"][0])
    figure("floor: `python -c pass`, CPU", runs["pass"][1])
    figure('floor: `python -c "import clingo"`, wall', runs["import clingo"][0], "python -c pass")


def bench_load() -> None:
    def load_everything():
        kb = KnowledgeBase.load()
        kb.licenses.load_all()
        return kb

    kb = load_everything()
    say(f"knowledge base: {len(kb.licenses)} licenses, {sum(len(c.facts) for c in kb.licenses.values()):,} facts, "
        f"{len(kb.catalog)} catalog models, {len(kb.datasets)} datasets")
    repeat = 3 if QUICK else 7
    warm = timed(load_everything, repeat)
    os.environ["CAN_I_NO_CACHE"] = "1"
    try:
        cold = timed(load_everything, repeat)
    finally:
        del os.environ["CAN_I_NO_CACHE"]
    lazy = timed(KnowledgeBase.load, 3 * repeat)
    figure("load: parsing every license file (no cache)", cold, "empty grounding")
    figure("load: every license from the parse cache", warm, "empty grounding")
    figure("load: a question's start (tables; license files on demand)", lazy, "empty grounding")


def bench_questions() -> None:
    rng = random.Random(7)
    stacks = [three_artifacts(rng, i) for i in range(250 if QUICK else 2_000)]

    def structures_known() -> bool:
        """Does the measured code prepare question structures (shapes.py)? An older copy (--code) does not."""
        return hasattr(Reasoner(cache_size=0), "shapes")

    def fresh_reasoner():
        """A new Reasoner, cache off, warmed by 40 questions about one small structure: a
        long-running process (a new Reasoner prepares no structure for its first 32 questions,
        shapes.py); none of the stacks' structures is prepared."""
        made = Reasoner(cache_size=0)
        for mau in range(40):
            made.ask({"licenses": ["mit"], "use": {"acts": ["use"], "mau": mau}})
        return made

    reasoner = fresh_reasoner()
    reasoner.ask(stacks[0])
    figure("one 3-artifact question asked again and again (its structure prepared), cache off",
           timed(lambda: reasoner.ask(stacks[1]), 50), "empty grounding")
    afresh_one = Reasoner(cache_size=0, shapes=0) if structures_known() else reasoner
    figure("one 3-artifact question, grounded afresh each time (shapes=0), cache off",
           timed(lambda: afresh_one.ask(stacks[1]), 50), "empty grounding")

    def spent() -> float:
        """CPU seconds of this process and of its solver processes (workers.py: running ones read
        from /proc, ended ones from os.times), so that work moved to a child is counted."""
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        total = time.process_time() + os.times().children_user + os.times().children_system
        for child in getattr(getattr(reasoner, "solvers", None), "_running", []):
            try:
                fields = open(f"/proc/{child.process.pid}/stat").read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
        return total

    def per_chunk(answer, requests: list, chunks: int, cpu: list | None = None) -> list[float]:
        """Seconds per question in each of `chunks` runs over a slice of the requests (and, into
        `cpu`, CPU seconds per question of this process and its solver processes: steadier on a
        shared machine)."""
        size = max(1, len(requests) // chunks)
        samples = []
        for start in range(0, size * chunks, size):
            part = requests[start:start + size]
            began, began_cpu = time.perf_counter(), spent()
            answer(part)
            samples.append((time.perf_counter() - began) / len(part))
            if cpu is not None:
                cpu.append((spent() - began_cpu) / len(part))
        return samples

    one_by_one = lambda part: [reasoner.ask(q) for q in part]   # noqa: E731
    batched = lambda part: reasoner.answer_each(part)            # noqa: E731 (the reasoner of the moment)
    figure(f"3-artifact stacks, one by one, cache off ({len(stacks)} questions)",
           per_chunk(one_by_one, stacks, 5), "empty grounding", rate="q")
    structures = getattr(getattr(reasoner, "shapes", None), "prepared", None)
    if structures_known():   # the engine prepares structures (shapes.py): how many, and without
        figure(f"3-artifact stacks, one by one, their {structures} structures prepared (a second pass)",
               per_chunk(one_by_one, stacks, 5), "empty grounding", rate="q")
        afresh = Reasoner(cache_size=0, shapes=0)
        afresh.ask(stacks[0])
        figure(f"3-artifact stacks, one by one, every question grounded afresh (shapes=0; {len(stacks)} questions)",
               per_chunk(lambda part: [afresh.ask(q) for q in part], stacks, 5), "empty grounding", rate="q")
    reasoner = fresh_reasoner()
    cpu: list[float] = []
    figure(f"3-artifact stacks, ask_many, cache off ({len(stacks)} questions)",
           per_chunk(batched, stacks, 5, cpu), "empty grounding", rate="q")
    figure("  the same, CPU time of this process and its solver processes", cpu, rate="q")

    def read_whole(part):   # issue 12's target is for a consumer that reads every answer, e.g. as JSON
        for answer in reasoner.answer_each(part):
            answer.to_json()
    cpu = []
    figure(f"3-artifact stacks, ask_many and to_json() of every answer, cache off ({len(stacks)} questions)",
           per_chunk(read_whole, stacks, 5, cpu), "empty grounding", rate="q",
           note=f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    figure("  the same, CPU time of this process and its solver processes", cpu, rate="q")
    assert [a.status for a in reasoner.ask_many(stacks[:50])] == [reasoner.ask(q).status for q in stacks[:50]]

    mix = realistic_mix(500 if QUICK else 4_000)
    statuses: dict = {}
    for answer in reasoner.answer_each(mix):
        kind = type(answer).__name__ if not hasattr(answer, "status") else answer.status
        statuses[kind] = statuses.get(kind, 0) + 1
    say(f"realistic mix: {len(mix):,} requests, answers {dict(sorted(statuses.items()))}")
    figure(f"realistic mix, ask_many, cache off ({len(mix):,} questions)", per_chunk(batched, mix, 5),
           "empty grounding", rate="q")
    latencies = []
    fresh = Reasoner(cache_size=0)   # a new process's worth of history: decay is measured from its start
    long_run = mix[: 250 if QUICK else 4_000]
    for request in long_run:
        began = time.perf_counter()
        try:
            fresh.ask(request)
        except Exception:  # noqa: BLE001 - an input error is timed like an answer
            pass
        latencies.append(time.perf_counter() - began)
    figure(f"realistic mix, one by one, cache off ({len(long_run):,} questions)",
           [statistics.mean(latencies[i:i + len(latencies) // 5]) for i in range(0, len(latencies), len(latencies) // 5)],
           "empty grounding", rate="q")
    early, late = latencies[50:150], latencies[-100:]
    figure("decay: questions 51–150 of a long run, one by one", early, "empty grounding")
    figure(f"decay: questions {len(latencies) - 99:,}–{len(latencies):,} of the same run", late, "empty grounding",
           note=f"{statistics.median(late) / statistics.median(early):.2f}× the early median")
    # Room for every question of the mix: a request may ask several (this mix: ~1.2 each), and a
    # cache one answer short of the mix, emptied oldest first, drops each answer before it is asked
    # again (cache_size=len(mix) measured grounding, not the cache: 503 q/s where hits give ~2,500).
    cached = Reasoner(cache_size=10 * len(mix))
    cached.answer_each(mix)
    figure("realistic mix, ask_many, warm answer cache", per_chunk(lambda part: cached.answer_each(part), mix, 5),
           "empty grounding", rate="q")


def remedies_exist() -> bool:
    """Does the measured code search remedies (issue 13)? An older copy (--code) knows no --no-remedies."""
    return (CODE / "reasoner" / "remedies.py").exists()


def bench_cold() -> None:
    request = ROOT / "benchmarks" / ".bench-request.json"
    request.write_text(json.dumps(three_artifacts(random.Random(3), 1)), encoding="utf-8")
    try:
        host = entry_point() + COLD_QUESTION
        verdict = host + ["--no-remedies"]   # the verdict alone: a DEPENDS searches remedies by default
        human = entry_point() + [arg for arg in COLD_QUESTION if arg != "--json"]   # what a person reads
        by_request = entry_point() + ["--request", str(request), "--json"]
        runnable = (host, human, by_request) + ((verdict,) if remedies_exist() else ())
        for argv in runnable:   # warm the cache folder (and check the command works)
            done = subprocess.run(argv, capture_output=True, text=True, env=CHILD_ENV, cwd=CACHE)
            if done.returncode not in (0, 1, 3):
                raise SystemExit(f"cold run failed ({done.returncode}): {done.stderr.strip()}")
        runs = paired_runs({"pass": [sys.executable, "-c", "pass"], "clingo": [sys.executable, "-c", "import clingo"],
                            "host": host, "human": human, "request": by_request,
                            **({"verdict": verdict} if remedies_exist() else {})},
                           7 if QUICK else 21)
    finally:
        request.unlink(missing_ok=True)
    FLOORS["python -c pass"] = statistics.median(runs["pass"][0])
    FLOORS["python -c pass (CPU)"] = statistics.median(runs["pass"][1])
    say(f"cold runs: {len(runs['pass'][0])} rounds alternating `python -c pass`, `python -c \"import clingo\"` and the "
        f"two commands; floors this section: pass {duration(FLOORS['python -c pass'])} wall, "
        f"{duration(FLOORS['python -c pass (CPU)'])} CPU")
    figure('cold `python -c "import clingo"`, CPU', runs["clingo"][1], "python -c pass (CPU)")
    figure("cold `can-i host llama3 --commercial --mau 10M --json`, wall", runs["host"][0], "python -c pass")
    figure("cold `can-i host llama3 --commercial --mau 10M --json`, CPU", runs["host"][1], "python -c pass (CPU)")
    if "verdict" in runs:
        figure("cold `… --json --no-remedies` (the verdict alone), wall", runs["verdict"][0], "python -c pass")
        figure("cold `… --json --no-remedies` (the verdict alone), CPU", runs["verdict"][1], "python -c pass (CPU)")
    figure("cold `can-i host llama3 --commercial --mau 10M` (the human answer), wall", runs["human"][0], "python -c pass")
    figure("cold `can-i host llama3 --commercial --mau 10M` (the human answer), CPU", runs["human"][1],
           "python -c pass (CPU)")
    figure("cold `can-i --request FILE --json` (3 artifacts), wall", runs["request"][0], "python -c pass")
    figure("cold `can-i --request FILE --json` (3 artifacts), CPU", runs["request"][1], "python -c pass (CPU)")


def bench_imports() -> None:
    runs = 3 if QUICK else 9
    own: dict[str, list[int]] = {}
    totals = []
    for _ in range(runs):
        done = subprocess.run([*entry_point()[:1], "-X", "importtime", *entry_point()[1:], *COLD_QUESTION],
                              capture_output=True, text=True, env=CHILD_ENV, cwd=CACHE)
        total = 0
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = line[len("import time:"):].split("|")
            own.setdefault(name.strip(), []).append(int(self_us))
            total += int(self_us)
        totals.append(total / 1e6)
    medians = {name: statistics.median(values) / 1e6 for name, values in own.items()}
    groups: dict[str, float] = {}
    for name, seconds in medians.items():
        top = name.split(".")[0]
        group = ("can-i (reasoner)" if top == "reasoner" else "clingo" if top == "clingo"
                 else "typer/click/rich" if top in ("typer", "click", "rich") else "lark" if top == "lark"
                 else "site (the interpreter's start)" if top in ("site", "sitecustomize", "_distutils_hack")
                 or top.startswith("__editable__") else "standard library and other")
        groups[group] = groups.get(group, 0) + seconds
    figure("imports of a cold `host … --json` (sum of -X importtime self times)", totals)
    say("  by origin: " + "; ".join(f"{group} {duration(seconds)}" for group, seconds in
                                   sorted(groups.items(), key=lambda item: -item[1])))
    top = sorted(medians.items(), key=lambda item: -item[1])[:12]
    say("  costliest modules (self time, median): " + ", ".join(f"{name} {duration(s)}" for name, s in top))
    ROWS.append(("imports by origin (median self times)", "; ".join(
        f"{group} {duration(seconds)}" for group, seconds in sorted(groups.items(), key=lambda item: -item[1])), ""))


MEMORY_SCRIPT = """
import json, random, sys, time
sys.path.insert(0, {bench!r})
import bench
from reasoner.api import Reasoner
count = {count}
def requests():
    catalog = sorted(bench.KnowledgeBase.load().catalog)
    rng = random.Random(5)
    for i in range(count):
        yield bench.realistic(rng, i, catalog)
r = Reasoner(cache_size=0)
r.ask({{"licenses": ["mit"], "use": {{"acts": ["use"]}}}})
def status(field, pid="self"):
    try:
        return next(int(l.split()[1]) for l in open(f"/proc/{{pid}}/status") if l.startswith(field)) / 1024
    except (OSError, StopIteration):
        return 0.0
def children():   # the solver processes of the moment (workers.py), if the measured code has them
    solvers = getattr(r, "solvers", None)
    return [child.process.pid for child in getattr(solvers, "_running", [])]
before = status("VmHWM")
start = time.perf_counter()
answered = refused = 0   # refused: past the call's limit (MAX_CALL_WORK), not answered
checkpoints = {{}}   # share of the run -> this process's RSS then
children_peak = 0.0
marks = {{count * k // 10: f"{{k * 10}}%" for k in range(1, 11)}}
if hasattr(r, "iter_answers"):
    api = "iter_answers"
    for answer in r.iter_answers(requests()):
        answered += 1
        refused += type(answer).__name__ == "LimitError"
        if answered in marks:
            checkpoints[marks[answered]] = status("VmRSS")
            children_peak = max([children_peak] + [status("VmRSS", pid) for pid in children()])
else:
    api = "ask_many"
    answered = len(r.answer_each(list(requests())))
elapsed = time.perf_counter() - start
print(json.dumps({{"api": api, "answered": answered, "seconds": elapsed, "before_mib": before, "peak_mib": status("VmHWM"),
                  "checkpoints": checkpoints, "children_mib": children_peak, "refused": refused,
                  "children": getattr(getattr(r, "solvers", None), "started", 0)}}))
"""


def bench_memory() -> None:
    count = 500 if QUICK else 100_000
    code = MEMORY_SCRIPT.format(bench=str(ROOT / "benchmarks"), count=count)
    # cwd=CACHE: a `-c` child puts its working directory first on sys.path, so run from a checkout
    # it would import that checkout's reasoner, not --code's
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=CHILD_ENV, timeout=3600,
                          cwd=CACHE)
    if done.returncode:
        say(f"memory: failed: {done.stderr.strip().splitlines()[-1:]}")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    name = f"memory: {count:,} realistic requests through {result['api']}"
    value = (f"peak RSS {result['peak_mib']:.0f} MiB (after loading: {result['before_mib']:.0f} MiB), "
             f"{result['seconds']:.1f} s = {result['answered'] / result['seconds']:,.0f} q/s")
    if result.get("refused"):
        value += f" ({result['refused']:,} refused past the call's work limit)"
    checkpoints = result.get("checkpoints") or {}
    if checkpoints:
        value += "; RSS at " + ", ".join(f"{share} {mib:.0f}" for share, mib in checkpoints.items()) + " MiB"
    if result.get("children"):
        value += (f"; {result['children']} solver processes started in turn, each at most "
                  f"{result['children_mib']:.0f} MiB when sampled")
    say(f"{name}: {value}")
    ROWS.append((name, value, ""))


SIZE_SCRIPT = """
import json, sys, time
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


def bench_size() -> None:
    sizes = (1_000, 10_000) if QUICK else (1_000, 10_000, 100_000)
    for shape in ("deep", "flat"):
        for size in sizes:
            done = subprocess.run([sys.executable, "-c", SIZE_SCRIPT.format(size=size, shape=shape)],
                                  capture_output=True, text=True, timeout=900, env=CHILD_ENV, cwd=CACHE)
            name = f"{'lineage' if shape == 'deep' else 'artifacts beside the subject'}, {size:,}"
            if done.returncode:
                say(f"{name}: failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            value = f"{figures['seconds']:.2f} s, peak {figures['peak_mib']:.0f} MiB ({figures['status']})"
            say(f"{name}: {value}")
            ROWS.append((name, value, ""))


def prepare() -> None:
    """Byte-compile the measured package, as an installed one is (PYTHONDONTWRITEBYTECODE would
    otherwise make every cold run compile every module)."""
    import compileall

    if os.access(CODE / "reasoner", os.W_OK):
        compileall.compile_dir(str(CODE / "reasoner"), quiet=1)
    elif not any((CODE / "reasoner" / "__pycache__").glob("*.pyc")):
        say(f"note: {CODE / 'reasoner'} is read-only and not byte-compiled: cold runs compile it each time "
            f"(measure a writable copy)")


def markdown(header: str) -> str:
    lines = [f"`python benchmarks/bench.py {' '.join(sys.argv[1:])}`: {header}", "",
             "| figure | median (min–max, runs) | ratio to the floor |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {times or '—'} |" for name, value, times in ROWS]
    return "\n".join(lines)


def main() -> None:
    import clingo

    chosen = ARGS.only or SECTIONS
    if "floors" not in chosen:
        chosen = ("floors", *chosen)   # every ratio needs them
    header = (f"python {platform.python_version()}, clingo {clingo.__version__}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f} at the start; {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
    say(f"can-i benchmarks ({'quick' if QUICK else 'full'}; code: {CODE}); {header}")
    prepare()
    started = time.perf_counter()
    try:
        for section in SECTIONS:
            if section in chosen:
                globals()[f"bench_{section}"]()
    finally:
        import shutil

        shutil.rmtree(CACHE, ignore_errors=True)
    say(f"done in {time.perf_counter() - started:.0f} s")
    if ARGS.markdown:
        print(markdown(header))


if __name__ == "__main__":
    main()
