"""The plan workbook's layout: its sheets, their columns, the Vietnamese words of its dropdowns, and the error that
lists every bad cell of a workbook someone filled in.

A plan travels as a workbook (``excel_template.write_plan_workbook`` / ``read_plan_workbook``) so that a provincial
clerk can write it in Excel or LibreOffice. Every sheet is one table: row 1 the Vietnamese headers, row 2 the same
headers in English (grey, optional when reading), data from row 3. Columns are found by their header, so their order
may change; a sheet other than these is ignored. The writer and the reader both work from the definitions here, so
the two cannot drift apart (``docs/plan-format.md``, "Excel template", describes them for people).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from cds_desktop.core.errors import PlanError
from cds_desktop.core.i18n import catalog, translate
from cds_desktop.core.plans.model import Comparator, CountedUnit, DeadlineKind, IndicatorKind, Level
from cds_desktop.core.plans.schedule import PeriodKind
from cds_desktop.core.text import nfc

HEADER_ROW, ENGLISH_ROW, FIRST_DATA_ROW = 1, 2, 3  # 1-based, as Excel numbers rows


@dataclass(frozen=True)
class Column:
    """One column of a sheet: ``key`` names it in the code, ``vi``/``en`` are its headers, ``width`` in characters,
    ``hint`` (a message id) the help shown as the header cell's comment."""

    key: str
    vi: str
    en: str
    width: int = 14
    hint: str | None = None

    def header(self, language: str) -> str:
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Sheet:
    name: str  # Vietnamese, as shown on the sheet's tab
    english: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


def _texts(key: str, vi: str, en: str, width: int = 30) -> tuple[Column, Column]:
    """The two columns of a bilingual text: ``key.vi`` and ``key.en``."""
    return (Column(f"{key}.vi", f"{vi} (tiếng Việt)", f"{en} (Vietnamese)", width),
            Column(f"{key}.en", f"{vi} (tiếng Anh)", f"{en} (English)", width))


def _target(key: str, vi: str, en: str) -> tuple[Column, ...]:
    """The four columns of a target: comparator word, value(s), and the wording in both languages."""
    return (Column(f"{key}.comparator", f"{vi}: so sánh", f"{en}: comparison", 16, "plan_template.hint.comparator"),
            Column(f"{key}.value", f"{vi}: giá trị", f"{en}: value(s)", 12, "plan_template.hint.value"),
            *_texts(f"{key}.text", f"{vi}: lời văn", f"{en}: wording", 24))


def _source() -> tuple[Column, Column]:
    return (Column("source.document", "Văn bản nguồn", "Source document", 24),
            Column("source.section", "Mục trong văn bản nguồn", "Source section", 12))


