"""Mutations of forbidden and depends requests, for the standing adversarial suite.

The seeds are every bundled license's `example` whose answer is forbidden or depends (as the
request `reasoner.examples.example_request` makes of it) and a few questions about catalog
models. A mutation rewrites a seed in a way that keeps its meaning (renaming, reordering, case,
Unicode look-alikes, junk fields, duplicate keys, empty lists, other number spellings, another
input format: JSON text, a lineage file, a model card) or, for the few kinds in LEGAL_CHANGES, in
a documented way that may change the answer but never to YES.

The judgement of one mutant (`judge`):
- a CanIError is always acceptable: refusing doubtful input is the honest answer;
- `permitted` is never acceptable when the seed is not permitted (a wrong YES);
- for a same-meaning mutation the status must be the seed's (or `unknown`, for the kinds that
  make an id unrecognisable: an unknown license or model is UNKNOWN, never YES).

Run `python tests/adversarial.py [COUNT]` for the per-kind table and one reproduction per kind
that goes wrong.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import re
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reasoner.api import Reasoner
from reasoner.errors import CanIError
from reasoner.examples import example_request
from reasoner.numbers import parse_count
from reasoner.request import ARTIFACT_KEYS, REQUEST_KEYS, USE_KEYS, read_request
from reasoner.subjects import Context, build_request
from reasoner.vocabulary import RELATION_ACT, USE_ACTS

ACT_OF_RELATION = RELATION_ACT

# --- seeds --------------------------------------------------------------------------------------

L3 = "meta-llama/Meta-Llama-3-8B"
VISION = "meta-llama/Llama-3.2-11B-Vision-Instruct"
L31 = "meta-llama/Llama-3.1-8B-Instruct"

# Questions about catalog models whose honest answer is NO or DEPENDS (the reproductions).
CATALOG_SEEDS = [
    ("catalog: Llama 3 hosted for 800M users",
     {"artifacts": [{"id": L3}], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}, "forbidden"),
    ("catalog: Llama 3 outputs distilled into a Mistral model",
     {"artifacts": [{"id": L3}, {"id": "acme/student", "mine": True, "family": "mistral",
                                 "derived_from": [{"id": L3, "relation": "distilled"}]}],
      "subject": "acme/student", "use": {"acts": ["distribute"], "release_mau": "1M", "role": "licensee"}}, "forbidden"),
    ("catalog: Aya (CC-BY-NC) hosted commercially",
     {"artifacts": [{"id": "CohereLabs/aya-23-8B"}], "use": {"acts": ["host"], "commercial": True}}, "forbidden"),
    ("stack: CC-BY-NC hosted commercially",
     {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": True}}, "forbidden"),
    ("catalog: FLUX.1-dev hosted commercially",
     {"artifacts": [{"id": "black-forest-labs/FLUX.1-dev"}], "use": {"acts": ["host"], "commercial": True}},
     "forbidden"),
    ("catalog: Llama 3.2 Vision hosted by an EU licensee",
     {"artifacts": [{"id": VISION}], "use": {"acts": ["host"], "release_mau": "1M", "role": "licensee", "domicile": ["EU"]}}, "forbidden"),
    ("catalog: Llama 3.2 Vision hosted, domicile unstated",
     {"artifacts": [{"id": VISION}], "use": {"acts": ["host"], "release_mau": "1M", "role": "licensee"}}, "depends"),
    ("catalog: a Llama 3.1 fine-tune distributed without the Llama prefix",
     {"artifacts": [{"id": L31}, {"id": "acme/bot", "mine": True,
                                  "derived_from": [{"id": L31, "relation": "finetune"}]}],
      "subject": "acme/bot", "use": {"acts": ["distribute"], "release_mau": "1M", "role": "licensee", "name": "SupportBot"}}, "forbidden"),
    ("stack: Llama 3.1 and Apache-2.0 hosted for 800M users",
     {"licenses": ["llama3.1", "apache-2.0"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}, "forbidden"),
]


@dataclass(frozen=True)
class Seed:
    label: str
    doc: dict
    status: str


def _without_empty_lists(doc: dict) -> dict:
    """A seed states nothing with an empty list (creation-only examples have `acts: []`)."""
    doc = copy.deepcopy(doc)
    for key in [k for k, v in doc["use"].items() if v == []]:
        del doc["use"][key]
    return doc


def load_seeds(reasoner: Reasoner) -> list[Seed]:
    seeds = []
    for compiled in sorted(reasoner.kb.licenses.values(), key=lambda c: c.license.id):
        lic = compiled.license
        for example in lic.examples:
            if example.expect in ("forbidden", "depends"):
                seeds.append(Seed(f"{lic.id}: {example.description}",
                                  _without_empty_lists(example_request(lic, example)), example.expect))
    seeds += [Seed(label, doc, status) for label, doc, status in CATALOG_SEEDS]
    return seeds


# --- the environment mutations need -------------------------------------------------------------

@dataclass
class Env:
    reasoner: Reasoner
    rnd: random.Random

    def is_catalog(self, model_id: str) -> bool:
        return self.reasoner.kb.model(model_id) is not None

    def is_license(self, lid: str) -> bool:
        return self.reasoner.kb.resolve_license(lid)[0] is not None


def _artifacts(doc) -> list[dict]:
    return [a for a in doc.get("artifacts", []) if isinstance(a, dict)]


def _license_holders(doc) -> list[tuple[dict, object]]:
    """(container, key) of every license expression: artifact licenses and stack items."""
    spots = [(a, "license") for a in _artifacts(doc) if isinstance(a.get("license"), str)]
    stack = doc.get("licenses")
    if isinstance(stack, list):
        spots += [(stack, i) for i, item in enumerate(stack) if isinstance(item, str)]
    return spots


ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+\-]*")


def _license_tokens(expression: str) -> list[re.Match]:
    return [m for m in ID_TOKEN.finditer(expression) if m.group(0).upper() not in ("AND", "OR", "WITH")]


def _rename_everywhere(doc: dict, mapping: dict[str, str]) -> None:
    for artifact in _artifacts(doc):
        if artifact.get("id") in mapping:
            artifact["id"] = mapping[artifact["id"]]
        for edge in artifact.get("derived_from", []) or []:
            if isinstance(edge, dict) and edge.get("id") in mapping:
                edge["id"] = mapping[edge["id"]]
    if doc.get("subject") in mapping:
        doc["subject"] = mapping[doc["subject"]]


# --- look-alike text ----------------------------------------------------------------------------

# Latin letters and Cyrillic/Greek/other letters that look the same but are other characters
# (none of them NFKC-equal to the Latin one).
HOMOGLYPHS = {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ",
    "j": "ј", "l": "ӏ", "A": "А", "B": "В", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "U": "Ս", "S": "Ѕ", "C": "С", "0": "О", "1": "ӏ", "3": "З",
}
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
COMBINING = ["\u0301", "\u0308", "\u0327", "\u20dd"]


def full_width(text: str, rnd: random.Random) -> str:
    """Full-width forms (NFKC folds them back; an engine that does not must not say YES)."""
    chars = list(text)
    picks = range(len(chars)) if rnd.random() < 0.5 else [rnd.randrange(len(chars))]
    for i in picks:
        if "!" <= chars[i] <= "~":
            chars[i] = chr(ord(chars[i]) + 0xFEE0)
    return "".join(chars)


def look_alike(text: str, rnd: random.Random, nfkc_distinct: bool = False) -> tuple[str, str]:
    """`text` written with other characters that look the same; returns (text, form)."""
    forms = ["homoglyph", "zero-width", "combining"] + ([] if nfkc_distinct else ["full-width"])
    form = rnd.choice(forms)
    if not text:
        return text, form
    pos = rnd.randrange(len(text) + 1)
    if form == "full-width":
        return full_width(text, rnd), form
    if form == "zero-width":
        return text[:pos] + rnd.choice(ZERO_WIDTH) + text[pos:], form
    if form == "combining":
        pos = max(pos, 1)
        return text[:pos] + rnd.choice(COMBINING) + text[pos:], form
    swappable = [i for i, ch in enumerate(text) if ch in HOMOGLYPHS]
    if not swappable:
        return text[:pos] + rnd.choice(ZERO_WIDTH) + text[pos:], "zero-width"
    i = rnd.choice(swappable)
    return text[:i] + HOMOGLYPHS[text[i]] + text[i + 1:], form


def other_case(text: str, rnd: random.Random) -> str:
    choice = rnd.randrange(3)
    if choice == 0:
        changed = text.upper()
    elif choice == 1:
        changed = text.title()
    else:
        changed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in text)
    if changed == text:
        changed = text.swapcase()
    return changed


# --- mutations of a document ----------------------------------------------------------------------
#
# Each takes (doc, env) and returns the mutated doc and the kind it applied, or None when it does
# not apply to this doc. The doc may be changed in place.

def m_rename(doc, env):
    """Rename every artifact that is not a catalog model, consistently (ids, edges, subject)."""
    ids = [a["id"] for a in _artifacts(doc) if isinstance(a.get("id"), str) and not env.is_catalog(a["id"])]
    if not ids:
        return doc, None
    rnd = env.rnd
    styles = [lambda n: f"acme/model-{n}", lambda n: f"model {n} ✓", lambda n: f"模型-{n}",
              lambda n: f"x{n}", lambda n: f"llama3-{n}", lambda n: f"MIT-{n}", lambda n: f"./not/a/path/{n}"]
    taken = set()
    mapping = {}
    for old in ids:
        while True:
            new = rnd.choice(styles)(rnd.randrange(10**6))
            if new not in taken and not env.is_catalog(new):
                break
        taken.add(new)
        mapping[old] = new
    _rename_everywhere(doc, mapping)
    return doc, "rename-ids"


def _shuffled_keys(value, rnd):
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: _shuffled_keys(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [_shuffled_keys(v, rnd) for v in value]
    return value


def m_reorder(doc, env):
    """Reorder artifacts, edges, acts, list items, AND operands and the keys of every object."""
    rnd = env.rnd
    for artifact in _artifacts(doc):
        if isinstance(artifact.get("derived_from"), list):
            rnd.shuffle(artifact["derived_from"])
        if isinstance(artifact.get("modalities"), list):
            rnd.shuffle(artifact["modalities"])
        lic = artifact.get("license")
        if isinstance(lic, str) and " AND " in lic and "(" not in lic and " OR " not in lic:
            parts = lic.split(" AND ")
            rnd.shuffle(parts)
            artifact["license"] = " AND ".join(parts)
    for key in ("artifacts", "licenses"):
        if isinstance(doc.get(key), list):
            rnd.shuffle(doc[key])
    use = doc.get("use")
    if isinstance(use, dict):
        for key in ("acts", "territory", "purposes", "grants"):
            if isinstance(use.get(key), list):
                rnd.shuffle(use[key])
    return _shuffled_keys(doc, rnd), "reorder"


JUNK_KEYS = ["x", "comment", "_note", "licence", "Mine", "ID", "derived-from", "override", "allow",
             "permitted", "status", "expect", "acts ", "commercial?", "mau_", "ignore_restrictions",
             "use", "license", "mine", "relation", "subject", "artifacts"]
JUNK_VALUES = [True, False, None, 0, 1, "", "mit", "permitted", [], {}, ["host"], {"acts": []}]


def m_junk_field(doc, env):
    """Add a field no schema knows at some level (request, use, artifact, edge)."""
    rnd = env.rnd
    levels = [(doc, REQUEST_KEYS)]
    if isinstance(doc.get("use"), dict):
        levels.append((doc["use"], USE_KEYS))
    for artifact in _artifacts(doc):
        levels.append((artifact, ARTIFACT_KEYS))
        for edge in artifact.get("derived_from", []) or []:
            if isinstance(edge, dict):
                levels.append((edge, ("id", "relation")))
    target, allowed = rnd.choice(levels)
    key = rnd.choice([k for k in JUNK_KEYS if k not in allowed])
    target[key] = copy.deepcopy(rnd.choice(JUNK_VALUES))
    return doc, "junk-field"


def written(value: int, rnd: random.Random, money: bool = False):
    """`value` written as a person might: 800M, "800_000_000", 8e8, "800,000,000", "$800M"."""
    digits = str(value)
    forms = ["int", "digits", "underscores", "commas", "suffix", "exponent", "float"] + (["dollars"] if money else [])
    form = rnd.choice(forms)
    if form == "int":
        return value
    if form == "digits":
        return digits
    if form == "underscores":
        return f"{value:_}"
    if form == "commas":
        return f"{value:,}"
    if form in ("suffix", "dollars"):
        text = digits
        for suffix, size in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
            if value >= size:
                whole, rest = divmod(value, size)
                fraction = str(rest).rjust(len(str(size)) - 1, "0").rstrip("0")
                text = f"{whole}.{fraction}{suffix}" if fraction else f"{whole}{suffix}"
                break
        return ("$" if form == "dollars" else "") + text
    stripped = digits.rstrip("0") or "0"
    exponent = len(digits) - len(stripped)
    if form == "exponent":
        return f"{stripped}e{exponent}"
    return float(value) if value < 2**53 else f"{stripped}E+{exponent}"


def m_numbers(doc, env):
    """Write the stated numbers (MAU, revenue) another way."""
    use = doc.get("use")
    if not isinstance(use, dict):
        return doc, None
    keys = [k for k in ("release_mau", "revenue_usd") if k in use]
    if not keys:
        return doc, None
    for key in keys:
        value = parse_count(use[key])
        use[key] = written(value, env.rnd, money=key == "revenue_usd")
    return doc, "numbers"


def m_stack_form(doc, env):
    """A flat `licenses` stack as one artifact, or one lone artifact as a flat stack."""
    if "licenses" in doc:
        stack = doc.pop("licenses")
        subject = doc.pop("subject", None) or "stack"
        doc["artifacts"] = [{"id": subject, "license": " AND ".join(f"({item})" for item in stack)}]
        doc["subject"] = subject
        return doc, "stack-to-artifact"
    artifacts = _artifacts(doc)
    if len(doc.get("artifacts", [])) != 1 or len(artifacts) != 1:
        return doc, None
    artifact = artifacts[0]
    if not isinstance(artifact.get("license"), str) or artifact.get("mine") or artifact.get("derived_from"):
        return doc, None
    if env.is_catalog(artifact["id"]) or artifact.get("license_name"):
        return doc, None
    expression = artifact["license"]
    stack = expression.split(" AND ") if "(" not in expression and " OR " not in expression else [expression]
    dropped = any(k in artifact for k in ("family", "modalities", "name"))
    del doc["artifacts"]
    doc["licenses"] = stack
    doc["subject"] = artifact["id"]
    return doc, "drop-fact:artifact-to-stack" if dropped else "artifact-to-stack"


def m_expression_form(doc, env):
    """Write a license expression another way that means the same: parentheses around an id,
    an id repeated with AND, or `X OR X`."""
    spots = _license_holders(doc)
    if not spots:
        return doc, None
    rnd = env.rnd
    container, key = rnd.choice(spots)
    expression = container[key]
    tokens = _license_tokens(expression)
    if not tokens:   # nothing to rewrite (an empty or operator-only expression): no mutant
        return doc, None
    token = rnd.choice(tokens)
    lid = token.group(0)
    form = rnd.choice(["parentheses", "and-itself", "or-itself"])
    replacement = {"parentheses": f"(({lid}))", "and-itself": f"({lid} AND {lid})",
                   "or-itself": f"({lid} OR {lid})"}[form]
    container[key] = expression[:token.start()] + replacement + expression[token.end():]
    return doc, f"expression:{form}"


def _roots(doc) -> list | None:
    """The ids of the artifacts nothing derives from, or None when the artifacts are not all
    objects (a mutation left something else in the list)."""
    artifacts = _artifacts(doc)
    if not artifacts or len(artifacts) != len(doc.get("artifacts", [])):
        return None
    parents = {e.get("id") for a in artifacts for e in a.get("derived_from", []) or [] if isinstance(e, dict)}
    return [a.get("id") for a in artifacts if a.get("id") not in parents]


def m_subject_form(doc, env):
    """State the subject when it was left to be inferred, or leave it out when it is the one
    artifact nothing derives from."""
    roots = _roots(doc)
    if roots is None:
        return doc, None
    if "subject" in doc and len(roots) == 1 and doc["subject"] == roots[0]:
        del doc["subject"]
        return doc, "subject:inferred"
    if "subject" not in doc and len(roots) == 1:
        doc["subject"] = roots[0]
        return doc, "subject:stated"
    return doc, None


def m_extra_artifact(doc, env):
    """Add an artifact the subject does not derive from, under a permissive license: it is not
    part of the question."""
    roots = _roots(doc)
    if roots is None:
        return doc, None
    if "subject" not in doc:
        if len(roots) != 1:
            return doc, None
        doc["subject"] = roots[0]
    rnd = env.rnd
    extra = {"id": f"unrelated-{rnd.randrange(10**6)}", "license": rnd.choice(["mit", "apache-2.0", "cc0-1.0"])}
    if rnd.random() < 0.5:
        extra["mine"] = True
    doc["artifacts"].insert(rnd.randrange(len(doc["artifacts"]) + 1), extra)
    return doc, "extra-artifact"


def m_catalog_explicit(doc, env):
    """Write out the license the catalog gives a catalog model."""
    catalog = [a for a in _artifacts(doc) if isinstance(a.get("id"), str) and env.is_catalog(a["id"])
               and "license" not in a and not a.get("mine")]
    if not catalog:
        return doc, None
    artifact = env.rnd.choice(catalog)
    artifact["license"] = env.reasoner.kb.model(artifact["id"])["license"]
    return doc, "catalog-license-explicit"


def m_license_other(doc, env):
    """Say a lone license id the Hugging Face way: `license: other` with a `license_name` the
    knowledge base maps to the same encoding."""
    rnd = env.rnd
    spots = []
    for artifact in _artifacts(doc):
        lid = artifact.get("license")
        if isinstance(lid, str) and not artifact.get("license_name") and len(_license_tokens(lid)) == 1 \
                and lid.strip() == _license_tokens(lid)[0].group(0):
            encoding = env.reasoner.kb.resolve_license(lid)[0]
            if encoding:
                names = [n for n, entry in env.reasoner.kb.hub_names.items() if entry.get("encoding") == encoding]
                # The encoding's own id, unless the Hub uses that spelling for several texts
                # (`tencent-hunyuan-community`: the template and the Hunyuan 3D licenses, review 29)
                own = env.reasoner.kb.hub_names.get(encoding)
                if own is None or own.get("encoding") == encoding:
                    names.append(encoding)
                if names:
                    spots.append((artifact, names))
    if not spots:
        return doc, None
    artifact, names = rnd.choice(spots)
    artifact["license"] = rnd.choice(["other", "Other"])
    artifact["license_name"] = rnd.choice(names)
    return doc, "license-other"


def _word_spots(doc, env) -> tuple[list, dict]:
    """Where an id or a vocabulary word can be rewritten: (kind, container, key) for each license
    expression that still holds an id (an earlier mutation may have left none), catalog model id,
    family, territory and purpose; and the request's `use` (or {})."""
    spots = []
    for container, key in _license_holders(doc):
        if _license_tokens(container[key]):
            spots.append(("license-id", container, key))
    for artifact in _artifacts(doc):
        if isinstance(artifact.get("id"), str) and env.is_catalog(artifact["id"]):
            spots.append(("model-id", artifact, "id"))
        if isinstance(artifact.get("family"), str):
            spots.append(("family", artifact, "family"))
    use = doc.get("use") if isinstance(doc.get("use"), dict) else {}
    for key, kind in (("territory", "territory"), ("purposes", "purpose")):
        if isinstance(use.get(key), list):
            spots += [(kind, use[key], i) for i in range(len(use[key]))]
    return spots, use


