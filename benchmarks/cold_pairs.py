"""Cold `can-i` runs of two checkouts (or two installs) side by side: alternating paired runs of
`python -c pass`, then the default question and its `--no-remedies` form for each, with median
(min–max) wall and CPU time (wait4) and the ratio to the floor of the same rounds.

    python benchmarks/cold_pairs.py --code /work/baseline --code .          # bench.py's form
    python benchmarks/cold_pairs.py --venv /tmp/base-venv --venv /tmp/new-venv   # `pip install .` venvs

With `--code`, each command is this interpreter running the entry point with PYTHONPATH=DIR, as
bench.py runs it (the floor is this interpreter's `python -c pass`: an editable install's `site`
imports pathlib and re for it too). With `--venv`, each is that venv's `can-i` console script
and the floor is the first venv's `python -c pass`: what users of a wheel run. Byte-compile a
read-only checkout's copy first (PYTHONDONTWRITEBYTECODE is dropped for the runs). Each run uses a
private cache folder, filled before timing. Say the load average beside the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

QUESTION = ["host", "llama3", "--commercial", "--mau", "10M", "--json"]
ENTRY = "import sys; sys.argv[0] = 'can-i'; from reasoner.fast import main; sys.exit(main())"


def paired(commands: dict, rounds: int, cwd: str) -> dict:
    """{name: ([wall], [cpu])} of `rounds` rounds, each running every command once, in order."""
    results = {name: ([], []) for name in commands}
    for _ in range(rounds):
        for name, (argv, env) in commands.items():
            start = time.perf_counter()
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=env, cwd=cwd)
            _, status, usage = os.wait4(process.pid, 0)
            if os.waitstatus_to_exitcode(status) not in (0, 1, 3):
                raise SystemExit(f"{name} failed ({os.waitstatus_to_exitcode(status)})")
            results[name][0].append(time.perf_counter() - start)
            results[name][1].append(usage.ru_utime + usage.ru_stime)
    return results


def spread(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:6.1f} ms ({min(samples) * 1e3:.1f}–{max(samples) * 1e3:.1f})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", action="append", default=[], help="a checkout (PYTHONPATH); give two")
    parser.add_argument("--venv", action="append", default=[], help="a venv with can-i installed; give two")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args(argv)
    cache = tempfile.mkdtemp(prefix="can-i-pairs-")
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "VIRTUAL_ENV")}
    base.update(CAN_I_CACHE_DIR=cache, CAN_I_PROFILE="none")
    commands: dict = {}
    if args.code:
        commands["python -c pass"] = ([sys.executable, "-c", "pass"], base)
        for code in args.code:
            env = dict(base, PYTHONPATH=os.path.abspath(code))
            commands[f"{code}: host"] = ([sys.executable, "-c", ENTRY, *QUESTION], env)
            commands[f"{code}: --no-remedies"] = ([sys.executable, "-c", ENTRY, *QUESTION, "--no-remedies"], env)
    else:
        commands["python -c pass"] = ([os.path.join(args.venv[0], "bin", "python"), "-c", "pass"], base)
        for venv in args.venv:
            script = os.path.join(venv, "bin", "can-i")
            commands[f"{venv}: host"] = ([script, *QUESTION], base)
            commands[f"{venv}: --no-remedies"] = ([script, *QUESTION, "--no-remedies"], base)
    for argv_, env in commands.values():   # fill the cache, check that each runs
        subprocess.run(argv_, env=env, cwd=cache, capture_output=True)
    load = os.getloadavg()[0]
    runs = paired(commands, args.rounds, cache)
    floor_wall, floor_cpu = (statistics.median(samples) for samples in runs["python -c pass"])
    print(f"{args.rounds} rounds, load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
    for name, (wall, cpu) in runs.items():
        print(f"  {name:40s} wall {spread(wall)} = {statistics.median(wall) / floor_wall:.2f}x   "
              f"CPU {spread(cpu)} = {statistics.median(cpu) / floor_cpu:.2f}x")
    import shutil

    shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
