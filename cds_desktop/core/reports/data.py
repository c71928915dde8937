"""The report data: plain, frozen values the PDF renderers read; nothing here touches the database.

A service assembles these objects (from the commune's settings, the plan and the period's answers) and hands
them to ``render_commune_report`` or ``render_office_report``. Values are typed (``Decimal`` results in percent
for ratios, enums for statuses, ``date`` for dates); all formatting (Vietnamese numbers, the decree's date
line, translated labels) happens in the renderers. Every text field is NFC-normalized on construction.

Statuses are the domain's (``TargetStatus``, ``TaskStatus`` from ``core.domain``) plus ``SubmissionStatus``.
Counts that can be derived from the rows (answered, met, done, on time …) are properties, never fields.
What a build tells its caller is here too: ``ReportWarning`` (e.g. characters replaced) and ``WrittenReport``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from cds_desktop.core.plans.model import IndicatorKind, Target, TaskDeadline
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.reports.chart_data import IndicatorChartData
from cds_desktop.core.text import nfc


class _NfcText:
    """Mixin for frozen dataclasses: NFC-normalizes every ``str`` field and every ``str`` in a tuple field."""

    def __post_init__(self) -> None:
        for member in fields(self):  # type: ignore[arg-type]
            value = getattr(self, member.name)
            if isinstance(value, str):
                object.__setattr__(self, member.name, nfc(value))
            elif isinstance(value, tuple) and any(isinstance(item, str) for item in value):
                normalized = tuple(nfc(item) if isinstance(item, str) else item for item in value)
                object.__setattr__(self, member.name, normalized)


class SubmissionStatus(StrEnum):
    """Whether a commune's report for a period reached the office before the deadline."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class Issuer(_NfcText):
    """The body that issues the document, as the header's left column shows it.

    ``name_lines`` are printed bold upper case, one per line: ``("ỦY BAN NHÂN DÂN", "XÃ NHÂN CƠ")``;
    ``parent`` is the governing body printed above them in regular upper case (``"UBND TỈNH LÂM ĐỒNG"`` above
    ``"SỞ KHOA HỌC VÀ CÔNG NGHỆ"``), or None; ``name`` is how running text names the body
    (``"Ủy ban nhân dân xã Nhân Cơ"``).
    """

    name_lines: tuple[str, ...]
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class Signature(_NfcText):
    """The signature block: capacity lines in bold upper case, then the signer's name.

    Commune chair: ``("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")``; deputy: ``("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH")`` or ``("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")``; office director: ``("GIÁM ĐỐC",)``.
    """

    capacity_lines: tuple[str, ...]
    signer_name: str


@dataclass(frozen=True)
class DocumentInfo(_NfcText):
    """What every official document carries (Decree 30/2020/NĐ-CP, Appendix I).

    ``number`` is the part after "Số:" (``"05/BC-UBND"``); ``place`` is the place name of the date line
    (``"Nhân Cơ"``); ``subject`` is the line under "BÁO CÁO" (``"Kết quả thực hiện Kế hoạch chuyển đổi số Quý I
    năm 2023"``); ``recipients`` are the "Nơi nhận" entries without dash or semicolon (``"UBND tỉnh Lâm Đồng"``);
    ``archive`` are the units after "Lưu:" (``("VT",)``, or ``("VT", "VHXH")``). ``basis`` is the document the
    report answers to, for the opening sentence (``"Kế hoạch số 358/KH-UBND ngày 18/01/2023 của UBND huyện"``).
    """

    issuer: Issuer
    number: str
    place: str
    date: dt.date
    subject: str
    signature: Signature
    recipients: tuple[str, ...] = ()
    archive: tuple[str, ...] = ("VT",)
    basis: str | None = None


@dataclass(frozen=True)
class IndicatorRow(_NfcText):
    """One indicator's result in a commune report.

    ``value`` is the result: in percent for a ratio (``Decimal("82.5")``), the number for a count, 1 or 0 for
    yes/no, None for a text indicator or when not answered. ``numerator``/``denominator`` are a ratio's terms when
    known; ``text`` is a text indicator's answer. ``status`` is the single source of truth for "answered".
    ``target`` is the target that applies at the commune's level (None when the indicator has none).
    """

    code: str
    name: str
    group: str
    kind: IndicatorKind
    target: Target | None
    status: TargetStatus
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str | None = None

    @property
    def answered(self) -> bool:
        return self.status is not TargetStatus.NO_DATA


@dataclass(frozen=True)
class TaskRow(_NfcText):
    """One task's progress in a commune report; ``overdue`` means past its deadline and not done."""

    code: str
    title: str
    group: str
    lead_agency: str
    deadline: TaskDeadline
    status: TaskStatus
    overdue: bool = False
    result: str = ""


