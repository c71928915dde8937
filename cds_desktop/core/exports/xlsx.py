"""An Excel workbook (.xlsx) of typed tables, written with XlsxWriter with shared strings (its default mode): each
distinct text is stored once, which is what makes the whole country fast (≈ 1 M cells in under 5 s; the
``constant_memory`` mode writes every text inline and took ~40 % longer) for ~60 MiB more memory (peak ≈ 210 MiB
for the whole country, goal 300).

Each table is a sheet: the heading lines (plan, period, office, export time) on top, a blank row, the header row
(bold, frozen with everything above it), an auto-filter over the header and the data, and columns as wide as
their longest text (within bounds). Numbers are real numbers with number formats, never text: whole numbers
``#,##0``, others ``#,##0.00``, percentages stored as fractions with ``0.00%``, dates ``dd/mm/yyyy``; codes are
text cells (``@``) so that "00001" keeps its zeros. Text is always written as text, never as a formula (a
commune's answer "=1+2" stays those characters). Excel shows the separators of the reader's own locale.

The workbook is assembled in a private temporary folder (XlsxWriter's temporary parts) and written to its final name
atomically (``core/fileio.atomic_writer``): nothing under that name unless the whole workbook was written, and
nothing left behind when the export is cancelled or fails.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError

from cds_desktop.core.exports.tables import Column, ColumnKind, Heading, Table
from cds_desktop.core.fileio import atomic_writer, storage_error
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 6, 60
CANCEL_EVERY_ROWS = 4096  # how often a long sheet looks at the cancel token
_DATETIME_WIDTH, _DATE_WIDTH = 16, 10

# a cell writer: (sheet, row, column, value) -> the number of characters the cell shows (for the column's width)
CellWriter = Callable[[Any, int, int, Any], int]


def _number_width(value: int | float) -> int:
    """About how many characters a number shows: its digits, thousands separators, two decimals or a % sign."""
    digits = len(str(abs(int(value))))
    return digits + (digits - 1) // 3 + 4


class _Formats:
    """The workbook's cell formats, and a writer per column kind."""

    def __init__(self, workbook: Workbook) -> None:
        self.bold = workbook.add_format({"bold": True})
        whole = workbook.add_format({"num_format": WHOLE_FORMAT})
        decimal = workbook.add_format({"num_format": DECIMAL_FORMAT})
        percent = workbook.add_format({"num_format": PERCENT_FORMAT})
        date = workbook.add_format({"num_format": DATE_FORMAT})
        moment = workbook.add_format({"num_format": DATETIME_FORMAT})
        code = workbook.add_format({"num_format": TEXT_FORMAT})

        def text(sheet, row: int, column: int, value: Any) -> int:
            value = str(value)
            sheet.write_string(row, column, value)
            return max(map(len, value.splitlines()), default=0) if "\n" in value or "\r" in value else len(value)

        def code_text(sheet, row: int, column: int, value: Any) -> int:
            value = str(value)
            sheet.write_string(row, column, value, code)
            return len(value)

        def number(sheet, row: int, column: int, value: Decimal | int) -> int:
            if isinstance(value, int) or value == value.to_integral_value():
                sheet.write_number(row, column, int(value), whole)
            else:
                sheet.write_number(row, column, float(value), decimal)
            return _number_width(value)

        def share(sheet, row: int, column: int, value: Decimal | int) -> int:
            sheet.write_number(row, column, float(Decimal(value) / 100), percent)
            return _number_width(value)

        def day(sheet, row: int, column: int, value: dt.date) -> int:
            sheet.write_datetime(row, column, value, date)
            return _DATE_WIDTH

        def instant(sheet, row: int, column: int, value: dt.datetime) -> int:
            sheet.write_datetime(row, column, value, moment)
            return _DATETIME_WIDTH

        self.writers: dict[ColumnKind, CellWriter] = {
            ColumnKind.TEXT: text, ColumnKind.CODE: code_text, ColumnKind.INTEGER: number,
            ColumnKind.DECIMAL: number, ColumnKind.PERCENT: share, ColumnKind.DATE: day,
            ColumnKind.DATETIME: instant,
        }

    def writer(self, column: Column) -> CellWriter:
        return self.writers[column.kind]


def _write_sheet(workbook: Workbook, formats: _Formats, heading: Heading, table: Table,
                 cancel: CancelToken | None) -> None:
    sheet = workbook.add_worksheet(table.name[:31])
    for row, (label, value) in enumerate(heading.lines):
        sheet.write_string(row, 0, label, formats.bold)
        sheet.write_string(row, 1, value)
    header_row = len(heading.lines) + 1  # zero-based: the heading lines, a blank row, then the headers
    for index, column in enumerate(table.columns):
        sheet.write_string(header_row, index, column.header, formats.bold)
    widths = [len(column.header) for column in table.columns]
    writers = [formats.writer(column) for column in table.columns]
    row = header_row
    for row, values in enumerate(table.rows, start=header_row + 1):
        if row % CANCEL_EVERY_ROWS == 0:
            check_cancelled(cancel)
        for index, value in enumerate(values):
            if value is not None:
                shown = writers[index](sheet, row, index, value)
                if shown > widths[index]:
                    widths[index] = shown
    for index, width in enumerate(widths):
        sheet.set_column(index, index, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, max(row, header_row + 1), max(len(table.columns), 1) - 1)


def write_xlsx(path: Path, heading: Heading, tables: Sequence[Table], progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
    """Write ``tables`` as the sheets of a workbook at ``path`` (atomically: nothing under that name unless the
    whole workbook was written). ``Cancelled`` between sheets, and every few thousand rows, when ``cancel`` is
    set; ``progress(done, total)`` after each sheet and once the file is in place."""
    path = Path(path)
    steps = len(tables) + 1
    rows = tempfile.TemporaryDirectory(prefix="cds-xlsx-", ignore_cleanup_errors=True)  # XlsxWriter's temporary parts
    with rows as rows_folder, atomic_writer(path) as stream:
        workbook = Workbook(stream, {"constant_memory": False, "tmpdir": rows_folder, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
        formats = _Formats(workbook)
        for done, table in enumerate(tables):
            check_cancelled(cancel)
            _write_sheet(workbook, formats, heading, table, cancel)
            if progress is not None:
                progress(done + 1, steps)
        check_cancelled(cancel)
        try:
            workbook.close()
        except FileCreateError as exc:  # XlsxWriter's wrapping of an OSError while it assembles the file
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise storage_error(cause, path) from exc
    if progress is not None:
        progress(steps, steps)
    return path
