"""Hostile review of prepared question shapes (reasoner/shapes.py, commit f3eb014).

Every test asks the same requests through a Reasoner that prepares structures and through
`Reasoner(cache_size=0, shapes=0)` (a fresh grounding per question: the reference) and wants the
same full answer, byte for byte. Where tests/test_shapes.py varies only the values of the engine
equivalence requests, these vary what its generator leaves fixed: structures with grants naming
artifacts, Hub organisations that are licensors', stated publishers and names, outbound
licenses, family ids (`gpl`), OR alternatives, unknown licenses, remedies; numbers at, one under
and one over every threshold of a knowledge base built for it (`>`, `>=`, `<`, `<=`, `=`, `!=`,
thresholds at 0, at 2^31 and at 10^18 - 1, dates); one structure fact changed at a time on one
Reasoner; the command line's JSON Lines; threads with a tiny capacity; a license added to the
knowledge base between questions. Work is bounded by counts, never by time.
"""

from __future__ import annotations

import copy
import json
import random
import threading
import tomllib
from pathlib import Path

import pytest

from reasoner import Reasoner, cli, shapes
from reasoner.parse import parse_text

ROOT = Path(__file__).resolve().parents[1] / "facts"
LICENSES = sorted(p.stem for p in (ROOT / "licenses").glob("*.lic"))
_CATALOG = tomllib.loads((ROOT / "catalog.toml").read_text(encoding="utf-8"))
MODELS = sorted(m["id"] for m in _CATALOG["model"])
DATASETS = sorted(d["id"] for d in _CATALOG["dataset"])
ORGS = ["meta-llama", "google", "mistralai", "qwen", "deepseek-ai", "org1", "moonshotai", "tencent", "stabilityai"]
LICENSORS = ["meta", "google", "mistral", "alibaba", "deepseek-ai", "moonshot", "tencent", "stability"]
TERRITORIES = ["US", "EU", "DE", "FR", "CN", "EEA", "KP", "CA"]
FAMILIES = ["llama", "gemma", "mistral", "qwen", "deepseek", "flux"]
RELATIONS = ["finetune", "adapter", "merge", "quantized", "distilled"]
NAMES = ["Llama-3-support-bot", "llama-bot", "Llama 3 x", "Gemma-chat", "acme-bot", "Qwen2-tuned", "Llama"]
# Every threshold of the bundled licenses, one under and one over, 0, 2^31 and the largest number.
NUMBERS = {"mau": [0, 99_999_999, 100_000_000, 100_000_001, 699_999_999, 700_000_001, 2**31, 10**18 - 1],
           "revenue": [0, 999_999, 1_000_000, 1_000_001, 2**32, 10**18 - 1],
           "release_mau": [0, 1, 699_999_999, 700_000_000, 700_000_001, 10**18 - 1],
           "release_mau_own": [0, 99_999_999, 100_000_000, 100_000_001],
           "monthly_revenue": [0, 19_999_999, 20_000_000, 20_000_001],
           "product_monthly_revenue": [0, 19_999_999, 20_000_000, 20_000_001],
           "revenue_12m": [0, 19_999_999, 20_000_000, 20_000_001],
           "employees": [0, 1, 250, 10**12]}
FLAGS = ["commercial", "linking", "maas_business"]

FRESH = Reasoner(cache_size=0, shapes=0)


def _license(rng: random.Random) -> str:
    roll, pick = rng.random(), lambda: rng.choice(LICENSES)
    if roll < 0.55:
        return pick()
    if roll < 0.65:
        return f"{pick()} AND {pick()}"
    if roll < 0.78:
        return f"{pick()} OR {pick()}"
    if roll < 0.9:
        return rng.choice(["gpl", "lgpl", "agpl", "Apache-2.0", "MIT", "GPL-3.0-only", "GPL-2.0-or-later", "LLAMA3"])
    return rng.choice(["other", "unknown-license-x", "proprietary", "cc-by-nc-4.0 OR other"])


