"""BOMs as lineage: a CycloneDX 1.5/1.6 ML-BOM or an SPDX 3.0 document (AI and Dataset profiles)
read as the artifacts of a lineage, and an answer written back as a CycloneDX 1.6 BOM.

A BOM is a lineage subject like a lineage file (`can-i distribute model.cdx.json`), told apart by
its content: `"bomFormat": "CycloneDX"`, or an SPDX 3 JSON-LD `@context` with a `@graph`.

- CycloneDX is read with cyclonedx-python-lib (the `bom` extra): the document is first validated
  against the CycloneDX JSON schema (an invalid one is a one-line error naming the JSON path),
  then deserialised. Components of type `machine-learning-model` and `data` become artifacts;
  their `licenses` (ids, names, expressions; several are all binding) the license;
  `pedigree.ancestors` the parents (one: `finetune`, several: `merge`, or a property
  `…:base_model_relation`, or `…:derived-by` on one ancestor entry, which can-i's own BOMs write
  for each edge; a model ancestor of a `data` component, no property saying how, is
  also `distilled`: the data may hold its outputs); a data ancestor, a `modelCard.modelParameters.datasets` reference or
  a `dependencies` entry on a data component `trained_on`. cyclonedx-python-lib does not model
  `modelCard`, so the dataset references are read from the JSON itself.
- SPDX 3.0: spdx-tools (0.8) has an SPDX 3 model and writer but no SPDX 3 parser, so the JSON-LD
  is read here, limited to what a lineage needs: `ai_AIPackage` / `dataset_DatasetPackage`
  elements (name, package URL, download location) and the `Relationship`s
  `hasDeclaredLicense` / `hasConcludedLicense` (both bind), `descendantOf` / `ancestorOf` /
  `variantOf` / `dependsOn` (parents), `ancestorOf` / `hasVariant` (children), `contains` /
  `expandsTo` (carried content), `trainedOn` (data), and `generates` or a process's `hasInput` /
  `hasOutput` (made from: see `_read_spdx3_generation`). Any other relationship of a model or
  dataset is named in a `bom_relationships_unread` note, never dropped unsaid.

A model or dataset linked to no part of the subject's lineage is not judged, and named in a
`bom_unlinked` note (`_Lineage._note_unlinked`).

A component without licenses that the catalog does not know is UNKNOWN, never permitted; a BOM
that relabels a Llama fine-tune keeps Llama's terms, as every lineage does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import schema
from .errors import LimitError, RequestError, UsageProblem

MAX_COMPONENTS = 100_000
# Lineage edges that SPDX 3 `generates` and a process's hasInput x hasOutput may make: each output
# is made from each input, so two relationships of a few thousand ids each would otherwise make
# millions of edges (a 128 KB document took 2 GB).
MAX_GENERATED_EDGES = 100_000
RELATION_PROPERTY = re.compile(r"(^|:)base_model_relation$")
# On an entry of pedigree.ancestors: how the component derives from THIS ancestor (can-i writes one
# per edge, so a model that both fine-tunes and distils Llama 3, or a dataset made from a model,
# reads back as it was written; base_model_relation says one relation for every ancestor).
DERIVED_BY_PROPERTY = re.compile(r"(^|:)derived-by$")
MINE_PROPERTY = re.compile(r"(^|:)mine$")
# can-i's own property names (`can-i:NAME`), the one table the reader and the writer use: those it
# reads (above, and one per fact an artifact states, schema.ARTIFACT_FIELDS), and those
# `--cyclonedx` writes as the answer (read back, they say nothing; a name ending in `:` starts a
# family, `can-i:reason:KIND`). Any other `can-i:` name is a misspelling of one it reads: dropped,
# `can-i:derived_by distilled` made a Llama 3 distillation a fine-tune, YES (review 36).
# The artifact's facts are written and read back so that a BOM written back answers as its source:
# without `can-i:name`, a Llama 3.1 student named "Student" (NO by the naming sentence) came back
# YES, and without `can-i:modalities` a multimodal one came back DEPENDS (review 36).
_ARTIFACT_PROPERTIES = tuple(schema.ARTIFACT_FIELDS)
_READ_PROPERTIES = ("base_model_relation", "derived-by", "mine", *_ARTIFACT_PROPERTIES)
_WRITTEN_PROPERTIES = ("license-reaches", "derived-from", "question", "status", "choice", "obligation",
                       "depends-on", "policy", "policy-finding")
_WRITTEN_FAMILIES = ("reason:", "risk:", "note:")
_HF_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?:datasets/)?([^/?#\s]+/[^/?#\s]+?)/?(?:$|[?#]|/tree/|/resolve/)",
                     re.IGNORECASE)


def bom_format(doc) -> str | None:
    """"cyclonedx", "spdx3" or None: what a decoded JSON document is, by its content."""
    if not isinstance(doc, dict):
        return None
    if doc.get("bomFormat") == "CycloneDX":
        return "cyclonedx"
    context = doc.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if "@graph" in doc and any(isinstance(c, str) and "spdx.org/rdf/3." in c for c in contexts):
        return "spdx3"
    return None


def lineage_from_bom(doc: dict, path: Path, kb=None, one_subject: bool = True,
                     mine: bool = False) -> tuple[list[dict], str | None, list[dict]]:
    """The artifacts, subject and notes of a BOM (see the module's docstring). Raises
    RequestError, located at `path: <where in the BOM>`, for a BOM that cannot be read.
    `one_subject=False` (an audit of every model a registry's BOM lists) checks the lineage
    but asks for no single subject: the subject is then the BOM's own, or None."""
    kind = bom_format(doc)
    reader = _Lineage(path)
    reader.kb = kb
    # `mine` (--mine): the BOM's subject is the user's own model. SPDX 3 has no field that says so
    # (CycloneDX has the can-i:mine property), and --mine was refused: a model of the user's own
    # trained on a mix holding FLUX.1 [dev] data, read as received, was YES to distribute
    # commercially where the same JSON request is NO (review 22). Marked as can-i:mine marks it, so
    # licenses a scan found in it (CycloneDX evidence, an SPDX concluded license) beyond those the
    # user gives it are still an error, never terms that bind only its recipients.
    reader.mine_subject = mine
    if kind == "cyclonedx":
        _read_cyclonedx(doc, path, reader)
    elif kind == "spdx3":
        _read_spdx3(doc, path, reader)
    else:
        raise RequestError("not a CycloneDX or SPDX 3 document", location=str(path))
    if mine:
        subject = reader.subject
        if subject is None:
            raise RequestError("--mine marks the BOM's subject as your own model, and this BOM names none: give it "
                               "one (SPDX: the document's single rootElement; CycloneDX: metadata.component)",
                               location="--mine")
        found = reader.concluded.get(subject, set()) - reader.declared.get(subject, set())
        if found:
            raise RequestError(f"`{subject}`, your own model, has a concluded license ({', '.join(sorted(found))}) "
                               f"beyond the licenses you declare for it: list the model or data that carries those "
                               f"terms (descendantOf, trainedOn), whose terms bind you",
                               location=f"{path}: {reader.where[subject]}")
        reader.artifacts[subject]["mine"] = True
    return reader.finish(kb, one_subject)


class _Lineage:
    """Artifacts being gathered from a BOM: one per id (several components naming one model are
    merged, all their licenses binding), with where each came from for error messages."""

    def __init__(self, path: Path):
        self.path = path
        self.artifacts: dict[str, dict] = {}
        self.where: dict[str, str] = {}
        self.licenses: dict[str, list[str]] = {}
        self.names: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}   # the addresses its licenses give (CycloneDX `url`)
        self.subject: str | None = None
        self.notes: list[dict] = []
        self.left_out: list[str] = []
        # Left-out components (a `library`, a `file`, an SPDX software_Package) whose package URL or
        # catalog entry names a model, each id with its left_out entry: if nothing reads them as part
        # of the lineage, the unlinked note names them (bom_left_out names only the first three).
        self.model_like: dict[str, str] = {}
        self._parents: dict[str, set] = {}   # child -> its parents so far (edge: one check, not a scan)
        self._outputs: dict[str, dict] = {}  # data -> the models it may hold the outputs of (also_outputs)
        self.mine_subject = False            # --mine: the BOM's subject is the user's own (lineage_from_bom)
        self.declared: dict[str, set] = {}   # SPDX 3: the licenses declared / concluded for each artifact
        self.concluded: dict[str, set] = {}

    def add(self, artifact_id: str, where: str) -> dict:
        if artifact_id not in self.artifacts:
            if len(self.artifacts) >= MAX_COMPONENTS:
                raise RequestError(f"more than {MAX_COMPONENTS:,} models and datasets", location=f"{self.path}: {where}")
            self.artifacts[artifact_id] = {"id": artifact_id}
            self.where[artifact_id] = where
        return self.artifacts[artifact_id]

    def license(self, artifact_id: str, expression: str | None = None, name: str | None = None) -> None:
        if expression:
            self.licenses.setdefault(artifact_id, []).append(expression.strip())
        if name:
            self.names.setdefault(artifact_id, []).append(name.strip())

    def edge(self, child: str, parent: str, relation: str | None) -> None:
        edges = self.artifacts[child].setdefault("derived_from", [])
        parents = self._parents.get(child)
        if parents is None or len(parents) != len(edges):   # derived_from set elsewhere too: read it
            parents = self._parents[child] = {e["id"] for e in edges}
        if parent == child:
            return
        if parent in parents:
            # One edge per parent; a second relation to it is kept only as the outputs beside a
            # derivation (`distilled`, added by `finish`), never dropped: a model that fine-tunes
            # Llama 3 and is trained on its outputs as well is both. An unsaid relation adds nothing.
            if relation == "distilled":
                self.also_outputs(child, parent)
            elif relation is not None:
                for e in edges:
                    if e["id"] == parent and e["relation"] == "distilled":
                        e["relation"] = relation
                        self.also_outputs(child, parent)
            return
        edges.append({"id": parent, "relation": relation})
        parents.add(parent)

    def also_outputs(self, child: str, parent: str) -> None:
        """A `distilled` edge beside the edge `child` has to `parent` (bom._derived), added by
        `finish` so that `edge` keeps one edge per parent."""
        self._outputs.setdefault(child, {})[parent] = None

    def finish(self, kb, one_subject: bool = True) -> tuple[list[dict], str | None, list[dict]]:
        for artifact_id, artifact in self.artifacts.items():
            ids = list(dict.fromkeys(self.licenses.get(artifact_id, [])))
            names = list(dict.fromkeys(self.names.get(artifact_id, [])))
            for name in names:   # a license given by name: an id can-i knows, else `other` named so
                known = kb.resolve_license(name)[0] if kb is not None else None
                if known or len(names) > 1 or ids:
                    ids.append(known or _quoted(name))
                else:
                    artifact["license_name"] = name
                    ids.append("other")
            if ids:
                artifact["license"] = ids[0] if len(ids) == 1 else " AND ".join(f"({i})" for i in ids)
            if self.links.get(artifact_id) and kb is not None:
                # `Apache-2.0` at the address of the Llama 3 text was YES for military use, where
                # a card's license_link there binds Llama 3 (subjects.bind_license_links).
                from .subjects import bind_license_links
                bind_license_links(kb, artifact, self.links[artifact_id],
                                   f"{self.path}: {self.where[artifact_id]}", self.notes)
            edges = artifact.get("derived_from") or []
            derived = [e for e in edges if e["relation"] is None]
            for e in derived:   # as a card's base_model: one parent is a fine-tune, several a merge
                e["relation"] = "finetune" if len(derived) == 1 else "merge"
            for parent in self._outputs.get(artifact_id, ()):
                if not any(e["id"] == parent and e["relation"] == "distilled" for e in edges):
                    edges.append({"id": parent, "relation": "distilled"})
        artifacts = list(self.artifacts.values())
        if not artifacts:
            raise RequestError("the BOM describes no machine-learning model or dataset", location=str(self.path))
        unread_models = [i for i, label in self.model_like.items() if i not in self.artifacts and label in self.left_out]
        if one_subject:
            for artifact_id in unread_models:
                self.left_out.remove(self.model_like[artifact_id])
        if self.left_out:
            self.notes.append({"code": "bom_left_out",
                               "message": f"{self.path}: read as a lineage of its models and datasets; "
                                          f"{len(self.left_out)} other components are not judged "
                                          f"({', '.join(self.left_out[:3])}{', …' if len(self.left_out) > 3 else ''})"})
        from .subjects import lineage_from_doc

        doc = {"artifacts": artifacts}
        if self.subject or not one_subject:
            # without a subject of its own, any artifact stands in while the lineage is checked
            doc["subject"] = self.subject or artifacts[0]["id"]
        try:
            checked, subject = lineage_from_doc(doc, self.path, kb)
        except RequestError as exc:
            raise RequestError(exc.message, location=self._located(exc.location or "", artifacts)) from None
        if one_subject:
            self._note_unlinked(checked, subject, unread_models)
        return checked, subject if (one_subject or self.subject) else None, self.notes

    def _note_unlinked(self, artifacts: list[dict], subject: str, others: list[str]) -> None:
        """Name the models and datasets the BOM lists that the subject neither derives from nor
        carries, and `others`, components of another type whose package URL names a model: the
        answer does not judge them. Noted, not read as part of the subject: an
        inventory (CycloneDX `components`, an SPDX document's elements) may list models the subject
        has nothing to do with (an evaluator, the model it replaces), and an edge invented to them
        would bind the subject by terms that never reach it. Dropped without a word, a BOM listing
        Meta-Llama-3-8B beside the user's model, no link between them, was a bare YES at 800M
        users (review 36)."""
        by_id = {a["id"]: a for a in artifacts}
        seen, stack = {subject}, [subject]
        while stack:
            for edge in by_id.get(stack.pop(), {}).get("derived_from") or ():
                if edge["id"] not in seen:
                    seen.add(edge["id"])
                    stack.append(edge["id"])
        unlinked = [a["id"] for a in artifacts if a["id"] not in seen] + others
        if unlinked:
            listed = ", ".join(f"`{i}`" for i in unlinked[:5]) + (f", … ({len(unlinked)} in all)"
                                                                   if len(unlinked) > 5 else "")
            self.notes.append({"code": "bom_unlinked",
                               "message": f"{self.path}: not judged, as linked to no part of `{subject}`'s "
                                          f"lineage: {listed}; if `{subject}` "
                                          f"derives from, is trained on or carries one, link it (CycloneDX: "
                                          f"pedigree.ancestors or dependencies; SPDX 3: descendantOf, trainedOn "
                                          f"or contains)"})

    def _located(self, location: str, artifacts: list[dict]) -> str:
        """An error about `artifacts[3]…` of the lineage made from the BOM, located in the BOM."""
        match = re.search(r"artifacts\[(\d+)\]", location)
        if match and int(match.group(1)) < len(artifacts):
            return f"{self.path}: {self.where[artifacts[int(match.group(1))]['id']]}"
        return location or str(self.path)


def _quoted(name: str) -> str:
    """A license name no id matches, kept so that the answer is UNKNOWN naming it."""
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", name).strip("-") or "unnamed"


def _purl_id(purl: str | None) -> str | None:
    """`pkg:huggingface/meta-llama/Meta-Llama-3-8B@rev` -> `meta-llama/Meta-Llama-3-8B`."""
    if not purl or not str(purl).startswith("pkg:huggingface/"):
        return None
    rest = str(purl)[len("pkg:huggingface/"):].split("@")[0].split("?")[0].split("#")[0]
    from urllib.parse import unquote

    return unquote(rest) or None


def _model_named(lineage: _Lineage, artifact_id: str, hub_id: str | None) -> bool:
    """Whether a component of another type than a model is one all the same: a Hugging Face
    package URL (or download address) names it, or the catalog knows its id."""
    kb = getattr(lineage, "kb", None)
    return bool(hub_id) or (kb is not None and kb.entry(artifact_id) is not None)


def _hf_url_id(url) -> str | None:
    match = _HF_URL.match(str(url or ""))
    return match.group(1) if match else None


# --- CycloneDX -----------------------------------------------------------------------------------

def _cyclonedx():
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        # jsonschema checks the `iri-reference` format with rfc3987_syntax when it is installed,
        # which builds a parser at import (2.5 s of every BOM read on a 2-core machine); without
        # it that one format goes unchecked, which says nothing about models or licenses.
        sys.modules["rfc3987_syntax"] = None   # `import rfc3987_syntax` raises ImportError
        try:
            import jsonschema  # noqa: F401
        except ImportError:
            pass
        finally:
            del sys.modules["rfc3987_syntax"]
    try:
        from cyclonedx.model.bom import Bom
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
    except ImportError:
        raise UsageProblem("reading a CycloneDX BOM needs cyclonedx-python-lib with JSON validation: "
                           "pip install \"can-i[bom]\"") from None
    return Bom, SchemaVersion, JsonStrictValidator


def _read_cyclonedx(doc: dict, path: Path, lineage: _Lineage) -> None:
    Bom, SchemaVersion, JsonStrictValidator = _cyclonedx()
    versions = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}
    spec = doc.get("specVersion")
    if spec not in versions:
        raise RequestError(f"CycloneDX specVersion {spec!r}: can-i reads ML-BOMs of CycloneDX 1.5 and 1.6",
                           location=f"{path}: specVersion")
    try:
        problem = JsonStrictValidator(versions[spec]).validate_str(json.dumps(doc))
    except RecursionError:   # the schema validator recurses per level: ~130 levels of pedigree
        raise RequestError("the BOM is nested too deeply to validate (pedigree ancestors inside ancestors): "
                           "list the models as components linked by `dependencies` instead",
                           location=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - a validator that cannot run (missing jsonschema)
        raise UsageProblem(f"cannot validate the CycloneDX BOM ({type(exc).__name__}): "
                           f"pip install \"can-i[bom]\"") from None
    if problem is not None:
        error = getattr(problem, "data", None)
        where = _json_path(getattr(error, "absolute_path", ()))
        message = getattr(error, "message", None) or str(problem)
        raise RequestError(f"not a valid CycloneDX {spec} BOM: {_short(message)}",
                           location=f"{path}: {where or '(document)'}")
    try:
        bom = Bom.from_json(doc)
    except Exception as exc:  # noqa: BLE001 - the library's own errors have no common base
        raise RequestError(f"cyclonedx-python-lib cannot read this BOM: {_short(str(exc))}", location=str(path)) from None

    from cyclonedx.model.component import ComponentType

    kinds = {ComponentType.MACHINE_LEARNING_MODEL: "model", ComponentType.DATA: "data"}
    by_ref: dict[str, str] = {}     # bom-ref -> artifact id
    skipped: dict[str, tuple] = {}  # bom-ref -> (component, where): left out as not a model or data
    kind_of: dict[str, str] = {}

    def component_id(component) -> str:
        return (_purl_id(component.purl) or (f"{component.group}/{component.name}" if component.group
                                             else component.name))

    def read(component, where: str, ancestor: bool = False) -> str | None:
        # An ancestor of a model is read whatever its type (some tools type weights `file`): its
        # terms reach the model. Other components not in a model's pedigree are left out.
        if component.type not in kinds and not ancestor:
            lineage.left_out.append(f"{component.type.value} `{component.name}`")
            if _model_named(lineage, component_id(component), _purl_id(component.purl)):
                lineage.model_like[component_id(component)] = lineage.left_out[-1]
            if component.bom_ref and component.bom_ref.value:
                skipped[component.bom_ref.value] = (component, where)
            return None
        artifact_id = component_id(component)
        artifact = lineage.add(artifact_id, where)
        kind_of[artifact_id] = kinds.get(component.type, "model")
        if component.type == ComponentType.DATA:   # said so: kept in the request, and written back so
            artifact["kind"] = "dataset"
        if component.bom_ref and component.bom_ref.value:
            by_ref[component.bom_ref.value] = artifact_id
        # Licenses a scan found in the component (`evidence.licenses`) bind as the listed ones do:
        # left out, an MIT label over the Llama 3 text it carries answered YES.
        evidence = list(component.evidence.licenses) if component.evidence is not None else []
        for lic in [*component.licenses, *evidence]:
            if getattr(lic, "value", None):          # LicenseExpression
                lineage.license(artifact_id, expression=lic.value)
            elif getattr(lic, "id", None):
                lineage.license(artifact_id, expression=lic.id)
            elif getattr(lic, "name", None):
                lineage.license(artifact_id, name=lic.name)
            if getattr(lic, "url", None):   # the text's address, as a card's license_link: it binds too
                lineage.links.setdefault(artifact_id, []).append(str(lic.url))
        relation = None
        stated: dict[str, list[str]] = {}   # can-i:FIELD -> its values (an artifact's stated facts)
        for prop in component.properties:
            _known_property(prop.name or "", f"{path}: {where}.properties")
            field = (prop.name or "")[len("can-i:"):] if (prop.name or "").lower().startswith("can-i:") else None
            if field in _ARTIFACT_PROPERTIES:
                stated.setdefault(field, []).append((prop.value or "").strip())
            elif RELATION_PROPERTY.search(prop.name or ""):
                relation = (prop.value or "").strip() or None
            elif DERIVED_BY_PROPERTY.search(prop.name or "") and not ancestor:
                # Read on a pedigree ancestor entry only (how the model derives from it): on the
                # model itself it was dropped, and a Llama 3 distillation read as a fine-tune was
                # YES (review 38).
                raise RequestError(f"`{artifact_id}` has a {prop.name} property, which says how a model derives from "
                                   f"a pedigree ancestor and is read on the ancestor entry only: move it there, or "
                                   f"say can-i:base_model_relation on the model made",
                                   location=f"{path}: {where}.properties")
            elif MINE_PROPERTY.search(prop.name or ""):
                # On a pedigree ancestor too (--cyclonedx writes it there), as a JSON request's
                # `mine` on any artifact: a model of the user's own inside a lineage changes whose
                # acts its terms judge. Ignored there (review 34), the user's own CC BY-NC
                # intermediate bound the user as someone else's would.
                if (prop.value or "").strip().lower() == "true":
                    artifact["mine"] = True
        _stated_facts(artifact, stated, component.type == ComponentType.DATA, f"{path}: {where}.properties")
        if where == "metadata.component" and lineage.mine_subject:   # --mine (lineage_from_bom)
            artifact["mine"] = True
        found = _license_ids(lineage, evidence) - _license_ids(lineage, component.licenses) if artifact.get("mine") else ()
        if found:
            # The user's own model's licenses are the ones the user gives it (they bind its
            # recipients, not the user): read so, terms a scan found in it bound no one, and a
            # model of one's own with Llama 3 evidence was YES for military use.
            raise RequestError(f"a scan found {', '.join(sorted(found))} in `{artifact_id}`, your own model, beyond the "
                               f"licenses you give it: list the model or data that carries those terms under "
                               f"pedigree.ancestors, whose terms bind you", location=f"{path}: {where}.evidence.licenses")
        if relation is not None:
            from .vocabulary import MODEL_RELATIONS, suggest

            if relation not in MODEL_RELATIONS:
                raise RequestError(f"unknown base_model_relation `{relation}`{suggest(relation, MODEL_RELATIONS)}",
                                   location=f"{path}: {where}.properties")
            if not component.components and (component.pedigree is None or not component.pedigree.ancestors):
                # Said of a model that lists nothing it derives from (on the ancestor, not on the
                # model made from it): it said nothing, and the distillation it meant was a fine-tune.
                raise RequestError(f"`{artifact_id}` says how it derives from its parents (base_model_relation "
                                   f"`{relation}`) but lists none under pedigree.ancestors: put the property on "
                                   f"the model made from them (or can-i:derived-by on the ancestor entry)",
                                   location=f"{path}: {where}.properties")
        if component.pedigree is not None:
            for j, variant in enumerate(component.pedigree.variants):
                # "the relationship between the components is not known": it may derive from it,
                # and dropping it dropped its terms (a variant of Llama 3 answered YES)
                raise RequestError(f"`{artifact_id}` lists `{component_id(variant)}` as a variant, whose relation "
                                   f"to it CycloneDX leaves unknown: if it derives from it, list it under "
                                   f"pedigree.ancestors (a can-i:base_model_relation property says how); if "
                                   f"not, leave it out", location=f"{path}: {where}.pedigree.variants[{j}]")
            for j, parent in enumerate(component.pedigree.ancestors):
                parent_id = read(parent, f"{where}.pedigree.ancestors[{j}]", ancestor=True)
                if parent_id is not None:
                    data = kind_of.get(parent_id) == "data"
                    where_by = f"{path}: {where}.pedigree.ancestors[{j}].properties"
                    if data:
                        by = _derived_by(parent, where_by, data=True)
                        if by is None or by == "trained_on":
                            # can-i's own BOMs write `trained_on` on every data ancestor: refused as an
                            # unknown relation, no BOM with training data read back (review 22)
                            lineage.edge(artifact_id, parent_id, "trained_on")
                        elif kind_of.get(artifact_id) == "data":
                            # data regrouping data (`merge`, `finetune`, as a request may say and the
                            # writer writes): kept as stated, so the BOM answers as its source (review 22)
                            lineage.edge(artifact_id, parent_id, by)
                        else:
                            # A model takes data only by training on it: read as `trained_on` anyway,
                            # a stated `finetune` was silently dropped (review 19), and data made
                            # from a model's data must say it is data (its own component type).
                            raise RequestError(f"`{parent_id}` is data: a model is trained on data, not made from "
                                               f"it by `{by}`; drop the can-i:derived-by property (or give the "
                                               f"ancestor the type of a model if it is one)", location=where_by)
                    else:
                        by = _derived_by(parent, where_by)
                        _derived(lineage, kind_of, artifact_id, parent_id, by or relation)
        for j, child in enumerate(component.components):
            # a model that contains another model or data carries it
            part = read(child, f"{where}.components[{j}]", ancestor=True)
            if part is not None:
                lineage.edge(artifact_id, part, "trained_on" if kind_of.get(part) == "data" else relation)
        return artifact_id

    subject_ref = None
    if bom.metadata.component is not None:
        subject = read(bom.metadata.component, "metadata.component")
        subject_ref = subject
    raw_components = doc.get("components") or []
    # the library keeps components in a sorted set: positions are looked up by bom-ref / name
    positions = {(c.get("bom-ref") or c.get("name")): i for i, c in enumerate(raw_components) if isinstance(c, dict)}
    for component in bom.components:
        key = component.bom_ref.value if component.bom_ref and component.bom_ref.value else component.name
        read(component, f"components[{positions.get(key, positions.get(component.name, '?'))}]")
    # modelCard datasets (not modelled by the library) and dependencies on data: trained_on
    for raw, where in _raw_components(doc):
        model = None
        if raw.get("type") == "machine-learning-model":   # by its id: a bom-ref is optional
            model = by_ref.get(raw.get("bom-ref")) or _raw_id(raw)
        datasets = ((raw.get("modelCard") or {}).get("modelParameters") or {}).get("datasets") or []
        for j, entry in enumerate(datasets):
            if not isinstance(entry, dict) or model is None:
                continue
            at = f"{path}: {where}.modelCard.modelParameters.datasets[{j}]"
            ref = entry.get("ref")
            if ref is None:
                # an inline dataset (componentData) is not read: its terms would be lost, so say so
                raise RequestError("an inline dataset in a model card is not read: describe it as a `data` "
                                   "component and reference it with `ref`", location=at)
            if ref not in by_ref:
                raise RequestError(f"dataset reference `{ref}` names no data component of the BOM", location=f"{at}.ref")
            lineage.edge(model, by_ref[ref], "trained_on")
    for dependency in bom.dependencies:
        child = by_ref.get(dependency.ref.value)
        # A data component's dependencies are read too (data made from a model, as SPDX 3's
        # dependsOn is): skipped, a dataset that depends on Llama 3 answered YES with the outputs
        # generated.
        if child is None or kind_of.get(child) not in ("model", "data"):
            continue
        for target in dependency.dependencies:
            parent = by_ref.get(target.ref.value)
            if parent is None and target.ref.value in skipped:
                # Weights typed `file`, or a Hub or catalog model typed otherwise, that a model
                # depends on are its ancestor, as in a pedigree: leaving them out dropped their
                # terms (a Llama 3 `file` made a relabelled fine-tune permitted). Libraries and
                # frameworks the catalog does not know stay out, as before.
                other, where = skipped[target.ref.value]
                kb = getattr(lineage, "kb", None)
                if other.type == ComponentType.FILE or _purl_id(other.purl) or (
                        kb is not None and kb.entry(component_id(other)) is not None):
                    del skipped[target.ref.value]
                    lineage.left_out.remove(f"{other.type.value} `{other.name}`")
                    parent = read(other, where, ancestor=True)
            if parent is not None:
                # A model that depends on another carries it: read as derivation, never dropped.
                if kind_of.get(parent) == "data":
                    lineage.edge(child, parent, "trained_on")
                else:
                    _derived(lineage, kind_of, child, parent, None)
    if subject_ref is not None:
        lineage.subject = subject_ref


def _license_ids(lineage, licenses) -> set:
    """CycloneDX licenses (expressions, ids, names) as the license ids they name, to compare: one
    can-i knows (`Apache-2.0`, `LLAMA3`) is its id; anything else its text, case folded."""
    kb = getattr(lineage, "kb", None)
    out = set()
    for lic in licenses:
        text = str(getattr(lic, "value", None) or getattr(lic, "id", None) or getattr(lic, "name", None) or "").strip()
        if text:
            known = kb.resolve_license(text)[0] if kb is not None else None
            out.add(known or text.casefold())
    return out


def _known_ids(lineage, text: str) -> set:
    """A license (an expression: each id in it) as the ids can-i knows them by, else their text
    case folded (as _license_ids)."""
    from . import expressions

    kb = getattr(lineage, "kb", None)
    try:
        parts = expressions.ids(text) or [text]
    except ValueError:
        parts = [text]
    return {(kb.resolve_license(part.strip())[0] if kb is not None else None) or part.strip().casefold()
            for part in parts}


def _raw_id(raw: dict) -> str | None:
    """A component's artifact id from its JSON, as read() makes it from the library's object."""
    name, group = raw.get("name"), raw.get("group")
    if not isinstance(name, str):
        return None
    return _purl_id(raw.get("purl")) or (f"{group}/{name}" if isinstance(group, str) and group else name)


def _raw_components(doc: dict):
    """Every component object of the JSON (metadata.component, components, nested ones and
    pedigree ancestors), with where it is, for the fields the library does not model."""
    stack = []
    metadata = doc.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("component"), dict):
        stack.append((metadata["component"], "metadata.component"))
    stack += [(c, f"components[{i}]") for i, c in enumerate(doc.get("components") or []) if isinstance(c, dict)]
    while stack:
        raw, where = stack.pop()
        yield raw, where
        stack += [(c, f"{where}.components[{i}]") for i, c in enumerate(raw.get("components") or [])
                  if isinstance(c, dict)]
        ancestors = (raw.get("pedigree") or {}).get("ancestors") or []
        stack += [(c, f"{where}.pedigree.ancestors[{i}]") for i, c in enumerate(ancestors) if isinstance(c, dict)]


