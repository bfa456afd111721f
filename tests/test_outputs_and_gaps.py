"""Issue 10 item 6 (terms that follow outputs by definition), the Hub's family ids, and small gaps.

The table below is the audit of every bundled license against its primary text: does the license
define its derivatives to include a model trained on its outputs (then its terms travel along a
`distilled` edge), does only one clause reach such a model, or does it at most ban a use of the
outputs (then the ban decides the distilling act and nothing travels)?
"""

from __future__ import annotations

import json

import pytest

from reasoner.kb import KnowledgeBase
from sizes import sized  # noqa: E402 - the default run's sample, the full one under -m slow

# license -> (what a `distilled` edge carries: "full" | "clauses" | None, the clauses that follow
# it, the section of the primary text that decides it)
DISTILLED_REACH = {
    "agpl-3.0": (None, (), "§0/§2: output is covered only if it 'constitutes a covered work'"),
    "agpl-3.0-or-later": (None, (), "the AGPL-3.0 text under its 'or any later version' id (§14)"),
    "gpl-2.0-or-later": (None, (), "the GPL-2.0 text under its 'or any later version' id (§9)"),
    "gpl-3.0-or-later": (None, (), "the GPL-3.0 text under its 'or any later version' id (§14)"),
    "lgpl-2.1-or-later": (None, (), "the LGPL-2.1 text under its 'or any later version' id (§13)"),
    "lgpl-3.0-or-later": (None, (), "the LGPL-3.0 text under its 'or any later version' id (§6)"),
    "apache-2.0": (None, (), "§1 'Derivative Works' are works based on the Work; outputs are not"),
    "apple-amlr": (None, (), "'Model Derivatives': modifications, retraining, fine-tuning; outputs not named"),
    "apple-ascl": (None, (), "silent on outputs; notice travels with copies of the software"),
    "bigscience-bloom-rail-1.0": ("full", (), "§1.5 'Derivatives of the Model' include distillation, synthetic data"),
    "bigscience-openrail-m": ("full", (), "§1(e) 'Derivatives of the Model' include distillation"),
    "bsd-3-clause": (None, (), "conditions bind redistributions of the software, not outputs"),
    "cc-by-4.0": (None, (), "§1.a Adapted Material is derived from the Licensed Material; outputs are not"),
    "c4ai-aup": ("full", (), "'our models or model derivatives': read as every model made from them, a student too"),
    "cc-by-nc-4.0": (None, (), "§1.a Adapted Material; §2.a.1 limits the act of generating outputs only"),
    "cc-by-sa-4.0": (None, (), "§1.a Adapted Material; outputs are not the Licensed Material"),
    "creativeml-openrail-m": ("full", (), "§1 'Derivatives of the Model' include distillation"),
    "deepseek": ("full", (), "§1 'Derivatives of the Model' include distillation, synthetic data"),
    "falcon-180b-tii-license-1.0": (None, ("5.2",), "§5.2 'any output' may not create works against the AUP"),
    "falcon-llm-license": (None, ("5.2",), "§5.2 'any output' may not create works against the AUP"),
    "falcon2-11b-tii-license-1.0": (None, ("5.2",), "§5.2 'any output' may not create works against the AUP"),
    "flux-1-dev-non-commercial-license": (None, (), "§1.a 'Outputs are not considered Derivatives'; §2.d bans"),
    "gemma": ("full", (), "§1.1(e) 'Model Derivatives' include distillation, synthetic data Outputs"),
    "gpl-2.0": (None, (), "§0: output is covered only if it is a work based on the Program"),
    "gpl-3.0": (None, (), "§2: output covered only if it 'constitutes a covered work'"),
    "lgpl-2.1": (None, (), "§0: output covered only if it is a work based on the Library"),
    "lgpl-3.0": (None, (), "GPL-3.0 §2 incorporated: output covered only if a covered work"),
    "llama2": (None, (), "§1.b.v bans improving other LLMs with outputs; not a derivative work"),
    "llama3": (None, ("1.b.i, last sentence",), "§1.b.v bans; §1.b.i naming reaches models it helps train"),
    "llama3.1": (None, ("1.b.i, last sentence",), "§1.b.i 'any outputs or results ... to create, train'"),
    "llama3.2": (None, ("1.b.i, last sentence",), "§1.b.i 'any outputs or results ... to create, train'"),
    "llama3.3": (None, ("1.b.i, last sentence",), "§1.b.i 'any outputs or results ... to create, train'"),
    "llama4": (None, ("1.b.i, last sentence",), "§1.b.i 'any outputs or results ... to create, train'"),
    "microsoft-research-license": (None, (), "no derivative defined, outputs not named; §4 'modifications'"),
    "mit": (None, (), "notice binds copies or substantial portions of the Software"),
    "mpl-2.0": (None, (), "§1.6/§1.10 Covered Software and Modifications; outputs are not"),
    "mrl": (None, ("4.2",), "§9 'Derivative' has no outputs; §4.2 'Any Outputs' under §3: research-only follows"),
    # issue 11 (kb-a)
    "qwen": (None, ("5.b",), "'derivative works' undefined; §5.b 'any outputs or results' -> Built with Qwen"),
    "qwen-research": (None, ("4.b",), "'derivative works' undefined; §4.b 'any outputs or results' -> Built with Qwen"),
    "mnpl": (None, (), "§9 'Outputs are not considered as Derivatives'; §4.2 puts no limit on them"),
    "mistral-medium-3.5-modified-mit": (None, (), "item 2 reaches derivatives, modifications, combined works"),
    "kimi-k2-modified-mit": (None, (), "copies or substantial portions; 'derivative works' of the Software"),
    "kimi-k3": (None, (), "'derivative works' of the Software; outputs named only to define internal use"),
    "nvidia-open-model-license": (None, ("3.2",), "§1.1 'An output is not a Derivative Model'; §3.2 Cosmos"),
    "openmdw-1.0": (None, (), "¶4 binds 'any portion of the Model Materials'; ¶6 outputs free"),
    "openmdw-1.1": (None, (), "¶4 binds 'any portion of the Model Materials'; ¶6 outputs free"),
    "openrail++": ("full", (), "§1 'Derivatives of the Model' include distillation"),
    "stabilityai-ai-community": ("full", (), "§V 'Derivative Work(s)' include models derived from output"),
    "tongyi-qianwen": (None, (), "§5.b bans improving other LLMs with outputs; §3 derivative works only"),
    "tongyi-qianwen-research": (None, (), "§4.b bans improving other LLMs with outputs"),
    "xai-community": (None, (), "§2.b bans training foundational models on outputs; §4 outputs unrestricted"),
    # issue 11 (kb-b)
    "tencent-hunyuan-community": ("full", (), "§1.g(iii) 'Model Derivatives' include distillation, synthetic data"),
    "tencent-hunyuan-community-large": ("full", (), "§1.g(iii) 'Model Derivatives' include distillation"),
    "minimax-model": (None, (), "'derivative works' of the Model Materials; outputs not named"),
    "minimax-model-m2.5": (None, (), "the MiniMax-01 text's words: outputs not named"),
    "minimax-m2.7-noncommercial": (None, (), "items 2-4 reach derivative works; outputs not named"),
    "glm-4-9b": (None, ("2, naming",), "§2 naming sentence read to reach models it helps train"),
    "chatglm3-6b": (None, (), "notice binds copies or substantial portions; outputs not named"),
    "yi-community-2.1": ("full", (), "§1 'Derivatives' include output patterns, synthetic data"),
}


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load()


