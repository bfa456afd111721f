"""Remedies: the smallest sets of changes that turn a NO or a DEPENDS into a YES.

Every kind of change is declared once, in CHANGE_KINDS (its cost, what it changes). For one
question the candidates of each kind are proposed in Python as *changed questions* (a Scene with
another use or another license on an artifact); the facts a candidate adds or takes away are the
difference between `solve.question_facts` of the changed and of the original question, so a
candidate says to the rules exactly what the changed request would say. clingo then chooses
among the candidates (reasoner/remedies.lp: a choice rule, "the answer must be permitted", and
#minimize over the costs) in one grounding with the same rules that gave the verdict
(rules.lp + dsl2.lp): a remedy is YES by construction. Each remedy is then also applied to the
request document and asked again; one that does not come out YES is dropped and a note says so.
Why the cost order: saying what is true costs nothing; renaming or relabelling is a line in a
model card; staying under a threshold or dropping a purpose limits the business; giving up an act
or a market limits it more; a separate license is a negotiation; another base model is a rebuild.

Cost (CHANGE_KINDS, lower is better; a remedy costs the sum of its changes, then the ranks of the
candidates break ties, e.g. the largest value under a threshold first):

  1  state a fact (DEPENDS: the answer is YES if it holds), rename your model, take another
     alternative of an OR license
  2  another outbound license, or none; another license on your own contribution, or none
  3  stay under a threshold; drop a stated purpose
  4  make the use non-commercial; host only internally
  5  do not distribute; make a distilled or merged model one of another family; use it only in a
     territory no license excludes
  6  obtain a separate license from a licensor
  7  build on another catalog model instead of a parent

>>> from reasoner import Reasoner
>>> use = {"acts": ["host"], "release_mau": "800M", "role": "licensee"}
>>> answer = Reasoner().ask({"licenses": ["llama3"], "use": use, "remedies": True})
>>> answer.remedies[0].changes[0].kind, answer.remedies[0].changes[0].params["value"]
('stay_under', 700000000)
"""

from __future__ import annotations

import contextlib
import functools
import re
from .records import dataclass, replace   # standard dataclasses, defined at no cost (records.py)

import clingo
from clingo import Function, Number, String, Symbol

from . import resources, schema
from .errors import CanIError
from .response import Note, Remedy, RemedyChange
from .solve import (RuleFunctions, Scene, add_fact_symbols, fact_index, free_control, name_starts_with,
                    prefixes_compatible, more_rules_text, question_facts, read_shown, rule_statements, schema_facts,
                    solved_models, take_grounding)
from .request import Grant, read_request, read_territories, request_document
from .vocabulary import (EU_TERRITORY, FAMILIES, HOSTING_FOR_OTHERS, MODALITIES, OTHER_FAMILY, VOCABULARIES,
                         expand_territories, open_region_members)


@dataclass(frozen=True)
class ChangeKind:
    """One kind of change a remedy may make: its name (the `kind` of a change in the response and
    of its message in remedies.lp), its cost, and what it is."""
    name: str
    cost: int
    about: str


CHANGE_KINDS = (
    ChangeKind("state_fact", 1, "DEPENDS: a fact to state, with the values under which the answer is YES"),
    ChangeKind("rename", 1, "name the created model so that it starts with every required prefix"),
    ChangeKind("choose_alternative", 1, "take another alternative of an OR license expression"),
    ChangeKind("no_outbound", 2, "do not relicense: recipients get the inherited terms"),
    ChangeKind("outbound_license", 2, "another outbound license (`--as`)"),
    ChangeKind("no_own_license", 2, "no license of your own on your model beside the inherited terms"),
    ChangeKind("own_license", 2, "another license on your own contribution"),
    ChangeKind("stay_under", 3, "keep a count or an amount under a license's threshold"),
    ChangeKind("drop_purpose", 3, "do not use it for a stated purpose"),
    ChangeKind("set_flag", 4, "make the use non-commercial"),
    ChangeKind("host_internally", 4, "do not offer it to others: use it internally"),
    ChangeKind("drop_act", 5, "do not distribute it"),
    ChangeKind("target_family", 5, "make the model you create (a distillation, a merge) one of another family"),
    ChangeKind("use_elsewhere", 5, "use it only in a territory no license excludes"),
    ChangeKind("obtain_grant", 6, "obtain a separate license from a licensor (`use.grants`)"),
    ChangeKind("replace_parent", 7, "build on another catalog model instead of a parent"),
)
COST = {kind.name: kind.cost for kind in CHANGE_KINDS}

# How many remedies an answer lists, and how far the search goes.
MAX_REMEDIES = 3
MAX_SCENES = 8            # OR combinations searched (each is its own search)
MAX_ROUNDS = 4            # cost levels enumerated (each round blocks the sets found before)
MAX_ARTIFACTS = 2_000     # past this, a lineage gets a note instead of a search
MAX_VALUES = 8            # candidate values per fact
# Up to this many artifacts, the search's grounding also asks the request with each candidate
# change alone (_Asked), which saves a cold question its third grounding: a one-artifact question
# has few candidates (5-10) and its remedies are single changes, all among them. A lineage has
# many more (licenses, families, parents of each artifact) and remedies of several changes, which
# need a batch of their own anyway: asked there, the 3- and 10-artifact questions of
# benchmarks/remedies.py went from 52 to 82 and from 72 to 100 ms warm.
ASK_IN_SEARCH_UP_TO = 1
# Territories offered to a use a license excludes somewhere, first one no condition names.
ELSEWHERE = ("US", "CH", "JP")



@dataclass
class _Candidate:
    kind: str
    ops: tuple                     # edits of the request document (see apply_changes)
    slots: dict                    # the message's slots
    params: dict                   # what the response states about the change
    scene: Scene | None = None     # the changed question (its facts are diffed)
    rank: int = 0
    group: tuple | None = None
    licenses: tuple = ()           # licenses it touches (cited when asking again cannot say)
    extra: tuple = ()              # license ids whose facts the changed question needs
    cuts: tuple = ()               # a number's thresholds: the answer is asked again below it
    removes: frozenset = frozenset()
    adds: frozenset = frozenset()


# --- the program ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _search_text() -> str:
    """remedies.lp: the search's own statements, added after the verdict's rules."""
    return resources.rules_path().with_name("remedies.lp").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    """The message of each kind of change: remedies.lp's `says(Kind, "…").` facts, one a line,
    each read by clingo's own term parser (tests/test_remedy_speed.py checks them against the
    file's full parse)."""
    says = {}
    for line in _search_text().splitlines():
        if line.startswith("says("):
            kind, text = clingo.parse_term(line.rstrip().removesuffix(".")).arguments
            says[kind.name] = text.string
    return says


@functools.lru_cache(maxsize=1)
def parts() -> dict[tuple[str, str], str]:
    """The parts a kind's message is made of, by (kind, part): remedies.lp's
    `says_part(Kind, Part, "…").` facts, read as `templates` reads the `says` facts."""
    found = {}
    for line in _search_text().splitlines():
        if line.startswith("says_part("):
            kind, part, text = clingo.parse_term(line.rstrip().removesuffix(".")).arguments
            found[(kind.name, part.name)] = text.string
    return found


# --- proposing candidates -------------------------------------------------------------------------

def _with_use(scene: Scene, **changes) -> Scene:
    return replace(scene, use=replace(scene.use, **changes))


def _with_artifact(scene: Scene, artifact_id: str, **changes) -> Scene:
    artifacts = tuple(replace(a, **changes) if a.id == artifact_id else a for a in scene.artifacts)
    return replace(scene, artifacts=artifacts)


def _cell(cuts: list[int], value: int) -> tuple[int, int | None]:
    """Every value that compares with the thresholds as `value` does: (lowest, highest or None)."""
    if value in cuts:
        return value, value
    below = [c for c in cuts if c < value]
    above = [c for c in cuts if c > value]
    return (below[-1] + 1 if below else 0), (above[0] - 1 if above else None)


def _range_words(cuts: list[int], value: int) -> str:
    low, high = _cell(cuts, value)
    if high is None:
        return f"{low:,} or more"
    return f"{low:,}–{high:,}" if low != high else f"exactly {low:,}"