def _json_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit - 1] + "…"


# --- SPDX 3.0 ------------------------------------------------------------------------------------

_SPDX_MODEL_TYPES = {"ai_AIPackage": "model", "AI_AIPackage": "model", "dataset_DatasetPackage": "data",
                     "Dataset_DatasetPackage": "data"}
_SPDX_LICENSE_LIST = re.compile(r"^https?://spdx\.org/licenses/([A-Za-z0-9.+-]+?)(?:\.html)?$")
# SPDX 3.0.1's RelationshipType vocabulary (and `variantOf`, read as derivation before). A type
# outside it is refused, not skipped: `DESCENDANT_OF` (SPDX 2 spelling) or a typo silently lost
# the edge to a parent, and with it that parent's terms.
_SPDX_RELATIONSHIP_TYPES = frozenset("""
affects amendedBy ancestorOf availableFrom configures contains coordinatedBy copiedTo delegatedTo
dependsOn descendantOf describes doesNotAffect expandsTo exploitCreatedBy fixedBy fixedIn foundBy
generates hasAddedFile hasAssessmentFor hasAssociatedVulnerability hasConcludedLicense hasDataFile
hasDeclaredLicense hasDeletedFile hasDependencyManifest hasDistributionArtifact hasDocumentation
hasDynamicLink hasEvidence hasExample hasHost hasInput hasMetadata hasOptionalComponent
hasOptionalDependency hasOutput hasPrerequisite hasProvidedDependency hasRequirement
hasSpecification hasStaticLink hasTest hasTestCase hasVariant invokedBy modifiedBy other
packagedBy patchedBy publishedBy reportedBy republishedBy serializedInArtifact testedOn trainedOn
underInvestigationFor usesTool variantOf""".split())
_NO_LICENSE = re.compile(r"(NoAssertion|NoneLicense|NOASSERTION|NONE)$")


