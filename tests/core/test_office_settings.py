"""The office's settings: its language only, kept like a commune's, changed by an administrator."""

from __future__ import annotations

import sqlite3

import pytest

from cds_desktop.core.errors import InputError, PermissionDeniedError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role

PASSWORD = "mật khẩu đủ dài 2025"


@pytest.fixture
def office(tmp_path, mini_plan, clock):
    service = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([mini_plan]), clock)
    service.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", "cụm mật khẩu của sở")
    yield service
    service.close()


def test_the_language_is_vietnamese_until_changed_and_kept(office, mini_plan, clock):
    assert office.settings() == {"language": "vi"}
    assert office.set_setting("language", "en") == OfficeChanges(settings=True)
    reopened = OfficeService(DataDir(office.data_dir.root), PlanCatalog([mini_plan]), clock)
    try:
        assert reopened.setting("language") == "en"
    finally:
        reopened.close()


def test_a_commune_setting_or_a_wrong_value_is_refused(office):
    with pytest.raises(InputError) as caught:
        office.set_setting("report_signer_name", "Nguyễn Văn A")
    assert caught.value.code == "setting.unknown" and "language" in caught.value.message()
    with pytest.raises(InputError) as caught:
        office.set_setting("language", "fr")
    assert caught.value.code == "setting.bad_value"
    assert office.setting("language") == "vi"


def test_a_damaged_stored_value_reads_as_the_default(office):
    office.set_setting("language", "en")
    connection = sqlite3.connect(office.data_dir.database)
    with connection:
        connection.execute("UPDATE setting SET value_json = '{\"not\": 1' WHERE key = 'language'")
    connection.close()
    assert office.setting("language") == "vi"


def test_only_an_administrator_changes_a_setting(office):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    accounts.sign_in("vanthu", PASSWORD)
    with pytest.raises(PermissionDeniedError):
        office.set_setting("language", "en")
    accounts.sign_in("quantri", PASSWORD)
    office.set_setting("language", "en")
    assert office.setting("language") == "en"
