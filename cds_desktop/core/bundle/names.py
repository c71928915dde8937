"""Entry names: which paths may name a bundle entry and so become a file in a quarantine folder.

A name is a relative path with ``/`` between components. It must be NFC, at most 255 bytes of UTF-8 and 8
components deep, and each component must be a name every supported system (Windows, macOS, Linux) stores as
written: no ``.`` or ``..``, no control characters, lone surrogates or ``\\ : * ? " < > |``, no trailing dot or
space, no leading space, not a reserved Windows device name (``CON``, ``NUL``, ``COM1``, ``LPT1`` … with or without
an extension).
Names in one bundle must differ even ignoring case, and no name may be the folder of another.
"""

from __future__ import annotations

import re
from typing import Iterable

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.errors import BundleError
from cds_desktop.core.text import is_nfc

MAX_NAME_BYTES = 255
MAX_COMPONENT_LENGTH = 120
MAX_DEPTH = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f\ud800-\udfff\\:*?"<>|]')
_RESERVED_STEMS = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in [*"123456789", "¹", "²", "³"]]
)


def printable(name: str) -> str:
    """``name`` with control characters escaped, safe to put into a message."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", name)


def _component_is_safe(component: str) -> bool:
    return (
        0 < len(component) <= MAX_COMPONENT_LENGTH
        and component not in (".", "..")
        and not _FORBIDDEN.search(component)
        and not component.endswith((".", " "))
        and not component.startswith(" ")
        and component.split(".", 1)[0].rstrip(" ").casefold() not in _RESERVED_STEMS
    )


def check_entry_name(name: str) -> None:
    """Raise ``bundle.entry_name_not_nfc`` or ``bundle.entry_name_unsafe`` unless ``name`` is a safe entry name."""
    if not is_nfc(name):
        raise BundleError(Code.ENTRY_NAME_NOT_NFC, name=printable(name))
    components = name.split("/")
    if (
        len(name.encode("utf-8", "replace")) > MAX_NAME_BYTES
        or len(components) > MAX_DEPTH
        or not all(_component_is_safe(c) for c in components)
    ):
        raise BundleError(Code.ENTRY_NAME_UNSAFE, name=printable(name))


def check_entry_names(names: Iterable[str]) -> None:
    """Check each name, then that no two collide on a case-insensitive system and none is another's folder."""
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    for name in names:
        check_entry_name(name)
        key = name.casefold()
        clash = files.get(key) or folders.get(key)
        parents = ["/".join(key.split("/")[:depth]) for depth in range(1, key.count("/") + 1)]
        clash = clash or next((files[p] for p in parents if p in files), None)
        if clash is not None:
            raise BundleError(Code.ENTRY_NAME_DUPLICATE, name=printable(name), other=printable(clash))
        files[key] = name
        for parent in parents:
            folders.setdefault(parent, name)
