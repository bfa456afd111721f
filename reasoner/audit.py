"""`can-i audit`: every model card of a folder, a JSON Lines file or a Hub metadata dump, read
as one lineage graph and answered together.

The question for each model is its publisher's: "may it be distributed as its card declares?"
(the card's model is the publisher's own, the license it declares is what recipients get, and
every license it inherits from its parents binds it). A card stating no license is UNKNOWN
(missing license); a catalog model's card is answered as the catalog knows it. With a profile,
each model is also asked "may we use and host it?" under the profile's facts.

The layers: `read_cards` (files to `Card`s) → `AuditGraph` (one graph; a card's `base_model`
is found among the run's cards, else the catalog, else the optional `resolver`) → `plan_chunks`
(connected components packed into chunks) → `answer_chunk` (one chunk: requests built, shapes
answered once, rows) → `summarise` and the renderers. `answer_chunk` is a plain function of
plain data, so that a process pool (`--jobs`) or a distributed engine can call it per chunk.

>>> report = audit_cards([Card("org/ft", "cards.jsonl", 1, {"license": "apache-2.0",
...                                                          "base_model": "meta-llama/Meta-Llama-3-8B"})])
>>> report.rows[0]["status"], report.rows[0]["kinds"]
('forbidden', ['relabelled'])
"""

from __future__ import annotations

import collections
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import expressions
from .errors import CanIError, RequestError, one_line
from .kb import HUB_CARD_LICENSES, fold_id, publisher_of

ACT = "distribute"
USE_ACTS = ["use", "host"]          # what a profile's holder asks of every model
CARD_SUFFIXES = (".md",)
LINES_SUFFIXES = (".jsonl", ".ndjson")
CHUNK_MODELS = 2_000                # models per chunk handed to a worker
ASK_SLICE = 1_000                   # questions per answer_each call
# Ancestors among the run's cards one model's question may hold (AuditGraph.closure): past it the
# model is not answered (an invalid row, exit 2), so that the work grows with the cards, at most
# this many artifacts a model. Real Hub lineages are a few cards deep (the sample's deepest: 4).
MAX_AUDIT_ANCESTRY = 100

# Reason kinds, each a SARIF rule: (id, short description). Order: most serious first.
KINDS = {
    "conflict": "two licenses the model inherits cannot both be met",
    "relabelled": "the declared license drops terms the model inherits",
    "prohibited": "a license forbids the act or does not grant it",
    "unknown-parent": "a base model whose license is not known",
    "unknown-dataset": "a dataset whose license is not known",
    "missing-license": "the card states no license",
    "unknown-license": "the card's license is unnamed or not encoded",
    "depends": "the answer turns on facts the audit does not know",
    "invalid-card": "the card cannot be read",
}
STATUSES = ("forbidden", "invalid", "unknown", "depends", "permitted")
SEVERITY = {status: rank for rank, status in enumerate(STATUSES)}
RELICENSE_CONFLICT = "recipients would get only "   # rules.lp relicense_conflict's template


@dataclass
class Card:
    """One model card as read: its model id, where it was read (file, line) and its parsed front
    matter (`meta`), or the one-line reason it could not be read (`error`)."""
    id: str
    source: str
    line: int = 1
    meta: dict | None = None
    error: str | None = None
    lines: dict = field(default_factory=dict)   # front-matter key -> line in `source`


# --- reading ---------------------------------------------------------------------------------

def read_cards(paths: Iterable) -> list[Card]:
    """Every card under `paths` (see `iter_cards`), as a list."""
    return list(iter_cards(paths))


def iter_cards(paths: Iterable):
    """Every card under `paths`, one at a time (a registry's dump need not be held twice):
    README.md / *.md files with YAML front matter, folders searched recursively for README.md,
    JSON Lines of `{id, front_matter}` or of Hub metadata with `cardData`, and JSON lists of Hub
    metadata. A path that cannot be read is a RequestError (one line, naming it), raised before
    any card is read; a card that cannot be read is a Card with its `error`."""
    paths = [Path(given) for given in paths]
    for path in paths:
        if not path.exists():
            raise RequestError("no such file or folder", location=str(path))
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower() == "readme.md")
            if not found:
                raise RequestError("no README.md model card in this folder", location=str(path))
            for card_path in found:
                relative = card_path.parent.relative_to(path).as_posix()
                model_id = relative if relative != "." else path.resolve().name
                yield _markdown_card(card_path, model_id)
        else:
            suffix = path.suffix.lower()
            if suffix in LINES_SUFFIXES or suffix == ".json":
                # A dump holding no record (an empty file, `[]`, blank lines) is an error, as a
                # folder holding no README.md is: audited as "0 models", it exited 0 ("every model
                # permitted"), and a CI gate passed the empty dump a failed export left (review 25).
                found = 0
                for found, card in enumerate(_lines_cards(path) if suffix in LINES_SUFFIXES else _json_cards(path), 1):
                    yield card
                if not found:
                    raise RequestError("no model card in this file (it holds no record)", location=str(path))
            else:
                model_id = path.resolve().parent.name if path.name.lower() == "readme.md" else path.stem
                yield _markdown_card(path, model_id)


