"""No crash path: a bug in a Qt slot, in a Qt virtual method, in a thread or in background work ends in a crash
report written to the data folder's logs and shown in a dialog (copy, save); a ``CdsError`` of background work is
its translated message; cancelling is not a failure."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from cds_desktop import __version__
from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.provinces import province
from cds_desktop.ui.shell.background import BackgroundTasks, run_and_wait
from cds_desktop.ui.shell.crash import LOG_FILE_NAME, CrashHook
from cds_desktop.ui.shell.crash_dialog import CrashDialog

WAIT_MS = 30_000
SECRET = "Mat-khau bi mat 2025"  # stands for something a person typed: it must never reach a report
WHEN = dt.datetime(2025, 3, 4, 5, 6, 7)


@pytest.fixture
def hook(tmp_path):
    """The crash hook installed for one test (over pytest-qt's own, which it puts back), logs in tmp_path."""
    logs = tmp_path / "data" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / LOG_FILE_NAME).write_text("".join(f"2025-03-04 05:06:0{n} INFO cds: step {n}\n" for n in range(5)),
                                      encoding="utf-8")
    crash = CrashHook(logs, clock=lambda: WHEN)
    crash.install()
    yield crash
    crash.uninstall()
    for dialog in crash.open_dialogs():
        dialog.close()
    crash.deleteLater()


def _reports(hook: CrashHook) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(hook.logs.glob("crash-*.txt"))]


def _shown_dialog(qtbot, hook: CrashHook) -> CrashDialog:
    qtbot.waitUntil(lambda: any(dialog.isVisible() for dialog in hook.open_dialogs()), timeout=WAIT_MS)
    [dialog] = hook.open_dialogs()
    return dialog


def _assert_a_report_of(text: str, error_type: str, function: str) -> None:
    assert text.startswith(f"CDS Desktop {__version__}: crash report\n")
    assert "Platform: " in text and "Python " in text and "Qt " in text
    assert f"{error_type} (message left out" in text and f"in {function}\n" in text
    assert "step 4" in text  # the last lines of the log
    assert SECRET not in text


def test_a_bug_in_a_qt_slot_writes_a_report_and_shows_it_and_the_app_goes_on(qtbot, hook, tmp_path):
    button = QPushButton("x")
    qtbot.addWidget(button)

    def broken_slot() -> None:
        int(SECRET)  # ValueError quoting the entered text

    button.clicked.connect(broken_slot)
    QTimer.singleShot(0, button.click)  # clicked from the event loop, as a person would
    dialog = _shown_dialog(qtbot, hook)

    [report] = _reports(hook)
    assert (hook.logs / "crash-20250304-050607.txt").is_file()
    _assert_a_report_of(report, "ValueError", "broken_slot")
    assert dialog.text.toPlainText() == report and dialog.isModal()
    assert str(hook.logs / "crash-20250304-050607.txt") in dialog.findChild(QWidget, "crash_report_path").text()
    dialog.copy()
    assert QApplication.clipboard().text() == report
    assert dialog.save_to(tmp_path / "to-support.txt")
    assert (tmp_path / "to-support.txt").read_text(encoding="utf-8") == report
    assert dialog.status.text() == translate("ui.crash.saved", path=str(tmp_path / "to-support.txt"))

    button.clicked.disconnect(broken_slot)  # the app went on: the same button still works
    clicks = []
    button.clicked.connect(lambda: clicks.append(True))
    QTimer.singleShot(0, button.click)
    qtbot.waitUntil(lambda: clicks == [True], timeout=WAIT_MS)


def test_a_bug_in_a_qt_virtual_method_is_reported_once_while_its_report_is_on_screen(qtbot, hook):
    class Broken(QWidget):
        armed, paints = False, 0

        def paintEvent(self, event) -> None:  # noqa: N802
            if self.armed:
                self.paints += 1
                raise KeyError(SECRET)

    widget = Broken()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.armed = True
    widget.update()
    dialog = _shown_dialog(qtbot, hook)
    for paints in range(2, 5):  # painted again and again by the event loop: still one report and one dialog
        widget.update()
        qtbot.waitUntil(lambda: widget.paints >= paints, timeout=WAIT_MS)
    assert len(_reports(hook)) == 1 and hook.open_dialogs() == [dialog]
    _assert_a_report_of(_reports(hook)[0], "KeyError", "paintEvent")
    widget.armed = False
    dialog.close()
    qtbot.waitUntil(lambda: hook.open_dialogs() == [], timeout=WAIT_MS)


