"""The letter that goes with the commune's enrolment file (``reports/enrollment_letter.py``): assembled from the
active signing key, the pinned office and the commune's report settings (place, signer, recipients — the same
letterhead and signature as its official report, ``commune/report.py``).

Only who may export the enrolment file may print its letter (``Permission.SIGNING_KEY``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from cds_desktop.core.errors import StateError
from cds_desktop.core.i18n import translate
from cds_desktop.core.reports.data import DocumentInfo, WrittenReport
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.keys import signing_key_view
from cds_desktop.core.services.commune.report import _issuer, _place_name, _signature
from cds_desktop.core.services.roles import Permission

if TYPE_CHECKING:  # reportlab: loaded when a letter is made
    from cds_desktop.core.reports.enrollment_letter import EnrollmentLetterData

BLANK_NUMBER = "\u2002" * 8 + "/UBND"  # the number is written in by hand, as on the office's key letter
ENROLLMENT_FILE = "dang-ky-khoa-{code}.json"  # the office's clerks read Vietnamese whatever the commune's language


def enrollment_file_name(exchange: CommuneExchange) -> str:
    """``dang-ky-khoa-24751.json``: the name offered when the enrolment file is exported."""
    return ENROLLMENT_FILE.format(code=exchange.service.require_unit().commune_code)


def letter_file_name(exchange: CommuneExchange, language: str = "vi") -> str:
    return translate("enrollment_letter.file_name", language, code=exchange.service.require_unit().commune_code)


def enrollment_letter_data(exchange: CommuneExchange, language: str = "vi",
                           date: dt.date | None = None) -> EnrollmentLetterData:
    """What the letter says; ``keys.no_signing_key`` without a key. Addressed to the pinned office (or to the
    receiving office in general before its key file is imported)."""
    from cds_desktop.core.reports.enrollment_letter import EnrollmentLetterData

    service = exchange.service
    service.authorize(Permission.SIGNING_KEY)
    key = signing_key_view(exchange)
    if key is None:
        raise StateError("keys.no_signing_key")
    unit = service.require_unit()
    office = exchange.pinned_office()
    office_name = office.body.office.name if office is not None else translate("enrollment_letter.any_office",
                                                                                 language)
    settings = service.settings()
    recipients = (office_name, *(line.strip() for line in settings["report_recipients"].splitlines()
                                 if line.strip() and line.strip() != office_name))
    document = DocumentInfo(
        issuer=_issuer(unit),
        number=BLANK_NUMBER,
        place=settings["report_place"] or _place_name(unit),
        date=date or service.today(),
        subject=translate("enrollment_letter.subject", language),
        signature=_signature(settings["report_signer_title"], settings["report_signer_name"]),
        recipients=recipients,
    )
    return EnrollmentLetterData(document=document, commune_name=unit.name, commune_code=unit.commune_code,
                                office_name=office_name, enrollment_file_name=enrollment_file_name(exchange),
                                fingerprint=key.fingerprint, rotation=key.rotated, language=language)


def write_enrollment_letter(exchange: CommuneExchange, out: Path, language: str = "vi",
                            date: dt.date | None = None) -> WrittenReport:
    """Write the letter as a PDF at ``out`` (atomically)."""
    from cds_desktop.core.reports.enrollment_letter import render_enrollment_letter

    data = enrollment_letter_data(exchange, language, date)
    return WrittenReport(Path(out), render_enrollment_letter(data, Path(out)))


def export_enrollment_to(exchange: CommuneExchange, folder: Path) -> tuple[Path, str]:
    """Write the enrolment file into ``folder`` (a USB drive …) under its usual name (``enrollment_file_name``),
    atomically; returns the file and the key's fingerprint."""
    out = Path(folder) / enrollment_file_name(exchange)
    return out, exchange.export_enrollment(out)
