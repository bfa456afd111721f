"""English for answers: conditions, acts, residual conditions and message templates.

The templates themselves are written in rules.lp next to the rules that raise them; this module
only fills their slots and words the conditions they mention."""

from __future__ import annotations

from . import schema
from .licenses import Act, All, Always, Any_, Compare, Condition, Flag, Member, Not, Rule, StartsWith, Stated
from .numbers import format_count

NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "!=", "!=": "=", "in": "not in",
           "not in": "in", "starts with": "does not start with", "does not start with": "starts with"}

# Flags on facts that are not flags in the request (a model's modalities are a set of tags), in
# words for each way the condition can come out.
FLAG_WORDS = {"multimodal": ("the model is multimodal", "the model is not multimodal"),
              "dataset": ("the artifact is a dataset", "the artifact is a model, not a dataset")}
# Computed from the question's act and hosting kind (rules.lp "made_available").
FLAG_WORDS["made_available"] = ("the act makes it available to others (distributed, or hosted not only internally)",
                                "the act keeps it with your organisation (hosting = internal)")
# Computed from the lineage (rules.lp "licensor_release"): the licensor published the artifact itself.
FLAG_WORDS["licensor_release"] = ("the artifact is the licensor's own release",
                                  "the artifact is not the licensor's own release")
# Stated as `generated_outputs` (rules.lp "Outputs received as data"): the model is the one whose
# outputs the data holds.
FLAG_WORDS["outputs_licensee"] = ("the model was run by you, its licensee, to generate the outputs (generated_outputs)",
                                  "the model was not run by you to generate the outputs (generated_outputs)")
# Computed from the lineage (rules.lp "target.derived"): the model created takes the weights of a model
# under the license, which the exceptions to the bans on improving other models name.
FLAG_WORDS["target.derived"] = ("the model created takes weights of a model under this license",
                                "the model created takes no weights of a model under this license")
# Computed from the created artifact's `kind` (rules.lp "target.dataset").
FLAG_WORDS["target.dataset"] = ("what is created is a dataset, `\"kind\": \"dataset\"`",
                                "what is created is a model, not a dataset")
# Computed from the question's acts on what is created and on what is made from it (rules.lp
# "target.shared").
FLAG_WORDS["target.shared"] = ("what is created, or made from it, is distributed or hosted for others",
                               "what is created stays with you: nothing made from it is distributed or hosted for others")


def is_date(fact: str) -> bool:
    """Dates are compared as YYYYMMDD numbers and shown as YYYY-MM-DD."""
    declared = schema.FACTS.get(fact)
    return declared is not None and declared.type == schema.DATE


def fill(template: str, slots: dict) -> str:
    """The template with its {slots} filled; a slot the template does not use is ignored, and one
    the caller does not know stays visible rather than failing."""
    return template.format_map(_Slots(slots))


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_condition(cond: Condition) -> str:
    """A compact, exact rendering: `mau > 700,000,000 and not target.family = llama`."""
    if isinstance(cond, Always):
        return "always"
    if isinstance(cond, (Act, Flag, Compare, Member, StartsWith, Stated)):
        return leaf_words(cond, True)
    if isinstance(cond, Not):
        if isinstance(cond.operand, Flag) and cond.operand.fact in FLAG_WORDS or isinstance(cond.operand, Stated):
            return leaf_words(cond.operand, False)   # "the model is not multimodal", "revenue_12m is not stated"
        inner = render_condition(cond.operand)
        return f"not {inner}" if isinstance(cond.operand, (Act, Flag)) else f"not ({inner})"
    joiner = " and " if isinstance(cond, All) else " or "
    parts = []
    for operand in cond.operands:
        text = render_condition(operand)
        parts.append(f"({text})" if isinstance(operand, (All, Any_)) else text)
    return joiner.join(parts)