def test_the_audit_table_lists_every_bundled_license(kb):
    assert sorted(DISTILLED_REACH) == sorted(kb.licenses)


@pytest.mark.parametrize("license_id", sorted(DISTILLED_REACH))
def test_what_a_distilled_edge_carries_matches_the_audit(reasoner, kb, license_id):
    """The encoding says it (`terms follow … distilled`, clause-level `follows distilled`), and the
    engine does it: a student distilled from a model under the license, then distributed, carries
    the license in full, only the clauses that follow outputs, or nothing."""
    scope, clauses, _section = DISTILLED_REACH[license_id]
    lic = kb.licenses[license_id].license
    assert ("distilled" in lic.follows) == (scope == "full")
    assert tuple(c.number for c in lic.clauses if "distilled" in c.follows) == clauses
    family = lic.family or "mistral"
    parent = {"id": "up/parent", "license": license_id, **({"family": lic.family} if lic.family else {})}
    student = {"id": "acme/student", "mine": True, "family": family,
               "derived_from": [{"id": "up/parent", "relation": "distilled"}]}
    result = reasoner.ask({"artifacts": [parent, student], "subject": "acme/student",
                           "use": {"acts": ["distribute"], "commercial": False, "purposes": ["research"],
                                   "mau": 1000}})
    on_student = {(a.license, a.scope) for a in result.applicable if a.artifact == "acme/student"}
    expected = {(license_id, scope)} if scope else {(license_id, "clauses")} if clauses else set()
    assert on_student == expected


