"""The knowledge base: compiled licenses, the model catalog and the Hub license-id table."""

from __future__ import annotations

import os
import sys
import _thread   # threading's own locks, without importing threading (~0.5 ms of a cold start)
from .records import dataclass, field   # a standard dataclass, defined at no cost (records.py)
from pathlib import Path

from . import expressions, resources
from .compile import compile_license
from .codes import error
from .errors import CanIError, LicenseFileError
from .files import read_regular_file
from .licenses import License
from .lineage import fold_id  # noqa: F401 - the catalog's lookups, and its importers' (api, audit, hub)
from .vocabulary import RELATIONS, suggest, word_problem

LICENSE_SUFFIX = ".lic"
# The tables a folder of facts may hold, in the order they are read (Hub ids first), and the
# KnowledgeBase fields they fill.
_TABLE_FILES = ("hf_licenses.toml", "catalog.toml")
_TABLES = ("hub_ids", "hub_names", "catalog", "catalog_spellings", "catalog_origins", "datasets",
           "dataset_spellings")
# The catalog's entries and where each was read: ~0.6 ms of the ~1.2 ms a cold start spent loading
# the tables' cache entry, and a question about a license, or about a catalog id that is not a
# parent of the user's own model, reads neither (KnowledgeBase.model finds an id through its
# folded spellings first). They are a cache entry of their own, read when first used.
_LAZY_TABLES = ("catalog", "catalog_origins")
_LAZY_ENTRY = "catalog-entries"             # their cache entry's name
_LAZY_LOCK = _thread.allocate_lock()        # one thread reads them; others wait, then find them


