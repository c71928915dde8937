"""The cells of a plan workbook (``excel_layout.py``) that someone filled in, in Excel or LibreOffice: opening the
file as hostile input, finding each sheet's columns by their headers, reading cells as typed values, and recording
every problem by sheet, row, column letter and header. ``excel_reader.py`` builds the plan document from the rows.

The file is at most ``MAX_WORKBOOK_BYTES`` (and ``MAX_UNPACKED_BYTES`` once unzipped), a sheet at most ``MAX_ROWS``
rows, read with openpyxl in read-only mode. Refused cells: what cannot be read as its column's kind (a number, a
date, a month, a word of its dropdown), formulas (the clerk pastes values instead; a formula's cached result may be
stale or absent), merged cells, and headers that are not the template's. Numbers are read the Vietnamese way too
("55,5"), a cell formatted as a percentage as the percent it shows, dates as real dates or ``dd/mm/yyyy`` text,
months as ``mm/yyyy`` (or the date Excel makes of it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from cds_desktop.core.numbers import QuantityError, parse_quantity
from cds_desktop.core.plans.document import plan_document_problems
from cds_desktop.core.plans.excel_layout import (
    DROPDOWNS, ENGLISH_ROW, GROUPS, HEADER_ROW, INDICATORS, INFO, SCHEDULE,
    TASKS, CellProblem, Column, PlanWorkbookError, Sheet, column_letter, folded, word_value,
)
from cds_desktop.core.text import nfc

MAX_WORKBOOK_BYTES = 10 << 20  # 10 MiB: a plan's workbook is a few hundred KB
MAX_UNPACKED_BYTES = 100 << 20  # what the file's parts may unzip to (a small file that unzips to gigabytes is refused)
MAX_ROWS = 5000  # a sheet's rows, headers included
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|đến|to)\s*", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_MONTH_YEAR = re.compile(r"(?:tháng|t)?\s*(\d{1,2})[/.-](\d{4})", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_LEVEL_SEPARATOR = re.compile(r"[,;\n]+")
_PARENT_PATH = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")
Where = tuple[Sheet, int | None, str | None]  # a sheet, a row and a column key: where a document field came from


def unreadable(path: Path, problem_id: str, **params: Any) -> PlanWorkbookError:
    return PlanWorkbookError("plan.workbook_unreadable", [CellProblem(None, None, None, problem_id, params)],
                             file=path.name)


def open_workbook(path: Path):
    """The workbook (read-only) and the merged ranges of each sheet, by sheet name."""
    from openpyxl import load_workbook

    try:
        size = path.stat().st_size
        if size > MAX_WORKBOOK_BYTES:
            raise unreadable(path, "plan_template.problem.too_large", limit=MAX_WORKBOOK_BYTES >> 20)
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise unreadable(path, "plan_template.problem.too_large", limit=MAX_WORKBOOK_BYTES >> 20)
            merges = _merged_ranges(archive)
        return load_workbook(path, read_only=True, data_only=False), merges
    except PlanWorkbookError:
        raise
    except zipfile.BadZipFile:
        raise unreadable(path, "plan_template.problem.not_xlsx") from None
    except OSError as exc:
        raise unreadable(path, "plan_template.problem.os", detail=exc.strerror or str(exc)) from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook (KeyError, ValueError, XML errors…)
        raise unreadable(path, "plan_template.problem.damaged", detail=type(exc).__name__) from None


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _merged_ranges(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Each sheet's merged cell ranges (``A3:B4``), read from the sheet's XML (read-only openpyxl skips them)."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {link.get("Id"): link.get("Target", "") for link in links.findall("p:Relationship", _NS)}
    merges = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        if part in archive.namelist():
            merges[sheet.get("name", "")] = [m.decode() for m in _MERGE.findall(archive.read(part))]
    return merges


class CellReader:
    """The sheets of an open workbook as rows, the problems found, and where each document field came from."""

    def __init__(self, book, merges: dict[str, list[str]]) -> None:
        self.book = book
        self.merges = merges
        self.problems: list[CellProblem] = []
        self.where: dict[str, Where] = {"plan": (INFO, None, None), "groups": (GROUPS, None, None),
                                        "schedule": (SCHEDULE, None, None)}
        self.letters: dict[str, dict[str, str]] = {}  # sheet name → column key → letter in the file
        # sheets missing, or missing a column: what their rows say only together (a parent, a duplicate, the plan
        # format's rules) is not checked, as it would repeat what the missing column explains
        self.broken: set[str] = set()

    # --- problems and where fields came from --------------------------------------------------------------

    def problem(self, sheet: Sheet, row: int | None, key: str | None, problem_id: str, **params: Any) -> None:
        column = sheet.column(key) if key else None
        letter = self.letters.get(sheet.name, {}).get(key) if key else None
        self.problems.append(CellProblem(sheet, row, column, f"plan_template.problem.{problem_id}", params, letter))

    def model_problems(self, document: dict, source: str) -> list[CellProblem]:
        """The plan format's problems with ``document``, each on its cell; none on a cell already reported."""
        taken = {problem.position for problem in self.problems}
        found = []
        if self.broken & {INDICATORS.name, TASKS.name}:  # a group would look empty
            self.broken.add(GROUPS.name)
        for error in plan_document_problems(document, source, limit=10_000):
            path = error.params.get("path", "")
            while path not in self.where and _PARENT_PATH.search(path):
                path = _PARENT_PATH.sub("", path)
            sheet, row, key = self.where.get(path, (None, None, None))
            params = {k: v for k, v in error.params.items()
                      if k not in ("file", "field", "line", "problem", "problem_id", "field_id", "path")}
            letter = self.letters.get(sheet.name, {}).get(key) if sheet and key else None
            problem = CellProblem(sheet, row, sheet.column(key) if sheet and key else None,
                                  error.params["problem_id"], params, letter)
            if problem.position not in taken and (sheet is None or sheet.name not in self.broken):
                taken.add(problem.position)
                found.append(problem)
        return found

    # --- rows of a sheet -----------------------------------------------------------------------------------

    def rows(self, sheet: Sheet) -> list[Row]:
        """The data rows of ``sheet`` (row number, column key → cell), blank rows left out."""
        name = next((n for n in self.book.sheetnames if folded(n) in (folded(sheet.name), folded(sheet.english))),
                    None)
        if name is None:
            self.problem(sheet, None, None, "missing_sheet")
            self.broken.add(sheet.name)
            return []
        worksheet = self.book[name]
        worksheet.reset_dimensions()  # the size a file claims may be wrong: read the rows that are there
        with contextlib.closing(worksheet.iter_rows()) as rows:  # closed when left early: it holds the zip open
            found = self._read_rows(sheet, rows)
        by_letter = {letter: key for key, letter in self.letters[sheet.name].items()}
        for merged in self.merges.get(name, []):
            first = merged.split(":")[0]
            letter = re.sub(r"[0-9]+", "", first)
            key = by_letter.get(letter)
            self.problems.append(CellProblem(sheet, int(first[len(letter):]), sheet.column(key) if key else None,
                                             "plan_template.problem.merged", {"range": merged}, letter))
        return found

    def _read_rows(self, sheet: Sheet, rows) -> list[Row]:
        """The rows after the headers (checked on the way), blank rows and the English header row left out."""
        columns: dict[int, Column] | None = None
        found = []
        for number, cells in enumerate(rows, start=1):
            if number > MAX_ROWS:
                self.problem(sheet, number, None, "too_many_rows", limit=MAX_ROWS)
                break
            if number == HEADER_ROW:
                columns = self._headers(sheet, cells)
                continue
            if columns is None:  # the header row is missing
                columns = self._headers(sheet, ())
            row = {columns[c.column - 1].key: c for c in cells
                   if getattr(c, "column", None) and c.column - 1 in columns and c.value not in (None, "")}
            if not row or (number == ENGLISH_ROW and _english_headers(sheet, row)):
                continue
            for key, cell in row.items():
                if cell.data_type == "f":
                    self.problem(sheet, number, key, "formula", value=str(cell.value)[:40])
            found.append(Row(self, sheet, number, {k: c for k, c in row.items() if c.data_type != "f"}))
        if columns is None:  # an empty sheet
            self._headers(sheet, ())
        return found

    def _headers(self, sheet: Sheet, cells) -> dict[int, Column]:
        by_header = {}
        for column in sheet.columns:
            by_header[folded(column.vi)] = by_header[folded(column.en)] = column
        columns: dict[int, Column] = {}
        letters = self.letters.setdefault(sheet.name, {})
        for cell in cells:
            if cell.value in (None, "") or not getattr(cell, "column", None):
                continue
            column = by_header.get(folded(str(cell.value)))
            if column is None or column.key in letters:
                self.problems.append(CellProblem(sheet, HEADER_ROW, None, "plan_template.problem.unknown_column",
                                                 {"value": str(cell.value)[:60]}, column_letter(cell.column - 1)))
                continue
            columns[cell.column - 1] = column
            letters[column.key] = column_letter(cell.column - 1)
        for column in sheet.columns:
            if column.key not in letters:
                self.problem(sheet, HEADER_ROW, None, "missing_column", header=column.vi)
                self.broken.add(sheet.name)
        return columns