def _distilled(license_id, into, family=None, **use):
    parent = {"id": "up/parent", "license": license_id, **({"family": family} if family else {})}
    student = {"id": "acme/student", "mine": True, "family": into,
               "derived_from": [{"id": "up/parent", "relation": "distilled"}]}
    return {"artifacts": [parent, student], "subject": "acme/student", "use": use}


@pytest.mark.parametrize("license_id,clause,into", [("gemma", "3.1.1", "mistral"), ("deepseek", "4.a", "mistral"),
                                                    ("bigscience-openrail-m", "4.a", "mistral"),
                                                    ("creativeml-openrail-m", "4.a", "mistral"),
                                                    ("openrail++", "4.a", "mistral"),
                                                    ("bigscience-bloom-rail-1.0", "4.a", "mistral"),
                                                    # IV(b) bans other families: its own family here
                                                    ("stabilityai-ai-community", "IV(a)", "stable-diffusion")])
def test_terms_defined_to_reach_outputs_travel_to_a_distilled_student(reasoner, license_id, clause, into):
    """Distilling, then distributing the student under Apache-2.0 alone, drops terms that travel
    with it: a cited conflict; kept under the license, it is permitted with the terms on it."""
    relabelled = reasoner.ask(_distilled(license_id, into, acts=["distribute"], mau=1000, commercial=False,
                                         outbound_license="apache-2.0"))
    assert relabelled.status == "forbidden"
    assert (license_id, clause) in {(r.license, r.clause) for r in relabelled.reasons}
    kept = reasoner.ask(_distilled(license_id, into, acts=["distribute"], mau=1000, commercial=False))
    if license_id == "stabilityai-ai-community":   # IV(b) bars every student outside its weights (outputs6)
        assert kept.status == "forbidden" and {(r.license, r.clause) for r in kept.reasons} == {
            (license_id, "IV(b), last sentence")}
    else:
        assert kept.status == "permitted"
    assert {o.license for o in kept.obligations if o.artifact == "acme/student"} >= {license_id}


@pytest.mark.parametrize("license_id,family,clause", [("llama2", "llama", "1.b.v"), ("llama3", "llama", "1.b.v"),
                                                      ("tongyi-qianwen", "qwen", "5.b"),
                                                      ("tongyi-qianwen-research", "qwen", "4.b")])
def test_a_ban_on_outputs_decides_the_distilling_but_the_terms_stay_behind(reasoner, license_id, family, clause):
    banned = reasoner.ask(_distilled(license_id, "mistral", family=family, acts=["distribute"], mau=1000, release_mau=1000,
                                     commercial=False, purposes=["research"]))
    assert banned.status == "forbidden"
    assert (license_id, clause) in {(r.license, r.clause) for r in banned.reasons}
    # Into the licensor's own family the ban applies as well since outputs6 (the exception is the
    # student's lineage, `target.derived`), and the student is still no derivative work: no terms of
    # the license travel to it, so relabelling it Apache-2.0 adds no conflict of its own.
    same_family = reasoner.ask(_distilled(license_id, family, family=family, acts=["distribute"], mau=1000,
                                          release_mau=1000, commercial=False, purposes=["research"],
                                          outbound_license="apache-2.0", name="Llama 3 student"))
    assert same_family.status == "forbidden"
    assert {(r.license, r.clause) for r in same_family.reasons} == {(license_id, clause)}
    assert not [o for o in same_family.obligations if o.artifact == "acme/student" and o.license == license_id
                and o.duty in ("include_license", "follow_policy")]


