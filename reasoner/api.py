"""The public API: load the knowledge base once, then ask many questions.

>>> from reasoner import Reasoner
>>> reasoner = Reasoner()
>>> answer = reasoner.ask({"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}})
>>> answer.status, answer.reasons[0].clause
('forbidden', '2')
"""

from __future__ import annotations

import gc
import itertools
import json
import sys
import _thread   # threading's own locks, without importing threading (~0.5 ms of a cold start)
from .records import dataclass, field, replace   # standard dataclasses, defined at no cost (records.py)
from pathlib import Path

from . import expressions, schema
from .lineage import parents_first, same_model
from .errors import CanIError, LimitError, RequestError
from .explain import STATUS_ORDER, Note, Result, explain
from .kb import HUB_CARD_LICENSES, KnowledgeBase, fold_id, publisher_of
from .request import (Artifact, DuplicateKeyError, Edge, Grant, Request, ancestry, check_lineage,
                      duplicate_key_location, read_grants, read_input_file, read_request, request_document,
                      unique_keys, updated)
from .vocabulary import suggest
from .licenses import Compare
from .phrases import render_value
from .shapes import Shapes, split_key
from .solve import Scene, batch_facts, keeping, release_grounding, run
from .workers import ChildFailed, Solvers

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing on a cold start
if TYPE_CHECKING:
    from collections.abc import Callable

MAX_COMBINATIONS = 64
# Question structures kept grounded per Reasoner (shapes.py); each holds one clingo Control.
SHAPES = 64
# License combinations whose thresholds are kept (a few hundred bytes each); a long run of varied
# questions made the table grow without end.
THRESHOLD_CACHE = 4096
BATCH_SIZE = 100
# Child processes that ground batches once a Reasoner has grounded workers.START_AFTER questions
# in batches itself (workers.py).
SOLVER_PROCESSES = 2
# Every edge of the user's own models is an act to judge under each license of the parent: the
# grounding grows with them (10,000 take ~10 s), so a question holds at most this many.
MAX_ACTS = 20_000
# The grounding of one question grows with (artifacts in scope + acts) for each combination of
# license alternatives it weighs: about 12 ground atoms per artifact and 17-45 per act (measured
# with benchmarks/limits.py). A question, and a batch of questions solved together, may hold this
# much; it admits a 100,000-deep lineage and 20,000 acts of one combination, and 64 combinations
# of about 1,800 artifacts and acts (~1.5 GB at most), and refuses more before any solving.
MAX_WORK = 120_000
# What one call (`ask_many`, a JSON Lines input) may cost in all: about eight of the largest
# questions, or some 200,000 simple ones (a 10 MiB JSON Lines input holds fewer).
MAX_CALL_WORK = 1_000_000
# Each held grant is followed along the lineage (what it covers, where other terms reach), so
# grounding also grows with grants × artifacts: 2.25 million (1,500 grants on a 1,500-model
# lineage) took 9 s and 860 MB. A question may hold this much of it, combinations counted;
# in MAX_WORK's units (for batching) it weighs GRANT_WORK_PER_UNIT times less.
MAX_GRANT_WORK = 1_000_000
GRANT_WORK_PER_UNIT = 30


_COLLECTOR = _thread.allocate_lock()
_collector_pauses = 0


class _collector_paused:
    """Pause Python's cyclic garbage collector while a request is planned and a batch is decoded
    and explained.

    Decoding makes hundreds of thousands of small acyclic objects (terms.py), which refcounting
    frees; the collector, triggered by the allocation count alone, would scan the whole heap (the
    loaded knowledge base) over and over meanwhile, for nothing; planning a long lineage makes a
    few objects per artifact and frees none (a third of planning 100,000 artifacts went to the
    collector). Nested and threaded uses count,
    and the collector is switched back on only if it was on and the last pause ends.
    """

    _resume = False

    def __enter__(self):
        global _collector_pauses
        with _COLLECTOR:
            if _collector_pauses == 0:
                _collector_paused._resume = gc.isenabled()
                gc.disable()
            _collector_pauses += 1

    def __exit__(self, *exc):
        global _collector_pauses
        with _COLLECTOR:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_paused._resume:
                gc.enable()


