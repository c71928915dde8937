"""The receiving office's consolidated report over its communes for one period (PDF, Decree 30 layout).

Body: opening sentence; I. reports received per period (on time / late / missing, counts and shares);
II. per-indicator summary (communes with data, meeting and below the target) with a stacked bar chart, then per
indicator with numbers (ratios, counts) its communes sorted by value with the target line, their distribution and
the office's trend over the plan's periods (``indicator_charts``);
III. the indicators most often below target; IV. the communes late or missing this period;
V. difficulties; VI. proposals.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Spacer

from cds_desktop.core.errors import ReportError
from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import format_percent, percentage
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.blocks import (
    Column,
    body_text,
    bullet_lines,
    caption,
    data_table,
    grouped,
    heading,
    narrative,
    opening,
)
from cds_desktop.core.reports.charts import target_results_chart
from cds_desktop.core.reports.data import (
    OfficeReportData,
    PeriodSubmissions,
    ReportWarning,
    SubmissionStatus,
    undrawable_warnings,
)
from cds_desktop.core.reports.formatting import count_with_share, format_date, format_target, period_label
from cds_desktop.core.reports.glyphs import counting_replacements
from cds_desktop.core.reports.indicator_charts import indicator_charts_block
from cds_desktop.core.reports.official import write_official_pdf
from cds_desktop.core.reports.styles import FRAME_WIDTH

MOST_OFTEN_BELOW_TARGET = 5  # how many indicators section III names

_SUBMISSION_COLUMNS = (
    Column("period", 0.20),
    Column("due_before", 0.14, centered=True),
    Column("expected", 0.15, centered=True),
    Column("on_time", 0.17, centered=True),
    Column("late", 0.17, centered=True),
    Column("missing", 0.17, centered=True),
)
_INDICATOR_COLUMNS = (
    Column("number", 0.06, centered=True),
    Column("indicator", 0.34),
    Column("target", 0.11, centered=True),
    Column("answered", 0.11, centered=True),
    Column("met", 0.14, centered=True),  # "1.107 (57,8%)" fits on one line
    Column("not_met", 0.14, centered=True),
    Column("no_data", 0.10, centered=True),
)
_LATE_MISSING_COLUMNS = (
    Column("number", 0.08, centered=True),
    Column("commune_code", 0.16, centered=True),
    Column("commune", 0.40),
    Column("status", 0.18, centered=True),
    Column("received_on", 0.18, centered=True),
)


def _submission_table(data: OfficeReportData) -> Flowable:
    language = data.language
    rows = []
    for entry in (*data.earlier_periods, data.current):
        # SubmissionStatus lists on time, late, missing: the order of the columns
        shares = [count_with_share(entry.count(status), entry.expected, language) for status in SubmissionStatus]
        rows.append((period_label(entry.period, language), format_date(entry.due_before), str(entry.expected), *shares))
    return data_table(_SUBMISSION_COLUMNS, [("", rows)], language)


def _submission_summary(current: PeriodSubmissions, language: str) -> Flowable:
    counts = {status.value: current.count(status) for status in SubmissionStatus}
    return body_text(
        translate(
            "report.office.submissions_summary",
            language,
            period=period_label(current.period, language),
            expected=current.expected,
            due=format_date(current.due_before),
            **counts,
        )
    )


def _indicator_table(data: OfficeReportData) -> Flowable:
    language = data.language
    rows = (
        (
            row.group,
            (
                str(number),
                row.name,
                format_target(row.target, row.kind, language),
                str(row.answered),
                count_with_share(row.met, row.judged, language),
                count_with_share(row.not_met, row.judged, language),
                str(row.without_valid_data),
            ),
        )
        for number, row in enumerate(data.indicators, start=1)
    )
    return data_table(_INDICATOR_COLUMNS, grouped(rows), language)


def _indicator_chart(data: OfficeReportData) -> Flowable:
    chart = target_results_chart(data.indicators, FRAME_WIDTH, data.language)
    return KeepTogether([Spacer(1, 8), chart, caption(translate("report.office.chart_caption", data.language))])


def _indicator_value_charts(data: OfficeReportData) -> list[Flowable]:
    """Each charted indicator's sorted communes, distribution and trend, numbered as in the indicator table."""
    numbers = {row.code: number for number, row in enumerate(data.indicators, start=1)}
    return [indicator_charts_block(chart, numbers[chart.code], FRAME_WIDTH, data.language)
            for chart in data.charts if chart.code in numbers]


def _most_often_below_target(data: OfficeReportData) -> list[Flowable]:
    language = data.language
    below = sorted((row for row in data.indicators if row.not_met), key=lambda row: -row.not_met)
    lines = [
        translate(
            "report.office.below_target_line",
            language,
            name=row.name,
            target=format_target(row.target, row.kind, language),
            not_met=row.not_met,
            judged=row.judged,
            share=format_percent(percentage(Decimal(row.not_met), Decimal(row.judged), places=None), language),
        )
        for row in below[:MOST_OFTEN_BELOW_TARGET]
    ]
    return bullet_lines(lines) if lines else [body_text(translate("report.office.none_below_target", language))]


def _late_or_missing(current: PeriodSubmissions, language: str) -> list[Flowable]:
    """Missing communes first, then late ones, each by name."""
    order = {SubmissionStatus.MISSING: 0, SubmissionStatus.LATE: 1}
    entries = sorted(
        (entry for entry in current.submissions if entry.status in order),
        key=lambda entry: (order[entry.status], entry.commune_name),
    )
    if not entries:
        return [body_text(translate("report.office.none_late_missing", language))]
    rows = [
        (
            str(number),
            entry.commune_code,
            entry.commune_name,
            translate(f"report.submission.{entry.status.value}", language),
            format_date(entry.received_on),
        )
        for number, entry in enumerate(entries, start=1)
    ]
    return [data_table(_LATE_MISSING_COLUMNS, [("", rows)], language)]


def office_report_body(data: OfficeReportData) -> list[Flowable]:
    """The report's body, between the title and the signature."""
    language = data.language
    table = _indicator_table(data) if data.indicators else None
    indicators = [table, _indicator_chart(data), *_indicator_value_charts(data)] if table else narrative("", language)
    late_or_missing = _late_or_missing(data.current, language)
    return [
        opening(data.document, "report.office.opening", language, period=period_label(data.period, language)),
        *heading("report.office.section.submissions", language),
        _submission_summary(data.current, language),
        _submission_table(data),
        *heading("report.office.section.indicators", language, followed_by=table),
        *indicators,
        *heading("report.office.section.below_target", language),
        *_most_often_below_target(data),
        *heading("report.office.section.late_missing", language, followed_by=late_or_missing[0]),
        *late_or_missing,
        *heading("report.office.section.difficulties", language),
        *narrative(data.difficulties, language),
        *heading("report.office.section.proposals", language),
        *narrative(data.proposals, language, closes_document=True),
    ]


def render_office_report(
    data: OfficeReportData,
    out_path: Path | str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> tuple[ReportWarning, ...]:
    """Write the office's consolidated report for ``data.period`` as a PDF at ``out_path`` (atomically); returns
    what the maker should be told (characters the font cannot draw, replaced by ``[U+XXXX]``).

    Raises ``ReportError("report.empty")`` when there is neither an indicator nor a commune to report on.
    """
    if not data.indicators and not data.current.submissions:
        raise ReportError("report.empty", subject=data.document.subject)
    with counting_replacements() as replaced:
        write_official_pdf(out_path, data.document, data.language, office_report_body(data), progress, cancel)
    return undrawable_warnings(replaced)
