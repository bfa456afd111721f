"""Advice read off the verdicts: which license a model you publish should carry (`license-for`)
and what the people you give it to may do with it (`downstream`).

Nothing here decides a license question on its own. Each finding is an answer of the reasoner
to a question it was asked: the terms that travel are the `applicable` licenses of the answer
for distributing the model; the duties a model card must state are the obligations the rules
derive for that act; an outbound license is compatible when asking again with it as
`use.outbound_license` adds no reason and no open condition; what recipients may do is the
answer to the questions a recipient would ask. Unknown licenses are never recommended: an
UNKNOWN answer gives no declaration at all.

>>> from reasoner import Reasoner
>>> advice = license_for(Reasoner(), {"artifacts": [{"id": "google/gemma-2-9b"},
...     {"id": "acme/bot", "mine": True, "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"}]}],
...     "use": {"acts": ["distribute"], "commercial": True}})
>>> advice.status, advice.recommended.license
('permitted', 'gemma')
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from .errors import RequestError
from .explain import STATUS_ORDER
from .request import check_lineage, read_request, request_document
from .response import (Declaration, Decider, DownstreamView, Inherited, LicenseAdvice, Note, Obligation,
                       OutboundCheck, Reason, RecipientAnswer, Result)
from .schema import ACT_RELATION, FACTS, RELATION_ACT
from .vocabulary import suggest

# What a request's `suggest` may ask for, and the function that answers it (see `advise`).
SUGGESTIONS = ("license", "downstream")
# The model created when the subject is not a model of the user's own (a license, a catalog
# model, a card read as received): the one the user would make from it and publish.
DERIVED_ID = "your-model"
# The model a recipient makes from the published one, for the questions about doing so.
RECIPIENT_MODEL = "a-recipient's-model"
# Exit codes of both commands (the CLI documents them): a compatible declaration exists / none
# does (or distributing is forbidden anyway) / it depends on facts not stated, or a license is
# unknown. `downstream` is "answered" (0) unless some recipient question is UNKNOWN (3).
EXIT = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3, "answered": 0}


# --- license-for ------------------------------------------------------------------------------

def advice_request(kb, subject: str, context, by: str | None = None, hub=None) -> dict:
    """The request `can-i license-for SUBJECT` / `can-i downstream SUBJECT` asks about: the subject
    itself when it is a model of the user's own (a lineage file's `mine` model, a card with
    `--mine`), else the model the user makes from it by the act `by` (finetune, distill, …; the
    context's `--into` and `--name` describe that model); distributing it is always asked. `by`
    defaults to `train` for a catalog dataset, else `finetune`. `hub` (a HubResolver) reads the
    cards of parents can-i does not know, as `--hub` does for the verbs."""
    from .subjects import Context, build_request, resolve_subject

    stated_by = by is not None
    if by is None:
        by = "train" if kb.dataset(subject.strip()) and not kb.model(subject.strip()) else "finetune"
    if by not in ACT_RELATION:
        raise RequestError(f"unknown act `{by}`{suggest(by, list(ACT_RELATION))}: say how your model is made from "
                           f"the subject ({', '.join(ACT_RELATION)})", location="--by")
    resolved = resolve_subject(kb, subject, mine=context.mine)
    own = any(a.get("id") == resolved.subject and a.get("mine") for a in resolved.artifacts)
    if own and stated_by:   # its lineage already says how it was made: --by would be ignored
        raise RequestError(f"`{resolved.subject}` is your own model, made as its lineage says; --by says how a model "
                           f"is made from a subject that is not yours", location="--by")
    stated = dict(context.stated)
    also = sorted(set(context.also) | ({"distribute"} if not own else set()))
    context = Context(also=also, mine=context.mine)
    context.stated = stated
    return build_request(kb, subject, "distribute" if own else by, context, hub=hub)


def _own_model(reasoner, doc: dict, by: str = "finetune") -> tuple[dict, str, list[Note]]:
    """The request about the model the user publishes: the subject when it is their own (`mine`),
    else a model they make from it by `by` (a lineage relation). Distributing it is always among
    the acts (the license question is about handing it on)."""
    if by not in RELATION_ACT:
        raise RequestError(f"unknown relation `{by}`{suggest(by, list(RELATION_ACT))}", location="by")
    if not isinstance(doc, dict):
        doc = request_document(doc)
    request = read_request(doc)
    subject = check_lineage(reasoner.complete(request)).subject
    doc = request_document(request)
    doc["subject"] = subject
    notes = []
    mine = next((a for a in doc["artifacts"] if a["id"] == subject and a.get("mine")), None)
    if mine is None:
        doc["artifacts"].append({"id": DERIVED_ID, "mine": True, "derived_from": [{"id": subject, "relation": by}]})
        notes.append(Note("advice_model", f"`{subject}` is not a model of yours: the advice is for `{DERIVED_ID}`, "
                                          f"a model you make from it ({by}) and publish"))
        doc["subject"] = DERIVED_ID
    use = doc.setdefault("use", {})
    use["acts"] = sorted(set(use.get("acts", [])) | {"distribute"})
    if use.get("outbound_license") is not None:
        use["outbound_license"] = _known_license(reasoner.kb, use["outbound_license"])
    return doc, doc["subject"], notes


def _known_license(kb, lid: str) -> str:
    """The encoding a proposed declaration names; one can-i does not know is an input error (with
    did-you-mean), never a candidate: nothing can be judged compatible with it."""
    encoding, why = kb.resolve_license(lid)
    if encoding is None:
        what = f"one can-i does not encode ({why})" if (kb.hub_ids.get(lid.lower()) or {}).get("unknown") else \
            f"unknown{suggest(lid, list(kb.licenses))}"
        raise RequestError(f"the license you propose, `{lid}`, is {what}: recipients' terms cannot be judged under a "
                           f"license can-i does not know", location="use.outbound_license")
    return encoding


def license_for(reasoner, doc, by: str = "finetune") -> LicenseAdvice:
    """Which license a model you publish should carry, and why (see the module doc).

    `doc` is a request document (or `Request`); its `use.outbound_license`, if any, is the
    declaration the user proposes: it is judged like every other candidate, never assumed."""
    doc, subject, notes = _own_model(reasoner, copy.deepcopy(doc), by)
    proposed_id = doc["use"].pop("outbound_license", None)
    candidates = sorted(reasoner.kb.licenses)
    asked = [doc]
    for lid in candidates:
        variant = copy.deepcopy(doc)
        variant["use"]["outbound_license"] = lid
        asked.append(variant)
    answers = reasoner.ask_many(asked)
    base, tried = answers[0], dict(zip(candidates, answers[1:]))
    advice = LicenseAdvice(status=base.status, subject=subject, answer=base, notes=notes)
    advice.inherited = _inherited(reasoner.kb, base, subject, doc)
    advice.duties = _card_duties(base, subject)
    advice.outbound = [_check(reasoner.kb, lid, base, tried[lid]) for lid in candidates]
    if proposed_id is not None:   # an encoding (see `_own_model`): judged like every candidate
        advice.proposed = next(c for c in advice.outbound if c.license == proposed_id)
    if base.status in ("permitted", "depends"):
        advice.recommended = _recommend(reasoner.kb, advice, doc)
        if advice.recommended is None:
            advice.status = "forbidden"
    return advice


def _inherited(kb, base: Result, subject: str, doc: dict) -> list[Inherited]:
    """The licenses whose terms reach the model (the answer's `applicable`), apart from the
    license the user declares for their own contribution (it starts at the model itself)."""
    found = []
    for item in base.applicable:
        if item.artifact != subject or not item.via:
            continue
        lic = kb.licenses[item.license].license if item.license in kb.licenses else None
        clauses: tuple[str, ...] = ()
        if item.scope != "full" and lic is not None:
            # The clauses that travel on their own along one of the edges (`follows` in a clause).
            relations = {relation for _, relation, _ in item.edges}
            clauses = tuple(c.number for c in lic.clauses if relations & set(c.follows))
        found.append(Inherited(item.license, lic.name if lic else item.license, lic.version if lic else "",
                               item.scope, tuple(item.via), tuple(item.edges), clauses, (lic.url if lic else "") or ""))
    return sorted(found, key=lambda i: (i.scope != "full", i.license))


def _card_duties(base: Result, subject: str) -> list[Obligation]:
    """The duties distributing the model itself triggers, one per (license, clause, duty, message)."""
    seen, duties = set(), []
    for o in base.obligations:
        if o.artifact != subject:
            continue
        key = (o.license, o.clause, o.duty, o.message)
        if key not in seen:
            seen.add(key)
            duties.append(o)
    return duties


def _reason_key(r: Reason) -> tuple:
    return (r.license, r.clause, r.kind, r.artifact, r.act)


def _decider_key(d: Decider) -> tuple:
    return (d.fact, d.op, str(d.value), d.license, d.clause)


def _check(kb, lid: str, base: Result, answer: Result) -> OutboundCheck:
    """Compare the answer with `lid` as the outbound license to the answer without one."""
    hub = is_hub_id(kb, lid)
    known = {_reason_key(r) for r in base.reasons}
    added = tuple(r for r in answer.reasons if _reason_key(r) not in known)
    open_before = {_decider_key(d) for d in base.depends_on}
    opened = tuple(d for d in answer.depends_on if _decider_key(d) not in open_before)
    riders = tuple(i for i in answer.information if i not in base.information)
    if answer.status == "unknown":   # terms can-i does not know: nothing is compatible with them
        verdict = "unknown"
    elif added or STATUS_ORDER[answer.status] > STATUS_ORDER[base.status] and answer.status == "forbidden":
        verdict = "breaks"
    elif opened or STATUS_ORDER[answer.status] > STATUS_ORDER[base.status]:
        verdict = "depends"
    elif base.status == "forbidden":   # adds nothing, but nothing makes distributing it permitted
        verdict = "blocked"
    else:
        verdict = "compatible"
    return OutboundCheck(lid, verdict, hub, added, opened, riders)


def is_hub_id(kb, lid: str) -> bool:
    """Is `lid` a Hugging Face Hub `license:` id naming this very encoding (facts/hf_licenses.toml)?"""
    entry = kb.hub_ids.get(lid)
    return bool(entry) and entry.get("encoding") == lid


def _recommend(kb, advice: LicenseAdvice, doc: dict) -> Declaration | None:
    """The declaration that keeps the user and recipients within every license.

    Preferred: the one license whose terms bind the whole model, when it is compatible as the
    only license recipients get; else a compatible license the user declared for their own
    model; else, when several licenses bind the whole model and none alone will do, all of them
    (recipients get every inherited license: `license: other`). When no license binds the whole
    model the choice is the user's among the compatible ones: no single one is recommended."""
    compatible = advice.compatible
    full = [i.license for i in advice.inherited if i.scope == "full"]
    own = next((a.get("license") for a in doc["artifacts"] if a["id"] == advice.subject), None)
    own_id = kb.resolve_license(own)[0] if own else None
    # The NOTICE names what is published: a dataset of a model's outputs is no model (review 36:
    # its NOTICE said "This model").
    noun = "dataset" if any(a["id"] == advice.subject and a.get("kind") == "dataset" for a in doc["artifacts"]) \
        else "model"
    if advice.proposed is not None and advice.proposed.verdict != "compatible":
        advice.notes.append(Note("proposed_breaks",
                                 f"the declaration you propose, {advice.proposed.license}, is not compatible: "
                                 + ("; ".join(f"{r.license} §{r.clause}: {r.message}" for r in advice.proposed.reasons)
                                    or advice.proposed.verdict)))
    if advice.proposed is not None and advice.proposed.verdict == "compatible":
        chosen, why = [advice.proposed.license], "the license you propose is compatible with every inherited license"
    elif len(full) == 1 and full[0] in compatible:
        chosen, why = full, (f"{full[0]} binds the whole model (its terms follow every edge to it), and declaring it "
                             f"keeps its terms with every copy")
    elif [lid for lid in full if lid in compatible]:
        pick = sorted(lid for lid in full if lid in compatible)[0]
        chosen, why = [pick], (f"{pick} binds the whole model and is compatible as the only license recipients get; "
                               f"the other inherited licenses' duties are in the NOTICE")
    elif own_id and own_id in compatible:
        chosen, why = [own_id], f"the license you declare for your model, {own_id}, is compatible"
    elif full and advice.answer.status in ("permitted", "depends") and not any(
            r.kind == "conflict" for r in advice.answer.reasons):
        chosen, why = sorted(full), ("no single license keeps every inherited license's terms, so recipients must get "
                                     "all of them: " + " AND ".join(sorted(full)))
    elif compatible:
        advice.notes.append(Note("choose_license",
                                 "no inherited license binds the whole model: any compatible license below keeps "
                                 "you within the inherited terms (the duties listed still apply)"))
        return Declaration(None, None, None, None, _notice(kb, advice, [], noun),
                           "no inherited license binds the whole model; choose among the compatible ones")
    else:
        return None
    if own_id and own_id not in chosen:
        # A license on the user's own contribution may stand beside the inherited terms, but as
        # the card's only `license:` it would tell recipients they get nothing else.
        verdict = next((c.verdict for c in advice.outbound if c.license == own_id), "unknown")
        advice.notes.append(Note("own_license_beside",
                                 f"your model declares {own_id} for your own contribution; as the card's only license "
                                 f"it {'would break the inherited terms' if verdict == 'breaks' else f'is {verdict}'}: "
                                 f"declare {' AND '.join(chosen)} and say in the card's text that your own "
                                 f"contribution is also under {own_id}"))
    return _declaration(kb, advice, chosen, why, noun)


def _declaration(kb, advice: LicenseAdvice, chosen: list[str], why: str, noun: str = "model") -> Declaration:
    expression = " AND ".join(chosen)
    if len(chosen) == 1 and is_hub_id(kb, chosen[0]):
        license, name, link = chosen[0], None, None
    elif len(chosen) == 1:
        lic = kb.licenses[chosen[0]].license
        license, name, link = "other", chosen[0], lic.url or "LICENSE"
    else:   # one LICENSE file in the repository with every text
        license, name, link = "other", "-and-".join(chosen), "LICENSE"
    return Declaration(license, name, link, expression, _notice(kb, advice, chosen, noun), why)


# Duties that credit the material a model is made from (keep its notices, attribute its licensor).
CREDIT_DUTIES = ("attribute", "keep_notices")


def _notice(kb, advice: LicenseAdvice, chosen: list[str], noun: str = "model") -> str:
    """A NOTICE text from the duties the rules derived: notice texts, display strings, the
    license texts recipients must get, the policies and use restrictions that travel, the name.
    `noun` is what is published: a model, or a dataset."""
    sections = [[advice.subject]]
    texts = [o.params.get("text") for o in advice.duties if o.duty in ("notice", "display") and o.params.get("text")]
    if texts:
        sections.append(list(dict.fromkeys(texts)))
    licensed = list(dict.fromkeys([*chosen, *(o.license for o in advice.duties if o.duty == "include_license")]))
    if licensed:
        section = [f"This {noun} is provided under, and recipients receive copies of:"]
        for lid in licensed:
            lic = kb.licenses[lid].license if lid in kb.licenses else None
            section.append(f"  - {lic.name if lic else lid}" + (f" ({lic.url})" if lic and lic.url else ""))
        sections.append(section)
    # Attribution duties (CC 3.a.1, MIT's and Apache's notices) are about the material the model
    # comes from: name it, with the license it is under, or the NOTICE credits no one.
    credits = []
    for o in advice.duties:
        if o.duty not in CREDIT_DUTIES:
            continue
        for item in advice.inherited:
            if item.license == o.license:
                credits += [f"  - `{origin}`, under {item.name} ({o.license} §{o.clause})" for origin in item.via
                            # a bare license id, or a stack of them (request.py's `stack`), is no material
                            if kb.resolve_license(origin)[0] is None and origin != "stack"]
    if credits:
        sections.append(["It is made from this material, credited as its license asks:", *dict.fromkeys(credits)])
    policies = list(dict.fromkeys(f"  - {o.params['url']} ({o.license} §{o.clause})" for o in advice.duties
                                  if o.duty == "follow_policy" and o.params.get("url")))
    passed = list(dict.fromkeys(f"{o.license} §{o.clause}" for o in advice.duties if o.duty == "pass_restrictions"))
    # A license that passes its use restrictions on (OpenRAIL 4.a) without a policy page to point
    # at: the NOTICE is where recipients learn them, so it lists them, clause by clause.
    with_page = {o.license for o in advice.duties if o.duty == "follow_policy" and o.params.get("url")}
    passing = {o.license for o in advice.duties if o.duty == "pass_restrictions"} - with_page
    policies += list(dict.fromkeys(f"  - not for: {', '.join(o.params['values'])} ({o.license} §{o.clause})"
                                   for o in advice.duties if o.duty == "use_restrictions" and o.license in passing
                                   and o.params.get("values")))
    if policies or passed:
        sections.append([f"Use of this {noun} is subject to the use restrictions "
                         + (f"that {', '.join(passed)} passes on" if passed else "of these policies")
                         + ", which bind everyone who receives it" + (":" if policies else ".")] + policies)
    prefixes = list(dict.fromkeys(f"\"{o.params['prefix']}\" ({o.license} §{o.clause})" for o in advice.duties
                                  if o.duty == "name_prefix" and o.params.get("prefix")))
    if prefixes:
        sections.append(["Its name begins with " + " and ".join(prefixes) + "."])
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


# --- downstream -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecipientQuestion:
    """A question a recipient of the model would ask: acts on the model (and, with `creates`, a
    model they make from it by that relation), the facts they state."""
    label: str
    acts: tuple[str, ...]
    facts: tuple[tuple[str, object], ...]
    creates: str | None = None
    into: str | None = None


# The questions asked for every published model: the recipient's acts, commercial or not, and
# the roles schema.py declares (`role`: licensee, product-recipient, service-user). The answers,
# not this table, say what is allowed.
COMMERCIAL, ROLE = FACTS["commercial"].field, FACTS["role"].field   # request fields, as schema.py spells them
RECIPIENT_QUESTIONS = (
    RecipientQuestion("use it, not commercially", ("use",), ((COMMERCIAL, False), (ROLE, "licensee"))),
    RecipientQuestion("use it commercially", ("use",), ((COMMERCIAL, True), (ROLE, "licensee"))),
    RecipientQuestion("host it for others, commercially", ("host",), ((COMMERCIAL, True), (ROLE, "licensee"))),
    RecipientQuestion("redistribute the weights, commercially", ("distribute",),
                      ((COMMERCIAL, True), (ROLE, "licensee"))),
    RecipientQuestion("fine-tune it and distribute the result, commercially", ("distribute",),
                      ((COMMERCIAL, True), (ROLE, "licensee")), creates="finetune"),
    RecipientQuestion("train another model on its outputs and distribute it, commercially", ("distribute",),
                      ((COMMERCIAL, True), (ROLE, "licensee")), creates="distilled", into="other"),
    RecipientQuestion("use it inside a licensee's integrated end-user product", ("use",),
                      ((COMMERCIAL, True), (ROLE, "product-recipient"))),
    RecipientQuestion("use it as an end user of someone's hosted service", ("use",),
                      ((COMMERCIAL, True), (ROLE, "service-user"))),
)


# Duties that limit what the holder of the model may do with it (rather than what they must
# add when passing it on): the rules derive them, this only sorts them for the view.
RESTRICTING_DUTIES = ("use_restrictions", "follow_policy", "pass_restrictions", "refrain")


def downstream(reasoner, doc, by: str = "finetune", advice: LicenseAdvice | None = None) -> DownstreamView:
    """What recipients of the model you publish may and may not do (see the module doc).

    The model goes to them under the license it declares: `use.outbound_license` if given, else
    its own declared license, else the `license-for` recommendation. Every recipient question
    is asked of the reasoner with the recipient's facts and none of the publisher's."""
    own, subject, notes = _own_model(reasoner, copy.deepcopy(doc), by)
    if any(a["id"] == subject and a.get("kind") == "dataset" for a in own["artifacts"]):
        # Recipients fine-tune and distil what they get (RECIPIENT_QUESTIONS): of a dataset that
        # failed as an input error about an internal artifact (review 32).
        raise RequestError(f"`{subject}` is a dataset: `can-i downstream` says what recipients may do with a model "
                           f"you publish; ask about the dataset's uses with `can-i --request`", location="subject")
    outbound = own["use"].get("outbound_license")
    declared_own = next((a.get("license") for a in own["artifacts"] if a["id"] == subject), None)
    declared = outbound or declared_own
    if declared is None:
        advice = advice or license_for(reasoner, doc, by)
        if advice.recommended is not None and advice.recommended.expression:
            declared = advice.recommended.expression
            notes.append(Note("declared_recommended", f"`{subject}` declares no license: recipients are assumed to "
                                                      f"get the recommended {declared} (`can-i license-for`)"))
        else:
            notes.append(Note("declared_none", f"`{subject}` declares no license and can-i recommends none: "
                                               f"recipients' terms are UNKNOWN until you declare one"))
    received = []
    for artifact in own["artifacts"]:
        artifact = dict(artifact)
        if artifact.pop("mine", False):
            if artifact["id"] == subject:
                artifact.pop("license", None)
                name = artifact.pop("license_name", None)
                if declared:
                    artifact["license"] = declared
                    if declared == declared_own and name:   # `license: other` names its terms here
                        artifact["license_name"] = name
            elif not artifact.get("license"):
                # Another model of the user's own on the way, received as declared: with no
                # license its terms are unknown to recipients, and the answers say UNKNOWN.
                notes.append(Note("declared_none", f"`{artifact['id']}`, your model on the way to `{subject}`, "
                                                   f"declares no license: recipients' terms for it are UNKNOWN"))
        received.append(artifact)
    asked = []
    for question in RECIPIENT_QUESTIONS:
        artifacts = copy.deepcopy(received)
        use = {"acts": list(question.acts), **dict(question.facts)}
        target = subject
        if question.creates:
            made = {"id": RECIPIENT_MODEL, "mine": True, "derived_from": [{"id": subject, "relation": question.creates}]}
            if question.into:
                made["family"] = question.into
            artifacts.append(made)
            target = RECIPIENT_MODEL
        asked.append({"artifacts": artifacts, "subject": target, "use": use})
    # The publisher's own question too (distributing the model as made and declared, with the
    # publisher's facts): what recipients may do with a model that may not be handed to them is
    # no answer a card can give.
    *results, published = reasoner.ask_many(asked + [own])
    view = DownstreamView(status="answered", subject=subject, declared=declared, notes=notes)
    if published.status == "forbidden":
        view.status = "forbidden"
        notes.append(Note("publisher_forbidden", f"you may not distribute `{subject}` as asked: "
                          + "; ".join(dict.fromkeys(f"{r.license} §{r.clause} ({r.kind.replace('_', ' ')})"
                                                    for r in published.reasons))
                          + "; what recipients could do below holds only once that is resolved"))
    view.answers = [RecipientAnswer(q.label, q.acts, dict(q.facts), q.creates, r)
                    for q, r in zip(RECIPIENT_QUESTIONS, results)]
    # What binds a recipient is what applies to the model as received (declared and inherited).
    reaching = [a for r in results for a in r.applicable if a.artifact == subject]
    view.binding = sorted({a.license for a in reaching if a.scope == "full"})
    view.partly_binding = sorted({a.license for a in reaching if a.scope != "full"} - set(view.binding))
    if any(r.status == "unknown" for r in results) and view.status != "forbidden":
        view.status = "unknown"
    seen: set = set()
    for result in results:
        for o in result.obligations:
            key = (o.license, o.clause, o.message)
            if key in seen:
                continue
            seen.add(key)
            if o.duty in RESTRICTING_DUTIES:
                view.restrictions.append(o)
            elif o.artifact in (subject, RECIPIENT_MODEL) and set(o.acts) - {"use"}:
                view.passing_on.append(o)
    seen = set()
    for result in results:
        for group in result.residual:
            key = tuple((leaf.text, leaf.license, leaf.clause) for leaf in group)
            if key not in seen:
                seen.add(key)
                view.thresholds.append({"condition": " and ".join(leaf.text for leaf in group), "then": "forbidden",
                                        "kind": group[0].kind,
                                        "clauses": sorted({f"{leaf.license} §{leaf.clause}" for leaf in group}),
                                        "title": group[0].title})
    seen = set()
    for result in results:
        for risk in result.risks:
            key = (risk.license, risk.clause, risk.risk)
            if key not in seen:
                seen.add(key)
                view.risks.append(risk)
    view.restrictions.sort(key=lambda o: (o.license, o.clause))
    view.passing_on.sort(key=lambda o: (o.license, o.clause))
    view.risks.sort(key=lambda r: (r.license, r.clause or "", r.risk))
    return view


def advise(reasoner, doc: dict):
    """Answer a request document whose `suggest` asks for advice ("license" or "downstream");
    the rest of the document is an ordinary request. The CLI's `license-for` and `downstream`
    give exactly these answers."""
    doc = dict(doc)
    wanted = doc.pop("suggest")
    if wanted not in SUGGESTIONS:
        raise RequestError(f"unknown suggestion `{wanted}`{suggest(str(wanted), list(SUGGESTIONS))}; "
                           f"`suggest` takes {' or '.join(SUGGESTIONS)}", location="suggest")
    return license_for(reasoner, doc) if wanted == "license" else downstream(reasoner, doc)
