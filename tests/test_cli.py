"""The ``cds`` command line end to end: output, --json, exit codes, and that bad input writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cds_desktop.cli import main
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def cds(tmp_path, capsys):
    data = tmp_path / "data"

    def run(*args: str, lang: str = "vi"):
        code = main(["--data-dir", str(data), "--lang", lang, "--user", "lan", *args])
        out, err = capsys.readouterr()
        return code, out, err

    plan_file = tmp_path / "mini.yaml"
    shutil.copy(FIXTURES / "plans" / "mini.yaml", plan_file)
    assert run("plans", "import", str(plan_file))[0] == 0
    assert run("init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")[0] == 0
    return run


def test_plans_list_and_show(cds):
    code, out, _ = cds("plans", "list", "--json")
    assert code == 0 and "mini-plan" in [p["id"] for p in json.loads(out)]
    code, out, _ = cds("plans", "show", "mini-plan")
    assert code == 0 and "≥ 80%" in out and "55–60%" in out and "Phòng Văn hóa và Thông tin" in out
    assert "không áp dụng cấp xã" in out


def test_periods_show_deadlines_and_states(cds):
    code, out, _ = cds("periods", "mini-plan", "--json")
    periods = {p["period"]: p for p in json.loads(out)}
    assert code == 0 and periods["2023Q1"]["due_before"] == "2023-03-03" and periods["2024"]["state"] == "draft"


def test_entry_validate_status_history(cds):
    code, out, _ = cds("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "812", "--denominator", "1000")
    assert code == 0 and "81,2%" in out and "Đạt" in out
    code, out, _ = cds("entry", "set", "mini-plan", "2023Q1", "1b", "--value", "57,5", "--json", lang="en")
    assert code == 0 and json.loads(out)["result"] == "57.5"
    code, out, _ = cds("validate", "mini-plan", "2023Q1", "--json")
    report = json.loads(out)
    assert code == 1 and report["errors"] > 0
    assert {p["code"] for p in report["problems"]} >= {"indicator.missing_needs_comment"}
    code, out, _ = cds("status", "mini-plan", "2023Q1", "--json")
    status = json.loads(out)
    assert code == 0 and (status["indicators_answered"], status["indicators_total"]) == (2, 7)
    code, out, _ = cds("history", "mini-plan", "2023Q1", "--json")
    assert code == 0 and [(h["actor"], h["field"], h["new"]) for h in json.loads(out)][0] == ("lan", "numerator", "812")


def test_task_and_evidence(cds, tmp_path):
    code, out, _ = cds("task", "set", "mini-plan", "2023Q1", "T1", "--status", "done", "--completed", "15/03/2023",
                       "--result", "Đạt 82%")
    assert code == 0
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 test")
    code, out, _ = cds("evidence", "add", "mini-plan", "2023Q1", "T1", str(evidence), "--json")
    assert code == 0 and json.loads(out)["name"] == "bien-ban.pdf"
    code, out, _ = cds("evidence", "list", "mini-plan", "2023Q1", "--json")
    assert [e["item"] for e in json.loads(out)] == ["T1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "1200", "--denominator", "1000"),
         "không được lớn hơn mẫu số"),
        (("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "-5", "--denominator", "10"), "không được âm"),
        (("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "abc", "--denominator", "10"), "không phải là số"),
        (("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "1e400", "--denominator", "10"),
         "không dùng dạng lũy thừa"),
        (("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "NaN", "--denominator", "10"), "không phải là số"),
        (("entry", "set", "mini-plan", "2023Q1", "2a", "--value", "1" + "0" * 20), "quá nhiều chữ số"),
        (("task", "set", "mini-plan", "2023Q1", "T1", "--progress", "1e400"), "không phải là số nguyên"),
        (("entry", "set", "mini-plan", "2023Q9", "1a", "--value", "5"), "không đúng dạng"),
        (("entry", "set", "nope", "2023Q1", "1a", "--value", "5"), "Không có kế hoạch mã nope"),
        (("entry", "set", "mini-plan", "2023Q1", "1a"), "Không có giá trị nào để lưu"),
        (("task", "set", "mini-plan", "2023Q1", "T1", "--status", "done", "--completed", "2023-13-01"), "không hợp lệ"),
        (("task", "set", "mini-plan", "2023Q1", "T1", "--status", "done"), "cần có ngày hoàn thành"),
        (("entry", "set", "mini-plan"), "Lỗi cú pháp lệnh"),
        (("evidence", "add", "mini-plan", "2023Q1", "T1", "/no/such/file.pdf"), "Không tìm thấy tệp minh chứng"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(cds, args, message):
    code, _, err = cds(*args)
    assert code == 2 and message in err
    _, out, _ = cds("history", "mini-plan", "2023Q1", "--json")
    assert json.loads(out) == []


def test_numbers_from_the_command_line_are_stored_canonical(cds):
    code, out, _ = cds("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "0812", "--denominator", "+1000.0",
                       "--json")
    assert code == 0 and json.loads(out)["result"] == "81.2"
    _, out, _ = cds("history", "mini-plan", "2023Q1", "--json")
    assert [h["new"] for h in json.loads(out)] == ["812", "1000"]


def test_english_messages(cds):
    code, _, err = cds("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "-5", "--denominator", "10", lang="en")
    assert code == 2 and "must not be negative" in err


def test_submit_refused_with_errors_then_approve(cds, tmp_path):
    code, _, err = cds("submit", "mini-plan", "2023Q1")
    assert code == 1 and "lỗi cần sửa" in err
    for code_, num in (("1a", "80"), ("1b", "56"), ("1c", "50"), ("2d", "10")):
        assert cds("entry", "set", "mini-plan", "2023Q1", code_, "--numerator", num, "--denominator", "100")[0] == 0
    assert cds("entry", "set", "mini-plan", "2023Q1", "2a", "--value", "2")[0] == 0
    assert cds("entry", "set", "mini-plan", "2023Q1", "2b", "--value", "có")[0] == 0
    assert cds("entry", "set", "mini-plan", "2023Q1", "2c", "--note", "Chưa có mô hình")[0] == 0
    assert cds("validate", "mini-plan", "2023Q1")[0] == 0
    assert cds("submit", "mini-plan", "2023Q1")[0] == 0
    secret = tmp_path / "pass.txt"
    secret.write_text("mật khẩu chủ tịch xã\n", encoding="utf-8")
    code, _, err = cds("approve", "mini-plan", "2023Q1", "--passphrase-file", str(secret))
    assert code == 1 and "chưa có khóa ký" in err
    assert cds("keys", "generate", "--passphrase-file", str(secret))[0] == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("không đúng mật khẩu\n", encoding="utf-8")
    assert cds("approve", "mini-plan", "2023Q1", "--passphrase-file", str(wrong))[0] == 1
    code, out, _ = cds("approve", "mini-plan", "2023Q1", "--passphrase-file", str(secret), "--json")
    assert code == 0 and json.loads(out)["state"] == "approved"


def test_report_command_writes_the_pdf(cds, tmp_path):
    cds("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "812", "--denominator", "1000")
    out = tmp_path / "bao-cao.pdf"
    code, stdout, _ = cds("report", "mini-plan", "2023Q1", "--out", str(out), "--number", "05", "--date", "05/02/2026")
    assert code == 0 and out.read_bytes().startswith(b"%PDF") and str(out) in stdout
    code, _, err = cds("report", "mini-plan", "2024Q2", "--out", str(tmp_path / "empty.pdf"))
    assert code == 1 and "chưa có số liệu" in err and not (tmp_path / "empty.pdf").exists()


def test_init_commune_with_its_receiving_office(cds):
    code, out, _ = cds("init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ",
                       "--office-code", "68", "--office-name", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                       "--office-level", "province", "--json")
    unit = json.loads(out)
    assert code == 0 and (unit["office_code"], unit["office_level"]) == ("68", "province")
    code, _, err = cds("init", "commune", "--province", "6a", "--commune", "24751", "--name", "X")
    assert code == 2 and "2 chữ số" in err


def test_help_follows_the_requested_language(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert "data folder" in capsys.readouterr().out


def _fill_q1(cds) -> None:
    for code_, num in (("1a", "80"), ("1b", "56"), ("1c", "50"), ("2d", "10")):
        assert cds("entry", "set", "mini-plan", "2023Q1", code_, "--numerator", num, "--denominator", "100")[0] == 0
    assert cds("entry", "set", "mini-plan", "2023Q1", "2a", "--value", "2")[0] == 0
    assert cds("entry", "set", "mini-plan", "2023Q1", "2b", "--value", "có")[0] == 0
    assert cds("entry", "set", "mini-plan", "2023Q1", "2c", "--note", "Chưa có mô hình")[0] == 0


def test_send_back_records_its_reason_and_every_state_reads_in_words(cds):
    _fill_q1(cds)
    code, out, _ = cds("submit", "mini-plan", "2023Q1")
    assert code == 0 and out.strip() == "Báo cáo Quý 1 năm 2023 hiện ở trạng thái «Đã gửi duyệt»."
    code, out, _ = cds("send-back", "mini-plan", "2023Q1", "--reason", "Chỉ tiêu 2a chưa khớp biên bản", "--json")
    assert code == 0 and json.loads(out) == {"period": "2023Q1", "state": "draft", "revision": 1}
    code, out, _ = cds("history", "mini-plan", "2023Q1", "--item", "*")
    assert code == 0
    assert "(cả kỳ) Trạng thái của kỳ: Đã gửi duyệt → Nháp" in out
    assert "(cả kỳ) Lý do trả lại để sửa: ∅ → Chỉ tiêu 2a chưa khớp biên bản" in out
    assert "submitted" not in out and "send_back_reason" not in out
    code, out, _ = cds("history", "mini-plan", "2023Q1", "--item", "*", "--json")
    assert [(h["field"], h["new"]) for h in json.loads(out)][-2:] == [
        ("state", "draft"), ("send_back_reason", "Chỉ tiêu 2a chưa khớp biên bản")]
    code, out, _ = cds("status", "mini-plan", "2023Q1", lang="en")
    assert code == 0 and out.splitlines()[0] == "Q1 2023: Draft, revision 1, due before 03/03/2023"


def test_send_back_needs_a_reason(cds):
    _fill_q1(cds)
    assert cds("submit", "mini-plan", "2023Q1")[0] == 0
    code, _, err = cds("send-back", "mini-plan", "2023Q1", "--reason", " ")
    assert code == 2 and "Hãy ghi lý do trả lại" in err
    code, _, err = cds("send-back", "mini-plan", "2023Q1", "--reason", "Lý do", "--json", lang="en")
    assert code == 0
    code, out, err = cds("send-back", "mini-plan", "2023Q1", "--reason", "Lần nữa", "--json")
    error = json.loads(out)["error"]
    assert code == 1 and error["code"] == "period.cannot_draft"
    assert error["params"] == {"period": "2023Q1", "state": "draft"}  # --json keeps the codes
    assert "Quý 1 năm 2023" in error["message_vi"] and "«Nháp»" in error["message_vi"]