def _number_values(cuts: list[int], below: int | None = None) -> list[int]:
    """Candidate values of a number: each threshold and its neighbours (one per cell the rules
    tell apart), largest first, under `below` when given."""
    values = {0} | {c + d for c in cuts for d in (-1, 0, 1) if c + d >= 0}
    if below is not None:
        values = {v for v in values if v < below}
    return sorted(values, reverse=True)[:MAX_VALUES]


def _propose(reasoner, scene: Scene, used: tuple, result) -> list[_Candidate]:
    kb = reasoner.kb
    use = scene.use
    by_id = {a.id: a for a in scene.artifacts}
    subject = by_id[scene.subject]
    creates = any(a.mine and a.derived_from for a in scene.artifacts)
    cited = {r.license for r in result.reasons} | {d.license for d in result.depends_on}
    out: list[_Candidate] = []

    # Acts: host only internally; do not distribute.
    for act in use.acts:
        others = [a for a in use.acts if a != act]
        if act == "host":
            acts = others + ([] if "use" in others else ["use"])
            ops = (("remove", ("use", "acts"), "host"),) + (() if "use" in others else (("add", ("use", "acts"), "use"),))
            internal = {}
            if use.hosting in HOSTING_FOR_OTHERS:   # such hosting is the act host (request.hosted_for_others)
                hosting = schema.FACTS["hosting"]
                ops += (("set", ("use", hosting.field), "internal"),)
                internal[hosting.attr] = "internal"
            out.append(_Candidate("host_internally", ops, {}, {"act": "host"},
                                  _with_use(scene, acts=tuple(acts), **internal)))
        elif act == "distribute":
            acts = others or ([] if creates else ["use"])
            ops = (("remove", ("use", "acts"), "distribute"),) + (
                (("add", ("use", "acts"), "use"),) if acts == ["use"] and "use" not in others else ())
            out.append(_Candidate("drop_act", ops, {"act": "distribute"}, {"act": "distribute"},
                                  _with_use(scene, acts=tuple(acts))))
    # A stated purpose a license restricts.
    purposes = schema.FACTS["purpose"]
    for purpose in getattr(use, purposes.attr) or ():
        left = tuple(p for p in getattr(use, purposes.attr) if p != purpose) or None
        out.append(_Candidate("drop_purpose", (("remove", ("use", purposes.field), purpose),), {"value": purpose},
                              {"fact": purposes.field, "value": purpose}, _with_use(scene, **{purposes.attr: left}),
                              group=("purpose", purpose)))
    # Flags the user decides.
    for name, (value, words) in schema.USER_CHOICES.items():
        fact = schema.FACTS[name]
        if getattr(use, fact.attr) is not None and getattr(use, fact.attr) != value:
            # A stated purpose that says the opposite (schema.PURPOSE_FLAGS: commercial-product is
            # commercial) goes with the flag: alone, the change made a request that is an input
            # error, so it never verified and no non-commercial remedy was offered (review 31).
            stated = getattr(use, purposes.attr) or ()
            contrary = tuple(p for p in stated if schema.purpose_flag(p, use)[:2] == (name, not value))
            ops = (("set", ("use", fact.field), value),) + tuple(
                ("remove", ("use", purposes.field), p) for p in contrary)
            changes = {fact.attr: value}
            if contrary:
                changes[purposes.attr] = tuple(p for p in stated if p not in contrary) or None
                words += ", not for " + ", ".join(contrary)
            out.append(_Candidate("set_flag", ops, {"value": words},
                                  {"fact": fact.field, "value": value}, _with_use(scene, **changes),
                                  group=("flag", name)))
    # Counts and amounts stated over a threshold: the largest value under it first.
    for fact in schema.USE_FACTS:
        if not fact.number or fact.type == schema.DATE:
            continue
        stated = getattr(use, fact.attr)
        cuts = (scene.thresholds or {}).get(fact.name) or []
        if stated is None or not cuts:
            continue
        for rank, value in enumerate(_number_values(cuts, below=stated)):
            out.append(_Candidate("stay_under", (("set", ("use", fact.field), value),),
                                  {"fact": fact.response_name, "range": _range_words(cuts, value), "from": f"{stated:,}"},
                                  {"fact": fact.response_name, "value": value, "range": list(_cell(cuts, value))},
                                  _with_use(scene, **{fact.attr: value}), rank=rank, group=("number", fact.name),
                                  cuts=tuple(cuts)))
    # Relicensing: none, or a license the inherited terms accept.
    if use.outbound_license:
        current = use.outbound_license
        out.append(_Candidate("no_outbound", (("unset", ("use", "outbound_license")),), {"from": current},
                              {"from": current}, _with_use(scene, outbound_license=None), group=("outbound",)))
        for rank, other in enumerate(_license_choices(kb, used, current)):
            out.append(_Candidate("outbound_license", (("set", ("use", "outbound_license"), other),),
                                  {"outbound": other, "from": current}, {"license": other, "from": current},
                                  _with_use(scene, outbound_license=other), rank=rank, group=("outbound",),
                                  extra=(other,)))
    # The license on the user's own model, where it clashes with what it inherits.
    if any(r.kind == "conflict" for r in result.reasons) or result.status == "depends":
        for artifact in scene.artifacts:
            own = scene.licenses.get(artifact.id, ())
            if not artifact.mine or not own:
                continue
            current = " AND ".join(own)
            licenses = dict(scene.licenses)
            licenses[artifact.id] = ()
            out.append(_Candidate("no_own_license", (("unset", ("artifact", artifact.id, "license")),),
                                  {"from": current, "artifact": artifact.id}, {"artifact": artifact.id, "from": current},
                                  replace(scene, licenses=licenses), group=("own", artifact.id)))
            for rank, other in enumerate(_license_choices(kb, used, *own)):
                licenses = dict(scene.licenses)
                licenses[artifact.id] = (other,)
                out.append(_Candidate("own_license", (("set", ("artifact", artifact.id, "license"), other),),
                                      {"outbound": other, "from": current, "artifact": artifact.id},
                                      {"artifact": artifact.id, "license": other, "from": current},
                                      replace(scene, licenses=licenses), rank=rank,
                                      group=("own", artifact.id), extra=(other,)))
    # A name that starts with every prefix a license requires.
    name = scene.attribute(subject, "name")
    if name:
        for new in _names(kb, used, name):
            out.append(_Candidate("rename", (("set", ("use", "name"), new),), {"name": new}, {"name": new, "from": name},
                                  _with_use(scene, name=new), group=("name",)))
    # Separate licenses from the licensors whose clauses decide.
    for lid in sorted(cited):
        if lid not in kb.licenses:
            continue
        lic = kb.licenses[lid].license
        if lic.licensor_id:   # as the reasons' `{grant}` spells it: the licensor's key
            grants = [(Grant(licensor=lic.licensor_id, written=lic.licensor_id), lic.licensor_id,
                       lic.licensor or lic.licensor_id)]
        else:
            grants = [(Grant(license=lid, artifacts=(a.id,), written=f"{lid}:{a.id}"), f"{lid}:{a.id}",
                       f"the publisher of `{a.id}`")
                      for a in scene.artifacts if not a.mine and lid in scene.licenses.get(a.id, ())]
        for grant, written, licensor in grants:
            # Two cited licenses of one licensor (qwen and tongyi-qianwen-research: alibaba) make
            # one change, not two the search ties between: which it kept followed clingo's
            # enumeration order, which differs between groundings. The first license by id names it.
            same = next((c for c in out if c.kind == "obtain_grant" and c.params["grant"] == written), None)
            if same is not None:
                same.licenses += (lid,)
                continue
            out.append(_Candidate("obtain_grant", (("add", ("use", "grants"), written),),
                                  {"licensor": licensor, "license": lid, "grant": written},
                                  {"licensor": grant.licensor or licensor, "license": lid, "grant": written},
                                  _with_use(scene, grants=use.grants + (grant,)), licenses=(lid,),
                                  rank=0 if lic.licensor_id else 1))
    # The family of a model the user creates by distilling or merging (it inherits none): the
    # licensor's own family is often the one a ban on improving "other" models spares.
    family = schema.FACTS["target.family"]
    for artifact in scene.artifacts:
        # Only a model that keeps no parent's weights may be of any family (a fine-tune stays its base's).
        if (not artifact.mine or not artifact.derived_from
                or any(e.relation in schema.SAME_MODEL_RELATIONS for e in artifact.derived_from)):
            continue
        current = getattr(artifact, family.artifact_field)
        words = _condition_values(kb, used, family.name) + [kb.licenses[lid].license.family for lid in used
                                                            if kb.licenses[lid].license.family]
        for rank, word in enumerate(w for w in dict.fromkeys(words) if w != current and w in FAMILIES):
            out.append(_Candidate("target_family", (("set", ("artifact", artifact.id, family.artifact_field), word),),
                                  {"family": word, "artifact": artifact.id}, {"artifact": artifact.id, "family": word},
                                  _with_artifact(scene, artifact.id, **{family.artifact_field: word}), rank=rank,
                                  group=("family", artifact.id)))
    # Where the model is used, when a license excludes a stated territory.
    territory = schema.FACTS["territory"]
    if getattr(use, territory.attr):
        named = set(_condition_values(kb, used, territory.name))
        stated = getattr(use, territory.attr)
        # One of several stated places alone first: a license that grants or permits use only in
        # named places (the US only, the EU only) was offered none of them (review 31: `--territory
        # US,CN` under a US-only grant got no "use it only in US", DE,US under an EU-only rule no remedy).
        codes = list(stated) if len(stated) > 1 else []
        codes += [c for c in ELSEWHERE if c not in named and c not in codes][:2]
        for rank, code in enumerate(codes):
            out.append(_Candidate("use_elsewhere", (("set", ("use", territory.field), [code]),), {"territory": code},
                                  {"territory": code},
                                  _with_use(scene, **{territory.attr: read_territories([code], territory.field)}),
                                  rank=rank, group=("territory",)))
    # DEPENDS: the facts to state, and the values that make it YES.
    out += _statements(reasoner, scene, used, result)
    # Another catalog model in place of a parent (last: it changes the most).
    for parent, entry, lid, rank in _replacements(kb, scene):
        children = tuple(a.id for a in scene.artifacts if any(e.parent == parent.id for e in a.derived_from))
        if any(not a.mine for a in scene.artifacts if a.id in children):
            # Someone else's model or data made from the parent too (a dataset of its outputs):
            # the change would rewrite what the user received, not what they build on, and the
            # remedy said only "build on X instead" (it was YES because the data changed).
            continue
        artifacts = tuple(_replaced(a, parent, entry, lid) for a in scene.artifacts)
        licenses = {**scene.licenses, entry["id"]: (lid,)}
        licenses.pop(parent.id, None)
        changed = replace(scene, artifacts=artifacts, licenses=licenses)
        out.append(_Candidate("replace_parent", tuple(("replace", ("artifact", child, "derived_from"), parent.id,
                                                       entry["id"]) for child in children),
                              {"parent": parent.id, "replacement": entry["id"], "license": lid},
                              {"parent": parent.id, "replacement": entry["id"], "license": lid},
                              changed, rank=rank, group=("parent", parent.id), extra=(lid,)))
    return out


