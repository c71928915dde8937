"""The data folder: where the database, evidence files, backups, logs and quarantine live.

Which folder: ``--data-dir`` when a front-end is given one (tests, portable installs, IT staff), else the
folder the user chose in the settings (remembered in a small JSON file in the per-user *config* folder, so
the choice lives outside the database it points to), else the platform's per-user data folder.
The environment variable ``CDS_DESKTOP_CONFIG_DIR`` moves that config folder (tests never touch the real one).
That remembered file is hostile input like any file the app reads (``remembered_data_dir``).
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
_MAX_LOCATION_BYTES = 64 * 1024  # it holds one path


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
    """The data folder chosen in the settings, or None when none was ever chosen.

    The file is hostile input: one that cannot be read, is larger than ``_MAX_LOCATION_BYTES``, is not a JSON
    object naming an absolute folder path without NUL characters, raises
    ``StorageError("data_folder.remembered_damaged")`` — never a silent switch to another folder.
    """
    file = config_dir() / _LOCATION_FILE
    try:
        with open(file, "rb") as stream:
            raw = stream.read(_MAX_LOCATION_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _damaged(file, "data_file.problem.cannot_read") from exc
    if len(raw) > _MAX_LOCATION_BYTES:
        raise _damaged(file, "data_file.problem.too_large", limit_kb=_MAX_LOCATION_BYTES // 1024)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
        raise _damaged(file, "data_file.problem.not_json") from None
    folder = data.get("data_dir") if isinstance(data, dict) else None
    if not isinstance(folder, str) or not folder or "\x00" in folder or not Path(folder).is_absolute():
        raise _damaged(file, "data_file.problem.no_folder_path")
    return Path(folder)


def _damaged(file: Path, problem_id: str, **params: object) -> Exception:
    from cds_desktop.core.errors import DataFileError  # not at the top: errors → i18n → parsed_cache → paths

    return DataFileError("data_folder.remembered_damaged", file=str(file), problem_id=problem_id, **params)


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
