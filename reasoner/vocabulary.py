"""The closed vocabulary of the license DSL and of requests.

Every word a license file or a request may use is listed here once, with the phrase used to
render it for people. The parser checks words against these tables (with "did you mean"), the
compiler turns them into ASP constants, and the explainer renders them back.
"""

from __future__ import annotations

from . import schema

# Acts a user performs. The first three are done with a finished model; the rest create a new
# model from a parent, one per lineage relation (declared in schema.py).
USE_ACTS = schema.USE_ACTS
CREATION_ACTS = tuple(r.act for r in schema.RELATION_LIST)
ACTS = USE_ACTS + CREATION_ACTS

# Shorthands a license may grant or forbid at once.
ACT_GROUPS = {
    "modify": ("finetune", "adapt", "merge", "quantize"),
    "derive": CREATION_ACTS,
    "all": ACTS,
}

# Lineage relations and the act a user performs on the parent when creating the child by it.
RELATION_ACT = schema.RELATION_ACT
RELATIONS = tuple(RELATION_ACT)
# The relations a model takes from another model: data is taken only by `trained_on`, so where an
# input names a model's parent model (a BOM's derived-by, a card's base_model_relation) a
# suggestion never offers `trained_on`, which would be rejected in turn (review 19).
MODEL_RELATIONS = tuple(r for r in RELATIONS if r != "trained_on")

# Facts a condition can test, by type (declared in schema.py). Flags are true/false; numbers are
# compared exactly; sets are tested for membership; strings are tested with `starts with`.
FLAG_FACTS = {f.name: f.phrase for f in schema.CONDITION_FACTS if f.type == schema.FLAG}
NUMBER_FACTS = {f.name: f.phrase for f in schema.NUMBER_FACTS}
SET_FACTS = {f.name: f.phrase for f in schema.CONDITION_FACTS if f.type == schema.TAGS}
STRING_FACTS = {f.name: f.phrase for f in schema.CONDITION_FACTS if f.type == schema.STRING}
FACTS = {**FLAG_FACTS, **NUMBER_FACTS, **SET_FACTS, **STRING_FACTS}
# The facts `stated F` may test: those of the use a question states (not an artifact's, which the
# lineage may state on another artifact than the one acted on).
STATED_FACTS = {f.name: f.phrase for f in schema.CONDITION_FACTS if f.about == schema.USE and f.field}

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
    "report": ("text", "{text}"),          # written `must "…"` in a license file
    "refrain": ("text", "do not {text}"),   # written `must not "…"`: a prohibition stated in words
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

# Further terms a license may impose on recipients beyond a copyleft's own (`adds further`), and
# that a `no further restrictions` license may accept (`accepts further`). Use restrictions are
# `restricts use`, which no copyleft accepts.
FURTHER_TERMS = {
    "patent_termination": "the patent license ends for anyone who sues over the work's patents",
    "indemnity": "whoever offers warranty or liability must indemnify the contributors for it",
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
    "exploiting-vulnerable-groups", "customer-support",
    "evaluation", "personal",   # review11: MNPL 3.2 grants only testing/evaluation, research and Personal use
)

# A stated purpose that is another purpose too, whatever the license: a crime in every
# jurisdiction is unlawful use. Licenses whose text bars only unlawful use ("comply with applicable
# laws": Qwen §5.a, Kimi K3 §1, GLM-4 §3, Yi, Stability, Tongyi Qianwen, Apple, Microsoft …)
# restrict `illegal-activity` alone, so `use qwen --purpose child-exploitation` was YES (review 26).
# Only tags whose every instance is a crime are listed: `harassment`, `discrimination` or
# `defamation` may be lawful somewhere, so they imply nothing and are judged as stated. The rules
# read IMPLIED_VALUES as `value_implies` facts (solve.schema_facts); the answer quotes the stated tag.
IMPLIED_PURPOSES = {
    "child-exploitation": ("illegal-activity",),
    "human-trafficking": ("illegal-activity",),
    "illegal-drugs": ("illegal-activity",),
    "fraud": ("illegal-activity",),
}
# By vocabulary (VOCABULARIES' names): a fact of that vocabulary stated with a key's word holds
# the implied words too.
IMPLIED_VALUES = {"purpose": IMPLIED_PURPOSES}
# Vocabularies whose stated words all hold at once (a use for research and for customer support
# is both; a use in the US and in China is in both; a text-and-image model handles both): a
# condition that permits more when it holds is met only by every stated word (compile.py c_every,
# rules.lp every_value). Territories are here too (review 28: `grant all when territory in {US}`
# was YES for `--territory US --territory CN`); a region stated only because a stated member lies
# in it is no place of its own, and a stated region with a member in the set leaves the test open.
# These are the vocabularies of every list-valued fact (schema.py `many`): purpose, territory, modality.
EVERY_VALUE_VOCABULARIES = tuple(sorted({f.vocabulary for f in schema.FACT_LIST if f.many and f.vocabulary}))

