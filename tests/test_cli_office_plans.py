"""``cds office plans …`` and ``cds office export-keys --with-plans``: the office writes a plan from the command
line, publishes it signed, corrects it as version 2, marks it replaced, writes the files, accepts or refuses the
built-in plans — through ``main`` on a real data folder, refusals with their exit codes and Vietnamese messages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from cds_desktop.cli import main
from cds_desktop.core.bundle.keyfiles import verify_org_keys
from cds_desktop.core.bundle.plan_files import PlanStatus, verify_plan_file
from cds_desktop.core.plans.document import plan_yaml

NEW = "68-2026"


@pytest.fixture
def office(tmp_path, capsys, office_storage):
    office_storage(tmp_path / "office")

    def run(*args: str, lang: str = "vi"):
        code = main(["--data-dir", str(tmp_path / "office"), "--lang", lang, "--user", "truong_phong", *args])
        out, err = capsys.readouterr()
        return code, out, err

    secret = tmp_path / "office-pass.txt"
    secret.write_text("mật khẩu của Sở KHCN\n", encoding="utf-8")
    code, out, _ = run("init", "office", "--code", "68", "--name", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                       "--level", "province", "--passphrase-file", str(secret), "--json")
    assert code == 0
    run.secret, run.root_fingerprint = str(secret), json.loads(out)["root_fingerprint"]
    return run


def _plans(office) -> dict[str, dict]:
    code, out, _ = office("office", "plans", "list", "--json")
    assert code == 0
    return {row["plan_id"]: row for row in json.loads(out)}


def _root(tmp_path, office):
    """The office root key as a commune pins it: from the org-keys file, checked against the fingerprint the
    office showed at set-up."""
    assert office("office", "export-keys", str(tmp_path / "root" / "org-keys.json"), "--passphrase-file",
                  office.secret)[0] == 0
    data = (tmp_path / "root" / "org-keys.json").read_bytes()
    return verify_org_keys(data, pinned_root=office.root_fingerprint, now=dt.datetime.now(dt.timezone.utc)).root


def test_write_publish_correct_and_replace_a_plan(office, tmp_path):
    code, out, _ = office("office", "plans", "copy", "dak-rlap-2023", NEW)
    assert code == 0 and out.strip() == f"Đã lưu bản nháp kế hoạch {NEW}, phiên bản 1."
    assert _plans(office)[NEW]["status"] == "draft"

    draft = tmp_path / "draft.yaml"
    assert office("office", "plans", "export-draft", NEW, str(draft))[0] == 0
    text = draft.read_text(encoding="utf-8")
    assert f"id: {NEW}" in text and "Sở Khoa học và Công nghệ tỉnh Lâm Đồng" in text
    document = yaml.safe_load(text)
    document["plan"]["note"] = {"vi": "Bản thử", "en": "A trial"}
    draft.write_text(plan_yaml(document), encoding="utf-8")
    assert office("office", "plans", "import-draft", str(draft))[0] == 0

    code, out, _ = office("office", "plans", "publish", NEW, "--passphrase-file", office.secret)
    assert code == 0 and "phiên bản 1" in out
    assert office("office", "plans", "new-version", NEW)[0] == 0
    code, _, err = office("office", "plans", "publish", NEW, "--passphrase-file", office.secret)
    assert code == 2 and "cần một ghi chú ngắn" in err
    code, out, _ = office("office", "plans", "publish", NEW, "--note", "Sửa lịch báo cáo", "--passphrase-file",
                          office.secret, "--json")
    assert code == 0 and json.loads(out)["plan_version"] == 2 and json.loads(out)["file_name"] == f"{NEW}-v2.cdsplan"

    code, out, _ = office("office", "plans", "export", NEW, str(tmp_path / "usb"), "--version", "1", "--json")
    root = _root(tmp_path, office)
    first = verify_plan_file((tmp_path / "usb" / f"{NEW}-v1.cdsplan").read_bytes(), root=root, office="68")
    assert code == 0 and json.loads(out)["file"].endswith(f"{NEW}-v1.cdsplan")
    assert first.plan.plan.note.vi == "Bản thử"  # the draft as edited in the YAML file

    code, out, _ = office("office", "plans", "replace", NEW, "--by", "dak-rlap-2023", "--passphrase-file",
                          office.secret)
    assert code == 0 and out.strip() == (f"Đã đánh dấu kế hoạch {NEW} (phiên bản 2) là bị thay thế bởi kế hoạch "
                                         "dak-rlap-2023.")
    assert office("office", "plans", "export", NEW, str(tmp_path / "usb"))[0] == 0
    replaced = verify_plan_file((tmp_path / "usb" / f"{NEW}-v2.cdsplan").read_bytes(), root=root, office="68")
    assert replaced.body.status is PlanStatus.REPLACED and replaced.body.plan_version == 2
    listed = _plans(office)[NEW]
    assert (listed["status"], listed["published_version"], listed["replaced_by"]) == ("replaced", 2, "dak-rlap-2023")
    code, out, _ = office("office", "plans", "list", lang="en")
    assert code == 0 and f"{NEW}  " in out and "replaced; published: version 2" in out


def test_refusals_say_why_in_vietnamese(office, tmp_path):
    code, _, err = office("office", "plans", "copy", "dak-rlap-2023", "Kế hoạch 2026")
    assert code == 2 and "không hợp lệ" in err and "office_plans" not in err
    code, _, err = office("office", "plans", "new-version", "dak-rlap-2023")
    assert code == 2 and "cần một mã kế hoạch mới" in err
    code, _, err = office("office", "plans", "publish", NEW, "--passphrase-file", office.secret)
    assert code == 1 and "không có bản nháp" in err
    code, _, err = office("office", "plans", "export", "dak-rlap-2023", str(tmp_path / "usb"))
    assert code == 2 and "chưa được ban hành" in err and not (tmp_path / "usb").exists()


def test_built_in_plans_refused_and_accepted_again(office):
    assert _plans(office)["dak-rlap-2023"]["accepted"] is True
    code, out, _ = office("office", "plans", "refuse", "dak-rlap-2023")
    assert code == 0 and out.strip() == "Cơ quan không nhận báo cáo theo kế hoạch dak-rlap-2023 nữa."
    assert _plans(office)["dak-rlap-2023"]["accepted"] is False
    assert office("office", "plans", "accept", "dak-rlap-2023")[0] == 0
    assert _plans(office)["dak-rlap-2023"]["accepted"] is True


def test_the_key_file_export_with_plans(office, tmp_path):
    assert office("office", "plans", "copy", "dak-rlap-2023", NEW)[0] == 0
    assert office("office", "plans", "publish", NEW, "--passphrase-file", office.secret)[0] == 0
    code, out, _ = office("office", "export-keys", str(tmp_path / "keys" / "org-keys.json"), "--with-plans",
                          "--passphrase-file", office.secret, "--json")
    assert code == 0 and json.loads(out)["plan_files"] == [f"{NEW}-v1.cdsplan"]
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [f"{NEW}-v1.cdsplan", "org-keys.json"]