def m_case(doc, env):
    """Change the case of an id or a vocabulary word that is compared without case."""
    rnd = env.rnd
    spots, _ = _word_spots(doc, env)
    if not spots:
        return doc, None
    kind, container, key = rnd.choice(spots)
    old = container[key]
    if kind == "license-id":
        tokens = _license_tokens(old)
        token = rnd.choice(tokens)
        new = old[:token.start()] + other_case(token.group(0), rnd) + old[token.end():]
    else:
        new = other_case(old, rnd)
    container[key] = new
    if kind == "model-id":
        _rename_everywhere(doc, {old: new})
    return doc, f"case:{kind}"


def m_unicode(doc, env):
    """Write an id or vocabulary word with look-alike characters (full-width, zero-width,
    combining marks, homoglyphs)."""
    rnd = env.rnd
    spots, use = _word_spots(doc, env)
    if isinstance(use.get("outbound_license"), str):
        spots.append(("outbound", use, "outbound_license"))
    stack_ids = sorted({t.group(0) for c, k in _license_holders(doc) for t in _license_tokens(c[k])})
    if stack_ids and isinstance(use, dict) and "use" in doc:
        spots.append(("grant", None, None))
    if not spots:
        return doc, None
    kind, container, key = rnd.choice(spots)
    if kind == "grant":
        # Claim to hold a license that only looks like one in the stack: it must lift nothing.
        # (Full-width is left out: NFKC folds it to the real id, which would be a real grant.)
        lookalike, form = look_alike(rnd.choice(stack_ids), rnd, nfkc_distinct=True)
        use["grants"] = list(use.get("grants", [])) + [lookalike]
        return doc, f"unicode:grant:{form}"
    old = container[key]
    if kind == "license-id":
        token = rnd.choice(_license_tokens(old))
        changed, form = look_alike(token.group(0), rnd)
        new = old[:token.start()] + changed + old[token.end():]
    else:
        new, form = look_alike(old, rnd)
    container[key] = new
    if kind == "model-id":
        _rename_everywhere(doc, {old: new})
    return doc, f"unicode:{kind}:{form}"


