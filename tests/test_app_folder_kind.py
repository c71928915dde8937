"""``cds-desktop`` given a folder that is not a commune's: an office's data folder opens the office's window and
never gets the commune set-up; a foreign or damaged folder is declined untouched; a damaged remembered-folder
file and damaged plan files are reported and the app goes on."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from cds_desktop.core.paths import CONFIG_DIR_ENV
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from cds_desktop.ui.commune.main_window import MainWindow
from cds_desktop.ui.office.main_window import OfficeWindow
from cds_desktop.ui.setup_wizard.wizard import SetupWizard
from support.folders import copy_of
from test_app_start import _commune, _isolated, in_main_window, run, shown  # noqa: F401 - _isolated: autouse


def answer_message_box(seen: list) -> callable:
    def message_box_step() -> bool:
        assert shown(SetupWizard) is None, "the commune set-up wizard was opened"
        box = shown(QMessageBox)
        if box is None:
            return False
        seen.append((box.icon(), box.text()))
        box.button(QMessageBox.StandardButton.Ok).click()
        return True

    return message_box_step


def test_an_office_folder_opens_the_office_window_never_the_commune_set_up(tmp_path):
    office = copy_of("office", tmp_path / "office")  # an office of schema 0004: migrated as it opens
    seen = []

    def office_window_step() -> bool:
        assert shown(SetupWizard) is None and shown(MainWindow) is None, "a commune screen was opened"
        window = shown(OfficeWindow)
        if window is None or not window.is_open:
            return False
        seen.append(window.windowTitle())
        window.close()
        return True

    assert run(["--data-dir", str(office)], [office_window_step]) == 0
    assert len(seen) == 1 and "cơ quan tiếp nhận" in seen[0]
    assert folder_kind(office) is FolderKind.OFFICE


def test_a_folder_with_other_files_is_declined_untouched(tmp_path):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "kế hoạch.docx").write_bytes(b"PK\x03\x04")
    seen = []
    assert run(["--data-dir", str(documents)], [answer_message_box(seen)]) == 1
    assert seen[0][0] is QMessageBox.Icon.Critical and "không phải thư mục dữ liệu" in seen[0][1]
    assert [p.name for p in documents.iterdir()] == ["kế hoạch.docx"]  # no sub-folders, no database, no log


def test_a_damaged_database_is_declined_untouched(tmp_path):
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / "cds.sqlite").write_bytes(b"\x13\x37" * 3000)
    seen = []
    assert run(["--data-dir", str(folder)], [answer_message_box(seen)]) == 1
    assert "bị hỏng" in seen[0][1] and (folder / "cds.sqlite").read_bytes() == b"\x13\x37" * 3000


def test_a_damaged_remembered_folder_file_is_reported_and_the_default_folder_used(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "data-folder.json").write_bytes(b'{"data_dir": ' * 3000)
    monkeypatch.setenv(CONFIG_DIR_ENV, str(config))
    default = _commune(tmp_path / "default")
    monkeypatch.setattr("cds_desktop.core.paths.default_data_dir", lambda: default.root)
    boxes, windows = [], []
    assert run([], [answer_message_box(boxes), in_main_window(windows)]) == 0
    assert "data-folder.json" in boxes[0][1] and str(default.root) in boxes[0][1]
    assert windows[0][3] == default.root


def test_damaged_plan_files_are_shown_at_start_and_the_other_plans_load(tmp_path):
    data = _commune(tmp_path / "data")
    (data.plans / "hong.yaml").write_bytes(b"a: &a [1]\nb: *a\n")
    seen, windows = [], []
    assert run(["--data-dir", str(data.root)], [answer_message_box(seen), in_main_window(windows)]) == 0
    assert seen[0][0] is QMessageBox.Icon.Warning and "hong.yaml" in seen[0][1]
    assert windows[0][1]  # a plan is open


def test_a_damaged_message_catalog_is_reported_and_the_app_goes_on(tmp_path, monkeypatch):
    from cds_desktop.core import i18n
    from cds_desktop.core.resources import translations_dir

    copy = tmp_path / "translations" / "messages"
    copy.mkdir(parents=True)
    for source in (translations_dir() / "messages").glob("*.yaml"):
        (copy / source.name).write_bytes(source.read_bytes())
    (copy / "office_report.yaml").write_bytes(b"\xff\xfe garbage")
    monkeypatch.setattr(i18n, "translations_dir", lambda: copy.parent)
    i18n._catalogs.cache_clear()
    try:
        data, boxes, windows = _commune(tmp_path / "data"), [], []
        assert run(["--data-dir", str(data.root)], [answer_message_box(boxes), in_main_window(windows)]) == 0
    finally:
        monkeypatch.undo()
        i18n._catalogs.cache_clear()
    assert "office_report.yaml" in boxes[0][1] and "cài đặt lại" in boxes[0][1] and windows
