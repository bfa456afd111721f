"""Turn what a person types (a license id, an expression, a catalog model, a model card, a
lineage file) plus an act and context into a request document.

This lives below the CLI so that embedders who accept the same inputs get the same answers.
"""

from __future__ import annotations

import json
import re
from . import patterns   # re.compile from precompiled code (patterns.py)
from .records import dataclass, field   # a standard dataclass, defined at no cost (records.py)
from pathlib import Path

from . import expressions, lineage, schema
from .addresses import address_key, is_absolute, registry_license, written_address
from .errors import LimitError, RequestError, UnknownSubjectError
from .kb import KnowledgeBase
from .request import (REQUEST_KEYS, DuplicateKeyError, duplicate_key_location, read_input_file, read_request,
                      read_use, reject_unknown_keys, unique_keys)
from .schema import ACT_RELATION
from .vocabulary import RELATIONS, USE_ACTS, suggest

DERIVED_ID = "your-model"
FILE_SUFFIXES = (".md", ".json", ".yaml", ".yml", ".toml", ".jsonld")


class Context:
    """The context of a question as typed: values of the facts schema.py declares, keyed by
    request field (`mau`, old spellings too) or by CLI word (`into`), kept as written: the
    request reader parses and checks them. `also` lists further acts on the result (host,
    distribute); `mine` says a model card subject describes the user's own model."""

    def __init__(self, also=(), mine: bool = False, **stated):
        self.also = list(also or [])
        self.mine = mine
        self.stated: dict = {}     # fact name -> value
        for key, value in stated.items():
            fact = schema.by_key(key) or next((f for f in schema.FACT_LIST if f.cli == f"--{key}" or f.attr == key),
                                              None)
            if fact is None:
                raise TypeError(f"Context() got an unexpected fact `{key}`")
            if value is not None and value != []:
                self.stated[fact.name] = list(value) if isinstance(value, (list, tuple)) else value

    def __getattr__(self, attr: str):
        fact = schema.by_key(attr) or schema.FACTS.get(attr)
        if fact is None:
            raise AttributeError(attr)
        return self.__dict__.get("stated", {}).get(fact.name)

    def use(self, acts) -> dict:
        """The request's `use`: the stated facts about the use, under their request fields."""
        # Creating a model is the act of a verb like finetune: `acts` then stays out (empty says nothing).
        doc: dict = {"acts": sorted(set(acts))} if acts else {}
        for fact in schema.USE_FACTS:
            if fact.name in self.stated and fact.type != schema.ACTS:
                doc[fact.field] = self.stated[fact.name]
        return doc

    def target(self) -> dict:
        """Fields the stated facts give the model the verb creates (its family, from `--into`)."""
        return {fact.artifact_field: self.stated[fact.name] for fact in schema.FACT_LIST
                if fact.about == schema.TARGET and fact.name in self.stated}


def verb_request(kb: KnowledgeBase, subject: str, act: str, context: Context, *, hub=None, profile=None,
                 given=frozenset(), remedies: bool | None = None) -> dict:
    """The request `can-i ACT SUBJECT [options]` asks, however the command line was read (cli.py,
    or fast.py's typer-free entry: one function, so the two cannot drift apart). `profile` (a
    profile.Profile) fills the facts the question leaves unstated, `given` names the request
    fields typed on the command line (their `facts_from` says so), and `remedies` asks for them.

    >>> kb = KnowledgeBase.load()
    >>> verb_request(kb, "llama3", "host", Context(mau=10), remedies=True)["remedies"]
    True
    """
    request = with_profile(build_request(kb, subject, act, context, hub=hub), profile, subject, given)
    if remedies is not None:
        request["remedies"] = remedies
    return request


def with_profile(request: dict, profile, subject: str, given=frozenset()) -> dict:
    """The request with a profile's facts and policy where it states none: the facts a subject's
    file states are its own ("file SUBJECT"), the options typed are the command line's."""
    if profile is None:
        return request
    request = profile.apply(request, f"file {subject}")
    request["facts_from"] = {key: "command line" if key in given else source
                             for key, source in request.get("facts_from", {}).items()}
    return request


def build_request(kb: KnowledgeBase, subject: str, act: str, context: Context, hub=None) -> dict:
    """The request for `can-i ACT SUBJECT [context]`. With `hub` (a hub.HubResolver: `--hub`),
    the parents and datasets of a card or lineage that neither it nor the catalog describes are
    read from their Hub cards.

    >>> kb = KnowledgeBase.load()
    >>> build_request(kb, "llama3", "host", Context(mau=10))["use"]["acts"]
    ['host']
    """
    resolved = resolve_subject(kb, subject, mine=context.mine,
                               stated_name=context.name if act in USE_ACTS else None)
    artifacts, subject_id, notes = resolved.artifacts, resolved.subject, list(resolved.notes)
    if hub is not None and resolved.kind in ("card", "lineage"):
        from .hub import complete

        notes += complete(kb, artifacts, hub)
    acts = [act] if act in USE_ACTS else []
    acts += context.also   # the request reader checks them
    use = context.use(acts)
    if resolved.use is not None:
        use = _merge_use(resolved, use, subject_id, act, artifacts, notes)
    if act not in USE_ACTS:
        relation = ACT_RELATION[act]
        parent = next((a for a in artifacts if a.get("id") == subject_id), None)
        if parent is None:
            raise RequestError(f"subject `{subject_id}` is not among the artifacts", location="subject")
        if act == "train" and kb.model(subject_id):
            raise RequestError(f"`{subject_id}` is a catalog model, not a dataset: `can-i finetune`, `adapt`, `merge`, "
                               f"`quantize` or `distill` (training on its outputs) say how your model derives from it",
                               location="subject")
        if act != "train" and kb.dataset(subject_id) and not kb.model(subject_id):
            # Read as a model, a dataset's terms would follow the relation of a model, not `trained_on`.
            raise RequestError(f"`{subject_id}` is a catalog dataset, not a model: `can-i train` asks about "
                               f"training your model on it", location="subject")
        if act != "train" and str(parent.get("kind") or "").strip().lower() == "dataset":
            # A lineage file's own dataset (`"kind": "dataset"`): api.complete refused the model the
            # verb builds from it, but located the error at an artifact the file does not have
            # (`artifacts[2]`) and asked to state `kind` for `your-model`, which no option can (review 32).
            raise RequestError(f"`{subject_id}` is a dataset (its kind), not a model: `can-i train` asks about "
                               f"training your model on it", location="subject")
        if act == "train" and resolved.kind == "license":
            # The material under the license is data: a dataset states no model family (api.complete
            # refuses a `trained_on` parent that does: read as data, a model's terms did not follow).
            parent.pop("family", None)
            parent["kind"] = "dataset"
        derived = {"id": DERIVED_ID, "mine": True, "derived_from": [{"id": subject_id, "relation": relation}],
                   **context.target()}
        if "family" not in derived and lineage.same_model([relation]):   # else `--into` says it
            family = _family(kb, parent)
            if family:
                derived["family"] = family
        artifacts.append(derived)
        subject_id = DERIVED_ID
    elif context.target():
        option = next(f.cli for f in schema.FACT_LIST if f.about == schema.TARGET and f.name in context.stated)
        raise RequestError(f"{option} states a fact of a model you create; use it with finetune, merge, distill, …",
                           location=option)
    request = {"artifacts": artifacts, "subject": subject_id, "use": use}
    if notes:
        request["notes"] = notes
    if resolved.policy is not None:   # a lineage file's own license policy binds its verbs too (review 36)
        request["policy"] = resolved.policy
    return request


