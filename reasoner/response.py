"""The response schema: what an answer holds, and its versioned JSON document (schema v1).

Fields may be added to a schema version; none may change meaning."""

from __future__ import annotations

from operator import attrgetter, itemgetter

from .records import asdict, dataclass, field, fields, is_dataclass   # standard dataclasses, defined at no cost

SCHEMA_VERSION = "1"
STATUS_ORDER = {"permitted": 0, "depends": 1, "unknown": 2, "forbidden": 3}


@dataclass(frozen=True)
class Reason:
    license: str
    version: str
    clause: str | None
    title: str
    kind: str
    message: str
    artifact: str | None = None
    act: str | None = None


@dataclass(frozen=True)
class Obligation:
    license: str
    version: str
    clause: str
    duty: str
    params: dict
    message: str
    artifact: str
    acts: tuple[str, ...] = ()
    conditional: bool = False


@dataclass(frozen=True)
class Risk:
    license: str
    clause: str | None
    risk: str
    message: str
    artifact: str | None = None


@dataclass(frozen=True)
class Decider:
    """One leaf of the residual condition: stating `fact` so that `fact op value` holds makes the
    answer forbidden, together with the other leaves of its AND-group (`group`, from 1)."""
    fact: str
    op: str
    value: object
    license: str
    clause: str
    then: str
    kind: str
    group: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Leaf:
    """A condition the stated facts leave open, as the license writes it."""
    fact: str            # the request field to state
    op: str
    value: object
    license: str
    clause: str
    kind: str            # what the rule does when the group holds (prohibited, not_granted, ...)
    text: str            # the condition in words: "mau > 700,000,000", "the model is multimodal"
    exception: str | None = None   # the label of the exception the leaf comes from
    tests: str | None = None       # the fact as the license names it (`multimodal`, `revenue`)
    # The artifact a fact about a model is read from (the one acted on, or the one created); None
    # for facts about the use. In a lineage "the model is multimodal" must say which model.
    artifact: str | None = None
    # The title of the clause that raises it, which says how a dated count is measured ("users
    # counted for the month before the Llama 3.1 release date, 2024-07-23").
    title: str = ""


@dataclass(frozen=True)
class Applicable:
    artifact: str
    license: str
    via: tuple[str, ...]
    scope: str  # "full": every term; "clauses": only clauses that reach further
    # The edges the license travels from where it starts to the artifact: (child, relation, parent).
    edges: tuple[tuple[str, str, str], ...] = ()
    # Where the license starts at a licensor's own release that replaced inherited terms: each as
    # (publisher, license replaced, how: "relicensed by the licensor").
    relicensed: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Cause:
    """Why a rule fired, granted, withheld, did not fire, or is open only in part: the conditions
    of its clause that the stated facts settled, each with what was stated."""
    license: str
    clause: str
    kind: str            # the reason kind, "granted" or "not_granted"; for a rule that did not make
                         # the answer NO: "not_fired" (its condition failed), "ruled_out"/"already_met"
                         # (a part of a pending rule's condition the stated facts settled)
    act: str | None      # None for a conflict over the whole stack
    artifact: str
    facts: tuple[tuple[str, bool, str], ...]   # (condition, holds, what was stated)
    message: str = ""    # the whole finding in words, for the kinds above that have no reason to cite
    part: str | None = None   # ruled_out/already_met: the settled part, as "forbidden" needs it


@dataclass(frozen=True)
class Information:
    """What a license explains about the question (`inform` in a license file, an exception one
    clause makes to another, a rider): no duty, no reason; `conditional` when its condition turns
    on an unstated fact."""
    license: str
    version: str
    clause: str
    message: str
    artifact: str
    conditional: bool = False


@dataclass(frozen=True)
class Note:
    """How the question was read, where another reading was possible (a card read as a model the
    user received, a catalog id used over a folder of the same name, a catalog license kept)."""
    code: str
    message: str


@dataclass(frozen=True)
class RemedyChange:
    """One change of a remedy (reasoner/remedies.py CHANGE_KINDS): its kind, in words, the
    clauses it satisfies as (license, clause), what it states (`params`), and the edits of the
    request document that make it (`edits`: ("set", path, value), ("unset", path), ("add" or
    "remove", path, item), ("replace", path, old parent, new parent), a path being ("use", field)
    or ("artifact", id, field))."""
    kind: str
    message: str
    cites: tuple[tuple[str, str], ...]
    params: dict
    edits: tuple = ()