# Compiled (and kept by `re`) when first used: only lineages with catalog parents read sizes.
_SIZE = r"(?<![0-9._x])(\d+(?:\.\d+)?)[Bb](?![a-zA-Z])"


def _size(model_id: str) -> float | None:
    """Billions of parameters, as the id says them (`Llama-3.1-8B`, `gemma-2-9b`); None if it does not."""
    found = re.findall(_SIZE, model_id.rsplit("/", 1)[-1])
    return float(found[-1]) if found else None


def _replacements(kb, scene: Scene):
    """For each catalog parent of a model the user creates: catalog models of the same role (a
    base model for a base model, a derivative for a derivative), modalities and size (within a
    factor of two, as the ids say it) under one known license of another text, closest size first,
    one per license: (parent, entry, license id, rank)."""
    found = []
    parents = {e.parent for a in scene.artifacts if a.mine for e in a.derived_from}
    by_id = {a.id: a for a in scene.artifacts}
    for parent_id in sorted(parents):
        entry = kb.model(parent_id)
        parent = by_id.get(parent_id)
        size = _size(parent_id)
        if entry is None or parent is None or parent.mine or size is None:
            continue
        own = set(scene.licenses.get(parent_id, ()))
        base = entry.get("base_model") is None
        options = []
        for other in kb.catalog.values():
            other_size = _size(other["id"])
            if (other["id"] == entry["id"] or other_size is None or not 0.5 <= other_size / size <= 2
                    or (other.get("base_model") is None) != base
                    or sorted(other.get("modalities") or ()) != sorted(entry.get("modalities") or ())):
                continue
            lid = kb.resolve_license(other.get("license") or "")[0] if other.get("license") else None
            if lid is None or lid in own:
                continue
            options.append((abs(other_size - size) / size, other["id"], other, lid))
        taken = set()
        for _, _, other, lid in sorted(options, key=lambda o: (o[0], o[1])):
            if lid not in taken and len(taken) < 6:
                taken.add(lid)
                found.append((parent, other, lid, len(taken) - 1))
    return found


def _replaced(artifact, parent, entry: dict, lid: str):
    """`artifact` with `parent` replaced by the catalog model `entry` (the parent's own place in
    the question, so every other candidate's facts keep their numbering)."""
    if artifact.id == parent.id:
        return replace(artifact, id=entry["id"], license=lid, family=entry.get("family"),
                                   modalities=tuple(entry.get("modalities") or ()) or None, derived_from=(),
                                   publisher=None)
    if any(e.parent == parent.id for e in artifact.derived_from):
        edges = tuple(replace(e, parent=entry["id"]) if e.parent == parent.id else e
                      for e in artifact.derived_from)
        return replace(artifact, derived_from=edges)
    return artifact


def _with_thresholds(kb, scene: Scene, licenses) -> Scene:
    """The scene with the thresholds of more licenses (those a candidate brings in) among the
    cuts numbers are canonicalised by, so the numbers mean the same to every candidate."""
    from .licenses import Compare

    cuts = {fact: set(values) for fact, values in (scene.thresholds or {}).items()}
    added = False
    for lid in licenses:
        for cond in kb.licenses[lid].conditions.values():
            if isinstance(cond, Compare) and int(cond.value) not in cuts.setdefault(cond.fact, set()):
                cuts[cond.fact].add(int(cond.value))
                added = True
    if not added:
        return scene
    return replace(scene, thresholds={fact: sorted(values) for fact, values in cuts.items()})


def _license_choices(kb, used: tuple, *current: str) -> list[str]:
    """Licenses to offer instead of `current`: the ones already in the question (the inherited
    terms themselves), then those their clauses accept (`relicense … to`)."""
    choices = [lid for lid in used if lid not in current]
    for lid in used:
        for clause in kb.licenses[lid].license.clauses:
            for other in clause.relicense_to:
                if other not in choices and other not in current and other in kb.licenses:
                    choices.append(other)
    return choices[:MAX_VALUES]


def _names(kb, used: tuple, name: str) -> list[str]:
    """Names that start with the prefixes the question's licenses may require (one that starts
    with all of them when they agree, else one per prefix), built on the stated name."""
    prefixes = set()
    for lid in kb.related(used):
        for fact in kb.licenses[lid].facts:
            if fact.name == "duty_prefix":
                prefixes.add(fact.arguments[2].string)
    if not prefixes:
        return []
    ordered = sorted(prefixes, key=lambda p: (-len(p), p))
    agree = all(prefixes_compatible(a, b) for a in ordered for b in ordered)
    heads = ordered[:1] if agree else ordered
    names = []
    for head in heads:
        if name_starts_with(name, head):
            continue
        base = name
        for prefix in ordered:   # "Mistral-Student" stays; a mangled "llama-bot" loses its "llama-"
            if base.lower().startswith(prefix.lower().replace(" ", "-")):
                base = base[len(prefix):].lstrip(" -_.") or base
        names.append(f"{head.replace(' ', '-')}-{base}")
    return names