def _merge_use(resolved: "Resolved", given: dict, subject_id: str, act: str, artifacts: list, notes: list) -> dict:
    """A lineage file's own `use` facts count; the command line's options replace the ones it
    also states, and the verb says which acts are asked. A note says what was merged."""
    # Under the fields the command line writes (a file's old `revenue_usd` is `revenue`), so that
    # an option replaces what the file states rather than clashing with it.
    stated = {(schema.by_key(key).field if schema.by_key(key) else key): value for key, value in resolved.use.items()}
    file_acts = stated.pop("acts", None)
    if act not in USE_ACTS and "name" in stated:
        # The file's name names the file's subject, not the model the verb creates from it.
        parent = next((a for a in artifacts if a.get("id") == subject_id), None)
        if parent is not None:
            parent["name"] = stated.pop("name")
    replaced = sorted(key for key in stated if key in given)
    kept = sorted(key for key in stated if key not in given)
    merged = {**stated, **given}

    def listed(keys) -> str:
        return ", ".join(f"`{key}`" for key in keys)

    parts = []
    if kept:
        parts.append(f"this answer uses its {listed(kept)}")
    if replaced:
        parts.append(f"the command line overrides its {listed(replaced)}")
    file_acts = sorted(set(file_acts if isinstance(file_acts, list) else [file_acts])) if file_acts else []
    if file_acts and file_acts != given.get("acts", []):
        parts.append(f"the verb says what is asked, not its `acts` ({', '.join(file_acts)}): "
                     f"`can-i --request {resolved.source}` asks those")
    if parts:
        notes.append({"code": "lineage_use_merged",
                      "message": f"{resolved.source} has a `use` section: " + "; ".join(parts)})
    return merged


def _family(kb: KnowledgeBase, artifact: dict) -> str | None:
    if artifact.get("family"):
        return artifact["family"]
    entry = kb.model(artifact["id"])
    if entry and entry.get("family"):
        return entry["family"]
    lid = artifact.get("license")
    if lid and lid in kb.licenses:
        return kb.licenses[lid].license.family
    return None


@dataclass
class Resolved:
    """What a typed subject was read as, and the notes that say so."""
    artifacts: list[dict]
    subject: str
    kind: str                     # "card", "lineage", "catalog" or "license"
    notes: list[dict] = field(default_factory=list)
    use: dict | None = None       # a lineage file's own `use` section
    policy: dict | None = None    # a lineage file's own license `policy` (profile.py reads it)
    source: str = ""              # the file read, if any
    bom: bool = False             # a CycloneDX or SPDX 3 BOM: --mine marks its subject


def subject_artifacts(kb: KnowledgeBase, subject: str) -> tuple[list[dict], str]:
    """Artifacts and the subject id for a typed subject; raises UnknownSubjectError if nothing fits."""
    resolved = resolve_subject(kb, subject)
    return resolved.artifacts, resolved.subject


def written_as_file(text: str) -> bool:
    """`./x`, `../x`, an absolute path or a name with a file suffix is meant as a file."""
    if text in (".", "..") or text.startswith(("./", "../", ".\\", "..\\")):
        return True
    path = Path(text)
    return path.is_absolute() or path.suffix.lower() in FILE_SUFFIXES


def resolve_subject(kb: KnowledgeBase, subject: str, mine: bool = False,
                    stated_name: str | None = None) -> Resolved:
    """Read a typed subject: a file when it is written as one; else a catalog model or license
    (an existing folder or file of the same name is then not read, and a note says how to read
    it); else an existing file. A model card describes a model the user received unless `mine`
    (or the card's `mine: true`) says it is theirs. Raises UnknownSubjectError if nothing fits."""
    text = subject.strip()
    if not text:
        raise UnknownSubjectError("the subject is empty: give a license id, a model id or a file")
    path = Path(text)
    if written_as_file(text):
        return _checked_mine(read_subject_file(kb, path, mine, stated_name), text, mine)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a long expression is no file name
        exists = False
    resolved = _catalog_or_license(kb, text)
    if resolved is not None:
        if exists:
            what = "folder" if path.is_dir() else "file"
            read_as = "catalog model" if resolved.kind == "catalog" else "license id"
            resolved.notes.append({"code": "subject_not_read_as_file",
                                   "message": f"`{text}` is read as the {read_as}, not as the {what} of that name: "
                                              f"write `./{text}` to read the {what}"})
        return _checked_mine(resolved, text, mine)
    if exists:
        return _checked_mine(read_subject_file(kb, path, mine, stated_name), text, mine)
    _unknown_subject(kb, text)


def _checked_mine(resolved: Resolved, text: str, mine: bool) -> Resolved:
    """`mine` says a model card, or a BOM's subject, describes the user's own model; nothing else
    can be marked so from outside (a catalog model is someone else's, a lineage file marks its own
    models)."""
    if mine and resolved.kind != "card" and not resolved.bom:
        what, hint = {
            "catalog": ("a catalog model, not your own",
                        f"describe your model in a card or lineage file that derives from `{resolved.subject}`"),
            "license": ("a license, not a model", "describe your model in a card or lineage file with `mine: true`"),
            "lineage": ("a lineage file", "mark your own models in it with `mine: true`"),
        }[resolved.kind]
        raise RequestError(f"only a model card or a BOM's subject can be marked as yours, and `{text}` is {what}: {hint}",
                           location="--mine")
    return resolved


def _catalog_or_license(kb: KnowledgeBase, text: str) -> Resolved | None:
    entry = kb.entry(text)
    if entry is not None:
        return Resolved([{"id": entry["id"]}], entry["id"], "catalog")
    try:
        ids = expressions.ids(text)
    except ValueError as exc:
        if re.search(r"\b(and|or|with)\b|[()]", text, re.IGNORECASE):  # meant as an expression
            raise UnknownSubjectError(str(exc)) from None
        ids = []
    # An id the Hub table lists as unknown (`cc0-1.0`), or a license with an exception, is known to
    # be unjudgeable: the answer is UNKNOWN with the reason, as for the same id in a JSON request.
    if ids and all(kb.resolve_license(i)[0] or _known_unknown(kb, i) for i in ids):
        family = None
        if len(ids) == 1 and kb.resolve_license(ids[0])[0]:
            family = kb.licenses[kb.resolve_license(ids[0])[0]].license.family
        artifact = {"id": text if len(ids) == 1 else "stack", "license": text}
        if family:
            artifact["family"] = family
        return Resolved([artifact], artifact["id"], "license")
    return None


