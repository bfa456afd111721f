"""Properties of answers over generated stacks, lineages and uses (issue 5).

Every property runs against the real bundled knowledge base. A counterexample that hypothesis
finds is printed as a request document, so it can be pasted into `can-i --request -`.
"""

from __future__ import annotations

import datetime
import json
import random

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from reasoner.api import Reasoner
from reasoner.errors import CanIError
from reasoner.licenses import Compare
from reasoner.vocabulary import ENTITIES, HOSTING_KINDS, PURPOSES, ROLES
from sizes import sized  # noqa: E402 - the default run's sample, the full one under -m slow

R = Reasoner()                      # shared, and so warmed by every other question
COLD = Reasoner(kb=R.kb, cache_size=0)
KB = R.kb
LICENSE_IDS = sorted(KB.licenses)
CATALOG_IDS = sorted(KB.catalog)
FAMILIES = ["llama", "gemma", "qwen", "mistral", "phi", "stable-diffusion", "flux"]
USE_ACTS = ["use", "host", "distribute"]
RELATIONS = ["finetune", "adapter", "merge", "quantized", "distilled", "trained_on"]
MODEL_RELATIONS = [r for r in RELATIONS if r != "trained_on"]   # a catalog model is never training data
WEIGHTS = ("finetune", "adapter", "merge", "quantized")


def _is_model(artifact: dict, by_id: dict) -> bool:
    """Whether a request says an artifact is a model (api.complete then refuses `trained_on` to it):
    a catalog model, one stating a model family, or one that takes the weights of either."""
    if artifact["id"] in KB.catalog or "family" in artifact:
        return True
    parents = [by_id[e["id"]] for e in artifact.get("derived_from", []) if e["relation"] in WEIGHTS]
    return any("family" in p or _is_model(p, by_id) for p in parents)
TERRITORIES = ["EU", "US", "DE", "CN", "GB", "BR"]
SOME_PURPOSES = sorted(PURPOSES)


def _thresholds(fact: str) -> list[int]:
    values = {int(c.value) for lic in KB.licenses.values() for c in lic.conditions.values()
              if isinstance(c, Compare) and c.fact == fact}
    return sorted({v + d for v in values for d in (-1, 0, 1) if v + d >= 0})


SETTINGS = settings(max_examples=sized(8, 50), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])

# --- strategies -------------------------------------------------------------------------------

licenses = st.sampled_from(LICENSE_IDS)


def counts(fact: str):
    """Numbers that sit at, just below and just above every threshold, plus any magnitude."""
    return st.one_of(st.sampled_from(_thresholds(fact) or [0]),
                     st.integers(min_value=0, max_value=10**15))


uses = st.fixed_dictionaries(
    {"acts": st.lists(st.sampled_from(USE_ACTS), min_size=1, max_size=3, unique=True)},
    optional={
        "commercial": st.booleans(),
        "mau": counts("mau"),
        "revenue_usd": counts("revenue"),
        "territory": st.lists(st.sampled_from(TERRITORIES), min_size=1, max_size=2, unique=True),
        "purposes": st.lists(st.sampled_from(SOME_PURPOSES), min_size=1, max_size=2, unique=True),
        "name": st.sampled_from(["Llama-3-support-bot", "SupportBot", "Gemma-helper", "Qwen-x"]),
        "grants": st.lists(licenses, max_size=1),
        "date": st.sampled_from(["2023-06-01", "2024-09-30", "2025-06-01"]),
        # Who and where (issue 10).
        "release_mau": counts("release_mau"),
        "domicile": st.lists(st.sampled_from(TERRITORIES), min_size=1, max_size=2, unique=True),
        "entity": st.sampled_from(ENTITIES),
        "role": st.sampled_from(ROLES),
        "hosting": st.sampled_from(HOSTING_KINDS),
    },
)


@st.composite
def stacks(draw):
    """A flat stack: `{"licenses": [...], "use": {...}}`."""
    return {"licenses": draw(st.lists(licenses, min_size=1, max_size=3, unique=True)), "use": draw(uses)}