def _statements(reasoner, scene: Scene, used: tuple, result) -> list[_Candidate]:
    """For a DEPENDS answer: each open fact with the values the rules tell apart."""
    kb = reasoner.kb
    out = []
    seen = set()
    for group in result.residual:
        for leaf in group:
            fact = schema.FACTS.get(leaf.tests or "")
            if fact is None:
                continue
            if fact.stated_by:
                fact = schema.FACTS[fact.stated_by]
            key = (fact.name, leaf.artifact if not fact.field else None)
            if key in seen:
                continue
            seen.add(key)
            out += _fact_values(kb, scene, used, fact, leaf.artifact)
    return out


def _condition_values(kb, used: tuple, fact_name: str) -> list[str]:
    from .licenses import Member

    values = []
    for lid in used:
        for cond in kb.licenses[lid].conditions.values():
            if isinstance(cond, Member) and cond.fact == fact_name:
                values += [v for v in cond.values if v not in values]
    return values


def _fact_values(kb, scene: Scene, used: tuple, fact, artifact_id: str | None) -> list[_Candidate]:
    out = []
    group = ("state", fact.name, artifact_id)

    def add(value, shown, changed: Scene, path, rank=0, cuts=()):
        params = {"fact": fact.response_name, "value": value}
        if cuts:
            params["range"] = list(_cell(list(cuts), value))
        out.append(_Candidate("state_fact", (("set", path, value),), {"fact": fact.response_name, "value": shown},
                              params, changed, rank=rank, group=group, cuts=tuple(cuts)))

    if fact.field:
        path = ("use", fact.field)
        if fact.type == schema.FLAG:
            for rank, value in enumerate((False, True)):
                add(value, "true" if value else "false", _with_use(scene, **{fact.attr: value}), path, rank)
        elif fact.number and fact.type != schema.DATE:
            cuts = (scene.thresholds or {}).get(fact.name) or []
            for rank, value in enumerate(_number_values(cuts)):
                add(value, "within " + _range_words(cuts, value), _with_use(scene, **{fact.attr: value}), path, rank,
                    tuple(cuts))
        elif fact.type == schema.TAGS:
            words = _condition_values(kb, used, fact.name)
            vocabulary = VOCABULARIES.get(fact.vocabulary or "", ())
            words += [w for w in vocabulary if w not in words][:max(1, MAX_VALUES - len(words))]
            if fact.vocabulary == "territory":   # a closed vocabulary too large to try: a few no license names
                words += [c for c in ELSEWHERE if c not in words][:2]
                # A stated region leaves open which member it is (EEA: in the EU or not): its members
                # first; not the places MAY_LIE_IN leaves open (a stated GL does not narrow to DK).
                members = open_region_members(getattr(scene.use, fact.attr) or ())
                outside = [m for m in members if m not in EU_TERRITORY][:3]
                words = outside + [m for m in members if m in EU_TERRITORY][:1] + words
            stated = getattr(scene.use, fact.attr) or ()
            for rank, word in enumerate(words[:MAX_VALUES * 2]):
                value = (word,) if fact.many else word
                if fact.vocabulary == "territory":
                    # The word narrows the stated regions it lies in; the other stated places stay:
                    # `US, EEA` was offered "YES if territory is IS", which drops the US the user
                    # stated (review 31). Now it is US, IS.
                    within = expand_territories([word])
                    value = read_territories([c for c in stated if c not in within] + [word], fact.field)
                    add(list(value), ", ".join(value), _with_use(scene, **{fact.attr: value}), path, rank)
                    continue
                add([word] if fact.many else word, word, _with_use(scene, **{fact.attr: value}), path, rank)
        return out
    if artifact_id is None or fact.type != schema.TAGS:
        return out
    path = ("artifact", artifact_id, fact.artifact_field)
    if fact.many:   # modalities: one, or two (the facts turn on "multimodal")
        options = [("text",), ("text", "image")] + [(m,) for m in MODALITIES[1:]]
    else:
        words = _condition_values(kb, used, fact.name) + [OTHER_FAMILY]
        options = [w for w in dict.fromkeys(words)][:MAX_VALUES]
    for rank, value in enumerate(options):
        shown = ", ".join(value) if fact.many else value
        add(list(value) if fact.many else value, shown,
            _with_artifact(scene, artifact_id, **{fact.artifact_field: value}), path, rank)
    return out


# --- searching ------------------------------------------------------------------------------------

def _grant_term(symbol: Symbol, renames: dict) -> Symbol:
    """`symbol` with the grant numbers in `renames` replaced (each candidate grant gets its own)."""
    if symbol.type != clingo.SymbolType.Function:
        return symbol
    if symbol.name == "g" and symbol in renames:
        return renames[symbol]
    if not symbol.arguments:
        return symbol
    return Function(symbol.name, [_grant_term(a, renames) for a in symbol.arguments], symbol.positive)


def _diff(base: frozenset, candidate: _Candidate, number: int, grants: int, question: int = 0, offset: int = 0) -> None:
    changed = frozenset(question_facts(candidate.scene, question, offset, runs=False))   # Symbols, for set differences
    removes, adds = base - changed, changed - base
    if candidate.kind == "obtain_grant":   # its grant is numbered apart from every other candidate's
        Q = Number(question)
        renames = {Function("g", [Q, Number(grants)]): Function("g", [Q, Number(1_000_000 + number)])}
        adds = frozenset(_grant_term(s, renames) for s in adds)
    candidate.removes, candidate.adds = removes, adds


@functools.lru_cache(maxsize=64)
def _bridges(predicates: frozenset) -> str:
    """For each question predicate a change touches (names and arities from solve.question_facts,
    never from a request), the rules that make its atoms those of the changed question:
    `given` facts hold unless a chosen change `takes` them; a chosen change's `puts` facts hold."""
    lines = []
    for name, arity in sorted(predicates):
        args = ",".join(f"X{i}" for i in range(arity))
        atom = f"{name}({args})" if arity else name
        lines.append(f"{atom} :- given({atom}), not removed({atom}).")
        lines.append(f"{atom} :- puts(C,{atom}), change(C).")
    lines.append("removed(F) :- takes(C,F), change(C).")
    lines.append("#defined given/1. #defined puts/2. #defined takes/2.")
    return "\n".join(lines)


def _search(reasoner, scene: Scene, used: tuple, candidates: list[_Candidate], limit: int,
            document: dict | None = None, asked: dict | None = None, key=None) -> list[tuple]:
    """The optimal sets of candidates (indices), cheapest first: one clingo run, several rounds.

    With `document` and `asked`, the request document with each candidate's edits alone is asked
    too, in the same grounding (_Asked): its answer goes to `asked`, keyed by the edited document,
    for remedies_for's asking again. A remedy of one change, the clauses a change settles alone
    and the values a number widens to are those documents, so a cold question with remedies
    grounds twice (the verdict; the search with its checks), not three times.

    Given the `key` of a question whose verdict's grounding was kept (solve.keeping), the search
    is ground in that Control: its question numbered 1, its artifacts after the verdict's."""
    kept = take_grounding(key) if key is not None else None
    if kept is not None:
        try:
            return _search_in(kept, reasoner, scene, used, candidates, limit, document, asked)
        except RuntimeError:
            # gringo refused to ground the search beside the verdict (it would, were a rule to
            # derive an atom of the verdict's question from another question's facts, which no
            # rule does: questions share batches), or did not ground the rules again for the
            # search's questions (_regrounded): searched in a Control of its own, as before.
            pass
        finally:
            free_control(kept.control)   # here, where a Ctrl-C is raised (solve.free_control)
    return _search_in(None, reasoner, scene, used, candidates, limit, document, asked)


