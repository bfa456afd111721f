"""`--hub`: read the cards of parents and datasets can-i does not know from the Hugging Face Hub.

Opt in only: without `--hub` nothing here runs and no socket is opened. Cards are fetched with
`huggingface_hub` (the optional extra `can-i[hub]`), which honours `HF_ENDPOINT` and `HF_TOKEN`;
each is kept on disk with its fetch date, so that a later run (or one with `HF_HUB_OFFLINE=1`, or
without a network) answers from the cache and says so. A fetched card is data, read exactly as a
local card is (subjects.model_card: strict YAML, no aliases, no tags, bounded sizes); nothing in it
is run. A card that cannot be had leaves its model UNKNOWN, named in the answer, never permitted.

    >>> resolver = HubResolver("/tmp/can-i-cache", offline=True)   # doctest: +SKIP
    >>> resolver.card("BramVanroy/fietje-2")["license"]            # doctest: +SKIP
    'mit'
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

DEFAULT_ENDPOINT = "https://huggingface.co"
# The part of a README read: front matter sits at the top, and real cards' front matter is a few
# KiB (the largest of the 502 in the sample is under 20 KiB); the rest of a README (which can be
# megabytes of prose) is never read.
MAX_CARD_BYTES = 256 * 1024
# A question reads at most this many cards and follows base_model chains this deep: a card's
# parents are someone else's data, and a loop or a fan-out of thousands must not run away.
MAX_CARDS = 200
MAX_DEPTH = 8
# Seconds: connect and between bytes, and for a whole card. A Hub that does not answer makes the
# question answer from the cache, not hang.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
CARD_DEADLINE = 30.0
# Cached cards older than this are fetched again when the Hub is reachable (a card's license can
# change); offline, any age is used and the answer gives the fetch date.
MAX_AGE_DAYS = 7

_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(/[A-Za-z0-9_.-]{1,96})?$")
_HUB_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?:datasets/)?([^/?#\s]+/[^/?#\s]+)/?$", re.IGNORECASE)


def default_cache_dir() -> Path:
    """The `hub` folder of can-i's cache: `$CAN_I_CACHE_DIR/hub`, else `$XDG_CACHE_HOME/can-i/hub`,
    else `~/.cache/can-i/hub` (the folder the parsed license files are cached in)."""
    from .resources import cache_folder

    return cache_folder() / "hub"


def hub_id(text: str) -> str | None:
    """The Hub repo id a base_model or dataset entry names, or None for a local path, a URL
    elsewhere or junk (which are never fetched).

    >>> hub_id("BramVanroy/fietje-2"), hub_id("https://huggingface.co/yanolja/EEVE"), hub_id("/tmp/x")
    ('BramVanroy/fietje-2', 'yanolja/EEVE', None)
    """
    text = text.strip()
    match = _HUB_URL.match(text)
    if match:
        text = match.group(1)
    if not _REPO_ID.match(text) or ".." in text or text.endswith((".", "-")):
        return None
    return text


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().upper() in ("1", "ON", "YES", "TRUE")


@dataclass
class Fetched:
    """A card's front matter as text, where it came from and when it was fetched."""
    repo_id: str
    kind: str                # "model" or "dataset"
    front_matter: str | None  # None: the Hub has no such repo or no README
    fetched: str             # ISO date and time (UTC) of the fetch
    cached: bool             # read from the cache in this run
    problem: str = ""        # why there is no card, when there is none


class HubUnavailable(Exception):
    """The Hub cannot be asked (offline, unreachable, or huggingface_hub is not installed)."""


