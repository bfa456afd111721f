"""Resource limits: bounded reads, regular files only, a Reasoner shared by threads, a parse cache
that survives corrupt entries and stays small, and a budget on the work of one question.

No test here measures wall-clock time: work is bounded by counting bytes read, YAML nodes,
questions and ground atoms. Subprocess timeouts are only guards against a hang (generous, so a
loaded machine never fails them), never the assertion.
"""

from __future__ import annotations

import json
import os
import marshal
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reasoner import api, kb as kb_module
from reasoner.api import Reasoner
from reasoner.cli import main
from reasoner.errors import LimitError
from reasoner.kb import KnowledgeBase
from reasoner.request import MAX_FILE_BYTES, read_bounded, read_input_file

ROOT = Path(__file__).resolve().parent.parent
CAN_I = [sys.executable, "-c", "import sys; from reasoner.cli import main; sys.exit(main(sys.argv[1:]))"]
HANG_GUARD = 600   # seconds; only a guard against a hang, never an assertion of speed
FORBIDDEN = {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}


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
        read_bounded(stream.read, "<stdin>")
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


@pytest.mark.parametrize("argv", [("check", "{fifo}"), ("--facts", "{fifo}", "host", "mit"),
                                  ("check", "/dev/zero"), ("--facts", "/dev/zero", "host", "mit")],
                         ids=["check a FIFO", "facts from a FIFO", "check /dev/zero", "facts from /dev/zero"])
def test_license_files_must_be_regular_files_too(fifo, argv):
    argv = [a.format(fifo=fifo) for a in argv]
    if "/dev/zero" in argv and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    done = run_can_i(*argv)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "not a regular file" in done.stderr


def test_a_license_file_over_the_limit_is_a_limit_error(tmp_path):
    from reasoner.parse import parse_file

    path = tmp_path / "huge.lic"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(LimitError):
        parse_file(path)


def test_a_regular_file_still_reads_and_a_forbidden_request_stays_no(tmp_path, capsys):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(FORBIDDEN))
    assert main(["--request", str(path)]) == 1
    card = tmp_path / "card.md"
    card.write_text("---\nlicense: llama3\n---\n")
    link = tmp_path / "link.md"
    link.symlink_to(card)                      # a link to a regular file is a regular file
    assert main(["host", str(link), "--release-mau", "5", "--role", "licensee"]) == 0


# --- one Reasoner shared by threads ---------------------------------------------------------------

THREAD_REQUESTS = [
    {"licenses": ["llama3.1"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}},
    {"licenses": ["llama3.1"], "use": {"acts": ["host"], "release_mau": "5", "role": "licensee"}},
    {"licenses": ["gemma AND apache-2.0"], "use": {"acts": ["distribute"], "commercial": True}},
    {"licenses": ["cc-by-nc-4.0 OR mit"], "use": {"acts": ["host"], "commercial": True}},
    {"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": True}},
    {"artifacts": [{"id": "meta-llama/Llama-3.1-8B"},
                   {"id": "me", "mine": True, "derived_from": [{"id": "meta-llama/Llama-3.1-8B", "relation": "finetune"}]}],
     "subject": "me", "use": {"acts": ["distribute"], "name": "acme-chat"}},
    {"licenses": ["deepseek", "llama3.3"], "use": {"acts": ["host"], "territory": ["EU"]}},
    {"licenses": ["falcon-llm-license"], "use": {"acts": ["host"], "commercial": True}},
]


