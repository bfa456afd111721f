"""Issue 12, explain and to_json made cheaper: every answer stays byte for byte what it was.

The stored digests (tests/data/explain9-digests.json.gz) are of `json.dumps(answer.to_json(),
ensure_ascii=False)` with the keys in the order to_json writes them (not sorted), for ~700 varied
requests (tests/engine_requests.py's generator, its own seed), some asking for remedies, and of
the CLI's human rendering (with --explain) of some of them. They were computed by the code
before the change (`python tests/test_explain9.py` writes them). The other tests check that no
two answers share a mutable part (obligation params, lists): mutating one answer's document or
params must leave every other answer as it was.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import engine_requests  # noqa: E402

from reasoner import Reasoner  # noqa: E402

from sizes import sized  # noqa: E402 - the default run's sample, the full one under -m slow

SEED = 912_2026
COUNT = 660          # generated requests answered as they come
REMEDIES = 40        # more of them asked with "remedies": true
RENDERED = 60        # rendered as the CLI prints them (the first of the plain ones)
STORE = Path(__file__).with_name("data") / "explain9-digests.json.gz"


def documents() -> list[dict]:
    docs = engine_requests.requests(COUNT + REMEDIES, seed=SEED)
    for doc in docs[COUNT:]:
        doc["remedies"] = True
    return docs


def _text(answer) -> str:
    if isinstance(answer, Exception):
        return f"{type(answer).__name__}|{answer.message}|{answer.location}"
    return json.dumps(answer.to_json(), ensure_ascii=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _rendered(answer) -> str:
    from reasoner.render import render

    if isinstance(answer, Exception):
        return _text(answer)
    return render(answer, f"the request for `{answer.subject}`", True) + "\n--\n" + render(
        answer, f"the request for `{answer.subject}`", False, with_flags=True)


def compute(reasoner: Reasoner | None = None, step: int = 1) -> dict:
    """The digests of every `step`-th request's answer (the store holds every one), by index."""
    reasoner = reasoner or Reasoner(cache_size=0)
    docs = documents()
    indices = list(range(0, len(docs), step))
    answers = []
    for start in range(0, len(indices), 100):
        answers += reasoner.answer_each([docs[i] for i in indices[start:start + 100]])
    return {"json": dict(zip(indices, (_digest(_text(a)) for a in answers))),
            "human": {i: _digest(_rendered(a)) for i, a in zip(indices, answers) if i < RENDERED}}


def stored() -> dict:
    return json.loads(gzip.decompress(STORE.read_bytes()))


REASONER = Reasoner(cache_size=0)


def test_every_answer_is_byte_for_byte_as_stored():
    """Every third request in the default run (each kind of request is common in the generator),
    every one under -m slow (tests/test_full_sizes.py)."""
    expected, got = stored(), compute(REASONER, step=sized(3, 1))
    assert len(expected["json"]) == COUNT + REMEDIES
    assert len(got["json"]) >= (COUNT + REMEDIES) // 3 and any(i >= COUNT for i in got["json"])
    bad = [i for i, digest in got["json"].items() if digest != expected["json"][i]]
    assert not bad, f"{len(bad)} answers differ, first at request {bad[:5]}"
    bad = [i for i, digest in got["human"].items() if digest != expected["human"][i]]
    assert not bad, f"{len(bad)} renderings differ, first at request {bad[:5]}"


def test_one_at_a_time_and_cached_answers_are_as_stored():
    expected = stored()["json"]
    docs = documents()
    cached = Reasoner()
    for i in list(range(0, sized(40, 40 * 3), sized(3, 1))) + list(range(COUNT, COUNT + 3)):
        alone = REASONER.answer_each([docs[i]])[0]
        assert _digest(_text(alone)) == expected[i], i
        for _ in range(2):   # answered again from the cache
            assert _digest(_text(cached.answer_each([docs[i]])[0])) == expected[i], i


def _deep_mutate(value) -> None:
    if isinstance(value, dict):
        for key in list(value):
            if isinstance(value[key], (dict, list)):
                _deep_mutate(value[key])
            else:
                value[key] = "MUTATED"
        value["mutated"] = ["MUTATED"]
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _deep_mutate(item)
            else:
                value[i] = "MUTATED"
        value.append("MUTATED")


def _without_grants(answer) -> object:
    if isinstance(answer, Exception) or answer is None:
        return None
    document = json.loads(answer) if isinstance(answer, str) else json.loads(_text(answer))
    document.pop("grants", None)
    return document


def _with_obligations(count: int = sized(50, 200)) -> list[dict]:
    docs = [d for d in engine_requests.requests(count, seed=SEED) if "remedies" not in d]
    return docs


