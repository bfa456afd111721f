"""Session 6, edges: an audit's work bounded by the cards (a deep chain), request and lineage
files' errors at file:line:col, and copyleft material under one's own permissive license."""

from __future__ import annotations

import json
import random

import pytest

from reasoner import audit, fast
from reasoner import cli
from reasoner.audit import MAX_AUDIT_ANCESTRY, AuditGraph, Card
from reasoner.cli import main


# --- 1. audit: a chain of cards ----------------------------------------------------------------

def _chain(count: int, root_license: str = "apache-2.0", reverse: bool = False) -> list[Card]:
    """acme/m0 <- acme/m1 <- ... (each card's base_model the one before), all apache-2.0."""
    cards = [Card("acme/m0", "chain.jsonl", 1, {"license": root_license})]
    cards += [Card(f"acme/m{i}", "chain.jsonl", i + 1, {"license": "apache-2.0", "base_model": f"acme/m{i - 1}"})
              for i in range(1, count)]
    return cards[::-1] if reverse else cards


def _recursive_closure(graph: AuditGraph, model_id: str, memo: dict) -> tuple:
    """AuditGraph.closure as it was before the bound (recursive, unbounded): the reference."""
    known = memo.get(model_id)
    if known is not None:
        return known
    memo[model_id] = (model_id,)
    seen = dict.fromkeys([model_id])
    for parent in graph.parents(graph.models[model_id]):
        found = graph.find(parent)
        if found is not None and graph.models[found].artifact is not None:
            seen.update(dict.fromkeys(_recursive_closure(graph, found, memo)))
    memo[model_id] = tuple(seen)
    return memo[model_id]


def _random_cards(rng: random.Random, count: int) -> list[Card]:
    """A tangle of cards: several parents, cycles, unknown and catalog parents, a bad card."""
    cards = []
    for i in range(count):
        parents = [f"acme/m{rng.randrange(count)}" if rng.random() < 0.85 else "meta-llama/Meta-Llama-3-8B"
                   for _ in range(rng.choice([0, 1, 1, 2, 3]))]
        meta = {"license": rng.choice(["mit", "apache-2.0", "llama3"])}
        if parents:
            meta["base_model"] = parents if len(parents) > 1 else parents[0]
        unreadable = rng.random() < 0.03
        cards.append(Card(f"acme/m{i}", "tangle.jsonl", i + 1, None if unreadable else meta,
                          error="unreadable" if unreadable else None))
    return cards


def test_the_bounded_closure_is_the_recursive_one_below_the_bound(reasoner):
    """Every request an audit plans is the same as before wherever the bound does not bite: the
    closure (its artifacts, in their order) is the recursive reading's, visited in any order."""
    rng = random.Random(6)
    for _ in range(20):
        graph = AuditGraph(reasoner.kb, _random_cards(rng, 60))
        order = list(graph.models)
        rng.shuffle(order)
        bounded, reference = {}, {}
        for model_id in order:
            assert graph.closure(model_id, bounded) == _recursive_closure(graph, model_id, reference)


def test_a_model_past_the_bound_is_an_invalid_row_and_its_descendants_too(reasoner):
    count = MAX_AUDIT_ANCESTRY + 4
    for reverse in (False, True):   # listed child first: no recursion through the whole chain
        graph = AuditGraph(reasoner.kb, _chain(count, reverse=reverse))
        memo: dict = {}
        items = {item["id"]: item for item in graph.chunk_items(list(graph.models), memo)}
        deepest = f"acme/m{MAX_AUDIT_ANCESTRY}"   # exactly MAX_AUDIT_ANCESTRY ancestors: answered
        assert len(items[deepest]["request"]["artifacts"]) == MAX_AUDIT_ANCESTRY + 1
        for i in range(MAX_AUDIT_ANCESTRY + 1, count):
            error = items[f"acme/m{i}"]["error"]
            assert "\n" not in error and error.startswith(f"chain.jsonl:{i + 1}: `acme/m{i}` has more than ")
            assert "limit MAX_AUDIT_ANCESTRY" in error
        assert all(len(value) <= MAX_AUDIT_ANCESTRY + 1 for value in memo.values() if value is not None)


def test_a_long_chain_plans_work_bounded_per_card(reasoner):
    """5,000 cards: at most MAX_AUDIT_ANCESTRY + 1 closure ids held per model, and the requests of
    the models answered are those of the first MAX_AUDIT_ANCESTRY + 1 (before: 12.5 million)."""
    count = 5_000
    graph = AuditGraph(reasoner.kb, _chain(count, reverse=True))
    memo: dict = {}
    items = graph.chunk_items(list(graph.models), memo)
    planned = sum(len(item["request"]["artifacts"]) for item in items if "request" in item)
    assert planned == sum(range(1, MAX_AUDIT_ANCESTRY + 2))
    assert sum(len(v) for v in memo.values() if v is not None) == planned
    assert sum("error" in item for item in items) == count - MAX_AUDIT_ANCESTRY - 1


