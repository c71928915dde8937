"""Where the built-in data files are: plans, fonts, message catalogs.

In a source checkout they are the top-level ``resources/`` and ``translations/`` folders; in an installed
wheel or a frozen build they are copied into ``cds_desktop/_data/``.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=None)
def _data_root() -> Path:
    candidates = [_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "cds_desktop" / "_data")
    for root in candidates:
        if (root / "translations").is_dir() and (root / "resources").is_dir():
            return root
    raise RuntimeError("CDS Desktop data files (resources/, translations/) are missing from this installation")


def resources_dir() -> Path:
    return _data_root() / "resources"


def translations_dir() -> Path:
    return _data_root() / "translations"


def builtin_plans_dir() -> Path:
    return resources_dir() / "plans"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"
