"""User accounts of an installation (a commune's or an office's): create, list, change roles and passwords, sign in
and out.

- Usernames are NFC, trimmed, 3–32 letters, digits or ``._-``; unique regardless of case (a casefolded key).
- Passwords are stored as scrypt hashes (``core/passwords.py``), chosen long enough and not a common one
  (``passphrase_strength.py``; passwords chosen before keep working).
- Roles are those of the installation's kind (``roles.ROLES_OF``: officer/leader/admin for a commune,
  clerk/head/admin for an office).
- ``sign_in`` sets ``service.principal``; every mutating service call then checks the principal's roles
  (``Guarded.authorize``, ``services/guard.py``). An unknown username and a wrong password give the same error. After
  ``MAX_FAILED_ATTEMPTS`` wrong passwords in a row the account refuses sign-in for ``LOCK_SECONDS`` (counters
  live in the account's row; time is the service's clock).
- Single-operator mode: an installation without accounts (set up headless with ``cds init``) allows
  everything. The first account created must be an admin, so that someone can always manage the others;
  from then on managing accounts needs ``Permission.MANAGE``, and the last active admin can never lose the
  role or be disabled.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable

from sqlmodel import Session, func, select

from cds_desktop.core.errors import InputError, PermissionDeniedError, StateError
from cds_desktop.core.passwords import hash_password, verify_password
from cds_desktop.core.services.guard import Guarded
from cds_desktop.core.services.passphrase_strength import SecretKind, check_new_secret
from cds_desktop.core.services.roles import (
    ROLES_OF,
    InstallationKind,
    Permission,
    Principal,
    Role,
)
from cds_desktop.core.storage.models import UserAccount
from cds_desktop.core.text import clean, nfc

MAX_FAILED_ATTEMPTS = 5
LOCK_SECONDS = 30
MAX_DISPLAY_NAME = 100
_USERNAME = re.compile(r"^[\w.\-]{3,32}$")


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    roles: frozenset[Role]
    password: str


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    roles: frozenset[Role]
    active: bool
    created_at: dt.datetime
    last_sign_in: dt.datetime | None


# --- checks (also used step by step by the set-up wizard, services/setup.py) ----------------------

def username_key(username: str) -> str:
    """The key that makes usernames unique regardless of case."""
    return nfc(nfc(username).strip().casefold())


def check_username(username: str) -> str:
    name = nfc(username or "").strip()
    if not _USERNAME.match(name):
        raise InputError("account.bad_username", username=name)
    return name


def check_roles(roles: Iterable[Role | str], kind: InstallationKind = InstallationKind.COMMUNE) -> frozenset[Role]:
    """The roles, each one an installation of ``kind`` has (``ROLES_OF``); at least one."""
    allowed = ROLES_OF[kind]
    checked = set()
    for role in roles:
        if role not in {r.value for r in allowed}:
            raise InputError("account.bad_role", value=str(role), allowed=", ".join(allowed))
        checked.add(Role(role))
    if not checked:
        raise InputError("account.no_role")
    return frozenset(checked)


def check_password(password: str) -> None:
    """A new password: long enough, not a common one (``passphrase_strength.check_new_secret``)."""
    check_new_secret(password, SecretKind.PASSWORD)


def check_new_user(new: NewUser, kind: InstallationKind = InstallationKind.COMMUNE) -> NewUser:
    """``new`` with its username and display name cleaned; ``InputError`` for the first problem."""
    username = check_username(new.username)
    display_name = clean(new.display_name) or username
    if len(display_name) > MAX_DISPLAY_NAME:
        raise InputError("account.display_name_too_long", maximum=MAX_DISPLAY_NAME)
    roles = check_roles(new.roles, kind)
    check_password(new.password)
    return NewUser(username, display_name, roles, new.password)


def _roles_text(roles: frozenset[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _roles(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def _view(row: UserAccount) -> UserView:
    return UserView(row.username, row.display_name, _roles(row.roles), row.active, row.created_at, row.last_sign_in)


@cache
def _decoy_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as a wrong password."""
    return hash_password("no such account")


