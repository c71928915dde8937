"""The receiving office's consolidated report for a plan period: assembles ``OfficeReportData`` and writes the PDF.

Who is expected: every commune on the office's list (``office_commune``). When a report counts as received:
the date the office first imported a verified bundle for that commune, plan and period — the earliest
``received_at`` among its stored submissions, i.e. by the office's own clock. The signed ``created_at`` is the
commune's clock and could be set back, so it is not used; a later correction (a newer revision) does not make
a report received on time late. A report is on time when that date is strictly before the period's
``due_before`` (the plan's deadline rule, ``plans.schedule``), late otherwise, and missing when the office
holds no submission at all.

The completeness table adds the plan's earlier periods of the same kind in the same year (oldest first), so a
fourth-quarter report also shows the first three quarters. The indicator summary counts, for each indicator
communes report on, how each commune's current submission stands: its stored answers judged again with the one
rule (``validation.indicator_result``, as at import and on the commune's screen), so that a status stored by an
older version cannot count an answer with an error as met. A commune with no submission, or whose submission
lacks the indicator, counts as no data; an answer with an error counts as invalid (no valid data).

The charts per indicator (communes sorted by value, their distribution, the office's trend) come from the
results read models (``results_charts.period_charts``): the values as stored at import, as the results screen
shows them. Difficulties and proposals are the communes' own, from the tasks of their current submissions, one line per
commune and task. The office has no report settings yet: number, date, place, signer, capacity and recipients
are arguments. The issuing body is the office's registered name, printed in upper case; no governing body is
printed above it, since the name alone does not tell it reliably.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import select

from cds_desktop.core.domain import IndicatorEntry, TargetStatus
from cds_desktop.core.errors import ReportError
from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.model import Level, Plan
from cds_desktop.core.plans.schedule import (
    Period,
    ScheduledPeriod,
    plan_periods,
    scheduled_period,
)
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.data import (
    CommuneSubmission,
    DocumentInfo,
    IndicatorSummaryRow,
    Issuer,
    OfficeReportData,
    PeriodSubmissions,
    Signature,
    SubmissionStatus,
    WrittenReport,
)
from cds_desktop.core.reports.formatting import period_label
from cds_desktop.core.reports.office_pdf import render_office_report
from cds_desktop.core.services.office.results_charts import period_charts
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.exchange_models import (
    OfficeCommune,
    OfficeIdentity,
    Submission,
    SubmissionIndicator,
    SubmissionTask,
)
from cds_desktop.core.validation import indicator_result

BLANK_NUMBER = "\u2002\u2002\u2002/BC"  # the number is written in by hand when none is given
CAPACITY_BY_LEVEL = {"province": ("GIÁM ĐỐC",), "district": ("TRƯỞNG PHÒNG",)}  # head of a Sở / of a Phòng
DEFAULT_CAPACITY = ("THỦ TRƯỞNG",)


def office_capacity(level: str) -> tuple[str, ...]:
    """The signature block's capacity line of the head of an office of ``level`` (province or district)."""
    return CAPACITY_BY_LEVEL.get(level, DEFAULT_CAPACITY)


def _received_on(submissions: list[Submission]) -> dict[str, dt.date]:
    """Commune code → the date the office first received a report from it (the earliest import)."""
    first: dict[str, dt.date] = {}
    for row in submissions:
        received = row.received_at.date()
        if row.commune_code not in first or received < first[row.commune_code]:
            first[row.commune_code] = received
    return first


def period_submissions(
    scheduled: ScheduledPeriod, communes: list[OfficeCommune], submissions: list[Submission]
) -> PeriodSubmissions:
    """Each commune's status for ``scheduled``: on time, late or missing, from its stored ``submissions``."""
    received = _received_on(submissions)
    entries = []
    for commune in communes:
        date = received.get(commune.code)
        if date is None:
            status = SubmissionStatus.MISSING
        elif date < scheduled.due_before:
            status = SubmissionStatus.ON_TIME
        else:
            status = SubmissionStatus.LATE
        entries.append(CommuneSubmission(commune.code, commune.name, status, date))
    return PeriodSubmissions(period=scheduled.period, due_before=scheduled.due_before, submissions=tuple(entries))


