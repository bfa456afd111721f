"""The fact schema (reasoner/schema.py) is the one declaration every layer reads, the request
reader is the one place values are checked, and the lineage graph is built and checked once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import make_reasoner, run_cli
from reasoner import cli, parse, request, schema, vocabulary
from reasoner.errors import RequestError
from reasoner.examples import example_request
from reasoner.licenses import Example, Position
from reasoner.parse import parse_text

ROOT = Path(__file__).resolve().parents[1]

SCALE = """
license scale { name "Scale" osi yes
  clause "1" "Grant" { grant all }
  clause "2" "Big" { needs separate license when revenue > 5M }
  clause "3" "Date" { forbid host when date >= 2030-01-01 }
}
"""


# --- one declaration per fact -----------------------------------------------------------------------

def test_every_fact_has_one_declaration_and_the_tables_are_built_from_it():
    assert len(schema.FACTS) == len(schema.FACT_LIST)
    assert set(vocabulary.FACTS) == {f.name for f in schema.FACT_LIST if f.condition}
    assert set(request.USE_KEYS) == {k for f in schema.USE_FACTS for k in (f.field,) + f.aliases}
    assert parse.EXAMPLE_WORDS == schema.example_words()
    assert vocabulary.RELATION_ACT == {r.name: r.act for r in schema.RELATION_LIST}


def test_rules_hold_no_copy_of_a_python_table():
    rules = (ROOT / "reasoner" / "rules.lp").read_text(encoding="utf-8")
    code = "\n".join(line.split("%", 1)[0] for line in rules.splitlines())
    assert not re.search(r"^\s*rel_act\(\w+,\s*\w+\)\.", code, re.MULTILINE)
    for fact in schema.ARTIFACT_FACTS:   # read through fact_about/4, not named in the rules
        if fact.name != fact.artifact_field:   # (the naming duty reads the artifact's `name` field)
            assert f'"{fact.name}"' not in code


# Modules with logic about one fact (as rules.lp may have): the compiler works out which way of
# `commercial` a grant covers; regions contain countries (the territory vocabulary); dates are
# written as dates in license files and answers.
# remedies.py proposes a stated region's open members and a territory no license excludes.
LOGIC_ABOUT = {"commercial": {"compile.py"}, "territory": {"request.py", "solve.py", "parse.py", "remedies.py"},
               "date": {"explain.py", "parse.py", "numbers.py"},
               # the compatibility matrix's question: code that goes into a work, not linked by it
               "linking": {"compatibility.py"},
               # `downstream` asks what a recipient may do commercially or not, in each role
               "role": {"advice.py"}}
LOGIC_ABOUT["commercial"] = LOGIC_ABOUT["commercial"] | {"advice.py"}
# remedies.py: hosting only internally also states `hosting` internal where the kind gave others access
LOGIC_ABOUT["hosting"] = {"remedies.py"}


def test_each_fact_name_is_defined_in_one_python_file():
    """A fact's request spellings, as string literals, are in schema.py only (what `git grep`
    shows), apart from modules with logic of their own about it."""
    modules = {path.name: "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                                     if ">>>" not in line)   # doctests show requests
               for path in (ROOT / "reasoner").glob("*.py")}
    for fact in schema.USE_FACTS:
        if fact.type in (schema.GRANTS, schema.LICENSE, schema.ACTS) or fact.field == "name":
            continue   # held grants and relicensing have rules of their own; `name` is a common word
        for spelling in (fact.field,) + fact.aliases:
            found = {name for name, text in modules.items() if f'"{spelling}"' in text}
            assert found - LOGIC_ABOUT.get(fact.name, set()) == {"schema.py"}, (spelling, found)


def test_the_verb_options_are_the_schema_spellings():
    command = cli.cli_command().commands["host"]
    options = {opt for param in command.params for opt in param.opts + param.secondary_opts}
    for fact in schema.FACT_LIST:
        if fact.cli:
            assert set(fact.cli.split("/")) <= options, fact.cli
    helps = {param.opts[0]: param.help for param in command.params if param.param_type_name == "option"}
    assert helps["--mau"] == schema.FACTS["mau"].help


# --- one name, old spellings still read ---------------------------------------------------------

@pytest.mark.parametrize("key", ["revenue", "revenue_usd"])
def test_revenue_is_read_under_its_name_and_its_version_1_spelling(key):
    reasoner = make_reasoner(SCALE)
    def ask(revenue):
        return reasoner.ask({"licenses": ["scale"], "use": {"acts": ["host"], key: revenue, "date": "2025-01-01"}})

    assert ask("6M").status == "forbidden"
    assert ask("5M").status == "permitted"


def test_a_fact_given_under_both_spellings_is_an_error_not_a_choice():
    reasoner = make_reasoner(SCALE)
    with pytest.raises(RequestError) as caught:
        reasoner.ask({"licenses": ["scale"], "use": {"acts": ["host"], "revenue": 1, "revenue_usd": "6M"}})
    assert caught.value.location == "use.revenue_usd"


def test_depends_names_the_field_as_version_1_spelt_it():
    answer = make_reasoner(SCALE).ask({"licenses": ["scale"], "use": {"acts": ["host"]}})
    assert answer.status == "depends"
    assert {d.fact for d in answer.depends_on} == {"revenue_usd", "date"}


def test_an_example_states_facts_under_the_schema_field_names():
    lic = parse_text(SCALE)[0]
    example = Example("big", (("host", True), ("revenue", 6_000_000), ("on", 20300101), ("into", "llama")),
                      "forbidden", (), Position("t", 1, 1))
    doc = example_request(lic, example)
    assert doc["use"] == {"acts": ["host"], "revenue": 6_000_000, "date": "2030-01-01"}
    assert make_reasoner(SCALE).ask(doc).status == "forbidden"


# --- validation once: the CLI writes the request, the reader checks it --------------------------

@pytest.mark.parametrize("argv, where", [
    (("--mau", "8x"), "--mau (use.mau)"),
    (("--revenue", "-1"), "--revenue (use.revenue)"),
    (("--on", "2025-13-01"), "--on (use.date)"),
    (("--as", "mit OR apache-2.0"), "--as (use.outbound_license)"),
    (("--and", "finetune"), "--and (use.acts[0])"),
    (("--territory", "Atlantis"), "--territory (use.territory[0])"),
])
def test_values_typed_on_the_command_line_are_checked_by_the_request_reader(capsys, argv, where):
    code, _, err = run_cli(capsys, "host", "mit", *argv)
    assert code == 2
    assert err.startswith(f"can-i: {where}: ")


def test_the_cli_has_no_parser_of_its_own_for_fact_values():
    source = (ROOT / "reasoner" / "cli.py").read_text(encoding="utf-8")
    assert "parse_count" not in source and "parse_date" not in source and "_single_license" not in source


def test_an_unknown_outbound_license_is_exit_2_with_suggestions_never_yes(capsys):
    code, _, err = run_cli(capsys, "finetune", "mit", "--as", "nonsense-license", "--and", "distribute")
    assert code == 2 and "did you mean" in err and "--as" in err


def test_a_forbidden_question_stays_forbidden_through_the_old_spelling(capsys):
    """A mutation of a forbidden request: stated under the alias, it must not lose the fact."""
    reasoner = make_reasoner(SCALE)
    doc = {"licenses": ["scale"], "use": {"acts": ["host"], "revenue_usd": 10_000_000, "date": "2031-01-01"}}
    assert reasoner.ask(doc).status == "forbidden"
    doc["use"]["REVENUE_USD"] = doc["use"].pop("revenue_usd")
    with pytest.raises(RequestError):
        reasoner.ask(doc)


# --- a fact added in schema.py alone --------------------------------------------------------------

STAFF = """
license staff { name "Staff" osi yes
  clause "1" "Grant" { grant all }
  clause "2" "Large organisations" { needs separate license when employees > 250 }
  example "a small team hosts it" { host employees = 40 expect permitted }
  example "a large company hosts it" { host employees = 1K expect forbidden by "2" }
}
"""


def test_a_fact_declared_only_in_the_schema_works_end_to_end(tmp_path, capsys):
    """`employees` is declared in schema.py and nowhere else: a license condition tests it, a
    request states it, the CLI has its option, examples use its word, thresholds canonicalise it
    and DEPENDS names it."""
    reasoner = make_reasoner(STAFF)

    def ask(**use):
        return reasoner.ask({"licenses": ["staff"], "use": {"acts": ["host"], **use}})

    assert ask(employees=250).status == "permitted"
    assert ask(employees="1.5K").status == "forbidden"
    assert ask(employees=251).reasons[0].clause == "2"
    unknown = ask()
    assert unknown.status == "depends"
    assert [(d.fact, d.op, d.value) for d in unknown.depends_on] == [("employees", ">", 250)]
    with pytest.raises(RequestError) as caught:
        ask(employees="many")
    assert caught.value.location == "use.employees"
    # Threshold canonicalisation: 300 and 3,000 employees are one question to the solver.
    plans = [reasoner._plan({"licenses": ["staff"], "use": {"acts": ["host"], "employees": n}}) for n in (300, 3000)]
    assert plans[0].scenes[0].key == plans[1].scenes[0].key
    # Examples: the word states the fact.
    lic = parse_text(STAFF)[0]
    assert [reasoner.ask(example_request(lic, ex)).status for ex in lic.examples] == ["permitted", "forbidden"]
    # The command line: --employees, its errors named after the option.
    path = tmp_path / "staff.lic"
    path.write_text(STAFF, encoding="utf-8")
    assert run_cli(capsys, "--facts", path, "host", "staff", "--employees", "40")[0] == 0
    assert run_cli(capsys, "--facts", path, "host", "staff", "--employees", "4K")[0] == 1
    code, _, err = run_cli(capsys, "--facts", path, "host", "staff", "--employees", "lots")
    assert code == 2 and err.startswith("can-i: --employees (use.employees): ")
    code, out, _ = run_cli(capsys, "--facts", path, "host", "staff")
    assert code == 3 and "employees > 250" in out


# --- one lineage module ---------------------------------------------------------------------------

def test_an_embedders_request_with_an_id_twice_is_refused_not_merged(reasoner):
    """Two artifacts with one id must not be merged by id before the lineage check sees them: the
    Llama 3 one forbids hosting for 800M users, whatever the MIT one says."""
    from reasoner.request import Artifact, Request, Use

    doubled = Request((Artifact("a", license="mit"), Artifact("a", license="llama3")), "a",
                      Use(acts=("host",), mau=800_000_000))
    with pytest.raises(RequestError) as caught:
        reasoner.ask(doubled)
    assert "appears twice" in caught.value.message and caught.value.location == "artifacts[1].id"


@pytest.mark.parametrize("relation", [r.name for r in schema.RELATION_LIST])
def test_only_same_model_relations_keep_the_parents_family_in_requests_and_verbs(reasoner, relation):
    from reasoner.request import read_request
    from reasoner.subjects import DERIVED_ID, Context, build_request

    declared = next(r for r in schema.RELATION_LIST if r.name == relation)
    doc = {"artifacts": [{"id": "base", "license": "llama3", "family": "llama"},
                         {"id": "mine", "mine": True, "derived_from": [{"id": "base", "relation": relation}]}],
           "use": {"acts": ["use"]}}
    if relation == "trained_on":   # a parent stating a model family is a model: training on it is an error
        with pytest.raises(RequestError, match="states the model family"):
            reasoner.complete(read_request(doc))
        doc["artifacts"][0] = {"id": "base", "license": "llama3", "kind": "dataset"}
    completed = reasoner.complete(read_request(doc))
    assert (completed.by_id()["mine"].family == "llama") is declared.same_model
    built = build_request(reasoner.kb, "llama3", declared.act, Context())
    derived = next(a for a in built["artifacts"] if a["id"] == DERIVED_ID)
    assert (derived.get("family") == "llama") is declared.same_model


def test_a_lineage_file_without_a_subject_names_itself_and_the_candidates(tmp_path, capsys):
    path = tmp_path / "two-roots.json"
    path.write_text('{"artifacts": [{"id": "a", "license": "mit"}, {"id": "b", "license": "mit"}]}')
    code, _, err = run_cli(capsys, "host", path)
    assert code == 2
    assert f"{path}: subject" in err and "(a, b)" in err


def test_explanations_walk_the_lineage_module():
    from reasoner import explain, lineage

    assert explain._via is lineage.via
    assert lineage.via("c", "l", {("b", "l"), ("a", "l")}, {"c": ["b"], "b": ["a"]}) == ("b", "a")


def test_an_option_replaces_a_lineage_files_fact_under_its_old_spelling(tmp_path, capsys):
    path = tmp_path / "lineage.yaml"
    path.write_text("artifacts:\n  - id: m\n    license: scale\nuse:\n  revenue_usd: 1\n  date: '2025-01-01'\n")
    facts = tmp_path / "scale.lic"
    facts.write_text(SCALE, encoding="utf-8")
    assert run_cli(capsys, "--facts", facts, "host", path)[0] == 0
    code, out, _ = run_cli(capsys, "--facts", facts, "host", path, "--revenue", "6M")
    assert code == 1 and "overrides its `revenue`" in out


# --- facts about an artifact, declared in the schema ----------------------------------------------

def test_an_artifacts_fields_are_the_schemas_artifact_fields():
    from dataclasses import fields

    declared = set(schema.ARTIFACT_FIELDS)
    assert declared == {f.artifact_field for f in schema.ARTIFACT_FACTS}
    # `listed` is set by the catalog (Reasoner.complete), never read from a document (gaps, s4)
    assert {f.name for f in fields(request.Artifact)} == {"id", "license", "license_name", "mine",
                                                          "derived_from", "listed"} | declared
    assert "listed" not in request.ARTIFACT_KEYS
    assert set(request.ARTIFACT_KEYS) == {"id", "license", "license_name", "mine", "derived_from"} | declared
    # The readers know no artifact field by name: the schema says how each is read.
    for module in ("request.py", "solve.py"):
        source = (ROOT / "reasoner" / module).read_text(encoding="utf-8")
        for name in declared:
            assert f'"{name}"' not in source, (module, name)


def test_facts_sharing_an_artifact_field_read_it_alike():
    for fact in schema.ARTIFACT_FACTS:
        first = schema.ARTIFACT_FIELDS[fact.artifact_field]
        assert (fact.type, fact.many, fact.vocabulary) == (first.type, first.many, first.vocabulary), fact.name
        assert fact.type in (schema.TAGS, schema.STRING)
        assert (fact.vocabulary is not None) == (fact.type == schema.TAGS), fact.name


def test_embedders_build_artifacts_by_keyword_and_read_them_by_attribute():
    from reasoner.request import Artifact, Edge

    artifact = Artifact(id="m", license="llama3", license_name=None, family="llama", modalities=("text",),
                        mine=True, name="Llama-3-bot", derived_from=(Edge("p", "finetune"),))
    assert (artifact.family, artifact.modalities, artifact.name, artifact.mine) == ("llama", ("text",),
                                                                                  "Llama-3-bot", True)
    assert Artifact("m", "mit") == Artifact(id="m", license="mit")
    with pytest.raises(TypeError):   # a fourth positional value must not land in a field by the schema's order
        Artifact("m", "mit", None, "llama")


def test_a_hand_built_request_round_trips_every_artifact_field():
    from reasoner.request import Artifact, Edge, Request, Use, read_request, request_document

    def some_value(fact):   # a value of each declared field, whatever fields the schema declares
        if fact.type == schema.STRING:
            return "Llama-3-bot"
        words = tuple(sorted(vocabulary.VOCABULARIES[fact.vocabulary]))
        return words[:2] if fact.many else words[-1]

    values = {key: some_value(fact) for key, fact in schema.ARTIFACT_FIELDS.items()}
    assert {"family": "yolo", "modalities": ("audio", "image"), "name": "Llama-3-bot"}.items() <= values.items()
    built = Request((Artifact("p", license="llama3"),
                     Artifact("m", license="llama3", mine=True, derived_from=(Edge("p", "finetune"),), **values)),
                    "m", Use(acts=("host",)))
    doc = request_document(built)
    assert doc["artifacts"][1] == {"id": "m", "license": "llama3", "mine": True,
                                   "derived_from": [{"id": "p", "relation": "finetune"}],
                                   **{key: list(v) if isinstance(v, tuple) else v for key, v in values.items()}}
    assert read_request(doc).artifacts == built.artifacts


FAMILY_BOUND = """
license kin { name "Kin" osi yes
  clause "1" "Grant" { grant all }
  clause "2" "Only our family" { forbid host when not (family = llama) }
  clause "3" "No pictures" { forbid host when modality in {image} }
}
"""


def test_artifact_fields_are_read_as_the_schema_declares_them():
    reasoner = make_reasoner(FAMILY_BOUND)

    def ask(**fields):
        return reasoner.ask({"artifacts": [{"id": "m", "license": "kin", **fields}], "use": {"acts": ["host"]}})

    assert ask(family="llama", modalities=["text"]).status == "permitted"
    assert ask(family="mistral", modalities=["text"]).status == "forbidden"
    assert ask(family="llama", modalities="text,image").status == "forbidden"   # a list of words
    assert ask(family=" LLAMA ", modalities=["Text"]).status == "permitted"    # canonical words
    assert {d.fact for d in ask().depends_on} == {"family", "modalities"}
    for fields, where, words in [
            ({"family": "lama"}, "artifacts[0].family", "did you mean `llama`"),
            ({"family": "lama"}, "artifacts[0].family", "is `other`"),
            ({"family": ["llama"]}, "artifacts[0].family", "must be a string"),
            ({"modalities": []}, "artifacts[0].modalities", "empty list is not a statement"),
            ({"modalities": ["text", "smell"]}, "artifacts[0].modalities[1]", "unknown modality"),
            ({"name": 7}, "artifacts[0].name", "must be a string"),
            ({"name": "a\x00b"}, "artifacts[0].name", "NUL")]:
        with pytest.raises(RequestError) as caught:
            ask(**fields)
        assert caught.value.location == where and words in caught.value.message, (fields, caught.value.message)


def test_a_forbidden_family_stays_forbidden_through_every_spelling_of_it():
    """Mutations of a forbidden request: a case, a space or a typo must never make it a YES."""
    reasoner = make_reasoner(FAMILY_BOUND)
    for family in ("mistral", "Mistral", " mistral", "MISTRAL"):
        doc = {"artifacts": [{"id": "m", "license": "kin", "family": family}], "use": {"acts": ["host"]}}
        assert reasoner.ask(doc).status == "forbidden", family
    with pytest.raises(RequestError):
        reasoner.ask({"artifacts": [{"id": "m", "license": "kin", "family": "mistrall"}], "use": {"acts": ["host"]}})
    with pytest.raises(RequestError):
        reasoner.ask({"artifacts": [{"id": "m", "license": "kin", "Family": "llama"}], "use": {"acts": ["host"]}})


def test_the_stated_name_of_the_subject_is_its_name_field():
    """`use.name` is declared as stating the subject's `name` field: the schema says so, the solver
    does not special-case the word."""
    assert schema.USE_STATES_ARTIFACT_FIELD == {"name": schema.FACTS["name"]}
    reasoner = make_reasoner("""
