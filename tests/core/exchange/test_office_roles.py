"""Office roles are enforced by the services: a clerk imports but cannot accept or manage, a head accepts but
cannot import or manage keys, an administrator manages but decides nothing; nobody signed in can do nothing."""

from __future__ import annotations

import pytest

from cds_desktop.core.errors import InputError, PermissionDeniedError
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.roles import Role

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, fill_and_approve

PASSWORD = "mật khẩu đủ dài 2025"


@pytest.fixture
def staffed(office, exchange, service, tmp_path):
    """The office with an administrator, a clerk and a head, and one bundle exported by the commune."""
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    accounts.create(NewUser("truongphong", "Trưởng phòng", frozenset({Role.HEAD}), PASSWORD))
    accounts.sign_out()
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    return accounts, tmp_path / "usb"


def test_nobody_signed_in_can_change_nothing(office, staffed):
    _, usb = staffed
    with pytest.raises(PermissionDeniedError) as caught:
        office.import_bundles([usb], PASS_OFFICE)
    assert caught.value.code == "auth.sign_in_required"


def test_a_clerk_imports_but_cannot_decide_or_manage(office, staffed, tmp_path):
    accounts, usb = staffed
    accounts.sign_in("vanthu", PASSWORD)
    (outcome,) = office.import_bundles([usb], PASS_OFFICE)
    assert outcome.status == "accepted"
    for attempt in (lambda: office.receipt("24751", P, Q1, tmp_path / "r.cdsr", PASS_OFFICE, "x"),
                    lambda: office.export_keys(tmp_path / "keys.json", PASS_OFFICE),
                    lambda: office.revoke("24751"),
                    lambda: office.rotate_encryption_key(PASS_OFFICE)):
        with pytest.raises(PermissionDeniedError) as caught:
            attempt()
        assert caught.value.code == "auth.not_allowed"
    assert not (tmp_path / "r.cdsr").exists() and not (tmp_path / "keys.json").exists()


def test_a_head_accepts_and_is_recorded_but_cannot_import(office, staffed, tmp_path):
    accounts, usb = staffed
    accounts.sign_in("vanthu", PASSWORD)
    office.import_bundles([usb], PASS_OFFICE)
    accounts.sign_in("truongphong", PASSWORD)
    with pytest.raises(PermissionDeniedError):
        office.import_bundles([usb], PASS_OFFICE)
    office.receipt("24751", P, Q1, tmp_path / "r.cdsr", PASS_OFFICE, "someone else")
    assert (tmp_path / "r.cdsr").exists()
    (issued,) = office.receipts_issued("24751", P, Q1)
    assert issued.issued_by == "truongphong"


def test_an_administrator_manages_but_decides_nothing(office, staffed, tmp_path):
    accounts, usb = staffed
    accounts.sign_in("quantri", PASSWORD)
    assert office.export_keys(tmp_path / "keys.json", PASS_OFFICE) >= 1
    with pytest.raises(PermissionDeniedError):
        office.import_bundles([usb], PASS_OFFICE)


def test_office_accounts_hold_office_roles_only(office):
    accounts = Accounts(office)
    with pytest.raises(InputError) as caught:
        accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN, Role.LEADER}), PASSWORD))
    assert caught.value.code == "account.bad_role" and "leader" in caught.value.message("en")