# --- territories --------------------------------------------------------------------------------
# ISO 3166-1 alpha-2 codes with their English short names (generated from Debian's iso-codes
# table, iso_3166-1.json; the names only serve "did you mean" hints, never as values).
COUNTRIES = {
    "AD": "Andorra",
    "AE": "United Arab Emirates",
    "AF": "Afghanistan",
    "AG": "Antigua and Barbuda",
    "AI": "Anguilla",
    "AL": "Albania",
    "AM": "Armenia",
    "AO": "Angola",
    "AQ": "Antarctica",
    "AR": "Argentina",
    "AS": "American Samoa",
    "AT": "Austria",
    "AU": "Australia",
    "AW": "Aruba",
    "AX": "Åland Islands",
    "AZ": "Azerbaijan",
    "BA": "Bosnia and Herzegovina",
    "BB": "Barbados",
    "BD": "Bangladesh",
    "BE": "Belgium",
    "BF": "Burkina Faso",
    "BG": "Bulgaria",
    "BH": "Bahrain",
    "BI": "Burundi",
    "BJ": "Benin",
    "BL": "Saint Barthélemy",
    "BM": "Bermuda",
    "BN": "Brunei Darussalam",
    "BO": "Bolivia",
    "BQ": "Bonaire, Sint Eustatius and Saba",
    "BR": "Brazil",
    "BS": "Bahamas",
    "BT": "Bhutan",
    "BV": "Bouvet Island",
    "BW": "Botswana",
    "BY": "Belarus",
    "BZ": "Belize",
    "CA": "Canada",
    "CC": "Cocos (Keeling) Islands",
    "CD": "Congo, The Democratic Republic of the",
    "CF": "Central African Republic",
    "CG": "Congo",
    "CH": "Switzerland",
    "CI": "Côte d'Ivoire",
    "CK": "Cook Islands",
    "CL": "Chile",
    "CM": "Cameroon",
    "CN": "China",
    "CO": "Colombia",
    "CR": "Costa Rica",
    "CU": "Cuba",
    "CV": "Cabo Verde",
    "CW": "Curaçao",
    "CX": "Christmas Island",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DJ": "Djibouti",
    "DK": "Denmark",
    "DM": "Dominica",
    "DO": "Dominican Republic",
    "DZ": "Algeria",
    "EC": "Ecuador",
    "EE": "Estonia",
    "EG": "Egypt",
    "EH": "Western Sahara",
    "ER": "Eritrea",
    "ES": "Spain",
    "ET": "Ethiopia",
    "FI": "Finland",
    "FJ": "Fiji",
    "FK": "Falkland Islands (Malvinas)",
    "FM": "Micronesia, Federated States of",
    "FO": "Faroe Islands",
    "FR": "France",
    "GA": "Gabon",
    "GB": "United Kingdom",
    "GD": "Grenada",
    "GE": "Georgia",
    "GF": "French Guiana",
    "GG": "Guernsey",
    "GH": "Ghana",
    "GI": "Gibraltar",
    "GL": "Greenland",
    "GM": "Gambia",
    "GN": "Guinea",
    "GP": "Guadeloupe",
    "GQ": "Equatorial Guinea",
    "GR": "Greece",
    "GS": "South Georgia and the South Sandwich Islands",
    "GT": "Guatemala",
    "GU": "Guam",
    "GW": "Guinea-Bissau",
    "GY": "Guyana",
    "HK": "Hong Kong",
    "HM": "Heard Island and McDonald Islands",
    "HN": "Honduras",
    "HR": "Croatia",
    "HT": "Haiti",
    "HU": "Hungary",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IM": "Isle of Man",
    "IN": "India",
    "IO": "British Indian Ocean Territory",
    "IQ": "Iraq",
    "IR": "Iran",
    "IS": "Iceland",
    "IT": "Italy",
    "JE": "Jersey",
    "JM": "Jamaica",
    "JO": "Jordan",
    "JP": "Japan",
    "KE": "Kenya",
    "KG": "Kyrgyzstan",
    "KH": "Cambodia",
    "KI": "Kiribati",
    "KM": "Comoros",
    "KN": "Saint Kitts and Nevis",
    "KP": "North Korea",
    "KR": "South Korea",
    "KW": "Kuwait",
    "KY": "Cayman Islands",
    "KZ": "Kazakhstan",
    "LA": "Laos",
    "LB": "Lebanon",
    "LC": "Saint Lucia",
    "LI": "Liechtenstein",
    "LK": "Sri Lanka",
    "LR": "Liberia",
    "LS": "Lesotho",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "LY": "Libya",
    "MA": "Morocco",
    "MC": "Monaco",
    "MD": "Moldova",
    "ME": "Montenegro",
    "MF": "Saint Martin (French part)",
    "MG": "Madagascar",
    "MH": "Marshall Islands",
    "MK": "North Macedonia",
    "ML": "Mali",
    "MM": "Myanmar",
    "MN": "Mongolia",
    "MO": "Macao",
    "MP": "Northern Mariana Islands",
    "MQ": "Martinique",
    "MR": "Mauritania",
    "MS": "Montserrat",
    "MT": "Malta",
    "MU": "Mauritius",
    "MV": "Maldives",
    "MW": "Malawi",
    "MX": "Mexico",
    "MY": "Malaysia",
    "MZ": "Mozambique",
    "NA": "Namibia",
    "NC": "New Caledonia",
    "NE": "Niger",
    "NF": "Norfolk Island",
    "NG": "Nigeria",
    "NI": "Nicaragua",
    "NL": "Netherlands",
    "NO": "Norway",
    "NP": "Nepal",
    "NR": "Nauru",
    "NU": "Niue",
    "NZ": "New Zealand",
    "OM": "Oman",
    "PA": "Panama",
    "PE": "Peru",
    "PF": "French Polynesia",
    "PG": "Papua New Guinea",
    "PH": "Philippines",
    "PK": "Pakistan",
    "PL": "Poland",
    "PM": "Saint Pierre and Miquelon",
    "PN": "Pitcairn",
    "PR": "Puerto Rico",
    "PS": "Palestine, State of",
    "PT": "Portugal",
    "PW": "Palau",
    "PY": "Paraguay",
    "QA": "Qatar",
    "RE": "Réunion",
    "RO": "Romania",
    "RS": "Serbia",
    "RU": "Russian Federation",
    "RW": "Rwanda",
    "SA": "Saudi Arabia",
    "SB": "Solomon Islands",
    "SC": "Seychelles",
    "SD": "Sudan",
    "SE": "Sweden",
    "SG": "Singapore",
    "SH": "Saint Helena, Ascension and Tristan da Cunha",
    "SI": "Slovenia",
    "SJ": "Svalbard and Jan Mayen",
    "SK": "Slovakia",
    "SL": "Sierra Leone",
    "SM": "San Marino",
    "SN": "Senegal",
    "SO": "Somalia",
    "SR": "Suriname",
    "SS": "South Sudan",
    "ST": "Sao Tome and Principe",
    "SV": "El Salvador",
    "SX": "Sint Maarten (Dutch part)",
    "SY": "Syria",
    "SZ": "Eswatini",
    "TC": "Turks and Caicos Islands",
    "TD": "Chad",
    "TF": "French Southern Territories",
    "TG": "Togo",
    "TH": "Thailand",
    "TJ": "Tajikistan",
    "TK": "Tokelau",
    "TL": "Timor-Leste",
    "TM": "Turkmenistan",
    "TN": "Tunisia",
    "TO": "Tonga",
    "TR": "Türkiye",
    "TT": "Trinidad and Tobago",
    "TV": "Tuvalu",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "UA": "Ukraine",
    "UG": "Uganda",
    "UM": "United States Minor Outlying Islands",
    "US": "United States",
    "UY": "Uruguay",
    "UZ": "Uzbekistan",
    "VA": "Holy See (Vatican City State)",
    "VC": "Saint Vincent and the Grenadines",
    "VE": "Venezuela",
    "VG": "Virgin Islands, British",
    "VI": "Virgin Islands, U.S.",
    "VN": "Vietnam",
    "VU": "Vanuatu",
    "WF": "Wallis and Futuna",
    "WS": "Samoa",
    "YE": "Yemen",
    "YT": "Mayotte",
    "ZA": "South Africa",
    "ZM": "Zambia",
    "ZW": "Zimbabwe",
}

