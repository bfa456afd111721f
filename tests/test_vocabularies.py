"""Closed vocabularies and request validation: territories, purposes, modalities and families
are checked words with "did you mean"; empty lists, requests without acts, duplicate keys and
unknown outbound licenses are input errors; name prefixes are read literally.

Every input path here keeps a test that a mutation of a forbidden request through it is an
error or stays forbidden (or depends) — never permitted.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_reasoner
from reasoner.api import decode_json
from reasoner.cli import main
from reasoner.errors import CanIError, LicenseFileError, RequestError
from reasoner.parse import parse_text
from reasoner.solve import name_starts_with, prefixes_compatible
from reasoner.vocabulary import (
    COUNTRIES, EU_MEMBERS, FAMILIES, REGIONS, expand_territories, open_territories, territory_problem,
)

VISION = "meta-llama/Llama-3.2-11B-Vision-Instruct"  # forbidden to EU licensees (multimodal)


def vision(territory=None, **use) -> dict:
    doc = {"artifacts": [{"id": VISION}], "use": {"acts": ["use"], "release_mau": "1M", "role": "licensee", **use}}
    if territory is not None:
        doc["use"]["domicile"] = territory   # the EU paragraph reads the licensee's domicile
    return doc


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- territories --------------------------------------------------------------------------------

def test_the_territory_table_holds_every_iso_code_and_the_eu_and_eea_members():
    assert len(COUNTRIES) == 249 and all(len(code) == 2 and code.isupper() for code in COUNTRIES)
    assert len(EU_MEMBERS) == 27 and "HU" in EU_MEMBERS and EU_MEMBERS <= set(COUNTRIES)
    assert REGIONS["EU"] == EU_MEMBERS | {"GP", "GF", "MQ", "RE", "YT", "MF", "AX"}
    assert REGIONS["EEA"] == REGIONS["EU"] | {"IS", "LI", "NO", "EU"}


@pytest.mark.parametrize("typed, hint", [
    ("France", "did you mean `FR`"), ("European Union", "did you mean `EU`"), ("Frnace", "did you mean `FR`"),
    ("XX", "ISO 3166-1"), ("EUR", "did you mean `EU`"), ("E U", "ISO 3166-1"),
])
def test_an_unknown_territory_is_an_input_error_with_a_hint(reasoner, typed, hint):
    with pytest.raises(RequestError) as caught:
        reasoner.ask(vision([typed]))
    assert caught.value.location == "use.domicile[0]"
    assert "unknown territory" in caught.value.message and hint in caught.value.message


@pytest.mark.parametrize("typed", ["EU", "eu", " EU ", "ＥＵ", "EL", "GR", "DE", "HU", "EU,US", "US, DE", "EEA,EU"])
def test_territory_spellings_inside_the_eu_give_no_to_the_eu_vision_ban(reasoner, typed):
    assert reasoner.ask(vision([typed])).status == "forbidden"


def test_aliases_fold_to_one_code_and_members_carry_their_regions():
    assert territory_problem("UK") == ("GB", "") and territory_problem("el") == ("GR", "")
    assert expand_territories(["DE"]) == ("DE", "EEA", "EU")
    assert expand_territories(["NO"]) == ("EEA", "NO")
    assert expand_territories(["EU"]) == ("EEA", "EU")


def test_a_region_leaves_its_members_open_and_the_eea_leaves_the_eu_open(reasoner):
    assert "DE" in open_territories(["EU"]) and "DE" not in open_territories(["DE", "EU"])
    assert "EU" in open_territories(["EEA"]) and not open_territories(["DE"])
    assert "EU" not in open_territories(["DE", "EEA"]) and "FR" in open_territories(["DE", "EEA"])
    assert "EU" in open_territories(["NO", "EEA"]) and "NO" not in open_territories(["NO", "EEA"])
    assert reasoner.ask(vision(["EEA"])).status == "depends"
    assert reasoner.ask(vision(["NO"])).status == "permitted"   # in the EEA, not in the EU
    r = make_reasoner('license de { name "DE" clause "1" "G" { grant all } '
                      'clause "2" "Not in Germany" { forbid host when territory = DE } }')
    ask = lambda *t: r.ask({"licenses": ["de"], "use": {"acts": ["host"], "territory": list(t)}}).status  # noqa: E731
    assert (ask("EU"), ask("EEA"), ask("DE"), ask("FR"), ask("US")) == (
        "depends", "depends", "forbidden", "permitted", "permitted")


@pytest.mark.parametrize("value", [[], [""], ["  "], "", ["EU", ""], ["EU,"]])
def test_an_empty_territory_is_not_a_statement(reasoner, value):
    assert reasoner.ask(vision()).status == "depends"
    with pytest.raises(RequestError, match="not a statement"):
        reasoner.ask(vision(value))


@pytest.mark.parametrize("typed", ["France", "European Union", "XX", "", "EUR"])
def test_the_cli_refuses_an_unknown_or_empty_territory_with_exit_2(capsys, typed):
    code, _, err = cli(capsys, "use", VISION, "--release-mau", "1M", "--role", "licensee", "--domicile", typed)
    assert code == 2 and err.startswith("can-i: ") and err.count("\n") == 1


@pytest.mark.parametrize("typed", ["EL", "EU,US", "ＥＵ", "de"])
def test_the_cli_reads_territory_spellings_inside_the_eu_as_the_eu(capsys, typed):
    assert cli(capsys, "use", VISION, "--release-mau", "1M", "--role", "licensee", "--domicile", typed)[0] == 1


def test_territories_in_license_conditions_and_examples_are_checked_where_written():
    head = 'license t { name "T" clause "1" "G" { grant all } '
    for body, bad, hint in [
        ('clause "2" "W" { forbid host when territory in {EUR} } }', "EUR", "did you mean `EU`"),
        ('clause "2" "W" {\n  forbid host when territory = France } }', "France", "did you mean `FR`"),
        ('example "x" { host territory = Frnace expect permitted } }', "Frnace", "did you mean `FR`"),
        ('example "x" { host territory = {US, XX} expect permitted } }', "XX", "unknown territory `XX`"),
    ]:
        text = head + body
        before = text[:text.index(bad)]
        where = f"t.lic:{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"
        with pytest.raises(LicenseFileError) as caught:
            parse_text(text, "t.lic")
        assert caught.value.location == where and hint in caught.value.message, str(caught.value)
    [lic] = parse_text(head + 'clause "2" "W" { forbid host when territory in {uk, EL} } }', "t.lic")
    assert lic.clauses[1].rules[0].condition.values == ("GB", "GR")


# --- purposes, modalities, families ---------------------------------------------------------------

@pytest.mark.parametrize("typed, hint", [("militray", "`military`"), ("weapon", "`weapons`"),
                                         ("Military ", None), ("military,weapons", None)])
def test_purposes_are_checked_words_and_a_comma_separates_two(reasoner, typed, hint):
    doc = {"licenses": ["llama3.1"], "use": {"acts": ["host"], "release_mau": 1000, "role": "licensee", "purposes": [typed]}}
    if hint is None:
        assert reasoner.ask(doc).status == "forbidden"
        return
    with pytest.raises(RequestError) as caught:
        reasoner.ask(doc)
    assert caught.value.location == "use.purposes[0]" and f"did you mean {hint}" in caught.value.message


@pytest.mark.parametrize("typed", ["militray", "weapon", "", "military,"])
def test_the_cli_refuses_an_unknown_or_empty_purpose_with_exit_2(capsys, typed):
    code, _, err = cli(capsys, "host", "llama3.1", "--release-mau", "1000", "--role", "licensee", "--purpose", typed)
    assert code == 2 and err.count("\n") == 1


def test_an_empty_purpose_list_is_not_a_statement(reasoner):
    with pytest.raises(RequestError, match="use.purposes. is empty: an empty list is not a statement"):
        reasoner.ask({"licenses": ["llama3.1"], "use": {"acts": ["host"], "purposes": []}})


def test_modalities_are_checked_words(reasoner):
    with pytest.raises(RequestError, match="did you mean `image`") as caught:
        reasoner.ask({"artifacts": [{"id": "m", "license": "llama3.2", "modalities": ["text", "imgae"]}],
                      "use": {"acts": ["use"], "release_mau": 5, "role": "licensee", "domicile": ["EU"]}})
    assert caught.value.location == "artifacts[0].modalities[1]"
    with pytest.raises(RequestError, match="not a statement"):
        reasoner.ask({"artifacts": [{"id": "m", "license": "llama3.2", "modalities": []}],
                      "use": {"acts": ["use"], "release_mau": 5, "role": "licensee", "domicile": ["EU"]}})
    spelled = {"artifacts": [{"id": "m", "license": "llama3.2", "modalities": ["Text", "ｉｍａｇｅ"]}],
               "use": {"acts": ["use"], "release_mau": 5, "role": "licensee", "domicile": ["EU"]}}
    assert reasoner.ask(spelled).status == "forbidden"


def distill_llama3(family):
    student = {"id": "me", "mine": True, "derived_from": [{"id": "up", "relation": "distilled"}]}
    if family is not None:
        student["family"] = family
    return {"artifacts": [{"id": "up", "license": "llama3", "family": "llama"}, student], "use": {"release_mau": "1M", "role": "licensee"}}


def test_families_are_checked_words_and_other_is_never_a_named_family(reasoner):
    with pytest.raises(RequestError, match="unknown family `lama` .did you mean `llama`") as caught:
        reasoner.ask(distill_llama3("lama"))
    assert caught.value.location == "artifacts[1].family" and "`other`" in caught.value.message
    # read as `llama` (no error); 1.b.v's exception tests the lineage, not the family (outputs6)
    assert reasoner.ask(distill_llama3("Llama")).status == "forbidden"
    assert reasoner.ask(distill_llama3("other")).status == "forbidden"   # llama3 §1.b.v
    assert reasoner.ask(distill_llama3("mistral")).status == "forbidden"
    assert "other" in FAMILIES


def test_the_into_option_goes_through_the_family_vocabulary(capsys):
    code, _, err = cli(capsys, "distill", "llama3", "--into", "lama", "--release-mau", "1M", "--role", "licensee")
    assert code == 2 and err.startswith("can-i: --into: unknown family `lama` (did you mean `llama`?)")
    assert cli(capsys, "distill", "llama3", "--into", "other", "--release-mau", "1M", "--role", "licensee")[0] == 1
    # read as `llama` (no error, exit 1 by 1.b.v: the exception tests the lineage, outputs6)
    assert cli(capsys, "distill", "llama3", "--into", "LLAMA", "--release-mau", "1M", "--role", "licensee")[0] == 1


def test_license_files_check_families_modalities_and_purposes_where_written():
    head = 'license t { name "T" '
    for body, hint in [
        ('family lama clause "1" "G" { grant all } }', "unknown family `lama` (did you mean `llama`?)"),
        ('clause "1" "G" { forbid distill unless target.family = other } }', "never equals one"),
        ('clause "1" "G" { forbid host when modality in {imgae} } }', "did you mean `image`"),
        ('clause "1" "G" { restrict purpose {weapon} } }', "did you mean `weapons`"),
        ('clause "1" "G" { grant all } example "x" { distill into = lama expect permitted } }', "`llama`"),
        ('clause "1" "G" { grant all } example "x" { host modality = {txt} expect permitted } }', "`text`"),
    ]:
        with pytest.raises(LicenseFileError) as caught:
            parse_text(head + body, "t.lic")
        assert caught.value.location.startswith("t.lic:1:") and hint in caught.value.message, str(caught.value)
    # An example may state `other` (a request may), a license may not name it.
    [lic] = parse_text(head + 'clause "1" "G" { grant all } example "x" { distill into = other expect permitted } }')
    assert dict(lic.examples[0].facts)["into"] == "other"


def test_the_catalog_speaks_the_closed_vocabulary(tmp_path):
    from reasoner.kb import KnowledgeBase

    (tmp_path / "catalog.toml").write_text('[[model]]\nid = "a/b"\nlicense = "mit"\nfamily = "lama"\n')
    with pytest.raises(LicenseFileError, match="unknown family `lama`"):
        KnowledgeBase.load([tmp_path])
    (tmp_path / "catalog.toml").write_text('[[model]]\nid = "a/b"\nlicense = "mit"\nmodalities = ["txt"]\n')
    with pytest.raises(LicenseFileError, match="unknown modality `txt`"):
        KnowledgeBase.load([tmp_path])


def test_every_bundled_catalog_entry_and_license_uses_known_words(reasoner):
    families = {entry.get("family") for entry in reasoner.kb.catalog.values()} - {None}
    families |= {c.license.family for c in reasoner.kb.licenses.values()} - {None}
    assert families <= set(FAMILIES) - {"other"}


# --- acts -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", [
    {"licenses": ["cc-by-nc-4.0"], "use": {"commercial": True}},
    {"licenses": ["cc-by-nc-4.0"]},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": [], "commercial": True}},
    {"artifacts": [{"id": "m", "license": "llama3"}], "use": {"release_mau": "800M", "role": "licensee"}},
    # a model of the user's that derives from nothing performs no act either
    {"artifacts": [{"id": "m", "license": "llama3", "mine": True}], "use": {"release_mau": "800M", "role": "licensee"}},
])
def test_a_request_without_acts_is_an_input_error(reasoner, doc):
    with pytest.raises(RequestError, match="an empty list is not a statement|names no act") as caught:
        reasoner.ask(doc)
    assert caught.value.location == "use.acts"


def test_creating_a_model_is_an_act_of_its_own(reasoner):
    """A request whose only acts are the creation of the user's model is a question (about those
    acts); writing `"acts": []` beside it is still an empty list, so still an error."""
    assert reasoner.ask(distill_llama3("mistral")).status == "forbidden"
    explicit = distill_llama3("mistral")
    explicit["use"]["acts"] = []
    with pytest.raises(RequestError, match="not a statement"):
        reasoner.ask(explicit)


def test_the_cli_and_the_example_runner_state_creation_without_an_empty_act_list(capsys):
    from reasoner.subjects import Context

    assert "acts" not in Context().use([])
    assert cli(capsys, "distill", "llama3", "--into", "mistral", "--release-mau", "1M", "--role", "licensee")[0] == 1


# --- duplicate keys -------------------------------------------------------------------------------

DUPLICATE = ('{"artifacts": [{"id": "x", "license": "llama3", "license": "mit"}], '
             '"use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}')


def test_a_duplicate_json_key_is_an_error_naming_the_key(reasoner):
    assert reasoner.ask(json.loads(DUPLICATE.replace(', "license": "mit"', ""))).status == "forbidden"
    with pytest.raises(RequestError, match="duplicate key `license`") as caught:
        reasoner.ask_text(DUPLICATE, "req.json")
    assert caught.value.location == "req.json:1:49"
    with pytest.raises(RequestError, match="duplicate key `acts`") as caught:
        decode_json('{"use": {"acts": ["host"],\n "why": "a \\"}\\" {", "acts": []}}', "req.json")
    assert caught.value.location == "req.json:2:22"


def test_the_cli_refuses_duplicate_keys_in_a_request_and_a_lineage_file(tmp_path, capsys, monkeypatch):
    (tmp_path / "req.json").write_text(DUPLICATE)
    code, _, err = cli(capsys, "--request", str(tmp_path / "req.json"))
    assert code == 2 and "duplicate key `license`" in err
    (tmp_path / "lineage.json").write_text('{"artifacts": [{"id": "x", "license": "llama3", "license": "mit"}]}')
    code, _, err = cli(capsys, "host", str(tmp_path / "lineage.json"), "--release-mau", "800M", "--role", "licensee")
    assert code == 2 and f"{tmp_path / 'lineage.json'}:1:49: duplicate key `license`" in err


def test_a_duplicate_yaml_key_is_an_error_at_its_line(tmp_path, capsys):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: llama3\nbase_model: meta-llama/Meta-Llama-3-8B\nlicense: mit\n---\n# x\n")
    code, _, err = cli(capsys, "distribute", str(card), "--release-mau", "800M", "--role", "licensee")
    assert code == 2 and f"{card}:4:1: " in err and "duplicate key `license`" in err
    lineage = tmp_path / "lineage.yaml"
    lineage.write_text("artifacts:\n  - id: x\n    license: llama3\n    license: mit\n")
    code, _, err = cli(capsys, "host", str(lineage), "--release-mau", "800M", "--role", "licensee")
    assert code == 2 and f"{lineage}:4:5: " in err and "duplicate key `license`" in err


def test_a_duplicate_toml_key_is_an_error_at_its_line(tmp_path, capsys):
    lineage = tmp_path / "lineage.toml"
    lineage.write_text('[[artifacts]]\nid = "x"\nlicense = "llama3"\nlicense = "mit"\n')
    code, _, err = cli(capsys, "host", str(lineage), "--release-mau", "800M", "--role", "licensee")
    assert code == 2 and f"{lineage}:4:" in err


# --- name prefixes --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, prefix, starts", [
    ("Llama3.1-Acme", "Llama", True), ("Llamafied-Bot", "Llama", True), ("Llama", "Llama", True),
    ("-Llama-foo", "Llama", False), ("_Llama-foo", "Llama", False), (" Llama-foo", "Llama", False),
    ("llama-foo", "Llama", False), ("LLAMA-foo", "Llama", False), ("Lla", "Llama", False),
    ("Llama-3-bot", "Llama 3", True), ("Llama_3_bot", "Llama 3", True), ("Llama 3 bot", "Llama 3", True),
    ("Llama3-bot", "Llama 3", False), ("Llama 3", "Llama-3", False), ("Llama-3", "Llama-3", True),
])
def test_a_name_begins_with_a_prefix_literally(name, prefix, starts):
    assert name_starts_with(name, prefix) is starts


def test_two_prefixes_clash_only_when_no_name_can_begin_with_both():
    assert prefixes_compatible("Llama 3", "Llama") and prefixes_compatible("Llama-3", "Llama 3")
    assert prefixes_compatible("A B-", "A-B ")      # "A-B-" begins with both
    assert not prefixes_compatible("Alpha", "Beta") and not prefixes_compatible("Llama", "llama")


@pytest.mark.parametrize("name, code", [("-Llama-foo", 1), ("_Llama-foo", 1), (" Llama-foo", 1),
                                        ("llama-foo", 1), ("Llama3.1-Acme", 0), ("Llama-foo", 0)])
def test_the_llama_naming_duty_reads_the_name_literally(capsys, name, code):
    assert cli(capsys, "finetune", "llama3.1", "--release-mau", "1M", "--role", "licensee", "--and", "distribute", "--name", name)[0] == code


# --- the outbound license -------------------------------------------------------------------------

def test_an_unknown_outbound_license_is_an_input_error_on_both_paths(reasoner, capsys):
    code, _, err = cli(capsys, "finetune", "mit", "--as", "nonsense-license", "--and", "distribute")
    assert code == 2 and "unknown outbound license `nonsense-license`" in err
    doc = {"artifacts": [{"id": "up", "license": "mit"},
                         {"id": "me", "mine": True, "derived_from": [{"id": "up", "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "outbound_license": "apache-2.00"}}
    with pytest.raises(RequestError, match="did you mean `apache-2.0`") as caught:
        reasoner.ask(doc)
    assert caught.value.location == "use.outbound_license"
    doc["use"]["outbound_license"] = "Apache-2.0"
    assert reasoner.ask(doc).status == "permitted"
    assert cli(capsys, "finetune", "mit", "--as", "apache-2.0", "--and", "distribute")[0] == 0


# --- mutations of forbidden requests --------------------------------------------------------------

def never_permitted(reasoner, doc) -> None:
    try:
        result = reasoner.ask(doc)
    except CanIError:
        return
    assert result.status != "permitted", json.dumps(doc, ensure_ascii=False)


def _forms(word: str):
    """Spellings of a word a user or an attacker might send: case, width, spacing, commas,
    Unicode compatibility forms and look-alikes."""
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    return st.sampled_from([
        word, word.lower(), word.upper(), word.title(), f" {word} ", fullwidth, f"{word},", f",{word}",
        f"{word}\u200b", f"\u00a0{word}", word.replace("E", "\u0395"), word + word, word[:-1],
        unicodedata.normalize("NFD", word), f"{word},US", "",
    ])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_spelling_of_a_forbidden_territory_or_purpose_turns_into_yes(reasoner, data):
    territory = data.draw(st.sampled_from(["EU", "DE", "EL", "FR"]).flatmap(_forms))
    as_list = data.draw(st.booleans())
    never_permitted(reasoner, vision([territory] if as_list else territory))
    purpose = data.draw(st.sampled_from(["weapons", "military", "malware"]).flatmap(_forms))
    never_permitted(reasoner, {"licenses": ["llama3.1"], "use": {"acts": ["host"], "release_mau": 1000, "role": "licensee", "purposes": [purpose]}})
    family = data.draw(st.sampled_from(["mistral", "qwen"]).flatmap(_forms))
    never_permitted(reasoner, distill_llama3(family))


@pytest.mark.parametrize("mutate", [
    lambda t: t.replace('"acts": ["host"]', '"acts": []'),
    lambda t: t.replace('"acts": ["host"], ', ""),
    lambda t: t.replace('"release_mau": "800M", "role": "licensee"', '"release_mau": "800M", "role": "licensee", "release_mau": "1", "role": "licensee"'),
    lambda t: t.replace('"license": "llama3"', '"license": "llama3", "license": "mit"'),
    lambda t: t.replace('"use": {', '"use": {"territory": [], '),
    lambda t: t.replace('"use": {', '"use": {"purposes": [""], '),
    lambda t: t.replace('"use": {', '"use": {"outbound_license": "mitt", '),
])
def test_no_mutation_of_a_forbidden_json_request_turns_into_yes(reasoner, mutate):
    text = '{"artifacts": [{"id": "x", "license": "llama3"}], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}'
    assert reasoner.ask_text(text).status == "forbidden"
    mutated = mutate(text)
    assert mutated != text
    try:
        result = reasoner.ask_text(mutated)
    except CanIError:
        return
    assert result.status != "permitted", mutated


@pytest.mark.parametrize("territory", ['[]', '[""]', '""', '["ＥＵ"]', '["EU,US"]', '["European Union"]', '["EL"]',
                                       '["EU"], "domicile": ["US"]', '["eu "]', '["\u0395U"]'])
def test_no_mutation_of_the_eu_domicile_in_a_json_request_turns_into_yes(reasoner, territory):
    text = '{"artifacts": [{"id": "%s"}], "use": {"acts": ["use"], "release_mau": "1M", "role": "licensee", "domicile": %s}}'
    assert reasoner.ask_text(text % (VISION, '["EU"]')).status == "forbidden"
    try:
        result = reasoner.ask_text(text % (VISION, territory))
    except CanIError:
        return
    assert result.status != "permitted", territory