def _text(path: Path) -> str:
    from .request import read_input_file

    raw = read_input_file(path, "file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RequestError(f"not UTF-8 text (byte {exc.start})", location=str(path)) from None


def _markdown_card(path: Path, model_id: str) -> Card:
    try:
        text = _text(path)
    except CanIError as exc:
        return Card(model_id, str(path), 1, error=one_line(exc.message))
    from .files import text_lines

    lines = text_lines(text)   # not str.splitlines: a U+2028 is no line break of a card (files._LINE_BREAK)
    if not lines or lines[0].strip() != "---":
        return Card(model_id, str(path), 1, error="model card has no YAML front matter (it must start with `---`)")
    # At column 0 only, as subjects.model_card and hub._read_front_matter read it: `  ---` inside a
    # block scalar is text, and ending there hid every key after it (review 23: a Llama
    # base_model under a description, audited as MIT and permitted).
    from .subjects import front_matter_end

    try:
        end = front_matter_end(lines, text)   # a `...` the Hub reads past is refused (review 25)
    except CanIError as exc:
        return Card(model_id, str(path), int(exc.location), error=f"{path}:{exc.location}: {one_line(exc.message)}")
    if end is None:
        return Card(model_id, str(path), 1, error="model card front matter is not closed by a `---` line")
    card = _front_matter_card(model_id, str(path), "\n".join(lines[1:end]), 1, 1)
    card.lines = {m.group(1): n + 1 for n in range(1, end) if (m := re.match(r"([A-Za-z_][\w-]*):", lines[n]))}
    return card


def _front_matter_card(model_id: str, source: str, text: str, line: int, offset: int) -> Card:
    from .subjects import _yaml

    try:
        meta = _yaml(text, Path(source), offset)
    except CanIError as exc:
        return Card(model_id, source, line, error=one_line(exc.message))
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return Card(model_id, source, line, error="model card front matter must be a mapping of keys")
    return Card(model_id, source, line, meta)


def _record_card(record, source: str, line: int) -> Card:
    """One JSON record: `{id, front_matter}` (the sample) or Hub metadata (`id`/`modelId`, `cardData`)."""
    if not isinstance(record, dict):
        return Card(f"{source}:{line}", source, line, error="not a JSON object with `id` and a card")
    if "bomFormat" in record or "@graph" in record:   # a CycloneDX or SPDX 3 document, not a card
        # (it said "no `id` naming the model", as if the BOM were a broken card)
        return Card(f"{source}:{line}", source, line,
                    error="a BOM (CycloneDX or SPDX 3): audit reads model cards; ask about a BOM's models "
                          "with `can-i distribute FILE`")
    model_id = record.get("id") or record.get("modelId")
    if not isinstance(model_id, str) or not model_id.strip():
        return Card(f"{source}:{line}", source, line, error="no `id` (or `modelId`) naming the model")
    model_id = model_id.strip()
    other_id = record.get("modelId") if record.get("id") else None
    if other_id is not None and (not isinstance(other_id, str) or other_id.strip() != model_id):
        # The Hub gives both, alike; two names for one record would leave the children that name
        # the other one reading a parent nobody audited (review 23).
        return Card(model_id, source, line, error=f"`id` ({model_id}) and `modelId` ({other_id}) name different "
                                                  f"models: give one")
    given = [key for key in ("front_matter", "cardData", "card_data") if record.get(key) is not None]
    if given == ["cardData", "card_data"] and record["cardData"] == record["card_data"]:
        given = ["cardData"]   # one card under both spellings (a dump of huggingface_hub's ModelInfo)
    if len(given) > 1:
        # One of them was read and the other dropped without a word: a `front_matter` saying mit
        # beside a `cardData` saying cc-by-nc-4.0 with a Llama base model was audited as MIT and
        # permitted (review 23).
        return Card(model_id, source, line, error=f"the record gives its card twice ({' and '.join(f'`{k}`' for k in given)}): "
                                                  f"give one")
    if isinstance(record.get("front_matter"), str):
        return _front_matter_card(model_id, source, record["front_matter"], line, 0) if record["front_matter"].strip() \
            else Card(model_id, source, line, {})
    if "front_matter" in record and record["front_matter"] is not None:
        # Already parsed (a mapping) it is the card's keys; anything else is an error: read as no
        # card at all, the card's license, base models and data were dropped without a word.
        if not isinstance(record["front_matter"], dict):
            return Card(model_id, source, line, error="`front_matter` must be the card's YAML text or a mapping of card keys")
        return Card(model_id, source, line, record["front_matter"])
    card_data = record.get("cardData", record.get("card_data"))
    if card_data is None:
        return Card(model_id, source, line, {})      # a model with no card states nothing
    if not isinstance(card_data, dict):
        return Card(model_id, source, line, error="`cardData` must be a mapping of card keys")
    return Card(model_id, source, line, card_data)


MAX_LINE_BYTES = 1 << 20    # one card's record; a whole dump may be larger than one request file


def _lines_cards(path: Path):
    """JSON Lines, streamed: a registry's dump may hold millions of cards (more than the 10 MiB a
    request file may be), each line is bounded instead."""
    if not path.is_file():
        raise RequestError("not a regular file", location=str(path))
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise RequestError(one_line(exc.strerror or str(exc)).lower(), location=str(path)) from None
    with handle:
        for number, raw in enumerate(handle, 1):
            if len(raw) > MAX_LINE_BYTES:
                yield Card(f"{path}:{number}", str(path), number, error=f"line longer than {MAX_LINE_BYTES >> 20} MiB")
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Card(f"{path}:{number}", str(path), number, error=f"not UTF-8 text (byte {exc.start})")
                continue
            if line.strip():
                yield _line_card(line, path, number)


def _line_card(line: str, path: Path, number: int) -> Card:
    # A key given twice is an error, as in every other JSON can-i reads (request.unique_keys): a
    # second `license` must not silently replace the first (cc-by-nc-4.0 then mit read as mit).
    from .request import DuplicateKeyError, unique_keys

    try:
        record = json.loads(line, object_pairs_hook=unique_keys)
    except DuplicateKeyError as exc:
        return Card(f"{path}:{number}", str(path), number, error=str(exc))
    except (ValueError, RecursionError) as exc:
        return Card(f"{path}:{number}", str(path), number, error=f"not valid JSON: {one_line(str(exc))}")
    if _SURROGATE_ESCAPE.search(line) and not _writable(record):
        return Card(f"{path}:{number}", str(path), number, error=_SURROGATE_ERROR)
    return _record_card(record, str(path), number)


# JSON may escape half of a UTF-16 pair alone (`"\ud800"`): no character, it cannot be written as
# UTF-8, and every report quoting the record (its id, its license label) ended in a traceback
# (review 31). Such a record is not read. The text is searched first: decoding it all again for
# every record of a dump would cost more than the audit.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ERROR = "the record holds a lone surrogate (a `\\ud800`-style escape, half of a UTF-16 pair): no character"


def _writable(record) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_cards(path: Path) -> list[Card]:
    from .request import DuplicateKeyError, duplicate_key_location, unique_keys

    text = _text(path)
    try:
        doc = json.loads(text, object_pairs_hook=unique_keys)   # a key twice is an error (_line_card)
    except DuplicateKeyError as exc:
        at = duplicate_key_location(text)
        raise RequestError(str(exc), location=f"{path}:{at}" if at else str(path)) from None
    except json.JSONDecodeError as exc:
        raise RequestError(f"not valid JSON: {exc.msg}", location=f"{path}:{exc.lineno}:{exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise RequestError(f"not valid JSON: {one_line(str(exc))}", location=str(path)) from None
    records = doc if isinstance(doc, list) else [doc]
    # A record's line: where its id is written (a pretty-printed dump holds one record per block).
    starts = [m.start() for m in re.finditer(r'"(?:id|modelId)"\s*:', text)]
    lines, line, at = [], 1, 0
    for start in starts:          # counted as we go: a dump of 50,000 records is read once
        line += text.count("\n", at, start)
        lines.append(line)
        at = start
    if len(lines) != len(records):   # ids written twice or nested: say the file, not a wrong line
        lines = [1] * len(records)
    check = _SURROGATE_ESCAPE.search(text) is not None
    return [Card(f"{path}:{line}", str(path), line, error=_SURROGATE_ERROR) if check and not _writable(record)
            else _record_card(record, str(path), line) for record, line in zip(records, lines)]


# --- the graph ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Model:
    """One model of the graph: its card's own artifact (license, edges) and what reading it said."""
    id: str
    source: str
    line: int
    artifact: dict | None = None        # None: the card could not be read
    notes: list = field(default_factory=list)
    error: str | None = None
    lines: dict = field(default_factory=dict)
    audited: bool = True                # False: a parent the resolver fetched, not asked about


def _terms(model: Model):
    """What a model's card says that binds its children (its artifact without its id), or its
    error: two cards for one id agree when these are equal."""
    if model.artifact is None:
        return ("error", model.error)
    return {k: v for k, v in model.artifact.items() if k != "id"}


class AuditGraph:
    """One lineage graph over every card of a run. A card's `base_model` is looked up, in order,
    among the run's cards (exactly, then ignoring case), in the catalog, and with `resolver`
    (a function from a model id to its card's front matter, or None), which the Hub plugs into."""

    def __init__(self, kb, cards: Iterable[Card], resolver: Callable | None = None):
        from .subjects import card_artifacts

        self.kb = kb
        self.models: dict[str, Model] = {}
        self._folded: dict[str, str] = {}
        self._ambiguous: set[str] = set()   # folded ids given by cards that differ (see _add)
        # The licenses the Hub cards the resolver read state, by folded id (kb.HUB_CARD_LICENSES):
        # carried with each chunk, so that a licensor's release its card states is believed by the
        # process answering it (--jobs N, Dask) as by `can-i ... --hub` (review 4).
        self.hub_cards: dict[str, tuple[str, str | None]] = {}
        for card in cards:
            self._add(card, card_artifacts)
        if resolver is not None:
            self._resolve(resolver, card_artifacts)

    def _add(self, card: Card, card_artifacts, audited: bool = True) -> None:
        model_id = card.id
        if model_id in self.models:
            # The same id twice (two folders named alike, a dump listing a model again): a card
            # left out would be a model nobody audited, so a second card is audited under its own
            # name; children's `base_model` finds the first.
            first = self.models[model_id]
            model_id = f"{card.id} ({card.source}:{card.line})"
            first.notes.append({"code": "audit_duplicate",
                                "message": f"`{card.id}` is given again at {card.source}:{card.line}; that card "
                                           f"is audited as `{model_id}`"})
        model = Model(model_id, card.source, card.line, error=card.error, lines=card.lines, audited=audited)
        if model_id != card.id:
            model.notes.append({"code": "audit_duplicate", "message": f"`{card.id}` is also given by an earlier card"})
        if card.error is None:
            def at(key: str) -> str:
                return f"{card.source}:{card.lines.get(key, card.line)}"
            try:
                artifacts, _ = card_artifacts(self.kb, card.meta, model_id, at, notes=model.notes)
                model.artifact = artifacts[0]
            except CanIError as exc:
                where = exc.location or f"{card.source}:{card.line}"
                model.error = f"{where}: {one_line(exc.message)}"
        self.models[model_id] = model
        folded = card.id.casefold()
        first = self._folded.get(folded)
        if first is not None and first != model_id and _terms(self.models[first]) != _terms(model):
            # Two different cards for one Hub id (ids compare without case): which one a child
            # derives from is not known, and taking the first would make a child's answer hang on
            # the order of the input (YES after a MIT card, NO after a CC-BY-NC one). Its
            # children read it as a parent the run does not settle: UNKNOWN, never YES.
            if folded not in self._ambiguous:
                self.models[first].notes.append({
                    "code": "audit_ambiguous",
                    "message": f"`{card.id}` is given by cards that differ ({self.models[first].source}:"
                               f"{self.models[first].line}, {card.source}:{card.line}): models deriving from it "
                               f"read it as unknown"})
            self._ambiguous.add(folded)
        self._folded.setdefault(model_id.casefold(), model_id)

    def _resolve(self, resolver: Callable, card_artifacts) -> None:
        """Fetch the cards of parents neither the run nor the catalog knows, and theirs in turn."""
        asked: set = set()
        queue = [p for m in list(self.models.values()) for p in self.parents(m)]
        while queue:
            parent = queue.pop()
            if parent in asked or self.find(parent) or self.kb.entry(parent) or parent.casefold() in self._ambiguous:
                continue
            asked.add(parent)
            try:
                meta = resolver(parent)
            except Exception as exc:  # noqa: BLE001 - a resolver that fails leaves the parent unknown
                meta = None
                note = f"`{parent}` could not be fetched: {one_line(str(exc))}"
            else:
                note = None
            if not isinstance(meta, dict):
                continue
            self._add(Card(parent, "resolver", 1, meta), card_artifacts, audited=False)
            read = self.models[parent].artifact
            if read is not None and read.get("license") and self.find(parent) == parent:
                self.hub_cards[fold_id(parent)] = (read["license"], read.get("license_name"))
            if note:
                self.models[parent].notes.append({"code": "audit_resolver", "message": note})
            queue += self.parents(self.models[parent])

    def find(self, model_id: str) -> str | None:
        """The id of the run's card for `model_id` (exactly, else ignoring case), or None (also
        when the run gives differing cards for it)."""
        if model_id.casefold() in self._ambiguous:
            return None
        if model_id in self.models:
            return model_id
        return self._folded.get(model_id.casefold())

    @staticmethod
    def parents(model: Model) -> list[str]:
        return [edge["id"] for edge in (model.artifact or {}).get("derived_from", [])]

    def components(self) -> list[list[str]]:
        """The audited models grouped by connected component of the graph (through the run's
        cards only: catalog ancestors are shared read-only knowledge), largest first."""
        parent_of = {m: m for m in self.models}

        def root(x):
            while parent_of[x] != x:
                parent_of[x] = parent_of[parent_of[x]]
                x = parent_of[x]
            return x

        for model in self.models.values():
            for parent in self.parents(model):
                found = self.find(parent)
                if found is not None:
                    a, b = root(model.id), root(found)
                    if a != b:
                        parent_of[a] = b
        groups: dict = collections.defaultdict(list)
        for model_id in self.models:
            groups[root(model_id)].append(model_id)
        return sorted(groups.values(), key=len, reverse=True)

    def closure(self, model_id: str, memo: dict) -> tuple[str, ...] | None:
        """The model and its ancestors among the run's cards, computed once per model (an
        ancestor's chain is shared by all its descendants through `memo`); None when they are
        more than MAX_AUDIT_ANCESTRY (every descendant's are too). Without the bound a chain of
        N cards asked N questions of 1..N artifacts: N*(N+1)/2 in all (2,000 cards ran a 3 GB
        machine out of memory). Depth first without recursion, so a chain listed child first
        cannot exhaust Python's stack; parents are visited in the order the recursive reading
        visited them, so every closure, and so every request, is the same."""
        if model_id in memo:
            return memo[model_id]
        memo[model_id] = (model_id,)   # a cycle stops here; the lineage check reports it
        stack = [(model_id, iter(self._run_parents(model_id)))]
        while stack:
            member, parents = stack[-1]
            for parent in parents:
                if parent not in memo:
                    memo[parent] = (parent,)
                    stack.append((parent, iter(self._run_parents(parent))))
                    break
            else:
                stack.pop()
                seen = dict.fromkeys([member])
                for parent in self._run_parents(member):
                    found = memo[parent]
                    if found is None:
                        seen = None
                        break
                    seen.update(dict.fromkeys(found))
                memo[member] = None if seen is None or len(seen) > MAX_AUDIT_ANCESTRY + 1 else tuple(seen)
        return memo[model_id]

    def _run_parents(self, model_id: str) -> list[str]:
        """The parents of a model that are run cards that could be read (the closure's edges)."""
        found = (self.find(parent) for parent in self.parents(self.models[model_id]))
        return [f for f in found if f is not None and self.models[f].artifact is not None]

    def chunk_items(self, model_ids: list[str], memo: dict | None = None) -> list[dict]:
        """The plain data `answer_chunk` needs for these models: per model, its request and
        where its card is (picklable, so a worker process or a cluster can take it)."""
        memo = {} if memo is None else memo
        items = []
        for model_id in model_ids:
            model = self.models[model_id]
            if not model.audited:
                continue
            item = {"id": model_id, "source": model.source, "line": model.line, "notes": model.notes,
                    "lines": model.lines}
            if model.artifact is None:
                item["error"] = model.error
            elif self.closure(model_id, memo) is None:
                item["error"] = (f"{model.source}:{model.line}: `{model_id}` has more than {MAX_AUDIT_ANCESTRY} "
                                 f"ancestors among the run's cards (limit MAX_AUDIT_ANCESTRY): not answered")
            else:
                item["request"], item["declared"] = self.request(model_id, memo)
                cards = {fid: self.hub_cards[fid] for fid in (fold_id(a["id"]) for a in item["request"]["artifacts"])
                         if fid in self.hub_cards}
                if cards:
                    item["hub_cards"] = cards
            items.append(item)
        return items

    def request(self, model_id: str, memo: dict) -> tuple[dict, str | None]:
        """The publisher's question for one model: the model (its own, unless it is a catalog
        model or states no license) with its run ancestors, distributed under what it declares."""
        artifacts = []
        listed = set()
        for member in self.closure(model_id, memo):
            artifact = dict(self.models[member].artifact)
            artifact.pop("mine", None)
            if artifact.get("derived_from"):
                artifact["derived_from"] = [{**edge, "id": self.find(edge["id"]) or edge["id"]}
                                            for edge in artifact["derived_from"]]
            artifacts.append(artifact)
            listed.add(member)
        for artifact in list(artifacts):
            for edge in artifact.get("derived_from", []):
                if edge["id"] not in listed:
                    listed.add(edge["id"])
                    artifacts.append({"id": edge["id"]})   # the catalog fills it in, else it is unknown
        subject = artifacts[0]
        use: dict = {"acts": [ACT]}
        declared = subject.get("license")
        if declared and self.kb.entry(model_id) is None:
            subject["mine"] = True
            outbound = self._outbound(subject)
            if outbound:
                use["outbound_license"] = outbound
        return {"artifacts": artifacts, "subject": model_id, "use": use}, declared

    def _outbound(self, artifact: dict) -> str | None:
        """The license recipients get: the declared one when it is one license can-i knows (an
        expression or an unknown id is left to the answer, which is UNKNOWN for the latter)."""
        try:
            ids = expressions.ids(artifact["license"])
        except ValueError:
            return None
        if len(ids) != 1:
            return None
        return self.kb.resolve_license(ids[0], artifact.get("license_name"))[0]


# --- answering ------------------------------------------------------------------------------------

_ENGINES: dict = {}
# A process's answers by shape, per knowledge base, across the chunks it answers (a summary is a
# few hundred bytes).
_SHAPES: dict = {}
MAX_SHAPES = 500_000


def _key(paths) -> tuple:
    return tuple(dict.fromkeys(str(p) for p in paths or ()))


def _engine(paths=None):
    """The process's Reasoner for these knowledge-base files (None: the bundled ones): a worker
    loads the knowledge base once, for every chunk it takes."""
    key = _key(paths)
    if key not in _ENGINES:
        from .api import Reasoner

        _ENGINES[key] = Reasoner([Path(p) for p in key] if key else None)
    return _ENGINES[key]


def _licensor_orgs(kb) -> frozenset:
    orgs = getattr(kb, "_audit_licensor_orgs", None)
    if orgs is None:
        orgs = frozenset(org for compiled in kb.licenses.values() for org in compiled.license.licensor_hub)
        kb._audit_licensor_orgs = orgs
    return orgs


def shape(kb, request: dict) -> tuple:
    """What the solver and the catalog see of a request, with ids replaced by positions: equal
    shapes get equal answers, but for the ids the messages name. An id counts where it means
    something: a catalog model or dataset (its entry), and a Hub organisation that is a
    licensor's (whose own releases may replace its license)."""
    artifacts = request["artifacts"]
    position = {a["id"]: i for i, a in enumerate(artifacts)}
    orgs = _licensor_orgs(kb)
    parts = []
    for artifact in artifacts:
        entry = kb.entry(artifact["id"])
        org = publisher_of(artifact["id"])
        org = org if org in orgs else None
        if org is not None and HUB_CARD_LICENSES:   # a release whose Hub card was read is believed (kb.py)
            org = (org, HUB_CARD_LICENSES.get(fold_id(artifact["id"]))
                   == (artifact.get("license"), artifact.get("license_name")))
        parts.append((entry["id"] if entry else None, org,
                      tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in artifact.items()
                                   if k not in ("id", "derived_from"))),
                      tuple((position.get(e["id"], e["id"]), e.get("relation")) for e in artifact.get("derived_from", []))))
    return (json.dumps(request["use"], sort_keys=True), tuple(parts))


