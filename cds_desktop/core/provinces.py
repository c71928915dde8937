"""The 34 provinces of Viet Nam from 2025 (Decision 19/2025/QĐ-TTg), read from ``resources/provinces.yaml``.

Used to offer the province in the set-up wizard and to check a province code before it is saved. The file is
hostile input like every file the app reads (``yaml_strict``, then its shape: a list of 2-digit codes with
names, no code twice): a damaged list is ``DataFileError("resource.damaged")``, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cds_desktop.core.errors import DataFileError, InputError
from cds_desktop.core.resources import resources_dir
from cds_desktop.core.yaml_strict import YamlRefused, load_strict, os_problem_id, read_data_file

MAX_PROVINCES_BYTES = 64 * 1024
_CODE = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Province:
    code: str  # 2 digits, e.g. "68"
    name: str  # official name, e.g. "Lâm Đồng", "Thành phố Hà Nội"


def read_provinces(path: Path) -> tuple[Province, ...]:
    """The provinces listed in the file at ``path``; ``DataFileError("resource.damaged")`` when it cannot be used."""
    try:
        data = load_strict(read_data_file(path, MAX_PROVINCES_BYTES))
    except OSError as exc:
        raise DataFileError("resource.damaged", file=path.name, problem_id=os_problem_id(exc)) from None
    except YamlRefused as refusal:
        raise DataFileError("resource.damaged", file=path.name, problem_id=refusal.problem_id, line=refusal.line,
                            **refusal.params) from None
    items = data.get("provinces") if isinstance(data, dict) else None
    found = [_province(item) for item in items] if isinstance(items, list) else []
    codes = {item.code for item in found if item is not None}
    if not found or None in found or len(codes) != len(found):
        raise DataFileError("resource.damaged", file=path.name, problem_id="data_file.problem.not_province_list")
    return tuple(item for item in found if item is not None)


def _province(item: Any) -> Province | None:
    code, name = (item.get("code"), item.get("name")) if isinstance(item, dict) else (None, None)
    if isinstance(code, str) and _CODE.match(code) and isinstance(name, str) and name.strip():
        return Province(code, name.strip())
    return None


@cache
def _provinces() -> tuple[Province, ...]:
    return read_provinces(resources_dir() / "provinces.yaml")


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
