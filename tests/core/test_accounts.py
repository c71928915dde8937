"""Accounts and roles through the services: passwords, sign-in, lockout, roles enforced by every change."""

from __future__ import annotations

import unicodedata

import pytest

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.errors import InputError, PermissionDeniedError, StateError
from cds_desktop.core.passwords import hash_password, verify_password
from cds_desktop.core.services.accounts import LOCK_SECONDS, MAX_FAILED_ATTEMPTS, Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.roles import Permission, Principal, Role, permission_label, role_label

P, Q1 = "mini-plan", "2023Q1"
PASSWORDS = {"quan_tri": "quản trị 2025!", "chu_tich": "Chủ tịch xã 2025", "lan": "cán bộ Lan 123"}


def fill(service, actor: str = "someone") -> None:
    """Enter a complete, error-free period of the mini plan."""
    for code in ("1a", "1b", "1c", "2d"):
        service.set_indicator(P, Q1, code, {"numerator": "60", "denominator": "100"}, actor)
    service.set_indicator(P, Q1, "2a", {"value": "3"}, actor)
    service.set_indicator(P, Q1, "2b", {"value": "1"}, actor)
    service.set_indicator(P, Q1, "2c", {"value": "Mô hình chợ 4.0"}, actor)


@pytest.fixture
def accounts(service):
    accounts = Accounts(service)
    accounts.create(NewUser("quan_tri", "Trần Văn Quản", frozenset({Role.ADMIN}), PASSWORDS["quan_tri"]))
    accounts.sign_in("quan_tri", PASSWORDS["quan_tri"])
    accounts.create(NewUser("chu_tich", "Nguyễn Văn Chủ", frozenset({Role.LEADER}), PASSWORDS["chu_tich"]))
    accounts.create(NewUser("lan", "Lê Thị Lan", frozenset({Role.OFFICER}), PASSWORDS["lan"]))
    accounts.sign_out()
    return accounts