# Regions a license may name, with their members. A region may contain another (the EEA holds
# the EU), so that stating `EEA` leaves open whether the use is in the EU.
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
# Parts of member states that ISO 3166-1 codes apart but that lie in the EU's territory, where the
# Treaties apply: the outermost regions Guadeloupe, French Guiana, Martinique, Réunion, Mayotte and
# Saint-Martin (TFEU art. 349, 355(1)) and the Åland Islands (355(4)). Without them a use in Réunion
# was outside "the territory of the European Union" (Hunyuan §5.c: a wrong YES). The overseas
# countries and territories (New Caledonia, Greenland, …; TFEU annex II) are not EU territory.
# Each is its member state too (review 31: `forbid all when territory in {FR}` was YES for a use in
# Guadeloupe, a French département), so the state is a region of them, and a stated FR leaves open
# whether the use is there. Only parts inside the EU: regions close transitively (expand_territories),
# so a state's parts outside it (French Polynesia, Svalbard) cannot be members here without being
# put in the EU or the EEA.
EU_PARTS_CODED_APART_BY_STATE = {"FR": frozenset("GP GF MQ RE YT MF".split()), "FI": frozenset({"AX"})}
EU_PARTS_CODED_APART = frozenset().union(*EU_PARTS_CODED_APART_BY_STATE.values())
EU_TERRITORY = EU_MEMBERS | EU_PARTS_CODED_APART
REGIONS = {
    "EU": EU_TERRITORY,
    "EEA": EU_TERRITORY | {"IS", "LI", "NO", "EU"},
    **EU_PARTS_CODED_APART_BY_STATE,
}
REGION_NAMES = {"EU": "European Union", "EEA": "European Economic Area"}
# Parts of a state that ISO 3166-1 codes apart, outside the EU and the EEA, and that are the
# state's own territory: a use in Svalbard is a use in Norway (`forbid all when territory in {NO}`
# was YES for `--territory SJ`, review 31), one in French Polynesia a use in France, one in Puerto
# Rico a use in the United States. One step only: SJ lies in NO but not, through NO, in the EEA
# (REGIONS close transitively, so these cannot join them). A stated state is its main territory
# (review 33 chose one model): NO is within the EEA, FR within the EU, and a ban on SJ alone does
# not reach a use stated as NO; a part counts where it is stated. Parts whose state is a
# judgement (Greenland for DK, Hong Kong for CN) are in MAY_LIE_IN below, left open.
STATE_PARTS_OUTSIDE_EU = {
    "NO": frozenset({"SJ"}),
    "FR": frozenset("PF NC PM WF BL TF".split()),
    "NL": frozenset({"BQ"}),
    "US": frozenset("PR GU VI AS MP UM".split()),
}
# Places a stated code may lie in or may not, left open rather than judged (review 33): SJ is
# Svalbard, outside the EEA, and Jan Mayen, inside it; whether a license's "Denmark", "the
# Netherlands" or "China" takes in Greenland and the Faroes, Aruba, Curaçao and Sint Maarten, or
# Hong Kong and Macao is the reader's judgement. A test on the place is unknown for them (DEPENDS
# under a ban), never false. The Crown Dependencies are not the UK (Hunyuan's exclusion does not
# reach Jersey).
MAY_LIE_IN = {"SJ": frozenset({"EEA"}), "GL": frozenset({"DK"}), "FO": frozenset({"DK"}), "AW": frozenset({"NL"}),
              "CW": frozenset({"NL"}), "SX": frozenset({"NL"}), "HK": frozenset({"CN"}), "MO": frozenset({"CN"})}
