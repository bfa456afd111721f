"""`can-i audit --engine dask`: the audit on dask.distributed gives exactly the `--jobs 1` report.

An in-process LocalCluster (two single-threaded workers, in-process comms: no sockets) keeps this to seconds;
a process cluster through the CLI is under `-m slow`.
"""

from __future__ import annotations

import contextlib
import json
import sys

import pytest

from reasoner import audit, cli, distributed

dask_distributed = pytest.importorskip("distributed")

LLAMA = "meta-llama/Meta-Llama-3-8B"


def _cards() -> list[dict]:
    """A few dozen cards in several components: a relabelled Llama fine-tune (forbidden), an
    unknown parent, a missing license, chains under run roots, a duplicate id and a junk line."""
    cards = [
        {"id": "acme/llama-ft", "cardData": {"license": "apache-2.0", "base_model": LLAMA}},        # forbidden
        {"id": "acme/llama-ft-q", "cardData": {"license": "apache-2.0", "base_model": "acme/llama-ft"}},
        {"id": "acme/ghost-ft", "cardData": {"license": "mit", "base_model": "nobody/ghost-base"}},  # unknown parent
        {"id": "acme/bare", "cardData": {"base_model": "acme/root-0"}},                             # no license
        {"id": "acme/unnamed", "cardData": {"license": "other"}},
        {"id": "acme/phi-ft", "cardData": {"license": "mit", "base_model": "microsoft/phi-2",
                                               "datasets": ["tatsu-lab/alpaca", "nobody/secret-data"]}},
    ]
    for root in range(4):
        cards.append({"id": f"acme/root-{root}", "cardData": {"license": ["mit", "apache-2.0"][root % 2]}})
        parent = f"acme/root-{root}"
        for depth in range(6):
            child = f"acme/r{root}-d{depth}"
            meta = {"license": ["mit", "apache-2.0", "cc-by-nc-4.0"][depth % 3], "base_model": parent}
            cards.append({"id": child, "cardData": meta})
            parent = child
    cards.append({"id": "acme/root-1", "cardData": {"license": "mit"}})                            # duplicate id
    return cards


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "cards.jsonl"
    lines = [json.dumps(card) for card in _cards()] + ["{not json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client():
    with dask_distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address="127.0.0.1:0") as cluster, dask_distributed.Client(cluster) as c:
        yield c


@pytest.fixture
def fresh_shapes(monkeypatch):
    """Workers in this process would otherwise reuse the answers `--jobs 1` left by shape."""
    monkeypatch.setattr(audit, "_SHAPES", {})


def _doc(report) -> dict:
    return report.to_json()


def test_dask_gives_exactly_the_jobs_1_report(sample, client, monkeypatch):
    local = audit.audit([sample])
    assert local.counts().get("forbidden") and "unknown-parent" in local.kind_counts()   # the graph is not trivial
    monkeypatch.setattr(audit, "_SHAPES", {})
    submitted = []
    original = client.submit
    monkeypatch.setattr(client, "submit", lambda *a, **k: submitted.append(a[1]) or original(*a, **k))
    remote = distributed.audit([sample], client=client, chunk_size=4)
    assert len(submitted) == remote.chunks > 4               # several chunks, each one task
    assert all(len(items) <= 6 for items in submitted)        # chunks are components or slices of about 4
    assert _doc(remote) == _doc(local)
    assert remote.exit_code() == local.exit_code() == 1
    assert audit.render_text(remote) == audit.render_text(local)
    forbidden = next(r for r in remote.rows if r["id"] == "acme/llama-ft")
    assert forbidden["status"] == "forbidden"                 # no wrong YES through the cluster
    assert next(r for r in remote.rows if r["id"] == "acme/ghost-ft")["status"] == "unknown"


