"""Review 31: hostile review of stated territories kept apart from the regions they imply
(bda8bc5: request.read_territories, solve.py fact_implied, vocabulary.open_territories, rules.lp
every_value) and of the purpose/flag contradiction (5ac3a05: schema.PURPOSE_FLAGS), over every
input path. HIGH = a live wrong YES with a bundled license or catalog model, MEDIUM = a wrong YES
needing an odd but plausible input (or a latent one), LOW = the rest."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")

HUNYUAN = "tencent-hunyuan-community"   # excludes the EU, the UK and South Korea (§5.c)
VISION = "meta-llama/Llama-3.2-11B-Vision"   # the EU paragraph turns on the licensee's domicile


def _lic(tmp_path, body: str, file: str = "t.lic") -> str:
    """A license file of one license `t` holding these clauses."""
    path = tmp_path / file
    path.write_text('license t {\n  name "T"\n  kind model\n  osi no\n' + body + "\n}\n")
    return str(path)


def _status(can_i, *argv) -> str:
    return can_i("--no-profile", *argv, "--json", "--no-remedies").json()["status"]


def _doc(can_i, *argv) -> dict:
    return can_i("--no-profile", *argv, "--json").json()


# --- Checked and sound: regions beside members, on every input path (kept as regression tests) ---

@pytest.mark.parametrize("territory, status", [
    ("GB", "forbidden"), ("UK", "forbidden"), ("GP", "forbidden"), ("AX", "forbidden"),
    ("DE,EU", "forbidden"), ("EU,EEA", "forbidden"), ("US,GB", "forbidden"), ("KP,KR", "forbidden"),
    ("NO,EEA", "depends"), ("EEA", "depends"), ("US,EEA", "depends"), ("EEA,NO,IS,LI", "depends"),
    ("CH", "permitted"), ("NO", "permitted"), ("KP", "permitted"),
])
def test_hunyuan_territories_with_regions_beside_members(can_i, territory, status):
    assert _status(can_i, "use", HUNYUAN, "--release-mau-own", "1M", "--territory", territory) == status


@pytest.mark.parametrize("domicile, status", [
    ("DE", "forbidden"), ("GP", "forbidden"), ("DE,EU", "forbidden"), ("US,EU", "forbidden"),
    ("EU,EEA", "forbidden"), ("NO,EEA", "depends"), ("US,EEA", "depends"), ("EEA,CH", "depends"),
    ("CH", "permitted"), ("IS,LI,NO", "permitted"),
])
def test_the_llama_eu_paragraph_with_regions_beside_members(can_i, domicile, status):
    assert _status(can_i, "use", VISION, "--release-mau", "1M", "--role", "licensee", "--domicile", domicile) == status


def test_territories_reach_the_rules_alike_from_every_input_path(can_i, tmp_path, reasoner):
    """CLI, --request, a profile, a hand-built `Use` (lower case, aliases) and a batch agree."""
    from reasoner.request import Artifact, Request, Use

    for territory in (("no", "eea"), ("uk",), ("GP",)):
        want = "depends" if "eea" in territory else "forbidden"
        use = Use(acts=("use",), territory=territory, release_mau_own=1_000_000)
        assert reasoner.ask(Request((Artifact("m", license=HUNYUAN),), "m", use)).status == want
        doc = {"licenses": [HUNYUAN], "use": {"acts": ["use"], "territory": ",".join(territory), "release_mau_own": "1M"}}
        assert can_i("--no-profile", "--request", "-", "--json", stdin=json.dumps(doc)).json()["status"] == want
        profile = tmp_path / "can-i.toml"
        profile.write_text(f"territory = {json.dumps(list(territory))}\nrelease_mau_own = \"1M\"\n")
        assert can_i("--profile", profile, "use", HUNYUAN, "--json", "--no-remedies").json()["status"] == want
    batch = reasoner.ask_many([{"licenses": [HUNYUAN], "use": {"acts": ["use"], "territory": t, "release_mau_own": "1M"}}
                               for t in ("US", "DE", "NO,EEA", "US", "GP", "CH")])
    assert [a.status for a in batch] == ["permitted", "forbidden", "depends", "permitted", "forbidden", "permitted"]


def test_the_audit_profile_question_sees_regions_beside_members(can_i, tmp_path):
    card = tmp_path / "m" / "README.md"
    card.parent.mkdir()
    card.write_text("---\nlicense: other\nlicense_name: tencent-hunyuan-a13b\n"
                    "base_model: tencent/Hunyuan-A13B-Instruct\n---\n# m\n")
    for territory, want in ((["NO", "EEA"], "depends"), (["GB"], "forbidden"), (["DE", "EU"], "forbidden")):
        profile = tmp_path / "p.toml"
        profile.write_text(f"territory = {json.dumps(territory)}\nrelease_mau_own = \"1M\"\n")
        report = can_i("audit", str(tmp_path / "m"), "--profile", profile, "--json").json()
        assert report["results"][0]["use_status"] == want, territory


GRANT_US = '  clause "1" "US only" {\n    grant all\n  }\n  clause "2" "ban" {\n    forbid all unless "in the US": territory in {US}\n  }'
BAN_DE = '  clause "1" "Grant" {\n    grant all\n  }\n  clause "2" "No Germany" {\n    forbid all when territory in {DE}\n  }'
GRANT_FR = '  clause "1" "France" {\n    grant all when territory in {FR, GP}\n  }'


@pytest.mark.parametrize("body, territory, status", [
    (GRANT_US, "US", "permitted"), (GRANT_US, "US,CN", "forbidden"), (GRANT_US, "US,EU", "forbidden"),
    (BAN_DE, "EU", "depends"), (BAN_DE, "FR,EU", "depends"), (BAN_DE, "EEA,EU", "depends"),
    (BAN_DE, "DE,EEA", "forbidden"), (BAN_DE, "NO,EEA", "depends"), (BAN_DE, "FR,GP", "permitted"),
    (GRANT_FR, "FR,GP", "permitted"), (GRANT_FR, "FR,EU", "depends"), (GRANT_FR, "EEA,EU", "depends"),
    (GRANT_FR, "AX", "forbidden"), (GRANT_FR, "DE,EEA", "forbidden"),
])
def test_custom_territory_terms_with_regions(can_i, tmp_path, body, territory, status):
    assert _status(can_i, "--facts", _lic(tmp_path, body), "use", "t", "--territory", territory) == status


# --- HIGH: FLUX.1 [dev] forbids use in a comprehensively sanctioned jurisdiction ------------------

@pytest.mark.parametrize("territory", ["KP", "IR", "CU"])
def test_flux_dev_is_not_for_a_comprehensively_sanctioned_jurisdiction(can_i, territory):
    """Was a strict xfail (HIGH, live): FLUX.1 [dev] §4.f(iv) bars use by anyone 'located in a
    comprehensively sanctioned jurisdiction', yet --territory KP was YES. Now a use restriction on
    territory and domicile {CU, IR, KP, SY}, marked ambiguous (the list is the lead's reading of
    comprehensive US embargoes): a stated place on it is NO, an unstated one a duty."""
    for verb in ("use", "distribute"):
        assert _status(can_i, verb, "black-forest-labs/FLUX.1-dev", "--non-commercial", "--territory", territory) != "permitted"
        assert _status(can_i, verb, "black-forest-labs/FLUX.1-dev", "--non-commercial", "--domicile", territory) != "permitted"


# --- HIGH: an acceptable use policy can-i does not have is no permission -----------------------

@pytest.mark.parametrize("license_id", ["falcon-180b-tii-license-1.0", "nvidia-open-model-license"])
@pytest.mark.parametrize("purpose", ["child-exploitation", "illegal-activity", "fraud"])
def test_an_unencoded_acceptable_use_policy_does_not_permit_crimes(can_i, license_id, purpose):
    """Was a strict xfail (HIGH, live): Falcon 180B §5.1 and NVIDIA §2.3 incorporate policies whose
    text is not among the sources, so no purpose was restricted and child exploitation was YES. Now
    Falcon 180B restricts what TII's later policies bar in identical words, and NVIDIA unlawful use
    and child exploitation, each marked ambiguous (they may bar more)."""
    assert _status(can_i, "use", license_id, "--purpose", purpose) != "permitted"


# --- MEDIUM: a member state's parts that ISO codes apart were not the state ----------------------

BAN = '  clause "1" "Grant" {{\n    grant all\n  }}\n  clause "2" "Not in {0}" {{\n    forbid all when territory in {{{0}}}\n  }}'
ONLY = '  clause "1" "Only in {0}" {{\n    grant all when territory in {{{0}}}\n  }}'


@pytest.mark.parametrize("state, part", [("FR", "GP"), ("FR", "RE"), ("FR", "MF"), ("FI", "AX")])
def test_a_member_states_parts_coded_apart_are_the_state(can_i, tmp_path, state, part):
    """MEDIUM, fixed (vocabulary.EU_PARTS_CODED_APART_BY_STATE; latent: no bundled license names a
    member state). Guadeloupe, Réunion, … and Åland were inside the EU but not inside France or
    Finland, so `forbid all when territory in {FR}` was YES for `--territory GP` (a French
    département), and a grant for France alone was NO there. The state is now a region of its
    parts coded apart, and a stated FR leaves open whether the use is in one of them."""
    assert _status(can_i, "--facts", _lic(tmp_path, BAN.format(state)), "use", "t", "--territory", part) == "forbidden"
    assert _status(can_i, "--facts", _lic(tmp_path, ONLY.format(state), "only.lic"), "use", "t",
                   "--territory", part) == "permitted"
    assert _status(can_i, "--facts", _lic(tmp_path, BAN.format(part), "part.lic"), "use", "t",
                   "--territory", state) == "depends"
    assert _status(can_i, "--facts", _lic(tmp_path, BAN.format(part), "part.lic"), "use", "t",
                   "--territory", f"{state},{part}") == "forbidden"
    assert _status(can_i, "--facts", _lic(tmp_path, BAN.format("EU"), "eu.lic"), "use", "t", "--territory", part) == "forbidden"


@pytest.mark.parametrize("state, part", [("NO", "SJ"), ("FR", "PF"), ("FR", "NC"), ("NL", "BQ"), ("US", "PR")])
def test_a_states_parts_outside_the_eu_are_the_state(can_i, tmp_path, state, part):
    """MEDIUM, fixed (vocabulary.STATE_PARTS_OUTSIDE_EU; latent: no bundled license names these
    states). `forbid all when territory in {NO}` was YES for `--territory SJ` (Svalbard is
    Norway's, outside the EEA). A part is its state one step only: not, through it, in the EEA or
    the EU; a stated state is its main territory."""
    assert _status(can_i, "--facts", _lic(tmp_path, BAN.format(state)), "use", "t", "--territory", part) == "forbidden"
    assert _status(can_i, "--facts", _lic(tmp_path, ONLY.format(state), "only.lic"), "use", "t",
                   "--territory", part) == "permitted"
    # a stated state is its main territory (review 33): a ban on the part alone does not reach it
    assert _status(can_i, "--facts", _lic(tmp_path, BAN.format(part), "part.lic"), "use", "t",
                   "--territory", state) == "permitted"
    for region in ("EU", "EEA"):   # the part is not in the state's regions (SJ may be Jan Mayen: MAY_LIE_IN)
        assert _status(can_i, "--facts", _lic(tmp_path, BAN.format(region), f"{region}.lic"), "use", "t",
                       "--territory", part) == ("depends" if (part, region) == ("SJ", "EEA") else "permitted")
        assert _status(can_i, "--facts", _lic(tmp_path, ONLY.format(region), f"only-{region}.lic"), "use", "t",
                       "--territory", part) != "permitted"


# --- Checked and sound: the purpose/flag contradiction on every input path -----------------------

@pytest.mark.parametrize("profile, argv", [
    ("commercial = false\n", ("--purpose", "commercial-product")),
    ('purposes = ["commercial-product"]\n', ("--non-commercial",)),
    ('commercial = false\npurposes = ["commercial-product"]\n', ()),
])
def test_a_profile_that_contradicts_the_question_is_an_input_error(can_i, tmp_path, profile, argv):
    path = tmp_path / "can-i.toml"
    path.write_text(profile)
    run = can_i("--profile", path, "use", "cc-by-nc-4.0", *argv, "--json", "--no-remedies")
    assert run.code == 2 and "commercial-product" in run.json()["error"]["message"], run.out


def test_a_lineage_use_section_and_a_batch_line_meet_the_contradiction_too(can_i, tmp_path):
    lineage = tmp_path / "l.json"
    lineage.write_text(json.dumps({"artifacts": [{"id": "m", "license": "cc-by-nc-4.0"}], "subject": "m",
                                   "use": {"purposes": ["commercial-product"]}}))
    assert can_i("--no-profile", "use", str(lineage), "--non-commercial", "--json").code == 2
    lines = [{"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": c, "purposes": ["commercial-product"]}}
             for c in (False, True)]
    run = can_i("--no-profile", "--request", "-", "--json", stdin="\n".join(json.dumps(d) for d in lines) + "\n")
    answers = [json.loads(line) for line in run.out.splitlines()]
    assert run.code == 2 and "error" in answers[0] and answers[1]["status"] == "forbidden", run.out


# --- LOW: the purpose `commercial-product` and the commercial flag --------------------------------

def test_a_commercial_product_is_commercial_when_the_flag_is_unstated(can_i):
    """Was a strict xfail (LOW, a wrong DEPENDS): with `commercial` unstated, `--purpose
    commercial-product` said nothing of the flag. It now states it (request.purpose_states_flag),
    with a note; no stored answer moved."""
    assert _status(can_i, "use", "cc-by-nc-4.0", "--purpose", "commercial-product") == "forbidden"
    doc = _doc(can_i, "use", "cc-by-nc-4.0", "--purpose", "commercial-product")
    assert "purpose_states_flag" in {n["code"] for n in doc["notes"]}


def test_the_non_commercial_remedy_drops_a_commercial_purpose(can_i):
    """LOW, fixed (remedies.py set_flag). `use cc-by-nc-4.0 --commercial --purpose commercial-product`:
    the search proposed "make the use non-commercial" alone, which with commercial-product still
    stated is an input error (5ac3a05), so it never verified: no non-commercial remedy was offered,
    and two `remedy_unverified` notes quoted the input error. The change now also drops the purpose
    that says commercial, and is offered."""
    doc = _doc(can_i, "use", "cc-by-nc-4.0", "--commercial", "--purpose", "commercial-product", "--purpose", "research")
    assert doc["status"] == "forbidden"
    assert not [n for n in doc.get("notes", []) if n["code"] == "remedy_unverified"], doc["notes"]
    flag = [c for r in doc["remedies"] for c in r["changes"] if c["kind"] == "set_flag"]
    assert flag and {"op": "remove", "path": "use.purposes", "value": "commercial-product"} in flag[0]["edits"], flag
    assert "commercial-product" in flag[0]["message"]
    # Applied, the remedy is YES (research, non-commercial).
    request = {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": False, "purposes": ["research"]}}
    assert can_i("--no-profile", "--request", "-", "--json", stdin=json.dumps(request)).json()["status"] == "permitted"


def test_no_statement_remedy_contradicts_a_stated_purpose(can_i):
    """Was a strict xfail (review 31, LOW): with `commercial` unstated beside commercial-product the
    search offered "YES if commercial is false" alone, an input error beside that purpose. Since
    the purpose states the flag (request.purpose_states_flag, 1969f14) the flag is stated, and its
    remedy (set_flag) drops the purpose with it; nothing unverified is noted."""
    doc = _doc(can_i, "use", "cc-by-nc-4.0", "--purpose", "commercial-product")
    assert not [n for n in doc.get("notes", []) if n["code"] == "remedy_unverified"], doc["notes"]
    flags = [c for r in doc["remedies"] for c in r["changes"] if c["params"].get("fact") == "commercial"]
    assert flags and all({"op": "remove", "path": "use.purposes", "value": "commercial-product"} in c["edits"]
                         for c in flags), flags


# --- LOW: a territory statement offered as a remedy dropped the other stated places --------------

@pytest.mark.parametrize("argv, stated, kept", [
    (("use", HUNYUAN, "--release-mau-own", "1M", "--territory", "US,EEA"), "territory", "US"),
    (("use", HUNYUAN, "--release-mau-own", "1M", "--territory", "NO,EEA"), "territory", "NO"),
    (("use", VISION, "--release-mau", "1M", "--role", "licensee", "--domicile", "US,EEA"), "domicile", "US"),
])
def test_a_territory_statement_keeps_the_other_stated_places(can_i, argv, stated, kept):
    """LOW, fixed (remedies.py _fact_values). `--territory US,EEA` under Hunyuan (EU excluded) is
    DEPENDS on where in the EEA; the remedy said "YES if territory is IS", which drops the US the
    user stated: done as written, it answers another question. The member now replaces only the
    region it narrows: "US, IS"."""
    doc = _doc(can_i, *argv)
    assert doc["status"] == "depends"
    statements = [c for r in doc["remedies"] for c in r["changes"] if c["kind"] == "state_fact"
                  and c["params"]["fact"] == stated]
    assert statements, doc["remedies"]
    for change in statements:
        assert kept in change["params"]["value"] and "EEA" not in change["params"]["value"], change
        again = list(argv)
        again[again.index("--" + stated) + 1] = ",".join(change["params"]["value"])
        assert _status(can_i, *again) == "permitted", again


# --- LOW: YAML's Norway problem --------------------------------------------------------------------

@pytest.mark.parametrize("territory, where", [("[NO, EEA]", "use.territory[0]"), ("NO", "use.territory")])
def test_an_unquoted_no_in_yaml_is_named_as_a_boolean(can_i, tmp_path, territory, where):
    """LOW, fixed (request._string_list). YAML 1.1 reads an unquoted `NO` (Norway) as false: a lineage
    file with `territory: [NO, EEA]` was refused with "`use.territory` must be a list of strings, not
    list", naming the list (which is one) rather than the item; the item is now named, with the
    reason and the cure (quote it)."""
    path = tmp_path / "l.yaml"
    path.write_text(f"artifacts:\n- id: m\n  license: {HUNYUAN}\nsubject: m\nuse:\n  territory: {territory}\n"
                    "  release_mau_own: 1M\n")
    run = can_i("--no-profile", "use", str(path), "--json", "--no-remedies")
    assert run.code == 2, run.out
    error = run.json()["error"]
    assert error["location"].endswith(where) and "quote" in error["message"] and "not list" not in error["message"], error
    path.write_text(f"artifacts:\n- id: m\n  license: {HUNYUAN}\nsubject: m\nuse:\n  territory: ['NO', EEA]\n"
                    "  release_mau_own: 1M\n")
    assert _status(can_i, "use", str(path)) == "depends"


# --- LOW: a lone surrogate in the input ended in a traceback ----------------------------------------

LONE = "\\ud800"   # as JSON writes it: half of a UTF-16 pair, no character


@pytest.mark.parametrize("doc, where", [
    ('{"licenses":["mit"],"use":{"acts":["use"],"territory":["%s"]}}', "use.territory[0]"),
    ('{"artifacts":[{"id":"%s","license":"mit"}],"subject":"m","use":{"acts":["use"]}}', "artifacts[0].id"),
    ('{"artifacts":[{"id":"m","license":"mit"}],"subject":"m","use":{"acts":["use"],"name":"a%s"}}', "use.name"),
    ('{"licenses":["mit"],"use":{"acts":["use"]},"facts_from":{"acts":"%s"}}', "facts_from.acts"),
])
@pytest.mark.parametrize("as_json", [True, False])
def test_a_lone_surrogate_in_a_request_is_an_input_error(can_i, doc, where, as_json):
    """LOW, fixed (request._no_nul, errors.CanIError, profile.read_facts_from). JSON may escape half of
    a UTF-16 pair alone (`"\\ud800"`). An unknown territory so written was an input error whose JSON
    document could not be written as UTF-8 (a traceback, exit 1); an artifact id so written was
    answered, and the answer's text ended in a traceback; `facts_from` echoed it the same way. Such
    a string is now an input error at its field, its message escaped."""
    run = can_i("--no-profile", "--request", "-", *(("--json",) if as_json else ()), stdin=doc % LONE)
    assert run.code == 2, run.out + run.err
    assert where in run.err and "surrogate" in run.err, run.err
    if as_json:
        assert run.json()["error"]["location"].endswith(where)


@pytest.mark.parametrize("record", [
    '{"id":"a@","front_matter":{"license":"mit"}}'.replace("@", LONE),
    '{"id":"a","front_matter":{"license":"mit@"}}'.replace("@", LONE),
    '{"id":"a","cardData":{"license":"mit","base_model":"b@"}}'.replace("@", LONE),
    # the escape in the card's YAML text, which JSON carries as `\\ud800`
    '{"id":"a","front_matter":"license: mit\\nbase_model: \\"x\\@\\"\\n"}'.replace("@", LONE),
])
@pytest.mark.parametrize("output", ["--json", "--csv", "--sarif", None])
def test_a_lone_surrogate_in_an_audited_record_is_an_invalid_card(can_i, tmp_path, record, output):
    """LOW, fixed (audit._line_card, _json_cards). A Hub dump record whose id, license label or base
    model held a lone surrogate was audited and quoted: every output (JSON, CSV, SARIF, text) ended
    in a traceback. The record is now an invalid card, and the other records are audited."""
    # First a model of the same shape whose parent is merely unknown: the audit shares answers between
    # models of one shape within a process, and the second one reached no request check (the full
    # suite failed where the file alone passed).
    warm = tmp_path / "warm.jsonl"
    warm.write_text('{"id":"w","front_matter":{"license":"mit","base_model":"someone/not-known"}}\n')
    can_i("--no-profile", "audit", str(warm), "--json")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(record + '\n{"id":"ok","front_matter":{"license":"mit"}}\n')
    run = can_i("--no-profile", "audit", str(dump), *((output,) if output else ()))
    assert "Traceback" not in run.out + run.err and run.code == 2, run.out + run.err
    if output == "--json":
        results = {r["id"]: r["status"] for r in run.json()["results"]}
        assert results.get("ok") == "permitted", results


def test_a_lone_surrogate_in_a_license_file_is_a_dsl_error(can_i, tmp_path):
    """LOW, fixed (parse.string). A license file's string may escape half of a UTF-16 pair alone
    (`note "x\\udc00"`): `check` passed it, and `show`, `licenses` and every answer quoting it ended
    in a traceback. It is now DSL002 at the string; a whole pair (an emoji) still reads."""
    lic = _lic(tmp_path, '  clause "1" "g" {\n    grant all\n    note "x\\udc00"\n  }')
    run = can_i("check", lic)
    assert run.code == 2 and "lone surrogate U+DC00" in run.out + run.err and "DSL002" in run.out + run.err
    assert can_i("--no-profile", "--facts", lic, "use", "t").code == 2
    pair = _lic(tmp_path, '  clause "1" "g" {\n    grant all\n    note "x\\ud83d\\ude00"\n  }', "pair.lic")
    assert _status(can_i, "--facts", pair, "use", "t") == "permitted"


@pytest.mark.parametrize("body, territory, only", [
    (GRANT_US, "US,CN", "US"),
    (ONLY.format("US"), "US,CN", "US"),
    (GRANT_US.replace('"US only"', '"EU only"').replace("{US}", "{EU}").replace("the US", "the EU"), "DE,US", "DE"),
])
def test_use_it_only_in_one_of_the_stated_places(can_i, tmp_path, body, territory, only):
    """LOW, fixed (remedies.py use_elsewhere). The remedy offered only territories no license
    condition names (US, CH, JP), so a license permitting use only in named places got none of
    them: `--territory US,CN` under a US-only rule was offered only a separate license, `DE,US`
    under an EU-only rule no remedy at all. Each stated place alone is now tried first."""
    doc = _doc(can_i, "--facts", _lic(tmp_path, body), "use", "t", "--territory", territory)
    assert doc["status"] == "forbidden"
    elsewhere = [c for r in doc["remedies"] for c in r["changes"] if c["kind"] == "use_elsewhere"]
    assert [c["params"]["territory"] for c in elsewhere] == [only], doc["remedies"]
