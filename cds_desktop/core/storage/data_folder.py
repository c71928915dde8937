"""Opening a data folder: finish an interrupted restore, clear what crashed processes left, open the database.

``open_data_folder`` is the one function both services (commune and office) call when they open a data
folder. In order:

1. **An interrupted restore is finished.** A restore copies and verifies the backup into a staging folder
   first (nothing of the data changes yet), then — under the folder's restore lock — renames the staging
   folder to ``.restore-<id>.ready`` and writes ``restore-journal.json``; from that moment the restore is
   decided and is rolled forward: each current item is moved aside into ``backups/before-restore-…/`` and
   the restored one moved in, each step done at most once, so a crash at any moment is finished by the next
   process that opens the folder (``finish_interrupted_restore``). A process that opens the folder while
   another one is swapping waits for it.
2. **Abandoned temporaries are removed** (``clean_up``): ``.part`` files of atomic writes and evidence
   copies, restore staging folders, import quarantine folders (which hold decrypted evidence), and the
   partial backup folders and bundle temporaries in folders outside the data folder that were registered
   with ``remember_work_folder``. Only what is provably abandoned goes (``fileio`` ownership locks): a
   temporary another live process is writing is left alone. Nothing here fails the opening: a read-only or
   full folder keeps its leftovers until it can be written.
3. **The database is opened** (``database.open_database``): migrated, or read-only when the folder cannot be
   written.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Engine

from cds_desktop.core.errors import StorageError
from cds_desktop.core.fileio import fsync_folder, storage_error, sweep_abandoned, try_lock, write_atomic
from cds_desktop.core.paths import DataDir
from cds_desktop.core.storage.database import open_database
from cds_desktop.core.storage.server import open_server_database, read_server_settings

DATABASE = "cds.sqlite"
DATA_ITEMS = (DATABASE, "evidence", "keys", "plans")  # what a backup holds and a restore replaces
SIDE_FILES = (DATABASE + "-wal", DATABASE + "-shm")  # moved aside with the database, never restored
RESTORE_LOCK = ".cds-restore.lock"
RESTORE_JOURNAL = "restore-journal.json"
READY_SUFFIX = ".ready"
STAGING_PREFIX, STAGING_SUFFIX = ".restore-", ".staging"
RESTORE_WAIT_SECONDS = 60.0

WORK_FOLDERS = "work-folders.json"  # folders outside the data folder where temporaries were made
BACKUP_WORK_PREFIX, BACKUP_WORK_SUFFIX = ".CDS-backup-", ".partial"
EXPORT_WORK_PREFIX = ".cds-export-"  # a bundle being written, before it is moved to its final name
MOVE_WORK_PREFIX = ".moving-"
OUTSIDE_PATTERNS = (f"{BACKUP_WORK_PREFIX}*{BACKUP_WORK_SUFFIX}", f"{EXPORT_WORK_PREFIX}*", f"{MOVE_WORK_PREFIX}*",
                    ".*.cdsb.*.part")  # the last: bundles older versions wrote straight into the export folder
MAX_WORK_FOLDERS = 32

_INSIDE_PATTERNS = {  # sub-folder ("" = the data folder itself) → temporaries that may be left there
    "": (f"{STAGING_PREFIX}*{STAGING_SUFFIX}", STAGING_PREFIX + "[0-9a-f]" * 32, "*.part"),  # + older versions' staging
    "evidence": ("*.part",),
    "quarantine": ("*",),
    "keys": ("*.part",),
    "plans": ("*.part",),
    "backups": ("*.part",),
    "logs": ("*.part",),
}


def open_data_folder(data_dir: DataDir, password: str | None = None) -> Engine:
    """Finish an interrupted restore, remove abandoned temporaries, then open the folder's database: its
    ``cds.sqlite``, or the shared office's PostgreSQL database its ``office-server.json`` names (``password``:
    typed at start, else PostgreSQL's password file decides)."""
    try:
        data_dir.ensure()
    except OSError as exc:
        if not data_dir.root.is_dir():
            raise storage_error(exc, data_dir.root) from exc  # a read-only folder with missing parts still opens
    finish_interrupted_restore(data_dir)
    clean_up(data_dir)
    server = read_server_settings(data_dir.root)
    if server is not None:
        return open_server_database(server, password)
    return open_database(data_dir.database, data_dir.backups)


# --- abandoned temporaries -------------------------------------------------------------------

def clean_up(data_dir: DataDir) -> list[Path]:
    """Remove the abandoned temporaries of the data folder and of its registered work folders; returns them."""
    removed: list[Path] = []
    for sub_folder, patterns in _INSIDE_PATTERNS.items():
        removed += sweep_abandoned(data_dir.root / sub_folder if sub_folder else data_dir.root, patterns)
    registered = _work_folders(data_dir)
    still_used = []
    for folder in registered:
        removed += sweep_abandoned(folder, OUTSIDE_PATTERNS)
        if not folder.is_dir() or _has_temporaries(folder):
            still_used.append(folder)  # an unplugged drive, or a live process still writing there
    if len(still_used) != len(registered):
        _save_work_folders(data_dir, still_used)
    return removed


def _has_temporaries(folder: Path) -> bool:
    try:
        return any(fnmatch.fnmatch(entry.name, p) for entry in folder.iterdir() for p in OUTSIDE_PATTERNS)
    except OSError:
        return True