@dataclass(frozen=True)
class Remedy:
    """A smallest set of changes that makes the answer YES, verified by asking again; `cost` is
    the sum of the documented costs of its kinds of change (lower first)."""
    cost: int
    changes: tuple[RemedyChange, ...]


@dataclass
class Result:
    """The answer to one question; `to_json()` gives the versioned response document."""
    status: str
    subject: str
    reasons: list[Reason] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    depends_on: list[Decider] = field(default_factory=list)
    applicable: list[Applicable] = field(default_factory=list)
    grants: list[dict] = field(default_factory=list)
    choice: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    information: list[Information] = field(default_factory=list)
    # The residual condition: forbidden if any group holds, a group holding when all its leaves do.
    residual: list[tuple[Leaf, ...]] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    # Where each stated use fact came from (a profile, the command line), when the request says;
    # and the license policy's verdict (profile.PolicyResult), apart from the legal one.
    facts_from: dict[str, str] = field(default_factory=dict)
    policy: object | None = None
    # Asked for with `"remedies": true` (the CLI's verbs ask unless --no-remedies): None when not
    # asked, else the cheapest verified remedies (empty for YES, or when none is found: a note says why).
    remedies: list[Remedy] | None = None

    def to_json(self) -> dict:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "status": self.status,
            "subject": self.subject,
            "reasons": [_record(r, lists=True) for r in self.reasons],
            "obligations": [_obligation_record(o) for o in self.obligations],
            "risks": [_record(r, lists=True) for r in self.risks],
            "depends_on": [_record(d) for d in self.depends_on],
            "applicable": [_applicable_record(a) for a in self.applicable],
            "grants": list(self.grants),
            "notes": [_record(n) for n in self.notes],
            "information": [_record(i) for i in self.information],
            "residual": {"any": [{"all": [_record(leaf) for leaf in group]} for group in self.residual]},
            "explain": [{**_record(c, lists=True), "facts": [{"condition": text, "holds": holds, "stated": stated}
                                                        for text, holds, stated in c.facts]}
                        for c in self.causes],
        }
        if self.remedies is not None:
            doc["remedies"] = [_remedy_json(r) for r in self.remedies]
        if self.choice:
            doc["choice"] = {k: list(v) for k, v in sorted(self.choice.items())}
        if self.facts_from:
            doc["facts_from"] = dict(self.facts_from)
        if self.policy is not None:
            doc["policy"] = self.policy.to_json()
        return doc


# What `asdict` gives, without its generic walk: the records above hold strings, numbers, None
# and small containers of them, which are copied as `asdict` copies them (a fresh dict, list or
# tuple; anything else deep-copied). `asdict` was most of the time of `to_json`.
_FIELDS: dict[type, tuple] = {}   # record class -> (field names, a getter of their values)
_PLAIN = frozenset({str, int, bool, float, type(None)})
_new = object.__new__


def _record(item, lists: bool = False) -> dict:
    """The record's fields as `asdict` gives them; with `lists`, a tuple field becomes a list
    (what `_clean` does). A record whose instance dict holds its fields alone, in their order (as
    its __init__ or the constructors below leave it), is copied whole; only the values that are
    not plain are then copied one by one (most records hold strings only). Any other record has
    its fields read at once (`attrgetter`)."""
    kind = type(item)
    known = _FIELDS.get(kind)
    if known is None:
        names = tuple(f.name for f in fields(item))
        known = _FIELDS[kind] = (names, attrgetter(*names) if len(names) > 1 else lambda item: (getattr(item, names[0]),))
    state = getattr(item, "__dict__", None)
    if state is not None and tuple(state) == known[0]:
        record = state.copy()
        if _PLAIN.issuperset(map(type, record.values())):
            return record
    else:
        record = dict(zip(known[0], known[1](item)))
    for name, value in record.items():
        if type(value) not in _PLAIN:   # (values replaced in place: the keys stay as they are)
            record[name] = list(map(_copied, value)) if lists and isinstance(value, tuple) else _copied(value)
    return record


_OBLIGATION_SCALARS = itemgetter("license", "version", "clause", "duty", "message", "artifact", "conditional")