# Every place another holds: the regions' members and the states' parts (rules.lp region_member).
MEMBERS_OF = {place: REGIONS.get(place, frozenset()) | STATE_PARTS_OUTSIDE_EU.get(place, frozenset())
              for place in (*REGIONS, *STATE_PARTS_OUTSIDE_EU)}

# Codes in common use that are not ISO 3166-1 but mean exactly one country: the UK's and the
# EU's own code for Greece.
TERRITORY_ALIASES = {"UK": "GB", "EL": "GR"}

TERRITORIES = tuple(sorted(COUNTRIES)) + tuple(r for r in REGIONS if r not in COUNTRIES)

# --- purposes, modalities and families ----------------------------------------------------------

MODALITIES = ("text", "image", "audio", "video")

# Model families: the `family` of licenses and catalog entries, the `family` of artifacts and the
# `--into` target. `other` is a family that is none of the named ones, for a genuinely new model
# line; it never equals a named family, so a license that asks for its own family treats it as
# foreign. Add a new family here once, with the license or catalog entry that needs it.
FAMILIES = (
    "apple", "bloom", "codegen", "cohere", "cosmos", "deepseek", "falcon", "flux", "gemma", "gpt2",
    "granite", "kimi", "llama", "minitron", "mistral", "molmo", "nemotron", "nvidia", "olmo", "openelm", "parakeet",
    "phi", "qwen", "stable-diffusion", "stablelm", "t5", "whisper", "wizardcoder", "yi", "yolo",
    "smollm",   # Hugging Face's SmolLM/SmolLM2/SmolLM3 and SmolVLM (catalog)
    "glm", "hunyuan", "minimax",  # issue 11: Zhipu/THUDM GLM, Tencent Hunyuan, MiniMax
    "starcoder",  # review11: BigCode StarCoder, the base of WizardCoder (catalog)
    "other",
)
OTHER_FAMILY = "other"

