"""Issue 10, item 1: software and content compatibility that matches the established reading,
encoded in the licenses and rules. Acceptance tests through the CLI and JSON, the compatibility
matrix against tests/data/software_compatibility.csv (written from the FSF, ASF and Mozilla
readings, not from can-i's output), and the DSL constructs behind them (`adds further`,
`accepts further`, `-or-later` ids based on the version they name)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from reasoner import compatibility, expressions

from conftest import make_reasoner

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "tests" / "data" / "software_compatibility.csv"
EXIT = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}


def cli(can_i, *argv, stdin=None) -> dict:
    run = can_i(*argv, "--json", stdin=stdin)
    assert run.err == "", run.err
    doc = run.json()
    assert run.code == EXIT[doc["status"]], (run.code, doc["status"])
    return doc


def cited(doc, *keys) -> set[tuple[str, str]]:
    return {(item["license"], item["clause"]) for key in keys or ("reasons",) for item in doc.get(key, [])}


def own_work(upstream: str, own: str, acts, relation: str = "finetune", **use) -> dict:
    """A request: the user's own model under `own`, made from a model under `upstream`."""
    base = {"id": "up/base", "license": upstream, "family": "other"}
    if relation == "trained_on":   # trained on data, which states no model family
        base = {"id": "up/base", "license": upstream, "kind": "dataset"}
    return {"artifacts": [base,
                          {"id": "me/model", "license": own, "mine": True,
                           "derived_from": [{"id": "up/base", "relation": relation}]}],
            "subject": "me/model", "use": {"acts": list(acts), **use}}


# --- 1. further restrictions: Apache-2.0 into GPL-2.0-only / LGPL-2.1-only ------------------------

@pytest.mark.parametrize("expression, copyleft", [
    ("apache-2.0 AND gpl-2.0", ("gpl-2.0", "6")), ("GPL-2.0-only AND Apache-2.0", ("gpl-2.0", "6")),
    ("LGPL-2.1-only AND Apache-2.0", ("lgpl-2.1", "10")), ("lgpl-2.1 AND apache-2.0", ("lgpl-2.1", "10")),
])
def test_apache_in_a_gpl_2_only_work_is_no_citing_the_further_restrictions(can_i, expression, copyleft):
    doc = cli(can_i, "distribute", expression)
    assert doc["status"] == "forbidden"
    reasons = cited(doc)
    assert copyleft in reasons and {("apache-2.0", "3"), ("apache-2.0", "9")} <= reasons
    assert all(r["kind"] == "conflict" for r in doc["reasons"])


@pytest.mark.parametrize("expression", ["apache-2.0 AND gpl-3.0", "GPL-3.0-or-later AND Apache-2.0",
                                        "GPL-2.0+ AND apache-2.0", "apache-2.0 AND agpl-3.0",
                                        "apache-2.0 AND lgpl-3.0", "LGPL-2.1-or-later AND Apache-2.0",
                                        "apache-2.0 AND mpl-2.0"])
def test_apache_with_a_license_that_accepts_its_terms_stays_yes(can_i, expression):
    assert cli(can_i, "distribute", expression)["status"] == "permitted"


def test_further_terms_only_matter_when_a_copy_is_distributed(can_i):
    assert cli(can_i, "host", "apache-2.0 AND gpl-2.0")["status"] == "permitted"
    assert cli(can_i, "use", "apache-2.0 AND gpl-2.0")["status"] == "permitted"


def test_the_json_request_says_the_same(can_i):
    request = {"licenses": ["GPL-2.0-only", "Apache-2.0"], "use": {"acts": ["distribute"]}}
    doc = cli(can_i, "--request", "-", stdin=json.dumps(request))
    assert doc["status"] == "forbidden" and ("gpl-2.0", "6") in cited(doc)


# --- 2. MPL-2.0 Secondary Licenses, GPL-3.0 with AGPL-3.0 -----------------------------------------

@pytest.mark.parametrize("gnu", ["gpl-2.0", "GPL-2.0-or-later", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0",
                                 "AGPL-3.0-or-later"])
