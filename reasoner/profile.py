"""Profiles: a user's standing facts and license policy, stated once in a TOML file.

A profile holds values for the facts of a request's `use` (every use fact schema.py declares,
under its request field: `commercial`, `mau`, `revenue`, `domicile`, `grants`, …; not `acts`,
which is the question itself) and, optionally, a license policy:

    [tool.can-i]                       # in pyproject.toml; can-i.toml holds the same keys at top level
    commercial = true
    mau = "2M"
    domicile = ["DE"]

    [tool.can-i.policy]
    allow = ["apache-2.0", "mit", "bsd-3-clause"]
    deny = ["cc-by-nc-4.0"]
    review = "*"                       # every license no other list names

Where it is found (`find_profile`): `--profile FILE` wins; else, from the working directory
upward, the first directory holding a `can-i.toml` or a `pyproject.toml` with a `[tool.can-i]`
table (a `pyproject.toml` without one is passed over); in one directory `can-i.toml` wins, being
the file kept for can-i alone. `CAN_I_PROFILE=FILE` in the environment acts as `--profile FILE`,
and `CAN_I_PROFILE=none` (or empty) as `--no-profile`.

A profile only fills what a question leaves unstated: the command line's options and a request's
own `use` facts win over it, so a profile can change an answer only by stating a fact the question
did not (`Profile.apply`). Which facts came from where is the request's `facts_from`, echoed in
the answer. The policy is the request's `policy`, judged by `check_policy` against every license
that reaches the model, apart from the legal verdict.

>>> profile = Profile(facts={"mau": "2M"}, source="profile can-i.toml")
>>> profile.apply({"licenses": ["llama3"], "use": {"acts": ["host"], "commercial": True}})["facts_from"]
{'commercial': 'request', 'mau': 'profile can-i.toml'}
"""

from __future__ import annotations

import os
import re
from .records import dataclass, field   # standard dataclasses, defined at no cost (records.py)
from pathlib import Path

from . import schema
from .errors import CanIError, RequestError

PROFILE_FILE = "can-i.toml"
PYPROJECT = "pyproject.toml"
ENVIRONMENT = "CAN_I_PROFILE"
POLICY_LISTS = ("allow", "deny", "review")
# A policy list given as "*" takes every license no other list names; without one, such a license
# goes to review: a policy that does not name a license never approves it.
EVERY_OTHER = "*"
UNLISTED = "review"
# How `facts_from` names a profile: "profile /path/can-i.toml".
SOURCE_PREFIX = "profile "
# Hub `license:` values that name no terms at all (the license is named elsewhere, or not known):
# on `allow` they would approve whatever unread terms a card hides behind them.
NO_TERMS = ("other", "unknown")
# Not a standing fact: the acts are what a question asks.
QUESTION_ONLY = tuple(f.field for f in schema.USE_FACTS if f.type == schema.ACTS)


class ProfileError(CanIError):
    """A profile that cannot be read: located at file:line:col where the TOML text shows where."""

    code = "profile"


@dataclass(frozen=True)
class Policy:
    """A license policy: license ids per list (canonical knowledge-base ids, or the lowercase
    Hub id of a license can-i does not encode), and the list that takes every other license."""
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    rest: str = UNLISTED

    def list_of(self, license_id: str) -> str:
        for name in POLICY_LISTS:
            if license_id in getattr(self, name):
                return name
        return self.rest


