"""Big varied lineages (1,000-3,000 artifacts) for comparing answers between checkouts
(review of session 3's size changes: fields given only at context artifacts, compact keys).

    PYTHONPATH=/work/baseline python tests/review3_requests.py 40 > before.txt
    PYTHONPATH=$PWD python tests/review3_requests.py 40 > after.txt && diff before.txt after.txt
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_requests as er  # noqa: E402


def describe(rng: random.Random, artifact: dict, family: float, name: float, modalities: float) -> None:
    """Give the artifact a family, a name and modalities, each with its chance (in that order)."""
    if rng.random() < family:
        artifact["family"] = rng.choice(er.FAMILIES)
    if rng.random() < name:
        artifact["name"] = rng.choice(er.NAMES)
    if rng.random() < modalities:
        artifact["modalities"] = rng.sample(er.MODALITIES, rng.randint(1, 2))


def big(rng: random.Random, index: int, licenses, models, datasets, n: int) -> dict:
    kind = rng.random()
    if kind < 0.4:
        pool = rng.sample(licenses, 6) + ["llama3", "gemma", "apache-2.0", "mit"]
    elif kind < 0.7:
        pool = ["mit", "apache-2.0", "mit", "apache-2.0", "llama3", "gemma"]
    else:
        pool = ["mit", "apache-2.0", "bsd-3-clause", "mit", "apache-2.0", rng.choice(licenses)]
    pool = [p for p in pool if p in licenses] or ["mit"]
    artifacts: list[dict] = []
    mine_left = rng.randint(0, 6)
    unknowns = rng.random() < 0.25
    for i in range(n):
        a: dict = {"id": f"org{rng.randint(0, 5)}/m{index}-{i}"}
        roll = rng.random()
        if roll < 0.8:
            a["license"] = rng.choice(pool)
        elif roll < 0.85:
            a["license"] = f"{rng.choice(pool)} AND {rng.choice(pool)}"
        elif roll < 0.88 and unknowns:
            a["license"] = rng.choice(["unknown-license-x", "other"])
        elif not unknowns or rng.random() < 0.5:
            a["license"] = rng.choice(pool)
        # else: no license
        describe(rng, a, family=0.3, name=0.2, modalities=0.1)
        if rng.random() < 0.1:   # an id outside the Hub's namespaces, with its publisher
            a["id"] = f"m{index}-{i}"
            a["publisher"] = rng.choice(["meta", "google", "acme"])
        if i:
            if rng.random() < 0.85:
                parent = i - 1
            else:
                parent = rng.randrange(i)
            edges = [{"id": artifacts[parent]["id"], "relation": rng.choice(er.RELATIONS)}]
            if rng.random() < 0.05 and i > 2:
                other = rng.randrange(i)
                if other != parent:
                    edges.append({"id": artifacts[other]["id"], "relation": rng.choice(er.RELATIONS)})
            if rng.random() < 0.01 and datasets:
                edges.append({"id": rng.choice(datasets), "relation": "trained_on"})
            a["derived_from"] = edges
        if i and mine_left and rng.random() < 8 / n:
            a["mine"] = True
            a.pop("license", None) if rng.random() < 0.6 else None
            mine_left -= 1
        artifacts.append(a)
    last = artifacts[-1]
    if rng.random() < 0.6:
        last["mine"] = True
        last.pop("license", None)
        if rng.random() < 0.5:
            last["name"] = rng.choice(er.NAMES)
    # a catalog model somewhere upstream
    if models and rng.random() < 0.5:
        artifacts[0] = {"id": rng.choice(models)}
        if len(artifacts) > 1:
            for e in artifacts[1].get("derived_from", []):
                pass
        for a in artifacts[1:]:
            for e in a.get("derived_from", []):
                if e["id"] == f"org0/m{index}-0" or e["id"].endswith(f"/m{index}-0"):
                    e["id"] = artifacts[0]["id"]
    # fix dangling parent ids after replacing artifact 0
    ids = {a["id"] for a in artifacts}
    for a in artifacts:
        for e in a.get("derived_from", []):
            if e["id"] not in ids and e["relation"] != "trained_on":
                e["id"] = artifacts[0]["id"]
    small = er.request(rng, index, licenses, models, datasets)
    use = small["use"]
    if not use.get("acts"):
        use["acts"] = [rng.choice(["use", "host", "distribute"])]
    doc = {"artifacts": artifacts, "use": use, "subject": artifacts[-1]["id"] if rng.random() < 0.8
           else artifacts[rng.randrange(len(artifacts))]["id"]}
    return doc


def documents(count: int, seed: int = 7, low: int = 1000, high: int = 3000) -> list[dict]:
    licenses, models, datasets = er._pools()
    rng = random.Random(seed)
    return [big(rng, i, licenses, models, datasets, rng.randint(low, high)) for i in range(count)]


def main(argv) -> None:
    import reasoner
    from reasoner.api import Reasoner
    from reasoner.errors import CanIError
    print(f"# {reasoner.__file__}", file=sys.stderr)
    count = int(argv[0]) if argv else 20
    seed = int(argv[1]) if len(argv) > 1 else 7
    low, high = (int(argv[2]), int(argv[3])) if len(argv) > 3 else (1000, 3000)
    asking = Reasoner(cache_size=0)
    for i, doc in enumerate(documents(count, seed, low, high)):
        try:
            text = json.dumps(asking.ask(doc).to_json(), sort_keys=True)
            status = json.loads(text)["status"]
        except CanIError as exc:
            text, status = f"{type(exc).__name__}: {exc}", "ERR"
        print(i, status, hashlib.sha256(text.encode()).hexdigest()[:16], len(text), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