def test_mpl_in_a_gnu_work_is_yes_with_the_exhibit_b_caveat(can_i, gnu):
    doc = cli(can_i, "distribute", f"mpl-2.0 AND {gnu}")
    assert doc["status"] == "permitted"
    said = [i for i in doc["information"] if (i["license"], i["clause"]) == ("mpl-2.0", "3.3")]
    assert any("Exhibit B" in i["message"] and "(1.5)" in i["message"] for i in said), doc["information"]


def test_gpl_3_and_agpl_3_combine_under_section_13_of_both(can_i):
    doc = cli(can_i, "distribute", "gpl-3.0 AND agpl-3.0")
    assert doc["status"] == "permitted"
    assert {("gpl-3.0", "13"), ("agpl-3.0", "13")} <= cited(doc, "information")


# --- 3. the license on the user's own contribution ------------------------------------------------

@pytest.mark.parametrize("upstream, own, acts, clause", [
    ("cc-by-sa-4.0", "mit", ["distribute"], "3.b.1"),
    ("cc-by-sa-4.0", "apache-2.0", ["distribute"], "3.b.1"),
    # CC "Share" includes making available to the public: encoded as reaching hosting (ambiguous).
    ("cc-by-sa-4.0", "mit", ["host"], "3.b.1"),
    ("gpl-3.0", "mit", ["distribute"], "5.c"),
    ("gpl-2.0", "mit", ["distribute"], "2.b"),
    ("lgpl-2.1", "mit", ["distribute"], "2.c"),
    # AGPL-3.0 §13: a modified version's network users get its source under the AGPL.
    ("agpl-3.0", "mit", ["host"], "5.c"),
])
def test_a_permissive_own_license_on_a_copyleft_adaptation_is_no(can_i, upstream, own, acts, clause):
    # `linking` false: the model is made from the material, not an application loading it (LGPL)
    doc = cli(can_i, "--request", "-", stdin=json.dumps(own_work(upstream, own, acts, linking=False)))
    assert doc["status"] == "forbidden"
    assert (upstream, clause) in cited(doc)
    assert any(f"your own contribution is licensed under {own}" in r["message"] for r in doc["reasons"])


@pytest.mark.parametrize("upstream, own, acts", [
    # GPL-2.0/3.0 and the LGPL reach copies handed over, not a hosted model.
    ("gpl-3.0", "mit", ["host"]), ("gpl-2.0", "mit", ["host"]), ("lgpl-3.0", "mit", ["host"]),
    # the adaptation under the copyleft itself, or a license its clause accepts
    ("cc-by-sa-4.0", "cc-by-sa-4.0", ["distribute"]), ("cc-by-sa-4.0", "gpl-3.0", ["distribute"]),
    ("gpl-2.0", "GPL-2.0-or-later", ["distribute"]), ("gpl-3.0", "GPL-2.0-or-later", ["distribute"]),
    ("lgpl-2.1", "gpl-2.0", ["distribute"]),
    # a permissive own license beside non-copyleft inherited terms is no conflict (PRODUCT.md)
    ("apache-2.0", "mit", ["distribute"]), ("mit", "apache-2.0", ["distribute"]),
    ("gemma", "mit", ["distribute"]), ("mpl-2.0", "mit", ["distribute"]),
])
def test_own_licenses_the_governing_terms_accept_stay_yes(reasoner, upstream, own, acts):
    assert reasoner.ask(own_work(upstream, own, acts)).status == "permitted"


def test_a_permissive_own_license_beside_llama_terms_is_no_conflict(reasoner):
    result = reasoner.ask(own_work("llama3", "mit", ["distribute"], release_mau=1))
    assert result.status == "permitted" and not any(r.kind == "conflict" for r in result.reasons)


def test_gpl_2_own_license_on_a_gpl_3_fine_tune_is_no(reasoner):
    result = reasoner.ask(own_work("gpl-3.0", "gpl-2.0", ["distribute"]))
    assert result.status == "forbidden" and ("gpl-3.0", "5.c") in {(r.license, r.clause) for r in result.reasons}