def _work_folders(data_dir: DataDir) -> list[Path]:
    try:
        listed = json.loads((data_dir.root / WORK_FOLDERS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(listed, list):
        return []
    return [Path(item) for item in listed if isinstance(item, str) and item]


def _save_work_folders(data_dir: DataDir, folders: list[Path]) -> None:
    text = json.dumps([str(f) for f in folders[-MAX_WORK_FOLDERS:]], ensure_ascii=False, indent=2)
    with contextlib.suppress(StorageError):  # only a missed clean-up: the next export or backup there sweeps it
        write_atomic(data_dir.root / WORK_FOLDERS, text.encode("utf-8"))


def remember_work_folder(data_dir: DataDir, folder: Path) -> None:
    """Note that temporaries are about to be made in ``folder`` (outside the data folder), so that the next
    start removes them if this process dies; and remove the abandoned ones already there."""
    folder = Path(folder).absolute()
    sweep_abandoned(folder, OUTSIDE_PATTERNS)
    known = _work_folders(data_dir)
    if folder not in known:
        _save_work_folders(data_dir, [*known, folder])


# --- restoring -------------------------------------------------------------------------------

@contextlib.contextmanager
def restore_lock(data_dir: DataDir, wait: float = RESTORE_WAIT_SECONDS) -> Iterator[None]:
    """Hold the data folder's restore lock (waiting up to ``wait`` seconds for another process's swap)."""
    try:
        fd = os.open(data_dir.root / RESTORE_LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as exc:
        raise storage_error(exc, data_dir.root) from exc
    try:
        deadline = time.monotonic() + wait
        while not try_lock(fd):
            if time.monotonic() > deadline:
                raise StorageError("backup.restore_in_progress", path=str(data_dir.root))
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def commit_restore(data_dir: DataDir, staging: Path, aside: Path, ensure_not_in_use: Callable[[], None]) -> None:
    """Swap the verified ``staging`` folder's items into the data folder, keeping the current ones in ``aside``.

    Once the journal is written the restore is decided: a crash from then on is finished by the next
    ``open_data_folder``. ``ensure_not_in_use`` runs after the journal exists (so no process can start using
    the folder unnoticed) and before anything moves; if it raises, the restore is called off. A failure while
    swapping (``OSError``) puts everything back as it was and is raised.
    """
    root = data_dir.root
    with restore_lock(data_dir):
        ready = root / f"{STAGING_PREFIX}{uuid.uuid4().hex}{READY_SUFFIX}"
        os.replace(staging, ready)
        journal = {"ready": ready.name, "aside": aside.relative_to(root).as_posix(),
                   "items": sorted(p.name for p in ready.iterdir() if p.name in DATA_ITEMS)}
        try:
            write_atomic(root / RESTORE_JOURNAL, json.dumps(journal, indent=2).encode("utf-8"))
            ensure_not_in_use()
        except BaseException:
            (root / RESTORE_JOURNAL).unlink(missing_ok=True)
            shutil.rmtree(ready, ignore_errors=True)
            raise
        try:
            _roll_forward(root, journal)
        except OSError:
            _roll_back(root, journal)
            raise


def finish_interrupted_restore(data_dir: DataDir) -> bool:
    """Finish a restore that a crashed process had decided (its journal exists); True if there was one."""
    root = data_dir.root
    if not (root / RESTORE_JOURNAL).exists() and not any(root.glob(f"{STAGING_PREFIX}*{READY_SUFFIX}")):
        return False
    with restore_lock(data_dir):
        try:
            journal = json.loads((root / RESTORE_JOURNAL).read_text(encoding="utf-8"))
        except FileNotFoundError:
            journal = None  # finished meanwhile, or called off before it was written
        except (OSError, ValueError) as exc:
            raise StorageError("storage.io", path=str(root / RESTORE_JOURNAL), problem=str(exc)) from exc
        if journal is not None:
            try:
                _roll_forward(root, journal)
            except OSError as exc:
                raise storage_error(exc, root) from exc
        for leftover in root.glob(f"{STAGING_PREFIX}*{READY_SUFFIX}"):  # decided but never journaled
            shutil.rmtree(leftover, ignore_errors=True)
    return journal is not None


def _roll_forward(root: Path, journal: dict) -> None:
    """Move the current items aside and the restored ones in; every step is skipped when already done."""
    ready, aside = root / journal["ready"], root / journal["aside"]
    restored = set(journal["items"])
    aside.mkdir(parents=True, exist_ok=True)
    for name in (*SIDE_FILES, *DATA_ITEMS):
        current = root / name
        already_restored = name in restored and not (ready / name).exists()
        if (current.exists() or current.is_symlink()) and not already_restored and not (aside / name).exists():
            os.replace(current, aside / name)
    for name in sorted(restored):
        if (ready / name).exists():
            os.replace(ready / name, root / name)
    fsync_folder(root)
    (root / RESTORE_JOURNAL).unlink(missing_ok=True)
    fsync_folder(root)
    shutil.rmtree(ready, ignore_errors=True)


def _roll_back(root: Path, journal: dict) -> None:
    """Undo a swap that failed half-way: the restored items back to the staging folder, the kept ones back in
    (a crash while undoing leaves the journal, and the next start finishes the restore instead)."""
    ready, aside = root / journal["ready"], root / journal["aside"]
    for name in journal["items"]:
        if (root / name).exists() and not (ready / name).exists():
            os.replace(root / name, ready / name)
    for name in (*SIDE_FILES, *DATA_ITEMS):
        if (aside / name).exists() or (aside / name).is_symlink():
            os.replace(aside / name, root / name)
    fsync_folder(root)
    (root / RESTORE_JOURNAL).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        aside.rmdir()
    shutil.rmtree(ready, ignore_errors=True)
