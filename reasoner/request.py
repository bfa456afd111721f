"""The request: artifacts with licenses and lineage, the subject, and the use.

`read_request` turns the JSON document of PRODUCT.md into typed objects and rejects anything
malformed with an error that names the field (`artifacts[2].derived_from[0].relation`).
"""

from __future__ import annotations

import json
import re
from . import patterns   # re.compile from precompiled code (patterns.py)
from .records import dataclass, field, fields_of, make_dataclass, replace   # standard dataclasses, defined at no cost
from pathlib import Path

from . import expressions, lineage, schema
from .errors import LimitError, RequestError
from .files import MAX_FILE_BYTES, read_bounded, read_regular_file  # noqa: F401 - names kept for importers
from .numbers import parse_count, parse_date
from .vocabulary import (HOSTING_FOR_OTHERS, RELATIONS, UNLISTED_WORD, USE_ACTS, suggest, territory_problem,
                         word_problem)

MAX_ARTIFACTS = 200_000


@dataclass(frozen=True, slots=True)   # slots: a lineage may hold 100,000 (records.py)
class Edge:
    parent: str
    relation: str


def _artifact_class():
    """`Artifact`: a model or dataset of a request: its id, its license (an id or an expression;
    `license_name` with license "other", as on Hugging Face model cards), whether it is the user's
    own (`mine`), the edges it derives by, and one attribute per artifact field declared in
    schema.py (`artifact.family`, `artifact.modalities`, `artifact.name`), each None when unstated.
    All but id, license and license_name are given by keyword: the schema orders the rest."""
    def declared_type(fact: schema.Fact):
        return tuple[str, ...] | None if fact.many else str | None

    fields = [("id", str), ("license", str | None, field(default=None)),
              ("license_name", str | None, field(default=None))]
    fields += [(name, declared_type(fact), field(default=None, kw_only=True))
               for name, fact in schema.ARTIFACT_FIELDS.items()]
    fields += [("mine", bool, field(default=False, kw_only=True)),
               ("derived_from", tuple[Edge, ...], field(default=(), kw_only=True))]
    # Set by Reasoner.complete, never read from a document: the catalog lists this model, or its
    # license is the one its Hub card states (read in this process, kb.HUB_CARD_LICENSES). Only such
    # a model can be a licensor's release (rules.lp): a request may name any id in a licensor's
    # Hub namespace.
    fields += [("listed", bool, field(default=False, kw_only=True))]
    namespace = {"__doc__": _artifact_class.__doc__, "__module__": __name__, "__qualname__": "Artifact"}
    return make_dataclass("Artifact", fields, frozen=True, namespace=namespace, slots=True)   # 100,000 a lineage


Artifact = _artifact_class()
_ARTIFACT_FIELDS = fields_of(Artifact)
_ARTIFACT_FIELD_SET = frozenset(_ARTIFACT_FIELDS)
_set_field = object.__setattr__   # how a frozen dataclass's own __init__ sets its fields


def updated(artifact: Artifact, **changes) -> Artifact:
    """A copy of `artifact` with `changes`, as `dataclasses.replace` makes it, in half the time:
    catalog completion replaces every artifact of a 100,000-artifact lineage once or twice.
    (Artifact has no `__post_init__`, so setting its fields is all `replace` would do; they are
    set one by one, as __init__ does, because copying `__dict__` would make every copy larger.)

    >>> updated(Artifact("m", license="mit"), family="llama").family
    'llama'
    """
    if not changes.keys() <= _ARTIFACT_FIELD_SET:
        raise TypeError(f"Artifact has no field {', '.join(sorted(changes.keys() - _ARTIFACT_FIELD_SET))}")
    copy = object.__new__(Artifact)
    for name in _ARTIFACT_FIELDS:
        _set_field(copy, name, changes[name] if name in changes else getattr(artifact, name))
    return copy

@dataclass(frozen=True)
class Grant:
    """A separate license the user holds: from a licensor, under a license, for some artifacts.

    As read from a request, a string `X` or `X:ARTIFACT` keeps X in `name` (a license id or a
    licensor, told apart against the knowledge base by `Reasoner`); an object fills `licensor`
    and `license` itself. Once resolved, `name` is None, `licensor` is a license's `licensor_id`
    or an artifact's publisher (the organisation part of its Hub id, lower case), `license` is a
    knowledge-base id, and `artifacts` is None for "every artifact under it". `written` (how the
    request said it) and `location` are for messages and take no part in comparisons.
    """
    name: str | None = None
    licensor: str | None = None
    license: str | None = None
    artifacts: tuple[str, ...] | None = None
    written: str = field(default="", compare=False)
    location: str = field(default="use.grants", compare=False)

    def sort_key(self) -> tuple:
        return (self.name or "", self.licensor or "", self.license or "", self.artifacts is not None,
                self.artifacts or ())


