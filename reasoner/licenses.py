"""The typed form of a license file: what the parser produces and the compiler consumes."""

from __future__ import annotations

from .records import dataclass   # a standard dataclass, defined at no cost (records.py)
from decimal import Decimal
from typing import Union


@dataclass(frozen=True)
class Position:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# --- conditions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Always:
    """The condition of a rule written without `when`."""


@dataclass(frozen=True)
class Act:
    """True when the act being judged is this act (`distribute`, `host`, …)."""
    act: str


@dataclass(frozen=True)
class Flag:
    fact: str


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str          # > >= < <= = !=
    value: Decimal   # exact; dates are YYYYMMDD


@dataclass(frozen=True)
class Member:
    fact: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class StartsWith:
    fact: str
    prefix: str


@dataclass(frozen=True)
class Stated:
    """True when the question gives the fact a value, false when it leaves it out: never unknown."""
    fact: str


@dataclass(frozen=True)
class Not:
    operand: "Condition"


@dataclass(frozen=True)
class All:
    operands: tuple["Condition", ...]


@dataclass(frozen=True)
class Any_:
    operands: tuple["Condition", ...]


Condition = Union[Always, Act, Flag, Compare, Member, StartsWith, Stated, Not, All, Any_]


# --- rules --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exception_:
    label: str | None
    condition: Condition
    position: Position


@dataclass(frozen=True)
class Rule:
    """One statement of a clause.

    kind is one of: grant, forbid, separate (needs a separate license), duty, restrict, risk,
    inform (an explanation shown with the answer; it obliges nobody to anything).
    """
    kind: str
    acts: tuple[str, ...]
    condition: Condition
    position: Position
    exceptions: tuple[Exception_, ...] = ()
    duty: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    risk: str | None = None
    message: str | None = None
    restricted_fact: str | None = None
    restricted_values: tuple[str, ...] = ()
    # A duty's `broken by FACT {values}`: the stated values that break it.
    broken_fact: str | None = None
    broken_values: tuple[str, ...] = ()

    def effective_condition(self) -> Condition:
        """The condition with every exception folded in: `c and not e1 and not e2 …`."""
        if not self.exceptions:
            return self.condition
        parts = [] if isinstance(self.condition, Always) else [self.condition]
        parts += [Not(e.condition) for e in self.exceptions]
        return parts[0] if len(parts) == 1 else All(tuple(parts))


@dataclass(frozen=True)
class Quote:
    """A short verbatim passage of the primary text that the clause encodes; `can-i check
    --texts` finds it in the license's source files (whitespace-insensitive)."""
    text: str
    position: Position


@dataclass(frozen=True)
class Source:
    """A primary-text file the license is encoded from, and whose copy it is: `licensor` (read
    from the licensor's own repository or site) or `third-party` (anyone else's copy)."""
    file: str
    copy: str
    position: Position


@dataclass(frozen=True)
class BasedOn:
    """`based on ID [only "N", …] [cited as "P"]`: this license incorporates clauses of another."""
    license: str
    only: tuple[str, ...]
    cited_as: str | None
    position: Position

    def number(self, number: str) -> str:
        """An incorporated clause's number as this license cites it."""
        return f"{self.cited_as} {number}" if self.cited_as else number


@dataclass(frozen=True)
class Clause:
    number: str
    title: str
    position: Position
    rules: tuple[Rule, ...] = ()
    relicense: str | None = None
    relicense_to: tuple[str, ...] = ()   # licenses derivatives may go out under instead
    no_further_restrictions: bool = False
    restricts_use: bool = False
    ambiguous: str | None = None
    follows: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    # Clauses of the same license this one makes an exception to: (clause, license ids) for a
    # clash it settles, (clause, condition) for rules it suspends (folded into their exceptions).
    excepts_for: tuple[tuple[str, tuple[str, ...], Position], ...] = ()
    excepts_when: tuple[tuple[str, "Condition", Position], ...] = ()
    later_versions: tuple[str, ...] = ()   # `later versions`: what "or any later version" allows
    # `relicense with rider "N" [to IDS]`: (N, IDS) - other terms (all when IDS is empty) are
    # allowed if clause N travels with them as a rider.
    rider: tuple[str, tuple[str, ...]] | None = None
    # Every license id the clause names (`relicense … to`, `excepts … for`, `later versions`,
    # `relicense with rider … to`), with the statement and where: the knowledge base checks them
    # once every file is read, since an id may be defined in another file.
    license_refs: tuple[tuple[str, str, Position], ...] = ()
    # `adds further T…`: further terms this clause imposes on recipients (patent termination,
    # indemnity); `accepts further T…`: those this license's `no further restrictions` accepts.
    adds_further: tuple[str, ...] = ()
    accepts_further: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    """A use of the license with its expected answer; every example runs as a test."""
    description: str
    facts: tuple[tuple[str, object], ...]
    expect: str
    by: tuple[str, ...]
    position: Position


@dataclass(frozen=True)
class License:
    id: str
    position: Position
    name: str = ""
    version: str = ""
    licensor: str = ""
    # A short key for a licensor that is the same for every copy (Meta for Llama): a separate
    # license held from it (`--grant meta`) covers what it licenses. Template licenses (Apache,
    # CC, the RAIL texts) have none: whoever applies them is the licensor.
    licensor_id: str | None = None
    # The Hub organisations of the licensor (`deepseek-ai`, `meta-llama`): a model they publish
    # under other terms is the licensor's own release, whose terms replace this license (rules.lp).
    licensor_hub: tuple[str, ...] = ()
    url: str = ""
    # Other addresses where the licensor publishes the same text (the Llama 3 text is also the
    # LICENSE file of github.com/meta-llama/llama3): a card's `license_link` to any of them names
    # this license, as one to `url` does (subjects._license_at).
    also_at: tuple[str, ...] = ()
    family: str | None = None
    kind: str = "model"
    osi: bool = False
    spdx: str | None = None
    sources: tuple[Source, ...] = ()
    based_on: BasedOn | None = None
    follows: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def later_versions(self) -> tuple[str, ...]:
        """The later versions a licensee may follow under "this version or any later version"."""
        return tuple(dict.fromkeys(v for c in self.clauses for v in c.later_versions))

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address the text is published at: `url` first, then each `also_at`."""
        return ((self.url,) if self.url else ()) + self.also_at

    def clause(self, number: str) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)

    @property
    def file(self) -> str:
        return self.position.file