class _Fields:
    """Dict-style reading (`row["status"]`, `row.get("use_status")`) of a slotted record: rows are
    held by the million, and a slotted object takes a fraction of a dict's memory."""
    __slots__ = ()

    def __getitem__(self, key: str):
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        setattr(self, key, value)

    def get(self, key: str, default=None):
        value = getattr(self, key, None)
        return default if value is None else value


@dataclass(slots=True)
class Finding(_Fields):
    """One reason a model is not simply permitted: its kind (a key of KINDS), the license and
    clause that decide it (if any), the artifact it is about and the one-line message."""
    kind: str
    license: str | None
    clause: str | None
    artifact: str | None
    message: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "license": self.license, "clause": self.clause, "artifact": self.artifact,
                "message": self.message}


@dataclass(slots=True)
class Row(_Fields):
    """The audit's answer for one model."""
    id: str
    source: str
    line: int
    status: str
    kinds: list
    findings: list
    notes: list
    lines: dict
    declared: str | None = None
    use_status: str | None = None
    use_findings: list | None = None
    policy: dict | None = None        # the profile's license policy verdict (allowed, review, denied)

    def to_json(self) -> dict:
        doc = {"id": self.id, "status": self.status, "kinds": self.kinds, "declared": self.declared,
               "source": self.source, "line": self.line, "findings": [f.to_json() for f in self.findings],
               "notes": self.notes}
        if self.use_status is not None:
            doc["use_status"] = self.use_status
            doc["use_findings"] = [f.to_json() for f in self.use_findings or []]
        if self.policy is not None:
            doc["policy"] = self.policy
        return doc


