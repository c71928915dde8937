"""Reading the small files people hand to either side: key, enrolment, receipt and commune-list files.

A bounded read (a file larger than any valid one is refused by its reader from its size, never read whole) with
one typed error when the file cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path

from cds_desktop.core.errors import InputError

MAX_KEY_FILE_READ = 1024 * 1024  # the largest key file (org-keys); readers refuse anything larger by its size


def read_key_file(path: Path, limit: int = MAX_KEY_FILE_READ) -> bytes:
    """At most ``limit`` + 1 bytes of a key, receipt or list file (enough for its reader to refuse a larger one);
    ``InputError("keys.unreadable_file")`` when it cannot be read."""
    try:
        with open(path, "rb") as stream:
            return stream.read(limit + 1)
    except OSError as exc:
        raise InputError("keys.unreadable_file", path=str(path), problem=exc.strerror or str(exc)) from None
