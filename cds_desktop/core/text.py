"""Text hygiene at the boundary: every piece of user text is NFC-normalized and trimmed.

NFD Vietnamese (decomposed tone marks) renders with misplaced marks and compares unequal, so text is
normalized where it enters: plan files, CLI arguments, forms, imported bundles.
"""

from __future__ import annotations

import unicodedata

# Text direction overrides and isolates: they make a name display differently from what it is.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str | None:
    """NFC-normalize and strip; ``None`` and blank text become ``None``."""
    if text is None:
        return None
    text = nfc(text).strip()
    return text or None


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)