def _obligation_record(o) -> dict:
    """`_record(o, lists=True)` of an Obligation with its `acts` a list, as to_json gives it: an
    answer holds ~20 of them, so the common one (its scalars strings and a bool, params a dict,
    acts a tuple of strings: every one explain makes) is written out from its instance dict, its
    types checked one by one (cheaper than mapping `type` over them); any other is copied by
    `_record`."""
    if type(o) is Obligation:
        state = o.__dict__
        license, version, clause, duty, message, artifact, conditional = _OBLIGATION_SCALARS(state)
        params, acts = state["params"], state["acts"]
        if (type(license) is str and type(version) is str and type(clause) is str and type(duty) is str
                and type(message) is str and type(artifact) is str and type(conditional) is bool
                and type(params) is dict and type(acts) is tuple):
            for act in acts:
                if type(act) is not str:
                    return _obligation_copied(o)
            return {"license": license, "version": version, "clause": clause, "duty": duty,
                    "params": _dict_copied(params) if params else {}, "message": message, "artifact": artifact,
                    "acts": list(acts), "conditional": conditional}
    return _obligation_copied(o)


def _obligation_copied(o) -> dict:
    """_obligation_record's document by the generic copy (any Obligation)."""
    item = _record(o, lists=True)
    item["acts"] = list(item["acts"])
    return item


def obligation(license: str, version: str, clause: str, duty: str, params: dict, message: str, artifact: str,
               acts: tuple = (), conditional: bool = False) -> Obligation:
    """`Obligation(...)` without the frozen dataclass's __init__ (a call of `object.__setattr__`
    per field): its instance dict is filled as that __init__ fills it, in field order. For values
    already checked (explain's); equal, hashed, printed and copied as the one __init__ makes."""
    made = _new(Obligation)
    state = made.__dict__
    state["license"] = license
    state["version"] = version
    state["clause"] = clause
    state["duty"] = duty
    state["params"] = params
    state["message"] = message
    state["artifact"] = artifact
    state["acts"] = acts
    state["conditional"] = conditional
    return made


def applicable(artifact: str, license: str, via: tuple, scope: str, edges: tuple = (),
               relicensed: tuple = ()) -> Applicable:
    """`Applicable(...)` as `obligation` makes an Obligation."""
    made = _new(Applicable)
    state = made.__dict__
    state["artifact"] = artifact
    state["license"] = license
    state["via"] = via
    state["scope"] = scope
    state["edges"] = edges
    state["relicensed"] = relicensed
    return made


def reason(license: str, version: str, clause: str | None, title: str, kind: str, message: str,
           artifact: str | None = None, act: str | None = None) -> Reason:
    """`Reason(...)` as `obligation` makes an Obligation."""
    made = _new(Reason)
    state = made.__dict__
    state["license"] = license
    state["version"] = version
    state["clause"] = clause
    state["title"] = title
    state["kind"] = kind
    state["message"] = message
    state["artifact"] = artifact
    state["act"] = act
    return made


def leaf(fact: str, op: str, value, license: str, clause: str, kind: str, text: str, exception: str | None = None,
         tests: str | None = None, artifact: str | None = None, title: str = "") -> Leaf:
    """`Leaf(...)` as `obligation` makes an Obligation."""
    made = _new(Leaf)
    state = made.__dict__
    state["fact"] = fact
    state["op"] = op
    state["value"] = value
    state["license"] = license
    state["clause"] = clause
    state["kind"] = kind
    state["text"] = text
    state["exception"] = exception
    state["tests"] = tests
    state["artifact"] = artifact
    state["title"] = title
    return made


def decider(fact: str, op: str, value, license: str, clause: str, then: str, kind: str, group: int = 0) -> Decider:
    """`Decider(...)` as `obligation` makes an Obligation."""
    made = _new(Decider)
    state = made.__dict__
    state["fact"] = fact
    state["op"] = op
    state["value"] = value
    state["license"] = license
    state["clause"] = clause
    state["then"] = then
    state["kind"] = kind
    state["group"] = group
    return made


_APPLICABLE_ITEMS = itemgetter("artifact", "license", "via", "scope", "edges", "relicensed")


