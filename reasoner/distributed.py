"""`can-i audit --engine dask`: the same audit on a Dask cluster (`dask.distributed`), for a
registry that outgrows one machine or its time budget.

Nothing here answers a question: the graph is built and cut into chunks (connected components
of the lineage graph, `audit.plan_chunks`) on the client exactly as for `--jobs`, and each
chunk is one Dask task calling the same `audit.answer_chunk`. What is shipped to a worker is
plain data: a chunk's requests (each model with its ancestry), the profile, and the names of the
knowledge-base files. Each worker loads the knowledge base once (a worker plugin, then the
process's cached `Reasoner`) and checks that it is the client's (a worker with other license
files could give another answer). Results are gathered as they complete, a few chunks per
worker in flight, so a million models' requests are never all built at once; rows are put back
in the order of `--jobs 1`, whose report, summary and exit code they reproduce exactly.

>>> from reasoner import distributed
>>> report = distributed.audit(["cards/"], scheduler="tcp://10.0.0.5:8786")   # doctest: +SKIP
>>> report = distributed.audit(["cards/"], workers=2)    # a LocalCluster    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Callable, Iterable

from . import audit as _audit
from .errors import CanIError, UsageProblem, one_line

EXTRA = 'pip install "can-i[dask]"'
CONNECT_TIMEOUT = 10.0          # seconds to reach a scheduler before saying so
KB_SUFFIXES = (".lic", ".toml")
IN_FLIGHT_PER_WORKER = 2        # chunks queued per worker: busy workers, bounded client memory

try:  # the plugin's base; the module stays importable without dask (the CLI then says so)
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - exercised by the "no dask" test through _import
    _WorkerPlugin = object


class KnowledgeBaseMismatch(CanIError):
    """A worker whose knowledge base (license files, rules, can-i version) is not the client's."""

    code = "engine"


class EngineFailure(CanIError):
    """The cluster could not answer a chunk (a worker died, was killed, or failed)."""

    code = "engine"


def _import():
    """`distributed`, or a one-line error naming the extra that provides it."""
    try:
        import distributed
    except ImportError:
        raise UsageProblem(f"--engine dask needs Dask: {EXTRA}") from None
    return distributed


# --- the worker's side --------------------------------------------------------------------------

_FINGERPRINTS: dict = {}
_LOCK = threading.Lock()   # a Reasoner answers one question at a time; a worker may run threads


def fingerprint(facts=None) -> str:
    """A digest of what decides an answer: the can-i version, its code, grammar and rules, and
    the knowledge-base files (`facts`, else the bundled ones). Equal digests on client and
    worker, equal answers."""
    key = _audit._key(facts)
    if key not in _FINGERPRINTS:
        from . import __version__, resources

        digest = hashlib.sha256(__version__.encode())
        roots = [Path(p) for p in key] or [Path(resources.facts_dir())]
        package = Path(__file__).parent
        files = sorted([*package.glob("*.py"), *package.glob("*.lp"), Path(resources.grammar_path())])
        for root in roots:
            # What the knowledge base reads (not README.md or __pycache__, which differ by install).
            files += sorted(p for p in root.rglob("*") if p.suffix in KB_SUFFIXES) if root.is_dir() else [root]
        for path in files:
            try:
                content = path.read_bytes()
            except OSError:     # a --facts file missing on this worker: another digest, refused
                content = b"\0missing"
            digest.update(path.name.encode() + b"\0" + content + b"\0")
        _FINGERPRINTS[key] = digest.hexdigest()[:16]
    return _FINGERPRINTS[key]


def answer_on_worker(items: list[dict], profile, share: bool, facts, expected: str) -> list:
    """One chunk on a worker: `audit.answer_chunk`, once the worker's knowledge base is known to
    be the client's."""
    with _LOCK:
        mine = fingerprint(facts)
        if mine != expected:
            from . import __version__

            raise KnowledgeBaseMismatch(f"a Dask worker's can-i {__version__} knowledge base ({mine}) is not the "
                                        f"client's ({expected}): install the same can-i and license files on "
                                        f"every worker")
        return _audit.answer_chunk(items, profile, share, facts)


class LoadKnowledgeBase(_WorkerPlugin):
    """Loads the knowledge base when a worker joins, once for all the chunks it will take."""

    name = "can-i-knowledge-base"

    def __init__(self, facts=None):
        self.facts = [str(p) for p in facts] if facts else None

    def setup(self, worker=None):
        with _LOCK:
            fingerprint(self.facts)
            try:
                _audit._engine(self.facts)
            except (CanIError, OSError):
                pass    # e.g. --facts files this worker lacks: its first chunk says so, in one line