class Reasoner:
    """A loaded knowledge base that answers requests (decoded JSON documents or `Request`s).

    One Reasoner may be shared by many threads: `ask`, `ask_many`, `ask_text`, `ask_json` and
    `complete` may run at the same time and give the answers they give one at a time. The lazy
    loading of license files and the answer and threshold caches hold locks; each question is
    solved by its own clingo run or by a prepared structure's Control (shapes.py), which one
    thread uses at a time (another thread finding it busy grounds afresh), so solving runs in
    parallel. Results are new objects per call. A long run of batches (`iter_answers` over a
    stream) is ground in up to two child processes once 2,000 of its questions were ground here
    (workers.py: clingo's memory of them dies with each child); `solver_processes=0` keeps
    everything in this process, and `reasoner.solvers.close()` ends the children early.
    Not safe while others ask: changing `kb` (adding licenses or catalog entries) or `cache_size`.
    """

    def __init__(self, paths=None, kb: KnowledgeBase | None = None, cache_size: int = 4096,
                 shapes: int = SHAPES, solver_processes: int = SOLVER_PROCESSES):
        """`cache_size` answers are kept, keyed by the exact solver input; 0 turns caching off.
        `shapes` question structures that come back are kept grounded (shapes.py), so that later
        questions of the same structure only switch their values; 0 grounds every question afresh.
        Up to `solver_processes` child processes ground long runs of batches (workers.py: memory
        stays flat, and they work beside this process); 0 grounds everything in this process."""
        self.kb = kb or KnowledgeBase.load(paths)
        self.cache_size = cache_size
        self.shapes = Shapes(shapes)
        self.solvers = Solvers(solver_processes)
        self._cache: dict = {}
        self._threshold_cache: dict = {}
        self._licensor_ids: frozenset[str] | None = None
        self._caches = _thread.allocate_lock()   # guards both caches (see the class doc)

    def ask(self, request) -> Result:
        """Answer one request (a decoded JSON document or a `Request`).

        Raises a CanIError subclass, naming the bad field, for malformed input.
        """
        return self.ask_many([request])[0]

    def ask_many(self, requests, batch_size: int = BATCH_SIZE) -> list[Result]:
        """Answer many requests at once: clingo grounds its rules once per batch of questions,
        which is far faster than one question at a time. Answers are the same as `ask`'s.

        A malformed request raises its CanIError, located as `requests[i]: field`; so does a call
        whose questions together cost more than MAX_CALL_WORK (a LimitError). Every request is
        read and its size checked before any is solved.
        """
        planned = list(self._planned(requests))
        for i, (plan, error) in enumerate(planned):
            if plan is None:
                if len(planned) == 1:
                    raise error
                where = f"requests[{i}]" + (f": {error.location}" if error.location else "")
                raise type(error)(error.message, location=where)
        return list(self._answers(iter(planned), batch_size))

    def answer_each(self, requests, batch_size: int = BATCH_SIZE) -> list["Result | CanIError"]:
        """Like `ask_many`, but a request that cannot be answered gets its CanIError in its place
        and the others are still answered (JSON Lines on the command line uses this). Requests
        past MAX_CALL_WORK, the work one call may take in all, get a LimitError: many questions
        that are each within MAX_WORK must not add up to an unbounded run.

        >>> [a.status for a in Reasoner().answer_each([{"licenses": ["mit"], "use": {"acts": ["use"]}}])]
        ['permitted']
        """
        return list(self.iter_answers(requests, batch_size))

    def iter_answers(self, requests, batch_size: int = BATCH_SIZE):
        """`answer_each` as a generator: answers come out in request order, a batch at a time,
        and nothing of a batch is kept once its answers are out, so memory stays flat however
        many requests an iterable (a file read line by line) gives. Each request is read and its
        size checked before the batch it joins is solved; MAX_CALL_WORK bounds the call as in
        `answer_each`.

        >>> requests = ({"licenses": ["mit"], "use": {"acts": acts}} for acts in (["host"], ["fly"]))
        >>> [getattr(a, "status", type(a).__name__) for a in Reasoner().iter_answers(requests)]
        ['permitted', 'RequestError']
        """
        return self._answers(self._planned(requests), batch_size)

    def _planned(self, requests):
        """(plan, the request as given if it asks for remedies, else None) or (None, CanIError)
        per request, in order; the call's running work is counted here, so a request past
        MAX_CALL_WORK gets its LimitError before any solving."""
        total = 0
        # The license options of each (license, license_name), shared by the call's requests: the
        # knowledge base does not change while a call runs (see the class), and a batch repeats
        # a few license texts many times.
        read: dict = {}
        for request in requests:
            if len(read) > 4096:   # bounded over a long stream of varied licenses
                read.clear()
            try:
                with _collector_paused():   # planning makes no cycles; see the class
                    plan = self._plan(request, read)
            except CanIError as exc:
                yield None, exc
                continue
            work = sum(question.work for question in plan.scenes)
            if total + work > MAX_CALL_WORK:
                yield None, LimitError(f"the questions of one call may cost at most {MAX_CALL_WORK:,} in all "
                                       f"(artifacts and acts, times the OR choices); this one would bring "
                                       f"the total to {total + work:,}: ask it in another call")
                continue
            total += work
            yield plan, (request if plan.request.remedies else None)   # remedies edit the request as given

    def _answers(self, planned, batch_size: int):
        """Answers for planned requests, in order, solving batch_size questions at a time. While
        solver processes ground batches (workers.py), the next windows are planned and started
        here, so that this process plans and explains while they ground."""
        started: list = []   # windows whose solving has begun, oldest first
        window: list = []    # (plan, request as given) or (None, error), waiting for their batch
        questions = 0
        for item in planned:
            window.append(item)
            if item[0] is not None:
                questions += len(item[0].scenes)
            if questions >= batch_size:
                started.append(self._start(window, batch_size))
                window, questions = [], 0
                # Read ahead only while solver processes work for the oldest window.
                while started and (len(started) > self.solvers.parallel or not _in_a_child(started[0])):
                    yield from self._finish(started.pop(0))
        if window:
            started.append(self._start(window, batch_size))
        while started:
            yield from self._finish(started.pop(0))

    def _start(self, window: list, batch_size: int) -> tuple:
        """Begin solving the uncached questions of a window of planned requests: cached answers
        and those of prepared structures now, the others grounded in batches (in a solver process
        when workers.py takes them, read in `_finish`)."""
        with _collector_paused():
            # Take cached answers now: solving the rest may evict them from the cache.
            solved: dict = {}
            todo: dict = {}
            with self._caches:
                for question in (question for plan, _ in window if plan is not None for question in plan.scenes):
                    cached = self._cache.get(question.key)
                    if cached is not None:
                        solved[question.key] = cached
                    else:
                        todo[question.key] = question
            pending = []
            batch: list = []
            work = 0
            for question in todo.values():   # batches of batch_size questions and at most MAX_WORK
                if batch and (len(batch) >= batch_size or work + question.work > MAX_WORK):
                    pending.append(self._solve(batch, solved))
                    batch, work = [], 0
                batch.append(question)
                work += question.work
            if batch:
                # One question with remedies asked: its grounding is kept for the search (solve.keeping).
                alone = len(todo) == 1 and len(window) == 1 and window[0][0].request.remedies
                with keeping(batch[0].key if alone else None):
                    pending.append(self._solve(batch, solved))
        return window, solved, pending

    def _finish(self, started: tuple) -> list:
        """The answers of a started window, explained, with remedies where asked for."""
        window, solved, pending = started
        with _collector_paused():
            for questions, answers in pending:
                if answers is not None:
                    solved.update(self._grounded(questions, answers))
            answers = [given if plan is None else self._with_profile(plan, self._result(plan, solved))
                       for plan, given in window]
            del solved, pending   # freed while paused: the collector would first scan every decoded atom
        for (plan, given), answer in zip(window, answers):
            if plan is not None and plan.request.remedies:   # asked for: searched only for a NO or DEPENDS
                answer.remedies = []
                if answer.status in ("forbidden", "depends"):
                    from .remedies import remedies_for
                    answer.remedies, notes = remedies_for(self, plan, answer, given)
                    answer.notes.extend(notes)
                elif answer.status == "unknown":   # a known license it may be under (remedies.py)
                    from .remedies import unknown_remedies
                    answer.remedies, notes = unknown_remedies(self, plan, answer, given)
                    answer.notes.extend(notes)
        release_grounding()
        return answers

    def ask_text(self, text: str | bytes, source: str = "request") -> Result:
        """Answer a request given as JSON text; `source` names it in error locations."""
        return self.ask(decode_json(text, source))

    def ask_json(self, request) -> dict:
        """Answer a request and return the response document (schema version 1)."""
        return self.ask(request).to_json()

    def license_for(self, request, by: str = "finetune"):
        """Which license the model a request publishes should carry: the inherited terms, the
        duties its card must state, every knowledge-base license tried as the outbound license,
        and a recommended card declaration with a NOTICE text (reasoner/advice.py). A subject
        that is not a model of the user's own stands for a model made from it by `by`.

        >>> Reasoner().license_for({"licenses": ["llama3.1"], "use": {"release_mau": "1M"}}).recommended.license
        'llama3.1'
        """
        from .advice import license_for

        return license_for(self, request, by)

    def downstream(self, request, by: str = "finetune"):
        """What the recipients of the model a request publishes may and may not do, from the
        questions a recipient would ask (reasoner/advice.py)."""
        from .advice import downstream

        return downstream(self, request, by)

    def advise(self, request: dict):
        """Answer a request document with `"suggest": "license"` or `"downstream"`, as
        `can-i --request` does."""
        from .advice import advise

        return advise(self, request)

    # --- filling in what the catalog knows ----------------------------------------------------

    def _is_dataset(self, artifact_id: str, artifact) -> bool:
        """Whether an artifact is known to be a dataset: its stated `kind`, else the dataset catalog."""
        if artifact is not None and artifact.kind is not None:
            return artifact.kind == "dataset"
        return self.kb.dataset(artifact_id) is not None and self.kb.model(artifact_id) is None

    def _stated_model(self, artifact_id: str, artifacts: dict) -> str | None:
        """Why an artifact of unstated kind is a model by what the request says of it (None if
        nothing does): it takes the weights (WEIGHTS_RELATIONS) of a catalog model, of one stated
        `"kind": "model"` or of one stating a model family, directly or through others, or it
        states a model family itself (a dataset states none: `can-i train LICENSE` and the `train`
        examples state the material as a dataset). Walked up weights edges iteratively (lineages
        may be deep)."""
        first = artifacts.get(artifact_id)
        if first is None or first.kind is not None or self._is_dataset(artifact_id, first):
            return None
        if first.family is not None:
            return f"states the model family `{first.family}`"
        stack, seen = [artifact_id], {artifact_id}
        while stack:
            current = artifacts.get(stack.pop())
            if current is None or self._is_dataset(current.id, current):
                continue
            if current.id != artifact_id and (current.kind == "model" or current.family is not None):
                return f"takes the weights of the model `{current.id}`"
            for edge in current.derived_from:
                if edge.relation in schema.WEIGHTS_RELATIONS and edge.parent not in seen:
                    if self.kb.model(edge.parent):
                        return f"takes the weights of the catalog model `{edge.parent}`"
                    seen.add(edge.parent)
                    stack.append(edge.parent)
        return None

    @staticmethod
    def _located(request: Request, artifact_id: str, field: str) -> str | None:
        """Where a field of an artifact is in the request (`artifacts[2].kind`), or None for an
        artifact the request does not state (one the catalog added)."""
        where = next((i for i, a in enumerate(request.artifacts) if a.id == artifact_id), None)
        return None if where is None else f"artifacts[{where}].{field}"

    def complete(self, request: Request) -> Request:
        """Fill license, family and modalities from the catalog, and add catalog ancestors.

        What the catalog knows keeps binding: a catalog model cannot be the user's own (an input
        error), a license declared for it applies beside the catalog's, and its catalog lineage
        stays beside edges the request adds. Relabelling never removes inherited terms.
        """
        artifacts = {a.id: a for a in request.artifacts}
        order = list(artifacts)
        queue = list(order)
        notes = list(request.notes)
        while queue:
            artifact_id = queue.pop()
            artifact = artifacts[artifact_id]
            for j, edge in enumerate(artifact.derived_from):  # a parent named only by an edge may be a catalog model
                if edge.relation == "trained_on" and self.kb.model(edge.parent):
                    # The catalog holds models, not data: read as data, its terms would not follow.
                    raise RequestError(
                        f"`{edge.parent}` is a catalog model, not a dataset: say how `{artifact_id}` derives from "
                        f"it (finetune, adapter, merge, quantized, or distilled for training on its outputs)",
                        location=self._located(request, artifact_id, f"derived_from[{j}].relation"))
                parent = artifacts.get(edge.parent)
                if edge.relation == "trained_on" and parent is not None and parent.kind == "model":
                    raise RequestError(
                        f"`{edge.parent}` is a model (its kind), not a dataset: say how `{artifact_id}` derives from "
                        f"it (finetune, adapter, merge, quantized, or distilled for training on its outputs)",
                        location=self._located(request, artifact_id, f"derived_from[{j}].relation"))
                model_why = self._stated_model(edge.parent, artifacts) if edge.relation == "trained_on" else None
                if model_why:
                    # Read as data, a model's terms followed only `trained_on`: a model "trained on" a
                    # Llama 3.1 fine-tune, relicensed Apache-2.0 alone, was YES (review 20).
                    raise RequestError(
                        f"`{edge.parent}` {model_why}, so it is a model, not a dataset: say how `{artifact_id}` "
                        f"derives from it (finetune, adapter, merge, quantized, or distilled for training on its "
                        f"outputs); if it is data, state `\"kind\": \"dataset\"` for it, and no `family`",
                        location=self._located(request, artifact_id, f"derived_from[{j}].relation"))
                if edge.relation == "distilled" and self._is_dataset(edge.parent, parent) \
                        and self._is_dataset(artifact_id, artifact):
                    # `distilled` says the data holds a model's outputs: from a dataset, the rules
                    # read the material itself as outputs, which the Stability and Hunyuan bans leave
                    # open for a recipient (review 21: DEPENDS where training on the data is NO).
                    raise RequestError(
                        f"`{edge.parent}` is a dataset, not a model: `distilled` means made of a model's "
                        f"outputs; data that holds other data derives from it by `trained_on` (or `merge`)",
                        location=self._located(request, artifact_id, f"derived_from[{j}].relation"))
                if edge.relation != "trained_on" and self._is_dataset(edge.parent, parent) \
                        and not self._is_dataset(artifact_id, artifact):
                    # A model takes a dataset only by training on it: named by another relation the
                    # data's outputs escaped the outputs-as-data rules (rules.lp `synthetic` reads
                    # `trained_on`), so a Llama-3-outputs dataset fine-tuned into a Mistral model was YES.
                    raise RequestError(
                        f"`{edge.parent}` is a dataset: a model made from it is trained on it (relation "
                        f"`trained_on`); if `{artifact_id}` is itself data made from it, state `\"kind\": \"dataset\"` for it",
                        location=self._located(request, artifact_id, f"derived_from[{j}].relation"))
                if edge.relation in schema.WEIGHTS_RELATIONS and self._is_dataset(artifact_id, artifact) \
                        and (self.kb.model(edge.parent) or (parent is not None and parent.kind == "model")) \
                        and Edge(edge.parent, "distilled") not in artifact.derived_from:
                    # Data made from a model holds its outputs (`distilled`); taking its weights
                    # alone makes a model. A "dataset" fine-tuned from Mistral-7B and from Llama 3
                    # outputs, hosted, was YES (review 20): stated as the model it is, NO. (The
                    # BOM readers write `finetune` beside `distilled` where they cannot tell.)
                    raise RequestError(
                        f"`{artifact_id}` is a dataset, yet it takes the weights of the model `{edge.parent}` "
                        f"(`{edge.relation}`): data made from a model holds its outputs (relation `distilled`); "
                        f"if `{artifact_id}` is a model, drop `\"kind\": \"dataset\"` and derive it from its data by "
                        f"`trained_on`",
                        location=self._located(request, artifact_id, f"derived_from[{j}].relation"))
                if edge.parent not in artifacts and self.kb.entry(edge.parent):
                    artifacts[edge.parent] = Artifact(id=edge.parent)
                    order.append(edge.parent)
                    queue.append(edge.parent)
            entry = self.kb.model(artifact_id)
            if artifact.kind is not None and artifact.kind != ("model" if entry else artifact.kind):
                raise RequestError(f"`{artifact_id}` is a catalog model, not a dataset",
                                   location=self._located(request, artifact_id, "kind"))
            if artifact.kind == "model" and self.kb.dataset(artifact_id) is not None and entry is None:
                raise RequestError(f"`{artifact_id}` is a catalog dataset, not a model",
                                   location=self._located(request, artifact_id, "kind"))
            if artifact.family is not None and entry is None and self._is_dataset(artifact_id, artifact):
                # A dataset may take data by any relation, so a model stated as a dataset escaped
                # the outputs-as-data rules (a Mistral "dataset" fine-tuned on Llama 3 outputs was
                # YES, review 19). A model family says it is a model: the two statements conflict.
                raise RequestError(f"`{artifact_id}` is a dataset, yet it states the model family `{artifact.family}`: "
                                   f"if it is a model, drop `\"kind\": \"dataset\"` and derive it from its data by "
                                   f"`trained_on`; if it is data, drop `family`",
                                   location=self._located(request, artifact_id, "family"))
            published = self._publisher(artifact, entry, request)
            if published != artifact.publisher:
                artifact = artifacts[artifact_id] = updated(artifact, publisher=published)
            dataset = self.kb.dataset(artifact_id) if entry is None else None
            if dataset is not None:
                artifacts[artifact_id] = self._dataset(artifact, dataset, request, notes)
                for generator in dataset.get("generated_by", ()):
                    # Data the catalog knows to be a model's outputs derives from that model by
                    # `distilled`, so the outputs-as-data rules see the generator: its terms, or
                    # the absence of any can-i knows (UNKNOWN), reach a model trained on it. Only
                    # a free-text note said so, and training on GPT-4 outputs was a plain YES.
                    edge = Edge(generator, "distilled")
                    if edge not in artifacts[artifact_id].derived_from:
                        artifacts[artifact_id] = updated(artifacts[artifact_id],
                                                         derived_from=artifacts[artifact_id].derived_from + (edge,))
                        notes.append(("catalog_generated_by",
                                      f"`{artifact_id}` is a catalog dataset of `{generator}`'s outputs"
                                      + (f" ({dataset['note']})" if dataset.get("note") else "")
                                      + ": read as distilled from it"))
                    if generator not in artifacts:
                        artifacts[generator] = Artifact(id=generator)
                        order.append(generator)
                        queue.append(generator)
            if entry is None:
                if HUB_CARD_LICENSES and not artifact.mine and artifact.license is not None \
                        and HUB_CARD_LICENSES.get(fold_id(artifact_id)) == (artifact.license, artifact.license_name):
                    # Its license is the one its Hub card states: the publisher's own (rules.lp).
                    artifacts[artifact_id] = updated(artifacts[artifact_id], listed=True)
                continue
            if artifact.mine:
                known = "a catalog model" if artifact_id == entry["id"] else f"the catalog model `{entry['id']}`"
                raise RequestError(
                    f"`{artifact_id}` is {known} ({entry.get('license')}), not your own model: "
                    f"give your model its own id and derive it from `{entry['id']}`",
                    location=self._located(request, artifact_id, "mine"))
            updates = {"listed": True}   # its terms are the catalog's (a licensor's release may be believed)
            if artifact.license is None:
                updates["license"] = entry.get("license")
            elif entry.get("license") and self._names_version(artifact, entry["license"]):
                updates["license"], updates["license_name"] = entry["license"], None
            elif entry.get("license") and not self._same_terms(artifact, entry["license"]):
                updates["license"] = f"({entry['license']}) AND ({artifact.license})"
                notes.append(("catalog_license_kept",
                              f"`{artifact_id}` is a catalog model under {entry['license']}: the declared license "
                              f"{artifact.license} applies beside it, not instead of it"))
            family = entry.get("family")
            if family and artifact.family != family:
                updates["family"] = family
                if artifact.family is not None:
                    notes.append(("catalog_family_kept", f"`{artifact_id}` is a catalog model of the {family} family, "
                                                         f"not {artifact.family}"))
            if entry.get("modalities"):
                known = set(entry["modalities"])
                if artifact.modalities is not None and not known <= set(artifact.modalities):
                    notes.append(("catalog_modalities_kept",
                                  f"`{artifact_id}` is a catalog model with modalities {', '.join(sorted(known))}: "
                                  f"they count beside the declared {', '.join(artifact.modalities) or 'none'}"))
                updates["modalities"] = tuple(sorted(known | set(artifact.modalities or ())))
            base = entry.get("base_model")
            catalog_edge = Edge(base, entry.get("relation", "finetune")) if base else None
            if catalog_edge and catalog_edge not in artifact.derived_from:
                updates["derived_from"] = artifact.derived_from + (catalog_edge,)
                if artifact.derived_from:
                    notes.append(("catalog_lineage_kept",
                                  f"`{artifact_id}` is a catalog model derived from `{base}` ({catalog_edge.relation}): "
                                  f"that edge is kept beside the ones the request gives"))
                if base not in artifacts:
                    artifacts[base] = Artifact(id=base)
                    order.append(base)
                    queue.append(base)
            if updates:
                artifacts[artifact_id] = updated(artifact, **updates)
        for artifact_id in parents_first(artifacts):
            artifacts[artifact_id] = self._inherit(artifacts[artifact_id], artifacts, notes)
        return replace(request, artifacts=tuple(artifacts[i] for i in order), notes=tuple(dict.fromkeys(notes)))

    def _dataset(self, artifact: Artifact, entry: dict, request: Request, notes: list) -> Artifact:
        """A dataset of the dataset catalog: the license its card states fills in an unstated one,
        and stays beside a declared one (as a catalog model's does). A dataset whose license is
        not known keeps none: the answer is UNKNOWN and says why (`_license_options`)."""
        if artifact.mine:
            raise RequestError(f"`{artifact.id}` is the catalog dataset `{entry['id']}`, not your own work: give "
                               f"your data its own id", location=self._located(request, artifact.id, "mine"))
        known = entry.get("license")
        if known is None:
            return artifact
        if artifact.license is None:
            # Said, not decided: whether its terms reach a model trained on it is the rules' call
            # (each license's `terms follow`), and the answer's reasons and duties show it.
            card = entry.get("card_license") or known
            # The catalog may add terms the card leaves out (a relabelled copy of NC data): say so.
            source = ("its dataset card's license" if card == known
                      else f"its card says {card}; the catalog adds what the card leaves out: {entry.get('note', '')}")
            notes.append(("catalog_dataset",
                          f"`{artifact.id}` is a catalog dataset under {known} ({source}); "
                          f"its terms bind a model trained on it only as far as that license's own terms reach "
                          f"(`can-i show` a license: `terms follow`)"))
            return replace(artifact, license=known)
        if self._same_terms(artifact, known):
            return artifact
        notes.append(("catalog_license_kept",
                      f"`{artifact.id}` is a catalog dataset under {known}: the declared license "
                      f"{artifact.license} applies beside it, not instead of it"))
        return replace(artifact, license=f"({known}) AND ({artifact.license})")

    def _publisher(self, artifact: Artifact, entry: dict | None, request: Request) -> str | None:
        """Who published an artifact: the catalog's or the request's `publisher`, else the
        organisation of its Hub id, lower case. A stated publisher that is not the Hub id's
        organisation is an input error: on the Hub only `deepseek-ai` publishes `deepseek-ai/…`,
        and a licensor's own release must never be claimed for someone else's model. A catalog
        model named by an alias (`THUDM/…` for `zai-org/…`) is the entry's repo under a former
        spelling: its organisation is the entry id's."""
        organisation = publisher_of(entry["id"] if entry else artifact.id)
        stated = (entry or {}).get("publisher") or artifact.publisher
        if stated is None:
            return organisation
        stated = stated.strip().lower()
        if not stated or (organisation and stated != organisation):
            raise RequestError(
                f"`{artifact.id}` is published by `{organisation}` on the Hub, not `{stated or '(empty)'}`: "
                f"leave `publisher` out, or give the artifact's own Hub id",
                location=self._located(request, artifact.id, "publisher") or "artifacts")
        return stated

    def _same_terms(self, artifact: Artifact, catalog_license: str) -> bool:
        """Does the declared license name the catalog's terms (`LLAMA3`, `other` + `llama3`, the
        operands of an AND in another order)? Unreadable expressions are not the same."""
        def terms(expression: str, license_name: str | None) -> set:
            return {frozenset(self.kb.resolve_license(lid, license_name)[0] or lid.lower() for lid in alternative)
                    for alternative in expressions.alternatives(expression)}

        try:
            return terms(artifact.license, artifact.license_name) == terms(catalog_license, None)
        except ValueError:
            return False

    def _names_version(self, artifact: Artifact, catalog_license: str) -> bool:
        """Is the declared license a family label (`other` + `tencent-license`) of which the
        catalog's license is one version? The catalog, which read the model's own text, then says
        which version it is (review 29)."""
        try:
            ids = expressions.ids(artifact.license)
            versions = self.kb.family_versions(ids[0], artifact.license_name) if len(ids) == 1 else ()
            catalog = {self.kb.resolve_license(lid)[0] for lid in expressions.ids(catalog_license)}
        except ValueError:
            return False
        return bool(versions) and " OR " not in catalog_license and catalog <= set(versions)

    @staticmethod
    def _inherit(artifact: Artifact, artifacts: dict, notes: list) -> Artifact:
        """A fine-tune, adapter or quantization is still the parent's kind of model: unless the
        request says otherwise, it keeps the parent's family and modalities. (A distilled or merged
        model may be anything, so it inherits nothing.) A model that takes a parent's weights
        (schema.WEIGHTS_RELATIONS) keeps that parent's modalities beside the ones it declares, with
        a note, as a catalog model's do: it holds the multimodal model's weights, which only its
        license grants (review 36: a quantized Llama 3.2 Vision declaring text alone escaped the EU
        paragraph for multimodal models; review 38: a fine-tune, adapter or merge likewise)."""
        edges = artifact.derived_from
        if edges and artifact.modalities is not None:
            weights = [e.parent for e in edges if e.relation in schema.WEIGHTS_RELATIONS]
            known = {m for parent in weights if artifacts.get(parent) is not None
                     for m in artifacts[parent].modalities or ()}
            if not known <= set(artifact.modalities):
                notes.append(("parent_modalities_kept",
                              f"`{artifact.id}` holds the weights of `{weights[0]}`"
                              f"{f' (and {len(weights) - 1} more)' if len(weights) > 1 else ''}, with modalities "
                              f"{', '.join(sorted(known))}: they count beside the declared "
                              f"{', '.join(artifact.modalities) or 'none'}"))
                artifact = updated(artifact, modalities=tuple(sorted(known | set(artifact.modalities))))
        if not edges or (artifact.family is not None and artifact.modalities is not None):
            return artifact   # nothing to inherit: the common case, once per artifact of a lineage
        if not same_model(e.relation for e in edges):
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
        return updated(artifact, **updates) if updates else artifact

    # --- answering ----------------------------------------------------------------------------

    def _plan(self, request, read: dict | None = None) -> "_Plan":
        """Validate a request and lay out the questions it needs: one per choice its OR
        expressions allow. `read` keeps license options for the other requests of one call
        (`_license_options`)."""
        # A hand-built Request is read back from its document: one path checks every request.
        request = read_request(request_document(request) if isinstance(request, Request) else request)
        request = check_lineage(self.complete(request))
        scope = ancestry(request)
        if request.use.hosting == "public-api" and scope and scope[0].mine and self._is_dataset(scope[0].id, scope[0]):
            # An inference or fine-tuning API serves a model: data of your own served so is a model,
            # and read as data it escaped the bans on improving other models with outputs (a
            # "dataset" distilled from Llama 3, offered as a public API, was YES: review 32).
            raise RequestError(f"`{scope[0].id}` is a dataset (its kind), yet `hosting` is public-api, an inference or "
                               f"fine-tuning API, which serves a model: if it is a model, drop `\"kind\": \"dataset\"` "
                               f"and derive it from its data by `trained_on`; if it is data, state another `hosting`",
                               location="use.hosting")
        request = self._standing_grants_here(request)
        use = self._canonical_ids(request.use, request, scope)
        if use is not request.use:
            request = replace(request, use=use)
        if len(scope) < len(request.artifacts):
            request = self._unjudged_own_models(request, scope)
        policy = None
        if request.policy is not None:   # profile.py is imported only for a question with a policy
            from .profile import resolve_policy

            policy = resolve_policy(request.policy, self.kb)
        acts = len(request.use.acts) + sum(len(a.derived_from) for a in scope if a.mine)
        if not acts:  # nothing asked is nothing permitted: "YES" to no act would mean nothing
            raise RequestError("the request names no act: list `use.acts` (use, host, distribute), or derive a "
                               "model of yours (`mine`) from another, which is the act of creating it",
                               location="use.acts")
        if acts > MAX_ACTS:
            raise LimitError(f"the question asks about {acts:,} acts (each edge of your own models is one); "
                             f"can-i judges at most {MAX_ACTS:,} in one question", location="artifacts")
        data = {edge.parent for a in scope for edge in a.derived_from if edge.relation == "trained_on"}
        if read is None:
            read = {}   # license text -> its options: a lineage repeats a few texts many times
        options = [self._license_options(artifact, artifact.id in data, read) for artifact in scope]
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
        grant_work = combinations * len(request.use.grants) * len(scope)
        if grant_work > MAX_GRANT_WORK:
            raise LimitError(f"the question is too large: {combinations} combinations × {len(request.use.grants):,} "
                             f"held grants × {len(scope):,} artifacts = {grant_work:,}, and can-i takes at most "
                             f"{MAX_GRANT_WORK:,}; give the grants that matter to this question", location="use.grants")
        per_question = len(scope) + acts + len(request.use.grants) * len(scope) // GRANT_WORK_PER_UNIT
        scenes, choices, readings = [], [], []
        for pick in itertools.product(*options):
            licenses = {a.id: known for a, (known, _, _) in zip(scope, pick)}
            unknown = {a.id: bad for a, (_, bad, _) in zip(scope, pick) if bad}
            readings.append(tuple(item for _, _, reading in pick for item in reading))
            used = tuple(sorted({lid for known in licenses.values() for lid in known}))
            scene = Scene(request.subject, tuple(scope), licenses, unknown, request.use, self._thresholds(used))
            # The outbound license's own facts (its `no further restrictions`, the further terms it
            # accepts) decide a relicensing into it too (dsl2.lp), so they are solved with it.
            solved_with = tuple(sorted(set(used) | {request.use.outbound_license} - {None}))
            scenes.append(_Question(scene, solved_with, (solved_with, scene.key()), per_question))
            if combinations > 1:   # one combination is no choice: not worth a walk over a long lineage
                # A choice is the user's among OR alternatives, not the version a family id is read as.
                choices.append({a.id: sorted(known + tuple(i for i, _ in bad))
                                for a, (known, bad, reading), alternatives in zip(scope, pick, options)
                                if sum(1 for option in alternatives if option[2] == reading) > 1})
        for fact_name in schema.COUNTS_AT_RELEASE:
            fact = schema.FACTS[fact_name]
            if getattr(request.use, fact.attr) is None:
                continue
            readers = sorted({lid for q in scenes for lid in q.used
                              if any(isinstance(c, Compare) and c.fact == fact_name
                                     for c in self.kb.licenses[lid].conditions.values())})
            if len(readers) > 1:
                # Each license counts in the month before its own version's release date: one stated
                # count is read for every date (review 36: Llama 3 and 3.1 merged, 650M read for both).
                note = ("count_for_several_dates",
                        f"`{fact.field}` is counted in the month before each licensed version's release date, and "
                        f"{', '.join(readers[:-1])} and {readers[-1]} each read it at its own date: the one stated "
                        f"count is read for all of them; if the counts at those dates differ, state the highest")
                request = replace(request, notes=request.notes + (note,))
        for date in schema.USE_FACTS:
            if date.type != schema.DATE or getattr(request.use, date.attr) is None:
                continue
            if not any(q.scene.thresholds.get(date.name) for q in scenes):
                # Stated and read by no clause: say so, rather than answer as if the date had been
                # weighed (review 36: hosting Llama 3.1 "on 1999-01-01" answered as any other date).
                stated = render_value(date.name, getattr(request.use, date.attr))
                note = ("date_unread", f"`{date.field}` ({stated}) is read by no license of this question: no clause "
                                       f"here turns on the date")
                request = replace(request, notes=request.notes + (note,))
        return _Plan(request, scope, scenes, choices, readings, policy)

    @staticmethod
    def _unjudged_own_models(request: Request, scope) -> Request:
        """A model or dataset of the user's own outside the subject's lineage: making it is an act
        (README), but this question judges only the subject and what it derives from, so it goes
        unjudged; a note says so (review 36: the subject was the parent, and a Llama 3 student of
        the user's own beside it, distilled into another family, went without a word)."""
        judged = {a.id for a in scope}
        outside = [a.id for a in request.artifacts if a.mine and a.id not in judged]
        if not outside:
            return request
        named = ", ".join(f"`{i}`" for i in outside[:3]) + (f" and {len(outside) - 3:,} more" if len(outside) > 3 else "")
        note = ("own_model_unjudged", f"{named} of your own {'is' if len(outside) == 1 else 'are'} not in the lineage of "
                                      f"`{request.subject}`, the artifact asked about: making "
                                      f"{'it' if len(outside) == 1 else 'them'} is not judged here; ask with "
                                      f"`subject` set to {'it' if len(outside) == 1 else 'each'}")
        return replace(request, notes=request.notes + (note,))

    def _standing_grants_here(self, request: Request) -> Request:
        """A profile's grants hold for every question: one naming artifacts this question does not
        have covers nothing here (a note says so) instead of making an unrelated question an input
        error. Dropping a grant never turns an answer into YES; grants a question states itself
        are checked as always."""
        grants_from = dict(request.facts_from).get("grants", "") if request.facts_from else ""
        if not grants_from:   # no profile gave them (nor is profile.py imported to say so)
            return request
        from .profile import SOURCE_PREFIX

        if not str(grants_from).startswith(SOURCE_PREFIX):
            return request
        known = {a.id for a in request.artifacts}
        written = [g for g in request.use.grants if not isinstance(g, Grant)]
        given = [g for g in request.use.grants if isinstance(g, Grant)] + list(read_grants(written) if written else ())
        for g in given:   # a profile read without a knowledge base was not checked for this (profile.py)
            lid = self.kb.resolve_license(g.license or g.name or "")[0] if g.licensor is None else None
            if g.artifacts is None and lid and not self.kb.licenses[lid].license.licensor_id:
                raise RequestError(f"your profile's grant `{g.written or lid}` is under {lid}, which has no fixed "
                                   f"licensor: a standing grant must say whose license it is ({lid}:ARTIFACT)",
                                   location=g.location)
        kept = [g for g in given if g.artifacts is None or set(g.artifacts) <= known]
        if len(kept) == len(given):
            return request
        notes = tuple(("profile_grant", f"your profile's grant `{g.written or g.name}` is for artifacts this question "
                                        f"does not have: it covers nothing here") for g in given if g not in kept)
        return replace(request, use=replace(request.use, grants=tuple(kept)), notes=request.notes + notes)

    def _canonical_ids(self, use, request: Request, scope):
        """Held grants resolved (see `resolve_grant`) and the outbound license under the
        knowledge base's ids (`GPL-3.0-only` and Hub aliases become `gpl-3.0`); an outbound
        license it does not know is an input error."""
        if use.grants == () and use.outbound_license is None:   # most questions: nothing to resolve
            return use
        # Embedders building a `Use` themselves may give grants as strings or dicts, as in JSON.
        written = [g for g in use.grants if not isinstance(g, Grant)]
        given = [g for g in use.grants if isinstance(g, Grant)] + list(read_grants(written) if written else ())
        grants = {self.resolve_grant(g, request, scope) for g in given}
        outbound = None
        if use.outbound_license:
            outbound, why = self.kb.resolve_license(use.outbound_license)
            if outbound is None:  # an unknown license cannot be judged against anything: never YES
                entry = self.kb.hub_ids.get(use.outbound_license.lower()) or {}
                what = (f"outbound license `{use.outbound_license}` is one can-i does not encode ({why})"
                        if entry.get("unknown") else f"unknown outbound license `{use.outbound_license}`"
                        f"{suggest(use.outbound_license, self.kb.licenses)}")
                raise RequestError(f"{what}: recipients' terms cannot be judged under a license can-i does not "
                                   f"know", location="use.outbound_license")
        return replace(use, grants=tuple(sorted(grants, key=Grant.sort_key)), outbound_license=outbound)

    # --- held grants ---------------------------------------------------------------------------

    def licensor_ids(self) -> frozenset[str]:
        """Every `licensor_id` the knowledge base's licenses declare (kb.LicenseIndex.licensor_ids)."""
        if self._licensor_ids is None:
            licenses = self.kb.licenses
            self._licensor_ids = (licenses.licensor_ids() if hasattr(licenses, "licensor_ids") else
                                  frozenset(c.license.licensor_id for c in licenses.values() if c.license.licensor_id))
        return self._licensor_ids

    def _is_licensor(self, name: str | None) -> bool:
        """`name in self.licensor_ids()`; when a license already loaded declares it (the grant
        a remedy proposes names the licensor of a license of the question), without reading
        every license file to learn the others."""
        if self._licensor_ids is None and hasattr(self.kb.licenses, "loaded_licensor_ids") \
                and name in self.kb.licenses.loaded_licensor_ids():
            return True
        return name in self.licensor_ids()

    def resolve_grant(self, grant: Grant, request: Request, scope) -> Grant:
        """Who a held grant is from, under which license, for which artifacts; or a RequestError
        with "did you mean". A grant covers (rules.lp, grant_covers):

        - `LICENSOR` (a `licensor_id`, like `meta`): every artifact under that licensor's licenses;
        - `LICENSE` with a fixed licensor (`llama3`): every artifact under that license;
        - `LICENSE` without one (a template: `cc-by-nc-4.0`, `apache-2.0`): the one artifact of the
          question under it; when several are, it is an error asking for `LICENSE:ARTIFACT`;
        - `X:ARTIFACT`: that artifact (and what its license reaches from it), where X is a
          license, a licensor, or the artifact's publisher (`CohereLabs:CohereLabs/aya-23-8B`).
        """
        where = grant.location
        known_ids = {a.id for a in request.artifacts}
        for artifact in grant.artifacts or ():
            if artifact not in known_ids:
                raise RequestError(f"the grant names `{artifact}`, which is not among the artifacts"
                                   f"{suggest(artifact, known_ids) or _folded_hint(artifact, known_ids)}",
                                   location=where)
        publishers = {publisher_of(a) for a in grant.artifacts or ()} - {None}
        licensor, license_id = grant.licensor, grant.license
        if grant.name is not None:
            license_id = self.kb.resolve_license(grant.name)[0]
            if license_id is None:
                if not self._is_licensor(grant.name) and grant.name not in publishers:
                    raise self._unknown_grantor(grant.name, request, where, "license or licensor")
                licensor = grant.name
        else:
            if license_id is not None:
                resolved = self.kb.resolve_license(license_id)[0]
                if resolved is None:
                    raise RequestError(f"unknown license `{license_id}` in a grant"
                                       f"{suggest(license_id, list(self.kb.licenses))}", location=f"{where}.license")
                license_id = resolved
            if licensor is not None and not self._is_licensor(licensor) and licensor not in publishers:
                raise self._unknown_grantor(licensor, request, f"{where}.licensor", "licensor")
        artifacts = grant.artifacts
        if license_id is not None:
            fixed = self.kb.licenses[license_id].license.licensor_id
            if fixed and licensor and licensor != fixed:
                raise RequestError(f"`{license_id}` is licensed by `{fixed}`, not `{licensor}`", location=where)
            licensor = fixed or licensor
            if not fixed and artifacts is None:
                under = [a.id for a in scope if not a.mine and license_id in self._license_ids(a)]
                if len(under) > 1:
                    shown = ", ".join(f"`{i}`" for i in under[:3]) + (", …" if len(under) > 3 else "")
                    raise RequestError(
                        f"`{license_id}` has no fixed licensor and {len(under)} artifacts here are under it "
                        f"({shown}): say whose license you hold, as {license_id}:ARTIFACT "
                        f"(e.g. `{license_id}:{under[0]}`)", location=where)
                artifacts = tuple(under)   # the one artifact under it, or none: it covers nothing
        elif artifacts is None and not self._is_licensor(licensor):
            raise RequestError(f"`{licensor}` licenses no encoded license of its own: name the artifacts "
                               f"the grant covers, as {licensor}:ARTIFACT", location=where)
        return Grant(licensor=licensor, license=license_id, artifacts=artifacts,
                     written=grant.written or grant.name or "", location=where)

    def _license_ids(self, artifact: Artifact) -> set[str]:
        """The knowledge-base ids an artifact's license expression mentions (any alternative)."""
        if not artifact.license:
            return set()
        found = set()
        for alternative in expressions.alternatives(artifact.license):
            for lid in alternative:
                encoding = self.kb.resolve_license(lid, artifact.license_name)[0]
                if encoding:
                    found.add(encoding)
        return found

    def _unknown_grantor(self, word: str, request: Request, where: str, what: str) -> RequestError:
        import unicodedata

        options = set(self.licensor_ids()) | {p for p in map(publisher_of, (a.id for a in request.artifacts)) if p}
        if what != "licensor":
            options |= set(self.kb.licenses)
        folded = unicodedata.normalize("NFKC", word).casefold()
        published = [a for a in request.artifacts if publisher_of(a.id) == folded]
        if published:   # a publisher alone: hinting "did you mean" the very word typed helps no one
            artifact = published[0]
            licensors = sorted({self.kb.licenses[lid].license.licensor_id for lid in self._license_ids(artifact)}
                               - {None, ""})
            meant = (" or ".join(f"`{name}`" for name in licensors) + " (its license's licensor)") if licensors \
                else f"`{word}:{artifact.id}` (a publisher's grant names what it covers)"
            return RequestError(f"`{word}` publishes `{artifact.id}` but licenses no encoded license: "
                                f"a grant for it is {meant}", location=where)
        hint = suggest(folded, sorted(options))
        return RequestError(f"unknown {what} `{word}` in a grant{hint}; licensors: "
                            f"{', '.join(sorted(self.licensor_ids()))}, or an artifact's publisher with "
                            f"PUBLISHER:ARTIFACT", location=where)

    def _solve(self, questions: list["_Question"], solved: dict) -> tuple[list, object]:
        """Solve a batch of questions: each of a prepared structure from its own Control
        (shapes.py), into `solved` (key -> (atoms, first artifact number)); the rest grounded in
        one clingo run, here or in a solver process (workers.py). Returns (the grounded
        questions, their pending answers), read by `_grounded`."""
        if self.shapes.capacity:
            splits = [split_key(q.key[1]) for q in questions]   # once per question, not per use
            structures = [(q.used, split[0]) for q, split in zip(questions, splits)]
            batch = None if len(questions) == 1 else self.shapes.batch_of(structures)
            fixed_of: dict = {}   # the license fact lists per license combination, once per batch
            prepared = {}
            # The questions of one structure one after another (Shapes.grouped): its Control is then
            # still in the CPU caches (a solve took ~100 us in a mixed order, ~60 in runs).
            for i in (range(len(questions)) if batch is None else Shapes.grouped_of(structures)):
                question = questions[i]
                fixed = fixed_of.get(question.used)
                if fixed is None:
                    fixed = fixed_of[question.used] = tuple(self.kb.licenses[lid].facts
                                                            for lid in self.kb.related(question.used))
                atoms = self.shapes.answer(question.scene, question.key[1], question.used, fixed, batch, splits[i])
                if atoms is not None:
                    prepared[question.key] = (atoms, 0)
            rest = [question for question in questions if question.key not in prepared]   # in batch order
            self._remember(prepared)
            solved.update(prepared)
            questions = rest
        if not questions:
            return questions, None
        used = self.kb.related({lid for question in questions for lid in question.used})
        fixed = tuple(self.kb.licenses[lid].facts for lid in used)
        scenes = [question.scene for question in questions]
        pending = self.solvers.submit(fixed, scenes)
        return questions, (pending if pending is not None else self._ground(fixed, scenes))

    def _grounded(self, questions: list["_Question"], answers) -> dict:
        """key -> (atoms, first artifact number) of a batch grounded by `_solve`; answers that a
        solver process failed to give are grounded here."""
        if not isinstance(answers, tuple):   # pending in a solver process
            try:
                answers = answers.result()
            except ChildFailed:
                used = self.kb.related({lid for question in questions for lid in question.used})
                answers = self._ground(tuple(self.kb.licenses[lid].facts for lid in used),
                                       [question.scene for question in questions])
        by_number, offsets = answers
        solved = {question.key: (by_number.get(number, []), offsets[number])
                  for number, question in enumerate(questions)}
        self._remember(solved)
        return solved

    def _remember(self, solved: dict) -> None:
        if self.cache_size and solved:
            with self._caches:
                for key, answer in solved.items():
                    while self._cache and len(self._cache) >= self.cache_size:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[key] = answer

    @staticmethod
    def _ground(fixed: tuple, scenes: list) -> tuple[dict, list[int]]:
        """One clingo run, in this process, for a batch of questions: answers by question
        number, and each question's first artifact number."""
        facts, offsets = batch_facts(fixed, scenes)
        return run(facts), offsets

    @staticmethod
    def _with_profile(plan: "_Plan", result: Result) -> Result:
        """The answer with where its facts came from and the policy's verdict, when the request
        carries them (a profile's, profile.py)."""
        result.facts_from = dict(plan.request.facts_from)
        if plan.policy is not None:
            from .profile import check_policy

            result.policy = check_policy(result, plan.policy, plan.request.use.outbound_license)
        return result

    def _result(self, plan: "_Plan", solved: dict) -> Result:
        request, scope = plan.request, plan.scope
        ids = [a.id for a in scope]
        parents = {a.id: [e.parent for e in a.derived_from] for a in scope}
        results = []
        for index, question in enumerate(plan.scenes):
            atoms, base = solved[question.key]
            result = explain(atoms, self.kb.licenses, request.subject, question.scene.unknown, parents, ids, base,
                             scene=question.scene)
            if plan.choices:
                result.choice = plan.choices[index]
            result.notes = [Note(code, message) for code, message in sorted(set(request.notes))] + result.notes
            result.notes.extend(grant_notes(request.use.grants, atoms, ids, base))
            results.append(result)
        # OR lets the user pick: the best alternative is the answer; among equally good ones the
        # choice with the smallest sorted ids, so the order the operands were written in is moot.
        # A family id (`gpl`) is no choice of the user's: each version it may mean is a reading,
        # and the answer holds only if every reading gives it (see `_across_readings`).
        # Nor is an OR on the user's own model: it is what they offer recipients, who may take any
        # alternative, so each must hold: the worst of them is the answer for a pick of the rest
        # (GPL-3.0 material in a model offered `apache-2.0 OR gpl-3.0` was YES by picking gpl-3.0,
        # though a recipient may take the whole under Apache-2.0: review 16).
        # A user held to a policy picks, among equally good alternatives, one the policy allows
        # (review 23: `cc-by-nc-4.0 OR mit` under a policy denying CC BY-NC was DENIED, though
        # MIT is allowed and as good); the verdict still comes first, so a pick the policy allows
        # never hides a worse answer.
        policy = plan.policy
        if policy is not None:
            from .profile import POLICY_STATUS, POLICY_ORDER, check_policy

            policy_rank = {POLICY_STATUS[listed]: position for position, listed in enumerate(POLICY_ORDER)}

        def rank(result: Result):
            judged = policy_rank[check_policy(result, policy, request.use.outbound_license).status] \
                if policy is not None else 0
            return STATUS_ORDER[result.status], judged, sorted(result.choice.items())

        readings = plan.readings
        own = {a.id for a in scope if a.mine}
        if plan.choices and own & plan.choices[0].keys():
            results, readings = _worst_of_own_alternatives(results, readings, own)
        best: dict[tuple, Result] = {}
        for result, reading in zip(results, readings):
            known = best.get(reading)
            if known is None or rank(result) < rank(known):
                best[reading] = result
        if len(best) == 1:
            return next(iter(best.values()))
        return _across_readings(best)

    def _thresholds(self, used: list[str]) -> dict[str, list[int]]:
        key = tuple(used)
        with self._caches:
            known = self._threshold_cache.get(key)
        if known is not None:
            return known
        cuts: dict[str, set[int]] = {fact.name: set() for fact in schema.NUMBER_FACTS}
        for lid in used:
            for cond in self.kb.licenses[lid].conditions.values():
                if isinstance(cond, Compare):
                    cuts[cond.fact].add(int(cond.value))
        with self._caches:
            if len(self._threshold_cache) >= THRESHOLD_CACHE:   # one entry per license combination: bounded
                self._threshold_cache.clear()
            return self._threshold_cache.setdefault(key, {fact: sorted(values) for fact, values in cuts.items()})

    def _license_options(self, artifact: Artifact, data: bool = False,
                         read: dict | None = None) -> list[tuple[tuple[str, ...], tuple, tuple]]:
        """(known ids, unknown ids with reasons, reading) per OR alternative, and per version a
        family id in the expression may mean (the reading: ((artifact, family id, version), …)).
        `data`: something was trained on the artifact, so an unknown license is a dataset's.
        `read` keeps the options of each (license, license_name) for the other artifacts of one
        question (the options name no artifact unless a family id makes readings)."""
        if artifact.license is None and artifact.mine:
            return [((), (), ())]  # the user's own contribution, under nothing but what it inherits
        if artifact.license is None:
            return [((), (("none", self._no_license(artifact, data)),), ())]
        if read is None:
            return self._license_options_of(artifact)
        key = (artifact.license, artifact.license_name)
        options = read.get(key)
        if options is None:
            options = self._license_options_of(artifact)
            if any(reading for _, _, reading in options):
                return options   # readings name the artifact: not shared
            read[key] = options
        return options

    def _license_options_of(self, artifact: Artifact) -> list[tuple[tuple[str, ...], tuple, tuple]]:
        """`_license_options` of an artifact with a license, worked out."""
        options = []
        try:  # read when the request was; the catalog's license joined to a declared one is read here
            alternatives = expressions.alternatives(artifact.license)
        except ValueError as exc:
            raise LimitError(f"`{artifact.id}`'s license with the catalog's: {exc}", location="artifacts") from None
        name = artifact.license_name
        families = [lid for lid in dict.fromkeys(i for alt in alternatives for i in alt)
                    if self.kb.family_versions(lid, name)]
        for versions in itertools.product(*(self.kb.family_versions(f, name) for f in families)):
            meaning = dict(zip(families, versions))
            # (`other` is shown by its license_name, the family the card named)
            reading = tuple((artifact.id, name if family.lower() == "other" and name else family, version)
                            for family, version in meaning.items())
            for alternative in alternatives:
                known, unknown = [], []
                for lid in (meaning.get(i, i) for i in alternative):
                    encoding, why = self.kb.resolve_license(lid, artifact.license_name)
                    if encoding:
                        known.append(encoding)
                    else:
                        named = artifact.license_name if lid == "other" and artifact.license_name else lid
                        unknown.append((named, why))
                options.append((tuple(sorted(set(known))), tuple(unknown), reading))
        return options

    def _no_license(self, artifact: Artifact, data: bool) -> str:
        """Why an artifact has no license, and how to state one: the dataset catalog's reason for
        a dataset whose card gives no usable license, else what is missing and where it goes."""
        how = (f"state it in a lineage file (an artifact `{{\"id\": \"{artifact.id}\", \"license\": \"ID\"}}` "
               f"beside the model trained on it; `can-i licenses` lists the ids)")
        entry = self.kb.dataset(artifact.id)
        if entry is not None:
            return f"the dataset catalog knows no license for this dataset: {entry['unknown']}; if you know it, {how}"
        if data:
            return (f"a dataset that is not in the dataset catalog (`can-i datasets`) and no license is stated for "
                    f"it: read its dataset card's `license:` and {how}")
        return ("no license is stated and none is known for this model: it is not in the model catalog "
                "(`can-i models`); state its license (`license:` in its card, or `license` of its artifact in a "
                "lineage file)")


