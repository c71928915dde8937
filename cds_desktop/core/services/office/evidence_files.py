"""The evidence files of a submission, opened or saved from verified copies.

The office keeps each evidence file once, by its SHA-256, in its evidence store (``evidence/ab/abcd…`` on one PC,
the database's ``evidence_content`` for a shared office: ``OfficeBase.evidence_store``). Before anyone sees a file,
the office copies it out of the store in chunks and checks, while copying, that its content still has the SHA-256
and size the signed report named: a file changed or damaged in the store is refused (``office.evidence_altered``)
and no copy is left; a file gone from the store is ``office.evidence_missing``.

``evidence_to_open`` puts the copy, under the commune's name for it (made safe as a file name), in a folder the
caller owns (a temporary folder of the desktop), for the system's viewer. Only kinds of documents a viewer
shows without running anything (PDF, pictures, office documents, text …) are opened that way; any other file
(a program, a script, a shortcut …) is refused (``office.evidence_not_viewable``) and can only be saved
(``save_evidence``) to be looked at with care.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from pathlib import Path
from typing import BinaryIO, Iterator

from cds_desktop.core.bundle.names import check_entry_name, printable
from cds_desktop.core.errors import BundleError, InputError, StorageError
from cds_desktop.core.fileio import atomic_writer
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.storage.queries import office_submission as queries
from cds_desktop.core.text import BIDI_CONTROLS

CHUNK = 1024 * 1024
MAX_NAME_LENGTH = 120  # characters, as ``bundle.names`` allows for one component
MAX_NAME_BYTES = 240  # of UTF-8: most file systems take 255
VIEWABLE_SUFFIXES = frozenset({
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf", ".txt", ".csv",
    ".mp3", ".m4a", ".wav", ".mp4", ".mov", ".avi", ".mkv",
})
_FORBIDDEN = frozenset('\\/:*?"<>|')


def viewing_name(name: str, sha256: str) -> str:
    """``name`` as a file name every system stores as written (``bundle.names``' rule for one component): no
    folders, control or direction characters, reserved characters, leading or trailing dots and spaces, at most
    ``MAX_NAME_LENGTH`` characters and ``MAX_NAME_BYTES`` bytes, the extension kept; ``evidence-<hash>.<ext>``
    when that is not enough (a device name such as ``CON.pdf``, nothing left)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join("_" if ch in _FORBIDDEN or unicodedata.category(ch) == "Cc" else ch
                   for ch in text if ch not in BIDI_CONTROLS).strip(" .")
    stem, dot, extension = text.rpartition(".")
    if not dot:
        stem, extension = text, ""
    extension = f".{extension}" if extension and len(extension) <= 16 else ""
    stem = stem[: MAX_NAME_LENGTH - len(extension)]
    while len((stem + extension).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .")
    try:
        check_entry_name(stem + extension)
    except BundleError:
        return f"evidence-{sha256[:12]}{extension}"
    return stem + extension


def is_viewable(name: str) -> bool:
    """Whether a file of this name may be handed to the system's viewer (its kind shows, never runs)."""
    return Path(viewing_name(name, "0" * 12)).suffix.casefold() in VIEWABLE_SUFFIXES


class EvidenceFiles(OfficeBase):
    def evidence_to_open(self, evidence_id: int, folder: Path) -> Path:
        """A verified copy of the evidence file, for the system's viewer, in ``folder``: the path to open."""
        row = self._evidence_row(evidence_id)
        if not is_viewable(row.name):
            raise InputError("office.evidence_not_viewable", name=printable(row.name))
        target = Path(folder) / row.sha256[:16] / viewing_name(row.name, row.sha256)
        if _copy_made_before(target, row):
            self._check_stored(row)  # the copy is the one made before; the store is checked again all the same
            return target
        self._copy_verified(row, target)
        return target

    def save_evidence(self, evidence_id: int, target: Path) -> Path:
        """Write a verified copy of the evidence file at ``target`` (a path the person chose)."""
        row = self._evidence_row(evidence_id)
        self._copy_verified(row, Path(target))
        return Path(target)

    def evidence_name(self, evidence_id: int) -> str:
        """The file name a copy of the evidence file gets (the commune's name, made safe)."""
        row = self._evidence_row(evidence_id)
        return viewing_name(row.name, row.sha256)

    def _evidence_row(self, evidence_id: int) -> queries.EvidenceRow:
        with self.repo.reading() as session:
            row = queries.evidence_file(session, evidence_id)
        if row is None:
            raise InputError("office.no_evidence", evidence=evidence_id)
        return row

    def _check_stored(self, row: queries.EvidenceRow) -> None:
        with self._stored(row) as source:
            if _digest(source) != (row.sha256, row.size):
                raise self._altered(row)

    def _copy_verified(self, row: queries.EvidenceRow, target: Path) -> None:
        """Copy the stored content to ``target``, hashing it on the way; nothing is left at ``target`` unless
        its content is the one the report named."""
        with self._stored(row) as source, atomic_writer(target) as out:
            if _digest(source, out) != (row.sha256, row.size):
                raise self._altered(row)

    @contextlib.contextmanager
    def _stored(self, row: queries.EvidenceRow) -> Iterator[BinaryIO]:
        with self.evidence_store.open_content(row.sha256) as source:
            if source is None:
                raise StorageError("office.evidence_missing", name=printable(row.name),
                                   path=self.evidence_store.location_of(row.sha256))
            yield source

    def _altered(self, row: queries.EvidenceRow) -> StorageError:
        return StorageError("office.evidence_altered", name=printable(row.name), sha256=row.sha256,
                            path=self.evidence_store.location_of(row.sha256))


def _copy_made_before(target: Path, row: queries.EvidenceRow) -> bool:
    """``target`` holds the file already (opened before, perhaps still open in the viewer: not written again)."""
    try:
        if not target.is_file():
            return False
        with target.open("rb") as stream:
            return _digest(stream) == (row.sha256, row.size)
    except OSError:
        return False


def _digest(source: BinaryIO, out: BinaryIO | None = None) -> tuple[str, int]:
    """The SHA-256 and size of what ``source`` holds, read in chunks (each written to ``out`` when given)."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest(), size