license named { name "Named" osi yes
  clause "1" "Grant" { grant all }
  clause "2" "Name" { forbid host when not (name starts with "Kin") }
}
""")
    from reasoner.errors import RequestError

    artifacts = [{"id": "m", "license": "named", "name": "Other-bot"}]
    assert reasoner.ask({"artifacts": artifacts, "use": {"acts": ["host"]}}).status == "forbidden"
    unnamed = [{"id": "m", "license": "named"}]
    assert reasoner.ask({"artifacts": unnamed, "use": {"acts": ["host"], "name": "Kin-bot"}}).status == "permitted"
    # Two names for one model cannot both be meant: the use's silently won (review 36).
    with pytest.raises(RequestError, match="state it once"):
        reasoner.ask({"artifacts": artifacts, "use": {"acts": ["host"], "name": "Kin-bot"}})
    assert reasoner.ask({"artifacts": artifacts, "use": {"acts": ["host"], "name": "Other-bot"}}).status == "forbidden"


# --- a fact about an artifact added in schema.py alone --------------------------------------------

ARCHITECTURE = """
license sparse { name "Sparse" osi yes
  clause "1" "Grant" { grant all }
  clause "2" "Mixtures of experts" { needs separate license when architecture = moe }
  example "a dense model is hosted" { host architecture = dense expect permitted }
  example "a mixture of experts is hosted" { host architecture = moe expect forbidden by "2" }
}
"""


# What the demo commit added to declare `architecture`, and nothing else: one Fact in schema.py and
# its words in vocabulary.py. No bundled license tests an architecture, so the package does not
# declare it; the test below adds these lines to a copy of the package.
ARCHITECTURE_FACT = """\
    Fact("architecture", TAGS, ACTED, "the model's architecture", artifact_field="architecture",
         example=("architecture",), vocabulary="architecture"),
