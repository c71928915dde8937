"""The real ``cds`` in a subprocess, fed hostile files for the readers of plans, settings and data folders:
exit code 1 or 2, a message in Vietnamese (English with ``--lang en``), and never a traceback.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from support.folders import copy_of
from support.hostile import FIXED_CASES, hostile_bytes

FIXTURES = Path(__file__).parent / "fixtures"
VALID_PLAN = (FIXTURES / "plans" / "mini.yaml").read_bytes()
RUN_CDS = "import sys; from cds_desktop.cli import main; sys.exit(main())"


def cds(*args: str, config: Path | None = None, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDS_DESKTOP_CONFIG_DIR": str(config or Path(os.environ.get("CDS_DESKTOP_CACHE_DIR", ".")))}
    env.pop("CDS_LANG", None)
    language = ["--lang", lang] if lang else []
    done = subprocess.run([sys.executable, "-c", RUN_CDS, *language, *args], capture_output=True, text=True,
                          env=env, timeout=120)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


HOSTILE_PLANS = {  # the named kinds; every other kind is fed to the same reader in-process (core/test_hostile_files)
    "alias bomb": FIXED_CASES["yaml_bomb"],
    "100 000 levels": b"[" * 100_000 + b"]" * 100_000,
    "huge": VALID_PLAN + b"#" * (2 << 20),
    "UTF-16": VALID_PLAN.decode().encode("utf-16"),
    "duplicate key": VALID_PLAN + b"format: 1\n",
}
CASES = [(name, "vi") for name in HOSTILE_PLANS] + [("alias bomb", "en"), ("UTF-16", "en")]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A data folder whose database is already made (each run then costs only the start of ``cds``)."""
    from cds_desktop.core.services.commune.service import open_commune_service

    root = tmp_path_factory.mktemp("prepared") / "data"
    open_commune_service(root).close()
    return root


@pytest.mark.parametrize(("name", "lang"), CASES, ids=[f"{name}-{lang}" for name, lang in CASES])
def test_importing_a_hostile_plan_file_is_refused(tmp_path, prepared, name, lang):
    data = shutil.copytree(prepared, tmp_path / "data")
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_bytes(HOSTILE_PLANS[name])
    done = cds("--data-dir", str(data), "plans", "import", str(plan), config=tmp_path, lang=lang)
    assert done.returncode == 2
    if lang == "vi":
        assert done.stderr.startswith("Lỗi: ") and "tệp kế hoạch ke-hoach.yaml" in done.stderr.lower()
    else:
        assert done.stderr.startswith("Error: ") and "plan file ke-hoach.yaml" in done.stderr.lower()
    assert not list((data / "plans").iterdir())


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_bytes(VALID_PLAN))
def test_importing_generated_hostile_plan_files(tmp_path_factory, prepared, data):
    folder = tmp_path_factory.mktemp("import")
    plan = folder / "ke-hoach.yaml"
    plan.write_bytes(data)
    done = cds("--data-dir", str(shutil.copytree(prepared, folder / "data")), "plans", "import", str(plan),
               config=folder)
    assert done.returncode in (0, 2)
    assert done.returncode == 0 or "tệp kế hoạch ke-hoach.yaml" in done.stderr.lower()


def test_a_damaged_plan_file_in_the_data_folder_is_listed_and_the_other_plans_load(tmp_path):
    data = tmp_path / "data"
    (data / "plans").mkdir(parents=True)
    (data / "plans" / "hong.yaml").write_bytes(FIXED_CASES["yaml_bomb"])
    shutil.copy(FIXTURES / "plans" / "mini.yaml", data / "plans" / "mini.yaml")
    vi = cds("--data-dir", str(data), "plans", "list", config=tmp_path)
    assert vi.returncode == 1 and "mini-plan" in vi.stdout and "dak-rlap-2023" in vi.stdout
    assert "Các tệp kế hoạch bị bỏ qua" in vi.stderr and "hong.yaml" in vi.stderr and "tham chiếu YAML" in vi.stderr
    en = cds("--data-dir", str(data), "plans", "list", "--json", config=tmp_path, lang="en")
    assert en.returncode == 1 and '"mini-plan"' in en.stdout and "YAML alias" in en.stderr
    shown = cds("--data-dir", str(data), "plans", "show", "mini-plan", config=tmp_path)
    assert shown.returncode == 0


