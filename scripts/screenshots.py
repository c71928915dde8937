"""Render every screen of the commune's and the office's desktop to PNG at 1366×768, in Vietnamese and English.

    QT_QPA_PLATFORM=offscreen uv run python scripts/screenshots.py [--out out/screenshots] [--language vi]
        [--album commune|office]

The office's album is ``scripts/screenshots_office.py`` (its own demo, ``OFFICE_SCREENS``); what follows is the
commune's.

Uses the demo commune (``cds_desktop.core.services.demo``) on the built-in Đăk R'lấp 2023 plan with the clock
fixed on the demo's day, so that the pictures do not change from day to day (only the key fingerprints and
temporary folder names do). Every screen is driven through its widgets' public API, as a person would:
the set-up wizard page by page, signing in (a wrong password first), the main window on the fourth quarter
with its problems, then that quarter's whole road — submit, approve, export, the office's "returned" receipt —
and the third quarter accepted by the office with its report preview. ``SCREENS`` lists the pictures in
order (``docs/screens.md`` says what each shows). Dialogs are drawn with a plain title bar centred on the main
window as users see them; the wizard and the sign-in dialog on an empty desktop.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget, QWizard  # noqa: E402

from cds_desktop.core.i18n import LANGUAGES, current_language, set_language  # noqa: E402
from cds_desktop.core.paths import DataDir  # noqa: E402
from cds_desktop.core.plans.loader import PlanCatalog  # noqa: E402
from cds_desktop.core.services.accounts import Accounts, NewUser  # noqa: E402
from cds_desktop.core.services.changes import Changes  # noqa: E402
from cds_desktop.core.services.commune.service import CommuneService, open_commune_service  # noqa: E402
from cds_desktop.core.services.demo import (  # noqa: E402
    COMMUNE_FOLDER,
    LEADER,
    OFFICE_FOLDER,
    OFFICE_PASSPHRASE,
    OFFICER,
    PAST_PERIOD,
    UNIT,
    DemoCommune,
    build_demo,
    fill_past_period,
    fixed_clock,
)
from cds_desktop.core.services.office.service import OfficeService  # noqa: E402
from cds_desktop.core.services.roles import Role  # noqa: E402
from cds_desktop.ui.shell.application import DesktopApp  # noqa: E402
from cds_desktop.ui.shared.login_dialog import LoginDialog  # noqa: E402
from cds_desktop.ui.commune.main_window import MainWindow  # noqa: E402
from cds_desktop.ui.commune.export_dialog import ExportDialog  # noqa: E402
from cds_desktop.ui.shell.qt_translator import QtLanguage  # noqa: E402
from cds_desktop.ui.setup_wizard.wizard import Page, SetupWizard  # noqa: E402

SIZE = (1366, 768)
DESKTOP = QColor("#3b6683")
TITLE_BAR = 30
SCREENS = (
    "wizard-language", "wizard-kind", "wizard-office-branch", "wizard-office-keys", "wizard-identity",
    "wizard-report", "wizard-accounts", "wizard-signing-key", "wizard-summary",
    "login", "login-wrong-password",
    "indicators-problems", "tasks-overdue", "evidence", "history", "settings", "users", "change-password",
    "approve", "workflow-approved", "export-form", "export-progress", "export-result", "receipt-returned",
    "workflow-returned", "workflow-accepted", "report-preview",
)
PEOPLE = ((OFFICER, "Nguyễn Văn An", {Role.OFFICER}), (LEADER, "Trần Thị Bình", {Role.LEADER}))
PEOPLE_PASSWORD = "Nhan Co chuyen doi so 2024"
WIZARD_USERS = (("chu.tich", "Trần Thị Bình", (Role.LEADER, Role.ADMIN), "Chu tich xa Nhan Co 2024"),
                ("can.bo.vhxh", "Nguyễn Văn An", (Role.OFFICER,), "Can bo van hoa xa hoi 2024"))
PROVINCE_2025 = "68"  # Lâm Đồng
WIZARD_PASSPHRASE = "Khoa ky so cua xa Nhan Co, Dak R'lap 2024"
RETURN_REASON = "Thiếu biên bản kiểm tra tại thôn 3 cho chỉ tiêu về chữ ký số; đề nghị bổ sung và gửi lại."
WAIT_SECONDS = 60
SETTLE_ROUNDS = 5
ALBUMS = ("commune", "office")
TIME_ZONE = "Asia/Ho_Chi_Minh"  # times are shown in the computer's zone: the commune's, whatever runs the script


# --- pictures ------------------------------------------------------------------------------------

def wait_until(condition: Callable[[], bool], seconds: float = WAIT_SECONDS) -> None:
    """Process events until ``condition()`` holds (background work delivers its results through events)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get ready in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle() -> None:
    """Let layouts and repaints finish (a layout request may post another one)."""
    for _ in range(SETTLE_ROUNDS):
        QApplication.processEvents()
        time.sleep(0.005)


