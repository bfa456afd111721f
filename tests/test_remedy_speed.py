"""The remedy search's work on a cold question (issue 12): bounded by counts, never by time
(benchmarks/bench.py --only cold times it). A question with remedies grounds twice: the verdict,
then the search, whose grounding also answers the request with each candidate change alone (the
answers remedies_for asks again with); those answers must be the ones a separate batch gives, and
the remedies of the bundled examples the ones the code before this change gave."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import clingo
import pytest

from reasoner import Reasoner, remedies, solve
from reasoner.examples import example_request
from reasoner.remedies import apply_changes, normalized_document
from sizes import sized  # the default run's sample, the full one under -m slow

DIGESTS = Path(__file__).parent / "data" / "remedy-example-digests.json"

# The cold default command's question: `can-i host llama3 --commercial --mau 10M --json`.
DEFAULT = {"licenses": ["llama3"], "use": {"acts": ["host"], "commercial": True, "mau": "10M"}, "remedies": True}
REQUESTS = [
    DEFAULT,
    {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}, "remedies": True},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["use"], "commercial": True}, "remedies": True},
    {"artifacts": [{"id": "meta-llama/Meta-Llama-3-70B-Instruct"}, {"id": "google/gemma-2-9b"},
                   {"id": "acme/support-bot", "mine": True, "family": "gemma",
                    "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"},
                                     {"id": "meta-llama/Meta-Llama-3-70B-Instruct", "relation": "distilled"}]}],
     "use": {"acts": ["distribute"], "commercial": True, "release_mau": "1M", "outbound_license": "apache-2.0"},
     "remedies": True},
    # one artifact, remedies of two changes (asked in a batch of their own, beside the checks)
    {"licenses": ["llama3.1"], "use": {"acts": ["distribute"], "release_mau": "800M", "outbound_license": "apache-2.0",
                                       "name": "SupportBot"}, "remedies": True},
]


@pytest.fixture
def counted(monkeypatch):
    """Counts of clingo Controls made and ground calls while the test runs."""
    counts = {"controls": 0, "grounds": 0}

    class Counting(clingo.Control):
        def __init__(self, *args, **kwargs):
            counts["controls"] += 1
            super().__init__(*args, **kwargs)

        def ground(self, *args, **kwargs):
            counts["grounds"] += 1
            return super().ground(*args, **kwargs)

    monkeypatch.setattr(clingo, "Control", Counting)
    return counts


def test_a_cold_question_with_remedies_grounds_twice(counted):
    """The verdict, then the search with its checks, in the verdict's Control (solve.keeping): no
    third grounding to ask the remedies again, no second Control to parse the rules again."""
    answer = Reasoner(cache_size=0).ask(DEFAULT)
    assert answer.status == "depends" and len(answer.remedies) == 3
    assert counted == {"controls": 1, "grounds": 2}


def test_the_verdict_alone_grounds_once(counted):
    Reasoner(cache_size=0).ask({**DEFAULT, "remedies": False})
    assert counted == {"controls": 1, "grounds": 1}


def test_the_search_grounds_the_selected_statements_only(monkeypatch):
    """Rules that cannot fire with the question's facts are left out of the search, as out of the
    verdict (all of rules.lp and dsl2.lp was 417 statements). The search is ground in the
    verdict's Control (solve.keeping): it adds the statements the verdict's selection lacks."""
    added = []
    real, real_more = remedies.rule_statements, remedies.more_rules_text

    def spy(control, present, indexes):
        added.append(real(control, present, indexes))
        return added[-1]

    def spy_more(present, fixed_lists, given, cold=False):
        added.append(len(given | set(solve.selection(present, fixed_lists)[0])))
        return real_more(present, fixed_lists, given, cold)

    monkeypatch.setattr(remedies, "rule_statements", spy)
    monkeypatch.setattr(remedies, "more_rules_text", spy_more)
    Reasoner(cache_size=0).ask(DEFAULT)
    assert len(added) == 1 and added[0] < 0.8 * len(solve._dependencies())


def _json(answer):
    return ("error", type(answer).__name__, str(answer)) if isinstance(answer, Exception) else answer.to_json()


@pytest.mark.parametrize("request_", REQUESTS, ids=["default", "800M", "cc-by-nc", "three-artifacts", "two-changes"])
def test_answers_from_the_search_grounding_are_a_separate_batchs(monkeypatch, request_):
    """Every answer remedies_for asks again with, when taken from the search's grounding, equals
    the answer Reasoner.answer_each gives the same document on its own (so a remedy verifies
    only if asking it again says YES). A lineage's are all asked in a batch (ASK_IN_SEARCH_UP_TO)."""
    real = remedies._answer_each
    compared = []

    def checked(reasoner, documents, asked):
        from_grounding = {repr(d) for d in documents if repr(d) in asked}
        answers = real(reasoner, documents, asked)
        alone = Reasoner(cache_size=0).answer_each(documents)
        for document, answer, separate in zip(documents, answers, alone):
            assert _json(answer) == _json(separate), document
            if repr(document) in from_grounding:
                compared.append(document)
        return answers

    monkeypatch.setattr(remedies, "_answer_each", checked)
    answer = Reasoner(cache_size=0).ask(request_)
    one_artifact = "licenses" in request_
    assert answer.remedies and bool(compared) == one_artifact   # the path was taken, for one artifact only


