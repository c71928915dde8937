"""Backups of the data folder, restoring one, and moving the data folder elsewhere — a commune's or a receiving
office's: each function takes either service (``DataService``: its data folder, database, evidence store,
clock and permission check).

A backup is a folder ``CDS-backup-<commune>-<YYYYMMDD-HHMMSS>/`` (an office's: ``CDS-backup-office-<code>-…``)
holding ``cds.sqlite``, the evidence files, ``keys/``, ``plans/`` and ``manifest.json`` (format version, app
version, schema revision, the commune or office, when, and the SHA-256 and size of every file; see
``backup_files``). It is consistent while the app keeps writing:

- the database is copied with SQLite's online backup API (one read transaction: a snapshot);
- evidence files are stored by content hash and never change, so copying the files *that snapshot*
  references gives a matching set even if new files arrive meanwhile.

A shared office (its database on a PostgreSQL server) is backed up the same way while the server runs: its
snapshot is one ``REPEATABLE READ, READ ONLY`` transaction on the server, copied table by table into the backup's
``cds.sqlite`` (``storage.table_copy``) and verified against that same snapshot; its keys and the evidence kept in
the database (``office_key.sealed``, ``evidence_content``) travel in it. ``services/office/server_move`` restores
such a backup into an empty server database; ``restore`` onto one PC writes that evidence out as files (an office
on one PC reads files, ``backup_files.unpack_database_evidence``).

Everything is written into an owned, hidden sibling folder (``fileio``) that is renamed at the very end, so
a failed (disk full) or cancelled backup leaves nothing behind, and one whose process died is removed the
next time the data folder or that destination is used. Reading a backup treats it as hostile input
(``backup_files``: manifest, files, database). ``restore`` (service closed) copies the backup into a staging
folder inside the data folder, verifying every file while copying it (one read of each), checks the staged
database, then swaps it in through ``storage.data_folder.commit_restore``: a crash from the moment the swap
is decided is finished by the next start; a failure of the swap itself rolls it back. The replaced data is
kept in ``backups/before-restore-<time>/``. A commune's backup is never restored over an office's data nor the
other way round (``check_restorable``). ``move_data_dir`` copies the data into a new, empty folder the
same way and remembers it; ``switch_data_dir`` remembers a folder that already holds CDS data of the same
kind; neither takes a folder of the other kind, a foreign database or a damaged one (``refuse_other_kind``).
All of them need ``Permission.MANAGE``.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol

from sqlalchemy import Engine, create_engine, text

from cds_desktop import __version__
from cds_desktop.core.errors import InputError, StateError, StorageError
from cds_desktop.core.fileio import create_owned_folder, sweep_abandoned, write_atomic
from cds_desktop.core.paths import DataDir, remember_data_dir
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled
from cds_desktop.core.services.backup_files import (  # noqa: F401  (BackupInfo, inspect_backup, read_backup: API)
    EVIDENCE,
    FOLDER_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    FORMAT_VERSION_OF,
    MANIFEST,
    BackupFile,
    BackupInfo,
    Installation,
    Progress,
    backup_info,
    check_contents,
    check_database,
    check_schema,
    inspect_backup,
    read_backup,
    read_manifest,
    unpack_database_evidence,
    verify_files,
)
from cds_desktop.core.services.roles import InstallationKind, Permission
from cds_desktop.core.storage.data_folder import (
    BACKUP_WORK_PREFIX,
    BACKUP_WORK_SUFFIX,
    DATA_ITEMS,
    DATABASE,
    MOVE_WORK_PREFIX,
    STAGING_PREFIX,
    STAGING_SUFFIX,
    commit_restore,
    remember_work_folder,
)
from cds_desktop.core.storage.database import migrate
from cds_desktop.core.storage.evidence_store import ContentStore, EvidenceStore
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from cds_desktop.core.storage.sqlite_files import read_only_connection
from cds_desktop.core.storage.table_copy import compare_digests, copy_tables, revision_of, table_digests

COPIED_FOLDERS = ("keys", "plans")  # copied whole (sealed key files, pinned key lists, imported plans)
CHUNK = 1024 * 1024


class DataService(Protocol):
    """What backing up needs of a service: the commune's (``CommuneService``) or the office's (``OfficeService``)."""

    kind: InstallationKind
    data_dir: DataDir
    evidence_store: ContentStore
    clock: Callable[[], dt.datetime]

    def authorize(self, permission: Permission) -> None: ...


@dataclass(frozen=True)
class _Facts:
    """What a database snapshot holds that a backup needs to know."""

    installation: Installation | None  # None: not set up
    evidence: tuple[str, ...]  # sha256 of every stored evidence file


# --- errors ----------------------------------------------------------------------------------

def _storage_error(exc: OSError | sqlite3.Error, path: Path) -> StorageError:
    if isinstance(exc, sqlite3.Error):
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return StorageError("backup.disk_full", path=str(path))
        return StorageError("backup.io", path=str(path), problem=str(exc))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError("backup.disk_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError("backup.not_writable", path=str(path))
    return StorageError("backup.io", path=str(exc.filename or path), problem=exc.strerror or str(exc))


# --- small file helpers ----------------------------------------------------------------------

def _copy_file(source: Path, target: Path, progress: Progress, cancel: CancelToken | None) -> tuple[str, int]:
    """Copy ``source`` to ``target`` (folders made as needed), hashing while copying: (sha256, size)."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            check_cancelled(cancel)
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
            progress.advance(len(chunk))
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _hash_file(path: Path, progress: Progress, cancel: CancelToken | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            check_cancelled(cancel)
            digest.update(chunk)
            progress.advance(len(chunk))
    return digest.hexdigest()


def _files_under(folder: Path) -> Iterator[Path]:
    """Regular files below ``folder``, skipping hidden ones (half-written temporaries of atomic writes)."""
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
                yield path


def _fresh(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3`` … when it already exists."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


# --- the database ----------------------------------------------------------------------------

_IDENTITY_QUERIES = {  # → (code, name, province code); the evidence a commune keeps or an office received
    InstallationKind.COMMUNE: ("SELECT commune_code, name, province_code FROM unit WHERE id = 1",
                               "SELECT sha256 FROM evidence_file ORDER BY sha256"),
    InstallationKind.OFFICE: ("SELECT code, name, province_code FROM office_identity WHERE id = 1",
                              "SELECT DISTINCT sha256 FROM submission_evidence WHERE sha256 NOT IN "
                              "(SELECT sha256 FROM evidence_content) ORDER BY sha256"),
}  # an office's evidence kept in its database (a shared office's) travels in the database, not as a file


def _server_engine(service: DataService) -> Engine | None:
    """The engine of a shared office's server database (None: the data is in the folder's ``cds.sqlite``)."""
    engine = getattr(service, "engine", None)
    return engine if engine is not None and engine.dialect.name != "sqlite" else None


def _read_facts(snapshot: Path, kind: InstallationKind) -> _Facts:
    """The identity and the evidence list of a fresh database snapshot of a ``kind`` installation."""
    identity_query, evidence_query = _IDENTITY_QUERIES[kind]
    connection = sqlite3.connect(snapshot)
    try:
        identity = connection.execute(identity_query).fetchone()
        evidence = tuple(row[0] for row in connection.execute(evidence_query))
    finally:
        connection.close()
    return _Facts(Installation(kind, *identity) if identity else None, evidence)


def installation_of(service: DataService) -> Installation | None:
    """Whose data the service's folder holds now (None: not set up), read as a backup would read it."""
    engine = _server_engine(service)
    if engine is not None:
        with engine.connect() as connection:
            identity = connection.execute(text(_IDENTITY_QUERIES[service.kind][0])).fetchone()
        return Installation(service.kind, *identity) if identity else None
    try:
        connection = read_only_connection(service.data_dir.database)
        try:
            identity = connection.execute(_IDENTITY_QUERIES[service.kind][0]).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise _storage_error(exc, service.data_dir.database) from exc
    return Installation(service.kind, *identity) if identity else None


def _require_set_up(service: DataService) -> None:
    if installation_of(service) is None:
        raise StateError("office.not_initialized" if service.kind is InstallationKind.OFFICE
                         else "unit.not_initialized")


def _snapshot_database(source: Path, target: Path) -> None:
    """A consistent copy of the live database (online backup API), as a self-contained (non-WAL) file."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _snapshot_server(engine: Engine, target: Path, progress: ProgressCallback | None,
                     cancel: CancelToken | None) -> None:
    """A consistent copy of a shared office's server database as the SQLite file ``target``: one REPEATABLE READ,
    READ ONLY transaction on the server (the server keeps running), verified against that same snapshot;
    ``progress`` counts the rows copied (then the files, as for any backup)."""
    snapshot = create_engine(f"sqlite:///{target}")  # this process's own new file: no WAL, a self-contained copy
    try:
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as source, source.begin():
            migrate(snapshot, revision_of(source))
            with snapshot.begin() as copy:
                copy_tables(source, copy, progress, cancel)
            digests = table_digests(source, cancel)
        with snapshot.connect() as copy:
            compare_digests(digests, table_digests(copy, cancel))
    finally:
        snapshot.dispose()


def _release_database(data_dir: DataDir) -> None:
    """Fold the write-ahead log into the database; refuse when another program still has it open."""
    wal = data_dir.database.with_name(DATABASE + "-wal")
    if not wal.exists():
        return
    try:
        connection = sqlite3.connect(data_dir.database)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise _storage_error(exc, data_dir.database) from exc
    if wal.exists():
        raise StateError("backup.data_in_use", path=str(data_dir.root))


# --- making a copy of the data folder ----------------------------------------------------------

def _write_copy(service: DataService, work: Path, progress: ProgressCallback | None,
                cancel: CancelToken | None) -> tuple[_Facts, list[BackupFile], list[str]]:
    """Copy the service's data into the (existing, empty) folder ``work``: database snapshot, then files."""
    data_dir = service.data_dir
    check_cancelled(cancel)
    engine = _server_engine(service)
    if engine is not None:
        _snapshot_server(engine, work / DATABASE, progress, cancel)
    else:
        _snapshot_database(data_dir.database, work / DATABASE)
    facts = _read_facts(work / DATABASE, service.kind)
    sources: list[tuple[Path, str]] = []
    missing: list[str] = []
    files = service.evidence_store if isinstance(service.evidence_store, EvidenceStore) else None
    for sha256 in facts.evidence:  # a shared office's store holds no files: what its database lacks is missing
        path = files.path_of(sha256) if files is not None else None
        if path is not None and path.is_file():
            sources.append((path, f"{EVIDENCE}/{sha256[:2]}/{sha256}"))
        else:
            missing.append(sha256)
    for name in COPIED_FOLDERS:
        root = data_dir.root / name
        sources += [(path, f"{name}/{path.relative_to(root).as_posix()}") for path in _files_under(root)]
    database_size = (work / DATABASE).stat().st_size
    tracker = Progress(progress, database_size + sum(path.stat().st_size for path, _ in sources))
    files = [BackupFile(DATABASE, _hash_file(work / DATABASE, tracker, cancel), database_size)]
    for path, relative in sources:
        check_cancelled(cancel)
        files.append(BackupFile(relative, *_copy_file(path, work / relative, tracker, cancel)))
    return facts, files, missing


def _folder_name(owner: Installation, created_at: dt.datetime) -> str:
    which = owner.code if owner.kind is InstallationKind.COMMUNE else f"office-{owner.code}"
    return f"{FOLDER_PREFIX}{which}-{created_at:%Y%m%d-%H%M%S}"


def backup(service: DataService, destination: Path, progress: ProgressCallback | None = None,
           cancel: CancelToken | None = None) -> BackupInfo:
    """Back up the data folder into a new folder inside ``destination``; returns what it holds."""
    service.authorize(Permission.MANAGE)
    _require_set_up(service)
    destination = Path(destination).expanduser().resolve()
    try:
        destination.mkdir(parents=True, exist_ok=True)
        remember_work_folder(service.data_dir, destination)  # removed at the next start if this process dies
        work = create_owned_folder(destination, BACKUP_WORK_PREFIX, BACKUP_WORK_SUFFIX)
    except OSError as exc:
        raise _storage_error(exc, destination) from exc
    try:
        facts, files, missing = _write_copy(service, work.path, progress, cancel)
        owner = facts.installation
        created_at = service.clock()
        which, identity = owner.manifest_entry()
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION_OF[owner.kind], "app_version": __version__,
            "schema_revision": check_schema(work.path / DATABASE), "created_at": created_at.isoformat(),
            which: identity,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in files],
            "missing_evidence": missing,
        }
        write_atomic(work.path / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        check_cancelled(cancel)
        final = _fresh(destination / _folder_name(owner, created_at))
        work.path.rename(final)
    except (OSError, sqlite3.Error) as exc:
        raise _storage_error(exc, destination) from exc
    finally:
        work.release()
    return backup_info(final, manifest)


# --- restoring -------------------------------------------------------------------------------

def restore(data_dir: DataDir, backup_folder: Path, progress: ProgressCallback | None = None,
            cancel: CancelToken | None = None) -> BackupInfo:
    """Replace the data folder's contents with a verified backup (the service must be closed).

    Every file is read once: verified while it is copied into the staging folder (``progress`` counts
    those bytes). The replaced data is kept in ``backups/before-restore-<time>/``. An older schema is
    migrated the next time the service opens, as usual.
    """
    backup_folder = Path(backup_folder).expanduser().resolve()
    info = read_manifest(backup_folder)
    check_contents(info)  # a backup with something wrong is refused before anything else is asked
    check_restorable(data_dir, info)
    try:
        data_dir.ensure()
        _release_database(data_dir)
        staging = create_owned_folder(data_dir.root, STAGING_PREFIX, STAGING_SUFFIX)
    except OSError as exc:
        raise _storage_error(exc, data_dir.root) from exc
    try:
        verify_files(info, progress, cancel, copy_to=staging.path)
        check_database(staging.path / DATABASE, info)
        if info.installation.kind is InstallationKind.OFFICE:
            unpack_database_evidence(staging.path, cancel)  # a shared office's backup, restored onto one PC
        check_cancelled(cancel)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        commit_restore(data_dir, staging.path, _fresh(data_dir.backups / f"before-restore-{stamp}"),
                       lambda: _release_database(data_dir))
    except OSError as exc:
        raise _storage_error(exc, data_dir.root) from exc
    finally:
        staging.release()
    return info


def check_restorable(data_dir: DataDir, info: BackupInfo) -> None:
    """Refuse to restore a commune's backup over an office's data, or an office's over a commune's (a new or
    empty data folder takes either)."""
    kind = folder_kind(data_dir.root)
    if kind in (FolderKind.COMMUNE, FolderKind.OFFICE) and kind.value != info.installation.kind.value:
        raise InputError(f"backup.restore_{info.installation.kind.value}_over_{kind.value}",
                         path=str(info.folder), folder=str(data_dir.root))


# --- the data folder's location --------------------------------------------------------------

def holds_data(folder: Path) -> bool:
    """Whether ``folder`` already is a CDS data folder (has a database)."""
    return (Path(folder) / DATABASE).is_file()


def refuse_other_kind(service: DataService, folder: Path) -> None:
    """Refuse, before anything is written, a folder (``storage.peek.folder_kind``) that holds the other kind of
    installation's data (an office's for a commune, a commune's for an office), another program's database, or
    a database that is damaged or cannot be read."""
    kind = folder_kind(folder)
    if kind in (FolderKind.COMMUNE, FolderKind.OFFICE) and kind.value != service.kind.value:
        raise InputError(f"data_folder.holds_{kind.value}", folder=str(folder))
    if kind is FolderKind.DAMAGED or (kind is FolderKind.NOT_CDS and holds_data(folder)):
        raise InputError(f"folder.{kind.value}", folder=str(folder), kind=kind.value)


def move_data_dir(service: DataService, new_root: Path, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None) -> DataDir:
    """Copy the data into the empty folder ``new_root`` and use it from the next start on.

    The old folder is left as it is. ``new_root`` must be new or empty (a folder that already holds CDS
    data is used as it is with ``switch_data_dir``; one of the other kind, a foreign database or a damaged one is
    refused: ``refuse_other_kind``); what an interrupted move left there does not count.
    """
    service.authorize(Permission.MANAGE)
    new_root = Path(new_root).expanduser().resolve()
    current = service.data_dir.root.resolve()
    if new_root.is_relative_to(current):
        raise InputError("backup.folder_inside_data", path=str(new_root))
    refuse_other_kind(service, new_root)
    if holds_data(new_root):
        raise InputError("backup.folder_has_data", path=str(new_root))
    if new_root.is_dir():
        sweep_abandoned(new_root, [f"{MOVE_WORK_PREFIX}*"])
    if new_root.exists() and (not new_root.is_dir() or any(new_root.iterdir())):
        raise InputError("backup.folder_not_empty", path=str(new_root))
    created = not new_root.exists()
    try:
        new_root.mkdir(parents=True, exist_ok=True)
        remember_work_folder(service.data_dir, new_root)  # removed at the next start if this process dies
        work = create_owned_folder(new_root, MOVE_WORK_PREFIX)
    except OSError as exc:
        raise _storage_error(exc, new_root) from exc
    try:
        _write_copy(service, work.path, progress, cancel)
        check_cancelled(cancel)
        for name in DATA_ITEMS:
            if (work.path / name).exists():
                os.replace(work.path / name, new_root / name)
        work.release()
        remember_data_dir(new_root)
    except BaseException as exc:
        work.release()
        for leftover in [new_root] if created else list(new_root.iterdir()):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise _storage_error(exc, new_root) from exc
        raise
    return DataDir(new_root)


def switch_data_dir(service: DataService, new_root: Path) -> DataDir:
    """Use the existing CDS data folder ``new_root`` — of this installation's kind — from the next start on
    (checked first; nothing copied)."""
    service.authorize(Permission.MANAGE)
    new_root = Path(new_root).expanduser().resolve()
    refuse_other_kind(service, new_root)
    if not holds_data(new_root):
        raise InputError("backup.no_data_here", path=str(new_root))
    if not os.access(new_root, os.W_OK):
        raise StorageError("backup.not_writable", path=str(new_root))
    check_schema(new_root / DATABASE)
    remember_data_dir(new_root)
    return DataDir(new_root)
