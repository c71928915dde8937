"""``cds-desktop`` start-up paths through ``app.main``: first run (wizard), sign-in, no accounts, sign-out,
restart, restore, ``--demo``, and bugs on the way (crash reports). The event loops are real; a timer drives
them, each step waiting for the condition it needs (never for a time), and gives up (closing everything) after
``GIVE_UP_S`` so that a broken path fails instead of hanging; whatever a failed test leaves behind is cleaned
up before the next one."""

from __future__ import annotations

import threading
import time
from typing import Callable

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QProgressDialog, QWidget, QWizard

import cds_desktop.app as app_module
import cds_desktop.ui.shell.restart as restart_module
from cds_desktop.app import CRASH_EXIT_CODE, main
from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.backup import backup
from cds_desktop.core.services.commune.service import open_commune_service
from cds_desktop.core.services.demo import CURRENT_PERIOD, PASSWORD, PLAN_ID, USERNAME
from cds_desktop.core.services.roles import Role
from cds_desktop.core.services.setup import needs_setup
from cds_desktop.ui.shared.login_dialog import LoginDialog
from cds_desktop.ui.commune.main_window import MainWindow
from cds_desktop.ui.shell.crash_dialog import CrashDialog
from cds_desktop.ui.shell.qt_translator import QtLanguage
from cds_desktop.ui.shell.restart import request_restart, take_restart_request
from cds_desktop.ui.setup_wizard.wizard import Page, SetupWizard

GIVE_UP_S = 180  # only stops a broken run: every step waits for its condition, however slow the machine
ADMIN, LEADER = ("quan.tri", "Quan-tri 2025!"), ("lanh.dao", "Lanh-dao ky 2025")
Step = Callable[[], bool]


class Driver(QObject):
    """Runs ``steps`` one after another from a timer; a step returns True when it has done its part."""

    def __init__(self, steps: list[Step]) -> None:
        super().__init__()
        self.steps, self.failure, self.started = list(steps), None, time.monotonic()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(30)
        self.busy = False

    def _tick(self) -> None:
        if self.busy or not self.steps:
            return
        self.busy = True
        try:
            if time.monotonic() - self.started > GIVE_UP_S:
                raise TimeoutError(f"gave up waiting at step {self.steps[0].__name__}")
            if self.steps[0]():
                self.steps.pop(0)
        except BaseException as exc:  # noqa: BLE001 - reported by the test after main() returns
            self.failure = exc
            self.steps.clear()
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.done(QDialog.DialogCode.Rejected)
            QTimer.singleShot(0, lambda: QApplication.exit(99))
        finally:
            self.busy = False


def shown(kind: type[QWidget]):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)


def sign_in(password: str, username: str | None = None, seen: list | None = None) -> Step:
    """Type and press "Sign in" once the dialog takes it: not while a password is being checked or a sign-in
    pressed before the data was open waits for it (the button is disabled then, a click would do nothing)."""

    def sign_in_step() -> bool:
        dialog = shown(LoginDialog)
        if dialog is None or not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            return False
        if seen is not None:
            seen.append((dialog.username.text(), dialog.error.text()))
        if username is not None:
            dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return True

    return sign_in_step


def cancel_login() -> bool:
    dialog = shown(LoginDialog)
    if dialog is not None:
        dialog.reject()
    return dialog is not None


def in_main_window(seen: list, then: Callable[[MainWindow], None] = MainWindow.close) -> Step:
    """Note who acts on which plan period in the main window, then ``then`` (by default close it: the app quits)."""

    def main_window_step() -> bool:
        window = shown(MainWindow)
        if window is None or not window.is_open or not window.workspace.has_period:
            return False
        workspace = window.workspace
        seen.append((workspace.actor, workspace.plan_id, workspace.period_id, workspace.service.data_dir.root,
                     window.windowTitle()))
        QTimer.singleShot(0, lambda: then(window))  # outside this tick: ``then`` may open a dialog of its own
        return True

    return main_window_step


