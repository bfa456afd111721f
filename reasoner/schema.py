"""The one declaration of every fact a question states or a license condition tests, and of the
acts and lineage relations, in the manner of clorm's `Predicate` classes or Cedar's schema.

Each fact is declared once, with every spelling it has: the word license conditions use (its
`name`, also the string the solver sees), the request field and the old spellings still read for
schema version 1, the CLI option, the example word, its type, unit, vocabulary and the artifact it
is about. The request reader, the CLI options, the example words, the solver facts, threshold
canonicalisation and the rendering of DEPENDS answers are all built from this table, so a new
fact is added here (and, if it needs new logic, in rules.lp) and nowhere else.

This module imports nothing from the package: the vocabularies it names live in vocabulary.py,
which builds its fact tables from this one.
"""

from __future__ import annotations

from .records import dataclass   # a standard dataclass, defined at no cost (records.py)

# Types of facts. Numbers (count, money, date) are compared with license thresholds; tags are a
# set tested for membership; a string is tested with `=` or `starts with`. `license` (one license
# id), `grants` (separate licenses held) and `acts` are stated in a request but tested by rules of
# their own, not by conditions.
FLAG, COUNT, MONEY, DATE, TAGS, STRING = "flag", "count", "money", "date", "tags", "string"
LICENSE, GRANTS, ACTS = "license", "grants", "acts"
NUMBER_TYPES = (COUNT, MONEY, DATE)

# What a fact is about: the question as a whole (the use), the artifact acted on, or the model
# being created by the act (the target; an act that creates nothing has none).
USE, ACTED, TARGET = "use", "acted", "target"


@dataclass(frozen=True)
class Fact:
    """One fact: how each layer spells it and what kind of value it holds."""
    name: str                      # condition word in licenses and the solver's name for it
    type: str
    about: str
    phrase: str                    # for people
    unit: str = ""
    field: str | None = None       # request field in `use` (facts about the use)
    aliases: tuple[str, ...] = ()  # old spellings of `field`, read for schema version 1
    artifact_field: str | None = None   # artifact field it is read from (facts about artifacts)
    cli: str | None = None         # the command-line option that states it
    help: str = ""                 # the option's help
    example: tuple[str, ...] = ()  # example words; for a flag, the word for "true" then "false"
    vocabulary: str | None = None  # the closed vocabulary of its values (in vocabulary.py)
    many: bool = False             # tags: a list of words (modalities), not one word (a family)
    condition: bool = True         # may a license condition test it
    stated_by: str | None = None   # for a fact the rules derive: the fact a request states instead
    restricted: str = ""           # how a use restriction's duty names its list ("in any territory")

    @property
    def number(self) -> bool:
        return self.type in NUMBER_TYPES

    @property
    def repeatable(self) -> bool:
        """Its option may be given more than once (each time one more value)."""
        return self.type in (GRANTS, ACTS) or self.many

    @property
    def response_name(self) -> str:
        """The name DEPENDS answers give it: what to state. Schema version 1 answers name the
        request field as version 1 spelt it (`revenue_usd`), so their meaning does not change."""
        if self.stated_by:
            return FACTS[self.stated_by].response_name
        if self.field:
            return (self.aliases or (self.field,))[0]
        if self.about == TARGET:   # stated on the model created, as `--into` for its family
            return self.name
        return self.artifact_field or self.name

    @property
    def attr(self) -> str:
        """A Python identifier for it (Use attributes, CLI parameters)."""
        return (self.field or self.name).replace(".", "_")


