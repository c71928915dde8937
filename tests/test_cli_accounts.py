"""``cds users …`` and signing in on the command line: passwords from the environment, roles enforced."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cds_desktop.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ADMIN_PW, OFFICER_PW = "quản trị 2025!", "cán bộ Lan 123"


@pytest.fixture
def cds(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.delenv("CDS_PASSWORD", raising=False)
    monkeypatch.delenv("CDS_NEW_PASSWORD", raising=False)

    def run(*args: str, user: str = "quan_tri", password: str | None = None, new_password: str | None = None,
            lang: str = "vi"):
        for name, value in (("CDS_PASSWORD", password), ("CDS_NEW_PASSWORD", new_password)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        code = main(["--data-dir", str(data), "--lang", lang, "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    plan_file = tmp_path / "mini.yaml"
    shutil.copy(FIXTURES / "plans" / "mini.yaml", plan_file)
    assert run("plans", "import", str(plan_file))[0] == 0
    assert run("init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")[0] == 0
    return run


@pytest.fixture
def with_accounts(cds):
    assert cds("users", "add", "quan_tri", "--display-name", "Trần Văn Quản", "--role", "admin",
               new_password=ADMIN_PW)[0] == 0
    code, out, err = cds("users", "add", "lan", "--display-name", "Lê Thị Lan", "--role", "officer",
                         password=ADMIN_PW, new_password=OFFICER_PW)
    assert (code, err) == (0, "") and "Đã thêm tài khoản lan (Cán bộ nhập liệu)." in out
    return cds


def test_without_accounts_nothing_asks_for_a_password(cds):
    code, out, _ = cds("users", "list")
    assert code == 0 and "Chưa có tài khoản nào" in out
    assert cds("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "5", "--denominator", "10",
               user="minh")[0] == 0
    code, out, _ = cds("history", "mini-plan", "2023Q1", "--json")
    assert [h["actor"] for h in json.loads(out)] == ["minh", "minh"]
    code, _, err = cds("users", "add", "lan", "--role", "officer", new_password=OFFICER_PW)
    assert code == 2 and "Tài khoản đầu tiên phải có vai trò quản trị viên" in err


def test_sign_in_needs_the_right_password(with_accounts):
    cds = with_accounts
    code, _, err = cds("status", "mini-plan", "2023Q1", user="lan")
    assert code == 2 and "CDS_PASSWORD" in err
    code, _, err = cds("status", "mini-plan", "2023Q1", user="lan", password="sai mật khẩu")
    assert code == 1 and "Tên đăng nhập hoặc mật khẩu không đúng." in err
    code, _, err = cds("status", "mini-plan", "2023Q1", user="khong_co", password=OFFICER_PW, lang="en")
    assert code == 1 and "Wrong username or password." in err
    assert cds("status", "mini-plan", "2023Q1", user="LAN", password=OFFICER_PW)[0] == 0


def test_officer_enters_data_but_cannot_approve_or_manage(with_accounts, tmp_path):
    cds = with_accounts
    code, _, _ = cds("entry", "set", "mini-plan", "2023Q1", "1a", "--numerator", "6", "--denominator", "10",
                     user="lan", password=OFFICER_PW)
    assert code == 0
    code, out, _ = cds("history", "mini-plan", "2023Q1", "--json", user="lan", password=OFFICER_PW)
    assert {h["actor"] for h in json.loads(out)} == {"lan"}
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("khóa ký xã 2025\n", encoding="utf-8")
    code, out, err = cds("approve", "mini-plan", "2023Q1", "--passphrase-file", str(passphrase), "--json",
                         user="lan", password=OFFICER_PW)
    assert code == 1 and json.loads(out)["error"]["code"] == "auth.not_allowed"
    assert "không có quyền phê duyệt, ký và gửi báo cáo" in err
    code, _, err = cds("users", "add", "minh", "--role", "admin", user="lan", password=OFFICER_PW,
                       new_password="mật khẩu dài")
    assert code == 1 and "không có quyền quản trị" in err


def test_admin_manages_accounts(with_accounts):
    cds = with_accounts
    assert cds("users", "roles", "lan", "--role", "officer", "--role", "leader", password=ADMIN_PW)[0] == 0
    code, out, _ = cds("users", "list", "--json", password=ADMIN_PW)
    users = {u["username"]: u for u in json.loads(out)}
    assert code == 0 and users["lan"]["roles"] == ["leader", "officer"] and users["lan"]["last_sign_in"] is None
    code, _, err = cds("users", "disable", "quan_tri", password=ADMIN_PW)
    assert code == 1 and "quản trị viên cuối cùng" in err
    code, out, _ = cds("users", "disable", "lan", password=ADMIN_PW, lang="en")
    assert code == 0 and "Account lan disabled." in out
    code, _, err = cds("status", "mini-plan", "2023Q1", user="lan", password=OFFICER_PW)
    assert code == 1 and "đã bị khóa" in err
    assert cds("users", "enable", "lan", password=ADMIN_PW)[0] == 0
    code, out, _ = cds("users", "list", password=ADMIN_PW)
    assert "Lê Thị Lan" in out and "Lãnh đạo, Cán bộ nhập liệu" in out


def test_passwords_are_changed_from_the_environment(with_accounts):
    cds = with_accounts
    assert cds("users", "passwd", "lan", user="lan", password=OFFICER_PW, new_password="mật khẩu mới 1")[0] == 0
    assert cds("status", "mini-plan", "2023Q1", user="lan", password="mật khẩu mới 1")[0] == 0
    code, _, err = cds("users", "passwd", "lan", password=ADMIN_PW)  # no new password and no terminal
    assert code == 2 and "CDS_NEW_PASSWORD" in err
    assert cds("users", "passwd", "lan", password=ADMIN_PW, new_password="mật khẩu mới 2")[0] == 0
    assert cds("status", "mini-plan", "2023Q1", user="lan", password="mật khẩu mới 2")[0] == 0
