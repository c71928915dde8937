"""Commune and office through ``cds`` only: keys, enrolment, approve, export, import, diff, receipts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cds_desktop.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
COMMUNES_2025 = Path(__file__).resolve().parents[2] / "shared" / "data" / "communes-2025.md"


@pytest.fixture
def two_sides(tmp_path, capsys, office_storage):
    """A commune and its office (on SQLite and on PostgreSQL: ``office_storage``) set up with the ``cds`` command,
    the commune's key enrolled."""
    office_storage(tmp_path / "office")

    def runner(folder: str):
        def run(*args: str, lang: str = "vi"):
            code = main(["--data-dir", str(tmp_path / folder), "--lang", lang, "--user", folder, *args])
            out, err = capsys.readouterr()
            return code, out, err
        return run

    office, commune = runner("office"), runner("commune")
    secret = tmp_path / "office-pass.txt"
    secret.write_text("mật khẩu của Sở KHCN\n", encoding="utf-8")
    commune_secret = tmp_path / "commune-pass.txt"
    commune_secret.write_text("mật khẩu chủ tịch xã\n", encoding="utf-8")
    plan = tmp_path / "mini.yaml"
    shutil.copy(FIXTURES / "plans" / "mini.yaml", plan)
    for side in (office, commune):
        assert side("plans", "import", str(plan))[0] == 0
    code, out, _ = office("init", "office", "--code", "68", "--name", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                          "--level", "province", "--passphrase-file", str(secret), "--json")
    assert code == 0
    root = json.loads(out)["root_fingerprint"]
    communes = tmp_path / "communes.csv"
    communes.write_text("Mã số,Tên,Mã tỉnh\n24751,Xã Nhân Cơ,68\n", encoding="utf-8-sig")
    assert office("office", "import-communes", str(communes))[0] == 0
    assert office("office", "export-keys", str(tmp_path / "org-keys.json"), "--passphrase-file", str(secret))[0] == 0
    assert commune("init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")[0] == 0
    code, _, err = commune("keys", "import-office", str(tmp_path / "org-keys.json"), "--fingerprint", "AAAA BBBB")
    assert code == 2 and "không khớp" in err
    assert commune("keys", "import-office", str(tmp_path / "org-keys.json"), "--fingerprint", root.lower())[0] == 0
    code, out, _ = commune("keys", "generate", "--passphrase-file", str(commune_secret), "--json")
    fingerprint = json.loads(out)["fingerprint"]
    assert commune("keys", "export-enrollment", str(tmp_path / "enrollment.json"))[0] == 0
    assert office("office", "enroll", str(tmp_path / "enrollment.json"), "--fingerprint", fingerprint)[0] == 0
    assert (tmp_path / "office" / "cds.sqlite").exists() == (office_storage.kind == "sqlite")
    return {"office": office, "commune": commune, "secret": secret, "commune_secret": commune_secret, "tmp": tmp_path}


