"""The knowledge base: compiled licenses, the model catalog and the Hub license-id table."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import resources
from .compile import CompiledLicense, compile_license
from .errors import LicenseFileError
from .licenses import License
from .parse import parse_file
from .vocabulary import RELATIONS

LICENSE_SUFFIX = ".lic"


@dataclass
class KnowledgeBase:
    licenses: dict[str, CompiledLicense] = field(default_factory=dict)
    catalog: dict[str, dict] = field(default_factory=dict)
    hub_ids: dict[str, dict] = field(default_factory=dict)
    hub_names: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, paths=None) -> "KnowledgeBase":
        """Load license files (folders are searched for *.lic), catalog.toml and hf_licenses.toml.

        With no paths, the bundled `facts/` folder is loaded.
        """
        kb = cls()
        roots = [Path(p) for p in (paths or [resources.facts_dir()])]
        for path in license_files(roots):
            for lic in parse_file(path):
                kb.add(lic)
        for root in roots:
            if root.is_dir():
                kb._load_tables(root)
        return kb

    def add(self, lic: License) -> None:
        if lic.id in self.licenses:
            other = self.licenses[lic.id].license.position
            raise LicenseFileError(f"license `{lic.id}` is already defined at {other}", str(lic.position))
        self.licenses[lic.id] = compile_license(lic)

    def _load_tables(self, root: Path) -> None:
        catalog = root / "catalog.toml"
        if catalog.is_file():
            data = _read_toml(catalog)
            for i, model in enumerate(data.get("model", [])):
                where = f"{catalog}: model[{i}]"
                if not isinstance(model, dict) or not isinstance(model.get("id"), str):
                    raise LicenseFileError("catalog entry without an `id`", where)
                if model.get("relation") and model["relation"] not in RELATIONS:
                    raise LicenseFileError(f"unknown relation `{model['relation']}`", where)
                self.catalog[model["id"]] = model
            self._catalog_folded = {k.lower(): k for k in self.catalog}
        hub = root / "hf_licenses.toml"
        if hub.is_file():
            data = _read_toml(hub)
            self.hub_ids.update({k.lower(): v for k, v in data.get("hub", {}).items()})
            self.hub_names.update({k.lower(): v for k, v in data.get("license_name", {}).items()})

    def model(self, model_id: str) -> dict | None:
        """A catalog entry by Hugging Face id (case-insensitive, as the Hub is)."""
        if model_id in self.catalog:
            return self.catalog[model_id]
        folded = getattr(self, "_catalog_folded", {})
        key = folded.get(model_id.lower())
        return self.catalog[key] if key else None

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
            return None, reason or f"license_name `{license_name}` is not in the knowledge base"
        if lid in self.licenses:
            return lid, ""
        entry = self.hub_ids.get(lid)
        if entry:
            if entry.get("encoding") in self.licenses:
                return entry["encoding"], ""
            if entry.get("unknown"):
                return None, entry["unknown"]
        return None, f"license `{license_id}` is not in the knowledge base"


def license_files(roots) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        root = Path(root)
        if root.is_dir():
            files += sorted(root.rglob("*" + LICENSE_SUFFIX))
        else:
            files.append(root)
    return files


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LicenseFileError(f"cannot read: {exc}", str(path)) from None