def run(args: list[str], steps: list[Step]) -> int:
    driver = Driver(steps)
    try:
        code = main(args)
    finally:
        driver.timer.stop()
    if driver.failure is not None:
        raise driver.failure
    assert not driver.steps, f"main() returned before step {driver.steps[0].__name__}"
    return code


@pytest.fixture(autouse=True)
def _isolated(qtbot, tmp_path):
    """Afterwards, whatever a failed run left (windows, a restart request, Qt's "quit now" flag, Qt's Vietnamese)
    is cleared, so that one failure does not break the next tests; a crash report nobody expected fails the test.
    (Window geometry and the remembered data folder go to tmp_path: ``tests/conftest.py``.)"""
    yield
    app = QApplication.instance()
    for language in app.findChildren(QtLanguage):
        language.apply("en")
        language.deleteLater()
    take_restart_request()
    for widget in app.topLevelWidgets():
        widget.hide()
        widget.deleteLater()
    QTimer.singleShot(0, lambda: app.exit(0))  # one pass of a loop: clears a pending quit, deletes the widgets
    app.exec()
    unexpected = sorted(path.name for path in tmp_path.rglob("crash-*.txt"))
    assert unexpected == [], "a bug was reported during the run"


def _commune(root, *people) -> DataDir:
    service = open_commune_service(root)
    try:
        service.init_commune("68", "24751", "Xã Nhân Cơ")
        accounts = Accounts(service)
        for index, ((username, password), roles) in enumerate(people):
            accounts.create(NewUser(username, username, frozenset(roles), password))
            if index == 0:
                accounts.sign_in(username, password)
        return service.data_dir
    finally:
        service.close()


def test_without_accounts_the_main_window_opens_at_once_with_the_os_login_as_actor(tmp_path):
    data = _commune(tmp_path / "data")
    seen = []
    assert run(["--data-dir", str(data.root)], [in_main_window(seen)]) == 0
    assert len(seen) == 1 and seen[0][0] not in ("", ADMIN[0])


def test_with_accounts_the_login_dialog_comes_first_and_a_wrong_password_is_shown(tmp_path):
    data = _commune(tmp_path / "data", (ADMIN, {Role.ADMIN}), (LEADER, {Role.LEADER}))
    attempts, seen = [], []
    steps = [sign_in("wrong password", LEADER[0]), sign_in(LEADER[1], seen=attempts), in_main_window(seen)]
    assert run(["--data-dir", str(data.root)], steps) == 0
    assert attempts[0][0] == LEADER[0] and attempts[0][1] != ""  # the dialog stayed, with the error
    assert seen[0][0] == LEADER[0]


def test_with_accounts_the_login_dialog_shows_before_the_data_is_opened(tmp_path, monkeypatch):
    import cds_desktop.ui.shell.off_thread as off_thread

    data = _commune(tmp_path / "data", (ADMIN, {Role.ADMIN, Role.LEADER}))
    opening_under = []
    wait = off_thread.wait_off_the_gui_thread

    def watched(work, start_when=None, start_anyway_after_ms=0):
        opening_under.append([type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()])
        return wait(work, start_when, start_anyway_after_ms)

    monkeypatch.setattr(off_thread, "wait_off_the_gui_thread", watched)
    seen = []
    assert run(["--data-dir", str(data.root)], [sign_in(ADMIN[1], ADMIN[0]), in_main_window(seen)]) == 0
    assert opening_under[0] == ["LoginDialog"] and seen[0][0] == ADMIN[0]


def test_the_sign_in_shown_at_start_offers_who_signed_in_last_in_this_data_folder(tmp_path):
    data = _commune(tmp_path / "data", (ADMIN, {Role.ADMIN}), (LEADER, {Role.LEADER}))  # the administrator signed in
    attempts, seen = [], []
    assert run(["--data-dir", str(data.root)], [sign_in(ADMIN[1], seen=attempts), in_main_window(seen)]) == 0
    assert attempts[0][0] == ADMIN[0] and seen[0][0] == ADMIN[0]


