"""The public API: load the knowledge base once, then ask many questions.

>>> from reasoner import Reasoner
>>> reasoner = Reasoner()
>>> answer = reasoner.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "800M"}})
>>> answer.status, answer.reasons[0].clause
('forbidden', '2')
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from . import expressions
from .errors import CanIError, LimitError, RequestError
from .explain import STATUS_ORDER, Result, explain
from .kb import KnowledgeBase
from .request import Artifact, Edge, Request, ancestry, check_lineage, read_input_file, read_request
from .licenses import Compare
from .solve import Scene, question_facts, run

MAX_COMBINATIONS = 64
BATCH_SIZE = 100
# Every edge of the user's own models is an act to judge under each license of the parent: the
# grounding grows with them (10,000 take ~10 s), so a question holds at most this many.
MAX_ACTS = 20_000
# The grounding of one question grows with (artifacts in scope + acts) for each combination of
# license alternatives it weighs: about 12 ground atoms per artifact and 17-45 per act (measured
# with benchmarks/limits.py). A question, and a batch of questions solved together, may hold this
# much; it admits a 100,000-deep lineage and 20,000 acts of one combination, and 64 combinations
# of about 1,800 artifacts and acts (~1.5 GB at most), and refuses more before any solving.
MAX_WORK = 120_000
SAME_MODEL_RELATIONS = ("finetune", "adapter", "quantized")


class Reasoner:
    """A loaded knowledge base that answers requests (decoded JSON documents or `Request`s).

    One Reasoner may be shared by many threads: `ask`, `ask_many`, `ask_text`, `ask_json` and
    `complete` may run at the same time and give the answers they give one at a time. The lazy
    loading of license files and the answer and threshold caches hold locks; each question is
    solved by its own clingo run, so solving runs in parallel. Results are new objects per call.
    Not safe while others ask: changing `kb` (adding licenses or catalog entries) or `cache_size`.
    """

    def __init__(self, paths=None, kb: KnowledgeBase | None = None, cache_size: int = 4096):
        """`cache_size` answers are kept, keyed by the exact solver input; 0 turns caching off."""
        self.kb = kb or KnowledgeBase.load(paths)
        self.cache_size = cache_size
        self._cache: dict = {}
        self._threshold_cache: dict = {}
        self._caches = threading.Lock()   # guards both caches (see the class doc)

    def ask(self, request) -> Result:
        """Answer one request (a decoded JSON document or a `Request`).

        Raises a CanIError subclass, naming the bad field, for malformed input.
        """
        return self.ask_many([request])[0]

    def ask_many(self, requests, batch_size: int = BATCH_SIZE) -> list[Result]:
        """Answer many requests at once: clingo grounds its rules once per batch of questions,
        which is far faster than one question at a time. Answers are the same as `ask`'s.

        A malformed request raises its CanIError, located as `requests[i]: field`.
        """
        plans = []
        for i, request in enumerate(requests):
            try:
                plans.append(self._plan(request))
            except CanIError as exc:
                if len(requests) == 1:
                    raise
                where = f"requests[{i}]" + (f": {exc.location}" if exc.location else "")
                raise type(exc)(exc.message, location=where) from None
        # Take cached answers now: solving the rest may evict them from the cache.
        solved: dict = {}
        todo: dict = {}
        with self._caches:
            for question in (question for plan in plans for question in plan.scenes):
                cached = self._cache.get(question.key)
                if cached is not None:
                    solved[question.key] = cached
                else:
                    todo[question.key] = question
        batch: list = []
        work = 0
        for question in todo.values():   # batches of batch_size questions and at most MAX_WORK
            if batch and (len(batch) >= batch_size or work + question.work > MAX_WORK):
                solved.update(self._solve(batch))
                batch, work = [], 0
            batch.append(question)
            work += question.work
        if batch:
            solved.update(self._solve(batch))
        return [self._result(plan, solved) for plan in plans]

    def ask_text(self, text: str | bytes, source: str = "request") -> Result:
        """Answer a request given as JSON text; `source` names it in error locations."""
        return self.ask(decode_json(text, source))

    def ask_json(self, request) -> dict:
        """Answer a request and return the response document (schema version 1)."""
        return self.ask(request).to_json()

    # --- filling in what the catalog knows ----------------------------------------------------

    def complete(self, request: Request) -> Request:
        """Fill license, family and modalities from the catalog, and add catalog ancestors."""
        artifacts = {a.id: a for a in request.artifacts}
        order = list(artifacts)
        queue = list(order)
        while queue:
            artifact_id = queue.pop()
            artifact = artifacts[artifact_id]
            for edge in artifact.derived_from:  # a parent named only by an edge may be a catalog model
                if edge.parent not in artifacts and self.kb.model(edge.parent):
                    artifacts[edge.parent] = Artifact(id=edge.parent)
                    order.append(edge.parent)
                    queue.append(edge.parent)
            entry = self.kb.model(artifact_id)
            if entry is None:
                continue
            updates = {}
            if artifact.license is None:
                updates["license"] = entry.get("license")
            if artifact.family is None and entry.get("family"):
                updates["family"] = entry["family"]
            if artifact.modalities is None and entry.get("modalities"):
                updates["modalities"] = tuple(sorted(entry["modalities"]))
            base = entry.get("base_model")
            if not artifact.derived_from and base and not artifact.mine:
                updates["derived_from"] = (Edge(base, entry.get("relation", "finetune")),)
                if base not in artifacts:
                    artifacts[base] = Artifact(id=base)
                    order.append(base)
                    queue.append(base)
            if updates:
                artifacts[artifact_id] = replace(artifact, **updates)
        for artifact_id in parents_first(artifacts):
            artifacts[artifact_id] = self._inherit(artifacts[artifact_id], artifacts)
        return replace(request, artifacts=tuple(artifacts[i] for i in order))

    @staticmethod
    def _inherit(artifact: Artifact, artifacts: dict) -> Artifact:
        """A fine-tune, adapter or quantization is still the parent's kind of model: unless the
        request says otherwise, it keeps the parent's family and modalities. (A distilled or merged
        model may be anything, so it inherits nothing.)"""
        edges = artifact.derived_from
        if not edges or any(e.relation not in SAME_MODEL_RELATIONS for e in edges):
            return artifact
        parents = [artifacts.get(e.parent) for e in edges]
        if any(p is None for p in parents):
            return artifact
        updates = {}
        families = {p.family for p in parents}
        if artifact.family is None and len(families) == 1 and None not in families:
            updates["family"] = families.pop()
        if artifact.modalities is None and all(p.modalities is not None for p in parents):
            updates["modalities"] = tuple(sorted({m for p in parents for m in p.modalities}))
        return replace(artifact, **updates) if updates else artifact

    # --- answering ----------------------------------------------------------------------------

    def _plan(self, request) -> "_Plan":
        """Validate a request and lay out the questions it needs: one per choice its OR
        expressions allow."""
        if not isinstance(request, Request):
            request = read_request(request)
        request = check_lineage(self.complete(request))
        request = replace(request, use=self._canonical_ids(request.use))
        scope = ancestry(request)
        acts = len(request.use.acts) + sum(len(a.derived_from) for a in scope if a.mine)
        if acts > MAX_ACTS:
            raise LimitError(f"the question asks about {acts:,} acts (each edge of your own models is one); "
                             f"can-i judges at most {MAX_ACTS:,} in one question", location="artifacts")
        options = [self._license_options(artifact) for artifact in scope]
        combinations = 1
        for choices in options:
            combinations *= len(choices)
        if combinations > MAX_COMBINATIONS:
            raise LimitError(f"the license expressions allow {combinations} combinations; can-i weighs at most "
                             f"{MAX_COMBINATIONS}", location="artifacts")
        work = combinations * (len(scope) + acts)
        if work > MAX_WORK:
            raise LimitError(f"the question is too large: {combinations} combinations of license alternatives "
                             f"(OR) × ({len(scope):,} artifacts + {acts:,} acts) = {work:,}, and can-i takes at most "
                             f"{MAX_WORK:,}; reduce the OR choices (give the license that applies) or the lineage "
                             f"(fewer artifacts or edges of your own models)", location="artifacts")
        scenes, choices = [], []
        for pick in itertools.product(*options):
            licenses = {a.id: known for a, (known, _) in zip(scope, pick)}
            unknown = {a.id: bad for a, (_, bad) in zip(scope, pick) if bad}
            used = tuple(sorted({lid for known in licenses.values() for lid in known}))
            scene = Scene(request.subject, tuple(scope), licenses, unknown, request.use, self._thresholds(used))
            scenes.append(_Question(scene, used, (used, scene.key()), len(scope) + acts))
            choices.append({a.id: sorted(known + tuple(i for i, _ in bad))
                            for a, (known, bad), alternatives in zip(scope, pick, options) if len(alternatives) > 1})
        return _Plan(request, scope, scenes, choices if combinations > 1 else [])

    def _canonical_ids(self, use):
        """Held grants and the outbound license under the knowledge base's ids (`GPL-3.0-only`
        and Hub aliases become `gpl-3.0`); ids it does not know stay as written."""
        def canonical(lid: str) -> str:
            return self.kb.resolve_license(lid)[0] or lid

        grants = tuple(sorted({canonical(g) for g in use.grants}))
        outbound = canonical(use.outbound_license) if use.outbound_license else None
        return replace(use, grants=grants, outbound_license=outbound)

    def _solve(self, questions: list["_Question"]) -> dict:
        """One clingo run for a batch of questions; returns key -> (atoms, first artifact number)."""
        used = sorted({lid for question in questions for lid in question.used})
        facts = [fact for lid in used for fact in self.kb.licenses[lid].facts]
        offsets = []
        offset = 0
        for number, question in enumerate(questions):
            facts += question_facts(question.scene, number, offset)
            offsets.append(offset)
            offset += len(question.scene.artifacts)
        answers = run(facts)
        solved = {}
        for number, question in enumerate(questions):
            solved[question.key] = (answers.get(number, []), offsets[number])
            if self.cache_size:
                with self._caches:
                    while self._cache and len(self._cache) >= self.cache_size:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[question.key] = solved[question.key]
        return solved

    def _result(self, plan: "_Plan", solved: dict) -> Result:
        request, scope = plan.request, plan.scope
        ids = [a.id for a in scope]
        parents = {a.id: [e.parent for e in a.derived_from] for a in scope}
        results = []
        for index, question in enumerate(plan.scenes):
            atoms, base = solved[question.key]
            result = explain(atoms, self.kb.licenses, request.subject, question.scene.unknown, parents, ids, base)
            if plan.choices:
                result.choice = plan.choices[index]
            results.append(result)
        # OR lets the user pick: the best alternative is the answer; among equally good ones the
        # choice with the smallest sorted ids, so the order the operands were written in is moot.
        return min(results, key=lambda r: (STATUS_ORDER[r.status], sorted(r.choice.items())))

    def _thresholds(self, used: list[str]) -> dict[str, list[int]]:
        key = tuple(used)
        with self._caches:
            known = self._threshold_cache.get(key)
        if known is not None:
            return known
        cuts: dict[str, set[int]] = {"mau": set(), "revenue": set(), "date": set()}
        for lid in used:
            for cond in self.kb.licenses[lid].conditions.values():
                if isinstance(cond, Compare):
                    cuts[cond.fact].add(int(cond.value))
        with self._caches:
            return self._threshold_cache.setdefault(key, {fact: sorted(values) for fact, values in cuts.items()})

    def _license_options(self, artifact: Artifact) -> list[tuple[tuple[str, ...], tuple]]:
        if artifact.license is None and artifact.mine:
            return [((), ())]  # the user's own contribution, under nothing but what it inherits
        if artifact.license is None:
            return [((), (("none", "no license is stated and none is known for this model"),))]
        options = []
        for alternative in expressions.alternatives(artifact.license):
            known, unknown = [], []
            for lid in alternative:
                encoding, why = self.kb.resolve_license(lid, artifact.license_name)
                if encoding:
                    known.append(encoding)
                else:
                    named = artifact.license_name if lid == "other" and artifact.license_name else lid
                    unknown.append((named, why))
            options.append((tuple(sorted(set(known))), tuple(unknown)))
        return options


@dataclass(frozen=True)
class _Question:
    scene: Scene
    used: tuple[str, ...]
    key: tuple
    work: int = 1           # artifacts in scope + acts: what grounding it costs (see MAX_WORK)


@dataclass(frozen=True)
class _Plan:
    request: Request
    scope: list
    scenes: list
    choices: list


def parents_first(artifacts: dict) -> list[str]:
    """Artifact ids with every parent before its children (iterative; cycles are cut, and
    reported later by the lineage check)."""
    order, done, on_path = [], set(), set()
    for start in artifacts:
        if start in done:
            continue
        stack = [(start, iter(artifacts[start].derived_from))]
        on_path.add(start)
        while stack:
            node, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                stack.pop()
                on_path.discard(node)
                done.add(node)
                order.append(node)
            elif edge.parent in artifacts and edge.parent not in done and edge.parent not in on_path:
                on_path.add(edge.parent)
                stack.append((edge.parent, iter(artifacts[edge.parent].derived_from)))
    return order


def load(paths=None) -> Reasoner:
    """Load a Reasoner over the bundled knowledge base, or over the given files and folders."""
    return Reasoner(paths)


def decode_json(text: str | bytes, source: str):
    """Decode JSON text, with errors at source:line:col."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise RequestError(f"not UTF-8 text (byte {exc.start})", location=source) from None
    except json.JSONDecodeError as exc:
        raise RequestError(f"not valid JSON: {exc.msg}", location=f"{source}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise RequestError("JSON nested too deeply", location=source) from None
    except ValueError:  # Python refuses integer literals of more than 4,300 digits
        raise RequestError("a number in the JSON has too many digits", location=source) from None


def read_json_file(path: str | Path):
    """Read and decode a JSON file; every failure is a RequestError naming the file."""
    path = Path(path)
    return decode_json(read_input_file(path, "JSON file"), str(path))