def test_no_two_answers_share_what_their_documents_hold():
    """Mutating the whole document of one answer (every dict and list in it) changes no other
    answer of the same or a later call, nor the same answer's next document."""
    docs = _with_obligations()
    first = REASONER.answer_each(docs + docs)
    half = len(docs)
    before = [_text(a) for a in first]
    assert sum(len(a.obligations) for a in first if not isinstance(a, Exception)) > 100
    for answer in first[:half]:
        if not isinstance(answer, Exception):
            _deep_mutate(answer.to_json())
    assert [_text(a) for a in first[half:]] == before[half:]
    # The same answer's next document is as before, but for `grants`: to_json lists the answer's
    # own grant dicts (as it did before this change), so mutating them mutates the answer.
    assert [_without_grants(a) for a in first[:half]] == [_without_grants(t if t.startswith("{") else None) for t in before[:half]]
    # documents mutated while others are alive
    documents = [a.to_json() for a in first if not isinstance(a, Exception)]
    pristine = copy.deepcopy(documents)
    for document in documents[::2]:
        _deep_mutate(document)
    assert documents[1::2] == pristine[1::2]
    again = REASONER.answer_each(docs)
    assert [_text(a) for a in again] == before[:half]


def test_no_two_answers_share_obligation_params():
    """An Obligation's params (and the lists in them) belong to its answer: mutating them changes
    no other answer, of this call or the next, and no later answer of the same license."""
    docs = _with_obligations()
    first = REASONER.answer_each(docs + docs)
    half = len(docs)
    before = [_text(a) for a in first]
    mutated = 0
    for answer in first[:half]:
        if isinstance(answer, Exception):
            continue
        for obligation in answer.obligations:
            for key, value in list(obligation.params.items()):
                if isinstance(value, list):
                    value.append("MUTATED")
                obligation.params[key] = value
            obligation.params["mutated"] = True
            mutated += 1
    assert mutated > 100
    assert [_text(a) for a in first[half:]] == before[half:]
    again = REASONER.answer_each(docs)
    assert [_text(a) for a in again] == before[:half]
    # two obligations of one answer share no params either
    for answer in again:
        if isinstance(answer, Exception):
            continue
        seen = set()
        for obligation in answer.obligations:
            assert id(obligation.params) not in seen or not obligation.params
            seen.add(id(obligation.params))
            for value in obligation.params.values():
                if isinstance(value, (list, dict)):
                    assert id(value) not in seen
                    seen.add(id(value))


def test_documents_are_fresh_per_call():
    """Two to_json() calls of one answer share no dict or list."""
    for answer in REASONER.answer_each(_with_obligations(60)):
        if isinstance(answer, Exception):
            continue
        a, b = answer.to_json(), answer.to_json()
        assert a == b
        ids_a = set()

        def walk(value, into):
            if isinstance(value, (dict, list)):
                into.add(id(value))
                for item in (value.values() if isinstance(value, dict) else value):
                    walk(item, into)

        a.pop("grants"), b.pop("grants")   # the answer's own grant dicts (see above)
        walk(a, ids_a)
        ids_b = set()
        walk(b, ids_b)
        assert not ids_a & ids_b


if __name__ == "__main__":
    digests = compute()
    digests = {"json": list(digests["json"].values()), "human": list(digests["human"].values())}
    STORE.write_bytes(gzip.compress(json.dumps(digests).encode(), mtime=0))
    print(f"{len(digests['json'])} answer digests, {len(digests['human'])} renderings -> {STORE}")


def test_the_fast_constructors_make_what_the_dataclasses_make():
    """response.obligation/applicable/reason/leaf/decider fill the instance dict as the frozen
    dataclass __init__ does: equal, same hash, repr, field order and document; still frozen."""
    import dataclasses
    import pickle

    import pytest

    from reasoner import response as r

    cases = [
        (r.Obligation, r.obligation, ("llama3", "3", "1.b.i", "use_restrictions", {"fact": "purpose", "values": ["a"]},
                                      "message", "me/model", ("host", "use"), True)),
        (r.Applicable, r.applicable, ("me/model", "llama3", ("org/base",), "full",
                                      (("me/model", "finetune", "org/base"),), (("meta", "llama2", "relicensed"),))),
        (r.Reason, r.reason, ("mit", "", None, "", "conflict", "message", "org/x", None)),
        (r.Leaf, r.leaf, ("mau", ">", 700_000_000, "llama3", "2", "prohibited", "mau > 700,000,000", None, "mau",
                          "me/model", "Additional Commercial Terms")),
        (r.Decider, r.decider, ("purpose", "in", ["military", "spam"], "llama3", "1", "forbidden", "prohibited", 2)),
    ]
    for cls, make, values in cases:
        slow, fast = cls(*values), make(*values)
        assert type(fast) is cls
        assert fast == slow
        if cls not in (r.Obligation, r.Decider):   # (a dict or a list field: unhashable either way)
            assert hash(fast) == hash(slow)
        assert repr(fast) == repr(slow)
        assert list(vars(fast)) == [f.name for f in dataclasses.fields(cls)] == list(vars(slow))
        assert pickle.loads(pickle.dumps(fast)) == slow
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.license = "other"
    obligation = r.obligation(*cases[0][2])
    assert r._obligation_record(obligation) == r._obligation_copied(obligation)
    applicable = r.applicable(*cases[1][2])
    assert r._applicable_record(applicable) == r._applicable_copied(applicable)
    # records the fast paths do not take (a None clause, a number in acts) are copied alike
    odd = r.Obligation("x", "1", None, "d", {"n": [1, "a"], 2: {"k": (1,)}}, "m", "a", ("host", 3), False)
    assert r._obligation_record(odd) == r._obligation_copied(odd)
    assert json.dumps(r._obligation_record(odd)) == json.dumps(r._obligation_copied(odd))
