"""One-artifact requests with many facts, for checking remedies (review of session 3's remedy
change: one-change remedies of one-artifact questions are answered inside the search's grounding).

    PYTHONPATH=$PWD python tests/review3_remedy_requests.py digest N SEED > x.txt   # per request: sha of to_json
    PYTHONPATH=$PWD python tests/review3_remedy_requests.py verify N SEED            # every remedy, applied, is YES
"""
from __future__ import annotations

import copy
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_requests as er  # noqa: E402
from review3_requests import describe  # noqa: E402


def one(rng: random.Random, index: int, licenses, models, datasets) -> dict:
    roll = rng.random()
    if roll < 0.3 and models:
        doc: dict = {"artifacts": [{"id": rng.choice(models)}]}
    elif roll < 0.55:
        doc = {"licenses": [er._license(rng, licenses) if rng.random() < 0.3 else rng.choice(licenses)]}
    else:
        a = {"id": f"org{rng.randint(0, 3)}/one-{index}", "license": er._license(rng, licenses)
             if rng.random() < 0.3 else rng.choice(licenses)}
        describe(rng, a, family=0.5, name=0.4, modalities=0.3)
        doc = {"artifacts": [a]}
    use = {}
    for _ in range(3):   # many facts: the union of a few generated uses
        use.update(er.request(rng, index, licenses, models, datasets)["use"])
    if not use.get("acts"):
        use["acts"] = [rng.choice(["use", "host", "distribute"])]
    doc["use"] = use
    return doc


def documents(count: int, seed: int) -> list[dict]:
    licenses, models, datasets = er._pools()
    rng = random.Random(seed)
    return [one(rng, i, licenses, models, datasets) for i in range(count)]


def main(argv) -> int:
    import reasoner
    from reasoner.api import Reasoner
    from reasoner.errors import CanIError
    from reasoner.remedies import apply_changes, normalized_document
    print(f"# {reasoner.__file__}", file=sys.stderr)
    mode, count, seed = argv[0], int(argv[1]), int(argv[2])
    asking = Reasoner()
    checking = Reasoner(cache_size=0, shapes=0)
    bad = offered = 0
    for i, doc in enumerate(documents(count, seed)):
        try:
            result = asking.ask(dict(copy.deepcopy(doc), remedies=True))
            text = json.dumps(result.to_json(), sort_keys=True)
        except CanIError as exc:
            result, text = None, f"{type(exc).__name__}: {exc}"
        if mode == "digest":
            print(i, hashlib.sha256(text.encode()).hexdigest()[:16], len(text), flush=True)
            continue
        for remedy in (result.remedies or []) if result else []:
            offered += 1
            changed = apply_changes(normalized_document(doc),
                                    [edit for change in remedy.changes for edit in change.edits])
            try:
                status = checking.ask(changed).status
            except CanIError as exc:
                status = f"error {exc}"
            if status != "permitted":
                bad += 1
                print("UNVERIFIED", i, status, json.dumps(doc), json.dumps(changed), flush=True)
    if mode == "verify":
        print("remedies offered", offered, "not permitted when applied", bad)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