def test_grok_2_bans_training_on_its_outputs_but_its_terms_stay_with_the_weights(reasoner):
    """xAI Community License (Grok 2): 2.b bans using outputs to train a foundational model; the
    student is no derivative (4: no restriction on outputs), so nothing of it reaches the student."""
    banned = reasoner.ask(_distilled("xai-community", "mistral", acts=["distribute"], commercial=False,
                                     purposes=["research"]))
    assert banned.status == "forbidden"
    assert {(r.license, r.clause) for r in banned.reasons} == {("xai-community", "2.b")}
    assert not [a for a in banned.applicable if a.artifact == "acme/student"]
    assert not [o for o in banned.obligations if o.artifact == "acme/student"]
    finetuned = reasoner.ask({"artifacts": [{"id": "xai-org/grok-2", "license": "xai-community"},
                                            {"id": "acme/ft", "mine": True,
                                             "derived_from": [{"id": "xai-org/grok-2", "relation": "finetune"}]}],
                              "subject": "acme/ft", "use": {"acts": ["distribute"], "outbound_license": "mit"}})
    assert finetuned.status == "forbidden"   # a fine-tune is a derivative: the terms travel with it
    assert ("xai-community", "3") in {(r.license, r.clause) for r in finetuned.reasons}


def test_the_hub_id_grok2_community_is_not_guessed_to_be_the_later_text(reasoner):
    result = reasoner.ask({"artifacts": [{"id": "xai-org/grok-2", "license": "grok2-community"}],
                           "use": {"acts": ["use"], "commercial": False}})
    assert result.status == "unknown"
    assert "xai-community" in " ".join(r.message for r in result.reasons)


# --- C1: an empty name is an input error, never "unstated" ------------------------------------

@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_name_on_the_command_line_is_an_input_error(can_i, name):
    run = can_i("distribute", "llama3.1", "--name", name, "--mau", "1000")
    assert run.code == 2
    assert "empty" in run.line()


@pytest.mark.parametrize("where", ["use", "artifact"])
def test_an_empty_name_in_json_is_an_input_error(can_i, where):
    artifact = {"id": "acme/x", "license": "llama3.1"}
    use = {"acts": ["distribute"], "mau": 1000}
    (use if where == "use" else artifact)["name"] = " "
    run = can_i("--request", "-", stdin=json.dumps({"artifacts": [artifact], "use": use}))
    assert run.code == 2
    assert "is empty" in run.line()


def test_hostile_an_empty_name_cannot_dodge_the_llama_naming_duty(can_i):
    """A name that is empty cannot pass for one that starts with "Llama": the distilled student's
    naming duty is never answered YES for it (the request is refused instead)."""
    for name in ["", " ", "\u3000"]:
        run = can_i("distill", "llama3.1", "--into", "mistral", "--and", "distribute", "--name", name)
        assert run.code == 2, run.out


# --- C2: license ids named in clauses must be loaded ------------------------------------------

from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LICENSES = REPO / "facts" / "licenses"

NAMING = '''license tt {
  name "T"
  clause "1" "G" {
    grant all
    relicense forbidden to apache-2.1, mit
  }
  clause "2" "E" {
    excepts "1" for gpl-3
    later versions tt2
  }
  clause "3" "R" {
    relicense copyleft
    relicense with rider "1" to mitt
  }
}
'''


