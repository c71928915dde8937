"""Background work (progress dialog only after 500 ms, cancel) and the settings dialog (saving, language)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QProgressDialog, QPushButton

from cds_desktop.core.progress import Cancelled
from cds_desktop.ui.shell.background import BackgroundTasks


def test_quick_work_shows_no_progress_dialog(qtbot):
    tasks = BackgroundTasks()
    results = []
    tasks.run(lambda progress, cancel: 42, results.append, results.append, "…")
    qtbot.waitUntil(lambda: results == [42], timeout=2000)
    qtbot.wait(600)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def test_slow_work_shows_progress_after_half_a_second_and_can_be_cancelled(qtbot):
    tasks = BackgroundTasks()
    outcome = []
    started = threading.Event()

    def slow(progress, cancel):
        started.set()
        for step in range(400):
            progress(step, 400)
            cancel.raise_if_cancelled()
            threading.Event().wait(0.01)
        return "finished"

    task = tasks.run(slow, outcome.append, outcome.append, "Đang xuất…")
    started.wait(2)
    qtbot.wait(200)
    assert not task.dialog.isVisible()
    qtbot.waitUntil(task.dialog.isVisible, timeout=2000)
    task.dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: bool(outcome), timeout=3000)
    assert isinstance(outcome[0], Cancelled)


def test_settings_are_saved_through_the_service(qtbot, window, service):
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    dialog.evidence_warn.setValue(50)
    dialog.signer_name.setText("Nguyễn Văn An")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert service.setting("evidence_warn_mb") == 50
    assert service.setting("report_signer_name") == "Nguyễn Văn An"


def test_choosing_english_rebuilds_the_window_in_english(qtbot, open_window, service):
    window = open_window("vi")
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    desktop = window.workspace.parent()
    qtbot.waitUntil(lambda: desktop.window is not window, timeout=2000)
    qtbot.addWidget(desktop.window)
    assert desktop.window.pages.tabText(0) == "Indicators"
    assert desktop.window.workspace.period_id == "2023Q2"
