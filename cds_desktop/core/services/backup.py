"""Backups of the data folder, restoring one, and moving the data folder elsewhere.

A backup is a folder ``CDS-backup-<commune>-<YYYYMMDD-HHMMSS>/`` holding ``cds.sqlite``, the evidence files,
``keys/``, ``plans/`` and ``manifest.json`` (format version, app version, schema revision, the commune,
when, and the SHA-256 and size of every file). It is consistent while the app keeps writing:

- the database is copied with SQLite's online backup API (one read transaction: a snapshot);
- evidence files are stored by content hash and never change, so copying the files *that snapshot*
  references gives a matching set even if new files arrive meanwhile.

Everything is written into a hidden sibling folder that is renamed at the very end, so a failed (disk
full) or cancelled backup leaves nothing behind. ``inspect_backup`` checks a backup's manifest and every
file's hash; ``restore`` (service closed) copies a verified backup into a staging folder inside the data
folder, then swaps it in, keeping the replaced data in ``backups/before-restore-<time>/`` and rolling back
if any step fails. ``move_data_dir`` copies the data into a new, empty folder the same way and remembers it;
``switch_data_dir`` remembers a folder that already holds CDS data. All of them need ``Permission.MANAGE``.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from cds_desktop import __version__
from cds_desktop.core.errors import InputError, SchemaTooNewError, StateError, StorageError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.paths import DataDir, remember_data_dir
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.database import known_revisions, stamped_revision

FORMAT = "cds-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "cds.sqlite"
EVIDENCE = "evidence"
COPIED_FOLDERS = ("keys", "plans")  # copied whole (sealed key files, pinned key lists, imported plans)
DATA_ITEMS = (DATABASE, EVIDENCE, *COPIED_FOLDERS)  # what a backup holds and a restore replaces
FOLDER_PREFIX = "CDS-backup-"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupFile:
    path: str  # relative, with "/" separators
    sha256: str
    size: int


@dataclass(frozen=True)
class BackupInfo:
    folder: Path
    created_at: dt.datetime
    app_version: str
    schema_revision: str | None
    province_code: str
    commune_code: str
    commune_name: str
    files: tuple[BackupFile, ...]
    missing_evidence: tuple[str, ...]  # referenced by the database but absent from the data folder when backed up

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def evidence_count(self) -> int:
        return sum(1 for f in self.files if f.path.startswith(EVIDENCE + "/"))

    def to_dict(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "created_at": self.created_at.isoformat(), "app_version": self.app_version,
                "schema_revision": self.schema_revision, "province_code": self.province_code,
                "commune_code": self.commune_code, "commune_name": self.commune_name, "size": self.size,
                "files": len(self.files), "evidence_files": self.evidence_count,
                "missing_evidence": list(self.missing_evidence)}


@dataclass(frozen=True)
class _Facts:
    """What a database snapshot holds that a backup needs to know."""

    unit: tuple[str, str, str] | None  # province code, commune code, name
    evidence: tuple[str, ...]  # sha256 of every stored evidence file


# --- errors ----------------------------------------------------------------------------------

def _storage_error(exc: OSError | sqlite3.Error, path: Path) -> StorageError:
    if isinstance(exc, sqlite3.Error):
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return StorageError("backup.disk_full", path=str(path))
        return StorageError("backup.io", path=str(path), problem=str(exc))
    if exc.errno == errno.ENOSPC:
        return StorageError("backup.disk_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError("backup.not_writable", path=str(path))
    return StorageError("backup.io", path=str(exc.filename or path), problem=exc.strerror or str(exc))


# --- small file helpers ----------------------------------------------------------------------

class _Progress:
    """Bytes done out of a known total, reported to the caller's progress callback."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.done = callback, total, 0

    def advance(self, amount: int) -> None:
        self.done += amount
        if self.callback is not None:
            self.callback(min(self.done, self.total), self.total)


def _copy_file(source: Path, target: Path, progress: _Progress, cancel: CancelToken | None) -> tuple[str, int]:
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


def _hash_file(path: Path, progress: _Progress, cancel: CancelToken | None) -> str:
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


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# --- the database ----------------------------------------------------------------------------

def _read_facts(snapshot: Path) -> _Facts:
    """The unit and the evidence list of a fresh database snapshot."""
    connection = sqlite3.connect(snapshot)
    try:
        unit = connection.execute("SELECT province_code, commune_code, name FROM unit").fetchone()
        evidence = tuple(row[0] for row in connection.execute("SELECT sha256 FROM evidence_file ORDER BY sha256"))
    finally:
        connection.close()
    return _Facts(tuple(unit) if unit else None, evidence)


def _check_schema(database: Path) -> str | None:
    """The database's schema revision; refused when it comes from a newer app."""
    try:
        revision = stamped_revision(database)
    except sqlite3.DatabaseError as exc:
        raise StorageError("storage.not_a_database", path=str(database), problem=str(exc)) from exc
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNewError("backup.schema_too_new", path=str(database), revision=revision)
    return revision


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