def _earlier_periods(plan: Plan, current: Period) -> list[ScheduledPeriod]:
    """The plan's periods of ``current``'s kind and year that come before it, oldest first."""
    return [
        scheduled for scheduled in plan_periods(plan)
        if scheduled.period.kind is current.kind and scheduled.period.year == current.year
        and scheduled.period < current
    ]  # fmt: skip


_REPORTED = ("numerator", "denominator", "value", "note", "data_source")


def _target_statuses(
    office: OfficeService, plan: Plan, submission_ids: list[int]
) -> dict[int, dict[str, TargetStatus]]:
    """Submission id → {indicator code: target status}, judged again from the stored answers with the same rule
    as everywhere (``indicator_result``): a status stored by an older version is not trusted."""
    if not submission_ids:
        return {}
    with office.repo.reading() as session:
        rows = session.exec(
            select(SubmissionIndicator).where(SubmissionIndicator.submission_id.in_(submission_ids))
        ).all()
    known = {indicator.code: indicator for indicator in plan.indicators()}
    statuses: dict[int, dict[str, TargetStatus]] = {sid: {} for sid in submission_ids}
    for row in rows:
        if row.indicator_code in known:
            entry = IndicatorEntry(row.indicator_code, **{field: getattr(row, field) for field in _REPORTED})
            statuses[row.submission_id][row.indicator_code] = indicator_result(
                known[row.indicator_code], entry, Level.COMMUNE).status
    return statuses


def _indicator_summary(
    plan: Plan, communes: list[OfficeCommune], current: dict[str, Submission],
    statuses: dict[int, dict[str, TargetStatus]], language: str,
) -> tuple[IndicatorSummaryRow, ...]:
    rows = []
    for group in plan.groups:
        for indicator in group.indicators:
            if not indicator.applies_to_communes:
                continue
            counts = dict.fromkeys(TargetStatus, 0)
            for commune in communes:
                submission = current.get(commune.code)
                reported = statuses.get(submission.id, {}) if submission is not None else {}
                counts[reported.get(indicator.code, TargetStatus.NO_DATA)] += 1
            rows.append(IndicatorSummaryRow(
                code=indicator.code,
                name=indicator.name.get(language),
                group=group.title.get(language),
                kind=indicator.kind,
                target=indicator.target_for(Level.COMMUNE),
                met=counts[TargetStatus.MET],
                not_met=counts[TargetStatus.NOT_MET],
                not_applicable=counts[TargetStatus.NOT_APPLICABLE],
                no_data=counts[TargetStatus.NO_DATA],
                invalid=counts[TargetStatus.INVALID],
            ))
    return tuple(rows)


def _remarks(
    plan: Plan, communes: list[OfficeCommune], tasks: dict[int, dict[str, SubmissionTask]],
    current: dict[str, Submission], field: str, language: str,
) -> str:
    """The communes' ``difficulties`` or ``proposals`` from their current submissions, one line per commune and
    task (in the office's commune order, then plan order): "Xã Nhân Cơ (nhiệm vụ T1): …"."""
    lines = []
    for commune in communes:
        submission = current.get(commune.code)
        reported = tasks.get(submission.id, {}) if submission is not None else {}
        for task in plan.commune_tasks():
            text = getattr(reported[task.code], field) if task.code in reported else None
            text = " ".join(line.strip() for line in (text or "").splitlines() if line.strip())
            if text:
                lines.append(translate("office_report.remark_line", language, commune=commune.name,
                                       task=task.code, text=text))
    return "\n".join(lines)


def _submitted_tasks(office: OfficeService, submission_ids: list[int]) -> dict[int, dict[str, SubmissionTask]]:
    """Submission id → {task code: the task's progress as the commune sent it}."""
    if not submission_ids:
        return {}
    with office.repo.reading() as session:
        rows = session.exec(select(SubmissionTask).where(SubmissionTask.submission_id.in_(submission_ids))).all()
    tasks: dict[int, dict[str, SubmissionTask]] = {sid: {} for sid in submission_ids}
    for row in rows:
        tasks[row.submission_id][row.task_code] = row
    return tasks


