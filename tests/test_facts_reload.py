"""A process that calls `can-i` again (an embedder's `cli.main`, a server, the tests) after
editing its --facts license file answers from the file as it is now: the knowledge base was kept
by path alone, so a ban added to the file answered YES (found in session 15)."""

from __future__ import annotations

import os

from conftest import run_cli

BAN = ('license t {{\n  name "T"\n  kind model\n  osi no\n  clause "1" "Grant" {{\n    grant all\n  }}\n'
       '  clause "2" "Not in {0}" {{\n    forbid all when territory in {{{0}}}\n  }}\n}}\n')


def _status(capsys, path) -> str:
    run = run_cli(capsys, "--no-profile", "--facts", path, "use", "t", "--territory", "US", "--json", "--no-remedies")
    return run.json()["status"]


def test_an_edited_license_file_is_read_again(capsys, tmp_path):
    path = tmp_path / "t.lic"
    path.write_text(BAN.format("DE"))
    assert _status(capsys, path) == "permitted"
    path.write_text(BAN.format("US"))          # same size, maybe the same mtime tick: both are keyed
    os.utime(path, ns=(1, 1))
    assert _status(capsys, path) == "forbidden"


def test_a_file_added_to_a_facts_folder_is_read(capsys, tmp_path):
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "t.lic").write_text(BAN.format("DE"))
    assert _status(capsys, folder) == "permitted"
    (folder / "t.lic").write_text(BAN.format("US"))
    os.utime(folder / "t.lic", ns=(2, 2))
    assert _status(capsys, folder) == "forbidden"