def test_cancelling_the_login_quits(tmp_path):
    data = _commune(tmp_path / "data", (ADMIN, {Role.ADMIN, Role.LEADER}))
    assert run(["--data-dir", str(data.root)], [cancel_login]) == 0
    assert shown(MainWindow) is None


def _sign_out(window: MainWindow) -> None:
    next(a for a in window.menuBar().actions()[0].menu().actions() if a.objectName() == "sign_out_action").trigger()


def test_signing_out_asks_again_and_cancelling_then_quits(tmp_path):
    data = _commune(tmp_path / "data", (ADMIN, {Role.ADMIN, Role.LEADER}))
    seen = []
    steps = [sign_in(ADMIN[1], ADMIN[0]), in_main_window(seen, then=_sign_out), cancel_login]
    assert run(["--data-dir", str(data.root)], steps) == 0
    assert seen[0][0] == ADMIN[0]


def test_a_restart_request_reopens_the_data_and_asks_who_is_there_again(tmp_path):
    data = _commune(tmp_path / "data", (ADMIN, {Role.ADMIN, Role.LEADER}))
    seen = []
    steps = [sign_in(ADMIN[1], ADMIN[0]), in_main_window(seen, then=lambda window: request_restart()),
             sign_in(ADMIN[1], ADMIN[0]), in_main_window(seen)]
    assert run(["--data-dir", str(data.root)], steps) == 0
    assert [entry[0] for entry in seen] == [ADMIN[0], ADMIN[0]]


def _fill_wizard(office: bool = False) -> Step:
    def wizard_step() -> bool:
        wizard = shown(SetupWizard)
        if wizard is None:
            return False
        wizard.button(QWizard.WizardButton.NextButton).click()
        if office:
            _fill_office_branch(wizard)
            return True
        wizard.button(QWizard.WizardButton.NextButton).click()
        wizard.office_page.skip.click()
        wizard.button(QWizard.WizardButton.NextButton).click()
        identity = wizard.identity_page
        identity.province.setCurrentIndex(identity.province.findData("68"))
        identity.commune_code.setText("24751")
        identity.name.setText("Xã Nhân Cơ")
        wizard.button(QWizard.WizardButton.NextButton).click()
        assert wizard.currentId() == Page.REPORT
        wizard.button(QWizard.WizardButton.NextButton).click()  # the report's details, as offered
        form = wizard.accounts_page.form
        form.username.setText(ADMIN[0])
        for role in (Role.ADMIN, Role.LEADER):
            form.roles.boxes[role].setChecked(True)
        form.password.first.setText(ADMIN[1])
        form.password.repeat.setText(ADMIN[1])
        wizard.button(QWizard.WizardButton.NextButton).click()
        wizard.key_page.passphrase.first.setText("Cau mat khau cua xa 2025")
        wizard.key_page.passphrase.repeat.setText("Cau mat khau cua xa 2025")
        wizard.button(QWizard.WizardButton.NextButton).click()
        assert wizard.currentId() == Page.SUMMARY
        wizard.button(QWizard.WizardButton.FinishButton).click()
        return True

    return wizard_step


def _leave_the_enrolment_step() -> bool:
    """Once the set-up is made, the wizard shows the signing key's fingerprint and the enrolment file: Finish."""
    wizard = shown(SetupWizard)
    if wizard is None or not wizard.summary_page.enrollment.isVisible():
        return False
    assert wizard.summary_page.enrollment.fingerprint.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    return True