def _document(
    office: OfficeIdentity, plan: Plan, period: Period, language: str, number: str | None, date: dt.date,
    place: str | None, signer: str, capacity_lines: tuple[str, ...] | None, recipients: tuple[str, ...],
) -> DocumentInfo:
    return DocumentInfo(
        issuer=Issuer(name_lines=(office.name.upper(),), name=office.name),
        number=number or BLANK_NUMBER,
        place=place or office.name,
        date=date,
        subject=translate("office_report.subject", language, plan=plan.plan.title.get(language),
                          period=period_label(period, language)),
        signature=Signature(capacity_lines=capacity_lines or office_capacity(office.level),
                            signer_name=signer),
        recipients=recipients,
        basis=plan.plan.citation(language),
    )


def office_report_data(
    office: OfficeService, plan_id: str, period_id: str, language: str = "vi", *,
    number: str | None = None, date: dt.date | None = None, place: str | None = None, signer: str = "",
    capacity_lines: tuple[str, ...] | None = None, recipients: tuple[str, ...] = (),
) -> OfficeReportData:
    """The consolidated report data of ``period_id``, its targets judged on one plan version — the newest the
    period's reports were made on (``version_shown``, as the results screen): a report on another version counts as
    without data for the targets, never judged against targets it was not written for.

    ``InputError`` (``plan.unknown``, ``period.bad_id``, ``period.not_in_plan``) for a plan or period the office
    does not know; ``StateError`` before the office is initialized; ``ReportError`` when the office has no
    communes (``report.office_no_communes``) or none of them has sent a report for the period
    (``report.office_period_empty``).
    """
    identity = office.require_identity()
    office.catalog.get(plan_id)  # plan.unknown before anything else
    plan, _versions = office.version_shown(plan_id, period_id, None)  # like with like: one plan version
    scheduled = scheduled_period(plan, period_id)
    period = scheduled.period
    communes = office.communes()
    if not communes:
        raise ReportError("report.office_no_communes", plan=plan.id, period=period.id)
    expected = {commune.code for commune in communes}
    submissions = [row for row in office.submissions(plan.id, period.id) if row.commune_code in expected]
    if not submissions:
        raise ReportError("report.office_period_empty", plan=plan.id, period=period.id)
    current = {row.commune_code: row for row in submissions if row.is_current}
    earlier = tuple(
        period_submissions(previous, communes,
                            [row for row in office.submissions(plan.id, previous.period.id)
                             if row.commune_code in expected])
        for previous in _earlier_periods(plan, period)
    )
    statuses = _target_statuses(office, plan, [row.id for row in current.values()
                                               if row.plan_version == plan.plan.plan_version])
    tasks = _submitted_tasks(office, [row.id for row in current.values()])
    return OfficeReportData(
        document=_document(identity, plan, period, language, number, date or office.clock().date(), place,
                           signer, capacity_lines, recipients),
        current=period_submissions(scheduled, communes, submissions),
        indicators=_indicator_summary(plan, communes, current, statuses, language),
        earlier_periods=earlier,
        difficulties=_remarks(plan, communes, tasks, current, "difficulties", language),
        proposals=_remarks(plan, communes, tasks, current, "proposals", language),
        language=language,
        charts=period_charts(office, plan.id, period.id, language),
    )


def write_office_report(
    office: OfficeService, plan_id: str, period_id: str, out: Path, language: str = "vi", *,
    number: str | None = None, date: dt.date | None = None, place: str | None = None, signer: str = "",
    capacity_lines: tuple[str, ...] | None = None, recipients: tuple[str, ...] = (),
    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
) -> WrittenReport:
    """Assemble the report of ``period_id`` (see ``office_report_data``) and write it as a PDF at ``out``; the
    result names the file and what to tell its maker (e.g. characters replaced because the font lacks them)."""
    data = office_report_data(office, plan_id, period_id, language, number=number, date=date, place=place,
                              signer=signer, capacity_lines=capacity_lines, recipients=recipients)
    warnings = render_office_report(data, Path(out), progress=progress, cancel=cancel)
    return WrittenReport(Path(out), warnings)
