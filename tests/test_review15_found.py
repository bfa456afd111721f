"""Hostile review 15 (session 6, main at a98f079): what session 5 added (outputs received as data,
`generated_outputs`, license_link resolution, CycloneDX evidence and dependencies, the DSL's
`outputs_licensee`, remedies) and every input path.

Each test passes when the behaviour is right; a strict xfail names a wrong answer left open (see
NOTES-review15.md, ranked by severity).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from reasoner import Reasoner
from reasoner.remedies import apply_changes

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli  # noqa: E402

pytestmark = pytest.mark.usefixtures("bundled_kb")

R = Reasoner(cache_size=0)
LLAMA3 = "meta-llama/Meta-Llama-3-8B"


def _card(tmp_path, link, license="apache-2.0"):
    folder = tmp_path / "card"
    folder.mkdir(exist_ok=True)
    (folder / "README.md").write_text(f"---\nlicense: {license}\nlicense_link: {link}\n---\n# m\n", encoding="utf-8")
    return folder / "README.md"


# --- license_link: the linked text binds however the address is written ---------------------------

@pytest.mark.parametrize("link", [
    "https://llama.meta.com/llama3/license/#section-2",        # a fragment
    "https://llama.meta.com/llama3/license?utm_source=hf",     # a query
    "https://www.llama.com/llama3/license/",                   # Meta's current domain for the same text
    "HTTP://LLAMA.META.COM/llama3/license",                    # scheme and host case, no trailing slash
])
def test_a_license_link_to_the_llama3_text_binds_however_the_address_is_spelt(capsys, tmp_path, link):
    """subjects._url_key compared addresses with their query and fragment, and llama.meta.com and
    www.llama.com (which serves the same texts; the .lic files name both domains) as different
    sites: a card labelled apache-2.0 whose license_link is the Llama 3 license was YES for
    military use (review 7 made the bare address bind, not these spellings)."""
    run = run_cli(capsys, "use", _card(tmp_path, link), "--purpose", "military", "--no-remedies", "--json")
    assert run.json()["status"] == "forbidden", link


@pytest.mark.parametrize("link", [
    "https://huggingface.co/xai-org/grok-2/blob/main/LICENSE",   # xai-community's own url, verbatim
    "https://hf.co/xai-org/grok-2/resolve/main/LICENSE",        # the same file through hf.co / resolve
    "https://huggingface.co/xai-org/grok-2/raw/main/LICENSE?download=true",
])
def test_a_license_link_that_is_a_licenses_own_hub_address_binds_when_the_repo_is_not_in_the_catalog(
        capsys, tmp_path, link):
    """subjects._add_linked_license tried the licenses' own urls only for links that were NOT Hub
    file links; a Hub file link into a repo the catalog does not hold (xai-org/grok-2, whose LICENSE
    is xai-community's own url) named nothing. A card labelled apache-2.0 that links the Grok 2
    license: training an LLM on its outputs (xai-community 2.b) was YES."""
    run = run_cli(capsys, "distill", _card(tmp_path, link), "--into", "mistral", "--generated-outputs",
                  "--no-remedies", "--json")
    assert run.json()["status"] == "forbidden", link


def test_an_unrelated_license_link_adds_nothing(capsys, tmp_path):
    """The wider matching stays exact on the path: the Apache text, a relative LICENSE file and
    a Hub repo the catalog does not know add no terms (an MIT card stays YES)."""
    for link in ("https://www.apache.org/licenses/LICENSE-2.0", "LICENSE",
                 "https://huggingface.co/acme/unknown/blob/main/LICENSE",
                 "https://www.llama.com/llama3/use-policy/"):
        run = run_cli(capsys, "use", _card(tmp_path, link, license="mit"), "--purpose", "military",
                      "--no-remedies", "--json")
        assert run.json()["status"] == "permitted", link


def test_a_license_link_to_the_llama3_text_on_github_binds(capsys, tmp_path):
    """Was a strict xfail (review 15): subjects._license_at matched a license_link only against
    each license's one `url`, so a card labelled apache-2.0 that links the Llama 3 text on GitHub
    was YES for military use. A license now lists the other addresses its licensor publishes the
    text at (`also_at`, tests/test_also_at.py)."""
    run = run_cli(capsys, "use", _card(tmp_path, "https://github.com/meta-llama/llama3/blob/main/LICENSE"),
                  "--purpose", "military", "--no-remedies", "--json")
    assert run.json()["status"] == "forbidden"


# --- CycloneDX: a data component's dependencies ----------------------------------------------------

def _cdx_data_depending_on_llama3(tmp_path):
    """The user's model trained on a `data` component (modelCard dataset ref) that DEPENDS ON the
    Llama 3 component (`dependencies`), the CycloneDX way to say the data was made with it."""
    llama = {"type": "machine-learning-model", "bom-ref": "llama", "group": "meta-llama", "name": "Meta-Llama-3-8B"}
    data = {"type": "data", "bom-ref": "data", "group": "x", "name": "syn", "licenses": [{"license": {"id": "MIT"}}]}
    mine = {"type": "machine-learning-model", "bom-ref": "mine", "group": "acme", "name": "student",
            "licenses": [{"license": {"id": "Apache-2.0"}}], "properties": [{"name": "can-i:mine", "value": "true"}],
            "modelCard": {"modelParameters": {"datasets": [{"ref": "data"}]}}}
    path = tmp_path / "dep.cdx.json"
    path.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                                "metadata": {"component": mine}, "components": [data, llama],
                                "dependencies": [{"ref": "data", "dependsOn": ["llama"]}]}), encoding="utf-8")
    return path


def test_a_cyclonedx_data_component_that_depends_on_a_model_holds_its_outputs_and_terms(capsys, tmp_path):
    """bom.py read `dependencies` only from model components (`kind_of.get(child) != "model"`):
    a data component's dependency on Llama 3 was dropped with no note, and the user's model trained
    on that data was YES with the outputs generated (SPDX 3's dependsOn, and a pedigree ancestor,
    read since review 8, say NO/DEPENDS) and YES for military use of the data's terms."""
    pytest.importorskip("cyclonedx")
    path = _cdx_data_depending_on_llama3(tmp_path)
    generated = run_cli(capsys, "use", path, "--generated-outputs", "--release-mau", "1M", "--commercial",
                        "--no-remedies", "--json").json()
    assert generated["status"] != "permitted"
    assert any(d["license"] == "llama3" for d in generated["depends_on"] + generated["reasons"])
    military = run_cli(capsys, "use", path, "--purpose", "military", "--no-remedies", "--json").json()
    assert military["status"] == "forbidden"


# --- the DSL: an outputs-as-data rule with no ban beside it ----------------------------------------

OUTPUTS_ONLY = '''license acme-test {
  name "Acme Test License"
  licensor "Acme"
  url "https://example.com/acme"
  kind model
  terms follow finetune

  clause "1" "Grant" {
    grant all
  }

  clause "2" "No improving other models with outputs" {
    forbid distill when outputs_licensee
  }
}
'''


def test_an_outputs_licensee_rule_without_the_ban_it_repeats_is_a_located_error(capsys, tmp_path):
    """rules.lp judges a distillation (and outputs the user generated) by a license's rules that do
    NOT test `outputs_licensee`; a rule that tests it is in force only for outputs received. A
    license of one's own written the natural way, `forbid distill when outputs_licensee` alone,
    passed `can-i check` and answered YES to a direct distillation and to --generated-outputs
    (DEPENDS only with --received-outputs: backwards). compile.py now refuses it (DSL401)."""
    (tmp_path / "acme-test.lic").write_text(OUTPUTS_ONLY, encoding="utf-8")
    for argv in (("check", tmp_path), ("distill", "acme-test", "--into", "mistral", "--generated-outputs")):
        run = run_cli(capsys, "--facts", tmp_path, *argv)
        assert run.code == 2 and "acme-test.lic:13:5:" in run.err and "DSL401" in run.err, run.err


def test_an_outputs_licensee_rule_beside_its_ban_compiles(capsys, tmp_path):
    """The bundled form (the ban, and the ban again for outputs received) still compiles and
    answers NO / DEPENDS."""
    text = OUTPUTS_ONLY.replace('    grant all\n  }\n', '    grant all\n    forbid distill\n  }\n', 1)
    (tmp_path / "acme-test.lic").write_text(text, encoding="utf-8")
    generated = run_cli(capsys, "--facts", tmp_path, "distill", "acme-test", "--into", "mistral",
                        "--generated-outputs", "--no-remedies", "--json")
    received = run_cli(capsys, "--facts", tmp_path, "distill", "acme-test", "--into", "mistral",
                       "--received-outputs", "--no-remedies", "--json")
    assert (generated.json()["status"], received.json()["status"]) == ("forbidden", "depends")


# --- remedies: their edits apply to the request as the user wrote it ------------------------------

def test_a_remedys_edits_apply_to_a_request_that_spells_a_fact_the_old_way():
    """A remedy's `edits` set `use.revenue`; a request written with the old spelling
    `revenue_usd` (schema.py alias, still read) then held both, an input error ("two spellings of
    one fact"): an embedder applying a verified remedy to its own request could not ask again."""
    doc = {"licenses": ["stabilityai-ai-community"],
           "use": {"acts": ["use"], "commercial": True, "revenue_usd": 5_000_000}}
    answer = R.ask({**doc, "remedies": True})
    assert answer.status != "permitted" and answer.remedies
    for remedy in answer.remedies:
        fixed = apply_changes(copy.deepcopy(doc), [e for c in remedy.changes for e in c.edits])
        assert R.ask(fixed).status == "permitted", [c.message for c in remedy.changes]


# --- the DSL: an example that states one fact twice -----------------------------------------------

def test_an_example_stating_one_fact_twice_is_a_located_error(capsys, tmp_path):
    """examples.example_request kept the last word of a flag silently: `distill received_outputs
    generated_outputs` ran as generated (and `commercial noncommercial` as non-commercial), so an
    example could pass while saying the opposite of what its author read. Now DSL401 at the word."""
    text = OUTPUTS_ONLY.replace('    grant all\n  }\n', '    grant all\n    forbid distill\n  }\n', 1).replace(
        '\n}\n', '\n  example "both" { distill received_outputs generated_outputs into = mistral expect depends }\n}\n')
    (tmp_path / "acme-test.lic").write_text(text, encoding="utf-8")
    run = run_cli(capsys, "check", tmp_path / "acme-test.lic")
    assert run.code == 2 and "acme-test.lic:16:45:" in run.err and "DSL401" in run.err, run.err


# --- outputs as data: a fine-tune of another family trained on the outputs ------------------------

def test_a_mistral_fine_tune_trained_on_llama3_outputs_it_generated_is_not_left_to_its_family():
    """Was a strict xfail (DEPENDS on target.family, with the remedy "state target.family llama",
    which can never hold for a Mistral fine-tune): the 1.b.v exception is now the student's lineage
    (`target.derived`: it takes the weights of a model under llama3), not its family, so a fine-tune
    of catalog Mistral-7B trained on Llama 3 outputs the user generated is NO."""
    doc = {"artifacts": [{"id": "me/s", "mine": True,
                          "derived_from": [{"id": "mistralai/Mistral-7B-v0.1", "relation": "finetune"},
                                           {"id": "x/syn", "relation": "trained_on"}]},
                         {"id": "x/syn", "license": "mit", "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}],
           "subject": "me/s", "use": {"acts": ["distribute"], "generated_outputs": True, "release_mau": 1_000_000}}
    answer = R.ask({**doc, "remedies": True})
    assert answer.status == "forbidden"
    assert not any("target.family" in c.message for r in answer.remedies for c in r.changes)


def test_a_mistral_fine_tune_trained_on_llama3_outputs_is_never_yes():
    """The guard beside the xfail above: whatever its family, never YES with the outputs generated."""
    doc = {"artifacts": [{"id": "me/s", "mine": True,
                          "derived_from": [{"id": "mistralai/Mistral-7B-v0.1", "relation": "finetune"},
                                           {"id": "x/syn", "relation": "trained_on"}]},
                         {"id": "x/syn", "license": "mit", "derived_from": [{"id": LLAMA3, "relation": "distilled"}]}],
           "subject": "me/s", "use": {"acts": ["distribute"], "generated_outputs": True, "release_mau": 1_000_000}}
    assert R.ask(doc).status in ("forbidden", "depends")


# --- outputs as data: who generated them, unstated, under a license with no outputs clause ---------

def _trained_on_outputs_of(license, **use):
    """The user's own Mistral-family model trained on `x/syn`, outputs of `g/gen` under `license`."""
    return {"artifacts": [{"id": "me/s", "mine": True, "family": "mistral",
                           "derived_from": [{"id": "x/syn", "relation": "trained_on"}]},
                          {"id": "x/syn", "license": "mit", "derived_from": [{"id": "g/gen", "relation": "distilled"}]},
                          {"id": "g/gen", "license": license}],
            "subject": "me/s", "use": {"acts": ["use"], "release_mau": 1_000_000, "commercial": True, **use}}


@pytest.mark.parametrize("license", ["cc-by-nc-4.0", "microsoft-research-license"])
def test_outputs_of_a_noncommercial_model_unstated_who_generated_them_is_not_yes(license):
    """rules.lp 'Outputs received as data' made a context for data holding P's outputs only when
    generated_outputs was stated true or P had outputs-as-data rules: under any other license whose
    terms judge the distillation (cc-by-nc-4.0, microsoft-research-license, mnpl, ...: NO when
    generated), the fact UNSTATED answered YES. Now DEPENDS on generated_outputs (outputs_open)."""
    generated = R.ask(_trained_on_outputs_of(license, generated_outputs=True))
    assert generated.status == "forbidden"
    assert R.ask(_trained_on_outputs_of(license)).status == "depends"


def test_outputs_of_a_noncommercial_model_generated_or_received():
    """The two stated cases beside the xfail: generated is NO (the user ran the NC model
    commercially), received is YES (a recipient of outputs is not the licensee)."""
    assert R.ask(_trained_on_outputs_of("cc-by-nc-4.0", generated_outputs=True)).status == "forbidden"
    assert R.ask(_trained_on_outputs_of("cc-by-nc-4.0", generated_outputs=False)).status == "permitted"


# --- CycloneDX: license evidence on the user's own model -------------------------------------------

def test_license_evidence_on_your_own_model_is_not_read_as_your_own_license(capsys, tmp_path):
    """bom.py reads `evidence.licenses` as listed licenses (review 7); on a component marked
    `can-i:mine` those are the licenses the user gives their model, which bind its recipients and
    not the user. A scan that found the Llama 3 license in the user's own model therefore bound no
    one: military use was YES. Now an input error naming what to list under pedigree.ancestors;
    evidence that only confirms a license the model states is fine."""
    pytest.importorskip("cyclonedx")
    mine = {"type": "machine-learning-model", "group": "acme", "name": "student",
            "licenses": [{"license": {"id": "Apache-2.0"}}], "evidence": {"licenses": [{"expression": "LLAMA3"}]},
            "properties": [{"name": "can-i:mine", "value": "true"}]}
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": mine}, "components": []}
    path = tmp_path / "mine.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run = run_cli(capsys, "use", path, "--purpose", "military", "--no-remedies")
    assert run.code == 2 and "metadata.component.evidence.licenses" in run.line()
    mine["evidence"] = {"licenses": [{"license": {"id": "Apache-2.0"}}]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run_cli(capsys, "use", path, "--purpose", "military", "--no-remedies").code == 0
    del mine["properties"]   # a model received: the evidence binds as before (NO)
    mine["evidence"] = {"licenses": [{"expression": "LLAMA3"}]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run_cli(capsys, "use", path, "--purpose", "military", "--no-remedies").code == 1


# --- remedies: another base model, not another origin for the data received -------------------------

def test_replacing_a_parent_never_rewrites_the_data_the_user_received():
    """remedies._propose's replace_parent edited every artifact deriving from the parent: for a
    user's fine-tune of Llama 2 trained on received data distilled from Llama 2 (cc-by-4.0: its
    no-further-restrictions clause conflicts with the Llama 2 terms the data carries), the remedy
    "build on Qwen/Qwen2-7B instead of meta-llama/Llama-2-7b-hf" also rewrote the DATASET as made
    by Qwen2, and was YES only because of that: building on another model does not change who made
    the data. Now a parent that someone else's model or data also derives from is not replaced."""
    doc = {"artifacts": [{"id": "me/s", "mine": True, "family": "gemma",
                          "derived_from": [{"id": "d/r1", "relation": "trained_on"},
                                           {"id": "meta-llama/Llama-2-7b-hf", "relation": "finetune"}]},
                         {"id": "d/syn", "license": "cc-by-4.0",
                          "derived_from": [{"id": "meta-llama/Llama-2-7b-hf", "relation": "distilled"}]},
                         {"id": "d/r0", "license": "cc-by-4.0", "derived_from": [{"id": "d/syn", "relation": "quantized"}]},
                         {"id": "d/r1", "license": "cc-by-4.0", "derived_from": [{"id": "d/r0", "relation": "merge"}]}],
           "subject": "me/s", "use": {"acts": ["distribute"], "territory": ["EU"]}}
    answer = R.ask({**doc, "remedies": True})
    assert answer.status == "forbidden"
    mine = {"me/s"}
    for remedy in answer.remedies:
        for change in remedy.changes:
            assert all(edit[1][0] == "use" or edit[1][1] in mine for edit in change.edits), change.message


# --- cards: a list of license links; an audit record's front matter as a mapping --------------------

def test_a_list_of_license_links_binds_each(capsys, tmp_path):
    """subjects._add_linked_license skipped any license_link that is not one string: a card
    labelled apache-2.0 listing [LICENSE, the Llama 3 license url] was YES for military use."""
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nlicense_link:\n  - LICENSE\n"
                                      "  - https://llama.meta.com/llama3/license/\n---\n", encoding="utf-8")
    run = run_cli(capsys, "use", folder / "README.md", "--purpose", "military", "--no-remedies", "--json")
    assert run.json()["status"] == "forbidden"


def test_an_audit_record_whose_front_matter_is_a_mapping_is_read(capsys, tmp_path):
    """audit._record_card read `front_matter` only as YAML text; given as a JSON object (what a
    dump of parsed cards holds) it fell through to `cardData`, found none and read the model as
    having no card: every key, license and base model dropped without a word (UNKNOWN "the card
    states no license"). A mapping is now the card; any other type is an invalid card."""
    path = tmp_path / "cards.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "acme/a", "front_matter": {"license": "apache-2.0", "base_model": LLAMA3}},
        {"id": "acme/b", "front_matter": ["license: mit"]}]) + "\n", encoding="utf-8")
    rows = {r["id"]: r for r in run_cli(capsys, "audit", path, "-q", "--json").json()["results"]}
    assert rows["acme/a"]["status"] == "forbidden"           # a Llama 3 fine-tune relabelled apache-2.0
    assert rows["acme/b"]["status"] == "invalid"


# --- the Hub on 127.0.0.1: a fetched parent card's license_link binds -----------------------------

@pytest.fixture
def local_hub(tmp_path, monkeypatch):
    """A Hub on 127.0.0.1 serving the model cards in `cards` (repo id -> front matter)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import unquote

    cards: dict = {}

    class Hub(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            repo, sep, rest = unquote(self.path.split("?")[0]).lstrip("/").partition("/resolve/")
            body = f"---\n{cards[repo]}\n---\n# {repo}\n".encode() if sep and repo in cards else None
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            if body:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    # A cache of its own (no card fetched before), holding the parsed license files already
    # there: a cold one re-parses all 58 (~3 s) when a license_link is matched against their urls.
    # Best effort: other processes add and prune entries while this copies.
    import shutil
    from reasoner.resources import cache_folder

    (tmp_path / "cache").mkdir()
    for entry in cache_folder().glob("*.marshal") if cache_folder().is_dir() else ():
        try:
            shutil.copy2(entry, tmp_path / "cache" / entry.name)
        except OSError:
            pass
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    yield cards
    server.shutdown()
    server.server_close()


def test_a_fetched_parent_cards_license_link_binds_its_child(capsys, tmp_path, local_hub):
    """--hub reads an unknown parent's card through the same reader: its license_link (here the
    Llama 3 text at www.llama.com, which _url_key did not match before) binds the parent, and so
    the child fine-tuned from it; a licensor-org release whose card links the text keeps it too."""
    pytest.importorskip("huggingface_hub")
    local_hub["acme/relabelled"] = "license: apache-2.0\nlicense_link: https://www.llama.com/llama3/license/"
    local_hub["meta-llama/Llama-3-fake"] = "license: mit\nlicense_link: https://llama.meta.com/llama3/license/#top"
    for parent in ("acme/relabelled", "meta-llama/Llama-3-fake"):
        folder = tmp_path / parent.replace("/", "_")
        folder.mkdir()
        (folder / "README.md").write_text(f"---\nlicense: mit\nbase_model: {parent}\n---\n", encoding="utf-8")
        run = run_cli(capsys, "use", folder / "README.md", "--purpose", "military", "--hub", "--no-remedies", "--json")
        assert run.json()["status"] == "forbidden", parent


@pytest.mark.parametrize("label,link,status", [
    ("mit", "https://www.gnu.org/licenses/gpl-3.0.html", "forbidden"),
    ("apache-2.0", "https://www.gnu.org/licenses/agpl-3.0.html", "forbidden"),
    ("gpl-3.0", "https://www.gnu.org/licenses/gpl-3.0.html", "forbidden"),          # unchanged
    ("GPL-3.0-or-later", "https://www.gnu.org/licenses/gpl-3.0.html", "forbidden"),  # unchanged
])
def test_a_license_link_to_a_text_two_ids_share_binds_as_either(capsys, tmp_path, label, link, status):
    """subjects._license_at returned nothing when two encodings share a url (gpl-3.0 and
    gpl-3.0-or-later both point at gnu.org's GPL-3.0 text): a card labelled mit whose
    license_link is the GPL text was YES to distributing it as MIT. The text there is either, so
    the link now adds `gpl-3.0 OR gpl-3.0-or-later` unless the card already names one of them."""
    run = run_cli(capsys, "distribute", _card(tmp_path, link, license=label), "--as", "mit", "--no-remedies", "--json")
    assert run.json()["status"] == status


def test_a_card_with_thousands_of_license_links_is_read_in_one_pass_over_the_urls(tmp_path, monkeypatch):
    """Matching each link recomputed every license url's key (~60 per link): a card listing 20,000
    links took ~30 s under load. The urls are indexed once per card (counted, not timed)."""
    from reasoner import subjects

    calls = []
    real = subjects._url_index
    monkeypatch.setattr(subjects, "_url_index", lambda kb: calls.append(1) or real(kb))
    artifact = {"id": "acme/x", "license": "mit"}
    links = [f"https://example.com/l{i}" for i in range(2000)] + ["https://llama.meta.com/llama3/license/"]
    subjects._add_linked_license(R.kb, artifact, links)
    assert len(calls) == 1 and artifact["license"] == "(mit) AND (llama3)"


# --- outputs as data: catalog datasets the catalog itself says a model generated -------------------

def test_training_on_a_catalog_dataset_of_gpt4_outputs_is_not_a_plain_yes():
    """facts/catalog.toml recorded only in a free-text `note` that jondurbin/airoboros-3.2 was
    generated with GPT-4; api._dataset never read it, so training a commercial model on it was a
    plain YES. The catalog's `generated_by` is now a `distilled` edge from the generator, whose
    terms can-i does not know: UNKNOWN."""
    doc = {"artifacts": [{"id": "me/s", "mine": True, "family": "mistral",
                          "derived_from": [{"id": "jondurbin/airoboros-3.2", "relation": "trained_on"}]}],
           "subject": "me/s", "use": {"acts": ["distribute"], "commercial": True}}
    assert R.ask(doc).status != "permitted"


# --- SPDX 3: a model that contains its weights as a software package -----------------------------

def test_an_spdx3_model_containing_a_software_package_carries_its_terms(capsys, tmp_path):
    """bom._read_spdx3 read `contains` only between AI and dataset packages: a software_Package
    (the weights, primaryPurpose model) under LLAMA3 inside an MIT ai_AIPackage was left out with
    a note ("not judged") and military use was YES. CycloneDX weights typed `file` that a model
    depends on are read as its ancestor; SPDX 3's contained package now is too."""
    def ai(sid, name, kind="ai_AIPackage"):
        return {"type": kind, "spdxId": sid, "creationInfo": "_:ci", "name": name}

    def rel(i, kind, source, *targets):
        return {"type": "Relationship", "spdxId": f"urn:rel{i}", "creationInfo": "_:ci", "relationshipType": kind,
                "from": source, "to": list(targets)}

    def expression(sid, text):
        return {"type": "simplelicensing_LicenseExpression", "spdxId": sid, "creationInfo": "_:ci",
                "simplelicensing_licenseExpression": text}

    graph = [{"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2026-11-30T00:00:00Z"},
             {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "rootElement": ["urn:ft"]},
             ai("urn:ft", "acme-ft"), {**ai("urn:w", "weights", "software_Package"), "software_primaryPurpose": "model"},
             expression("urn:l3", "LLAMA3"), expression("urn:mit", "MIT"),
             rel(1, "hasDeclaredLicense", "urn:ft", "urn:mit"), rel(2, "hasDeclaredLicense", "urn:w", "urn:l3"),
             rel(3, "contains", "urn:ft", "urn:w")]
    path = tmp_path / "c.spdx3.json"
    path.write_text(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}),
                    encoding="utf-8")
    run = run_cli(capsys, "use", path, "--purpose", "military", "--no-remedies", "--json")
    assert run.json()["status"] == "forbidden"


def test_a_bom_given_to_audit_is_named_as_a_bom(capsys, tmp_path):
    """audit reads model cards: a CycloneDX BOM given to it was an invalid card "no `id` (or
    `modelId`) naming the model", as if it were a broken card; now it says it is a BOM and what
    to ask instead (still invalid, exit code unchanged)."""
    path = tmp_path / "b.cdx.json"
    path.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}), encoding="utf-8")
    rows = run_cli(capsys, "audit", path, "-q", "--json").json()["results"]
    assert rows[0]["status"] == "invalid" and "BOM" in rows[0]["findings"][0]["message"]
