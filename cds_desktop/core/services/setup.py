"""First run of an installation, headless: the checks and the writes behind the set-up wizard.

A commune's: the wizard asks, step by step, for the language, the commune (province, code, name), the receiving
office's key file and its fingerprint confirmed by phone, the accounts (at least one admin and one leader —
possibly the same person) and the passphrase of the commune's signing key. Each step can be checked on its own
(``check_identity``, ``check_new_user``, ``check_passphrase``, ``preview_office_keys``); ``check_setup``
checks everything and ``set_up_commune`` writes it all, or nothing.

A receiving office's: the language, the office (level, province, code, name: ``check_office_identity``), the
communes it receives from (ticked in its province's official 2025 list, or a CSV file: ``check_office_communes``),
the accounts (at least one admin and one head) and the passphrase of the office's keys; ``check_office_setup``
checks everything and ``set_up_office`` writes it all, or nothing, the same way.

A receiving office may keep its data in a shared PostgreSQL database instead (``storage/server.py``):
``server_setup.inspect_server_office`` says what a database holds (empty, or which office);
``set_up_office(…, server=…)`` creates the office in an empty one (migrating it needs the database's owner role), and
``join_server_office`` makes a new data folder one more staff PC of the office a database already holds
(``office-server.json`` only).

Which folders may be set up is decided here from what is in them (``storage.peek.folder_kind``): only a new
one. ``require_folder_kind`` and ``require_folder_to_initialise`` are what ``cds`` asks before it uses or
initialises a folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cds_desktop.core.bundle.keyfiles import (
    OfficeLevel,
    org_keys_root_fingerprint,
    verify_org_keys,
)
from cds_desktop.core.bundle.keys import normalize_fingerprint
from cds_desktop.core.domain import UnitKind
from cds_desktop.core.errors import InputError, StateError, StorageError
from cds_desktop.core.i18n import LANGUAGES
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, installed_catalog
from cds_desktop.core.services.commune.received_plans import received_folder
from cds_desktop.core.provinces import province
from cds_desktop.core.services.accounts import Accounts, NewUser, username_key
from cds_desktop.core.services.accounts import check_new_user as check_account
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import Clock, CommuneService, check_unit
from cds_desktop.core.services.guard import Guarded
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.services.office.communes import official_choice, read_commune_list
from cds_desktop.core.services.office.keys import check_office_identity
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.passphrase_strength import SecretKind, check_new_secret
from cds_desktop.core.settings import SETTINGS, spec
from cds_desktop.core.services.roles import InstallationKind, Principal, Role
from cds_desktop.core.storage.database import backup_sqlite
from cds_desktop.core.storage.peek import SERVER_FILE, FolderKind, folder_kind, holds_data
from cds_desktop.core.services.server_setup import inspect_server_office, setting_up
from cds_desktop.core.storage.server import ServerSettings, write_server_settings
from cds_desktop.core.text import nfc

STAGING = "setup-in-progress"  # inside the data folder; everything is built here first
_TWO_DIGITS = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class CommuneChoice:
    code: str
    name: str
    province_code: str | None  # the office's province when it is a province office


@dataclass(frozen=True)
class OfficeKeysPreview:
    fingerprint: str
    office_code: str
    office_name: str
    communes: tuple[CommuneChoice, ...]


@dataclass(frozen=True)
class CommuneSetup:
    language: str
    province_code: str
    commune_code: str
    name: str
    office_keys: Path | None  # None: the office's key file is imported later
    office_fingerprint: str | None  # as confirmed by phone
    users: tuple[NewUser, ...]
    signing_passphrase: str
    report_settings: tuple[tuple[str, str], ...] = ()  # the official report's details (``report_*`` settings)


@dataclass(frozen=True)
class OfficeSetup:
    language: str
    level: str  # province | district
    province_code: str  # the office's province
    office_code: str  # a province office: its province's code; a district office: 3 digits
    name: str
    communes_province: str  # the province whose official list the communes were ticked in ("": a CSV file)
    commune_codes: tuple[str, ...]  # the ticked communes, in that province
    communes_file: Path | None  # a CSV file (``import_communes``'s format) instead of the official list
    users: tuple[NewUser, ...]
    passphrase: str  # of the office's root and encryption keys


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def preview_office_keys(path: Path, now: dt.datetime | None = None) -> OfficeKeysPreview:
    """What an org-keys file says, once its signature and expiry are checked; writes nothing.

    The signature is checked against the root key the file itself names: whether that root is really the
    office's is for the person to confirm, by comparing the fingerprint read out on the phone.
    """
    data = read_key_file(path)
    fingerprint = org_keys_root_fingerprint(data)
    body = verify_org_keys(data, pinned_root=fingerprint, now=now or _now()).body
    office = body.office
    province_code = office.code if office.level is OfficeLevel.PROVINCE and _TWO_DIGITS.match(office.code) else None
    return OfficeKeysPreview(fingerprint, office.code, office.name,
                             tuple(CommuneChoice(c.code, c.name, province_code) for c in body.communes))


# --- checks --------------------------------------------------------------------------------------

def check_identity(province_code: str, commune_code: str, name: str) -> None:
    """A valid commune code and name in one of the 34 provinces of 2025."""
    province_code, _, _ = check_unit(province_code, commune_code, name)
    province(province_code)


def check_new_user(new: NewUser, others: tuple[NewUser, ...] | list[NewUser] = (),
                   kind: InstallationKind = InstallationKind.COMMUNE) -> None:
    """A valid account of an installation of ``kind`` whose username differs (ignoring case) from the ``others``
    already entered."""
    new = check_account(new, kind)
    if any(username_key(other.username) == username_key(new.username) for other in others):
        raise InputError("account.username_taken", username=new.username)


_REQUIRED_ROLES = {
    InstallationKind.COMMUNE: ((Role.ADMIN, "setup.no_admin"), (Role.LEADER, "setup.no_leader")),
    InstallationKind.OFFICE: ((Role.ADMIN, "setup.no_admin"), (Role.HEAD, "setup.no_head")),
}


def check_accounts(users: Sequence[NewUser], kind: InstallationKind = InstallationKind.COMMUNE) -> None:
    """The first accounts: each valid and distinct, at least one administrator and one leader (a commune's) or
    head (an office's) — possibly the same person."""
    for index, new in enumerate(users):
        check_new_user(new, users[:index], kind)
    for role, code in _REQUIRED_ROLES[kind]:
        if not any(role in user.roles for user in users):
            raise InputError(code)


def check_passphrase(text: str, repeat: str) -> None:
    check_new_secret(text, SecretKind.PASSPHRASE)
    if nfc(text) != nfc(repeat or ""):
        raise InputError("setup.passphrase_mismatch")


def _check_office(setup: CommuneSetup, now: dt.datetime | None) -> None:
    if setup.office_keys is None:
        return
    preview = preview_office_keys(setup.office_keys, now)
    if not setup.office_fingerprint:
        raise InputError("keys.fingerprint_required")
    if normalize_fingerprint(setup.office_fingerprint) != normalize_fingerprint(preview.fingerprint):
        raise InputError("keys.fingerprint_mismatch", expected=preview.fingerprint)
    if preview.communes and setup.commune_code.strip() not in {c.code for c in preview.communes}:
        raise InputError("setup.commune_not_listed", commune=setup.commune_code.strip(), office=preview.office_name)


def check_setup(setup: CommuneSetup, now: dt.datetime | None = None) -> None:
    """Raise the first ``InputError`` of the whole set-up; writes nothing. ``now`` decides key-file expiry."""
    if setup.language not in LANGUAGES:
        raise InputError("setup.bad_language", chosen=setup.language)
    check_identity(setup.province_code, setup.commune_code, setup.name)
    check_accounts(setup.users)
    check_passphrase(setup.signing_passphrase, setup.signing_passphrase)
    check_report_settings(dict(setup.report_settings))
    _check_office(setup, now)


def check_report_settings(values: dict[str, str]) -> None:
    """The report's details asked by the wizard: report settings only, each one a value its setting takes."""
    for key, value in values.items():
        if not key.startswith("report_"):
            raise InputError("setting.unknown", key=key, known=", ".join(k for k in SETTINGS if k.startswith("report_")))
        spec(key).coerce(value)


def check_office_communes(setup: OfficeSetup) -> None:
    """The office's communes: a readable CSV file, or at least one commune of its province's official list."""
    if setup.communes_file is not None:
        read_commune_list(setup.communes_file)
    else:
        official_choice(setup.communes_province, setup.commune_codes)


def check_office_setup(setup: OfficeSetup) -> None:
    """Raise the first ``InputError`` of the whole office set-up; writes nothing."""
    if setup.language not in LANGUAGES:
        raise InputError("setup.bad_language", chosen=setup.language)
    check_office_identity(setup.office_code, setup.name, setup.level, setup.province_code)
    province(setup.province_code)  # one of the 34 provinces of 2025
    check_office_communes(setup)
    check_accounts(setup.users, InstallationKind.OFFICE)
    check_passphrase(setup.passphrase, setup.passphrase)


# --- doing it ------------------------------------------------------------------------------------

def needs_setup(data_dir: DataDir) -> bool:
    """True when the data folder is new (``FolderKind.NEW``): no identity, no data, nothing but CDS's own files.
    Asking writes nothing."""
    return folder_kind(data_dir.root) is FolderKind.NEW


_ALREADY_SET_UP = {FolderKind.COMMUNE: "setup.already_done", FolderKind.OFFICE: "setup.office_already_done"}
_REFUSED_KIND = {FolderKind.COMMUNE: "folder.commune", FolderKind.OFFICE: "folder.office",
                 FolderKind.NOT_CDS: "folder.not_cds", FolderKind.DAMAGED: "folder.damaged"}


def require_folder_kind(data_dir: DataDir, *allowed: FolderKind) -> FolderKind:
    """The kind of ``data_dir`` (``storage.peek.folder_kind``); ``StateError`` naming what it is when the kind is
    not ``allowed`` (a commune folder asked to be set up again: ``setup.already_done``)."""
    kind = folder_kind(data_dir.root)
    if kind not in allowed:
        code = "setup.already_done" if kind is FolderKind.COMMUNE and allowed == (FolderKind.NEW,) else _REFUSED_KIND[kind]
        raise StateError(code, folder=str(data_dir.root), kind=kind.value)
    return kind


def require_folder_to_initialise(data_dir: DataDir, kind: FolderKind) -> None:
    """For ``cds init commune|office`` (``kind``): a new folder, or one of that kind that holds no data yet (its
    identity may still be corrected); ``StateError`` otherwise, before anything is written."""
    found = folder_kind(data_dir.root)
    if found is FolderKind.NEW or (found is kind and not holds_data(data_dir.root)):
        return
    code = "folder.has_data" if found is kind else _REFUSED_KIND[found]
    raise StateError(code, folder=str(data_dir.root), kind=found.value)


def _unit_kind(name: str) -> UnitKind:
    folded = name.strip().casefold()
    if folded.startswith("phường"):
        return UnitKind.PHUONG
    if folded.startswith("đặc khu"):
        return UnitKind.DAC_KHU
    return UnitKind.XA


def _create_accounts(service: Guarded, users: Sequence[NewUser]) -> None:
    """The first accounts, administrators first (the first account must be one; it then adds the others)."""
    accounts = Accounts(service)
    admins_first = sorted(users, key=lambda u: Role.ADMIN not in u.roles)
    first = accounts.create(admins_first[0])
    service.principal = Principal(first.username, first.display_name, first.roles)  # to add the others
    for new in admins_first[1:]:
        accounts.create(new)
    accounts.sign_out()


def _checkpoint(service: CommuneService | OfficeService) -> None:
    if service.engine.dialect.name != "sqlite":
        return  # a shared office's server: nothing to fold into a file
    with service.engine.connect() as connection:  # fold the WAL into the file before it is moved
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _build(staging: DataDir, setup: CommuneSetup, clock: Clock | None) -> None:
    """Write the whole set-up into the ``staging`` folder (nobody signed in: there are no accounts yet)."""
    service = CommuneService(staging, PlanCatalog([]), clock)
    try:
        service.init_commune(setup.province_code, setup.commune_code, setup.name, _unit_kind(setup.name).value)
        service.set_setting("language", setup.language)
        for key, value in setup.report_settings:
            service.set_setting(key, value)
        exchange = CommuneExchange(service)
        if setup.office_keys is not None:
            exchange.import_office_keys(setup.office_keys, setup.office_fingerprint)
            service.import_plans_beside(setup.office_keys)  # the office's plan files sent with its key file
        exchange.generate_key(setup.signing_passphrase)
        _create_accounts(service, setup.users)
        _checkpoint(service)
    finally:
        service.close()


def _build_office(staging: DataDir, setup: OfficeSetup, clock: Clock | None, server: ServerSettings | None = None,
                  password: str | None = None) -> None:
    """Write the whole office set-up into the ``staging`` folder (or, with ``server``, into that database, the
    folder then naming it): identity and keys, communes, language, accounts."""
    if server is not None:
        write_server_settings(staging.root, server)
    office = OfficeService(staging, PlanCatalog([]), clock, password)
    try:
        office.init_office(setup.office_code, setup.name, setup.level, setup.passphrase, setup.province_code)
        if setup.communes_file is not None:
            office.import_communes(setup.communes_file)
        else:
            office.add_official_communes(setup.communes_province, setup.commune_codes)
        with office.repo.transaction() as session:  # the office has no settings screen of its own yet
            office.repo.save_setting(session, "language", setup.language)
        _create_accounts(office, setup.users)
        _checkpoint(office)
    finally:
        office.close()


def _move_into_place(data_dir: DataDir, kind: FolderKind, build: Callable[[DataDir], None],
                     clock: Clock | None, last: str | None = None) -> None:
    """Build a set-up in the staging folder, then move its key files and its database (or ``last``: the file naming
    a shared office's server) into ``data_dir``.

    All or nothing: only when ``build`` succeeded are the key files moved into ``keys/`` and then the database
    into place — that last rename is what makes ``needs_setup`` false. A failure on the way (disk full, a key
    file that cannot be written) removes the staging folder and leaves the data folder without an identity (at
    worst with unused key files in ``keys/``), so the wizard can simply run again. Only a new folder is set up
    (``require_folder_kind``; one already set up as ``kind`` says so). A database already there without an identity
    or data (the app was opened before set-up) is copied aside into ``backups/`` before it is replaced.
    """
    if folder_kind(data_dir.root) is kind:
        raise StateError(_ALREADY_SET_UP[kind], folder=str(data_dir.root), kind=kind.value)
    require_folder_kind(data_dir, FolderKind.NEW)
    data_dir = data_dir.ensure()
    staging = DataDir(data_dir.root / STAGING)
    shutil.rmtree(staging.root, ignore_errors=True)  # left over from an interrupted attempt
    try:
        build(staging.ensure())
        for key_file in staging.keys.iterdir():
            os.replace(key_file, data_dir.keys / key_file.name)
        received = received_folder(staging.plans)  # plans that came with the office's key file
        if received.is_dir():
            shutil.rmtree(received_folder(data_dir.plans), ignore_errors=True)
            os.replace(received, received_folder(data_dir.plans))
        _set_aside_database(data_dir, clock)
        if last is None:
            os.replace(staging.database, data_dir.database)
        else:
            os.replace(staging.root / last, data_dir.root / last)
    finally:
        shutil.rmtree(staging.root, ignore_errors=True)


def _set_aside_database(data_dir: DataDir, clock: Clock | None) -> None:
    """A database already in the new folder, without an identity or data (the app was opened before set-up): copied
    into ``backups/``, then removed with its side files."""
    if not data_dir.database.exists():
        return
    stamp = (clock or _now)().strftime("%Y%m%d-%H%M%S")
    backup_sqlite(data_dir.database, data_dir.backups / f"cds-{stamp}-before-setup.sqlite")
    for suffix in ("-wal", "-shm", ""):
        Path(f"{data_dir.database}{suffix}").unlink(missing_ok=True)


def set_up_commune(data_dir: DataDir, setup: CommuneSetup, clock: Clock | None = None) -> CommuneService:
    """Check everything (``check_setup``), then write the set-up, all or nothing (``_move_into_place``); returns
    the service, nobody signed in."""
    check_setup(setup, (clock or _now)())
    _move_into_place(data_dir, FolderKind.COMMUNE, lambda staging: _build(staging, setup, clock), clock)
    return CommuneService(data_dir, installed_catalog(data_dir), clock)


def set_up_office(data_dir: DataDir, setup: OfficeSetup, clock: Clock | None = None,
                  server: ServerSettings | None = None, password: str | None = None) -> OfficeService:
    """Check everything (``check_office_setup``), then write the office — identity with its province, root and
    encryption keys sealed with the passphrase, communes, language, accounts — all or nothing, like
    ``set_up_commune``; returns the office's service, nobody signed in.

    With ``server`` (``password``: typed, else PostgreSQL's password file decides) the office is created in that
    shared database, which must hold no office yet (``setup.server_has_office``) and which no other PC may be
    setting up at the same time (``setup.server_busy``: a session advisory lock); creating its tables needs the
    database's owner role (``server.needs_owner``). The data folder is pointed at it only once everything is
    written; a failure half-way empties the office's tables again, so that the set-up can simply run again
    (``server_setup.setting_up``)."""
    check_office_setup(setup)
    if server is None:
        _move_into_place(data_dir, FolderKind.OFFICE, lambda staging: _build_office(staging, setup, clock), clock)
        return OfficeService(data_dir, installed_catalog(data_dir), clock)
    require_folder_kind(data_dir, FolderKind.NEW)
    with setting_up(server, password):
        _move_into_place(data_dir, FolderKind.OFFICE,
                         lambda staging: _build_office(staging, setup, clock, server, password), clock, SERVER_FILE)
    return OfficeService(data_dir, installed_catalog(data_dir), clock, password)


def join_server_office(data_dir: DataDir, server: ServerSettings, password: str | None = None,
                       clock: Clock | None = None) -> OfficeService:
    """Make the new data folder ``data_dir`` one more staff PC of the office ``server``'s database holds: the folder
    gets ``office-server.json`` and nothing else; the people sign in with their accounts of that office. Refused
    when the database holds no office (``setup.server_no_office``) or needs its owner to upgrade it first."""
    require_folder_kind(data_dir, FolderKind.NEW)
    found = inspect_server_office(server, password)
    if found.empty:
        raise StateError("setup.server_no_office", database=server.describe())
    if found.needs_owner:
        raise StorageError("server.needs_owner", user=server.user, database=server.database)
    data_dir = data_dir.ensure()
    _set_aside_database(data_dir, clock)  # it would hide the server
    path = write_server_settings(data_dir.root, server)
    try:
        return OfficeService(data_dir, installed_catalog(data_dir), clock, password)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