def m_empty_list(doc, env):
    """Add an empty list (or a list of blanks) where a list was not stated: it states nothing."""
    rnd = env.rnd
    use = doc.setdefault("use", {}) if isinstance(doc.get("use", {}), dict) else None
    spots = []
    if use is not None:
        for key in ("territory", "purposes", "grants", "acts"):
            if key not in use:
                spots.append((use, key))
    for artifact in _artifacts(doc):
        for key in ("modalities", "derived_from"):
            if key not in artifact:
                spots.append((artifact, key))
    if not spots:
        return doc, None
    container, key = rnd.choice(spots)
    blank = key in ("territory", "purposes") and rnd.random() < 0.3
    container[key] = [rnd.choice(["", " ", "\t"])] if blank else []
    return doc, f"empty-list:{key}" + (":blank" if blank else "")


def m_claim_mine(doc, env):
    """Mark a catalog model as the user's own: its catalog license and lineage still bind."""
    catalog = [a for a in _artifacts(doc) if isinstance(a.get("id"), str) and env.is_catalog(a["id"])
               and not a.get("mine")]
    if not catalog:
        return doc, None
    catalog[env.rnd.randrange(len(catalog))]["mine"] = True
    return doc, "ownership:catalog-marked-mine"


def m_catalog_license(doc, env):
    """Give a catalog model a permissive license of the user's choosing: the catalog's terms
    still bind (the honest answers are the seed's, or an error about the contradiction)."""
    catalog = [a for a in _artifacts(doc) if isinstance(a.get("id"), str) and env.is_catalog(a["id"])
               and "license" not in a]
    if not catalog:
        return doc, None
    catalog[env.rnd.randrange(len(catalog))]["license"] = env.rnd.choice(["mit", "apache-2.0", "cc-by-4.0"])
    return doc, "ownership:catalog-relicensed"


