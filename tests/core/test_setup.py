"""First-run set-up: previewing the office's key file, checks that write nothing, all-or-nothing writes."""

from __future__ import annotations

import dataclasses

import pytest

from cds_desktop.core.domain import UnitKind
from cds_desktop.core.errors import BundleError, InputError, PermissionDeniedError, StateError, StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.database import open_database
from support.set_up import ADMIN, LEADER, OFFICE_NAME, PASS_SIGNING, keys_office, org_keys  # noqa: F401 - fixtures
from cds_desktop.core.services.setup import (
    STAGING,
    CommuneChoice,
    CommuneSetup,
    check_new_user,
    check_passphrase,
    needs_setup,
    preview_office_keys,
    set_up_commune,
)

@pytest.fixture
def answers(keys_office, org_keys):
    return CommuneSetup(language="en", province_code="68", commune_code="24751", name="Xã Nhân Cơ",
                        office_keys=org_keys, office_fingerprint=keys_office.root_fingerprint().lower(),
                        users=(LEADER, ADMIN), signing_passphrase=PASS_SIGNING)


@pytest.fixture
def data_dir(tmp_path):
    return DataDir(tmp_path / "commune")


def test_preview_lists_the_office_and_its_communes_and_refuses_a_tampered_file(keys_office, org_keys, tmp_path,
                                                                               clock):
    preview = preview_office_keys(org_keys, clock())
    assert preview.fingerprint == keys_office.root_fingerprint()
    assert (preview.office_code, preview.office_name) == ("68", OFFICE_NAME)
    assert preview.communes == (CommuneChoice("24751", "Xã Nhân Cơ", "68"),
                                CommuneChoice("24752", "Phường Bắc Gia Nghĩa", "68"))
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(org_keys.read_bytes().replace("Nhân Cơ".encode(), "Nhân Ca".encode()))
    with pytest.raises(BundleError):
        preview_office_keys(tampered, clock())
    with pytest.raises(InputError) as caught:
        preview_office_keys(tmp_path / "missing.json", clock())
    assert caught.value.code == "keys.unreadable_file"


def test_set_up_commune_end_to_end(answers, data_dir, keys_office, clock, tmp_path):
    assert needs_setup(data_dir)
    service = set_up_commune(data_dir, answers, clock)
    try:
        assert not needs_setup(data_dir) and not (data_dir.root / STAGING).exists()
        unit = service.require_unit()
        assert (unit.province_code, unit.commune_code, unit.name, unit.kind) == (
            "68", "24751", "Xã Nhân Cơ", UnitKind.XA)
        assert (unit.office_code, unit.office_name) == ("68", OFFICE_NAME)
        assert service.setting("language") == "en"
        exchange = CommuneExchange(service)
        assert exchange.pinned_office().root.fingerprint == keys_office.root_fingerprint()
        exchange.unlock(PASS_SIGNING)  # the signing key opens with the chosen passphrase
        accounts = Accounts(service)
        assert {(u.username, u.roles) for u in accounts.users()} == {
            ("quan_tri", frozenset({Role.ADMIN})), ("chu_tich", frozenset({Role.LEADER}))}
        assert service.principal is None
        with pytest.raises(PermissionDeniedError):
            service.set_setting("report_place", "Nhân Cơ")
        # the office can enroll the key the set-up created, and the leader can sign with it
        accounts.sign_in("chu_tich", LEADER.password)
        fingerprint = exchange.export_enrollment(tmp_path / "enrollment.json")
        assert fingerprint == exchange.unlock(PASS_SIGNING).public.fingerprint
        assert keys_office.enroll(tmp_path / "enrollment.json", fingerprint) == "24751"
    finally:
        service.close()
    with pytest.raises(StateError) as caught:
        set_up_commune(data_dir, answers, clock)
    assert caught.value.code == "setup.already_done"