class LicenseIndex(dict):
    """License id -> CompiledLicense. Files named `<id>.lic` are parsed on first use, so a
    question about Llama 3 reads one license file, not all of them (start-up time).

    Lazy loading is safe across threads: it holds a lock, and an id leaves `pending` only after
    its license is in the index, so `id in index` never turns false while it loads."""

    def __init__(self):
        super().__init__()
        self.pending: dict[str, Path] = {}   # id -> file not parsed yet
        self.waiting: dict[str, list[License]] = {}   # base id -> licenses `based on` it, not added yet
        self._resolving: set[str] = set()
        self._loading = _thread.RLock()

    def defer(self, path: Path) -> None:
        self.pending[path.stem] = path

    def _load(self, key) -> None:
        with self._loading:
            path = self.pending.get(key)
            if path is None:
                return
            for lic in parse_cached(path):
                if lic.id != path.stem:
                    raise error(f"license `{lic.id}` must be in a file named {lic.id}{LICENSE_SUFFIX}",
                                str(lic.position), "DSL203")
                # Every bundled id is known (parsed or pending) before any file is read.
                for problem in unknown_references(lic, self):
                    raise problem
                self.add(lic)
            del self.pending[key]

    def load_all(self) -> None:
        with self._loading:
            for key in list(self.pending):
                self._load(key)

    def add(self, lic: License, wait: bool = False) -> None:
        """Compile and index a license, with the clauses it incorporates (`based on`). With
        `wait`, a license whose base is not known yet waits for it (files given in any order);
        `unresolved()` lists those still waiting."""
        if dict.__contains__(self, lic.id):
            other = dict.__getitem__(self, lic.id).license.position
            raise error(f"license `{lic.id}` is already defined at {other}", str(lic.position), "DSL202")
        based = lic.based_on
        if based is not None:

            from .incorporate import incorporate

            if based.license in self._resolving or based.license == lic.id:
                raise error(f"`based on {based.license}` makes a cycle of incorporations", str(based.position),
                            "DSL401", "a license may incorporate another only if that one does not incorporate it")
            if based.license not in self:
                if wait:
                    self.waiting.setdefault(based.license, []).append(lic)
                    return
                raise error(f"`based on {based.license}`: no license `{based.license}` is loaded"
                            f"{suggest(based.license, self._known())}", str(based.position),
                            "DSL401", "name an encoded license id (`can-i licenses` lists them)")
            with self._loading:
                self._resolving.add(lic.id)
                try:
                    base = self[based.license].license
                finally:
                    self._resolving.discard(lic.id)
            variant = based.license if is_version_of(lic) else None
            lic = incorporate(lic, base)
        else:
            variant = None
        dict.__setitem__(self, lic.id, compile_license(lic, variant_of=variant))
        for waiter in self.waiting.pop(lic.id, []):
            self.add(waiter, wait=True)

    def loaded_licensor_ids(self) -> set[str]:
        """The `licensor_id`s of the licenses loaded so far (a subset of licensor_ids())."""
        with self._loading:
            return {c.license.licensor_id for c in dict.values(self) if c.license.licensor_id}

    def licensor_ids(self) -> frozenset[str]:
        """Every `licensor_id` the licenses declare (`meta`), all files counted. Files not parsed
        yet are not loaded for it when a cache entry keyed by their names and bytes says what
        they declare: loading and compiling the 58 bundled licenses to learn this was ~100 ms
        of a cold question whose remedies try a held grant. Without such an entry every file
        is loaded, as before, and any problem one has is reported as before."""
        with self._loading:
            pending = sorted(self.pending.items())
            declared = {c.license.licensor_id for c in dict.values(self)}
        if pending:
            declared.update(self._pending_licensors(pending))
        return frozenset(i for i in declared if i)

    def _pending_licensors(self, pending: list) -> tuple:
        def produce(_):
            self.load_all()
            return tuple(sorted({dict.__getitem__(self, stem).license.licensor_id or "" for stem, _ in pending}))

        try:
            data = b"\0".join(stem.encode("utf-8", "surrogateescape") + b"\0" + read_regular_file(path, "file", LicenseFileError)
                              for stem, path in pending)
        except CanIError:
            return produce(None)   # which reports the problem in its own words
        return _cached(pending[0][1], produce, lambda value: type(value) is tuple and all(type(i) is str for i in value),
                       data=data, name="licensors", typed=False)

    def addresses(self) -> dict[str, tuple[str, ...]]:
        """The addresses each license states its text is published at (`url`, then each
        `also_at`) by id, all files counted, read as `licensor_ids` reads the licensors: from a
        cache entry keyed by the unparsed files' names and bytes, so that a card's `license_link`
        can be matched without loading and compiling every license (~60 ms)."""
        with self._loading:
            pending = sorted(self.pending.items())
            known = {lid: c.license.addresses for lid, c in dict.items(self)}
        if pending:
            # once per set of unparsed files: an audit asks for every card that has a link
            memo = self.__dict__.get("_addresses_memo")
            if memo is None or memo[0] != pending:
                memo = (pending, self._pending_addresses(pending))
                self.__dict__["_addresses_memo"] = memo
            known.update(memo[1])
        return known

    def _pending_addresses(self, pending: list) -> tuple:
        def produce(_):
            self.load_all()
            return tuple((stem, dict.__getitem__(self, stem).license.addresses) for stem, _ in pending)

        try:
            data = b"\0".join(stem.encode("utf-8", "surrogateescape") + b"\0" + read_regular_file(path, "file", LicenseFileError)
                              for stem, path in pending)
        except CanIError:
            return produce(None)   # which reports the problem in its own words
        return _cached(pending[0][1], produce,
                       lambda value: type(value) is tuple and all(
                           type(pair) is tuple and len(pair) == 2 and type(pair[0]) is str
                           and type(pair[1]) is tuple and all(type(a) is str for a in pair[1]) for pair in value),
                       data=data, name="addresses", typed=False)

    def unresolved(self) -> list[License]:
        """Licenses still waiting for the license they are `based on`."""
        return [lic for waiting in self.waiting.values() for lic in waiting]

    def finish(self) -> None:
        """Raise for the first license whose base never came."""


        for lic in self.unresolved():
            raise error(self.unresolved_problem(lic), str(lic.based_on.position), "DSL401",
                        "name an encoded license id (`can-i licenses` lists them)")
        for compiled in list(dict.values(self)):   # every file is read: the ids they name are known now
            for problem in unknown_references(compiled.license, self):
                raise problem

    def unresolved_problem(self, lic: License) -> str:
        """Why a waiting license was never added: its base is missing, or waits for it in turn."""
        base = lic.based_on.license
        if base in {other.id for other in self.unresolved()}:
            return f"`based on {base}` makes a cycle of incorporations"
        return f"`based on {base}`: no license `{base}` is loaded{suggest(base, self._known())}"

    def _known(self) -> list[str]:
        return sorted(set(dict.keys(self)) | set(self.pending) | {lic.id for lic in self.unresolved()})

    def __missing__(self, key):
        self._load(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return key in self.pending or dict.__contains__(self, key)  # this order: see the class doc

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __iter__(self):
        self.load_all()
        return super().__iter__()

    def __len__(self) -> int:
        with self._loading:
            return dict.__len__(self) + len(self.pending)

    def keys(self):
        self.load_all()
        return super().keys()

    def values(self):
        self.load_all()
        return super().values()

    def items(self):
        self.load_all()
        return super().items()


@dataclass
class KnowledgeBase:
    licenses: LicenseIndex = field(default_factory=LicenseIndex)
    catalog: dict[str, dict] = field(default_factory=dict)
    # Every folded spelling of a catalog model (its id and its `aliases`) -> its id, and where each
    # entry was read (for load errors).
    catalog_spellings: dict[str, str] = field(default_factory=dict)
    catalog_origins: dict[str, str] = field(default_factory=dict, repr=False)
    # The dataset catalog: [[dataset]] tables of the same catalog.toml, read by the same loader.
    datasets: dict[str, dict] = field(default_factory=dict)
    dataset_spellings: dict[str, str] = field(default_factory=dict)   # folded id or alias -> id
    hub_ids: dict[str, dict] = field(default_factory=dict)
    hub_names: dict[str, dict] = field(default_factory=dict)

    def __getattr__(self, name: str):
        """A table of _LAZY_TABLES the cache left unread (_load_tables): read now."""
        if name not in _LAZY_TABLES:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with _LAZY_LOCK:
            lazy = self.__dict__.get("_lazy_tables")
            if lazy is not None:
                path, key, root, texts = lazy

                def read(_) -> dict:   # the cache lost it: read the files again, beside these licenses
                    fresh = KnowledgeBase(licenses=self.licenses)
                    fresh._read_tables(root, texts)
                    return {table: getattr(fresh, table) for table in _LAZY_TABLES}

                tables = _cached(path, read, _tables_valid(_LAZY_TABLES), data=key, name=_LAZY_ENTRY, typed=False)
                for table in _LAZY_TABLES:
                    self.__dict__.setdefault(table, tables[table])
                del self.__dict__["_lazy_tables"]
        if name not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.__dict__[name]

    @classmethod
    def load(cls, paths=None) -> "KnowledgeBase":
        """Load license files (folders are searched for *.lic), catalog.toml and hf_licenses.toml.

        With no paths, the bundled `facts/` folder is loaded.
        """
        kb = cls()
        roots = [Path(p) for p in (paths or [resources.facts_dir()])]
        for path in license_files(roots):
            if paths is None:
                kb.licenses.defer(path)   # the bundled files are named after their license
            else:
                for lic in parse_cached(path):
                    kb.licenses.add(lic, wait=True)
        kb.licenses.finish()
        for root in roots:
            if root.is_dir():
                kb._load_tables(root)
        return kb

    def add(self, lic: License) -> None:
        self.licenses.add(lic)

    def related(self, license_ids) -> list[str]:
        """The ids given and, transitively, the licenses they may be taken under (`later versions`)
        and the version an or-later id is `based on`: their facts decide whether a copyleft accepts
        a combination (reasoner/dsl2.lp `can_be`), so they are solved with it."""
        seen: list[str] = []
        queue = list(license_ids)
        while queue:
            lid = queue.pop(0)
            if lid in seen or lid not in self.licenses:
                continue
            seen.append(lid)
            lic = self.licenses[lid].license
            queue += list(lic.later_versions)
            if lic.based_on is not None and not lic.based_on.only:
                queue.append(lic.based_on.license)
        return sorted(seen)

    def _load_tables(self, root: Path) -> None:
        """Read `root`'s hf_licenses.toml and catalog.toml into the tables: from the cache when
        the two files, the license ids known and can-i's sources are those it was written for
        (checking ~600 catalog entries is ~5 ms of every start). Only empty tables are filled
        from it: an entry's checks depend on what the tables held before."""
        texts = {}
        for name in _TABLE_FILES:
            if (root / name).is_file():
                texts[name] = read_regular_file(root / name, "TOML file", LicenseFileError)
        if not texts or any(getattr(self, table) for table in _TABLES):
            self._read_tables(root, texts)
            return
        key = b"\0".join([name.encode() + b"\0" + texts.get(name, b"-") for name in _TABLE_FILES]
                         + ["\n".join(self.licenses._known()).encode()])

        eager = tuple(table for table in _TABLES if table not in _LAZY_TABLES)
        read_now: list = []

        def read(_) -> dict:
            self._read_tables(root, texts)
            read_now.append(True)
            return {table: getattr(self, table) for table in eager}

        path = root / _TABLE_FILES[-1]
        tables = _cached(path, read, _tables_valid(eager), data=key, name="tables", typed=False)
        if read_now:   # every table is read: the lazy ones' entry is written for the next start
            _cached(path, lambda _: {table: getattr(self, table) for table in _LAZY_TABLES},
                    _tables_valid(_LAZY_TABLES), data=key, name=_LAZY_ENTRY, typed=False)
            return
        for table, content in tables.items():
            setattr(self, table, content)
        for table in _LAZY_TABLES:   # read when first used (__getattr__)
            delattr(self, table)
        self._lazy_tables = (path, key, root, texts)

    def _read_tables(self, root: Path, texts: dict) -> None:
        # Hub ids first: a dataset's license is checked against them.
        hub = root / "hf_licenses.toml"
        if "hf_licenses.toml" in texts:
            data = _read_toml(hub, texts["hf_licenses.toml"])
            # Old cards still carry retired Hub ids: they resolve too, after the current list.
            for table in ("hub", "hub_retired"):
                for key, value in data.get(table, {}).items():
                    self.hub_ids.setdefault(key.lower(), value)
            self.hub_names.update({k.lower(): v for k, v in data.get("license_name", {}).items()})
        catalog = root / "catalog.toml"
        if "catalog.toml" in texts:
            data = _read_toml(catalog, texts["catalog.toml"])
            text = texts["catalog.toml"].decode("utf-8")
            for table in data:
                if table not in CATALOG_KEYS:
                    raise LicenseFileError(f"unknown table `{table}`{suggest(table, CATALOG_KEYS)}: the catalog holds "
                                           f"[[model]] and [[dataset]] entries", str(catalog))
            models = _entry_lines(text, "model")
            for i, model in enumerate(data.get("model", [])):
                where = _entry_where(catalog, models, i)
                if not isinstance(model, dict) or not isinstance(model.get("id"), str):
                    raise LicenseFileError("catalog entry without an `id`", where)
                _known_keys(model, "model", text, catalog, models, i)
                if model.get("relation") and model["relation"] not in RELATIONS:
                    raise LicenseFileError(f"unknown relation `{model['relation']}`", where)
                # The catalog speaks the requests' closed vocabulary, so its words meet the licenses'.
                for key, kind in (("family", "family"), ("modalities", "modality")):
                    values = model.get(key)
                    for value in [values] if isinstance(values, str) else values or []:
                        if not isinstance(value, str) or word_problem(kind, value)[0] != value:
                            problem = word_problem(kind, str(value))[1] or f"write the {kind} `{value}` in lower case"
                            raise LicenseFileError(problem, where)
                stated = model.get("publisher")
                organisation = publisher_of(model["id"])
                if stated is not None and (not isinstance(stated, str) or stated.lower() != organisation):
                    raise LicenseFileError(f"`publisher` must be the organisation of the Hub id ({organisation})", where)
                self._add_model(model, where)
            datasets = _entry_lines(text, "dataset")
            for i, dataset in enumerate(data.get("dataset", [])):
                if isinstance(dataset, dict):
                    _known_keys(dataset, "dataset", text, catalog, datasets, i)
                self._add_dataset(dataset, _entry_where(catalog, datasets, i))

    def _add_dataset(self, dataset, where: str) -> None:
        """One [[dataset]] entry: an id, and either the `license` its dataset card states (our id
        or an expression) or `unknown`, the one-line reason no license can be given. Never both:
        a dataset whose terms are unclear must not also carry a license that reads as settled."""
        if not isinstance(dataset, dict) or not isinstance(dataset.get("id"), str):
            raise LicenseFileError("dataset entry without an `id`", where)
        license_value, unknown = dataset.get("license"), dataset.get("unknown")
        if (license_value is None) == (unknown is None):
            raise LicenseFileError("a dataset entry gives exactly one of `license` and `unknown` (why none is known)",
                                   where)
        aliases = dataset.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise LicenseFileError("`aliases` must be a list of dataset ids", where)
        for key in ("license", "unknown", "card_license", "note"):
            if dataset.get(key) is not None and not (isinstance(dataset[key], str) and dataset[key].strip()):
                raise LicenseFileError(f"`{key}` must be a non-empty string", where)
        generators = dataset.get("generated_by", [])
        if not isinstance(generators, list) or not all(isinstance(g, str) and "/" in g for g in generators):
            raise LicenseFileError("`generated_by` must be a list of model ids (`openai/gpt-4`)", where)
        if license_value is not None:
            try:
                ids = expressions.ids(license_value)
            except ValueError as exc:
                raise LicenseFileError(f"`license`: {exc}", where) from None
            for lid in ids:   # encoded, or a Hub id whose reason an answer then gives (cc-by-sa-3.0)
                if not (self.resolve_license(lid)[0] or lid.lower() in self.hub_ids):
                    raise LicenseFileError(f"`license` names `{lid}`, which is neither an encoded license nor a Hub "
                                           f"license id{suggest(lid, list(self.licenses) + list(self.hub_ids))}",
                                           where)
        for name in [dataset["id"], *aliases]:
            if fold_id(name) in self.catalog_spellings:
                raise LicenseFileError(f"`{name}` is a catalog model, not a dataset", where)
            if fold_id(name) in self.dataset_spellings:
                raise LicenseFileError(f"dataset `{name}` is in the catalog twice", where)
            self.dataset_spellings[fold_id(name)] = dataset["id"]
        self.datasets[dataset["id"]] = dataset

    def dataset(self, dataset_id: str) -> dict | None:
        """A dataset catalog entry by Hugging Face id or a former id the Hub redirects (`gsm8k`),
        case-insensitive, as the Hub is."""
        if dataset_id in self.datasets:
            return self.datasets[dataset_id]
        key = self.dataset_spellings.get(fold_id(dataset_id))
        return self.datasets[key] if key else None

    def entry(self, artifact_id: str) -> dict | None:
        """The catalog entry, model or dataset, that an id or alias names."""
        return self.model(artifact_id) or self.dataset(artifact_id)

    def _add_model(self, model: dict, where: str) -> None:
        """Index a catalog entry under its id and its `aliases` (other spellings real cards use:
        the `-hf` repo, a renamed repo, an organisation's former name), all folded as the Hub
        compares ids. A spelling that already names another entry would let one id stand for two
        models with different terms, so it is a load error naming both."""
        aliases = model.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise LicenseFileError("`aliases` must be a list of Hub ids", where)
        folded, origins = self.catalog_spellings, self.catalog_origins
        spellings = [(model["id"], "id")] + [(a, "alias") for a in aliases]
        for spelling, kind in spellings:
            key = fold_id(spelling)
            if key in folded:
                other = folded[key]
                what = "this entry" if other == model["id"] else f"`{other}` ({origins[other]})"
                raise LicenseFileError(f"catalog {kind} `{spelling}` already names {what}", where)
            folded[key] = model["id"]
        origins[model["id"]] = where
        self.catalog[model["id"]] = model

    def model(self, model_id: str) -> dict | None:
        """A catalog entry by Hugging Face id or alias (case-insensitive, as the Hub is). Every id
        is among its own folded spellings (_add_model), so an id none of them holds is no entry,
        found without reading the catalog itself (_LAZY_TABLES)."""
        key = self.catalog_spellings.get(fold_id(model_id))
        if key is None:
            return None
        if model_id in self.catalog:
            return self.catalog[model_id]
        return self.catalog[key]

    def family_versions(self, license_id: str, license_name: str | None = None) -> tuple[str, ...]:
        """The versions a Hub id that names a license family (`gpl`, `bsd`) may mean, from its
        `versions` in hf_licenses.toml; empty for an id that names one license. For `other`, the
        card's `license_name` may name such a family too (`tencent-license`: the name does not fix
        which Tencent Hunyuan template, and the templates exclude different territories)."""
        if license_id.lower() == "other" and license_name:
            entry = self.hub_names.get(license_name.lower())
            if entry is not None and entry.get("encoding") not in self.licenses:
                return tuple(v.lower() for v in entry.get("versions", ()))
            return ()
        entry = self.hub_ids.get(license_id.lower()) if license_id.lower() not in self.licenses else None
        return tuple(v.lower() for v in (entry or {}).get("versions", ()))

    def resolve_license(self, license_id: str, license_name: str | None = None) -> tuple[str | None, str]:
        """Map an id (and, for `other`, a license_name) to an encoding, or give why it is unknown.

        Returns (encoding id or None, reason).
        """
        lid = license_id.lower()
        if lid == "other" and license_name:
            entry = self.hub_names.get(license_name.lower())
            if entry and entry.get("encoding") in self.licenses:
                return entry["encoding"], ""
            if license_name.lower() in self.licenses:
                return license_name.lower(), ""
            reason = entry.get("unknown") if entry else None
            # A license_name spelt as a Hub id (`cc-by-nc-sa-4.0`, `llama3.2`) names that id's license.
            listed = self.hub_ids.get(license_name.lower()) if entry is None else None
            if listed and listed.get("encoding") in self.licenses:
                return listed["encoding"], ""
            if listed and listed.get("unknown") and license_name.lower() != "other":
                reason = listed["unknown"]
            return None, reason or f"license_name `{license_name}` is not in the knowledge base"
        if lid in self.licenses:
            return lid, ""
        alias = expressions.SPDX_ALIASES.get(lid)
        if alias in self.licenses:
            return alias, ""
        excepted = expressions.with_exception(lid)
        if excepted:
            base, exception = excepted
            return None, (f"`{exception}` is an exception that changes {base}'s terms, and can-i encodes no "
                          f"license exceptions: it will not judge {base} without it")
        entry = self.hub_ids.get(lid)
        if entry:
            if entry.get("encoding") in self.licenses:
                return entry["encoding"], ""
            if entry.get("unknown"):
                return None, entry["unknown"]
        named = self.hub_names.get(lid)
        if named and named.get("unknown") and not named.get("versions"):
            # a version a license_name family lists (`tencent-hunyuan-3d-community`): its reason
            return None, named["unknown"]
        return None, f"license `{license_id}` is not in the knowledge base"


def unknown_references(lic: License, known, missing: str = "is not loaded") -> list[LicenseFileError]:
    """One error per license id a clause of `lic` names (`relicense … to`, `excepts … for`,
    `later versions`, a rider's `to`) that is not among `known` (ids, or an index whose `in` does
    not load files). An unknown id would never match anything, so a misspelt `relicense … to
    gpl-3` silently turns an accepted license into a conflict, or an exception into none."""
    problems = []
    for clause in lic.clauses:
        for license_id, statement, position in clause.license_refs:
            if license_id == lic.id or license_id in known:
                continue
            options = known._known() if isinstance(known, LicenseIndex) else list(known)   # loads nothing
            problems.append(error(f"`{statement}` names license `{license_id}`, which {missing}"
                                  f"{suggest(license_id, options)}", str(position), "DSL109"))
    return problems


def is_version_of(lic: License) -> bool:
    """Is `lic` its base's text under another id (an "or any later version" id): `based on` every
    clause, adding no terms of its own, only notes, quotes and `later versions`? Only then may its
    material be taken under the base (reasoner/dsl2.lp `can_be`); a license that incorporates
    another and adds or changes terms is not a version of it."""
    if lic.based_on is None or lic.based_on.only or lic.based_on.cited_as:
        return False
    return all(not (c.rules or c.relicense or c.relicense_to or c.no_further_restrictions or c.restricts_use
                    or c.adds_further or c.accepts_further or c.excepts_for or c.excepts_when or c.rider
                    or c.follows or c.ambiguous)
               for c in lic.clauses)


# The licenses that Hub model cards read in this process state (hub.complete), by folded id: a
# model whose declared license is its card's is the publisher's own statement, which makes it a
# licensor's release where the namespace is the licensor's (rules.lp); a request naming an id in
# that namespace is not. Held as (license, license_name): a card's `other` names its terms only
# with its license_name, so `other` with another license_name is not the card's statement.
# Bounded by the cards a process reads (MAX_CARDS per question).
HUB_CARD_LICENSES: dict[str, tuple[str, str | None]] = {}


def publisher_of(artifact_id: str) -> str | None:
    """The organisation part of a Hub id, lower case: who published it (`CohereLabs/aya-23-8B`
    -> `cohereforai`), and so who applied a template license to it."""
    org, slash, rest = artifact_id.partition("/")
    return (org.strip().lower() or None) if slash and rest else None


def parse_cached(path: Path) -> list[License]:
    """Parse a license file, reusing the typed result of an earlier process when the file, the
    grammar and the parser are unchanged (importing lark and parsing cost ~70 ms per start)."""

    def parse(source: Path) -> list[License]:
        from .parse import parse_file  # lark is imported only when a file really needs parsing

        return parse_file(source)

    def valid(value) -> bool:
        return (isinstance(value, list) and bool(value)
                and all(isinstance(lic, License) and isinstance(lic.id, str) and lic.file == str(path)
                        for lic in value))

    return _cached(path, parse, valid)


# The cache keeps this many entries per file name (one per checkout or version of the file in
# use) and this many in all; older ones are removed whenever a new entry is written.
CACHE_ENTRIES_PER_FILE = 16
CACHE_ENTRIES = 1024
# Entries are `<stem>-<digest>.marshal`: marshal builds values only, never runs code (see plain.py).
CACHE_SUFFIX = ".marshal"
# Bumped when the layout of an entry changes, so an older can-i's entries are not read.
CACHE_FORMAT = "can-i cache 2"


def _cached(path: Path, produce, valid, data: bytes | None = None, name: str | None = None, typed: bool = True):
    """`produce(path)`, or what it gave an earlier process for the same file contents and the
    same can-i sources. The cache holds only what this function wrote, in a per-user folder; a
    cache that cannot be read or written is ignored, and an entry that fails `valid` (a corrupt
    or foreign file) is produced again and overwritten. `data` (the bytes the key is made of)
    and `name` (the entry's name) default to the file's. `typed` values hold licenses.py's
    classes (plain.py encodes them); untyped ones are plain values already (tables), which
    `valid` checks as deep as their reader needs."""
    if data is None:
        try:
            data = read_regular_file(path, "file", LicenseFileError)
        except CanIError:
            return produce(path)     # which reports the problem in its own words
    cache = _cache_file(path, data, name)
    if cache is not None and not resources.private_folder(cache.parent):
        cache = None
    if cache is not None and _private_file(cache):
        try:
            value = _load_entry(cache, typed)
            if valid(value):
                return value
        except Exception:  # noqa: BLE001 - any entry that does not load is produced again
            pass
    value = produce(path)
    if cache is not None:
        _store(cache, value, typed)
    return value


def _load_entry(cache: Path, typed: bool):
    """The value an entry holds: a marshal of (CACHE_FORMAT, the entry's name, plain values)."""
    import marshal

    from . import plain

    with cache.open("rb") as handle:
        header, name, payload = marshal.loads(handle.read())
    if header != CACHE_FORMAT or name != cache.name:
        raise ValueError("an entry of another format or file")
    return plain.decode(payload) if typed else payload


def _store(cache: Path, value, typed: bool) -> None:
    """Write an entry atomically (a private temporary file, then a rename), then prune."""
    import marshal
    import tempfile

    from . import plain

    try:
        payload = _shared_strings(plain.encode(value) if typed else value)
        data = memoryview(marshal.dumps((CACHE_FORMAT, cache.name, payload)))
    except ValueError:
        return
    try:
        descriptor, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.stem + ".", suffix=".tmp")
    except OSError:
        return
    try:
        try:
            while data:
                data = data[os.write(descriptor, data):]
        finally:
            os.close(descriptor)
        os.replace(temporary, cache)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return
    prune_cache(cache.parent, keep=cache)


