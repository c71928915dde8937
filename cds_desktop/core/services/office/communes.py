"""The office's communes: the list it receives reports from — picked from the official 2025 list that ships with
the app (``core/communes_list.py``: a province's communes, all or some), or loaded from a CSV file (hostile input)
for districts and special cases.

The CSV is UTF-8 (a byte-order mark is allowed) with a header naming the columns code, name and province
(Vietnamese headers too: ``Mã số``, ``Tên``, ``Mã tỉnh``), in any order, each exactly once. Every row must
give a 5-digit commune code, a name of 1–200 characters without control characters (it travels in the signed
org-keys file) and a 2-digit province code; a code may appear once. Anything else — another encoding, a file
too large, a broken quote, a row with too many cells — is refused with its own ``InputError`` and nothing is
written; a valid file replaces the names and provinces of the communes it lists, in one transaction. Communes
picked from the official list are stored the same way, with the province they are listed under.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable

from sqlmodel import select

from cds_desktop.core.bundle.keyfiles import MAX_COMMUNES
from cds_desktop.core.communes_list import OfficialCommune, communes_of, official_list
from cds_desktop.core.errors import InputError
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.exchange_models import OfficeCommune
from cds_desktop.core.storage.queries.office_communes import OfficeCommuneRow, office_communes
from cds_desktop.core.text import clean

MAX_LIST_SIZE = 4 * 1024 * 1024  # all of Viet Nam's 3,321 communes take about 200 KB
MAX_NAME_LENGTH = 200
_CODE = re.compile(r"^\d{5}$")
_PROVINCE = re.compile(r"^\d{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
COLUMNS = {
    "code": ("code", "mã số", "ma", "mã xã"),
    "name": ("name", "tên", "tên đơn vị hành chính"),
    "province": ("province", "province_code", "mã tỉnh"),
}


def _kind_of(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("phường"):
        return "phuong"
    if lowered.startswith("đặc khu"):
        return "dac_khu"
    return "xa"


def _column_indices(header: list[str], path: Path) -> dict[str, int]:
    cells = [clean(cell.lower()) or "" for cell in header]
    indices = {}
    for column, aliases in COLUMNS.items():
        found = [i for i, cell in enumerate(cells) if cell in aliases]
        if len(found) != 1:
            raise InputError("office.communes_bad_header", path=str(path))
        indices[column] = found[0]
    return indices


def read_commune_list(path: Path) -> list[dict[str, str]]:
    """The rows of the commune list at ``path`` as ``{"code", "name", "province"}``, checked; ``InputError``."""
    data = read_key_file(path, MAX_LIST_SIZE)
    if len(data) > MAX_LIST_SIZE:
        raise InputError("office.communes_too_large", path=str(path), limit=MAX_LIST_SIZE // (1024 * 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("office.communes_not_utf8", path=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise InputError("office.communes_empty", path=str(path))
        indices = _column_indices(header, path)
        communes: list[dict[str, str]] = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise InputError("office.communes_bad_row", path=str(path), line=line)
            value = {key: (row[i] if i < len(row) else "").strip() for key, i in indices.items()}
            name = clean(value["name"]) or ""
            if (not _CODE.match(value["code"]) or not _PROVINCE.match(value["province"])
                    or not 0 < len(name) <= MAX_NAME_LENGTH or _CONTROL.search(name)):
                raise InputError("office.communes_bad_row", path=str(path), line=line)
            if value["code"] in seen:
                raise InputError("office.communes_duplicate", path=str(path), line=line, code=value["code"])
            seen.add(value["code"])
            communes.append({**value, "name": name})
    except csv.Error:
        raise InputError("office.communes_bad_csv", path=str(path), line=reader.line_num) from None
    if not communes:
        raise InputError("office.communes_empty", path=str(path))
    return communes


def official_choice(province_code: str, codes: Iterable[str] | None = None) -> list[OfficialCommune]:
    """The communes of ``province_code`` in the official 2025 list: all (``codes`` None) or those with ``codes``.
    ``InputError``: ``province.unknown``, ``office.commune_not_in_list`` (a code the province's list does not
    have), ``office.no_commune_chosen``."""
    listed = communes_of(province_code)
    if codes is not None:
        wanted = [code.strip() for code in codes]
        by_code = {commune.code: commune for commune in listed}
        unknown = next((code for code in wanted if code not in by_code), None)
        if unknown is not None:
            raise InputError("office.commune_not_in_list", code=unknown, province=province_code.strip())
        listed = [by_code[code] for code in dict.fromkeys(wanted)]
    if not listed:
        raise InputError("office.no_commune_chosen")
    return listed


class OfficeCommunes(OfficeBase):
    def import_communes(self, path: Path) -> int:
        """Load the office's communes from a UTF-8 CSV (see the module); returns how many rows it had."""
        self.authorize(Permission.MANAGE)
        communes = read_commune_list(Path(path))
        self._store_communes(communes, str(path))
        return len(communes)

    def add_official_communes(self, province_code: str, codes: Iterable[str] | None = None) -> int:
        """Add communes of the province ``province_code`` from the official 2025 list (``official_choice``): all of
        them, or those whose ``codes`` are given; returns how many."""
        self.authorize(Permission.MANAGE)
        chosen = official_choice(province_code, codes)
        self._store_communes([{"code": c.code, "name": c.name, "province": c.province_code} for c in chosen],
                             official_list().source)
        return len(chosen)

    def _store_communes(self, communes: list[dict[str, str]], source: str) -> None:
        """Add or update ``communes`` (``{"code", "name", "province"}``, checked) in one transaction."""
        now = self.clock()
        with self.repo.transaction() as session:
            known = set(session.exec(select(OfficeCommune.code)).all())
            if len(known | {c["code"] for c in communes}) > MAX_COMMUNES:
                raise InputError("office.communes_too_many", path=source, limit=MAX_COMMUNES)
            for value in communes:
                row = session.get(OfficeCommune, value["code"]) or OfficeCommune(
                    code=value["code"], province_code=value["province"], name="", kind="xa", added_at=now)
                row.name, row.province_code, row.kind = value["name"], value["province"], _kind_of(value["name"])
                session.add(row)

    def commune_list(self) -> list[OfficeCommuneRow]:
        """Every commune with its key state and last report (``queries.office_communes``)."""
        with self.repo.reading() as session:
            return office_communes(session.connection())

    def communes(self) -> list[OfficeCommune]:
        with self.repo.reading() as session:
            return list(session.exec(select(OfficeCommune).order_by(OfficeCommune.code)).all())