DROPPABLE_USE = ("commercial", "release_mau", "revenue_usd", "territory", "date")


def m_drop_fact(doc, env):
    """LEGAL CHANGE: leave out a stated context fact (an unstated fact is unknown: NO may become
    DEPENDS, never YES). `purposes`, `name` and `outbound_license` are not dropped: without them
    a use restriction, naming rule or relicensing ban becomes a duty to meet, an honest YES."""
    rnd = env.rnd
    spots = []
    use = doc.get("use") if isinstance(doc.get("use"), dict) else {}
    spots += [(use, k) for k in DROPPABLE_USE if k in use]
    for artifact in _artifacts(doc):
        spots += [(artifact, k) for k in ("family", "modalities") if k in artifact]
    if not spots:
        return doc, None
    container, key = rnd.choice(spots)
    del container[key]
    return doc, f"drop-fact:{key}"


def name_prefixes(env) -> list[str]:
    """The prefixes license duties ask names to start with (`Llama`, `Llama 3`)."""
    return sorted({dict(rule.params)["prefix"] for compiled in env.reasoner.kb.licenses.values()
                   for clause in compiled.license.clauses for rule in clause.rules
                   if rule.duty == "name_prefix"})


def m_name_disguise(doc, env):
    """Dress a name that breaks a naming duty up to look as if it began with the prefix: a
    separator before it (`-Llama-Bot`, ` Llama-Bot`) or a look-alike letter (`Llаma-Bot`).
    The name still does not begin with the prefix, so the answer must not change."""
    use = doc.get("use")
    if not isinstance(use, dict) or not isinstance(use.get("name"), str):
        return doc, None
    rnd = env.rnd
    prefix = rnd.choice(name_prefixes(env))
    if use["name"].casefold().startswith(prefix.casefold()):
        return doc, None
    joiner = rnd.choice(["-", " ", "_"])
    if rnd.random() < 0.5:
        separator = rnd.choice(["-", "_", " ", ".", "\t", "\u200b", "/", "--"])
        use["name"] = separator + prefix.replace(" ", joiner) + joiner + use["name"]
        return doc, "name-disguise:separator"
    # Change the first word inside itself: a change after it could leave a name that does begin
    # with a shorter required prefix (`Llama-З` begins with `Llama`).
    word, _, rest = prefix.partition(" ")
    form = rnd.choice(["homoglyph", "zero-width", "combining"])
    inside = rnd.randrange(1, len(word))
    if form == "homoglyph":
        i = rnd.choice([i for i, ch in enumerate(word) if ch in HOMOGLYPHS])
        word = word[:i] + HOMOGLYPHS[word[i]] + word[i + 1:]
    else:
        word = word[:inside] + rnd.choice(ZERO_WIDTH if form == "zero-width" else COMBINING) + word[inside:]
    use["name"] = (word + (joiner + rest if rest else "")) + joiner + use["name"]
    return doc, f"name-disguise:{form}"