def _in_a_child(started: tuple) -> bool:
    """Is some batch of a started window (Reasoner._start) still being ground by a child?"""
    return any(answers is not None and not isinstance(answers, tuple) for _, answers in started[2])


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
    readings: list = field(default_factory=list)   # per scene: the versions family ids were read as
    policy: object | None = None   # the request's license policy, its ids resolved (profile.Policy)


def _with_every_reading(result: Result, results) -> Result:
    """`result` with the reasons, duties, risks and information of every reading: whichever
    version the license is, its duties are owed, so none may be left out of the list."""
    for name in ("reasons", "obligations", "risks", "information", "applicable"):
        merged = list(getattr(result, name))
        for other in results:
            merged += [item for item in getattr(other, name) if item not in merged]
        setattr(result, name, merged)
    return result


def _worst_of_own_alternatives(results: list[Result], readings: list, own: set) -> tuple[list[Result], list]:
    """For each pick of the other artifacts' OR alternatives (and reading), the most restrictive
    of the answers over the alternatives of the user's own models, shown with the choice of the
    others only: an own model's OR is offered whole to recipients, not chosen by the user."""
    worst: dict[tuple, Result] = {}
    for result, reading in zip(results, readings):
        others = tuple(sorted((artifact, tuple(licenses)) for artifact, licenses in result.choice.items()
                              if artifact not in own))
        known = worst.get((reading, others))
        # the most restrictive; among equals the smallest sorted choice, as `rank` above
        if known is None or ((-STATUS_ORDER[result.status], sorted(result.choice.items()))
                             < (-STATUS_ORDER[known.status], sorted(known.choice.items()))):
            worst[(reading, others)] = result
    for result in worst.values():
        result.choice = {artifact: licenses for artifact, licenses in result.choice.items() if artifact not in own}
    return [worst[key] for key in worst], [key[0] for key in worst]


