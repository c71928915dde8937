"""Reading a backup folder as hostile input: its manifest, its files and the database inside.

A backup may come from anywhere (a USB stick passed around, a folder someone edited), so nothing in it is
trusted until checked, and every refusal names what is wrong:

- the manifest (``read_manifest``): at most ``MAX_MANIFEST_SIZE``, UTF-8 JSON of the expected shape — paths
  relative, inside the data items, without ``..``, each listed once; sizes whole and non-negative; hashes
  64 hex digits; a damaged one is ``backup.manifest_damaged``, never a traceback;
- the files (``verify_files``): every listed file a regular file (a link — possibly pointing out of the
  folder — or a device is ``backup.unsafe_file``), of the listed size, with the listed SHA-256; nothing
  unlisted inside the data items (``backup.unexpected_file``: an extra key, or a ``cds.sqlite-wal`` that
  SQLite would silently apply); a restore refuses up front when the data folder's disk cannot hold it;
- the database (``check_database``): a SQLite file (``backup.not_a_database``) of a known schema
  (``backup.schema_too_new``) holding the data of the installation the manifest names — a commune's
  (``backup.wrong_database``: an office's database, another application's, or another commune's) or a receiving
  office's (``backup.wrong_office_database``).

A backup is a commune's or a receiving office's (``Installation``). Format version 1 knows only communes (the
manifest's ``commune`` object); version 2 adds the office (an ``office`` object instead). A commune's backup is
still written as version 1, so that an older app can restore it; an office's is version 2, which an older app
refuses as "made by a newer version" instead of misreading it.

Files are read once: verifying while copying into the restore's staging folder, with the progress callback
counting every byte exactly once.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from cds_desktop.core.errors import InputError, SchemaTooNewError, StorageError
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled
from cds_desktop.core.services.roles import InstallationKind
from cds_desktop.core.storage.data_folder import DATA_ITEMS, DATABASE, SIDE_FILES
from cds_desktop.core.storage.database import known_revisions, stamped_revision

FORMAT = "cds-backup"
FORMAT_VERSION = 2  # the newest this app reads and writes (an office's backup)
FORMAT_VERSION_OF = {InstallationKind.COMMUNE: 1, InstallationKind.OFFICE: 2}  # the oldest that can say it
MANIFEST = "manifest.json"
EVIDENCE = "evidence"
FOLDER_PREFIX = "CDS-backup-"
CHUNK = 1024 * 1024
MAX_MANIFEST_SIZE = 64 * 1024 * 1024
MAX_FILES = 1_000_000
MAX_FILE_SIZE = 64 * 1024**3  # no evidence file is this large; a manifest saying so is not a backup's
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class BackupFile:
    path: str  # relative, with "/" separators
    sha256: str
    size: int


@dataclass(frozen=True)
class Installation:
    """Whose data a backup holds: a commune (its code and province) or a receiving office (its code)."""

    kind: InstallationKind
    code: str
    name: str
    province_code: str | None = None

    def manifest_entry(self) -> tuple[str, dict[str, Any]]:
        """The manifest's ``commune`` or ``office`` object."""
        if self.kind is InstallationKind.COMMUNE:
            return "commune", {"province_code": self.province_code, "code": self.code, "name": self.name}
        return "office", {"code": self.code, "name": self.name, "province_code": self.province_code}


@dataclass(frozen=True)
class BackupInfo:
    folder: Path
    created_at: dt.datetime
    app_version: str
    schema_revision: str | None
    installation: Installation
    files: tuple[BackupFile, ...]
    missing_evidence: tuple[str, ...]  # referenced by the database but absent from the data folder when backed up

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def evidence_count(self) -> int:
        return sum(1 for f in self.files if f.path.startswith(EVIDENCE + "/"))

    def to_dict(self) -> dict[str, Any]:
        owner = self.installation
        return {"folder": str(self.folder), "created_at": self.created_at.isoformat(), "app_version": self.app_version,
                "schema_revision": self.schema_revision, "kind": owner.kind.value, "code": owner.code,
                "name": owner.name, "province_code": owner.province_code, "size": self.size,
                "files": len(self.files), "evidence_files": self.evidence_count,
                "missing_evidence": list(self.missing_evidence)}