FACT_LIST = (
    Fact("commercial", FLAG, USE, "the use is commercial", field="commercial",
         cli="--commercial/--non-commercial", help="Is the use commercial? (unstated: unknown)",
         example=("commercial", "noncommercial")),
    Fact("derived", FLAG, ACTED, "the model is a derivative of the licensed material"),
    Fact("multimodal", FLAG, ACTED, "the model handles more than one modality", stated_by="modality"),
    # Computed (rules.lp `dataset`): what the artifact is, never stated as a flag.
    Fact("dataset", FLAG, ACTED, "the artifact is a dataset, not a model"),
    # Computed (rules.lp `licensor_release`), never stated: the artifact acted on is a release of
    # this license's licensor itself (a catalog model in its Hub organisation), not the user's own.
    # The naming and "Built with" duties of Llama 3-4 §1.b.i and Qwen §5.b bind "you" who "use the
    # ... Materials ... to create, train, fine tune, or otherwise improve an AI model": hosting
    # Meta's own Llama-3.1-8B-Instruct (a fine-tune of Meta's base) creates none (review 37).
    Fact("licensor_release", FLAG, ACTED, "the artifact is the licensor's own release, published by the licensor"),
    # Computed (rules.lp `made_available`), never stated: the act judged makes the artifact
    # available to others, distributing it or hosting it for anyone but the user's organisation.
    # `host` is offering the model to others (README), so an unstated hosting kind counts as for
    # others (fail closed, as `target.shared`); `hosting = internal` is the user's organisation
    # only. Llama 3-4 §1.b.i's naming sentence binds a model "which is distributed or made
    # available" (review 37: a fine-tune hosted internally was NO for its name).
    Fact("made_available", FLAG, ACTED,
         "the act makes the artifact available to others (distributed, or hosted for anyone but your organisation)"),
    Fact("mau", COUNT, USE, "monthly active users", unit="users", field="mau", cli="--mau",
         help="Monthly active users: 700M, 2.5B, 1_000_000.", example=("mau",)),
    Fact("revenue", MONEY, USE, "annual revenue (USD)", unit="USD", field="revenue", aliases=("revenue_usd",),
         cli="--revenue", help="Annual revenue in USD, yours and your affiliates' together: $1M, 2.5B.", example=("revenue",)),
    Fact("employees", COUNT, USE, "employees of the organisation using it", unit="people", field="employees",
         cli="--employees", help="Employees of your organisation: 250, 1.5K.", example=("employees",)),
    Fact("territory", TAGS, USE, "territory", field="territory", cli="--territory",
         help="Where the model is used (EU, US, DE, …); repeatable. Your own domicile is --domicile.", example=("territory",), vocabulary="territory",
         restricted="in any territory",
         many=True),
    Fact("purpose", TAGS, USE, "purpose", field="purposes", cli="--purpose",
         help="What it is for (a purpose tag); repeatable.", example=("purpose",), vocabulary="purpose",
         many=True),
    Fact("modality", TAGS, ACTED, "modality", artifact_field="modalities", example=("modality",),
         vocabulary="modality", many=True),
    Fact("family", TAGS, ACTED, "the model's family", artifact_field="family", vocabulary="family"),
    Fact("target.family", TAGS, TARGET, "the family of the model being created", artifact_field="family",
         cli="--into", help="Family of the model you create (distillation target).", example=("into",),
         vocabulary="family"),
    Fact("name", STRING, ACTED, "the model's name", field="name", artifact_field="name", cli="--name",
         help="The name of your model.", example=("name",)),
    Fact("target.name", STRING, TARGET, "the name of the model being created", artifact_field="name"),
    Fact("outbound_license", LICENSE, USE, "the only license recipients will get", field="outbound_license",
         cli="--as", help="The only license recipients will get (relicensing).", example=("as",), condition=False),
    Fact("grants", GRANTS, USE, "separate licenses you hold", field="grants", cli="--grant",
         help="You hold a separate license: LICENSOR (meta), LICENSOR:ARTIFACT, or LICENSE[:ARTIFACT]; repeatable.",
         example=("holds",), condition=False),
    Fact("date", DATE, USE, "the date of the use", field="date", cli="--on",
         help="Date of the use, YYYY-MM-DD.", example=("on",)),
    Fact("acts", ACTS, USE, "what is done with the model", field="acts", cli="--and",
         help="Also host or distribute the result; repeatable.", condition=False),
    # The modalities of the model being created: a merge or distillation may handle other
    # modalities than its parents (it inherits none), and a multimodal duty turns on them.
    Fact("target.modality", TAGS, TARGET, "the modalities of the model being created", artifact_field="modalities",
         cli="--modality", help="Modalities of the model you create (text, image, …); repeatable.",
         example=("into_modality",), vocabulary="modality", many=True),
    # LGPL-2.1 §5-6, LGPL-3.0 §0/§4: a "work that uses the Library" (an application, an adapter
    # kept in its own file) may go out under terms of your choice; a modified Library may not.
    Fact("linking", FLAG, USE, "your model only loads or links the licensed model unmodified",
         field="linking", cli="--linking/--modifying",
         help="Does your work only load or link the model unmodified, keeping none of its weights changed "
              "(LGPL: a 'work that uses the Library')? (unstated: unknown)",
         example=("linking", "modifying")),
    # Who published an artifact: stated in the catalog or a request, else the organisation of its
    # Hub id (`deepseek-ai/DeepSeek-R1` -> deepseek-ai). A stated one must agree with the Hub id;
    # only the Hub id's organisation makes a licensor's own release (rules.lp).
    Fact("publisher", STRING, ACTED, "the organisation that published the model", artifact_field="publisher"),
    # Who the user is and where, as licenses distinguish them (issue 10): the licensee's domicile
    # is not where the model is used (`territory`); the Llama 3.2/4 EU paragraph turns on it.
    Fact("domicile", TAGS, USE, "where the licensee is domiciled or has its principal place of business",
         field="domicile", cli="--domicile",
         help="Where you (the licensee) are domiciled or have your principal place of business (EU, US, DE, …).",
         example=("domicile",), vocabulary="territory", many=True, restricted="while your domicile is any territory"),
    Fact("entity", TAGS, USE, "what kind of person or organisation the user is", field="entity", cli="--entity",
         help="What you are: individual, academic, non-profit, company, government.", example=("entity",),
         vocabulary="entity"),
    Fact("role", TAGS, USE, "how the user received the model", field="role", cli="--role",
         help="How you got the model: licensee (from the licensor or a distributor), product-recipient "
              "(inside a licensee's integrated end-user product), service-user (end user of someone else's "
              "hosted product or service).", example=("role",), vocabulary="role"),
    Fact("hosting", TAGS, USE, "what kind of hosting it is", field="hosting", cli="--hosting",
         help="What kind of hosting: public-api (an inference or fine-tuning API, model as a service), "
              "product-feature (inside your own application, in the background), internal (your "
              "organisation only).", example=("hosting",), vocabulary="hosting"),
    # Counts measured at a date or over a period, each exactly as a license measures it: a stated
    # current `mau` never decides a threshold counted at a release date.
    Fact("release_mau", COUNT, USE,
         "monthly active users, in the calendar month before the licensed version's release date, of the "
         "products and services of the licensee and its affiliates", unit="users", field="release_mau",
         cli="--release-mau",
         help="Monthly active users of your and your affiliates' products in the calendar month before the "
              "licensed version's release date (Llama §2): 700M.", example=("release_mau",)),
    Fact("release_mau_own", COUNT, USE,
         "monthly active users, in the calendar month before the licensed version's release date, of the "
         "licensee's own products and services (affiliates not counted)", unit="users",
         field="release_mau_own", cli="--release-mau-own",
         help="Monthly active users of your own products (affiliates not counted) in the calendar month "
              "before the licensed version's release date: 100M.", example=("release_mau_own",)),
    Fact("monthly_revenue", MONEY, USE,
         "the company's (or employer's) global consolidated revenue in the preceding month (USD)", unit="USD",
         field="monthly_revenue", cli="--monthly-revenue",
         help="Global consolidated revenue of your company (or employer) in the preceding month, USD: $20M.",
         example=("monthly_revenue",)),
    Fact("product_monthly_revenue", MONEY, USE,
         "monthly revenue of the product or service that uses the model (USD)", unit="USD",
         field="product_monthly_revenue", cli="--product-monthly-revenue",
         help="Monthly revenue of the product or service that uses the model, USD: $20M.",
         example=("product_monthly_revenue",)),
    Fact("revenue_12m", MONEY, USE,
         "revenue of the licensee and its affiliates together over any 12 consecutive months (USD)",
         unit="USD", field="revenue_12m", cli="--revenue-12m",
         help="Revenue of you and your affiliates together over any 12 consecutive months, USD: $20M.",
         example=("revenue_12m",)),
    # Kimi K3 §2 (issue 11): the MaaS clause turns on whether the licensee or an affiliate runs a
    # Model as a Service business at all, not on how this model is hosted (`hosting`).
    Fact("maas_business", FLAG, USE,
         "the licensee or an affiliate operates a Model as a Service business (third parties get inference or "
         "fine-tuning access with meaningful control over inputs, parameters or training data)",
         field="maas_business", cli="--maas-business/--no-maas-business",
         help="Do you or an affiliate operate a Model as a Service business (an inference or fine-tuning API "
              "giving third parties control over inputs, parameters or training data)? (unstated: unknown)",
         example=("maas_business", "no_maas_business")),
    # Computed like `derived`, never stated: the license's terms reach the model along a
    # `trained_on` edge (it was trained on material under the license, a dataset). Lets a clause
    # mark the open reading "is a model trained on the data an adaptation of it?" exactly there.
    Fact("trained", FLAG, ACTED, "the model is trained on material under this license (a dataset)"),
    # Computed, never stated: the license reaches the data acted on only as a model's outputs
    # (along a `distilled` edge), never as material published under it (rules.lp "outputs_only").
    # The bans on training with "the Materials or any output" tell the two apart with it.
    Fact("outputs_only", FLAG, ACTED,
         "the data holds this license's material only as outputs of a model under it"),
    # Outputs reached as data (rules.lp "Outputs received as data"): a license's ban on using its
    # model's outputs to improve other models (Llama 3 §1.b.v) binds its licensee, the one who ran
    # the model. Whether a mere recipient of a dataset of those outputs is bound is left open by
    # the texts, so a user training on such data must say whether they generated it themselves.
    Fact("generated_outputs", FLAG, USE,
         "you generated the model outputs you train on yourself, running that model (you are its licensee)",
         field="generated_outputs", cli="--generated-outputs/--received-outputs",
         help="Did you generate the model outputs your training data holds yourself, running that model "
              "under its license (--generated-outputs), or receive them from someone else "
              "(--received-outputs)? (unstated: unknown)",
         example=("generated_outputs", "received_outputs")),
    # Computed, never stated: the license's terms on its model's outputs bind the user as the
    # licensee who generated them. Tested only by a license's outputs-as-data rules (rules.lp); it
    # is never false (a recipient's being bound is an open reading, not a "no").
    Fact("outputs_licensee", FLAG, ACTED,
         "you generated the outputs yourself, as the licensee of the model that produced them",
         stated_by="generated_outputs"),
    # Computed like `derived`, never stated, but of the model being created: it is this license's
    # material or a derivative work of it, taking its weights (WEIGHTS_RELATIONS) along the lineage
    # from a model someone else put under the license. The exceptions to the bans on improving
    # other models with outputs say exactly this ("excluding Meta Llama 3 or derivative works
    # thereof", Llama 3 §1.b.v); a family word let another generation of the family through.
    Fact("target.derived", FLAG, TARGET,
         "the model being created is this license's material or a derivative work of it (it takes the weights "
         "of a model under this license by fine-tuning, an adapter, a merge or quantization)"),
    # Data made from a model's outputs (a dataset `distilled` from it) improves no model: the bans
    # on using outputs "to improve any other large language model" (Llama 2/3 §1.b.v) except it.
    # Computed from the created artifact's `kind` (rules.lp), never stated; unstated is a model,
    # so leaving `kind` out keeps the ban.
    Fact("target.dataset", FLAG, TARGET, "what is being created is a dataset, not a model"),
    # What is made reaches others in the question: it, or a model or data made from it, is handed
    # out or hosted for anyone but the user's own organisation. Computed (rules.lp), never stated:
    # Kimi K3 §4.a exempts only use that makes neither the model, "its outputs, or its underlying
    # capabilities available to third parties".
    Fact("target.shared", FLAG, TARGET,
         "what is being created reaches others in this question (it, or what is made from it, is distributed, "
         "or hosted for others)"),
    # What an artifact is, as a BOM (CycloneDX `data`, SPDX `dataset_DatasetPackage`), the dataset
    # catalog or a request (`"kind": "dataset"`) says. A model takes a dataset only by training on
    # it: a model that names a dataset by `finetune`, `merge`, `distilled`… escaped the outputs-as-
    # data rules (review 8), so that is an input error (api.complete); and a BOM written back keeps it.
    Fact("kind", TAGS, ACTED, "what the artifact is: a model or a dataset", artifact_field="kind",
         vocabulary="artifact_kind"),
)
FACTS = {fact.name: fact for fact in FACT_LIST}

