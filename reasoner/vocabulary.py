"""The closed vocabulary of the license DSL and of requests.

Every word a license file or a request may use is listed here once, with the phrase used to
render it for people. The parser checks words against these tables (with "did you mean"), the
compiler turns them into ASP constants, and the explainer renders them back.
"""

from __future__ import annotations

import difflib

# Acts a user performs. The first three are done with a finished model; the rest create a new
# model from a parent, one per lineage relation.
USE_ACTS = ("use", "host", "distribute")
CREATION_ACTS = ("finetune", "adapt", "merge", "quantize", "distill", "train")
ACTS = USE_ACTS + CREATION_ACTS

# Shorthands a license may grant or forbid at once.
ACT_GROUPS = {
    "modify": ("finetune", "adapt", "merge", "quantize"),
    "derive": CREATION_ACTS,
    "all": ACTS,
}

# Lineage relations (Hugging Face base_model_relation values, plus distilled and trained_on) and
# the act a user performs on the parent when creating the child by that relation.
RELATION_ACT = {
    "finetune": "finetune",
    "adapter": "adapt",
    "merge": "merge",
    "quantized": "quantize",
    "distilled": "distill",
    "trained_on": "train",
}
RELATIONS = tuple(RELATION_ACT)

# Facts a condition can test, with their type. Flags are true/false; numbers are compared
# exactly; sets are tested for membership; strings are tested with `starts with`.
FLAG_FACTS = {
    "commercial": "the use is commercial",
    "derived": "the model is a derivative of the licensed material",
    "multimodal": "the model handles more than one modality",
}
NUMBER_FACTS = {
    "mau": "monthly active users",
    "revenue": "annual revenue (USD)",
    "date": "the date of the use",
}
SET_FACTS = {
    "territory": "territory",
    "purpose": "purpose",
    "modality": "modality",
    "family": "the model's family",
    "target.family": "the family of the model being created",
}
STRING_FACTS = {
    "name": "the model's name",
    "target.name": "the name of the model being created",
}
FACTS = {**FLAG_FACTS, **NUMBER_FACTS, **SET_FACTS, **STRING_FACTS}

# Duties, with their single positional parameter (if any) and how to say them.
DUTIES = {
    "include_license": (None, "give recipients a copy of the license"),
    "notice": ("text", "keep this notice with every copy: {text}"),
    "keep_notices": (None, "keep the copyright, patent, trademark and attribution notices"),
    "display": ("text", "display \"{text}\" prominently"),
    "name_prefix": ("prefix", "start the model's name with \"{prefix}\""),
    "attribute": (None, "credit the licensor and link to the license"),
    "state_changes": (None, "mark the files you changed"),
    "pass_restrictions": (None, "pass the use restrictions on to everyone you give it to"),
    "share_alike": (None, "license your adaptation under the same or a compatible license"),
    "offer_source": (None, "offer the corresponding source"),
    "follow_policy": ("url", "follow the acceptable use policy {url}"),
    "report": ("text", "{text}"),
    "no_endorsement": (None, "do not use the licensor's names or marks to endorse it"),
    "update": (None, "use the latest version the licensor publishes"),
}

RISKS = {
    "remote_restriction": "the licensor may restrict your use remotely",
    "terms_change": "the licensor may change the terms",
    "termination": "the licensor may terminate the license",
    "not_osi": "the license is not OSI-approved open source",
    "ambiguous": "the encoder marked this clause as open to more than one reading",
    "relabelled": "the model declares a license that drops terms it inherits",
    "patent_termination": "patent claims against the licensor end the patent license",
}

RELICENSE_MODES = {
    "allowed": "derivatives may be put under other terms",
    "forbidden": "the license's own terms must travel with every copy and derivative",
    "copyleft": "derivatives may be distributed only under this same license",
}

# Purpose tags shared by every encoding, so that a stated purpose meets the same word in each
# license's use restrictions.
PURPOSES = (
    "violence", "child-exploitation", "human-trafficking", "sexual-solicitation", "illegal-activity",
    "harassment", "discrimination", "unlicensed-professional-practice", "privacy-violation",
    "infringement", "malware", "military", "weapons", "illegal-drugs", "critical-infrastructure",
    "self-harm", "fraud", "disinformation", "defamation", "spam", "impersonation",
    "misrepresent-ai-as-human", "fake-engagement", "surveillance", "law-enforcement",
    "medical-advice", "legal-advice", "automated-decisions", "biometric-identification",
    "research", "commercial-product", "safety-circumvention", "sexual-content",
    "exploiting-vulnerable-groups",
)

LICENSE_KINDS = ("model", "software", "content", "policy")
SETTINGS = ("name", "version", "licensor", "licensor_id", "url", "family", "kind", "osi", "spdx")

STATUSES = ("permitted", "forbidden", "depends", "unknown")


def suggest(word: str, options) -> str:
    """A ` (did you mean …?)` suffix for a misspelt word, or an empty string.

    >>> suggest("distil", ACTS)
    " (did you mean `distill`?)"
    """
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"`{c}`" for c in close) + "?)"