def structure(rng: random.Random, index: int) -> dict:
    """A request's structure: artifacts (catalog models, Hub ids of licensors' organisations,
    invented ones with family, modalities, names), edges, the user's own model, and the use's
    structure facts (territory, domicile, entity, role, hosting, name, outbound, grants)."""
    artifacts: list[dict] = []
    for position in range(rng.randint(1, 4)):
        if rng.random() < 0.35:
            artifact = {"id": rng.choice(MODELS)}
        else:
            artifact = {"id": f"{rng.choice(ORGS)}/m{index}-{position}", "license": _license(rng)}
            if rng.random() < 0.4:
                artifact["family"] = rng.choice(FAMILIES)
            if rng.random() < 0.3:
                artifact["modalities"] = rng.sample(["text", "image", "audio"], rng.randint(1, 2))
            if rng.random() < 0.2:
                artifact["name"] = rng.choice(NAMES)
        if position and rng.random() < 0.85:
            parents = rng.sample(range(position), rng.randint(1, min(2, position)))
            artifact["derived_from"] = [{"id": artifacts[p]["id"], "relation": rng.choice(RELATIONS)} for p in parents]
        artifacts.append(artifact)
    if rng.random() < 0.1:
        artifacts[0].setdefault("derived_from", []).append({"id": rng.choice(DATASETS), "relation": "trained_on"})
    if rng.random() < 0.5:
        last = artifacts[-1]
        if rng.random() < 0.6:
            last.pop("license", None)
        last["id"], last["mine"] = f"me/mine-{index}", True
        if not last.get("derived_from") and len(artifacts) > 1:
            last["derived_from"] = [{"id": artifacts[0]["id"], "relation": rng.choice(RELATIONS)}]
    seen, unique = set(), []
    for artifact in artifacts:
        if artifact["id"] not in seen:
            seen.add(artifact["id"])
            unique.append(artifact)
    use: dict = {}
    if rng.random() < 0.3:
        use["territory"] = rng.sample(TERRITORIES, rng.randint(1, 2))
    if rng.random() < 0.2:
        use["domicile"] = rng.sample(TERRITORIES, 1)
    for key, words in (("entity", ["individual", "company", "academic"]), ("role", ["licensee", "product-recipient"]),
                       ("hosting", ["public-api", "product-feature", "internal"])):
        if rng.random() < 0.12:
            use[key] = rng.choice(words)
    if rng.random() < 0.15:
        use["name"] = rng.choice(NAMES)
    if rng.random() < 0.12:
        use["outbound_license"] = rng.choice(["apache-2.0", "mit", "gpl-3.0", "llama3", "cc-by-sa-4.0"])
    if rng.random() < 0.2:
        grants = set()
        for _ in range(rng.randint(1, 2)):
            roll = rng.random()
            if roll < 0.4:
                grants.add(rng.choice(LICENSORS))
            elif roll < 0.7:
                grants.add(rng.choice(["llama3", "cc-by-nc-4.0", "gemma", "qwen", "kimi-k3"]))
            else:
                grants.add(f"{rng.choice(LICENSORS + ['llama3', 'cc-by-nc-4.0'])}:{rng.choice(unique)['id']}")
        use["grants"] = sorted(grants)
    document = {"artifacts": unique, "use": use}
    if rng.random() < 0.92:
        document["subject"] = unique[-1]["id"]
    return document


def draw_acts_and_flags(rng: random.Random, use: dict, acts_optional: bool, stated: float) -> None:
    """Acts (none only where the question may create a model instead) and each flag, stated
    with chance `stated`, true or false alike, into `use`."""
    acts = rng.sample(["use", "host", "distribute"], rng.randint(0 if acts_optional else 1, 3))
    if acts:
        use["acts"] = acts
    for flag in FLAGS:
        roll = rng.random()
        if roll < stated:
            use[flag] = roll < stated / 2