def test_an_audit_past_the_bound_exits_2_with_the_others_answered(tmp_path, capsys, monkeypatch):
    path = tmp_path / "chain.jsonl"
    cards = _chain(MAX_AUDIT_ANCESTRY + 3)
    path.write_text("".join(json.dumps({"id": c.id, "cardData": c.meta}) + "\n" for c in cards), encoding="utf-8")
    monkeypatch.setattr(audit, "MAX_AUDIT_ANCESTRY", 5)   # the same reading, a smaller question
    capsys.readouterr()
    assert main(["audit", "--json", "-q", str(path)]) == 2
    report = json.loads(capsys.readouterr().out)
    statuses = [row["status"] for row in report["results"]]
    assert statuses[:6] == ["permitted"] * 6 and set(statuses[6:]) == {"invalid"}
    assert report["results"][6]["findings"][0]["message"].endswith("(limit MAX_AUDIT_ANCESTRY): not answered")


def test_a_forbidden_model_below_the_bound_stays_forbidden(tmp_path, capsys, monkeypatch):
    """The bound turns answers into errors, never into YES: a CC-BY-NC root relabelled MIT
    below a chain is forbidden whether or not the rows past the bound are answered."""
    path = tmp_path / "chain.jsonl"
    cards = _chain(12, root_license="cc-by-nc-4.0")
    path.write_text("".join(json.dumps({"id": c.id, "cardData": c.meta}) + "\n" for c in cards), encoding="utf-8")
    monkeypatch.setattr(audit, "MAX_AUDIT_ANCESTRY", 5)
    capsys.readouterr()
    assert main(["audit", "--json", "-q", str(path)]) == 1
    statuses = [row["status"] for row in json.loads(capsys.readouterr().out)["results"]]
    assert statuses[1:6] == ["forbidden"] * 5 and set(statuses[6:]) == {"invalid"}


# --- 2. request and lineage files: errors at file:line:col -------------------------------------

UNKNOWN_ACT = '{\n  "artifacts": [{"id": "llama3-base", "license": "llama3"}],\n  "use": {\n    "acts": ["hots"]\n  }\n}\n'


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_unknown_act_in_a_request_file_is_at_its_line_and_column(can_i, tmp_path):
    path = _write(tmp_path, "q.json", UNKNOWN_ACT)
    run = can_i("--request", path)
    assert run.code == 2
    assert run.line() == (f"can-i: {path}:4:14: use.acts[0]: unknown act `hots` (did you mean `host`?); requests "
                          f"list use, host or distribute (creating a model is implied by its edges)")
    run = can_i("--request", path, "--json")
    assert run.code == 2 and run.json()["error"]["location"] == f"{path}:4:14: use.acts[0]"


@pytest.mark.parametrize("use, where, said", [
    ('{"acts": ["host"], "mauu": 5}', "3:28: use.mauu", "unknown field `use.mauu` (did you mean `mau`?)"),
    ('{"acts": ["host"],\n   "mau": "lots"}', "4:4: use.mau", "`lots` is not a valid number"),
])
def test_a_misspelt_field_or_a_bad_number_in_a_request_file(can_i, tmp_path, use, where, said):
    text = '{"artifacts": [{"id": "acme/ft", "license": "mit",\n   "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", ' \
           f'"relation": "finetune"}}]}}],\n "use": {use}}}\n'
    path = _write(tmp_path, "q.json", text)
    run = can_i("--request", path)
    assert run.code == 2 and run.line().startswith(f"can-i: {path}:{where}: {said}")


def test_the_fast_entry_locates_a_request_files_error_as_the_command_line(tmp_path, capsys, monkeypatch, reasoner):
    monkeypatch.setattr(cli, "_reasoners", {(): ((), reasoner)})
    monkeypatch.setattr(fast, "_engines", [reasoner])
    path = _write(tmp_path, "q.json", UNKNOWN_ACT)
    outs = []
    for entry in (cli.main, fast.main):
        capsys.readouterr()
        code = entry(["--request", path, "--json"])
        out, err = capsys.readouterr()
        outs.append((code, out, err))
    assert outs[0] == outs[1] and outs[0][0] == 2
    assert json.loads(outs[0][1])["error"]["location"] == f"{path}:4:14: use.acts[0]"


def test_a_request_from_standard_input_is_located_too(can_i, monkeypatch):
    run = can_i("--request", "-", stdin=UNKNOWN_ACT)
    assert run.code == 2 and run.line().startswith("can-i: <stdin>:4:14: use.acts[0]: unknown act `hots`")


def test_a_json_lines_error_is_at_its_line_and_column(can_i, tmp_path):
    good = '{"licenses": ["mit"], "use": {"acts": ["use"]}}'
    path = _write(tmp_path, "q.jsonl", good + "\n" + '{"licenses": ["mit"], "use": {"acts": ["hots"]}}' + "\n")
    run = can_i("--request", path, "--json")
    lines = run.out.splitlines()
    assert run.code == 2 and json.loads(lines[0])["status"] == "permitted"
    assert json.loads(lines[1])["error"]["location"] == f"{path}:2:40: use.acts[0]"


