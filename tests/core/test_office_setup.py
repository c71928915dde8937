"""A receiving office's first run, headless (``setup.set_up_office``): identity with its province, keys sealed with
the passphrase, communes from the official list or a CSV, accounts with office roles — all or nothing, only on a
new folder."""

from __future__ import annotations

import dataclasses

import pytest

from cds_desktop.core.errors import InputError, PermissionDeniedError, StateError, StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.core.services.setup import (
    STAGING,
    OfficeSetup,
    check_office_setup,
    needs_setup,
    set_up_commune,
    set_up_office,
)
from cds_desktop.core.storage.peek import FolderKind, folder_kind, peek
from support.set_up import COMMUNE_WITHOUT_OFFICE, LEADER

PASSPHRASE = "khóa của Sở KHCN Lâm Đồng 2025"
ADMIN = NewUser("quan_tri", "Trần Văn Quản", frozenset({Role.ADMIN}), "quản trị sở 2025!")
HEAD = NewUser("truong_phong", "Nguyễn Thị Trưởng", frozenset({Role.HEAD}), "trưởng phòng 2025")
CLERK = NewUser("van_thu", "Lê Văn Thư", frozenset({Role.CLERK}), "văn thư sở 2025")


@pytest.fixture
def answers():
    return OfficeSetup(language="en", level="province", province_code="68", office_code="68",
                       name="Sở Khoa học và Công nghệ tỉnh Lâm Đồng", communes_province="68",
                       commune_codes=("24751", "24611"), communes_file=None, users=(HEAD, ADMIN, CLERK),
                       passphrase=PASSPHRASE)


@pytest.fixture
def data_dir(tmp_path):
    return DataDir(tmp_path / "office")


def test_set_up_office_end_to_end(answers, data_dir, clock):
    assert needs_setup(data_dir)
    office = set_up_office(data_dir, answers, clock)
    try:
        assert folder_kind(data_dir.root) is FolderKind.OFFICE and not (data_dir.root / STAGING).exists()
        identity = office.require_identity()
        assert (identity.code, identity.name, identity.level, identity.province_code) == (
            "68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", "68")
        assert {(c.code, c.name, c.province_code, c.kind) for c in office.communes()} == {
            ("24751", "Xã Nhân Cơ", "68", "xa"), ("24611", "Phường Bắc Gia Nghĩa", "68", "phuong")}
        assert peek(data_dir.database).language == "en" and peek(data_dir.database).has_accounts
        accounts = Accounts(office)
        assert {(u.username, u.roles) for u in accounts.users()} == {
            ("quan_tri", frozenset({Role.ADMIN})), ("truong_phong", frozenset({Role.HEAD})),
            ("van_thu", frozenset({Role.CLERK}))}
        assert office.principal is None
        with pytest.raises(PermissionDeniedError):
            office.rotate_encryption_key(PASSPHRASE)  # nobody signed in
        accounts.sign_in("van_thu", CLERK.password)
        with pytest.raises(PermissionDeniedError):
            office.rotate_encryption_key(PASSPHRASE)  # a clerk manages no keys
        accounts.sign_in("quan_tri", ADMIN.password)
        office.export_keys(data_dir.root.parent / "org-keys.json", PASSPHRASE)  # the keys open with the passphrase
        assert len(office.root_fingerprint().replace("-", "").replace(" ", "")) >= 32
    finally:
        office.close()
    with pytest.raises(StateError) as caught:
        set_up_office(data_dir, answers, clock)
    assert caught.value.code == "setup.office_already_done" and str(data_dir.root) in caught.value.message("vi")