@st.composite
def lineages(draw, unknown: str | None = None):
    """A small DAG of upstream models (by license, or catalog ids the catalog completes) and
    the user's own model derived from some of them; the subject is the user's model or an
    upstream one. With `unknown`, that license id is put on one artifact of the subject's
    ancestry (AND-ed with its other licenses)."""
    n = draw(st.integers(min_value=1, max_value=3))
    artifacts = []
    for i in range(n):
        if draw(st.integers(0, 3)) == 0:
            artifacts.append({"id": draw(st.sampled_from(CATALOG_IDS))})
            continue
        artifact = {"id": f"up/m{i}",
                    "license": " AND ".join(draw(st.lists(licenses, min_size=1, max_size=2, unique=True)))}
        if draw(st.booleans()):
            artifact["family"] = draw(st.sampled_from(FAMILIES))
        if draw(st.booleans()):
            artifact["modalities"] = draw(st.lists(st.sampled_from(["text", "image", "audio"]),
                                                   min_size=1, max_size=2, unique=True))
        if i and draw(st.booleans()):   # an upstream derivative of an earlier upstream model
            parent = artifacts[draw(st.integers(0, i - 1))]
            by_id = {a["id"]: a for a in artifacts}
            artifact["derived_from"] = [{"id": parent["id"], "relation": draw(st.sampled_from(
                MODEL_RELATIONS if _is_model(parent, by_id) else RELATIONS))}]
        artifacts.append(artifact)
    # catalog ids may repeat: keep the first
    seen, unique = set(), []
    for a in artifacts:
        if a["id"] not in seen:
            seen.add(a["id"])
            unique.append(a)
    artifacts = unique
    # The user's model derives from every upstream model nothing else derives from (so it is the
    # one root and the default subject), and maybe from some others too.
    used = {e["id"] for a in artifacts for e in a.get("derived_from", [])}
    leaves = [a["id"] for a in artifacts if a["id"] not in used]
    parents = leaves + [p for p in draw(st.lists(st.sampled_from([a["id"] for a in artifacts]),
                                                 max_size=2, unique=True)) if p not in leaves]
    by_id = {a["id"]: a for a in artifacts}
    mine = {"id": "acme/mine", "mine": True,
            "derived_from": [{"id": p, "relation": draw(st.sampled_from(
                MODEL_RELATIONS if _is_model(by_id[p], by_id) else RELATIONS))} for p in parents]}
    if draw(st.booleans()):
        mine["license"] = draw(licenses)
    if draw(st.booleans()):
        mine["family"] = draw(st.sampled_from(FAMILIES))
    artifacts.append(mine)
    doc = {"artifacts": artifacts, "use": draw(uses)}
    if draw(st.booleans()):
        doc["subject"] = "acme/mine"
    if draw(st.integers(0, 4)) == 0:
        doc["use"]["outbound_license"] = draw(licenses)
    if unknown is not None:
        candidates = [a for a in artifacts if "license" in a or a.get("mine")]
        target = draw(st.sampled_from(candidates))
        target["license"] = f"{target['license']} AND {unknown}" if "license" in target else unknown
    return doc


requests = st.one_of(stacks(), lineages())


def answer(reasoner: Reasoner, doc: dict):
    """The result, or the CanIError a malformed generated request gets (compared by class)."""
    try:
        return reasoner.ask(json.loads(json.dumps(doc)))   # a deep copy: ask must not rely on it
    except CanIError as exc:
        return exc


def dump(result) -> str:
    if isinstance(result, CanIError):
        return f"error: {type(result).__name__}"
    return json.dumps(result.to_json(), sort_keys=False)


# --- 1. adding a license never turns forbidden into permitted ---------------------------------

def never_less_forbidden(before, after) -> None:
    """Licenses in a stack all apply: one more can add reasons but never remove one."""
    if before.status == "forbidden":
        assert after.status != "permitted", (before.reasons, after.to_json())
        assert after.status == "forbidden", (before.reasons, after.to_json())
    cited = lambda result: {(r.license, r.clause, r.kind, r.artifact, r.act) for r in result.reasons}
    assert cited(before) <= cited(after), sorted(cited(before) - cited(after))


@SETTINGS
@given(stack=stacks(), extra=licenses)
def test_adding_a_license_to_a_flat_stack_never_permits_what_was_forbidden(stack, extra):
    before = answer(R, stack)
    assume(not isinstance(before, CanIError))
    more = {**stack, "licenses": stack["licenses"] + [extra]}
    after = answer(R, more)
    note(json.dumps(more))
    assert not isinstance(after, CanIError)
    event(f"{before.status} -> {after.status}")
    never_less_forbidden(before, after)