def _read_spdx3(doc: dict, path: Path, lineage: _Lineage) -> None:
    graph = doc.get("@graph")
    if not isinstance(graph, list):
        raise RequestError("`@graph` must be a list of elements", location=f"{path}: @graph")
    elements: dict[str, tuple[int, dict]] = {}
    for i, element in enumerate(graph):
        if not isinstance(element, dict):
            raise RequestError("an element must be an object", location=f"{path}: @graph[{i}]")
        key = element.get("spdxId") or element.get("@id")
        if key is not None:
            if not isinstance(key, str):
                raise RequestError("`spdxId` must be a string", location=f"{path}: @graph[{i}].spdxId")
            elements[key] = (i, element)

    def text(element: dict, field: str, i: int) -> str | None:
        value = element.get(field)
        if value is not None and not isinstance(value, str):
            raise RequestError(f"`{field}` must be a string", location=f"{path}: @graph[{i}].{field}")
        return value

    ids: dict[str, str] = {}       # spdxId -> artifact id
    kind_of: dict[str, str] = {}
    model_like: dict[str, tuple[str, str]] = {}   # spdxId -> (id, left_out entry): see _Lineage.model_like
    for key, (i, element) in elements.items():
        kind = _SPDX_MODEL_TYPES.get(_type(element))
        if kind is None:
            if _type(element) in ("software_Package", "software_File"):
                lineage.left_out.append(f"{_type(element)} `{element.get('name', key)}`")
                name = element.get("name") if isinstance(element.get("name"), str) else None
                named = _purl_id(element.get("software_packageUrl")) or _hf_url_id(element.get("software_downloadLocation"))
                if _model_named(lineage, named or name or key, named):
                    model_like[key] = (named or name or key, lineage.left_out[-1])
            continue
        purl = text(element, "software_packageUrl", i)
        for ext in element.get("externalIdentifier") or []:
            if isinstance(ext, dict) and ext.get("externalIdentifierType") == "packageUrl":
                purl = purl or ext.get("identifier")
        artifact_id = (_purl_id(purl) or _hf_url_id(text(element, "software_downloadLocation", i))
                       or text(element, "name", i) or key)
        artifact = lineage.add(artifact_id, f"@graph[{i}]")
        ids[key] = artifact_id
        kind_of[artifact_id] = kind
        if kind == "data":   # a dataset package: kept in the request, and written back so
            artifact["kind"] = "dataset"
    def ensure(key: str, where: str, kind: str) -> str:
        """The artifact a lineage relationship names: an AI or dataset package, or any other
        element (or one outside the document, by its IRI), which is then read too, without a
        license unless one is related to it, rather than dropped with its terms."""
        if key not in ids:
            element = elements.get(key, (None, {}))[1]
            name = element.get("name") if isinstance(element.get("name"), str) else None
            ids[key] = lineage.add(_purl_id(element.get("software_packageUrl")) or name or key, where)["id"]
            kind_of.setdefault(ids[key], kind)
        return ids[key]

    relationships = []
    for i, element in enumerate(graph):
        if "Relationship" not in _type(element):
            continue
        source, targets = element.get("from"), element.get("to")
        if isinstance(targets, str):
            targets = [targets]
        if not isinstance(source, str) or not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise RequestError("a Relationship needs `from` (an spdxId) and `to` (a list of them)",
                               location=f"{path}: @graph[{i}]")
        rtype = element.get("relationshipType")
        if rtype not in _SPDX_RELATIONSHIP_TYPES:
            from .vocabulary import suggest

            spelt = {t.lower(): t for t in _SPDX_RELATIONSHIP_TYPES}.get(str(rtype).replace("_", "").lower())
            hint = f" (did you mean `{spelt}`?)" if spelt else suggest(str(rtype), _SPDX_RELATIONSHIP_TYPES)
            raise RequestError(f"unknown relationshipType `{rtype}`{hint}",
                               location=f"{path}: @graph[{i}].relationshipType")
        relationships.append((i, rtype, source, targets))
    # Lineage first, as a work list: an element a relationship brings in may have parents of its own.
    derives = ("descendantOf", "variantOf", "dependsOn", "trainedOn")
    from_source: dict[str, list] = {}
    for relationship in relationships:
        if relationship[1] in derives:
            from_source.setdefault(relationship[2], []).append(relationship)
    pending = [key for key in list(ids)]
    while pending:
        for i, rtype, source, targets in from_source.pop(pending.pop(), []):
            for target in targets:
                known = target in ids
                parent = ensure(target, f"@graph[{i}]", "data" if rtype == "trainedOn" else "model")
                if not known:
                    pending.append(target)
                if rtype == "trainedOn" or kind_of[parent] == "data":
                    lineage.edge(ids[source], parent, "trained_on")
                else:
                    _derived(lineage, kind_of, ids[source], parent, None)
    read = set(derives) | {"contains", "expandsTo", "ancestorOf", "hasVariant", "hasDeclaredLicense",
                           "hasConcludedLicense"}
    unpaired = _read_spdx3_generation(relationships, ids, kind_of, ensure, lineage, read)
    licensed = {source for _, rtype, source, _ in relationships if rtype in ("hasDeclaredLicense", "hasConcludedLicense")}
    for i, rtype, source, targets in relationships:
        # A model that contains a model or data carries it; an archive that expands to them, too.
        if rtype in ("contains", "expandsTo") and source in ids:
            for target in targets:
                element = elements.get(target, (None, {}))[1]
                # A file or package with terms of its own (an unlicensed shard or config file is
                # just part of the model, under the model's license, as before).
                if target not in ids and target in licensed and _type(element) in ("software_Package", "software_File"):
                    # Its weights as a package or file (as a CycloneDX `file` a model depends on):
                    # left out, a Llama 3 package inside an MIT model answered YES to military use.
                    left = f"{_type(element)} `{element.get('name', target)}`"
                    if left in lineage.left_out:
                        lineage.left_out.remove(left)
                    ensure(target, f"@graph[{i}]", "model")
                if target in ids:
                    lineage.edge(ids[source], ids[target], "trained_on" if kind_of[ids[target]] == "data" else None)
    for i, rtype, source, targets in relationships:
        if rtype in ("ancestorOf", "hasVariant"):   # `from` is the parent of each `to`
            for target in targets:
                if target in ids:
                    parent = ensure(source, f"@graph[{i}]", "model")
                    if kind_of[parent] == "data":
                        lineage.edge(ids[target], parent, "trained_on")
                    else:
                        _derived(lineage, kind_of, ids[target], parent, None)
    for i, rtype, source, targets in relationships:
        if rtype in ("hasDeclaredLicense", "hasConcludedLicense") and source in ids:
            artifact_id = ids[source]
            for target in targets:
                before = (len(lineage.licenses.get(artifact_id, [])), len(lineage.names.get(artifact_id, [])))
                _spdx_license(lineage, artifact_id, target, elements, f"{path}: @graph[{i}]")
                added = lineage.licenses.get(artifact_id, [])[before[0]:] + lineage.names.get(artifact_id, [])[before[1]:]
                into = lineage.declared if rtype == "hasDeclaredLicense" else lineage.concluded
                for text in added:
                    into.setdefault(artifact_id, set()).update(_known_ids(lineage, text))
    # Nothing that touches a model or dataset is dropped unsaid: a relationship this reader does not
    # take as lineage (testedOn, hasDocumentation, …) is named in a note, so a reader can check
    # that none of them carries terms.
    unread: dict[str, list[int]] = {}
    for i, rtype, source, targets in relationships:
        if (rtype not in read or i in unpaired) and (source in ids or any(t in ids for t in targets)):
            unread.setdefault(rtype, []).append(i)
    if unread:
        listed = ", ".join(f"{rtype} ×{len(at)} (@graph[{at[0]}]{', …' if len(at) > 1 else ''})"
                           for rtype, at in sorted(unread.items()))
        lineage.notes.append({"code": "bom_relationships_unread",
                              "message": f"{path}: relationships not read as lineage: {listed}; if one of them "
                                         f"carries terms, state it as descendantOf, trainedOn or contains"})
    # A package that names a model and that no relationship names (one that is part of a model,
    # as an unlicensed shard it `contains`, is read as that model's)
    related = {key for _, _, source, targets in relationships for key in (source, *targets)}
    for key, (artifact_id, label) in model_like.items():
        if key not in related:
            lineage.model_like[artifact_id] = label
    for key, (i, element) in elements.items():   # the document's root element is the subject
        if _type(element) in ("SpdxDocument", "software_Sbom", "Bundle", "Bom"):
            roots = [ids[r] for r in element.get("rootElement") or [] if isinstance(r, str) and r in ids]
            if len(roots) == 1:
                lineage.subject = roots[0]