DOC_MUTATIONS = {
    "name-disguise": m_name_disguise,
    "expression-form": m_expression_form,
    "subject-form": m_subject_form,
    "extra-artifact": m_extra_artifact,
    "catalog-explicit": m_catalog_explicit,
    "license-other": m_license_other,
    "rename-ids": m_rename,
    "reorder": m_reorder,
    "junk-field": m_junk_field,
    "numbers": m_numbers,
    "stack-form": m_stack_form,
    "case": m_case,
    "unicode": m_unicode,
    "empty-list": m_empty_list,
    "ownership:mine": m_claim_mine,
    "ownership:license": m_catalog_license,
    "drop-fact": m_drop_fact,
}

# The documented legal changes: mutations allowed to change the answer, with the reason. None of
# them may change it to YES.
LEGAL_CHANGES = {
    "drop-fact": "an unstated fact is unknown, so an answer that turned on it becomes DEPENDS",
    "card-drops-family": "a model card has no family or modalities field: they become unknown",
}

# Kinds after which UNKNOWN is an honest answer: the id no longer names a known license or model.
UNRECOGNISABLE = ("unicode:license-id", "unicode:model-id")


# --- carriers: how the mutated request reaches can-i ---------------------------------------------

@dataclass
class Mutant:
    seed: Seed
    kinds: tuple[str, ...]
    doc: dict                               # the request document (the answer if no carrier)
    text: str | bytes | None = None         # JSON text for Reasoner.ask_text
    files: dict[str, str] | None = None     # relative path -> text, for the verb path
    subject: str | None = None              # the subject as typed (a path, relative to the files)
    act: str | None = None
    context: dict | None = None             # Context fields
    relative: bool = False                  # the subject is typed relative to the folder
    argv: list[str] | None = None           # or a whole command line, run in the files' folder

    def legal(self) -> bool:
        return any(k.split(":")[0] in LEGAL_CHANGES for k in self.kinds)

    def reproduction(self) -> str:
        if self.argv is not None:
            shown = "; ".join(f"{p} = {t!r}" for p, t in (self.files or {}).items())
            return f"files: {shown}\n  can-i {' '.join(self.argv)}"
        if self.files is not None:
            shown = "; ".join(f"{p} = {t!r}" for p, t in self.files.items())
            return (f"files: {shown}\n  can-i {self.act} {self.subject} with {self.context}"
                    f"{' (from the folder)' if self.relative else ''}")
        if self.text is not None:
            return f"ask_text({self.text!r})"
        return f"ask({json.dumps(self.doc, ensure_ascii=False)})"


def dump_with_duplicate(value, target, key, extra, extra_last: bool) -> str:
    """JSON text of `value` in which object `target` (by identity) holds `key` twice."""
    if isinstance(value, dict):
        pairs = [(json.dumps(k, ensure_ascii=False), dump_with_duplicate(v, target, key, extra, extra_last))
                 for k, v in value.items()]
        if value is target:
            i = next(n for n, k in enumerate(value) if k == key)
            pair = (json.dumps(key), json.dumps(extra, ensure_ascii=False))
            pairs.insert(i + 1 if extra_last else i, pair)
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump_with_duplicate(v, target, key, extra, extra_last) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def tempting(key: str, value, doc) -> object:
    """A different value for `key` that would tend to turn NO into YES if it won."""
    stack = sorted({t.group(0) for c, k in _license_holders(doc) for t in _license_tokens(c[k])})
    others = [a.get("id") for a in _artifacts(doc) if a.get("id") != value]
    return {
        "license": "mit", "release_mau": 1, "role": "licensee", "revenue_usd": 1, "commercial": not value if isinstance(value, bool) else False,
        "acts": ["use"], "territory": ["US"], "purposes": ["research"], "family": "llama",
        "mine": not value if isinstance(value, bool) else True, "relation": "finetune",
        "name": "Llama-3-Acme", "outbound_license": "mit", "grants": stack or ["mit"],
        "subject": others[0] if others else "x", "id": "other-id", "licenses": ["mit"],
        "modalities": ["text"], "date": "2000-01-01", "derived_from": [],
    }.get(key, "mit")


def c_duplicate_key(mutant: Mutant, env) -> Mutant | None:
    """JSON text with one key written twice, the second value different (either order)."""
    rnd = env.rnd
    objects = [mutant.doc]
    if isinstance(mutant.doc.get("use"), dict):
        objects.append(mutant.doc["use"])
    for artifact in _artifacts(mutant.doc):
        objects.append(artifact)
        objects += [e for e in artifact.get("derived_from", []) or [] if isinstance(e, dict)]
    spots = [(o, k) for o in objects for k in o]
    if not spots:
        return None
    target, key = rnd.choice(spots)
    extra = tempting(key, target[key], mutant.doc)
    if extra == target[key]:
        return None
    extra_last = rnd.random() < 0.5
    text = dump_with_duplicate(mutant.doc, target, key, extra, extra_last)
    where = "real-first" if extra_last else "real-last"
    return Mutant(mutant.seed, mutant.kinds + (f"duplicate-key:{key}:{where}",), mutant.doc, text=text)


def c_json_text(mutant: Mutant, env) -> Mutant | None:
    """The same document as JSON text, with whitespace and escapes varied."""
    rnd = env.rnd
    text = json.dumps(mutant.doc, ensure_ascii=rnd.random() < 0.5, indent=rnd.choice([None, 0, 2, "\t"]))
    if rnd.random() < 0.3:
        text = "\ufeff".encode() + text.encode()   # a file saved with a byte-order mark
    return Mutant(mutant.seed, mutant.kinds + ("json-text",), mutant.doc, text=text)