def _write_copy(service: CommuneService, work: Path, progress: ProgressCallback | None,
                cancel: CancelToken | None) -> tuple[_Facts, list[BackupFile], list[str]]:
    """Copy the service's data into the (existing, empty) folder ``work``: database snapshot, then files."""
    data_dir = service.data_dir
    check_cancelled(cancel)
    _snapshot_database(data_dir.database, work / DATABASE)
    facts = _read_facts(work / DATABASE)
    sources: list[tuple[Path, str]] = []
    missing: list[str] = []
    for sha256 in facts.evidence:
        path = service.evidence_store.path_of(sha256)
        if path.is_file():
            sources.append((path, f"{EVIDENCE}/{sha256[:2]}/{sha256}"))
        else:
            missing.append(sha256)
    for name in COPIED_FOLDERS:
        root = data_dir.root / name
        sources += [(path, f"{name}/{path.relative_to(root).as_posix()}") for path in _files_under(root)]
    database_size = (work / DATABASE).stat().st_size
    tracker = _Progress(progress, database_size + sum(path.stat().st_size for path, _ in sources))
    files = [BackupFile(DATABASE, _hash_file(work / DATABASE, tracker, cancel), database_size)]
    for path, relative in sources:
        check_cancelled(cancel)
        files.append(BackupFile(relative, *_copy_file(path, work / relative, tracker, cancel)))
    return facts, files, missing