def test_a_share_alike_duty_that_may_be_owed_makes_the_own_license_depend():
    """A ShareAlike whose condition hangs on an unstated fact: the own-license clash depends on it."""
    text = '''license sa { name "SA" kind content osi no terms follow finetune
      clause "1" "Grant" { grant all }
      clause "2" "ShareAlike" { must share_alike when derived and distribute and commercial  relicense copyleft }
    }'''
    r = make_reasoner(text, 'license perm { name "P" kind software osi yes terms follow finetune clause "1" "G" { grant all relicense allowed } }')
    assert r.ask(own_work("sa", "perm", ["distribute"])).status == "depends"
    assert r.ask(own_work("sa", "perm", ["distribute"], commercial=True)).status == "forbidden"
    assert r.ask(own_work("sa", "perm", ["distribute"], commercial=False)).status == "permitted"


# --- 4. -only / -or-later ids ---------------------------------------------------------------------

def test_spdx_spellings_name_the_encodings_whose_spdx_setting_they_are(reasoner):
    """The alias table is names only, kept equal to the files: each `-only` spelling is the spdx
    setting of the Hub id's encoding, each `+` the deprecated form of an `-or-later` encoding."""
    kb = reasoner.kb
    for spelling, lid in expressions.SPDX_ALIASES.items():
        spdx = kb.licenses[lid].license.spdx.lower()
        assert spelling == spdx or spelling == spdx.replace("-or-later", "+"), (spelling, lid)
        assert kb.resolve_license(spelling.upper()) == (lid, "")
    for compiled in kb.licenses.values():
        lic = compiled.license
        if lic.spdx and lic.spdx.lower() != lic.id and lic.kind == "software" and "gpl" in lic.id:
            assert expressions.SPDX_ALIASES[lic.spdx.lower()] == lic.id


def test_or_later_is_decided_by_the_license_files_alone(reasoner):
    """One place: `later versions` in the -or-later files; each names the -or-later id of the next
    version of the same family, and the solver loads the versions it names."""
    kb = reasoner.kb
    ids = [lid for lid in kb.licenses if lid.endswith("-or-later")]
    assert sorted(ids) == sorted(f"{b}-or-later" for b in ("gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0"))
    for lid in ids:
        lic = kb.licenses[lid].license
        assert lic.based_on.license == lid.replace("-or-later", "") and not lic.based_on.only
        assert all(v.endswith("-or-later") and v.split("-")[0] == lid.split("-")[0] for v in lic.later_versions)
        assert set(lic.later_versions) | {lic.based_on.license} <= set(kb.related([lid]))
    for base in ("gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0"):
        assert kb.licenses[base].license.later_versions == ()   # the Hub id is version N only
    assert not hasattr(expressions, "SPDX_VERSIONS")


@pytest.mark.parametrize("spelling, lid", [("GPL-2.0+", "gpl-2.0-or-later"), ("GPL-2.0-or-later", "gpl-2.0-or-later"),
                                           ("LGPL-2.1+", "lgpl-2.1-or-later"), ("GPL-2.0-only", "gpl-2.0"),
                                           ("gpl-2.0", "gpl-2.0")])
def test_spdx_spellings_answer_as_their_encoding(can_i, spelling, lid):
    for argv in (["distribute", f"{spelling} AND apache-2.0"], ["finetune", spelling, "--as", "gpl-3.0", "--and", "distribute"]):
        a = cli(can_i, *argv)
        b = cli(can_i, *[x.replace(spelling, lid) if x.startswith(spelling) else x for x in argv])
        assert (a["status"], cited(a)) == (b["status"], cited(b)), argv


def test_the_hub_id_is_never_read_as_or_later(can_i):
    """gpl-2.0 (Hub) is version 2 only: Apache-2.0 beside it and relicensing as GPL-3.0 stay NO;
    only an or-later notice makes them YES."""
    assert cli(can_i, "distribute", "gpl-2.0 AND apache-2.0")["status"] == "forbidden"
    assert cli(can_i, "finetune", "gpl-2.0", "--as", "gpl-3.0", "--and", "distribute")["status"] == "forbidden"
    assert cli(can_i, "finetune", "GPL-2.0+", "--as", "gpl-3.0", "--and", "distribute")["status"] == "permitted"