def test_a_district_office_with_its_communes_from_a_csv_file(answers, data_dir, clock, tmp_path):
    csv_file = tmp_path / "xa.csv"
    csv_file.write_text("Mã số,Tên,Mã tỉnh\n24751,Xã Nhân Cơ,68\n99001,Xã Thử Nghiệm,68\n",
                        encoding="utf-8-sig")
    both = NewUser("lanh_dao", "Phạm Văn Lãnh", frozenset({Role.ADMIN, Role.HEAD}), "lãnh đạo phòng 2025")
    office = set_up_office(data_dir, dataclasses.replace(
        answers, level="district", office_code="672", name="Phòng Văn hóa - Thông tin", communes_province="",
        commune_codes=(), communes_file=csv_file, users=(both,)), clock)
    try:
        identity = office.require_identity()
        assert (identity.code, identity.level, identity.province_code) == ("672", "district", "68")
        assert [c.code for c in office.communes()] == ["24751", "99001"]
        assert Accounts(office).sign_in("lanh_dao", both.password).roles == {Role.ADMIN, Role.HEAD}
    finally:
        office.close()


REFUSALS = [
    ({"language": "fr"}, "setup.bad_language"),
    ({"level": "commune"}, "unit.bad_kind"),
    ({"office_code": "6"}, "office.bad_code"),
    ({"office_code": "67", "province_code": "67"}, "province.unknown"),
    ({"office_code": "01"}, "office.code_not_province"),
    ({"level": "district"}, "office.bad_district_code"),
    ({"level": "district", "office_code": "672", "province_code": ""}, "office.province_required"),
    ({"name": " "}, "unit.name_required"),
    ({"name": "S" * 201}, "unit.name_too_long"),
    ({"commune_codes": ()}, "office.no_commune_chosen"),
    ({"commune_codes": ("24751", "00070")}, "office.commune_not_in_list"),
    ({"communes_province": "67"}, "province.unknown"),
    ({"users": (ADMIN, CLERK)}, "setup.no_head"),
    ({"users": (HEAD, CLERK)}, "setup.no_admin"),
    ({"users": (HEAD, ADMIN, dataclasses.replace(LEADER, username="chu_tich"))}, "account.bad_role"),
    ({"users": (HEAD, dataclasses.replace(ADMIN, username="TRUONG_PHONG"))}, "account.username_taken"),
    ({"passphrase": "ngắn"}, "bundle.passphrase_too_short"),
]


@pytest.mark.parametrize(("change", "code"), REFUSALS, ids=[code + str(i) for i, (_, code) in enumerate(REFUSALS)])
def test_refusals_write_nothing(answers, data_dir, clock, change, code):
    with pytest.raises(InputError) as caught:
        set_up_office(data_dir, dataclasses.replace(answers, **change), clock)
    assert caught.value.code == code
    assert caught.value.message("vi") and caught.value.message("en")
    assert not data_dir.root.exists()


def test_a_csv_file_that_cannot_be_used_is_refused_before_anything_is_written(answers, data_dir, tmp_path):
    bad = tmp_path / "xa.csv"
    bad.write_bytes("code,name,province\n2475,Xã Nhân Cơ,68\n".encode("utf-16"))
    with pytest.raises(InputError) as caught:
        check_office_setup(dataclasses.replace(answers, communes_file=bad))
    assert caught.value.code == "office.communes_not_utf8"
    assert not data_dir.root.exists()


def test_a_failure_after_writing_started_leaves_the_folder_ready_for_another_try(answers, data_dir, clock,
                                                                                 monkeypatch):
    def disk_full(self, province_code, codes=None):
        raise StorageError("storage.io", path="cds.sqlite", problem="No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(OfficeService, "add_official_communes", disk_full)
        with pytest.raises(StorageError):
            set_up_office(data_dir, answers, clock)
    assert needs_setup(data_dir) and not (data_dir.root / STAGING).exists()
    assert not any(data_dir.keys.iterdir())  # the keys made in the staging folder went with it
    set_up_office(data_dir, answers, clock).close()
    assert folder_kind(data_dir.root) is FolderKind.OFFICE


def test_only_a_new_folder_is_set_up(answers, tmp_path, clock):
    commune = DataDir(tmp_path / "commune")
    set_up_commune(commune, COMMUNE_WITHOUT_OFFICE, clock).close()
    with pytest.raises(StateError) as caught:
        set_up_office(commune, answers, clock)
    assert caught.value.code == "setup.already_done"
    assert folder_kind(commune.root) is FolderKind.COMMUNE
