"""``cds office export``: every format from the office of ``results_support`` through the command line, its
files read back; clear errors with the right exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from cds_desktop.cli import main

from .core.exchange.results_support import MINI_PLAN, P, Q4, open_results_office


@pytest.fixture
def cds(tmp_path, mini_plan, clock, capsys, office_storage):
    open_results_office(tmp_path / "office", mini_plan, clock, office_storage).close()
    shutil.copy(MINI_PLAN, tmp_path / "mini.yaml")

    def run(*args: str, lang: str = "vi"):
        code = main(["--data-dir", str(tmp_path / "office"), "--lang", lang, *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("plans", "import", str(tmp_path / "mini.yaml"))[0] == 0
    return run


def test_every_format_from_the_command_line(cds, tmp_path):
    code, out, _ = cds("office", "export", P, Q4, "--out", str(tmp_path / "ket-qua.xlsx"))
    assert code == 0 and f"Đã ghi tệp {tmp_path / 'ket-qua.xlsx'}" in out
    book = openpyxl.load_workbook(tmp_path / "ket-qua.xlsx")
    assert "Kết quả chỉ tiêu" in book.sheetnames and book["Kết quả chỉ tiêu"]["B2"].value == "Quý 4 năm 2023"

    code, out, _ = cds("office", "export", P, Q4, "--format", "csv", "--view", "summary",
                       "--out", str(tmp_path / "tong-hop.csv"), "--json")
    assert code == 0 and json.loads(out) == {"files": [str(tmp_path / "tong-hop.csv")]}
    rows = list(csv.reader((tmp_path / "tong-hop.csv").read_text(encoding="utf-8-sig").splitlines()))
    one_a = next(row for row in rows if row[0] == "1a")
    assert one_a[3:6] == ["410", "600", "68.33"]

    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"orgUnits": {"24751": "DiszpKrYNg8"}}), encoding="utf-8")
    code, out, _ = cds("office", "export", P, Q4, "--format", "dhis2", "--mapping", str(mapping),
                       "--out", str(tmp_path / "dhis2.json"), "--json")
    assert code == 0 and json.loads(out)["files"] == [str(tmp_path / "dhis2.json"),
                                                      str(tmp_path / "dhis2.complete.json")]
    values = json.loads((tmp_path / "dhis2.json").read_text(encoding="utf-8"))["dataValues"]
    assert "DiszpKrYNg8" in {value["orgUnit"] for value in values}

    code, out, _ = cds("office", "export", P, Q4, "--format", "adx", "--out", str(tmp_path / "adx.xml"), lang="en")
    assert code == 0 and "File written:" in out and Path(tmp_path / "adx.xml").exists()


def test_errors_are_messages_with_exit_codes(cds, tmp_path):
    code, _, err = cds("office", "export", P, "2030Q1", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and "Traceback" not in err and not (tmp_path / "x.xlsx").exists()
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    code, _, err = cds("office", "export", P, Q4, "--format", "dhis2", "--mapping", str(tmp_path / "bad.json"),
                       "--out", str(tmp_path / "x.json"))
    assert code == 2 and "không đúng mẫu" in err and not (tmp_path / "x.json").exists()