INFO = Sheet("Thông tin chung", "General information", (
    Column("field", "Mục", "Field", 30),
    Column("vi", "Nội dung (tiếng Việt)", "Value (Vietnamese)", 50),
    Column("en", "Tiếng Anh", "English", 50),
))
GROUPS = Sheet("Nhóm", "Groups", (
    Column("code", "Mã nhóm", "Group code", 10),
    *_texts("title", "Tên nhóm", "Group title", 50),
))
INDICATORS = Sheet("Chỉ tiêu", "Indicators", (
    Column("group", "Mã nhóm", "Group code", 10, "plan_template.hint.group"),
    Column("code", "Mã chỉ tiêu", "Indicator code", 10),
    *_texts("name", "Tên chỉ tiêu", "Name", 40),
    Column("kind", "Loại chỉ tiêu", "Kind", 14),
    Column("unit", "Đơn vị đếm", "Counted unit", 16),
    *_texts("numerator_label", "Tử số", "Numerator"),
    *_texts("denominator_label", "Mẫu số", "Denominator"),
    *_target("target", "Mục tiêu chung", "Target"),
    *_target("level_targets.province", "Mục tiêu cấp tỉnh", "Province target"),
    *_target("level_targets.district", "Mục tiêu cấp huyện", "District target"),
    *_target("level_targets.commune", "Mục tiêu cấp xã", "Commune target"),
    Column("applies_to_communes", "Xã báo cáo", "Reported by communes", 10),
    *_texts("note", "Ghi chú", "Note"),
    *_source(),
))
TASKS = Sheet("Nhiệm vụ", "Tasks", (
    Column("group", "Mã nhóm", "Group code", 10, "plan_template.hint.group"),
    Column("code", "Mã nhiệm vụ", "Task code", 10),
    Column("parent", "Mã nhiệm vụ cha", "Parent task code", 10, "plan_template.hint.parent"),
    *_texts("title", "Tên nhiệm vụ", "Title", 40),
    *_texts("description", "Mô tả", "Description", 40),
    *_texts("lead_agency", "Cơ quan chủ trì", "Lead agency"),
    *_texts("partners", "Cơ quan phối hợp", "Partners"),
    Column("deadline.kind", "Loại thời hạn", "Deadline kind", 14),
    Column("deadline.value", "Thời hạn", "Deadline", 12, "plan_template.hint.deadline"),
    *_texts("deadline.text", "Thời hạn theo văn bản", "Deadline wording", 24),
    Column("levels", "Cấp báo cáo", "Reporting levels", 14, "plan_template.hint.levels"),
    Column("evidence_expected", "Cần minh chứng", "Evidence expected", 10),
    *_source(),
))
SCHEDULE = Sheet("Lịch báo cáo", "Reporting schedule", (
    Column("kind", "Kỳ báo cáo", "Period", 12),
    Column("rule", "Cách tính hạn nộp", "Deadline rule", 26),
    Column("day", "Ngày", "Day", 8),
    Column("month", "Tháng", "Month", 8),
    Column("month_from_end", "Tháng thứ mấy tính từ cuối kỳ (0 = tháng cuối)", "Month counted from the period's end",
           16),
    Column("days", "Số ngày sau khi hết kỳ", "Days after the period ends", 12),
    *_texts("text", "Hạn nộp theo văn bản", "Deadline wording", 40),
    Column("stated", "Văn bản có nêu hạn", "Stated by the document", 12, "plan_template.hint.stated"),
))
MILESTONES = Sheet("Mốc thời hạn", "Milestones", (
    Column("code", "Mã mốc", "Milestone code", 14),
    *_texts("title", "Việc phải hoàn thành", "What is due", 50),
    Column("due_before", "Hạn (trước ngày)", "Due before", 14),
    Column("levels", "Cấp phải thực hiện", "Levels", 14, "plan_template.hint.levels"),
))
SHEETS = (INFO, GROUPS, INDICATORS, TASKS, SCHEDULE, MILESTONES)
LISTS_SHEET = "Danh mục"  # the hidden sheet holding the dropdowns' words
GUIDE_SHEET = "Hướng dẫn"  # the first sheet: how to fill the others in (``plan_template.guide``), not read back

# The rows of "Thông tin chung": (key, Vietnamese label, English label, bilingual, repeatable).
INFO_ROWS: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("id", "Mã kế hoạch", "Plan id", False, False),
    ("title", "Tên kế hoạch", "Title", True, False),
    ("issuing_body.name", "Cơ quan ban hành", "Issuing body", True, False),
    ("issuing_body.level", "Cấp của cơ quan ban hành", "Level of the issuing body", False, False),
    ("document_number", "Số văn bản", "Document number", False, False),
    ("document_date", "Ngày văn bản", "Document date", False, False),
    ("document_date_basis", "Ngày văn bản là ngày", "The document date is", False, False),
    ("document_kind", "Loại văn bản", "Document kind", True, False),
    ("plan_version", "Phiên bản", "Version", False, False),
    ("years.first", "Kế hoạch từ năm", "Plan from year", False, False),
    ("years.last", "Kế hoạch đến năm", "Plan to year", False, False),
    ("schedule.first_year", "Báo cáo từ năm", "Reports from year", False, False),
    ("schedule.last_year", "Báo cáo đến năm", "Reports to year", False, False),
    ("note", "Ghi chú", "Note", True, False),
    ("based_on", "Căn cứ", "Based on", True, True),
)


