"""A plan as an Excel workbook a provincial clerk can fill in: ``write_plan_workbook`` writes one (one sheet each for
the plan's identity, groups, indicators, tasks, reporting periods and milestones, with Vietnamese headers, English
ones beneath, and dropdowns of Vietnamese words), ``read_plan_workbook`` (``excel_reader.py``) reads one back into
the plan document, listing every bad cell.

The layout is ``excel_layout.py``; ``read_plan_workbook(write_plan_workbook(plan))`` is the same plan for every plan.
Written with XlsxWriter like the exports (``core/exports/xlsx.py``: its number and date formats, texts never read as
formulas, and the file appears atomically under its name).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError

from cds_desktop.core.exports.xlsx import DATE_FORMAT, TEXT_FORMAT
from cds_desktop.core.fileio import atomic_writer, storage_error
from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.document import check_plan_document
from cds_desktop.core.plans.excel_layout import (
    COMPARATOR_WORDS, DATE_BASIS_WORDS, DEADLINE_WORDS, DROPDOWNS, ENGLISH_ROW, FIRST_DATA_ROW, GROUPS, GUIDE_SHEET,
    HEADER_ROW,
    INDICATORS, INFO, INFO_ROWS, KIND_WORDS, LEVEL_WORDS, LISTS_SHEET, MILESTONES, NO, PERIOD_WORDS, RULE_WORDS,
    SCHEDULE, SHEETS, TASKS, UNIT_WORDS, YES, YES_NO_COMPARATOR, Sheet,
)
from cds_desktop.core.plans.excel_reader import read_plan_workbook
from cds_desktop.core.plans.model import Comparator, DeadlineKind, Indicator, IndicatorKind, Level, Plan, Target, Task

__all__ = ["read_plan_workbook", "write_plan_workbook"]

SPARE_ROWS = 300  # rows below the data that keep the dropdowns, for the items a clerk adds
TEXT_KEYS = {"code", "group", "parent", "source.section"}  # columns of codes: text cells, so "1.10" stays "1.10"
# the dropdown of each column (its words are on the hidden lists sheet), by sheet name and column key
COLUMN_DROPDOWNS = {
    INDICATORS.name: {"kind": "kind", "unit": "unit", "applies_to_communes": "yes_no",
                      **{f"{key}.comparator": "comparator" for key in (
                          "target", "level_targets.province", "level_targets.district", "level_targets.commune")}},
    TASKS.name: {"deadline.kind": "deadline.kind", "evidence_expected": "yes_no"},
    SCHEDULE.name: {"kind": "period", "rule": "rule", "stated": "yes_no"},
}
INFO_DROPDOWNS = {"issuing_body.level": "level", "document_date_basis": "date_basis"}


def write_plan_workbook(plan_or_document: Plan | dict[str, Any], path: Path) -> None:
    """Write the plan (or its document, validated first) as a plan workbook at ``path``, atomically."""
    path = Path(path)
    plan = plan_or_document if isinstance(plan_or_document, Plan) else check_plan_document(plan_or_document, path.name)
    rows = {INFO.name: list(_info_rows(plan)), GROUPS.name: [_group_row(g) for g in plan.groups],
            INDICATORS.name: [_indicator_row(g.code, i) for g in plan.groups for i in g.indicators],
            TASKS.name: [row for g in plan.groups for row in _task_rows(g.code, g.tasks, None)],
            SCHEDULE.name: [_period_row(p) for p in plan.schedule.periods],
            MILESTONES.name: [{"code": m.code, **_text("title", m.title), "due_before": m.due_before,
                               "levels": _levels(m.levels)} for m in plan.schedule.milestones]}
    parts = tempfile.TemporaryDirectory(prefix="cds-xlsx-", ignore_cleanup_errors=True)  # XlsxWriter's parts
    with parts as parts_folder, atomic_writer(path) as stream:
        workbook = Workbook(stream, {"tmpdir": parts_folder, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
        _WorkbookWriter(workbook).write(rows)
        try:
            workbook.close()
        except FileCreateError as exc:  # XlsxWriter's wrapping of an OSError while it assembles the file
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise storage_error(cause, path) from exc


# --- a plan as rows: {column key: value} --------------------------------------------------------------------

def _text(key: str, text) -> dict[str, str]:
    return {f"{key}.vi": text.vi, f"{key}.en": text.en} if text is not None else {}


def _levels(levels: tuple[Level, ...]) -> str:
    return ", ".join(LEVEL_WORDS[level] for level in levels)


def _info_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    identity = plan.plan
    values: dict[str, Any] = {
        "id": identity.id, "title": identity.title, "issuing_body.name": identity.issuing_body.name,
        "issuing_body.level": LEVEL_WORDS[identity.issuing_body.level], "document_number": identity.document_number,
        "document_date": identity.document_date, "document_date_basis": DATE_BASIS_WORDS[identity.document_date_basis],
        "document_kind": identity.document_kind, "plan_version": identity.plan_version,
        "years.first": identity.years[0], "years.last": identity.years[1],
        "schedule.first_year": plan.schedule.first_year, "schedule.last_year": plan.schedule.last_year,
        "note": identity.note,
    }
    for key, label, _english, bilingual, repeatable in INFO_ROWS:
        items = (list(identity.based_on) or [None]) if repeatable else [values[key]]
        for item in items:
            if bilingual:
                yield {"field": label, "vi": item.vi if item else None, "en": item.en if item else None, "key": key}
            else:
                yield {"field": label, "vi": item, "key": key}


def _group_row(group) -> dict[str, Any]:
    return {"code": group.code, **_text("title", group.title)}


def _number_text(number: Decimal) -> str:
    """A number as a Vietnamese reads it, without grouping: ``55,5``."""
    return format(number.normalize(), "f").replace(".", ",")


def _target_cells(key: str, target: Target | None, indicator: Indicator) -> dict[str, Any]:
    if target is None:
        return {}
    cells = _text(f"{key}.text", target.text)
    if indicator.kind is IndicatorKind.BOOLEAN and target.comparator is Comparator.EQ and target.value in (0, 1):
        return {**cells, f"{key}.comparator": YES_NO_COMPARATOR, f"{key}.value": YES if target.value else NO}
    if target.comparator is Comparator.RANGE:
        value: Any = f"{_number_text(target.low)} - {_number_text(target.high)}"
    else:
        value = target.value
    return {**cells, f"{key}.comparator": COMPARATOR_WORDS[target.comparator], f"{key}.value": value}


def _indicator_row(group: str, indicator: Indicator) -> dict[str, Any]:
    row = {"group": group, "code": indicator.code, **_text("name", indicator.name),
           "kind": KIND_WORDS[indicator.kind], "unit": UNIT_WORDS[indicator.unit] if indicator.unit else None,
           **_text("numerator_label", indicator.numerator_label),
           **_text("denominator_label", indicator.denominator_label),
           **_target_cells("target", indicator.target, indicator),
           "applies_to_communes": YES if indicator.applies_to_communes else NO, **_text("note", indicator.note),
           "source.document": indicator.source.document, "source.section": indicator.source.section}
    for level, target in indicator.level_targets.items():
        row.update(_target_cells(f"level_targets.{level.value}", target, indicator))
    return row


def _task_rows(group: str, tasks: tuple[Task, ...], parent: str | None) -> Iterator[dict[str, Any]]:
    """Each task, then its sub-tasks (their parent named), in document order."""
    for task in tasks:
        deadline = task.deadline
        when: Any = deadline.date if deadline.kind is DeadlineKind.DATE else None
        if deadline.kind is DeadlineKind.MONTH:
            year, month = deadline.month.split("-")
            when = f"{month}/{year}"
        yield {"group": group, "code": task.code, "parent": parent, **_text("title", task.title),
               **_text("description", task.description), **_text("lead_agency", task.lead_agency),
               "partners.vi": "\n".join(p.vi for p in task.partners) or None,
               "partners.en": "\n".join(p.en for p in task.partners) or None,
               "deadline.kind": DEADLINE_WORDS[deadline.kind], "deadline.value": when,
               **_text("deadline.text", deadline.text), "levels": _levels(task.levels),
               "evidence_expected": YES if task.evidence_expected else NO,
               "source.document": task.source.document, "source.section": task.source.section}
        yield from _task_rows(group, task.subtasks, task.code)


def _period_row(period) -> dict[str, Any]:
    rule = period.deadline
    return {"kind": PERIOD_WORDS[period.kind], "rule": RULE_WORDS[rule.rule], "day": rule.day, "month": rule.month,
            "month_from_end": rule.month_from_end, "days": rule.days, **_text("text", rule.text),
            "stated": YES if rule.stated else NO}


# --- rows as sheets -------------------------------------------------------------------------------------------

class _WorkbookWriter:
    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                           "border": 1})
        self.english = workbook.add_format({"italic": True, "font_color": "#595959", "text_wrap": True,
                                            "valign": "top", "bg_color": "#F2F2F2", "border": 1})
        self.date = workbook.add_format({"num_format": DATE_FORMAT, "valign": "top"})
        self.code = workbook.add_format({"num_format": TEXT_FORMAT, "valign": "top"})
        self.plain = workbook.add_format({"valign": "top"})
        self.wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.lists: dict[str, str] = {}

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self._guide()
        sheets = {sheet.name: self._sheet(sheet, rows[sheet.name]) for sheet in SHEETS}
        self._lists_sheet()
        for sheet in SHEETS:
            self._dropdowns(sheets[sheet.name], sheet, len(rows[sheet.name]))
        info_sheet = sheets[INFO.name]
        for row, values in enumerate(rows[INFO.name], start=FIRST_DATA_ROW - 1):
            dropdown = INFO_DROPDOWNS.get(values["key"])
            if dropdown:
                info_sheet.data_validation(row, 1, row, 1, self._validation(dropdown))

    def _guide(self) -> None:
        """The first sheet: how to fill the workbook in, in Vietnamese, then in English (grey)."""
        guide = self.workbook.add_worksheet(GUIDE_SHEET)
        guide.set_column(0, 0, 140, self.wrapped)
        row = 0
        for language, text_format in (("vi", self.wrapped), ("en", self.english)):
            for index, line in enumerate(translate("plan_template.guide", language).splitlines()):
                guide.write_string(row, 0, line, self.header if index == 0 else text_format)
                row += 1
            row += 1

    def _sheet(self, sheet: Sheet, rows: list[dict[str, Any]]):
        worksheet = self.workbook.add_worksheet(sheet.name)
        worksheet.set_row(HEADER_ROW - 1, 32)
        for index, column in enumerate(sheet.columns):
            worksheet.write_string(HEADER_ROW - 1, index, column.vi, self.header)
            worksheet.write_string(ENGLISH_ROW - 1, index, column.en, self.english)
            if column.hint:
                worksheet.write_comment(HEADER_ROW - 1, index, translate(column.hint, "vi"),
                                        {"x_scale": 2, "y_scale": 1.5})
            text = column.key in TEXT_KEYS or (sheet is INFO and column.key == "vi")
            worksheet.set_column(index, index, column.width, self.code if text else None)
        for row, values in enumerate(rows, start=FIRST_DATA_ROW - 1):
            for index, column in enumerate(sheet.columns):
                self._cell(worksheet, row, index, values.get(column.key), column.key in TEXT_KEYS)
        worksheet.freeze_panes(FIRST_DATA_ROW - 1, 2 if sheet in (INDICATORS, TASKS) else 1)
        return worksheet

    def _cell(self, worksheet, row: int, column: int, value: Any, code: bool) -> None:
        if value is None:
            return
        if isinstance(value, dt.date):
            worksheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            number = int(value) if value == int(value) else float(value)
            worksheet.write_number(row, column, number, self.plain)
        else:
            text = str(value)
            worksheet.write_string(row, column, text, self.code if code else self.wrapped if "\n" in text
                                   else self.plain)

    def _lists_sheet(self) -> None:
        lists = self.workbook.add_worksheet(LISTS_SHEET)
        quoted = LISTS_SHEET.replace("'", "''")
        for index, (name, words) in enumerate(DROPDOWNS.items()):
            for row, word in enumerate(words.values()):
                lists.write_string(row, index, word)
            letter = chr(ord("A") + index)
            self.lists[name] = f"='{quoted}'!${letter}$1:${letter}${len(words)}"
        lists.hide()

    def _validation(self, dropdown: str) -> dict[str, Any]:
        source = self.lists[dropdown] if dropdown != "group" else f"='{GROUPS.name}'!$A${FIRST_DATA_ROW}:$A$1000"
        return {"validate": "list", "source": source, "error_type": "warning",
                "error_title": translate("plan_template.dropdown.title", "vi"),
                "error_message": translate("plan_template.dropdown.message", "vi")}

    def _dropdowns(self, worksheet, sheet: Sheet, count: int) -> None:
        last = FIRST_DATA_ROW - 1 + count + SPARE_ROWS
        keys = {**COLUMN_DROPDOWNS.get(sheet.name, {}), **({"group": "group"} if sheet in (INDICATORS, TASKS) else {})}
        for index, column in enumerate(sheet.columns):
            if column.key in keys:
                worksheet.data_validation(FIRST_DATA_ROW - 1, index, last, index, self._validation(keys[column.key]))