def _unknown_subject(kb: KnowledgeBase, text: str):
    try:
        ids = expressions.ids(text)
    except ValueError:
        ids = []
    unknown = [i for i in ids if not (kb.resolve_license(i)[0] or _known_unknown(kb, i))] or [text]
    options = list(kb.licenses) + list(kb.hub_ids) + list(kb.catalog) + list(kb.datasets)
    hints = suggest(unknown[0], options)
    if not hints:
        folded = [m for m in list(kb.catalog) + list(kb.datasets) if unknown[0].lower() in m.lower()]
        hints = " (did you mean " + " or ".join(f"`{m}`" for m in folded[:3]) + "?)" if folded else ""
    raise UnknownSubjectError(
        f"`{unknown[0]}` is not a known license, catalog model or file (nor a catalog dataset){hints}; "
        f"`can-i licenses`, `can-i models` and `can-i datasets` list what is known")


def _known_unknown(kb: KnowledgeBase, license_id: str) -> bool:
    """An id can-i knows it cannot judge: listed as unknown in the Hub table (with its reason), or
    a license carrying an exception. A mistyped id is not one of them."""
    entry = kb.hub_ids.get(license_id.lower())
    return bool(entry and entry.get("unknown")) or expressions.with_exception(license_id) is not None


def _check_card_license(license_value, text: str, path: Path) -> None:
    """The user's card's license expression, refused where the card writes it: the request reader
    said `artifacts[0].license: missing ...`, naming no file (review 23). (A Hub card's is a note.)"""
    if not isinstance(license_value, str) or not license_value.strip():
        return
    try:
        expressions.alternatives(license_value)
    except ValueError as exc:
        from .files import text_lines

        line = next((n for n, written in enumerate(text_lines(text)[1:], 2) if written.startswith("license:")), 1)
        raise RequestError(" ".join(str(exc).split()), location=f"{path}:{line}:1") from None


