"""`can-i audit` and cards as real publishers write them (issue 14, items 2, 3 and 6)."""

import json
import sys
from pathlib import Path

import pytest

from reasoner import audit
from reasoner.api import Reasoner
from reasoner.audit import Card, audit_cards
from reasoner.cli import main
from reasoner.errors import CanIError
from reasoner.subjects import Context, build_request

SAMPLE = Path(__file__).parent / "data" / "hub-cards-sample.jsonl"


@pytest.fixture(scope="module")
def engine():
    return audit._engine()


sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402


def rows_by_id(report):
    return {row["id"]: row for row in report.rows}


# --- the sample, through both paths -------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_report():
    return audit.audit([SAMPLE])


def test_every_sample_card_gets_an_answer_in_the_audit(sample_report):
    assert len(sample_report.rows) == 502
    for row in sample_report.rows:
        assert row["status"] in ("permitted", "forbidden", "unknown", "depends"), row
        if row["status"] != "permitted":
            assert row["findings"], row
            assert all("\n" not in f["message"] for f in row["findings"])
    counts = sample_report.counts()
    assert counts.get("invalid", 0) == 0


def test_every_sample_card_gets_an_answer_on_the_single_card_path(engine, tmp_path):
    """As `can-i distribute CARD` reads it (the CLI's Python calls), batched: no input error."""
    requests = []
    for index, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        path = tmp_path / f"{index:04d}" / "model" / "README.md"
        path.parent.mkdir(parents=True)
        path.write_text(f"---\n{record['front_matter']}\n---\n", encoding="utf-8")
        requests.append(build_request(engine.kb, str(path), "distribute", Context(commercial=True)))
    answers = engine.answer_each(requests)
    errors = [(i, a) for i, a in enumerate(answers) if isinstance(a, CanIError)]
    assert errors == []
    assert {a.status for a in answers} <= {"permitted", "forbidden", "unknown", "depends"}


def test_unnamed_other_license_is_unknown_and_shows_its_link(engine, tmp_path):
    path = card(tmp_path, "bloke", "license: other\nlicense_link: https://example.com/terms\nbase_model: microsoft/phi-2")
    result = engine.ask(build_request(engine.kb, str(path), "distribute", Context()))
    assert result.status == "unknown"
    assert any(n.code == "card_license_unnamed" and "https://example.com/terms" in n.message for n in result.notes)
    report = audit.audit([path])
    row = report.rows[0]
    assert row["status"] == "unknown" and row["kinds"] == ["unknown-license"]
    assert any("unnamed" in note and "https://example.com/terms" in note for note in row["notes"])


def test_odd_base_model_and_dataset_entries_are_named_never_dropped(engine, tmp_path):
    path = card(tmp_path, "junk", "license: mit\nbase_model: [microsoft/phi-2, '', ./ckpt, 42]\n"
                                  "datasets: [{name: x}, '', /data/mine.json, null]")
    result = engine.ask(build_request(engine.kb, str(path), "distribute", Context()))
    assert result.status == "unknown"
    named = {r.artifact for r in result.reasons if r.kind == "unknown_license"}
    assert named == {"./ckpt", "42", '{"name": "x"}', "/data/mine.json"}
    row = audit.audit([path]).rows[0]
    assert row["status"] == "unknown"
    assert set(row["kinds"]) == {"unknown-parent", "unknown-dataset"}


# --- the question the audit asks ------------------------------------------------------------------

def test_relabelled_llama_fine_tune_is_forbidden(tmp_path):
    card(tmp_path, "org/llama-ft", "license: apache-2.0\nbase_model: meta-llama/Meta-Llama-3-8B")
    row = audit.audit([tmp_path]).rows[0]
    assert row["id"] == "org/llama-ft"
    assert row["status"] == "forbidden"
    assert "relabelled" in row["kinds"]
    assert any(f["license"] == "llama3" and f["clause"] for f in row["findings"])


def test_non_commercial_parent_in_the_same_run_binds_its_relabelled_child(tmp_path):
    card(tmp_path, "a/nc-base", "license: cc-by-nc-4.0")
    card(tmp_path, "b/child", "license: mit\nbase_model: a/nc-base")
    rows = rows_by_id(audit.audit([tmp_path]))
    assert rows["a/nc-base"]["status"] == "permitted"
    assert rows["b/child"]["status"] == "forbidden"
    assert any(f["license"] == "cc-by-nc-4.0" for f in rows["b/child"]["findings"])