class HubResolver:
    """Fetch (or read from the cache) the cards of Hub models and datasets.

    `endpoint` defaults to `HF_ENDPOINT` (else huggingface.co), `token` to `HF_TOKEN`, `offline`
    to `HF_HUB_OFFLINE`. `fetches` counts the requests sent, `cards_read` the cards complete()
    applied; a run's cards are memoised, so each is looked up once.

    >>> resolver = HubResolver(tmp_path, endpoint="http://127.0.0.1:8080")   # doctest: +SKIP
    >>> resolver.card("no/such-model") is None                                 # doctest: +SKIP
    True
    """

    def __init__(self, cache_dir: str | Path | None = None, endpoint: str | None = None,
                 offline: bool | None = None, token: str | None = None):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.token = token if token is not None else (os.environ.get("HF_TOKEN") or None)
        self.offline = _env_true("HF_HUB_OFFLINE") if offline is None else offline
        self.offline_reason = "HF_HUB_OFFLINE is set" if self.offline else ""
        self.fetches = 0
        self.cards_read = 0
        self._seen: dict[tuple[str, str], Fetched] = {}

    # --- the API the audit and the CLI use ---------------------------------------------------

    def card(self, repo_id: str) -> dict | None:
        """A model card's front matter as a dict, or None when none can be had."""
        return self._front_matter(self.fetch(repo_id, "model"))

    def dataset_card(self, dataset_id: str) -> dict | None:
        """A dataset card's front matter as a dict, or None when none can be had."""
        return self._front_matter(self.fetch(dataset_id, "dataset"))

    def fetch(self, repo_id: str, kind: str = "model") -> Fetched:
        """The card's front matter text: from this run, the cache, or the Hub, in that order
        (a cached card older than MAX_AGE_DAYS is fetched again when the Hub can be asked)."""
        key = (kind, repo_id)
        if key in self._seen:
            return self._seen[key]
        wanted = hub_id(repo_id)
        if wanted is None:
            got = Fetched(repo_id, kind, None, "", False, "not a Hub repo id (a local path or a URL elsewhere)")
        else:
            cached = self._read_cache(wanted, kind)
            got = cached
            if cached is None or (not self.offline and _age_days(cached.fetched) > MAX_AGE_DAYS):
                try:
                    got = self._download(wanted, kind)
                    self._write_cache(got)
                except HubUnavailable as exc:
                    self.offline, self.offline_reason = True, str(exc)
                    got = cached or Fetched(wanted, kind, None, "", False,
                                            f"not in the cache, and the Hub cannot be asked ({exc})")
                except _NotCached as exc:   # gated, private or a server error: asked again next time
                    got = cached or Fetched(wanted, kind, None, _now(), False, str(exc))
            got.repo_id = repo_id
        self._seen[key] = got
        return got

    # --- reading -------------------------------------------------------------------------------

    def _front_matter(self, got: Fetched) -> dict | None:
        if got.front_matter is None:
            return None
        from .errors import CanIError
        from .subjects import _yaml

        try:
            meta = _yaml(got.front_matter, card_path(got), 1)
        except CanIError:
            return None
        return meta if isinstance(meta, dict) else ({} if meta is None else None)

    # --- the cache -----------------------------------------------------------------------------

    def _cache_path(self, repo_id: str, kind: str) -> Path:
        host = re.sub(r"[^A-Za-z0-9.-]", "_", urlsplit(self.endpoint).netloc or "hub")
        return self.cache_dir / host / f"{kind}s" / (quote(repo_id, safe="") + ".json")

    def _read_cache(self, repo_id: str, kind: str) -> Fetched | None:
        path = self._cache_path(repo_id, kind)
        try:
            if not path.is_file() or path.stat().st_size > 2 * MAX_CARD_BYTES:
                return None
            doc = json.loads(path.read_text(encoding="utf-8"))
            text = doc.get("front_matter")
            if doc.get("id") != repo_id or doc.get("kind") != kind or not isinstance(doc.get("fetched"), str) \
                    or not (text is None or isinstance(text, str)):
                return None
        except (OSError, ValueError):
            return None   # a damaged cache entry is fetched again
        return Fetched(repo_id, kind, text, doc["fetched"], True, doc.get("problem") or "")

    def _write_cache(self, got: Fetched) -> None:
        path = self._cache_path(got.repo_id, got.kind)
        doc = {"id": got.repo_id, "kind": got.kind, "endpoint": self.endpoint, "fetched": got.fetched,
               "front_matter": got.front_matter, "problem": got.problem or None}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.part")   # parallel audits write too
            partial.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            partial.replace(path)   # a reader never sees half a file
        except OSError:
            pass   # an unwritable cache costs a fetch next time, not the answer

    # --- the Hub -------------------------------------------------------------------------------

    def _download(self, repo_id: str, kind: str) -> Fetched:
        if self.offline:
            raise HubUnavailable(self.offline_reason or "offline")
        try:
            import httpx2 as httpx
        except ImportError:
            try:
                import httpx
            except ImportError:
                httpx = None
        try:
            from huggingface_hub import get_session, get_token, hf_hub_url
        except ImportError:
            raise HubUnavailable("huggingface_hub is not installed: pip install \"can-i[hub]\"") from None
        from . import __version__

        url = hf_hub_url(repo_id, "README.md", repo_type="dataset" if kind == "dataset" else None,
                         endpoint=self.endpoint)
        # Not build_hf_headers: it detects "agents" by fetching {endpoint}/api/agent-harnesses
        # (and may import torch), a request outside our timeouts and deadline that a slow Hub
        # holds for minutes. The token is HF_TOKEN, else the one `hf auth login` stored.
        headers = {"user-agent": f"can-i/{__version__}"}
        token = self.token or get_token()
        if token:
            headers["authorization"] = f"Bearer {token}"
        self.fetches += 1
        deadline = time.monotonic() + CARD_DEADLINE
        timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT) if httpx else READ_TIMEOUT
        try:
            with get_session().stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
                status = response.status_code
                if status == 404:
                    return Fetched(repo_id, kind, None, _now(), False, f"no {kind} card on the Hub (404)")
                if status in (401, 403):
                    raise _NotCached(f"the Hub refused the card ({status}: gated or private; set HF_TOKEN)")
                if status >= 400:
                    raise _NotCached(f"the Hub answered {status} for {url}")
                text = _read_front_matter(response.iter_bytes(), deadline)
        except (_NotCached, HubUnavailable):
            raise
        except Exception as exc:  # noqa: BLE001 - any transport failure: the network, TLS, offline mode
            raise HubUnavailable(f"{self.endpoint} unreachable: {type(exc).__name__}") from None
        return Fetched(repo_id, kind, text, _now(), False, "" if text is not None else "the card has no front matter")