def _across_readings(best: dict) -> Result:
    """One answer from the answers under each reading of the family ids (`gpl`: gpl-2.0, gpl-3.0).

    A license family names no text, so no reading may be guessed: the answer is a reading's
    status only when every reading gives it (the first reading's answer is shown, with a note
    naming every version). Readings that disagree make DEPENDS on the version, or UNKNOWN when a
    version is one can-i does not encode; the answer shown is the most restrictive reading's, so
    its reasons say what the worst version demands. Never YES unless every version says YES."""
    readings = list(best)
    statuses = {reading: best[reading].status for reading in readings}
    families = {}
    for reading in readings:
        for artifact, family, version in reading:
            families.setdefault((artifact, family), []).append(version)
    named = "; ".join(f"`{family}`{'' if artifact == family else f' on `{artifact}`'} names no version: "
                      f"{' or '.join(dict.fromkeys(versions))}" for (artifact, family), versions in families.items())
    each = ", ".join(f"{' + '.join(version for _, _, version in reading)}: {statuses[reading]}"
                     for reading in readings)
    if len(set(statuses.values())) == 1:
        result = _with_every_reading(best[readings[0]], best.values())
        result.notes.append(Note("family_version", f"{named}; every version gives the same answer ({each})"))
        return result
    status = "unknown" if "unknown" in statuses.values() else "depends"
    # UNKNOWN shows a reading whose license is unknown (its reasons say which); DEPENDS the most
    # restrictive reading, whose reasons say what that version demands.
    shown = [r for r in readings if statuses[r] == status] or readings
    result = _with_every_reading(best[max(shown, key=lambda r: STATUS_ORDER[statuses[r]])], best.values())
    result.status = status
    result.notes.append(Note("family_version", f"{named}; the versions answer differently ({each}): the answer "
                                               f"depends on which version the license is, so say it"))
    return result