# Facts stated in a request's `use`, and every key `use` may hold (aliases included).
USE_FACTS = tuple(f for f in FACT_LIST if f.field)
USE_KEYS = tuple(key for f in USE_FACTS for key in (f.field,) + f.aliases)
# Facts a license condition may test, by type.
CONDITION_FACTS = tuple(f for f in FACT_LIST if f.condition)
NUMBER_FACTS = tuple(f for f in CONDITION_FACTS if f.number)
# Facts read from an artifact of the question (the one acted on, or the target).
ARTIFACT_FACTS = tuple(f for f in CONDITION_FACTS if f.artifact_field and not f.stated_by)
# The fields an artifact of a request states facts in, each with the first fact declaring it (a
# field may hold facts about the artifact acted on and about the target: `family`, `target.family`;
# they read it alike). A request's `artifacts[]` has these fields, read as this fact's type says.
ARTIFACT_FIELDS = {}
for _fact in ARTIFACT_FACTS:
    ARTIFACT_FIELDS.setdefault(_fact.artifact_field, _fact)
del _fact
# Artifact fields that a request's `use` may state for the subject (the stated `name` of the
# model asked about), with the use fact stating them: the use's value is the subject's.
USE_STATES_ARTIFACT_FIELD = {f.artifact_field: f for f in USE_FACTS if f.artifact_field}
# Words an example may use besides acts, with their shape; `stack` adds licenses to the model.
EXAMPLE_SHAPES = {FLAG: "flag", COUNT: "number", MONEY: "number", DATE: "date", TAGS: "set", STRING: "string",
                  GRANTS: "set", LICENSE: "word"}