def card_path(got: Fetched) -> Path:
    """How errors locate a fetched card: `hub:org/name/README.md:LINE:COL`."""
    return Path(f"hub:{'datasets/' if got.kind == 'dataset' else ''}{got.repo_id}/README.md")


class _NotCached(Exception):
    """No card this time, for a reason that may pass (gated, server error): not cached."""


def _read_front_matter(chunks, deadline: float) -> str | None:
    """The YAML between a README's opening `---` line and the closing one, reading no more than
    MAX_CARD_BYTES and stopping as soon as it closes. None: the README has no front matter."""
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if time.monotonic() > deadline:   # a Hub this slow is as good as unreachable for the question
            raise HubUnavailable(f"a card took more than {CARD_DEADLINE:g} s to arrive")
        if len(data) > MAX_CARD_BYTES or _closed(data):
            break
    text = bytes(data[:MAX_CARD_BYTES]).decode("utf-8-sig", errors="replace")
    from .files import text_lines

    lines = text_lines(text)   # not str.splitlines: a U+2028 is no line break of a card (files._LINE_BREAK)
    if not lines or lines[0].strip() != "---":
        return None
    # As the Hub itself reads a card (subjects.HUB_FRONT_MATTER): closed only by a `---` line, so
    # a `...` (or a `---` ended by a lone carriage return) it reads past hid a base model (review 25).
    from .subjects import HUB_FRONT_MATTER

    found = re.match(HUB_FRONT_MATTER, text)
    if found is not None:
        return "\n".join(text_lines(found.group(2)))
    raise _NotCached(f"the card's front matter is not closed within {MAX_CARD_BYTES // 1024} KiB")


def _closed(data: bytearray) -> bool:
    head = bytes(data).lstrip(b"\xef\xbb\xbf")
    # `\r` too: a line may end with it alone (files.text_lines); only `---` closes (_read_front_matter)
    return head.startswith(b"---") and re.search(rb"[\n\r]---[ \t]*(\r\n|\r|\n)", head[3:]) is not None


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _age_days(fetched: str) -> float:
    try:
        when = datetime.fromisoformat(fetched.replace("Z", "+00:00"))
    except ValueError:
        return float("inf")
    age = (datetime.now(timezone.utc) - when).total_seconds() / 86400
    # a date in the future (an entry edited by hand, a wrong clock) would never go stale
    return age if age >= 0 else float("inf")


# --- filling a lineage's unknown parents ---------------------------------------------------------

