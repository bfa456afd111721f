"""What review7 found trying can-i as a hostile user and embedder (session 5): fixed ones as plain
tests, open ones as strict xfails saying what, where and why it matters."""
from __future__ import annotations

import json

import pytest

from reasoner import Reasoner

R = Reasoner()


def _status(doc) -> str:
    return R.ask(doc).status


# --- 1. the territory of the European Union ---------------------------------------------------------
# Parts of EU member states that ISO 3166-1 gives codes of their own: the outermost regions
# Guadeloupe, French Guiana, Martinique, Réunion, Mayotte and Saint-Martin (TFEU art. 349 and
# 355(1): the Treaties apply there) and the Åland Islands (TFEU 355(4), in the EU with derogations).
# vocabulary.REGIONS held only the 27 member states' codes, so a use in Réunion was outside "the
# territory of the European Union" (Hunyuan §1.l/§5.c: YES) and a company in French Guiana was not
# "domiciled in the EU" (Llama 3.2 vision).

EU_PARTS_WITH_OWN_CODES = ("GP", "GF", "MQ", "RE", "YT", "MF", "AX")


@pytest.mark.parametrize("code", EU_PARTS_WITH_OWN_CODES)
def test_hunyuan_use_in_an_outermost_region_of_the_eu_is_use_outside_its_territory(code):
    doc = {"licenses": ["tencent-hunyuan-community"],
           "use": {"acts": ["use"], "release_mau_own": 1_000_000, "territory": [code]}}
    answer = R.ask(doc)
    assert answer.status == "forbidden"
    assert ("tencent-hunyuan-community", "5.c") in {(r.license, r.clause) for r in answer.reasons}


@pytest.mark.parametrize("code", ("RE", "GF"))
def test_a_company_in_an_outermost_region_is_domiciled_in_the_eu_for_llama_3_2_vision(code):
    doc = {"artifacts": [{"id": "meta-llama/Llama-3.2-11B-Vision-Instruct"}],
           "use": {"acts": ["use"], "domicile": [code], "entity": "company", "role": "licensee"}}
    assert _status(doc) == "forbidden"


@pytest.mark.parametrize("code", ("NC", "PF", "GL", "FO", "AW", "GI"))
def test_overseas_countries_and_territories_outside_the_eu_stay_outside(code):
    """New Caledonia, French Polynesia, Greenland, the Faroes, Aruba and Gibraltar are not EU
    territory (TFEU annex II, 355(5)(a); Gibraltar left with the UK), nor the United Kingdom."""
    doc = {"licenses": ["tencent-hunyuan-community"],
           "use": {"acts": ["use"], "release_mau_own": 1_000_000, "territory": [code]}}
    assert _status(doc) == "permitted"


# --- 2. license encodings against their primary texts -----------------------------------------------

# xai-community.lic clause 3 triggered include_license, the notice and 'Powered by xAI' only `when
# distribute`; the text (§3) reads 'If you distribute the Materials, derivatives, or products/services
# incorporating them' and asks for the display 'in related materials or interfaces': a hosted Grok 2
# service is a service incorporating them (fixed by the lead: `when distribute or host`).
def test_hosting_grok_2_owes_the_powered_by_xai_display_and_the_agreement():
    answer = R.ask({"licenses": ["xai-community"], "use": {"acts": ["host"], "commercial": True}})
    duties = {(o.duty, (o.params or {}).get("text")) for o in answer.obligations}
    assert ("display", "Powered by xAI") in duties
    assert any(duty == "include_license" for duty, _ in duties)


# --- 3. grants ----------------------------------------------------------------------------------------

def test_a_publisher_alone_as_a_grant_says_to_name_the_artifact_and_does_not_suggest_itself():
    """`--grant meta-llama` (the Hub organisation, not the licensor id `meta`) was an error whose hint
    read "did you mean `meta-llama` …?", the very word typed (api.py `_unknown_grantor` offered the
    request's publishers as options). review6 saw it with `stabilityai`. It is still an error (a
    publisher alone is no grant), now one that names the licensor, whose grant lifts the cap
    (`meta-llama:ARTIFACT` would not: llama3's licensor is fixed)."""
    from reasoner.errors import RequestError

    doc = {"artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"}],
           "use": {"acts": ["host"], "commercial": True, "release_mau": 800_000_000, "role": "licensee",
                   "grants": ["meta-llama"]}}
    with pytest.raises(RequestError) as caught:
        R.ask(doc)
    message = str(caught.value)
    assert "did you mean `meta-llama`" not in message
    assert "`meta`" in message
    doc["use"]["grants"] = ["meta"]
    assert R.ask(doc).status == "permitted"


def test_a_template_licensed_publisher_alone_as_a_grant_is_pointed_at_publisher_artifact():
    from reasoner.errors import RequestError

    doc = {"artifacts": [{"id": "acme/nc-model", "license": "cc-by-nc-4.0"}],
           "use": {"acts": ["host"], "commercial": True, "grants": ["acme"]}}
    with pytest.raises(RequestError, match="`acme:acme/nc-model`") as caught:
        R.ask(doc)
    assert "did you mean `acme`" not in str(caught.value)
    doc["use"]["grants"] = ["acme:acme/nc-model"]
    assert R.ask(doc).status == "permitted"


