"""The office's exports of one plan period: the read models (``results.py``, the completeness of ``dashboard.py``,
the stored problems) made into typed tables in the user's language, written by ``core/exports``.

- ``export_xlsx``: a workbook with a sheet per view — completeness, results (numerators, denominators,
  percentages), the office's summary, tasks, problems, values worth a call;
- ``export_csv``: one of those views as CSV, one row per commune × item;
- ``export_dhis2``: a dataValueSet JSON and, beside it, its completeDataSetRegistrations (``*.complete.json``);
- ``export_adx``: the numeric values as IHE ADX.

Every export asks ``EXPORT_DATA`` and is written atomically. Only current submissions are read (a refused bundle
was never stored); the DHIS2 and ADX files also leave out the reports returned to their commune for correction
and every answer with an error, since an aggregate system would take them as final.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable
from enum import StrEnum
from pathlib import Path

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.exports import dhis2
from cds_desktop.core.exports.csv_file import write_csv
from cds_desktop.core.exports.tables import Column, ColumnKind, Heading, Table
from cds_desktop.core.exports.xlsx import write_xlsx
from cds_desktop.core.formatting import describe_target
from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import canonical
from cds_desktop.core.plans.model import IndicatorKind, Level
from cds_desktop.core.plans.schedule import scheduled_period
from cds_desktop.core.presentation import period_name, state_name, target_status_name, task_status_name
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.office.results import EmptyReason, PeriodResults, Results
from cds_desktop.core.gc_pause import collector_paused
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.queries import office_results as queries
from cds_desktop.core.validation import Problem, Severity

C = ColumnKind
_EXPORTABLE = (TargetStatus.MET, TargetStatus.NOT_MET, TargetStatus.NOT_APPLICABLE)


class View(StrEnum):
    COMPLETENESS = "completeness"
    RESULTS = "results"
    SUMMARY = "summary"
    TASKS = "tasks"
    PROBLEMS = "problems"
    OUTLIERS = "outliers"


def _columns(language: str, *spec: tuple[str, ColumnKind]) -> tuple[Column, ...]:
    return tuple(Column(translate(f"export.column.{key}", language), kind) for key, kind in spec)


class _Memo(dict):
    """``function``'s results by argument (a tuple of arguments, or one): a whole country's table repeats a few
    words and numbers (a state, a decision, "75.5") tens of thousands of times; each is worked out once."""

    def __init__(self, function: Callable[..., Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.function(*key) if isinstance(key, tuple) else self.function(key)
        return value


def _yes_no(value: bool | None, language: str) -> str | None:
    return None if value is None else translate("export.yes" if value else "export.no", language)


class ResultExports(Results):
    """Composed into ``OfficeService`` beside ``Dashboard`` (whose ``completeness`` it reads)."""

    # --- the tables ------------------------------------------------------------------------------
    def _local(self, instant: dt.datetime | None) -> dt.datetime | None:
        """A stored instant in the office's time zone, without the zone (Excel has none)."""
        return None if instant is None else instant.astimezone(self.clock().tzinfo).replace(tzinfo=None)

    def _decision(self, decision: str | None, received: bool, language: str) -> str | None:
        if decision is not None:
            return state_name(decision, language)
        return translate("export.not_decided", language) if received else None

    def _completeness_table(self, plan_id: str, period_id: str, language: str) -> Table:
        year = scheduled_period(self.catalog.get(plan_id), period_id).period.year
        cells = [c for c in self.completeness(plan_id, year).cells if c.period_id == period_id]
        columns = _columns(language, ("commune_code", C.CODE), ("commune", C.TEXT), ("state", C.TEXT),
                           ("revision", C.INTEGER), ("first_received", C.DATETIME), ("received", C.DATETIME),
                           ("on_time", C.TEXT), ("decided", C.DATETIME))
        states = _Memo(lambda state: translate(f"ui.matrix.state.{state}", language))
        yes_no = _Memo(lambda on_time: _yes_no(on_time, language))
        rows = [(c.commune_code, c.commune_name, states[c.state], c.revision, self._local(c.first_received_at),
                 self._local(c.received_at), yes_no[c.on_time], self._local(c.decided_at)) for c in cells]
        return Table(translate("export.sheet.completeness", language), columns, rows)

    def _results_table(self, results: PeriodResults, language: str) -> Table:
        columns = _columns(language, ("commune_code", C.CODE), ("commune", C.TEXT), ("indicator_code", C.CODE),
                           ("indicator", C.TEXT), ("numerator", C.DECIMAL), ("denominator", C.DECIMAL),
                           ("rate", C.PERCENT), ("value", C.DECIMAL), ("answer", C.TEXT), ("target", C.TEXT),
                           ("status", C.TEXT), ("note", C.TEXT), ("decision", C.TEXT))
        # what every row of an indicator, a status or a reason shows: worked out once, not 3,321 times
        indicators = [(indicator.code, indicator.name.get(language), indicator.kind is IndicatorKind.RATIO,
                       describe_target(indicator.target_for(Level.COMMUNE), indicator.kind, language) or None)
                      for indicator in results.indicators]
        statuses = {status: target_status_name(status, language) for status in TargetStatus}
        reasons = {reason: translate(f"export.empty.{reason}", language) for reason in EmptyReason}  # apart: a
        # reason and a status may have the same value ("not_applicable") and so the same key
        decisions = _Memo(lambda decision, received: self._decision(decision, received, language))
        rows = []
        width = len(results.indicators)
        for row, commune in enumerate(results.communes):
            decision = decisions[commune.decision, commune.submission_id is not None]
            for cell, (code, name, ratio, target) in zip(results.cells[row * width:(row + 1) * width], indicators):
                rows.append((commune.code, commune.name, code, name, cell.numerator, cell.denominator,
                             cell.result if ratio else None, None if ratio else cell.result, cell.text, target,
                             reasons[cell.empty] if cell.empty else statuses[cell.status], cell.note, decision))
        return Table(translate("export.sheet.results", language), columns, rows)

    def _summary_table(self, results: PeriodResults, language: str) -> Table:
        columns = _columns(language, ("indicator_code", C.CODE), ("indicator", C.TEXT), ("target", C.TEXT),
                           ("numerator_total", C.DECIMAL), ("denominator_total", C.DECIMAL), ("rate", C.PERCENT),
                           ("total", C.DECIMAL), ("added", C.INTEGER), ("rate_only", C.INTEGER),
                           ("met", C.INTEGER), ("judged", C.INTEGER), ("expected", C.INTEGER),
                           ("share_met", C.PERCENT))
        rows = []
        for indicator, summary in zip(results.indicators, results.summaries):
            ratio = indicator.kind is IndicatorKind.RATIO
            rows.append((indicator.code, indicator.name.get(language),
                         describe_target(indicator.target_for(Level.COMMUNE), indicator.kind, language) or None,
                         summary.numerator_total, summary.denominator_total, summary.result if ratio else None,
                         None if ratio else summary.result, summary.added, summary.rate_only, summary.met,
                         summary.judged, summary.expected, summary.share_met))
        return Table(translate("export.sheet.summary", language), columns, rows)

    def _tasks_table(self, plan_id: str, period_id: str, language: str) -> Table:
        tasks = self.period_tasks(plan_id, period_id)
        names = {commune.code: commune.name for commune in tasks.communes}
        titles = {task.code: task.title.get(language) for task in tasks.tasks}
        columns = _columns(language, ("commune_code", C.CODE), ("commune", C.TEXT), ("task_code", C.CODE),
                           ("task", C.TEXT), ("task_status", C.TEXT), ("progress", C.INTEGER),
                           ("completed_on", C.DATE), ("overdue", C.TEXT))
        statuses = {status: task_status_name(status, language) for status in TaskStatus}
        not_received, no_value = (translate(f"export.empty.{reason}", language)
                                  for reason in (EmptyReason.NOT_RECEIVED, EmptyReason.NO_VALUE))
        overdue = _Memo(lambda flag: _yes_no(flag, language))
        rows = []
        for cell in tasks.cells:
            status = (statuses[cell.status] if cell.status is not None else
                      no_value if cell.received else not_received)
            rows.append((cell.commune_code, names[cell.commune_code], cell.task_code, titles[cell.task_code],
                         status, cell.progress_pct, cell.completed_on,
                         overdue[cell.overdue] if cell.status is not None else None))
        return Table(translate("export.sheet.tasks", language), columns, rows)

    def _problems_table(self, plan_id: str, period_id: str, names: dict[str, str], language: str) -> Table:
        with self.repo.reading() as session:
            found = queries.current_problems(session, plan_id, period_id)
        columns = _columns(language, ("commune_code", C.CODE), ("commune", C.TEXT), ("item_code", C.CODE),
                           ("severity", C.TEXT), ("problem", C.TEXT))
        rows = []
        for row in found:
            problem = Problem(row.code, Severity(row.severity), row.item_code, row.field, json.loads(row.params_json))
            rows.append((row.commune_code, names.get(row.commune_code), row.item_code,
                         translate(f"severity.{row.severity}", language), problem.message(language)))
        return Table(translate("export.sheet.problems", language), columns, rows)

    def _outliers_table(self, results: PeriodResults, language: str) -> Table:
        columns = _columns(language, ("outlier", C.TEXT), ("commune_code", C.CODE), ("commune", C.TEXT),
                           ("indicator_code", C.CODE), ("outlier_value", C.DECIMAL),
                           ("outlier_reference", C.DECIMAL), ("change", C.PERCENT), ("note", C.TEXT),
                           ("decision", C.TEXT))
        kinds = _Memo(lambda kind: translate(f"export.outlier.{kind}", language))
        decisions = _Memo(lambda decision: self._decision(decision, True, language))
        rows = [(kinds[o.kind], o.commune_code, o.commune_name, o.indicator_code, o.value, o.reference,
                 o.change * 100 if o.change is not None else None, o.note, decisions[o.decision])
                for o in self.outliers(results.plan_id, results.period_id, results)]
        return Table(translate("export.sheet.outliers", language), columns, rows)

    def export_tables(self, plan_id: str, period_id: str, views: tuple[View, ...] = tuple(View),
                      language: str = "vi") -> list[Table]:
        """The tables of ``views`` for one plan period, in that order."""
        results = self.period_results(plan_id, period_id)
        names = {commune.code: commune.name for commune in results.communes}
        build = {
            View.COMPLETENESS: lambda: self._completeness_table(results.plan_id, results.period_id, language),
            View.RESULTS: lambda: self._results_table(results, language),
            View.SUMMARY: lambda: self._summary_table(results, language),
            View.TASKS: lambda: self._tasks_table(results.plan_id, results.period_id, language),
            View.PROBLEMS: lambda: self._problems_table(results.plan_id, results.period_id, names, language),
            View.OUTLIERS: lambda: self._outliers_table(results, language),
        }
        return [build[View(view)]() for view in views]

    def export_heading(self, plan_id: str, period_id: str, language: str = "vi") -> Heading:
        plan = self.catalog.get(plan_id)
        office = self.require_identity()
        return Heading((
            (translate("export.heading.plan", language), plan.plan.title.get(language)),
            (translate("export.heading.period", language), period_name(period_id, language)),
            (translate("export.heading.office", language), office.name),
            (translate("export.heading.exported_at", language), f"{self.clock():%d/%m/%Y %H:%M}"),
        ))

    # --- the files -------------------------------------------------------------------------------
    def export_xlsx(self, plan_id: str, period_id: str, out: Path, language: str = "vi",
                    progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> Path:
        """Every view of the period as the sheets of one workbook at ``out``."""
        self.authorize(Permission.EXPORT_DATA)
        with collector_paused():
            tables = self.export_tables(plan_id, period_id, language=language)
            return write_xlsx(Path(out), self.export_heading(plan_id, period_id, language), tables, progress,
                              cancel)

    def export_csv(self, plan_id: str, period_id: str, out: Path, view: View = View.RESULTS,
                   language: str = "vi") -> Path:
        """One view of the period as CSV at ``out``."""
        self.authorize(Permission.EXPORT_DATA)
        (table,) = self.export_tables(plan_id, period_id, (View(view),), language)
        return write_csv(Path(out), table)

    def _data_values(self, plan_id: str, period_id: str) -> tuple[list[dhis2.DataValue], list[dhis2.Registration]]:
        """The values an aggregate system may take as final, and when each commune's report was received."""
        results = self.period_results(plan_id, period_id)
        values, registered = [], []
        texts = _Memo(canonical)  # equal numbers (75.50 and 75.5) have the same canonical text
        width = len(results.indicators)
        kinds = [(indicator.code, indicator.kind is IndicatorKind.TEXT, indicator.code + dhis2.NUMERATOR_SUFFIX,
                  indicator.code + dhis2.DENOMINATOR_SUFFIX) for indicator in results.indicators]
        for row, commune in enumerate(results.communes):
            if commune.submission_id is None or commune.decision == "returned":
                continue
            registered.append(dhis2.Registration(commune.code, self._local(commune.received_at).date()))
            for cell, (code, is_text, numerator_code, denominator_code) in zip(
                    results.cells[row * width:(row + 1) * width], kinds):
                if cell.status not in _EXPORTABLE:
                    continue
                if is_text:
                    if cell.text:
                        values.append(dhis2.DataValue(commune.code, code, cell.text, cell.note, False))
                    continue
                if cell.result is not None:
                    values.append(dhis2.DataValue(commune.code, code, texts[cell.result], cell.note))
                if cell.numerator is not None:
                    values.append(dhis2.DataValue(commune.code, numerator_code, texts[cell.numerator]))
                if cell.denominator is not None:
                    values.append(dhis2.DataValue(commune.code, denominator_code, texts[cell.denominator]))
        return values, registered

    def export_dhis2(self, plan_id: str, period_id: str, out: Path,
                     mapping: Path | None = None) -> tuple[Path, Path]:
        """The dataValueSet at ``out`` and its completeDataSetRegistrations beside it (``<stem>.complete.json``)."""
        self.authorize(Permission.EXPORT_DATA)
        codes = dhis2.load_mapping(mapping) if mapping is not None else dhis2.Dhis2Mapping()
        plan = self.catalog.get(plan_id)
        period = scheduled_period(plan, period_id).period
        out = Path(out)
        complete = out.with_name(f"{out.stem}.complete.json")
        with collector_paused():
            values, registered = self._data_values(plan.id, period.id)
            dhis2.write_json(complete, dhis2.registrations(codes, plan.id, period.id, registered))
            dhis2.write_json(out, dhis2.data_value_set(codes, plan.id, period.id, values))
        return out, complete

    def export_adx(self, plan_id: str, period_id: str, out: Path, mapping: Path | None = None) -> Path:
        """The numeric values of ``export_dhis2`` as ADX XML at ``out``."""
        self.authorize(Permission.EXPORT_DATA)
        codes = dhis2.load_mapping(mapping) if mapping is not None else dhis2.Dhis2Mapping()
        plan = self.catalog.get(plan_id)
        period = scheduled_period(plan, period_id).period
        with collector_paused():
            values, registered = self._data_values(plan.id, period.id)
        return dhis2.write_adx(Path(out), codes, plan.id, period.id, values, registered, self.clock())

