"""An Excel workbook (.xlsx) of typed tables, written with openpyxl in its streaming (write-only) mode so that the
whole country fits in little memory.

Each table is a sheet: the heading lines (plan, period, office, export time) on top, a blank row, the header row
(bold, frozen with everything above it), an auto-filter over the header and the data, and columns as wide as
their longest text (within bounds). Numbers are real numbers with number formats, never text: whole numbers
``#,##0``, others ``#,##0.00``, percentages stored as fractions with ``0.00%``, dates ``dd/mm/yyyy``; codes are
text cells (``@``) so that "00001" keeps its zeros. Excel shows the separators of the reader's own locale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cds_desktop.core.exports.tables import Column, ColumnKind, Heading, Table
from cds_desktop.core.fileio import atomic_writer
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 6, 60
_BOLD = Font(bold=True)


def _number(value: Decimal | int) -> int | float:
    return int(value) if value == int(value) else float(value)


def _cell(sheet, column: Column, value: Any) -> WriteOnlyCell | str | None:
    """A styled cell for numbers, dates and codes; plain text and empty cells go in as they are (much faster)."""
    kind = column.kind
    if value is None or kind is ColumnKind.TEXT:
        return None if value is None else str(value)
    if kind is ColumnKind.PERCENT:
        cell = WriteOnlyCell(sheet, value=float(Decimal(value) / 100))
        cell.number_format = PERCENT_FORMAT
    elif kind in (ColumnKind.INTEGER, ColumnKind.DECIMAL):
        number = _number(value)
        cell = WriteOnlyCell(sheet, value=number)
        cell.number_format = WHOLE_FORMAT if isinstance(number, int) else DECIMAL_FORMAT
    elif kind is ColumnKind.DATETIME:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
    elif kind is ColumnKind.DATE:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    else:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.number_format = TEXT_FORMAT
    return cell


def _shown_length(column: Column, value: Any) -> int:
    """About how many characters the cell shows (for the column's width)."""
    if value is None:
        return 0
    if column.kind in (ColumnKind.INTEGER, ColumnKind.DECIMAL, ColumnKind.PERCENT):
        digits = len(str(int(value)))
        return digits + (digits - 1) // 3 + 4  # thousands separators, two decimals (or a % sign)
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(table: Table) -> list[int]:
    widths = [len(column.header) for column in table.columns]
    for row in table.rows:
        for index, (column, value) in enumerate(zip(table.columns, row)):
            length = _shown_length(column, value)
            if length > widths[index]:
                widths[index] = length
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _write_sheet(workbook: Workbook, heading: Heading, table: Table) -> None:
    sheet = workbook.create_sheet(table.name[:31])
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = len(heading.lines) + 2
    sheet.freeze_panes = f"A{header_row + 1}"
    last_column = get_column_letter(max(len(table.columns), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + max(len(table.rows), 1)}"
    for label, value in heading.lines:
        label_cell = WriteOnlyCell(sheet, value=label)
        label_cell.font = _BOLD
        sheet.append([label_cell, value])
    sheet.append([])
    headers = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _BOLD
        headers.append(cell)
    sheet.append(headers)
    for row in table.rows:
        sheet.append([_cell(sheet, column, value) for column, value in zip(table.columns, row)])


def write_xlsx(path: Path, heading: Heading, tables: Sequence[Table], progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
    """Write ``tables`` as the sheets of a workbook at ``path`` (atomically: nothing under that name unless the
    whole workbook was written). ``Cancelled`` between sheets when ``cancel`` is set."""
    workbook = Workbook(write_only=True)
    for done, table in enumerate(tables):
        check_cancelled(cancel)
        _write_sheet(workbook, heading, table)
        if progress is not None:
            progress(done + 1, len(tables) + 1)
    check_cancelled(cancel)
    with atomic_writer(Path(path)) as stream:
        workbook.save(stream)
    if progress is not None:
        progress(len(tables) + 1, len(tables) + 1)
    return Path(path)