"""
ARCHITECTURE_WORDS = 'ARCHITECTURES = ("dense", "moe")\n'


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the package with the fact `architecture` declared in its schema.py (a word from a
    small vocabulary, stated in an artifact's `architecture` field) and every other file as it is."""
    import importlib
    import shutil
    import sys
    import types

    copy = tmp_path / "reasoner_with_architecture"
    shutil.copytree(ROOT / "reasoner", copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "grammar", tmp_path / "grammar")   # found beside the package, as in a checkout

    def add(path: Path, anchor: str, lines: str, before: bool = False) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(anchor) == 1, (path.name, anchor)
        path.write_text(text.replace(anchor, lines + anchor if before else anchor + lines), encoding="utf-8")

    add(copy / "schema.py", "FACT_LIST = (\n", ARCHITECTURE_FACT)
    add(copy / "vocabulary.py", "VOCABULARIES = {", ARCHITECTURE_WORDS, before=True)
    add(copy / "vocabulary.py", "VOCABULARIES = {", '"architecture": ARCHITECTURES, ')
    monkeypatch.setenv("CAN_I_NO_CACHE", "1")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ("api", "cli", "errors", "examples", "kb", "parse", "request", "schema")
    try:
        yield types.SimpleNamespace(**{name: importlib.import_module(f"{copy.name}.{name}") for name in names})
    finally:
        for name in [m for m in sys.modules if m == copy.name or m.startswith(copy.name + ".")]:
            del sys.modules[name]