@pytest.mark.parametrize("argv", [
    ["finetune", "gpl-2.0", "--as", "GPL-2.0-or-later", "--and", "distribute"],   # -only cannot widen
    ["finetune", "gpl-3.0", "--as", "GPL-3.0+", "--and", "distribute"],
    ["finetune", "GPL-2.0+", "--as", "mit", "--and", "distribute"],
    ["distribute", "GPL-2.0+ AND llama3", "--release-mau", "1M"],
    ["distribute", "GPL-2.0+ AND gpl-2.0 AND apache-2.0"],
    ["distribute", "LGPL-2.1+ AND lgpl-2.1 AND apache-2.0"],
])
def test_forbidden_requests_through_the_or_later_ids_stay_forbidden(can_i, argv):
    assert cli(can_i, *argv)["status"] == "forbidden"


# --- the DSL constructs ---------------------------------------------------------------------------

def test_an_unknown_further_term_is_a_closed_vocabulary_error(can_i, tmp_path):
    bad = tmp_path / "x.lic"
    bad.write_text('license x { name "X" kind software osi yes clause "3" "P" { adds further patents } }\n')
    run = can_i("check", bad)
    assert run.code == 2 or run.code == 1
    assert "unknown further term `patents`" in run.out + run.err and "DSL107" in run.out + run.err


def test_further_terms_clash_only_where_the_copyleft_does_not_accept_them():
    base = 'license {id} {{ name "{id}" kind software osi yes terms follow merge clause "1" "G" {{ grant all {extra} }} }}'
    adds = base.format(id="adds", extra="adds further indemnity")
    strict = base.format(id="strict", extra="no further restrictions")
    lenient = base.format(id="lenient", extra="no further restrictions accepts further indemnity")
    r = make_reasoner(adds, strict, lenient)
    ask = lambda *ids: r.ask({"licenses": list(ids), "use": {"acts": ["distribute"]}}).status
    assert ask("adds", "strict") == "forbidden"
    assert ask("adds", "lenient") == "permitted"
    assert ask("adds") == "permitted" and ask("strict") == "permitted"


def test_adds_and_accepts_further_round_trip_through_fmt():
    from reasoner.fmt import format_text

    text = ('license v { name "V" clause "3" "P" { adds further patent_termination, indemnity } '
            'clause "7" "A" { accepts further indemnity } }')
    out = format_text(text)
    assert "    adds further patent_termination, indemnity\n" in out and "    accepts further indemnity\n" in out
    assert format_text(out) == out


# --- 6. CC-BY-NC with commercial terms --------------------------------------------------------------

@pytest.mark.parametrize("request_", [
    {"licenses": ["cc-by-nc-4.0", "apache-2.0"], "use": {"acts": ["distribute"], "commercial": True}},
    {"licenses": ["cc-by-nc-4.0", "mit"], "use": {"acts": ["host"], "commercial": True}},
    # relicensed under terms that grant commercial use: NC's terms travel (§2.a.5, §3)
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["distribute"], "commercial": True, "outbound_license": "apache-2.0"}},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["distribute"], "outbound_license": "mit"}},
    own_work("cc-by-nc-4.0", "apache-2.0", ["distribute"], commercial=True),
    own_work("cc-by-nc-4.0", "mit", ["host"], commercial=True),
])
def test_nc_material_never_turns_commercial_by_company(reasoner, request_):
    assert reasoner.ask(request_).status == "forbidden"


def test_nc_material_with_commercial_unstated_is_never_yes(reasoner):
    for request_ in ({"licenses": ["cc-by-nc-4.0", "apache-2.0"], "use": {"acts": ["distribute"]}},
                     own_work("cc-by-nc-4.0", "mit", ["distribute"])):
        assert reasoner.ask(request_).status != "permitted"


