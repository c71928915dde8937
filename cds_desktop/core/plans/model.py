"""The plan (catalog) model: what a source plan document asks communes to report.

A plan file (YAML, see ``docs/plan-format.md``) is validated into these pydantic models on load. The models
are immutable and Qt-free; everything else (forms, validation, bundles, reports) reads them.

Vocabulary:
- *indicator*: a measured result with a target (ratio, count, yes/no or text);
- *task*: a piece of work with a lead agency, partners and a deadline; a task may have sub-tasks
  (e.g. "3a", "3b"), in which case only the sub-tasks are reported on;
- *group*: a section of the source document, holding indicators and/or tasks in document order;
- *schedule*: the reporting periods (year, half-year, quarter) and the deadline rule of each.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cds_desktop.core.text import nfc

PLAN_FORMAT_VERSION = 1
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalizedText(_Frozen):
    """A text in Vietnamese (as written in the source) and English."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("vi", "en")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return nfc(value).strip()

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.vi


class Level(StrEnum):
    """Government levels a target or task can apply to."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class IndicatorKind(StrEnum):
    RATIO = "ratio"  # numerator / denominator, shown as a percentage
    COUNT = "count"  # a whole number of units
    BOOLEAN = "boolean"  # yes / no
    TEXT = "text"  # free text, no target evaluation


class CountedUnit(StrEnum):
    """What a ratio's numerator and denominator (or a count) count; these must be whole numbers."""

    PEOPLE = "people"
    HOUSEHOLDS = "households"
    VILLAGES = "villages"
    RECORDS = "records"
    SERVICES = "services"
    PROCEDURES = "procedures"
    DOCUMENTS = "documents"
    REPORTS = "reports"
    AGENCIES = "agencies"
    BUSINESSES = "businesses"
    COMPUTERS = "computers"
    SYSTEMS = "systems"
    PORTALS = "portals"
    COLLECTIVES = "collectives"
    INDIVIDUALS = "individuals"
    PRODUCTS = "products"
    # Money amounts are not counted units: they may have decimals.
    VND = "vnd"

    @property
    def is_whole(self) -> bool:
        return self is not CountedUnit.VND


class Comparator(StrEnum):
    GE = "ge"  # ≥ value ("đạt từ 80% trở lên")
    GT = "gt"  # > value ("trên 90%")
    LE = "le"  # ≤ value ("không quá 05")
    LT = "lt"  # < value
    EQ = "eq"  # = value ("đạt 100%")
    RANGE = "range"  # low ≤ x ≤ high ("từ 55 - 60%")

    @property
    def symbol(self) -> str:
        return {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "range": "–"}[self.value]


class Target(_Frozen):
    """A target: a comparator with a value (or a low–high range), in percent for ratios.

    For a yes/no indicator the target is ``eq`` 1 (yes) or ``eq`` 0 (no).
    """

    comparator: Comparator
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    text: LocalizedText | None = None  # the target as the document words it, when that adds something

    @model_validator(mode="after")
    def _check_shape(self) -> "Target":
        if self.comparator is Comparator.RANGE:
            if self.low is None or self.high is None or self.value is not None:
                raise ValueError("a range target needs 'low' and 'high' and no 'value'")
            if self.low > self.high:
                raise ValueError("a range target needs low ≤ high")
        elif self.value is None or self.low is not None or self.high is not None:
            raise ValueError(f"a '{self.comparator.value}' target needs 'value' and no 'low'/'high'")
        return self


class SourceRef(_Frozen):
    """Where in the source document an item comes from."""

    document: str = Field(min_length=1)
    section: str = Field(min_length=1)