def answer_chunk(items: list[dict], profile=None, share: bool = True, facts=None) -> list[Row]:
    """Answer one chunk of `chunk_items`: one row per model. Requests of the same `shape` are
    answered once (`share`), the others batched through `answer_each`. This is the function a
    worker process, or a distributed engine, calls per chunk; `facts` names the knowledge base
    files (None: the bundled one), loaded once per process."""
    engine = _engine(facts)
    kb = engine.kb
    shapes = _SHAPES.setdefault(_key(facts), {})
    rows: list[Row] = [None] * len(items)   # type: ignore[list-item]
    questions: dict = {}     # key -> (position of the representative, request)
    keys: list = []
    granted = json.dumps(getattr(profile, "facts", {}).get("grants"), ensure_ascii=False) if profile is not None else ""
    granted = granted if granted != "null" else ""
    for item in items:   # the Hub cards read for the chunk's requests, before any is shaped or asked
        for folded, (license_id, license_name) in (item.get("hub_cards") or {}).items():
            HUB_CARD_LICENSES[folded] = (license_id, license_name)
    for index, item in enumerate(items):
        if "error" in item:
            rows[index] = _row(item, "invalid", [("invalid-card", None, None, item["id"], item["error"])], [])
            keys.append(None)
            continue
        request = item["request"]
        key = shape(kb, request) if share else index
        if share and granted:
            # A profile grant names artifacts by id: a model it names is not of the shape of
            # one it does not (their use answers differ), so which ids it names is in the key.
            key = (key, tuple(i for i, a in enumerate(request["artifacts"])
                              if a["id"] in granted or (publisher_of(a["id"]) or "\0") in granted))
        keys.append(key)
        questions.setdefault(key, (index, request))
    use_questions: dict = {}
    if profile is not None:
        for key, (index, request) in questions.items():
            use_questions[key] = profile.apply(_use_request(request))
    # Shapes answered by an earlier chunk in this process are not asked again (without a
    # profile: the profile's question is asked with the chunk).
    known = {key: shapes[key] for key in questions if share and profile is None and key in shapes}
    order = [key for key in questions if key not in known]
    asked = [questions[k][1] for k in order] + [use_questions[k] for k in order if k in use_questions]
    # In slices, so that a chunk never reaches the work one call may take (api.MAX_CALL_WORK).
    answers = [answer for start in range(0, len(asked), ASK_SLICE)
               for answer in engine.answer_each(asked[start:start + ASK_SLICE])]
    summary = {key: _summary(kb, questions[key][1], answer) for key, answer in zip(order, answers)}
    use_answers = list(zip([k for k in order if k in use_questions], answers[len(order):]))
    use_summary = {key: _summary(kb, use_questions[key], answer) for key, answer in use_answers}
    use_policy = {key: _policy(answer) for key, answer in use_answers}
    if share and profile is None and len(shapes) < MAX_SHAPES:
        shapes.update({key: (questions[key][1], summary[key]) for key in order})
    for key, (rep_request, found) in known.items():
        questions[key] = (None, rep_request)
        summary[key] = found
    for index, (item, key) in enumerate(zip(items, keys)):
        if key is None:
            continue
        _, rep_request = questions[key]
        rename = _renaming(rep_request, item["request"])
        status, findings, notes = summary[key]
        if status == "invalid" and rename:
            # An input error's message names ids as written (`lineage has a cycle: a -> b -> a`),
            # not quoted as `_renamed` finds them: another model's would be shown. Errors are
            # rare, so this model's own question is asked.
            status, findings, notes = _summary(kb, item["request"], engine.answer_each([item["request"]])[0])
            rename = {}
        findings = [(kind, lid, clause, rename.get(artifact, artifact), _renamed(message, rename))
                    for kind, lid, clause, artifact, message in findings]
        row = _row(item, status, findings, [_renamed(n, rename) for n in notes])
        row["declared"] = item.get("declared")
        if key in use_summary:
            use_status, use_findings, _ = use_summary[key]
            if use_status == "invalid" and _renaming(rep_request, item["request"]):   # as above
                own = profile.apply(_use_request(item["request"]))
                use_status, use_findings, _ = _summary(kb, own, engine.answer_each([own])[0])
            row["use_status"] = use_status
            row["use_findings"] = [Finding(*f) for f in _in_order([(k, lid, c, rename.get(a, a), _renamed(m, rename))
                                                                    for k, lid, c, a, m in use_findings])]
            row["policy"] = use_policy.get(key)
        rows[index] = row
    return rows