# --- 7. the matrix ----------------------------------------------------------------------------------

def _table() -> list[dict]:
    with TABLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cells(reasoner):
    return compatibility.matrix(reasoner)


def test_the_matrix_covers_every_ordered_pair_of_the_bundled_software_licenses(reasoner, cells):
    ids = compatibility.software_licenses(reasoner)
    assert len(ids) >= 14 and {"gpl-2.0-or-later", "agpl-3.0-or-later", "mpl-2.0"} <= set(ids)
    rows = _table()
    assert {(r["material"], r["work"]) for r in rows} == {(a, b) for a in ids for b in ids}
    assert len(cells) == len(ids) ** 2


def test_every_expectation_names_its_source_and_never_allows_more_than_the_reading():
    for row in _table():
        assert row["source"].strip(), row
        assert row["reading"] in ("yes", "no") and row["can_i"] in ("yes", "no"), row
        if row["can_i"] != row["reading"]:   # only ever a more cautious NO, and said why
            assert (row["reading"], row["can_i"]) == ("yes", "no") and row["note"].strip(), row


def test_the_matrix_gives_the_established_reading_with_the_deciding_clause(cells):
    expected = {(r["material"], r["work"]): r for r in _table()}
    wrong = []
    for cell in cells:
        row = expected[cell.source, cell.work]
        want = "permitted" if row["can_i"] == "yes" else "forbidden"
        if cell.status != want:
            wrong.append(f"{cell.source} into {cell.work}: {cell.status}, expected {want} ({row['source']})")
        elif row["deciding_clause"]:
            lid, clause = row["deciding_clause"].split(" ", 1)
            if (lid, clause) not in cell.clauses:
                wrong.append(f"{cell.source} into {cell.work}: does not cite {lid} §{clause}: {cell.clauses}")
    assert not wrong, "\n".join(wrong)


def test_the_readme_matrix_is_the_generated_one(capsys):
    from reasoner.cli import main

    assert main(["licenses", "--compatibility", "--markdown"]) == 0
    matrix = capsys.readouterr().out.strip()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert matrix in readme, "README's compatibility matrix is stale: paste `can-i licenses --compatibility --markdown`"
    assert readme.count("| goes into → / material under ↓ |") == 1


def test_the_matrix_as_json_and_text(can_i):
    run = can_i("licenses", "--compatibility", "--json")
    assert run.code == 0
    doc = run.json()
    cell = next(c for c in doc if (c["source"], c["work"]) == ("apache-2.0", "gpl-2.0"))
    assert cell["status"] == "forbidden" and {"license": "gpl-2.0", "clause": "6"} in cell["clauses"]
    text = can_i("licenses", "--compatibility").out
    assert "apache-2.0 into gpl-3.0: yes" in text


# --- 5. LGPL: modification vs linking (the `linking` fact) ------------------------------------------

@pytest.mark.parametrize("upstream, clause", [("lgpl-2.1", "2.c"), ("lgpl-3.0", "GPL 5.c"),
                                              ("lgpl-2.1-or-later", "2.c"), ("lgpl-3.0-or-later", "GPL 5.c")])
def test_lgpl_own_license_turns_on_whether_the_work_only_links(can_i, upstream, clause):
    request = own_work(upstream, "mit", ["distribute"], relation="adapter")
    unstated = cli(can_i, "--request", "-", stdin=json.dumps(request))
    assert unstated["status"] == "depends"
    assert [(d["fact"], d["value"], d["license"], d["clause"]) for d in unstated["depends_on"]] == \
        [("linking", False, upstream, clause)]
    request["use"]["linking"] = False
    modifying = cli(can_i, "--request", "-", stdin=json.dumps(request))
    assert modifying["status"] == "forbidden" and (upstream, clause) in cited(modifying)
    request["use"]["linking"] = True
    linking = cli(can_i, "--request", "-", stdin=json.dumps(request))
    assert linking["status"] == "permitted"
    assert any("terms of your choice" in i["message"] or "own license may be one of your choice" in i["message"]
               for i in linking["information"])


