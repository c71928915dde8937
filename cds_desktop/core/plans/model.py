"""The plan (catalog) model: what a source plan document asks communes to report.

A plan file (YAML, see ``docs/plan-format.md``) is validated into these pydantic models on load. The models
are immutable and Qt-free; everything else (forms, validation, bundles, reports) reads them.

Vocabulary:
- *indicator*: a measured result with a target (ratio, count, yes/no or text);
- *task*: a piece of work with a lead agency, partners and a deadline; a task may have sub-tasks
  (e.g. "3a", "3b"), in which case only the sub-tasks are reported on;
- *group*: a section of the source document, holding indicators and/or tasks in document order;
- *schedule*: the reporting periods (year, half-year, quarter) and the deadline rule of each (its models and
  the periods it makes are in ``schedule.py``).

Validation problems found by the model's own rules are raised as ``PlanProblem`` (a ``ValueError``
carrying a message id, its parameters and the field it is about), so that the loader can name the exact
field and say what is wrong in Vietnamese and English. ``PlanProblem``, ``LocalizedText``, ``Level`` and
``CODE_PATTERN`` are defined in ``common.py`` (the schedule uses them too) and are part of this module's vocabulary:
the many callers import them from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Iterator, Literal

from pydantic import Field, model_validator

from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.common import CODE_PATTERN, FrozenModel, Level, LocalizedText, PlanProblem
from cds_desktop.core.plans.schedule import Schedule

PLAN_FORMAT_VERSION = 1


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


class Target(FrozenModel):
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
            if self.value is not None:
                raise PlanProblem("plan.problem.range_no_value", ("value",))
            for name in ("low", "high"):
                if getattr(self, name) is None:
                    raise PlanProblem("plan.problem.range_needs_low_high", (name,))
            if self.low > self.high:
                raise PlanProblem("plan.problem.range_order", ("low",), low=self.low, high=self.high)
        else:
            for name in ("low", "high"):
                if getattr(self, name) is not None:
                    raise PlanProblem("plan.problem.target_no_low_high", (name,), comparator=self.comparator.value)
            if self.value is None:
                raise PlanProblem("plan.problem.target_needs_value", ("value",), comparator=self.comparator.value)
        return self

    def values(self) -> tuple[Decimal, ...]:
        """The numbers in the target: ``(value,)`` or ``(low, high)``."""
        return (self.low, self.high) if self.comparator is Comparator.RANGE else (self.value,)


class SourceRef(FrozenModel):
    """Where in the source document an item comes from."""

    document: str = Field(min_length=1)
    section: str = Field(min_length=1)


class Indicator(FrozenModel):
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
            for name in ("unit", "numerator_label", "denominator_label"):
                if getattr(self, name) is None:
                    raise PlanProblem("plan.problem.ratio_needs", (name,), field=name)
        else:
            for name in ("numerator_label", "denominator_label"):
                if getattr(self, name) is not None:
                    raise PlanProblem("plan.problem.labels_only_ratio", (name,), kind=self.kind.value)
        if self.kind is IndicatorKind.COUNT and self.unit is None:
            raise PlanProblem("plan.problem.count_needs_unit", ("unit",))
        if self.kind in (IndicatorKind.TEXT, IndicatorKind.BOOLEAN) and self.unit is not None:
            raise PlanProblem("plan.problem.no_unit", ("unit",), kind=self.kind.value)
        for loc, target in self._located_targets():
            self._check_target(loc, target)
        return self

    def _check_target(self, loc: tuple[str, ...], target: Target) -> None:
        if self.kind is IndicatorKind.TEXT:
            raise PlanProblem("plan.problem.text_no_target", loc)
        if self.kind is IndicatorKind.BOOLEAN:
            if target.comparator is not Comparator.EQ or target.value not in (0, 1):
                raise PlanProblem("plan.problem.boolean_target", loc)
        if self.kind is IndicatorKind.RATIO:
            for number in target.values():
                if not 0 <= number <= 100:
                    raise PlanProblem("plan.problem.percent_range", loc, value=number)
        if self.kind is IndicatorKind.COUNT:
            for number in target.values():
                if number < 0 or (self.unit.is_whole and number != number.to_integral_value()):
                    raise PlanProblem("plan.problem.whole_count", loc, value=number, unit=self.unit.value)

    def _located_targets(self) -> list[tuple[tuple[str, ...], Target]]:
        located = [(("target",), self.target)] if self.target else []
        return located + [(("level_targets", level.value), t) for level, t in self.level_targets.items()]

    def _all_targets(self) -> list[Target]:
        return [t for _, t in self._located_targets()]

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


class TaskDeadline(FrozenModel):
    kind: DeadlineKind
    date: dt.date | None = None  # the last day the task may be completed on
    month: Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] | None = None  # "2023-12"
    text: LocalizedText | None = None  # as written in the document

    @model_validator(mode="after")
    def _check_shape(self) -> "TaskDeadline":
        for name, kind in (("date", DeadlineKind.DATE), ("month", DeadlineKind.MONTH)):
            if (self.kind is kind) != (getattr(self, name) is not None):
                raise PlanProblem("plan.problem.deadline_field", (name,), field=name, kind=kind.value)
        return self

    def due_date(self, period_end: dt.date | None = None) -> dt.date | None:
        """The last day the task may be completed on, if the deadline has one.

        A yearly task is due at the end of the reporting period's year.
        """
        if self.kind is DeadlineKind.DATE:
            return self.date
        if self.kind is DeadlineKind.MONTH:
            year, month = (int(p) for p in self.month.split("-"))
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if self.kind is DeadlineKind.YEARLY and period_end is not None:
            return dt.date(period_end.year, 12, 31)
        return None


class Task(FrozenModel):
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

    @model_validator(mode="after")
    def _check_levels(self) -> "Task":
        if not self.levels:
            raise PlanProblem("plan.problem.levels_empty", ("levels",))
        if len(set(self.levels)) != len(self.levels):
            raise PlanProblem("plan.problem.levels_twice", ("levels",))
        return self

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


class Group(FrozenModel):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalizedText
    indicators: tuple[Indicator, ...] = ()
    tasks: tuple[Task, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> "Group":
        if not self.indicators and not self.tasks:
            raise PlanProblem("plan.problem.group_empty", ())
        return self



class IssuingBody(FrozenModel):
    name: LocalizedText
    level: Level


class PlanIdentity(FrozenModel):
    """Which document the plan transcribes.

    ``document_number`` and ``document_date`` are ``None`` when the source as published does not print them
    (never guessed); ``note`` then says so. ``document_date_basis`` is ``published`` when the only date the
    source gives is the date it was published or updated, not the date it was signed.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    title: LocalizedText
    issuing_body: IssuingBody
    document_number: str | None = Field(default=None, min_length=1)  # "1670/KH-UBND"
    document_date: dt.date | None = None
    document_date_basis: Literal["issued", "published"] = "issued"
    document_kind: LocalizedText  # "Kế hoạch", "Chỉ thị", "Chương trình hành động"
    plan_version: int = Field(ge=1)
    years: tuple[int, int]  # first and last year the plan covers
    based_on: tuple[LocalizedText, ...] = ()  # documents this one implements, as the source cites them
    note: LocalizedText | None = None  # provenance: what the source does and does not state

    @model_validator(mode="after")
    def _check(self) -> "PlanIdentity":
        if self.years[0] > self.years[1]:
            raise PlanProblem("plan.problem.years_order", ("years",), first=self.years[0], last=self.years[1])
        return self

    def citation(self, language: str = "vi") -> str:
        """How a report cites the document.

        "Kế hoạch số 1670/KH-UBND ngày 16/04/2024"; without a printed number, the document's title, with
        its date when known ("…, ngày 05/09/2022" or "…, đăng ngày 05/09/2022").
        """
        kind = self.document_kind.get(language)
        date = f"{self.document_date:%d/%m/%Y}" if self.document_date else None
        if self.document_number:
            head = translate("plan.citation.numbered", language, kind=kind, number=self.document_number)
        else:
            head = self.title.get(language)
        if date is None:
            return head
        return translate(f"plan.citation.{self.document_date_basis}", language, head=head, date=date)

    @property
    def citation_vi(self) -> str:
        """E.g. "Kế hoạch số 358/KH-UBND ngày 18/01/2023"."""
        return self.citation("vi")