def test_check_reports_every_unknown_license_id_a_clause_names(tmp_path, can_i):
    path = tmp_path / "tt.lic"
    path.write_text(NAMING, encoding="utf-8")
    run = can_i("check", path, LICENSES / "mit.lic")
    assert run.code == 2
    errors = [line for line in run.err.splitlines() if "[DSL109]" in line]
    assert [e.split(": ", 1)[0].rsplit(":", 2)[1:] for e in errors] == [["5", "28"], ["8", "21"], ["9", "20"],
                                                                          ["13", "33"]]
    assert "`apache-2.1`" in errors[0] and "did you mean `apache-2.0`" not in errors[0]  # not among files checked
    assert "`tt2`" in errors[2] and "did you mean `tt`" in errors[2]
    assert "`mitt`" in errors[3] and "did you mean `mit`" in errors[3]
    assert "`mit`," not in run.err   # mit.lic was checked with it


def test_loading_a_knowledge_base_refuses_an_unknown_id_with_a_suggestion(tmp_path, can_i):
    """Loaded as the knowledge base (`--facts`), the first such id is the one-line input error."""
    path = tmp_path / "tt.lic"
    path.write_text(NAMING, encoding="utf-8")
    run = can_i("--facts", path, "--facts", LICENSES / "mit.lic", "--facts", LICENSES / "apache-2.0.lic",
                "distribute", "tt")
    assert run.code == 2
    line = run.line()
    assert "tt.lic:5:28" in line and "`apache-2.1`" in line and "did you mean `apache-2.0`" in line
    assert "DSL109" in line


def test_ids_defined_in_a_later_file_are_known(tmp_path, can_i):
    """The check waits until every file is read: the file naming `zz` comes before zz's own."""
    (tmp_path / "a.lic").write_text('license aa { name "A" clause "1" "G" { grant all relicense forbidden to zz } '
                                    'example "e" { use expect permitted } }', encoding="utf-8")
    (tmp_path / "b.lic").write_text('license zz { name "Z" clause "1" "G" { grant all } '
                                    'example "e" { use expect permitted } }', encoding="utf-8")
    assert can_i("check", tmp_path).code == 0
    assert can_i("--facts", tmp_path, "use", "aa").code == 0


def test_hostile_a_misspelt_relicense_target_cannot_make_a_yes(tmp_path, can_i):
    """`relicense forbidden to gpl3` (meant: gpl-3.0) is refused when loaded, so it can never be
    read as a clause that accepts nothing, or, through a later fix of the id, anything else."""
    text = LICENSES.joinpath("lgpl-2.1.lic").read_text(encoding="utf-8").replace("to gpl-2.0, gpl-3.0",
                                                                                  "to gpl-2.0, gpl3")
    assert "gpl3" in text
    (tmp_path / "lgpl-2.1.lic").write_text(text, encoding="utf-8")
    run = can_i("--facts", tmp_path / "lgpl-2.1.lic", "--facts", LICENSES / "gpl-2.0.lic",
                "--facts", LICENSES / "gpl-3.0.lic", "--facts", LICENSES / "lgpl-3.0.lic",
                "distribute", "lgpl-2.1", "--as", "gpl-3.0")
    assert run.code == 2 and "`gpl3`" in run.line() and "did you mean `gpl-3.0`" in run.line()


def test_based_on_a_missing_license_suggests_the_id(tmp_path, can_i):
    (tmp_path / "x.lic").write_text('license x { name "X" based on llama31 clause "9" "G" { grant all } }',
                                    encoding="utf-8")
    run = can_i("--facts", tmp_path / "x.lic", "--facts", LICENSES / "llama3.1.lic", "use", "x")
    assert run.code == 2 and "did you mean `llama3.1`" in run.line()


def test_every_bundled_license_names_only_loaded_ids(can_i):
    assert can_i("check", LICENSES).code == 0


# --- C4: `check` reports every independent error of a file ------------------------------------

MANY_ERRORS = '''license tt {
  name "T"
  kind modle
  clause "1" "G" {
    grant all
    forbid fly when commercial
  }
  clause "2" "E" {
    must notice "x" when mau > 1M and purpose in {reserch}
  }
  example "a" { host comercial expect permitted }
  example "b" { host expect permited }
}
license t2 {
  name "U"
  clause "1" "G" { grant al }
}
'''


