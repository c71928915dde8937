"""The settings' Data section: the folder shown, backing up in the background, restoring and changing the folder
through a restart request, refusals shown in place, and every text translated in vi and en."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from cds_desktop.core.paths import CONFIG_DIR_ENV, DataDir, remembered_data_dir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.backup import backup
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.roles import Principal, Role
from cds_desktop.ui.shell.restart import (
    RESTART_EXIT_CODE,
    RestartRequest,
    perform_pending,
    request_restart,
    take_restart_request,
)
from tests.ui.conftest import PERIOD, PLAN
from tests.ui.test_translations import _untranslated, _visible_texts


@pytest.fixture(autouse=True)
def _own_config_and_no_leftover_request(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "config"))
    yield
    take_restart_request()
    # request_restart called without a running event loop leaves Qt's "quit now" flag set, which would end every
    # later event loop at once (pytest-qt's waits); one pass through exec() clears it.
    QTimer.singleShot(0, lambda: QApplication.instance().exit(0))
    QApplication.instance().exec()


@pytest.fixture
def data(qtbot, window):
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    return dialog.data


def _confirm(qtbot, section) -> None:
    qtbot.waitUntil(lambda: section.prompt is not None and section.prompt.isVisible(), timeout=30_000)
    section.prompt.findChild(QPushButton, "confirm").click()


def test_the_data_section_shows_the_folder_and_backs_up_in_the_background(qtbot, data, service, tmp_path,
                                                                          monkeypatch):
    assert data.folder.text() == str(service.data_dir.root) and data.folder.isReadOnly()
    monkeypatch.setattr(data, "choose_folder", lambda title: tmp_path / "usb")
    data.backup_button.click()
    assert not data.backup_button.isEnabled()  # busy until the background work reports back
    qtbot.waitUntil(lambda: not data.busy, timeout=30_000)
    [made] = list((tmp_path / "usb").iterdir())
    assert made.name.startswith("CDS-backup-24751-") and (made / "manifest.json").is_file()
    assert str(made) in data.status.text() and data.backup_button.isEnabled()


def test_a_failed_backup_is_explained_in_place(qtbot, data, tmp_path):
    (tmp_path / "not-a-folder").write_text("x")
    data.start_backup(tmp_path / "not-a-folder")
    qtbot.waitUntil(lambda: not data.busy, timeout=30_000)
    assert data.status.property("failure") is True and "not-a-folder" in data.status.text()


def test_restore_is_checked_confirmed_and_done_after_the_restart(qtbot, data, service, tmp_path, mini_plan, clock):
    service.set_indicator(PLAN, PERIOD, "1a", {"numerator": "812", "denominator": "1000"}, "a")
    info = backup(service, tmp_path / "usb")
    service.set_indicator(PLAN, PERIOD, "1a", {"numerator": "999"}, "a")
    data.start_restore(info.folder)
    _confirm(qtbot, data)
    request = take_restart_request()
    assert request == RestartRequest(restore_from=info.folder)

    root = service.data_dir.root
    service.close()  # as app.py does once the event loop has ended
    request_restart(restore_from=info.folder)
    assert perform_pending(DataDir(root)) == DataDir(root) and take_restart_request() is None
    reopened = CommuneService(DataDir(root), PlanCatalog([mini_plan]), clock)
    assert reopened.entries(PLAN, PERIOD).indicators["1a"].numerator == "812"
    reopened.close()


def test_the_restore_prompt_names_the_backup_and_where_the_current_data_goes(qtbot, data, service, tmp_path):
    info = backup(service, tmp_path / "usb")
    data.start_restore(info.folder)
    qtbot.waitUntil(lambda: data.prompt is not None, timeout=30_000)
    details = data.prompt.informativeText()
    assert "Xã Nhân Cơ (24751)" in details and str(service.data_dir.backups) in details
    data.prompt.reject()
    assert take_restart_request() is None


def test_changing_to_an_empty_folder_copies_the_data_then_restarts_there(qtbot, data, service, tmp_path):
    data.start_change(tmp_path / "D" / "CDS")
    _confirm(qtbot, data)  # copy the data
    qtbot.waitUntil(lambda: not data.busy and data.prompt.objectName() == "information", timeout=30_000)
    new_root = (tmp_path / "D" / "CDS").resolve()
    assert (new_root / "cds.sqlite").is_file() and remembered_data_dir() == new_root
    assert take_restart_request() is None  # not before the user has read where the old folder is
    data.prompt.findChild(QPushButton, "confirm").click()
    assert take_restart_request() == RestartRequest(data_dir=new_root)
    assert (service.data_dir.root / "cds.sqlite").is_file()  # the old folder is left as it is


def test_choosing_a_folder_with_data_switches_to_it(qtbot, data, service, tmp_path):
    other = backup(service, tmp_path / "usb").folder  # a folder holding cds.sqlite
    data.start_change(other)
    assert "Dùng thư mục này" in data.prompt.findChild(QPushButton, "confirm").text()
    _confirm(qtbot, data)
    assert take_restart_request() == RestartRequest(data_dir=other) and remembered_data_dir() == other


def test_without_the_manage_permission_nothing_starts(qtbot, data, service, tmp_path):
    service.principal = Principal("lan", "Lan", frozenset({Role.OFFICER}))
    data.start_restore(tmp_path)
    data.start_change(tmp_path / "new")
    assert data.prompt is None and not data.busy and data.status.property("failure") is True
    assert not (tmp_path / "new").exists()


def test_a_restart_request_ends_the_event_loop_with_the_restart_code(qtbot):
    QTimer.singleShot(0, lambda: request_restart(data_dir=None))
    assert QApplication.instance().exec() == RESTART_EXIT_CODE
    assert take_restart_request() == RestartRequest()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_text_of_the_data_section_and_its_prompts_is_translated(qtbot, open_window, service, tmp_path,
                                                                      language):
    window = open_window(language)
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    section = dialog.data
    texts = _visible_texts(dialog)
    info = backup(service, tmp_path / "usb")
    section._backed_up(info)
    texts += _visible_texts(section)
    section.start_restore(info.folder)
    qtbot.waitUntil(lambda: section.prompt is not None, timeout=30_000)
    prompts = [section.prompt]
    for folder in (tmp_path / "new", info.folder):
        section.start_change(folder)
        prompts.append(section.prompt)
    section._moved(DataDir(tmp_path / "new"))
    prompts.append(section.prompt)
    for prompt in prompts:
        texts += _visible_texts(prompt) + [("informativeText", prompt.informativeText())]
        prompt.done(0)
    assert _untranslated(texts, language, {"Xã Nhân Cơ", str(tmp_path)}) == []