@dataclass(frozen=True)
class Profile:
    """Standing facts (request field -> value as a request states it) and a license policy,
    with where they were read (`source`, as `facts_from` names it)."""
    facts: dict = field(default_factory=dict)
    policy: dict | None = None      # the request's `policy` object
    source: str = "profile"
    path: str | None = None
    where: dict = field(default_factory=dict, compare=False)   # key -> file:line:col

    def locate(self, exc: CanIError, request: dict) -> CanIError:
        """`exc`, located at the profile's key too when the request field it names was filled
        from this profile (a grant the profile holds that the question cannot resolve)."""
        # `requests[0]: use.grants[0]` when the question was one of a batch (advice asks many).
        match = re.search(r"(?:^|: )use\.([a-z0-9_]+)", exc.location or "")
        facts_from = request.get("facts_from") or {} if isinstance(request, dict) else {}
        if match and facts_from.get(match.group(1)) == self.source and match.group(1) in self.where:
            return type(exc)(exc.message, location=f"{self.where[match.group(1)]} ({exc.location})")
        return exc

    def apply(self, request: dict, stated: str = "request") -> dict:
        """A copy of the request document with the profile's facts filled in where its `use`
        states nothing, its policy where it has none, and `facts_from` saying where each use fact
        came from (`stated` for those it already held, unless its `facts_from` says).

        >>> Profile(facts={"mau": 10}).apply({"licenses": ["mit"], "use": {"acts": ["use"], "mau": 5}})["use"]
        {'acts': ['use'], 'mau': 5}
        """
        if not isinstance(request, dict):
            return request   # not a request: the reader reports it
        use = request.get("use")
        if use is not None and not isinstance(use, dict) or \
                "facts_from" in request and not isinstance(request["facts_from"], dict):
            return request   # the reader reports it: a profile must not paper over it
        use = dict(use or {})
        known = dict(request.get("facts_from") or {}) if isinstance(request.get("facts_from"), dict) else {}
        facts_from = {}
        for key in use:
            fact = schema.by_key(key)
            if fact is not None and fact.type != schema.ACTS:
                facts_from[key] = known.get(key, stated)
        for key, value in self.facts.items():
            fact = schema.by_key(key)
            if any(spelling in use for spelling in (fact.field,) + fact.aliases):
                continue
            if fact.artifact_field in schema.USE_STATES_ARTIFACT_FIELD and _some_artifact_states(request, fact):
                # A model's own stated name is the question's: a standing name never replaces it
                # (it made a naming duty look met: review 36).
                continue
            use[key] = value
            facts_from[key] = self.source
        out = {**request, "use": use}
        if facts_from or "facts_from" in request:
            out["facts_from"] = {**known, **facts_from}
        if self.policy is not None and "policy" not in request:
            out["policy"] = self.policy
        return out


def _some_artifact_states(request: dict, fact) -> bool:
    """Does some artifact of the request state the field this use fact states for the subject?"""
    artifacts = request.get("artifacts")
    return isinstance(artifacts, list) and any(
        isinstance(a, dict) and a.get(fact.artifact_field) not in (None, "") for a in artifacts)


# --- finding and reading ------------------------------------------------------------------------

def find_profile(start_dir=None) -> Path | None:
    """The profile that applies in `start_dir` (default: the working directory): the nearest
    directory upward with a can-i.toml, or a pyproject.toml holding `[tool.can-i]`."""
    here = Path(start_dir or os.getcwd()).resolve()
    for directory in (here, *here.parents):
        dedicated = directory / PROFILE_FILE
        if dedicated.is_file():
            return dedicated
        project = directory / PYPROJECT
        if project.is_file() and _has_tool_table(project):
            return project
    return None


def _has_tool_table(path: Path) -> bool:
    """Whether a pyproject.toml holds `[tool.can-i]`. One that is not valid TOML counts only if
    its text names `can-i` (then reading it reports the error); any other is not a profile."""
    try:
        return _is_tool_table(_parse(path)[0])
    except CanIError:
        try:
            from .files import spells

            return spells(path.read_bytes()[:1_000_000], "can-i")
        except OSError:
            return False


def _is_tool_table(doc: dict) -> bool:
    return isinstance(doc.get("tool"), dict) and "can-i" in doc["tool"]