def test_check_reports_every_independent_error_of_a_file_in_order(tmp_path, can_i):
    path = tmp_path / "tt.lic"
    path.write_text(MANY_ERRORS, encoding="utf-8")
    run = can_i("check", path)
    assert run.code == 2
    lines = [line for line in run.err.splitlines() if not line.startswith("  help:")]
    assert lines[-1] == "6 errors in 1 files"
    found = [(line.split(": ", 1)[0].split(":")[-2], line.rsplit("[", 1)[1]) for line in lines[:-1]]
    assert found == [("3", "DSL107]"), ("6", "DSL101]"), ("9", "DSL107]"), ("11", "DSL103]"), ("12", "DSL108]"),
                     ("16", "DSL101]")]
    assert all(line.startswith(str(path) + ":") for line in lines[:-1])


def test_a_syntax_error_still_stops_at_the_first(tmp_path, can_i):
    path = tmp_path / "tt.lic"
    path.write_text('license tt { name "T" clause "1" "G" { grant all } ) }\nlicense t2 { kind } ', encoding="utf-8")
    run = can_i("check", path)
    assert run.code == 2
    assert [line for line in run.err.splitlines() if "[DSL" in line][0].endswith("[DSL001]")
    assert run.err.count("[DSL") == 1


def test_errors_in_clauses_do_not_repeat_as_missing_citations(tmp_path, can_i):
    """An example citing a clause that had an error is not reported again as citing a missing clause."""
    path = tmp_path / "tt.lic"
    path.write_text('license tt { name "T" clause "1" "G" { grant fly } '
                    'example "e" { use expect permitted by "1" } }', encoding="utf-8")
    run = can_i("check", path)
    assert run.err.count("[DSL") == 1 and "[DSL101]" in run.err


def test_the_first_error_of_a_file_is_the_same_when_loading(tmp_path, can_i):
    path = tmp_path / "tt.lic"
    path.write_text(MANY_ERRORS, encoding="utf-8")
    run = can_i("--facts", path, "use", "tt")
    assert run.code == 2 and "[DSL" in run.line()


# --- B: Hub ids that name a family, not a version -----------------------------------------------