@SETTINGS
@given(doc=lineages(), extra=licenses, data=st.data())
def test_adding_a_license_to_an_artifact_never_permits_what_was_forbidden(doc, extra, data):
    before = answer(R, doc)
    assume(not isinstance(before, CanIError))
    more = json.loads(json.dumps(doc))
    target = data.draw(st.sampled_from([a for a in more["artifacts"] if "license" in a or a.get("mine")]))
    target["license"] = f"{target['license']} AND {extra}" if "license" in target else extra
    note(json.dumps(more))
    after = answer(R, more)
    assert not isinstance(after, CanIError), after
    event(f"{before.status} -> {after.status}")
    never_less_forbidden(before, after)


# --- 2. order in the request never changes the answer -----------------------------------------

def shuffled(doc: dict, rnd: random.Random) -> dict:
    """The same request with artifacts, edges, AND operands and stack entries reordered."""
    doc = json.loads(json.dumps(doc))
    if "licenses" in doc:
        rnd.shuffle(doc["licenses"])
    for artifact in doc.get("artifacts", []):
        rnd.shuffle(artifact.get("derived_from", []))
        if " AND " in artifact.get("license", "") and " OR " not in artifact["license"]:
            parts = artifact["license"].split(" AND ")
            rnd.shuffle(parts)
            artifact["license"] = " AND ".join(parts)
    rnd.shuffle(doc.get("artifacts", []))
    for key in ("acts", "territory", "purposes", "grants"):
        if key in doc["use"]:
            rnd.shuffle(doc["use"][key])
    return doc


@SETTINGS
@given(doc=requests, rnd=st.randoms(use_true_random=False))
def test_order_of_artifacts_edges_and_licenses_never_changes_the_answer(doc, rnd):
    first = dump(answer(R, doc))
    event(first[:40] if first.startswith("error") else json.loads(first)["status"])
    other = shuffled(doc, rnd)
    note(json.dumps(other))
    assert dump(answer(R, other)) == first
    assert dump(answer(COLD, other)) == first


def test_order_of_or_alternatives_never_changes_the_answer():
    one = R.ask({"licenses": ["mit OR apache-2.0"], "use": {"acts": ["distribute"]}}).to_json()
    two = R.ask({"licenses": ["apache-2.0 OR mit"], "use": {"acts": ["distribute"]}}).to_json()
    assert json.dumps(one) == json.dumps(two)


# --- 3. stating the deciding fact settles a `depends` the way it said ---------------------------

FIELDS = {"mau": "mau", "revenue_usd": "revenue_usd", "commercial": "commercial",
          "territory": "territory", "purposes": "purposes", "date": "date",
          "release_mau": "release_mau", "domicile": "domicile", "entity": "entity", "role": "role",
          "hosting": "hosting"}
# The closed vocabulary of each one-word fact.
WORDS = {"entity": ENTITIES, "role": ROLES, "hosting": HOSTING_KINDS}


def _day(text: str, delta: int) -> str:
    return (datetime.date.fromisoformat(text) + datetime.timedelta(days=delta)).isoformat()


def satisfying(fact: str, op: str, value, holds: bool):
    """A request value for `fact` that makes `fact op value` hold (or fail); None if none exists."""
    if fact in ("mau", "release_mau", "revenue_usd", "date"):
        step = (lambda v, d: _day(v, d)) if fact == "date" else (lambda v, d: v + d)
        want = {">": (1, 0), ">=": (0, -1), "<": (-1, 0), "<=": (0, 1), "=": (0, 1), "!=": (1, 0)}[op]
        out = step(value, want[0] if holds else want[1])
        return None if fact != "date" and out < 0 else out
    if fact == "commercial":
        assert op == "=", op
        return value if holds else (not value)
    if fact in WORDS:   # one word: one inside the tested set, or one outside it
        members = value if isinstance(value, (list, tuple)) else [value]
        inside = holds == (op in ("=", "in"))
        options = [w for w in WORDS[fact] if (w in members) == inside]
        return options[0] if options else None
    if fact in ("territory", "domicile", "purposes"):
        members = value if isinstance(value, list) else [value]
        inside = holds == (op in ("=", "in"))
        if inside:
            return [members[0]]
        if fact in ("territory", "domicile"):  # a real territory in no region a license names
            return ["AQ"]
        return [next(p for p in SOME_PURPOSES if p not in members)]
    return None


