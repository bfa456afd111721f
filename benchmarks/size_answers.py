"""Digests of big questions' answers, to compare two checkouts byte for byte (issue 12, item 4:
answers must stay identical). Not a test: it prints one line per shape, the sha256 of its
`to_json()` and its length, so the outputs of two checkouts can be diffed.

    PYTHONPATH=/work/baseline python benchmarks/size_answers.py 1000,10000 > before.txt
    PYTHONPATH=$PWD python benchmarks/size_answers.py 1000,10000 > after.txt
    diff before.txt after.txt

A script puts its own folder (benchmarks/) first on sys.path, not the working directory, so the
checkout answering is the one PYTHONPATH names; it is printed to stderr.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import size  # noqa: E402  (benchmarks/size.py: the shapes)
import size_phases  # noqa: E402

import reasoner  # noqa: E402
from reasoner.api import Reasoner  # noqa: E402
from reasoner.errors import CanIError  # noqa: E402


def relation_chain(n: int, relation: str) -> dict:
    doc = size.deep(n)
    for artifact in doc["artifacts"][1:]:
        artifact["derived_from"][0]["relation"] = relation
    return doc


def licensed_chain(n: int, license_text: str) -> dict:
    """size.deep's chain with another license on every model between the root and the user's."""
    doc = size.deep(n)
    for artifact in doc["artifacts"][1:-1]:
        artifact["license"] = license_text
    return doc


def half_own_chain(n: int) -> dict:
    """The upper half upstream, the lower half the user's own models, distributed."""
    doc = size.deep(n)
    for artifact in doc["artifacts"][n // 2:]:
        artifact.pop("license", None)
        artifact["mine"] = True
    doc["use"] = {"acts": ["distribute"]}
    return doc


def shapes(n: int) -> dict:
    found = {
        f"deep-{n}": size.deep(n),
        f"merge-{n}": size.merge(n, mine=False),
        f"distilled-{n}": relation_chain(n, "distilled"),
        f"quantized-{n}": relation_chain(n, "quantized"),
        f"llama3-and-apache-{n}": licensed_chain(n, "llama3 AND apache-2.0"),
        f"unknown-license-{n}": licensed_chain(n, "weird-license-x"),
        f"bench-lineage-{n}": size_phases.bench_lineage(n),
        f"wide-{n}": size.wide(n),
    }
    if n <= 1_000:   # past MAX_ACTS beyond: a limit error, compared too, but a cheap one
        found[f"half-own-{n}"] = half_own_chain(n)
        found[f"own-merge-{n}"] = size.merge(n, mine=True)
    return found


def main(argv: list[str]) -> None:
    print(f"# {Path(reasoner.__file__).parent}", file=sys.stderr)
    asking = Reasoner(cache_size=0)
    for n in map(int, (argv[0] if argv else "1000,10000").split(",")):
        for name, doc in shapes(n).items():
            try:
                text = json.dumps(asking.ask(doc).to_json(), sort_keys=True)
            except CanIError as exc:
                text = f"{type(exc).__name__}: {exc}"
            print(name, hashlib.sha256(text.encode()).hexdigest()[:16], len(text))


if __name__ == "__main__":
    main(sys.argv[1:])