# --- 4. profiles --------------------------------------------------------------------------------------

def test_a_can_i_toml_written_as_pyproject_is_an_error_at_its_line_saying_where_the_facts_go(tmp_path):
    """`[tool.can-i]` copied from a pyproject.toml into a can-i.toml was "can-i.toml: unknown profile
    key `tool`" with no line:col (profile.py `_position` matched a table header only when it was the
    whole key, not one that starts with it), and no word on where the facts belong."""
    from reasoner.profile import ProfileError, load_profile

    path = tmp_path / "can-i.toml"
    path.write_text("# standing facts\n\n[tool.can-i]\ncommercial = true\n")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.location.endswith("can-i.toml:3:1")
    assert "top level" in str(caught.value)


def test_an_unknown_table_in_a_profile_is_located_at_its_header(tmp_path):
    from reasoner.profile import ProfileError, load_profile

    path = tmp_path / "can-i.toml"
    path.write_text("commercial = true\n\n[limits.users]\nmau = 5\n")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.location.endswith("can-i.toml:3:1")


# --- 5. the license DSL -------------------------------------------------------------------------------

_HEAD = ('license x-deep {\n  name "X"\n  version "1"\n  licensor "X"\n  url "https://x"\n  kind model\n'
         '  osi no\n  terms follow finetune\n  clause "1" "c" {\n    grant all\n')


@pytest.mark.parametrize("condition", ["not " * 5000 + "commercial",
                                       "(" * 40 + "not " * 5000 + "commercial" + ")" * 40,
                                       " or ".join(["commercial"] * 3000)])
def test_a_condition_nested_too_deeply_is_an_error_at_its_line(tmp_path, capsys, condition):
    """Thousands of `not`s or `or`s: "x.lic: a condition is nested too deeply …" named the file
    only (parse.py `too_deep`, compile.py), the one DSL error without line:col; it now points at
    the deepest place (or, with no nesting, the longest line)."""
    from reasoner.cli import main

    path = tmp_path / "x-deep.lic"
    path.write_text(_HEAD + "    forbid host when " + condition + "\n  }\n}\n")
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr()
    assert f"{path}:11:" in out.out + out.err and "nested too deeply" in out.out + out.err
    assert "Traceback" not in out.out + out.err


# --- 6. model cards: license_link ---------------------------------------------------------------------

def _card_answer(tmp_path, front_matter: str, *options: str) -> dict:

    card = tmp_path / "card" / "README.md"
    card.parent.mkdir(exist_ok=True)
    card.write_text(f"---\n{front_matter}\n---\n# a model\n")
    from reasoner.cli import main
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["use", str(card), *options, "--json"])
    return {"code": code, **json.loads(out.getvalue())}


@pytest.mark.parametrize("link", [
    "https://hf.co/meta-llama/Meta-Llama-3-8B/blob/main/LICENSE",          # the Hub's own short domain
    "https://www.huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/LICENSE",
    "https://llama.meta.com/llama3/license/",                              # llama3.lic's own url
    "http://LLAMA.META.COM/llama3/license",
])
def test_a_card_labelled_apache_whose_license_link_is_the_llama_3_license_stays_under_llama(tmp_path, link):
    """subjects.py `_add_linked_license` binds the license a card's `license_link` points at when it
    is a huggingface.co file link into a catalog model (so `license: apache-2.0` cannot drop the
    linked text's terms). The same link through hf.co (the Hub's short domain) or www., or the
    license's own url as the encoding states it, was not read: military use answered YES."""
    answer = _card_answer(tmp_path, f"license: apache-2.0\nlicense_link: {link}", "--purpose", "military")
    assert answer["status"] == "forbidden" and answer["code"] == 1


def test_a_card_whose_license_link_is_its_own_licenses_url_is_unchanged(tmp_path):
    answer = _card_answer(tmp_path, "license: mit\nlicense_link: https://opensource.org/license/mit",
                          "--commercial")
    assert answer["status"] == "permitted"


# --- 7. CycloneDX BOMs: pedigree variants and license evidence -----------------------------------------

_LLAMA_COMPONENT = {"type": "machine-learning-model", "bom-ref": "llama", "group": "meta-llama",
                    "name": "Meta-Llama-3-8B", "purl": "pkg:huggingface/meta-llama/Meta-Llama-3-8B"}


