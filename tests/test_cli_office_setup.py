"""An office set up through ``cds`` alone: ``init office`` for a province or a district office, then its communes
picked from the official 2025 list that ships with the app (``cds office communes``)."""

from __future__ import annotations

import json

import pytest

from cds_desktop.cli import main
from cds_desktop.core.communes_list import communes_of
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.peek import FolderKind, folder_kind


@pytest.fixture
def cds(tmp_path, capsys, office_storage):
    office_storage(tmp_path / "office")
    secret = tmp_path / "office-pass.txt"
    secret.write_text("mật khẩu của Sở KHCN\n", encoding="utf-8")

    def run(*args: str, lang: str = "vi") -> tuple[int, str, str]:
        args = [a.replace("SECRET", str(secret)) for a in args]
        code = main(["--data-dir", str(tmp_path / "office"), "--lang", lang, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _stored(tmp_path):
    office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([]))
    try:
        return office.require_identity(), {c.code: (c.name, c.province_code) for c in office.communes()}
    finally:
        office.close()


def test_a_province_office_takes_all_communes_of_its_province(cds, tmp_path):
    assert cds("init", "office", "--code", "68", "--name", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
               "--level", "province", "--passphrase-file", "SECRET")[0] == 0
    code, out, _ = cds("office", "communes", "--province", "68", "--all", "--json")
    assert code == 0 and json.loads(out) == {"province": "68", "communes": 124}
    identity, communes = _stored(tmp_path)
    assert identity.province_code == "68"
    assert communes == {c.code: (c.name, "68") for c in communes_of("68")}
    code, out, _ = cds("office", "communes", "--province", "68", "--all")  # again: nothing doubles
    assert code == 0 and "124" in out and len(_stored(tmp_path)[1]) == 124


def test_a_district_office_names_its_province_and_picks_some_communes(cds, tmp_path):
    before = folder_kind(tmp_path / "office")  # SQLite: a new folder; PostgreSQL: a folder naming an empty database
    code, _, err = cds("init", "office", "--code", "672", "--name", "Phòng Văn hóa - Thông tin", "--level", "district",
                       "--passphrase-file", "SECRET")
    assert code == 2 and "tỉnh, thành phố" in err and folder_kind(tmp_path / "office") is before
    if before is not FolderKind.NEW:  # the database is there, and still holds no office
        office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([]))
        try:
            assert office.identity() is None
        finally:
            office.close()
    code, _, err = cds("init", "office", "--code", "68", "--name", "Phòng Văn hóa - Thông tin", "--level", "district",
                       "--province", "68", "--passphrase-file", "SECRET", lang="en")
    assert code == 2 and "exactly 3 digits" in err
    assert cds("init", "office", "--code", "672", "--name", "Phòng Văn hóa - Thông tin", "--level", "district",
               "--province", "68", "--passphrase-file", "SECRET")[0] == 0
    code, out, _ = cds("office", "communes", "--province", "68", "--code", "24751", "24611", "--json")
    assert code == 0 and json.loads(out)["communes"] == 2
    identity, communes = _stored(tmp_path)
    assert (identity.code, identity.level, identity.province_code) == ("672", "district", "68")
    assert communes == {"24751": ("Xã Nhân Cơ", "68"), "24611": ("Phường Bắc Gia Nghĩa", "68")}


def test_a_code_not_in_the_province_or_both_choices_are_refused(cds, tmp_path):
    assert cds("init", "office", "--code", "68", "--name", "Sở KH&CN Lâm Đồng", "--level", "province",
               "--passphrase-file", "SECRET")[0] == 0
    code, _, err = cds("office", "communes", "--province", "68", "--code", "00070")  # a ward of Hà Nội
    assert code == 2 and "00070" in err and "Traceback" not in err
    code, _, err = cds("office", "communes", "--province", "67", "--all", lang="en")
    assert code == 2 and "67" in err
    assert cds("office", "communes", "--province", "68", "--all", "--code", "24751")[0] == 2
    assert cds("office", "communes", "--province", "68")[0] == 2  # all, or which
    assert _stored(tmp_path)[1] == {}
