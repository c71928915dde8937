"""``cds data-folder use|move`` through the real ``cds`` in a subprocess: a target folder of the wrong kind — the
other kind of installation's data, another program's database, a damaged database, unrelated files — is refused
with its message in Vietnamese (English with ``--lang en``), exit code 2, and nothing is moved, written or
remembered; a folder of the right kind is still taken."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cds_desktop.core.services.demo import PASSWORD, USERNAME
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from support.folders import copy_of

RUN_CDS = "import sys; from cds_desktop.cli import main; sys.exit(main())"
REMEMBERED = "data-folder.json"


def cds(config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDS_DESKTOP_CONFIG_DIR": str(config), "CDS_PASSWORD": PASSWORD}
    env.pop("CDS_LANG", None)
    done = subprocess.run([sys.executable, "-c", RUN_CDS, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def digest(folder: Path) -> dict[str, str]:
    """Every file's name and content (SQLite's ``-wal``/``-shm`` side files, made by any reader, aside)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def data_files(folder: Path) -> dict[str, str]:
    """The digest of a data folder's evidence, keys and plans (opening it with ``cds`` writes its database: the
    last sign-in; and its own bookkeeping)."""
    return {name: sha for name, sha in digest(folder).items() if name.startswith(("evidence/", "keys/", "plans/"))}


def foreign_database(folder: Path) -> Path:
    """Another program's ``cds.sqlite`` beside its own files."""
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("sổ tay", encoding="utf-8")
    with sqlite3.connect(folder / "cds.sqlite") as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Lan')")
    connection.close()
    return folder


def damaged_database(folder: Path) -> Path:
    """A CDS folder whose database is no longer SQLite."""
    folder.mkdir()
    (folder / "evidence").mkdir()
    (folder / "cds.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    return folder


def unrelated_files(folder: Path) -> Path:
    folder.mkdir()
    (folder / "thư mời họp.docx").write_bytes(b"PK\x03\x04 not a CDS file")
    return folder


TARGETS = {  # what the target folder is → (how it is made, the code of the refusal)
    "office": (lambda tmp: copy_of("office", tmp / "office"), "data_folder.holds_office"),
    "foreign database": (lambda tmp: foreign_database(tmp / "foreign"), "folder.not_cds"),
    "damaged": (lambda tmp: damaged_database(tmp / "damaged"), "folder.damaged"),
}
CASES = [(command, target) for command in ("use", "move") for target in TARGETS]


@pytest.fixture
def commune(tmp_path):
    """A commune's data folder (with an account: ``cds`` signs in) and the config folder ``cds`` remembers in."""
    folder = copy_of("commune", tmp_path / "commune")
    config = tmp_path / "config"
    return folder, config


def run_on(folder: Path, config: Path, *args: str, lang: str = "vi") -> subprocess.CompletedProcess:
    return cds(config, "--lang", lang, "--data-dir", str(folder), "--user", USERNAME, *args)


@pytest.mark.parametrize(("command", "target"), CASES, ids=[f"{c}-{t}" for c, t in CASES])
def test_a_commune_refuses_a_folder_of_the_wrong_kind_and_changes_nothing(tmp_path, commune, command, target):
    source, config = commune
    make, code = TARGETS[target]
    folder = make(tmp_path)
    before, source_before = digest(folder), data_files(source)
    done = run_on(source, config, "data-folder", command, str(folder), "--json")
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["code"] == code and str(folder.resolve()) in error["message_vi"]
    assert "{" not in error["message_vi"] + error["message_en"]
    assert done.stderr.strip().endswith(error["message_vi"])
    assert digest(folder) == before  # nothing moved there, nothing written there
    assert data_files(source) == source_before and (source / "cds.sqlite").is_file()
    assert not (config / REMEMBERED).exists()  # nothing remembered


@pytest.mark.parametrize("command", ["use", "move"])
def test_unrelated_files_are_refused_too(tmp_path, commune, command):
    source, config = commune
    folder = unrelated_files(tmp_path / "documents")
    assert folder_kind(folder) is FolderKind.NOT_CDS
    done = run_on(source, config, "data-folder", command, str(folder), "--json")
    codes = {"use": "backup.no_data_here", "move": "backup.folder_not_empty"}  # said as before: no database there
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == codes[command]
    assert sorted(p.name for p in folder.iterdir()) == ["thư mời họp.docx"] and not (config / REMEMBERED).exists()


def test_the_refusal_speaks_english_with_lang_en(tmp_path, commune):
    source, config = commune
    office = copy_of("office", tmp_path / "office")
    done = run_on(source, config, "data-folder", "use", str(office), lang="en")
    assert done.returncode == 2
    assert "holds a receiving office's data, not a commune's" in done.stderr and "Thư mục" not in done.stderr


def test_an_office_refuses_a_communes_folder(tmp_path):
    office, config = copy_of("office", tmp_path / "office"), tmp_path / "config"
    commune = copy_of("commune", tmp_path / "commune")
    before = digest(commune)
    for command in ("use", "move"):
        done = cds(config, "--data-dir", str(office), "data-folder", command, str(commune), "--json")
        assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == "data_folder.holds_commune"
        assert "chứa dữ liệu của một xã, không phải của cơ quan tiếp nhận báo cáo" in done.stderr
    assert digest(commune) == before and not (config / REMEMBERED).exists()


def test_a_folder_of_the_same_kind_is_still_used_and_an_empty_one_still_moved_to(tmp_path, commune):
    source, config = commune
    other = copy_of("commune", tmp_path / "other-commune")
    done = run_on(source, config, "data-folder", "use", str(other), "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == {"data_dir": str(other.resolve())}
    assert json.loads((config / REMEMBERED).read_text(encoding="utf-8"))
    done = run_on(source, config, "data-folder", "move", str(tmp_path / "new"), "--json")
    assert done.returncode == 0 and folder_kind(tmp_path / "new") is FolderKind.COMMUNE