def values(document: dict, rng: random.Random, remedies: float = 0.0) -> dict:
    """The document with values drawn afresh: acts, flags, numbers on and around thresholds."""
    use = dict(document["use"])
    draw_acts_and_flags(rng, use, any(a.get("mine") for a in document["artifacts"]), 0.6)
    for key, numbers in NUMBERS.items():
        if rng.random() < 0.35:
            use[key] = rng.choice(numbers + [rng.randint(0, 10 ** rng.randint(1, 18) - 1)])
    if rng.random() < 0.15:
        use["date"] = rng.choice(["2024-01-01", "2025-06-01", "1970-01-01", "9999-12-31"])
    out = dict(document, use=use)
    if rng.random() < remedies:
        out["remedies"] = True
    return out


def text(answer) -> str:
    if isinstance(answer, Exception):
        return f"{type(answer).__name__}|{answer}"
    return json.dumps(answer.to_json(), sort_keys=True, ensure_ascii=False)


def warmed(reasoner: Reasoner) -> Reasoner:
    """A new Reasoner prepares nothing for its first questions (shapes.Shapes.EAGER_AFTER): give
    it shapes past them, so that lone questions are prepared at first sight."""
    reasoner.shapes = shapes.Shapes(reasoner.shapes.capacity, start_after=0)
    return reasoner


def mismatches(asked: list, fresh=FRESH, paths=None) -> list:
    """(index, path, fresh answer, prepared answer) for every answer a prepared path gives
    otherwise than a fresh grounding, one question at a time."""
    expected = [text(a) for a in fresh.answer_each(asked, batch_size=1)]
    bad = []
    for name, answers in (paths or {}).items():
        for i, (want, got) in enumerate(zip(expected, map(text, answers(asked)))):
            if want != got:
                bad.append((i, name, asked[i], want[:300], got[:300]))
    return bad


def prepared_paths(kb_paths=None, atoms: int = 5_000) -> dict:
    """The ways a process meets prepared structures: one by one with every structure prepared at
    first sight; the default Reasoner (answer cache on) in batches; a tiny capacity and atom
    budget that evict in the middle of batches of 7."""
    one = warmed(Reasoner(kb_paths, cache_size=0))
    one.shapes = shapes.Shapes(capacity=64, admit_after=1, start_after=0)
    default = Reasoner(kb_paths)
    evicting = Reasoner(kb_paths, cache_size=0)
    evicting.shapes = shapes.Shapes(capacity=2, admit_after=1, atoms=atoms, start_after=0)
    return {"one by one": lambda asked: one.answer_each(asked, batch_size=1),
            "default, batched": lambda asked: default.answer_each(asked),
            "evicting, batches of 7": lambda asked: evicting.answer_each(asked, batch_size=7)}


def generated(structures: int, variants: int, seed: int, remedies: float = 0.0) -> list:
    rng = random.Random(seed)
    documents = [structure(rng, i) for i in range(structures)]
    asked = [values(d, rng, remedies) for d in documents for _ in range(variants)]
    rng.shuffle(asked)
    return asked


@pytest.mark.slow   # its at-scale variant below is slow too; test_shapes compares the paths by default
def test_generated_structures_with_varied_values_answer_as_fresh_groundings():
    asked = generated(8, 4, seed=12)
    bad = mismatches(asked, paths=prepared_paths())
    assert not bad, f"{len(bad)} differ, first: {bad[:2]}"


@pytest.mark.slow
def test_generated_structures_with_varied_values_and_remedies_at_scale():
    asked = generated(120, 5, seed=1201, remedies=0.02)   # ~3 min of CPU: remedies dominate
    bad = mismatches(asked, paths=prepared_paths())
    assert not bad, f"{len(bad)} differ, first: {bad[:2]}"


# --- thresholds of every kind, on a knowledge base made for it --------------------------------