class Indicator(_Frozen):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    name: LocalizedText
    kind: IndicatorKind
    unit: CountedUnit | None = None  # counted unit of a ratio's terms or of a count
    numerator_label: LocalizedText | None = None
    denominator_label: LocalizedText | None = None
    target: Target | None = None  # the target for every level without its own
    level_targets: dict[Level, Target] = Field(default_factory=dict)
    applies_to_communes: bool = True
    note: LocalizedText | None = None
    source: SourceRef

    @model_validator(mode="after")
    def _check_kind(self) -> "Indicator":
        if self.kind is IndicatorKind.RATIO:
            if self.numerator_label is None or self.denominator_label is None or self.unit is None:
                raise ValueError("a ratio indicator needs 'unit', 'numerator_label' and 'denominator_label'")
        elif self.numerator_label is not None or self.denominator_label is not None:
            raise ValueError("only a ratio indicator has numerator and denominator labels")
        if self.kind is IndicatorKind.COUNT and self.unit is None:
            raise ValueError("a count indicator needs 'unit'")
        if self.kind is IndicatorKind.TEXT and (self.target or self.level_targets):
            raise ValueError("a text indicator has no target")
        if self.kind is IndicatorKind.BOOLEAN:
            for target in self._all_targets():
                if target.comparator is not Comparator.EQ or target.value not in (0, 1):
                    raise ValueError("a yes/no indicator's target is 'eq' 1 or 'eq' 0")
        return self

    def _all_targets(self) -> list[Target]:
        return ([self.target] if self.target else []) + list(self.level_targets.values())

    def target_for(self, level: Level) -> Target | None:
        """The target that applies at ``level`` (its own, else the general one)."""
        return self.level_targets.get(level, self.target)


class DeadlineKind(StrEnum):
    DATE = "date"  # a calendar date
    MONTH = "month"  # within a month, e.g. "12/2023"
    YEARLY = "yearly"  # "thực hiện hàng năm"
    ROADMAP = "roadmap"  # "theo đúng lộ trình"
    ONGOING = "ongoing"  # continuous, no end ("thường xuyên")
    NONE = "none"  # the document states none