def test_a_bug_in_a_thread_is_shown_on_the_gui_thread(qtbot, hook):
    def worker() -> None:
        raise RuntimeError(SECRET)

    thread = threading.Thread(target=worker, name="reader")
    thread.start()
    thread.join()
    dialog = _shown_dialog(qtbot, hook)
    assert dialog.thread() is QApplication.instance().thread()
    [report] = _reports(hook)
    _assert_a_report_of(report, "RuntimeError", "worker")
    assert "Thread: reader" in report


def test_the_report_is_shown_in_english_too_and_says_when_it_could_not_be_saved(qtbot, tmp_path):
    set_language("en")
    crash = CrashHook(tmp_path / "not-a-folder" / "logs", clock=lambda: WHEN)
    (tmp_path / "not-a-folder").write_text("a file where the data folder should be", encoding="utf-8")
    try:
        raise LookupError(SECRET)
    except LookupError as exc:
        report = crash.handle(exc)
    assert report.path is None and SECRET not in report.text
    [dialog] = crash.open_dialogs()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "CDS Desktop ran into a problem"
    assert dialog.findChild(QWidget, "crash_report_path").text() == translate("ui.crash.not_saved")
    assert dialog.text.toPlainText() == report.text


def test_a_bug_in_background_work_goes_to_the_crash_report(qtbot, hook):
    tasks = BackgroundTasks()
    done, cleaned_up, shown = [], [], []

    def broken_work(progress, cancel):
        return {}[SECRET]

    tasks.run(broken_work, done.append, "…", on_failed=lambda: cleaned_up.append(True), show_error=shown.append)
    _shown_dialog(qtbot, hook)
    assert cleaned_up == [True] and done == [] and shown == []  # a bug is not a message for the person
    [report] = _reports(hook)
    _assert_a_report_of(report, "KeyError", "broken_work")


def test_a_cds_error_of_background_work_is_its_message_in_a_message_box(qtbot, hook):
    parent = QWidget()
    qtbot.addWidget(parent)
    tasks = BackgroundTasks()
    cleaned_up = []
    tasks.run(lambda progress, cancel: province("99"), print, "Đang kiểm tra", parent,
              on_failed=lambda: cleaned_up.append(True))

    def message_box() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets() if w.objectName() == "failure_message"
                     and w.isVisible()), None)

    qtbot.waitUntil(lambda: message_box() is not None, timeout=WAIT_MS)
    box = message_box()
    assert box.text() == 'Không có tỉnh, thành phố mã "99" trong danh sách 34 tỉnh, thành phố năm 2025.'
    assert box.windowTitle() == "Đang kiểm tra" and cleaned_up == [True]
    assert _reports(hook) == [] and hook.open_dialogs() == []
    box.accept()


def test_a_cds_error_goes_where_the_caller_shows_errors_and_cancelling_is_no_failure(qtbot, hook):
    tasks = BackgroundTasks()
    shown, cancelled = [], []

    def until_cancelled(progress, cancel):
        while not cancel.cancelled:
            threading.Event().wait(0.01)
        cancel.raise_if_cancelled()

    tasks.run(lambda progress, cancel: province("99"), print, "…", show_error=shown.append)
    task = tasks.run(until_cancelled, print, "…", on_cancelled=lambda: cancelled.append(True),
                     show_error=shown.append)
    task.cancel_token.cancel()
    qtbot.waitUntil(lambda: len(shown) == 1 and cancelled == [True], timeout=WAIT_MS)
    assert shown == ['Không có tỉnh, thành phố mã "99" trong danh sách 34 tỉnh, thành phố năm 2025.']
    assert _reports(hook) == []


def test_run_and_wait_returns_the_result_or_raises_the_failure(qtbot):
    assert run_and_wait(lambda progress, cancel: 6 * 7, "…") == 42
    with pytest.raises(ZeroDivisionError):
        run_and_wait(lambda progress, cancel: 1 / 0, "…")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_crash_dialog_speaks_the_persons_language_without_clipped_text(qtbot, open_window, hook, language):
    from tests.ui.layout_checks import assert_no_clipped_text
    from tests.ui.test_translations import _untranslated, _visible_texts

    open_window(language)  # Qt's own buttons translated, as in the app
    try:
        raise OSError(SECRET)
    except OSError as exc:
        report = hook.handle(exc)
    [dialog] = hook.open_dialogs()
    dialog.status.setText(translate("ui.crash.copied"))
    texts = _visible_texts(dialog)
    assert len(texts) >= 7 and _untranslated(texts, language, {str(report.path)}) == []
    assert dialog.windowTitle() == translate("ui.crash.title", language)
    qtbot.waitExposed(dialog)
    assert_no_clipped_text(dialog)
