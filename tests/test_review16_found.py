"""Review 16 (session 6): hostile review of what session 6 merged -- `target.derived` and artifact
`kind` (outputs), located --request errors and hostile request/lineage files (edges), and the
prepared structures' ground-program copies in temporary aspif files (plan). NOTES-review16.md
lists each finding."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from reasoner import Reasoner, shapes
from reasoner.errors import RequestError

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli  # noqa: E402

R = Reasoner(cache_size=0)
LLAMA3 = "meta-llama/Meta-Llama-3-8B"
MISTRAL = "mistralai/Mistral-7B-v0.1"
DISTILLED = {"id": LLAMA3, "relation": "distilled"}


def student(edges, extra=(), license="llama3", **use):
    me = {"id": "acme/student", "license": license, "mine": True, "derived_from": list(edges)}
    return {"artifacts": [me, *extra], "subject": "acme/student",
            "use": {"acts": ["use"], "release_mau": 1_000_000, **use}}


def cited(answer) -> set[tuple[str, str]]:
    return {(r.license, r.clause) for r in answer.reasons}


# --- 1. target.derived ---------------------------------------------------------------------------

RELABELLED = {"id": "x/relabelled", "license": "llama3", "derived_from": [{"id": MISTRAL, "relation": "finetune"}]}


@pytest.mark.parametrize("license", ["llama3", "apache-2.0 OR llama3"])
def test_a_mistral_fine_tune_someone_relabels_llama3_is_not_llama3_material(license):
    """FOUND (wrong YES, fixed in rules.lp): a third party's Mistral fine-tune declared `llama3`
    made a student fine-tuned from it and trained on Llama 3 outputs "a derivative work of Meta
    Llama 3" (YES). Its weights are Mistral's; only a lineage to Meta's weights is the exception."""
    base = {**RELABELLED, "license": license}
    answer = R.ask(student([{"id": base["id"], "relation": "finetune"}, DISTILLED], [base]))
    assert answer.status == "forbidden"
    assert ("llama3", "1.b.v") in cited(answer)


def test_a_relabelled_model_under_an_adapter_of_ones_own_is_not_llama3_material():
    mine = {"id": "acme/mid", "license": "apache-2.0", "mine": True,
            "derived_from": [{"id": RELABELLED["id"], "relation": "adapter"}]}
    answer = R.ask(student([{"id": "acme/mid", "relation": "finetune"}, DISTILLED], [mine, RELABELLED]))
    assert answer.status == "forbidden"


def test_a_real_llama3_quantization_merged_with_mistral_stays_inside_the_exception():
    """The fix keeps the text's exception: a merge that takes Meta's weights (through a third
    party's quantization of them, declared llama3) is a derivative work."""
    quant = {"id": "x/q", "license": "llama3", "derived_from": [{"id": LLAMA3, "relation": "quantized"}]}
    merge = {"id": "x/m", "license": "apache-2.0",
             "derived_from": [{"id": MISTRAL, "relation": "merge"}, {"id": "x/q", "relation": "merge"}]}
    answer = R.ask(student([{"id": "x/m", "relation": "finetune"}, DISTILLED], [merge, quant]))
    assert ("llama3", "1.b.v") not in cited(answer)


def test_a_quantized_mistral_and_ones_own_declaration_prove_nothing():
    quant = {"id": "x/q2", "license": "apache-2.0", "derived_from": [{"id": MISTRAL, "relation": "quantized"}]}
    assert R.ask(student([{"id": "x/q2", "relation": "finetune"}, DISTILLED], [quant])).status == "forbidden"
    mine = {"id": "acme/base", "license": "llama3", "mine": True}
    assert R.ask(student([{"id": "acme/base", "relation": "finetune"}, DISTILLED], [mine])).status == "forbidden"


def test_a_dataset_under_llama3_is_no_weights_parent():
    data = {"id": "x/ds", "license": "llama3", "kind": "dataset"}
    with pytest.raises(RequestError, match="is a dataset"):
        R.ask(student([{"id": "x/ds", "relation": "finetune"}, DISTILLED], [data]))
    assert R.ask(student([{"id": "x/ds", "relation": "trained_on"}, DISTILLED], [data])).status == "forbidden"