def _policy(answer) -> dict | None:
    """The profile's license policy verdict on a model (when the answer carries one: the
    profiles feature's `Result.policy`), as {"status", "licenses": {license: list}}; ids left
    out, so that a shared answer fits every model of its shape."""
    verdict = getattr(answer, "policy", None)
    if verdict is None or isinstance(answer, CanIError):
        return None
    return {"status": verdict.status, "licenses": {f.license: f.list for f in verdict.findings}}


def _use_request(request: dict) -> dict:
    """The profile holder's question: the same lineage, received (nobody's own), used and hosted."""
    artifacts = [{k: v for k, v in a.items() if k != "mine"} for a in request["artifacts"]]
    return {"artifacts": artifacts, "subject": request["subject"], "use": {"acts": list(USE_ACTS)}}


def _renaming(rep: dict, request: dict) -> dict:
    return {a["id"]: b["id"] for a, b in zip(rep["artifacts"], request["artifacts"]) if a["id"] != b["id"]}


def _renamed(text: str, rename: dict) -> str:
    """The representative's ids in a message (written `id`) replaced by this model's, in one pass
    (two models may swap ids: `a`→`b` and `b`→`c` must not turn `a` into `c`)."""
    if not rename:
        return text

    def swap(match) -> str:
        quote, name = match.group(1), match.group(2)
        if name not in rename and ":" in name:   # a grant to list, `LICENSE:ID` (explain.py's {grant})
            head, _, rest = name.partition(":")
            if rest in rename:
                return f"{quote}{head}:{rename[rest]}{quote}"
        return f"{quote}{rename.get(name, name)}{quote}"

    return _QUOTED.sub(swap, text)