# Who the user is, how they got the model and how they host it (issue 10), as the license texts
# distinguish them. Entity types: MRL's "commercial entity" is a company; ChatGLM and Yi turn on
# academic and commercial users; the Microsoft Research License on non-commercial research bodies.
ENTITIES = ("individual", "academic", "non-profit", "company", "government")
# Roles: the licensee itself; someone who receives the model "from a Licensee as part of an
# integrated end user product" (Llama §1.b.ii, Stability III, Hunyuan 3); an end user of someone
# else's hosted product or service (the Llama 3.2/4 EU paragraph).
ROLES = ("licensee", "product-recipient", "service-user")
# Hosting kinds: an inference or fine-tuning API / model as a service (Falcon 180B §9.1 "Hosting
# Use"); a feature of your own application using the model "in the background" (§9.2); internal
# only (no third-party users).
HOSTING_KINDS = ("public-api", "product-feature", "internal")
# The kinds in which others than the user's organisation get access to the model (an API's
# clients, an application's users): hosting of these kinds IS the act `host`, whatever acts a
# request lists, so a request never answers "nobody else gets access" while saying they do.
HOSTING_FOR_OTHERS = ("public-api", "product-feature")

# The closed vocabularies of words (a fact in schema.py names its own), and the word that stands
# for "none of the listed ones" in those that have one.
VOCABULARIES = {"purpose": PURPOSES, "modality": MODALITIES, "family": FAMILIES}
VOCABULARIES.update(entity=ENTITIES, role=ROLES, hosting=HOSTING_KINDS)
# What an artifact of a lineage is (schema.py `kind`): a model is made from a dataset only by
# training on it (`trained_on`), so a stated kind lets a request be checked for that (api.complete).
ARTIFACT_KINDS = ("model", "dataset")
VOCABULARIES.update(artifact_kind=ARTIFACT_KINDS)
UNLISTED_WORD = {"family": OTHER_FAMILY}


def normalise_word(value: str) -> str:
    """Compatibility forms fold to the plain word (`ＥＵ` is `EU`), outer spaces go: what is left
    must then be in a vocabulary, so no other spelling can reach the solver as a new value."""
    if value.isascii():   # NFKC leaves ASCII as it is (and unicodedata is not imported for it)
        return value.strip()
    import unicodedata

    return unicodedata.normalize("NFKC", value).strip()


def territory_problem(value: str) -> tuple[str | None, str]:
    """The canonical code for a typed territory and an empty string, or None and why not.

    >>> territory_problem("de"), territory_problem("UK")[0], territory_problem("France")[1][:47]
    (('DE', ''), 'GB', 'unknown territory `France` (did you mean `FR`, ')
    """
    word = normalise_word(value)
    code = word.upper()
    if code in COUNTRIES or code in REGIONS:
        return code, ""
    if code in TERRITORY_ALIASES:
        return TERRITORY_ALIASES[code], ""
    return None, f"unknown territory `{value}`{_territory_hint(word)}; give ISO 3166-1 codes (DE, US, …), EU or EEA"


def _territory_hint(word: str) -> str:
    names = {name.casefold(): code for code, name in COUNTRIES.items()}
    names.update({name.casefold(): code for code, name in REGION_NAMES.items()})
    folded = word.casefold()
    if folded in names:
        code = names[folded]
        return f" (did you mean `{code}`, {COUNTRIES.get(code) or REGION_NAMES[code]}?)"
    from difflib import get_close_matches   # for errors only: not at every start

    close = get_close_matches(folded, list(names), n=1, cutoff=0.8)
    if close:
        code = names[close[0]]
        return f" (did you mean `{code}`, {COUNTRIES.get(code) or REGION_NAMES[code]}?)"
    return suggest(word.upper(), TERRITORIES + tuple(TERRITORY_ALIASES))