def test_threads_sharing_a_fresh_reasoner_get_the_single_thread_answers():
    """Sixteen threads start together (a barrier) on a Reasoner that has loaded nothing yet, so
    they race to load the same license files lazily and to fill the same caches. Each round
    checks every answer against the one-thread answer; no timing is asserted."""
    expected = [Reasoner().ask(doc).to_json() for doc in THREAD_REQUESTS]
    assert {answer["status"] for answer in expected} >= {"permitted", "forbidden"}
    threads, rounds = 16, 3
    for round_number in range(rounds):
        shared = Reasoner()
        assert shared.kb.licenses.pending, "the bundled licenses must load lazily for this test"
        start = threading.Barrier(threads)
        answers: list = [None] * threads

        def work(index: int) -> None:
            order = [(index + k) % len(THREAD_REQUESTS) for k in range(len(THREAD_REQUESTS))]
            start.wait()
            try:
                answers[index] = {i: shared.ask(THREAD_REQUESTS[i]).to_json() for i in order}
            except Exception as exc:  # noqa: BLE001 - reported below with the thread that met it
                answers[index] = exc

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        for index, got in enumerate(answers):
            assert not isinstance(got, BaseException), f"round {round_number}, thread {index}: {got!r}"
            assert got == dict(enumerate(expected)), f"round {round_number}, thread {index}: other answers"


def test_ask_many_from_threads_on_a_tiny_cache_keeps_every_answer():
    """A cache of two answers evicts all the time while eight threads fill and read it."""
    shared = Reasoner(cache_size=2)
    expected = [answer.to_json() for answer in Reasoner(cache_size=0).ask_many(THREAD_REQUESTS)]
    start = threading.Barrier(8)
    answers: list = [None] * 8

    def work(index: int) -> None:
        start.wait()
        try:
            answers[index] = [answer.to_json() for answer in shared.ask_many(THREAD_REQUESTS, batch_size=3)]
        except Exception as exc:  # noqa: BLE001
            answers[index] = exc

    workers = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(got == expected for got in answers), [type(got).__name__ for got in answers]


# --- the parse cache ------------------------------------------------------------------------------

@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAN_I_CACHE_DIR", str(folder))
    monkeypatch.delenv("CAN_I_NO_CACHE", raising=False)
    return folder


def llama3_entry(folder: Path) -> Path:
    KnowledgeBase.load().licenses["llama3"]
    entries = sorted(folder.glob("llama3-*.marshal"))
    assert len(entries) == 1, entries
    return entries[0]


def _entry(name: str, payload) -> bytes:
    return marshal.dumps((kb_module.CACHE_FORMAT, name, payload))


@pytest.mark.parametrize("garbage", [
    lambda name: _entry(name, {}), lambda name: _entry(name, []), lambda name: _entry(name, None),
    lambda name: _entry(name, [1, 2]), lambda name: _entry(name, "llama3"),
    lambda name: _entry(name, [(b"License",)]), lambda name: _entry(name, [(b"os.system", "true")]),
    lambda name: _entry(name, [{1, 2}]), lambda name: _entry(name, [compile("1", "x", "eval")]),
    lambda name: marshal.dumps(("can-i cache 1", name, [])), lambda name: pickle.dumps({}),
    lambda name: b"", lambda name: b"\x80\x05garbage", lambda name: b"not a cache entry at all",
], ids=["empty dict", "empty list", "None", "list of ints", "a string", "a class without its fields",
        "a class not of licenses.py", "a set", "a code object", "an older format", "a pickle", "empty file",
        "bad opcode", "text"])
def test_a_corrupt_cache_entry_is_parsed_again_and_overwritten(cache_dir, garbage):
    entry = llama3_entry(cache_dir)
    entry.write_bytes(garbage(entry.name))
    answer = Reasoner().ask(FORBIDDEN)
    assert answer.status == "forbidden" and any(r.clause == "2" for r in answer.reasons)
    repaired = kb_module._load_entry(entry, typed=True)
    assert isinstance(repaired, list) and [lic.id for lic in repaired] == ["llama3"]


def test_a_cache_entry_of_another_license_file_is_not_taken(cache_dir):
    entry = llama3_entry(cache_dir)
    KnowledgeBase.load().licenses["mit"]
    mit_entry = next(cache_dir.glob("mit-*.marshal"))
    entry.write_bytes(mit_entry.read_bytes())       # a valid entry of the wrong file
    assert Reasoner().ask(FORBIDDEN).status == "forbidden"


