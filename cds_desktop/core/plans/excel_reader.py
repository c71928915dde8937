"""Reading a plan workbook someone filled in back into the plan document: ``read_plan_workbook``.

Each sheet's rows (``excel_cells.py`` reads the cells) become the document's parts: "Thông tin chung" the plan's
identity and reporting years, "Nhóm" the groups in order, "Chỉ tiêu" and "Nhiệm vụ" the items of each group (a
sub-task names its parent task, on a row above), "Lịch báo cáo" the period rules and "Mốc thời hạn" the milestones.
The reader checks what only the rows together can tell (a group or parent that does not exist, a code used twice);
every other rule is the plan format's (``plan_document_problems``), each problem placed on the cell its field came
from. Nothing is returned unless the whole workbook is a valid plan; otherwise one ``PlanWorkbookError`` lists
every problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cds_desktop.core.plans.document import plan_document
from cds_desktop.core.plans.excel_cells import CellReader, Row, open_workbook, set_if
from cds_desktop.core.plans.excel_layout import (
    GROUPS, INDICATORS, INFO, INFO_ROWS, MILESTONES, SCHEDULE, SHEETS, TASKS, CellProblem, PlanWorkbookError,
    folded,
)
from cds_desktop.core.plans.model import PLAN_FORMAT_VERSION, Comparator, DeadlineKind, Level, Plan

_TARGETS = ("target", *(f"level_targets.{level.value}" for level in Level))
_NUMBERS = ("plan_version", "years.first", "years.last", "schedule.first_year", "schedule.last_year")
_REQUIRED_INFO = ("id", "title", "issuing_body.name", "issuing_body.level", "document_kind", *_NUMBERS)


def read_plan_workbook(path: Path) -> dict[str, Any]:
    """The plan document of the workbook at ``path`` (plain data, valid: ``check_plan_document`` accepts it);
    ``PlanWorkbookError`` listing every problem otherwise."""
    path = Path(path)
    book, merges = open_workbook(path)
    try:
        reader = CellReader(book, merges)
        document = _document(reader)
    finally:
        book.close()
    problems = reader.problems + reader.model_problems(document, path.name)
    if problems:
        raise PlanWorkbookError("plan.workbook_invalid", sorted(problems, key=_reading_order), file=path.name)
    return plan_document(Plan.model_validate(document))


def _reading_order(problem: CellProblem) -> tuple:
    """Problems as a clerk goes through the workbook: sheet by sheet, row by row, column by column."""
    sheet = SHEETS.index(problem.sheet) if problem.sheet else -1
    letter = problem.letter or ""
    return (sheet, problem.row or 0, len(letter), letter)


def _document(reader: CellReader) -> dict[str, Any]:
    identity, schedule = _info(reader)
    groups = _groups(reader)
    by_code = {group["code"]: group for group in groups if "code" in group}
    codes: dict[str, Row] = {}  # indicator and task codes share one namespace
    for row in reader.rows(INDICATORS):
        group = _group_of(row, by_code)
        if group is not None:
            _first_use(codes, row, row.text("code"))
            indicators = group.setdefault("indicators", [])
            indicators.append(_indicator(row, f"{group['_path']}.indicators[{len(indicators)}]"))
    _tasks(reader, by_code, codes)
    schedule["periods"] = [_period(row, f"schedule.periods[{index}]")
                           for index, row in enumerate(reader.rows(SCHEDULE))]
    milestone_codes: dict[str, Row] = {}
    milestones = []
    for row in reader.rows(MILESTONES):
        _first_use(milestone_codes, row, row.text("code"))
        milestones.append(_milestone(row, f"schedule.milestones[{len(milestones)}]"))
    if milestones:
        schedule["milestones"] = milestones
    for group in groups:
        del group["_path"]
    return {"format": PLAN_FORMAT_VERSION, "plan": identity, "groups": groups, "schedule": schedule}


def _first_use(seen: dict[str, Row], row: Row, code: str | None) -> None:
    """Record ``code`` as used on ``row``; a problem on its cell when an earlier row used it."""
    if code is None:
        return
    if code in seen:
        other = seen[code]
        row.cross_problem("code", "duplicate_code", value=code, other_sheet=other.sheet.name, other_row=other.number)
    else:
        seen[code] = row


def _located(row: Row, path: str, key: str, bilingual: bool = False) -> None:
    """The field at ``path`` came from ``row``'s column ``key`` (a text's ``key.vi``/``key.en``)."""
    if bilingual:
        row.locate(path, {"": f"{key}.vi", ".vi": f"{key}.vi", ".en": f"{key}.en"})
    else:
        row.locate(path, {"": key})


# --- Thông tin chung ------------------------------------------------------------------------------------------

def _info(reader: CellReader) -> tuple[dict[str, Any], dict[str, Any]]:
    """The plan's identity and the schedule's years, each row found by its label in column A."""
    labels = {}
    for key, vi, en, bilingual, repeatable in INFO_ROWS:
        labels[folded(vi)] = labels[folded(en)] = (key, bilingual, repeatable)
    values: dict[str, Any] = {}  # key (as in INFO_ROWS) → value
    seen: dict[str, int] = {}
    for row in reader.rows(INFO):
        label = row.text("field")
        if label is None:
            row.cross_problem("field", "blank")
            continue
        if folded(label) not in labels:
            row.cross_problem("field", "unknown_field", value=label[:60])
            continue
        key, bilingual, repeatable = labels[folded(label)]
        if key in seen and not repeatable:
            row.problem("field", "field_twice", value=label, other_row=seen[key])
            continue
        seen.setdefault(key, row.number)
        if repeatable:  # a row of it left blank is no item (the template shows one blank row for none)
            items = values.setdefault(key, [])
            row.locate(f"plan.{key}[{len(items)}]", {"": "vi", ".vi": "vi", ".en": "en"})
            text = _info_texts(row)
            if text is not None:
                items.append(text)
        elif bilingual:
            row.locate(f"plan.{key}", {"": "vi", ".vi": "vi", ".en": "en"})
            set_if(values, key, _info_texts(row))
        else:
            set_if(values, key, _info_value(row, key))
    for key, vi, _en, _bilingual, _repeatable in INFO_ROWS:
        if key in _REQUIRED_INFO and key not in seen and INFO.name not in reader.broken:
            reader.problem(INFO, None, None, "missing_field", field=vi)
    first, last = values.pop("years.first", None), values.pop("years.last", None)
    schedule = {name: values.pop(f"schedule.{name}") for name in ("first_year", "last_year")
                if f"schedule.{name}" in values}
    identity: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith("issuing_body."):
            identity.setdefault("issuing_body", {})[key.removeprefix("issuing_body.")] = value
        else:
            identity[key] = value
    if first is not None and last is not None:
        identity["years"] = [first, last]
    return identity, schedule


def _info_texts(row: Row) -> dict[str, str] | None:
    text = {language: row.text(language) for language in ("vi", "en")}
    return {language: value for language, value in text.items() if value is not None} or None


def _info_value(row: Row, key: str) -> Any:
    """The value of a one-value row (column B), located at its field's path."""
    if key in _NUMBERS:
        value: Any = row.integer("vi")
        if value is None and "vi" not in row.cells:
            row.problem("vi", "blank")
    elif key == "document_date":
        value = row.date("vi")
    elif key == "issuing_body.level":
        value = row.word("vi", "level")
    elif key == "document_date_basis":
        value = row.word("vi", "date_basis")
    else:
        value = row.text("vi")
    path = {"years.first": "plan.years[0]", "years.last": "plan.years[1]"}.get(key)
    path = path or (key if key.startswith("schedule.") else f"plan.{key}")
    row.locate(path, {"": "vi"})
    if key.startswith("years.") and value is None:
        row.locate("plan.years", {"": "vi"})
    return value