EDGY = """
license edgy {
  name "Edgy thresholds"
  version "1"
  licensor "Edgy"
  licensor_id edgy
  kind model
  terms follow finetune, adapter, merge, quantized

  clause "1" "Grant" {
    grant all
  }
  clause "2" "Zero" {
    forbid host when mau > 0 and commercial
  }
  clause "3" "Small" {
    forbid distribute when mau < 5
  }
  clause "4" "Not seven" {
    needs separate license when employees != 7 and linking
  }
  clause "5" "Largest" {
    forbid use when revenue >= 999_999_999_999_999_999
  }
  clause "6" "Date" {
    forbid host when date < 2025-01-01
  }
  clause "7" "Exact" {
    forbid all when release_mau = 1 and maas_business
  }
  clause "8" "At most 2^31" {
    needs separate license when revenue_12m <= 2_147_483_648
  }
  clause "9" "Billion" {
    forbid distribute when monthly_revenue > 999_999_999 and not commercial
  }
}
"""
EDGY_VALUES = {"mau": [0, 1, 2, 4, 5, 6, 2**31 - 1, 2**31, 10**18 - 1],
               "employees": [0, 6, 7, 8, 10**12],
               "revenue": [0, 999_999_999_999_999_998, 999_999_999_999_999_999],
               "date": ["2024-12-31", "2025-01-01", "2025-01-02", "0001-01-01", "9999-12-31"],
               "release_mau": [0, 1, 2],
               "revenue_12m": [0, 2_147_483_647, 2_147_483_648, 2_147_483_649, 2**32],
               "monthly_revenue": [0, 999_999_999, 1_000_000_000, 1_000_000_001]}
EDGY_STRUCTURES = [
    {"licenses": ["edgy"]},
    {"artifacts": [{"id": "edgy/base", "license": "edgy"},
                   {"id": "me/x", "mine": True, "derived_from": [{"id": "edgy/base", "relation": "finetune"}]}],
     "subject": "me/x"},
]


@pytest.fixture(scope="module")
def edgy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("edgy")
    (folder / "edgy.lic").write_text(EDGY, encoding="utf-8")
    return folder


def edgy_requests(count: int, seed: int) -> list:
    rng = random.Random(seed)
    asked = []
    for _ in range(count):
        document = copy.deepcopy(rng.choice(EDGY_STRUCTURES))
        use: dict = {}
        draw_acts_and_flags(rng, use, "artifacts" in document, 0.7)
        for key, numbers in EDGY_VALUES.items():
            if rng.random() < 0.6:
                use[key] = rng.choice(numbers)
        document["use"] = use
        asked.append(document)
    return asked


@pytest.mark.slow   # its at-scale variant below is slow too; test_shapes compares the paths by default
def test_numbers_at_under_and_over_every_kind_of_threshold_answer_as_fresh_groundings(edgy):
    fresh = Reasoner([edgy], cache_size=0, shapes=0)
    asked = edgy_requests(48, seed=3)
    bad = mismatches(asked, fresh=fresh, paths=prepared_paths([edgy], atoms=50_000))
    assert not bad, f"{len(bad)} differ, first: {bad[:2]}"


@pytest.mark.slow
def test_numbers_around_thresholds_at_scale(edgy):
    fresh = Reasoner([edgy], cache_size=0, shapes=0)
    bad = mismatches(edgy_requests(600, seed=31), fresh=fresh, paths=prepared_paths([edgy], atoms=50_000))
    assert not bad, f"{len(bad)} differ, first: {bad[:2]}"