def backup(service: CommuneService, destination: Path, progress: ProgressCallback | None = None,
           cancel: CancelToken | None = None) -> BackupInfo:
    """Back up the data folder into a new folder inside ``destination``; returns what it holds."""
    service.authorize(Permission.MANAGE)
    service.require_unit()
    destination = Path(destination).expanduser().resolve()
    work = destination / f".{FOLDER_PREFIX}{uuid.uuid4().hex}.partial"
    try:
        destination.mkdir(parents=True, exist_ok=True)
        work.mkdir()
    except OSError as exc:
        raise _storage_error(exc, destination) from exc
    try:
        facts, files, missing = _write_copy(service, work, progress, cancel)
        created_at = service.clock()
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
            "schema_revision": _check_schema(work / DATABASE), "created_at": created_at.isoformat(),
            "commune": {"province_code": facts.unit[0], "code": facts.unit[1], "name": facts.unit[2]},
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in files],
            "missing_evidence": missing,
        }
        write_atomic(work / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        check_cancelled(cancel)
        final = _fresh(destination / f"{FOLDER_PREFIX}{facts.unit[1]}-{created_at:%Y%m%d-%H%M%S}")
        work.rename(final)
    except (OSError, sqlite3.Error) as exc:
        _remove(work)
        raise _storage_error(exc, destination) from exc
    except BaseException:
        _remove(work)
        raise
    return _info(final, manifest)


# --- reading a backup ------------------------------------------------------------------------

def _load(folder: Path) -> BackupInfo:
    """The backup's manifest, checked for shape (not yet the files)."""
    if not folder.is_dir():
        raise InputError("backup.not_a_folder", path=str(folder))
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        if (folder / DATABASE).exists() or folder.name.startswith(FOLDER_PREFIX):
            raise InputError("backup.manifest_missing", path=str(folder))
        raise InputError("backup.not_a_backup", path=str(folder))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError("backup.not_a_backup", path=str(folder)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError("backup.not_a_backup", path=str(folder))
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise SchemaTooNewError("backup.format_too_new", path=str(folder))
    try:
        return _info(folder, manifest)
    except (KeyError, TypeError, ValueError) as exc:
        raise StorageError("backup.manifest_damaged", path=str(folder)) from exc


def _info(folder: Path, manifest: dict[str, Any]) -> BackupInfo:
    files = tuple(BackupFile(str(f["path"]), str(f["sha256"]), int(f["size"])) for f in manifest["files"])
    for f in files:
        parts = PurePosixPath(f.path).parts
        if not parts or parts[0] not in DATA_ITEMS or ".." in parts or PurePosixPath(f.path).is_absolute():
            raise ValueError(f.path)
    commune = manifest["commune"]
    return BackupInfo(
        folder=folder, created_at=dt.datetime.fromisoformat(manifest["created_at"]),
        app_version=str(manifest["app_version"]), schema_revision=manifest.get("schema_revision"),
        province_code=str(commune["province_code"]), commune_code=str(commune["code"]),
        commune_name=str(commune["name"]), files=files,
        missing_evidence=tuple(str(sha) for sha in manifest.get("missing_evidence", ())),
    )


def _verify(info: BackupInfo, progress: ProgressCallback | None, cancel: CancelToken | None,
            copy_to: Path | None = None) -> None:
    """Check every file's size and hash (copying it into ``copy_to`` on the way when given)."""
    tracker = _Progress(progress, info.size)
    if DATABASE not in {f.path for f in info.files}:
        raise StorageError("backup.file_missing", path=str(info.folder / DATABASE))
    for expected in info.files:
        check_cancelled(cancel)
        source = info.folder / expected.path
        if not source.is_file():
            raise StorageError("backup.file_missing", path=str(source))
        if source.stat().st_size != expected.size:
            raise StorageError("backup.file_altered", path=str(source))
        if copy_to is None:
            sha256 = _hash_file(source, tracker, cancel)
        else:
            sha256 = _copy_file(source, copy_to / expected.path, tracker, cancel)[0]
        if sha256 != expected.sha256:
            raise StorageError("backup.file_altered", path=str(source))


def inspect_backup(folder: Path, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> BackupInfo:
    """What a backup folder holds, after checking its manifest and every file's hash and the schema."""
    folder = Path(folder).expanduser().resolve()
    info = _load(folder)
    try:
        _verify(info, progress, cancel)
    except OSError as exc:
        raise StorageError("backup.io", path=str(folder), problem=exc.strerror or str(exc)) from exc
    _check_schema(folder / DATABASE)
    return info


# --- restoring -------------------------------------------------------------------------------

def _swap_in(data_dir: DataDir, staging: Path, aside: Path) -> None:
    """Move the current data into ``aside`` and the staged data in; undo every move if one fails."""
    done: list[tuple[Path, Path]] = []
    try:
        aside.mkdir(parents=True)
        for name in (DATABASE + "-wal", DATABASE + "-shm", *DATA_ITEMS):
            if (data_dir.root / name).exists():
                os.replace(data_dir.root / name, aside / name)
                done.append((data_dir.root / name, aside / name))
        for name in DATA_ITEMS:
            if (staging / name).exists():
                os.replace(staging / name, data_dir.root / name)
                done.append((staging / name, data_dir.root / name))
    except OSError as exc:
        for original, moved in reversed(done):
            os.replace(moved, original)
        if aside.is_dir() and not any(aside.iterdir()):
            aside.rmdir()
        raise _storage_error(exc, data_dir.root) from exc


def restore(data_dir: DataDir, backup_folder: Path, progress: ProgressCallback | None = None,
            cancel: CancelToken | None = None) -> BackupInfo:
    """Replace the data folder's contents with a verified backup (the service must be closed).

    The replaced data is kept in ``backups/before-restore-<time>/``. An older schema is migrated the
    next time the service opens, as usual.
    """
    backup_folder = Path(backup_folder).expanduser().resolve()
    info = _load(backup_folder)
    staging = data_dir.root / f".restore-{uuid.uuid4().hex}"
    try:
        data_dir.ensure()
        _release_database(data_dir)
        staging.mkdir()
        _verify(info, progress, cancel, copy_to=staging)
        _check_schema(backup_folder / DATABASE)
        check_cancelled(cancel)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        _swap_in(data_dir, staging, _fresh(data_dir.backups / f"before-restore-{stamp}"))
    except OSError as exc:
        raise _storage_error(exc, data_dir.root) from exc
    finally:
        _remove(staging)
    return info


# --- the data folder's location --------------------------------------------------------------

def holds_data(folder: Path) -> bool:
    """Whether ``folder`` already is a CDS data folder (has a database)."""
    return (Path(folder) / DATABASE).is_file()


def move_data_dir(service: CommuneService, new_root: Path, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None) -> DataDir:
    """Copy the data into the empty folder ``new_root`` and use it from the next start on.

    The old folder is left as it is. ``new_root`` must be new or empty (a folder that already holds CDS
    data is used as it is with ``switch_data_dir``).
    """
    service.authorize(Permission.MANAGE)
    new_root = Path(new_root).expanduser().resolve()
    current = service.data_dir.root.resolve()
    if new_root.is_relative_to(current):
        raise InputError("backup.folder_inside_data", path=str(new_root))
    if holds_data(new_root):
        raise InputError("backup.folder_has_data", path=str(new_root))
    if new_root.exists() and (not new_root.is_dir() or any(new_root.iterdir())):
        raise InputError("backup.folder_not_empty", path=str(new_root))
    work = new_root / f".moving-{uuid.uuid4().hex}"
    created = not new_root.exists()
    try:
        new_root.mkdir(parents=True, exist_ok=True)
        work.mkdir()
    except OSError as exc:
        raise _storage_error(exc, new_root) from exc
    try:
        _write_copy(service, work, progress, cancel)
        check_cancelled(cancel)
        for name in DATA_ITEMS:
            if (work / name).exists():
                os.replace(work / name, new_root / name)
        work.rmdir()
        remember_data_dir(new_root)
    except BaseException as exc:
        for leftover in [new_root] if created else list(new_root.iterdir()):
            _remove(leftover)
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise _storage_error(exc, new_root) from exc
        raise
    return DataDir(new_root)


def switch_data_dir(service: CommuneService, new_root: Path) -> DataDir:
    """Use the existing CDS data folder ``new_root`` from the next start on (checked first; nothing copied)."""
    service.authorize(Permission.MANAGE)
    new_root = Path(new_root).expanduser().resolve()
    if not holds_data(new_root):
        raise InputError("backup.no_data_here", path=str(new_root))
    if not os.access(new_root, os.W_OK):
        raise StorageError("backup.not_writable", path=str(new_root))
    _check_schema(new_root / DATABASE)
    remember_data_dir(new_root)
    return DataDir(new_root)