YAML_LINEAGE = """artifacts:
  - id: acme/ft
    license: mit
    derived_from:
      - id: meta-llama/Meta-Llama-3-8B
        relation: {relation}
use:
  acts: [host]
  mau: {mau}
"""


@pytest.mark.parametrize("relation, mau, where, said", [
    ("finetun", "5", "6:9: artifacts[0].derived_from[0].relation", "unknown relation `finetun` (did you mean `finetune`?)"),
    ("finetune", "lots", "9:3: use.mau", "`lots` is not a valid number"),
])
def test_a_yaml_lineage_files_error_is_at_its_line_and_column(can_i, tmp_path, relation, mau, where, said):
    path = _write(tmp_path, "lineage.yaml", YAML_LINEAGE.format(relation=relation, mau=mau))
    run = can_i("host", path)
    assert run.code == 2 and run.line().startswith(f"can-i: {path}:{where}: {said}")


def test_a_json_lineage_files_error_is_at_its_line_and_column(can_i, tmp_path):
    text = '{"artifacts": [{"id": "acme/ft", "license": "mit",\n   "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", ' \
           '"relation": "finetun"}]}]}\n'
    path = _write(tmp_path, "lineage.json", text)
    run = can_i("host", path)
    assert run.code == 2
    assert run.line().startswith(f"can-i: {path}:2:58: artifacts[0].derived_from[0].relation: unknown relation")


def test_a_forbidden_request_read_from_a_file_stays_forbidden(can_i, tmp_path):
    request = {"artifacts": [{"id": "acme/base", "license": "cc-by-nc-4.0"}],
               "use": {"acts": ["host"], "commercial": True}}
    run = can_i("--request", _write(tmp_path, "q.json", json.dumps(request, indent=2)), "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden"
    lineage = ("artifacts:\n  - id: acme/base\n    license: cc-by-nc-4.0\n  - id: acme/ft\n    license: mit\n"
               "    derived_from:\n      - id: acme/base\n        relation: finetune\nsubject: acme/ft\n"
               "use:\n  acts: [host]\n  commercial: true\n")
    run = can_i("host", _write(tmp_path, "lineage.yaml", lineage), "--json")
    assert run.code == 1 and run.json()["status"] == "forbidden"


def test_a_field_left_out_is_located_at_the_part_the_file_has(tmp_path):
    from reasoner.errors import RequestError
    from reasoner.positions import at_line

    text = '{"artifacts": [\n  {"derived_from": []}]}'
    found = at_line(RequestError("`artifacts[0].id` is required", location="artifacts[0].id"), text, "q.json")
    assert found.location == "q.json:2:3: artifacts[0].id"
    unchanged = RequestError("x", location="q.json")
    assert at_line(unchanged, text, "q.json") is unchanged


# --- 3. copyleft material beside one's own license: the cautious reading -------------------------

def _own(reasoner, material: str, own: str, act: str = "distribute"):
    return reasoner.ask({"artifacts": [{"id": "up/code", "license": material},
                                       {"id": "me/work", "license": own, "mine": True,
                                        "derived_from": [{"id": "up/code", "relation": "merge"}]}],
                         "subject": "me/work", "use": {"acts": [act]}})


@pytest.mark.parametrize("material, own", [("gpl-3.0", "cc-by-sa-4.0"), ("gpl-2.0", "lgpl-2.1"),
                                           ("gpl-3.0", "mpl-2.0"), ("agpl-3.0", "lgpl-3.0")])
def test_an_own_license_that_could_become_the_gpl_is_not_the_gpl(reasoner, material, own):
    """Was YES (own_license_clash counted `accepts(O,L)`), while MIT beside the same material was
    NO: the own license is what recipients get, and the material's clause names its own license."""
    result = _own(reasoner, material, own)
    assert result.status == _own(reasoner, material, "mit").status == "forbidden"
    assert any(r.license == material and r.message.startswith("your own contribution is licensed under")
               for r in result.reasons)


@pytest.mark.parametrize("material, own", [("cc-by-sa-4.0", "gpl-3.0"), ("lgpl-2.1", "gpl-2.0"),
                                           ("gpl-2.0-or-later", "gpl-3.0"), ("gpl-3.0", "agpl-3.0")])
def test_an_own_license_the_materials_license_accepts_stays_yes(reasoner, material, own):
    """The one-way compatibilities the material's own license grants still hold (CC BY-SA 4.0's
    compatible GPL-3.0, LGPL's conversion, a later GPL version, GPL-3.0 §13)."""
    assert _own(reasoner, material, own).status == "permitted"


def test_hosting_an_agpl_merge_under_an_own_lgpl_is_no_either(reasoner):
    """AGPL-3.0 §13 shares on host: the same clash arises there, not a YES."""
    assert _own(reasoner, "agpl-3.0", "lgpl-3.0", act="host").status == "forbidden"
    assert _own(reasoner, "gpl-3.0", "lgpl-3.0", act="host").status == "permitted"   # GPL owes nothing on host