def word_problem(kind: str, value: str) -> tuple[str | None, str]:
    """The canonical (lower-case) word for a typed purpose, modality or family and an empty
    string, or None and why not, with "did you mean".

    >>> word_problem("purpose", "militray")
    (None, 'unknown purpose `militray` (did you mean `military`?)')
    """
    options = VOCABULARIES[kind]
    word = normalise_word(value).lower()
    if word in options:
        return word, ""
    hint = suggest(word, options)
    if not hint and len(options) <= 12:   # no near miss: a short vocabulary is shown whole
        hint = "; one of: " + ", ".join(options)
    return None, f"unknown {kind} `{value}`{hint}"


def expand_territories(codes) -> tuple[str, ...]:
    """Canonical codes plus every region they lie in (`DE` is also `EU` and `EEA`), and the state
    of a part coded apart, one step (`SJ` is also `NO`, not `EEA`: STATE_PARTS_OUTSIDE_EU)."""
    out = set(codes)
    changed = True
    while changed:
        changed = False
        for region, members in REGIONS.items():
            if region not in out and out & members:
                out.add(region)
                changed = True
    out |= {state for state, parts in STATE_PARTS_OUTSIDE_EU.items() if parts & set(codes)}
    return tuple(sorted(out))


def open_territories(stated) -> tuple[str, ...]:
    """Territories the stated codes leave open: the members of a region stated in its own right
    that no stated code is or lies in (`EU` leaves open whether the use is in DE; `EEA` whether it
    is in the EU; `NO, EEA` too, Norway being only one of the places), and the places a stated
    code may lie in (MAY_LIE_IN: SJ the EEA, GL Denmark). A license condition on one of them is
    unknown, not false."""
    return _left_open(stated, REGIONS, MAY_LIE_IN)


def open_region_members(stated) -> tuple[str, ...]:
    """The members of the regions stated in their own right that the stated codes leave open
    (`US, EEA`: IS, LI, NO, the EU's): the places a territory remedy may narrow a region to."""
    return _left_open(stated, REGIONS)


def _left_open(stated, *tables: dict) -> tuple[str, ...]:
    """The places the tables give for the stated codes that the codes do not already put the use in."""
    out = {place for code in stated for table in tables for place in table.get(code, ())}
    return tuple(sorted(out - set(expand_territories(stated))))


def implied_regions(stated) -> tuple[str, ...]:
    """The regions the stated codes lie in that are not stated themselves (`DE`: EU and EEA): a
    place the use is in, not a place of its own that a test of every place must see."""
    return tuple(sorted(set(expand_territories(stated)) - set(stated)))


LICENSE_KINDS = ("model", "software", "content", "policy")
SETTINGS = ("name", "version", "licensor", "licensor_id", "url", "also_at", "family", "kind", "osi", "spdx",
            "licensor_hub")
# Settings a license may give more than once, each time with another value (a text published at
# several addresses); every other setting is given once (DSL201).
REPEATED_SETTINGS = ("also_at",)

STATUSES = ("permitted", "forbidden", "depends", "unknown")
# Whose copy a `source` file is (facts/README.md; shared/license-texts/SOURCES.md says which).
SOURCE_COPIES = {
    "licensor": "read from the licensor's own repository or site",
    "third-party": "a copy someone else published (a distribution, SPDX, a mirror, a blog)",
}


def suggest(word: str, options) -> str:
    """A ` (did you mean …?)` suffix for a misspelt word, or an empty string.

    >>> suggest("distil", ACTS)
    ' (did you mean `distill` or `distribute`?)'
    """
    from difflib import get_close_matches   # for errors only: not at every start

    options = list(dict.fromkeys(options))
    close = get_close_matches(word, options, n=3, cutoff=0.6)
    if not close and isinstance(word, str):
        # A word in another case (`RELEASE_MAU`, `USE`, `DISTRIBUTE`) is far from every option by
        # difflib's measure and got no suggestion at all (review 25): compared without case too.
        folded = {}
        for option in options:
            folded.setdefault(str(option).casefold(), option)
        close = [folded[c] for c in get_close_matches(word.casefold(), list(folded), n=3, cutoff=0.6)]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"`{c}`" for c in close) + "?)"