def test_a_forbidden_number_after_a_permitted_one_on_the_same_prepared_structure_stays_forbidden(edgy):
    """Mutation test of the path: a YES prepares the structure, each NO after it switches one
    value across a threshold (`<`, `>=` at 10^18 - 1, `=`, a date) and must stay a NO."""
    reasoner = warmed(Reasoner([edgy], cache_size=0))
    known = {"commercial": True, "maas_business": False, "linking": False, "revenue_12m": 2**31 + 1}
    base = {"licenses": ["edgy"], "use": {"acts": ["distribute"], "mau": 5, **known}}
    assert reasoner.ask(base).status == "permitted"
    for use in ({"acts": ["distribute"], "mau": 4},
                {"acts": ["use"], "revenue": 999_999_999_999_999_999, "revenue_12m": 999_999_999_999_999_999},   # AT_MOST: a year <= 12 months
                {"acts": ["host"], "mau": 0, "date": "2024-12-31"},
                {"acts": ["use"], "release_mau": 1, "maas_business": True}):
        assert reasoner.ask({"licenses": ["edgy"], "use": {**known, **use}}).status == "forbidden", use
    assert reasoner.shapes.reused >= 4


# --- one structure fact changed at a time, on one Reasoner -------------------------------------

BASE = {"artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"},
                      {"id": "org1/tune", "license": "llama3",
                       "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]},
                      {"id": "me/bot", "mine": True, "derived_from": [{"id": "org1/tune", "relation": "finetune"}]}],
        "subject": "me/bot", "use": {"acts": ["distribute", "host"], "commercial": True, "release_mau": "10M"}}


def one_change_each() -> list:
    """BASE with one structure fact changed: names (the Llama prefix duty), regions, outbound,
    grants (licensor, license, for one artifact), the Hub organisation of an id, a stated
    publisher, license expressions, relations, family, modalities, who the user is."""
    out = []

    def change(edit):
        document = copy.deepcopy(BASE)
        edit(document)
        out.append(document)

    for name in ["Llama 3 bot", "llama-3-bot"]:
        change(lambda d, n=name: d["use"].__setitem__("name", n))
        change(lambda d, n=name: d["artifacts"][2].__setitem__("name", n))
    for territory in (["EU"], ["EU", "DE"]):
        change(lambda d, t=territory: d["use"].__setitem__("territory", t))
        change(lambda d, t=territory: d["use"].__setitem__("domicile", t))
    for outbound in ["apache-2.0", "llama3"]:
        change(lambda d, o=outbound: d["use"].__setitem__("outbound_license", o))
    for grants in (["meta"], ["meta:org1/tune"], ["meta:meta-llama/Meta-Llama-3-8B"]):
        change(lambda d, g=grants: d["use"].__setitem__("grants", g))
    for org in ["meta-llama", "facebook", "me"]:
        change(lambda d, o=org: (d["artifacts"][1].__setitem__("id", f"{o}/tune"),
                                 d["artifacts"][2]["derived_from"][0].__setitem__("id", f"{o}/tune")))
    for publisher in ["meta-llama", "org1"]:
        change(lambda d, p=publisher: d["artifacts"][1].__setitem__("publisher", p))
    for expression in ["llama3 OR mit", "unknown-x", "gpl"]:
        change(lambda d, e=expression: d["artifacts"][1].__setitem__("license", e))
    for relation in ["merge"]:
        change(lambda d, r=relation: d["artifacts"][2]["derived_from"][0].__setitem__("relation", r))
    for family in ["llama", "gemma"]:
        change(lambda d, f=family: d["artifacts"][2].__setitem__("family", f))
    for modalities in (["text"], ["text", "image"]):
        change(lambda d, m=modalities: d["artifacts"][2].__setitem__("modalities", m))
    for key, word in (("role", "product-recipient"), ("hosting", "public-api")):
        change(lambda d, k=key, w=word: d["use"].__setitem__(k, w))
    change(lambda d: d.__setitem__("subject", "org1/tune"))
    change(lambda d: d["artifacts"][1].__setitem__("mine", True))
    return out


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_each_structure_fact_changed_alone_is_a_structure_of_its_own():
    """Every question after the first is asked of a Reasoner holding the prepared structure of
    the question before: a structure fact that Scene.key() missed would answer from it."""
    documents = one_change_each()
    asked = [BASE] + documents + [BASE]
    reasoner = warmed(Reasoner(cache_size=0))
    reasoner.shapes = shapes.Shapes(capacity=128, admit_after=1, start_after=0)
    bad = mismatches(asked, paths={"one by one": lambda a: reasoner.answer_each(a, batch_size=1)})
    assert not bad, f"{len(bad)} differ, first: {bad[:2]}"
    assert reasoner.shapes.answered >= len(documents)