def grant_notes(grants, atoms, ids: list[str], base: int) -> list[Note]:
    """One note per held grant: how it was read and what it covered on the artifacts acted on
    (from the solver's grant_used atoms, so the note says what the rules did)."""
    if not grants:   # most questions hold none: no pass over every atom (300,000 in a long lineage)
        return []
    covered: dict[int, dict[str, set[str]]] = {}
    elsewhere: dict[int, dict[str, set[str]]] = {}
    for atom in atoms:
        if atom.name in ("grant_used", "grant_reached_elsewhere"):
            number, artifact, lid = atom.arguments
            into = covered if atom.name == "grant_used" else elsewhere
            into.setdefault(number.number, {}).setdefault(lid.string, set()).add(ids[artifact.number - base])
    notes = []
    for number, grant in enumerate(grants):
        read = "a separate license" + (f" from {grant.licensor}" if grant.licensor else "")
        if grant.license:
            read += f" under {grant.license}"
        if grant.artifacts is None:
            read += " for every artifact under " + ("it" if grant.license else "its licenses")
        elif grant.artifacts:
            read += " for " + _listed(grant.artifacts)
        else:
            read += f" for no artifact here (none is under {grant.license})"
        uses = covered.get(number)
        if uses:
            what = "; ".join(f"{lid} on {_listed(sorted(artifacts))}" for lid, artifacts in sorted(uses.items()))
            message = f"grant `{grant.written}` was read as {read}; it covers {what}"
        else:
            message = f"grant `{grant.written}` was read as {read}; it covers nothing this question acts on"
        if elsewhere.get(number):
            # Whoever applied a template license to a model cannot lift the same terms that reach
            # it from another model: say so, or the user is left with a grant that silently did nothing.
            message += "; " + "; ".join(
                f"{lid} also reaches {_listed(sorted(artifacts))} from a model the grant does not name, "
                f"so it does not cover {lid} there: hold a grant for that model too"
                for lid, artifacts in sorted(elsewhere[number].items()))
        notes.append(Note("grant_covered" if uses else "grant_unused", message))
    return notes


