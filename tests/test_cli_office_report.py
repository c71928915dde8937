"""``cds office report``: the consolidated PDF from a bundle imported through the command line; clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pypdf import PdfReader

from .test_cli_exchange import _approve_and_export, _fill, two_sides  # noqa: F401 (two_sides is a fixture)


def test_office_report_from_the_command_line(two_sides):  # noqa: F811
    s = two_sides
    office, tmp = s["office"], s["tmp"]
    out = tmp / "tong-hop.pdf"
    code, _, err = office("office", "report", "mini-plan", "2023Q1", "--out", str(out))
    assert code == 1 and "Chưa nhận được báo cáo nào" in err and not out.exists()
    code, _, err = office("office", "report", "mini-plan", "2023Q9", "--out", str(out))
    assert code == 2 and not out.exists()

    _fill(s["commune"])
    _approve_and_export(s, tmp / "usb")
    assert office("import", str(tmp / "usb"), "--passphrase-file", str(s["secret"]))[0] == 0
    code, stdout, _ = office("office", "report", "mini-plan", "2023Q1", "--out", str(out),
                             "--number", "07/BC-SKHCN", "--date", "2025-08-04", "--place", "Lâm Đồng",
                             "--signer", "Trần Thị Mai", "--json")
    assert code == 0 and json.loads(stdout) == {"file": str(out), "warnings": []}
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(out).pages))
    assert "Số: 07/BC-SKHCN" in text and "Lâm Đồng, ngày 04 tháng 8 năm 2025" in text
    # imported today, long after the 2023 deadline: the only commune reported late
    summary = "1 xã phải gửi báo cáo (hạn gửi trước ngày 03/03/2023): 0 xã gửi đúng hạn, 1 xã gửi trễ hạn"
    assert summary in text
    assert "Xã Nhân Cơ" in text and "Trễ hạn" in text

    code, stdout, _ = office("office", "report", "mini-plan", "2023Q1", "--out", str(tmp / "en.pdf"), lang="en")
    assert code == 0 and "Consolidated report written" in stdout and Path(tmp / "en.pdf").exists()


def test_characters_the_font_cannot_draw_are_replaced_and_the_command_says_so(two_sides):  # noqa: F811
    s = two_sides
    commune, office, tmp = s["commune"], s["office"], s["tmp"]
    _fill(commune)
    assert commune("task", "set", "mini-plan", "2023Q1", "T1", "--difficulties", "Thiếu máy 😀 中文 عربي")[0] == 0
    _approve_and_export(s, tmp / "usb")
    assert office("import", str(tmp / "usb"), "--passphrase-file", str(s["secret"]))[0] == 0
    out = tmp / "tong-hop.pdf"
    code, stdout, _ = office("office", "report", "mini-plan", "2023Q1", "--out", str(out))
    assert code == 0 and "[Cảnh báo] Có 7 ký tự mà phông chữ của báo cáo không thể hiện được" in stdout
    assert "U+1F600, U+4E2D, U+6587, U+0639, U+0631, …" in stdout
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(out).pages))
    assert "Thiếu máy [U+1F600] [U+4E2D][U+6587] [U+0639][U+0631][U+0628][U+064A]" in text
    code, stdout, _ = office("office", "report", "mini-plan", "2023Q1", "--out", str(out), "--json", lang="en")
    (warning,) = json.loads(stdout)["warnings"]
    assert warning["code"] == "report.warning.undrawable" and warning["params"]["count"] == "7"
    assert warning["message_en"].startswith("7 characters could not be drawn")
