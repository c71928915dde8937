"""Moving an office to a PostgreSQL server, restoring a backup there, pointing a staff PC at it, upgrading it.

- ``move_office_to_server``: an office kept on this PC (``cds.sqlite``, ``keys/``, ``evidence/``) goes into an EMPTY
  server database: a snapshot of the SQLite file is taken (SQLite's online backup), the server database is migrated
  to the snapshot's schema revision as its owner, the tables are copied (``storage.table_copy``) and verified by
  row counts and content hashes, the database migrated to the newest schema, the key and evidence files put in it
  (``storage.folder_files``) and verified — all BEFORE the switch, which writes ``office-server.json`` into the data
  folder. The SQLite file is neither changed nor deleted: to go back to working on this PC, delete
  ``office-server.json`` from the data folder (what was done on the server meanwhile stays there only).
- ``restore_backup_to_server``: an office's backup folder (of a shared office or of one on a single PC) restored
  into an EMPTY server database the same way (verified files, migrate, copy, verify, files, verify).
- ``connect_folder_to_server``: a staff PC's data folder (new, empty or already pointing at a server) made to
  point at an existing shared office.
- ``upgrade_server``: the owner migrates the shared office's database and grants the staff role its tables.

A failure or ``Cancelled`` before the switch leaves the data folder as it was, and the server database empty again
(its tables dropped); when even that fails, ``server_move.left_filled`` says the database must be emptied by hand.
Passwords are only passed in memory (``password``: None lets PostgreSQL's password file decide).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine, MetaData, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from cds_desktop.core.errors import CdsError, InputError, SchemaTooNewError, StateError, StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled
from cds_desktop.core.services.backup_files import check_database, check_schema, read_manifest, verify_files
from cds_desktop.core.services.roles import InstallationKind
from cds_desktop.core.storage.data_folder import DATABASE
from cds_desktop.core.storage.database import backup_sqlite, known_revisions, migrate
from cds_desktop.core.storage.folder_files import AdoptedFiles, adopt_folder_files, verify_folder_files
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from cds_desktop.core.storage.server import (
    ServerCheck,
    ServerSettings,
    check_server,
    grant_staff_access,
    open_server_database,
    read_server_settings,
    server_engine,
    server_error,
    write_server_settings,
)
from cds_desktop.core.storage.table_copy import copy_tables, verify_copy

STEPS = 1000  # progress is reported as (done, STEPS): copying the tables, then the files


@dataclasses.dataclass(frozen=True)
class FilledDatabase:
    """What went into the server database: rows per table (as copied, before the upgrade) and the files."""

    rows: dict[str, int]
    files: AdoptedFiles


def _scaled(progress: ProgressCallback | None, start: int, end: int) -> ProgressCallback | None:
    if progress is None:
        return None
    return lambda done, total: progress(start + (end - start) * done // max(total, 1), STEPS)


def _snapshot_engine(path: Path) -> Engine:
    """A plain engine on a snapshot file (this process's own copy: no WAL, no locking needed)."""
    return create_engine(f"sqlite:///{path}")


def _require_empty(engine: Engine, settings: ServerSettings) -> None:
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    except DBAPIError as exc:
        raise server_error(exc, engine.url) or exc from exc
    if tables:
        raise StateError("server_move.database_not_empty", database=settings.describe(), tables=len(tables))


def _empty_again(engine: Engine, settings: ServerSettings, cause: BaseException) -> None:
    """Drop every table of the (formerly empty) database; when that fails, say it must be done by hand."""
    try:
        with engine.begin() as connection:
            metadata = MetaData()
            metadata.reflect(bind=connection)
            metadata.drop_all(bind=connection)
    except Exception as exc:  # the server went away, or the cause itself was a lost connection
        problem = cause.message() if isinstance(cause, CdsError) else type(cause).__name__
        raise StorageError("server_move.left_filled", database=settings.describe(), problem=problem) from exc


def _fill(settings: ServerSettings, password: str | None, snapshot: Path, files_root: Path, staff_role: str | None,
          progress: ProgressCallback | None, cancel: CancelToken | None,
          switch: Callable[[], None] | None = None) -> FilledDatabase:
    """Fill the EMPTY database of ``settings`` (its owner) from the SQLite file ``snapshot`` and the key and evidence
    files under ``files_root``; verified; then ``switch()``. Emptied again when anything fails before the end."""
    revision = check_schema(snapshot)
    if revision is None:
        raise StorageError("backup.not_a_database", path=str(snapshot))
    found = check_server(settings, password)
    if not found.may_migrate:
        raise StorageError("server.needs_owner", user=settings.user, database=settings.database)
    engine = server_engine(settings, password)
    source = _snapshot_engine(snapshot)
    try:
        _require_empty(engine, settings)
        try:
            migrate(engine, revision)
            with source.connect() as src, engine.begin() as dst:
                rows = copy_tables(src, dst, _scaled(progress, 0, 700), cancel)
            with source.connect() as src, engine.connect() as dst:
                verify_copy(src, dst, cancel)
            check_cancelled(cancel)
            migrate(engine)
            with engine.begin() as dst:
                files = adopt_folder_files(files_root, dst, dt.datetime.now(), _scaled(progress, 700, 1000), cancel)
                verify_folder_files(dst, files.missing_evidence)
            if staff_role:
                grant_staff_access(engine, staff_role)
            check_cancelled(cancel)
            if switch is not None:
                switch()
        except BaseException as exc:
            _empty_again(engine, settings, exc)
            if isinstance(exc, DBAPIError):
                raise server_error(exc, engine.url) or exc from exc
            raise
    finally:
        source.dispose()
        engine.dispose()
    return FilledDatabase(rows, files)


def move_office_to_server(data_dir: DataDir | Path, settings: ServerSettings, password: str | None = None,
                          staff_role: str | None = None, progress: ProgressCallback | None = None,
                          cancel: CancelToken | None = None) -> FilledDatabase:
    """Move the office kept in ``data_dir`` into the EMPTY database of ``settings`` (whose user must own it),
    verified before the switch; the switch writes ``office-server.json`` naming ``staff_role`` (granted its tables)
    when given, else the owner. The SQLite file stays as it was: deleting ``office-server.json`` goes back to it."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(Path(data_dir))
    root = data_dir.root
    if read_server_settings(root) is not None:
        raise StateError("server_move.already_shared", folder=str(root))
    if folder_kind(root) is not FolderKind.OFFICE:
        raise InputError("server_move.not_an_office", folder=str(root))
    switched = settings.with_user(staff_role) if staff_role else settings
    with tempfile.TemporaryDirectory(prefix="cds-move-") as temporary:
        snapshot = Path(temporary) / DATABASE
        try:
            backup_sqlite(data_dir.database, snapshot)
        except OSError as exc:
            raise StorageError("storage.io", path=str(temporary), problem=exc.strerror or str(exc)) from exc
        return _fill(settings, password, snapshot, root, staff_role, progress, cancel,
                     lambda: write_server_settings(root, switched))


def restore_backup_to_server(backup_folder: Path, settings: ServerSettings, password: str | None = None,
                             staff_role: str | None = None, progress: ProgressCallback | None = None,
                             cancel: CancelToken | None = None) -> FilledDatabase:
    """Restore an office's backup folder into the EMPTY database of ``settings`` (whose user must own it); every
    file of the backup is checked first. Staff PCs then point at it with ``connect_folder_to_server``."""
    backup_folder = Path(backup_folder).expanduser().resolve()
    info = read_manifest(backup_folder)
    if info.installation.kind is not InstallationKind.OFFICE:
        raise InputError("server_move.not_an_office_backup", path=str(backup_folder))
    verify_files(info, None, cancel)  # every file's hash, keys included, before anything is written
    database = next(f for f in info.files if f.path == DATABASE)
    with tempfile.TemporaryDirectory(prefix="cds-restore-") as temporary:
        snapshot = Path(temporary) / DATABASE
        shutil.copyfile(backup_folder / DATABASE, snapshot)
        if _sha256(snapshot) != database.sha256:
            raise StorageError("backup.file_altered", path=str(backup_folder / DATABASE))
        check_database(snapshot, info)
        return _fill(settings, password, snapshot, backup_folder, staff_role, progress, cancel)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def connect_folder_to_server(data_dir: DataDir | Path, settings: ServerSettings,
                             password: str | None = None) -> ServerCheck:
    """Make the data folder ``data_dir`` (new, empty, or a staff PC's already) point at the shared office in the
    database of ``settings``; refused when the database holds no office or one of a newer app."""
    root = data_dir.root if isinstance(data_dir, DataDir) else Path(data_dir).expanduser().resolve()
    if folder_kind(root) is not FolderKind.NEW and read_server_settings(root) is None:
        raise InputError("server_move.folder_has_data", folder=str(root))
    found = check_server(settings, password)
    if found.revision is None or not _holds_office(settings, password):
        raise StateError("server_move.no_office", database=settings.describe())
    if found.revision not in known_revisions():
        raise SchemaTooNewError("storage.schema_too_new", path=settings.describe(), revision=found.revision)
    try:
        root.mkdir(parents=True, exist_ok=True)
        write_server_settings(root, settings)
    except OSError as exc:
        raise StorageError("storage.io", path=str(root), problem=exc.strerror or str(exc)) from exc
    return found


def _holds_office(settings: ServerSettings, password: str | None) -> bool:
    engine = server_engine(settings, password)
    try:
        with engine.connect() as connection:
            if connection.execute(text("SELECT to_regclass('public.office_identity')")).scalar() is None:
                return False
            return connection.execute(text("SELECT count(*) FROM office_identity")).scalar() > 0
    except DBAPIError as exc:
        raise server_error(exc, engine.url) or exc from exc
    finally:
        engine.dispose()


def upgrade_server(settings: ServerSettings, password: str | None = None, staff_role: str | None = None) -> ServerCheck:
    """Migrate the shared office's database to the newest schema (``settings.user`` must own it, else
    ``server.needs_owner``) and grant ``staff_role`` its tables; returns what is there afterwards."""
    engine = open_server_database(settings, password)
    try:
        if staff_role:
            grant_staff_access(engine, staff_role)
    finally:
        engine.dispose()
    return check_server(settings, password)
