"""The commune's official report for a plan period: assembles ``CommuneReportData`` and writes the PDF.

Document number, signer, place and recipients come from the commune's settings (``report_*``); the issuing
body from the commune's identity; indicator results and task progress from the period's entries, judged with
the same rules as validation. The PDF renderer (reportlab, slow to import) is imported only when a report is
written, so that opening the app does not pay for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cds_desktop.core.domain import IndicatorEntry, TaskEntry, UnitIdentity, UnitKind
from cds_desktop.core.errors import ReportError
from cds_desktop.core.numbers import parse_decimal
from cds_desktop.core.plans.model import Indicator, IndicatorKind, Level, Plan
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.data import (
    CommuneReportData,
    DocumentInfo,
    IndicatorRow,
    Issuer,
    Signature,
    TaskRow,
    WrittenReport,
)
from cds_desktop.core.reports.formatting import period_label
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.validation import indicator_result

_KIND_WORD = {UnitKind.XA: "xã", UnitKind.PHUONG: "phường", UnitKind.DAC_KHU: "đặc khu"}


def _place_name(unit: UnitIdentity) -> str:
    """``Xã Nhân Cơ`` → ``Nhân Cơ`` (the unit's name without its kind word)."""
    word = _KIND_WORD[unit.kind]
    return unit.name[len(word):].strip() if unit.name.lower().startswith(word) else unit.name


def _issuer(unit: UnitIdentity) -> Issuer:
    place = _place_name(unit)
    kind_word = _KIND_WORD[unit.kind]
    return Issuer(
        name_lines=("ỦY BAN NHÂN DÂN", f"{kind_word} {place}".upper()),
        name=f"Ủy ban nhân dân {kind_word} {place}",
    )


def _signature(title: str, signer: str) -> Signature:
    lines = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") if title == "deputy" else (
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    return Signature(capacity_lines=lines, signer_name=signer)


def _indicator_row(indicator: Indicator, entry: IndicatorEntry | None, group: str, language: str) -> IndicatorRow:
    outcome = indicator_result(indicator, entry, Level.COMMUNE)
    numerator = denominator = None
    if entry is not None and indicator.kind is IndicatorKind.RATIO:
        try:
            numerator, denominator = parse_decimal(entry.numerator), parse_decimal(entry.denominator)
        except ValueError:
            numerator = denominator = None
    return IndicatorRow(
        code=indicator.code,
        name=indicator.name.get(language),
        group=group,
        kind=indicator.kind,
        target=outcome.target,
        status=outcome.status,
        value=outcome.result,
        numerator=numerator,
        denominator=denominator,
        text=entry.value if entry is not None and indicator.kind is IndicatorKind.TEXT else None,
    )


def _remarks(plan: Plan, tasks: dict[str, TaskEntry], field: str) -> str:
    lines = []
    for task in plan.commune_tasks():
        text = getattr(tasks[task.code], field) if task.code in tasks else None
        if text:
            lines.append(f"{task.code}: {text}")
    return "\n".join(lines)


REPORT_DETAILS = ("report_signer_name", "report_recipients")  # empty by default: the report would go out without


def missing_report_details(service: CommuneService) -> tuple[str, ...]:
    """The report settings still empty that the official report needs (the signer's name, the recipients);
    the document number's form has a default (``{number}/BC-UBND``)."""
    settings = service.settings()
    return tuple(key for key in REPORT_DETAILS if not str(settings[key]).strip())


def commune_report_data(
    service: CommuneService, plan_id: str, period_id: str, language: str = "vi",
    number: str | None = None, date: dt.date | None = None,
) -> CommuneReportData:
    """The report data of ``period_id``; ``ReportError`` when nothing has been entered for it yet."""
    unit = service.require_unit()
    plan = service.period_plan(plan_id, period_id)  # the version it was exported against, while exported
    view = service.period(plan_id, period_id)
    entries = service.entries(plan_id, view.period_id)
    if not entries.indicators and not entries.tasks:
        raise ReportError("report.period_empty", plan=plan.id, period=view.period_id)
    period = Period.parse(view.period_id)
    settings = service.settings()
    pattern = settings["report_number_pattern"] or "{number}/BC-UBND"
    document = DocumentInfo(
        issuer=_issuer(unit),
        number=pattern.format(number=number or "\u2002\u2002\u2002"),
        place=settings["report_place"] or _place_name(unit),
        date=date or service.today(),
        subject=f"Kết quả thực hiện {plan.plan.title.vi} — {period_label(period, 'vi')}"
        if language == "vi" else f"Results of the {plan.plan.title.en} — {period_label(period, 'en')}",
        signature=_signature(settings["report_signer_title"], settings["report_signer_name"]),
        recipients=tuple(line.strip() for line in settings["report_recipients"].splitlines() if line.strip()),
        basis=plan.plan.citation_vi if language == "vi" else plan.plan.title.en,
    )
    indicator_rows = tuple(
        _indicator_row(indicator, entries.indicators.get(indicator.code), group.title.get(language), language)
        for group in plan.groups
        for indicator in group.indicators
        if indicator.applies_to_communes
    )
    problems = {p.item_code for p in service.validate(plan_id, view.period_id) if p.code == "task.overdue"}
    task_rows = tuple(
        TaskRow(
            code=task.code,
            title=task.title.get(language),
            group=group.title.get(language),
            lead_agency=task.lead_agency.get(language) if task.lead_agency else "",
            deadline=task.deadline,
            status=entries.tasks.get(task.code, TaskEntry(task.code)).status,
            overdue=task.code in problems,
            result=entries.tasks.get(task.code, TaskEntry(task.code)).result or "",
        )
        for group in plan.groups
        for top in group.tasks
        for task in top.leaves()
        if task.reports_at_commune
    )
    return CommuneReportData(
        document=document,
        period=period,
        indicators=indicator_rows,
        tasks=task_rows,
        difficulties=_remarks(plan, entries.tasks, "difficulties"),
        proposals=_remarks(plan, entries.tasks, "proposals"),
        language=language,
    )


def write_commune_report(
    service: CommuneService, plan_id: str, period_id: str, out: Path, language: str = "vi",
    number: str | None = None, date: dt.date | None = None, progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> WrittenReport:
    """Assemble the report of ``period_id`` (see ``commune_report_data``) and write it as a PDF at ``out``; the
    result names the file and what to tell its maker (e.g. characters replaced because the font lacks them)."""
    from cds_desktop.core.reports.commune_pdf import (
        render_commune_report,  # reportlab: loaded when a PDF is made
    )

    data = commune_report_data(service, plan_id, period_id, language, number, date)
    warnings = render_commune_report(data, Path(out), progress=progress, cancel=cancel)
    return WrittenReport(Path(out), warnings)