def test_remedies_of_two_changes_are_asked_in_a_batch_beside_the_checks(counted):
    answer = Reasoner(cache_size=0).ask(REQUESTS[4])
    assert answer.status == "forbidden" and any(len(remedy.changes) == 2 for remedy in answer.remedies)
    assert counted == {"controls": 2, "grounds": 3}   # the search in the verdict's Control, then the batch


def test_every_remedy_of_the_default_question_verifies_and_no_other_answer_changes():
    """No wrong YES: asked again through a fresh Reasoner without remedies, each remedy is YES;
    the question itself stays DEPENDS, and a forbidden one stays forbidden with remedies."""
    engine = Reasoner(cache_size=0)
    for request in (DEFAULT, REQUESTS[1]):
        answer = engine.ask(request)
        plain = Reasoner(cache_size=0).ask({**request, "remedies": False})
        assert answer.status == plain.status in ("depends", "forbidden")
        for remedy in answer.remedies:
            edits = [edit for change in remedy.changes for edit in change.edits]
            again = Reasoner(cache_size=0).ask(apply_changes(normalized_document(request), edits))
            assert again.status == "permitted", remedy


def test_a_sample_of_examples_answers_as_before():
    """to_json() of every 12th bundled example, with remedies, against digests taken from the code
    before this change (42b2763); /work/baseline compared all 817 alike."""
    stored = json.loads(DIGESTS.read_text())["examples"]
    engine = Reasoner()
    for lid, index, status, count, digest in stored[::sized(2, 1)]:   # all under -m slow
        lic = engine.kb.licenses[lid].license
        request = example_request(lic, lic.examples[index])
        request["remedies"] = True
        line = json.dumps(engine.ask(request).to_json(), sort_keys=False, ensure_ascii=False)
        assert hashlib.sha256(line.encode()).hexdigest() == digest, (lid, index, status, count)
    assert sum(1 for row in stored[::sized(2, 1)] if row[3]) >= sized(12, 30)   # a third of them show remedies


def test_templates_are_the_says_facts_of_remedies_lp():
    """templates() reads the `says` lines one by one; the full parse of the file agrees."""
    from clingo import ast

    says = {}

    def keep(statement):
        if (statement.ast_type == ast.ASTType.Rule and not statement.body
                and statement.head.ast_type == ast.ASTType.Literal):
            symbol = statement.head.atom.symbol
            if symbol.ast_type == ast.ASTType.Function and symbol.name == "says":
                kind, text = symbol.arguments
                says[str(kind)] = text.symbol.string

    ast.parse_string(remedies._search_text(), keep)
    assert remedies.templates() == says
    assert set(says) == {kind.name for kind in remedies.CHANGE_KINDS}


def test_apply_changes_copies_like_deepcopy():
    import copy

    document = {"use": {"acts": ["host"], "grants": [{"licensor": "meta"}], "mau": 3, "x": None, "f": 1.5,
                        "t": (1, [2])}, "licenses": ["mit"]}
    copied = remedies._copied(document)
    assert copied == copy.deepcopy(document)
    copied["use"]["acts"].append("use")
    copied["use"]["grants"][0]["licensor"] = "other"
    copied["use"]["t"][1].append(3)
    assert document["use"]["acts"] == ["host"] and document["use"]["grants"] == [{"licensor": "meta"}]
    assert document["use"]["t"] == (1, [2])