class _Report(_NfcText):
    """Mixin for the two reports: text NFC-normalized and ``language`` one the catalogs have."""

    language: str

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.language not in LANGUAGES:
            raise ValueError(f"unsupported report language {self.language!r}")


@dataclass(frozen=True)
class CommuneReportData(_Report):
    """A commune's report on one period of a plan: indicator results, task progress and its own remarks."""

    document: DocumentInfo
    period: Period
    indicators: tuple[IndicatorRow, ...]
    tasks: tuple[TaskRow, ...]
    difficulties: str = ""
    proposals: str = ""
    language: str = DEFAULT_LANGUAGE

    @property
    def indicators_answered(self) -> int:
        return sum(row.answered for row in self.indicators)

    @property
    def targets_met(self) -> int:
        return sum(row.status is TargetStatus.MET for row in self.indicators)

    @property
    def targets_judged(self) -> int:
        """Indicators whose result could be compared with a target (met or not met)."""
        return sum(row.status in (TargetStatus.MET, TargetStatus.NOT_MET) for row in self.indicators)

    @property
    def tasks_done(self) -> int:
        return sum(row.status is TaskStatus.DONE for row in self.tasks)

    @property
    def tasks_overdue(self) -> int:
        return sum(row.overdue for row in self.tasks)


@dataclass(frozen=True)
class CommuneSubmission(_NfcText):
    """Whether (and when) one commune's report for a period was received."""

    commune_code: str
    commune_name: str
    status: SubmissionStatus
    received_on: dt.date | None = None


@dataclass(frozen=True)
class PeriodSubmissions(_NfcText):
    """The reports an office expected for one period, one entry per commune."""

    period: Period
    due_before: dt.date
    submissions: tuple[CommuneSubmission, ...]

    @property
    def expected(self) -> int:
        return len(self.submissions)

    def count(self, status: SubmissionStatus) -> int:
        return sum(entry.status is status for entry in self.submissions)


@dataclass(frozen=True)
class IndicatorSummaryRow(_NfcText):
    """How the communes that report to an office did on one indicator (counts of communes).

    ``invalid`` counts answers with an error (150 of 100 …): never met, and not a valid answer."""

    code: str
    name: str
    group: str
    kind: IndicatorKind
    target: Target | None
    met: int
    not_met: int
    not_applicable: int
    no_data: int
    invalid: int = 0

    @property
    def answered(self) -> int:
        """Communes with a valid answer."""
        return self.met + self.not_met + self.not_applicable

    @property
    def without_valid_data(self) -> int:
        """Communes with no answer or an answer with an error."""
        return self.no_data + self.invalid

    @property
    def judged(self) -> int:
        """Communes whose result could be compared with the target."""
        return self.met + self.not_met


@dataclass(frozen=True)
class OfficeReportData(_Report):
    """A receiving office's (province or district) consolidated report over its communes for one period.

    ``current`` holds the period the report is about; ``earlier_periods`` (oldest first) add rows to the
    completeness table so that the trend shows. ``indicators`` summarize the current period; ``charts`` draw its
    values per indicator (communes sorted, their distribution, the office's trend).
    """

    document: DocumentInfo
    current: PeriodSubmissions
    indicators: tuple[IndicatorSummaryRow, ...]
    earlier_periods: tuple[PeriodSubmissions, ...] = ()
    difficulties: str = ""
    proposals: str = ""
    language: str = DEFAULT_LANGUAGE
    charts: tuple[IndicatorChartData, ...] = ()  # the charted indicators' (ratios, counts), in the plan's order

    @property
    def period(self) -> Period:
        return self.current.period


@dataclass(frozen=True)
class ReportWarning:
    """Something the person who made a report should know although the PDF was written (message
    ``<code>`` in the catalogs), e.g. ``report.warning.undrawable``: characters replaced by ``[U+XXXX]``."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return translate(self.code, language, **self.params)

    def to_dict(self) -> dict[str, Any]:
        """Machine-readable form for ``--json`` output."""
        return {"code": self.code, "params": {key: str(value) for key, value in self.params.items()},
                "message_vi": self.message("vi"), "message_en": self.message("en")}


def undrawable_warnings(replaced: list[str], shown: int = 5) -> tuple[ReportWarning, ...]:
    """The warning for the characters a report build replaced (none when it replaced nothing)."""
    if not replaced:
        return ()
    distinct = list(dict.fromkeys(replaced))
    examples = ", ".join(f"U+{ord(character):04X}" for character in distinct[:shown])
    return (ReportWarning("report.warning.undrawable", {"count": len(replaced),
                                                        "examples": examples + (", …" if len(distinct) > shown else "")}),)


@dataclass(frozen=True)
class WrittenReport:
    """A report written to ``path``, with what its maker should be told (``warnings``, often none)."""

    path: Path
    warnings: tuple[ReportWarning, ...] = ()