# Strings up to this long are interned before an entry is written (_shared_strings).
_SHARED_UP_TO = 64


def _shared_strings(value):
    """`value` with its short strings interned: marshal then writes each once and refers to it
    after (the catalog repeats its keys and license ids ~600 times), and reads them back
    interned. The tables entry shrank from 191 to 144 KB and loads ~25% faster; equal values."""
    kind = type(value)
    if kind is str:
        return sys.intern(value) if len(value) <= _SHARED_UP_TO else value
    if kind is dict:
        return {_shared_strings(key): _shared_strings(item) for key, item in value.items()}
    if kind is list:
        return [_shared_strings(item) for item in value]
    if kind is tuple:
        return tuple(_shared_strings(item) for item in value)
    if kind is frozenset:
        return frozenset(_shared_strings(item) for item in value)
    return value


def prune_cache(folder: Path, keep: Path | None = None) -> int:
    """Remove the oldest entries beyond CACHE_ENTRIES_PER_FILE per file name and CACHE_ENTRIES in
    all, and temporary files an interrupted process left an hour ago or more; returns how many
    files were removed. Entries are `<stem>-<digest>.marshal`."""
    import time

    try:
        entries = [(entry.stat().st_mtime, entry) for entry in folder.glob("*" + CACHE_SUFFIX)]
        leftovers = [(entry.stat().st_mtime, entry) for entry in folder.glob("*.tmp")]
    except OSError:
        return 0
    entries.sort(key=lambda pair: pair[0], reverse=True)   # newest first
    doomed = [entry for mtime, entry in leftovers if mtime < time.time() - 3600]
    per_stem: dict[str, int] = {}
    for position, (_, entry) in enumerate(entries):
        stem = entry.stem.rpartition("-")[0]
        per_stem[stem] = per_stem.get(stem, 0) + 1
        if entry != keep and (per_stem[stem] > CACHE_ENTRIES_PER_FILE or position >= CACHE_ENTRIES):
            doomed.append(entry)
    removed = 0
    for entry in doomed:
        try:
            entry.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def _private_file(cache: Path) -> bool:
    try:
        return resources.owned_privately(cache)
    except OSError:
        return False