def _verb_form(doc: dict, env, lineage_in_file: bool):
    """(artifacts for the file, subject, act, Context fields) for `can-i ACT FILE [options]`, or
    None when the request cannot be said with one verb."""
    if "artifacts" not in doc or not isinstance(doc.get("use"), dict):
        return None
    use = doc["use"]
    acts = [a for a in use.get("acts", []) if a in USE_ACTS] if isinstance(use.get("acts"), list) else None
    if acts is None or set(use) - {"acts", "commercial", "release_mau", "revenue_usd", "territory", "purposes", "name",
                                   "grants", "date", "outbound_license"}:
        return None
    artifacts = copy.deepcopy(doc["artifacts"])
    subject = doc.get("subject")
    by_id = {a.get("id"): a for a in artifacts if isinstance(a, dict)}
    if subject is None:
        parents = {e.get("id") for a in artifacts for e in a.get("derived_from", []) or []}
        roots = [i for i in by_id if i not in parents]
        if len(roots) != 1:
            return None
        subject = roots[0]
    context = {}
    try:
        for key in ("release_mau", "revenue_usd"):
            if key in use:
                context[key] = parse_count(use[key])
    except (ValueError, TypeError):
        return None
    for key in ("commercial", "name", "outbound_license", "date"):
        if key in use:
            context[key] = use[key]
    for key in ("territory", "purposes", "grants"):
        if key in use:
            if not use[key]:
                return None          # the CLI cannot state an empty list
            context[key] = list(use[key])
    me = by_id.get(subject)
    if lineage_in_file or not (me and me.get("mine") and len(me.get("derived_from", [])) == 1):
        if not acts:
            return None
        return artifacts, subject, acts[0], {**context, "also": acts[1:]}
    # The user's own model is made by the verb: the file holds what it derives from.
    edge = me["derived_from"][0]
    if set(me) - {"id", "mine", "derived_from", "family"} or any(
            e.get("id") == subject for a in artifacts for e in a.get("derived_from", []) or [] if a is not me):
        return None
    rest = [a for a in artifacts if a is not me]
    act = ACT_OF_RELATION[edge["relation"]]
    if me.get("family"):
        context["into"] = me["family"]
    return rest, edge["id"], act, {**context, "also": acts}


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def to_toml(doc: dict) -> str:
    lines = []
    if "subject" in doc:
        lines.append(f"subject = {_toml_string(doc['subject'])}")
    for artifact in doc["artifacts"]:
        lines.append("")
        lines.append("[[artifacts]]")
        for key, value in artifact.items():
            if key == "derived_from":
                continue
            if isinstance(value, bool):
                lines.append(f"{_toml_string(key)} = {str(value).lower()}")
            elif isinstance(value, list):
                lines.append(f"{_toml_string(key)} = [{', '.join(_toml_string(v) for v in value)}]")
            else:
                lines.append(f"{_toml_string(key)} = {_toml_string(value)}")
        for edge in artifact.get("derived_from", []):
            lines.append("[[artifacts.derived_from]]")
            lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in edge.items()]
    return "\n".join(lines) + "\n"


def c_lineage_file(mutant: Mutant, env) -> Mutant | None:
    """The artifacts in a lineage file (JSON, YAML or TOML), asked with a verb and options."""
    rnd = env.rnd
    form = _verb_form(mutant.doc, env, lineage_in_file=rnd.random() < 0.5) or _verb_form(mutant.doc, env, True)
    if form is None:
        return None
    artifacts, subject, act, context = form
    if not artifacts:
        return None
    fmt = rnd.choice(["json", "yaml", "toml"])
    lineage = {"artifacts": artifacts}
    if any(a.get("id") == subject for a in artifacts):
        lineage["subject"] = subject
    else:
        return None
    if fmt == "json":
        text = json.dumps(lineage, ensure_ascii=False, indent=2)
    elif fmt == "yaml":
        text = yaml.safe_dump(lineage, allow_unicode=True, sort_keys=rnd.random() < 0.5)
    else:
        text = to_toml(lineage)
    name = f"lineage.{fmt}"
    return Mutant(mutant.seed, mutant.kinds + (f"lineage-file:{fmt}",), mutant.doc, files={name: text},
                  subject=name, act=act, context=context)


def c_model_card(mutant: Mutant, env) -> Mutant | None:
    """The model the question is about, received as a folder with a model card (README.md) that
    declares its license; the CLI verb path reads it. A card has no family or modalities, so
    when the seed states them the mutation is the documented legal change `card-drops-family`."""
    rnd = env.rnd
    form = _verb_form(mutant.doc, env, lineage_in_file=False)
    if form is None:
        return None
    artifacts, subject, act, context = form
    if len(artifacts) != 1 or artifacts[0].get("id") != subject or artifacts[0].get("mine"):
        return None
    model = artifacts[0]
    license_text = model.get("license")
    catalog = env.reasoner.kb.model(model["id"])
    if license_text is None and catalog:
        license_text = catalog.get("license")
    if not isinstance(license_text, str) or model.get("license_name") or model.get("name"):
        return None
    meta = {"license": license_text}
    kinds = ["model-card"]
    if catalog and rnd.random() < 0.5:
        # The folder `huggingface-cli download --local-dir` makes: named like the catalog id.
        folder = catalog["id"]
        relative = True
        kinds = ["model-card:catalog-folder"]
    else:
        folder = f"received-{rnd.randrange(10**6)}"
        relative = False
    if rnd.random() < 0.3:
        meta["tags"] = ["text-generation"]
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n# A model\n"
    if model.get("family") or model.get("modalities") or (catalog or {}).get("family"):
        kinds.append("card-drops-family")
    path = f"{folder}/README.md"
    return Mutant(mutant.seed, mutant.kinds + tuple(kinds), mutant.doc, files={path: text},
                  subject=folder if relative else path, act=act, context=context, relative=relative)