def test_a_fact_about_an_artifact_declared_only_in_the_schema_works_end_to_end(package, tmp_path, capsys):
    """`architecture` is declared in (a copy of) schema.py, its words in vocabulary.py, and nowhere else: a
    license condition tests it, a request's artifact states it, examples use its word, a hand-built
    request carries it, DEPENDS names it and the command line reads it from a lineage file."""
    kb = package.kb.KnowledgeBase()
    for lic in package.parse.parse_text(ARCHITECTURE, "sparse.lic"):
        kb.add(lic)
    reasoner = package.api.Reasoner(kb=kb, cache_size=0)

    def doc(**fields):
        return {"artifacts": [{"id": "m", "license": "sparse", **fields}], "use": {"acts": ["host"]}}

    assert reasoner.ask(doc(architecture="dense")).status == "permitted"
    assert reasoner.ask(doc(architecture="moe")).status == "forbidden"
    assert reasoner.ask(doc(architecture=" MoE ")).status == "forbidden"   # a mutation of the forbidden one
    assert reasoner.ask(doc(architecture="moe")).reasons[0].clause == "2"
    unknown = reasoner.ask(doc())
    assert unknown.status == "depends"
    assert [(d.fact, d.license, d.clause) for d in unknown.depends_on] == [("architecture", "sparse", "2")]
    for value, words in (("mixture", "unknown architecture `mixture`"), ("moee", "did you mean `moe`"),
                         (["moe"], "must be a string")):
        with pytest.raises(package.errors.RequestError) as caught:
            reasoner.ask(doc(architecture=value))
        assert caught.value.location == "artifacts[0].architecture" and words in caught.value.message
    # A hand-built request: the keyword, the attribute, and the same checks as a document.
    Artifact, Request, Use = package.request.Artifact, package.request.Request, package.request.Use
    built = Request((Artifact("m", license="sparse", architecture="moe"),), "m", Use(acts=("host",)))
    assert built.artifacts[0].architecture == "moe"
    assert reasoner.ask(built).status == "forbidden"
    with pytest.raises(package.errors.RequestError):
        reasoner.ask(Request((Artifact("m", license="sparse", architecture="sparse"),), "m", Use(acts=("host",))))
    # Examples: the word states the field of the licensed model.
    lic = package.parse.parse_text(ARCHITECTURE)[0]
    assert [reasoner.ask(package.examples.example_request(lic, ex)).status for ex in lic.examples] == \
        ["permitted", "forbidden"]
    # The command line, from a lineage file; --explain says what the artifact stated.
    facts = tmp_path / "sparse.lic"
    facts.write_text(ARCHITECTURE, encoding="utf-8")

    def can_i(architecture, *more):
        lineage = tmp_path / "lineage.json"
        artifact = {"id": "m", "license": "sparse", **({"architecture": architecture} if architecture else {})}
        lineage.write_text(json.dumps({"artifacts": [artifact]}), encoding="utf-8")
        capsys.readouterr()
        code = package.cli.main(["--facts", str(facts), "host", str(lineage), *more])
        return code, capsys.readouterr()

    assert can_i("dense")[0] == 0
    code, (out, _) = can_i("moe", "--explain")
    assert code == 1 and "`m` has architecture moe" in out
    code, (out, _) = can_i(None)
    assert code == 3 and "architecture" in out
    code, (_, err) = can_i("mixture")
    assert code == 2 and "architecture" in err