def _applicable_record(a) -> dict:
    """`_record(a)` of an Applicable with its via a list and its edges and relicensings as
    documents, as to_json gives it; the common one (strings, and tuples of them: every one explain
    makes) written out from its instance dict, its types checked one by one; any other by the
    generic copy."""
    if type(a) is Applicable:
        artifact, license, via, scope, edges, relicensed = _APPLICABLE_ITEMS(a.__dict__)
        if (type(artifact) is str and type(license) is str and type(scope) is str and type(via) is tuple
                and type(edges) is tuple and type(relicensed) is tuple):
            for step in via:
                if type(step) is not str:
                    return _applicable_copied(a)
            edge_documents = []
            for edge in edges:
                if type(edge) is not tuple or len(edge) != 3:
                    return _applicable_copied(a)
                child, relation, parent = edge
                if type(child) is not str or type(relation) is not str or type(parent) is not str:
                    return _applicable_copied(a)
                edge_documents.append({"artifact": child, "relation": relation, "parent": parent})
            release_documents = []
            for release in relicensed:
                if type(release) is not tuple or len(release) != 3:
                    return _applicable_copied(a)
                by, replaced, how = release
                if type(by) is not str or type(replaced) is not str or type(how) is not str:
                    return _applicable_copied(a)
                release_documents.append({"by": by, "replaces": replaced, "via": how})
            return {"artifact": artifact, "license": license, "via": list(via), "scope": scope,
                    "edges": edge_documents, "relicensed": release_documents}
    return _applicable_copied(a)


def _applicable_copied(a) -> dict:
    """_applicable_record's document by the generic copy (any Applicable)."""
    item = _record(a)
    item["via"] = list(item["via"])
    item["edges"] = [{"artifact": child, "relation": relation, "parent": parent} for child, relation, parent in item["edges"]]
    item["relicensed"] = [{"by": by, "replaces": replaced, "via": how} for by, replaced, how in item["relicensed"]]
    return item


def _dict_copied(value: dict) -> dict:
    """`_copied` of a dict (an obligation's params): a copy, each value that is not plain copied
    (a list of strings by `list.copy`), the common types tested first."""
    copy = value.copy()
    for key, item in copy.items():
        if type(key) is not str and type(key) not in _PLAIN:   # a key that is not plain: the generic copy
            return _copied(value)
        kind = type(item)
        if kind is str:
            continue
        if kind is list:
            for element in item:
                if type(element) is not str:
                    copy[key] = _copied(item)
                    break
            else:
                copy[key] = item.copy()
        elif kind not in _PLAIN:   # (values replaced in place: the keys stay as they are)
            copy[key] = _copied(item)
    return copy


def _copied(value):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return tuple(map(_copied, value))
    if kind is list:
        return list(map(_copied, value))
    if kind is dict:
        return {(k if type(k) in _PLAIN else _copied(k)): (v if type(v) in _PLAIN else _copied(v))
                for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    from copy import deepcopy   # here: a cold answer never needs it (~0.1 ms)

    return deepcopy(value)


def _clean(item: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in item.items()}


# --- advice: `license-for` and `downstream` (reasoner/advice.py builds them) --------------------

@dataclass(frozen=True)
class Inherited:
    """A license whose terms reach the model, with the edges that carry them. `scope` "clauses":
    only the listed clauses reach it (Llama 3.1's naming sentence follows distillation)."""
    license: str
    name: str
    version: str
    scope: str
    via: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    clauses: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True)
class OutboundCheck:
    """One license of the knowledge base tried as the only license recipients get. verdict:
    `compatible` (asking with it adds no reason and no open condition), `breaks` (it adds
    reasons: the clauses it breaks), `depends` (it adds open conditions), `unknown`, `blocked`
    (it adds nothing, but distributing the model is forbidden whatever it declares)."""
    license: str
    verdict: str
    hub_id: bool
    reasons: tuple[Reason, ...] = ()
    depends_on: tuple[Decider, ...] = ()
    information: tuple[Information, ...] = ()


@dataclass(frozen=True)
class Declaration:
    """What the model card's metadata should say (Hugging Face conventions: a Hub license id in
    `license`, else `license: other` with `license_name` and `license_link`) and the NOTICE text.
    `license` is None when the choice is the user's among the compatible licenses."""
    license: str | None
    license_name: str | None
    license_link: str | None
    expression: str | None       # the licenses recipients get, as an expression
    notice: str
    why: str


def _obligation_json(o: Obligation) -> dict:
    return {"license": o.license, "version": o.version, "clause": o.clause, "duty": o.duty, "params": o.params,
            "message": o.message, "conditional": o.conditional}


def _reason_json(r: Reason) -> dict:
    return {"license": r.license, "version": r.version, "clause": r.clause, "kind": r.kind, "message": r.message}


def _check_json(check: OutboundCheck) -> dict:
    return {"license": check.license, "verdict": check.verdict, "hub_id": check.hub_id,
            "reasons": [_reason_json(r) for r in check.reasons],
            "depends_on": [asdict(d) for d in check.depends_on],
            "information": [{"license": i.license, "clause": i.clause, "message": i.message}
                            for i in check.information]}


