"""``cds office reminder``: the reminder letter from the command line, on an office that really received bundles
(``support.small_office``); the letter's details from the options or the office's settings; clear refusals."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from pypdf import PdfReader

from cds_desktop.cli import main
from support.small_office import MINI_PLAN, open_small_office


@pytest.fixture
def office_folder(tmp_path, mini_plan, clock, office_storage):
    office = open_small_office(tmp_path / "office", mini_plan, clock, office_storage)
    with office.repo.transaction() as session:
        office.repo.save_setting(session, "report_signer_name", "Nguyễn Văn An")
    office.close()
    (tmp_path / "office" / "plans").mkdir(exist_ok=True)
    shutil.copy(MINI_PLAN, tmp_path / "office" / "plans" / "mini-plan.yaml")  # the plan, installed for the CLI
    return tmp_path / "office"


def _run(folder, capsys, *args, lang="vi"):
    code = main(["--data-dir", str(folder), "--lang", lang, "--user", "van_thu", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_the_reminder_letter_from_the_command_line(office_folder, tmp_path, capsys):
    out = tmp_path / "don-doc.pdf"
    code, stdout, err = _run(office_folder, capsys, "office", "reminder", "mini-plan", "2023Q2", "--out", str(out),
                             "--number", "125/SKHCN-CĐS", "--date", "2023-05-22", "--reply-by", "31/05/2023",
                             "--capacity", "KT. GIÁM ĐỐC", "--capacity", "PHÓ GIÁM ĐỐC",
                             "--recipient", "UBND tỉnh Lâm Đồng", "--json")
    assert code == 0, err
    assert json.loads(stdout) == {"file": str(out), "warnings": []}
    text = _text(out)
    assert "Số: 125/SKHCN-CĐS" in text and "Lâm Đồng, ngày 22 tháng 5 năm 2023" in text
    assert "1 24751 Xã Nhân Cơ 2 24753 Xã Đắk Wer 3 24754 Xã Quảng Tín" in text
    assert "trước ngày 31/05/2023." in text
    assert "Nơi nhận: - Như trên; - UBND tỉnh Lâm Đồng; - Lưu: VT." in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn An" in text  # the signer from the settings

    code, stdout, _ = _run(office_folder, capsys, "office", "reminder", "mini-plan", "2023Q1", "--out",
                           str(tmp_path / "en.pdf"), "--signer", "Trần Thị Mai", lang="en")
    assert code == 0 and stdout.strip() == f"Reminder letter written: {tmp_path / 'en.pdf'}"
    assert "Trần Thị Mai" in _text(tmp_path / "en.pdf") and "Xã Quảng Tín" in _text(tmp_path / "en.pdf")


def test_refusals_are_clear_and_write_nothing(office_folder, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    code, _, err = _run(office_folder, capsys, "office", "reminder", "mini-plan", "2023Q9", "--out", str(out))
    assert code == 2 and "2023Q9" in err and "Traceback" not in err
    code, _, err = _run(office_folder, capsys, "office", "reminder", "mini-plan", "2023Q2", "--out", str(out),
                        "--reply-by", "sớm")
    assert code == 2 and "sớm" in err
    code, _, err = _run(office_folder, capsys, "office", "reminder", "no-such-plan", "2023Q2", "--out", str(out))
    assert code == 2 and "Traceback" not in err
    assert not out.exists()