def read_subject_file(kb: KnowledgeBase, path: Path, mine: bool = False, stated_name: str | None = None) -> Resolved:
    """A model card (README.md, a model folder, any other suffix) or a JSON / YAML / TOML lineage file."""
    text = read_text_file(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml", ".yaml", ".yml", ".jsonld"):
        card_notes: list = []
        artifacts, model_id = model_card(kb, text, path, mine, stated_name, card_notes)
        shown = path / "README.md" if path.is_dir() else path
        _check_card_license(artifacts[0].get("license"), text, shown)
        return Resolved(artifacts, model_id, "card", [_card_note(kb, artifacts[0], shown), *card_notes],
                        source=str(shown))
    if suffix in (".json", ".jsonld"):   # .jsonld: an SPDX 3 document
        try:
            doc = json.loads(text, object_pairs_hook=unique_keys)
        except DuplicateKeyError as exc:
            at = duplicate_key_location(text)
            raise RequestError(str(exc), location=f"{path}:{at}" if at else str(path)) from None
        except json.JSONDecodeError as exc:
            raise RequestError(f"not valid JSON: {exc.msg}", location=f"{path}:{exc.lineno}:{exc.colno}") from None
        except RecursionError:
            raise RequestError("JSON nested too deeply", location=str(path)) from None
        except ValueError:  # Python refuses integer literals of more than 4,300 digits
            raise RequestError("a number in the JSON has too many digits", location=str(path)) from None
    elif suffix == ".toml":
        from .files import parse_toml

        doc = parse_toml(text, path, RequestError)
    else:
        doc = _yaml(text, path, 0, "invalid YAML")
    from .bom import bom_format

    if bom_format(doc):   # a CycloneDX or SPDX 3 BOM is a lineage too, told apart by its content
        from .bom import lineage_from_bom

        # --mine: the BOM's subject is the user's own model (bom.lineage_from_bom, review 22)
        artifacts, subject, notes = lineage_from_bom(doc, path, kb, mine=mine)
        return Resolved(artifacts, subject, "lineage", notes, source=str(path), bom=True)
    try:
        artifacts, subject = lineage_from_doc(doc, path, kb)
        use = _lineage_use(doc, path)
    except (RequestError, LimitError) as exc:
        if suffix == ".toml":   # tomllib keeps no positions: found in the text where it can be
            raise _toml_located(exc, text, path) from None
        from .positions import at_line   # the field's file:line:col, as for `--request FILE`

        raise at_line(exc, text, str(path), yaml=suffix in (".yaml", ".yml")) from None
    return Resolved(artifacts, subject, "lineage", use=use, source=str(path), policy=doc.get("policy"))


def _toml_located(error, text: str, path: Path):
    """A TOML lineage file's error at its field's line:col, as a YAML or JSON one is: tomllib
    keeps no positions, so a field named by plain keys (`use.release_mau`, `subject`, an item of
    `use.purposes`) is found in the text as a profile's is (profile.toml_position); any other
    (`artifacts[0].license`, in an array of tables) keeps the file and the field's path."""
    from .profile import toml_position

    location = error.location or ""
    field = location.split(": ", 1)[1] if location.startswith(f"{path}: ") else location
    keys = re.fullmatch(r"([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(?:\[\d+\])?", field)   # `use.purposes[0]`: its list's key
    if keys:
        *table, key = keys.group(1).split(".")
        at = toml_position(text, tuple(table), key)
        if at is not None:
            return type(error)(error.message, location=f"{path}:{at[0]}:{at[1]}: {field}")
    return error if location.startswith(str(path)) else type(error)(error.message, location=f"{path}: {field}")


def _lineage_use(doc: dict, path: Path) -> dict | None:
    """A lineage file's own `use` section, checked here so that errors name the file."""
    if doc.get("use") is None:
        return None
    try:
        read_use(doc["use"])
    except RequestError as exc:
        raise RequestError(exc.message, location=f"{path}: {exc.location}" if exc.location else str(path)) from None
    return dict(doc["use"])


def _card_note(kb: KnowledgeBase, artifact: dict, path: Path) -> dict:
    """Say which reading of a model card was used: a model the user received (its license binds
    them) or their own (its license is what they grant others)."""
    model_id, declared = artifact["id"], artifact.get("license_name") or artifact.get("license")
    if not artifact.get("mine"):
        binds = f"its license ({declared}) binds you" if declared else "it states no license, so none is known to you"
        return {"code": "card_received",
                "message": f"`{model_id}` ({path}) is read as a model you received: {binds}, like any upstream "
                           f"license; if you made it, say it is yours (`mine: true` in the card, or --mine)"}
    message = (f"`{model_id}` ({path}) is read as your own model: its license "
               f"{f'({declared}) is what you grant others' if declared else 'is unstated'}; "
               f"the terms it inherits still bind you")
    if declared and not artifact.get("derived_from"):
        try:
            ids = expressions.ids(declared)
        except ValueError:
            ids = []
        families = sorted({kb.licenses[e].license.family for e in (kb.resolve_license(i)[0] for i in ids)
                           if e and kb.licenses[e].license.family})
        if families:
            message += (f"; it names no base_model, yet {declared} is the license of the {', '.join(families)} "
                        f"models: if yours derives from one, add its base_model, or that license's terms are missed")
    return {"code": "card_mine", "message": message}


def read_text_file(path: Path) -> str:
    if path.is_dir():
        card = path / "README.md"
        if card.exists():   # a README.md that is no regular file gets read_input_file's reason
            path = card
        else:
            raise RequestError("is a directory, not a file (a model folder needs a README.md)", location=str(path))
    raw = read_input_file(path)
    if b"\x00" in raw:
        raise RequestError("binary file, not text", location=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RequestError(f"not UTF-8 text (byte {exc.start})", location=str(path)) from None


def lineage_from_doc(doc, path: Path, kb: KnowledgeBase | None = None) -> tuple[list[dict], str]:
    """The artifacts and subject of a lineage file (a request document; its `use` is read apart).

    It is checked here (by lineage.check), so that errors name the file: fields, duplicates,
    cycles, the subject (or the default one) and edges to parents that are neither in the file nor
    (with `kb`) in the catalog.
    """
    if not isinstance(doc, dict) or "artifacts" not in doc:
        raise RequestError("a lineage file needs an `artifacts` list (the JSON request format)", location=str(path))
    if "licenses" in doc:
        # A flat stack beside artifacts: dropping it would answer another question than the file
        # asks. (Its `use` is merged with the command line's by the caller, with a note.)
        raise RequestError("a lineage file has `artifacts` or a flat `licenses` stack, not both: "
                           "remove `licenses`", location=f"{path}: licenses")
    stated = {key: doc[key] for key in ("artifacts", "subject") if key in doc}
    try:
        # The request format's keys, as `--request FILE` reads them: a misspelt `polcy` was
        # silently dropped under a verb, and the policy with it (review 36).
        reject_unknown_keys(doc, REQUEST_KEYS, "")
        checked = read_request(stated)
        subject = lineage.check(checked.artifacts, checked.subject,
                                known_parent=kb.entry if kb is not None else None,
                                elsewhere="a catalog model or dataset")
    except (RequestError, LimitError) as exc:
        raise type(exc)(exc.message, location=f"{path}: {exc.location}" if exc.location else str(path)) from None
    return list(doc["artifacts"]), subject


def _yaml(text: str, path: Path, line_offset: int, invalid: str = "invalid YAML front matter"):
    import yaml  # only model cards and YAML lineage files need it

    try:
        _count_nodes_fast(text)
        doc = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
        # A `\ud800` escape is half of a UTF-16 pair, no character: an id or license so written was
        # answered and every output quoting it ended in a traceback, and the audit, which shares
        # answers between models of one shape, reached no request check (review 31).
        if ("\\u" in text or "\\U" in text) and _has_lone_surrogate(doc):
            raise RequestError(f"{invalid}: an escape makes a lone surrogate (half of a UTF-16 pair), which is no "
                               "character", location=str(path))
        return doc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1 + line_offset}:{mark.column + 1}" if mark else str(path)
        if isinstance(exc, _TooManyNodes):
            raise LimitError(f"more than {MAX_YAML_NODES:,} YAML values; give a lineage this large as JSON",
                             location=where) from None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RequestError(f"{invalid}: {problem}", location=where) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise RequestError(f"{invalid}: {exc}", location=str(path)) from None


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        if value.isascii():
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


_LOADER = None
_TooManyNodes = None
# PyYAML's Python loader reads 10,000-25,000 values a second on a 2-core machine: a YAML file may
# hold this many (scalars, lists and mappings; ~10,000 lineage artifacts of two fields), so that an
# oversized one is refused within seconds, not minutes (a 10 MiB, 300,000-artifact file took 110 s
# and 1.25 GB). Larger lineages are given as JSON.
MAX_YAML_NODES = 50_000


def _count_nodes_fast(text: str) -> None:
    """With libyaml, count the values first at C speed (a 10 MiB file in well under a second),
    so an oversized file is refused before the slow Python loader starts; the loader counts again
    and reports every other problem, so a libyaml error is left to it."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        return
    _strict_loader()   # defines _TooManyNodes
    nodes = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                nodes += 1
                if nodes > MAX_YAML_NODES:
                    break
    except Exception:  # noqa: BLE001 - whatever libyaml refuses, the strict loader reports
        return
    if nodes > MAX_YAML_NODES:
        raise _TooManyNodes(None, None, "too many values", event.start_mark)


def _strict_loader():
    """PyYAML's SafeLoader without aliases (a few hundred bytes of nested aliases expand to
    gigabytes), without implicit dates (`released: 2024-13-01` is text, not a crash), and
    stopping at MAX_YAML_NODES values while composing (before they are built into objects)."""
    global _LOADER, _TooManyNodes
    if _LOADER is None:
        import yaml

        class TooManyNodes(yaml.composer.ComposerError):
            pass

        class StrictLoader(yaml.SafeLoader):
            nodes = 0

            def compose_node(self, parent, index):
                if self.check_event(yaml.AliasEvent):
                    event = self.peek_event()
                    raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                                      event.start_mark)
                self.nodes += 1
                if self.nodes > MAX_YAML_NODES:
                    raise TooManyNodes(None, None, "too many values", self.peek_event().start_mark)
                return super().compose_node(parent, index)

            def construct_mapping(self, node, deep=False):
                # A key given twice is an error, not "the last one wins" (a second `license:`
                # must not silently replace the first).
                seen = set()
                for key_node, _ in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key = self.construct_scalar(key_node)
                        if key in seen:
                            raise yaml.constructor.ConstructorError(
                                None, None, f"duplicate key `{key}`", key_node.start_mark)
                        seen.add(key)
                return super().construct_mapping(node, deep)

            def construct_yaml_float(self, node):
                # Kept with the text it was written as: a count is judged as written, not as the
                # double it fits in (numbers.WrittenFloat, review 25).
                from .numbers import WrittenFloat

                value = WrittenFloat(super().construct_yaml_float(node))
                value.written = self.construct_scalar(node).replace("_", "")
                return value

        StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)

        # Numbers as YAML 1.2 and every other reader of can-i write them: decimal only. YAML 1.1's
        # octal (`0700000001` is 117,440,513, under Llama's 700M line, where the user wrote
        # 700,000,001), binary, hex and base-60 (`1:20:00` is 4800) readings are text here, which
        # the field's own reader then takes as written or refuses with its line (review 23).
        numbers = {"tag:yaml.org,2002:int": re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
                   "tag:yaml.org,2002:float": re.compile(
                       r"^(?:[-+]?(?:0|[1-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:0|[1-9][0-9_]*)[eE][-+]?[0-9]+"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")}
        StrictLoader.yaml_implicit_resolvers = {
            first: [(tag, numbers.get(tag, regexp)) for tag, regexp in resolvers
                    if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        _LOADER, _TooManyNodes = StrictLoader, TooManyNodes
    return _LOADER


# The Hub's own reading of a card's front matter (huggingface_hub.repocard.REGEX_YAML_BLOCK, 0.2x-1.x).
HUB_FRONT_MATTER = r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))"


def front_matter_end(lines: list[str], text: str) -> int | None:
    """The index of the line that closes a card's front matter (`lines` are `text`'s, and
    `lines[0]` its opening `---`), or None when none does. A `---` or a YAML document end `...`
    at column 0 closes it; but where the Hub (HUB_FRONT_MATTER) reads other lines as the front
    matter, the card is refused: the Hub reads on past a `...`, and past a `---` ended by a lone
    carriage return, so `license: mit / ... / base_model: <a Llama> / ---` was read as MIT
    alone (YES) where the Hub reads the base model too (review 25).

    >>> front_matter_end(["---", "license: mit", "---", "# Bot"], "---\\nlicense: mit\\n---\\n# Bot\\n")
    2
    """
    from .files import _LINE_BREAK

    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    text = text.lstrip("\ufeff")
    hub = re.match(HUB_FRONT_MATTER, text)
    if end is not None and hub is not None:
        # the index of the Hub's closing line: the line breaks before it (its group 3 starts with one)
        closing = len(re.findall(_LINE_BREAK, text[:hub.start(3)])) + 1
        if closing != end:
            raise RequestError(f"the front matter ends at line {end + 1}, but the Hub reads it on to line "
                               f"{closing + 1}: close it with a `---` line the Hub closes it at too",
                               location=f"{end + 1}")
    return end


def model_card(kb: KnowledgeBase, text: str, path: Path, mine: bool = False,
               stated_name: str | None = None, notes: list | None = None) -> tuple[list[dict], str]:
    """A Hugging Face model card: YAML front matter with license, license_name, base_model,
    base_model_relation, datasets and the model's name (model_name, name or model-index). The
    card's model is one the user received, unless `mine` or the card's `mine: true` says it is
    theirs. `stated_name` (the name the question states) settles a card that names it twice."""
    from .files import text_lines

    lines = text_lines(text)   # not str.splitlines: a U+2028 is no line break of a card (files._LINE_BREAK)
    if not lines or lines[0].strip() != "---":
        raise RequestError("model card has no YAML front matter (it must start with a `---` line)",
                           location=f"{path}:1:1")
    try:
        # at column 0 only: `  ---` inside a block scalar is text (YAML and the Hub read it so), and
        # ending there hid every key after it (a Llama base_model under a long description)
        end = front_matter_end(lines, text)
    except RequestError as exc:
        raise RequestError(exc.message, location=f"{path}:{exc.location}:1") from None
    if end is None:
        raise RequestError("model card front matter is not closed by a `---` line", location=f"{path}:1:1")
    meta = _yaml("\n".join(lines[1:end]), path, 1)

    def at(key: str) -> str:
        """file:line:col of a front-matter key, for errors about its value."""
        for number in range(1, end):
            if lines[number].startswith(key + ":"):
                return f"{path}:{number + 1}:1"
        return f"{path}:1:1"

    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise RequestError("model card front matter must be a mapping of keys", location=f"{path}:2:1")
    model_id = path.resolve().parent.name if path.name.lower() == "readme.md" else path.stem
    return card_artifacts(kb, meta, model_id, at, mine, stated_name, notes)


def card_artifacts(kb: KnowledgeBase, meta: dict, model_id: str, at, mine: bool = False,
                   stated_name: str | None = None, notes: list | None = None) -> tuple[list[dict], str]:
    """The artifacts a card's front matter (already parsed: `meta`) declares for `model_id`.
    `at(key)` locates a key for errors. Cards are read as real publishers write them: an unnamed
    `license: other`, a `base_model` or `datasets` entry that is no id, or empty, is no input
    error; each is said in a note (appended to `notes`) and an entry that names something stays
    as an artifact whose license is unknown, so the answer is UNKNOWN, never YES.

    >>> card_artifacts(KnowledgeBase.load(), {"license": "other"}, "m", lambda k: k)[0][0]["license"]
    'other'
    """
    notes = notes if notes is not None else []
    _refuse_near_miss_keys(meta, at)
    license_value = meta.get("license")
    if isinstance(license_value, list):
        if any(isinstance(v, (list, dict)) for v in license_value):
            raise RequestError("`license` lists license ids or expressions, one string each", location=at("license"))
        # Each entry binds: an entry that is an expression is one operand (`[cc-by-nc-4.0, "mit OR
        # apache-2.0"]` joined bare read as `(cc-by-nc-4.0 AND mit) OR apache-2.0`, YES through
        # Apache alone; review 23).
        entries = [str(v) for v in license_value]
        for entry in entries if len(entries) > 1 else ():
            # Each entry whole on its own: `mit)OR(apache-2.0`, parenthesised as one operand, read
            # `(mit)OR(apache-2.0)` and the card `(cc-by-nc-4.0 AND mit) OR apache-2.0` (review 24).
            try:
                expressions.alternatives(entry)
            except ValueError as exc:
                raise RequestError(f"`license` entry `{entry}`: {' '.join(str(exc).split())}",
                                   location=at("license")) from None
        license_value = " AND ".join(f"({v})" if len(entries) > 1 and re.search(r"\s|\(", v.strip()) else v
                                     for v in entries)
    if license_value is not None and not isinstance(license_value, str):
        raise RequestError("`license` must be a string", location=at("license"))
    declared_mine = meta.get("mine")
    if declared_mine is not None and not isinstance(declared_mine, bool):
        raise RequestError("`mine` must be true or false", location=at("mine"))
    if mine and declared_mine is False:
        raise RequestError("the card says `mine: false` but --mine says it is yours: say one", location=at("mine"))
    artifact: dict = {"id": model_id}
    if mine or declared_mine:
        artifact["mine"] = True
    if isinstance(license_value, str) and not license_value.strip():
        license_value = None   # `license: " "` states no license, as `license: ""` (was an error without its file)
    if license_value:
        artifact["license"] = license_value
        if str(license_value).strip().lower() == "other":
            name = meta.get("license_name")
            if isinstance(name, str) and name.strip():
                artifact["license_name"] = name
            else:
                # As many real cards say (TheBloke's among them): the license is unnamed, so its
                # terms are unknown (UNKNOWN, never YES); the link is the reader's best lead.
                link = meta.get("license_link")
                shown = f": its license_link is {link.strip()}" if isinstance(link, str) and link.strip() else \
                    " and gives no license_link"
                notes.append({"code": "card_license_unnamed",
                              "message": f"`{model_id}`'s card says `license: other` without a `license_name`: "
                                         f"its license is unnamed{shown}"})
        else:
            # `license_name` is read only beside `license: other`; a card that names another license
            # there (`license: mit`, `license_name: qwen-research`) contradicts itself, and reading
            # `license` alone would drop the restrictive one (a wrong YES).
            name = meta.get("license_name")
            if isinstance(name, str) and name.strip() and name.strip().lower() != str(license_value).strip().lower():
                raise RequestError(f"the card says `license: {license_value}` but `license_name: {name.strip()}`: "
                                   f"`license_name` belongs with `license: other`; say which license applies",
                                   location=at("license_name"))
    link_value, odd = meta.get("license_link"), []
    if link_value is not None and not isinstance(link_value, (str, list)):
        # A mapping or number names no address: skipped without a word, it hid a linked text's
        # terms from the reader as well as from the answer (review 23).
        link_value, odd = None, [json.dumps(link_value, ensure_ascii=False, sort_keys=True, default=str)[:200]]
    tag_bases, tag_datasets, tag_licenses = _card_tags(meta.get("tags"))
    _bind_license_tags(kb, artifact, tag_licenses, model_id, notes)
    quiet = any(n.get("code") == "card_license_unnamed" for n in notes)   # that note shows the link
    bind_license_links(kb, artifact, link_value, f"`{model_id}`'s card", [] if quiet else notes, unread=odd)
    # The agreement the Hub makes users accept before download (`extra_gated_prompt`) links the
    # text the model is under: `license: mit` beside a gate accepting the Llama 3 LICENSE was YES
    # (review 30). A text can-i knows binds as a license_link's does; any other address (a privacy
    # policy) says nothing and is not noted.
    gated = [u for key in ("extra_gated_prompt", "extra_gated_description") if isinstance(meta.get(key), str)
             for u in re.findall(r"https?://[^\s()<>\[\]\"'`]+", meta[key])]
    if gated:
        _add_linked_license(kb, artifact, [u.rstrip(".,;:!?") for u in gated])
    name = _card_name(meta, at, stated_name)
    if name:
        artifact["name"] = name
    bases = _card_ids(meta.get("base_model"), "base_model", model_id, notes)
    # `finetuned_from` is the older card templates' name for the base model (huggingface_hub's
    # and diffusers' cards wrote it): skipped, a Llama fine-tune labelled MIT was YES. A base model
    # it names that `base_model` does not list is refused, as a misspelt binding key is (review 23).
    legacy = [b for b in _card_ids(meta.get("finetuned_from"), "finetuned_from", model_id, []) if b not in bases]
    if legacy:
        raise RequestError(f"card key `finetuned_from` names {', '.join(f'`{b}`' for b in legacy[:3])}, which "
                           f"`base_model` does not list: list the base model under `base_model` (with "
                           f"base_model_relation), or the terms it carries would be left out",
                           location=at("finetuned_from"))
    # The Hub's lineage tags (`base_model:quantized:ID`, `dataset:ID`), which cards copied from its
    # API carry in `tags:`, name parents as the keys do: skipped, a card labelled mit and tagged
    # with a Llama 3 base model was YES for what Llama 3 forbids (review 30). A tag the keys
    # already say adds nothing.
    listed = {b.lower() for b in bases}
    tag_bases = [(b, r) for b, r in tag_bases if b.lower() not in listed]
    tag_bases = list({b.lower(): (b, r) for b, r in tag_bases}.values())
    listed_data = {d.lower() for d in _card_ids(meta.get("datasets"), "datasets", model_id, [])}
    tag_datasets = list({d.lower(): d for d in tag_datasets if d.lower() not in listed_data}.values())
    relation = meta.get("base_model_relation")
    if relation is None:
        relation = "merge" if len(bases) + len(tag_bases) > 1 else "finetune"
    if relation not in RELATIONS:
        raise RequestError(f"unknown base_model_relation `{relation}`{suggest(str(relation), RELATIONS)}",
                           location=at("base_model_relation"))
    if relation == "trained_on" and (bases or tag_bases):
        # base_model names models; read as data, a Llama base model's terms would not follow.
        raise RequestError("`base_model_relation: trained_on` would read the base model as training data: "
                           "list data under `datasets`, and say how the model derives from its base model "
                           f"({', '.join(r for r in RELATIONS if r != 'trained_on')})",
                           location=at("base_model_relation"))
    datasets = _card_ids(meta.get("datasets"), "datasets", model_id, notes)
    artifacts = [artifact]
    edges = []
    for base in bases:
        edges.append({"id": base, "relation": relation})
        artifacts.append({"id": base})  # the catalog fills in what it knows; else its license is unknown
    for dataset in datasets:
        edges.append({"id": dataset, "relation": "trained_on"})
        artifacts.append({"id": dataset})
    for base, tagged in tag_bases:
        edges.append({"id": base, "relation": tagged or relation})
        artifacts.append({"id": base})
    for dataset in tag_datasets:
        edges.append({"id": dataset, "relation": "trained_on"})
        artifacts.append({"id": dataset})
    if tag_bases or tag_datasets:
        named = [f"`base_model:{f'{r}:' if r else ''}{b}`" for b, r in tag_bases] + [f"`dataset:{d}`" for d in tag_datasets]
        notes.append({"code": "card_tag_lineage",
                      "message": f"`{model_id}`'s card tags {', '.join(named[:3])}"
                                 + (f" and {len(named) - 3} more" if len(named) > 3 else "")
                                 + ", which its `base_model` / `datasets` do not list: read as its parents, "
                                   "as the Hub writes lineage in tags"})
    seen = set()
    artifacts = [a for a in artifacts if not (a["id"] in seen or seen.add(a["id"]))]
    if edges:
        artifact["derived_from"] = edges
    return artifacts, model_id


# The Hub's own tags for a model's lineage and license (huggingface_hub writes them from the
# card's keys; cards copied from the Hub's API carry them in `tags:`): `base_model:ID`,
# `base_model:RELATION:ID`, `dataset:ID`, `license:ID`. The prefix is read in any case.
_LINEAGE_TAG = patterns.compile(r"\s*(base[_-]?model|datasets?|license|licence)\s*:\s*(\S.*?)\s*", re.IGNORECASE)
_TAG_RELATIONS = ("finetune", "adapter", "merge", "quantized")


def _card_tags(tags) -> tuple[list[tuple[str, str | None]], list[str], list[str]]:
    """The base models (id, relation or None), datasets and license ids a card's `tags` name in the
    Hub's tag form; every other tag is a plain word and says nothing here."""
    items = [tags] if isinstance(tags, str) else tags if isinstance(tags, list) else []
    bases, datasets, licenses = [], [], []
    for item in items:
        found = _LINEAGE_TAG.fullmatch(item) if isinstance(item, str) else None
        if found is None:
            continue
        kind, value = found[1].lower().replace("-", "_"), found[2]
        if kind in ("base_model", "basemodel"):
            relation, _, rest = value.partition(":")
            if rest and relation.strip().lower() in _TAG_RELATIONS:
                bases.append((rest.strip(), relation.strip().lower()))
            else:   # an id, or an unknown relation kept in the id: a parent whose license is unknown
                bases.append((value, None))
        elif kind.startswith("dataset"):
            datasets.append(value)
        else:
            licenses.append(value)
    return bases, datasets, licenses