class _Damaged(ValueError):
    """The manifest does not have the expected shape."""


# --- the manifest ----------------------------------------------------------------------------

def read_manifest(folder: Path) -> BackupInfo:
    """The backup's manifest, checked for shape (not yet the files)."""
    if folder.is_symlink() or not folder.is_dir():
        raise InputError("backup.not_a_folder", path=str(folder))
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file() and not manifest_path.is_symlink():
        if (folder / DATABASE).exists() or folder.name.startswith(FOLDER_PREFIX):
            raise InputError("backup.manifest_missing", path=str(folder))
        raise InputError("backup.not_a_backup", path=str(folder))
    try:
        with _open_regular(manifest_path) as stream:
            data = stream.read(MAX_MANIFEST_SIZE + 1)
    except OSError as exc:
        raise StorageError("backup.io", path=str(manifest_path), problem=exc.strerror or str(exc)) from exc
    if len(data) > MAX_MANIFEST_SIZE:
        raise StorageError("backup.manifest_damaged", path=str(folder))
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise InputError("backup.not_a_backup", path=str(folder)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError("backup.not_a_backup", path=str(folder))
    version = manifest.get("format_version")
    if type(version) is not int or version < 1:
        raise StorageError("backup.manifest_damaged", path=str(folder))
    if version > FORMAT_VERSION:
        raise SchemaTooNewError("backup.format_too_new", path=str(folder))
    try:
        return backup_info(folder, manifest, version)
    except (_Damaged, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise StorageError("backup.manifest_damaged", path=str(folder)) from exc


def _text(value: Any, limit: int = 1000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _Damaged(repr(value)[:80])
    return value


def _whole(value: Any) -> int:
    if type(value) is not int or not 0 <= value <= MAX_FILE_SIZE:
        raise _Damaged(repr(value)[:80])
    return value


def _relative_path(value: Any) -> str:
    path = _text(value, 400)
    parts = PurePosixPath(path).parts
    if (not parts or PurePosixPath(path).is_absolute() or "\\" in path or any(p in ("..", ".") for p in parts)
            or parts[0] not in DATA_ITEMS or (parts[0] == DATABASE) != (path == DATABASE)
            or PurePosixPath(path).as_posix() != path):
        raise _Damaged(path)
    return path


def _installation(manifest: dict[str, Any], version: int) -> Installation:
    """The manifest's ``commune`` (any version) or ``office`` (version 2 on) object: exactly one of them."""
    listed = [key for key in ("commune", "office") if key in manifest]
    if listed == ["commune"]:
        commune = manifest["commune"]
        return Installation(InstallationKind.COMMUNE, _text(commune["code"], 5), _text(commune["name"], 200),
                            _text(commune["province_code"], 2))
    if listed == ["office"] and version >= FORMAT_VERSION_OF[InstallationKind.OFFICE]:
        office = manifest["office"]
        province = office.get("province_code")
        return Installation(InstallationKind.OFFICE, _text(office["code"], 5), _text(office["name"], 200),
                            None if province is None else _text(province, 2))
    raise _Damaged("neither a commune nor an office")


def backup_info(folder: Path, manifest: dict[str, Any], version: int = FORMAT_VERSION) -> BackupInfo:
    """The manifest's content as a ``BackupInfo`` (``_Damaged`` and friends when its shape is wrong)."""
    listed = manifest["files"]
    if not isinstance(listed, list) or len(listed) > MAX_FILES:
        raise _Damaged("files")
    files = []
    for entry in listed:
        sha256 = _text(entry["sha256"], 64)
        if not _SHA256.match(sha256):
            raise _Damaged(sha256)
        files.append(BackupFile(_relative_path(entry["path"]), sha256, _whole(entry["size"])))
    if len({f.path.casefold() for f in files}) != len(files):
        raise _Damaged("a file is listed twice")
    missing = manifest.get("missing_evidence", [])
    if not isinstance(missing, list) or not all(isinstance(s, str) and _SHA256.match(s) for s in missing):
        raise _Damaged("missing_evidence")
    revision = manifest.get("schema_revision")
    created_at = dt.datetime.fromisoformat(_text(manifest["created_at"], 64))
    return BackupInfo(
        folder=folder, created_at=created_at, app_version=_text(manifest["app_version"], 64),
        schema_revision=None if revision is None else _text(revision, 64),
        installation=_installation(manifest, version), files=tuple(files), missing_evidence=tuple(missing),
    )


# --- the files -------------------------------------------------------------------------------

class Progress:
    """Bytes done out of a known total, reported to the caller's progress callback."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.done = callback, total, 0

    def advance(self, amount: int) -> None:
        self.done += amount
        if self.callback is not None:
            self.callback(min(self.done, self.total), self.total)


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, refused (``OSError``) when it is a link or not a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return os.fdopen(fd, "rb")


def _unsafe(folder: Path, relative: str) -> bool:
    """Whether any component of ``folder/relative`` is a link or the file is not a regular file."""
    current = folder
    for part in PurePosixPath(relative).parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return False  # reported as missing
        if stat.S_ISLNK(mode):
            return True
    return not stat.S_ISREG(mode)


def check_contents(info: BackupInfo) -> None:
    """Every listed file present and safe; nothing unlisted among the data items."""
    if DATABASE not in {f.path for f in info.files}:
        raise StorageError("backup.file_missing", path=str(info.folder / DATABASE))
    listed = {f.path for f in info.files}
    for expected in info.files:
        source = info.folder / expected.path
        if _unsafe(info.folder, expected.path):
            raise StorageError("backup.unsafe_file", path=str(source))
        if not source.is_file():
            raise StorageError("backup.file_missing", path=str(source))
        if source.stat().st_size != expected.size:
            raise StorageError("backup.file_altered", path=str(source))
    for name in SIDE_FILES + (DATABASE + "-journal",):
        if os.path.lexists(info.folder / name):
            raise StorageError("backup.unexpected_file", path=str(info.folder / name))
    for item in DATA_ITEMS:
        root = info.folder / item
        if item == DATABASE or not os.path.lexists(root):
            continue
        if root.is_symlink() or not root.is_dir():
            raise StorageError("backup.unsafe_file", path=str(root))
        for base, folders, names in os.walk(root):
            for name in folders + names:
                path = Path(base) / name
                relative = path.relative_to(info.folder).as_posix()
                if path.is_symlink():
                    raise StorageError("backup.unsafe_file", path=str(path))
                if name in names and relative not in listed:
                    raise StorageError("backup.unexpected_file", path=str(path))


def _read_into(source: Path, expected: BackupFile, out: BinaryIO | None, progress: Progress,
               cancel: CancelToken | None) -> None:
    """Read ``source`` once (copying it to ``out`` when given), checking its size and hash on the way."""
    digest, remaining = hashlib.sha256(), expected.size
    with _open_regular(source) as stream:
        while remaining:
            check_cancelled(cancel)
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                break
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
            remaining -= len(chunk)
            progress.advance(len(chunk))
        if remaining or stream.read(1) or digest.hexdigest() != expected.sha256:
            raise StorageError("backup.file_altered", path=str(source))


def verify_files(info: BackupInfo, progress: ProgressCallback | None, cancel: CancelToken | None,
                 copy_to: Path | None = None) -> None:
    """Check every file (reading each once, copying it into ``copy_to`` on the way when given)."""
    check_contents(info)
    if copy_to is not None:
        free = shutil.disk_usage(copy_to).free
        if info.size > free:
            raise StorageError("backup.disk_full", path=str(copy_to.parent))
    tracker = Progress(progress, info.size)
    for expected in info.files:
        check_cancelled(cancel)
        source = info.folder / expected.path
        if copy_to is None:
            _read_into(source, expected, None, tracker, cancel)
            continue
        target = copy_to / expected.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            _read_into(source, expected, out, tracker, cancel)
            out.flush()
            os.fsync(out.fileno())


# --- the database ----------------------------------------------------------------------------

def unpack_database_evidence(staged: Path, cancel: CancelToken | None = None) -> int:
    """A shared office's backup restored onto one PC: the evidence its database holds (``evidence_content``,
    which only a shared office reads) written into the staged folder as the evidence files an office on one PC
    reads, each checked against its SHA-256 on the way, and the rows then removed from the staged database.
    Returns how many files were written. Nothing outside ``staged`` is touched: a refusal leaves the data folder
    as it was."""
    database = staged / DATABASE
    try:
        connection = sqlite3.connect(database)
    except sqlite3.Error as exc:
        raise StorageError("backup.io", path=str(database), problem=str(exc)) from exc
    try:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_content'"
                              ).fetchone() is None:
            return 0  # a schema from before shared offices
        rows = connection.execute("SELECT rowid, sha256 FROM evidence_content").fetchall()
        for rowid, sha256 in rows:
            check_cancelled(cancel)
            _unpack_one(connection, rowid, sha256, staged / EVIDENCE, database)
        if rows:
            connection.execute("DELETE FROM evidence_content")
            connection.commit()
            connection.execute("VACUUM")  # the restored database without the space the content took
    except sqlite3.Error as exc:
        raise StorageError("backup.io", path=str(database), problem=str(exc)) from exc
    finally:
        connection.close()
    return len(rows)


def _unpack_one(connection: sqlite3.Connection, rowid: int, sha256: object, evidence: Path, database: Path) -> None:
    where = f"{database} (evidence_content {sha256})"
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise StorageError("backup.file_altered", path=where)
    target = evidence / sha256[:2] / sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with connection.blobopen("evidence_content", "content", rowid, readonly=True) as blob, target.open("wb") as out:
        while chunk := blob.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != sha256:
        raise StorageError("backup.file_altered", path=where)


def check_schema(database: Path, *, immutable: bool = False) -> str | None:
    """The database's schema revision; refused when it is not a database or comes from a newer app."""
    try:
        revision = stamped_revision(database, "ro", immutable)
    except sqlite3.DatabaseError as exc:
        raise StorageError("backup.not_a_database", path=str(database)) from exc
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNewError("backup.schema_too_new", path=str(database), revision=revision)
    return revision


def check_database(database: Path, info: BackupInfo) -> None:
    """The backup's database is a CDS database of the installation the manifest names (that commune, or that
    office, and nothing of the other kind), of a schema this app knows.

    Read with ``immutable=1``: the file is a backup's (or its staged copy), never written while it is read,
    and any ``-wal`` file beside it has been refused.
    """
    revision = check_schema(database, immutable=True)
    uri = database.absolute().as_uri() + "?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise StorageError("backup.not_a_database", path=str(database))
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            unit = connection.execute("SELECT commune_code FROM unit").fetchall() if "unit" in tables else []
            office = connection.execute("SELECT code FROM office_identity").fetchall() \
                if "office_identity" in tables else []
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError("backup.not_a_database", path=str(database)) from exc
    owner = info.installation
    if owner.kind is InstallationKind.OFFICE:
        if revision is None or unit or office != [(owner.code,)]:
            raise StorageError("backup.wrong_office_database", path=str(database), office=owner.code)
    elif revision is None or office or unit != [(owner.code,)]:
        raise StorageError("backup.wrong_database", path=str(database), commune=owner.code)


def inspect_backup(folder: Path, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> BackupInfo:
    """What a backup folder holds, after checking its manifest, every file's hash and the database."""
    folder = Path(folder).expanduser().resolve()
    info = read_manifest(folder)
    try:
        verify_files(info, progress, cancel)
    except OSError as exc:
        raise StorageError("backup.io", path=str(folder), problem=exc.strerror or str(exc)) from exc
    check_database(folder / DATABASE, info)
    return info


def read_backup(folder: Path, progress: ProgressCallback | None = None,
                cancel: CancelToken | None = None) -> BackupInfo:
    """What a backup folder says it holds — its manifest, its files' presence and sizes, and its database —
    without reading every file (``restore`` verifies each file while it copies it). For the confirmation
    before a restore, so that the files are read once, by the restore itself (same parameters as
    ``inspect_backup``, which ``cds backup check`` uses to hash everything)."""
    check_cancelled(cancel)
    folder = Path(folder).expanduser().resolve()
    info = read_manifest(folder)
    check_contents(info)
    check_database(folder / DATABASE, info)
    return info
