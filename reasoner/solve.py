"""Build the question's facts and run clingo over them with the rules.

The rules are parsed once per process; each question gets a fresh clingo Control that receives
the parsed rules, the facts of the licenses it touches and the question's facts as symbols
(through the backend), so no string from a request or a license is ever parsed as a program.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import clingo
from clingo import Function, Number, String, Symbol, ast

from . import resources
from .compile import const, num
from .request import Artifact, Use

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_name(text: str) -> str:
    """Names compare without case and with space, `-` and `_` as one separator (Llama-3 ~ Llama 3)."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def name_starts_with(name: str, prefix: str) -> bool:
    """True when `name` begins with `prefix` as a whole word or words.

    >>> name_starts_with("Llama-3-support-bot", "Llama 3"), name_starts_with("Llamafied", "Llama")
    (True, False)
    """
    name, prefix = normalise_name(name), normalise_name(prefix)
    return name == prefix or name.startswith(prefix + " ") or (
        name.startswith(prefix) and not prefix[-1:].isalnum())


class _Context:
    """Functions the rules may call during grounding (our code, never a license's)."""

    @staticmethod
    def starts_with(name: Symbol, prefix: Symbol) -> Symbol:
        return Number(1 if name_starts_with(name.string, prefix.string) else 0)


@functools.lru_cache(maxsize=1)
def _rules() -> tuple:
    statements: list = []
    ast.parse_string(resources.rules_path().read_text(encoding="utf-8"), statements.append)
    return tuple(statements)


@dataclass(frozen=True)
class Scene:
    """One concrete question: artifacts with their chosen license ids, and the use."""
    subject: str
    artifacts: tuple[Artifact, ...]
    licenses: dict            # artifact id -> tuple of known license ids (one alternative)
    unknown: dict             # artifact id -> tuple of (license id, reason)
    use: Use
    thresholds: dict = None   # fact -> sorted thresholds the licenses compare it with

    def canonical(self, fact: str, value: int) -> int:
        """The smallest number that compares with every threshold exactly as `value` does.

        Rules only ever compare a number with thresholds, so this keeps every answer the same
        while letting questions that differ only in, say, 5M versus 6M users share a cache entry.
        """
        cuts = (self.thresholds or {}).get(fact)
        if cuts is None:
            return value
        position = bisect.bisect_left(cuts, value)
        if position < len(cuts) and cuts[position] == value:
            return value
        return cuts[position - 1] + 1 if position else 0


def question_facts(scene: Scene) -> list[Symbol]:
    """The question as facts. Artifacts are numbered in `scene.artifacts` order, so questions
    that differ only in artifact ids give the same facts (and can share a cached answer)."""
    facts: list[Symbol] = []
    add = facts.append
    index = {artifact.id: Number(i) for i, artifact in enumerate(scene.artifacts)}
    add(Function("subject", [index[scene.subject]]))
    for act in scene.use.acts:
        add(Function("want", [const(act)]))
    for artifact in scene.artifacts:
        A = index[artifact.id]
        add(Function("artifact", [A]))
        if artifact.mine:
            add(Function("mine", [A]))
        for lid in scene.licenses.get(artifact.id, ()):
            add(Function("own", [A, String(lid)]))
        for lid, _ in scene.unknown.get(artifact.id, ()):
            add(Function("unknown_license", [A, String(lid)]))
        for edge in artifact.derived_from:
            add(Function("edge", [A, index[edge.parent], const(edge.relation)]))
        if artifact.family:
            add(Function("family", [A, String(artifact.family)]))
        if artifact.modalities is not None:
            add(Function("modality_known", [A]))
            for modality in artifact.modalities:
                add(Function("modality", [A, String(modality)]))
        name = scene.use.name if artifact.id == scene.subject and scene.use.name else artifact.name
        if name:
            add(Function("name", [A, String(name)]))
    use = scene.use
    if use.commercial is not None:
        add(Function("fact_flag", [const("commercial"), const("yes" if use.commercial else "no")]))
    for fact, value in (("mau", use.mau), ("revenue", use.revenue_usd), ("date", use.date)):
        if value is not None:
            add(Function("fact_num", [String(fact), num(scene.canonical(fact, value))]))
    for fact, values in (("territory", use.territory), ("purpose", use.purposes)):
        if values is not None:
            add(Function("fact_stated", [String(fact)]))
            for value in values:
                add(Function("fact_set", [String(fact), String(value)]))
    for grant in use.grants:
        add(Function("grant_held", [String(grant)]))
    if use.outbound_license:
        add(Function("outbound", [String(use.outbound_license)]))
    return facts


def run(facts: list[Symbol]) -> list[Symbol]:
    """Ground and solve the rules with these facts; return the shown atoms, sorted."""
    control = clingo.Control(["--warn=none"])
    with ast.ProgramBuilder(control) as builder:
        for statement in _rules():
            builder.add(statement)
    with control.backend() as backend:
        for symbol in facts:
            backend.add_rule([backend.add_atom(symbol)])
    control.ground([("base", [])], context=_Context())
    shown: list[Symbol] = []
    control.solve(on_model=lambda model: shown.extend(model.symbols(shown=True)))
    return sorted(shown)
