"""``cds plans import`` / ``cds plans list`` on a commune: the office's signed plan file verified and its changes
printed; a bare YAML plan refused on a commune; every plan listed with its origin and version."""

from __future__ import annotations

import json

from cds_desktop.cli import main
from support.office_plans import OFFICE_PLAN, plan_text, write_plan_file
from tests.core.exchange.conftest import PASS_OFFICE, exchange, office  # noqa: F401 - fixtures


def run(capsys, data, *args: str, lang: str = "vi"):
    code = main(["--data-dir", str(data), "--lang", lang, "--user", "lan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_office_plan_is_imported_its_changes_printed_and_listed_with_origin_and_version(
        service, exchange, office, tmp_path, capsys):
    data = service.data_dir.root
    service.close()
    root = office._root_key(PASS_OFFICE)
    v1 = write_plan_file(root, "68", tmp_path / "v1.cdsplan", 1)
    code, out, _ = run(capsys, data, "plans", "import", str(v1))
    assert code == 0 and "Đã nhập kế hoạch ld-2026 phiên bản 1 của Sở Khoa học và Công nghệ tỉnh Lâm Đồng" in out

    v2 = write_plan_file(root, "68", tmp_path / "v2.cdsplan", 2, change_note="Nâng chỉ tiêu 1a")
    code, out, _ = run(capsys, data, "plans", "import", str(v2), "--json")
    result = json.loads(out)
    assert code == 0 and result["version"] == 2 and result["installed_version"] == 1
    assert {(c["change"], c["code"]) for c in result["changes"]} == {
        ("added", "2e"), ("removed", "2c"), ("target_changed", "1a")}
    code, out, _ = run(capsys, data, "plans", "import", str(v1), lang="en")
    assert code == 2

    code, out, _ = run(capsys, data, "plans", "list")
    (line,) = [line for line in out.splitlines() if line.startswith(OFFICE_PLAN)]
    assert "v2" in line and "của cơ quan tiếp nhận" in line
    listed = {p["id"]: p for p in json.loads(run(capsys, data, "plans", "list", "--json")[1])}
    assert (listed[OFFICE_PLAN]["origin"], listed[OFFICE_PLAN]["version"]) == ("office", 2)


def test_a_bare_yaml_plan_is_refused_on_a_commune(service, tmp_path, capsys):
    data = service.data_dir.root
    service.close()
    bare = tmp_path / "ke-hoach.cdsplan"
    bare.write_text(plan_text(), "utf-8")
    code, _, err = run(capsys, data, "plans", "import", str(bare))
    assert code == 2 and "chưa được ký" in err
    assert not list((data / "plans").rglob("*.*"))