def _stated_facts(artifact: dict, stated: dict[str, list[str]], data: bool, where: str) -> None:
    """The facts a component's `can-i:FIELD` properties state (one property per value of a field
    that holds several, `can-i:modalities`), set on its artifact as a request states them: the
    request reader checks each value. Two values of a one-value field, or a value other than one
    read before for the same artifact (a component and its pedigree entry), cannot both hold: an
    input error, as two disagreeing names on a card are."""
    for field, values in stated.items():
        fact = schema.ARTIFACT_FIELDS[field]
        if fact.many:
            value = list(dict.fromkeys(values))
        elif len(set(values)) > 1:
            raise RequestError(f"`can-i:{field}` is given {len(values)} values ({', '.join(values)}): "
                               f"give one", location=where)
        else:
            value = values[0]
        if field == "kind" and (value == "dataset") != data:
            # the component's type says it too, and the reader's lineage follows the type
            raise RequestError(f"`can-i:kind` is `{value}`, but the component's type "
                               f"{'is' if data else 'is not'} `data`: give it the type that says what it is",
                               location=where)
        before = artifact.get(field)
        if before is not None and (set(before) != set(value) if fact.many else before != value):
            raise RequestError(f"`can-i:{field}` is {value!r} here and {before!r} where `{artifact['id']}` "
                               f"is listed before: state it once", location=where)
        artifact[field] = value


