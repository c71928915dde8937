"""``cds office return|accept|accept-all``: the head's decisions from the command line, receipts the commune's
``cds receipt import`` reads, refusals with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli_exchange import _approve_and_export, _fill, two_sides  # noqa: F401 - the fixture


def test_return_then_accept_the_correction(two_sides):  # noqa: F811 - the fixture
    s = two_sides
    commune, office, tmp, secret = s["commune"], s["office"], s["tmp"], str(s["secret"])
    _fill(commune)
    _approve_and_export(s, tmp / "usb1")
    assert office("import", str(tmp / "usb1"), "--passphrase-file", secret)[0] == 0

    code, _, err = office("office", "return", "24751", "mini-plan", "2023Q1", "--reason", "x" * 4001,
                          "--out", str(tmp / "out"))  # refused before any passphrase is asked
    assert code == 2 and "4001" in err and not (tmp / "out").exists()
    code, out, _ = office("office", "return", "24751", "mini-plan", "2023Q1", "--reason", "Thiếu minh chứng 1a",
                          "--out", str(tmp / "out"), "--passphrase-file", secret, "--json")
    returned = json.loads(out)
    assert code == 0 and returned["decision"] == "returned" and returned["revision"] == 1
    assert Path(returned["file"]) == tmp / "out" / "24751_mini-plan_2023Q1_r1_returned.cdsr"
    code, out, _ = commune("receipt", "import", returned["file"], "--json")
    assert code == 0 and json.loads(out)["reason"] == "Thiếu minh chứng 1a"

    assert commune("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "85")[0] == 0
    _approve_and_export(s, tmp / "usb2")
    assert office("import", str(tmp / "usb2"), "--passphrase-file", secret)[0] == 0
    code, _, err = office("office", "accept", "24751", "mini-plan", "2023Q1", "--revision", "1",
                          "--out", str(tmp / "out"), "--passphrase-file", secret)
    assert code == 1 and "đã được thay bằng lần 2" in err
    code, out, _ = office("office", "accept", "24751", "mini-plan", "2023Q1", "--out", str(tmp / "out"),
                          "--passphrase-file", secret)
    assert code == 0 and out.strip() == (f"Đã ghi phiếu tiếp nhận {tmp / 'out' / '24751_mini-plan_2023Q1_r2_accepted.cdsr'}"
                                         " (lần 2): Đã được tiếp nhận.")
    code, _, err = office("office", "accept", "24751", "mini-plan", "2023Q1", "--out", str(tmp / "out"),
                          "--passphrase-file", secret, lang="en")
    assert code == 1 and "was already accepted on" in err and "Traceback" not in err
    code, out, _ = commune("receipt", "import", str(tmp / "out" / "24751_mini-plan_2023Q1_r2_accepted.cdsr"),
                           "--json")
    assert code == 0 and json.loads(out)["office_status"] == "accepted"


def test_accept_all_lists_what_it_skipped(two_sides):  # noqa: F811 - the fixture
    s = two_sides
    commune, office, tmp, secret = s["commune"], s["office"], s["tmp"], str(s["secret"])
    _fill(commune)  # 1a and 2d below their targets: problems
    _approve_and_export(s, tmp / "usb")
    assert office("import", str(tmp / "usb"), "--passphrase-file", secret)[0] == 0
    code, out, _ = office("office", "accept-all", "mini-plan", "2023Q1", "--out", str(tmp / "out"),
                          "--passphrase-file", secret, "--json")
    result = json.loads(out)
    assert code == 0 and result["accepted"] == []
    assert [(r["commune"], r["reason"], r["problems"]) for r in result["skipped"]] == [("24751", "has_problems", 4)]
    code, out, _ = office("office", "accept-all", "mini-plan", "2023Q1", "--out", str(tmp / "out"),
                          "--passphrase-file", secret)
    assert code == 0 and out.splitlines() == [
        "Bỏ qua Xã Nhân Cơ (24751) lần 1: có 4 vấn đề khi kiểm tra lại, cần xem riêng",
        "Đã chấp nhận 0 báo cáo, bỏ qua 1 báo cáo."]
    assert not (tmp / "out").exists()