# --- `stated F`: whether the question states a fact, never unknown --------------------------------

STATED = """
license capped { name "Capped" osi no
  clause "1" "Grant" { grant all }
  clause "2" "Cap" {
    needs separate license when revenue > 1M
    needs separate license when stated revenue_12m and revenue_12m > 1M
  }
}
"""


@pytest.mark.parametrize("use, status", [
    ({}, "depends"),                                          # revenue open, the 12-month rule false
    ({"revenue": 500_000}, "permitted"),                      # nothing left open by the unstated measure
    ({"revenue": 500_000, "revenue_12m": 5_000_000}, "forbidden"),   # the stated 12 months decide
    ({"revenue_12m": 5_000_000}, "forbidden"),
    ({"revenue": 2_000_000}, "forbidden"),
])
def test_stated_is_true_or_false_never_open(use, status):
    reasoner = make_reasoner(STATED)
    doc = {"artifacts": [{"id": "m", "license": "capped"}], "use": {"acts": ["host"], **use}}
    answer = reasoner.ask(doc)
    assert answer.status == status
    if status == "depends":
        assert [d.fact for d in answer.depends_on] == [schema.FACTS["revenue"].response_name]


def test_stated_takes_a_fact_of_the_use(tmp_path):
    from reasoner.errors import CanIError

    bad = STATED.replace("stated revenue_12m", "stated target.family")
    with pytest.raises(CanIError, match=r"`stated` takes a fact of the use .*DSL301|DSL301.*`stated` takes"):
        make_reasoner(bad)
    with pytest.raises(CanIError, match="did you mean `revenue_12m`"):
        make_reasoner(STATED.replace("stated revenue_12m", "stated revenue_12n"))


