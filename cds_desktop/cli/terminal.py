"""Text from files and bundles, made safe to print on a terminal.

A commune's record, an evidence file name, an org-keys or enrollment file can hold control characters: an ESC
sequence recolours or rewrites the terminal, a carriage return hides what came before, U+202E turns the rest of
the line around. ``terminal_safe`` writes every such character as a visible escape (``\\u001b``, ``\\u202e``)
and leaves all other text — Vietnamese included — as it is. The CLI passes every value that came from a file or
a bundle through it before printing (``--json`` output is JSON, which escapes control characters itself).
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, and the invisible characters that change how a line reads: bidirectional marks,
# embeddings, overrides and isolates, zero-width characters, line and paragraph separators, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def terminal_safe(value: Any) -> str:
    """``value`` as text with every control or direction-changing character escaped (``None``: empty)."""
    if value is None:
        return ""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", str(value))