def _english_headers(sheet: Sheet, row: dict[str, Any]) -> bool:
    """Whether the row holds the English headers of its columns (the template's second header row)."""
    return all(isinstance(cell.value, str) and folded(cell.value) == folded(sheet.column(key).en)
               for key, cell in row.items())


class Row:
    """One data row of a sheet: its cells by column key, read as typed values. Each reading gives ``None`` for a
    blank cell, and for a wrong one, whose problem it records."""

    def __init__(self, reader: CellReader, sheet: Sheet, number: int, cells: dict[str, Any]) -> None:
        self.reader, self.sheet, self.number, self.cells = reader, sheet, number, cells

    def problem(self, key: str | None, problem_id: str, **params: Any) -> None:
        self.reader.problem(self.sheet, self.number, key, problem_id, **params)

    def cross_problem(self, key: str, problem_id: str, **params: Any) -> None:
        """A problem found by comparing this row with others (not reported on a sheet missing a column)."""
        if self.sheet.name not in self.reader.broken:
            self.problem(key, problem_id, **params)

    def locate(self, path: str, fields: dict[str, str]) -> None:
        """The document's fields under ``path`` came from this row: ``fields`` maps a path suffix to a column key."""
        for suffix, key in fields.items():
            self.reader.where[path + suffix] = (self.sheet, self.number, key)

    def text(self, key: str) -> str | None:
        cell = self.cells.get(key)
        if cell is None:
            return None
        value = cell.value
        if isinstance(value, dt.datetime):
            return f"{value:%d/%m/%Y}"
        if isinstance(value, float):
            return format(Decimal(repr(value)).normalize(), "f")
        return nfc(str(value)).strip() or None

    def texts(self, key: str) -> dict[str, str] | None:
        """A bilingual text from the columns ``key.vi`` and ``key.en`` (what is missing is the plan format's to say)."""
        text = {language: self.text(f"{key}.{language}") for language in ("vi", "en")}
        return {language: value for language, value in text.items() if value is not None} or None

    def numbers(self, key: str) -> list[Decimal] | None:
        """The number in a cell, or the two of a range ("55 - 60"); a cell formatted as % gives the percent shown."""
        cell = self.cells.get(key)
        if cell is None:
            return None
        value = cell.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            result = Decimal(repr(value))
            return [result * 100 if "%" in (cell.number_format or "") else result]
        try:
            parts = _RANGE_SEPARATOR.split(str(value).strip().rstrip("%").strip(), maxsplit=1)
            return [Decimal(parse_quantity(part, "vi")) for part in parts]
        except (QuantityError, TypeError):
            self.problem(key, "not_number", value=str(value)[:40])
            return None

    def integer(self, key: str) -> int | None:
        numbers = self.numbers(key)
        if numbers is None:
            return None
        if len(numbers) != 1 or numbers[0] != numbers[0].to_integral_value():
            self.problem(key, "not_whole", value=str(self.cells[key].value)[:40])
            return None
        return int(numbers[0])

    def date(self, key: str) -> dt.date | None:
        cell = self.cells.get(key)
        if cell is None:
            return None
        if isinstance(cell.value, dt.datetime):
            return cell.value.date()
        text = str(cell.value).strip()
        try:
            match = _DAY_MONTH_YEAR.fullmatch(text)
            return dt.date(int(match[3]), int(match[2]), int(match[1])) if match else dt.date.fromisoformat(text)
        except ValueError:
            self.problem(key, "not_date", value=text[:40])
            return None

    def month(self, key: str) -> str | None:
        """A month ``2023-12`` from ``12/2023`` (or the date Excel makes of it), ``2023-12`` or ``tháng 12/2023``."""
        cell = self.cells.get(key)
        if cell is None:
            return None
        if isinstance(cell.value, dt.datetime):
            return f"{cell.value:%Y-%m}"
        text = str(cell.value).strip()
        match, reverse = _MONTH_YEAR.fullmatch(text), _YEAR_MONTH.fullmatch(text)
        year, month = (match[2], match[1]) if match else (reverse[1], reverse[2]) if reverse else (0, 0)
        if not 1 <= int(month) <= 12:
            self.problem(key, "not_month", value=text[:40])
            return None
        return f"{int(year):04d}-{int(month):02d}"

    def word(self, key: str, dropdown: str) -> Any:
        """The stored value of a dropdown's word (an enum's ``value``)."""
        text = self.text(key)
        if text is None:
            return None
        try:
            value = word_value(dropdown, text)
        except KeyError:
            self.problem(key, "not_word", value=text[:40], words=_words(dropdown))
            return None
        return getattr(value, "value", value)

    def yes_no(self, key: str) -> bool | None:
        """A Có/Không cell (also 1/0, or TRUE/FALSE)."""
        cell = self.cells.get(key)
        if cell is not None and isinstance(cell.value, (bool, int)) and cell.value in (0, 1):
            return bool(cell.value)
        return self.word(key, "yes_no")

    def levels(self, key: str) -> list[str] | None:
        """Levels written as words separated by commas: "Tỉnh, Xã"."""
        text = self.text(key)
        if text is None:
            return None
        levels = []
        for part in filter(None, (p.strip() for p in _LEVEL_SEPARATOR.split(text))):
            try:
                levels.append(word_value("level", part).value)
            except KeyError:
                self.problem(key, "not_word", value=part[:40], words=_words("level"))
                return None
        return levels


def _words(dropdown: str) -> str:
    return ", ".join(f"«{word}»" for word in DROPDOWNS[dropdown].values())


def set_if(target: dict, key: str, value: Any) -> None:
    """``target[key] = value`` unless ``value`` is ``None`` (a blank cell is a field left out)."""
    if value is not None:
        target[key] = value