def test_linking_is_a_schema_fact_with_an_option_and_example_words(can_i):
    from reasoner import schema

    fact = schema.FACTS["linking"]
    assert (fact.type, fact.about, fact.field, fact.example) == (schema.FLAG, schema.USE, "linking", ("linking", "modifying"))
    assert "--linking" in can_i("host", "--help").out
    examples = [ex for lid in ("lgpl-2.1", "lgpl-3.0") for ex in _kb().licenses[lid].license.examples]
    assert {"linking", "modifying"} <= {word for ex in examples for word, _ in ex.facts}


def test_linking_from_the_cli_reaches_the_lgpl_clause(can_i):
    assert cli(can_i, "adapt", "lgpl-3.0", "--and", "distribute", "--linking")["status"] == "permitted"
    assert cli(can_i, "adapt", "lgpl-3.0", "--and", "distribute", "--modifying")["status"] == "permitted"


def test_relicensing_a_linked_lgpl_work_alone_stays_a_conflict(reasoner):
    """`linking` frees your own license beside the LGPL material, not the material: recipients given
    only MIT would lose the LGPL on the model (conservative; the §6/§4 combination is reported)."""
    result = reasoner.ask({"licenses": ["lgpl-2.1"], "use": {"acts": ["distribute"], "linking": True,
                                                              "outbound_license": "mit"}})
    assert result.status == "forbidden"


def _kb():
    from reasoner import Reasoner
    return Reasoner().kb


# --- properties of the new fact and constructs -------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
LGPL = ["lgpl-2.1", "lgpl-3.0", "lgpl-2.1-or-later", "lgpl-3.0-or-later"]
OWN = ["mit", "apache-2.0", "bsd-3-clause", "gpl-3.0", "mpl-2.0", "cc-by-4.0"]
RELATIONS = ["finetune", "adapter", "merge", "quantized"]
ACTS = st.lists(st.sampled_from(["use", "host", "distribute"]), min_size=1, max_size=3, unique=True)


@PROPERTY
@given(upstream=st.sampled_from(LGPL), own=st.sampled_from(OWN), relation=st.sampled_from(RELATIONS), acts=ACTS,
       commercial=st.sampled_from([None, True, False]))
def test_stating_linking_settles_a_depends_on_it_as_announced(reasoner, upstream, own, relation, acts, commercial):
    extra = {} if commercial is None else {"commercial": commercial}
    request = own_work(upstream, own, acts, relation=relation, **extra)
    result = reasoner.ask(request)
    on_linking = [d for d in result.depends_on if d.fact == "linking"]
    for value in (True, False):
        stated = json.loads(json.dumps(request))
        stated["use"]["linking"] = value
        after = reasoner.ask(stated)
        assert not [d for d in after.depends_on if d.fact == "linking"]
        if on_linking:
            decider = on_linking[0]
            if value == decider.value:     # the decider holds: forbidden by its clause
                assert after.status == "forbidden"
                assert (decider.license, decider.clause) in {(r.license, r.clause) for r in after.reasons}
            else:
                assert after.status != "forbidden" or result.status == "forbidden"
        else:                               # an answer that did not turn on it does not change
            assert after.status == result.status


NON_LGPL = ["mit", "apache-2.0", "gpl-2.0", "gpl-3.0-or-later", "agpl-3.0", "mpl-2.0", "cc-by-sa-4.0", "cc-by-nc-4.0",
            "llama3", "gemma"]


@PROPERTY
@given(upstream=st.sampled_from(NON_LGPL), own=st.sampled_from(OWN), relation=st.sampled_from(RELATIONS), acts=ACTS,
       linking=st.booleans())
def test_linking_changes_nothing_where_no_lgpl_term_reaches(reasoner, upstream, own, relation, acts, linking):
    request = own_work(upstream, own, acts, relation=relation, mau=1, commercial=False)
    stated = json.loads(json.dumps(request))
    stated["use"]["linking"] = linking
    before, after = reasoner.ask(request), reasoner.ask(stated)
    assert (before.status, sorted((r.license, r.clause) for r in before.reasons)) == \
        (after.status, sorted((r.license, r.clause) for r in after.reasons))


