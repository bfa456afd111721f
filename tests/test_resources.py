"""Resource limits: bounded reads, regular files only, a Reasoner shared by threads, a parse cache
that survives corrupt entries and stays small, and a budget on the work of one question.

No test here measures wall-clock time: work is bounded by counting bytes read, YAML nodes,
questions and ground atoms. Subprocess timeouts are only guards against a hang (generous, so a
loaded machine never fails them), never the assertion.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reasoner import api, kb as kb_module
from reasoner.api import Reasoner
from reasoner.cli import main
from reasoner.errors import LimitError, RequestError
from reasoner.kb import KnowledgeBase
from reasoner.request import MAX_FILE_BYTES, read_bounded, read_input_file

ROOT = Path(__file__).resolve().parent.parent
CAN_I = [sys.executable, "-c", "import sys; from reasoner.cli import main; sys.exit(main(sys.argv[1:]))"]
HANG_GUARD = 600   # seconds; only a guard against a hang, never an assertion of speed
FORBIDDEN = {"licenses": ["llama3"], "use": {"acts": ["host"], "mau": "800M"}}


def run_can_i(*argv, stdin=None, shell_input: str | None = None) -> subprocess.CompletedProcess:
    """The CLI in a child process (a regression here would hang or eat memory, so not in-process),
    with its address space capped at 2 GiB so that reading an endless input fails fast."""
    command = CAN_I + [str(a) for a in argv]
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    command[2] = limit + command[2]
    if shell_input is not None:
        quoted = " ".join("'" + part.replace("'", "'\\''") + "'" for part in command)
        command = ["sh", "-c", f"{shell_input} | {quoted}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD, stdin=stdin)


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("can-i: "), done.stderr[-2000:]
    return lines[0]


# --- bounded reads ------------------------------------------------------------------------------

class Endless:
    """A binary stream that never ends, counting what was taken from it."""

    def __init__(self):
        self.taken = 0

    def read(self, size=-1):
        assert size is not None and size >= 0, "an unbounded read of an endless stream"
        self.taken += size
        return b"y" * size


def test_an_endless_stream_is_read_only_up_to_the_limit_and_refused():
    stream = Endless()
    with pytest.raises(LimitError) as caught:
        read_bounded(stream, "<stdin>")
    assert stream.taken == MAX_FILE_BYTES + 1
    assert caught.value.location == "<stdin>" and "10 MiB" in caught.value.message


def test_an_input_of_exactly_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MAX_FILE_BYTES - 2) + b"{}")
    assert len(read_input_file(path)) == MAX_FILE_BYTES
    path.write_bytes(b" " * (MAX_FILE_BYTES - 1) + b"{}")
    with pytest.raises(LimitError):
        read_input_file(path)


@pytest.mark.parametrize("argv", [("host", "/dev/zero"), ("--request", "/dev/urandom"), ("--request", "/dev/zero")])
def test_an_endless_device_is_refused_with_one_line_and_exit_2(argv):
    if not Path(argv[1]).exists():
        pytest.skip(f"no {argv[1]} here")
    done = run_can_i(*argv)
    assert done.returncode == 2
    assert "not a regular file" in one_error_line(done)


def test_endless_standard_input_is_refused_at_the_limit_with_exit_2():
    done = run_can_i("--request", "-", "--json", shell_input="yes")
    assert done.returncode == 2
    assert "larger than 10 MiB" in one_error_line(done)
    assert json.loads(done.stdout)["error"]["code"] == "limit"


def test_a_forbidden_request_on_standard_input_is_still_answered_no():
    done = run_can_i("--request", "-", "--json", shell_input="echo " + "'" + json.dumps(FORBIDDEN) + "'")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["status"] == "forbidden"


def test_a_request_file_over_the_limit_is_a_limit_error(tmp_path, capsys):
    path = tmp_path / "request.json"
    path.write_bytes(json.dumps(FORBIDDEN).encode() + b" " * MAX_FILE_BYTES)
    assert main(["--request", str(path), "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["code"] == "limit" and out["error"]["location"] == str(path)


# --- regular files only -------------------------------------------------------------------------

@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("verb", [("host",), ("--request",)], ids=["subject", "request"])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(fifo, verb):
    done = run_can_i(*verb, fifo)
    assert done.returncode == 2
    line = one_error_line(done)
    assert str(fifo) in line and "named pipe" in line and "not a regular file" in line


def test_a_named_pipe_in_a_model_folder_is_refused(fifo, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    os.mkfifo(folder / "README.md")
    done = run_can_i("host", folder)
    assert done.returncode == 2 and str(folder) in one_error_line(done)


def test_a_regular_file_still_reads_and_a_forbidden_request_stays_no(tmp_path, capsys):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(FORBIDDEN))
    assert main(["--request", str(path)]) == 1
    card = tmp_path / "card.md"
    card.write_text("---\nlicense: llama3\n---\n")
    link = tmp_path / "link.md"
    link.symlink_to(card)                      # a link to a regular file is a regular file
    assert main(["host", str(link), "--mau", "5"]) == 0