# Licenses whose clauses turn on a stated fact (users, revenue, commercial use, territory).
THRESHOLDED = ["llama3", "llama3.2", "stabilityai-ai-community", "tongyi-qianwen", "cc-by-nc-4.0",
               "flux-1-dev-non-commercial-license", "apple-amlr", "llama4", "falcon-180b-tii-license-1.0", "mrl"]


@st.composite
def depending(draw):
    """Requests that leave some context facts unstated, often over licenses that turn on them."""
    if draw(st.booleans()):
        doc = draw(requests)
    else:
        doc = {"licenses": draw(st.lists(st.sampled_from(THRESHOLDED), min_size=1, max_size=2, unique=True)),
               "use": draw(uses)}
    for key in ("commercial", "mau", "revenue_usd", "territory", "purposes", "date", "release_mau", "domicile",
                "entity", "role", "hosting"):
        if draw(st.booleans()):
            doc["use"].pop(key, None)
    return doc


def settles_as_announced(doc: dict, result) -> None:
    """`result` depends on exactly one decider, `fact op value`: stating a value for which it
    holds must give forbidden by that clause; one for which it fails, an answer that neither
    depends on it nor is forbidden by that clause."""
    decider = result.depends_on[0]
    cited = (decider.license, decider.clause)
    for holds in (True, False):
        value = satisfying(decider.fact, decider.op, decider.value, holds)
        if value is None:
            continue
        stated = json.loads(json.dumps(doc))
        stated["use"][FIELDS[decider.fact]] = value
        where = f"{decider} {'holds' if holds else 'fails'} in {json.dumps(stated)}"
        after = answer(R, stated)
        assert not isinstance(after, CanIError), (where, after)
        assert decider not in after.depends_on, where
        by_clause = [(r.license, r.clause) for r in after.reasons]
        if holds:
            assert after.status == "forbidden", (where, after.to_json())
            assert cited in by_clause, (where, after.to_json())
        else:
            assert cited not in by_clause, (where, after.to_json())
            assert after.status != "depends", (where, after.to_json())


@settings(SETTINGS, max_examples=sized(6, 40))
@given(doc=depending())
def test_stating_the_one_deciding_fact_settles_depends_as_announced(doc):
    result = answer(R, doc)
    event(dump(result)[:12] if isinstance(result, CanIError) else
          f"{result.status} with {len(result.depends_on)} deciders")
    assume(not isinstance(result, CanIError) and result.status == "depends")
    assume(len(result.depends_on) == 1)
    note(f"decider: {result.depends_on[0]}")
    event(f"decider on {result.depends_on[0].fact}")
    assume(result.depends_on[0].fact in FIELDS)
    settles_as_announced(doc, result)


@pytest.mark.parametrize("doc, fact", [
    ({"licenses": ["llama3"], "use": {"acts": ["host"], "role": "licensee"}}, "release_mau"),
    ({"licenses": ["llama3.1", "apache-2.0"], "use": {"acts": ["distribute"], "commercial": True, "role": "licensee"}},
     "release_mau"),
    ({"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": 800_000_000}}, "role"),
    ({"licenses": ["tongyi-qianwen"], "use": {"acts": ["host"], "commercial": True}}, "mau"),
    ({"licenses": ["stabilityai-ai-community"], "use": {"acts": ["host"], "commercial": True, "role": "licensee"}}, "revenue_usd"),
    ({"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"]}}, "commercial"),
    ({"licenses": ["tongyi-qianwen"], "use": {"acts": ["host"], "mau": 200_000_000}}, "commercial"),
    ({"artifacts": [{"id": "m", "license": "llama3.2", "modalities": ["text", "image"]}],
      "use": {"acts": ["host"], "release_mau": 5, "role": "licensee"}}, "domicile"),
    ({"licenses": ["falcon-180b-tii-license-1.0"], "use": {"acts": ["host"]}}, "hosting"),
    ({"licenses": ["mrl"], "use": {"acts": ["distribute"], "commercial": False, "purposes": ["research"]}}, "entity"),
    ({"licenses": ["apple-amlr"], "use": {"acts": ["use"], "commercial": False}}, "purposes"),
])
def test_each_kind_of_decider_settles_as_announced(doc, fact):
    result = R.ask(doc)
    assert result.status == "depends"
    assert [d.fact for d in result.depends_on] == [fact]
    settles_as_announced(doc, result)