def _use_class():
    """`Use`: the facts of a request's `use`, one attribute per field declared in schema.py
    (`use.mau`, `use.revenue`), each None when unstated; old field spellings read as the new ones."""
    defaults = {schema.ACTS: (), schema.GRANTS: ()}
    fields = [(f.attr, object, field(default=defaults.get(f.type))) for f in schema.USE_FACTS]
    namespace = {alias: property(lambda self, attr=f.attr: getattr(self, attr))
                 for f in schema.USE_FACTS for alias in f.aliases}
    namespace["__doc__"] = _use_class.__doc__
    namespace["__module__"] = __name__
    cls = make_dataclass("Use", fields, frozen=True, namespace=namespace)
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        # Embedders wrote `Use(revenue_usd=…)` before the schema renamed the field: the old
        # spellings stay readable for schema version 1 here too, as in a request document.
        for fact in schema.USE_FACTS:
            for alias in fact.aliases:
                if alias in kwargs:
                    if fact.attr in kwargs:
                        raise RequestError(f"`use.{fact.field}` and `use.{alias}` are two spellings of one fact: "
                                           f"give one", location=f"use.{alias}")
                    kwargs[fact.attr] = kwargs.pop(alias)
        init(self, *args, **kwargs)

    __init__.__doc__ = init.__doc__
    cls.__init__ = __init__
    return cls


Use = _use_class()


@dataclass(frozen=True)
class Request:
    artifacts: tuple[Artifact, ...]
    subject: str
    use: Use = field(default_factory=Use)
    notes: tuple[tuple[str, str], ...] = ()   # (code, message): how the request was read
    # Where each `use` fact was stated (a profile, the command line), echoed in the answer, and
    # the license policy to judge the model by (profile.py reads both).
    facts_from: tuple[tuple[str, str], ...] = ()
    policy: dict | None = field(default=None, compare=False)
    # Search what would make a NO or DEPENDS a YES (reasoner/remedies.py). Off unless asked: the
    # verdict alone stays as fast as it was; the CLI's verbs ask unless --no-remedies.
    remedies: bool = False

    def by_id(self) -> dict[str, Artifact]:
        return {a.id: a for a in self.artifacts}


def read_territories(value, path: str) -> tuple[str, ...]:
    """Territory codes from the closed vocabulary (`EU,US` is two), canonical (`UK` is `GB`),
    sorted, each once; the regions they lie in are not added (vocabulary.expand_territories)."""
    codes = []
    for i, word in enumerate(_vocabulary_words(value, path, "territory")):
        code, problem = territory_problem(word)
        if code is None:
            raise RequestError(problem, location=f"{path}[{i}]")
        codes.append(code)
    # The stated codes only, each once: the regions they lie in are added where the facts are made
    # (solve.py), apart from a region stated in its own right. `NO, EEA` is Norway and elsewhere in
    # the EEA (the EU's members stay open), `NO` alone is Norway: expanded here, both read NO, EEA,
    # and a ban on the EU was YES for `NO, EEA` (review 28).
    return tuple(sorted(set(codes)))


def read_words(value, path: str, kind: str) -> tuple[str, ...]:
    """Purposes, modalities or families from their closed vocabularies (`military,weapons` is two)."""
    out = set()
    for i, word in enumerate(_vocabulary_words(value, path, kind)):
        canonical, problem = word_problem(kind, word)
        if canonical is None:
            raise RequestError(problem, location=f"{path}[{i}]")
        out.add(canonical)
    return tuple(sorted(out))


def _vocabulary_words(value, path: str, kind: str) -> list[str]:
    """The words of a list (or one string); a comma separates words. An empty list or word says
    nothing, so it is an error rather than a silent "none"."""
    words = [piece for item in _string_list(value, path) for piece in item.split(",")]
    if not words:
        raise RequestError(f"`{path}` is empty: an empty list is not a statement (leave the field out "
                           f"when the {kind} is unknown)", location=path)
    for i, word in enumerate(words):
        if not word.strip():
            raise RequestError(f"`{path}` holds an empty {kind}: an empty value is not a statement "
                               f"(leave the field out when the {kind} is unknown)", location=f"{path}[{i}]")
    return words


def _type_error(path: str, expected: str, value) -> RequestError:
    got = type(value).__name__ if value is not None else "null"
    return RequestError(f"`{path}` must be {expected}, not {got}", location=path)