def test_cycles_and_duplicate_ids_are_input_errors():
    loop = {"id": "x/c", "license": "llama3", "derived_from": [{"id": "acme/student", "relation": "finetune"}]}
    with pytest.raises(RequestError, match="cycle"):
        R.ask(student([{"id": "x/c", "relation": "finetune"}, DISTILLED], [loop]))
    with pytest.raises(RequestError, match="appears twice"):
        R.ask(student([{"id": "x/d", "relation": "finetune"}, DISTILLED],
                      [{"id": "x/d", "license": "llama3"}, {"id": "x/d", "license": "apache-2.0"}]))


# --- 2. hostile request and lineage files ----------------------------------------------------------

HOSTILE_REQUESTS = {
    "deep.json": '{"use":' + "[" * 100_000 + "]" * 100_000 + "}",
    "dup.json": '{"artifacts":[{"id":"mit"}],"use":{"acts":["use"]},"use":{"acts":["hots"]}}',
    "bom.json": '\ufeff{"artifacts":[{"id":"mit"}],"use":{"acts":["hots"]}}',
    "nul.json": '{"artifacts":[{"id":"mit\\u0000"}],"use":{"acts":["use"]}}',
}
HOSTILE_LINEAGES = {
    "deep.yaml": "artifacts: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "dup.yaml": "artifacts: [{id: x/a, license: mit, license: llama3}]\nsubject: x/a\n",
    "lol.yaml": 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
                + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
                + "artifacts: *i\nsubject: x\n",
    "merge.yaml": "b: &b {id: x/a, license: llama3}\nartifacts:\n  - <<: *b\n    license: mit\nsubject: x/a\n",
    "tabs.yaml": "artifacts:\n\t- id: x/a\n\t  license: mit\nsubject: x/a\n",
    "tag.yaml": 'artifacts: !!python/object/apply:os.system ["echo pwned"]\nsubject: x/a\n',
    "kind.yaml": "artifacts:\n  - id: x/a\n    license: mit\n    kind: datset\nsubject: x/a\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_REQUESTS) + sorted(HOSTILE_LINEAGES) + ["latin1.json", "utf16.json"])
def test_a_hostile_file_is_one_line_and_exit_2(tmp_path, capsys, name):
    path = tmp_path / name
    if name == "latin1.json":
        path.write_bytes('{"artifacts":[{"id":"caf\xe9"}],"use":{"acts":["use"]}}'.encode("latin-1"))
    elif name == "utf16.json":
        path.write_bytes('{"artifacts":[{"id":"mit"}],"use":{"acts":["use"]}}'.encode("utf-16"))
    else:
        path.write_text({**HOSTILE_REQUESTS, **HOSTILE_LINEAGES}[name], encoding="utf-8")
    args = ("use", path) if name in HOSTILE_LINEAGES else ("--request", path)
    result = run_cli(capsys, *args)
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert str(path) in result.err


# --- 3. prepared structures copied through temporary aspif files ----------------------------------

def _docs():
    """Twelve requests asked five times over: their structures come back, so they are prepared."""
    import engine_requests
    return engine_requests.requests(12) * 5


def _eager() -> Reasoner:
    """A Reasoner that prepares a structure at its second question (no warm-up)."""
    reasoner = Reasoner(cache_size=0)
    reasoner.shapes.start_after, reasoner.shapes.admit_after = 0, 2
    return reasoner


def _answers(reasoner, docs):
    import engine_requests
    return engine_requests.answer_digests(reasoner, docs, batch_size=12)


def _leftovers(directory) -> list[str]:
    """The aspif files under `directory`, in this process's own directory there too (shapes.py)."""
    return sorted(os.path.join(where, name) for where, _, names in os.walk(directory)
                  for name in names if name.startswith("can-i-") and name.endswith(".aspif"))


def test_the_aspif_copies_are_made_in_a_directory_of_this_process_alone(tmp_path, monkeypatch):
    """Opened again by name, the files must not sit where another user could swap them: they are
    made in a mode-0700 directory of this process (review 16, low: a shared TMPDIR without the
    sticky bit)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []
    real = shapes._ground_program_file

    def watched():
        path = real()
        made.append((path, os.stat(os.path.dirname(path)).st_mode & 0o777))
        return path

    monkeypatch.setattr(shapes, "_ground_program_file", watched)
    _answers(_eager(), _docs())
    assert made and all(path is not None for path, _ in made)
    # (one directory at a time: it goes with its last file, review 17's SIGTERM finding)
    for path, mode in made:
        own = os.path.dirname(path)
        assert os.path.dirname(own) == str(tmp_path) and os.path.basename(own).startswith("can-i-")
        assert mode == 0o700, (own, oct(mode))


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_the_aspif_copy_answers_as_the_fallback_and_leaves_no_file(tmp_path, monkeypatch):
    docs = _docs()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = shapes._COMPACTED[0]
    compact = _answers(_eager(), docs)
    assert shapes._COMPACTED[0] > before, "no structure was prepared through an aspif copy"
    assert _leftovers(tmp_path) == []
    monkeypatch.setattr(shapes, "COMPACT", False)
    assert _answers(_eager(), docs) == compact


@pytest.mark.slow   # process-level or a re-verification; in the slow run (the default suite stays under 3 min)
def test_an_unwritable_temporary_directory_falls_back_with_the_same_answers(tmp_path, monkeypatch):
    docs = _docs()
    expected = _answers(_eager(), docs)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))   # mkstemp: FileNotFoundError
    assert _answers(_eager(), docs) == expected


def test_an_interrupted_prepare_leaves_no_file(tmp_path, monkeypatch):
    """Ctrl-C inside grounding: the `finally` removes the aspif file."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    real = shapes.rule_statements

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(shapes, "rule_statements", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _answers(_eager(), _docs())
    monkeypatch.setattr(shapes, "rule_statements", real)
    assert _leftovers(tmp_path) == []


# --- 2b. the cautious own-license reading (dsl2.lp own_license_clash) ------------------------------

def _own(material, own):
    return {"artifacts": [{"id": "x/lib", "license": material},
                          {"id": "me/m", "license": own, "mine": True,
                           "derived_from": [{"id": "x/lib", "relation": "finetune"}]}],
            "subject": "me/m", "use": {"acts": ["distribute"]}}


@pytest.mark.parametrize("material, own", [("gpl-3.0", "mit"), ("gpl-3.0", "cc-by-sa-4.0"), ("lgpl-2.1", "mit")])
def test_gpl_material_under_a_permissive_own_license_is_no(material, own):
    assert R.ask(_own(material, own)).status == "forbidden"


@pytest.mark.parametrize("material, own", [("gpl-3.0 OR mit", "mit"), ("gpl-2.0-or-later", "gpl-3.0"),
                                           ("gpl-3.0", "gpl-3.0 AND mit")])
def test_gpl_material_under_an_own_license_it_allows_is_yes(material, own):
    assert R.ask(_own(material, own)).status == "permitted"


def test_gpl_material_under_an_own_choice_with_a_permissive_option_is_not_yes():
    """Was a strict xfail (review 16, MEDIUM, also at a98f079): an own `apache-2.0 OR gpl-3.0` was
    read as the user's pick of gpl-3.0, YES; recipients may take the whole under Apache-2.0 (GPL-3.0
    §7 lets only a copyright holder add permissions). api._worst_of_own_alternatives: every
    alternative of an own OR must hold."""
    assert R.ask(_own("gpl-3.0", "apache-2.0 OR gpl-3.0")).status != "permitted"


def test_an_own_choice_answers_as_its_most_restrictive_alternative_and_is_named_no_choice():
    """Both alternatives fine: YES, with no `choice` for the own model; a received OR is still the
    user's pick, beside an own OR (api._worst_of_own_alternatives)."""
    fine = R.ask(_own("mit", "apache-2.0 OR mit"))
    assert fine.status == "permitted" and "me/m" not in fine.choice
    picked = R.ask(_own("gpl-3.0 OR mit", "apache-2.0 OR gpl-3.0"))
    assert picked.status == "permitted" and picked.choice == {"x/lib": ["mit"]}
    assert R.ask(_own("gpl-3.0", "gpl-3.0 OR apache-2.0")).status == "forbidden"   # order of operands moot
    assert R.ask(_own("gpl-3.0", "apache-2.0 AND gpl-3.0")).status == "permitted"   # AND: both bind