def complete(kb, artifacts: list[dict], resolver: HubResolver, max_depth: int = MAX_DEPTH,
             max_cards: int = MAX_CARDS) -> list[dict]:
    """Fill, in place, the artifacts of a lineage that are only an id (no license, no parents)
    and that neither the lineage nor the catalog describes, from their Hub cards; follow each
    fetched model's own base_model chain (at most `max_depth` deep, never round a cycle).
    Returns the notes for the answer: which cards were read (and when fetched), whether the
    cache was used offline, and each model or dataset that stays unknown and why. At most
    `max_cards` cards are looked up per call (an audit calls it per lineage, or raises it).

    A model is fetched as a model card, an id that is only reached by `trained_on` edges as a
    dataset card. A fetched card is never the user's own model (`mine` in it is ignored)."""
    from . import expressions
    from .errors import CanIError
    from .subjects import model_card

    by_id = {a["id"]: a for a in artifacts}
    kinds: dict[str, str] = {}   # an id any edge derives a model from is a model, else a dataset
    for a in artifacts:
        for edge in a.get("derived_from") or []:
            _kind_of(kinds, edge)
    depth = {a["id"]: 0 for a in artifacts}
    queue = [a["id"] for a in artifacts if _bare(kb, a)]
    read, missing, beyond = [], [], []
    looked_up = 0
    while queue:
        artifact_id = queue.pop(0)
        artifact = by_id[artifact_id]
        if not _bare(kb, artifact):
            continue
        if depth[artifact_id] > max_depth:
            beyond.append(artifact_id)
            continue
        kind = kinds.get(artifact_id, "model")
        if looked_up >= max_cards:
            missing.append((artifact_id, kind, f"more than {max_cards} cards in one question; not looked up"))
            continue
        looked_up += 1
        got = resolver.fetch(artifact_id, kind)
        if got.front_matter is None:
            when = f" (cached answer of {got.fetched[:10]})" if got.cached and got.fetched else ""
            missing.append((artifact_id, kind, (got.problem or "no card") + when))
            continue
        card = f"---\n{got.front_matter}\n---\n"
        try:
            fetched, _ = model_card(kb, card, card_path(got))
        except CanIError as exc:
            missing.append((artifact_id, kind, f"its card cannot be read: {exc}"))
            continue
        own, parents = fetched[0], fetched[1:]
        if own.get("license"):
            try:   # an expression the request reader would refuse is the card's problem, not the user's input
                expressions.alternatives(own["license"])
            except ValueError as exc:
                missing.append((artifact_id, kind, f"its card's license cannot be read: {exc}"))
                continue
        resolver.cards_read += 1
        read.append(got)
        if kind == "dataset":
            fields = {k: own[k] for k in ("license", "license_name") if k in own}
            if not fields.get("license"):
                missing.append((artifact_id, kind, "its card states no license"))
                continue
            artifact.update(fields)
            continue
        edges = own.get("derived_from") or []
        if any(_reaches(by_id, edge["id"], artifact_id) for edge in edges):
            missing.append((artifact_id, kind, "its card's base_model leads back to it (a cycle); not followed"))
            continue
        for key in ("license", "license_name", "name"):
            if key in own:
                artifact[key] = own[key]
        if own.get("license"):   # the publisher's own statement of its terms (kb.HUB_CARD_LICENSES)
            from .kb import HUB_CARD_LICENSES, fold_id

            # license_name too: `other` names no terms by itself, its license_name does
            HUB_CARD_LICENSES[fold_id(artifact_id)] = (own["license"], own.get("license_name"))
        if edges:
            artifact["derived_from"] = edges
        for edge in edges:
            _kind_of(kinds, edge)
        for parent in parents:
            if parent["id"] not in by_id:
                artifacts.append(parent)
                by_id[parent["id"]] = parent
                depth[parent["id"]] = depth[artifact_id] + 1
                queue.append(parent["id"])
        if not own.get("license"):
            missing.append((artifact_id, kind, "its card states no license"))
    return _notes(resolver, read, missing, beyond, max_depth)


def _kind_of(kinds: dict, edge: dict) -> None:
    if edge.get("relation") == "trained_on":
        kinds.setdefault(edge["id"], "dataset")
    else:
        kinds[edge["id"]] = "model"


def _bare(kb, artifact: dict) -> bool:
    """Only an id, and neither the catalog nor a catalog alias knows it: the Hub may."""
    return set(artifact) == {"id"} and kb.entry(artifact["id"]) is None


def _reaches(by_id: dict, start: str, target: str) -> bool:
    """Does `start` derive (through any chain already known) from `target`, or is it `target`?"""
    stack, seen = [start], set()
    while stack:
        current = stack.pop()
        if current == target:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edge["id"] for edge in (by_id.get(current) or {}).get("derived_from") or [])
    return False


def _notes(resolver: HubResolver, read: list[Fetched], missing: list, beyond: list, max_depth: int) -> list[dict]:
    notes = []
    if read:
        listed = ", ".join(f"`{got.repo_id}` ({'cached, ' if got.cached else ''}fetched {got.fetched[:10]})"
                           for got in read)
        notes.append({"code": "hub_cards", "message": f"read from Hub cards ({resolver.endpoint}): {listed}"})
    if resolver.offline and (read or missing):
        notes.append({"code": "hub_offline",
                      "message": f"the Hub was not asked ({resolver.offline_reason}): cards came from the cache "
                                 f"in {resolver.cache_dir}"})
    for artifact_id, kind, problem in missing:
        notes.append({"code": "hub_unknown",
                      "message": f"`{artifact_id}` stays unknown ({kind}): {problem}; its terms cannot be judged"})
    if beyond:
        notes.append({"code": "hub_depth",
                      "message": f"base_model chains are followed {max_depth} cards deep: "
                                 + ", ".join(f"`{b}`" for b in beyond[:5]) + " stay unknown"})
    return notes
