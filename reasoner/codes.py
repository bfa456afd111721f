"""Stable error codes of license files (`DSLnnn`), each with the help line its errors carry.

Kept apart from the parser so that the knowledge base can raise them without importing lark.
"""

from __future__ import annotations

from .errors import LicenseFileError
from .vocabulary import FLAG_FACTS, NUMBER_FACTS, RELATIONS, RISKS, SET_FACTS, SETTINGS, STRING_FACTS

# Stable error codes of license files, with the help line each error carries. facts/README.md
# lists them; tests and editors may match on the code, so a code never changes meaning.
ERRORS = {
    "DSL000": "the knowledge base's other files (catalog.toml, hf_licenses.toml) are TOML tables described "
              "in facts/README.md",
    "DSL001": "syntax: check the brackets and quotes near this point (facts/README.md shows each statement)",
    "DSL002": "strings are in double quotes on one line; escapes are \\\" \\\\ \\n \\t and \\uXXXX",
    "DSL101": "acts are use, host, distribute, finetune, adapt, merge, quantize, distill, train "
              "(groups: modify, derive, all)",
    "DSL102": "relations are " + ", ".join(RELATIONS) + " (or `none`)",
    "DSL103": "facts are the acts, " + ", ".join(list(FLAG_FACTS) + list(NUMBER_FACTS) + list(SET_FACTS)
                                                 + list(STRING_FACTS)) + ", and names made with `define`",
    "DSL104": "duties are listed in facts/README.md; a duty in words is `must \"…\"`, a prohibition "
              "`must not \"…\"`",
    "DSL105": "risks are " + ", ".join(r for r in RISKS if r not in ("not_osi", "relabelled", "ambiguous")),
    "DSL106": "settings are " + ", ".join(SETTINGS) + "; the primary text is `source \"FILE\" from licensor`",
    "DSL107": "closed vocabularies live in reasoner/vocabulary.py; use one of their words",
    "DSL108": "an example expects permitted, forbidden, depends or unknown",
    "DSL109": "a license id named by `relicense … to`, `excepts … for`, `later versions` or a rider is one of "
              "the licenses loaded (`can-i licenses` lists them)",
    "DSL201": "each setting, clause number, name, source and address (`url`, `also_at`) is given once per license",
    "DSL202": "a license id is defined once among the license files loaded together",
    "DSL203": "a bundled license lives in a file named after its id (`llama3` in llama3.lic)",
    "DSL301": "this statement or fact takes another kind of value (see facts/README.md)",
    "DSL401": "the statement is incomplete or contradicts another part of the license",
    "DSL402": "DSL 2 writes a duty in words as `must \"…\"`, a prohibition as `must not \"…\"`, and an "
              "explanation as `inform \"…\"`",
    "DSL501": "quotes are short verbatim passages of a `source` file (whitespace does not matter)",
}


def error(message: str, location: str, code: str, help: str | None = None) -> LicenseFileError:
    """A license-file error with its stable code and help line (ERRORS[code] unless given)."""
    return LicenseFileError(message, location, code, help or ERRORS[code])
