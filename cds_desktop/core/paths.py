"""The data folder: where the database, evidence files, backups, logs and quarantine live.

The default is the platform's per-user data folder; every front-end accepts ``--data-dir`` to override it
(tests, portable installs, IT staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "CDS Desktop"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def resolve(cls, override: str | Path | None = None) -> "DataDir":
        return cls(Path(override).expanduser().resolve() if override else default_data_dir())

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