def load_profile(path=None, start_dir=None, kb=None, use_environment: bool = True) -> Profile | None:
    """The profile at `path` (a file named pyproject.toml is read from its `[tool.can-i]` table,
    any other from its top level), else the one `find_profile(start_dir)` finds, else None.
    With `kb`, the policy's license ids are checked and resolved here (so an unknown one is
    reported at its file:line:col); without, the Reasoner checks them when asked.

    >>> load_profile(start_dir="/") is None
    True
    """
    if path is None and use_environment and ENVIRONMENT in os.environ:
        named = os.environ[ENVIRONMENT].strip()
        if named.lower() in ("", "none"):
            return None
        path = named
    if path is None:
        path = find_profile(start_dir)
        if path is None:
            return None
    path = Path(path)
    if not path.exists():
        raise ProfileError(f"no profile file `{path}`", location=str(path))
    text_table = ("tool", "can-i") if path.name == PYPROJECT else ()
    doc, text = _parse(path)
    table = doc
    for key in text_table:
        table = table.get(key) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise ProfileError("no [tool.can-i] table: a pyproject.toml profile holds its facts there", location=str(path))
    shown = str(path.resolve())
    facts = {}
    policy = None
    where_of = {}
    for key, value in table.items():
        where = _where(shown, text, text_table, key)
        if key == "policy":
            policy = _read_policy_table(value, shown, text, text_table + ("policy",), kb)
            continue
        fact = schema.by_key(key)
        if fact is None or key != fact.field and key not in fact.aliases or fact.type == schema.ACTS:
            options = [f.field for f in schema.USE_FACTS if f.field not in QUESTION_ONLY] + ["policy"]
            if key in QUESTION_ONLY:
                raise ProfileError(f"`{key}` is what a question asks, not a standing fact: give it on the command "
                                   f"line or in the request", location=where)
            if key == "tool" and not text_table and isinstance(value, dict) and "can-i" in value:
                raise ProfileError("a can-i.toml states its facts and `[policy]` at top level; the `[tool.can-i]` "
                                   "table is for pyproject.toml", location=where)
            from .vocabulary import suggest
            raise ProfileError(f"unknown profile key `{key}`{suggest(key, options)}; a profile states the facts of "
                               f"a request's `use` ({', '.join(options[:-1])}) and a `policy`", location=where)
        facts[key] = _plain(value, where)
        where_of[key] = where
    _check_values(facts, shown, text, text_table)
    if kb is not None and "grants" in facts:
        _check_standing_grants(facts["grants"], kb, _where(shown, text, text_table, "grants"))
    return Profile(facts=facts, policy=policy, source=f"{SOURCE_PREFIX}{shown}", path=shown, where=where_of)


def _parse(path: Path) -> tuple[dict, str]:
    """The TOML document and its text; read bounded, regular files only (files.py)."""
    from .files import parse_toml, read_regular_file

    raw = read_regular_file(path, "profile", ProfileError)
    try:
        # A UTF-8 byte order mark (Windows editors write one) is not part of the text: tomllib
        # read it as an "Invalid statement" at 1:1.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"not UTF-8 text (byte {exc.start})", location=str(path)) from None
    return parse_toml(text, path, ProfileError), text


def _plain(value, where: str):
    """A TOML value as a JSON request states it (a TOML date is an ISO date string)."""
    import datetime   # here: tomllib, which read the value, has imported it (a cold question has not)

    if isinstance(value, datetime.datetime) or isinstance(value, datetime.time):
        raise ProfileError("a date is written YYYY-MM-DD, without a time", location=where)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item, where) for item in value]
    if isinstance(value, dict):
        return {k: _plain(v, where) for k, v in value.items()}
    return value


def _check_values(facts: dict, shown: str, text: str, table: tuple) -> None:
    """Each value read as a request's `use` reads it, its error located at the key."""
    from .request import read_use

    for key, value in facts.items():
        try:
            read_use({key: value})
        except CanIError as exc:
            raise ProfileError(exc.message, location=_where(shown, text, table, key)) from None
    try:   # together: `revenue` and its old spelling `revenue_usd` are one fact
        read_use(facts)
    except CanIError as exc:
        key = re.match(r"use\.(\w+)", exc.location or "")
        raise ProfileError(exc.message, location=_where(shown, text, table, key.group(1)) if key else shown) from None