# An id as messages write it: `id`, or "id" inside a JSON snippet (`{"id": "x", ...}`).
_QUOTED = re.compile(r'([`"])([^`"]+)\1')


def _summary(kb, request: dict, answer) -> tuple[str, list, list]:
    """(status, findings, notes) of one answer; a finding is (kind, license, clause, artifact, message)."""
    subject = request["subject"]
    if isinstance(answer, CanIError):
        where = f" ({answer.location})" if answer.location else ""
        return "invalid", [("invalid-card", None, None, subject, one_line(answer.message) + where)], []
    data = {edge["id"] for a in request["artifacts"] for edge in a.get("derived_from", [])
            if edge.get("relation") == "trained_on"}
    findings = []
    for reason in answer.reasons:
        if reason.kind == "unknown_license":
            if reason.artifact == subject:
                kind = "missing-license" if reason.license == "none" else "unknown-license"
            elif reason.artifact in data or kb.dataset(reason.artifact or ""):
                kind = "unknown-dataset"
            else:
                kind = "unknown-parent"
        elif reason.kind == "conflict":
            kind = "relabelled" if reason.message.startswith(RELICENSE_CONFLICT) else "conflict"
        else:
            kind = "prohibited"
        findings.append((kind, reason.license, reason.clause, reason.artifact, one_line(reason.message)))
    for risk in answer.risks:
        if risk.risk == "relabelled":
            findings.append(("relabelled", risk.license, risk.clause, risk.artifact or subject, one_line(risk.message)))
    if answer.status == "depends":
        for decider in answer.depends_on:
            findings.append(("depends", decider.license, decider.clause, subject,
                             f"{decider.then} if {decider.fact} {decider.op} {decider.value}"))
        if not any(f[0] == "depends" for f in findings):
            findings.append(("depends", None, None, subject, "the answer turns on facts the audit does not know"))
    notes = [one_line(n.message) for n in answer.notes if n.code.startswith("card_") or n.code == "family_version"]
    status = answer.status
    own = request["artifacts"][0]
    if own.get("mine") and "outbound_license" not in request["use"] and status in ("permitted", "depends"):
        # A declared expression (`[mit, apache-2.0]`) cannot be the license recipients get
        # (`outbound_license` is one license), so whether it drops inherited terms went unasked:
        # not a YES the audit can give.
        findings.append(("unknown-license", None, None, subject,
                         f"the card declares `{own.get('license')}`: whether it drops terms the model inherits is "
                         f"judged for one license id; declare the one license recipients get"))
        status = "unknown"
    return status, findings, notes


def _in_order(findings: list) -> list:
    """Findings in one order whatever model represented the shape (the solver's order follows
    the representative's ids), so that a row is the same from --jobs 1, --jobs N or Dask."""
    return sorted(findings, key=lambda f: (list(KINDS).index(f[0]), *(part or "" for part in f[1:])))


def _row(item: dict, status: str, findings: list, notes: list) -> Row:
    kinds = sorted({f[0] for f in findings}, key=list(KINDS).index)
    findings = _in_order(findings)
    return Row(item["id"], item["source"], item["line"], status, kinds, [Finding(*f) for f in findings],
               [n["message"] if isinstance(n, dict) else n for n in item.get("notes", [])] + notes,
               item.get("lines") or {})


# --- partitioning and running -----------------------------------------------------------------

