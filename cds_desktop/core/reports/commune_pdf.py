"""The commune's official report on one period of a plan (PDF, Decree 30 layout).

Body: opening sentence; I. summary (indicators answered, targets met, tasks done and overdue);
II. indicator table (indicator, target, result, met / not met); III. task table (task, lead agency, deadline,
status, result); IV. difficulties; V. proposals.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable

from cds_desktop.core.errors import ReportError
from cds_desktop.core.i18n import translate
from cds_desktop.core.reports.blocks import Column, bullet_lines, data_table, grouped, heading, narrative, opening
from cds_desktop.core.reports.data import CommuneReportData, ReportWarning, undrawable_warnings
from cds_desktop.core.reports.formatting import (
    count_with_share,
    format_deadline,
    format_result,
    format_target,
    format_target_status,
    format_task_status,
    period_label,
)
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.glyphs import counting_replacements
from cds_desktop.core.reports.official import write_official_pdf

_INDICATOR_COLUMNS = (
    Column("number", 0.06, centered=True),
    Column("indicator", 0.44),
    Column("target", 0.13, centered=True),
    Column("result", 0.21, centered=True),
    Column("assessment", 0.16, centered=True),
)
_TASK_COLUMNS = (
    Column("number", 0.06, centered=True),
    Column("task", 0.30),
    Column("lead_agency", 0.17),
    Column("deadline", 0.11, centered=True),
    Column("status", 0.13, centered=True),
    Column("task_result", 0.23),
)


def _summary(data: CommuneReportData) -> list[Flowable]:
    language = data.language
    answered = translate(
        "report.commune.summary_answered", language, answered=data.indicators_answered, total=len(data.indicators)
    )
    met = translate(
        "report.commune.summary_met",
        language,
        met=count_with_share(data.targets_met, data.targets_judged, language),
        judged=data.targets_judged,
    )
    tasks = translate(
        "report.commune.summary_tasks",
        language,
        done=data.tasks_done,
        total=len(data.tasks),
        overdue=data.tasks_overdue,
    )
    return bullet_lines([answered, met, tasks])


def _indicator_table(data: CommuneReportData) -> Flowable:
    language = data.language
    rows = (
        (
            row.group,
            (
                str(number),
                row.name,
                format_target(row.target, row.kind, language),
                format_result(row, language),
                format_target_status(row.status, language),
            ),
        )
        for number, row in enumerate(data.indicators, start=1)
    )
    return data_table(_INDICATOR_COLUMNS, grouped(rows), language)


def _task_table(data: CommuneReportData) -> Flowable:
    language = data.language
    rows = (
        (
            row.group,
            (
                str(number),
                row.title,
                row.lead_agency,
                format_deadline(row.deadline, language),
                format_task_status(row.status, row.overdue, language),
                row.result,
            ),
        )
        for number, row in enumerate(data.tasks, start=1)
    )
    return data_table(_TASK_COLUMNS, grouped(rows), language)


def commune_report_body(data: CommuneReportData) -> list[Flowable]:
    """The report's body, between the title and the signature."""
    language = data.language
    indicators = _indicator_table(data) if data.indicators else None
    tasks = _task_table(data) if data.tasks else None
    return [
        opening(data.document, "report.commune.opening", language, period=period_label(data.period, language)),
        *heading("report.commune.section.summary", language),
        *_summary(data),
        *heading("report.commune.section.indicators", language, followed_by=indicators),
        *([indicators] if indicators else narrative("", language)),
        *heading("report.commune.section.tasks", language, followed_by=tasks),
        *([tasks] if tasks else narrative("", language)),
        *heading("report.commune.section.difficulties", language),
        *narrative(data.difficulties, language),
        *heading("report.commune.section.proposals", language),
        *narrative(data.proposals, language, closes_document=True),
    ]


def render_commune_report(
    data: CommuneReportData,
    out_path: Path | str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> tuple[ReportWarning, ...]:
    """Write the commune's report for ``data.period`` as a PDF at ``out_path`` (atomically); returns what the
    maker should be told (characters the font cannot draw, replaced by ``[U+XXXX]``).

    Raises ``ReportError("report.empty")`` when there is neither an indicator nor a task to report on.
    """
    if not data.indicators and not data.tasks:
        raise ReportError("report.empty", subject=data.document.subject)
    with counting_replacements() as replaced:
        write_official_pdf(out_path, data.document, data.language, commune_report_body(data), progress, cancel)
    return undrawable_warnings(replaced)