@dataclass
class LicenseAdvice:
    """The answer to `license-for`. status: `permitted` (a declaration keeps everyone within
    every license), `forbidden` (none does, or distributing is forbidden anyway: see `answer`),
    `depends` (the declaration holds under the facts `answer` depends on), `unknown` (a license
    can-i does not know: nothing is recommended)."""
    status: str
    subject: str
    answer: Result                      # the verdict on distributing it, keeping the inherited terms
    inherited: list[Inherited] = field(default_factory=list)
    duties: list[Obligation] = field(default_factory=list)
    outbound: list[OutboundCheck] = field(default_factory=list)
    recommended: Declaration | None = None
    proposed: OutboundCheck | None = None     # the user's own `--as`, judged like the others
    notes: list[Note] = field(default_factory=list)

    @property
    def compatible(self) -> list[str]:
        return [c.license for c in self.outbound if c.verdict == "compatible"]

    def to_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "advice": "license",
            "status": self.status,
            "subject": self.subject,
            "recommended": asdict(self.recommended) if self.recommended else None,
            "inherited": [{**asdict(i), "via": list(i.via), "clauses": list(i.clauses),
                           "edges": [{"artifact": c, "relation": r, "parent": p} for c, r, p in i.edges]}
                          for i in self.inherited],
            "card_duties": [_obligation_json(o) for o in self.duties],
            "outbound": [_check_json(c) for c in self.outbound],
            "proposed": _check_json(self.proposed) if self.proposed else None,
            "notes": [asdict(n) for n in self.notes],
            "answer": self.answer.to_json(),
        }


@dataclass
class RecipientAnswer:
    """A question a recipient would ask about the published model, and the reasoner's answer."""
    question: str
    acts: tuple[str, ...]
    facts: dict
    creates: str | None
    result: Result


@dataclass
class DownstreamView:
    """The answer to `downstream`. status: `answered` when every recipient question got an answer
    (each answer's own status says what recipients may do), `unknown` when one is UNKNOWN (a
    license can-i does not know, or none declared), `forbidden` when the publisher may not
    distribute the model as made and declared."""
    status: str
    subject: str
    declared: str | None                 # the license the recipients get with the model
    answers: list[RecipientAnswer] = field(default_factory=list)
    binding: list[str] = field(default_factory=list)         # licenses whose every term reaches them
    partly_binding: list[str] = field(default_factory=list)  # licenses only some clauses of which do
    restrictions: list[Obligation] = field(default_factory=list)   # what binds whoever holds it
    passing_on: list[Obligation] = field(default_factory=list)     # duties of whoever passes it on
    thresholds: list[dict] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "advice": "downstream",
            "status": self.status,
            "subject": self.subject,
            "declared": self.declared,
            "binding": list(self.binding),
            "partly_binding": list(self.partly_binding),
            "questions": [{"question": a.question, "acts": list(a.acts), "creates": a.creates, "facts": dict(a.facts),
                           "status": a.result.status, "reasons": [_reason_json(r) for r in a.result.reasons],
                           "depends_on": [asdict(d) for d in a.result.depends_on]}
                          for a in self.answers],
            "restrictions": [_obligation_json(o) for o in self.restrictions],
            "passing_on": [{**_obligation_json(o), "artifact": o.artifact} for o in self.passing_on],
            "thresholds": list(self.thresholds),
            "risks": [_clean(asdict(r)) for r in self.risks],
            "notes": [asdict(n) for n in self.notes],
        }
def _edit_json(edit: tuple) -> dict:
    op, path = edit[0], edit[1]
    item = {"op": op, "path": ".".join(path) if path[0] == "use" else f"artifacts[{path[1]!r}].{path[2]}"}
    if op == "replace":
        item["from"], item["value"] = edit[2], edit[3]
    elif len(edit) > 2:
        item["value"] = list(edit[2]) if isinstance(edit[2], tuple) else edit[2]
    return item


def _remedy_json(remedy: Remedy) -> dict:
    return {"cost": remedy.cost,
            "changes": [{"kind": c.kind, "message": c.message,
                         "cites": [{"license": lid, "clause": clause} for lid, clause in c.cites],
                         "params": c.params, "edits": [_edit_json(e) for e in c.edits]} for c in remedy.changes]}