@pytest.mark.parametrize("base", ["someone/not-known", "./output/checkpoint-500", "/tmp/tmpabc123"])
def test_an_unknown_parent_is_named_and_never_permitted(tmp_path, base):
    card(tmp_path, "org/ft", f"license: mit\nbase_model: {base}")
    row = audit.audit([tmp_path]).rows[0]
    assert row["status"] == "unknown"
    assert row["kinds"] == ["unknown-parent"]
    assert [f["artifact"] for f in row["findings"]] == [base]


def test_parents_resolve_from_the_run_then_the_catalog_then_the_resolver(tmp_path):
    cards = [Card("org/child", "x.jsonl", 1, {"license": "mit", "base_model": "ORG/Parent"}),
             Card("org/parent", "x.jsonl", 2, {"license": "mit", "base_model": "microsoft/phi-2"}),
             Card("org/orphan", "x.jsonl", 3, {"license": "mit", "base_model": "far/away"}),
             Card("org/lost", "x.jsonl", 4, {"license": "mit", "base_model": "far/gone"})]
    asked = []

    def resolver(model_id):
        asked.append(model_id)
        return {"license": "apache-2.0"} if model_id == "far/away" else None

    rows = rows_by_id(audit_cards(cards, resolver=resolver))
    assert set(rows) == {"org/child", "org/parent", "org/orphan", "org/lost"}   # fetched parents are not audited
    assert rows["org/child"]["status"] == "permitted"      # its parent is the run's card (case ignored)
    assert rows["org/parent"]["status"] == "permitted"     # phi-2 from the catalog
    assert rows["org/orphan"]["status"] == "permitted"     # from the resolver
    assert rows["org/lost"]["status"] == "unknown"         # nobody knows it
    assert sorted(asked) == ["far/away", "far/gone"]       # neither run cards nor catalog models are fetched


def test_a_parent_that_states_no_license_makes_its_children_unknown(tmp_path):
    cards = [Card("a/base", "x.jsonl", 1, {"base_model": "microsoft/phi-2"}),
             Card("b/ft", "x.jsonl", 2, {"license": "mit", "base_model": "a/base"})]
    rows = rows_by_id(audit_cards(cards))
    assert rows["a/base"]["status"] == "unknown" and rows["a/base"]["kinds"] == ["missing-license"]
    assert rows["b/ft"]["status"] == "unknown" and rows["b/ft"]["kinds"] == ["unknown-parent"]


# --- shared work ---------------------------------------------------------------------------------

def test_models_of_one_shape_are_answered_once(monkeypatch):
    cards = [Card(f"user{i}/phi-ft", "x.jsonl", i, {"license": "mit", "base_model": "microsoft/phi-2"})
             for i in range(40)]
    cards.append(Card("meta-llama/own-ft", "x.jsonl", 41, {"license": "mit", "base_model": "microsoft/phi-2"}))
    asked = []
    real = Reasoner.answer_each

    def counting(self, requests, *args, **kwargs):
        asked.append(len(requests))
        return real(self, requests, *args, **kwargs)

    monkeypatch.setattr(Reasoner, "answer_each", counting)
    monkeypatch.setattr(audit, "_SHAPES", {})    # answers other tests left in this process
    report = audit_cards(cards)
    # One question for the 40 fine-tunes; the licensor's own organisation is its own shape.
    assert asked == [2]
    assert {row["status"] for row in report.rows} == {"permitted"}
    unshared = audit_cards(cards, share=False)
    assert [r["status"] for r in unshared.rows] == [r["status"] for r in report.rows]


def test_shared_answers_name_each_models_own_parents():
    cards = [Card(f"u{i}/ft", "x.jsonl", i, {"license": "mit", "base_model": f"u{i}/missing"}) for i in range(3)]
    for row in audit_cards(cards).rows:
        owner = row["id"].split("/")[0]
        assert [f["artifact"] for f in row["findings"]] == [f"{owner}/missing"]
        assert f"`{owner}/missing`" in row["findings"][0]["message"]