def _digest():
    """The hash that keys cache entries: BLAKE2b (the interpreter's own `_blake2`, not hashlib,
    which loads OpenSSL: ~2 ms of every start). A cold question hashes ~420 KB (the catalog and
    Hub tables, can-i's parser sources, the rules, its license): BLAKE2b does it in ~0.3 ms
    where SHA-256 took ~1.1 ms. A key only has to tell contents apart, as either does."""
    try:
        from _blake2 import blake2b
    except ImportError:   # an interpreter built without it
        from hashlib import sha256

        return sha256
    return blake2b


_code_digest: list = []   # the digest of _PARSER_SOURCES and the version, once per process


def _sources_digest() -> bytes | None:
    if not _code_digest:
        from . import __version__

        digest = _digest()(__version__.encode())
        for source in _PARSER_SOURCES:
            try:
                digest.update(source.read_bytes())
            except OSError:
                return None
        _code_digest.append(digest.digest())
    return _code_digest[0]


def _cache_file(path: Path, data: bytes, name: str | None = None) -> Path | None:
    if os.environ.get("CAN_I_NO_CACHE"):
        return None
    sources = _sources_digest()
    if sources is None:
        return None
    digest = _digest()(data)
    digest.update(str(path).encode("utf-8", "surrogateescape"))  # parsed objects carry their path
    digest.update(sources)
    return resources.cache_folder() / f"{name or path.stem}-{digest.hexdigest()[:24]}{CACHE_SUFFIX}"