def _search_in(kept, reasoner, scene: Scene, used: tuple, candidates: list[_Candidate], limit: int,
               document: dict | None, asked: dict | None) -> list[tuple]:
    """_search, in the kept grounding `kept` (a solve.KeptGrounding) or in a Control of its own."""
    Q, offset = (1, kept.artifacts) if kept is not None else (0, 0)
    base = question_facts(scene, Q, offset, runs=False)   # Symbols, for set differences
    base_set = frozenset(base)
    for number, candidate in enumerate(candidates):
        _diff(base_set, candidate, number, len(scene.use.grants), Q, offset)
    candidates[:] = [c for c in candidates if c.removes or c.adds]
    if not candidates:
        return []
    needed = set(used) | {lid for c in candidates for lid in c.extra}
    licenses = reasoner.kb.related(needed)
    removable = frozenset().union(*(c.removes for c in candidates))
    changed = removable | frozenset().union(*(c.adds for c in candidates))
    checks = None
    if document is not None and asked is not None:
        # Artifacts numbered after every one the searched question's facts may name.
        after = max([len(c.scene.artifacts) for c in candidates if c.scene is not None] + [len(scene.artifacts)])
        checks = _Asked(reasoner, [apply_changes(document, c.ops) for c in candidates], set(licenses),
                        offset + after, [0, offset] if kept is not None else [0])
    if kept is not None:
        control = kept.control
        control.configuration.solve.opt_mode = "optN"
    else:
        control = clingo.Control(["--warn=none", "--opt-mode=optN"])
    # The rules that can fire with these facts (solve._selected: the verdict's own selection, its
    # #show statements included for the checks), then remedies.lp: leaving out rules that can
    # never fire changes no answer set, and each rule costs gringo time (~5 ms of a cold search).
    present = frozenset(f.name for f in base) | frozenset(f.name for f in changed)
    if checks is not None:
        present |= checks.predicates
    fixed_lists = (schema_facts(), *(reasoner.kb.licenses[lid].facts for lid in licenses))
    if kept is not None:   # the rules the verdict's grounding was not given, in their order
        control.add("base", [], more_rules_text(present, fixed_lists, kept.positions, kept.cold))
    else:
        rule_statements(control, present, frozenset(fact_index(known) for known in fixed_lists))
    control.add("base", [], _search_text())
    control.add("base", [], _bridges(frozenset((f.name, len(f.arguments)) for f in changed)))
    literals = []   # change(C) of each candidate, by number
    with control.backend() as backend:
        atom = backend.add_atom
        for lid in licenses:
            if kept is None or id(reasoner.kb.licenses[lid].facts) not in kept.fixed:
                add_fact_symbols(backend, reasoner.kb.licenses[lid].facts)
        if kept is None:
            add_fact_symbols(backend, schema_facts())
        backend.add_rule([atom(Function("searched", [Number(Q)]))])
        for fact in base:   # a fact some change takes away is only `given`: it holds unless taken away
            backend.add_rule([atom(Function("given", [fact]) if fact in removable else fact)])
        for kind in CHANGE_KINDS:
            backend.add_rule([atom(Function("change_cost", [Function(kind.name), Number(kind.cost)]))])
        for number, candidate in enumerate(candidates):
            term = Function("c", [Number(number)])
            literals.append(atom(Function("change", [term])))
            backend.add_rule([atom(Function("candidate", [term, Function(candidate.kind), Number(candidate.rank)]))])
            group = String(repr(candidate.group if candidate.group is not None else ("change", number)))
            backend.add_rule([atom(Function("in_group", [term, group]))])
            # In Symbol order: a frozenset's order follows the Symbols' hashes, which differ from
            # run to run, and the order the backend is given is the order clasp enumerates ties in
            # (equal-cost remedies differed between two runs of one request).
            for fact in sorted(candidate.removes):
                backend.add_rule([atom(Function("takes", [term, fact]))])
            for fact in sorted(candidate.adds):
                backend.add_rule([atom(Function("puts", [term, fact]))])
        if checks is not None:   # after the search's own facts: its atoms are numbered as before
            if add_fact_symbols(backend, checks.facts):   # question_facts with runs=False: Symbols only
                raise TypeError("the remedy checks were given runs of facts")
    control.ground([("base", [])], context=RuleFunctions())
    if kept is not None:
        _regrounded(control, range(Q, len(checks.firsts) if checks is not None else Q + 1))
    found: list[tuple] = []
    shown: list[str] = []   # the checks' shown atoms, the same in every model: read from the first
    # The next round: no set using the same groups, or more. A set of one group is excluded by
    # assuming its used_group atom false; a set of several, by a constraint through the backend.
    # Both exclude the same answer sets, but each backend opened and closed makes clasp update
    # the whole program (~0.7-1.1 ms a round of a cold question, ~2.5 ms of its 3 rounds); an
    # assumption costs nothing until the solve.
    excluded: list = []   # literals assumed false
    for _ in range(MAX_ROUNDS):
        level: list[tuple] = []

        def collect(model) -> bool:
            if checks is not None and not shown:   # out(Q, Atom) only: change/1 is read by its literal
                shown.append(str(Function("", model.symbols(shown=True))))
            if model.optimality_proven:
                chosen = tuple(number for number, literal in enumerate(literals) if model.is_true(literal))
                level.append((tuple(model.cost), chosen))
            return len(found) + len(level) < limit

        # No event handler (a Ctrl-C is not an abort); the solve is closed before the backend below.
        with contextlib.closing(solved_models(control, excluded)) as models:
            for model in models:
                if not collect(model):
                    break
        if not level:
            break
        found += level
        if len(found) >= limit:
            break
        constraints = []
        for _, chosen in level:
            groups = {repr(candidates[i].group if candidates[i].group is not None else ("change", i)) for i in chosen}
            literals_of = [control.symbolic_atoms[Function("used_group", [String(g)])].literal for g in sorted(groups)]
            if len(literals_of) == 1:
                excluded.append(-literals_of[0])
            else:
                constraints.append(literals_of)
        if constraints:
            with control.backend() as backend:
                for body in constraints:
                    backend.add_rule([], body)
    if kept is None:
        free_control(control)   # here, where a Ctrl-C is raised (solve.free_control)
    if checks is not None and shown:
        asked.update(checks.answers(read_shown(shown, checks.firsts)))
    return found[:limit]


def _regrounded(control, questions) -> None:
    """Raise RuntimeError unless every one of these question numbers has a status atom in the
    grounding. Grounding "base" a second time is what makes gringo instantiate the rules for the
    search's questions beside the verdict's; clingo's authors call grounding a part twice
    unsupported (potassco/clingo#301: "does not detect this error in all cases and seemingly does
    the right thing sometimes"), and it gives the same program as a Control of its own for every
    bundled example (benchmarks/remedy_answers.py; tests/test_cold5.py). Were a clingo release to
    skip the rules the second time (as it does for a part other than "base"), the search's
    questions would have no status: that is caught here, not answered."""
    have = {atom.symbol.arguments[0].number for atom in control.symbolic_atoms.by_signature("status", 2)}
    if not set(questions) <= have:
        raise RuntimeError("the rules were not ground again for the remedy search's questions")


class _Asked:
    """Request documents asked in the search's grounding, as Reasoner.answer_each asks them: each
    read and planned by the Reasoner (its own checks and errors), its questions' facts numbered
    from 1 on (the search's question is 0) and from `offset` on for artifacts, so none shares an
    atom with the search's question; their atoms depend on facts only (no choice, no bridge:
    those hold the search's question's facts), so gringo derives them once, the same in every
    model. A document whose questions need licenses the search does not load is not asked here."""

    def __init__(self, reasoner, documents: list[dict], licenses: set, offset: int, firsts: list = [0]):
        self.reasoner = reasoner
        self.facts: list = []
        self.errors: dict = {}
        self.plans: list = []     # (key, plan, {question key: (its number, first artifact)})
        # The first artifact of each question number (read_shown): the search's (and a kept
        # verdict's before it), then the checks'.
        self.firsts = list(firsts)
        seen = set()
        number = len(firsts)
        # A question two documents share (the same Scene.key: the same facts) is asked once, and
        # each document's answer reads it (1 of the 10 checks of the cold default question).
        asked: dict = {}
        for document in documents:
            key = repr(document)
            if key in seen:
                continue
            seen.add(key)
            plan, error = next(iter(reasoner._planned([document])))
            if plan is None:
                self.errors[key] = error
                continue
            if not all(set(reasoner.kb.related(q.used)) <= licenses for q in plan.scenes):
                continue
            numbers = {}
            for question in plan.scenes:
                if question.key in numbers:
                    continue
                if question.key in asked:
                    numbers[question.key] = asked[question.key]
                    continue
                numbers[question.key] = asked[question.key] = (number, offset)
                self.firsts.append(offset)
                self.facts += question_facts(question.scene, number, offset, runs=False)
                number += 1
                offset += len(question.scene.artifacts)
            self.plans.append((key, plan, numbers))
        self.predicates = frozenset(f.name for f in self.facts)

    def answers(self, atoms: dict) -> dict:
        """repr(document) -> its CanIError, or a function that explains its answer (a Result) from
        the shown atoms per question number: only the answers remedies_for reads are explained."""
        out = dict(self.errors)
        for key, plan, numbers in self.plans:
            solved = {qkey: (atoms.get(number, []), first) for qkey, (number, first) in numbers.items()}
            out[key] = functools.partial(self._explained, plan, solved)
        return out

    def _explained(self, plan, solved: dict):
        return self.reasoner._with_profile(plan, self.reasoner._result(plan, solved))


