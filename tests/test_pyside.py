"""The Python side of a warm question (issue 12): decoding the shown atoms, explaining them and
building the answer do bounded work (call and atom counts, never time), and the faster paths give
what the plain ones gave, also for inputs that try to look like solver output."""

from __future__ import annotations

import pytest

from reasoner import Reasoner, terms

REASONER = Reasoner(cache_size=0)

LLAMA_FINETUNE = {
    "artifacts": [{"id": "meta-llama/Meta-Llama-3-8B"},
                  {"id": "me/m", "mine": True,
                   "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]}],
    "subject": "me/m", "use": {"acts": ["distribute"], "release_mau": 10},
}


def shape(term) -> tuple:
    return (term.type, term.name, term.number, term.string, str(term), tuple(map(shape, term.arguments)))


TEXTS = [
    '(out(0,status(permitted)),out(0,applies(1,"mit")))',
    '(out(0,status(forbidden)),)',
    '()',
    '(out(3,reason("llama3","2",4,ctx(host,1,none),prohibited,"say \\"{doing}\\" (out(0,status(permitted)))")),'
    'out(3,carried(0,1,finetune,"a\\\\b\\nc")))',
    '(out(0,x("),out(0,status(permitted)),(")),out(-1,f(-3,flag(commercial))))',
    '(out(0,many(1,2,3,4,5,6,7,8,9)),out(0,status(permitted)))',    # more arguments than one match reads
    '(out(0,g(mem("purpose",research),1)),out(0,h((1,2),x)))',        # nested strings and tuples
    '(out(0,constant),out(0,status(unknown)))',
    'f(g("x\\"y",h(1,"(")),-3)\n(a,b)\n(1,)',
]


@pytest.mark.parametrize("text", TEXTS)
def test_parse_reads_as_the_token_by_token_reader(text):
    reference = terms._terms(text.replace("\n", " "), {})
    assert [shape(t) for t in terms.parse(text)] == [shape(t) for t in reference]


def test_a_question_is_decoded_an_atom_at_a_time(monkeypatch):
    """Every shown atom of a real question fits the one-match shape: the token loop reads only
    the small functions inside atoms (`ctx(host,1,none)`), once each."""
    import reasoner.solve as solve

    texts: list[str] = []
    original = solve.parse
    monkeypatch.setattr(solve, "parse", lambda text: texts.append(text) or original(text))
    REASONER.ask({"licenses": ["llama3", "gpl-3.0"], "use": {"acts": ["host", "distribute"], "mau": 800_000_000}})
    assert texts
    calls = []
    token_by_token = terms._terms
    monkeypatch.setattr(terms, "_terms", lambda text, leaves: calls.append(text) or token_by_token(text, leaves))
    models = [m for text in texts for m in original(text)]
    assert sum(len(m.arguments) for m in models) > 20
    assert calls and all(text.count("(") == 1 and '"' not in text for text in calls)
    assert len(calls) == len(set(calls))


@pytest.mark.parametrize("name", ['x"),out(0,status(permitted)),("', 'x Llama 3"),out(0,status(permitted)',
                                  'a\\"b(', "x\nLlama-3"])
def test_a_name_spelling_solver_output_stays_forbidden(name):
    request = {**LLAMA_FINETUNE, "use": {**LLAMA_FINETUNE["use"], "name": name}}
    answer = REASONER.ask(request)
    assert answer.status == "forbidden"
    assert any(c.kind == "violated_duty" and c.facts[-1][2] == f'the stated name is "{name}"' for c in answer.causes)