_PACKAGE = Path(__file__).resolve().parent
# Whatever shapes a parsed License or the catalog tables: a change to any of these files (or to
# the package version) makes a new cache key.
_PARSER_SOURCES = [resources.grammar_path(), _PACKAGE / "parse.py", _PACKAGE / "licenses.py",
                   _PACKAGE / "codes.py", _PACKAGE / "incorporate.py",
                   _PACKAGE / "vocabulary.py", _PACKAGE / "numbers.py",
                   _PACKAGE / "kb.py", _PACKAGE / "expressions.py", _PACKAGE / "plain.py", _PACKAGE / "records.py"]


def _tables_valid(names: tuple):
    """A check of a tables entry holding these tables: marshal builds no objects but plain
    values; these are read as data."""
    def valid(value) -> bool:
        return type(value) is dict and set(value) == set(names) and all(type(table) is dict for table in value.values())

    return valid


def license_files(roots) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        root = Path(root)
        if root.is_dir():
            files += _license_files_under(root)
        else:
            files.append(root)
    return files


def _license_files_under(root: Path) -> list[Path]:
    """The *.lic files under `root`, in sorted(root.rglob("*.lic")) order: os.walk, which, like
    rglob, does not descend into a linked folder, and a sort by path components, which is how
    paths compare (~0.1 ms where rglob and sorting Path objects were ~0.5 ms of a cold start)."""
    found = []
    for folder, _, names in os.walk(root):
        found += [os.path.join(folder, name) for name in names if name.endswith(LICENSE_SUFFIX)]
    found.sort(key=lambda path: path.split(os.sep))
    return [Path(path) for path in found]