@PROPERTY
@given(copyleft=st.sampled_from(["gpl-2.0", "lgpl-2.1", "gpl-3.0", "agpl-3.0", "mpl-2.0", "cc-by-sa-4.0",
                                 "GPL-2.0-or-later", "lgpl-3.0"]),
       others=st.lists(st.sampled_from(["mit", "llama3", "gpl-3.0", "cc-by-nc-4.0", "bsd-3-clause"]), max_size=2, unique=True),
       act=st.sampled_from(["distribute", "host"]))
def test_adding_apache_never_permits_what_was_forbidden(reasoner, copyleft, others, act):
    """`adds further` only ever adds conflicts: a license whose terms are further restrictions
    cannot make a forbidden combination permitted."""
    use = {"acts": [act], "mau": 1, "commercial": False}
    before = reasoner.ask({"licenses": [copyleft, *others], "use": use})
    after = reasoner.ask({"licenses": [copyleft, *others, "apache-2.0"], "use": use})
    if before.status == "forbidden":
        assert after.status == "forbidden"
    if after.status == "permitted":
        assert before.status == "permitted"


def test_a_license_that_adds_terms_to_a_copyleft_it_incorporates_is_not_a_version_of_it():
    """Only a license that is its base's text under another id (an or-later id) may be taken under
    its base: one that adds a restriction cannot be relicensed or combined as the base."""
    gpl3 = (REPO / "facts" / "licenses" / "gpl-3.0.lic").read_text(encoding="utf-8")
    agpl = (REPO / "facts" / "licenses" / "agpl-3.0.lic").read_text(encoding="utf-8")
    plus = 'license gpl-plus { name "GPL plus" kind software osi yes terms follow finetune based on gpl-3.0\n' \
           '  clause "99" "Extra" { restrict purpose {military} } }'
    same = 'license gpl-same { name "GPL same" kind software osi yes terms follow finetune based on gpl-3.0\n' \
           '  clause "99" "Note" { note "the same text" } }'
    r = make_reasoner(gpl3, agpl, plus, same)
    relicensed = lambda lid: r.ask({"licenses": [lid], "use": {"acts": ["distribute"], "outbound_license": "gpl-3.0"}}).status
    assert relicensed("gpl-plus") == "forbidden" and relicensed("gpl-same") == "permitted"


def test_share_alike_terms_that_travel_to_a_trained_model_judge_its_own_license():
    """A dataset license whose ShareAlike follows `trained_on` (an encoding's choice; CC BY-SA 4.0's
    does not) governs the license of the model trained on it, like a fine-tune's."""
    data = '''license sa-data { name "SA data" kind content osi no terms follow trained_on
      clause "1" "Grant" { grant all }
      clause "3" "ShareAlike" { must share_alike when derived and distribute  relicense copyleft }
    }'''
    perm = 'license perm { name "P" kind software osi yes terms follow finetune clause "1" "G" { grant all relicense allowed } }'
    r = make_reasoner(data, perm)
    result = r.ask(own_work("sa-data", "perm", ["distribute"], relation="trained_on"))
    assert result.status == "forbidden" and ("sa-data", "3") in {(x.license, x.clause) for x in result.reasons}
    assert r.ask(own_work("sa-data", "sa-data", ["distribute"], relation="trained_on")).status == "permitted"


@pytest.mark.parametrize("expression, cite", [("GPL-2.0+ AND gpl-3.0", ("gpl-2.0-or-later", "9")),
                                              ("GPL-2.0+ AND apache-2.0", ("gpl-2.0-or-later", "9")),
                                              ("LGPL-2.1+ AND agpl-3.0", ("lgpl-2.1-or-later", "13"))])
def test_a_yes_through_a_later_version_cites_the_or_later_clause(can_i, expression, cite):
    doc = cli(can_i, "distribute", expression)
    assert doc["status"] == "permitted" and cite in cited(doc, "information")
