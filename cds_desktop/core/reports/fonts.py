"""The report typeface: Liberation Serif 2.x (metric-compatible with Times New Roman, full Vietnamese).

The four TrueType files in ``resources/fonts/`` are registered with reportlab once per process as one family,
so that ``<b>``/``<i>`` markup picks the right face. TrueType fonts registered this way are embedded in every
PDF as subsets (``FontFile2``), so the report prints the same on a machine without the font.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from cds_desktop.core.errors import ReportError
from cds_desktop.core.resources import fonts_dir

FAMILY = "LiberationSerif"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"

_FACES = (  # (reportlab font name, file name, bold, italic)
    (REGULAR, "LiberationSerif-Regular.ttf", 0, 0),
    (BOLD, "LiberationSerif-Bold.ttf", 1, 0),
    (ITALIC, "LiberationSerif-Italic.ttf", 0, 1),
    (BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf", 1, 1),
)


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the Liberation Serif family with reportlab (once) and return the family name.

    Raises ``ReportError("report.font_missing")`` when a font file is missing or unreadable.
    """
    for name, file_name, bold, italic in _FACES:
        path = fonts_dir() / file_name
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError) as exc:
            raise ReportError("report.font_missing", path=str(path), problem=str(exc)) from exc
        addMapping(FAMILY, bold, italic, name)
    return FAMILY
