"""The office's results across its communes: what the results screen and the exports show (Qt-free).

- ``period_results``: communes × indicators for one plan period. Each cell is the commune's CURRENT submission's
  answer with the judgement the import stored beside it — the one rule, ``validation.indicator_result`` at the
  commune level (level-specific targets, ranges such as 55–60 %) — or says why it is empty: not received (no
  submission), not applicable (the submission does not carry the indicator) or no value (blank, with the
  commune's note). Whatever the decision on the
  submission (accepted, returned, not yet decided): the decision is shown beside the commune.
- summary rows (``IndicatorSummary``): the office as one figure per indicator — for a ratio Σ numerators ÷
  Σ denominators of the valid answers given as numerator and denominator (never the mean of percentages; an
  answer given only as a percentage cannot be added up and is counted apart), for a count the sum, for yes/no the
  number of yes — and how many communes meet the target, with their share of ALL the office's communes.
- one plan version at a time: when a period's submissions were made against two versions of the plan (an office
  plan corrected mid-year), ``period_results`` / ``period_tasks`` show one version (``plan_version``, by default
  the newest the period's submissions use) judged with that version's indicators; ``versions`` lists them all;
- ``period_tasks``: communes × the plan's commune tasks with status, progress and the overdue mark the office's
  validation gave at import; counts per task.
- ``indicator_trend``: an indicator across the plan's periods, for one commune or for the whole office (the
  summary figure of each period).
- ``outliers``: values worth a call (``results_outliers``): far from the other communes, a denominator that moved
  sharply from the previous period of the same kind, a numerator above its denominator.

Reads need no permission (as every read of the office's service); the exports (``core/exports``) ask
``EXPORT_DATA``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.errors import InputError
from cds_desktop.core.numbers import percentage
from cds_desktop.core.plans.model import Indicator, IndicatorKind, Level, Plan, Task
from cds_desktop.core.plans.schedule import PeriodKind, plan_periods, scheduled_period
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.gc_pause import collector_paused
from cds_desktop.core.services.office.results_outliers import (
    is_far,
    modified_z_scores,
    relative_change,
    sharp_change,
)
from cds_desktop.core.storage.exchange_models import OfficeCommune
from cds_desktop.core.storage.queries import office_results as queries

_STATUSES = {status.value: status for status in TargetStatus}  # a stored status as its member, without Enum()
JUDGED = (TargetStatus.MET, TargetStatus.NOT_MET)
_VALID = (TargetStatus.MET, TargetStatus.NOT_MET, TargetStatus.NOT_APPLICABLE)


class EmptyReason(StrEnum):
    NOT_RECEIVED = "not_received"  # no submission from the commune for the period
    NOT_APPLICABLE = "not_applicable"  # the submission does not carry the indicator
    NO_VALUE = "no_value"  # answered blank (the commune's note says why)


@dataclass(frozen=True, slots=True)
class CommuneColumn:
    """A commune of the office and its current submission for the period (None: nothing received)."""

    code: str
    name: str
    submission_id: int | None = None
    revision: int | None = None
    received_at: dt.datetime | None = None  # when the office imported that revision
    decision: str | None = None  # accepted | returned | None (not decided, or nothing received)


@dataclass(frozen=True, slots=True)
class ResultCell:
    commune_code: str
    indicator_code: str
    status: TargetStatus | None  # None: empty for ``empty``'s reason
    result: Decimal | None = None  # percentage for a ratio, the number for a count, 1/0 for yes/no
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str | None = None  # a text indicator's answer
    note: str | None = None
    empty: EmptyReason | None = None


@dataclass(frozen=True)
class IndicatorSummary:
    indicator_code: str
    result: Decimal | None  # Σ numerators ÷ Σ denominators × 100 (ratio); the sum (count); the yeses (yes/no)
    numerator_total: Decimal | None
    denominator_total: Decimal | None
    added: int  # communes whose answer went into ``result``
    rate_only: int  # ratio answers given only as a percentage: valid, but not added up
    met: int
    judged: int  # met or not met (a valid answer against a target)
    expected: int  # the office's communes
    share_met: Decimal | None  # met ÷ expected × 100; None without a commune-level target or without communes


@dataclass(frozen=True)
class PeriodResults:
    """Row-major: the cell of commune ``r`` and indicator ``c`` is ``cells[r * len(indicators) + c]``."""

    plan_id: str
    period_id: str
    communes: tuple[CommuneColumn, ...]
    indicators: tuple[Indicator, ...]
    cells: tuple[ResultCell, ...]
    summaries: tuple[IndicatorSummary, ...]
    plan_version: int = 1  # the plan version shown: only submissions made against it are in the cells
    versions: tuple[int, ...] = ()  # the versions the period's current submissions were made against

    def cell(self, row: int, column: int) -> ResultCell:
        return self.cells[row * len(self.indicators) + column]


@dataclass(frozen=True, slots=True)
class TaskCell:
    commune_code: str
    task_code: str
    status: TaskStatus | None  # None: nothing received, or the submission does not carry the task
    progress_pct: int | None = None
    completed_on: dt.date | None = None
    overdue: bool = False
    received: bool = False


@dataclass(frozen=True)
class TaskCounts:
    task_code: str
    done: int
    in_progress: int
    not_started: int
    overdue: int
    not_received: int


@dataclass(frozen=True)
class PeriodTasks:
    plan_id: str
    period_id: str
    communes: tuple[CommuneColumn, ...]
    tasks: tuple[Task, ...]
    cells: tuple[TaskCell, ...]  # row-major, as ``PeriodResults``
    counts: tuple[TaskCounts, ...]
    plan_version: int = 1  # as ``PeriodResults``
    versions: tuple[int, ...] = ()


@dataclass(frozen=True)
class TrendPoint:
    period_id: str
    result: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status: TargetStatus | None  # one commune: its status; the whole office: None
    met: int | None = None  # the whole office: communes meeting the target
    expected: int | None = None


class OutlierKind(StrEnum):
    FAR_FROM_OTHERS = "far_from_others"  # |modified z-score| > 3.5
    DENOMINATOR_CHANGE = "denominator_change"  # moved by more than half from the previous period
    NUMERATOR_ABOVE_DENOMINATOR = "numerator_above_denominator"


@dataclass(frozen=True)
class Outlier:
    kind: OutlierKind
    commune_code: str
    commune_name: str
    indicator_code: str
    period_id: str
    value: Decimal  # the result (far), the denominator (change), the numerator (above)
    reference: Decimal | None  # the score (far), the previous denominator (change), the denominator (above)
    change: Decimal | None = None  # the relative change of a denominator (0.6 = +60 %)
    note: str | None = None
    decision: str | None = None


def _number(text: str | None) -> Decimal | None:
    """A stored quantity (canonical text, checked at import: digits, maybe a point and more digits) as a number;
    None for none, or for text that is no such number (an answer with an error, kept as the commune sent it)."""
    if text is None:
        return None
    whole, point, fraction = text.partition(".")
    if _digits(whole) and (not point or _digits(fraction)):
        return Decimal(text)
    return None


def _digits(text: str) -> bool:
    """One or more of 0-9 (``str.isdigit`` alone takes other scripts' digits and superscripts too)."""
    return text.isascii() and text.isdigit()


class _Numbers(dict):
    """Stored quantities already read as numbers (``_number``): a table reads the same texts many times ("1",
    "0", "100", the same rates), and a Decimal is immutable, so one is made per distinct text."""

    def __missing__(self, text: str | None) -> Decimal | None:
        number = self[text] = _number(text)
        return number


def _cell(indicator: Indicator, commune: CommuneColumn,
          answer: queries.IndicatorAnswerRow | queries.PeriodAnswerRow | None,
          numbers: _Numbers | None = None) -> ResultCell:
    """The commune's answer with the judgement the import stored (``validation.indicator_result`` at the commune
    level, the one rule), or why the cell is empty. ``numbers``: the texts read so far, when reading many."""
    if commune.submission_id is None:
        return ResultCell(commune.code, indicator.code, None, empty=EmptyReason.NOT_RECEIVED)
    if answer is None:
        return ResultCell(commune.code, indicator.code, None, empty=EmptyReason.NOT_APPLICABLE)
    if answer.numerator is None and answer.denominator is None and answer.value is None:
        return ResultCell(commune.code, indicator.code, None, note=answer.note, empty=EmptyReason.NO_VALUE)
    text = answer.value if indicator.kind is IndicatorKind.TEXT else None
    number = _number if numbers is None else numbers.__getitem__
    return ResultCell(commune.code, indicator.code, _STATUSES[answer.target_status], number(answer.result),
                      number(answer.numerator), number(answer.denominator), text, answer.note)


def summarize(indicator: Indicator, cells: list[ResultCell], expected: int) -> IndicatorSummary:
    """The office's one figure for ``indicator`` from its communes' ``cells`` (see the module's docstring)."""
    valid = [cell for cell in cells if cell.status in _VALID]
    numerator_total = denominator_total = result = None
    rate_only = 0
    if indicator.kind is IndicatorKind.RATIO:
        pairs = [cell for cell in valid if cell.numerator is not None and cell.denominator is not None]
        rate_only = sum(1 for cell in valid if cell.result is not None) - len(pairs)
        added = len(pairs)
        if pairs:
            numerator_total = sum((cell.numerator for cell in pairs), Decimal(0))
            denominator_total = sum((cell.denominator for cell in pairs), Decimal(0))
            result = percentage(numerator_total, denominator_total)
    elif indicator.kind in (IndicatorKind.COUNT, IndicatorKind.BOOLEAN):
        numbers = [cell.result for cell in valid if cell.result is not None]
        added = len(numbers)
        result = sum(numbers, Decimal(0)) if numbers else None
    else:
        added = sum(1 for cell in valid if cell.text)
    met = sum(1 for cell in cells if cell.status is TargetStatus.MET)
    judged = sum(1 for cell in cells if cell.status in JUDGED)
    has_target = indicator.kind is not IndicatorKind.TEXT and indicator.target_for(Level.COMMUNE) is not None
    share = percentage(Decimal(met), Decimal(expected)) if has_target and expected else None
    return IndicatorSummary(indicator.code, result, numerator_total, denominator_total, added, rate_only, met,
                            judged, expected, share)


class Results(OfficeBase):
    def _communes_of(self, plan_id: str, period_id: str, plan_version: int | None = None) -> tuple[CommuneColumn, ...]:
        """Every commune of the office, by code, with its current submission of the period (on ``plan_version``
        when given; or none)."""
        with self.repo.reading() as session:
            return tuple(CommuneColumn(*row) for row in queries.commune_submissions(session, plan_id, period_id,
                                                                                    plan_version))

    def version_shown(self, plan_id: str, period_id: str, plan_version: int | None) -> tuple[Plan, tuple[int, ...]]:
        """The plan version whose results are shown — ``plan_version``, else the newest the period's submissions
        were made against, else the catalog's newest — and the versions the period's submissions use. Like is
        compared with like: a submission on another version is not in the cells (``versions`` says it exists)."""
        with self.repo.reading() as session:
            versions = tuple(queries.period_plan_versions(session, plan_id, period_id))
        if plan_version is None and versions:
            plan_version = versions[-1]
        return self.catalog.get(plan_id, plan_version), versions

    def _office_communes(self) -> list[OfficeCommune]:
        return self.communes()  # OfficeCommunes (the composed service)

    def result_periods(self, plan_id: str) -> list[str]:
        """The plan's period ids, oldest first."""
        return [scheduled.period.id for scheduled in plan_periods(self.catalog.get(plan_id))]

    def latest_reported_period(self, plan_id: str) -> str | None:
        """The plan's latest period (in the plan's order) any commune has sent a report for, or None."""
        periods = self.result_periods(plan_id)
        with self.repo.reading() as session:
            reported = {row.period_id for row in queries.current_submissions(session, plan_id, periods)}
        return next((period for period in reversed(periods) if period in reported), None)

    def period_results(self, plan_id: str, period_id: str, plan_version: int | None = None) -> PeriodResults:
        """Communes × indicators of ``period_id`` with the summary rows, for one plan version (``version_shown``:
        by default the newest the period's submissions use). ``InputError`` for a plan or period the catalog does
        not have."""
        plan, versions = self.version_shown(plan_id, period_id, plan_version)
        version = plan.plan.plan_version
        period = scheduled_period(plan, period_id).period
        indicators = tuple(plan.commune_indicators())
        with collector_paused():
            communes = self._communes_of(plan.id, period.id, version)
            with self.repo.reading() as session:
                answers = {(row.submission_id, row.indicator_code): row
                           for row in queries.period_answers(session, plan.id, period.id, version)}
            numbers = _Numbers()
            cells = tuple(_cell(indicator, commune, answers.get((commune.submission_id, indicator.code)), numbers)
                          for commune in communes for indicator in indicators)
            width = len(indicators)
            summaries = tuple(summarize(indicator, list(cells[column::width]), len(communes))
                              for column, indicator in enumerate(indicators)) if width else ()
        return PeriodResults(plan.id, period.id, communes, indicators, cells, summaries, version, versions)

    def period_tasks(self, plan_id: str, period_id: str, plan_version: int | None = None) -> PeriodTasks:
        """Communes × the plan's commune tasks for ``period_id``, with counts per task, for one plan version (as
        ``period_results``)."""
        plan, versions = self.version_shown(plan_id, period_id, plan_version)
        version = plan.plan.plan_version
        period = scheduled_period(plan, period_id).period
        communes = self._communes_of(plan.id, period.id, version)
        tasks = tuple(plan.commune_tasks())
        with self.repo.reading() as session:
            answers = {(row.commune_code, row.task_code): row
                       for row in queries.task_answers(session, plan.id, period.id, version)}
        cells = []
        for commune in communes:
            for task in tasks:
                row = answers.get((commune.code, task.code))
                received = commune.submission_id is not None
                cells.append(TaskCell(commune.code, task.code, None, received=received) if row is None else TaskCell(
                    commune.code, task.code, TaskStatus(row.status), row.progress_pct, row.completed_on,
                    row.overdue, received))
        counts = []
        for column, task in enumerate(tasks):
            column_cells = cells[column::len(tasks)]
            statuses = [cell.status for cell in column_cells]
            counts.append(TaskCounts(task.code, statuses.count(TaskStatus.DONE), statuses.count(TaskStatus.IN_PROGRESS),
                                     statuses.count(TaskStatus.NOT_STARTED),
                                     sum(1 for cell in column_cells if cell.overdue),
                                     sum(1 for cell in column_cells if not cell.received)))
        return PeriodTasks(plan.id, period.id, communes, tasks, tuple(cells), tuple(counts), version, versions)

    def indicator_trend(self, plan_id: str, indicator_code: str, commune_code: str | None = None,
                        kind: PeriodKind | None = None) -> list[TrendPoint]:
        """``indicator_code`` over the plan's periods (those of ``kind`` when given), oldest first: the commune's
        result and status, or the office's summary figure when ``commune_code`` is None."""
        plan = self.catalog.get(plan_id)
        indicator = _indicator(plan, indicator_code)
        periods = [s.period.id for s in plan_periods(plan) if kind is None or s.period.kind is kind]
        communes = [c for c in self._office_communes() if commune_code is None or c.code == commune_code]
        if commune_code is not None and not communes:
            raise InputError("results.unknown_commune", commune=commune_code)
        with self.repo.reading() as session:
            received = {(row.commune_code, row.period_id): row.submission_id
                        for row in queries.current_submissions(session, plan.id, periods)}
            answers = {(row.commune_code, row.period_id): row
                       for row in queries.indicator_answers(session, plan.id, periods, indicator.code, commune_code)}
        points = []
        for period_id in periods:
            cells = [_cell(indicator, CommuneColumn(c.code, c.name, received.get((c.code, period_id))),
                           answers.get((c.code, period_id))) for c in communes]
            if commune_code is not None:
                (cell,) = cells
                points.append(TrendPoint(period_id, cell.result, cell.numerator, cell.denominator, cell.status))
            else:
                summary = summarize(indicator, cells, len(communes))
                points.append(TrendPoint(period_id, summary.result, summary.numerator_total,
                                         summary.denominator_total, None, summary.met, summary.expected))
        return points

    def outliers(self, plan_id: str, period_id: str, current: PeriodResults | None = None) -> list[Outlier]:
        """The values of ``period_id`` worth a call, by kind, then indicator (the plan's order), then commune.
        ``current``: the period's results when the caller has them already."""
        plan = self.catalog.get(plan_id)
        if current is None or (current.plan_id, current.period_id) != (plan.id, period_id):
            current = self.period_results(plan.id, period_id)
        names = {commune.code: commune for commune in current.communes}
        found: list[Outlier] = []
        width = len(current.indicators)
        for column, indicator in enumerate(current.indicators):
            cells = [cell for cell in current.cells[column::width] if cell.status in _VALID and cell.result is not None]
            for cell, score in zip(cells, modified_z_scores([cell.result for cell in cells])):
                if is_far(score):
                    found.append(_outlier(OutlierKind.FAR_FROM_OTHERS, cell, names, period_id, cell.result, score))
        previous = _previous_period(plan, period_id)
        if previous is not None:
            before = self.period_results(plan.id, previous)
            for index, cell in enumerate(current.cells):
                old = before.cells[index].denominator
                if cell.denominator is not None and old is not None and sharp_change(old, cell.denominator):
                    found.append(_outlier(OutlierKind.DENOMINATOR_CHANGE, cell, names, period_id, cell.denominator,
                                          old, relative_change(old, cell.denominator)))
        for cell in current.cells:
            if cell.numerator is not None and cell.denominator is not None and cell.numerator > cell.denominator:
                found.append(_outlier(OutlierKind.NUMERATOR_ABOVE_DENOMINATOR, cell, names, period_id,
                                      cell.numerator, cell.denominator))
        return found


def _outlier(kind: OutlierKind, cell: ResultCell, communes: dict[str, CommuneColumn], period_id: str,
             value: Decimal, reference: Decimal | None, change: Decimal | None = None) -> Outlier:
    commune = communes[cell.commune_code]
    return Outlier(kind, commune.code, commune.name, cell.indicator_code, period_id, value, reference, change,
                   cell.note, commune.decision)


def _indicator(plan: Plan, code: str) -> Indicator:
    indicator = plan.indicator(code)
    if indicator is None or not indicator.applies_to_communes:
        raise InputError("results.unknown_indicator", indicator=code, plan=plan.id)
    return indicator


def _previous_period(plan: Plan, period_id: str) -> str | None:
    """The plan's period of the same kind just before ``period_id`` (2023Q4 for 2024Q1), or None."""
    period = scheduled_period(plan, period_id).period
    same_kind = [s.period for s in plan_periods(plan) if s.period.kind is period.kind and s.period < period]
    return same_kind[-1].id if same_kind else None
