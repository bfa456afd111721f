"""The software compatibility matrix: for every ordered pair (A, B) of the bundled open-source
software licenses, may material under A go into the user's own work distributed under B?

Each cell is one question to the reasoner, asked in one batch (`Reasoner.ask_many`); this module
only lays the questions out and prints the answers with the clauses that decided them. It
decides nothing: the licenses' encodings and the rules do.

The question: an upstream artifact under A, and the user's own model (`mine`) under B created
from it by `merge`, distributed. `merge` is the relation that reads as "goes into": A's material
becomes part of the user's model, as code copied into a program does, and every software
license here carries its terms along it (a quantization would be the same work in another form,
an adapter a separate file beside it; `distilled` takes only outputs). The request states that
the work does not merely link the material (`linking` false): code that goes in is modified into
the work, which is the LGPL's "work based on the Library", not a "work that uses" it.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "upstream/material"
WORK = "me/work"


def software_licenses(engine) -> list[str]:
    """The bundled OSI-approved software licenses, in listing order."""
    return sorted((c.license.id for c in engine.kb.licenses.values()
                   if c.license.kind == "software" and c.license.osi), key=_order)


def _order(lid: str):
    # Permissive first, then MPL, then the GNU family by version, each -or-later after its version.
    family = ["mit", "bsd", "apache", "mpl", "lgpl", "gpl", "agpl"]
    head = lid.split("-")[0]
    return (family.index(head) if head in family else len(family), lid.replace("-or-later", "~"))


def request(source_license: str, work_license: str) -> dict:
    """The question of one cell: material under A merged into my own model under B, distributed."""
    return {"artifacts": [{"id": SOURCE, "license": source_license, "family": "other"},
                          {"id": WORK, "license": work_license, "family": "other", "mine": True,
                           "derived_from": [{"id": SOURCE, "relation": "merge"}]}],
            "subject": WORK, "use": {"acts": ["distribute"], "linking": False}}


@dataclass(frozen=True)
class Cell:
    source: str          # A: the license of the material that goes in
    work: str            # B: the license of the user's own work
    status: str
    clauses: tuple[tuple[str, str], ...]   # (license, clause) of the reasons that decided a NO

    def text(self) -> str:
        if self.status == "permitted":
            return "yes"
        cited = {}
        for lid, clause in self.clauses:
            cited.setdefault(lid, []).append(f"§{clause}")
        return f"{_word(self.status)}: " + "; ".join(f"{lid} {', '.join(c)}" for lid, c in cited.items())


def _word(status: str) -> str:
    return {"forbidden": "no", "depends": "depends", "unknown": "unknown"}.get(status, status)


def matrix(engine, licenses: list[str] | None = None) -> list[Cell]:
    """Every ordered pair, answered in one batch."""
    ids = licenses or software_licenses(engine)
    pairs = [(a, b) for a in ids for b in ids]
    results = engine.ask_many([request(a, b) for a, b in pairs])
    cells = []
    for (a, b), result in zip(pairs, results):
        clauses = tuple(sorted({(r.license, r.clause) for r in result.reasons}, key=lambda x: (x[0] != a, x)))
        cells.append(Cell(a, b, result.status, clauses))
    return cells


def markdown(cells: list[Cell]) -> str:
    """Rows: the license of the material that goes in; columns: the license of your work."""
    ids = list(dict.fromkeys(c.source for c in cells))
    by = {(c.source, c.work): c for c in cells}
    lines = ["| goes into → / material under ↓ | " + " | ".join(f"`{b}`" for b in ids) + " |",
             "|---|" + "---|" * len(ids)]
    for a in ids:
        lines.append(f"| `{a}` | " + " | ".join(by[a, b].text() for b in ids) + " |")
    return "\n".join(lines)
