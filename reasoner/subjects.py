"""Turn what a person types (a license id, an expression, a catalog model, a model card, a
lineage file) plus an act and context into a request document.

This lives below the CLI so that embedders who accept the same inputs get the same answers.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import expressions
from .errors import LimitError, RequestError, UnknownSubjectError
from .kb import KnowledgeBase
from .request import find_cycle, read_input_file, read_request
from .vocabulary import RELATION_ACT, RELATIONS, USE_ACTS, suggest

ACT_RELATION = {act: relation for relation, act in RELATION_ACT.items()}
DERIVED_ID = "your-model"


@dataclass
class Context:
    """The context options of a question, as typed (already parsed into exact values)."""
    commercial: bool | None = None
    mau: int | None = None
    revenue_usd: int | None = None
    territory: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    into: str | None = None
    name: str | None = None
    outbound_license: str | None = None
    grants: list[str] = field(default_factory=list)
    date: str | None = None
    also: list[str] = field(default_factory=list)   # further acts on the result: host, distribute

    def use(self, acts) -> dict:
        doc: dict = {"acts": sorted(set(acts))}
        for key in ("commercial", "mau", "revenue_usd", "name", "outbound_license", "date"):
            value = getattr(self, key)
            if value is not None:
                doc[key] = value
        if self.territory:
            doc["territory"] = list(self.territory)
        if self.purposes:
            doc["purposes"] = list(self.purposes)
        if self.grants:
            doc["grants"] = list(self.grants)
        return doc


def build_request(kb: KnowledgeBase, subject: str, act: str, context: Context) -> dict:
    """The request for `can-i ACT SUBJECT [context]`.

    >>> kb = KnowledgeBase.load()
    >>> build_request(kb, "llama3", "host", Context(mau=10))["use"]["acts"]
    ['host']
    """
    artifacts, subject_id = subject_artifacts(kb, subject)
    if not subject_id:
        subject_id = _root(artifacts)
    acts = [act] if act in USE_ACTS else []
    acts += [a for a in context.also if a in USE_ACTS]
    if act not in USE_ACTS:
        relation = ACT_RELATION[act]
        parent = next((a for a in artifacts if a.get("id") == subject_id), None)
        if parent is None:
            raise RequestError(f"subject `{subject_id}` is not among the artifacts", location="subject")
        family = context.into or (None if act in ("distill", "train", "merge") else _family(kb, parent))
        derived = {"id": DERIVED_ID, "mine": True, "derived_from": [{"id": subject_id, "relation": relation}]}
        if family:
            derived["family"] = family
        artifacts.append(derived)
        subject_id = DERIVED_ID
    elif context.into:
        raise RequestError("--into names the family of a model you create; use it with finetune, distill, …",
                           location="--into")
    return {"artifacts": artifacts, "subject": subject_id, "use": context.use(acts)}


def _root(artifacts: list) -> str:
    """The one artifact nothing derives from (a lineage file's default subject)."""
    parents = {e.get("id") for a in artifacts if isinstance(a, dict)
               for e in (a.get("derived_from") or []) if isinstance(e, dict)}
    roots = [a.get("id") for a in artifacts if isinstance(a, dict) and a.get("id") not in parents]
    if len(roots) != 1:
        raise RequestError(f"say which artifact is the `subject`: {len(roots)} artifacts have nothing derived "
                           f"from them", location="subject")
    return roots[0]


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


def subject_artifacts(kb: KnowledgeBase, subject: str) -> tuple[list[dict], str]:
    """Artifacts and the subject id for a typed subject; raises UnknownSubjectError if nothing fits."""
    text = subject.strip()
    if not text:
        raise UnknownSubjectError("the subject is empty: give a license id, a model id or a file")
    path = Path(text)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a long expression is no file name
        exists = False
    looks_like_path = path.suffix.lower() in (".md", ".json", ".yaml", ".yml", ".toml")
    if exists or (looks_like_path and not kb.model(text)):
        return read_subject_file(kb, path)
    entry = kb.model(text)
    if entry is not None:
        return [{"id": entry["id"]}], entry["id"]
    try:
        ids = expressions.ids(text)
    except ValueError:
        ids = []
    if ids and all(kb.resolve_license(i)[0] for i in ids):
        family = None
        if len(ids) == 1:
            family = kb.licenses[kb.resolve_license(ids[0])[0]].license.family
        artifact = {"id": text if len(ids) == 1 else "stack", "license": text}
        if family:
            artifact["family"] = family
        return [artifact], artifact["id"]
    unknown = [i for i in ids if not kb.resolve_license(i)[0]] or [text]
    options = list(kb.licenses) + list(kb.catalog)
    hints = suggest(unknown[0], options)
    if not hints:
        folded = [m for m in kb.catalog if unknown[0].lower() in m.lower()]
        hints = " (did you mean " + " or ".join(f"`{m}`" for m in folded[:3]) + "?)" if folded else ""
    raise UnknownSubjectError(
        f"`{unknown[0]}` is not a known license, catalog model or file{hints}; "
        f"`can-i licenses` and `can-i models` list what is known")


def read_subject_file(kb: KnowledgeBase, path: Path) -> tuple[list[dict], str]:
    text = read_text_file(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RequestError(f"not valid JSON: {exc.msg}", location=f"{path}:{exc.lineno}:{exc.colno}") from None
        return lineage_from_doc(doc, path)
    if suffix == ".toml":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            at = re.search(r"\(at line (\d+), column (\d+)\)", message)
            where = f"{path}:{at.group(1)}:{at.group(2)}" if at else str(path)
            reason = re.sub(r" \(at .*\)$", "", message)
            raise RequestError(f"not valid TOML: {reason}", location=where) from None
        return lineage_from_doc(doc, path)
    if suffix in (".yaml", ".yml"):
        return lineage_from_doc(_yaml(text, path, 0), path)
    return model_card(kb, text, path)


def read_text_file(path: Path) -> str:
    if path.is_dir():
        card = path / "README.md"
        if card.is_file():
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


def lineage_from_doc(doc, path: Path) -> tuple[list[dict], str]:
    """A lineage file is a request document without `use` (the command line gives the use).

    It is checked here, so that errors name the file: fields, duplicates and cycles.
    """
    if not isinstance(doc, dict) or "artifacts" not in doc:
        raise RequestError("a lineage file needs an `artifacts` list (the JSON request format)", location=str(path))
    lineage = {key: doc[key] for key in ("artifacts", "subject") if key in doc}
    try:
        checked = read_request(lineage)
        cycle = find_cycle(checked.artifacts)
        if cycle:
            raise RequestError("lineage has a cycle: " + " -> ".join(cycle), location="artifacts")
        seen: set[str] = set()
        for i, artifact in enumerate(checked.artifacts):
            if artifact.id in seen:
                raise RequestError(f"artifact `{artifact.id}` appears twice", location=f"artifacts[{i}].id")
            seen.add(artifact.id)
    except (RequestError, LimitError) as exc:
        raise type(exc)(exc.message, location=f"{path}: {exc.location}" if exc.location else str(path)) from None
    return list(doc["artifacts"]), checked.subject


def _yaml(text: str, path: Path, line_offset: int):
    import yaml  # only model cards and YAML lineage files need it

    try:
        _count_nodes_fast(text)
        return yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1 + line_offset}:{mark.column + 1}" if mark else str(path)
        if isinstance(exc, _TooManyNodes):
            raise LimitError(f"more than {MAX_YAML_NODES:,} YAML values; give a lineage this large as JSON",
                             location=where) from None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RequestError(f"invalid YAML front matter: {problem}", location=where) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise RequestError(f"invalid YAML front matter: {exc}", location=str(path)) from None


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

        StrictLoader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        _LOADER, _TooManyNodes = StrictLoader, TooManyNodes
    return _LOADER


def model_card(kb: KnowledgeBase, text: str, path: Path) -> tuple[list[dict], str]:
    """A Hugging Face model card: YAML front matter with license, license_name, base_model,
    base_model_relation and datasets. The card's model is the user's own."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise RequestError("model card has no YAML front matter (it must start with a `---` line)",
                           location=f"{path}:1:1")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise RequestError("model card front matter is not closed by a `---` line", location=f"{path}:1:1") from None
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
    license_value = meta.get("license")
    if isinstance(license_value, list):
        license_value = " AND ".join(str(v) for v in license_value)
    if license_value is not None and not isinstance(license_value, str):
        raise RequestError("`license` must be a string", location=at("license"))
    artifact: dict = {"id": model_id, "mine": True}
    if license_value:
        artifact["license"] = license_value
        if str(license_value).strip().lower() == "other":
            name = meta.get("license_name")
            if not isinstance(name, str) or not name.strip():
                raise RequestError("`license: other` needs a `license_name`", location=at("license_name"))
            artifact["license_name"] = name
    for key in ("model_name", "name"):
        if isinstance(meta.get(key), str):
            artifact["name"] = meta[key]
            break
    bases = meta.get("base_model") or []
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise RequestError("`base_model` must be a model id or a list of them", location=at("base_model"))
    relation = meta.get("base_model_relation")
    if relation is None:
        relation = "merge" if len(bases) > 1 else "finetune"
    if relation not in RELATIONS:
        raise RequestError(f"unknown base_model_relation `{relation}`{suggest(str(relation), RELATIONS)}",
                           location=at("base_model_relation"))
    datasets = meta.get("datasets") or []
    if isinstance(datasets, str):
        datasets = [datasets]
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        raise RequestError("`datasets` must be a dataset id or a list of them", location=at("datasets"))
    artifacts = [artifact]
    edges = []
    for base in bases:
        edges.append({"id": base, "relation": relation})
        artifacts.append({"id": base})  # the catalog fills in what it knows; else its license is unknown
    for dataset in datasets:
        edges.append({"id": dataset, "relation": "trained_on"})
        artifacts.append({"id": dataset})
    seen = set()
    artifacts = [a for a in artifacts if not (a["id"] in seen or seen.add(a["id"]))]
    if edges:
        artifact["derived_from"] = edges
    return artifacts, model_id
