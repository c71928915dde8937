"""A new password or signing passphrase must not be short, digits only, a pattern or a common password — refused by
the real services where one is chosen (accounts, set-up, key rotation, the office's keys); old ones keep working."""

from __future__ import annotations

import pytest

from cds_desktop.core.errors import InputError
from cds_desktop.core.i18n import translate
from cds_desktop.core.passwords import MIN_PASSWORD_LENGTH
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.passphrase_strength import (
    SecretKind,
    Weakness,
    check_new_secret,
    common_passwords,
    strength,
    weakness,
)
from cds_desktop.core.services.roles import Role
from cds_desktop.core.services.setup import check_passphrase

REFUSED = {
    "abc": Weakness.TOO_SHORT,
    "12345678": Weakness.DIGITS_ONLY,
    "0912 345 678": Weakness.DIGITS_ONLY,
    "12/05/1990": Weakness.DIGITS_ONLY,
    "aaaaaaaaaaaa": Weakness.REPETITIVE,
    "abcdefgh": Weakness.REPETITIVE,
    "abcabcabc": Weakness.REPETITIVE,
    "password": Weakness.COMMON,
    "PassWord 2025!": Weakness.COMMON,
    "  Sunshine  ": Weakness.COMMON,
    "Mật khẩu 123": Weakness.COMMON,
    "qwertyuiop": Weakness.COMMON,
}
ACCEPTED = ("Cau mat khau cua xa 2025", "Quan-tri 2025!", "mật khẩu đủ dài 2025", "Lan.2025x!")


@pytest.mark.parametrize("secret, expected", REFUSED.items())
def test_weak_secrets_are_refused_with_their_reason(secret, expected):
    assert weakness(secret) is expected
    for kind in SecretKind:
        with pytest.raises(InputError) as refused:
            check_new_secret(secret, kind)
        for language in ("vi", "en"):
            assert "{" not in refused.value.message(language) and refused.value.message(language) != refused.value.code
    assert strength(secret).score == 0
    assert translate(strength(secret).message_id, "vi") != translate(strength(secret).message_id, "en")


@pytest.mark.parametrize("secret", ACCEPTED)
def test_ordinary_phrases_pass(secret):
    assert weakness(secret) is None
    check_new_secret(secret, SecretKind.PASSPHRASE)
    assert strength(secret).score >= 2


def test_the_shipped_list_names_its_source_and_holds_the_most_common_words():
    from cds_desktop.core.resources import resources_dir

    header = (resources_dir() / "common-passwords.txt").read_text(encoding="utf-8").splitlines()[:4]
    assert any("SecLists" in line for line in header)
    assert {"password", "qwerty", "iloveyou", "matkhau"} <= common_passwords()


def test_too_short_keeps_its_codes_and_minimum():
    with pytest.raises(InputError) as short:
        check_new_secret("abc", SecretKind.PASSWORD)
    assert short.value.code == "account.password_too_short" and short.value.params["minimum"] == MIN_PASSWORD_LENGTH
    with pytest.raises(InputError) as short:
        check_new_secret("abc", SecretKind.PASSPHRASE)
    assert short.value.code == "bundle.passphrase_too_short"


def test_the_set_up_refuses_a_signing_passphrase_of_12345678():
    with pytest.raises(InputError) as refused:
        check_passphrase("12345678", "12345678")
    assert refused.value.code == "passphrase.digits_only"


def test_accounts_refuse_a_common_new_password_but_an_old_one_still_signs_in(service):
    accounts = Accounts(service)
    with pytest.raises(InputError) as refused:
        accounts.create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN}), "Password1"))
    assert refused.value.code == "password.common"
    accounts.create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN}), "Quan-tri 2025!"))
    accounts.sign_in("quan.tri", "Quan-tri 2025!")
    with pytest.raises(InputError) as refused:
        accounts.set_password("quan.tri", "iloveyou2024", "Quan-tri 2025!")
    assert refused.value.code == "password.common"
    # a password chosen before this rule (stored as its hash) keeps working
    from sqlmodel import select

    from cds_desktop.core.passwords import hash_password
    from cds_desktop.core.storage.models import UserAccount

    with accounts.repo.transaction() as session:
        row = session.exec(select(UserAccount)).one()
        row.password_hash = hash_password("12345678")
        session.add(row)
    assert accounts.sign_in("quan.tri", "12345678").username == "quan.tri"


def test_the_signing_key_rotation_refuses_a_weak_new_passphrase(service):
    exchange = CommuneExchange(service)
    with pytest.raises(InputError) as refused:
        exchange.generate_key("12345678")
    assert refused.value.code == "passphrase.digits_only"
    assert exchange.active_key() is None