def framed(widget: QWidget) -> QImage:
    """``widget`` as a window: its picture under a title bar with its window title, in a thin border."""
    settle()
    content = widget.grab().toImage()
    image = QImage(content.width() + 2, content.height() + TITLE_BAR + 1, QImage.Format.Format_RGB32)
    image.fill(QColor("#5f6b78"))
    painter = QPainter(image)
    painter.fillRect(QRect(1, 1, content.width(), TITLE_BAR - 1), QColor("#e8ecf0"))
    font = QFont(widget.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QPen(QColor("#1f2a36")))
    painter.drawText(QRect(12, 0, content.width() - 24, TITLE_BAR), Qt.AlignmentFlag.AlignVCenter,
                     widget.windowTitle())
    painter.drawImage(1, TITLE_BAR, content)
    painter.end()
    return image


def composite(background: QImage, *windows: QWidget) -> QImage:
    """``windows`` drawn centred, one above the other, on ``background`` (a copy is returned)."""
    image = background.copy()
    painter = QPainter(image)
    for window in windows:
        picture = framed(window)
        painter.drawImage((image.width() - picture.width()) // 2, (image.height() - picture.height()) // 2, picture)
    painter.end()
    return image


def desktop_background() -> QImage:
    image = QImage(*SIZE, QImage.Format.Format_RGB32)
    image.fill(DESKTOP)
    return image


def window_picture(window: QWidget) -> QImage:
    settle()
    return window.grab().toImage()


class Album:
    """Saves the pictures of one language under their numbered names (the numbers follow ``screens``: the
    commune's ``SCREENS`` unless told; ``prefix`` tells the office's album apart)."""

    def __init__(self, out: Path, language: str, screens: tuple[str, ...] = SCREENS, prefix: str = "") -> None:
        self.out, self.language, self.screens, self.prefix = out, language, screens, prefix

    def path(self, name: str) -> Path:
        return self.out / f"{self.language}-{self.prefix}{self.screens.index(name) + 1:02d}-{name}.png"

    def save(self, name: str, image: QImage) -> None:
        if (image.width(), image.height()) != SIZE:
            image = image.copy(0, 0, *SIZE)  # a window larger than the screen is cut, as on the screen
        path = self.path(name)
        if not image.save(str(path)):
            raise OSError(f"cannot write {path}")
        print(path)


# --- the set-up wizard and signing in ------------------------------------------------------------

def office_key_file(root: Path, folder: Path) -> Path:
    """A fresh key file of the demo office (the demo's own, from 2023, has expired on the real calendar)."""
    office = OfficeService(DataDir(root / OFFICE_FOLDER), PlanCatalog.builtin())
    try:
        path = folder / "org-keys-so-tttt-dak-nong.json"
        office.export_keys(path, OFFICE_PASSPHRASE)
        return path
    finally:
        office.close()


def shoot_wizard(album: Album, qt_language: QtLanguage, demo: DemoCommune, keys: Path, folder: Path) -> None:
    wizard = SetupWizard(DataDir(folder / "new-commune"), qt_language, clock=fixed_clock(demo.today))
    wizard.show()

    def shot(name: str) -> None:
        album.save(name, composite(desktop_background(), wizard))

    def next_page(expected: Page) -> None:
        wizard.button(QWizard.WizardButton.NextButton).click()
        if wizard.currentId() != expected:
            raise RuntimeError(f"the wizard stayed on page {Page(wizard.currentId()).name}: "
                               f"{wizard.currentPage().error.text()}")

    try:
        shot("wizard-language")
        next_page(Page.KIND)
        shot("wizard-kind")
        wizard.kind_page.office.click()
        shot("wizard-office-branch")
        wizard.kind_page.commune.click()
        next_page(Page.OFFICE)
        wizard.office_page.load(keys)
        wizard.office_page.confirmed.click()
        shot("wizard-office-keys")
        next_page(Page.IDENTITY)
        identity = wizard.identity_page
        identity.pick.setCurrentRow(0)
        if not identity.province_code():  # the demo's 2023 province (Đăk Nông) is part of Lâm Đồng since 2025
            identity.province.setCurrentIndex(identity.province.findData(PROVINCE_2025))
        shot("wizard-identity")
        next_page(Page.REPORT)
        wizard.report_page.fields.signer_name.setText("Trần Thị Bình")
        shot("wizard-report")
        next_page(Page.ACCOUNTS)
        accounts = wizard.accounts_page
        for username, name, roles, password in WIZARD_USERS:
            accounts.form.username.setText(username)
            accounts.form.display_name.setText(name)
            accounts.form.roles.set_roles(frozenset(roles))
            accounts.form.password.first.setText(password)
            accounts.form.password.repeat.setText(password)
            accounts.add.click()
        shot("wizard-accounts")
        next_page(Page.KEY)
        wizard.key_page.passphrase.first.setText(WIZARD_PASSPHRASE)
        wizard.key_page.passphrase.repeat.setText(WIZARD_PASSPHRASE)
        shot("wizard-signing-key")
        next_page(Page.SUMMARY)
        shot("wizard-summary")
    finally:
        wizard.tasks.wait()
        wizard.close()
        wizard.deleteLater()


def shoot_login(album: Album, service: CommuneService, demo: DemoCommune) -> None:
    dialog = LoginDialog(service.unit().name, demo.username, Accounts(service).sign_in)
    dialog.show()
    try:
        album.save("login", composite(desktop_background(), dialog))
        dialog.password.setText("nhan-co-2023")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        album.save("login-wrong-password", composite(desktop_background(), dialog))
    finally:
        dialog.close()
        dialog.deleteLater()


# --- the main window -----------------------------------------------------------------------------

def shoot_draft(album: Album, desktop: DesktopApp, window: MainWindow, demo: DemoCommune) -> None:
    """The open quarter as the demo leaves it: problems, overdue tasks, evidence, history; the settings and
    account dialogs."""
    panel = window.problems_panel
    problem = panel.model.problem(0)
    window.go_to(problem.item_code, problem.field)
    panel.table.selectRow(0)
    album.save("indicators-problems", window_picture(window))

    window.pages.setCurrentWidget(window.tasks_page)
    filter_box = window.tasks_page.filter_box
    filter_box.setCurrentIndex(filter_box.findData("overdue"))
    album.save("tasks-overdue", window_picture(window))

    first_code = window.workspace.snapshot().plan.commune_indicators()[0].code
    window.show_evidence(first_code)
    album.save("evidence", window_picture(window))
    window.pages.setCurrentWidget(window.indicators_page)

    background = window_picture(window)
    history = window.show_history(first_code)
    album.save("history", composite(background, history))
    history.close()

    settings = window.show_settings()
    album.save("settings", composite(background, settings))
    settings.close()

    users = desktop.show_users()
    users.table.selectRow(next(row for row, user in enumerate(users.users) if user.username == OFFICER))
    album.save("users", composite(background, users))
    users.close()

    password = desktop.change_password()
    password.current.setText(demo.password)
    password.new.first.setText("Mat khau moi cua toi 2024")
    password.new.repeat.setText("Mat khau moi cua toi 2024")
    album.save("change-password", composite(background, password))
    password.close()


def shoot_road(album: Album, window: MainWindow, demo: DemoCommune, folder: Path) -> None:
    """The open quarter completed, submitted, approved, exported, and returned by the office."""
    workspace = window.workspace
    service, plan_id, period_id = workspace.service, workspace.plan_id, workspace.period_id
    fill_past_period(service, period_id)
    codes = [item.code for item in (*workspace.snapshot().plan.commune_indicators(),
                                    *workspace.snapshot().plan.commune_tasks())]
    workspace.publish(Changes(plan_id, period_id, items=tuple(codes)))
    window.problems_dock.hide()  # nothing left to fix
    window.workflow.submit_action.trigger()
    (question,) = [box for box in QApplication.topLevelWidgets()
                   if isinstance(box, QMessageBox) and box.objectName() == "submit_confirm" and box.isVisible()]
    question.defaultButton().click()  # "Submit for approval?": yes

    approve = window.workflow.approve()
    approve.passphrase.setText(demo.password)
    album.save("approve", composite(window_picture(window), approve))
    approve.ok.click()
    wait_until(lambda: not approve.isVisible())
    (export,) = [dialog for dialog in window.findChildren(ExportDialog) if dialog.isVisible()]
    background = window_picture(window)
    album.save("workflow-approved", background)

    usb = folder / "USB"
    usb.mkdir()
    export.folder.setText(str(usb))
    album.save("export-form", composite(background, export))
    gate = threading.Event()  # holds the background lane so that the export shows its progress first
    window.workflow.tasks.run(lambda progress, cancel: gate.wait(WAIT_SECONDS), lambda _: None, "")
    running = export.start()
    running.dialog.setRange(0, 100)
    running.dialog.setValue(40)
    running.dialog.show()
    album.save("export-progress", composite(background, export, running.dialog))
    gate.set()
    wait_until(lambda: export.written is not None)
    album.save("export-result", composite(window_picture(window), export))
    export.close()

    receipt = office_returns(demo, export.written.path, folder)
    box = window.workflow.import_receipt(receipt)
    box.show()
    album.save("receipt-returned", composite(window_picture(window), box))
    box.close()
    window.problems_dock.show()
    album.save("workflow-returned", window_picture(window))


def office_returns(demo: DemoCommune, bundle: Path, folder: Path) -> Path:
    """The demo office imports ``bundle`` and returns it with a reason: the receipt file."""
    office = OfficeService(DataDir(demo.data_dir.root.parent / OFFICE_FOLDER), PlanCatalog.builtin(),
                           fixed_clock(demo.today, hour=14))
    try:
        office.import_bundles([bundle], OFFICE_PASSPHRASE)
        return office.receipt(UNIT["commune_code"], demo.plan_id, demo.period_id, folder / "bien-nhan.json",
                              OFFICE_PASSPHRASE, "van.thu.so", returned_reason=RETURN_REASON)
    finally:
        office.close()


def shoot_accepted(album: Album, window: MainWindow) -> None:
    """The quarter the office accepted, and its official report."""
    window.period_bar.choose(window.workspace.plan_id, PAST_PERIOD)
    background = window_picture(window)
    album.save("workflow-accepted", background)
    preview = window.workflow.preview_report()
    wait_until(lambda: bool(preview.pages()) and preview.running is None)
    album.save("report-preview", composite(background, preview))
    preview.close()


# --- one language --------------------------------------------------------------------------------

def add_people(service: CommuneService) -> None:
    """The demo's officer and leader get accounts of their own (names in history and the users list)."""
    accounts = Accounts(service)
    for username, name, roles in PEOPLE:
        accounts.create(NewUser(username, name, frozenset(roles), PEOPLE_PASSWORD))


def render(app: QApplication, qt_language: QtLanguage, built: DemoCommune, language: str, out: Path) -> None:
    """Every screen in ``language``, on a copy of the demo (the story changes it)."""
    set_language(language)
    qt_language.apply(language)
    album = Album(out, language)
    with tempfile.TemporaryDirectory(prefix=f"cds-screens-{language}-") as name:
        folder = Path(name)
        shutil.copytree(built.data_dir.root.parent, folder / "demo")
        demo = replace(built, data_dir=DataDir(folder / "demo" / COMMUNE_FOLDER))
        shoot_wizard(album, qt_language, demo, office_key_file(folder / "demo", folder), folder)
        service = open_commune_service(demo.data_dir.root, fixed_clock(demo.today))
        try:
            shoot_login(album, service, demo)
            Accounts(service).sign_in(demo.username, demo.password)
            add_people(service)
            desktop = DesktopApp(app, qt_language, service, demo.username, remember_geometry=False)
            window = desktop.show()
            window.resize(*SIZE)
            window.period_bar.choose(demo.plan_id, demo.period_id)
            try:
                shoot_draft(album, desktop, window, demo)
                shoot_road(album, window, demo, folder)
                shoot_accepted(album, window)
            finally:
                desktop.close()
                QApplication.processEvents()
        finally:
            service.close()


def render_office_album(app: QApplication, qt_language: QtLanguage, folder: Path, languages, out: Path) -> None:
    """The office's screens (``screenshots_office.py``) from one demo office, in each of ``languages``."""
    sys.modules.setdefault("screenshots", sys.modules[__name__])  # the sibling imports this module's helpers
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        import screenshots_office
    finally:
        sys.path.remove(str(Path(__file__).parent))
    from cds_desktop.core.services.demo_office import build_demo_office

    demo = build_demo_office(folder)
    usb = screenshots_office.usb_drive(folder, demo)
    for language in languages:
        set_language(language)
        qt_language.apply(language)
        screenshots_office.render_office(app, qt_language, demo, usb, language, out)


@contextmanager
def time_zone(name: str) -> Iterator[None]:
    """Show times in the zone ``name`` meanwhile (not on Windows: the pictures then use the computer's zone)."""
    if not hasattr(time, "tzset"):
        yield
        return
    previous = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/screenshots"))
    parser.add_argument("--language", choices=LANGUAGES, action="append",
                        help="only this language (repeatable; default: all)")
    parser.add_argument("--album", choices=ALBUMS, action="append",
                        help="only this album: the commune's or the office's (repeatable; default: both)")
    args = parser.parse_args(argv)
    albums = args.album or ALBUMS
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_language = QtLanguage(app)
    previous = current_language()
    try:
        with time_zone(TIME_ZONE), tempfile.TemporaryDirectory(prefix="cds-screens-") as folder:
            if "commune" in albums:
                (Path(folder) / "commune").mkdir()
                demo = build_demo(Path(folder) / "commune")
                for language in args.language or LANGUAGES:
                    render(app, qt_language, demo, language, args.out)
            if "office" in albums:
                render_office_album(app, qt_language, Path(folder) / "office-demo", args.language or LANGUAGES,
                                    args.out)
    finally:
        set_language(previous)
        qt_language.apply("en")  # Qt's own strings back to untranslated
        qt_language.deleteLater()
    return 0


if __name__ == "__main__":
    sys.exit(main())