def test_one_person_may_be_admin_and_leader_and_the_office_file_may_come_later(answers, data_dir, clock):
    both = NewUser("Chu_Tich", "Nguyễn Văn Chủ", frozenset({Role.ADMIN, Role.LEADER}), "Chủ tịch xã 2025")
    service = set_up_commune(data_dir, dataclasses.replace(
        answers, name="Phường Bắc Gia Nghĩa", commune_code="24752", users=(both,), office_keys=None), clock)
    try:
        assert service.require_unit().kind is UnitKind.PHUONG
        assert CommuneExchange(service).pinned_office() is None
        assert Accounts(service).sign_in("chu_tich", both.password).roles == {Role.ADMIN, Role.LEADER}
    finally:
        service.close()


REFUSALS = [
    ({"language": "fr"}, "setup.bad_language"),
    ({"province_code": "67"}, "province.unknown"),
    ({"commune_code": "2475"}, "unit.bad_commune_code"),
    ({"name": "  "}, "unit.name_required"),
    ({"users": (LEADER,)}, "setup.no_admin"),
    ({"users": (ADMIN,)}, "setup.no_leader"),
    ({"users": (ADMIN, LEADER, dataclasses.replace(LEADER, username="CHU_TICH"))}, "account.username_taken"),
    ({"users": (ADMIN, dataclasses.replace(LEADER, password="ngắn"))}, "account.password_too_short"),
    ({"users": (ADMIN, dataclasses.replace(LEADER, roles=frozenset()))}, "account.no_role"),
    ({"signing_passphrase": "ngắn"}, "bundle.passphrase_too_short"),
    ({"office_fingerprint": None}, "keys.fingerprint_required"),
    ({"office_fingerprint": "AAAA-BBBB"}, "keys.fingerprint_mismatch"),
    ({"commune_code": "24999"}, "setup.commune_not_listed"),
]


@pytest.mark.parametrize(("change", "code"), REFUSALS, ids=[code for _, code in REFUSALS])
def test_refusals_write_nothing(answers, data_dir, clock, change, code):
    with pytest.raises(InputError) as caught:
        set_up_commune(data_dir, dataclasses.replace(answers, **change), clock)
    assert caught.value.code == code
    assert not data_dir.root.exists()


def test_a_failure_after_writing_started_leaves_the_folder_ready_for_another_try(answers, data_dir, clock,
                                                                                 monkeypatch):
    def disk_full(self, passphrase, old_passphrase=None):
        raise StorageError("storage.io", path="keys", problem="No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(CommuneExchange, "generate_key", disk_full)
        with pytest.raises(StorageError):
            set_up_commune(data_dir, answers, clock)
    assert needs_setup(data_dir) and not (data_dir.root / STAGING).exists()
    assert not any(data_dir.keys.iterdir())
    set_up_commune(data_dir, answers, clock).close()
    assert not needs_setup(data_dir)


def test_a_database_made_before_set_up_is_kept_aside(answers, data_dir, clock):
    assert needs_setup(data_dir) and not data_dir.root.exists()  # asking creates nothing
    data_dir.ensure()
    open_database(data_dir.database).dispose()  # the app was opened once before set-up
    assert needs_setup(data_dir)
    set_up_commune(data_dir, answers, clock).close()
    assert [p.name for p in data_dir.backups.iterdir()] == ["cds-20230520-090000-before-setup.sqlite"]


def test_step_checks(answers):
    check_new_user(LEADER, [ADMIN])
    with pytest.raises(InputError) as caught:
        check_new_user(dataclasses.replace(LEADER, username="Quan_Tri"), [ADMIN])
    assert caught.value.code == "account.username_taken"
    check_passphrase(PASS_SIGNING, PASS_SIGNING)
    with pytest.raises(InputError) as caught:
        check_passphrase(PASS_SIGNING, PASS_SIGNING + "!")
    assert caught.value.code == "setup.passphrase_mismatch"
