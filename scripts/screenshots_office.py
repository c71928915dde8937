"""The receiving office's album for ``scripts/screenshots.py``: every office screen at 1366×768, one language a run.

Uses the demo office (``cds_desktop.core.services.demo_office``: Sở KHCN Lâm Đồng, 40 communes, the built-in
Đăk R'lấp 2023 plan, its third quarter the story) on the demo's fixed day (06/12/2023) and drives each screen
through its widgets, as a person would: the wizard's office pages on a new folder; signed in as the demo's
administrator (also a head of office) the completeness matrix (home), the communes not yet reported with the
matrix filtered on them, the reminder letter, Xã Nhân Cơ's revision 2 (returned, corrected, sent again) on each
of its tabs, the decision dialog (returning it, with a reason), keys and communes, the consolidated report, the
results of the quarter (table, charts, trend, values worth a call), the Plans page with a plan started from the
2026 template, that plan in the editor and the publish dialog; then, signed in as the clerk, the inbox after
importing a USB folder (a new late report, a copy of one already imported, a damaged file) and the import log.
``OFFICE_SCREENS`` lists them in order (``docs/screens.md``; the plans' screens come last there).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from cds_desktop.core.paths import DataDir
from cds_desktop.core.storage.server import ServerSettings
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.demo import LEADER, OFFICER, fixed_clock
from cds_desktop.core.services.demo_office import (
    CLERK,
    COMMUNES_FOLDER,
    EXCHANGE_FOLDER,
    OFFICE_FOLDER,
    DemoOffice,
)
from cds_desktop.core.services.office.dashboard import CellState
from cds_desktop.core.services.office.results import PeriodResults
from cds_desktop.core.services.office.results_charts import charted
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office.application import OfficeApp
from cds_desktop.ui.office.decision_dialog import DecisionKind
from cds_desktop.ui.office.results_page import CHARTS_TAB as RESULTS_CHARTS
from cds_desktop.ui.office.results_page import OUTLIERS_TAB as RESULTS_OUTLIERS
from cds_desktop.ui.office.results_page import TREND_TAB as RESULTS_TREND
from cds_desktop.ui.office.submission_page import TABS
from cds_desktop.ui.setup_wizard.wizard import Page, SetupWizard
from cds_desktop.ui.shell.qt_translator import QtLanguage

from screenshots import SIZE, Album, composite, desktop_background, wait_until, window_picture

OFFICE_SCREENS = (
    "wizard-office-identity", "wizard-office-communes", "wizard-office-accounts", "wizard-office-key",
    "wizard-office-summary",
    "completeness", "not-reported", "reminder",
    *(f"submission-{tab}" for tab in TABS), "decision-return", "communes", "report-preview",
    "results", "results-charts", "results-trend", "results-outliers",
    "inbox", "import-log",
    "plans", "plan-editor-identity", "plan-editor-indicator", "plan-editor-task", "plan-editor-schedule",
    "plan-publish",
    "wizard-office-database", "wizard-office-server",  # the wizard's first office page (listed last: numbers kept)
)
WIZARD_ACCOUNTS = (("quan.tri", "Trần Văn Quân", (Role.ADMIN, Role.HEAD), "Quan tri So KHCN Lam Dong 2025"),
                   ("van.thu", "Lê Thị Thu", (Role.CLERK,), "Van thu So KHCN Lam Dong 2025"))
WIZARD_PASSPHRASE = "Khoa cua So KHCN Lam Dong, 2025"
RETURN_REASON = "Số hồ sơ trực tuyến chưa khớp với sổ theo dõi của Bộ phận Một cửa; đề nghị kiểm tra và gửi lại."
USB = "USB"


def office_album(out: Path, language: str) -> Album:
    return Album(out, language, OFFICE_SCREENS, prefix="office-")


# --- the USB drive of the inbox ----------------------------------------------------------------------

def usb_drive(root: Path, demo: DemoOffice) -> Path:
    """``root / USB``: the third quarter of the commune that had enrolled but sent nothing (late now), a copy of a
    report the office has, and a damaged copy of another. Made once: the commune's key unlocks with scrypt."""
    usb = root / USB
    usb.mkdir()
    reported = set(demo.on_time) | set(demo.late)
    silent = sorted(p.name for p in (root / COMMUNES_FOLDER).iterdir() if p.name not in reported)[0]
    service = CommuneService(DataDir(root / COMMUNES_FOLDER / silent), PlanCatalog.builtin(), fixed_clock(demo.today))
    try:
        service.submit(demo.plan_id, demo.period_id, OFFICER)
        service.approve(demo.plan_id, demo.period_id, LEADER)
        CommuneExchange(service).export(demo.plan_id, demo.period_id, usb, demo.password, LEADER)
    finally:
        service.close()
    sent = sorted((root / EXCHANGE_FOLDER / demo.period_id).glob("*.cdsb"))
    shutil.copy2(sent[0], usb / sent[0].name)
    damaged = bytearray(sent[1].read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (usb / "hong").mkdir()
    (usb / "hong" / sent[1].name).write_bytes(bytes(damaged))
    return usb


# --- the wizard's office pages -----------------------------------------------------------------------

def shoot_wizard(album: Album, qt_language: QtLanguage, demo: DemoOffice, folder: Path) -> None:
    wizard = SetupWizard(DataDir(folder / "new-office"), qt_language, clock=fixed_clock(demo.today))
    wizard.show()

    def shot(name: str) -> None:
        album.save(name, composite(desktop_background(), wizard))

    def next_page(expected: Page) -> None:
        wizard.button(QWizard.WizardButton.NextButton).click()
        if wizard.currentId() != expected:
            raise RuntimeError(f"the wizard stayed on page {Page(wizard.currentId()).name}")

    try:
        next_page(Page.KIND)
        wizard.kind_page.office.click()
        next_page(Page.OFFICE_DATABASE)
        shot("wizard-office-database")
        database = wizard.office_database_page
        database.server.click()
        database.form.set_settings(ServerSettings("192.168.1.10", "so_khcn", "van_thu", tls="require"))
        shot("wizard-office-server")
        database.local.click()
        next_page(Page.OFFICE_IDENTITY)
        identity = wizard.office_identity_page
        identity.province.choose("68")
        identity.name.setText("Sở Khoa học và Công nghệ tỉnh Lâm Đồng")
        shot("wizard-office-identity")
        next_page(Page.OFFICE_COMMUNES)
        picker = wizard.office_communes_page.picker
        picker.search.setText("Gia Nghĩa")
        shot("wizard-office-communes")
        picker.search.clear()
        next_page(Page.OFFICE_ACCOUNTS)
        form = wizard.office_accounts_page.form
        for username, name, roles, password in WIZARD_ACCOUNTS:
            form.username.setText(username)
            form.display_name.setText(name)
            form.roles.set_roles(frozenset(roles))
            form.password.first.setText(password)
            form.password.repeat.setText(password)
            wizard.office_accounts_page.add.click()
        shot("wizard-office-accounts")
        next_page(Page.OFFICE_KEY)
        wizard.office_key_page.passphrase.first.setText(WIZARD_PASSPHRASE)
        wizard.office_key_page.passphrase.repeat.setText(WIZARD_PASSPHRASE)
        shot("wizard-office-key")
        next_page(Page.OFFICE_SUMMARY)
        shot("wizard-office-summary")
    finally:
        wizard.tasks.wait()
        wizard.close()
        wizard.deleteLater()


# --- the office's window -------------------------------------------------------------------------------

def open_window(app: QApplication, qt_language: QtLanguage, office: OfficeService, username: str,
                password: str) -> OfficeApp:
    Accounts(office).sign_in(username, password)
    desktop = OfficeApp(app, qt_language, office, username, remember_geometry=False)
    desktop.show().resize(*SIZE)
    return desktop


def shoot_home(album: Album, window, demo: DemoOffice) -> None:
    page = window.show_page("completeness")
    wait_until(lambda: page.running is None and page.proxy.rowCount() > 0)
    page.period_box.setCurrentIndex(page.period_box.findData(demo.period_id))
    wait_until(lambda: page.running is None)
    album.save("completeness", window_picture(window))

    page.state_box.setCurrentIndex(page.state_box.findData(CellState.NOT_RECEIVED.value))
    wait_until(lambda: page.running is None and page.missing_model.rowCount() > 0)
    page.missing_view.setFocus()
    page.missing_view.selectionModel().setCurrentIndex(page.missing_model.index(0, 0),
                                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
    album.save("not-reported", window_picture(window))

    reminder = page.open_reminder()
    wait_until(lambda: reminder.running is None and reminder.preview is not None)
    album.save("reminder", composite(window_picture(window), reminder))
    reminder.close()
    page.state_box.setCurrentIndex(0)


def shoot_submission(album: Album, window, demo: DemoOffice, folder: Path) -> None:
    window.workspace.show_submission(demo.returned, demo.plan_id, demo.period_id)
    page = window.page("submission")
    wait_until(lambda: window.current_page_name() == "submission" and page.detail is not None)
    for index, tab in enumerate(TABS):
        page.tabs.setCurrentIndex(index)
        table = page.tables[tab]
        if table.model().rowCount():
            table.setFocus()
            table.selectRow(0)
        album.save(f"submission-{tab}", window_picture(window))
    page.tabs.setCurrentIndex(0)

    dialog = page.decide(DecisionKind.RETURN)
    dialog.reason.setPlainText(RETURN_REASON)
    dialog.folder.setText(str(folder / "bien-nhan"))
    dialog.passphrase.setText(demo.password)
    dialog.passphrase.setFocus()
    album.save("decision-return", composite(window_picture(window), dialog))
    dialog.close()

    preview = page.preview_report()
    wait_until(lambda: bool(preview.pages()) and preview.running is None)
    album.save("report-preview", composite(window_picture(window), preview))
    preview.close()


def shoot_communes(album: Album, window, demo: DemoOffice) -> None:
    page = window.show_page("communes")
    wait_until(lambda: getattr(page, "running", None) is None)
    page.select_commune(demo.returned)
    album.save("communes", window_picture(window))


def widest_spread(results: PeriodResults) -> str:
    """The charted indicator whose communes gave the most different values: the charts with the most to show."""
    width = len(results.indicators)
    spread = {indicator.code: len({cell.result for cell in results.cells[column::width] if cell.result is not None})
              for column, indicator in enumerate(results.indicators) if charted(indicator)}
    return max(spread, key=lambda code: spread[code])


def shoot_results(album: Album, window, demo: DemoOffice) -> None:
    """The results of the story's quarter: the table, the charts and trend of the indicator with the widest spread
    with the returned commune compared, and the values worth a call."""
    page = window.show_page("results")
    wait_until(lambda: page.running is None and page.model.results is not None)
    if page.period_id != demo.period_id:
        page.period_box.setCurrentIndex(page.period_box.findData(demo.period_id))
        wait_until(lambda: page.running is None and page.model.results.period_id == demo.period_id)
    page.table.setFocus()
    album.save("results", window_picture(window))
    page.tabs.setCurrentIndex(RESULTS_CHARTS)
    code = widest_spread(page.model.results)
    page.indicator_box.setCurrentIndex(page.indicator_box.findData(code))
    wait_until(lambda: page.chart_running is None and page.sorted_chart.data.code == code)
    page.commune_box.setCurrentIndex(page.commune_box.findData(demo.returned))
    wait_until(lambda: page.chart_running is None and page.sorted_chart.data.commune_code == demo.returned)
    album.save("results-charts", window_picture(window))
    page.tabs.setCurrentIndex(RESULTS_TREND)
    album.save("results-trend", window_picture(window))
    page.tabs.setCurrentIndex(RESULTS_OUTLIERS)
    if page.outliers_model.rowCount():
        page.outliers_table.setFocus()
        page.outliers_table.selectRow(0)
    album.save("results-outliers", window_picture(window))
    page.tabs.setCurrentIndex(0)


def shoot_inbox(album: Album, window, demo: DemoOffice, usb: Path) -> None:
    window.workspace.request_import([usb])
    inbox = window.page("inbox")
    wait_until(lambda: inbox.passphrase_dialog is not None and inbox.passphrase_dialog.isVisible())
    inbox.passphrase_dialog.field.setText(demo.password)
    inbox.passphrase_dialog._give()  # what its OK button and Enter do
    wait_until(lambda: inbox.running is None and inbox.passphrase_dialog is None and inbox.model.rowCount() == 3)
    refused = next(row for row, line in enumerate(inbox.model.lines()) if line.kind.value == "refused")
    inbox.table.setFocus()
    inbox.table.selectRow(inbox.proxy.mapFromSource(inbox.model.index(refused, 0)).row())
    album.save("inbox", window_picture(window))
    inbox.tabs.setCurrentIndex(1)
    album.save("import-log", window_picture(window))


def shoot_plans(album: Album, window) -> None:
    """The Plans page, a plan started from the 2026 template in the editor (identity, an indicator, the schedule, a
    task added) and the publish dialog (not confirmed: nothing is signed)."""
    page = window.show_page("plans")
    page.new_from_template.click()
    page.dialog.accept()
    editor = page.editor
    editor.check()
    for name, path in (("identity", ("plan",)), ("indicator", ("groups", 0, "indicators", 0)),
                       ("schedule", ("schedule",))):
        editor.select(path)
        album.save(f"plan-editor-{name}", composite(window_picture(window), editor))
    editor.select(("groups", 0))
    editor.add_task.click()  # the template has no task: one added, the problem list asks for its title
    editor.check()
    album.save("plan-editor-task", composite(window_picture(window), editor))
    editor.reject()
    editor.question.button(QMessageBox.StandardButton.Discard).click()  # the added task is not kept
    album.save("plans", window_picture(window))
    page.publish.click()
    album.save("plan-publish", composite(window_picture(window), page.dialog))
    page.dialog.reject()


def render_office(app: QApplication, qt_language: QtLanguage, built: DemoOffice, usb: Path, language: str,
                  out: Path) -> None:
    """Every office screen in ``language`` (already applied), on a copy of the demo office (the inbox changes
    it)."""
    album = office_album(out, language)
    with tempfile.TemporaryDirectory(prefix=f"cds-office-screens-{language}-") as name:
        folder = Path(name)
        shoot_wizard(album, qt_language, built, folder)
        shutil.copytree(built.data_dir.root, folder / OFFICE_FOLDER)
        clock = fixed_clock(built.today, hour=10)
        office = OfficeService(DataDir(folder / OFFICE_FOLDER), PlanCatalog.builtin(), clock)
        try:
            desktop = open_window(app, qt_language, office, built.username, built.password)
            try:
                shoot_home(album, desktop.window, built)
                shoot_submission(album, desktop.window, built, folder)
                shoot_communes(album, desktop.window, built)
                shoot_results(album, desktop.window, built)
                shoot_plans(album, desktop.window)
            finally:
                desktop.close()
                QApplication.processEvents()
            desktop = open_window(app, qt_language, office, CLERK, built.password)
            try:
                shoot_inbox(album, desktop.window, built, usb)
            finally:
                desktop.close()
                QApplication.processEvents()
        finally:
            office.close()