def _check_standing_grants(grants: list, kb, where: str) -> None:
    """A grant under a license anyone may apply (CC, Apache, GPL, RAIL texts) with no artifact
    covers the one artifact under it in each question: in a profile, which holds for every
    question, it would clear whatever material under that license a later question brings (a
    deal with Cohere for Aya clearing someone else's CC-BY-NC dataset). Such a standing grant
    must say whose license it is."""
    from .request import read_grants

    from .vocabulary import suggest

    licensors = sorted({c.license.licensor_id for c in kb.licenses.values() if c.license.licensor_id})
    for grant in read_grants(grants):
        lid = grant.license or grant.name
        if grant.artifacts is not None or grant.licensor is not None or lid is None:
            continue
        encoding = kb.resolve_license(lid)[0]
        if encoding is None and grant.name is not None and grant.name not in licensors:
            # Every question would stop on it; say so where it is written (a publisher's grant
            # names its artifacts: PUBLISHER:ARTIFACT).
            raise ProfileError(f"unknown license or licensor `{grant.name}` in a grant"
                               f"{suggest(grant.name, licensors + sorted(kb.licenses))}; licensors: "
                               f"{', '.join(licensors)}, or PUBLISHER:ARTIFACT", location=where)
        if encoding is not None and not kb.licenses[encoding].license.licensor_id:
            raise ProfileError(f"grant `{grant.written or lid}`: {encoding} has no fixed licensor, and a profile's "
                               f"grant holds for every question, so it would clear material under {encoding} from "
                               f"anyone; say whose license you hold ({encoding}:ARTIFACT), or give it with --grant "
                               f"on the questions it concerns", location=where)


def _read_policy_table(value, shown: str, text: str, table: tuple, kb) -> dict:
    where = _where(shown, text, table[:-1], table[-1])
    try:
        policy = read_policy(value, "policy")
        if kb is not None:
            resolve_policy(policy, kb)
    except RequestError as exc:
        raise ProfileError(exc.message, location=_policy_where(shown, text, table, exc.location) or where) from None
    return value


