"""lark's parser tables are cached in can-i's own cache folder, never in the temporary directory:
lark's default there is a file it unpickles (code runs when it loads) whose name anyone can
guess, in a folder every user may write to, and a run left it in a TMPDIR that tests expect to
stay empty (test_review17_found's temporary-directory tests, when a license parse was not cached)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reasoner import resources

ROOT = Path(__file__).resolve().parent.parent
PARSE = ("import sys; sys.path.insert(0, sys.argv[1]); from reasoner import parse; "
         "print(len(parse.parse_file(sys.argv[2])))")


def _parse_afresh(tmp_path, cache: Path) -> subprocess.CompletedProcess:
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(temporary), "CAN_I_CACHE_DIR": str(cache)}
    license_file = resources.facts_dir() / "licenses" / "mit.lic"
    return subprocess.run([sys.executable, "-c", PARSE, str(ROOT), str(license_file)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_parser_tables_go_to_the_cache_folder_and_nothing_to_the_temporary_one(tmp_path):
    cache = tmp_path / "cache"
    for _ in range(2):   # built and written, then read back
        done = _parse_afresh(tmp_path, cache)
        assert done.returncode == 0, done.stderr
        assert list((tmp_path / "tmp").iterdir()) == []
        assert (cache / "grammar.lark-tables").is_file()


def test_a_cache_folder_others_may_write_to_is_not_used_for_the_tables(tmp_path):
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    planted = cache / "grammar.lark-tables"
    planted.write_bytes(b"not lark's tables\n")
    done = _parse_afresh(tmp_path, cache)
    assert done.returncode == 0, done.stderr
    assert planted.read_bytes() == b"not lark's tables\n"   # neither read nor rewritten
    assert list((tmp_path / "tmp").iterdir()) == []


def test_private_cache_file_is_none_for_a_folder_others_may_write_to(tmp_path, monkeypatch):
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path / "own"))
    monkeypatch.delenv("CAN_I_NO_CACHE", raising=False)
    assert resources.private_cache_file("x") == str(tmp_path / "own" / "x")
    monkeypatch.setenv("CAN_I_NO_CACHE", "1")
    assert resources.private_cache_file("x") is None
    monkeypatch.delenv("CAN_I_NO_CACHE")
    assert oct((tmp_path / "own").stat().st_mode & 0o777) == oct(0o700)
    (tmp_path / "own" / "x").write_bytes(b"")
    (tmp_path / "own" / "x").chmod(0o666)   # a file others may write: not read, whatever the folder
    assert resources.private_cache_file("x") is None
    (tmp_path / "own" / "x").chmod(0o600)
    assert resources.private_cache_file("x") == str(tmp_path / "own" / "x")
    (tmp_path / "own").chmod(0o775)
    assert resources.private_cache_file("x") is None