@pytest.mark.parametrize("content", [b'{"data_dir": ' * 2000, b'{"data_dir": "relative"}'], ids=["deep", "relative"])
def test_a_damaged_remembered_data_folder_file_is_named(tmp_path, content):
    (tmp_path / "data-folder.json").write_bytes(content)
    vi = cds("plans", "list", config=tmp_path)
    en = cds("plans", "list", config=tmp_path, lang="en")
    assert vi.returncode == en.returncode == 1
    assert "Tệp ghi nhớ thư mục dữ liệu" in vi.stderr and "data-folder.json" in vi.stderr and "--data-dir" in vi.stderr
    assert "remembers the data folder" in en.stderr


def test_a_damaged_database_file_is_refused_untouched(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cds.sqlite").write_bytes(FIXED_CASES["random"])
    vi = cds("--data-dir", str(tmp_path / "data"), "plans", "list", config=tmp_path)
    en = cds("--data-dir", str(tmp_path / "data"), "status", "p", "q", config=tmp_path, lang="en")
    assert vi.returncode == en.returncode == 1 and "bị hỏng" in vi.stderr and "damaged" in en.stderr
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["cds.sqlite"]


def test_a_folder_with_other_files_is_not_written_to(tmp_path):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thư.txt").write_text("riêng", encoding="utf-8")
    done = cds("--data-dir", str(documents), "init", "commune", "--province", "68", "--commune", "24751",
               "--name", "Xã Nhân Cơ", config=tmp_path)
    assert done.returncode == 1 and "không phải thư mục dữ liệu của CDS Desktop" in done.stderr
    assert [p.name for p in documents.iterdir()] == ["thư.txt"]


def test_init_refuses_a_folder_of_the_other_kind_or_with_data(tmp_path):
    office, commune = copy_of("office", tmp_path / "office"), copy_of("commune", tmp_path / "commune")
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("mật khẩu sở 2025\n", encoding="utf-8")
    as_commune = cds("--data-dir", str(office), "init", "commune", "--province", "68", "--commune", "24751",
                     "--name", "Xã Nhân Cơ", config=tmp_path)
    assert as_commune.returncode == 1 and "cơ quan tiếp nhận" in as_commune.stderr
    as_office = cds("--data-dir", str(commune), "init", "office", "--code", "68", "--name", "Sở KH&CN",
                    "--level", "province", "--passphrase-file", str(passphrase), config=tmp_path, lang="en")
    assert as_office.returncode == 1 and "holds a commune's data" in as_office.stderr
    again = cds("--data-dir", str(commune), "init", "commune", "--province", "68", "--commune", "24751",
                "--name", "Xã Khác", config=tmp_path)
    assert again.returncode == 1 and "đã có số liệu" in again.stderr
    listed = cds("--data-dir", str(office), "office", "submissions", "dak-rlap-2023", "2023Q3", config=tmp_path)
    assert listed.returncode == 0 and "24784 r1" in listed.stdout  # the office's submission is still there


def test_damaged_setting_rows_fall_back_to_the_defaults(tmp_path):
    data = tmp_path / "data"
    assert cds("--data-dir", str(data), "init", "commune", "--province", "68", "--commune", "24751",
               "--name", "Xã Nhân Cơ", config=tmp_path).returncode == 0
    with sqlite3.connect(data / "cds.sqlite") as connection:
        connection.execute("INSERT INTO setting (key, value_json) VALUES ('evidence_warn_mb', ?)", ("[" * 50_000,))
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 " + b"x" * 100)
    done = cds("--data-dir", str(data), "evidence", "add", "dak-rlap-2023", "2023Q4", "III.1", str(evidence),
               config=tmp_path)
    assert done.returncode == 0 and "bien-ban.pdf" in done.stdout  # the limit read back as its default (20 MB)