def _bind_license_tags(kb: KnowledgeBase, artifact: dict, tagged: list[str], model_id: str, notes: list) -> None:
    """A `license:ID` tag naming terms the card's `license` does not binds beside it, as a
    `license_link` to other terms does: a card labelled mit and tagged `license:cc-by-nc-4.0` was
    YES for commercial use (review 30). Without a label the card states no license (UNKNOWN)."""
    if not tagged or not artifact.get("license"):
        return
    try:
        named = {kb.resolve_license(lid, artifact.get("license_name"))[0] or lid.lower()
                 for lid in expressions.ids(artifact["license"])}
    except ValueError:
        return   # the label's own error is reported where it is read
    added = []
    for tag in dict.fromkeys(tagged):
        if tag.lower() == "other":
            continue
        try:
            ids = expressions.ids(tag)
            expressions.alternatives(tag)
        except ValueError:
            ids = [tag]   # no license id: kept as one, whose terms are unknown (UNKNOWN, not skipped)
            tag = re.sub(r"[^A-Za-z0-9.+-]+", "-", tag).strip("-") or "unnamed-license-tag"
        if {kb.resolve_license(i)[0] or i.lower() for i in ids} <= named:
            continue
        artifact["license"] = f"({artifact['license']}) AND ({tag})"
        added.append(tag)
    if added:
        notes.append({"code": "card_tag_license",
                      "message": f"`{model_id}`'s card tags {', '.join(f'`license:{a}`' for a in added)} beside "
                                 f"its license: both bind"})