# --- applying and verifying -----------------------------------------------------------------------

def normalized_document(request) -> dict:
    """The request as a document (a flat stack as its one artifact), before the catalog fills
    it in: the form remedies are applied to."""
    from .request import Request
    doc = request_document(request if isinstance(request, Request) else read_request(request))
    doc.pop("remedies", None)
    return doc


def _copied(value):
    """A copy of a JSON document (dicts, lists and plain values), as copy.deepcopy makes it
    (importing `copy` was ~0.5 ms of a cold question with remedies); other values go to deepcopy."""
    if type(value) is dict:
        return {key: _copied(item) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item) for item in value]
    if value is None or type(value) in (str, int, float, bool):
        return value
    import copy

    return copy.deepcopy(value)


_USE_ALIASES = {fact.field: fact.aliases for fact in schema.USE_FACTS if fact.aliases}


def apply_changes(document: dict, edits) -> dict:
    """The request document with a remedy's edits applied (a new document; the given one is
    untouched). Edits: ("set", path, value), ("unset", path), ("add"/"remove", path, item), where a
    path is ("use", field) or ("artifact", id, field).

    >>> apply_changes({"licenses": ["mit"], "use": {"acts": ["host"]}}, [("remove", ("use", "acts"), "host"),
    ...               ("add", ("use", "acts"), "use")])["use"]
    {'acts': ['use']}
    """
    doc = _copied(document)
    for edit in edits:
        op, path = edit[0], edit[1]
        if path[0] == "use":
            holder, key = doc.setdefault("use", {}), path[1]
            if op in ("set", "unset"):
                # the request may spell the fact the old way (`revenue_usd`): two spellings of one
                # fact are an error, so an embedder applying the edits to their own request got one
                for alias in _USE_ALIASES.get(key, ()):
                    holder.pop(alias, None)
        else:
            artifacts = doc.setdefault("artifacts", [])
            holder = next((a for a in artifacts if a.get("id") == path[1]), None)
            if holder is None:
                holder = {"id": path[1]}
                artifacts.append(holder)
            key = path[2]
        if op == "set":
            holder[key] = edit[2]
        elif op == "unset":
            holder.pop(key, None)
            if key == "license":
                holder.pop("license_name", None)
        elif op == "add":
            items = list(holder.get(key) or [])
            if edit[2] not in items:
                items.append(edit[2])
            holder[key] = items
        elif op == "replace":   # an edge's parent: ("replace", ("artifact", child, "derived_from"), old, new)
            holder[key] = [{**e, "id": edit[3]} if e.get("id") == edit[2] else e for e in holder.get(key) or []]
            if not any(e.get("id") == edit[2] for a in doc.get("artifacts", []) for e in a.get("derived_from") or []):
                doc["artifacts"] = [a for a in doc["artifacts"] if a.get("id") != edit[2]]
        elif op == "remove":
            items = [i for i in holder.get(key) or [] if i != edit[2]]
            if items:
                holder[key] = items
            else:
                holder.pop(key, None)   # an empty list is an error in a request: unstated instead
    return doc


def _items(result) -> set:
    """What made an answer not YES, as (license, clause): the clauses a change may satisfy."""
    return ({(r.license, r.clause or "") for r in result.reasons}
            | {(d.license, d.clause or "") for d in result.depends_on})


def _message(kind: str, slots: dict) -> str:
    return _fill(templates().get(kind, kind), slots)


def _fill(text: str, slots: dict) -> str:
    for key, value in slots.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def remedies_for(reasoner, plan, result, request, limit: int = MAX_REMEDIES) -> tuple[list[Remedy], list[Note]]:
    """The cheapest verified remedies for a non-permitted answer, and notes on what the search
    could not do (no remedy found and why; remedies dropped because asking again disagreed)."""
    notes: list[Note] = []
    scenes = plan.scenes[:MAX_SCENES]
    if any(len(q.scene.artifacts) > MAX_ARTIFACTS for q in scenes):
        return [], [Note("no_remedy", f"no remedy searched: the lineage holds more than {MAX_ARTIFACTS:,} artifacts")]
    document = normalized_document(request)
    asked: dict = {}   # repr(document) -> its answer, asked in a search's grounding (_Asked)
    options = []   # (cost, changes as candidates)
    for index, question in enumerate(scenes):
        scene = question.scene
        if scene.unknown:
            continue   # terms can-i does not know: no change it judges can make them YES
        scene = _with_thresholds(reasoner.kb, scene, {lid for _, _, lid, _ in _replacements(reasoner.kb, scene)})
        candidates = _propose(reasoner, scene, question.used, result)
        extra = []
        choice = plan.choices[index] if plan.choices else None
        if choice and choice != result.choice:
            extra = [_choice_candidate(plan, choice)]
        # One question searched (no OR choice) about one artifact: the requests with each change
        # alone are asked in the search's grounding; anything else is asked below, in a batch.
        ask_here = len(scenes) == 1 and not extra and len(scene.artifacts) <= ASK_IN_SEARCH_UP_TO
        for cost, chosen in _search(reasoner, scene, question.used, candidates, limit * 2,
                                    document if ask_here else None, asked, question.key):
            picked = extra + [candidates[i] for i in chosen]
            options.append(((sum(COST[c.kind] for c in picked), cost[1] if len(cost) > 1 else 0), picked))
    if not options:
        blocking = "; ".join(dict.fromkeys(f"{r.license} §{r.clause} ({r.kind.replace('_', ' ')})" for r in result.reasons)
                             ) or "; ".join(dict.fromkeys(f"{d.license} §{d.clause}" for d in result.depends_on))
        why = ("the answer turns on terms can-i does not know" if result.status == "unknown" or
               any(q.scene.unknown for q in scenes) else
               "no combination of the changes can-i searches (" + ", ".join(k.name for k in CHANGE_KINDS) +
               f") makes every license say YES; what stands: {blocking}")
        return [], [Note("no_remedy", f"no remedy found: {why}")]
    unique = _cheapest_first([_without_replaced_choice(plan, document, cost, picked) for cost, picked in options])
    unique = _without_needless_choices(reasoner, document, asked, unique[:limit * 2],
                                       {a.id for a in plan.scope if a.mine})
    # Which clauses each change satisfies: ask with it alone (after the OR alternative its remedy
    # takes, if any: the other changes answer that alternative's clauses, not the shown answer's).
    def prefix(picked) -> tuple:
        return tuple(op for c in picked if c.kind == "choose_alternative" for op in c.ops)

    def single_key(candidate, picked) -> tuple:
        """(the alternative's edits, the change's own edits), as text: edits may hold lists."""
        return repr(() if candidate.kind == "choose_alternative" else prefix(picked)), repr(candidate.ops)

    singles = {}
    for _, picked in unique:
        singles[(repr(()), repr(prefix(picked)))] = prefix(picked)   # the alternative alone: the rest's baseline
        for candidate in picked:
            first = () if candidate.kind == "choose_alternative" else prefix(picked)
            singles[single_key(candidate, picked)] = first + tuple(candidate.ops)
    singles = {key: ops for key, ops in singles.items() if ops}
    docs = [apply_changes(document, [op for c in picked for op in c.ops]) for _, picked in unique]
    docs += [apply_changes(document, list(ops)) for ops in singles.values()]
    # The values each remedy's numbers may widen to (_widen) are asked in the same batch, for every
    # remedy before knowing which verify: one clingo run instead of two (~8 ms of a cold question);
    # the answers of those that do not verify are not read.
    widening = [_widen_asks(document, picked) for _, picked in unique]
    checks = len(docs)
    docs += [doc for asks in widening for _, _, doc in asks]
    answers = _answer_each(reasoner, docs, asked)
    widened, start = [], checks
    for asks in widening:
        widened.append([(candidate, lower, answer) for (candidate, lower, _), answer
                        in zip(asks, answers[start:start + len(asks)])])
        start += len(asks)
    before = _items(result)
    single_answers = dict(zip(singles, answers[len(unique):]))

    def items_of(key) -> set | None:
        answer = single_answers.get(key)
        return None if answer is None or isinstance(answer, CanIError) else _items(answer)

    satisfied = {}
    for key in singles:
        first, _ = key
        base = before if first == repr(()) else items_of((repr(()), first))
        after = items_of(key)
        satisfied[key] = (base - after) if base is not None and after is not None else set()
    verified_at = [i for i, answer in enumerate(answers[:len(unique)])
                   if not isinstance(answer, CanIError) and answer.status == "permitted"][:limit]
    lows = _widen([unique[i] for i in verified_at], [widened[i] for i in verified_at])
    remedies = []
    for (cost, picked), answer in zip(unique, answers):
        if isinstance(answer, CanIError) or answer.status != "permitted":
            why = str(answer) if isinstance(answer, CanIError) else answer.status
            notes.append(Note("remedy_unverified", "a remedy the search found did not verify when asked again ("
                              + "; ".join(_message(c.kind, c.slots) for c in picked) + f": {why}); it is not shown"))
            continue
        changes = []
        for candidate in picked:
            cites = satisfied.get(single_key(candidate, picked)) or set()
            if not cites:   # it helps only together with the others: the clauses they settle together
                cites = {item for item in before if not candidate.licenses or item[0] in candidate.licenses}
                cites -= set().union(*(satisfied.get(single_key(o, picked)) or set() for o in picked
                                       if o is not candidate))
                cites = cites or before
            if id(candidate) in lows:   # the values under it that answer YES too
                low = lows[id(candidate)]
                value = candidate.params["value"]
                high = _cell(list(candidate.cuts), value)[1]
                words = f"{low:,}–{high:,}" if high is not None else f"{low:,} or more"
                candidate.params["range"] = [low, high]
                candidate.slots["range"] = words
                if candidate.kind == "state_fact":
                    candidate.slots["value"] = "within " + words
            changes.append(RemedyChange(candidate.kind, _message(candidate.kind, candidate.slots),
                                        tuple(sorted(cites)), candidate.params, tuple(candidate.ops)))
        remedies.append(Remedy(cost[0], tuple(changes)))
        if len(remedies) >= limit:
            break
    if not remedies:
        notes.append(Note("no_remedy", "no remedy found: none of the changes found verified when asked again"))
    return remedies, notes