# `made = dataset`: what the creation act makes is data, not a model (examples.py gives the user's
# artifact that `kind`), as a request's own dataset is: the naming sentence of Llama 3.1 §1.b.i
# binds "an AI model" only, and an example has to be able to say so (review 36).
EXAMPLE_ONLY = {"stack": "set", "made": "word"}


def example_words() -> dict[str, str]:
    """Each example word and the shape of its value (`into` names one family: a word; tags that
    hold a list, like `modality`, are a set)."""
    words = {}
    for fact in FACT_LIST:
        for word in fact.example:
            words[word] = "word" if fact.type == TAGS and not fact.many else EXAMPLE_SHAPES[fact.type]
    return {**words, **EXAMPLE_ONLY}


def by_key(key: str) -> Fact | None:
    """The use fact a request key (field or old alias) or a Python attribute names."""
    for fact in USE_FACTS:
        if key in (fact.field, fact.attr) + fact.aliases:
            return fact
    return None


def option_of_field() -> dict[str, str]:
    """The command-line option that states each request field."""
    return {fact.field: fact.cli for fact in FACT_LIST if fact.field and fact.cli}


# --- acts and lineage relations -----------------------------------------------------------------

# Acts done with a finished model.
USE_ACTS = ("use", "host", "distribute")


@dataclass(frozen=True)
class Relation:
    """A lineage relation (Hugging Face base_model_relation values, plus distilled and trained_on),
    the act a user performs on the parent by creating the child so, and whether the child is still
    the parent's kind of model (it keeps the parent's family and modalities)."""
    name: str
    act: str
    same_model: bool