def _no_nul(value: str, where: str) -> str:
    """clingo strings end at a NUL, so `llama3\\0x` would read as `llama3`: refuse them. A lone
    surrogate (JSON's `\\ud800`, half of a UTF-16 pair) is no character: it cannot be written as
    UTF-8, and an answer quoting it ended in a traceback (review 31): refuse it too."""
    if "\x00" in value:
        raise RequestError(f"`{where}` contains a NUL character", location=where)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise RequestError(f"`{where}` contains a lone surrogate ({value[exc.start]!r}), half of a UTF-16 pair "
                               "and no character", location=where) from None
    return value


def _string(doc: dict, key: str, path: str, required: bool = False) -> str | None:
    value = doc.get(key)
    if value is None:
        if required:
            raise RequestError(f"`{path}.{key}` is required", location=f"{path}.{key}".lstrip("."))
        return None
    if not isinstance(value, str):
        raise _type_error(f"{path}.{key}".lstrip("."), "a string", value)
    if required and not value.strip():
        raise RequestError(f"`{path}.{key}` is empty", location=f"{path}.{key}".lstrip("."))
    if "\x00" in value or not value.isascii():   # the path is spelt out only then (100,000 artifacts read it)
        _no_nul(value, f"{path}.{key}".lstrip("."))
    return value


# YAML 1.1 (PyYAML) reads an unquoted NO, no, off, Yes or on as a boolean: `territory: [NO, EEA]`
# (Norway) arrived as [False, "EEA"] and the error said the list was "not list" (review 31).
_YAML_BOOLEAN_HINT = " (YAML reads an unquoted NO, Yes, on or off as true or false: quote the word)"