def test_components_become_chunks_and_jobs_give_the_same_rows(engine):
    cards = [Card("r/root", "x.jsonl", 1, {"license": "mit"}),
             Card("r/a", "x.jsonl", 2, {"license": "mit", "base_model": "r/root"}),
             Card("s/b", "x.jsonl", 3, {"license": "apache-2.0", "base_model": "meta-llama/Meta-Llama-3-8B"}),
             Card("t/c", "x.jsonl", 4, {"license": "mit"})]
    graph = audit.AuditGraph(engine.kb, cards)
    assert sorted(map(sorted, graph.components())) == [["r/a", "r/root"], ["s/b"], ["t/c"]]
    chunks = audit.plan_chunks(graph, size=2)
    assert sorted(map(sorted, chunks)) == [["r/a", "r/root"], ["s/b", "t/c"]]
    # A component larger than a chunk is cut: every model's request holds its own ancestry.
    assert sorted(map(sorted, audit.plan_chunks(graph, size=1))) == [["r/a"], ["r/root"], ["s/b"], ["t/c"]]
    one = audit_cards(cards)
    two = audit_cards(cards, jobs=2, chunk_size=1)     # four chunks through the process pool
    assert two.chunks == 4 and two.jobs == 2
    assert [(r["id"], r["status"], r["kinds"]) for r in two.rows] == [(r["id"], r["status"], r["kinds"]) for r in one.rows]


# --- inputs ----------------------------------------------------------------------------------------

def test_hub_dumps_json_and_jsonl_with_card_data(tmp_path):
    records = [{"id": "a/llama-ft", "cardData": {"license": "mit", "base_model": "meta-llama/Meta-Llama-3-8B"}},
               {"modelId": "b/plain", "cardData": {"license": "apache-2.0"}},
               {"id": "c/bare"}]
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(records, indent=2))
    lines = tmp_path / "dump.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    for path in (dump, lines):
        rows = rows_by_id(audit.audit([path]))
        assert rows["a/llama-ft"]["status"] == "forbidden"
        assert rows["b/plain"]["status"] == "permitted"
        assert rows["c/bare"]["status"] == "unknown" and rows["c/bare"]["kinds"] == ["missing-license"]
    assert rows["b/plain"]["line"] == 2