# --- 4. the same request always gives byte-identical JSON ------------------------------------

@SETTINGS
@given(doc=requests)
def test_the_same_request_gives_byte_identical_json(doc):
    first = dump(answer(R, doc))
    assert dump(answer(R, doc)) == first           # warm cache
    assert dump(answer(COLD, doc)) == first        # no cache at all


@settings(SETTINGS, max_examples=8)
@given(doc=requests)
def test_a_fresh_reasoner_gives_byte_identical_json(doc):
    fresh = Reasoner()
    assert dump(answer(fresh, doc)) == dump(answer(R, doc))


@SETTINGS
@given(doc=requests, mau=st.integers(0, 10**15), rename=st.booleans())
def test_cache_sharing_between_similar_questions_changes_nothing(doc, mau, rename):
    """Questions that differ only in artifact ids or in a number on the same side of every
    threshold share a cache entry; the answer must still be exactly the cold one."""
    warm = Reasoner(kb=KB)
    twin = json.loads(json.dumps(doc))
    twin["use"]["mau"] = mau
    if rename and "artifacts" in twin:
        ids = {a["id"]: a["id"] + "-renamed" for a in twin["artifacts"] if "license" in a or a.get("mine")}
        for a in twin["artifacts"]:
            a["id"] = ids.get(a["id"], a["id"])
            for e in a.get("derived_from", []):
                e["id"] = ids.get(e["id"], e["id"])
        if "subject" in twin:
            twin["subject"] = ids.get(twin["subject"], twin["subject"])
    answer(warm, doc)
    other = dict(doc, use=dict(doc["use"], mau=mau))
    answer(warm, other)
    assert dump(answer(warm, twin)) == dump(answer(COLD, twin))


# --- 5. an unknown license id never yields permitted ------------------------------------------

unknown_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.+\-]{0,20}", fullmatch=True).filter(
    lambda t: t.lower() not in ("and", "or", "with") and KB.resolve_license(t)[0] is None
    and not KB.family_versions(t))   # a family id (`gpl`) is answered under its versions: not unknown


@SETTINGS
@given(unknown=unknown_ids, data=st.data())
def test_an_unknown_license_id_never_yields_permitted(unknown, data):
    shape = data.draw(st.sampled_from(["stack", "lineage", "other", "unlicensed", "everywhere"]))
    if shape == "stack":
        doc = data.draw(stacks())
        doc["licenses"].insert(data.draw(st.integers(0, len(doc["licenses"]))), unknown)
    elif shape == "lineage":
        doc = data.draw(lineages(unknown=unknown))
    elif shape == "other":   # `license: other` with a license_name nobody encoded
        doc = {"artifacts": [{"id": "up", "license": "other", "license_name": unknown},
                             {"id": "me", "mine": True, "derived_from": [{"id": "up", "relation": "finetune"}]}],
               "use": data.draw(uses)}
    elif shape == "unlicensed":  # not in the catalog, not the user's, no license stated
        doc = {"artifacts": [{"id": "someone/" + unknown},
                             {"id": "me", "mine": True, "derived_from": [{"id": "someone/" + unknown,
                                                                          "relation": "finetune"}]}],
               "use": data.draw(uses)}
    else:                    # every alternative of an OR carries the unknown id
        other = data.draw(st.lists(licenses, min_size=1, max_size=3, unique=True))
        doc = {"licenses": [" OR ".join(f"({lid} AND {unknown})" for lid in other)], "use": data.draw(uses)}
    note(json.dumps(doc))
    result = answer(R, doc)
    assert not isinstance(result, CanIError), result
    event(f"{shape}: {result.status}")
    assert result.status in ("unknown", "forbidden"), result.to_json()
    if result.status == "unknown":
        assert any(r.kind == "unknown_license" for r in result.reasons)