def refused(call, *args, **kwargs) -> PermissionDeniedError:
    with pytest.raises(PermissionDeniedError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- passwords -----------------------------------------------------------------------------------

def test_password_hash_is_self_describing_salted_and_checked():
    encoded = hash_password("mật khẩu của xã")
    name, log_n, r, p, salt, digest = encoded.split("$")
    assert (name, log_n, r, p) == ("scrypt", "15", "8", "1") and salt and digest
    assert encoded != hash_password("mật khẩu của xã")  # a fresh salt each time
    assert verify_password("mật khẩu của xã", encoded)
    assert verify_password(unicodedata.normalize("NFD", "mật khẩu của xã"), encoded)  # another input method
    assert not verify_password("mật khẩu của xa", encoded)
    for broken in ("", "scrypt$15$8$1$abc", "bcrypt$15$8$1$AAAA$AAAA", "scrypt$40$8$1$AAAA$AAAA"):
        assert not verify_password("x", broken)


# --- roles ---------------------------------------------------------------------------------------

def test_role_table_matches_the_contract():
    def who(permission):
        return {role for role in Role if Principal("x", "x", frozenset({role})).can(permission)}

    assert who(Permission.ENTER_DATA) == who(Permission.SUBMIT) == {Role.OFFICER, Role.LEADER}
    assert who(Permission.APPROVE) == {Role.LEADER}
    assert who(Permission.MANAGE) == {Role.ADMIN}
    assert who(Permission.SIGNING_KEY) == {Role.LEADER, Role.ADMIN}
    assert Principal("x", "x", frozenset({Role.OFFICER, Role.ADMIN})).can(Permission.MANAGE)
    assert who(Permission.IMPORT) == {Role.CLERK}
    assert who(Permission.DECIDE) == {Role.HEAD}
    assert who(Permission.EXPORT_DATA) == {Role.CLERK, Role.HEAD}


def test_the_password_is_checked_before_the_write_lock_is_taken(accounts, service, monkeypatch):
    """Signing in hashes for ~0.1 s: another writer (another PC, another process) must not wait for it."""
    import sqlite3

    from cds_desktop.core.services import accounts as accounts_module

    written = []

    def verify_while_another_process_writes(password, encoded):
        other = sqlite3.connect(service.data_dir.database, timeout=0)  # no waiting: locked means failure
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE setting SET key = key")
            other.execute("COMMIT")
            written.append(True)
        finally:
            other.close()
        return verify_password(password, encoded)

    monkeypatch.setattr(accounts_module, "verify_password", verify_while_another_process_writes)
    assert accounts.sign_in("lan", PASSWORDS["lan"]).username == "lan"
    assert written == [True]


def test_roles_and_permissions_have_names_in_both_languages():
    assert role_label(Role.LEADER, "vi") == "Lãnh đạo" and role_label(Role.LEADER, "en") == "Leader"
    for permission in Permission:
        assert permission_label(permission, "vi") != permission_label(permission, "en")


# --- single-operator mode ------------------------------------------------------------------------

def test_without_accounts_everything_is_allowed_and_history_keeps_the_given_name(service):
    assert not Accounts(service).exist()
    fill(service, "minh")
    service.submit(P, Q1, "minh")
    service.approve(P, Q1, "minh")
    service.set_setting("report_place", "Nhân Cơ")
    assert {h.actor for h in service.history(P, Q1)} == {"minh"}
    assert service.period(P, Q1).state is PeriodState.APPROVED


def test_the_first_account_must_be_an_admin(service):
    accounts = Accounts(service)
    with pytest.raises(InputError) as caught:
        accounts.create(NewUser("lan", "Lan", frozenset({Role.OFFICER}), PASSWORDS["lan"]))
    assert caught.value.code == "account.first_must_be_admin" and not accounts.exist()


# --- enforcement ---------------------------------------------------------------------------------

def test_once_accounts_exist_changes_need_someone_signed_in_but_reading_does_not(accounts, service):
    error = refused(service.set_indicator, P, Q1, "1a", {"numerator": "5"}, "minh")
    assert error.code == "auth.sign_in_required"
    assert service.entries(P, Q1).indicators == {} and service.history(P, Q1) == []
    assert service.period(P, Q1).state is PeriodState.DRAFT  # reading is fine
    assert refused(service.set_setting, "report_place", "x").code == "auth.sign_in_required"


def test_officer_enters_and_submits_but_cannot_approve_even_calling_the_service(accounts, service):
    accounts.sign_in("lan", PASSWORDS["lan"])
    fill(service, "minh")
    service.submit(P, Q1, "minh")
    error = refused(service.approve, P, Q1, "lan")
    assert error.code == "auth.not_allowed"
    assert error.message() == "Tài khoản của bạn không có quyền phê duyệt, ký và gửi báo cáo."
    assert refused(CommuneExchange(service).approve, P, Q1, "any passphrase", "lan").code == "auth.not_allowed"
    assert refused(service.send_back, P, Q1, "lan", "Sai số liệu").code == "auth.not_allowed"
    assert refused(service.set_setting, "report_place", "x").code == "auth.not_allowed"
    assert refused(CommuneExchange(service).generate_key, "khóa của xã 2025").code == "auth.not_allowed"
    assert refused(accounts.create, NewUser("minh", "Minh", frozenset({Role.ADMIN}), "mật khẩu dài")).code == (
        "auth.not_allowed")
    assert service.period(P, Q1).state is PeriodState.SUBMITTED
    assert {h.actor for h in service.history(P, Q1)} == {"lan"}  # the signed-in name, not what was passed


def test_leader_approves_and_is_recorded_as_approver(accounts, service):
    accounts.sign_in("lan", PASSWORDS["lan"])
    fill(service)
    service.submit(P, Q1, "lan")
    accounts.sign_in("chu_tich", PASSWORDS["chu_tich"])
    service.approve(P, Q1, "whoever")
    assert service.period(P, Q1).state is PeriodState.APPROVED
    approval = [h for h in service.history(P, Q1) if h.field == "approved_by"]
    assert [(h.actor, h.new_value) for h in approval] == [("chu_tich", "chu_tich")]
    fingerprint = CommuneExchange(service).generate_key("khóa ký của xã 2025")
    assert fingerprint == CommuneExchange(service).export_enrollment(service.data_dir.root / "enrollment.json")


def test_admin_manages_but_does_not_enter_data(accounts, service):
    accounts.sign_in("quan_tri", PASSWORDS["quan_tri"])
    service.set_setting("report_place", "Nhân Cơ")
    assert refused(service.set_indicator, P, Q1, "1a", {"numerator": "5"}, "x").code == "auth.not_allowed"
    view = accounts.set_roles("lan", [Role.OFFICER, Role.LEADER])
    assert view.roles == {Role.OFFICER, Role.LEADER}
    accounts.set_active("chu_tich", False)
    users = {u.username: u for u in accounts.users()}
    assert [u.username for u in accounts.users()] == ["chu_tich", "lan", "quan_tri"]
    assert not users["chu_tich"].active and users["lan"].display_name == "Lê Thị Lan"
    assert users["quan_tri"].last_sign_in == service.clock() and users["lan"].last_sign_in is None


def test_the_last_active_admin_can_never_be_disabled_or_lose_the_role(accounts):
    accounts.sign_in("quan_tri", PASSWORDS["quan_tri"])
    for call, args in ((accounts.set_active, ("quan_tri", False)), (accounts.set_roles, ("quan_tri", [Role.LEADER]))):
        with pytest.raises(StateError) as caught:
            call(*args)
        assert caught.value.code == "account.last_admin"
    accounts.set_roles("chu_tich", [Role.LEADER, Role.ADMIN])  # a second admin makes it possible
    accounts.set_roles("quan_tri", [Role.OFFICER])
    assert accounts.service.principal.roles == {Role.OFFICER}  # the signed-in principal follows its roles
    assert refused(accounts.set_active, "lan", False).code == "auth.not_allowed"


# --- signing in ----------------------------------------------------------------------------------

def test_unknown_user_and_wrong_password_give_the_same_error(accounts, service):
    unknown = refused(accounts.sign_in, "khong_co", "mật khẩu gì đó")
    wrong = refused(accounts.sign_in, "lan", "mật khẩu sai rồi")
    assert unknown.code == wrong.code == "auth.bad_credentials"
    assert unknown.message("vi") == wrong.message("vi") and unknown.params == wrong.params == {}
    assert service.principal is None


def test_usernames_are_case_insensitive_unique_and_checked(accounts, service):
    accounts.sign_in("LAN", PASSWORDS["lan"])
    assert service.principal.username == "lan"
    accounts.sign_in("Quan_Tri", PASSWORDS["quan_tri"])
    for name, code in (("Lan", "account.username_taken"), ("ab", "account.bad_username"),
                       ("có dấu cách", "account.bad_username"), ("x" * 33, "account.bad_username")):
        with pytest.raises(InputError) as caught:
            accounts.create(NewUser(name, "", frozenset({Role.OFFICER}), "mật khẩu dài"))
        assert caught.value.code == code
    with pytest.raises(InputError) as caught:
        accounts.create(NewUser("minh", "Minh", frozenset({Role.OFFICER}), "ngắn"))
    assert caught.value.code == "account.password_too_short"
    created = accounts.create(NewUser(unicodedata.normalize("NFD", " Hoàng.An "), "", frozenset({Role.OFFICER}),
                                      "mật khẩu dài"))
    assert created.username == "Hoàng.An" and created.display_name == "Hoàng.An"


def test_repeated_wrong_passwords_lock_the_account_for_a_while(accounts, service, clock):
    for _ in range(MAX_FAILED_ATTEMPTS):
        assert refused(accounts.sign_in, "lan", "mật khẩu sai rồi").code == "auth.bad_credentials"
    locked = refused(accounts.sign_in, "lan", PASSWORDS["lan"])  # even the right password waits
    assert locked.code == "auth.locked" and locked.params == {"seconds": LOCK_SECONDS}
    clock.advance(seconds=LOCK_SECONDS - 10)
    assert refused(accounts.sign_in, "lan", PASSWORDS["lan"]).params == {"seconds": 10}
    clock.advance(seconds=10)
    assert accounts.sign_in("lan", PASSWORDS["lan"]).username == "lan"


def test_a_disabled_account_cannot_sign_in(accounts):
    accounts.sign_in("quan_tri", PASSWORDS["quan_tri"])
    accounts.set_active("lan", False)
    error = refused(accounts.sign_in, "lan", PASSWORDS["lan"])
    assert error.code == "auth.account_disabled" and accounts.service.principal is None
    assert refused(accounts.sign_in, "lan", "mật khẩu sai rồi").code == "auth.bad_credentials"


def test_passwords_are_changed_by_their_owner_or_reset_by_an_admin(accounts):
    accounts.sign_in("lan", PASSWORDS["lan"])
    assert refused(accounts.set_password, "lan", "mật khẩu mới 1", "sai").code == "account.wrong_current_password"
    accounts.set_password("lan", "mật khẩu mới 1", PASSWORDS["lan"])
    assert refused(accounts.set_password, "chu_tich", "mật khẩu mới 2").code == "auth.not_allowed"
    accounts.sign_in("quan_tri", PASSWORDS["quan_tri"])
    accounts.set_password("lan", "mật khẩu mới 3")
    assert accounts.sign_in("lan", "mật khẩu mới 3").username == "lan"
    assert refused(accounts.sign_in, "lan", "mật khẩu mới 1").code == "auth.bad_credentials"
