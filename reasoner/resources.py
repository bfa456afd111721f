"""Where the grammar, the ASP rules and the bundled knowledge base live.

In a wheel, `grammar/` and `facts/` are installed inside the package (see pyproject.toml); in a
source checkout they sit beside it. Either way they are found from any working directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"can-i is installed without its {name}/ folder (looked in {_PACKAGE})")


def grammar_path() -> Path:
    return _find("grammar") / "license.lark"


def facts_dir() -> Path:
    return _find("facts")


def rules_path() -> Path:
    return _PACKAGE / "rules.lp"


def cache_folder() -> Path:
    """$CAN_I_CACHE_DIR, else $XDG_CACHE_HOME/can-i, else ~/.cache/can-i (a temporary folder
    when the home folder is not writable, as for a service account)."""
    import os

    if os.environ.get("CAN_I_CACHE_DIR"):
        return Path(os.environ["CAN_I_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "can-i"
    home = Path.home()
    if os.access(home, os.W_OK):
        return home / ".cache" / "can-i"
    import tempfile

    return Path(tempfile.gettempdir()) / "can-i"


def private_folder(folder: Path) -> bool:
    """Whether `folder` (created with mode 700 when missing) is this user's own and nobody else
    can write to it: what the caches read back decides answers, or runs code (a pickle), so
    nobody else may plant it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return owned_privately(folder)
    except OSError:
        return False


def owned_privately(path: Path) -> bool:
    """Whether `path` is this user's and nobody else can write to it (raises OSError if it is missing)."""
    import os

    info = path.stat()
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & 0o022


def private_cache_file(name: str) -> str | None:
    """The path of `name` in the cache folder, or None unless the folder, and the file if it is
    there, are private (private_folder): lark's parser tables are a pickle, which runs code when
    loaded, so a file another user could have put there must never be read."""
    import os

    if os.environ.get("CAN_I_NO_CACHE"):   # no cache at all, as for the license files
        return None
    folder = cache_folder()
    if not private_folder(folder):
        return None
    path = folder / name
    try:
        if not owned_privately(path):
            return None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    return str(path)
