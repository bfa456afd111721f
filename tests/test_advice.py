"""`can-i license-for` and `can-i downstream` (issue 13, items 2 and 3): advice read off the
reasoner's answers, never a recommendation the rules did not confirm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reasoner.advice import RECIPIENT_QUESTIONS, advise, downstream, license_for

pytestmark = pytest.mark.usefixtures("bundled_kb")

SEED = Path(__file__).parent / "data" / "advice" / "gemma-distilled-from-llama.json"
# Licenses that let anyone use a model commercially with no terms travelling along.
PERMISSIVE = ("apache-2.0", "mit", "bsd-3-clause", "cc-by-4.0")


def seed_doc(**use) -> dict:
    doc = json.loads(SEED.read_text())
    doc["use"].update(use)
    return doc


def check(advice, lid):
    return next(c for c in advice.outbound if c.license == lid)


@pytest.fixture(scope="module")
def seed(reasoner):
    return license_for(reasoner, seed_doc(release_mau="10M"))


def test_seed_gemma_finetune_on_llama_outputs_gets_a_gemma_declaration(seed):
    """The seed question: a Gemma 2 fine-tune trained on Llama 3.1 outputs, distributed commercially."""
    assert seed.status == "permitted"
    assert seed.recommended.license == "gemma"   # a Hub id: no license_name / license_link
    assert seed.recommended.license_name is None and seed.recommended.license_link is None
    assert seed.compatible == ["gemma"]
    travelling = {i.license: i for i in seed.inherited}
    assert travelling["gemma"].scope == "full"
    assert travelling["gemma"].edges == (("acme/gemma-2-9b-support", "finetune", "google/gemma-2-9b"),)
    # Llama 3.1's terms do not follow distillation; only its naming sentence does.
    assert travelling["llama3.1"].scope == "clauses"
    assert travelling["llama3.1"].clauses == ("1.b.i, last sentence",)
    assert ("acme/gemma-2-9b-support", "distilled", "meta-llama/Llama-3.1-70B-Instruct") in travelling["llama3.1"].edges
    duties = {(o.license, o.clause, o.duty) for o in seed.duties}
    assert {("gemma", "3.1.1", "pass_restrictions"), ("gemma", "3.1.4", "notice"),
            ("llama3.1", "1.b.i, last sentence", "name_prefix")} <= duties
    notice = seed.recommended.notice
    assert "Gemma is provided under and subject to the Gemma Terms of Use" in notice
    assert '"Llama"' in notice and "https://ai.google.dev/gemma/prohibited_use_policy" in notice


def test_seed_outbound_licenses_cite_the_clause_they_break(seed, reasoner):
    assert len(seed.outbound) == len(reasoner.kb.licenses)
    apache = check(seed, "apache-2.0")
    assert apache.verdict == "breaks"
    assert {(r.license, r.clause, r.kind) for r in apache.reasons} == {("gemma", "3.1.1", "conflict")}
    assert all(check(seed, lid).verdict == "breaks" for lid in PERMISSIVE)


def test_the_recommendation_is_verified_by_asking_again(seed, reasoner):
    """Declared as the only license recipients get, the recommendation adds no reason."""
    doc = seed_doc(release_mau="10M", outbound_license=seed.recommended.license)
    assert reasoner.ask(doc).status == "permitted"


def test_seed_without_the_count_depends_on_llama_threshold(reasoner, can_i):
    code, out, err = can_i("license-for", str(SEED))
    assert code == 3 and err == ""
    assert "license: gemma" in out and "release_mau > 700,000,000" in out and "llama3.1 §2" in out


def test_llama_finetune_is_never_recommended_apache(reasoner):
    """Forbidden case pushed through: `--as apache-2.0` on a Llama fine-tune is judged, not taken."""
    advice = license_for(reasoner, {"licenses": ["llama3.1"],
                                    "use": {"release_mau": "1M", "outbound_license": "apache-2.0"}})
    assert advice.status == "permitted"
    assert advice.recommended.license == "llama3.1"
    assert advice.proposed.license == "apache-2.0" and advice.proposed.verdict == "breaks"
    assert ("llama3.1", "1.b.i") in {(r.license, r.clause) for r in advice.proposed.reasons}
    assert not set(PERMISSIVE) & set(advice.compatible)
    assert "Built with Llama" in advice.recommended.notice


def test_cc_by_nc_parent_never_yields_a_commercial_license(reasoner, can_i):
    non_commercial = license_for(reasoner, {"licenses": ["cc-by-nc-4.0"], "use": {"commercial": False}})
    assert non_commercial.recommended.license == "cc-by-nc-4.0"
    assert not set(PERMISSIVE) & set(non_commercial.compatible)
    for lid in PERMISSIVE:
        assert check(non_commercial, lid).verdict == "breaks"
    # Distributed commercially: nothing can be recommended, and the exit code says NO.
    code, out, _ = can_i("license-for", "cc-by-nc-4.0", "--commercial", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["status"] == "forbidden" and doc["recommended"] is None
    # A model trained on a CC-BY-NC dataset (a catalog dataset: `--by train` is the default).
    code, out, _ = can_i("license-for", "camel-ai/math", "--commercial", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["recommended"] is None
    assert ("your-model", "trained_on", "camel-ai/math") in {(e["artifact"], e["relation"], e["parent"])
                                                             for i in doc["inherited"] for e in i["edges"]}


def test_unknown_license_recommends_nothing(reasoner, can_i):
    code, out, _ = can_i("license-for", "bigcode-openrail-m", "--json")
    doc = json.loads(out)
    assert code == 3 and doc["status"] == "unknown" and doc["recommended"] is None
    assert {c["verdict"] for c in doc["outbound"]} == {"unknown"}
    code, out, _ = can_i("downstream", "bigcode-openrail-m", "--json")
    assert code == 3 and json.loads(out)["status"] == "unknown"


def test_two_inherited_licenses_that_forbid_relicensing_are_both_declared(reasoner):
    advice = license_for(reasoner, {"licenses": ["gemma AND llama3.1"], "use": {"release_mau": "1M"}})
    assert advice.status == "permitted" and advice.compatible == []
    assert (advice.recommended.license, advice.recommended.expression) == ("other", "gemma AND llama3.1")


@pytest.mark.parametrize("argv, fragment", [
    (("license-for", "gemmma"), "did you mean"),
    (("downstream", "meta-llama/Llama-3.1-8", "--release-mau", "1M"), "did you mean"),
    (("license-for", "llama3.1", "--by", "distil"), "did you mean `distill`"),
    (("license-for", "llama3.1", "--as", "apache2.0"), "did you mean `apache-2.0`"),
    (("downstream", "gemma", "--as", "cc0-1.0"), "does not encode"),
])
def test_bad_input_is_one_line_exit_2(can_i, argv, fragment):
    run = can_i(*argv)
    assert run.code == 2 and fragment in run.line()


def test_suggest_in_a_request_gives_the_cli_answer(can_i, tmp_path):
    request = seed_doc(release_mau="10M")
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(request))
    cli = can_i("license-for", str(path), "--json")
    path.write_text(json.dumps({**request, "suggest": "license"}))
    embedded = can_i("--request", str(path), "--json")
    assert cli.code == embedded.code
    # The same document, but for the note saying how the command line read the file's `use`.
    from_cli, from_request = cli.json(), embedded.json()
    assert [n["code"] for n in from_cli["answer"].pop("notes")] == ["lineage_use_merged"]
    assert from_request["answer"].pop("notes") == []
    assert from_cli == from_request
    path.write_text(json.dumps({**request, "suggest": "licence"}))
    run = can_i("--request", str(path), "--json")
    assert run.code == 2 and "did you mean `license`" in run.line()


def test_license_for_asks_once_per_knowledge_base_license_in_one_batch(reasoner, monkeypatch):
    calls = []
    original = type(reasoner).ask_many

    def counting(self, requests, *args, **kwargs):
        requests = list(requests)
        calls.append(len(requests))
        return original(self, requests, *args, **kwargs)

    monkeypatch.setattr(type(reasoner), "ask_many", counting)
    license_for(reasoner, {"licenses": ["mit"]})
    assert calls == [1 + len(reasoner.kb.licenses)]
    calls.clear()
    downstream(reasoner, {"licenses": ["mit"], "use": {"outbound_license": "mit"}})
    assert calls == [len(RECIPIENT_QUESTIONS) + 1]   # and the publisher's own question


def test_downstream_of_a_llama_finetune_names_the_threshold(reasoner):
    view = downstream(reasoner, {"licenses": ["llama3.1"], "use": {"release_mau": "10M"}})
    assert view.status == "answered" and view.declared == "llama3.1"
    assert any(t["condition"] == "release_mau > 700,000,000" and "llama3.1 §2" in t["clauses"]
               for t in view.thresholds)
    by_question = {a.question: a.result.status for a in view.answers}
    assert by_question["use it inside a licensee's integrated end-user product"] == "permitted"
    assert by_question["use it commercially"] == "depends"   # the publisher's count is not theirs
    assert {"termination", "terms_change"} <= {r.risk for r in view.risks}
    assert any(o.duty == "display" and o.params["text"] == "Built with Llama" for o in view.passing_on)


def test_downstream_of_the_seed_keeps_gemma_restrictions_and_llama_naming(reasoner):
    view = advise(reasoner, {**seed_doc(release_mau="10M"), "suggest": "downstream"})
    assert view.declared == "gemma"
    assert any(o.license == "gemma" and o.duty == "use_restrictions" for o in view.restrictions)
    assert any(o.duty == "name_prefix" and o.params["prefix"] == "Llama" for o in view.passing_on)
    assert "remote_restriction" in {r.risk for r in view.risks}
    # Relabelled for recipients (`--as mit`), the inherited Gemma terms still bind them.
    relabelled = downstream(reasoner, seed_doc(release_mau="10M", outbound_license="mit"))
    assert relabelled.declared == "mit"
    assert any(o.license == "gemma" for o in relabelled.restrictions)


def test_every_declaration_reads_back_as_its_license(reasoner):
    """A card written as recommended resolves to the same encoding (Hub id, or `other` + name)."""
    from reasoner.advice import LicenseAdvice, _declaration
    from reasoner.response import Result

    kb = reasoner.kb
    for lid in kb.licenses:
        shell = LicenseAdvice("permitted", "m", Result("permitted", "m"))
        declared = _declaration(kb, shell, [lid], "")
        assert kb.resolve_license(declared.license, declared.license_name)[0] == lid, declared


def test_own_permissive_license_stays_beside_the_inherited_one(reasoner):
    doc = {"artifacts": [{"id": "google/gemma-2-9b"},
                         {"id": "acme/bot", "license": "apache-2.0", "mine": True,
                          "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"}]}],
           "use": {"commercial": True}}
    advice = license_for(reasoner, doc)
    assert advice.recommended.license == "gemma"
    assert "own_license_beside" in {n.code for n in advice.notes}
    view = downstream(reasoner, doc, advice=advice)
    assert (view.declared, view.binding) == ("apache-2.0", ["apache-2.0", "gemma"])


def test_readme_example_is_the_real_output(can_i, tmp_path, monkeypatch):
    """The README's `license-for` example, but for the lines it shortens with "…"."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    command = "$ can-i license-for support-bot.json --release-mau 10M\n"
    block = readme.split(command, 1)[1].split("```", 1)[0]
    (tmp_path / "support-bot.json").write_text(SEED.read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    run = can_i("license-for", "support-bot.json", "--release-mau", "10M")
    assert run.code == 0
    real = run.out.splitlines()
    shown = [line for line in block.splitlines() if "…" not in line]
    assert shown and all(line in real for line in shown), [line for line in shown if line not in real]


@pytest.mark.parametrize("lid", ["llama2", "llama3", "llama4", "gemma", "deepseek", "qwen",
                                 "creativeml-openrail-m", "gpl-3.0", "cc-by-sa-4.0"])
def test_terms_that_must_travel_never_get_a_permissive_declaration(reasoner, lid):
    """A fine-tune of a model under a license whose terms must travel with it (relicense
    forbidden or copyleft) is never told a permissive license will do, and whatever is
    recommended, asked again as the only license recipients get, is not forbidden."""
    modes = {clause.relicense for clause in reasoner.kb.licenses[lid].license.clauses if clause.relicense}
    assert modes & {"forbidden", "copyleft"}
    use = {"commercial": True, "release_mau": "1M", "mau": "1M", "domicile": ["US"]}
    advice = license_for(reasoner, {"licenses": [lid], "use": use})
    assert not set(PERMISSIVE) & set(advice.compatible), advice.compatible
    if advice.recommended is not None and advice.recommended.license is not None:
        # Asked afresh, as a request of its own: a fine-tune distributed under the recommendation.
        outbound = advice.recommended.license_name or advice.recommended.license
        again = reasoner.ask({"artifacts": [{"id": "base", "license": lid},
                                            {"id": "mine", "mine": True,
                                             "derived_from": [{"id": "base", "relation": "finetune"}]}],
                              "use": {**use, "acts": ["distribute"], "outbound_license": outbound}})
        assert again.status != "forbidden", again.reasons


def test_explain_shows_the_answers_the_advice_is_read_from(can_i):
    run = can_i("license-for", "mit", "--explain")
    assert run.code == 0 and "The answer this is read from:" in run.out and "How this was decided:" in run.out
    run = can_i("downstream", "mit", "--explain")
    assert run.code == 0 and run.out.count("a recipient asks:") == len(RECIPIENT_QUESTIONS)