def _listed(items, most: int = 3) -> str:
    shown = ", ".join(f"`{i}`" for i in list(items)[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _folded_hint(word: str, options) -> str:
    """A "did you mean" for ids that differ only in case or Unicode form."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", word).casefold()
    close = [o for o in options if unicodedata.normalize("NFKC", o).casefold() == folded]
    return " (did you mean " + " or ".join(f"`{o}`" for o in sorted(close)[:3]) + "?)" if close else ""


def load(paths=None) -> Reasoner:
    """Load a Reasoner over the bundled knowledge base, or over the given files and folders."""
    return Reasoner(paths)


def decode_json(text: str | bytes, source: str):
    """Decode JSON text, with errors at source:line:col."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        elif text.startswith("\ufeff"):  # text decoded without -sig keeps the BOM: the same JSON
            text = text[1:]
        from .numbers import WrittenFloat

        # A number is judged as written, not as the float that holds it (numbers.WrittenFloat).
        return json.loads(text, object_pairs_hook=unique_keys, parse_float=WrittenFloat.parse)
    except DuplicateKeyError as exc:
        at = duplicate_key_location(text)
        raise RequestError(str(exc), location=f"{source}:{at}" if at else source) from None
    except UnicodeDecodeError as exc:
        raise RequestError(f"not UTF-8 text (byte {exc.start})", location=source) from None
    except json.JSONDecodeError as exc:
        raise RequestError(f"not valid JSON: {exc.msg}", location=f"{source}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise RequestError("JSON nested too deeply", location=source) from None
    except ValueError:  # Python refuses integer literals of more than 4,300 digits
        raise RequestError("a number in the JSON has too many digits", location=source) from None


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def read_request_input(request: str) -> tuple[str, object, list | None, "Callable[[CanIError], CanIError]"]:
    """What `can-i --request FILE|-` reads: (the source's name, one decoded document or None, the
    numbered JSON Lines or None, `locate`). Standard input may be a pipe, so it is allowed, but
    read bounded; a file that is not one document is read as JSON Lines, or its error stands. Both
    entries of the command line (cli.py and fast.py) read it here.

    `locate(error, line=None)` moves an error the request reader located by JSON path
    (`use.acts[0]`) to `source:line:col` of that field in the text read (of JSON Lines line
    `line`), the path kept after it."""
    from .files import read_bounded

    source = "<stdin>" if request == "-" else request
    if request == "-":
        raw = read_bounded(getattr(sys.stdin, "buffer", sys.stdin).read, source)
    else:
        raw = read_input_file(Path(request), "JSON file")
    locate = _locator(raw, source)
    if Path(source).suffix.lower() in JSON_LINES_SUFFIXES:
        return source, None, decode_requests(raw, source, lines=True), locate
    try:
        return source, decode_json(raw, source), None, locate
    except RequestError:
        batch = decode_requests(raw, source)
        if batch is None:
            raise
        return source, None, batch, locate


def _locator(raw: bytes | str, source: str) -> "Callable[[CanIError], CanIError]":
    """`locate` of read_request_input over the bytes read (decoded again only for an error)."""
    from .positions import at_line

    def locate(error: CanIError, line: int | None = None) -> CanIError:
        try:
            text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return error
        if line is None:
            return at_line(error, text, source)
        from .files import text_lines

        lines = text_lines(text)   # as decode_requests numbers them
        if not 0 < line <= len(lines):
            return error
        found = at_line(error, lines[line - 1], source)
        if found is error:
            return error
        # at_line read one line as a whole text: its `source:1:col` is `source:line:col` here
        return type(error)(error.message, location=f"{source}:{line}:" + found.location[len(source) + 3:])

    return locate


def decode_requests(text: str | bytes, source: str, lines: bool = False) -> list[tuple[int, object]] | None:
    """Several requests as JSON Lines (one document per line), or None for a single document.

    The text is JSON Lines when `lines` is set (a .jsonl file), or when it is not one JSON document,
    has more than one non-blank line, and its first non-blank line is a complete JSON object on its
    own (a pretty-printed document never is). Each item is (line number, decoded document), or
    (line number, RequestError located `source:line:col`) for a line that is not valid JSON, so one
    bad line does not lose the others. Blank lines are skipped.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RequestError(f"not UTF-8 text (byte {exc.start})", location=source) from None
    from .files import text_lines

    # Lines end at \n, \r\n or \r only (files.text_lines): a U+2028 inside a JSON string cut
    # str.splitlines' line in two, and every later answer came one line off its request.
    numbered = [(number, line) for number, line in enumerate(text_lines(text), 1) if line.strip()]
    if lines and not numbered:
        # Blank but for characters a byte-wise emptiness check keeps (a BOM, U+3000, U+2028):
        # no request to answer, and the batch's exit code was max() of nothing, a traceback (review 25).
        raise RequestError("holds no request (only blank lines)", location=source)
    if not lines:
        if len(numbered) < 2:
            return None
        try:
            json.loads(text)
            return None
        except (ValueError, RecursionError):
            pass
        try:
            if not isinstance(json.loads(numbered[0][1]), dict):
                return None
        except (ValueError, RecursionError):
            return None
    items: list[tuple[int, object]] = []
    for number, line in numbered:
        try:
            items.append((number, decode_json(line, source)))
        except RequestError as exc:
            where = exc.location or source
            # decode_json locates errors at source:1:col; on this line that is source:number:col
            if where.startswith(f"{source}:1:"):
                where = f"{source}:{number}:" + where[len(source) + 3:]
            else:
                where = f"{source}:{number}"
            items.append((number, RequestError(exc.message, location=where)))
    return items


def read_json_file(path: str | Path):
    """Read and decode a JSON file; every failure is a RequestError naming the file."""
    path = Path(path)
    return decode_json(read_input_file(path, "JSON file"), str(path))
