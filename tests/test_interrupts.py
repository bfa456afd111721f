"""A Ctrl-C is exit code 130 and no traceback, also while the command line is still importing
what it needs (fast.main): the profile check's tomllib, the full command line's typer and rich.
Before, a KeyboardInterrupt raised in those imports left main() as a traceback (in a run of 80
random SIGINTs at a cold `can-i host …`, 14 ended so with exit 1)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reasoner import fast

ROOT = Path(__file__).resolve().parent.parent


def test_a_ctrl_c_in_the_fast_path_is_exit_130(monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fast, "_profile_may_apply", interrupted)
    try:   # a KeyboardInterrupt leaving main() would stop the whole test run: caught, and failed
        code = fast.main(["host", "llama3", "--commercial", "--mau", "800M", "--json"])
    except KeyboardInterrupt:
        pytest.fail("the Ctrl-C left fast.main() as a KeyboardInterrupt")
    assert code == 130


def test_a_ctrl_c_while_the_full_command_line_is_imported_is_exit_130_without_traceback():
    """The full command line is imported inside main(); a Ctrl-C during that import (~40 ms of
    typer and rich) is simulated by an import hook that raises it for reasoner.cli."""
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        class Interrupt:
            def find_spec(self, name, path=None, target=None):
                if name == "reasoner.cli":
                    raise KeyboardInterrupt
        sys.meta_path.insert(0, Interrupt())
        from reasoner import fast
        sys.argv = ["can-i", "show", "llama3"]   # not a verb: the full command line
        fast.main()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 130, (done.returncode, done.stderr[-1500:])
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