class TaskDeadline(_Frozen):
    kind: DeadlineKind
    date: dt.date | None = None
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None  # "2023-12"
    text: LocalizedText | None = None  # as written in the document

    @model_validator(mode="after")
    def _check_shape(self) -> "TaskDeadline":
        if (self.kind is DeadlineKind.DATE) != (self.date is not None):
            raise ValueError("'date' is given exactly when the deadline kind is 'date'")
        if (self.kind is DeadlineKind.MONTH) != (self.month is not None):
            raise ValueError("'month' is given exactly when the deadline kind is 'month'")
        return self

    def due_date(self, period_end: dt.date | None = None) -> dt.date | None:
        """The last day the task may be completed on, if the deadline has one.

        A yearly task is due at the end of the reporting period's year.
        """
        if self.kind is DeadlineKind.DATE:
            return self.date
        if self.kind is DeadlineKind.MONTH:
            year, month = (int(p) for p in self.month.split("-"))
            next_month = dt.date(year + month // 12, month % 12 + 1, 1)
            return next_month - dt.timedelta(days=1)
        if self.kind is DeadlineKind.YEARLY and period_end is not None:
            return dt.date(period_end.year, 12, 31)
        return None


class Task(_Frozen):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalizedText
    description: LocalizedText | None = None
    lead_agency: LocalizedText | None = None
    partners: tuple[LocalizedText, ...] = ()
    deadline: TaskDeadline = TaskDeadline(kind=DeadlineKind.NONE)
    levels: tuple[Level, ...] = (Level.COMMUNE,)  # levels that report on this task
    evidence_expected: bool = False
    subtasks: tuple["Task", ...] = ()
    source: SourceRef

    @property
    def reports_at_commune(self) -> bool:
        return Level.COMMUNE in self.levels

    def leaves(self) -> Iterator["Task"]:
        """The reportable tasks: this one, or its sub-tasks."""
        if self.subtasks:
            for sub in self.subtasks:
                yield from sub.leaves()
        else:
            yield self


class Group(_Frozen):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalizedText
    indicators: tuple[Indicator, ...] = ()
    tasks: tuple[Task, ...] = ()


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"


class DeadlineRule(_Frozen):
    """When a period's report is due ("before" the date: on time means submitted earlier).

    - ``in_period_month``: day ``day`` of the period's ``month``-th month counted from its end
      (``month_from_end: 0`` is the last month): "trước ngày mùng 03 của tháng cuối quý";
    - ``fixed``: a fixed day and month of the period's year: "trước ngày 10/12";
    - ``after_end``: ``days`` days after the period ends.
    """

    rule: Literal["in_period_month", "fixed", "after_end"]
    day: int | None = Field(default=None, ge=1, le=31)
    month: int | None = Field(default=None, ge=1, le=12)
    month_from_end: int | None = Field(default=None, ge=0, le=11)
    days: int | None = Field(default=None, ge=0, le=366)
    text: LocalizedText  # the rule as the document states it

    @model_validator(mode="after")
    def _check_shape(self) -> "DeadlineRule":
        needed = {
            "in_period_month": {"day", "month_from_end"},
            "fixed": {"day", "month"},
            "after_end": {"days"},
        }[self.rule]
        given = {f for f in ("day", "month", "month_from_end", "days") if getattr(self, f) is not None}
        if given != needed:
            raise ValueError(f"deadline rule '{self.rule}' takes exactly {sorted(needed)}")
        return self


class PeriodRule(_Frozen):
    kind: PeriodKind
    deadline: DeadlineRule


class Milestone(_Frozen):
    """A one-off deadline the plan states (e.g. "send your detailed plan before 15/6/2023")."""

    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalizedText
    due_before: dt.date


class Schedule(_Frozen):
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    periods: tuple[PeriodRule, ...] = Field(min_length=1)
    milestones: tuple[Milestone, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> "Schedule":
        if self.first_year > self.last_year:
            raise ValueError("first_year must not be after last_year")
        kinds = [p.kind for p in self.periods]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each period kind appears once")
        return self


class IssuingBody(_Frozen):
    name: LocalizedText
    level: Level


class PlanIdentity(_Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    title: LocalizedText
    issuing_body: IssuingBody
    document_number: str = Field(min_length=1)  # "358/KH-UBND"
    document_date: dt.date
    document_kind: LocalizedText  # "Kế hoạch", "Chỉ thị", "Chương trình hành động"
    plan_version: int = Field(ge=1)
    years: tuple[int, int]  # first and last year the plan covers

    @property
    def citation_vi(self) -> str:
        """E.g. "Kế hoạch số 358/KH-UBND ngày 18/01/2023"."""
        return f"{self.document_kind.vi} số {self.document_number} ngày {self.document_date:%d/%m/%Y}"


class Plan(_Frozen):
    format: Literal[1]
    plan: PlanIdentity
    groups: tuple[Group, ...] = Field(min_length=1)
    schedule: Schedule

    @model_validator(mode="after")
    def _unique_codes(self) -> "Plan":
        for label, codes in (
            ("group", [g.code for g in self.groups]),
            ("indicator", [i.code for i in self.indicators()]),
            ("task", [t.code for t in self.all_tasks()]),
        ):
            duplicates = sorted({c for c in codes if codes.count(c) > 1})
            if duplicates:
                raise ValueError(f"duplicate {label} codes: {', '.join(duplicates)}")
        clash = {i.code for i in self.indicators()} & {t.code for t in self.all_tasks()}
        if clash:
            raise ValueError(f"codes used by both an indicator and a task: {', '.join(sorted(clash))}")
        return self

    @property
    def id(self) -> str:
        return self.plan.id

    def indicators(self) -> Iterator[Indicator]:
        for group in self.groups:
            yield from group.indicators

    def all_tasks(self) -> Iterator[Task]:
        """Every task and sub-task, headings included, in document order."""

        def walk(tasks: tuple[Task, ...]) -> Iterator[Task]:
            for task in tasks:
                yield task
                yield from walk(task.subtasks)

        for group in self.groups:
            yield from walk(group.tasks)

    def reportable_tasks(self) -> Iterator[Task]:
        for group in self.groups:
            for task in group.tasks:
                yield from task.leaves()

    def commune_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators() if i.applies_to_communes]

    def commune_tasks(self) -> list[Task]:
        return [t for t in self.reportable_tasks() if t.reports_at_commune]

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators() if i.code == code), None)

    def task(self, code: str) -> Task | None:
        return next((t for t in self.all_tasks() if t.code == code), None)


def period_pattern() -> re.Pattern[str]:
    return re.compile(r"^(?P<year>\d{4})(?:(?P<half>S[12])|(?P<quarter>Q[1-4]))?$")