def _known_property(name: str, where: str) -> None:
    """Refuse a `can-i:` property can-i neither reads nor writes, with the name it may mean."""
    if not name.lower().startswith("can-i:"):
        return
    rest = name[len("can-i:"):]
    if rest in _READ_PROPERTIES or rest in _WRITTEN_PROPERTIES or rest.startswith(_WRITTEN_FAMILIES):
        return
    from .vocabulary import suggest

    raise RequestError(f"unknown property `{name}`{suggest(rest, _READ_PROPERTIES)}: can-i reads "
                       + ", ".join(f"can-i:{known}" for known in _READ_PROPERTIES), location=where)


def _derived_by(ancestor, where: str, data: bool = False) -> str | None:
    """The relation a `can-i:derived-by` property of a pedigree ancestor entry names, if any: for
    a `data` ancestor (`data`) `trained_on` too, which a model's parent model never is."""
    from .vocabulary import MODEL_RELATIONS, RELATIONS, suggest

    known = RELATIONS if data else MODEL_RELATIONS
    for prop in ancestor.properties:
        if DERIVED_BY_PROPERTY.search(prop.name or ""):
            value = (prop.value or "").strip()
            if value not in known:
                raise RequestError(f"unknown derived-by relation `{value}`{suggest(value, known)}",
                                   location=where)
            return value
    return None