class Accounts:
    def __init__(self, service: Guarded) -> None:
        self.service = service
        self.repo = service.repo

    @property
    def kind(self) -> InstallationKind:
        """A commune's or an office's installation: which roles its accounts may hold."""
        return self.service.kind

    # --- reading -----------------------------------------------------------------------------
    def exist(self) -> bool:
        return self.service.has_accounts()

    def last_username(self) -> str:
        """The active account that signed in last ("" when nobody has yet): the sign-in dialog offers it."""
        with self.repo.reading() as session:
            found = session.exec(select(UserAccount.username).where(UserAccount.active)
                                 .where(UserAccount.last_sign_in.is_not(None))
                                 .order_by(UserAccount.last_sign_in.desc())).first()
        return found or ""

    def users(self) -> list[UserView]:
        with self.repo.reading() as session:
            rows = session.exec(select(UserAccount).order_by(UserAccount.username_key)).all()
        return [_view(row) for row in rows]

    def _row(self, session: Session, username: str) -> UserAccount:
        row = session.exec(select(UserAccount).where(UserAccount.username_key == username_key(username))).first()
        if row is None:
            raise InputError("account.unknown", username=nfc(username).strip())
        return row

    # --- managing ----------------------------------------------------------------------------
    def create(self, new: NewUser) -> UserView:
        """Add an account (admin); the very first account of an installation must be an admin."""
        first = not self.exist()
        if not first:
            self.service.authorize(Permission.MANAGE)
        new = check_new_user(new, self.kind)
        if first and Role.ADMIN not in new.roles:
            raise InputError("account.first_must_be_admin")
        encoded = hash_password(new.password)
        with self.repo.transaction() as session:
            key = username_key(new.username)
            if session.exec(select(UserAccount.id).where(UserAccount.username_key == key)).first() is not None:
                raise InputError("account.username_taken", username=new.username)
            row = UserAccount(username=new.username, username_key=key, display_name=new.display_name,
                              roles=_roles_text(new.roles), password_hash=encoded, created_at=self.service.clock())
            session.add(row)
        return _view(row)

    def set_password(self, username: str, new_password: str, current_password: str | None = None) -> None:
        """An admin sets anyone's password; others change only their own, giving the current one."""
        principal = self.service.principal
        own = principal is not None and username_key(principal.username) == username_key(username)
        needs_current = own and not principal.can(Permission.MANAGE)
        if not own:
            self.service.authorize(Permission.MANAGE)
        check_password(new_password)
        encoded = hash_password(new_password)
        with self.repo.transaction() as session:
            row = self._row(session, username)
            if needs_current and not verify_password(current_password or "", row.password_hash):
                raise PermissionDeniedError("account.wrong_current_password")
            row.password_hash, row.failed_attempts, row.locked_until = encoded, 0, None
            session.add(row)

    def set_roles(self, username: str, roles: Iterable[Role | str]) -> UserView:
        self.service.authorize(Permission.MANAGE)
        checked = check_roles(roles, self.kind)
        with self.repo.transaction() as session:
            row = self._row(session, username)
            if Role.ADMIN not in checked:
                self._keep_an_admin(session, row)
            row.roles = _roles_text(checked)
            session.add(row)
        principal = self.service.principal
        if principal is not None and username_key(principal.username) == row.username_key:
            self.service.principal = Principal(principal.username, principal.display_name, checked)
        return _view(row)

    def set_active(self, username: str, active: bool) -> UserView:
        """Enable or disable an account (admin); a disabled account cannot sign in, its history stays."""
        self.service.authorize(Permission.MANAGE)
        with self.repo.transaction() as session:
            row = self._row(session, username)
            if not active:
                self._keep_an_admin(session, row)
            row.active = active
            session.add(row)
        principal = self.service.principal
        if not active and principal is not None and username_key(principal.username) == row.username_key:
            self.sign_out()
        return _view(row)

    @staticmethod
    def _keep_an_admin(session: Session, row: UserAccount) -> None:
        """Refuse when ``row`` is the last active admin (about to lose the role or be disabled)."""
        if not (row.active and Role.ADMIN in _roles(row.roles)):
            return
        admins = session.exec(select(func.count()).select_from(UserAccount).where(
            UserAccount.active == True, UserAccount.roles.contains(Role.ADMIN.value))).one()  # noqa: E712
        if admins <= 1:
            raise StateError("account.last_admin", username=row.username)

    # --- signing in --------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> Principal:
        """Check the password and make the account the service's principal (on failure: nobody).

        The password is checked (scrypt, ~0.1 s) before the write lock is taken; the counters are then updated
        in one short transaction on the row as it is by then."""
        now = self.service.clock()
        key = username_key(username)
        with self.repo.reading() as session:
            found = session.exec(select(UserAccount).where(UserAccount.username_key == key)).first()
        if found is None:
            verify_password(password, _decoy_hash())
            self.sign_out()
            raise PermissionDeniedError("auth.bad_credentials")
        password_ok = verify_password(password, found.password_hash)
        refused: PermissionDeniedError | None = None
        with self.repo.transaction() as session:  # committed also when refused: the counters must stay
            row = session.get(UserAccount, found.id)
            if row is None or row.password_hash != found.password_hash:  # removed or changed meanwhile
                refused = PermissionDeniedError("auth.bad_credentials")
            elif row.locked_until is not None and row.locked_until > now:
                refused = PermissionDeniedError("auth.locked",
                                                seconds=math.ceil((row.locked_until - now).total_seconds()))
            elif not password_ok:
                row.failed_attempts += 1
                if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
                    row.failed_attempts, row.locked_until = 0, now + dt.timedelta(seconds=LOCK_SECONDS)
                refused = PermissionDeniedError("auth.bad_credentials")
            elif not row.active:
                refused = PermissionDeniedError("auth.account_disabled", username=row.username)
            else:
                row.failed_attempts, row.locked_until, row.last_sign_in = 0, None, now
            if row is not None:
                session.add(row)
        if refused is not None:
            self.sign_out()  # a failed attempt leaves nobody signed in, not the previous person
            raise refused
        self.service.principal = Principal(row.username, row.display_name, _roles(row.roles))
        return self.service.principal

    def sign_out(self) -> None:
        self.service.principal = None