def test_a_valid_cache_entry_is_used_without_parsing(cache_dir, monkeypatch):
    llama3_entry(cache_dir)
    from reasoner import parse

    def no_parsing(path):
        raise AssertionError(f"parsed {path} although its cache entry is valid")

    monkeypatch.setattr(parse, "parse_file", no_parsing)
    assert Reasoner().ask(FORBIDDEN).status == "forbidden"


def test_the_cache_folder_is_pruned_to_a_few_entries_per_file(cache_dir):
    cache_dir.mkdir(mode=0o700)
    stale = 3 * kb_module.CACHE_ENTRIES_PER_FILE
    for i in range(stale):                      # entries of older versions of the file
        old = cache_dir / f"llama3-{i:024x}.marshal"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    left = cache_dir / "llama3-left.123.tmp"       # an interrupted write, long ago
    left.write_bytes(b"half")
    os.utime(left, (1_000_000, 1_000_000))
    fresh = llama3_entry_after_pruning(cache_dir)
    kept = sorted(cache_dir.glob("llama3-*.marshal"))
    assert len(kept) == kb_module.CACHE_ENTRIES_PER_FILE and fresh in kept
    newest_old = {cache_dir / f"llama3-{i:024x}.marshal" for i in range(stale - kb_module.CACHE_ENTRIES_PER_FILE + 1, stale)}
    assert newest_old <= set(kept)              # the newest survive, the oldest go
    assert not left.exists()


def llama3_entry_after_pruning(folder: Path) -> Path:
    before = set(folder.glob("llama3-*.marshal"))
    KnowledgeBase.load().licenses["llama3"]
    (fresh,) = set(folder.glob("llama3-*.marshal")) - before
    return fresh


def test_the_cache_folder_never_holds_more_than_its_total(cache_dir, monkeypatch):
    monkeypatch.setattr(kb_module, "CACHE_ENTRIES", 10)
    cache_dir.mkdir(mode=0o700)
    for i in range(40):
        (cache_dir / f"other{i}-{i:024x}.marshal").write_bytes(b"x")
    KnowledgeBase.load().licenses["llama3"]
    assert len(list(cache_dir.glob("*.marshal"))) == 10
    assert list(cache_dir.glob("llama3-*.marshal"))


# --- a budget on the work of one question -------------------------------------------------------------

def own_models_over_or_licenses(own: int, dense: bool = True, ancestors: int = 6) -> dict:
    """The user's own models, each made from 6 ancestors under `llama3 OR mit` (64 combinations)
    and from every earlier own model: 100 of them are a ~250 KB request that used to run for
    minutes and take gigabytes."""
    artifacts = [{"id": f"org/ancestor-{i}", "license": "llama3 OR mit"} for i in range(ancestors)]
    for j in range(own):
        edges = [{"id": f"org/ancestor-{i}", "relation": "finetune"} for i in range(ancestors)]
        edges += [{"id": f"me/model-{k}", "relation": "merge"} for k in (range(j) if dense else range(j - 1, j) if j else ())]
        artifacts.append({"id": f"me/model-{j}", "mine": True, "derived_from": edges})
    return {"artifacts": artifacts, "subject": f"me/model-{own - 1}",
            "use": {"acts": ["host", "distribute"], "release_mau": "800M", "role": "licensee"}}


@pytest.fixture
def solver_runs(monkeypatch):
    """Every clingo run of the API, with the size of its grounding."""
    runs: list[dict] = []
    original = api.run

    def counted(facts):
        statistics: dict = {}
        answers = original(facts, statistics)
        runs.append(statistics)
        return answers

    monkeypatch.setattr(api, "run", counted)
    return runs


