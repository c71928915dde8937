"""``cds backup …`` and ``cds data-folder …`` through their handlers, on a parser with the global options."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from cds_desktop.cli import backup_commands
from cds_desktop.cli.context import CliContext, Parser
from cds_desktop.core.errors import StorageError
from cds_desktop.core.paths import CONFIG_DIR_ENV, remembered_data_dir
from cds_desktop.core.services.commune.service import open_commune_service

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def cds(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "config"))
    data = tmp_path / "data"
    service = open_commune_service(data)
    service.init_commune("68", "24751", "Xã Nhân Cơ")
    service.close()
    shutil.copy(FIXTURES / "plans" / "mini.yaml", data / "plans" / "mini.yaml")
    parser = Parser(prog="cds")
    parser.add_argument("--data-dir", default=str(data))
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--user", default="lan")
    backup_commands.register(parser.add_subparsers(dest="command", required=True, parser_class=Parser), "vi")

    def run(*args: str):
        context = CliContext(parser.parse_args(list(args)), out=io.StringIO())
        try:
            code = context.args.handler(context)
        finally:
            context.close()
        return code, context.out.getvalue()

    return run


def test_backup_create_check_and_restore(cds, tmp_path):
    code, out = cds("backup", "create", str(tmp_path / "usb"), "--json")
    made = json.loads(out)
    assert code == 0 and (made["kind"], made["code"]) == ("commune", "24751") and made["files"] == 2  # database and the plan
    folder = Path(made["folder"])
    assert folder.name.startswith("CDS-backup-24751-") and (folder / "plans" / "mini.yaml").is_file()
    code, out = cds("backup", "check", str(folder))
    assert code == 0 and "nguyên vẹn" in out and "Xã Nhân Cơ (24751)" in out
    (tmp_path / "data" / "plans" / "mini.yaml").unlink()
    code, out = cds("backup", "restore", str(folder))
    assert code == 0 and "Đã khôi phục" in out and (tmp_path / "data" / "plans" / "mini.yaml").is_file()
    (folder / "plans" / "mini.yaml").write_text("altered", encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        cds("backup", "check", str(folder))
    assert caught.value.code == "backup.file_altered"


def test_data_folder_show_move_and_use(cds, tmp_path):
    code, out = cds("data-folder", "show", "--json")
    assert code == 0 and json.loads(out) == {"data_dir": str((tmp_path / "data").resolve()), "remembered": None}
    code, out = cds("data-folder", "move", str(tmp_path / "new"))
    assert code == 0 and "vẫn còn nguyên" in out and remembered_data_dir() == (tmp_path / "new").resolve()
    assert (tmp_path / "new" / "cds.sqlite").is_file() and (tmp_path / "data" / "cds.sqlite").is_file()
    code, out = cds("data-folder", "use", str(tmp_path / "data"))
    assert code == 0 and remembered_data_dir() == (tmp_path / "data").resolve()
