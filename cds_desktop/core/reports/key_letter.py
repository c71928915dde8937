"""The letter (công văn, Decree 30/2020/NĐ-CP layout) that goes with the office's key file: one page that tells the
communes what the file is and carries the office's root fingerprint in large type, so that a commune can compare
it with what its screen shows when it imports the file — on paper, or read aloud on the phone.

Body: "Kính gửi" the communes; what the file is (name, list version, valid until, how many communes it lists);
the fingerprint, two lines of four groups in a box; what to do when it does not match; what comes next (each
commune's enrolment file, whose fingerprint the office confirms by phone). The fingerprint is printed in the same
groups of four the screens show, letters A–Z and digits 2–7 only (no 0, 1, 8 or 9 to mistake for O, I, B or g).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from cds_desktop.core.i18n import LANGUAGES, translate
from cds_desktop.core.reports.blocks import END_MARK, body_text
from cds_desktop.core.reports.data import DocumentInfo, ReportWarning, undrawable_warnings
from cds_desktop.core.reports.fonts import BOLD, register_fonts
from cds_desktop.core.reports.formatting import format_date
from cds_desktop.core.reports.glyphs import counting_replacements
from cds_desktop.core.reports.official import write_official_pdf
from cds_desktop.core.reports.styles import BODY_SIZE, FRAME_WIDTH, paragraph, styles
from cds_desktop.core.text import nfc

FINGERPRINT_SIZE = 22  # pt: read across a desk, or aloud down the phone
GROUPS_PER_LINE = 4


@dataclass(frozen=True)
class KeyLetterData:
    """What the letter says: ``document`` (issuer, number, date, subject, signature, recipients), the office, the
    key file it accompanies and the root key's ``fingerprint`` (grouped by four)."""

    document: DocumentInfo
    office_name: str
    addressees: str  # after "Kính gửi:", e.g. "Ủy ban nhân dân các xã, phường, đặc khu"
    key_file_name: str
    list_version: int
    valid_until: dt.date
    communes: int
    fingerprint: str
    language: str = "vi"

    def __post_init__(self) -> None:
        for name in ("office_name", "addressees", "key_file_name", "fingerprint"):
            object.__setattr__(self, name, nfc(getattr(self, name)))
        if self.language not in LANGUAGES:
            raise ValueError(f"unsupported report language {self.language!r}")


def fingerprint_lines(fingerprint: str) -> list[str]:
    """``"ABCD EFGH … "`` → lines of ``GROUPS_PER_LINE`` groups."""
    groups = fingerprint.split()
    return [" ".join(groups[i: i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)]


def fingerprint_box(fingerprint: str) -> Table:
    """The fingerprint in large type, lines of four groups in a box (this letter's and the commune's enrolment
    letter's)."""
    register_fonts()
    style = ParagraphStyle("fingerprint", fontName=BOLD, fontSize=FINGERPRINT_SIZE, leading=FINGERPRINT_SIZE * 1.5,
                           alignment=TA_CENTER)
    lines = [[paragraph(line, style)] for line in fingerprint_lines(fingerprint)]
    return Table(lines, colWidths=[FRAME_WIDTH * 0.8], style=TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("TOPPADDING", (0, 0), (-1, 0), 4 * mm),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 4 * mm),
    ]))


def addressee_line(addressees: str, language: str) -> Flowable:
    """"Kính gửi: …", centred under the header."""
    style = ParagraphStyle("addressee", parent=styles().body, fontSize=BODY_SIZE + 1, firstLineIndent=0,
                           alignment=TA_CENTER, spaceBefore=4 * mm, spaceAfter=4 * mm)
    return paragraph(translate("key_letter.addressee", language, addressees=addressees), style)


def key_letter_body(data: KeyLetterData) -> list[Flowable]:
    """The letter's body, between the header and the signature."""
    language = data.language
    closing = translate("key_letter.next_steps", language, office=data.office_name)
    return [
        addressee_line(data.addressees, language),
        body_text(translate("key_letter.purpose", language, office=data.office_name, file=data.key_file_name,
                            version=data.list_version, valid_until=format_date(data.valid_until),
                            communes=data.communes)),
        body_text(translate("key_letter.compare", language)),
        Spacer(1, 2 * mm),
        fingerprint_box(data.fingerprint),
        Spacer(1, 4 * mm),
        body_text(translate("key_letter.mismatch", language, office=data.office_name)),
        body_text(closing.rstrip(".") + END_MARK),
    ]


def render_key_letter(data: KeyLetterData, out_path: Path | str) -> tuple[ReportWarning, ...]:
    """Write the letter as a PDF at ``out_path`` (atomically); returns what its maker should be told (characters
    the font cannot draw, replaced by ``[U+XXXX]``)."""
    with counting_replacements() as replaced:
        write_official_pdf(out_path, data.document, data.language, key_letter_body(data), letter=True)
    return undrawable_warnings(replaced)