# --- threads, the command line, a knowledge base that grows -------------------------------------

def test_threads_sharing_a_reasoner_whose_structures_are_evicted_all_the_time():
    rng = random.Random(41)
    documents = [structure(rng, i) for i in range(6)]
    asked = [values(rng.choice(documents), rng) for _ in range(24)]
    expected = [text(a) for a in FRESH.answer_each(asked, batch_size=1)]
    reasoner = warmed(Reasoner(cache_size=0))
    reasoner.shapes = shapes.Shapes(capacity=2, admit_after=1, atoms=8_000, start_after=0)
    got: dict = {}

    def work(start: int) -> None:
        for i in range(start, len(asked), 4):
            try:
                got[i] = text(reasoner.ask(asked[i]))
            except Exception as exc:   # noqa: BLE001 (an error is an answer too)
                got[i] = text(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [i for i in range(len(asked)) if got[i] != expected[i]] == []
    assert len(reasoner.shapes._prepared) <= 2 and reasoner.shapes._held <= 8_000


def test_json_lines_on_the_command_line_answer_as_fresh_groundings(tmp_path, capsys, monkeypatch):
    """`can-i --json --request FILE.jsonl`: the command line's Reasoner prepares structures
    that come back (answer_each in batches); each line is the fresh answer's document."""
    rng = random.Random(5)
    documents = [structure(rng, i) for i in range(4)]
    asked = [values(rng.choice(documents), rng) for _ in range(24)]
    asked += [{"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": mau, "role": "licensee"}}
              for mau in ("10M", "700000001", "700M", "1", "2B", "699999999")] * 2
    path = tmp_path / "asked.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in asked) + "\n", encoding="utf-8")
    reasoner = warmed(Reasoner())
    monkeypatch.setattr(cli, "_reasoners", {(): ((), reasoner)})
    capsys.readouterr()
    cli.main(["--json", "--request", str(path)])
    lines = capsys.readouterr().out.splitlines()
    expected = [a.to_json() if not isinstance(a, Exception) else None for a in FRESH.answer_each(asked)]
    answered = [json.loads(line) for line in lines]
    assert len(answered) == len(asked)
    assert [got for got, want in zip(answered, expected) if want is not None and got != want] == []
    assert reasoner.shapes.answered > 0


EXTRA = """
license extra-terms {
  name "Extra terms"
  version "1"
  licensor "Extra"
  licensor_id extra
  kind model
  terms follow finetune
  clause "1" "Grant" {
    grant all
  }
  clause "2" "Large users" {
    forbid host when mau > 1000
  }
}
"""


def test_a_license_added_between_questions_is_answered_as_a_reasoner_that_always_had_it():
    """Before: `extra-terms` is unknown (UNKNOWN); after kb.add it is known and its threshold
    decides: the structures prepared before it came must not answer for it."""
    reasoner = warmed(Reasoner(cache_size=0))
    reasoner.shapes = shapes.Shapes(capacity=64, admit_after=1, start_after=0)
    asked = [{"artifacts": [{"id": "org9/x", "license": "extra-terms"}], "subject": "org9/x",
              "use": {"acts": ["host"], "mau": mau}} for mau in (10, 1000, 1001, 10**9)]
    before = [reasoner.ask(d).status for d in asked * 2]
    assert set(before) == {"unknown"}
    [lic] = parse_text(EXTRA)
    reasoner.kb.add(lic)
    knowing = Reasoner(cache_size=0, shapes=0)
    knowing.kb.add(parse_text(EXTRA)[0])
    after = [text(reasoner.ask(d)) for d in asked * 2]
    assert after == [text(knowing.ask(d)) for d in asked * 2]
    assert [json.loads(a)["status"] for a in after[:4]] == ["permitted", "permitted", "forbidden", "forbidden"]


