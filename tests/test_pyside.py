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
    assert any(c.kind == "violated_duty" and any(f[2] == f'the stated name is "{name}"' for f in c.facts)
               for c in answer.causes)


# --- a long lineage: decoding and explaining stay linear -----------------------------------------

def own_chain(n: int) -> dict:
    """Llama 3 <- me/m0 <- … <- me/m{n-1}, every model the user's own: each edge is an act, with
    its own context and causes (the shape where per-cause work over the whole lineage shows)."""
    artifacts, parent = [{"id": "meta-llama/Meta-Llama-3-8B"}], "meta-llama/Meta-Llama-3-8B"
    for i in range(n):
        artifacts.append({"id": f"me/m{i}", "mine": True, "derived_from": [{"id": parent, "relation": "finetune"}]})
        parent = f"me/m{i}"
    return {"artifacts": artifacts, "subject": parent,
            "use": {"acts": ["host"], "release_mau": 10, "role": "licensee", "commercial": True, "name": "x"}}


def _captured(monkeypatch, doc):
    """The shown text and the explain calls of one question, and the functions that made them."""
    from reasoner import api, solve

    texts, calls = [], []
    parse, explain = solve.parse, api.explain
    with monkeypatch.context() as patched:
        patched.setattr(solve, "parse", lambda text: texts.append(text) or parse(text))
        patched.setattr(api, "explain", lambda *a, **k: calls.append((a, k)) or explain(*a, **k))
        REASONER.ask(doc)
    return (lambda: [parse(t) for t in texts]), (lambda: [explain(*a, **k) for a, k in calls])


@pytest.mark.parametrize("shape, most", [("chain", (15, 20)), ("merge", (15, 10)), ("own", (80, 140))])
def test_decoding_and_explaining_cost_the_same_per_artifact_as_a_lineage_doubles(monkeypatch, shape, most):
    """Python calls (not time) of decoding and of explaining one question: linear in the lineage,
    within a fixed number per artifact (`most`: decode, explain; ~70% of it measured)."""
    from test_pypath import chain, merge, python_calls

    make = {"chain": chain, "merge": lambda n: merge(n, False), "own": own_chain}[shape]
    counts = {}
    for n in (150, 300):
        decode, explain = _captured(monkeypatch, make(n))
        counts[n] = (python_calls(decode), python_calls(explain))
    for part in (0, 1):
        assert counts[300][part] <= 2 * counts[150][part] + 100, (shape, part, counts)
        assert counts[300][part] <= most[part] * 300, (shape, part, counts)


def test_the_scene_is_indexed_once_per_list_of_causes_not_per_cause(monkeypatch):
    from reasoner import explain

    indexed = []
    original = explain._artifacts_by_id
    monkeypatch.setattr(explain, "_artifacts_by_id", lambda scene: indexed.append(1) or original(scene))
    answer = REASONER.ask(own_chain(60))
    assert answer.status == "forbidden" and len(answer.causes) > 60   # causes per edge (not_fired: §2)
    assert len(indexed) <= 2


def test_question_facts_are_the_same_symbols_for_string_subclasses():
    """Cached facts (solve._fact) read a str subclass (a value from an embedder's own types) as
    the string it is, never as a constant."""
    from clingo import Function, Number, String

    from reasoner.solve import _fact

    class Name(str):
        pass

    assert _fact("artifact_value", 3, "name", Name("Llama-x")) == Function(
        "artifact_value", [Number(3), String("name"), String("Llama-x")])
    assert str(_fact("want", 0, ("host",))) == "want(0,host)"