def test_the_first_run_goes_through_the_wizard_then_signs_in_the_new_administrator(tmp_path):
    folder = tmp_path / "new"
    attempts, seen = [], []
    steps = [_fill_wizard(), _leave_the_enrolment_step, sign_in(ADMIN[1], seen=attempts), in_main_window(seen)]
    assert run(["--data-dir", str(folder)], steps) == 0
    assert attempts[0][0] == ADMIN[0]  # the username was offered
    assert seen[0][0] == ADMIN[0]
    assert not needs_setup(DataDir(folder.resolve()))


def _fill_office_branch(wizard: SetupWizard) -> None:
    """The office branch with its least: a province office, the province's communes (all, as offered), one person
    who administers and decides, the keys' passphrase."""
    press = wizard.button(QWizard.WizardButton.NextButton).click
    wizard.kind_page.office.click()
    press()
    press()  # where the data is kept: on this PC, as offered
    wizard.office_identity_page.province.lineEdit().setText("Lâm Đồng")
    wizard.office_identity_page.name.setText("Sở Khoa học và Công nghệ tỉnh Lâm Đồng")
    press()
    press()  # the communes: all of the province's, ticked as offered
    form = wizard.office_accounts_page.form
    form.username.setText(ADMIN[0])
    for role in (Role.ADMIN, Role.HEAD):
        form.roles.boxes[role].setChecked(True)
    form.password.first.setText(ADMIN[1])
    form.password.repeat.setText(ADMIN[1])
    press()
    wizard.office_key_page.passphrase.first.setText("Cau mat khau cua so 2025")
    wizard.office_key_page.passphrase.repeat.setText("Cau mat khau cua so 2025")
    press()
    assert wizard.currentId() == Page.OFFICE_SUMMARY
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_the_office_branch_of_the_first_run_signs_in_the_new_administrator_in_the_office_window(tmp_path):
    from cds_desktop.core.storage.peek import FolderKind, folder_kind
    from cds_desktop.ui.office.main_window import OfficeWindow

    folder, seen, attempts = tmp_path / "office", [], []

    def office_window_step() -> bool:
        window = shown(OfficeWindow)
        if window is None:
            return False
        seen.append(window.workspace.actor)
        QTimer.singleShot(0, window.close)
        return True

    steps = [_fill_wizard(office=True), sign_in(ADMIN[1], seen=attempts), office_window_step]
    assert run(["--data-dir", str(folder)], steps) == 0
    assert attempts[0][0] == ADMIN[0] and seen == [ADMIN[0]]  # the new administrator was offered, then signed in
    assert folder_kind(folder.resolve()) is FolderKind.OFFICE and not needs_setup(DataDir(folder.resolve()))


def test_demo_opens_the_demo_period_signed_in_and_leaves_nothing_behind():
    seen = []
    assert run(["--demo"], [in_main_window(seen)]) == 0
    actor, plan_id, period_id, root, title = seen[0]
    assert (actor, plan_id, period_id) == (USERNAME, PLAN_ID, CURRENT_PERIOD)
    assert title.endswith(f"DÙNG THỬ: mật khẩu và cụm mật khẩu ký là {PASSWORD}")
    assert not root.exists() and not root.parent.exists()


def test_the_demo_shows_its_progress_at_once(monkeypatch):
    import cds_desktop.ui.shell.background as background

    asked, progress, seen = [], [], []
    real = background.run_and_wait

    def watched(work, title, cancellable=True, show_after_ms=background.PROGRESS_DELAY_MS):
        asked.append((title, show_after_ms, threading.current_thread() is threading.main_thread()))
        return real(work, title, cancellable, show_after_ms)

    def progress_dialog_step() -> bool:
        dialog = shown(QProgressDialog)
        if dialog is not None:
            progress.append(dialog.labelText())
        return dialog is not None

    monkeypatch.setattr(background, "run_and_wait", watched)
    assert run(["--demo"], [progress_dialog_step, in_main_window(seen)]) == 0
    assert asked == [(translate("ui.demo.building"), 0, True)] and progress == [translate("ui.demo.building")]
    assert seen[0][:3] == (USERNAME, PLAN_ID, CURRENT_PERIOD)