FAMILIES = {"gpl": ("gpl-2.0", "gpl-2.0-or-later", "gpl-3.0", "gpl-3.0-or-later"),
            "lgpl": ("lgpl-2.1", "lgpl-2.1-or-later", "lgpl-3.0", "lgpl-3.0-or-later"),
            "bsd": ("bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "bsd-4-clause", "0bsd"),
            "openrail": ("bigscience-openrail-m", "creativeml-openrail-m", "openrail++", "bigcode-openrail-m",
                         "bigscience-bloom-rail-1.0")}
QUESTIONS = [{"acts": ["use"]}, {"acts": ["distribute"]}, {"acts": ["distribute"], "outbound_license": "mit"},
             {"acts": ["distribute"], "outbound_license": "gpl-3.0"},
             {"acts": ["host"], "commercial": True, "purposes": ["medical-advice"]},
             {"acts": ["distribute"], "outbound_license": "apache-2.0", "commercial": True}]


def test_the_family_ids_list_their_versions(kb):
    assert {family: kb.family_versions(family) for family in FAMILIES} == FAMILIES
    assert kb.family_versions("gpl-3.0") == () and kb.family_versions("mit") == ()


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("use", QUESTIONS, ids=lambda u: "+".join(f"{k}={v}" for k, v in u.items()))
def test_a_family_id_answers_what_every_version_answers_or_depends(reasoner, family, use):
    """Never the permissive guess: YES only if every version says YES; one status if all agree;
    otherwise DEPENDS on the version, or UNKNOWN when a version is not encoded."""
    def ask(lid):
        return reasoner.ask({"artifacts": [{"id": "acme/m", "license": lid}], "use": dict(use)})

    each = {version: ask(version).status for version in FAMILIES[family]}
    result = ask(family)
    if len(set(each.values())) == 1:
        assert result.status == next(iter(each.values()))
    else:
        assert result.status == ("unknown" if "unknown" in each.values() else "depends")
    if result.status == "permitted":
        assert set(each.values()) == {"permitted"}
    note = next(n.message for n in result.notes if n.code == "family_version")
    assert all(f"{version}: {status}" in note for version, status in each.items())


def test_gpl_as_mit_is_no_under_every_version(can_i):
    run = can_i("distribute", "gpl", "--as", "mit")
    assert run.code == 1 and run.out.startswith("NO")
    assert "gpl-2.0: forbidden, gpl-2.0-or-later: forbidden, gpl-3.0: forbidden, gpl-3.0-or-later: forbidden" in run.out


def test_gpl_relicensed_as_gpl3_depends_on_the_version(can_i):
    run = can_i("distribute", "gpl", "--as", "gpl-3.0", "--json")
    assert run.code == 3
    doc = run.json()
    assert doc["status"] == "depends"
    assert any("gpl-2.0: forbidden" in n["message"] and "gpl-3.0: permitted" in n["message"] for n in doc["notes"])
    assert ("gpl-2.0", "2.b") in {(r["license"], r["clause"]) for r in doc["reasons"]}


def test_hostile_a_card_with_license_gpl_never_answers_yes_where_a_version_says_no(tmp_path, can_i):
    card = tmp_path / "m" / "README.md"
    card.parent.mkdir()
    def code(license_value, outbound):
        card.write_text(f"---\nlicense: {license_value}\n---\n# model\n", encoding="utf-8")
        return can_i("distribute", card, "--as", outbound, "--no-remedies").code   # (the exit code alone)

    for family, spelling in (("gpl", "gpl"), ("gpl", "GPL"), ("lgpl", "lgpl"), ("gpl", "gpl AND mit"),
                             ("gpl", "(gpl)")):
        for outbound in ("mit", "gpl-3.0", "apache-2.0"):
            versions = [code(spelling.replace(spelling.strip("()").split()[0], v), outbound)
                        for v in FAMILIES[family]]
            if any(c != 0 for c in versions):
                assert code(spelling, outbound) != 0, (spelling, outbound, versions)
    assert code("gpl", "mit") == 1 and code("gpl", "gpl-3.0") == 3 and code("lgpl", "gpl-3.0") == 0


def test_the_duties_of_every_version_are_listed_when_they_agree(reasoner):
    result = reasoner.ask({"artifacts": [{"id": "acme/m", "license": "gpl"}], "use": {"acts": ["distribute"]}})
    assert result.status == "permitted"
    assert {o.license for o in result.obligations} == {"gpl-2.0", "gpl-2.0-or-later", "gpl-3.0", "gpl-3.0-or-later"}
    assert not result.choice   # a version is no choice of the user's


def test_an_or_with_a_family_id_still_lets_the_user_choose(reasoner):
    result = reasoner.ask({"artifacts": [{"id": "acme/m", "license": "gpl OR mit"}],
                           "use": {"acts": ["distribute"], "outbound_license": "mit"}})
    assert result.status == "permitted"
    assert result.choice == {"acme/m": ["mit"]}


# --- C3: the modalities of the model you create, from the command line --------------------------

MULTIMODAL = '''license mm {
  name "MM"
  terms follow merge
  clause "1" "Grant" { grant all }
  clause "2" "No multimodal derivatives" { forbid distribute when derived and multimodal }
  example "a multimodal merge, shipped" { merge distribute into_modality = {text, image} expect forbidden by "2" }
  example "a text merge, shipped" { merge distribute into_modality = {text} expect permitted }
  example "modalities unstated" { merge distribute expect depends by "2" }
}
'''


@pytest.fixture
def mm(tmp_path):
    path = tmp_path / "mm.lic"
    path.write_text(MULTIMODAL, encoding="utf-8")
    return path


def test_a_merge_states_the_merged_models_modalities(can_i, mm):
    both = can_i("--facts", mm, "merge", "mm", "--and", "distribute", "--modality", "text", "--modality", "image")
    assert both.code == 1 and both.out.startswith("NO")
    text = can_i("--facts", mm, "merge", "mm", "--and", "distribute", "--modality", "text")
    assert text.code == 0 and text.out.startswith("YES")
    unstated = can_i("--facts", mm, "merge", "mm", "--and", "distribute")
    assert unstated.code == 3


def test_the_modality_option_comes_from_the_schema(can_i):
    from reasoner import schema
    fact = schema.FACTS["target.modality"]
    assert fact.cli == "--modality" and fact.artifact_field == "modalities" and fact.about == schema.TARGET
    assert "--modality" in can_i("merge", "--help").out


def test_the_example_word_states_the_created_models_modalities(can_i, mm):
    run = can_i("--facts", mm, "test")
    assert run.code == 0, run.out + run.err


@pytest.mark.parametrize("argv,where", [(("use", "mm", "--modality", "text"), "--modality"),
                                        (("merge", "mm", "--modality", "txt"), "--modality"),
                                        (("merge", "mm", "--modality", ""), "--modality")])
def test_hostile_modality_input_is_refused(can_i, mm, argv, where):
    run = can_i("--facts", mm, *argv)
    assert run.code == 2
    assert where in run.line()


# --- properties for the family ids and the created model's modalities ---------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

PROPERTY = settings(max_examples=sized(10, 30), deadline=None, derandomize=True)
some_uses = st.fixed_dictionaries(
    {"acts": st.lists(st.sampled_from(["use", "host", "distribute"]), min_size=1, max_size=2, unique=True)},
    optional={"commercial": st.booleans(), "mau": st.sampled_from([1000, 700_000_001]),
              "territory": st.sampled_from([["EU"], ["US"]]),
              "purposes": st.sampled_from([["research"], ["medical-advice"], ["weapons"]]),
              "outbound_license": st.sampled_from(["mit", "gpl-3.0", "apache-2.0", "lgpl-3.0"])})


@PROPERTY
@given(family=st.sampled_from(sorted(FAMILIES)), use=some_uses, also=st.sampled_from([None, "mit", "llama3"]))
def test_property_a_family_id_is_never_more_permissive_than_its_strictest_version(reasoner, family, use, also):
    def status(lid):
        expression = lid if also is None else f"{lid} AND {also}"
        return reasoner.ask({"artifacts": [{"id": "acme/m", "license": expression}], "use": dict(use)}).status

    each = {status(version) for version in FAMILIES[family]}
    got = status(family)
    assert got != "permitted" or each == {"permitted"}
    assert got in each or got in ("depends", "unknown")


@PROPERTY
@given(license_id=st.sampled_from(sorted(DISTILLED_REACH)), use=some_uses,
       relation=st.sampled_from(["merge", "distilled"]),
       modalities=st.sampled_from([["text"], ["text", "image"], ["image", "audio"]]))
def test_property_stating_the_created_models_modalities_settles_only_what_depended_on_them(
        reasoner, license_id, use, relation, modalities):
    def ask(**created):
        return reasoner.ask({"artifacts": [{"id": "up/p", "license": license_id},
                                           {"id": "acme/new", "mine": True, **created,
                                            "derived_from": [{"id": "up/p", "relation": relation}]}],
                             "subject": "acme/new", "use": dict(use)}).status

    unstated = ask()
    if unstated != "depends":
        assert ask(modalities=modalities) == unstated


@pytest.mark.parametrize("name", ['name ""', ""])
def test_a_license_without_a_name_is_still_an_error_when_collecting(tmp_path, can_i, name):
    path = tmp_path / "x.lic"
    path.write_text(f'license x {{ {name} clause "1" "G" {{ grant all }} }}', encoding="utf-8")
    run = can_i("check", path)
    assert run.code == 2 and "has no `name`" in run.err


def test_a_broken_define_is_reported_once_not_at_every_use(tmp_path, can_i):
    path = tmp_path / "x.lic"
    path.write_text('license x {\n  name "X"\n  define big = mau > 1M and purpose in {reserch}\n'
                    '  clause "1" "G" { grant all forbid host when big }\n'
                    '  clause "2" "H" { forbid use when fly }\n}\n', encoding="utf-8")
    run = can_i("check", path)
    errors = [line for line in run.err.splitlines() if "[DSL" in line]
    assert run.code == 2 and len(errors) == 2, run.err
    assert ":3:" in errors[0] and ":5:" in errors[1] and "`fly`" in errors[1]
