"""An Excel workbook (.xlsx) of typed tables, streamed by our own SpreadsheetML writer (the fixed parts and the
cell text are in ``xlsx_parts.py``): the whole country is ≈ 1 M cells, and the general-purpose writers spend
several microseconds per cell (XlsxWriter ≈ 5 s, openpyxl ≈ 15 s for it, over the 5 s an office may wait);
a table whose columns all have a known kind needs one f-string per cell. Text cells go to the shared-strings
table (each distinct text stored once: commune and indicator names repeat thousands of times).

Each table is a sheet: the heading lines (plan, period, office, export time) on top, a blank row, the header row
(bold, frozen with everything above it), an auto-filter over the header and the data, and columns as wide as
their longest text (within bounds). Numbers are real numbers with number formats, never text: whole numbers
``#,##0``, others ``#,##0.00``, percentages stored as fractions with ``0.00%``, dates ``dd/mm/yyyy``; codes are
text cells (``@``) so that "00001" keeps its zeros. Text is always written as text, never as a formula (a
commune's answer "=1+2" stays those characters). Excel shows the separators of the reader's own locale.

The workbook is written to its final name atomically (``core/fileio.atomic_writer``): nothing under that name
unless the whole workbook was written, and nothing left behind when the export is cancelled or fails.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from cds_desktop.core.exports import xlsx_parts as parts
from cds_desktop.core.exports.tables import ColumnKind, Heading, Table
from cds_desktop.core.fileio import atomic_writer
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

WHOLE_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT = parts.WHOLE_FORMAT, parts.DECIMAL_FORMAT, parts.PERCENT_FORMAT
DATE_FORMAT, DATETIME_FORMAT, TEXT_FORMAT = parts.DATE_FORMAT, parts.DATETIME_FORMAT, parts.TEXT_FORMAT
MIN_WIDTH, MAX_WIDTH = 6, 60
CANCEL_EVERY_ROWS = 4096  # how often a long sheet looks at the cancel token (and hands its rows to the zip)
COMPRESS_LEVEL = 1  # zlib's fastest: the file is ~15 % larger than at level 6, written in half the time
_DATETIME_WIDTH, _DATE_WIDTH = 16, 10

# a cell's XML: (cell reference such as "C7", value) -> "<c …>…</c>"
CellXml = Callable[[str, Any], str]


def _number_width(value: float | Decimal) -> int:
    """About how many characters a number shows: its digits, thousands separators, two decimals or a % sign."""
    digits = len(str(abs(int(value))))
    return digits + (digits - 1) // 3 + 4


def _text_width(value: Any) -> int:
    value = str(value)
    return max(map(len, value.splitlines()), default=0) if "\n" in value or "\r" in value else len(value)


_WIDTHS: dict[ColumnKind, Callable[[Any], int]] = {
    ColumnKind.TEXT: _text_width, ColumnKind.CODE: lambda value: len(str(value)),
    ColumnKind.INTEGER: _number_width, ColumnKind.DECIMAL: _number_width, ColumnKind.PERCENT: _number_width,
    ColumnKind.DATE: lambda value: _DATE_WIDTH, ColumnKind.DATETIME: lambda value: _DATETIME_WIDTH,
}


class _SharedStrings:
    """The workbook's distinct texts in order of first use, and how many cells use one."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.uses = 0

    def cell(self, reference: str, value: Any, style: str = "") -> str:
        value = str(value)
        self.uses += 1
        number = self.index.setdefault(value, len(self.index))
        return f'<c r="{reference}"{style} t="s"><v>{number}</v></c>'

    def part(self) -> str:
        return parts.shared_strings(list(self.index), self.uses)


def _cell_writers(strings: _SharedStrings) -> dict[ColumnKind, CellXml]:
    code_style = f' s="{parts.STYLE_TEXT}"'

    def number(reference: str, value: Decimal | int) -> str:
        if isinstance(value, int) or value == value.to_integral_value():
            return f'<c r="{reference}" s="{parts.STYLE_WHOLE}"><v>{int(value)}</v></c>'
        return f'<c r="{reference}" s="{parts.STYLE_DECIMAL}"><v>{float(value)!r}</v></c>'

    def share(reference: str, value: Decimal | int) -> str:
        return f'<c r="{reference}" s="{parts.STYLE_PERCENT}"><v>{float(Decimal(value) / 100)!r}</v></c>'

    def day(reference: str, value: dt.date) -> str:
        return f'<c r="{reference}" s="{parts.STYLE_DATE}"><v>{parts.date_serial(value)}</v></c>'

    def instant(reference: str, value: dt.datetime) -> str:
        return f'<c r="{reference}" s="{parts.STYLE_DATETIME}"><v>{parts.date_serial(value)}</v></c>'

    return {ColumnKind.TEXT: strings.cell, ColumnKind.CODE: lambda ref, value: strings.cell(ref, value, code_style),
            ColumnKind.INTEGER: number, ColumnKind.DECIMAL: number, ColumnKind.PERCENT: share,
            ColumnKind.DATE: day, ColumnKind.DATETIME: instant}


