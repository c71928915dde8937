"""Page geometry and paragraph styles of the official reports (Decree 30/2020/NĐ-CP, Appendix I).

A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Liberation Serif (Times-compatible);
body 13 pt justified with a first-line indent; tables 11 pt; "Nơi nhận" 12 pt bold italic over an 11 pt list.
``paragraph`` is the one way report text becomes a Paragraph: it escapes the text, so "Sở KH&CN", "<5%" or
"<font …>" in the data is printed as typed and cannot break or drive reportlab's markup, and it replaces what
the font cannot draw by a visible ``[U+XXXX]`` (``glyphs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from cds_desktop.core.reports.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts
from cds_desktop.core.reports.glyphs import drawable

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

BODY_SIZE = 13
TABLE_SIZE = 11


@dataclass(frozen=True)
class Styles:
    """Every paragraph style the reports use, named by role."""

    issuer_parent: ParagraphStyle  # governing body above the issuer, regular upper case
    issuer: ParagraphStyle  # issuing body, bold upper case
    number: ParagraphStyle  # "Số: 05/BC-UBND"
    national_title: ParagraphStyle  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: ParagraphStyle  # "Độc lập - Tự do - Hạnh phúc"
    date_line: ParagraphStyle
    title: ParagraphStyle  # "BÁO CÁO"
    subject: ParagraphStyle
    body: ParagraphStyle
    heading: ParagraphStyle  # "I. TÓM TẮT KẾT QUẢ"
    caption: ParagraphStyle  # chart and table captions
    cell: ParagraphStyle
    cell_centered: ParagraphStyle
    cell_header: ParagraphStyle
    cell_group: ParagraphStyle  # a group heading row inside a table
    signature: ParagraphStyle
    signer_name: ParagraphStyle
    recipients_title: ParagraphStyle
    recipient: ParagraphStyle


def _style(name: str, font: str, size: float, alignment: int = TA_LEFT, **extra: float) -> ParagraphStyle:
    """A style with single line spacing (1.2 × size) unless ``extra`` says otherwise.

    Justified lines are never squeezed (reportlab may shrink spaces by 5 % by default): a line's natural
    width always fits the frame, as in a word processor.
    """
    settings = {"leading": round(size * 1.2, 1), "spaceShrinkage": 0, **extra}
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=alignment, **settings)


@lru_cache(maxsize=1)
def styles() -> Styles:
    """The styles, built once after the fonts are registered."""
    register_fonts()
    return Styles(
        issuer_parent=_style("issuer_parent", REGULAR, 12.5, TA_CENTER),
        issuer=_style("issuer", BOLD, 12.5, TA_CENTER),
        number=_style("number", REGULAR, BODY_SIZE, TA_CENTER),
        national_title=_style("national_title", BOLD, 12, TA_CENTER),
        motto=_style("motto", BOLD, BODY_SIZE, TA_CENTER),
        date_line=_style("date_line", ITALIC, BODY_SIZE, TA_CENTER),
        title=_style("title", BOLD, 14, TA_CENTER, spaceBefore=6 * mm),
        subject=_style("subject", BOLD, 14, TA_CENTER),
        body=_style("body", REGULAR, BODY_SIZE, TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4, leading=17),
        heading=_style("heading", BOLD, BODY_SIZE, TA_LEFT, spaceBefore=6, spaceAfter=4),
        caption=_style("caption", ITALIC, 12, TA_CENTER, spaceBefore=2, spaceAfter=6),
        cell=_style("cell", REGULAR, TABLE_SIZE),
        cell_centered=_style("cell_centered", REGULAR, TABLE_SIZE, TA_CENTER),
        cell_header=_style("cell_header", BOLD, TABLE_SIZE, TA_CENTER),
        cell_group=_style("cell_group", BOLD_ITALIC, TABLE_SIZE),
        signature=_style("signature", BOLD, BODY_SIZE, TA_CENTER),
        signer_name=_style("signer_name", BOLD, BODY_SIZE, TA_CENTER),
        recipients_title=_style("recipients_title", BOLD_ITALIC, 12),
        recipient=_style("recipient", REGULAR, TABLE_SIZE, leading=12.5),
    )


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """``text`` (plain, from the data or the catalog) as a Paragraph, printed literally: markup characters are
    escaped, characters the font cannot draw replaced by ``[U+XXXX]`` (``glyphs.drawable``); line breaks are kept."""
    return Paragraph(escape(drawable(text)).replace("\n", "<br/>"), style)