def plan_chunks(graph: AuditGraph, size: int = CHUNK_MODELS) -> list[list[str]]:
    """Connected components packed into chunks of about `size` models: a component's models
    share ancestors, whose answers a worker then reuses. A component larger than `size` (every
    fine-tune under one popular root) is cut into slices of `size`: each model's request holds
    its whole ancestry, so a slice is answered alone exactly as with the rest, and the workers
    share the big tree's work instead of one worker doing it all."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for component in graph.components():
        if len(component) > size:
            chunks += [component[i:i + size] for i in range(0, len(component), size)]
            continue
        if current and len(current) + len(component) > size:
            chunks.append(current)
            current = []
        current += component
    if current:
        chunks.append(current)
    return chunks


_POLICY_STATUS = {"denied": "forbidden", "review": "depends", "allowed": "permitted"}


@dataclass
class AuditReport:
    rows: list[Row]
    chunks: int = 0
    jobs: int = 1

    def counts(self) -> dict:
        return dict(collections.Counter(row["status"] for row in self.rows))

    def kind_counts(self) -> dict:
        counted = collections.Counter(kind for row in self.rows for kind in row["kinds"])
        return {kind: counted[kind] for kind in KINDS if counted[kind]}

    def exit_code(self) -> int:
        """1 if any model is forbidden; 2 if a card could not be read; 3 if any is unknown or
        depends; 0 when every model is permitted (with a profile: for its publisher, for our use,
        and by the license policy)."""
        statuses = {row["status"] for row in self.rows}
        # With a profile, "may we use and host it?" and the license policy count as a single
        # question's do (cli.exit_code): a model we may not use, or that the policy denies,
        # must not let a CI gate pass with 0.
        statuses |= {row["use_status"] for row in self.rows if row.get("use_status")}
        statuses |= {_POLICY_STATUS[row.policy["status"]] for row in self.rows
                     if row.get("policy") and row.policy.get("status") in _POLICY_STATUS}
        if "forbidden" in statuses:
            return 1
        if "invalid" in statuses:
            return 2
        if statuses & {"unknown", "depends"}:
            return 3
        return 0

    def worst(self, count: int = 10) -> list[Row]:
        """The rows most in need of attention: forbidden first, then the most findings."""
        ranked = [r for r in self.rows if r["status"] != "permitted"]
        return sorted(ranked, key=lambda r: (SEVERITY[r["status"]], -len(r["findings"]), r["id"]))[:count]

    def to_json(self) -> dict:
        return {"schema_version": "1", "models": len(self.rows), "statuses": self.counts(),
                "reasons": self.kind_counts(),
                "results": [row.to_json() for row in self.rows]}


def audit(paths: Iterable, profile=None, resolver: Callable | None = None, jobs: int = 1,
          progress: Callable | None = None, share: bool = True, facts=None) -> AuditReport:
    """Audit every card under `paths` (see `read_cards`); `jobs` worker processes (0: one per
    core). `progress(done, total)` is called as models are answered."""
    return audit_cards(iter_cards(paths), profile, resolver, jobs, progress, share, facts)


def audit_cards(cards: Iterable[Card], profile=None, resolver: Callable | None = None, jobs: int = 1,
                progress: Callable | None = None, share: bool = True, facts=None,
                chunk_size: int = CHUNK_MODELS, runner: Callable | None = None) -> AuditReport:
    """Audit cards already read (see `audit`); `chunk_size` models per chunk (see `plan_chunks`).
    `runner(batches, profile, share, facts)`, if given, answers the chunks' items instead of
    this process or its pool, yielding each chunk's rows (reasoner.distributed: Dask)."""
    kb = _engine(facts).kb
    graph = AuditGraph(kb, cards, resolver)
    del cards   # the graph holds what is needed; a million parsed cards need not stay beside it
    chunks = plan_chunks(graph, chunk_size)
    jobs = (os.cpu_count() or 1) if jobs == 0 else max(1, jobs)
    memo: dict = {}
    total = sum(1 for m in graph.models.values() if m.audited)
    rows: list[Row] = []
    if runner is not None:
        for answered in runner((graph.chunk_items(chunk, memo) for chunk in chunks), profile, share, facts):
            rows += answered
            if progress:
                progress(len(rows), total)
    elif jobs == 1 or len(chunks) == 1:
        for chunk in chunks:
            rows += answer_chunk(graph.chunk_items(chunk, memo), profile, share, facts)
            if progress:
                progress(len(rows), total)
    else:
        import concurrent.futures
        import multiprocessing

        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            # A few chunks per worker in flight: the requests of a million models need not all
            # be built (and pickled) before the first answer comes back.
            pending: set = set()
            waiting = iter(chunks)
            while True:
                for chunk in waiting:
                    pending.add(pool.submit(answer_chunk, graph.chunk_items(chunk, memo), profile, share, facts))
                    if len(pending) >= 2 * jobs:
                        break
                if not pending:
                    break
                done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    rows += future.result()
                if progress:
                    progress(len(rows), total)
    order = {model_id: i for i, model_id in enumerate(graph.models)}
    rows.sort(key=lambda r: order[r["id"]])
    return AuditReport(rows, len(chunks), jobs)


# --- rendering --------------------------------------------------------------------------------

def render_text(report: AuditReport, worst: int = 10) -> str:
    counts, kinds = report.counts(), report.kind_counts()
    lines = [f"{len(report.rows)} models audited: may each be distributed as its card declares?", "",
             f"{'status':<18} models"]
    lines += [f"{status:<18} {counts[status]:>6}" for status in STATUSES if counts.get(status)]
    if kinds:
        lines += ["", f"{'reason':<18} models"]
        lines += [f"{kind:<18} {count:>6}  {KINDS[kind]}" for kind, count in kinds.items()]
    if any(r.get("use_status") for r in report.rows):
        used = collections.Counter(r.get("use_status") for r in report.rows if r.get("use_status"))
        lines += ["", "with the profile, may we use and host it: "
                  + ", ".join(f"{s} {used[s]}" for s in STATUSES if used.get(s))]
        policy = collections.Counter(r.policy["status"] for r in report.rows if r.get("policy"))
        if policy:
            lines.append("the profile's license policy: " + ", ".join(f"{s} {n}" for s, n in policy.most_common()))
    # A model the policy denies fails the exit code, however permitted its legal verdict: the text
    # names it, as CSV's `policy` and SARIF's `policy` result do (it was only counted).
    denied = [r for r in report.rows if (r.get("policy") or {}).get("status") == "denied"]
    if denied:
        lines += ["", "Denied by the profile's license policy:"]
        for row in denied[:worst]:
            named = _policy_listed(row["policy"], "deny")
            lines.append(f"  DENIED    {row['id']}  ({row['source']}:{row['line']})  {named}")
        if len(denied) > worst:
            lines.append(f"  … and {len(denied) - worst} more")
    offenders = report.worst(worst)
    if offenders:
        lines += ["", "Worst offenders:"]
        for row in offenders:
            lines.append(f"  {row['status'].upper():<9} {row['id']}  ({row['source']}:{row['line']})")
            # A conflict cites both clauses with one message: shown once, with both citations.
            merged: dict = {}
            for finding in sorted(row["findings"], key=lambda f: list(KINDS).index(f["kind"])):
                cites = merged.setdefault((finding["kind"], finding["message"]), [])
                if finding.get("clause"):
                    cites.append(f"{finding['license']} §{finding['clause']}")
            for (kind, message), cites in list(merged.items())[:3]:
                cite = ", ".join(dict.fromkeys(cites))
                lines.append(f"      [{kind}] {cite + ': ' if cite else ''}{_short(message)}")
            if len(merged) > 3:
                lines.append(f"      … and {len(merged) - 3} more")
    return "\n".join(lines)