def test_cli_engine_dask_prints_the_jobs_1_json_and_exit_code(sample, client, monkeypatch, capsys, fresh_shapes):
    code_local = cli.main(["audit", str(sample), "--json", "-q"])
    local = capsys.readouterr().out
    monkeypatch.setattr(audit, "_SHAPES", {})
    monkeypatch.setattr(distributed, "connect", lambda *a, **k: contextlib.nullcontext(client))
    code_dask = cli.main(["audit", str(sample), "--json", "-q", "--engine", "dask"])
    assert capsys.readouterr().out == local
    assert code_dask == code_local == 1


def test_worker_with_another_knowledge_base_is_refused(sample, client, fresh_shapes):
    items = audit.AuditGraph(audit._engine().kb, audit.iter_cards([sample])).chunk_items(["acme/llama-ft"])
    future = client.submit(distributed.answer_on_worker, items, None, True, None, "not-the-client", pure=False)
    with pytest.raises(distributed.KnowledgeBaseMismatch, match="not the client's"):
        future.result()


def test_workers_load_the_knowledge_base_once(client):
    client.register_plugin(distributed.LoadKnowledgeBase(None))
    assert set(client.run(lambda: id(audit._engine())).values()) == {id(audit._engine())}   # one per process


def test_without_dask_the_engine_names_the_extra(sample, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert cli.main(["audit", str(sample), "-q", "--engine", "dask"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and 'pip install "can-i[dask]"' in err


def test_unreachable_scheduler_is_one_line_not_a_hang(sample, monkeypatch, capsys):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 0.5)
    assert cli.main(["audit", str(sample), "-q", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in err
    assert cli.main(["audit", str(sample), "-q", "--engine", "dask", "--scheduler", "nonsense"]) == 2
    assert "not a Dask scheduler address" in capsys.readouterr().err


def test_engine_and_scheduler_are_checked(sample, capsys):
    assert cli.main(["audit", str(sample), "-q", "--engine", "spark"]) == 2
    assert cli.main(["audit", str(sample), "-q", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--engine dask" in capsys.readouterr().err


@pytest.mark.slow
def test_process_cluster_through_the_cli_matches_jobs_1(capsys):
    """Two worker processes (spawned, so each loads the knowledge base itself) over the sample."""
    sample = "tests/data/hub-cards-sample.jsonl"
    code_local = cli.main(["audit", sample, "--json", "-q"])
    local = capsys.readouterr().out
    code_dask = cli.main(["audit", sample, "--json", "-q", "--engine", "dask", "--jobs", "2"])
    assert capsys.readouterr().out == local and code_dask == code_local


def test_a_chunk_failing_on_the_cluster_is_one_line(sample, client, monkeypatch, capsys, fresh_shapes):
    def broken(*args):
        raise MemoryError("worker out of memory")

    monkeypatch.setattr(distributed, "connect", lambda *a, **k: contextlib.nullcontext(client))
    monkeypatch.setattr(distributed, "answer_on_worker", broken)
    assert cli.main(["audit", str(sample), "-q", "--engine", "dask"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "a chunk failed on the cluster: MemoryError: worker out of memory" in err


def test_a_scheduler_without_workers_is_one_line_not_a_hang(sample, monkeypatch, capsys):
    with dask_distributed.LocalCluster(n_workers=0, processes=False, dashboard_address="127.0.0.1:0") as empty:
        monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 0.5)
        assert cli.main(["audit", str(sample), "-q", "--engine", "dask", "--scheduler", empty.scheduler_address]) == 2
    assert "has no workers after 0.5 s" in capsys.readouterr().err


def test_facts_missing_on_a_worker_change_the_fingerprint(tmp_path):
    """A worker without the client's --facts files must not answer with another knowledge base."""
    present = tmp_path / "x.lic"
    present.write_text("license x\n", encoding="utf-8")
    with_file = distributed.fingerprint([str(present)])
    distributed._FINGERPRINTS.clear()
    present.unlink()
    assert distributed.fingerprint([str(present)]) != with_file