def _answer_each(reasoner, documents: list[dict], asked: dict) -> list:
    """reasoner.answer_each(documents), taking the answers the search's grounding already gave
    (`asked`, by repr of the document) and asking only the others, in one batch."""
    keys = [repr(document) for document in documents]
    missing = {key: document for key, document in zip(keys, documents) if key not in asked}
    asked.update(zip(missing, reasoner.answer_each(list(missing.values()))) if missing else ())
    for key in dict.fromkeys(keys):
        if isinstance(asked[key], functools.partial):   # explained when first read
            asked[key] = asked[key]()
    return [asked[key] for key in keys]


def _widen_asks(document: dict, picked) -> list[tuple]:
    """For each number a remedy sets (`stay_under`, a number to state), the values under it to ask
    again with the rest of the remedy: (candidate, value, request document), in asking order."""
    asks = []
    for candidate in picked:
        if not candidate.cuts:
            continue
        value = candidate.params["value"]
        rest = [op for other in picked if other is not candidate for op in other.ops]
        path = candidate.ops[0][1]
        for lower in _number_values(list(candidate.cuts), below=value):
            asks.append((candidate, lower, apply_changes(document, rest + [("set", path, lower)])))
    return asks


def _widen(verified: list, widened: list) -> dict[int, int]:
    """For each number a verified remedy sets: the lowest value down to which every cell of the
    thresholds, asked again with the rest of the remedy (`widened`: per verified remedy, its
    _widen_asks as (candidate, value, answer)), is YES too; so the answer can say
    "0–700,000,000", not only the one value the search chose."""
    lows = {id(c): _cell(list(c.cuts), c.params["value"])[0] for _, picked in verified for c in picked if c.cuts}
    stopped = set()
    for candidate, lower, answer in (ask for asks in widened for ask in asks):
        if id(candidate) in stopped:
            continue
        if isinstance(answer, CanIError) or answer.status != "permitted":
            stopped.add(id(candidate))
        else:
            lows[id(candidate)] = min(lows[id(candidate)], _cell(list(candidate.cuts), lower)[0])
    return lows


# Changes that set or unset the license of the user's own model whole (the `license` field).
_REPLACES_OWN_LICENSE = ("no_own_license", "own_license")


def _without_replaced_choice(plan, document: dict, cost: tuple, picked: list) -> tuple[tuple, list]:
    """A remedy found under one alternative of the user's own OR license (choose_alternative,
    "offer your model under gpl-3.0 alone") whose other change then unsets or replaces that same
    license ("put no license of your own on the model instead of gpl-3.0"): the alternative is
    undone by the change after it, so the remedy was not minimal, and the two said one thing twice.
    The artifact's part of the choice is dropped (the choice too if nothing is left of it) and the
    change names what the model is under now (`gpl-3.0 OR mit`). The request it makes is the same
    (the license set, then unset), so it verifies as the pair did."""
    choice = next((c for c in picked if c.kind == "choose_alternative"), None)
    if choice is None:
        return cost, picked
    chosen = choice.params["choice"]
    replaced = {c.params["artifact"] for c in picked if c.kind in _REPLACES_OWN_LICENSE} & set(chosen)
    if not replaced:
        return cost, picked
    written = {a.get("id"): a.get("license") for a in document.get("artifacts", ()) if isinstance(a, dict)}
    rest = []
    for candidate in picked:
        if candidate is choice:
            continue
        artifact = candidate.params.get("artifact")
        if candidate.kind in _REPLACES_OWN_LICENSE and artifact in replaced and written.get(artifact):
            stated = written[artifact]
            candidate = replace(candidate, slots={**candidate.slots, "from": stated},
                                params={**candidate.params, "from": stated})
        rest.append(candidate)
    left = {artifact: ids for artifact, ids in chosen.items() if artifact not in replaced}
    if left:
        rest.insert(0, _choice_candidate(plan, left))
    return (sum(COST[c.kind] for c in rest),) + tuple(cost[1:]), rest


def _without_needless_choices(reasoner, document: dict, asked: dict, unique: list, own: set) -> list:
    """The remedies with an alternative of the user's own OR license that the rest of the remedy
    does without: each remedy that offers the user's model under one alternative alone
    (choose_alternative over `own` artifacts only) beside other changes is asked again with those
    changes alone, and where that is YES the alternative is dropped. It was found because each
    alternative is searched as its own question, but narrowing what recipients may take is a
    change the user need not make ("offer your model under gpl-3.0 alone; do not distribute it",
    where not distributing is YES under every alternative). A received license's alternative is
    kept: it changes nothing the user holds, and it says which terms the YES is under (the answer
    takes the best alternative by itself). The remedies are then ordered and made unique again.
    The answers stay in `asked`, so verifying the shorter remedy asks nothing more."""
    trial = [(index, [op for c in picked if c.kind != "choose_alternative" for op in c.ops])
             for index, (_, picked) in enumerate(unique)
             if len(picked) > 1 and any(c.kind == "choose_alternative" and set(c.params["choice"]) <= own
                                        for c in picked)]
    if not trial:
        return unique
    answers = _answer_each(reasoner, [apply_changes(document, ops) for _, ops in trial], asked)
    changed = False
    for (index, _), answer in zip(trial, answers):
        if not isinstance(answer, CanIError) and answer.status == "permitted":
            cost, picked = unique[index]
            rest = [c for c in picked if c.kind != "choose_alternative"]
            unique[index] = ((sum(COST[c.kind] for c in rest),) + tuple(cost[1:]), rest)
            changed = True
    return _cheapest_first(unique) if changed else unique


