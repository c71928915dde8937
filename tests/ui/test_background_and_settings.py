"""Background work (progress dialog only after 500 ms, cancel) and the settings dialog (saving, language)."""

from __future__ import annotations

import threading
import time
import weakref

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPushButton, QWidget
from shiboken6 import isValid

import cds_desktop.ui.shell.background as background
from cds_desktop.ui.shell.background import BackgroundTasks

WAIT_MS = 30_000  # generous: the condition is what the test waits for, the timeout only stops a broken run


class ShowTimes(QObject):
    """When a widget was shown (an event filter: the test does not rely on how fast its own waits are)."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.times: list[float] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show:
            self.times.append(time.monotonic())
        return False


def test_quick_work_shows_no_progress_dialog(qtbot, monkeypatch):
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 5_000)  # "quick" even on a loaded machine
    tasks = BackgroundTasks()
    results = []
    task = tasks.run(lambda progress, cancel: 42, results.append, "…")
    dialog = task.dialog
    shows = ShowTimes(dialog)
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=WAIT_MS)  # done: the dialog is gone, it never will show
    assert results == [42] and shows.times == []


def test_slow_work_shows_progress_after_half_a_second_and_can_be_cancelled(qtbot):
    tasks = BackgroundTasks()
    outcome, cancelled = [], []

    def slow(progress, cancel):
        for step in range(60_000):  # until cancelled (a minute at most)
            progress(step, 60_000)
            cancel.raise_if_cancelled()
            threading.Event().wait(0.001)
        return "finished"

    started = time.monotonic()
    task = tasks.run(slow, outcome.append, "Đang xuất…", on_cancelled=lambda: cancelled.append(True))
    try:
        shows = ShowTimes(task.dialog)
        assert not task.dialog.isVisible()
        qtbot.waitUntil(task.dialog.isVisible, timeout=WAIT_MS)
        # Qt's (coarse) timers may fire up to 5% early
        assert shows.times[0] - started >= 0.95 * background.PROGRESS_DELAY_MS / 1000
        qtbot.waitUntil(lambda: task.dialog.value() > 0, timeout=WAIT_MS)  # the progress reaches the dialog
        task.dialog.findChild(QPushButton).click()
        qtbot.waitUntil(lambda: bool(cancelled), timeout=WAIT_MS)
        assert outcome == [] and task not in tasks.running
    finally:  # a failed run leaves no worker behind to disturb the next tests
        task.cancel_token.cancel()
        tasks.wait()


def test_the_progress_dialog_may_go_with_its_window_while_the_work_goes_on(qtbot):
    window = QWidget()
    tasks = BackgroundTasks()
    gate, results = threading.Event(), []

    def work(progress, cancel):
        gate.wait(60)
        for step in range(3):
            progress(step, 3)
        return "done"

    task = tasks.run(work, results.append, "…", window)
    dialog = task.dialog
    window.deleteLater()  # the window closes (and its child, the progress dialog, goes) before the work ends
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=WAIT_MS)
    gate.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=WAIT_MS)  # and no error in a slot (pytest-qt fails those)


def test_the_window_a_shown_progress_dialog_covered_gets_the_keyboard_back(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    field = QLineEdit(window)
    window.show()
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=WAIT_MS)
    tasks = BackgroundTasks()
    gate, results = threading.Event(), []
    task = tasks.run(lambda progress, cancel: gate.wait(60) and "done", results.append, "…", window, show_after_ms=0)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is task.dialog, timeout=WAIT_MS)
    gate.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=WAIT_MS)  # typing goes on where it was


def test_settings_are_saved_through_the_service(qtbot, window, service):
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    dialog.evidence_warn.setValue(50)
    dialog.report.signer_name.setText("Nguyễn Văn An")
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
    qtbot.waitUntil(lambda: desktop.window is not window, timeout=WAIT_MS)
    qtbot.addWidget(desktop.window)
    assert desktop.window.pages.tabText(0) == "Indicators"
    assert desktop.window.workspace.period_id == "2023Q2"


def test_the_report_number_is_edited_as_its_suffix_with_a_live_example_and_every_label_has_an_access_key(
        qtbot, window, service):
    from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    shown = [field.text() for field in dialog.findChildren(QLineEdit) if field.isVisible()]
    assert not any("{number}" in text for text in shown)  # the raw template is nobody's business
    suffix = dialog.report.number_suffix
    assert suffix.text() == "BC-UBND" and "Số: 12/BC-UBND" in dialog.report.number_example.text()
    suffix.setText("BC-UBND-NC")
    assert "Số: 12/BC-UBND-NC" in dialog.report.number_example.text()
    labels = []
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel) and item.widget().text():
                labels.append(item.widget())
    assert len(labels) >= 9
    for label in labels:
        assert "&" in label.text() and label.buddy() is not None, label.text()
    keys = [label.text()[label.text().index("&") + 1].casefold() for label in labels]
    assert len(keys) == len(set(keys)), keys  # no two labels share a key
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert service.setting("report_number_pattern") == "{number}/BC-UBND-NC"


def test_letting_go_of_the_lane_once_its_work_is_done_frees_it_cleanly(qtbot):
    """Whoever made a ``BackgroundTasks`` may let go of it while a finished task is still waiting for its deferred
    deletion: the lane is then destroyed at once, and the task's later deletion must not reach it (the lane's
    callbacks used to keep it alive until then, so it was destroyed from inside that deletion, twice: a
    segmentation fault in the event loop)."""
    tasks = BackgroundTasks()
    results = []
    listening = threading.Event()  # the work ends only once the test listens for its end (a queued signal
    task = tasks.run(lambda progress, cancel: listening.wait(WAIT_MS / 1000) and 42, results.append, "…")
    with qtbot.waitSignal(task.relay.finished, timeout=WAIT_MS):  # reaches the connections made before it)
        listening.set()
    assert results == [42] and isValid(task)  # finished, its deletion still queued
    lane = weakref.ref(tasks)
    del tasks
    assert lane() is None  # nothing but its maker held the lane
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()
    assert not isValid(task)