def test_bad_cards_are_rows_and_bad_paths_are_errors(tmp_path, capsys):
    card(tmp_path, "ok", "license: mit")
    broken = tmp_path / "bad" / "README.md"
    broken.parent.mkdir()
    broken.write_text("---\nlicense: [mit\n---\n")
    report = audit.audit([tmp_path])
    rows = rows_by_id(report)
    assert rows["bad"]["status"] == "invalid" and "invalid YAML" in rows["bad"]["findings"][0]["message"]
    assert rows["ok"]["status"] == "permitted"
    assert report.exit_code() == 2
    assert main(["audit", str(tmp_path / "nope"), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"can-i: {tmp_path / 'nope'}: no such file or folder"]


# --- the command line -----------------------------------------------------------------------------

def test_cli_exit_codes_and_summary(tmp_path, capsys):
    card(tmp_path / "good", "m", "license: mit\nbase_model: microsoft/phi-2")
    assert main(["audit", str(tmp_path / "good")]) == 0
    card(tmp_path / "meh", "m", "base_model: microsoft/phi-2")
    assert main(["audit", str(tmp_path / "meh")]) == 3
    card(tmp_path / "bad", "m", "license: apache-2.0\nbase_model: meta-llama/Meta-Llama-3-8B")
    capsys.readouterr()
    assert main(["audit", str(tmp_path / "good"), str(tmp_path / "bad")]) == 1
    out = capsys.readouterr().out
    assert "forbidden" in out and "relabelled" in out and "Worst offenders" in out and "llama3 §" in out


def test_cli_json_csv_and_sarif(tmp_path, capsys):
    card(tmp_path, "x/bad", "license: apache-2.0\nbase_model: meta-llama/Meta-Llama-3-8B")
    card(tmp_path, "x/good", "license: mit")
    assert main(["audit", str(tmp_path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["statuses"] == {"forbidden": 1, "permitted": 1} and doc["reasons"] == {"relabelled": 1}
    assert main(["audit", str(tmp_path), "--csv"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,status,kinds") and len(lines) == 3
    assert main(["audit", str(tmp_path), "--sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert run["results"] and all(r["ruleId"] in rules and rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    located = run["results"][0]["locations"][0]["physicalLocation"]
    assert located["artifactLocation"]["uri"].endswith("x/bad/README.md")
    assert located["region"]["startLine"] == 2     # the card's `license:` line
    assert main(["audit", str(tmp_path), "--json", "--csv"]) == 2


def test_renaming_a_shared_answer_is_one_pass():
    assert audit._renamed("`a` and `b` from `c`", {"a": "b", "b": "c"}) == "`b` and `c` from `c`"
    # an id inside a JSON snippet of a message is the model's own too
    assert audit._renamed('state it (`{"id": "a", "license": "ID"}`)', {"a": "z"}) == \
        'state it (`{"id": "z", "license": "ID"}`)'


class FakeProfile:
    """What the profiles feature gives the audit: `apply(request)` fills the holder's facts."""

    def __init__(self, **facts):
        self.facts = facts

    def apply(self, request):
        return {**request, "use": {**self.facts, **request["use"]}}


def test_a_profile_also_asks_may_we_use_and_host_it():
    cards = [Card("org/llama-ft", "x.jsonl", 1, {"license": "llama3", "base_model": "meta-llama/Meta-Llama-3-8B"}),
             Card("org/phi-ft", "x.jsonl", 2, {"license": "mit", "base_model": "microsoft/phi-2"})]
    rows = rows_by_id(audit_cards(cards, profile=FakeProfile(release_mau="800M", role="licensee")))
    assert rows["org/llama-ft"]["status"] == "depends"          # the publisher's own MAU is not known
    assert rows["org/llama-ft"]["use_status"] == "forbidden"    # ours is: Llama §2
    assert rows["org/phi-ft"]["use_status"] == "permitted"


def test_a_policy_verdict_on_the_answer_is_kept_per_model(monkeypatch):
    """The profiles feature puts its license policy's verdict on the answer (`Result.policy`)."""
    from types import SimpleNamespace

    real = Reasoner.answer_each

    def with_policy(self, requests, *args, **kwargs):
        answers = real(self, requests, *args, **kwargs)
        for request, answer in zip(requests, answers):
            if request["use"].get("acts") == audit.USE_ACTS:
                answer.policy = SimpleNamespace(status="review", findings=[SimpleNamespace(license="mit", list="review")])
        return answers

    monkeypatch.setattr(Reasoner, "answer_each", with_policy)
    report = audit_cards([Card("org/m", "x.jsonl", 1, {"license": "mit"})], profile=FakeProfile())
    assert report.rows[0]["policy"] == {"status": "review", "licenses": {"mit": "review"}}
    assert report.rows[0].to_json()["policy"]["status"] == "review"
    assert "the profile's license policy: review 1" in audit.render_text(report)


def test_progress_is_reported_as_models_are_answered():
    seen = []
    cards = [Card(f"u{i}/m", "x.jsonl", i, {"license": "mit"}) for i in range(3)]
    audit_cards(cards, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (3, 3)


@pytest.mark.slow
def test_shared_answers_equal_answers_asked_one_by_one_over_the_sample(sample_report, monkeypatch):
    """Sharing by shape is only a saving: over the real sample, every model's status, reason
    kinds and findings (artifacts renamed to its own) are those of asking it alone."""
    monkeypatch.setattr(audit, "_SHAPES", {})
    alone = audit.audit([SAMPLE], share=False)

    def seen(report):
        return [(r["id"], r["status"], r["kinds"], sorted((f.kind, f.license or "", f.clause or "", f.artifact or "",
                                                           f.message) for f in r["findings"])) for r in report.rows]

    assert seen(alone) == seen(sample_report)


def test_a_declared_license_expression_is_never_an_unjudged_yes():
    cards = [Card("org/sd-ft", "x.jsonl", 1, {"license": ["mit", "apache-2.0"],
                                               "base_model": "stabilityai/stable-diffusion-2-1"}),
             Card("org/sd-mit", "x.jsonl", 2, {"license": "mit", "base_model": "stabilityai/stable-diffusion-2-1"})]
    rows = rows_by_id(audit_cards(cards))
    assert rows["org/sd-mit"]["status"] == "forbidden"            # one license: judged, relabelled
    assert rows["org/sd-ft"]["status"] in ("unknown", "forbidden")  # an expression: never YES
    assert "unknown-license" in rows["org/sd-ft"]["kinds"] or rows["org/sd-ft"]["status"] == "forbidden"


def test_readme_shows_the_samples_audit_summary(sample_report):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    summary = audit.render_text(sample_report, worst=0)
    assert summary in readme, "README's audit summary is stale: paste `can-i audit tests/data/hub-cards-sample.jsonl`"