# The keys of a catalog entry (facts/catalog.toml's header says what each means). A misspelt key
# was silently ignored: a `licence` left its model with no license (UNKNOWN, at least), a
# `generated_by` misspelt dropped the outputs-as-data reading of a dataset.
CATALOG_KEYS = {
    "model": ("id", "aliases", "license", "family", "modalities", "released", "base_model", "relation",
              "publisher", "note"),
    "dataset": ("id", "aliases", "license", "unknown", "card_license", "generated_by", "note"),
}


def _entry_lines(text: str, table: str) -> list[int]:
    """The line of each `[[table]]` header of a TOML text, in order (tomllib gives no positions)."""
    import re

    header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
    return [number for number, line in enumerate(text.splitlines(), 1) if header.match(line)]


def _entry_where(path: Path, lines: list[int], index: int) -> str:
    """file:line:col of the index-th entry of a table array (its header), else its index."""
    return f"{path}:{lines[index]}:1" if index < len(lines) else f"{path}: entry {index + 1}"


def _known_keys(entry: dict, table: str, text: str, path: Path, lines: list[int], index: int) -> None:
    """Raise at the key's file:line:col for a key a catalog entry may not hold, with "did you mean"."""
    for key in entry:
        if key not in CATALOG_KEYS[table]:
            where = _entry_where(path, lines, index)
            if index < len(lines):
                body = text.splitlines()[lines[index]:]
                for offset, line in enumerate(body):
                    if line.lstrip().startswith("["):
                        break
                    if line.split("=", 1)[0].strip().strip("\"'") == key:
                        where = f"{path}:{lines[index] + offset + 1}:{len(line) - len(line.lstrip()) + 1}"
                        break
            raise LicenseFileError(f"unknown key `{key}` in a [[{table}]] entry{suggest(key, CATALOG_KEYS[table])}",
                                   where)


def _read_toml(path: Path, raw: bytes) -> dict:
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LicenseFileError(f"cannot read: {exc}", str(path)) from None