@pytest.mark.slow
def test_license_and_downstream_advice_answer_as_fresh_groundings():
    prepared = warmed(Reasoner(cache_size=0))
    prepared.shapes = shapes.Shapes(capacity=64, admit_after=2, start_after=0)
    documents = [{"licenses": ["llama3.1"], "use": {"release_mau": "1M"}},
                 {"artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"},
                                {"id": "me/x", "mine": True,
                                 "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]}],
                  "subject": "me/x", "use": {"commercial": True}},
                 {"licenses": ["cc-by-nc-4.0"], "use": {"commercial": False}}]
    for document in documents * 2:
        assert repr(prepared.license_for(document)) == repr(FRESH.license_for(document))
        assert repr(prepared.downstream(document)) == repr(FRESH.downstream(document))


# --- bounds on what a long-lived Reasoner keeps -------------------------------------------------

def test_what_a_reasoner_keeps_stays_bounded_over_many_varied_questions():
    """Counts, not bytes: structures held, atoms held, sightings and structures found too large,
    and per structure the assumption lists and decoded atoms (at most one per shown atom)."""
    rng = random.Random(77)
    reasoner = warmed(Reasoner(cache_size=0))
    reasoner.shapes = shapes.Shapes(capacity=4, admit_after=2, atoms=20_000, start_after=0)
    documents = [structure(rng, i) for i in range(30)]
    reasoner.answer_each([values(rng.choice(documents), rng) for _ in range(40)], batch_size=10)
    kept = reasoner.shapes
    assert len(kept._prepared) <= 4 and kept._held <= 20_000
    assert len(kept._sightings) <= 16 * 64 and len(kept._too_large) <= 4096
    for prepared in kept._prepared.values():
        assert len(prepared.assumptions) <= 1024
        assert len(prepared.decoded) <= prepared.size


@pytest.mark.slow
def test_the_audit_of_the_sample_cards_is_the_same_with_and_without_prepared_shapes(monkeypatch):
    from reasoner import audit

    sample = Path(__file__).parent / "data" / "hub-cards-sample.jsonl"
    rows = {}
    for name, engine in (("fresh", FRESH), ("prepared", warmed(Reasoner(cache_size=0)))):
        if name == "prepared":
            engine.shapes = shapes.Shapes(capacity=64, admit_after=1, start_after=0)
        monkeypatch.setattr(audit, "_ENGINES", {(): engine})
        monkeypatch.setattr(audit, "_SHAPES", {})
        rows[name] = [json.dumps(row.to_json(), sort_keys=True) for row in audit.audit([sample], share=False).rows]
    assert len(rows["fresh"]) == 502
    assert [i for i, (a, b) in enumerate(zip(rows["fresh"], rows["prepared"])) if a != b] == []


def test_the_rules_have_one_model_for_every_assignment_of_the_values():
    """Both paths take the program's one model: shapes.py asserts it (a second model would be a
    traceback) and the fresh path would merge the atoms of every model into one answer. That
    holds while the rules have no choice rule, disjunction or constraint and the value atoms
    are defined by no rule (an external a rule defines is no longer only the question's)."""
    from clingo import ast

    from reasoner.solve import _rules

    heads = []
    for statement in _rules():
        if statement.ast_type != ast.ASTType.Rule:
            continue
        head = statement.head
        if head.ast_type != ast.ASTType.Literal or head.atom.ast_type != ast.ASTType.SymbolicAtom:
            heads.append(str(statement))   # a choice, disjunction, aggregate or constraint (`#false`)
        elif head.atom.symbol.ast_type == ast.ASTType.Function and head.atom.symbol.name in shapes.VALUE_PREDICATES:
            heads.append(str(statement))
    assert heads == []