def yaml_with_duplicate(lineage: dict, target: dict, key: str, extra, extra_last: bool) -> str:
    """A block-style YAML lineage file in which artifact `target` holds `key` twice (keys and
    values are written as JSON, which YAML reads as flow scalars and sequences)."""
    lines = []
    if "subject" in lineage:
        lines.append(f"subject: {json.dumps(lineage['subject'], ensure_ascii=False)}")
    lines.append("artifacts:")
    for artifact in lineage["artifacts"]:
        pairs = [(k, v) for k, v in artifact.items()]
        if artifact is target:
            i = next(n for n, (k, _) in enumerate(pairs) if k == key)
            pairs.insert(i + 1 if extra_last else i, (key, extra))
        for n, (k, v) in enumerate(pairs):
            lines.append(("- " if n == 0 else "  ") + f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def c_duplicate_key_file(mutant: Mutant, env) -> Mutant | None:
    """A lineage file (JSON or YAML) or a model card whose front matter holds a key twice, the
    second value different, asked through the verb path."""
    rnd = env.rnd
    form = _verb_form(mutant.doc, env, lineage_in_file=rnd.random() < 0.5) or _verb_form(mutant.doc, env, True)
    if form is None:
        return None
    artifacts, subject, act, context = form
    if not any(a.get("id") == subject for a in artifacts):
        return None
    lineage = {"artifacts": artifacts, "subject": subject}
    target = rnd.choice(artifacts)
    key = rnd.choice(list(target))
    extra = tempting(key, target[key], mutant.doc)
    if extra == target[key]:
        return None
    extra_last = rnd.random() < 0.5
    where = "real-first" if extra_last else "real-last"
    fmt = rnd.choice(["json", "yaml", "card"])
    if fmt == "card":
        card = c_model_card(mutant, env)
        if card is None or "license" not in next(iter(card.files.values())):
            return None
        path, text = next(iter(card.files.items()))
        real = next(line for line in text.splitlines() if line.startswith("license:"))
        fake = f"license: {tempting('license', None, mutant.doc)}"
        text = text.replace(real, f"{real}\n{fake}" if extra_last else f"{fake}\n{real}", 1)
        return Mutant(mutant.seed, mutant.kinds + (f"duplicate-key-file:card:license:{where}",), mutant.doc,
                      files={path: text}, subject=card.subject, act=card.act, context=card.context,
                      relative=card.relative)
    if fmt == "json":
        text = dump_with_duplicate(lineage, target, key, extra, extra_last)
    else:
        text = yaml_with_duplicate(lineage, target, key, extra, extra_last)
    name = f"lineage.{fmt}"
    return Mutant(mutant.seed, mutant.kinds + (f"duplicate-key-file:{fmt}:{key}:{where}",), mutant.doc,
                  files={name: text}, subject=name, act=act, context=context)


def c_cli_request(mutant: Mutant, env) -> Mutant | None:
    """The document as a request file, asked with `can-i --json --request FILE`."""
    text = json.dumps(mutant.doc, ensure_ascii=env.rnd.random() < 0.5)
    return Mutant(mutant.seed, mutant.kinds + ("cli:request",), mutant.doc, files={"request.json": text},
                  argv=["--json", "--request", "request.json"])


def c_cli_verb(mutant: Mutant, env) -> Mutant | None:
    """The lineage in a file and the use as options: `can-i ACT lineage.json --release-mau 8e8 --role licensee …`, with
    numbers written as people type them."""
    rnd = env.rnd
    form = _verb_form(mutant.doc, env, lineage_in_file=rnd.random() < 0.5) or _verb_form(mutant.doc, env, True)
    if form is None:
        return None
    artifacts, subject, act, context = form
    if not any(a.get("id") == subject for a in artifacts):
        return None
    argv = [act, "lineage.json"]
    for key, value in context.items():
        if key == "commercial":
            argv.append("--commercial" if value else "--non-commercial")
        elif key in ("release_mau", "revenue_usd"):
            argv.append(f"--{'release_mau' if key == 'release_mau' else 'revenue'}={written(value, rnd, money=key == 'revenue_usd')}")
        else:
            option = {"territory": "--territory", "purposes": "--purpose", "grants": "--grant", "also": "--and",
                      "into": "--into", "name": "--name", "outbound_license": "--as", "date": "--on"}[key]
            argv += [f"{option}={item}" for item in (value if isinstance(value, list) else [value])]
    head, options = argv[:2], argv[2:]
    rnd.shuffle(options)
    text = json.dumps({"artifacts": artifacts, "subject": subject}, ensure_ascii=False)
    return Mutant(mutant.seed, mutant.kinds + ("cli:verb",), mutant.doc, files={"lineage.json": text},
                  argv=["--json"] + head + options)


CARRIERS = {
    "cli-request": c_cli_request,
    "cli-verb": c_cli_verb,
    "duplicate-key-file": c_duplicate_key_file,
    "duplicate-key": c_duplicate_key,
    "json-text": c_json_text,
    "lineage-file": c_lineage_file,
    "model-card": c_model_card,
}

# --- groups: which mutations a test composes -------------------------------------------------------

STRUCTURE = ("rename-ids", "reorder", "junk-field", "numbers", "stack-form", "expression-form", "subject-form",
             "extra-artifact", "catalog-explicit", "license-other")


@dataclass(frozen=True)
class Group:
    name: str
    own: tuple[str, ...]          # each mutant gets one of these (doc mutations or carriers)
    extra: tuple[str, ...] = STRUCTURE   # and up to two of these first


GROUPS = [
    Group("structure", STRUCTURE + ("json-text",)),
    Group("case", ("case",)),
    Group("unicode", ("unicode",)),
    Group("empty-lists", ("empty-list",)),
    Group("duplicate-keys", ("duplicate-key", "duplicate-key-file")),
    Group("lineage-files", ("lineage-file",)),
    Group("model-cards", ("model-card",)),
    Group("ownership", ("ownership:mine", "ownership:license")),
    Group("names", ("name-disguise",)),
    Group("command-line", ("cli-request", "cli-verb")),
    Group("legal-changes", ("drop-fact",)),
]
GROUP = {g.name: g for g in GROUPS}


def make_mutant(seed: Seed, own: str, extras: tuple[str, ...], env: Env) -> Mutant | None:
    """Apply `extras` (doc mutations), then `own` (a doc mutation or a carrier). None when the
    chosen mutations change nothing."""
    doc = copy.deepcopy(seed.doc)
    kinds = []
    for name in extras:
        doc, kind = DOC_MUTATIONS[name](doc, env)
        if kind:
            kinds.append(kind)
    if own in CARRIERS:
        return CARRIERS[own](Mutant(seed, tuple(kinds), doc), env)
    doc, kind = DOC_MUTATIONS[own](doc, env)
    if kind is None:
        return None   # the group's own mutation does not apply to this seed
    return Mutant(seed, tuple(kinds) + (kind,), doc)


# --- running and judging --------------------------------------------------------------------------

@dataclass
class Outcome:
    mutant: Mutant
    status: str | None            # None: an input error
    error: str | None = None
    # The facts whose values the answer carries as use restrictions (a duty not to use the model
    # for these purposes, in these places): left unstated, such a restriction is a duty to meet.
    restricted: dict = field(default_factory=dict)   # fact -> the values it may not take


def _answered(mutant: Mutant, result) -> Outcome:
    restricted: dict = {}
    for o in result.obligations:
        if o.duty == "use_restrictions":
            restricted.setdefault(o.params.get("fact"), set()).update(o.params.get("values") or ())
    return Outcome(mutant, result.status, restricted=restricted)


def _restricted_as_stated(outcome: Outcome, key: str) -> bool:
    """Did the seed state for `key` only values the answer now carries as restricted?"""
    use = outcome.mutant.seed.doc.get("use") or {}
    stated = use.get(key)
    stated = [stated] if isinstance(stated, str) else list(stated or ())
    return bool(stated) and set(stated) <= outcome.restricted.get(key, set())


@contextmanager
def _folder(files: dict[str, str]):
    with tempfile.TemporaryDirectory(prefix="can-i-adversarial-") as root:
        for relative, text in files.items():
            path = Path(root, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        yield root


@contextmanager
def _cwd(path: str):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_command_line(mutant: Mutant) -> Outcome:
    """Run `can-i` in-process in a folder holding the mutant's files; exit code 2 is an input
    error, otherwise the status is read from the --json answer."""
    from reasoner.cli import main as cli_main

    out, err = io.StringIO(), io.StringIO()
    with _folder(mutant.files or {}) as root, _cwd(root), redirect_stdout(out), redirect_stderr(err):
        code = cli_main(list(mutant.argv))
    if code == 2:
        return Outcome(mutant, None, err.getvalue().strip())
    status = json.loads(out.getvalue())["status"]
    expected_code = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}[status]
    assert code == expected_code, (mutant.reproduction(), code, status)
    return Outcome(mutant, status)


def run_mutants(reasoner: Reasoner, mutants: list[Mutant]) -> list[Outcome]:
    """Answer every mutant through the public API: documents through `ask_many` (one batch),
    JSON text through `ask_text`, files through `subjects.build_request` and `ask_many`."""
    outcomes: list[Outcome | None] = [None] * len(mutants)
    docs: dict[int, dict] = {}
    for i, mutant in enumerate(mutants):
        try:
            if mutant.argv is not None:
                outcomes[i] = run_command_line(mutant)
                continue
            if mutant.text is not None:
                outcomes[i] = _answered(mutant, reasoner.ask_text(mutant.text))
                continue
            if mutant.files is not None:
                with _folder(mutant.files) as root:
                    subject = mutant.subject if mutant.relative else str(Path(root, mutant.subject))
                    with _cwd(root):
                        docs[i] = build_request(reasoner.kb, subject, mutant.act, Context(**mutant.context))
            else:
                docs[i] = mutant.doc
            read_request(docs[i])   # most malformed documents fail here, before the batch
        except CanIError as exc:
            outcomes[i] = Outcome(mutant, None, f"{type(exc).__name__}: {exc}")
            docs.pop(i, None)
    pending = sorted(docs)
    while pending:
        try:
            results = reasoner.ask_many([docs[i] for i in pending])
        except CanIError as exc:
            where = re.match(r"requests\[(\d+)\]", exc.location or "")
            if not where:
                if len(pending) == 1:
                    outcomes[pending[0]] = Outcome(mutants[pending[0]], None, f"{type(exc).__name__}: {exc}")
                    break
                raise
            bad = pending.pop(int(where.group(1)))
            outcomes[bad] = Outcome(mutants[bad], None, f"{type(exc).__name__}: {exc}")
            continue
        for i, result in zip(pending, results):
            outcomes[i] = _answered(mutants[i], result)
        break
    return outcomes  # type: ignore[return-value]


def judge(outcome: Outcome) -> str | None:
    """What is wrong with an outcome, or None."""
    seed, status = outcome.mutant.seed, outcome.status
    if status is None:
        return None
    if status == "permitted" and seed.status != "permitted":
        # A dropped fact that a use restriction names (FLUX.1 [dev] 4.f.iv: no use in CU, IR, KP,
        # SY) leaves the restriction as a duty to meet: an honest YES, as a dropped purpose would be
        # (m_drop_fact keeps purposes for that reason).
        dropped = [k.split(":", 1)[1] for k in outcome.mutant.kinds if k.startswith("drop-fact:")]
        if not (dropped and all(_restricted_as_stated(outcome, key) for key in dropped)):
            return "wrong YES"
    if outcome.mutant.legal():
        return None
    allowed = {seed.status}
    if any(k.startswith(UNRECOGNISABLE) for k in outcome.mutant.kinds):
        allowed.add("unknown")
    if status not in allowed:
        return f"changed {seed.status} to {status}"
    return None


@dataclass
class Tally:
    """Per mutation kind: how many mutants carried it, and their outcomes."""
    generated: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    answers: dict = field(default_factory=lambda: defaultdict(Counter))
    wrong: dict = field(default_factory=lambda: defaultdict(list))     # kind -> [(problem, mutant)]
    total: int = 0

    def add(self, outcome: Outcome) -> None:
        problem = judge(outcome)
        self.total += 1
        for kind in outcome.mutant.kinds:
            self.generated[kind] += 1
            if outcome.status is None:
                self.errors[kind] += 1
            else:
                self.answers[kind][outcome.status] += 1
            if problem:
                self.wrong[kind].append((problem, outcome.mutant))

    def problems(self) -> list[tuple[str, Mutant]]:
        seen, out = set(), []
        for items in self.wrong.values():
            for problem, mutant in items:
                if id(mutant) not in seen:
                    seen.add(id(mutant))
                    out.append((problem, mutant))
        return out

    def table(self) -> str:
        lines = [f"{self.total} mutants; per kind: generated, input errors, answers, problems"]
        for kind in sorted(self.generated):
            answers = ", ".join(f"{s} {n}" for s, n in sorted(self.answers.get(kind, {}).items()))
            lines.append(f"  {kind:<44} {self.generated[kind]:>6} {self.errors[kind]:>6} errors"
                         f"  [{answers}]  {len(self.wrong.get(kind, []))} wrong")
        return "\n".join(lines)

    def report(self, limit: int = 8) -> str:
        lines = [self.table()]
        shown = 0
        for kind in sorted(k for k in self.wrong if self.wrong[k]):
            problem, mutant = min(self.wrong[kind], key=lambda pm: (len(pm[1].kinds), len(pm[1].reproduction())))
            lines.append(f"{kind}: {problem} (seed {mutant.seed.status}: {mutant.seed.label}; "
                         f"kinds {', '.join(mutant.kinds)})\n  {mutant.reproduction()}"[:1500])
            shown += 1
            if shown >= limit:
                break
        return "\n".join(lines)


def random_plans(count: int, groups, seeds, salt: int = 20261130):
    """Plain random plans (no hypothesis), for the command-line table."""
    rnd = random.Random(salt)
    for _ in range(count):
        group = rnd.choice(groups)
        extras = tuple(rnd.sample(group.extra, rnd.randint(0, min(2, len(group.extra)))))
        yield rnd.randrange(len(seeds)), group.name, rnd.choice(group.own), extras, rnd.randrange(2**32)


def mutants_for(plans, seeds, reasoner) -> list[Mutant]:
    out = []
    for seed_index, group_name, own, extras, salt in plans:
        env = Env(reasoner, random.Random(salt))
        mutant = make_mutant(seeds[seed_index], own, extras, env)
        if mutant is not None:
            out.append(mutant)
    return out


def main(argv) -> int:
    """`adversarial.py [COUNT] [GROUP …] [--plain]`: the per-kind table and one reproduction per
    kind that goes wrong; --plain applies each group's own mutation alone (shortest repros)."""
    plain = "--plain" in argv
    args = [a for a in argv[1:] if a != "--plain"]
    count = int(args[0]) if args else 5000
    groups = [GROUP[n] for n in args[1:]] or GROUPS
    if plain:
        groups = [Group(g.name, g.own, ()) for g in groups]
    reasoner = Reasoner()
    seeds = load_seeds(reasoner)
    tally = Tally()
    plans = list(random_plans(count, groups, seeds))
    for start in range(0, len(plans), 200):
        for outcome in run_mutants(reasoner, mutants_for(plans[start:start + 200], seeds, reasoner)):
            tally.add(outcome)
    print(tally.report(limit=100))
    return 1 if tally.wrong else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