def _short(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


# `policy` and `policy_licenses` carry the profile's license policy verdict (allowed, review,
# denied) and each license's list: the exit code counts a denial, so a CSV reader must see it too
# (it read `permitted` for a model the policy denies).
CSV_FIELDS = ("id", "status", "kinds", "declared", "source", "line", "deciding", "use_status", "policy",
              "policy_licenses")
# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)` in a model
# id or a card's license): OWASP's CSV-injection advice is to prefix such a cell with a single quote.
# ASVS 1.2.10 adds the null character: a reader that drops a leading NUL runs the `=` behind it.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text, never runs (numbers stay numbers).

    >>> csv_cell("=1+1"), csv_cell("acme/bot"), csv_cell(12)
    ("'=1+1", 'acme/bot', 12)
    """
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def _policy_listed(policy: dict, listed: str) -> str:
    """The licenses of a row's policy verdict on one list (`deny`, `review`), named in order."""
    return ", ".join(lid for lid, on in sorted(policy.get("licenses", {}).items()) if on == listed)


def render_csv(report: AuditReport) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in report.rows:
        deciding = "; ".join(f"{f['license']} §{f['clause']}" if f.get("clause") else f"{f['kind']}: {f['artifact']}"
                             for f in row["findings"])
        policy = row.get("policy") or {}
        writer.writerow([csv_cell(cell) for cell in (
            row["id"], row["status"], " ".join(row["kinds"]), row.get("declared") or "", row["source"],
            row["line"], deciding, row.get("use_status", ""), policy.get("status", ""),
            " ".join(f"{lid}:{listed}" for lid, listed in sorted(policy.get("licenses", {}).items())))])
    return out.getvalue()


# Every status but permitted fails the exit code (1, 2 or 3), so none may be a level a code-scanning
# gate passes by default: GitHub's fails a check on `error` alone, and UNKNOWN is never YES. It
# was `warning`, DEPENDS (and a license held for review) `note`: an audit whose only finding was
# an unknown license passed the gate's check while its exit code said 3 (review 25). A DEPENDS
# stays one step below: it names the fact that would decide it.
SARIF_LEVEL = {"forbidden": "error", "invalid": "error", "unknown": "error", "depends": "warning"}
SARIF_KEY = {"missing-license": "license", "unknown-license": "license", "relabelled": "license",
             "unknown-parent": "base_model", "unknown-dataset": "datasets", "policy": "license"}
# The profile's license policy is judged apart from the legal verdict (not a reason KIND of the
# row), but a denial fails the exit code and a review holds it: a SARIF reader must see both.
POLICY_RULE = ("policy", "the profile's license policy denies a license the model carries, or holds it for review")


def render_sarif(report: AuditReport, version: str = "") -> dict:
    """SARIF 2.1.0: one rule per reason kind, one result per finding of a model that is not
    permitted, located at the card (and the front-matter key's line where known)."""
    described = [*KINDS.items(), POLICY_RULE]
    rules = [{"id": kind, "name": kind.replace("-", " ").title().replace(" ", ""),
              "shortDescription": {"text": text}} for kind, text in described]
    index = {kind: i for i, (kind, _) in enumerate(described)}
    results = []
    for row in report.rows:
        shown = [] if row["status"] == "permitted" else \
            [(row["status"], "", f) for f in row["findings"] or [Finding("depends", None, None, row["id"], row["status"])]]
        if row.get("use_status") not in (None, "permitted"):
            # the profile's question ("may we use and host it?"), which the exit code counts too
            shown += [(row["use_status"], "use: ", f) for f in row.get("use_findings") or
                      [Finding("depends", None, None, row["id"], row["use_status"])]]
        policy = row.get("policy") or {}
        if policy.get("status") in ("denied", "review"):
            held = "deny" if policy["status"] == "denied" else "review"
            named = _policy_listed(policy, held)
            verb = "denies" if held == "deny" else "holds for review"
            shown.append((_POLICY_STATUS[policy["status"]], "policy: ",
                          Finding(POLICY_RULE[0], None, None, row["id"],
                                  f"the profile's license policy {verb} {named or 'a license the model carries'}")))
        for status, asked, finding in shown:
            line = row.get("lines", {}).get(SARIF_KEY.get(finding["kind"], ""), row["line"])
            cite = f" ({finding['license']} §{finding['clause']})" if finding.get("clause") else ""
            results.append({
                "ruleId": finding["kind"], "ruleIndex": index[finding["kind"]],
                "level": SARIF_LEVEL.get(status, "note"),
                "message": {"text": f"{row['id']}: {asked}{status}{cite}: {finding['message']}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(row["source"])},
                                                    "region": {"startLine": max(1, int(line))}},
                               "logicalLocations": [{"name": row["id"], "kind": "module"}]}],
            })
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "can-i", "version": version, "rules": rules}},
                      "results": results}]}


def _uri(source: str) -> str:
    """A SARIF artifactLocation uri (a URI reference): a path below the working directory is
    relative, percent-encoded as a URI must be (`my models/README.md` was written raw: a space, a
    `#` or a `%` is no URI, and a code-scanning upload reads it otherwise or refuses it; review 25)."""
    from urllib.parse import quote

    path = Path(source)
    try:
        return quote(path.resolve().relative_to(Path.cwd()).as_posix())
    except ValueError:
        return path.resolve().as_uri() if path.is_absolute() or path.exists() else quote(source)


class progress_bar:
    """A progress bar on stderr (rich) while models are answered; nothing when stderr is not a
    terminal or `enabled` is false. Use: `with progress_bar() as progress: audit(..., progress=progress)`."""

    def __init__(self, enabled: bool = True):
        import sys

        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None
        self._task = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._bar = Progress("auditing", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True), transient=True)
        self._bar.__enter__()
        self._task = self._bar.add_task("audit", total=None)
        return self.update

    def update(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)
        return False