def _card_ids(value, key: str, model_id: str, notes: list) -> list[str]:
    """The ids a card lists under `base_model` or `datasets`, as publishers write them: one id or
    a list. An entry that is no id (a number, a mapping) is kept by its text, so that it stays a
    parent whose license is unknown (never dropped toward YES); an empty one names nothing and is
    left out. A note says which entries were read so."""
    if value is None or value == "" or value == []:
        return []
    items = value if isinstance(value, list) else [value]
    ids, odd, empty = [], [], 0
    for item in items:
        if isinstance(item, str) and item.strip():
            ids.append(item.strip())
        elif item is None or (isinstance(item, (list, dict)) and not item) or isinstance(item, str):
            # (a string here is blank: spaces only, as a card template leaves an entry)
            empty += 1
        else:
            text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
            ids.append(text)
            odd.append(text)
    if odd:
        notes.append({"code": "card_odd_entry",
                      "message": f"`{model_id}`'s card lists under `{key}` " + ", ".join(f"`{o}`" for o in odd[:3])
                                 + ": not an id; read as one whose license is unknown"})
    if empty:
        notes.append({"code": "card_empty_entry",
                      "message": f"`{model_id}`'s card lists {empty} empty entr{'y' if empty == 1 else 'ies'} "
                                 f"under `{key}`: they name nothing and are left out"})
    return list(dict.fromkeys(ids))


