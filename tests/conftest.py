"""Shared fixtures: the bundled knowledge base is loaded once per test session."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from reasoner.api import Reasoner
from reasoner import cli
from reasoner.cli import main
from reasoner.kb import KnowledgeBase
from reasoner.parse import parse_text


@pytest.fixture(scope="session")
def reasoner() -> Reasoner:
    return Reasoner()


def make_reasoner(*texts: str, cache_size: int = 0) -> Reasoner:
    """A reasoner over license texts written inside a test."""
    kb = KnowledgeBase()
    for i, text in enumerate(texts):
        for lic in parse_text(text, f"test{i}.lic"):
            kb.add(lic)
    return Reasoner(kb=kb, cache_size=cache_size)


class Run:
    """What one in-process `can-i` run gave: exit code, stdout, stderr. It also unpacks as
    `code, out, err`."""

    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __iter__(self):
        return iter((self.code, self.out, self.err))

    def __getitem__(self, index: int):
        return (self.code, self.out, self.err)[index]

    def json(self):
        return json.loads(self.out)

    def line(self) -> str:
        """The one error line on stderr (asserts there is exactly one, and no traceback)."""
        lines = self.err.splitlines()
        assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}:\n{self.err}"
        assert "Traceback" not in self.err and lines[0].startswith("can-i: "), self.err
        return lines[0]


def run_cli(capsys, *argv, stdin: str | None = None, monkeypatch=None) -> Run:
    """Run `can-i ARGV` in this process (standard input from `stdin`, which needs `monkeypatch`);
    no traceback may reach either stream."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
    return Run(code, out, err)


def own_model_bom(path, *ancestors: dict):
    """Write a CycloneDX 1.6 ML-BOM of the user's own model (acme/student, Apache-2.0) whose
    pedigree ancestors are `ancestors`, to `path`; returns the path."""
    mine = {"type": "machine-learning-model", "group": "acme", "name": "student",
            "licenses": [{"license": {"id": "Apache-2.0"}}], "pedigree": {"ancestors": list(ancestors)},
            "properties": [{"name": "can-i:mine", "value": "true"}]}
    path.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                                "metadata": {"component": mine}, "components": []}), encoding="utf-8")
    return path


def assert_input_error(reasoner, doc: dict, location: str, words: str, tmp_path, capsys):
    """`doc` is refused as an input error at `location` whose message says `words`, in process and
    through `can-i --request FILE` (exit 2, one line, no traceback). Returns the file written."""
    from reasoner.errors import RequestError

    with pytest.raises(RequestError) as raised:
        reasoner.ask(doc)
    assert raised.value.location == location and words in raised.value.message, raised.value
    path = tmp_path / "request.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run = run_cli(capsys, "--request", path)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    return path


@pytest.fixture
def can_i(capsys, monkeypatch):
    """`can_i(*argv, stdin=None) -> Run`."""
    return lambda *argv, stdin=None: run_cli(capsys, *argv, stdin=stdin, monkeypatch=monkeypatch)


@pytest.fixture
def bundled_kb(reasoner, monkeypatch):
    """The CLI answers from the bundled knowledge base, loaded once per session; whatever a test
    does to the CLI's cached reasoners (`--facts`) is undone afterwards. Test files use it with
    `pytestmark = pytest.mark.usefixtures("bundled_kb")`."""
    monkeypatch.setattr(cli, "_reasoners", {(): ((), reasoner)})


EXIT_OF = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}


def json_answer(can_i, *argv) -> dict:
    """`can-i ARGV --json` as a document; nothing on stderr, and the exit code follows its status."""
    code, out, err = can_i(*argv, "--json")
    assert err == "", err
    doc = json.loads(out)
    assert code == EXIT_OF[doc["status"]]
    return doc


@pytest.fixture(autouse=True)
def no_stray_profile(monkeypatch):
    """No test reads a profile it did not write: a can-i.toml or [tool.can-i] in a folder above
    the checkout (or the checkout's own pyproject.toml, were it to gain one) would otherwise
    state facts in every answer. CAN_I_PROFILE=none is --no-profile for this process and the
    can-i processes tests start; tests of profiles remove it (tests/test_profiles.py)."""
    monkeypatch.setenv("CAN_I_PROFILE", "none")


def write_card(folder: Path, model: str, front: str) -> Path:
    """A model card `folder/model/README.md` with this front matter (the CLI names a README.md's
    model after its folder)."""
    path = folder / model / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n# {model}\n", encoding="utf-8")
    return path
