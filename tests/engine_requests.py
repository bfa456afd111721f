"""Varied, realistic requests for the engine equivalence test (tests/test_engine_equivalence.py).

The same seed gives the same requests; the digests in tests/data/engine-digests.bin.gz were
computed from them by the code before the engine rewrite (420ef58, `python tests/engine_requests.py`
with PYTHONPATH pointing at that code), so the test shows the new engine answers every one of them
byte for byte as the old one did. The generator reads only the bundled knowledge base's files
(license ids, catalog models, datasets), never the code under test.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from pathlib import Path

SEED = 20261130
COUNT = 10_000
DIGEST_BYTES = 8       # a truncated sha256 per answer: 80 KB for 10,000, and collisions are moot
DIGESTS = Path(__file__).with_name("data") / "engine-digests.bin.gz"
EXAMPLE_DIGESTS = Path(__file__).with_name("data") / "engine-example-digests.json.gz"

TERRITORIES = ["US", "EU", "DE", "FR", "GB", "CN", "RU", "IN", "JP", "BR", "EEA", "KP", "IR", "CA"]
PURPOSES = ["research", "military", "medical-advice", "surveillance", "legal-advice", "spam",
            "automated-decisions", "biometric-identification", "customer-support", "law-enforcement"]
ENTITIES = ["individual", "academic", "non-profit", "company", "government"]
ROLES = ["licensee", "product-recipient", "service-user"]
HOSTING = ["public-api", "product-feature", "internal"]
MODALITIES = ["text", "image", "audio", "video"]
FAMILIES = ["llama", "gemma", "mistral", "qwen", "deepseek", "phi", "falcon", "yi", "flux"]
RELATIONS = ["finetune", "finetune", "adapter", "merge", "quantized", "distilled"]
NAMES = ["Llama-3-support-bot", "llama-bot", "Meta-Llama-helper", "Gemma-chat", "acme-bot", "Qwen2-tuned",
         "DeepSeek-mini", "Llama 3 assistant"]


def _pools():
    from tomllib import loads

    root = Path(__file__).resolve().parents[1] / "facts"
    licenses = sorted(p.stem for p in (root / "licenses").glob("*.lic"))
    catalog = loads((root / "catalog.toml").read_text(encoding="utf-8"))
    models = sorted(m["id"] for m in catalog.get("models", catalog.get("model", [])) if "id" in m)
    datasets = sorted(d["id"] for d in catalog.get("datasets", catalog.get("dataset", [])) if "id" in d)
    return licenses, models, datasets


def _license(rng: random.Random, licenses: list[str]) -> str:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(licenses)
    if roll < 0.75:
        return f"{rng.choice(licenses)} AND {rng.choice(licenses)}"
    if roll < 0.9:
        return f"{rng.choice(licenses)} OR {rng.choice(licenses)}"
    if roll < 0.95:
        return rng.choice(["gpl", "lgpl", "Apache-2.0", "MIT", "GPL-3.0-only", "LLAMA3"])
    return rng.choice(["other", "unknown-license-x", "proprietary"])


def request(rng: random.Random, index: int, licenses: list[str], models: list[str], datasets: list[str]) -> dict:
    """One request: 1-5 artifacts (catalog models and invented ones), a use with mixed facts."""
    artifacts: list[dict] = []
    count = rng.randint(1, 5)
    for position in range(count):
        if rng.random() < 0.35 and models:
            artifact = {"id": rng.choice(models)}
        else:
            artifact = {"id": f"org{rng.randint(0, 9)}/model-{index}-{position}", "license": _license(rng, licenses)}
            if rng.random() < 0.4:
                artifact["family"] = rng.choice(FAMILIES)
            if rng.random() < 0.3:
                artifact["modalities"] = rng.sample(MODALITIES, rng.randint(1, 2))
        if position and rng.random() < 0.85:
            parents = rng.sample(range(position), rng.randint(1, min(2, position)))
            artifact["derived_from"] = [{"id": artifacts[p]["id"], "relation": rng.choice(RELATIONS)}
                                        for p in parents]
        artifacts.append(artifact)
    if rng.random() < 0.1 and datasets:
        artifacts[0].setdefault("derived_from", []).append({"id": rng.choice(datasets), "relation": "trained_on"})
    if rng.random() < 0.55:   # the last is the user's own model
        last = artifacts[-1]
        last.pop("license", None) if rng.random() < 0.6 else None
        last["id"] = f"me/model-{index}"
        last["mine"] = True
        if not last.get("derived_from") and len(artifacts) > 1:
            last["derived_from"] = [{"id": artifacts[0]["id"], "relation": rng.choice(RELATIONS)}]
        if rng.random() < 0.3:
            last["name"] = rng.choice(NAMES)
    # catalog ids may repeat: keep the first of each
    seen, unique = set(), []
    for artifact in artifacts:
        if artifact["id"] not in seen:
            seen.add(artifact["id"])
            unique.append(artifact)
    artifacts = unique
    acts = rng.sample(["use", "host", "distribute"], rng.randint(0 if artifacts[-1].get("mine") else 1, 2))
    use: dict = {"acts": acts} if acts else {}
    if rng.random() < 0.6:
        use["mau"] = rng.choice([0, 1000, 700_000_000, 700_000_001, rng.randint(0, 2_000_000_000), "800M", "10M"])
    if rng.random() < 0.6:
        use["commercial"] = rng.random() < 0.5
    if rng.random() < 0.3:
        use["revenue_usd"] = rng.choice([0, 1_000_000, rng.randint(0, 5_000_000_000), "$2.5B"])
    if rng.random() < 0.15:
        use["employees"] = rng.randint(1, 100_000)
    if rng.random() < 0.3:
        use["territory"] = rng.sample(TERRITORIES, rng.randint(1, 3))
    if rng.random() < 0.25:
        use["purposes"] = rng.sample(PURPOSES, rng.randint(1, 2))
    if rng.random() < 0.1:
        use["entity"] = rng.choice(ENTITIES)
    if rng.random() < 0.1:
        use["role"] = rng.choice(ROLES)
    if rng.random() < 0.1:
        use["hosting"] = rng.choice(HOSTING)
    if rng.random() < 0.1:
        use["release_mau"] = rng.choice([0, 800_000_000, "2M"])
    if rng.random() < 0.1:
        use["date"] = rng.choice(["2024-01-01", "2025-06-01", "2026-03-15"])
    if rng.random() < 0.08:
        use["linking"] = rng.random() < 0.5
    if rng.random() < 0.1:
        use["name"] = rng.choice(NAMES)
    if rng.random() < 0.12:
        use["outbound_license"] = rng.choice(["apache-2.0", "mit", "gpl-3.0", "llama3", "cc-by-4.0", "nope-1.0"])
    if rng.random() < 0.12:
        use["grants"] = rng.sample(["meta", "llama3", "mistral", "cc-by-nc-4.0", "apache-2.0", "google", "nobody"],
                                   rng.randint(1, 2))
    document = {"artifacts": artifacts, "use": use}
    if rng.random() < 0.92:
        document["subject"] = artifacts[-1]["id"]
    return document


def requests(count: int = COUNT, seed: int = SEED) -> list[dict]:
    licenses, models, datasets = _pools()
    rng = random.Random(seed)
    return [request(rng, i, licenses, models, datasets) for i in range(count)]


def digest(answer) -> bytes:
    """The answer's fingerprint: its canonical JSON, or an error's class, message and location."""
    if isinstance(answer, Exception):
        text = f"{type(answer).__name__}|{answer.message}|{answer.location}"
    else:
        text = json.dumps(answer.to_json(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).digest()[:DIGEST_BYTES]


def answer_digests(reasoner, documents: list[dict], batch_size: int = 100) -> list[bytes]:
    out = []
    for start in range(0, len(documents), batch_size):
        out += [digest(a) for a in reasoner.answer_each(documents[start:start + batch_size])]
    return out


def example_digests(reasoner, batch_size: int | None = None) -> dict[str, str]:
    """Every bundled license example's full answer, by license and example number: asked one at a
    time, or with `batch_size` in batches (answers are the same; batches are faster)."""
    from reasoner.examples import example_request

    keys, documents = [], []
    for lid in sorted(reasoner.kb.licenses):
        lic = reasoner.kb.licenses[lid].license
        for number, example in enumerate(lic.examples):
            keys.append(f"{lid}#{number}")
            documents.append(example_request(lic, example))
    if batch_size:
        return dict(zip(keys, (d.hex() for d in answer_digests(reasoner, documents, batch_size))))
    out = {}
    for key, document in zip(keys, documents):
        try:
            answer = reasoner.ask(document)
        except Exception as exc:   # noqa: BLE001 (an error is an answer too)
            answer = exc
        out[key] = digest(answer).hex()
    return out


def _tie_broken_leaf_order(leaf) -> tuple:
    return (leaf.license, leaf.clause, leaf.fact, leaf.op, str(leaf.value), leaf.kind,
            leaf.artifact or "", leaf.text, leaf.exception or "", leaf.tests or "", leaf.title)


def main() -> None:
    """Write the stored digests (run with the code before the engine rewrite on PYTHONPATH)."""
    from reasoner import Reasoner, explain

    # The old code ordered residual groups that tie on its sort key (one test on two models of a
    # lineage) in set order, which changes with PYTHONHASHSEED; the new code breaks the tie by the
    # remaining fields. The old code is run with that tie-break so that its answers are stable.
    explain._leaf_order = _tie_broken_leaf_order
    reasoner = Reasoner(cache_size=0)
    documents = requests()
    digests = answer_digests(reasoner, documents)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DIGESTS
    out.write_bytes(gzip.compress(b"".join(digests), mtime=0))
    examples = example_digests(reasoner)
    (out.with_name("engine-example-digests.json.gz") if len(sys.argv) > 1 else EXAMPLE_DIGESTS).write_bytes(gzip.compress(json.dumps(examples, sort_keys=True).encode(), mtime=0))
    print(f"{len(digests)} request digests, {len(examples)} example digests from {sys.modules['reasoner'].__file__}")


if __name__ == "__main__":
    main()