def render_rule_condition(rule: Rule) -> str:
    """A rule's condition with its exceptions, each exception named by its label where the
    license gives one: `distill, unless Llama 3 or its derivatives (target.family = llama)`."""
    labelled = [e for e in rule.exceptions if getattr(e, "label", None)]
    if not labelled:
        return render_condition(rule.effective_condition())
    plain = [e for e in rule.exceptions if not getattr(e, "label", None)]
    parts = [] if isinstance(rule.condition, Always) else [rule.condition]
    parts += [Not(e.condition) for e in plain]
    text = render_condition(parts[0] if len(parts) == 1 else All(tuple(parts))) if parts else "always"
    unless = ", ".join(f"unless {e.label} ({render_condition(e.condition)})" for e in labelled)
    return unless if text == "always" else f"{text}, {unless}"


def render_value(fact: str, value) -> str:
    value = int(value)
    if is_date(fact):
        return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
    return format_count(value)


def leaf_words(cond: Condition, positive: bool) -> str:
    """One leaf of a condition, as it must come out (`positive`) or not, in words."""
    if isinstance(cond, Flag) and cond.fact in FLAG_WORDS:
        return FLAG_WORDS[cond.fact][0 if positive else 1]
    if isinstance(cond, Flag):
        return cond.fact if positive else f"not {cond.fact}"
    if isinstance(cond, Act):
        return cond.act if positive else f"not {cond.act}"
    if isinstance(cond, Compare):
        op = cond.op if positive else NEGATED[cond.op]
        return f"{cond.fact} {op} {render_value(cond.fact, cond.value)}"
    if isinstance(cond, Member):
        if len(cond.values) == 1:
            return f"{cond.fact} {'=' if positive else '!='} {cond.values[0]}"
        return f"{cond.fact} {'in' if positive else 'not in'} {{{', '.join(cond.values)}}}"
    if isinstance(cond, StartsWith):
        return f"{cond.fact} {'starts with' if positive else 'does not start with'} \"{cond.prefix}\""
    if isinstance(cond, Stated):
        return f"{cond.fact} {'is' if positive else 'is not'} stated"
    return render_condition(cond if positive else Not(cond))


def restricted_words(fact: str) -> str:
    """The words between "do not use it" and "on the restricted list" for a restricted fact:
    "for any purpose", or the fact's own (schema.Fact.restricted: "in any territory")."""
    declared = schema.FACTS.get(fact)
    return (declared.restricted if declared is not None else "") or f"for any {fact}"


def residual_words(groups) -> str:
    """The residual condition in words, AND inside a group and OR across groups:
    `forbidden if commercial = true and mau > 100, or if revenue > 5,000,000`."""
    parts = dict.fromkeys("if " + " and ".join(leaf.text for leaf in group) for group in groups)
    return "forbidden " + ", or ".join(parts)


RELATION_WORDS = {"finetune": "is a fine-tune of", "adapter": "is an adapter on", "merge": "is a merge of",
                  "quantized": "is a quantization of", "distilled": "is trained on the outputs of",
                  "trained_on": "is trained on"}


def edge_words(relation: str) -> str:
    """An edge of a lineage in words: `is a fine-tune of`."""
    return RELATION_WORDS.get(relation, f"is derived ({relation}) from")


def when_words(condition: str) -> str:
    """A rendered rule condition as the tail of a sentence: ` when mau > 700,000,000`, or
    ` unless Llama 3 or its derivatives (…)` for a rule that is only an exception."""
    if condition == "always":
        return ""
    return f" {condition}" if condition.startswith("unless ") else f" when {condition}"


def act_words(act: str, artifact: str, target: str | None) -> str:
    words = {
        "use": f"use `{artifact}`", "host": f"host `{artifact}` for others",
        "distribute": f"distribute `{artifact}`", "finetune": f"fine-tune `{artifact}`",
        "adapt": f"train an adapter on `{artifact}`", "merge": f"merge `{artifact}`",
        "quantize": f"quantize `{artifact}`", "distill": f"train a model on the outputs of `{artifact}`",
        "train": f"train a model on `{artifact}`",
    }[act]
    return words + (f" (creating `{target}`)" if target else "")


def restricted_values(values) -> str:
    values = list(values)
    return ", ".join(values[:6]) + (f", … (+{len(values) - 6} more; see `can-i show`)" if len(values) > 6 else "")