def test_a_count_above_the_count_that_includes_it_is_an_input_error(capsys):
    """schema.AT_MOST: the users of your own products are among your and your affiliates'; more
    for the first cannot be meant, and a license reading one as a bound of the other (Hunyuan §4,
    Llama §2) would take the smaller one's word."""
    for field, small, large in [(f, f, schema.AT_MOST[f]) for f in schema.AT_MOST]:
        doc = {"licenses": ["mit"], "use": {"acts": ["use"], small: 800, large: 700}}
        with pytest.raises(RequestError, match=f"`use.{small}` .* is more than `use.{large}`"):
            request.read_request(doc)
        request.read_request({"licenses": ["mit"], "use": {"acts": ["use"], small: 700, large: 700}})
    run = run_cli(capsys, "host", "tencent-hunyuan-community", "--release-mau-own", "200M", "--release-mau", "50M")
    assert run.code == 2 and run.err.count("\n") == 1 and "Traceback" not in run.err


def test_a_stated_date_no_license_reads_is_noted():
    """`date` read by no clause of the question gets a `date_unread` note (review 36); a license
    that compares it gets none, and its answer turns on it."""
    reasoner = make_reasoner("""
license dated { name "Dated" osi no
  clause "1" "Grant" { grant all }
  clause "2" "Sunset" { forbid host when date >= 2030-01-01 }
}
""")
    def ask(lid, date):
        return reasoner.ask({"licenses": [lid], "use": {"acts": ["host"], "date": date}})
    assert [n.code for n in ask("mit", "2031-01-01").notes] == ["date_unread"]
    late = ask("dated", "2031-01-01")
    assert late.status == "forbidden" and "date_unread" not in [n.code for n in late.notes]
    assert ask("dated", "2029-12-31").status == "permitted"
