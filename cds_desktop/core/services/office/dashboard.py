"""The office's home screen: how complete and timely the communes' reports on a plan are, and the reminder letter
(công văn đôn đốc) to the communes that have not reported a period.

Who is expected: every commune of the office (``office_commune``) when the plan asks communes to report (it has
commune-level indicators or tasks); nobody otherwise. A plan's periods are shown one year at a time
(``completeness(plan, year)``). The states, the figures and the list of communes not heard from are read models
(``storage/queries/office_completeness.py``): on time means first received strictly before the plan's deadline for
the period (``plans.schedule.due_before``), by the office's clock — as the consolidated report counts it. The
figures follow DHIS2: reporting rate = received ÷ expected, on-time rate = on time ÷ expected.

The reminder letter's details (number, date, place, signer, recipients) are asked each time; they start from the
office's stored report settings when it has any (``reminder_defaults``). Making the letter is exporting a document
of what the office received: it needs ``EXPORT_DATA`` (clerks and heads).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cds_desktop.core.errors import InputError, ReportError
from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import percentage
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.plans.schedule import ScheduledPeriod, plan_periods, scheduled_period
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.provinces import province
from cds_desktop.core.reports.data import DocumentInfo, Issuer, ReportWarning, Signature, WrittenReport
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.settings import spec
from cds_desktop.core.storage.exchange_models import OfficeIdentity
from cds_desktop.core.storage.queries import office_completeness as queries
from cds_desktop.core.storage.queries.office_completeness import (
    CellState,
    CompletenessCell,
    MissingCommune,
    PeriodDue,
    PeriodFigures,
)
from cds_desktop.core.text import clean

if TYPE_CHECKING:  # the letter's module imports reportlab (~130 ms, 10 MB): loaded when a letter is made
    from cds_desktop.core.reports.reminder_pdf import ReminderLetterData

__all__ = ["CellState", "Completeness", "CompletenessCell", "Dashboard", "LetterDetails", "MissingCommune",
           "PeriodColumn", "PeriodFigures", "ReminderPdf"]

BLANK_NUMBER = "\u2002\u2002\u2002"  # the number is written in by hand when none is given
_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")  # a date line names the place alone: "Hà Nội, ngày …"


@dataclass(frozen=True)
class PeriodColumn:
    """One period of the matrix with its header figures."""

    period_id: str
    due_before: dt.date
    figures: PeriodFigures

    @property
    def reporting_rate(self) -> Decimal | None:
        """Received ÷ expected, in percent (None when nothing is expected)."""
        return percentage(Decimal(self.figures.received), Decimal(self.figures.expected), places=None)

    @property
    def on_time_rate(self) -> Decimal | None:
        """Received on time ÷ expected, in percent (None when nothing is expected)."""
        return percentage(Decimal(self.figures.on_time), Decimal(self.figures.expected), places=None)


@dataclass(frozen=True)
class Completeness:
    """A plan's matrix for one year: ``cells`` holds every commune × every period, row by row (commune-code order,
    then the periods' order), so the cell of commune row ``r`` and period ``p`` is ``cells[r * len(periods) + p]``."""

    plan_id: str
    year: int
    periods: tuple[PeriodColumn, ...]
    cells: list[CompletenessCell]

    @property
    def commune_count(self) -> int:
        return len(self.cells) // len(self.periods) if self.periods else 0


@dataclass(frozen=True)
class LetterDetails:
    """What the person making a reminder letter decides: the text after "Số:" (None: left blank to write in),
    the date (None: today), the place of the date line, the signer and their capacity lines (None: the head of the
    office), the recipients after "Như trên", and the new date to report before (None: as soon as possible)."""

    number: str | None = None
    date: dt.date | None = None
    place: str | None = None
    signer: str = ""
    capacity_lines: tuple[str, ...] | None = None
    recipients: tuple[str, ...] = ()
    reply_by: dt.date | None = None


class ReminderPdf(NamedTuple):
    """A reminder letter made in memory (for a preview): the PDF and what to tell its maker."""

    content: bytes
    warnings: tuple[ReportWarning, ...]


def applies_to_communes(plan: Plan) -> bool:
    """Whether the plan asks communes to report (commune-level indicators or tasks)."""
    return bool(plan.commune_indicators() or plan.commune_tasks())


