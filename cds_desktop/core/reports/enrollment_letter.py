"""The commune's letter (công văn, Decree 30/2020/NĐ-CP layout) that goes with its enrolment file: one page that
tells the receiving office what the file is and carries the commune's signing-key fingerprint in large type, so
that the office compares it with what its screen shows when it enrols the file — on paper, or read aloud on the
phone. The mirror of the office's key letter (``key_letter.py``), whose fingerprint box and addressee line it
shares.

Body: "Kính gửi" the office; what the file is (name, the commune's code, whether it replaces an earlier key); the
fingerprint box; what to do when it does not match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from cds_desktop.core.i18n import LANGUAGES, translate
from cds_desktop.core.reports.blocks import END_MARK, body_text
from cds_desktop.core.reports.data import DocumentInfo, ReportWarning, undrawable_warnings
from cds_desktop.core.reports.glyphs import counting_replacements
from cds_desktop.core.reports.key_letter import addressee_line, fingerprint_box
from cds_desktop.core.reports.official import write_official_pdf
from cds_desktop.core.text import nfc


@dataclass(frozen=True)
class EnrollmentLetterData:
    """What the letter says: ``document`` (the commune as issuer, number, date, subject, signature, recipients),
    the office it goes to, the enrolment file and the signing key's ``fingerprint`` (grouped by four)."""

    document: DocumentInfo
    commune_name: str
    commune_code: str
    office_name: str
    enrollment_file_name: str
    fingerprint: str
    rotation: bool  # the key replaces an earlier one
    language: str = "vi"

    def __post_init__(self) -> None:
        for name in ("commune_name", "office_name", "enrollment_file_name", "fingerprint"):
            object.__setattr__(self, name, nfc(getattr(self, name)))
        if self.language not in LANGUAGES:
            raise ValueError(f"unsupported report language {self.language!r}")


def enrollment_letter_body(data: EnrollmentLetterData) -> list[Flowable]:
    """The letter's body, between the header and the signature."""
    language = data.language
    purpose = "enrollment_letter.purpose_rotation" if data.rotation else "enrollment_letter.purpose"
    closing = translate("enrollment_letter.mismatch", language, commune=data.commune_name)
    return [
        addressee_line(data.office_name, language),
        body_text(translate(purpose, language, commune=data.commune_name, code=data.commune_code,
                            file=data.enrollment_file_name, office=data.office_name)),
        body_text(translate("enrollment_letter.compare", language)),
        Spacer(1, 2 * mm),
        fingerprint_box(data.fingerprint),
        Spacer(1, 4 * mm),
        body_text(closing.rstrip(".") + END_MARK),
    ]


def render_enrollment_letter(data: EnrollmentLetterData, out_path: Path | str) -> tuple[ReportWarning, ...]:
    """Write the letter as a PDF at ``out_path`` (atomically); returns what its maker should be told (characters
    the font cannot draw, replaced by ``[U+XXXX]``)."""
    with counting_replacements() as replaced:
        write_official_pdf(out_path, data.document, data.language, enrollment_letter_body(data), letter=True)
    return undrawable_warnings(replaced)
