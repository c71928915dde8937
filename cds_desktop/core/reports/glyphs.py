"""What the report font can draw, and a visible stand-in for what it cannot.

Liberation Serif covers Latin (Vietnamese included), Greek, Cyrillic and Hebrew, not emoji, Chinese, Japanese,
Korean, Arabic, Thai and most other scripts; a character outside its character map would be drawn as an empty
glyph, so it would vanish from the printed report without a word. ``drawable`` replaces each such character by
its code point in brackets (``😀`` → ``[U+1F600]``), which the report reader can see and look up; no fallback
font is embedded (one covering CJK alone would weigh several megabytes).

Tabs become spaces and ``\\r\\n``/``\\r`` line breaks become ``\\n``; emoji variation selectors are dropped (they
only choose how the replaced emoji before them would have looked). Everything else outside the map (control
characters, lone surrogates, other scripts) is replaced.

The replacements made while ``counting_replacements()`` is active are collected, so that a report build can say
how many characters it replaced (``report.warning.undrawable``).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterator

from reportlab.pdfbase import pdfmetrics

from cds_desktop.core.reports.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts

_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_LINE_BREAKS = re.compile("\r\n?")
_SURROGATES = re.compile("[\ud800-\udfff]")
_replaced: ContextVar[list[str] | None] = ContextVar("replaced_characters", default=None)


@lru_cache(maxsize=1)
def drawable_characters() -> frozenset[int]:
    """Code points every face of the report font draws with a glyph of its own (control characters excluded)."""
    register_fonts()
    faces = [pdfmetrics.getFont(name).face.charToGlyph for name in (REGULAR, BOLD, ITALIC, BOLD_ITALIC)]
    common = set.intersection(*({code for code, glyph in face.items() if glyph} for face in faces))
    return frozenset(code for code in common if code >= 0x20 and not 0x7F <= code < 0xA0)


def _stand_in(match: re.Match[str]) -> str:
    return "".join(f"[U+{ord(character):04X}]" for character in match.group())


@lru_cache(maxsize=1)
def _undrawable() -> re.Pattern[str]:
    """A pattern of runs of characters outside ``drawable_characters`` (line breaks kept)."""
    ranges, start, previous = [], None, None
    for code in sorted(drawable_characters() | {0x0A}):
        if start is None:
            start = previous = code
        elif code == previous + 1:
            previous = code
        else:
            ranges.append((start, previous))
            start = previous = code
    ranges.append((start, previous))
    covered = "".join(re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else "") for low, high in ranges)
    return re.compile(f"[^{covered}]+")


def drawable(text: str) -> str:
    """``text`` with every character the report font cannot draw replaced by ``[U+XXXX]`` (and counted, when
    ``counting_replacements`` is active)."""
    text = _VARIATION_SELECTORS.sub("", _LINE_BREAKS.sub("\n", text.replace("\t", " ")))
    sink = _replaced.get()
    if sink is not None:
        sink.extend(character for run in _undrawable().findall(text) for character in run)
    return _undrawable().sub(_stand_in, text)


def encodable(text: str) -> str:
    """Text for the PDF's document information (title, author, subject), which is not drawn: every character is
    kept but lone surrogates (from a JSON escape), which cannot be written, become U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


@contextmanager
def counting_replacements() -> Iterator[list[str]]:
    """Collect, in the list yielded, every character ``drawable`` replaces inside the ``with`` block."""
    collected: list[str] = []
    token = _replaced.set(collected)
    try:
        yield collected
    finally:
        _replaced.reset(token)
