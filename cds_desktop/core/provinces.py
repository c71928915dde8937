"""The 34 provinces of Viet Nam from 2025 (Decision 19/2025/QĐ-TTg), read from ``resources/provinces.yaml``.

Used to offer the province in the set-up wizard and to check a province code before it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cds_desktop.core.errors import InputError
from cds_desktop.core.resources import resources_dir
from cds_desktop.core.text import nfc
from cds_desktop.core.yaml_strict import load_strict


@dataclass(frozen=True)
class Province:
    code: str  # 2 digits, e.g. "68"
    name: str  # official name, e.g. "Lâm Đồng", "Thành phố Hà Nội"


@cache
def _provinces() -> tuple[Province, ...]:
    data = load_strict((resources_dir() / "provinces.yaml").read_text(encoding="utf-8"))
    return tuple(Province(str(item["code"]), nfc(str(item["name"]))) for item in data["provinces"])


def provinces() -> list[Province]:
    """All provinces in the order of their codes."""
    return list(_provinces())


def province(code: str) -> Province:
    """The province with ``code``; ``InputError("province.unknown")`` otherwise."""
    code = (code or "").strip()
    for item in _provinces():
        if item.code == code:
            return item
    raise InputError("province.unknown", code=code)