def _cyclonedx(tmp_path, **subject_extra) -> str:
    subject = {"type": "machine-learning-model", "bom-ref": "me", "group": "acme", "name": "bot",
               "licenses": [{"license": {"id": "MIT"}}], **subject_extra}
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
           "metadata": {"component": subject}, "components": []}
    path = tmp_path / "model.cdx.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_a_cyclonedx_variant_of_llama_is_not_dropped_into_a_yes(tmp_path, capsys):
    """CycloneDX `pedigree.variants`: "the relationship between the components is not known" (it
    may derive from it). bom.py read only `ancestors`, so a model listing Llama 3 as a variant was
    read without it: military use answered YES, with no note. Now an input error asking which."""
    pytest.importorskip("cyclonedx")
    from reasoner.cli import main

    path = _cyclonedx(tmp_path, pedigree={"variants": [_LLAMA_COMPONENT]})
    code = main(["use", path, "--purpose", "military"])
    err = capsys.readouterr().err
    assert code == 2 and "pedigree.variants[0]" in err and "ancestors" in err


def test_a_cyclonedx_descendant_stays_out_of_the_models_terms(tmp_path):
    """`pedigree.descendants` are the other way round (they derive from the model): they add nothing."""
    pytest.importorskip("cyclonedx")
    from reasoner.cli import main

    path = _cyclonedx(tmp_path, pedigree={"descendants": [_LLAMA_COMPONENT]})
    assert main(["use", path, "--purpose", "military"]) == 0


def test_license_evidence_in_a_cyclonedx_component_binds_as_its_licenses_do(tmp_path):
    """`evidence.licenses` (licenses a scan found in the component, e.g. the Llama 3 text) were not
    read: the MIT label alone answered YES to military use. Every license listed binds (README:
    "all of them binding when several are listed"); found evidence is read the same way."""
    pytest.importorskip("cyclonedx")
    from reasoner.cli import main

    path = _cyclonedx(tmp_path, evidence={"licenses": [{"license": {"name": "llama3"}}]})
    assert main(["use", path, "--purpose", "military"]) == 1


def test_matching_a_license_link_against_the_licenses_urls_loads_no_license():
    """`_license_at` reads the urls through `LicenseIndex.urls()` (now `addresses()`) (a cache entry keyed by the files,
    as `licensor_ids`): iterating the licenses loaded and compiled all 58 (~60 ms of a card question).
    The entry is written once (a first reading loads the files): another Reasoner fills it first,
    or the test failed whenever it ran before any other had, as in a fresh cache folder."""
    Reasoner().kb.licenses.addresses()
    fresh = Reasoner()
    pending = len(fresh.kb.licenses.pending)
    addresses = fresh.kb.licenses.addresses()   # was urls(): each license's `url`, now with its `also_at`s
    assert addresses["llama3"][0] == "https://llama.meta.com/llama3/license/" and len(addresses) >= 58
    assert "https://github.com/meta-llama/llama3/blob/main/LICENSE" in addresses["llama3"]
    assert len(fresh.kb.licenses.pending) == pending > 0


# --- 8. audit: a deep chain of cards -----------------------------------------------------------------

def _chain_cards(count: int):
    from reasoner.audit import Card

    yield Card("acme/m0", "chain.jsonl", 1, {"license": "mit", "base_model": "meta-llama/Meta-Llama-3-8B"})
    for i in range(1, count):
        yield Card(f"acme/m{i}", "chain.jsonl", i + 1, {"license": "mit", "base_model": f"acme/m{i - 1}"})


def test_an_audit_of_a_chain_of_cards_plans_work_linear_in_the_cards():
    """A chain of N cards planned N*(N+1)/2 artifacts (every question held its whole ancestry among
    the run's cards: 500 cards 0.83 GB and 30 s, 2,000 cards out of memory under 3 GB). A model
    with more than audit.MAX_AUDIT_ANCESTRY ancestors among the run's cards is now not answered
    (an invalid row, one line, exit 2), so a question holds at most that many: the work grows
    with the cards. (Fixed on h/edges; test_edges6 checks the rows and the exit code.)"""
    from reasoner.audit import MAX_AUDIT_ANCESTRY, AuditGraph

    count = 300
    graph = AuditGraph(R.kb, _chain_cards(count))
    items = graph.chunk_items(list(graph.models))
    planned = sum(len(item["request"]["artifacts"]) for item in items if "request" in item)
    assert planned <= 20 * count, f"{planned} artifacts planned for {count} cards"
    refused = [item for item in items if "request" not in item]
    assert len(refused) == count - MAX_AUDIT_ANCESTRY - 1
    assert all("limit MAX_AUDIT_ANCESTRY" in item["error"] for item in refused)


def test_running_out_of_memory_is_one_line_and_exit_2_not_a_traceback(monkeypatch, capsys):
    """Under a memory limit (ulimit -v, a container) clingo raises MemoryError("bad_alloc"): the
    2,000-card chain above ended in a Python traceback. cli.main now reports it as a limit error,
    one line (and the JSON error document under --json), exit 2, as RecursionError already was."""
    from reasoner import api
    from reasoner.cli import main

    def exhausted(*args, **kwargs):
        raise MemoryError("bad_alloc")

    monkeypatch.setattr(api.Reasoner, "ask", exhausted)
    monkeypatch.setattr(api.Reasoner, "answer_each", exhausted)
    assert main(["--json", "host", "mit"]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.err and len(out.err.strip().splitlines()) == 1 and "memory" in out.err
    assert json.loads(out.out)["error"]["code"] == "limit"