RELATION_LIST = (
    Relation("finetune", "finetune", True),
    Relation("adapter", "adapt", True),
    Relation("merge", "merge", False),
    Relation("quantized", "quantize", True),
    Relation("distilled", "distill", False),
    Relation("trained_on", "train", False),
)
RELATION_ACT = {r.name: r.act for r in RELATION_LIST}
ACT_RELATION = {r.act: r.name for r in RELATION_LIST}
SAME_MODEL_RELATIONS = tuple(r.name for r in RELATION_LIST if r.same_model)
# Relations whose child holds the parent's weights (changed or not): the child is a derivative
# work of the parent's material. Not `distilled` or `trained_on`: a model trained on outputs or
# data holds none of the parent's weights (`target.derived` above).
WEIGHTS_RELATIONS = ("finetune", "adapter", "merge", "quantized")


# Flags the user decides for themselves, with the value a remedy may propose (reasoner/remedies.py):
# a commercial use can become non-commercial; facts about the world (linking) are not choices.
USER_CHOICES = {"commercial": (False, "non-commercial")}
# A purpose that says what a flag says: a use for a commercial product is commercial use. Beside the
# opposite flag the request contradicts itself, and `--non-commercial --purpose commercial-product`
# was YES under CC BY-NC (review 28): an input error (request.read_use).
PURPOSE_FLAGS = {"commercial-product": ("commercial", True)}
# The same for a purpose that says it only of some entities: a company's customer support is its
# business's operations, commercial use under every text that defines the word (FLUX.1 [dev] 1.c
# "in direct interactions with or that has impact on end users", Stability III "(ii) for Your
# business's or organization's internal operations", Yi 2.1 "for the operation ... for
# entities"); `--non-commercial --entity company --purpose customer-support` was YES (review 37).
ENTITY_PURPOSE_FLAGS = {("company", "customer-support"): ("commercial", True)}