def _due(scheduled: ScheduledPeriod, now: dt.datetime) -> PeriodDue:
    """The period's deadline as an instant: the start of its ``due_before`` day in the office's time zone (that of
    its clock), so that "before the day" is judged by the office's own calendar."""
    start = dt.datetime.combine(scheduled.due_before, dt.time())
    return PeriodDue(scheduled.period.id, start.replace(tzinfo=now.tzinfo) if now.tzinfo else start.astimezone())


class Dashboard(OfficeBase):
    # --- what to show ------------------------------------------------------------------------
    def followed_plans(self) -> list[Plan]:
        """The plans the office can follow (those asking communes to report): plans it received reports for first,
        most recent first, then the others in the catalog's order."""
        with self.repo.reading() as session:
            active = [row.plan_id for row in queries.plan_activity(session)]
        plans = [plan for plan in self.catalog.all() if applies_to_communes(plan)]
        rank = {plan_id: position for position, plan_id in enumerate(active)}
        return sorted(plans, key=lambda plan: rank.get(plan.id, len(rank)))

    def plan_years(self, plan_id: str) -> list[int]:
        schedule = self.catalog.get(plan_id).schedule
        return list(range(schedule.first_year, schedule.last_year + 1))

    def default_year(self, plan_id: str) -> int:
        """The year to show first: the latest year the office received a report for, else the year of the period
        being reported now (the first whose deadline has not passed by the office's clock), else the plan's last."""
        plan = self.catalog.get(plan_id)
        with self.repo.reading() as session:
            latest = next((row.latest_period_id for row in queries.plan_activity(session) if row.plan_id == plan.id),
                          None)
        years = self.plan_years(plan.id)
        if latest is not None and int(latest[:4]) in years:
            return int(latest[:4])
        today = self.clock().date()
        upcoming = next((s for s in plan_periods(plan) if s.due_before >= today), None)
        return upcoming.period.year if upcoming is not None else years[-1]

    def _year_periods(self, plan: Plan, year: int) -> list[ScheduledPeriod]:
        periods = [scheduled for scheduled in plan_periods(plan) if scheduled.period.year == year]
        if not periods:
            raise InputError("period.not_in_plan", period=str(year), plan=plan.id)
        return periods

    # --- the read models ---------------------------------------------------------------------
    def completeness(self, plan_id: str, year: int | None = None) -> Completeness:
        """The matrix of ``plan_id`` for ``year`` (``default_year`` when None), with the figures of each period.
        ``InputError`` for a plan or year the catalog does not have."""
        plan = self.catalog.get(plan_id)
        year = self.default_year(plan.id) if year is None else year
        periods = self._year_periods(plan, year)
        now = self.clock()
        expected = [_due(scheduled, now) for scheduled in periods] if applies_to_communes(plan) else []
        with self.repo.reading() as session:
            cells = queries.completeness_cells(session, plan.id, expected)
            figures = {row.period_id: row for row in queries.period_figures(session, plan.id, expected)}
        columns = tuple(PeriodColumn(s.period.id, s.due_before,
                                     figures.get(s.period.id, PeriodFigures(s.period.id, 0, 0, 0, 0, 0)))
                        for s in periods)
        return Completeness(plan.id, year, columns, cells)

    def not_reported(self, plan_id: str, period_id: str) -> list[MissingCommune]:
        """The communes that have sent no report for the period (by code); none when the plan asks no reports of
        communes. ``InputError`` for a plan or period the catalog does not have."""
        plan = self.catalog.get(plan_id)
        period = scheduled_period(plan, period_id).period
        if not applies_to_communes(plan):
            return []
        with self.repo.reading() as session:
            return queries.not_reported(session, plan.id, period.id)

    # --- the reminder letter -----------------------------------------------------------------
    def reminder_defaults(self) -> LetterDetails:
        """The letter's details from the office's stored report settings (number pattern, place, signer,
        recipients) where it has them, else the office's province as the place; the head of the office signs. The
        number's own digits are left blank to write in, and so is the whole number without a stored pattern."""
        identity = self.require_identity()
        with self.repo.reading() as session:
            stored = {key: self.repo.setting_json(session, key)
                      for key in ("report_number_pattern", "report_place", "report_signer_name", "report_recipients")}
        value = {key: spec(key).read_back(text) for key, text in stored.items()}
        pattern = value["report_number_pattern"] if stored["report_number_pattern"] is not None else None
        return LetterDetails(
            number=pattern.replace("{number}", BLANK_NUMBER) if pattern else None,
            place=clean(value["report_place"]) or _place_of(identity),
            signer=clean(value["report_signer_name"]) or "",
            capacity_lines=_capacity(identity.level),
            recipients=tuple(line for line in (clean(line) for line in value["report_recipients"].splitlines())
                             if line),
        )

    def reminder_letter_data(self, plan_id: str, period_id: str, details: LetterDetails | None = None,
                             language: str = "vi") -> ReminderLetterData:
        """What the reminder letter for ``period_id`` says. ``InputError`` for an unknown plan or period;
        ``ReportError`` when nobody is expected to report (``reminder.no_communes``)."""
        from cds_desktop.core.reports.reminder_pdf import ReminderLetterData, letter_subject

        identity = self.require_identity()
        plan = self.catalog.get(plan_id)
        scheduled = scheduled_period(plan, period_id)
        due = _due(scheduled, self.clock())
        details = details or self.reminder_defaults()
        with self.repo.reading() as session:
            (figures,) = queries.period_figures(session, plan.id, [due])
            missing = queries.not_reported(session, plan.id, due.period_id)
        if not applies_to_communes(plan) or figures.expected == 0:
            raise ReportError("reminder.no_communes", plan=plan.id)
        date = details.date or self.clock().date()
        document = DocumentInfo(
            issuer=Issuer(name_lines=(identity.name.upper(),), name=identity.name),
            number=clean(details.number) or f"{BLANK_NUMBER}/",
            place=clean(details.place) or _place_of(identity),
            date=date,
            subject=letter_subject(scheduled.period, language),
            signature=Signature(capacity_lines=details.capacity_lines or _capacity(identity.level),
                                signer_name=clean(details.signer) or ""),
            recipients=(translate("reminder.as_above", language), *details.recipients),
            basis=plan.plan.citation(language),
        )
        return ReminderLetterData(document=document, period=scheduled.period, due_before=scheduled.due_before,
                                  missing=tuple((row.code, row.name) for row in missing), expected=figures.expected,
                                  as_of=date, reply_by=details.reply_by, language=language)

    def write_reminder(self, plan_id: str, period_id: str, out: Path, details: LetterDetails | None = None,
                       language: str = "vi", progress: ProgressCallback | None = None,
                       cancel: CancelToken | None = None) -> WrittenReport:
        """Write the reminder letter for ``period_id`` as a PDF at ``out`` (atomically). ``ReportError``
        (``reminder.nothing_missing``) when every commune has reported."""
        self.authorize(Permission.EXPORT_DATA)
        from cds_desktop.core.reports.reminder_pdf import render_reminder_letter

        data = self.reminder_letter_data(plan_id, period_id, details, language)
        return WrittenReport(Path(out), render_reminder_letter(data, Path(out), progress, cancel))

    def reminder_pdf(self, plan_id: str, period_id: str, details: LetterDetails | None = None,
                     language: str = "vi", progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None) -> ReminderPdf:
        """The letter as PDF bytes, made in a private temporary folder that is removed afterwards (a preview
        leaves no file behind)."""
        with tempfile.TemporaryDirectory(prefix="cds-reminder-") as folder:
            written = self.write_reminder(plan_id, period_id, Path(folder) / "reminder.pdf", details, language,
                                          progress, cancel)
            return ReminderPdf(written.path.read_bytes(), written.warnings)

    def reminder_file_name(self, plan_id: str, period_id: str) -> str:
        """``CongVan_DonDoc_mini-plan_2023Q1.pdf``: the name offered when the letter is saved."""
        return f"CongVan_DonDoc_{plan_id}_{period_id}.pdf"


def _place_of(identity: OfficeIdentity) -> str:
    """The place of the date line: the office's province ("Lâm Đồng", "Hà Nội"), else the office's name."""
    code = identity.province_code or identity.code[:2]
    try:
        name = province(code).name
    except InputError:
        return identity.name
    for prefix in _PLACE_PREFIXES:
        name = name.removeprefix(prefix)
    return name


def _capacity(level: str) -> tuple[str, ...]:
    from cds_desktop.core.services.office.report import office_capacity  # report.py builds on the service

    return office_capacity(level)