def _derived(lineage, kind_of: dict, child: str, parent: str, relation: str | None) -> None:
    """`child` derives from the model `parent` by `relation` (None: unsaid, `finish` makes it a
    fine-tune or a merge). Data made from a model, no relation said, may hold its outputs too
    (as `generates` reads it): so it is also `distilled` from it. Read as a fine-tune alone, the
    outputs-as-data rules never saw it (a Mistral model trained on a dataset `descendantOf`
    Llama 3, outputs generated by the user: YES); read as outputs alone, the data no longer
    carried Llama 3's terms (using it for military purposes: YES)."""
    lineage.edge(child, parent, relation)
    if relation is None and kind_of.get(child) == "data":
        lineage.also_outputs(child, parent)


def _read_spdx3_generation(relationships, ids: dict, kind_of: dict, ensure, lineage: _Lineage, read: set) -> set:
    """`generates` (`from` makes each `to`) and a process's `hasInput` / `hasOutput` (each output is
    made from each input) as lineage. Made from data: trained on it. Made from a model: a model is
    read as derived from it (finetune, which carries the terms of every license that reaches
    derivatives at all), and data it makes as its outputs (`distilled`), which also reach every model
    trained on that data through the rules' `synthetic` (a model trained on Gemma's synthetic data
    is a Gemma Model Derivative). No direct `distilled` edge from the generator to that model: it
    made the model's trainer a distiller of the generator, NO where the JSON lineage, a recipient
    of its outputs, is DEPENDS (review 22 LOW 4).
    Returns the @graph places of the hasInput / hasOutput relationships read as nothing (an element
    with inputs and no outputs, or the reverse: a model that `hasInput` its training data), for the
    note that names what was not read."""
    read.update(("generates", "hasInput", "hasOutput"))
    inputs: dict[str, list[tuple[str, int]]] = {}
    for i, rtype, source, targets in relationships:
        if rtype == "hasInput":
            inputs.setdefault(source, []).extend((target, i) for target in targets)
    outputs = {source for _, rtype, source, _ in relationships if rtype == "hasOutput"}
    unpaired = {i for i, rtype, source, _ in relationships
                if rtype == "hasInput" and source not in outputs or rtype == "hasOutput" and source not in inputs}
    made = [0]   # edges made so far (MAX_GENERATED_EDGES)

    def count(i: int | None) -> None:
        made[0] += 1
        if made[0] > MAX_GENERATED_EDGES:
            raise LimitError(f"generates and hasInput x hasOutput relationships make more than "
                             f"{MAX_GENERATED_EDGES:,} lineage edges",
                             location=f"{lineage.path}: @graph[{i}]" if i is not None else str(lineage.path))

    def make(maker: str, target: str, i: int) -> None:
        if target not in ids and maker not in ids:
            return   # neither end is a model or dataset (a build making a binary)
        count(i)
        child = ensure(target, f"@graph[{i}]", "model")
        parent = ensure(maker, f"@graph[{i}]", "model")
        if kind_of[parent] == "data":
            lineage.edge(child, parent, "trained_on")
        elif kind_of[child] == "data":
            lineage.edge(child, parent, "distilled")
        else:
            lineage.edge(child, parent, None)

    for i, rtype, source, targets in relationships:
        if rtype == "generates":
            for target in targets:
                make(source, target, i)
    for i, rtype, source, targets in relationships:
        given = inputs.get(source) if rtype == "hasOutput" else None
        if not given:
            continue
        # Each output from each input, pair by pair in this order, as `make` takes them, without
        # walking the pairs it would pass over (neither end a model or dataset). An output that is
        # one takes every input; any other, every input from the first that is one (`first`):
        # that pair makes the output one (`ensure`), so every later input pairs with it too.
        # Each input paired is one from then on.
        place = {}
        for k, (g, _) in enumerate(given):
            place.setdefault(g, k)
        first = next((k for k, (g, _) in enumerate(given) if g in ids), None)
        for target in targets:
            start = 0 if target in ids else first
            if start is None:
                continue
            for g, j in given[start:]:
                make(g, target, j)
            first = start if first is None else min(first, start)
            if place.get(target, first) < first:   # an output that is also an input: one now
                first = place[target]
    return unpaired


