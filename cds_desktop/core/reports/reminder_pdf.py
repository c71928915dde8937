"""The reminder letter (công văn đôn đốc) a receiving office sends to the communes that have not reported a period:
a Decree 30/2020/NĐ-CP letter, ready to sign.

Layout (the decree's form of a letter): the official header with the letter's summary ("V/v đôn đốc …") under its
number and no title; "Kính gửi:" the People's Committees concerned; the body — the plan and the deadline the
communes had, the communes not heard from as of the letter's date (a numbered table: code and name), the request
to send the report (before a new date when one is given, else as soon as possible) and a closing line ending
"./."; then "Nơi nhận:" (beginning "Như trên", the addressees) and the signature block. Nothing here touches the
database: the office service assembles ``ReminderLetterData``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from cds_desktop.core.errors import ReportError
from cds_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.blocks import Column, body_text, data_table, narrative
from cds_desktop.core.reports.data import DocumentInfo, ReportWarning, undrawable_warnings
from cds_desktop.core.reports.fonts import REGULAR
from cds_desktop.core.reports.formatting import format_date, period_label
from cds_desktop.core.reports.glyphs import counting_replacements
from cds_desktop.core.reports.official import write_official_pdf
from cds_desktop.core.reports.styles import paragraph, styles
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.text import nfc

_MISSING_COLUMNS = (
    Column("number", 0.10, centered=True),
    Column("commune_code", 0.20, centered=True),
    Column("commune", 0.70),
)
_AFTER_TABLE = 6  # points between the list and the request under it


@dataclass(frozen=True)
class ReminderLetterData:
    """What the letter says. ``document.subject`` is the summary after "V/v"; ``document.recipients`` the "Nơi
    nhận" entries after "Như trên"; ``missing`` the communes not heard from, as (code, name), in the order listed;
    ``expected`` how many communes had to report; ``as_of`` the day the office counted (the letter's date);
    ``reply_by`` the new date to report before, or None for "as soon as possible"."""

    document: DocumentInfo
    period: Period
    due_before: dt.date
    missing: tuple[tuple[str, str], ...]
    expected: int
    as_of: dt.date
    reply_by: dt.date | None = None
    language: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"unsupported report language {self.language!r}")
        object.__setattr__(self, "missing", tuple((code, nfc(name)) for code, name in self.missing))


def letter_subject(period: Period, language: str) -> str:
    """The summary under the number: "V/v đôn đốc gửi báo cáo kết quả thực hiện chuyển đổi số Quý I năm 2023"."""
    return translate("reminder.subject", language, period=period_label(period, language))


def _addressees(data: ReminderLetterData) -> str:
    language = data.language
    if len(data.missing) == 1:
        name = data.missing[0][1]  # "Xã Nhân Cơ": "Ủy ban nhân dân xã Nhân Cơ" in running Vietnamese text
        return translate("reminder.to_one", language, commune=name[:1].lower() + name[1:] if language == "vi" else name)
    return translate("reminder.to_many", language)


def _to_block(data: ReminderLetterData) -> Flowable:
    style = ParagraphStyle("reminder_to", parent=styles().body, fontName=REGULAR, fontSize=14, leading=17,
                           alignment=TA_CENTER, firstLineIndent=0, spaceBefore=6 * mm, spaceAfter=4 * mm)
    return paragraph(translate("reminder.to", data.language, addressees=_addressees(data)), style)


def reminder_body(data: ReminderLetterData) -> list[Flowable]:
    """Between the header and the closing: addressees, the facts, the list, the request, the last line."""
    language = data.language
    document = data.document
    period = period_label(data.period, language)
    common = {"issuer": document.issuer.name, "period": period}
    opening = ("reminder.opening" if document.basis else "reminder.opening_no_basis")
    rows = [(str(number), code, name) for number, (code, name) in enumerate(data.missing, start=1)]
    request = (translate("reminder.request_by", language, reply_by=format_date(data.reply_by), **common)
               if data.reply_by else translate("reminder.request_soon", language, **common))
    return [
        _to_block(data),
        body_text(translate(opening, language, basis=document.basis or "", due=format_date(data.due_before),
                            **common)),
        body_text(translate("reminder.missing", language, as_of=format_date(data.as_of), missing=len(data.missing),
                            expected=data.expected, **common)),
        data_table(_MISSING_COLUMNS, [("", rows)], language),
        Spacer(1, _AFTER_TABLE),
        body_text(request),
        *narrative(translate("reminder.closing", language, **common), language, closes_document=True),
    ]


def render_reminder_letter(
    data: ReminderLetterData,
    out_path: Path | str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> tuple[ReportWarning, ...]:
    """Write the letter as a PDF at ``out_path`` (atomically); returns what its maker should be told (characters
    the font cannot draw, replaced by ``[U+XXXX]``). ``ReportError("reminder.nothing_missing")`` when every
    commune has reported: there is no one to remind."""
    if not data.missing:
        raise ReportError("reminder.nothing_missing")
    with counting_replacements() as replaced:
        write_official_pdf(out_path, data.document, data.language, reminder_body(data), progress, cancel,
                           letter=True)
    return undrawable_warnings(replaced)
