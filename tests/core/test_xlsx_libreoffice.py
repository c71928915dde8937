"""The export workbook as a real spreadsheet program reads it: LibreOffice Calc (headless, installed by
``.ci/run``) converts a workbook written by ``core/exports/xlsx.py`` to CSV, and every value comes back — the
writer is our own, so a reader that is not Python's openpyxl judges it too."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest

from cds_desktop.core.exports.tables import Column, ColumnKind, Heading, Table
from cds_desktop.core.exports.xlsx import write_xlsx

K = ColumnKind
# token 9 "false": the values, not as the formats show them; token 12 "-1": every sheet to its own file
RAW_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail("LibreOffice is missing: .ci/run installs libreoffice-calc-nogui")
    return found


def _fraction(shown: str) -> float:
    """A percentage cell as LibreOffice writes it to CSV: its fraction, or the number with a % sign."""
    return float(shown[:-1]) / 100 if shown.endswith("%") else float(shown)


def test_libreoffice_reads_every_value_of_every_sheet(tmp_path):
    heading = Heading((("Kế hoạch", "Kế hoạch thử"), ("Kỳ báo cáo", "Quý 4 năm 2023")))
    columns = (Column("Mã xã", K.CODE), Column("Tên", K.TEXT), Column("Số", K.INTEGER), Column("Tỷ lệ", K.PERCENT),
               Column("Ngày", K.DATE), Column("Lúc", K.DATETIME), Column("Thập phân", K.DECIMAL))
    rows = [("00001", "Xã Nhân Cơ", 1234567, Decimal("68.33"), dt.date(2023, 11, 20), dt.datetime(2024, 1, 5, 9, 30),
             Decimal("2.5")),
            ("24751", "=1+2 & <b>", 0, 100, None, None, None)]
    tables = [Table("Kết quả", columns, rows), Table("Xã 'B' mới", columns, [])]
    book = write_xlsx(tmp_path / "book.xlsx", heading, tables)
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", RAW_CSV,
                           "--outdir", str(tmp_path / "out"), str(book)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "out" / "book-Kết quả.csv", encoding="utf-8", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[:2] == [["Kế hoạch", "Kế hoạch thử", "", "", "", "", ""],
                         ["Kỳ báo cáo", "Quý 4 năm 2023", "", "", "", "", ""]]
    assert lines[3] == [column.header for column in columns]
    first, second = lines[4], lines[5]
    assert first[:3] == ["00001", "Xã Nhân Cơ", "1234567"]  # the code keeps its zeros
    assert _fraction(first[3]) == pytest.approx(0.6833)
    assert first[4].startswith(("11/20/2023", "2023-11-20", "20/11/2023"))  # a date, in LibreOffice's locale
    assert "09:30" in first[5] and float(first[6]) == 2.5
    assert second[:3] == ["24751", "=1+2 & <b>", "0"] and _fraction(second[3]) == 1  # text stays text
    assert (tmp_path / "out" / "book-Xã 'B' mới.csv").exists()