def _fill(commune, numerator="60"):
    for code in ("1a", "1b", "1c", "2d"):
        assert commune("entry", "set", "mini-plan", "2023Q1", code, "--numerator", numerator, "--denominator", "100")[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2a", "--value", "2")[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2b", "--value", "có")[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2c", "--note", "Chưa có mô hình")[0] == 0


def _approve_and_export(s, out_dir):
    commune = s["commune"]
    assert commune("submit", "mini-plan", "2023Q1")[0] == 0
    assert commune("approve", "mini-plan", "2023Q1", "--passphrase-file", str(s["commune_secret"]))[0] == 0
    code, out, _ = commune("export", "mini-plan", "2023Q1", "--out", str(out_dir),
                           "--passphrase-file", str(s["commune_secret"]), "--json")
    assert code == 0
    return json.loads(out)


def test_full_exchange(two_sides):
    s = two_sides
    commune, office, tmp = s["commune"], s["office"], s["tmp"]
    _fill(commune)
    exported = _approve_and_export(s, tmp / "usb1")
    assert Path(exported["file"]).name == "24751_mini-plan_2023Q1_r1.cdsb" and len(exported["fingerprint"]) == 39

    code, out, _ = office("import", str(tmp / "usb1"), "--passphrase-file", str(s["secret"]), "--json")
    assert code == 0 and [(r["status"], r["kind"]) for r in json.loads(out)] == [("accepted", "new_report")]
    assert set(json.loads(out)[0]) == {  # docs/bundle-format.md §17 (checked against the document there)
        "file", "kind", "status", "commune", "plan", "period", "revision", "problems", "fingerprint", "error",
        "advice"}
    assert json.loads(out)[0]["fingerprint"] == exported["fingerprint"]
    code, out, _ = office("import", str(tmp / "usb1"), "--passphrase-file", str(s["secret"]))
    assert code == 0 and "Đã nhận trước đây" in out and "Không cần làm gì" in out
    assert "1 tệp: 0 báo cáo mới, 0 lần gửi mới của báo cáo đã có, 1 đã nhận trước đây (không cần làm gì), " \
           "0 bị từ chối." in out

    assert commune("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "85")[0] == 0  # revision 2
    _approve_and_export(s, tmp / "usb2")
    junk = tmp / "usb2" / "junk.cdsb"
    junk.write_bytes(b"not a bundle at all")
    code, out, _ = office("import", str(tmp / "usb2"), "--passphrase-file", str(s["secret"]), "--json")
    statuses = {Path(r["file"]).name: (r["kind"], (r["error"] or {}).get("code")) for r in json.loads(out)}
    assert code == 1 and statuses == {"24751_mini-plan_2023Q1_r2.cdsb": ("new_revision", None),
                                      "junk.cdsb": ("refused", "bundle.bad_magic")}
    junk_advice = next(r["advice"] for r in json.loads(out) if r["kind"] == "refused")
    assert junk_advice["vi"].startswith("Tệp này không phải gói báo cáo") and junk_advice["en"]
    code, out, _ = office("diff", "24751", "mini-plan", "2023Q1", "1", "2", "--json")
    assert ("1a", "numerator", "60", "85") in [(c["item"], c["field"], c["old"], c["new"]) for c in json.loads(out)]

    assert office("office", "receipt", "24751", "mini-plan", "2023Q1", "--return", "Thiếu minh chứng",
                  "--out", str(tmp / "receipt.json"), "--passphrase-file", str(s["secret"]))[0] == 0
    code, out, _ = commune("receipt", "import", str(tmp / "receipt.json"), "--json")
    result = json.loads(out)
    assert code == 0 and (result["office_status"], result["reason"], result["revision"]) == (
        "returned", "Thiếu minh chứng", 3)


def test_export_requires_approval_and_the_right_passphrase(two_sides):
    s = two_sides
    commune, tmp = s["commune"], s["tmp"]
    _fill(commune)
    code, _, err = commune("export", "mini-plan", "2023Q1", "--out", str(tmp / "usb"),
                           "--passphrase-file", str(s["commune_secret"]))
    assert code == 1 and "phê duyệt" in err and not (tmp / "usb").exists()


@pytest.mark.skipif(not COMMUNES_2025.exists(), reason="the official commune list (shared/data) is not beside the repo")
def test_import_the_official_commune_list_of_a_province(tmp_path, two_sides):
    """The 2025 list (Markdown) converted to CSV: Lâm Đồng's communes load into an office."""
    rows = []
    for line in COMMUNES_2025.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].isdigit() and len(cells[1]) == 5 and cells[3] == "Tỉnh Lâm Đồng":
            rows.append(f"{cells[1]},\"{cells[2].replace('-<br>', '- ').replace('<br>', ' ')}\",68")
    csv_file = tmp_path / "lam-dong.csv"
    csv_file.write_text("code,name,province\n" + "\n".join(rows) + "\n", encoding="utf-8-sig")
    code, out, _ = two_sides["office"]("office", "import-communes", str(csv_file), "--json")
    assert code == 0 and json.loads(out)["communes"] == len(rows) > 100


def test_missing_files_give_clear_errors(two_sides):
    code, _, err = two_sides["office"]("office", "enroll", "/no/such/enrollment.json", "--fingerprint", "AAAA")
    assert code == 2 and "Không đọc được tệp" in err
    code, _, err = two_sides["commune"]("receipt", "import", "/no/such/receipt.json")
    assert code == 2 and "Không đọc được tệp" in err


def test_commune_key_rotation_end_to_end(two_sides):
    """Defect 2: after a rotation, ``cds office enroll`` refused the new key as enrollment_previous_unknown."""
    s = two_sides
    commune, office, tmp = s["commune"], s["office"], s["tmp"]
    _fill(commune)
    old_bundle = _approve_and_export(s, tmp / "old-key")  # made before the rotation, still on its way
    new_secret = tmp / "new-pass.txt"
    new_secret.write_text("khóa mới của xã 2026\n", encoding="utf-8")
    code, out, err = commune("keys", "generate", "--passphrase-file", str(new_secret),
                             "--old-passphrase-file", str(s["commune_secret"]), "--json")
    assert code == 0, err
    new_fingerprint = json.loads(out)["fingerprint"]
    assert commune("keys", "export-enrollment", str(tmp / "rotation.json"))[0] == 0

    code, out, err = office("office", "enroll", str(tmp / "rotation.json"), "--json")  # no phone call needed
    assert code == 0, err
    assert json.loads(out)["fingerprint"] == new_fingerprint

    code, out, _ = office("import", str(tmp / "old-key"), "--passphrase-file", str(s["secret"]), "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "accepted"  # within the overlap
    assert commune("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "85")[0] == 0  # revision 2
    s["commune_secret"] = new_secret
    _approve_and_export(s, tmp / "new-key")
    code, out, _ = office("import", str(tmp / "new-key"), "--passphrase-file", str(s["secret"]), "--json")
    assert code == 0 and [(r["status"], r["revision"]) for r in json.loads(out)] == [("accepted", 2)]
    assert old_bundle["fingerprint"]


def test_diff_and_lists_print_what_a_commune_typed_escaped(two_sides):
    """Defect 9: ESC sequences and U+202E from a commune's record reached the terminal raw."""
    s = two_sides
    commune, office, tmp = s["commune"], s["office"], s["tmp"]
    _fill(commune)
    hostile = "Mô hình \x1b[2J\x1b[31mđỏ\u202eabc\x07"
    assert commune("entry", "set", "mini-plan", "2023Q1", "2c", "--value", "Chợ 4.0")[0] == 0
    evidence = tmp / "bien-ban-\x1b[31m.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban")
    code, out, _ = commune("evidence", "add", "mini-plan", "2023Q1", "1a", str(evidence))
    assert code == 0 and "\x1b" not in out and "bien-ban- [31m.pdf" in out  # the name is cleaned when added
    code, out, _ = commune("evidence", "list", "mini-plan", "2023Q1")
    assert "\x1b" not in out and "bien-ban- [31m.pdf" in out
    _approve_and_export(s, tmp / "usb1")
    assert office("import", str(tmp / "usb1"), "--passphrase-file", str(s["secret"]))[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2c", "--value", hostile)[0] == 0
    code, out, _ = commune("history", "mini-plan", "2023Q1")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "\\u202e" in out
    _approve_and_export(s, tmp / "usb2")
    assert office("import", str(tmp / "usb2"), "--passphrase-file", str(s["secret"]))[0] == 0

    code, out, _ = office("diff", "24751", "mini-plan", "2023Q1", "1", "2")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "Mô hình \\u001b[2J\\u001b[31mđỏ\\u202eabc\\u0007" in out
    code, out, _ = office("diff", "24751", "mini-plan", "2023Q1", "1", "2", "--json")
    assert hostile in [c["new"] for c in json.loads(out)]  # JSON keeps the value, escaped by JSON itself


def test_import_prints_a_summary_and_never_a_traceback(two_sides, monkeypatch):
    s = two_sides
    commune, office, tmp = s["commune"], s["office"], s["tmp"]
    _fill(commune)
    _approve_and_export(s, tmp / "usb")
    (tmp / "usb" / "junk.cdsb").write_bytes(b"not a bundle")
    from cds_desktop.core.services.office import intake

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in validation")

    monkeypatch.setattr(intake, "validate_period", broken)
    code, out, err = office("import", str(tmp / "usb"), "--passphrase-file", str(s["secret"]), lang="en")
    assert code == 1 and "Traceback" not in out + err and "RuntimeError" not in out + err
    assert "Files: 2 — new reports: 0, new revisions of reports already received: 0, already imported (nothing " \
           "to do): 0, refused: 2." in out
    assert "software fault" in out
    log = (tmp / "office" / "logs" / "cds-cli.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: a bug in validation" in log


def test_hostile_key_and_list_files_get_exit_code_1_or_2_and_no_traceback(two_sides):
    from support.hostile import FIXED_CASES

    s = two_sides
    office, commune, tmp = s["office"], s["commune"], s["tmp"]
    commands = [(office, ("office", "import-communes")), (office, ("office", "enroll")),
                (commune, ("keys", "import-office")), (commune, ("receipt", "import"))]
    for case, content in FIXED_CASES.items():
        path = tmp / f"hostile-{case}.json"
        path.write_bytes(content)
        for side, command in commands:
            extra = ("--fingerprint", "AAAA BBBB") if command[-1] in ("enroll", "import-office") else ()
            code, out, err = side(*command, str(path), *extra)
            assert code in (1, 2), (case, command, code, out, err)
            assert "Traceback" not in out + err and err.strip(), (case, command, err)


def test_the_import_log_lists_every_attempt_with_its_reason_and_advice(two_sides):
    import datetime as dt

    s = two_sides
    commune, office, tmp = s["commune"], s["office"], s["tmp"]
    _fill(commune)
    _approve_and_export(s, tmp / "usb")
    (tmp / "usb" / "junk.cdsb").write_bytes(b"not a bundle")
    assert office("import", str(tmp / "usb"), "--passphrase-file", str(s["secret"]))[0] == 1
    assert office("import", str(tmp / "usb"), "--passphrase-file", str(s["secret"]))[0] == 1

    code, out, _ = office("office", "imports", "--json")
    log = json.loads(out)
    assert code == 0 and [(r["file"], r["outcome"], r["actor"]) for r in log] == [
        ("junk.cdsb", "refused", "office"), ("24751_mini-plan_2023Q1_r1.cdsb", "duplicate", "office"),
        ("junk.cdsb", "refused", "office"), ("24751_mini-plan_2023Q1_r1.cdsb", "new_report", "office")]
    assert log[0]["error"]["code"] == "bundle.bad_magic" and log[0]["advice"]["en"].startswith("This file is not")
    assert log[3]["commune_name"] == "Xã Nhân Cơ" and log[3]["submission_id"] == 1 and log[3]["error"] is None
    assert len({r["batch"] for r in log}) == 2 and len(log[3]["fingerprint"]) == 39

    code, out, _ = office("office", "imports", "--outcome", "refused")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 2 and all("junk.cdsb · Bị từ chối" in line for line in lines)
    assert "Lý do: Tệp này không phải là gói báo cáo CDS (.cdsb). Cách xử lý: Tệp này không phải gói báo cáo" \
           in lines[0]
    code, out, _ = office("office", "imports", "--commune", "24751", lang="en")
    assert code == 0 and "Xã Nhân Cơ (24751), Q1 2023, revision 1" in out and "New report" in out
    assert "Already imported" in out and "junk" not in out

    today = dt.date.today()
    code, out, _ = office("office", "imports", "--since", today.strftime("%d/%m/%Y"), "--json")
    assert len(json.loads(out)) == 4
    code, out, _ = office("office", "imports", "--until", (today - dt.timedelta(days=1)).isoformat())
    assert code == 0 and out.strip() == "Không có lần nhập gói nào phù hợp."
    code, _, err = office("office", "imports", "--since", "31/02/2025")
    assert code == 2 and "31/02/2025" in err