def _type(element: dict) -> str:
    value = element.get("type") or element.get("@type") or ""
    return value if isinstance(value, str) else ""


def _spdx_license(lineage: _Lineage, artifact_id: str, target: str, elements: dict, where: str) -> None:
    """One license a Relationship points to: an expression element, a listed license (element or
    the license list's IRI), a custom license by name; NoAssertion and None state nothing."""
    if target in elements:
        i, element = elements[target]
        kind = _type(element)
        if kind.endswith("LicenseExpression"):
            value = element.get("simplelicensing_licenseExpression")
            if not isinstance(value, str) or not value.strip():
                raise RequestError("a LicenseExpression needs `simplelicensing_licenseExpression`",
                                   location=f"{where.split(': ')[0]}: @graph[{i}]")
            lineage.license(artifact_id, expression=value)
            return
        see_also = element.get("expandedlicensing_seeAlso")
        if kind.endswith("ListedLicense") and _SPDX_LICENSE_LIST.match(target):
            # A license of SPDX's list, named by its IRI there: its seeAlso is the list's own
            # reference addresses, not the document's statement (GPL-2.0-or-later's includes
            # opensource.org/licenses/GPL-2.0, which would bind gpl-2.0 beside it, review 27).
            see_also = None
        for address in see_also if isinstance(see_also, list) else [see_also]:
            if isinstance(address, dict) and isinstance(address.get("@value", address.get("@id")), str):
                # JSON-LD's value object (`{"@value": "https://…"}`) is the same address
                address = address.get("@value", address.get("@id"))
            if isinstance(address, str) and address.strip():   # the text's address: it binds (CycloneDX `url`)
                lineage.links.setdefault(artifact_id, []).append(address)
            elif address is not None and not (isinstance(address, str) and not address.strip()):
                # anything else was dropped without a word (review 27): noted as an unread link
                # (subjects._add_linked_license notes a link list's entries that are no address)
                lineage.links.setdefault(artifact_id, []).append(address)
        if kind.endswith("ListedLicense"):
            match = _SPDX_LICENSE_LIST.match(target)
            lineage.license(artifact_id, expression=match.group(1) if match else None,
                            name=None if match else element.get("name"))
            return
        if kind.endswith("CustomLicense"):
            lineage.license(artifact_id, name=element.get("name") or target)
            return
    if _NO_LICENSE.search(target):
        return
    match = _SPDX_LICENSE_LIST.match(target)
    if match:
        lineage.license(artifact_id, expression=match.group(1))
        return
    # A license element this reader does not know: kept by name, so the answer is UNKNOWN naming it.
    lineage.license(artifact_id, name=target.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


# --- writing an answer as CycloneDX ---------------------------------------------------------------

def write_cyclonedx(engine, request: dict, result, question: str) -> str:
    """The answer for a lineage as a CycloneDX 1.6 JSON BOM: every model and dataset of the
    lineage (the catalog's filled in) with its declared license and the licenses that reach it,
    ancestors as pedigree and dependencies, and the verdict, reasons, obligations and risks as
    `can-i:` properties of the subject (metadata.component).

    >>> from reasoner import Reasoner                                     # doctest: +SKIP
    >>> r = Reasoner(); req = {"artifacts": [{"id": "m", "license": "mit"}], "use": {"acts": ["distribute"]}}
    >>> json.loads(write_cyclonedx(r, req, r.ask(req), "distribute m"))["bomFormat"]   # doctest: +SKIP
    'CycloneDX'
    """
    try:
        from cyclonedx.model import Property
        from cyclonedx.model.bom import Bom
        from cyclonedx.model.component import Component, ComponentType, Pedigree
        from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
        from cyclonedx.output.json import JsonV1Dot6
        from cyclonedx.spdx import fixup_id
        from packageurl import PackageURL
    except ImportError:
        raise UsageProblem("--cyclonedx needs cyclonedx-python-lib: pip install \"can-i[bom]\"") from None
    from . import __version__
    from .request import read_request

    asked = read_request(request)
    completed = engine.complete(asked)
    # The facts the question states of each artifact (not the catalog's, which it fills in again
    # when the BOM is read back), written as the reader reads them (`can-i:name`, …).
    stated = {a.id: a for a in asked.artifacts}
    parents_of = {a.id: [e for e in a.derived_from] for a in completed.artifacts}
    # Data: what the lineage trains on, what a BOM or the request said is a dataset (`kind`), and the
    # dataset catalog's. Typed `machine-learning-model` instead, a dataset made from Llama 3 read back
    # as a fine-tune of it, and its outputs were lost (review 8).
    data_ids = {e.parent for a in completed.artifacts for e in a.derived_from if e.relation == "trained_on"}
    data_ids |= {a.id for a in completed.artifacts if a.kind == "dataset"
                 or (a.kind is None and engine.kb.dataset(a.id) is not None and engine.kb.model(a.id) is None)}
    reaching: dict[str, list[str]] = {}
    for applied in result.applicable:
        via = f" via {' <- '.join(applied.via)}" if applied.via else ""
        reaching.setdefault(applied.artifact, []).append(f"{applied.license}{via}")

    def licenses(artifact):
        if not artifact.license:
            return []
        expression = artifact.license
        if artifact.license_name and expression.strip().lower() == "other":
            return [DisjunctiveLicense(name=artifact.license_name)]
        if re.fullmatch(r"[A-Za-z0-9.+-]+", expression.strip()):
            spdx = fixup_id(expression.strip())
            if not spdx and engine.kb.resolve_license(expression.strip())[0] is None:
                # Read back, a name no license is known by is `other` so named, UNKNOWN: an id the
                # question reads otherwise (`gpl`, a family whose versions it weighs) is kept as the
                # id it was, in an expression (a `gpl` fine-tune of Llama 3, NO as asked, came back UNKNOWN).
                return [LicenseExpression(expression.strip())]
            return [DisjunctiveLicense(id=spdx) if spdx else DisjunctiveLicense(name=expression.strip())]
        return [LicenseExpression(expression)]

    def purl(artifact_id: str):
        if "/" in artifact_id and re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", artifact_id):
            namespace, name = artifact_id.split("/")
            return PackageURL(type="huggingface", namespace=namespace, name=name)
        return None

    def component(artifact, with_ref: bool = True, properties=()) -> "Component":
        group, _, name = artifact.id.rpartition("/") if "/" in artifact.id else ("", "", artifact.id)
        kind = ComponentType.DATA if artifact.id in data_ids else ComponentType.MACHINE_LEARNING_MODEL
        props = [Property(name="can-i:license-reaches", value=text) for text in reaching.get(artifact.id, [])]
        for edge in artifact.derived_from:
            props.append(Property(name="can-i:derived-from", value=f"{edge.parent} ({edge.relation})"))
        if artifact.mine:
            props.append(Property(name="can-i:mine", value="true"))
        for field in _ARTIFACT_PROPERTIES:
            value = getattr(stated.get(artifact.id), field, None)
            said = schema.USE_STATES_ARTIFACT_FIELD.get(field)
            if value is None and said is not None and artifact.id == result.subject:
                # `--name` states the name of the model asked about in the use (solve.attribute):
                # left out, `distill Llama 3.1 --name Student --and distribute` (NO) read back YES
                value = getattr(asked.use, said.attr, None)
            for one in (value if schema.ARTIFACT_FIELDS[field].many else [value]) if value is not None else ():
                props.append(Property(name=f"can-i:{field}", value=str(one)))
        return Component(name=name, group=group or None, type=kind, bom_ref=artifact.id if with_ref else None,
                         licenses=licenses(artifact), purl=purl(artifact.id), properties=[*props, *properties])

    by_id = {a.id: a for a in completed.artifacts}
    verdict = [Property(name="can-i:question", value=question),
               Property(name="can-i:status", value=result.status)]
    # A YES reached through an OR expression holds only under the alternative taken: without it a
    # reader of the BOM would see "permitted" beside `A OR B` and could take the other one.
    for artifact_id, ids in sorted((getattr(result, "choice", None) or {}).items()):
        verdict.append(Property(name="can-i:choice", value=f"{artifact_id} under {' AND '.join(ids)}"))
    for r in result.reasons:
        verdict.append(Property(name=f"can-i:reason:{r.kind}",
                                value=f"{r.license} §{r.clause or '-'}: {r.message}"))
    for o in result.obligations:
        verdict.append(Property(name="can-i:obligation", value=f"{o.license} §{o.clause} ({o.duty}): {o.message}"))
    for d in result.depends_on:
        verdict.append(Property(name="can-i:depends-on",
                                value=f"{d.fact} {d.op} {d.value} -> {d.then} ({d.license} §{d.clause})"))
    for k in result.risks:
        verdict.append(Property(name=f"can-i:risk:{k.risk}", value=f"{k.license} §{k.clause or '-'}: {k.message}"))
    for n in result.notes:
        verdict.append(Property(name=f"can-i:note:{n.code}", value=n.message))
    policy = getattr(result, "policy", None)
    if policy is not None:
        # The profile's license policy judges the answer too (and sets the exit code): without it a
        # BOM of a model the policy denies read as a clean YES (review 36).
        verdict.append(Property(name="can-i:policy", value=policy.status))
        for finding in policy.findings:
            via = " <- ".join(f"{child} ({relation}) {parent}" for child, relation, parent in finding.via)
            verdict.append(Property(name="can-i:policy-finding",
                                    value=f"{finding.license} on {finding.artifact}: {finding.list}"
                                          + (f" via {via}" if via else "")))

    components = {}
    for artifact in completed.artifacts:
        extra = verdict if artifact.id == result.subject else ()
        components[artifact.id] = component(artifact, properties=extra)
    for artifact_id, item in components.items():
        # Each ancestor entry says how this component derives from it (the reader's `derived-by`).
        ancestors = [component(by_id[e.parent], with_ref=False,
                               properties=[Property(name="can-i:derived-by", value=e.relation)])
                     for e in parents_of[artifact_id] if e.parent in by_id]
        if ancestors:
            item.pedigree = Pedigree(ancestors=ancestors)
    # The same question gives the same bytes, as the JSON response does: a serial number derived
    # from the question and its answer, and no timestamp (optional in CycloneDX).
    import uuid

    digest = json.dumps([request, result.to_json()], sort_keys=True, default=str)
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, "can-i:" + digest))
    bom.metadata.timestamp = None
    bom.metadata.component = components.pop(result.subject, None)
    bom.metadata.tools.components.add(Component(type=ComponentType.APPLICATION, name="can-i",
                                                version=str(__version__)))
    for item in components.values():
        bom.components.add(item)
    everything = {**components}
    if bom.metadata.component is not None:
        everything[result.subject] = bom.metadata.component
    for artifact_id, item in everything.items():
        parents = [everything[e.parent] for e in parents_of.get(artifact_id, []) if e.parent in everything]
        if parents:
            bom.register_dependency(item, parents)
    # the library escapes every non-ASCII character (`\u00a7` for §); written again as UTF-8
    return json.dumps(json.loads(JsonV1Dot6(bom).output_as_string()), indent=2, ensure_ascii=False)