def _widths(heading: Heading, table: Table) -> list[float]:
    """Each column as wide as its header or its widest value (the first also as its heading labels, "Thời điểm
    xuất"…), within ``MIN_WIDTH``…``MAX_WIDTH``."""
    widths = []
    for index, column in enumerate(table.columns):
        measure = _WIDTHS[column.kind]
        widest = max((measure(row[index]) for row in table.rows if row[index] is not None), default=0)
        if index == 0:
            widest = max([widest, *(len(label) for label, _ in heading.lines)])
        widths.append(min(max(widest, len(column.header)) + 2, MAX_WIDTH))
    return [max(width, MIN_WIDTH) for width in widths]


def _write_sheet(book: zipfile.ZipFile, number: int, strings: _SharedStrings, heading: Heading, table: Table,
                 cancel: CancelToken | None) -> str:
    """Stream sheet ``number`` into ``book``; returns its auto-filter range as the workbook's defined name wants it
    (``$A$6:$M$48``)."""
    letters = parts.column_letters(max(len(table.columns), 2))
    writers = _cell_writers(strings)
    bold = f' s="{parts.STYLE_BOLD}"'
    header_row = len(heading.lines) + 2  # the heading lines, a blank row, then the headers (1-based)
    last_row = max(header_row + len(table.rows), header_row + 1)
    last_letter = letters[max(len(table.columns), 1) - 1]
    with book.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
        chunk = [parts.sheet_start(header_row, _widths(heading, table))]
        for row, (label, value) in enumerate(heading.lines, start=1):
            chunk.append(f'<row r="{row}">{strings.cell(f"A{row}", label, bold)}{strings.cell(f"B{row}", value)}'
                         "</row>")
        cells = "".join(strings.cell(f"{letters[index]}{header_row}", column.header, bold)
                        for index, column in enumerate(table.columns))
        chunk.append(f'<row r="{header_row}">{cells}</row>')
        columns = [(letter, writers[column.kind]) for letter, column in zip(letters, table.columns)]
        for row, values in enumerate(table.rows, start=header_row + 1):
            if row % CANCEL_EVERY_ROWS == 0:
                check_cancelled(cancel)
                part.write("".join(chunk).encode())
                chunk.clear()
            suffix = str(row)
            cells = "".join(write(letter + suffix, value)
                            for (letter, write), value in zip(columns, values) if value is not None)
            chunk.append(f'<row r="{row}">{cells}</row>')
        chunk.append(parts.sheet_end(f"A{header_row}:{last_letter}{last_row}"))
        part.write("".join(chunk).encode())
    return f"$A${header_row}:${last_letter}${last_row}"


def _sheet_name(name: str) -> str:
    """``name`` as Excel takes a sheet's name (at most 31 characters, none of ``[]:*?/\\``, no apostrophe at either
    end: Excel and LibreOffice refuse the whole file otherwise). The names are the app's own, so a bad one is a bug."""
    name = name[:31]
    if not name or set(name) & set("[]:*?/\\") or name[0] == "'" or name[-1] == "'":
        raise ValueError(f"not a sheet name Excel takes: {name!r}")
    return name


def write_xlsx(path: Path, heading: Heading, tables: Sequence[Table], progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
    """Write ``tables`` as the sheets of a workbook at ``path`` (atomically: nothing under that name unless the
    whole workbook was written). ``Cancelled`` between sheets, and every few thousand rows, when ``cancel`` is
    set; ``progress(done, total)`` after each sheet and once the file is in place."""
    path = Path(path)
    names = [_sheet_name(table.name) for table in tables]
    steps = len(tables) + 1
    strings = _SharedStrings()
    with atomic_writer(path) as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED,
                                                          compresslevel=COMPRESS_LEVEL) as book:
        book.writestr("[Content_Types].xml", parts.content_types(len(tables)))  # first, as readers expect
        book.writestr("_rels/.rels", parts.package_relationships())
        sheets = []
        for done, table in enumerate(tables):
            check_cancelled(cancel)
            sheets.append((names[done], _write_sheet(book, done + 1, strings, heading, table, cancel)))
            if progress is not None:
                progress(done + 1, steps)
        check_cancelled(cancel)
        book.writestr("xl/sharedStrings.xml", strings.part())
        book.writestr("xl/styles.xml", parts.styles())
        book.writestr("xl/workbook.xml", parts.workbook(sheets))
        book.writestr("xl/_rels/workbook.xml.rels", parts.workbook_relationships(len(sheets)))
    if progress is not None:
        progress(steps, steps)
    return path