def _string_list(value, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    where, wrong = (path, value) if not isinstance(value, list) else next(
        ((f"{path}[{i}]", v) for i, v in enumerate(value) if not isinstance(v, str)), (None, None))
    if where is not None:   # an item is named as the item, not as the list (which is a list)
        error = _type_error(where, "a list of strings" if where == path else "a string", wrong)
        if isinstance(wrong, bool):
            raise RequestError(error.message + _YAML_BOOLEAN_HINT, location=where)
        raise error
    return tuple(_no_nul(v, f"{path}[{i}]") for i, v in enumerate(value))


def reject_unknown_keys(doc: dict, allowed, path: str) -> None:
    """An input error at the first key of `doc` not `allowed`, with the allowed name it may mean."""
    for key in doc:
        if key not in allowed:
            where = f"{path}.{key}".lstrip(".")
            raise RequestError(f"unknown field `{where}`{suggest(key, allowed)}", location=where)


ARTIFACT_KEYS = ("id", "license", "license_name", *schema.ARTIFACT_FIELDS, "mine", "derived_from")
_RELATION_SET = frozenset(RELATIONS)
USE_KEYS = schema.USE_KEYS
REQUEST_KEYS = ("schema_version", "artifacts", "subject", "use", "licenses", "notes", "facts_from", "policy",
                "remedies")


def read_artifact(doc, path: str) -> Artifact:
    """One artifact of a request; the fields schema.py declares are read as their facts' types say
    (a word of a vocabulary, a list of them, or a free string)."""
    if not isinstance(doc, dict):
        raise _type_error(path, "an object", doc)
    reject_unknown_keys(doc, ARTIFACT_KEYS, path)
    artifact_id = _string(doc, "id", path, required=True)
    license_text = _string(doc, "license", path)
    if license_text is not None:
        try:
            expressions.alternatives(license_text)
        except ValueError as exc:
            raise RequestError(str(exc), location=f"{path}.license") from None
    # A field left out is None, as its reader makes of None: only the fields given are read.
    values = {key: _READERS[fact.type](doc[key], f"{path}.{key}", fact)
              for key, fact in schema.ARTIFACT_FIELDS.items() if key in doc}
    mine = doc.get("mine", False)
    if not isinstance(mine, bool):
        raise _type_error(f"{path}.mine", "true or false", mine)
    edges = doc.get("derived_from", [])
    if not isinstance(edges, list):
        raise _type_error(f"{path}.derived_from", "a list", edges)
    parsed_edges = []
    for j, edge in enumerate(edges):
        if (type(edge) is dict and len(edge) == 2 and type(edge.get("relation")) is str
                and edge["relation"] in _RELATION_SET and type(edge.get("id")) is str
                and edge["id"].strip() and "\x00" not in edge["id"]):
            # A well-formed edge, as the checks below would read it; anything else meets them
            # and gets their error. (A lineage 100,000 deep has 100,000 edges to read.)
            parsed_edges.append(Edge(edge["id"], edge["relation"]))
            continue
        edge_path = f"{path}.derived_from[{j}]"
        if not isinstance(edge, dict):
            raise _type_error(edge_path, "an object", edge)
        reject_unknown_keys(edge, ("id", "relation"), edge_path)
        parent = _string(edge, "id", edge_path, required=True)
        relation = _string(edge, "relation", edge_path, required=True)
        if relation not in RELATIONS:
            raise RequestError(f"unknown relation `{relation}`{suggest(relation, RELATIONS)}; "
                               f"use one of {', '.join(RELATIONS)}", location=f"{edge_path}.relation")
        parsed_edges.append(Edge(parent, relation))
    license_name = _string(doc, "license_name", path)
    if (license_name and license_text and license_name.strip().lower() != license_text.strip().lower()
            and "other" not in re.split(r"[\s()]+", license_text.lower())):
        # `license_name` is read only for `other`: beside any other license it would be dropped, and
        # a restrictive license named there lost (`mit` + `qwen-research` answered YES).
        raise RequestError(f"`license_name` `{license_name}` is read only with the license `other`, and the license is "
                           f"`{license_text}`: say which license applies", location=f"{path}.license_name")
    return Artifact(id=artifact_id, license=license_text, license_name=license_name,
                    mine=mine, derived_from=tuple(parsed_edges), **values)


_USE_FACT_OF = {key: index for index, fact in enumerate(schema.USE_FACTS) for key in (fact.field,) + fact.aliases}


def read_use(doc) -> Use:
    """The `use` of a request: every fact schema.py declares, parsed and checked here (the one
    place values are read, for requests, lineage files and the command line alike)."""
    if doc is None:
        return Use()
    if not isinstance(doc, dict):
        raise _type_error("use", "an object", doc)
    reject_unknown_keys(doc, USE_KEYS, "use")
    values = {}
    # The facts given, in the schema's order (so a request with two bad fields gets the same
    # error whichever it writes first); a use states a few of the ~20 facts.
    for index in sorted({_USE_FACT_OF[key] for key in doc}):
        fact = schema.USE_FACTS[index]
        given = [key for key in (fact.field,) + fact.aliases if key in doc]
        if len(given) > 1:
            raise RequestError(f"`use.{given[0]}` and `use.{given[1]}` are two spellings of one fact: give one",
                               location=f"use.{given[1]}")
        if given:
            values[fact.attr] = _READERS[fact.type](doc[given[0]], f"use.{given[0]}", fact)
    _check_purpose_flags(values)
    _check_bounds(values)
    return Use(**values)


def _check_purpose_flags(values: dict) -> None:
    """A stated purpose or hosting kind that says what a flag says (schema.stated_value_flags) may
    not meet the opposite flag: which of the two is meant cannot be guessed."""
    for fact_name, word, flag_name, meant, entity in schema.stated_value_flags(values):
        flag, stating = schema.FACTS[flag_name], schema.FACTS[fact_name]
        if values.get(flag.attr) is not None and values[flag.attr] != meant:
            whose = f" for a {entity}" if entity else ""
            raise RequestError(f"`use.{stating.field}` names `{word}`, which states `{flag.field}` "
                               f"{str(meant).lower()}{whose}, but "
                               f"`use.{flag.field}` is {str(values[flag.attr]).lower()}: state one or the other",
                               location=f"use.{flag.field}")


def _check_bounds(values: dict) -> None:
    """A count stated above the count that includes it (schema.AT_MOST) cannot both be meant."""
    for small_name, large_name in schema.AT_MOST.items():
        small, large = schema.FACTS[small_name], schema.FACTS[large_name]
        if values.get(small.attr) is not None and values.get(large.attr) is not None \
                and values[small.attr] > values[large.attr]:
            raise RequestError(f"`use.{small.field}` ({values[small.attr]:,}) is more than `use.{large.field}` "
                               f"({values[large.attr]:,}), which counts it too: state one or correct the other",
                               location=f"use.{small.field}")


def hosted_for_others(use: Use, notes: tuple = ()) -> tuple[Use, tuple]:
    """A `hosting` kind that gives others access (public-api, product-feature) is hosting: the act
    `host` is added to the request's acts, with a note, so `use --hosting public-api` is judged as
    what it says (Falcon 180B §9 Hosting Use) and never as use by nobody else. Every request
    passes here (`read_request`), whatever built it: CLI, JSON, lineage file, profile, Python.

    >>> hosted_for_others(Use(acts=("use",), hosting="public-api"))[0].acts
    ('host', 'use')
    """
    if use.hosting not in HOSTING_FOR_OTHERS or "host" in use.acts:
        return use, notes
    note = ("hosting_is_host", f"`hosting` is {use.hosting}: others get access to the model, so it is judged as "
                               f"hosting it too (the act `host` is added to {', '.join(use.acts) or 'creating it'})")
    return replace(use, acts=tuple(sorted(set(use.acts) | {"host"}))), notes + (note,)


def purpose_states_flag(use: Use, notes: tuple = ()) -> tuple[Use, tuple]:
    """A stated purpose that says what a flag says (schema.PURPOSE_FLAGS) states the flag when the
    request leaves it unstated, with a note: `commercial-product` is commercial use, and CC BY-NC
    was DEPENDS on `commercial` for it (review 31). Beside the opposite flag it is an input error
    (read_use). Every request passes here (`read_request`), as through hosted_for_others. (A
    hosting kind states no flag here: the licenses that read it test `hosting` itself.)

    >>> purpose_states_flag(Use(purposes=("commercial-product",)))[0].commercial
    True
    """
    for fact_name, word, flag_name, meant, entity in schema.stated_value_flags(use):
        flag = schema.FACTS[flag_name]
        if fact_name != "purpose" or getattr(use, flag.attr) is not None:
            continue
        use = replace(use, **{flag.attr: meant})
        whose = f" for a {entity}" if entity else ""
        notes += (("purpose_states_flag", f"the purpose `{word}` is {flag_name} use{whose}: `{flag.field}` is read "
                                          f"as {str(meant).lower()}"),)
    return use, notes


def _read_acts(value, path: str, fact) -> tuple[str, ...]:
    acts = _string_list(value, path)
    if not acts:
        raise RequestError(f"`{path}` is empty: an empty list is not a statement (leave `acts` out when the "
                           "request only creates a model)", location=path)
    # Read as every other closed word is (`role`, `hosting`: `_read_word`), without case or
    # surrounding blanks: `--and Distribute` was an error while `--role Licensee` was read (review 25).
    acts = tuple(act.strip().lower() for act in acts)
    for i, act in enumerate(acts):
        if act not in USE_ACTS:
            raise RequestError(f"unknown act `{act}`{suggest(act, USE_ACTS)}; requests list "
                               f"use, host or distribute (creating a model is implied by its edges)",
                               location=f"{path}[{i}]")
    return tuple(sorted(set(acts)))


def _read_flag(value, path: str, fact) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise _type_error(path, "true or false", value)
    return value


def _read_count(value, path: str, fact) -> int | None:
    if value is None:
        return None
    try:
        return parse_count(value, path)
    except ValueError as exc:
        raise RequestError(str(exc), location=path) from None


def _read_date(value, path: str, fact) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error(path, "a date string (YYYY-MM-DD)", value)
    try:
        return parse_date(value)
    except ValueError as exc:
        raise RequestError(str(exc), location=path) from None


def _read_tags(value, path: str, fact) -> tuple[str, ...] | str | None:
    """Words from the fact's closed vocabulary: a list of them (modalities, territories), or one
    word when the schema says the fact holds one (a family)."""
    if value is None:
        return None
    if not fact.many:
        return _read_word(value, path, fact)
    if fact.vocabulary == "territory":
        return read_territories(value, path)
    return read_words(value, path, fact.vocabulary)


def _read_word(value, path: str, fact) -> str:
    if not isinstance(value, str):
        raise _type_error(path, "a string", value)
    if not value.strip():
        raise RequestError(f"`{path}` is an empty {fact.vocabulary}: an empty value is not a statement (leave "
                           f"the field out when the {fact.vocabulary} is unknown)", location=path)
    word, problem = word_problem(fact.vocabulary, _no_nul(value, path))
    if word is None:
        unlisted = UNLISTED_WORD.get(fact.vocabulary)
        hint = f"; a {fact.vocabulary} can-i does not list yet is `{unlisted}`" if unlisted else ""
        raise RequestError(problem + hint, location=path)
    return word


def _read_string(value, path: str, fact) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error(path, "a string", value)
    if not value.strip():
        # An empty or blank string states nothing, yet it is not "unstated" either: read as
        # unstated, `--name ""` would turn a naming duty into DEPENDS the user meant to settle.
        raise RequestError(f"`{path}` is empty: give the value, or leave `{path}` out when it is unstated",
                           location=path)
    return _no_nul(value, path)


def _read_license(value, path: str, fact) -> str | None:
    """One license id (resolved against the knowledge base by the API)."""
    text = _read_string(value, path, fact)
    if text is None:
        return None
    try:
        single = len(expressions.alternatives(text)) == 1 and len(expressions.ids(text)) == 1
    except ValueError:
        single = False
    if not single:
        raise RequestError(f"`{path}` must be one license id", location=path)
    return text.strip().lower()


_READERS = {
    schema.ACTS: _read_acts, schema.FLAG: _read_flag, schema.COUNT: _read_count, schema.MONEY: _read_count,
    schema.DATE: _read_date, schema.TAGS: _read_tags, schema.STRING: _read_string,
    schema.LICENSE: _read_license, schema.GRANTS: lambda value, path, fact: read_grants(value, path),
}


GRANT_KEYS = ("license", "licensor", "artifacts")


def read_grants(value, path: str = "use.grants") -> tuple[Grant, ...]:
    """`use.grants`: strings `LICENSOR[:ARTIFACT]` or `LICENSE[:ARTIFACT]` (what `--grant` takes),
    or objects `{"license", "licensor", "artifacts"}` naming at least a licensor or a license.

    Licensors and licenses are read without case; artifact ids are exact. Empty strings and empty
    lists are errors, not "no restriction". An empty `grants` list means none is held.
    """
    if not isinstance(value, list):
        raise _type_error(path, "a list of grants", value)
    grants = set()
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        grants.add(_read_string_grant(item, where) if isinstance(item, str) else _read_object_grant(item, where))
    return tuple(sorted(grants, key=Grant.sort_key))


def _read_string_grant(text: str, where: str) -> Grant:
    _no_nul(text, where)
    # License ids and licensor keys hold no colon; an artifact id may (after the first one).
    head, colon, artifact = text.partition(":")
    head = head.strip().lower()
    # The artifact id is kept exactly as written: ids are compared exactly.
    if not head:
        raise RequestError(f"`{where}` names no licensor or license: write LICENSOR[:ARTIFACT]", location=where)
    artifacts = None
    if colon:
        if not artifact.strip():
            raise RequestError(f"`{where}` ends in `:` without an artifact: write LICENSOR:ARTIFACT",
                               location=where)
        artifacts = (artifact,)
    return Grant(name=head, artifacts=artifacts, written=text, location=where)


def _read_object_grant(doc, where: str) -> Grant:
    if not isinstance(doc, dict):
        raise _type_error(where, "a string (LICENSOR[:ARTIFACT]) or an object", doc)
    reject_unknown_keys(doc, GRANT_KEYS, where)
    named = {}
    for key in ("licensor", "license"):
        text = _string(doc, key, where)
        if text is not None:
            if not text.strip():
                raise RequestError(f"`{where}.{key}` is empty", location=f"{where}.{key}")
            named[key] = text.strip().lower()
    if not named:
        raise RequestError(f"`{where}` needs a `licensor` or a `license`", location=where)
    artifacts = None
    if "artifacts" in doc:
        raw = doc["artifacts"]
        if not isinstance(raw, list):
            raise _type_error(f"{where}.artifacts", "a list of artifact ids", raw)
        if not raw:
            raise RequestError(f"`{where}.artifacts` is empty: leave it out to mean every artifact "
                               f"from the licensor", location=f"{where}.artifacts")
        ids = _string_list(raw, f"{where}.artifacts")
        for j, artifact in enumerate(ids):
            if not artifact.strip():
                raise RequestError(f"`{where}.artifacts[{j}]` is empty", location=f"{where}.artifacts[{j}]")
        artifacts = tuple(sorted(set(ids)))
    written = ", ".join(f"{k} {v}" for k, v in named.items())
    if artifacts:
        written += " for " + ", ".join(artifacts[:3]) + (f" and {len(artifacts) - 3} more" if len(artifacts) > 3 else "")
    return Grant(licensor=named.get("licensor"), license=named.get("license"), artifacts=artifacts,
                 written=written, location=where)


def read_notes(value) -> tuple[tuple[str, str], ...]:
    """`notes` of a request: what whoever built it says about how it read the input (a model
    card read as received, …). They are copied into the answer, so they travel with it."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _type_error("notes", "a list", value)
    notes = []
    for i, note in enumerate(value):
        if not isinstance(note, dict):
            raise _type_error(f"notes[{i}]", "an object", note)
        reject_unknown_keys(note, ("code", "message"), f"notes[{i}]")
        notes.append((_string(note, "code", f"notes[{i}]", required=True),
                      _string(note, "message", f"notes[{i}]", required=True)))
    return tuple(notes)


def request_document(request: Request) -> dict:
    """The JSON document of a `Request` an embedder built by hand, so that it is read and checked
    exactly like one that arrived as JSON (a dataclass takes any value: `Edge("p", "distill")`,
    `territory=("France",)` or `mau="800M"` must meet the same checks, never skip them).

    >>> request_document(Request((Artifact("m", license="mit"),), "m", Use(acts=("use",))))["use"]
    {'acts': ['use']}
    """
    def value(item):
        if isinstance(item, tuple):
            return [value(v) for v in item]
        if isinstance(item, Grant):
            if item.name is not None:
                return item.name + (f":{item.artifacts[0]}" if item.artifacts else "")
            grant = {k: getattr(item, k) for k in ("licensor", "license") if getattr(item, k) is not None}
            if item.artifacts is not None:
                grant["artifacts"] = list(item.artifacts)
            return grant
        return item

    artifacts = []
    for artifact in request.artifacts:
        doc = {"id": artifact.id}
        for key in ("license", "license_name", *schema.ARTIFACT_FIELDS):
            if getattr(artifact, key) is not None:
                doc[key] = value(getattr(artifact, key))
        if artifact.mine is not False:
            doc["mine"] = artifact.mine
        if artifact.derived_from:
            doc["derived_from"] = [{"id": getattr(e, "parent", None), "relation": getattr(e, "relation", None)}
                                   for e in artifact.derived_from]
        artifacts.append(doc)
    use = request.use
    use_doc = {}
    for fact in schema.USE_FACTS:
        item = getattr(use, fact.attr)
        if item is None or (fact.type in (schema.ACTS, schema.GRANTS) and item == ()):
            continue
        if fact.type == schema.DATE and isinstance(item, int) and not isinstance(item, bool):
            item = f"{item // 10000:04d}-{item // 100 % 100:02d}-{item % 100:02d}"   # Use keeps YYYYMMDD
        use_doc[fact.field] = value(item)
    doc = {"artifacts": artifacts, "use": use_doc}
    if request.subject:
        doc["subject"] = request.subject
    if request.notes:
        doc["notes"] = [{"code": code, "message": message} for code, message in request.notes]
    if request.facts_from:
        doc["facts_from"] = dict(request.facts_from)
    if request.policy is not None:
        doc["policy"] = request.policy
    if request.remedies:
        doc["remedies"] = True
    return doc


def read_request(doc) -> Request:
    """Validate a request document (already decoded from JSON) into a Request.

    >>> read_request({"licenses": ["mit"], "use": {"acts": ["use"]}}).subject
    'stack'
    """
    if not isinstance(doc, dict):
        raise _type_error("request", "a JSON object", doc)
    reject_unknown_keys(doc, REQUEST_KEYS, "")
    version = doc.get("schema_version")
    if version is not None and str(version) != "1":
        raise RequestError(f"unsupported schema_version `{version}` (this is version 1)", location="schema_version")
    use = read_use(doc.get("use"))
    notes = read_notes(doc.get("notes"))
    use, notes = hosted_for_others(use, notes)
    use, notes = purpose_states_flag(use, notes)
    profiled = {}
    if "facts_from" in doc or "policy" in doc:
        from .profile import read_facts_from, read_policy

        if "facts_from" in doc:
            profiled["facts_from"] = read_facts_from(doc["facts_from"])
        if "policy" in doc:
            profiled["policy"] = read_policy(doc["policy"])
    remedies = doc.get("remedies", False)
    if not isinstance(remedies, bool):
        raise _type_error("remedies", "true or false", remedies)
    if "licenses" in doc:
        if "artifacts" in doc:
            raise RequestError("give either `licenses` (a flat stack) or `artifacts`, not both", location="licenses")
        stack = _string_list(doc["licenses"], "licenses")
        if not stack:
            raise RequestError("`licenses` is empty", location="licenses")
        for i, item in enumerate(stack):
            try:
                expressions.alternatives(item)
            except ValueError as exc:
                raise RequestError(str(exc), location=f"licenses[{i}]") from None
        expression = " AND ".join(f"({item})" for item in stack)
        try:  # each item may be well-formed while together they expand past the limits
            expressions.alternatives(expression)
        except ValueError as exc:
            raise LimitError(f"the `licenses` stack together: {exc}", location="licenses") from None
        subject = _subject(doc) or "stack"
        return Request((Artifact(id=subject, license=expression),), subject, use, notes, remedies=remedies, **profiled)
    raw = doc.get("artifacts")
    if raw is None:
        raise RequestError("a request needs `artifacts` (or a flat `licenses` stack)", location="artifacts")
    if not isinstance(raw, list):
        raise _type_error("artifacts", "a list", raw)
    if not raw:
        raise RequestError("`artifacts` is empty", location="artifacts")
    if len(raw) > MAX_ARTIFACTS:
        raise LimitError(f"a request may hold at most {MAX_ARTIFACTS:,} artifacts, not {len(raw):,}",
                         location="artifacts")
    artifacts = tuple(read_artifact(a, f"artifacts[{i}]") for i, a in enumerate(raw))
    lineage.index(artifacts)   # an id given twice is an error here, before anything is merged by id
    subject = _subject(doc)
    return Request(artifacts, subject or "", use, notes, remedies=remedies, **profiled)


def _subject(doc: dict) -> str | None:
    """The request's `subject`: None when it is left out. An empty one is an error, as an empty
    `name` or `role` is: it was read as left out, and the default subject was answered instead of
    the model the request meant to name (review 25)."""
    subject = _string(doc, "subject", "")
    if subject is not None and not subject:
        raise RequestError("`subject` is empty: name the artifact the question is about, or leave `subject` out "
                           "for the one artifact nothing derives from", location="subject")
    return subject


def check_lineage(request: Request) -> Request:
    """Reject duplicate ids, dangling edges and cycles; fill in the default subject (lineage.py);
    reject a use fact that states the subject's own field otherwise than the subject does."""
    subject = lineage.check(request.artifacts, request.subject)
    _one_statement_per_field(request, subject)
    _recipients_for_outbound(request, subject)
    return request if subject == request.subject else replace(request, subject=subject)


def _recipients_for_outbound(request: Request, subject: str) -> None:
    """The outbound license is what recipients get: with nothing distributed or hosted and no
    model of the user's own being made (whose license it names), there are none, and a relicensing
    conflict with no recipients was a NO (review 36: `use llama3 --as mit`). Refused, as --modality
    is for a verb that creates nothing. A request with no acts at all asks what the model may go out
    under (`can-i license-for`): recipients are what it is about."""
    use = request.use
    if not use.outbound_license or not use.acts or {"distribute", "host"} & set(use.acts):
        return
    model = next((a for a in request.artifacts if a.id == subject), None)
    if model is not None and model.mine:
        return
    field = schema.FACTS["outbound_license"].field
    raise RequestError(f"`use.{field}` is the license recipients get, but nothing is distributed, hosted or made "
                       f"(acts: {', '.join(use.acts)}): add `distribute` or `host`, or leave it out",
                       location=f"use.{field}")


def _one_statement_per_field(request: Request, subject: str) -> None:
    """`use.name` names the model asked about; where that model states its own `name` too and the
    two differ, which is meant cannot be told, and taking the use's silently decided a naming duty
    (a student stated "Student" and asked with `use.name` "Llama-x" was YES: review 36). An input
    error, as a card's two disagreeing names are."""
    model = next((a for a in request.artifacts if a.id == subject), None)
    if model is None:
        return
    for artifact_field, fact in schema.USE_STATES_ARTIFACT_FIELD.items():
        stated, own = getattr(request.use, fact.attr, None), getattr(model, artifact_field, None)
        if stated is not None and own is not None and stated != own:
            raise RequestError(f"is \"{stated}\", but `{subject}` states its {artifact_field} as \"{own}\": "
                               f"state it once", location=f"use.{fact.field}")


def ancestry(request: Request) -> list[Artifact]:
    """The subject and every artifact it derives from, subject first (breadth-first)."""
    return lineage.ancestry(request.by_id(), request.subject)


find_cycle = lineage.find_cycle


class DuplicateKeyError(ValueError):
    """A JSON object that gives one key twice."""


def unique_keys(pairs: list) -> dict:
    """json's object_pairs_hook: a key given twice is an error, not "the last one wins" (a second
    `license` must not silently replace the first).

    >>> unique_keys([("id", "x"), ("license", "llama3"), ("license", "mit")])
    Traceback (most recent call last):
    ...
    reasoner.request.DuplicateKeyError: duplicate key `license` in a JSON object
    """
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(f"duplicate key `{key}` in a JSON object")
        seen[key] = value
    return seen


_JSON_TOKEN = patterns.compile(r'"(?:[^"\\]|\\.)*"\s*:?|[{}\[\]]')


def duplicate_key_location(text: str) -> str | None:
    """`line:col` of the first key given twice in one object of valid JSON text, for the error
    message (json's object_pairs_hook knows the key but not where it is).

    >>> duplicate_key_location('{"a": 1, "b": {"a": 2}, "a": 3}')
    '1:25'
    """
    stack: list[set | None] = []
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            stack.append(set() if token == "{" else None)
        elif token in "}]":
            if stack:
                stack.pop()
        elif token.endswith(":") and stack and stack[-1] is not None:
            key = json.loads(token[:-1].rstrip())
            if key in stack[-1]:
                before = text[:match.start()]
                return f"{before.count(chr(10)) + 1}:{match.start() - before.rfind(chr(10))}"
            stack[-1].add(key)
    return None


def read_input_file(path: Path, what: str = "file") -> bytes:
    """The bytes of a request, model card or lineage file; every failure is a RequestError
    located at the file (directory, missing, unreadable, not a regular file, empty), and a file
    over MAX_FILE_BYTES is a LimitError (see files.read_regular_file)."""
    raw = read_regular_file(path, what, RequestError)
    if not raw.strip():
        raise RequestError("file is empty", location=str(path))
    return raw