# --- the client's side --------------------------------------------------------------------------

# Dask's sampling profiler walks each worker's stack every 10 ms for a dashboard nobody watches
# during an audit (no difference measured at 20,000 models, but nothing gained by it either).
LOCAL_CONFIG = {"distributed.worker.profile.enabled": False}


def local_cluster(workers: int):
    """A LocalCluster of `workers` single-threaded processes on 127.0.0.1 (dashboard on a free
    loopback port), without the sampling profiler."""
    import dask

    distributed = _import()
    with dask.config.set(LOCAL_CONFIG):
        return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                        dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, timeout: float | None = None):
    """A `distributed.Client` on the scheduler at `scheduler`, or on a `LocalCluster` of
    `workers` single-threaded processes (None: one per core) started and stopped here."""
    distributed = _import()
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    cluster = None
    logging.getLogger("distributed").setLevel(logging.ERROR)   # its own chatter is not the audit's
    try:
        if scheduler is None:
            cluster = local_cluster(workers or os.cpu_count() or 1)
            client = distributed.Client(cluster, timeout=timeout)
        else:
            client = distributed.Client(scheduler, timeout=timeout)
    except (ValueError, TypeError) as exc:
        raise UsageProblem(f"--scheduler: `{scheduler}` is not a Dask scheduler address, such as "
                           f"tcp://10.0.0.5:8786 ({one_line(str(exc))})") from None
    except (OSError, TimeoutError, RuntimeError) as exc:   # RuntimeError: a LocalCluster that cannot start
        if cluster is not None:
            cluster.close()
        where = f"--scheduler: cannot reach the Dask scheduler at {scheduler}" if scheduler else \
            "--engine dask: cannot start a local Dask cluster"
        raise UsageProblem(f"{where} within {timeout:g} s ({one_line(str(exc))})") from None
    try:
        try:   # a scheduler without workers would leave every task waiting
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise UsageProblem(f"--scheduler: the Dask scheduler at {scheduler} has no workers after {timeout:g} s; "
                               f"start some with `dask worker {scheduler} --nthreads 1` "
                               f"({one_line(str(exc))})") from None
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class ChunkRunner:
    """What `audit.audit_cards(runner=...)` calls: takes the chunks' items as the audit builds
    them and yields each chunk's rows as its task completes."""

    def __init__(self, client, facts=None):
        self.client = client
        self.facts = [str(p) for p in facts] if facts else None
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    def __call__(self, batches: Iterable[list[dict]], profile, share: bool, facts) -> Iterable[list]:
        import warnings

        distributed = _import()
        expected = fingerprint(self.facts)
        self.client.register_plugin(LoadKnowledgeBase(self.facts))
        batches = iter(batches)
        pending = distributed.as_completed()

        def submit() -> bool:
            items = next(batches, None)
            if items is None:
                return False
            with warnings.catch_warnings():   # "large graph": a chunk's requests are its payload
                warnings.simplefilter("ignore")
                pending.add(self.client.submit(answer_on_worker, items, profile, share, self.facts, expected,
                                               pure=False))
            return True

        for _ in range(IN_FLIGHT_PER_WORKER * self.workers):
            if not submit():
                break
        for future in pending:
            try:
                rows = future.result()
            except CanIError:
                raise
            except Exception as exc:   # a worker lost, killed or broken: one line, not a traceback
                raise EngineFailure(f"--engine dask: a chunk failed on the cluster: {type(exc).__name__}: "
                                    f"{one_line(str(exc))}") from None
            future.release()
            submit()
            yield rows


def audit(paths: Iterable, profile=None, resolver: Callable | None = None, scheduler: str | None = None,
          workers: int | None = None, progress: Callable | None = None, share: bool = True, facts=None,
          chunk_size: int = _audit.CHUNK_MODELS, client=None, timeout: float | None = None) -> _audit.AuditReport:
    """`audit.audit` on Dask: the scheduler at `scheduler` (e.g. "tcp://10.0.0.5:8786"), else a
    LocalCluster of `workers` processes, else the given `client`. Same report as `--jobs 1`."""
    with contextlib.nullcontext(client) if client is not None else connect(scheduler, workers, timeout) as connected:
        # Connected before a card is read: a wrong address fails in seconds, not after a registry.
        runner = ChunkRunner(connected, facts)
        return _audit.audit_cards(_audit.iter_cards(paths), profile=profile, resolver=resolver, jobs=runner.workers,
                                  progress=progress, share=share, facts=facts, chunk_size=chunk_size, runner=runner)