class Plan(FrozenModel):
    format: Literal[1]
    plan: PlanIdentity
    groups: tuple[Group, ...] = Field(min_length=1)
    schedule: Schedule

    @model_validator(mode="after")
    def _unique_codes(self) -> "Plan":
        seen: dict[str, tuple[str, tuple]] = {}  # code -> (kind, location) of indicators and tasks

        def check(kind: str, code: str, loc: tuple) -> None:
            if code in seen:
                other_kind, other_loc = seen[code]
                message = "plan.problem.duplicate_code" if other_kind == kind else "plan.problem.code_clash"
                raise PlanProblem(message, loc + ("code",), item=code, other=_loc_text(other_loc + ("code",)))
            seen[code] = (kind, loc)

        def walk(tasks: tuple[Task, ...], loc: tuple) -> None:
            for index, task in enumerate(tasks):
                check("task", task.code, loc + (index,))
                walk(task.subtasks, loc + (index, "subtasks"))

        groups: dict[str, int] = {}
        for g_index, group in enumerate(self.groups):
            if group.code in groups:
                raise PlanProblem(
                    "plan.problem.duplicate_code",
                    ("groups", g_index, "code"),
                    item=group.code,
                    other=_loc_text(("groups", groups[group.code], "code")),
                )
            groups[group.code] = g_index
            for i_index, indicator in enumerate(group.indicators):
                check("indicator", indicator.code, ("groups", g_index, "indicators", i_index))
            walk(group.tasks, ("groups", g_index, "tasks"))

        start, end = self.plan.years
        if self.schedule.first_year < start or self.schedule.last_year > end:
            raise PlanProblem(
                "plan.problem.schedule_years",
                ("schedule", "first_year" if self.schedule.first_year < start else "last_year"),
                first=self.schedule.first_year,
                last=self.schedule.last_year,
                start=start,
                end=end,
            )
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

    def group_of(self, code: str) -> Group | None:
        """The group holding the indicator or task (or sub-task) ``code``."""
        for group in self.groups:
            if any(i.code == code for i in group.indicators):
                return group
            stack = list(group.tasks)
            while stack:
                task = stack.pop()
                if task.code == code:
                    return group
                stack.extend(task.subtasks)
        return None


def _loc_text(loc: tuple) -> str:
    """``("groups", 0, "code")`` → ``groups[0].code``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
