"""The official list of Viet Nam's 3,321 communes from 1 July 2025, read from ``resources/communes-2025.yaml``.

Source: Appendix I of Công văn 1027/CTK-CSCL (25/06/2025) of the Statistics Office; the provinces from Công văn
915/CTK-CSCL (``provinces.py``). ``scripts/convert_communes.py`` made the resource from the transcription in
``shared/data``; the file names its source (``source``), which the screens show beside the list.

A receiving office picks the communes it receives from here, at set-up or later. Each commune carries the code
of the province it is listed under: stored as given, never derived from the commune's code (a new commune often
keeps a predecessor's code, and some moved to another province in 2025). Codes are strings.

The file is hostile input like every file the app reads (``yaml_strict``, then its shape): a mapping of 2-digit
province codes — each one of the 34 provinces — to mappings of 5-digit commune codes to names (1–200 characters,
no control characters), no commune code twice. Anything else is ``DataFileError("resource.damaged")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cds_desktop.core.errors import DataFileError
from cds_desktop.core.provinces import province, provinces
from cds_desktop.core.resources import resources_dir
from cds_desktop.core.yaml_strict import YamlRefused, load_strict, os_problem_id, read_data_file

RESOURCE_NAME = "communes-2025.yaml"
MAX_COMMUNES_BYTES = 512 * 1024  # the list takes about 110 KB
MAX_NAME_LENGTH = 200
_COMMUNE_CODE = re.compile(r"^\d{5}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_A_LIST = "data_file.problem.not_commune_list"


@dataclass(frozen=True)
class OfficialCommune:
    code: str  # 5 digits, e.g. "24751"
    name: str  # official name, e.g. "Xã Nhân Cơ"
    province_code: str  # the province it is listed under, e.g. "68"


@dataclass(frozen=True)
class CommuneList:
    source: str  # the document the list comes from, as it is cited
    province_source: str
    communes: tuple[OfficialCommune, ...]  # by province code, then in the order of the source


def read_commune_list_file(path: Path) -> CommuneList:
    """The communes listed in the file at ``path``; ``DataFileError("resource.damaged")`` when it cannot be used."""
    try:
        data = load_strict(read_data_file(path, MAX_COMMUNES_BYTES))
    except OSError as exc:
        raise DataFileError("resource.damaged", file=path.name, problem_id=os_problem_id(exc)) from None
    except YamlRefused as refusal:
        raise DataFileError("resource.damaged", file=path.name, problem_id=refusal.problem_id, line=refusal.line,
                            **refusal.params) from None
    listed = _communes(data)
    if listed is None:
        raise DataFileError("resource.damaged", file=path.name, problem_id=_NOT_A_LIST)
    return CommuneList(data["source"].strip(), data["province_source"].strip(), listed)


def _communes(data: Any) -> tuple[OfficialCommune, ...] | None:
    """The communes in ``data`` when it has the list's shape (see the module), else None."""
    if not isinstance(data, dict) or set(data) != {"source", "province_source", "provinces"}:
        return None
    by_province = data["provinces"]
    known = {item.code for item in provinces()}
    if (not all(isinstance(data[key], str) and data[key].strip() for key in ("source", "province_source"))
            or not isinstance(by_province, dict) or set(by_province) != known):
        return None
    found: list[OfficialCommune] = []
    for province_code in sorted(by_province):
        communes = by_province[province_code]
        if not isinstance(communes, dict) or not communes:
            return None
        for code, name in communes.items():
            if not (isinstance(code, str) and _COMMUNE_CODE.match(code) and isinstance(name, str)
                    and 0 < len(name.strip()) <= MAX_NAME_LENGTH and not _CONTROL.search(name)):
                return None
            found.append(OfficialCommune(code, name.strip(), province_code))
    if len({commune.code for commune in found}) != len(found):
        return None
    return tuple(found)


@cache
def _official() -> CommuneList:
    return read_commune_list_file(resources_dir() / RESOURCE_NAME)


def official_list() -> CommuneList:
    """The shipped list, read once."""
    return _official()


def communes_of(province_code: str) -> list[OfficialCommune]:
    """The communes of the province ``province_code``, in the order of the source; ``InputError("province.unknown")``
    for a code that is not one of the 34 provinces."""
    code = province(province_code).code
    return [commune for commune in _official().communes if commune.province_code == code]
