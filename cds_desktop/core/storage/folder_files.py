"""Adopting a data folder's files into a (server) database: what other staff PCs of a shared office need.

An office on one PC keeps its sealed private keys in ``keys/<file_name>`` and the evidence of submissions in
``evidence/ab/abcdef…``; a shared office keeps them in its database (migration 0008): ``office_key.sealed`` and
``evidence_content``. ``adopt_folder_files(root, connection)`` puts them there, inside the caller's transaction:

- each ``office_key`` row whose ``sealed`` is NULL gets the bytes of ``keys/<file_name>`` (a missing key file is
  refused: ``server_move.key_file_missing``);
- each evidence file referred to by ``submission_evidence`` and not yet in ``evidence_content`` is read in chunks,
  its SHA-256 and size checked on the way (``server_move.evidence_damaged`` otherwise) and inserted; one that is
  not in the folder is counted as missing (a backup lists such files as ``missing_evidence`` too).

``verify_folder_files(connection)`` then proves it: every key sealed, and every stored evidence's content hashing
to its name with its size (computed by the server on PostgreSQL, here on SQLite).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import Connection, text

from cds_desktop.core.errors import StorageError
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

CHUNK = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class AdoptedFiles:
    keys: int  # key files sealed into office_key
    evidence: int  # evidence files stored into evidence_content
    missing_evidence: tuple[str, ...]  # referred to, but in neither the folder nor the database


def adopt_folder_files(root: Path, connection: Connection, now: dt.datetime,
                       progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> AdoptedFiles:
    """Put the key and evidence files of the data (or backup) folder ``root`` into the database of ``connection``;
    ``progress(done, total)`` counts files."""
    keys = connection.execute(text("SELECT key_id, file_name FROM office_key WHERE sealed IS NULL "
                                   "ORDER BY key_id")).all()
    wanted = connection.execute(text(
        "SELECT DISTINCT e.sha256, e.size FROM submission_evidence e WHERE NOT EXISTS "
        "(SELECT 1 FROM evidence_content c WHERE c.sha256 = e.sha256) ORDER BY e.sha256")).all()
    total, done = len(keys) + len(wanted), 0
    for key_id, file_name in keys:
        check_cancelled(cancel)
        path = root / "keys" / file_name
        if Path(file_name).name != file_name or not path.is_file():
            raise StorageError("server_move.key_file_missing", key=key_id, path=str(path))
        connection.execute(text("UPDATE office_key SET sealed = :sealed WHERE key_id = :key_id"),
                           {"sealed": _read(path), "key_id": key_id})
        done += 1
        _report(progress, done, total)
    missing: list[str] = []
    stored = 0
    for sha256, size in wanted:
        path = root / "evidence" / sha256[:2] / sha256
        if not path.is_file():
            missing.append(sha256)
        else:
            content = _read_checked(path, sha256, size, cancel)
            connection.execute(text("INSERT INTO evidence_content (sha256, size, content, stored_at) "
                                    "VALUES (:sha256, :size, :content, :stored_at)"),
                               {"sha256": sha256, "size": size, "content": content, "stored_at": now})
            stored += 1
        done += 1
        _report(progress, done, total)
    return AdoptedFiles(len(keys), stored, tuple(missing))


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError("storage.io", path=str(path), problem=exc.strerror or str(exc)) from exc


def _read_checked(path: Path, sha256: str, size: int, cancel: CancelToken | None) -> bytes:
    """The file's bytes, read in chunks and checked against the hash and size it is stored under."""
    digest, chunks = hashlib.sha256(), []
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                check_cancelled(cancel)
                digest.update(chunk)
                chunks.append(chunk)
    except OSError as exc:
        raise StorageError("storage.io", path=str(path), problem=exc.strerror or str(exc)) from exc
    content = b"".join(chunks)
    if digest.hexdigest() != sha256 or len(content) != size:
        raise StorageError("server_move.evidence_damaged", path=str(path))
    return content


def verify_folder_files(connection: Connection, missing: tuple[str, ...] = ()) -> None:
    """Every office key sealed; every referred evidence stored (but for ``missing``) with content hashing to its
    name and of its size. ``server_move.files_differ`` names what is not."""
    unsealed = connection.execute(text("SELECT key_id FROM office_key WHERE sealed IS NULL ORDER BY key_id")).first()
    if unsealed is not None:
        raise StorageError("server_move.files_differ", what=f"office_key {unsealed[0]}")
    absent = connection.execute(text(
        "SELECT DISTINCT e.sha256 FROM submission_evidence e WHERE NOT EXISTS "
        "(SELECT 1 FROM evidence_content c WHERE c.sha256 = e.sha256) ORDER BY e.sha256")).scalars().all()
    if set(absent) - set(missing):
        raise StorageError("server_move.files_differ", what=f"evidence {sorted(set(absent) - set(missing))[0]}")
    if connection.dialect.name == "postgresql":
        wrong = connection.execute(text(
            "SELECT sha256 FROM evidence_content WHERE encode(sha256(content), 'hex') <> sha256 "
            "OR length(content) <> size ORDER BY sha256")).scalars().first()
    else:
        wrong = next((sha256 for sha256, size, content in connection.execute(
            text("SELECT sha256, size, content FROM evidence_content ORDER BY sha256"))
            if hashlib.sha256(content).hexdigest() != sha256 or len(content) != size), None)
    if wrong is not None:
        raise StorageError("server_move.files_differ", what=f"evidence {wrong}")