SECRET = "Mat-khau bi mat 2025"  # stands for something a person typed: it must never reach a report


def close_crash_report(reports: list) -> Step:
    def crash_report_step() -> bool:
        dialog = shown(CrashDialog)
        if dialog is None:
            return False
        reports.append(dialog.report)
        dialog.reject()
        return True

    return crash_report_step


def _take_reports(data: DataDir) -> list[str]:
    """The crash reports written in the data folder, removed once read (the fixture fails on any left)."""
    reports = sorted(data.logs.glob("crash-*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in reports]
    for path in reports:
        path.unlink()
    return texts


def test_a_bug_in_a_slot_is_reported_and_the_app_goes_on(tmp_path):
    data = _commune(tmp_path / "data")

    def broken_slot() -> None:
        int(SECRET)

    seen, reports = [], []
    steps = [in_main_window(seen, then=lambda window: broken_slot()), close_crash_report(reports),
             in_main_window(seen)]  # the same window is still there, and closes as usual
    assert run(["--data-dir", str(data.root)], steps) == 0
    [text] = _take_reports(data)
    assert reports[0].path.parent == data.logs and text == reports[0].text
    assert "ValueError (message left out" in text and "in broken_slot" in text and SECRET not in text
    assert seen[0][4] == seen[1][4]


def test_a_bug_that_ends_main_is_reported_before_the_app_exits(tmp_path, monkeypatch):
    data = _commune(tmp_path / "data")

    def broken_peek(database):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(app_module, "peek", broken_peek)
    reports = []
    assert run(["--data-dir", str(data.root)], [close_crash_report(reports)]) == CRASH_EXIT_CODE
    [text] = _take_reports(data)
    assert "RuntimeError (message left out" in text and "in broken_peek" in text and SECRET not in text


def test_a_restore_runs_off_the_gui_thread_with_a_progress_dialog_then_the_data_reopens(tmp_path, monkeypatch):
    data = _commune(tmp_path / "data")
    service = open_commune_service(data.root)
    try:
        info = backup(service, tmp_path / "usb")
        service.set_setting("evidence_warn_mb", 50)  # after the backup: the restore takes it back
    finally:
        service.close()

    dialog_seen, on_gui_thread, reported = threading.Event(), [], []
    real_restore = restart_module.restore

    def watched_restore(data_dir, folder, progress=None, cancel=None):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        assert dialog_seen.wait(GIVE_UP_S)  # the restore is still running when its progress dialog shows

        def progress_seen(done: int, total: int) -> None:
            reported.append((done, total))
            progress(done, total)

        return real_restore(data_dir, folder, progress_seen, cancel)

    def progress_dialog_step() -> bool:
        dialog = shown(QProgressDialog)
        if dialog is None or dialog.labelText() != translate("ui.restart.working"):
            return False
        dialog_seen.set()
        return True

    monkeypatch.setattr(restart_module, "restore", watched_restore)
    seen = []
    steps = [in_main_window(seen, then=lambda window: request_restart(restore_from=info.folder)),
             progress_dialog_step, in_main_window(seen)]
    assert run(["--data-dir", str(data.root)], steps) == 0
    assert on_gui_thread == [False] and reported and reported[-1][0] == reported[-1][1]
    reopened = open_commune_service(data.root)
    try:
        assert reopened.setting("evidence_warn_mb") == 20
    finally:
        reopened.close()


def test_a_data_folder_that_cannot_be_made_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "taken").write_text("a file where the data folder should be", encoding="utf-8")
    messages = []

    def message_step() -> bool:
        box = shown(QMessageBox)
        if box is None:
            return False
        messages.append(box.text())
        box.accept()
        return True

    assert run(["--data-dir", str(tmp_path / "taken")], [message_step]) == 1
    assert messages and str(tmp_path / "taken") in messages[0]
