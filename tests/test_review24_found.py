"""Review 24: hostile review of the session's change (1bda481..HEAD). HIGH = a wrong YES,
MEDIUM = another wrong answer, a traceback or an input silently ignored, LOW = the rest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")


sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402


# --- HIGH: a misspelt `finetuned_from` was dropped without a word --------------------------------

@pytest.mark.parametrize("key", ["finetuned-from", "Finetuned_From", "finetunedFrom", "finetuned_froms"])
def test_a_near_miss_of_finetuned_from_is_refused(can_i, tmp_path, key):
    """HIGH. Review 23 made `finetuned_from` binding (a base it names that `base_model` does not
    list is refused), but not a near miss of it, as `base_models` is: `finetuned-from:
    meta-llama/Meta-Llama-3-8B` on a card labelled MIT was YES for commercial use."""
    path = card(tmp_path, "m", f"license: mit\n{key}: meta-llama/Meta-Llama-3-8B")
    run = can_i("use", path, "--commercial", "--no-remedies")
    assert run.code == 2 and "finetuned_from" in run.line(), run.out


# --- LOW: the parser tables were never read back under a umask of 002 ---------------------------

def test_the_parser_tables_are_read_back_under_a_group_writable_umask(tmp_path, monkeypatch):
    """LOW. lark writes the tables with open(), so under umask 002 the file was group-writable:
    private_cache_file refused it ever after, and every cold parse built (~0.3 s) and wrote it again."""
    import os

    from reasoner import parse, resources

    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CAN_I_NO_CACHE", raising=False)
    parse._parser.cache_clear()
    old = os.umask(0o002)
    try:
        parse._parser()
    finally:
        os.umask(old)
        parse._parser.cache_clear()
    assert resources.private_cache_file("grammar.lark-tables") is not None


# --- HIGH: a card's license list entry that closes its own parentheses -----------------------------

@pytest.mark.parametrize("entry", ["mit)OR(apache-2.0", "mit) OR (apache-2.0", "mit ) OR ( apache-2.0"])
def test_a_license_list_entry_that_is_no_whole_expression_is_refused(can_i, tmp_path, entry):
    """HIGH. Review 23 parenthesised each entry of a card's `license` list, but an entry holding
    `)` and `(` broke out of its parentheses: `[cc-by-nc-4.0, "mit)OR(apache-2.0"]` became
    `cc-by-nc-4.0 AND (mit)OR(apache-2.0)`, and commercial use was YES through Apache alone."""
    path = card(tmp_path, "m", f'license: [cc-by-nc-4.0, "{entry}"]')
    run = can_i("use", path, "--commercial", "--no-remedies", "--json")
    assert run.code == 2 and "license" in run.line(), run.out


# --- LOW: a 10.6 MB ruff wheel committed at the repository's root ---------------------------------

def test_no_wheel_is_tracked_in_the_repository():
    """LOW. Commit 81e3fe9 (add_fact_symbols) also added
    ruff-0.17.6-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (10,645,279 bytes), a
    linter's binary nothing refers to, to every clone and source archive."""
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "*.whl"], cwd=root, capture_output=True, text=True).stdout.split()
    assert tracked == [], tracked
