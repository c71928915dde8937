"""A first look into a data folder with ``sqlite3`` alone, before SQLAlchemy and the models are loaded.

``folder_kind`` decides what a data folder is, from what is in it, before anything is written there: the
set-up (``services/setup.py``), ``cds`` and the desktop app all ask it, and none of them sets up over a
folder that is not ``FolderKind.NEW``:

- ``commune``: the database has the commune's unit row (``unit`` id 1);
- ``office``: the database has the receiving office's identity (``office_identity`` id 1), or the folder names
  the PostgreSQL server of a shared office (``office-server.json``, ``storage/server.py``);
- ``new``: no folder yet, an empty one, or only what CDS itself puts there (its sub-folders, a database with
  neither identity and no data — e.g. left by a cancelled set-up);
- ``not_cds``: other files and no CDS database (a documents folder, another program's ``cds.sqlite``);
- ``damaged``: a database that cannot be read as SQLite, that holds both identities, or data without an
  identity — nothing may be set up over it; a backup restore or IT staff decide.

``peek`` reads what start-up shows at once: whether the folder is set up (its unit row), the unit's name for
the title, whether anyone must sign in (any account), who signed in last (the sign-in dialog offers that
username: remembered per data folder, in its database, never a password) and the language setting. It is a hint, read-only and
never authoritative: ``None`` when the file is missing or cannot be read this way (damaged, locked, a schema
without these tables); values of the wrong type read as absent; the service opened afterwards decides.
"""

from __future__ import annotations

import json
import sqlite3
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from cds_desktop.core.storage.sqlite_files import read_only_connection

DATABASE_NAME = "cds.sqlite"
SERVER_FILE = "office-server.json"  # storage/server.py's (not imported: start-up stays light)
_SQLITE_HEADER = b"SQLite format 3\x00"
# What CDS itself puts in a data folder (paths.DataDir, the set-up's staging folder, SQLite's side files).
_CDS_ENTRIES = frozenset({DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", f"{DATABASE_NAME}-journal",
                          "evidence", "backups", "logs", "quarantine", "keys", "plans", "setup-in-progress",
                          SERVER_FILE})
# What operating systems leave in any folder (compared case-folded).
_SYSTEM_ENTRIES = frozenset({"desktop.ini", "thumbs.db", ".ds_store", ".directory", "lost+found", "$recycle.bin",
                             "system volume information"})
# Tables whose rows are a commune's or an office's work: a database with any of them but no identity is damaged.
_DATA_TABLES = ("period_record", "indicator_value", "task_progress", "evidence_link", "history", "export_record",
                "receipt_record", "submission", "enrolled_key", "receipt_issued")


class FolderKind(StrEnum):
    NEW = "new"
    COMMUNE = "commune"
    OFFICE = "office"
    NOT_CDS = "not_cds"
    DAMAGED = "damaged"


def folder_kind(root: Path) -> FolderKind:
    """What the data folder ``root`` is (see the module's docstring); reads only, never raises."""
    try:
        if not root.exists():
            return FolderKind.NEW
        if not root.is_dir():
            return FolderKind.NOT_CDS
        others = any(entry.name not in _CDS_ENTRIES and entry.name.casefold() not in _SYSTEM_ENTRIES
                     for entry in root.iterdir())
        database = root / DATABASE_NAME
        if not database.exists() and not database.is_symlink():
            if (root / SERVER_FILE).is_file():  # a staff PC of a shared office: its data is on the server
                return FolderKind.OFFICE
            return FolderKind.NOT_CDS if others else FolderKind.NEW
        kind = _database_kind(database)
    except OSError:  # no permission to list or read it: nothing can be decided, nothing may be written
        return FolderKind.DAMAGED
    if kind is None:  # a database with neither identity nor data
        return FolderKind.NOT_CDS if others else FolderKind.NEW
    return kind


def _database_kind(database: Path) -> FolderKind | None:
    """COMMUNE, OFFICE, DAMAGED, NOT_CDS (another program's SQLite file) or None (no identity, no data)."""
    if not database.is_file():
        return FolderKind.DAMAGED
    with open(database, "rb") as file:
        header = file.read(len(_SQLITE_HEADER))
    if not header:
        return None  # an empty file: what SQLite makes of a new database
    if header != _SQLITE_HEADER:
        return FolderKind.DAMAGED
    try:
        connection = read_only_connection(database)
    except sqlite3.Error:
        return FolderKind.DAMAGED
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            return FolderKind.NOT_CDS
        commune = "unit" in tables and _has_row(connection, "SELECT 1 FROM unit WHERE id = 1")
        office = "office_identity" in tables and _has_row(connection, "SELECT 1 FROM office_identity WHERE id = 1")
        if commune and office:
            return FolderKind.DAMAGED
        if commune or office:
            return FolderKind.COMMUNE if commune else FolderKind.OFFICE
        if any(_has_row(connection, f"SELECT 1 FROM {table} LIMIT 1") for table in _DATA_TABLES if table in tables):
            return FolderKind.DAMAGED
        return None
    except sqlite3.Error:  # "file is not a database", "database disk image is malformed" …
        return FolderKind.DAMAGED
    finally:
        connection.close()


def holds_data(root: Path) -> bool:
    """Whether the folder's database has any of a commune's or an office's work (periods, values, history,
    exports, receipts, submissions, enrolled keys); True when that cannot be read (never write over unknown)."""
    database = root / DATABASE_NAME
    if not database.is_file() or database.stat().st_size == 0:
        return False
    try:
        connection = read_only_connection(database)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return any(_has_row(connection, f"SELECT 1 FROM {table} LIMIT 1") for table in _DATA_TABLES if table in tables)
        finally:
            connection.close()
    except sqlite3.Error:
        return True


def _has_row(connection: sqlite3.Connection, query: str) -> bool:
    return connection.execute(query).fetchone() is not None


class Peek(NamedTuple):
    unit_name: str | None  # None: the folder is not set up
    commune_code: str | None
    has_accounts: bool
    language: str | None  # the stored setting; None when never changed (or not one of the languages)
    last_username: str | None = None  # the active account that signed in last (None: nobody yet)


LAST_USERNAME_QUERY = ("SELECT username FROM user_account WHERE active AND last_sign_in IS NOT NULL "
                       "ORDER BY last_sign_in DESC LIMIT 1")


def peek(database: Path) -> Peek | None:
    if not database.is_file() or database.stat().st_size == 0:
        return None
    try:
        connection = read_only_connection(database)
    except sqlite3.Error:
        return None
    try:
        unit = connection.execute("SELECT name, commune_code FROM unit WHERE id = 1").fetchone()
        accounts = connection.execute("SELECT 1 FROM user_account LIMIT 1").fetchone()
        language = connection.execute("SELECT value_json FROM setting WHERE key = 'language'").fetchone()
        last = connection.execute(LAST_USERNAME_QUERY).fetchone()
        return Peek(_text(unit[0]) if unit else None, _text(unit[1]) if unit else None, accounts is not None,
                    _language(language[0]) if language else None, _text(last[0]) if last else None)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _language(value_json: object) -> str | None:
    from cds_desktop.core.i18n import LANGUAGES

    if not isinstance(value_json, str) or len(value_json) > 16:  # '"vi"': anything longer is not a language
        return None
    try:
        value = json.loads(value_json)
    except ValueError:
        return None
    return value if value in LANGUAGES else None