def _cheapest_first(options: list) -> list:
    """(cost, changes) remedies cheapest first (ties by their kinds of change), each set of
    changes once (a change is its kind and its group, or its edits)."""
    options = sorted(options, key=lambda item: (item[0], [c.kind for c in item[1]]))
    unique, seen = [], set()
    for cost, picked in options:
        key = tuple(sorted(repr((c.kind, c.group if c.group is not None else c.ops)) for c in picked))
        if key not in seen:
            seen.add(key)
            unique.append((cost, picked))
    return unique


def _choice_candidate(plan, choice: dict) -> _Candidate:
    ops = tuple(("set", ("artifact", artifact, "license"), " AND ".join(ids)) for artifact, ids in sorted(choice.items()))
    words = "; ".join(f"`{a}` under {' AND '.join(ids)}" for a, ids in sorted(choice.items()))
    # The message says each artifact the edits set, in their words: the user's own model is
    # offered under the alternative, a received license is taken under it (remedies.lp).
    own = {a.id for a in plan.scope if a.mine}
    said = "; ".join(_fill(parts()[("choose_alternative", "own" if artifact in own else "received")],
                           {"artifact": artifact, "choice": " AND ".join(ids)})
                     for artifact, ids in sorted(choice.items()))
    return _Candidate("choose_alternative", ops, {"choices": said},
                      {"choice": {a: list(ids) for a, ids in choice.items()}, "words": words})



# --- for `license-for` (issue 13, item 2) ----------------------------------------------------------

def outbound_options(reasoner, request, licenses=None) -> list[tuple[str | None, object]]:
    """Each outbound license (`use.outbound_license`; None for none: the inherited terms travel)
    with the answer the request gets under it, YES first, then by id; one batch, no remedies.
    `licenses` defaults to every license of the knowledge base. An answer is a Result, or the
    CanIError the request gets under that license.

    >>> from reasoner import Reasoner
    >>> request = {"licenses": ["llama3.1"], "use": {"acts": ["distribute"], "release_mau": "1M"}}
    >>> [(lid, r.status) for lid, r in outbound_options(Reasoner(), request, ["apache-2.0", "llama3.1"])]
    [(None, 'permitted'), ('llama3.1', 'permitted'), ('apache-2.0', 'forbidden')]
    """
    from .response import STATUS_ORDER

    document = normalized_document(request)
    choices = [None] + sorted(licenses if licenses is not None else reasoner.kb.licenses)
    docs = [apply_changes(document, [("set", ("use", "outbound_license"), lid)] if lid else
                          [("unset", ("use", "outbound_license"))]) for lid in choices]
    answers = reasoner.answer_each(docs)

    def order(item):
        lid, answer = item
        return (STATUS_ORDER.get(getattr(answer, "status", None), 9), lid is not None, lid or "")

    return sorted(zip(choices, answers), key=order)


# --- for UNKNOWN answers (session 4, gaps) ---------------------------------------------------------

# An UNKNOWN answer turns on terms can-i does not know, so no change it judges makes it YES; but an
# artifact's license may be one it knows, written otherwise (`apache2`, a `license_name`). Each
# known license near the written one (by spelling) under which asking again gives YES is offered
# as "the answer is YES if `X` is under L", to be stated only if it holds; one that does not
# verify is never offered. Kept apart from CHANGE_KINDS: the search never proposes it.
UNKNOWN_NEAR = 4          # known licenses tried per unknown one
UNKNOWN_CUTOFF = 0.6      # difflib's similarity a known id or name must reach
STATE_LICENSE = "state_license"
STATE_LICENSE_SAYS = "the answer is YES if `{artifact}` is under {license}: check its license and state it if it holds"


def _near_licenses(kb, written: str) -> list[str]:
    """Known license ids whose id or name is spelt like `written`, closest first."""
    import difflib

    by_word: dict[str, str] = {}
    for lid in sorted(kb.licenses):
        by_word.setdefault(lid.lower(), lid)
        name = getattr(kb.licenses[lid].license, "name", None)
        if name:
            by_word.setdefault(name.lower(), lid)
    near = difflib.get_close_matches(written.strip().lower(), list(by_word), n=UNKNOWN_NEAR * 2, cutoff=UNKNOWN_CUTOFF)
    return list(dict.fromkeys(by_word[word] for word in near))[:UNKNOWN_NEAR]


def unknown_remedies(reasoner, plan, result, request, limit: int = MAX_REMEDIES) -> tuple[list[Remedy], list[Note]]:
    """Remedies for an UNKNOWN answer: known licenses that, stated for the one artifact whose
    terms are unknown, make the answer YES (each verified by asking again), else a note saying
    what to state.

    >>> from reasoner import Reasoner
    >>> answer = Reasoner().ask({"artifacts": [{"id": "acme/x", "license": "apache2"}],
    ...                          "use": {"acts": ["use"]}, "remedies": True})
    >>> [(c.kind, c.params["license"]) for r in answer.remedies for c in r.changes]
    [('state_license', 'apache-2.0')]
    """
    unknown: dict[str, str] = {}
    for reason in result.reasons:
        if reason.kind == "unknown_license" and reason.artifact:
            unknown.setdefault(reason.artifact, reason.license or "")
    if not unknown:
        return [], [Note("no_remedy", "no remedy found: the answer turns on terms can-i does not know")]
    named = ", ".join(f"`{a}`" for a in sorted(unknown))
    state = Note("no_remedy", f"no remedy found: the answer turns on terms can-i does not know; state the license of "
                              f"{named} (its `license`, or read its card with --hub) if it is one can-i knows "
                              f"(`can-i licenses`)")
    if len(unknown) > 1:
        return [], [state]
    artifact_id, written = next(iter(unknown.items()))
    document = normalized_document(request)
    given = next((a for a in document.get("artifacts", []) if a.get("id") == artifact_id), None)
    if given is None:   # an artifact the catalog brought in: its license is the catalog's
        return [], [state]
    declared = given.get("license")
    tried, docs = [], []
    for lid in _near_licenses(reasoner.kb, given.get("license_name") or written):
        if declared and declared.lower() not in ("other", written.lower()):
            # One unknown id inside an expression: only that id is replaced.
            new = re.sub(rf"(?<![\w.+-]){re.escape(written)}(?![\w.+-])", lid, declared, flags=re.IGNORECASE)
            if new == declared:
                continue
        else:
            new = lid
        edits = (("unset", ("artifact", artifact_id, "license")), ("set", ("artifact", artifact_id, "license"), new))
        tried.append((lid, edits))
        docs.append(apply_changes(document, edits))
    remedies, closest = [], None
    for (lid, edits), answer in zip(tried, reasoner.answer_each(docs) if docs else ()):
        if getattr(answer, "status", None) != "permitted":
            # Closest first, and only while each verifies: a misspelt `cc-by-nc-4.O` used
            # commercially is NO under cc-by-nc-4.0, so cc-by-4.0 (farther) is not offered.
            closest = (lid, getattr(answer, "status", "an input error"))
            break
        expression = edits[-1][2]
        message = STATE_LICENSE_SAYS.replace("{artifact}", artifact_id).replace("{license}", expression)
        remedies.append(Remedy(1, (RemedyChange(STATE_LICENSE, message, (), {"artifact": artifact_id, "license": lid},
                                                edits),)))
    notes = []
    if closest and not remedies:
        notes.append(Note("no_remedy", state.message + f"; the known license closest to `{written}`, {closest[0]}, "
                                                       f"answers {closest[1]}, so none is offered"))
    return remedies[:limit], notes or ([] if remedies else [state])