def _policy_where(shown: str, text: str, table: tuple, location: str | None) -> str | None:
    match = re.match(r"policy\.(\w+)(?:\[(\d+)\])?", location or "")
    if not match:
        return None
    key_at = toml_position(text, table, match.group(1))
    if key_at is None:
        return None
    if match.group(2) is None:
        return f"{shown}:{key_at[0]}:{key_at[1]}"
    # The n-th string after the key (lists may span lines).
    offset = _offset(text, *key_at)
    strings = list(re.finditer(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'", text[offset:]))
    index = int(match.group(2))
    if index < len(strings):
        return "{}:{}:{}".format(shown, *_line_col(text, offset + strings[index].start()))
    return f"{shown}:{key_at[0]}:{key_at[1]}"


# --- where a key is written (tomllib gives no positions) ----------------------------------------

_HEADER = re.compile(r"^\s*\[(?!\[)\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'", text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def toml_position(text: str, table: tuple, key: str) -> tuple[int, int] | None:
    """(line, column) of `key` in `table` of a TOML text, or None when it cannot be told."""
    header: tuple = ()
    wanted = table + (key,)
    from .files import text_lines

    for number, line in enumerate(text_lines(text), 1):   # TOML's lines (files.text_lines)
        found = _HEADER.match(line)
        if found:
            header = _split_key(found.group(1))
            # `[tool.can-i.policy]`: the table is the key; `[limits.users]`: a table whose first
            # part is the key (an unknown `limits`, a `tool` in a can-i.toml) is located there too
            if header[:len(wanted)] == wanted:
                return number, line.index("[") + 1
            continue
        if line.lstrip().startswith("[["):
            header = ("[[",)
            found = re.match(r"^\s*\[\[\s*([^\]]+?)\s*\]\]", line)
            if found and _split_key(found.group(1)) == wanted:   # `[[policy]]`: a table array, wrongly
                return number, line.index("[") + 1
            continue
        found = _KEY.match(line)
        if found and header + _split_key(found.group(1))[:len(wanted) - len(header)] == wanted:
            return number, found.start(1) + 1
    # Inside an inline table (`can-i = { release_mau = "lots" }`), which the line reader above does
    # not open: the key's one place in the file, if it has exactly one (review 23, LOW).
    places = [match.start(1) for match in re.finditer(r"(?<![A-Za-z0-9_\"'-])(" + re.escape(key) + r")\s*=", text)]
    return _line_col(text, places[0]) if len(places) == 1 else None


def _where(shown: str, text: str, table: tuple, key: str) -> str:
    at = toml_position(text, table, key)
    return f"{shown}:{at[0]}:{at[1]}" if at else shown


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")   # TOML's lines, as tomllib counts them (not str.splitlines: files.text_lines)
    return sum(len(item) + 1 for item in lines[:line - 1]) + column - 1


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


# --- the policy ---------------------------------------------------------------------------------

def read_policy(doc, path: str = "policy") -> dict:
    """A request's `policy` checked for shape: an object with `allow`, `deny` and `review`, each
    a list of license ids or "*" (at most one list may be "*"). Returns it unchanged."""
    if not isinstance(doc, dict):
        raise RequestError(f"`{path}` must be an object with `allow`, `deny` and `review` lists", location=path)
    from .vocabulary import suggest

    for key in doc:
        if key not in POLICY_LISTS:
            raise RequestError(f"unknown policy list `{key}`{suggest(key, POLICY_LISTS)}; a policy has "
                               f"{', '.join(POLICY_LISTS)}", location=f"{path}.{key}")
    every = [key for key in POLICY_LISTS if doc.get(key) == EVERY_OTHER]
    if len(every) > 1:
        raise RequestError(f"`{every[0]}` and `{every[1]}` both say \"*\": only one list takes every other license",
                           location=f"{path}.{every[1]}")
    for key in POLICY_LISTS:
        value = doc.get(key, [])
        if value == EVERY_OTHER:
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise RequestError(f"`{path}.{key}` must be a list of license ids, or \"*\" for every license no other "
                               f"list names", location=f"{path}.{key}")
        for i, item in enumerate(value):
            if item.strip() == EVERY_OTHER:
                raise RequestError(f"\"*\" is the whole list (`{key} = \"*\"`), not an item of it",
                                   location=f"{path}.{key}[{i}]")
    return doc


def resolve_policy(doc: dict, kb, path: str = "policy") -> Policy:
    """The policy with every id resolved as a question resolves license ids (`MIT`, `Apache-2.0`
    and Hub aliases name the encoded license); an id neither the knowledge base nor the Hub's
    license list knows is an input error with did-you-mean, and an id in two lists is one too."""
    from .vocabulary import suggest

    lists: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    rest = UNLISTED
    for key in POLICY_LISTS:
        value = doc.get(key, [])
        if value == EVERY_OTHER:
            rest = key
            continue
        ids = []
        for i, item in enumerate(value):
            where = f"{path}.{key}[{i}]"
            # A family id (`gpl`, `bsd`) names every version it may mean: `deny = ["gpl"]` must deny
            # GPL-3.0, never leave it to `allow = "*"`.
            if item.strip().lower() in NO_TERMS:
                raise RequestError(f"`{item}` names no license (a card's placeholder for terms it does not name): "
                                   f"a policy lists license ids; a license can-i cannot name goes to review, or is "
                                   f"denied with `deny = \"*\"`", location=where)
            family = kb.family_versions(item.strip())
            for one in family or (item.strip(),):
                canonical = kb.resolve_license(one)[0]
                if canonical is None and (one.lower() in kb.hub_ids or family):
                    # a Hub license can-i does not encode: still nameable; so is a version the
                    # family's own entry lists (`bsd` lists bsd-4-clause and 0bsd, which are not
                    # Hub ids: `deny = ["bsd"]` was "unknown license `bsd` (did you mean `bsd`?)")
                    canonical = one.lower()
                if canonical is None:
                    known = sorted(set(kb.licenses) | set(kb.hub_ids))
                    raise RequestError(f"unknown license `{item}` in the policy{suggest(item.strip().lower(), known)}"
                                       f"; `can-i licenses` lists the encoded ones", location=where)
                if canonical in seen and seen[canonical] != key:
                    raise RequestError(f"`{item}` is in both `{seen[canonical]}` and `{key}`"
                                       + (f" (as `{canonical}`)" if canonical != item.strip().lower() else "")
                                       + ": put it in one list", location=where)
                seen[canonical] = key
                ids.append(canonical)
        lists[key] = tuple(dict.fromkeys(ids))
    # An "or any later version" id is its base's text (`based on`): a licensee takes it under the
    # base version, so a policy naming gpl-3.0 and not gpl-3.0-or-later judges both alike; else
    # `deny = ["gpl-3.0"]` beside `allow = "*"` allowed GPL-3.0-or-later, which is GPL-3.0 today.
    for lid in kb.licenses:
        lic = kb.licenses[lid].license
        if lic.based_on is None or lic.based_on.only or lic.id in seen or lic.based_on.license not in seen:
            continue
        key = seen[lic.based_on.license]
        lists[key] = lists[key] + (lic.id,)
    return Policy(rest=rest, **lists)


def read_facts_from(doc, path: str = "facts_from") -> tuple[tuple[str, str], ...]:
    """A request's `facts_from`: where each of its `use` facts was stated (request field -> a
    few words), as whoever built the request says; the answer echoes it."""
    if not isinstance(doc, dict):
        raise RequestError(f"`{path}` must be an object: request field -> where it was stated", location=path)
    from .request import _no_nul
    from .vocabulary import suggest

    for key, value in doc.items():
        fact = schema.by_key(key)
        if fact is None or key not in (fact.field,) + fact.aliases:
            raise RequestError(f"unknown field `{path}.{key}`{suggest(key, schema.USE_KEYS)}", location=f"{path}.{key}")
        if not isinstance(value, str):
            raise RequestError(f"`{path}.{key}` must be a string", location=f"{path}.{key}")
        _no_nul(value, f"{path}.{key}")   # echoed in the answer: no NUL, no lone surrogate (review 31)
    return tuple(doc.items())


@dataclass(frozen=True)
class PolicyFinding:
    """What the policy says of one license that reaches the model: the list it is on (`allow`,
    `deny`, `review`; `review` for a license can-i does not know, unless `deny = "*"`), and
    the edges it travels to get there."""
    license: str
    list: str
    artifact: str
    via: tuple[tuple[str, str, str], ...] = ()

    def to_json(self) -> dict:
        return {"license": self.license, "list": self.list, "artifact": self.artifact,
                "via": [{"artifact": c, "relation": r, "parent": p} for c, r, p in self.via]}


POLICY_STATUS = {"deny": "denied", "review": "review", "allow": "allowed"}
POLICY_ORDER = ("allow", "review", "deny")


@dataclass(frozen=True)
class PolicyResult:
    """The policy's verdict on a model, apart from the legal one: `denied` if a license that
    reaches it is on the deny list, else `review` if one is on the review list (or unlisted, or
    unknown), else `allowed`."""
    status: str
    findings: tuple[PolicyFinding, ...] = ()

    def to_json(self) -> dict:
        return {"status": self.status, "findings": [f.to_json() for f in self.findings]}


def check_policy(result, policy: Policy, outbound: str | None = None) -> PolicyResult:
    """Judge every license that reaches the answer's model (`result.applicable`: declared and
    inherited, on the subject and on the artifacts acted on) and every license can-i could not
    judge (`unknown_license` reasons) against the policy.

    >>> from reasoner.response import Result, Applicable
    >>> r = Result("permitted", "m", applicable=[Applicable("m", "gemma", ("g",), "full", (("m", "distilled", "g"),))])
    >>> check_policy(r, Policy(allow=("mit",))).status
    'review'
    """
    found: dict[str, PolicyFinding] = {}
    # The subject's own entries first: their edges say how a license reaches the model asked about.
    entries = sorted(result.applicable, key=lambda a: a.artifact != result.subject)
    for entry in entries:
        if entry.license not in found:
            found[entry.license] = PolicyFinding(entry.license, policy.list_of(entry.license), entry.artifact,
                                                 tuple(tuple(edge) for edge in entry.edges))
    # The license the model goes out under (`use.outbound_license`, `--as`) reaches it too: it is
    # the one its recipients get, as much as a license declared on the model itself.
    if outbound and outbound not in found:
        found[outbound] = PolicyFinding(outbound, policy.list_of(outbound), result.subject)
    for reason in result.reasons:
        if reason.kind == "unknown_license" and reason.license not in found:
            listed = policy.list_of(reason.license.lower())
            if listed == "allow" and reason.license.lower() not in policy.allow:
                listed = UNLISTED   # "*" in allow never approves a license can-i does not know
            found[reason.license] = PolicyFinding(reason.license, listed, reason.artifact or result.subject)
    findings = tuple(sorted(found.values(), key=lambda f: (-POLICY_ORDER.index(f.list), f.license)))
    worst = max((f.list for f in findings), key=POLICY_ORDER.index, default="allow")
    return PolicyResult(POLICY_STATUS[worst], findings)
