"""Time and peak memory of `can-i audit` on a generated Hub-like graph (not a timed test).

    python benchmarks/audit.py [--models N ...] [--jobs J ...] [--dask W ...] [--repeat R] [--keep DIR]

For each N, writes a Hub metadata dump (JSON Lines of `{id, cardData}`) of N models shaped like
the Hub's model trees: a few thousand roots (some of them catalog models: phi-2, Stable
Diffusion, Llama 3, Gemma, Mistral), each other model the child of an earlier one picked with a
power-law preference for popular roots (85% of models derive from a root, as 96% do in the
sample) and else for early fine-tunes, depth at most 8, licenses and datasets drawn
from the real sample's distribution (tests/data/hub-cards-sample.jsonl: 48% MIT, 39% no license,
7% creativeml-openrail-m, 3% unnamed `other`, ...). Then runs the audit in a fresh process per
`--jobs` value and prints wall time, CPU time (this process and its workers), peak RSS of the
auditing process and of its largest worker, models per second and the statuses. `--dask W`
also runs the audit on a Dask LocalCluster of W single-threaded worker processes
(`--engine dask`; needs the `dask` extra): its time includes starting the cluster, whose start
is also shown apart; CPU and peak RSS are the client's and its workers' (asked of each worker).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (declared license, license_name) and its weight among the sample's 502 cards.
LICENSES = [(("mit", None), 243), ((None, None), 195), (("creativeml-openrail-m", None), 37),
            (("other", None), 14), (("apache-2.0", None), 6), (("other", "stabilityai-ai-community"), 3),
            (("openrail++", None), 2), (("other", "microsoft-research-license"), 1), (("ms-pl", None), 1)]
CATALOG_ROOTS = ["microsoft/phi-2", "stabilityai/stable-diffusion-2-1", "meta-llama/Meta-Llama-3-8B",
                 "google/gemma-2-9b", "mistralai/Mistral-7B-v0.1", "stabilityai/stable-diffusion-3-medium"]
DATASETS = ["yuvalkirstain/pickapic_v2", "teknium/OpenHermes-2.5", "garage-bAInd/Open-Platypus", "GAIR/lima",
            "HuggingFaceH4/ultrachat_200k", "Open-Orca/OpenOrca", "tatsu-lab/alpaca", "databricks/databricks-dolly-15k"]
RELATIONS = [("finetune", 70), ("adapter", 15), ("quantized", 12), ("merge", 3)]
MAX_DEPTH = 8
ROOT_SHARE = 0.85


def generate(count: int, seed: int = 14) -> list[dict]:
    """`count` Hub metadata records: {id, cardData}."""
    rng = random.Random(seed)
    roots = max(10, min(5_000, count // 30))
    licenses, weights = zip(*LICENSES)
    relations, relation_weights = zip(*RELATIONS)
    records, depth = [], []
    for index in range(count):
        org = f"user{rng.randrange(count // 3 + 1)}"
        if index < roots:
            if index < len(CATALOG_ROOTS):
                records.append({"id": CATALOG_ROOTS[index], "cardData": {}})
            else:
                lid, name = rng.choices(licenses, weights)[0]
                records.append({"id": f"{org}/base-{index}", "cardData": _card(lid, name)})
            depth.append(0)
            continue
        # As on the Hub (the sample: 96% of models sit right under their tree's root), most models
        # derive from a root, popular roots far more often (power law); the others from an
        # earlier fine-tune, early (popular) ones more often.
        if rng.random() < ROOT_SHARE:
            parent = int(roots * rng.random() ** 3)
        else:
            parent = roots + int((index - roots) * rng.random() ** 2) if index > roots else 0
        while depth[parent] >= MAX_DEPTH:
            parent = int(parent * rng.random())
        lid, name = rng.choices(licenses, weights)[0]
        data = _card(lid, name)
        data["base_model"] = records[parent]["id"]
        relation = rng.choices(relations, relation_weights)[0]
        if relation != "finetune":
            data["base_model_relation"] = relation
        if rng.random() < 0.05:
            data["datasets"] = rng.sample(DATASETS, rng.randint(1, 3))
        records.append({"id": f"{org}/model-{index}", "cardData": data})
        depth.append(depth[parent] + 1)
    return records


def _card(lid, name) -> dict:
    data = {}
    if lid:
        data["license"] = lid
    if name:
        data["license_name"] = name
    return data


def run_one(path: str, jobs: int) -> dict:
    """Audit `path` in this process; the figures as a dict (called in a fresh process)."""
    from reasoner import audit

    wall, cpu = time.perf_counter(), time.process_time()
    report = audit.audit([path], jobs=jobs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return _figures(report, wall, cpu + children.ru_utime + children.ru_stime, children.ru_maxrss)


def run_dask(path: str, workers: int) -> dict:
    """Audit `path` on a LocalCluster of `workers` processes started here (`--engine dask`)."""
    import distributed as dd

    from reasoner import distributed

    wall, cpu = time.perf_counter(), time.process_time()
    with distributed.local_cluster(workers) as cluster, dd.Client(cluster) as client:
        client.wait_for_workers(workers)
        started = time.perf_counter() - wall
        report = distributed.audit([path], client=client)
        wall = time.perf_counter() - wall
        usage = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF)[:3])   # (utime, stime, maxrss KiB)
    client_cpu = time.process_time() - cpu     # the client, and the scheduler it hosts
    workers_cpu = sum(u + s for u, s, _ in usage.values())
    figures = _figures(report, wall, client_cpu + workers_cpu, max(m for _, _, m in usage.values()))
    figures.update(cluster_start_s=round(started, 2), client_cpu_s=round(client_cpu, 2),
                   workers_cpu_s=round(workers_cpu, 2))
    return figures


def _figures(report, wall: float, cpu: float, worker_maxrss_kib: int) -> dict:
    import hashlib

    digest = hashlib.sha256()   # every row's JSON, after the clock: equal digests, equal reports
    for row in report.rows:
        digest.update(json.dumps(row.to_json(), sort_keys=True).encode())
    return {"rows_sha256": digest.hexdigest()[:16],"models": len(report.rows), "jobs": report.jobs, "chunks": report.chunks, "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "worker_peak_rss_mib": round(worker_maxrss_kib / 1024),
            "statuses": report.counts(), "reasons": report.kind_counts()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, os.cpu_count() or 1])
    parser.add_argument("--dask", type=int, nargs="*", default=[], metavar="WORKERS",
                        help="also audit on a Dask LocalCluster of this many worker processes")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (the median is shown)")
    parser.add_argument("--keep", type=Path, default=None, help="write the generated dumps here")
    parser.add_argument("--run", nargs=2, metavar=("FILE", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        engine, _, jobs = args.run[1].rpartition(":")     # "2" (--jobs 2) or "dask:2"
        print(json.dumps(run_dask(args.run[0], int(jobs)) if engine == "dask" else run_one(args.run[0], int(jobs))))
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="can-i-audit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for count in args.models:
        path = folder / f"hub-{count}.jsonl"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as handle:
            for record in generate(count):
                handle.write(json.dumps(record) + "\n")
        print(f"{count:,} models: generated in {time.perf_counter() - started:.1f} s ({path.stat().st_size >> 20} MiB)")
        for jobs in [str(j) for j in args.jobs] + [f"dask:{w}" for w in args.dask]:
            runs = []
            for _ in range(args.repeat):
                proc = subprocess.run([sys.executable, __file__, "--run", str(path), jobs],
                                      capture_output=True, text=True, cwd=ROOT)
                if proc.returncode != 0:
                    print(proc.stderr[-2000:])
                    return 1
                runs.append(json.loads(proc.stdout))
            runs.sort(key=lambda r: r["wall_s"])
            best = runs[len(runs) // 2]
            walls = [r["wall_s"] for r in runs]
            label = f"--engine dask ({jobs[5:]} workers)" if jobs.startswith("dask:") else f"--jobs {jobs}"
            start = ""
            if "cluster_start_s" in best:
                start = (f", of which cluster start {best['cluster_start_s']} s; cpu: client and scheduler "
                         f"{best['client_cpu_s']} s, workers {best['workers_cpu_s']} s")
            print(f"  {label}: wall {best['wall_s']} s (min–max {min(walls)}–{max(walls)}{start}), cpu {best['cpu_s']} s, "
                  f"{best['models'] / best['wall_s']:,.0f} models/s, peak RSS {best['peak_rss_mib']} MiB "
                  f"(largest worker {best['worker_peak_rss_mib']} MiB), {best['chunks']} chunks")
            print(f"    statuses {best['statuses']}; reasons {best['reasons']}; rows sha256 {best['rows_sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