# A count that can never exceed another, by their definitions: the users of the licensee's own
# products are among those of its and its affiliates' products in the same month. Stating more for
# the first is an input error; a license may then read one as a bound of the other with `stated`
# (Llama §2 reads a stated own count above 700M; Hunyuan §4 a stated count with affiliates of at
# most 100M: review 36 and 37 left both open).
# Likewise a year's revenue is revenue over 12 consecutive months, at most the highest such
# (Kimi K3 §2 reads that one: a stated 1B a year beside 10M over any 12 months was YES, review 38).
AT_MOST = {"release_mau_own": "release_mau", "revenue": "revenue_12m"}
# Counts taken at the licensed version's own release date: licenses of different versions read
# one stated count at different dates (api notes it: count_for_several_dates).
COUNTS_AT_RELEASE = ("release_mau", "release_mau_own")


def stated_value_flags(stated) -> list[tuple]:
    """(fact, word, flag, value, the entity kind it holds for or None) for each stated purpose
    that states a flag (PURPOSE_FLAGS, ENTITY_PURPOSE_FLAGS), for the use `stated` (a request.Use,
    or read_use's values by attribute). (A public API is not read as `maas_business` here: Kimi K3
    §2 reads the hosting kind itself, and other licenses' public APIs serve no language model.)

    >>> stated_value_flags({"purposes": ("commercial-product", "research")})
    [('purpose', 'commercial-product', 'commercial', True, None)]
    """
    def get(attr):
        return stated.get(attr) if isinstance(stated, dict) else getattr(stated, attr, None)

    found = []
    for word in get(FACTS["purpose"].attr) or ():
        flag, value, entity = purpose_flag(word, stated)
        if flag is not None:
            found.append(("purpose", word, flag, value, entity))
    return found


def purpose_flag(word: str, stated=None) -> tuple:
    """(flag, value, the entity kind it holds for or None) that a stated purpose states, for the
    use `stated` (a request.Use, or read_use's values by attribute) whose `entity` decides the
    ENTITY_PURPOSE_FLAGS; (None, None, None) for a purpose that states no flag.

    >>> purpose_flag("customer-support", {"entity": "company"}), purpose_flag("customer-support")
    (('commercial', True, 'company'), (None, None, None))
    """
    if word in PURPOSE_FLAGS:
        return (*PURPOSE_FLAGS[word], None)
    attr = FACTS["entity"].attr
    entity = stated.get(attr) if isinstance(stated, dict) else getattr(stated, attr, None)
    found = ENTITY_PURPOSE_FLAGS.get((entity, word))
    return (*found, entity) if found else (None, None, None)