# --- the words of the dropdowns ------------------------------------------------------------------------------

YES, NO = "Có", "Không"
KIND_WORDS = {IndicatorKind.RATIO: "Tỷ lệ (%)", IndicatorKind.COUNT: "Số lượng", IndicatorKind.BOOLEAN: "Có/Không",
              IndicatorKind.TEXT: "Văn bản"}
UNIT_WORDS = {
    CountedUnit.PEOPLE: "người", CountedUnit.HOUSEHOLDS: "hộ gia đình", CountedUnit.VILLAGES: "thôn, tổ dân phố",
    CountedUnit.RECORDS: "hồ sơ", CountedUnit.SERVICES: "dịch vụ", CountedUnit.PROCEDURES: "thủ tục",
    CountedUnit.DOCUMENTS: "văn bản", CountedUnit.REPORTS: "báo cáo", CountedUnit.AGENCIES: "cơ quan",
    CountedUnit.BUSINESSES: "doanh nghiệp", CountedUnit.COMPUTERS: "máy tính", CountedUnit.SYSTEMS: "hệ thống",
    CountedUnit.PORTALS: "cổng thông tin", CountedUnit.COLLECTIVES: "tập thể", CountedUnit.INDIVIDUALS: "cá nhân",
    CountedUnit.PRODUCTS: "sản phẩm", CountedUnit.VND: "đồng (VNĐ)",
}
YES_NO_COMPARATOR = "Có/Không"  # a yes/no indicator's target: "eq" with the value Có (1) or Không (0)
COMPARATOR_WORDS = {Comparator.GE: "Tối thiểu (≥)", Comparator.GT: "Lớn hơn (>)", Comparator.LE: "Tối đa (≤)",
                    Comparator.LT: "Nhỏ hơn (<)", Comparator.EQ: "Bằng", Comparator.RANGE: "Trong khoảng"}
DEADLINE_WORDS = {DeadlineKind.DATE: "Đến hết ngày", DeadlineKind.MONTH: "Trong tháng", DeadlineKind.YEARLY: "Hằng năm",
                  DeadlineKind.ROADMAP: "Theo lộ trình", DeadlineKind.ONGOING: "Thường xuyên",
                  DeadlineKind.NONE: "Không nêu"}
LEVEL_WORDS = {Level.PROVINCE: "Tỉnh", Level.DISTRICT: "Huyện", Level.COMMUNE: "Xã"}
PERIOD_WORDS = {PeriodKind.YEAR: "Năm", PeriodKind.HALF: "Sáu tháng", PeriodKind.QUARTER: "Quý"}
RULE_WORDS = {"in_period_month": "Ngày trong tháng của kỳ", "fixed": "Ngày cố định trong năm",
              "after_end": "Số ngày sau khi hết kỳ"}
DATE_BASIS_WORDS = {"issued": "Ngày ban hành", "published": "Ngày đăng tải"}

# what each column's words are (the reader accepts these, their stored codes, and a few other spellings)
DROPDOWNS: dict[str, dict[Any, str]] = {
    "kind": KIND_WORDS, "unit": UNIT_WORDS, "deadline.kind": DEADLINE_WORDS, "period": PERIOD_WORDS,
    "rule": RULE_WORDS, "level": LEVEL_WORDS, "date_basis": DATE_BASIS_WORDS,
    "comparator": {**COMPARATOR_WORDS, "yes_no": YES_NO_COMPARATOR}, "yes_no": {True: YES, False: NO},
}
_OTHER_SPELLINGS: dict[str, dict[str, Any]] = {
    "yes_no": {"yes": True, "no": False, "x": True, "true": True, "false": False, "1": True, "0": False,
               "co": True, "khong": False},
    "level": {"cấp tỉnh": Level.PROVINCE, "cấp huyện": Level.DISTRICT, "cấp xã": Level.COMMUNE,
              "phường": Level.COMMUNE},
    "comparator": {"≥": Comparator.GE, ">=": Comparator.GE, ">": Comparator.GT, "≤": Comparator.LE,
                   "<=": Comparator.LE, "<": Comparator.LT, "=": Comparator.EQ, "tối thiểu": Comparator.GE,
                   "tối đa": Comparator.LE, "khoảng": Comparator.RANGE},
    "kind": {"tỷ lệ": IndicatorKind.RATIO, "tỉ lệ": IndicatorKind.RATIO, "tỉ lệ (%)": IndicatorKind.RATIO},
}


