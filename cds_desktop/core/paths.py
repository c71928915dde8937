"""The data folder: where the database, evidence files, backups, logs and quarantine live.

Which folder: ``--data-dir`` when a front-end is given one (tests, portable installs, IT staff), else the
folder the user chose in the settings (remembered in a small JSON file in the per-user *config* folder, so
the choice lives outside the database it points to), else the platform's per-user data folder.
The environment variable ``CDS_DESKTOP_CONFIG_DIR`` moves that config folder (tests never touch the real one).
The per-user *cache* folder holds what can be rebuilt at any time (``parsed_cache.py``);
``CDS_DESKTOP_CACHE_DIR`` moves it. ``platformdirs`` is imported only when a platform folder is needed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

APP_NAME = "CDS Desktop"
CONFIG_DIR_ENV = "CDS_DESKTOP_CONFIG_DIR"
CACHE_DIR_ENV = "CDS_DESKTOP_CACHE_DIR"
_LOCATION_FILE = "data-folder.json"


def _platform_folder(kind: str, override_env: str | None = None) -> Path:
    """The per-user ``kind`` ("data", "config", "cache") folder, or the folder ``override_env`` names."""
    override = os.environ.get(override_env) if override_env else None
    if override:
        return Path(override)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    return _platform_folder("data")


def config_dir() -> Path:
    """The per-user config folder (``CDS_DESKTOP_CONFIG_DIR`` overrides it)."""
    return _platform_folder("config", CONFIG_DIR_ENV)


def cache_dir() -> Path:
    """The per-user cache folder (``CDS_DESKTOP_CACHE_DIR`` overrides it)."""
    return _platform_folder("cache", CACHE_DIR_ENV)


def remembered_data_dir() -> Path | None:
    """The data folder chosen in the settings, or None (never chosen, or the file is unreadable)."""
    try:
        data = json.loads((config_dir() / _LOCATION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = data.get("data_dir") if isinstance(data, dict) else None
    return Path(folder) if isinstance(folder, str) and folder else None


def remember_data_dir(path: Path) -> None:
    """Use ``path`` as the data folder from the next start on (atomic write; StorageError on failure)."""
    from cds_desktop.core.fileio import write_atomic

    text = json.dumps({"data_dir": str(Path(path).expanduser().resolve())}, ensure_ascii=False, indent=2)
    write_atomic(config_dir() / _LOCATION_FILE, text.encode("utf-8"))


class DataDir(NamedTuple):  # a NamedTuple, not a dataclass: start-up does not import ``dataclasses``
    root: Path

    @classmethod
    def resolve(cls, override: str | Path | None = None) -> "DataDir":
        """``override`` when given, else the remembered folder, else the default."""
        chosen = override or remembered_data_dir()
        return cls(Path(chosen).expanduser().resolve() if chosen else default_data_dir())

    @property
    def database(self) -> Path:
        return self.root / "cds.sqlite"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def plans(self) -> Path:
        """Plan files added by the user (``cds plans import``), loaded after the built-in ones."""
        return self.root / "plans"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    def ensure(self) -> "DataDir":
        for folder in (self.root, self.evidence, self.backups, self.logs, self.quarantine, self.keys, self.plans):
            folder.mkdir(parents=True, exist_ok=True)
        return self