# hf.co is the Hub's own short domain: the same file, however the link spells the host, and
# whichever view names it (a `tree` link to the LICENSE was an "unread" note: YES, review 30). A
# repo's page is no license text (tests/test_edges10.py's near misses).
# A file in a Hub repo, or the repo's own page (`huggingface.co/Qwen/Qwen-7B`): a card whose
# license link is another model's page says "its terms" as a link to its LICENSE file does; the
# page was an "unread" note and the label decided (review 30: `license: mit` beside the Llama 3
# repo was YES for military use).
_HUB_FILE_LINK = patterns.compile(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/([^/\s?#]+/[^/\s?#]+)"
                                  r"(?:/(?:blob|resolve|raw|tree)/|/?(?:[?#]|$))", re.IGNORECASE)


def _url_index(kb: KnowledgeBase) -> dict:
    """Each address a license states (`url`, `also_at`), as addresses.address_key spells it ->
    the ids of the licenses at that address."""
    index: dict = {}
    for lid, addresses in kb.licenses.addresses().items():
        for key in dict.fromkeys(address_key(a) for a in addresses if a):
            index.setdefault(key, []).append(lid)
    return index


def _license_at(kb: KnowledgeBase, link: str, index: dict | None = None) -> str | None:
    """The one encoded license published at the link (its `url`, `https://llama.meta.com/llama3/license/`,
    or an `also_at`, the Llama 3 text's LICENSE file on GitHub), or None: a card that labels
    itself apache-2.0 and links the Llama 3 license names both. `index` (_url_index) is built
    once for a card's list of links."""
    link = written_address(link)   # `<https://…>`, `llama.com/llama3/license` (review 27)
    if not is_absolute(link):
        return None   # `LICENSE`, a file beside the card: no license's own address
    found = sorted((index if index is not None else _url_index(kb)).get(address_key(link), ()))
    # Several licenses at one address are one text offered under each (gpl-3.0-only and
    # -or-later at gnu.org): it is one of them, so any of them (unread, a card labelled mit that
    # links the GPL text was YES to distributing it as MIT).
    return " OR ".join(found) if found else None


def bind_license_links(kb: KnowledgeBase, artifact: dict, links, whose: str, notes: list,
                       unread: list | None = None) -> None:
    """The license texts a card's `license_link` (or a BOM license's `url`) names bind beside the
    artifact's label (_add_linked_license); an address that names no text can-i knows gets a
    `card_license_link_unread` note in `notes`, `whose` naming where it was given. The answer
    still follows the label there: most such links are the label's own text at another address
    (apache.org), and reading them as unknown terms would make every such card UNKNOWN. The note
    says what was not read, so a reader can check; so does `unread`, links given that are no
    address (a mapping)."""
    label = artifact.get("license")
    unread = list(unread or [])
    _add_linked_license(kb, artifact, links, unread=unread)
    if unread:
        shown = ", ".join(unread[:3]) + (f" and {len(unread) - 3:,} more" if len(unread) > 3 else "")
        notes.append({"code": "card_license_link_unread",
                      "message": f"{whose} links its license text at {shown}, an address no encoded license "
                                 f"states: the answer follows its `license: {label}`"})


def _add_linked_license(kb: KnowledgeBase, artifact: dict, link, index: dict | None = None,
                        unread: list | None = None) -> None:
    """A `license_link` into a catalog model's repo names that model's license text. Cards use
    a license_name loosely (`qwen` beside a link to the 2023 Tongyi Qianwen text, which bans
    improving other models): when the linked model's license is not among those the card names,
    both bind, so the card's own label cannot drop the linked text's terms. So does a link to an
    encoded license's own url (or `also_at`), and a file link through hf.co. A web address that
    names no text can-i knows is appended to `unread`."""
    if isinstance(link, list):   # several links: each names its text (a list was skipped: YES)
        index = _url_index(kb)   # once: a card may list thousands
        for item in dict.fromkeys(i.strip() for i in link if isinstance(i, str)):
            _add_linked_license(kb, artifact, item, index, unread)
        if unread is not None and artifact.get("license"):
            # An entry that is no address (a mapping `{url: …}`, a nested list) was skipped without
            # a word, where the same mapping given alone is noted (review 27): noted too.
            unread.extend(json.dumps(i, ensure_ascii=False, sort_keys=True, default=str)[:200]
                          for i in link if not isinstance(i, str))
        return
    if not isinstance(link, str) or not artifact.get("license"):
        return
    # written loosely (`huggingface.co/…` without a scheme, `<https://…>`, a Markdown link) it is
    # the same file: only registry links were so read, a Hub one was "unread" (review 30)
    match = _HUB_FILE_LINK.match(written_address(link))
    entry = kb.model(match.group(1)) if match else None
    # A Hub file link to a repo the catalog does not hold may still be a license's own address
    # (xai-community's is huggingface.co/xai-org/grok-2/blob/main/LICENSE).
    linked_license = entry["license"] if entry is not None else _license_at(kb, link, index)
    # A registry's address spells its license (the deed of CC BY-NC 4.0, which no encoding lists;
    # CC BY-NC-SA, which can-i does not encode): a card labelled mit that links there was YES with
    # an "unread" note. Such a license binds as the card's own label does, UNKNOWN if not encoded.
    linked_license = linked_license or registry_license(link)
    if not linked_license:
        # `<https://…>`, a Markdown link or `//host/…` is an address too, though no absolute one:
        # it was neither read nor noted (review 27)
        if unread is not None and (is_absolute(written_address(link)) or "://" in link):
            unread.append(link.strip())
        return
    try:
        named = {kb.resolve_license(lid, artifact.get("license_name"))[0] or lid.lower()
                 for lid in expressions.ids(artifact["license"])}
        linked = {kb.resolve_license(lid)[0] or lid.lower() for lid in expressions.ids(linked_license)}
    except ValueError:
        return   # the license expression's own error is reported where it is read
    alternatives = entry is None and " OR " in linked_license   # one text under several ids
    label_ids = expressions.ids(artifact["license"])
    versions = set(kb.family_versions(label_ids[0], artifact.get("license_name"))) if len(label_ids) == 1 else set()
    if versions and linked <= versions:
        # The label names a family (`tencent-license`: either Tencent Hunyuan template) and the link
        # names one of its versions: the link says which text it is (review 29; ANDed, the family's
        # other version would bind too and the Large form's card was DEPENDS in the UK).
        artifact["license"] = linked_license
        artifact.pop("license_name", None)   # read only with `other`
        return
    if not (linked & named if alternatives else linked <= named):
        artifact["license"] = f"({artifact['license']}) AND ({linked_license})"


# Card keys whose terms bind the user: a misspelt one (`base-model`, `Base_model`, `dataset`) would
# otherwise be skipped like any of the many other keys cards carry, and the model read as having no
# base model or data, so a Llama fine-tune labelled MIT would answer YES.
# `license_link` binds too since its registry addresses do (session 12): `License_Link`,
# `license-link` or `licence_link` to the CC BY-NC deed beside `license: mit` was YES without a
# word (review 27).
BINDING_CARD_KEYS = ("base_model", "base_model_relation", "datasets", "finetuned_from", "license_link")


def _folded_key(key: str) -> str:
    import unicodedata

    # NFKC first: `ｂａｓｅ_model` (fullwidth letters) folded to `model`, no near miss of anything,
    # and a Llama base model so written was skipped: YES for a Llama fine-tune labelled MIT (review 25).
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", key).lower()).rstrip("s")


def _refuse_near_miss_keys(meta: dict, at) -> None:
    """A front-matter key that is nearly one whose terms bind the user is an input error; so is a
    second spelling of `license` beside it (`License:`), which would otherwise be dropped. A card
    with only `licence:` states no license (UNKNOWN), as many real cards do."""
    import difflib

    binding = {_folded_key(k): k for k in BINDING_CARD_KEYS}
    for key in meta:
        if not isinstance(key, str) or key in BINDING_CARD_KEYS or key == "license":
            continue
        folded = _folded_key(key)
        meant = binding.get(folded) or next(iter(
            binding[m] for m in difflib.get_close_matches(folded, list(binding), n=1, cutoff=0.85)), None)
        if meant is None and "license" in meta and folded in ("license", "licence"):
            meant = "license"
        if meant is not None:
            raise RequestError(f"unknown card key `{key}` (did you mean `{meant}`?): the terms it would carry "
                               f"cannot be left out", location=at(key))


def _card_name(meta: dict, at, stated_name: str | None) -> str | None:
    """The model's name as the card gives it (`model_name`, `name`, `model-index[].name`), which
    naming duties test. Two different names are an input error unless the question states one."""
    named: dict[str, str] = {}  # name -> where the card gives it
    for key in ("model_name", "name"):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise RequestError(f"`{key}` must be a string", location=at(key))
        if value.strip():
            named.setdefault(value, key)
    index = meta.get("model-index")
    if index is not None:
        if not isinstance(index, list):
            raise RequestError("`model-index` must be a list of entries with a `name`", location=at("model-index"))
        for i, entry in enumerate(index):
            if not isinstance(entry, dict):
                raise RequestError(f"`model-index[{i}]` must be a mapping", location=at("model-index"))
            value = entry.get("name")
            if value is None:
                continue
            if not isinstance(value, str):
                raise RequestError(f"`model-index[{i}].name` must be a string", location=at("model-index"))
            if value.strip():
                named.setdefault(value, f"model-index[{i}].name")
    if len(named) > 1 and stated_name is None:
        both = " and ".join(f"`{n}` ({where})" for n, where in list(named.items())[:3])
        raise RequestError(f"the card names the model {both}: naming duties need one name; make them agree "
                           f"or state the name (--name)", location=at(next(iter(named.values())).split("[")[0]))
    return next(iter(named), None) if len(named) == 1 else None