def folded(text: str) -> str:
    """How headers and words are compared: NFC, case-folded, inner spaces collapsed."""
    return " ".join(nfc(text).casefold().split())


def word_value(dropdown: str, word: str) -> Any:
    """The value a dropdown's ``word`` stands for (its Vietnamese word, its stored code, or another spelling);
    ``KeyError`` when it is none of them."""
    wanted = folded(word)
    for value, shown in DROPDOWNS[dropdown].items():
        code = value.value if isinstance(value, Enum) else value
        if wanted in (folded(shown), folded(str(code))):
            return value
    return _OTHER_SPELLINGS.get(dropdown, {})[wanted]


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- what is wrong in a workbook ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CellProblem:
    """One bad cell (or row, sheet, or the whole file): where it is and what is wrong (``problem_id`` with
    ``params``, a ``plan_template.problem.*`` or ``plan.problem.*`` message)."""

    sheet: Sheet | None
    row: int | None
    column: Column | None
    problem_id: str
    params: dict[str, Any] = field(default_factory=dict)
    letter: str | None = None  # the column's letter in the file as read

    def where(self, language: str) -> str:
        if self.sheet is None:
            return translate("plan_template.where.file", language)
        parts = {"sheet": self.sheet.name, "row": self.row, "column": self.letter,
                 "header": self.column.header(language) if self.column else None}
        if self.row is None:
            return translate("plan_template.where.sheet", language, **parts)
        if self.letter is None:
            row_id = "plan_template.where.row_column" if self.column else "plan_template.where.row"
            return translate(row_id, language, **parts)
        if self.column is None:
            return translate("plan_template.where.cell_no_header", language, **parts)
        return translate("plan_template.where.cell", language, **parts)

    def problem(self, language: str) -> str:
        override = "plan_template.problem." + self.problem_id.removeprefix("plan.problem.")
        message_id = override if override in catalog() else self.problem_id
        return translate(message_id, language, **self.params)

    def message(self, language: str) -> str:
        return f"{self.where(language)}: {self.problem(language)}"

    @property
    def position(self) -> tuple[str | None, int | None, str | None]:
        """(sheet, row, column letter): what two problems about the same cell share."""
        return (self.sheet.name if self.sheet else None, self.row, self.letter)

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet.name if self.sheet else None, "row": self.row, "column": self.letter,
                "header": self.column.vi if self.column else None, "problem_id": self.problem_id,
                "message_vi": self.message("vi"), "message_en": self.message("en")}


SHOWN_PROBLEMS = 50  # a message lists this many problems; ``problems`` holds them all


class PlanWorkbookError(PlanError):
    """A plan workbook refused, with every problem found (``problems``): ``plan.workbook_invalid`` (bad cells),
    or ``plan.workbook_unreadable`` (not a workbook, too large, damaged)."""

    def __init__(self, code: str, problems: list[CellProblem], **params: Any) -> None:
        super().__init__(code, count=len(problems), **params)
        self.problems = tuple(problems)

    def message(self, language: str | None = None) -> str:
        from cds_desktop.core.i18n import current_language

        language = language or current_language()
        lines = [super().message(language)]
        lines += [f"- {problem.message(language)}" for problem in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(translate("plan_template.more_problems", language,
                                   count=len(self.problems) - SHOWN_PROBLEMS))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "problems": [problem.to_dict() for problem in self.problems]}
