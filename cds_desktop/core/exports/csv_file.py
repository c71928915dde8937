"""One table as a CSV file: UTF-8 with a byte-order mark (so that Excel reads the Vietnamese right), a header row,
every value as text — numbers in their canonical form (``68.33``, a point before the decimals: the file is for
other programs; people get the .xlsx), dates ``yyyy-mm-dd``, codes exactly as stored ("00001").

Formula injection: a spreadsheet would run a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, so such a text cell is written with a leading apostrophe (OWASP's advice). Numbers
are written as numbers and never changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from cds_desktop.core.exports.tables import ColumnKind, Table
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.numbers import canonical

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC = (ColumnKind.INTEGER, ColumnKind.DECIMAL, ColumnKind.PERCENT)


def neutralised(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a leading apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(kind: ColumnKind, value: Any) -> str:
    if value is None:
        return ""
    if kind in _NUMERIC:
        return canonical(Decimal(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralised(str(value))


def write_csv(path: Path, table: Table) -> Path:
    """Write ``table`` at ``path`` atomically."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralised(column.header) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        writer.writerow([_text(kind, value) for kind, value in zip(kinds, row)])
    write_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"))
    return Path(path)