def test_or_choices_times_a_large_lineage_are_refused_before_solving(solver_runs, tmp_path, capsys):
    doc = own_models_over_or_licenses(100)
    assert len(json.dumps(doc)) > 200_000
    with pytest.raises(LimitError) as caught:
        Reasoner(cache_size=0).ask(doc)
    message = caught.value.message
    assert caught.value.location == "artifacts"
    assert "64 combinations" in message and "reduce the OR choices" in message
    assert f"{api.MAX_WORK:,}" in message
    assert solver_runs == []                       # nothing was grounded
    path = tmp_path / "request.json"
    path.write_text(json.dumps(doc))
    assert main(["--request", str(path), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "limit"


def test_the_work_budget_counts_combinations_times_artifacts_and_acts(monkeypatch, solver_runs):
    """Three own models over six OR ancestors: 64 × (9 artifacts + 21 acts) = 1,920."""
    doc = own_models_over_or_licenses(3)
    monkeypatch.setattr(api, "MAX_WORK", 64 * (9 + 2 + 3 * 6 + 3))
    assert Reasoner(cache_size=0).ask(doc).status == "permitted"     # `mit` is the better choice
    monkeypatch.setattr(api, "MAX_WORK", 64 * (9 + 2 + 3 * 6 + 3) - 1)
    with pytest.raises(LimitError, match="64 combinations of license alternatives"):
        Reasoner(cache_size=0).ask(doc)


def test_the_work_budget_never_turns_a_forbidden_question_into_yes(monkeypatch):
    doc = own_models_over_or_licenses(2, ancestors=3)
    for artifact in doc["artifacts"][:3]:
        artifact["license"] = "llama3 OR llama3.1"   # still 8 combinations, all forbidden at 800M
    assert Reasoner(cache_size=0).ask(doc).status == "forbidden"
    monkeypatch.setattr(api, "MAX_WORK", 10)
    with pytest.raises(LimitError):
        Reasoner(cache_size=0).ask(doc)


def test_ask_many_solves_in_batches_within_the_work_budget(monkeypatch, solver_runs):
    """Questions are grouped so that no one clingo run holds more than MAX_WORK, whatever
    batch_size says; the answers are those of one question at a time."""
    requests = [own_models_over_or_licenses(2, dense=False, ancestors=3) for _ in range(3)]
    for i, doc in enumerate(requests):
        doc["use"]["release_mau"] = ["5", "800M", "1B"][i]
    alone = [Reasoner(cache_size=0).ask(doc).to_json() for doc in requests]
    one_question = 2 + 3 + 2 + 2 * 3 + 1           # artifacts in scope + acts of one combination
    monkeypatch.setattr(api, "MAX_WORK", 8 * one_question)   # one request's 8 combinations just fit
    solver_runs.clear()
    together = [answer.to_json() for answer in Reasoner(cache_size=0).ask_many(requests, batch_size=1000)]
    assert together == alone
    questions = 8 * 2                               # 5 and 800M differ, 800M and 1B share thresholds
    assert len(solver_runs) == questions // 8       # eight questions fill each run


def test_a_yaml_lineage_over_the_node_limit_is_refused_at_the_node(monkeypatch, tmp_path):
    from reasoner import subjects

    monkeypatch.setattr(subjects, "MAX_YAML_NODES", 1000)
    lines = ["subject: m0", "artifacts:"] + [f"  - {{id: m{i}, license: mit}}" for i in range(400)]
    path = tmp_path / "lineage.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LimitError) as caught:
        subjects.subject_artifacts(KnowledgeBase.load(), str(path))
    assert "more than 1,000 YAML values" in caught.value.message
    # node 1,001 is the mapping of artifact 199 (2 root keys and values, then 5 per artifact)
    assert caught.value.location == f"{path}:{2 + 200}:5"


def test_the_python_yaml_loader_stops_composing_at_the_node_limit(monkeypatch, tmp_path):
    """Without libyaml's quick count, the strict loader itself stops after MAX_YAML_NODES."""
    from reasoner import subjects

    monkeypatch.setattr(subjects, "MAX_YAML_NODES", 1000)
    monkeypatch.setattr(subjects, "_count_nodes_fast", lambda text: None)
    loader = subjects._strict_loader()
    composed = []
    original = loader.compose_node

    def counting(self, parent, index):
        composed.append(1)
        return original(self, parent, index)

    monkeypatch.setattr(loader, "compose_node", counting)
    text = "artifacts:\n" + "".join(f"  - {{id: m{i}, license: mit}}\n" for i in range(10_000))
    with pytest.raises(LimitError):
        subjects._yaml(text, tmp_path / "big.yaml", 0)
    assert len(composed) == 1001


@pytest.mark.parametrize("fast_count", [True, False], ids=["libyaml count", "python loader"])
def test_a_yaml_lineage_of_exactly_the_node_limit_is_read(monkeypatch, tmp_path, fast_count):
    from reasoner import subjects

    monkeypatch.setattr(subjects, "MAX_YAML_NODES", 1000)
    if not fast_count:
        monkeypatch.setattr(subjects, "_count_nodes_fast", lambda text: None)
    count = (1000 - 5) // 5                        # root, 2 keys, subject, list; 5 per artifact
    lines = ["subject: m0", "artifacts:", "  - {id: m0, license: llama3}"]
    lines += [f"  - {{id: m{i}, license: mit}}" for i in range(1, count)]
    path = tmp_path / "lineage.yaml"
    path.write_text("\n".join(lines) + "\n")
    artifacts, subject = subjects.subject_artifacts(KnowledgeBase.load(), str(path))
    assert subject == "m0" and len(artifacts) == count
    path.write_text("\n".join(lines) + "\nextra: 1\n")   # one key too many
    with pytest.raises(LimitError):
        subjects.subject_artifacts(KnowledgeBase.load(), str(path))


def test_a_forbidden_yaml_lineage_stays_no_and_padding_it_past_the_limit_is_an_error(monkeypatch, tmp_path, capsys):
    from reasoner import subjects

    monkeypatch.setattr(subjects, "MAX_YAML_NODES", 1000)
    lineage = ("subject: me\nartifacts:\n  - {id: meta-llama/Meta-Llama-3-8B}\n"
               "  - {id: me, mine: true, derived_from: [{id: meta-llama/Meta-Llama-3-8B, relation: finetune}]}\n")
    path = tmp_path / "lineage.yaml"
    path.write_text(lineage)
    assert main(["host", str(path), "--release-mau", "800M", "--role", "licensee"]) == 1
    path.write_text(lineage + "".join(f"  - {{id: pad{i}, license: mit}}\n" for i in range(300)))
    assert main(["host", str(path), "--release-mau", "800M", "--role", "licensee"]) == 2
    assert "YAML values" in capsys.readouterr().err


def test_a_300000_artifact_yaml_lineage_is_refused_with_a_limit_error(tmp_path):
    path = tmp_path / "lineage.yaml"
    path.write_text("subject: m0\nartifacts:\n" + "".join(f"  - id: m{i}\n    license: mit\n" for i in range(300_000)))
    assert path.stat().st_size < MAX_FILE_BYTES
    done = run_can_i("host", path)
    assert done.returncode == 2 and "YAML values" in one_error_line(done)


def test_a_json_lineage_over_the_artifact_limit_is_refused_before_reading_any_artifact(monkeypatch, tmp_path):
    from reasoner import request as request_module
    from reasoner.request import MAX_ARTIFACTS
    from reasoner.subjects import subject_artifacts

    path = tmp_path / "lineage.json"
    path.write_text(json.dumps({"subject": "a0", "artifacts": [{"id": f"a{i}"} for i in range(MAX_ARTIFACTS + 1)]}))
    assert path.stat().st_size < MAX_FILE_BYTES
    read = []
    monkeypatch.setattr(request_module, "read_artifact", lambda doc, where: read.append(where))
    with pytest.raises(LimitError) as caught:
        subject_artifacts(KnowledgeBase.load(), str(path))
    assert read == [] and caught.value.location == f"{path}:1:19: artifacts"   # line:col of the field (test_edges6)