# --- Nhóm, Chỉ tiêu, Nhiệm vụ ---------------------------------------------------------------------------------

def _groups(reader: CellReader) -> list[dict[str, Any]]:
    """The groups in order, each with its ``_path`` in the document while the items are added."""
    groups: list[dict[str, Any]] = []
    seen: dict[str, Row] = {}
    for row in reader.rows(GROUPS):
        path = f"groups[{len(groups)}]"
        row.locate(path, {"": "code", ".code": "code", ".indicators": "code", ".tasks": "code"})
        _located(row, f"{path}.title", "title", bilingual=True)
        code = row.text("code")
        _first_use(seen, row, code)
        group: dict[str, Any] = {"_path": path}
        set_if(group, "code", code if seen.get(code) is row else None)
        set_if(group, "title", row.texts("title"))
        groups.append(group)
    return groups


def _group_of(row: Row, by_code: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    code = row.text("group")
    if code is None:
        row.cross_problem("group", "no_group")
        return None
    if code not in by_code:
        row.cross_problem("group", "unknown_group", value=code, groups_sheet=GROUPS.name)
        return None
    return by_code[code]


def _target(row: Row, key: str) -> dict[str, Any] | None:
    """A target from its comparator, value(s) and wording columns; ``None`` when all four are blank."""
    target: dict[str, Any] = {}
    comparator = row.word(f"{key}.comparator", "comparator")
    if comparator == "yes_no":
        comparator = Comparator.EQ.value
        answer = row.yes_no(f"{key}.value")
        set_if(target, "value", None if answer is None else int(answer))
    else:
        numbers = row.numbers(f"{key}.value")
        if numbers is not None and comparator == Comparator.RANGE.value:
            target.update(zip(("low", "high"), numbers))
        elif numbers is not None and len(numbers) == 2:
            row.problem(f"{key}.value", "two_numbers")
        elif numbers is not None:
            target["value"] = numbers[0]
    set_if(target, "comparator", comparator)
    set_if(target, "text", row.texts(f"{key}.text"))
    if not target and not any(f"{key}.{part}" in row.cells for part in ("comparator", "value")):
        return None
    return target


def _indicator(row: Row, path: str) -> dict[str, Any]:
    row.locate(path, {"": "code", ".code": "code", ".kind": "kind", ".unit": "unit",
                      ".applies_to_communes": "applies_to_communes", ".level_targets": "level_targets.province.value",
                      ".source": "source.document", ".source.document": "source.document",
                      ".source.section": "source.section"})
    for key in ("name", "numerator_label", "denominator_label", "note"):
        _located(row, f"{path}.{key}", key, bilingual=True)
    for key in _TARGETS:
        row.locate(f"{path}.{key}", {"": f"{key}.comparator", ".comparator": f"{key}.comparator",
                                     ".value": f"{key}.value", ".low": f"{key}.value", ".high": f"{key}.value"})
        _located(row, f"{path}.{key}.text", f"{key}.text", bilingual=True)
    indicator: dict[str, Any] = {}
    set_if(indicator, "code", row.text("code"))
    set_if(indicator, "name", row.texts("name"))
    set_if(indicator, "kind", row.word("kind", "kind"))
    set_if(indicator, "unit", row.word("unit", "unit"))
    set_if(indicator, "numerator_label", row.texts("numerator_label"))
    set_if(indicator, "denominator_label", row.texts("denominator_label"))
    set_if(indicator, "target", _target(row, "target"))
    levels = {level.value: _target(row, f"level_targets.{level.value}") for level in Level}
    set_if(indicator, "level_targets", {level: target for level, target in levels.items() if target} or None)
    set_if(indicator, "applies_to_communes", row.yes_no("applies_to_communes"))
    set_if(indicator, "note", row.texts("note"))
    set_if(indicator, "source", _source(row))
    return indicator


def _source(row: Row) -> dict[str, str] | None:
    source: dict[str, Any] = {}
    set_if(source, "document", row.text("source.document"))
    set_if(source, "section", row.text("source.section"))
    return source or None


def _tasks(reader: CellReader, by_code: dict[str, dict[str, Any]], codes: dict[str, Row]) -> None:
    """Each task row into its group, or under its parent task (a row above, in the same group)."""
    tasks: dict[str, tuple[dict[str, Any], str, str]] = {}  # code → (task, its path, its group's code)
    for row in reader.rows(TASKS):
        parent_code = row.text("parent")
        if parent_code is None:
            group = _group_of(row, by_code)
            if group is None:
                continue
            siblings, path, group_code = group.setdefault("tasks", []), f"{group['_path']}.tasks", group["code"]
        elif parent_code not in tasks:
            row.cross_problem("parent", "unknown_parent", value=parent_code)
            continue
        else:
            parent, parent_path, group_code = tasks[parent_code]
            if row.text("group") not in (None, group_code):
                row.cross_problem("group", "parent_group", parent=parent_code, group=group_code)
            siblings, path = parent.setdefault("subtasks", []), f"{parent_path}.subtasks"
        code = row.text("code")
        _first_use(codes, row, code)
        task = _task(row, f"{path}[{len(siblings)}]")
        siblings.append(task)
        if code is not None and code not in tasks:
            tasks[code] = (task, f"{path}[{len(siblings) - 1}]", group_code)


def _task(row: Row, path: str) -> dict[str, Any]:
    row.locate(path, {"": "code", ".code": "code", ".levels": "levels", ".evidence_expected": "evidence_expected",
                      ".partners": "partners.vi", ".deadline": "deadline.kind", ".deadline.kind": "deadline.kind",
                      ".deadline.date": "deadline.value", ".deadline.month": "deadline.value",
                      ".source": "source.document", ".source.document": "source.document",
                      ".source.section": "source.section", ".subtasks": "code"})
    for key in ("title", "description", "lead_agency", "deadline.text"):
        _located(row, f"{path}.{key}", key, bilingual=True)
    task: dict[str, Any] = {}
    set_if(task, "code", row.text("code"))
    set_if(task, "title", row.texts("title"))
    set_if(task, "description", row.texts("description"))
    set_if(task, "lead_agency", row.texts("lead_agency"))
    set_if(task, "partners", _partners(row, path))
    set_if(task, "deadline", _deadline(row))
    set_if(task, "levels", row.levels("levels"))
    set_if(task, "evidence_expected", row.yes_no("evidence_expected"))
    set_if(task, "source", _source(row))
    return task


def _partners(row: Row, path: str) -> list[dict[str, str]] | None:
    """One partner a line, in both languages; the two cells must list as many."""
    lists = {language: (row.text(f"partners.{language}") or "").splitlines() for language in ("vi", "en")}
    vi, en = ([line.strip() for line in lists[language] if line.strip()] for language in ("vi", "en"))
    if len(vi) != len(en):
        row.problem("partners.en", "partners_count", vi=len(vi), en=len(en))
        return None
    for index in range(len(vi)):
        _located(row, f"{path}.partners[{index}]", "partners", bilingual=True)
    return [{"vi": a, "en": b} for a, b in zip(vi, en)] or None


def _deadline(row: Row) -> dict[str, Any] | None:
    deadline: dict[str, Any] = {}
    kind = row.word("deadline.kind", "deadline.kind")
    set_if(deadline, "kind", kind)
    if kind == DeadlineKind.DATE.value:
        set_if(deadline, "date", row.date("deadline.value"))
    elif kind == DeadlineKind.MONTH.value:
        set_if(deadline, "month", row.month("deadline.value"))
    elif kind is not None and "deadline.value" in row.cells:
        row.problem("deadline.value", "deadline_value", kind=row.text("deadline.kind"))
    set_if(deadline, "text", row.texts("deadline.text"))
    if not deadline and "deadline.kind" not in row.cells and "deadline.value" not in row.cells:
        return None
    return deadline


# --- Lịch báo cáo, Mốc thời hạn -------------------------------------------------------------------------------

def _period(row: Row, path: str) -> dict[str, Any]:
    fields = {"day": "day", "month": "month", "month_from_end": "month_from_end", "days": "days", "rule": "rule",
              "stated": "stated"}
    row.locate(path, {"": "kind", ".kind": "kind", ".deadline": "rule",
                      **{f".deadline.{name}": key for name, key in fields.items()}})
    _located(row, f"{path}.deadline.text", "text", bilingual=True)
    deadline: dict[str, Any] = {}
    set_if(deadline, "rule", row.word("rule", "rule"))
    for name in ("day", "month", "month_from_end", "days"):
        set_if(deadline, name, row.integer(name))
    set_if(deadline, "text", row.texts("text"))
    set_if(deadline, "stated", row.yes_no("stated"))
    period: dict[str, Any] = {"deadline": deadline}
    set_if(period, "kind", row.word("kind", "period"))
    return period


def _milestone(row: Row, path: str) -> dict[str, Any]:
    row.locate(path, {"": "code", ".code": "code", ".due_before": "due_before", ".levels": "levels"})
    _located(row, f"{path}.title", "title", bilingual=True)
    milestone: dict[str, Any] = {}
    set_if(milestone, "code", row.text("code"))
    set_if(milestone, "title", row.texts("title"))
    set_if(milestone, "due_before", row.date("due_before"))
    set_if(milestone, "levels", row.levels("levels"))
    return milestone