# --- 8. each fact of issue 10 settles a DEPENDS that turns on it, for every value it can take ---

# Per fact, a question whose one open decider is that fact (its other deciders stated), over a
# license that turns on it, and every value the fact can take.
from reasoner.vocabulary import COUNTRIES, REGIONS, expand_territories  # noqa: E402

WHO_AND_WHERE = {
    "domicile": ({"artifacts": [{"id": "m", "license": "llama3.2", "modalities": ["text", "image"]}],
                  "use": {"release_mau": 5, "role": "licensee"}},
                 sorted(COUNTRIES) + sorted(REGIONS)),
    "role": ({"licenses": ["llama3"], "use": {"release_mau": 800_000_000}}, list(ROLES)),
    "hosting": ({"licenses": ["falcon-180b-tii-license-1.0"], "use": {}}, list(HOSTING_KINDS)),
    "entity": ({"licenses": ["mrl"], "use": {"commercial": False, "purposes": ["research"]}}, list(ENTITIES)),
    "release_mau": ({"licenses": ["llama3.1"], "use": {"role": "licensee"}},
                    _thresholds("release_mau") + [0, 10**12]),
}
ACTS_FOR = {"domicile": ["use", "host", "distribute"], "role": ["use", "host", "distribute"],
            "hosting": ["host"], "entity": ["host", "distribute"], "release_mau": ["use", "host", "distribute"]}


def _holds(fact: str, op: str, wanted, value) -> bool | None:
    """Does the stated `value` make `fact op wanted` hold? None when the value leaves it open
    (a region stated for a domicile leaves open which member)."""
    if fact == "release_mau":
        return {">": value > wanted, ">=": value >= wanted, "<": value < wanted, "<=": value <= wanted,
                "=": value == wanted, "!=": value != wanted}[op]
    members = set(wanted) if isinstance(wanted, (list, tuple)) else {wanted}
    if fact == "domicile":
        stated = set(expand_territories([value]))
        inside = bool(stated & members)
        if not inside and value in REGIONS and any(m in REGIONS[value] for m in members):
            return None
    else:
        inside = value in members
    return inside if op in ("=", "in") else not inside


@pytest.mark.parametrize("fact", sorted(WHO_AND_WHERE))
@settings(SETTINGS, max_examples=sized(12, 40))
@given(data=st.data())
def test_stating_a_who_and_where_fact_settles_its_depends_for_every_value(fact, data):
    """Unstated, the fact leaves the answer open on it; each value of its vocabulary settles that
    the way the decider said: forbidden by the cited clause where the condition holds, never
    forbidden by it (nor depending on it) where it fails; a value that leaves the condition open
    (the EEA for an EU domicile) keeps it open. No value gives a YES the condition forbids."""
    base, values = WHO_AND_WHERE[fact]
    doc = json.loads(json.dumps(base))
    doc["use"]["acts"] = [data.draw(st.sampled_from(ACTS_FOR[fact]))]
    unstated = R.ask(doc)
    assert unstated.status == "depends", (doc, unstated.to_json())
    deciders = [d for d in unstated.depends_on if d.fact == fact]
    # One condition on the fact: one decider, or several of one AND-group (Llama §2 for `use`:
    # forbidden if the role is neither product-recipient nor service-user).
    assert deciders and len(unstated.depends_on) == len(deciders), unstated.to_json()
    assert len({(d.license, d.clause, d.group) for d in deciders}) == 1, unstated.to_json()
    decider = deciders[0]
    value = data.draw(st.sampled_from(values))
    stated = json.loads(json.dumps(doc))
    stated["use"][fact] = [value] if fact == "domicile" else value
    note(json.dumps(stated))
    after = R.ask(stated)
    each = [_holds(fact, d.op, d.value, value) for d in deciders]
    holds = None if None in each else all(each)
    cited = (decider.license, decider.clause)
    by_clause = [(r.license, r.clause) for r in after.reasons]
    if holds is None:
        assert after.status == "depends" and decider in after.depends_on, after.to_json()
    elif holds:
        assert after.status == "forbidden" and cited in by_clause, after.to_json()
    else:
        assert after.status == "permitted" and cited not in by_clause, after.to_json()
