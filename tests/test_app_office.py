"""``cds-desktop`` on a receiving office's folder, through ``app.main`` with real event loops (see
``test_app_start.py`` for the driver): the sign-in first when it has accounts, then the office's window; at once
without accounts; signing out; what a clerk is offered; ``--demo office``; files on the command line — an office's
go to its inbox, a commune imports its office's receipt."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.demo_office import ADMIN, PASSWORD, PLAN_ID
from cds_desktop.core.services.backup import backup
from cds_desktop.core.services.office.service import OfficeService, open_office_service
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from cds_desktop.ui.commune.main_window import MainWindow
from cds_desktop.ui.office.main_window import OfficeWindow
from cds_desktop.ui.setup_wizard.wizard import SetupWizard
from cds_desktop.ui.shell.restart import request_restart
from support.office_pages import use_recording_pages
from test_app_start import _isolated, cancel_login, in_main_window, run, shown, sign_in  # noqa: F401 - autouse

OFFICE_NAME = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
OFFICE_PASS = "cụm mật khẩu của sở 2025"
ADMIN_USER, CLERK_USER = ("quan.tri", "Quan-tri 2025!"), ("van.thu", "Van-thu 2025!")
FIXTURES = Path(__file__).parent / "fixtures"


def _office(root: Path, *people) -> DataDir:
    service = OfficeService(DataDir(root), PlanCatalog.builtin())
    try:
        service.init_office("68", OFFICE_NAME, "province", OFFICE_PASS)
        accounts = Accounts(service)
        for index, ((username, password), roles) in enumerate(people):
            accounts.create(NewUser(username, username, frozenset(roles), password))
            if index == 0:
                accounts.sign_in(username, password)
        return service.data_dir
    finally:
        service.close()


def in_office_window(seen: list, then: Callable[[OfficeWindow], None] = OfficeWindow.close) -> Callable[[], bool]:
    """Note who acts in a new office window (not one ``seen`` already: a window closing for a restart may still
    show for a moment) and what it shows, then ``then`` (by default close it: the app quits)."""

    def office_window_step() -> bool:
        window = shown(OfficeWindow)
        if window is None or not window.is_open or any(entry["window"] is window for entry in seen):
            return False
        actions = {a.objectName() for a in window.file_menu.actions()}
        seen.append({"actor": window.workspace.actor, "title": window.windowTitle(), "actions": actions,
                     "page": window.current_page_name(), "window": window, "plan": window.workspace.plan_id,
                     "root": window.workspace.service.data_dir.root, "frozen": gc.get_freeze_count()})
        QTimer.singleShot(0, lambda: then(window))
        return True

    return office_window_step


def test_an_office_folder_without_accounts_opens_the_office_window_at_once(tmp_path):
    office = _office(tmp_path / "office")
    seen = []
    assert run(["--data-dir", str(office.root)], [in_office_window(seen)]) == 0
    (opened,) = seen
    assert OFFICE_NAME in opened["title"] and opened["actor"] not in ("", ADMIN_USER[0])
    assert "sign_out_action" not in opened["actions"] and {"settings_action", "backup_action"} <= opened["actions"]
    assert shown(SetupWizard) is None and shown(MainWindow) is None
    assert folder_kind(office.root) is FolderKind.OFFICE
    # what the open window and the service hold is frozen (no full collection pass over it while the clerk works),
    # and handed back to the collector when the run ends
    assert opened["frozen"] > 10_000 and gc.get_freeze_count() == 0


def test_with_accounts_the_sign_in_comes_first_and_a_wrong_password_is_shown(tmp_path):
    office = _office(tmp_path / "office", (ADMIN_USER, {Role.ADMIN}), (CLERK_USER, {Role.CLERK}))
    attempts, seen = [], []
    steps = [sign_in("wrong password", CLERK_USER[0]), sign_in(CLERK_USER[1], seen=attempts), in_office_window(seen)]
    assert run(["--data-dir", str(office.root), "--lang", "en"], steps) == 0
    assert attempts[0][0] == CLERK_USER[0] and attempts[0][1] != ""  # the dialog stayed, with the error
    assert seen[0]["actor"] == CLERK_USER[0] and "receiving office" in seen[0]["title"]


def test_a_clerk_is_not_offered_the_users_an_administrator_is(tmp_path):
    office = _office(tmp_path / "office", (ADMIN_USER, {Role.ADMIN}), (CLERK_USER, {Role.CLERK}))
    seen = []
    steps = [sign_in(CLERK_USER[1], CLERK_USER[0]), in_office_window(seen)]
    assert run(["--data-dir", str(office.root)], steps) == 0
    steps = [sign_in(ADMIN_USER[1], ADMIN_USER[0]), in_office_window(seen)]
    assert run(["--data-dir", str(office.root)], steps) == 0
    clerk, admin = seen
    assert "users_action" not in clerk["actions"] and "sign_out_action" in clerk["actions"]
    assert {"users_action", "change_password_action", "sign_out_action"} <= admin["actions"]


def _sign_out(window: OfficeWindow) -> None:
    next(a for a in window.file_menu.actions() if a.objectName() == "sign_out_action").trigger()


def test_signing_out_asks_again_and_the_next_person_finds_the_same_page(tmp_path, monkeypatch):
    use_recording_pages(monkeypatch)
    office = _office(tmp_path / "office", (ADMIN_USER, {Role.ADMIN}), (CLERK_USER, {Role.CLERK}))
    seen = []

    def to_submission_then_sign_out(window: OfficeWindow) -> None:
        window.workspace.show_page("submission")
        _sign_out(window)

    steps = [sign_in(ADMIN_USER[1], ADMIN_USER[0]), in_office_window(seen, then=to_submission_then_sign_out),
             sign_in(CLERK_USER[1], CLERK_USER[0]), in_office_window(seen)]
    assert run(["--data-dir", str(office.root)], steps) == 0
    assert [entry["actor"] for entry in seen] == [ADMIN_USER[0], CLERK_USER[0]]
    assert seen[1]["page"] == "submission" and seen[1]["window"] is not seen[0]["window"]


def test_signing_out_then_cancelling_quits(tmp_path):
    office = _office(tmp_path / "office", (ADMIN_USER, {Role.ADMIN}))
    seen = []
    steps = [sign_in(ADMIN_USER[1], ADMIN_USER[0]), in_office_window(seen, then=_sign_out), cancel_login]
    assert run(["--data-dir", str(office.root)], steps) == 0
    assert shown(OfficeWindow) is None and len(seen) == 1


def test_a_bundle_on_the_command_line_reaches_the_inbox(tmp_path, monkeypatch):
    use_recording_pages(monkeypatch)
    office = _office(tmp_path / "office")
    bundle = tmp_path / "usb" / "24751_dak-rlap-2023_2023Q3_r1.cdsb"
    bundle.parent.mkdir()
    bundle.write_bytes(b"CDSB")  # what the inbox does with it is the inbox's business
    seen = []
    assert run(["--data-dir", str(office.root), str(bundle)], [in_office_window(seen)]) == 0
    window = seen[0]["window"]
    assert seen[0]["page"] == "inbox" and window.page("inbox").imports == [[bundle.resolve()]]
    assert bundle.read_bytes() == b"CDSB"


def test_the_demo_office_opens_signed_in_with_its_progress_shown_at_once():
    progress, seen = [], []

    def progress_dialog_step() -> bool:
        dialog = shown(QProgressDialog)
        if dialog is None:
            return False
        progress.append(dialog.labelText())
        return True

    assert run(["--demo", "office"], [progress_dialog_step, in_office_window(seen)]) == 0
    assert progress == [translate("ui.demo.building_office")]
    (opened,) = seen
    assert opened["actor"] == ADMIN and opened["plan"] == PLAN_ID
    assert opened["title"].endswith(translate("ui.demo.office_title", title="", users="quan.tri, van.thu, truong.phong",
                                              password=PASSWORD)[1:].lstrip())
    assert "users_action" in opened["actions"]
    assert not opened["root"].exists() and not opened["root"].parent.exists()  # the temporary folder is gone


def test_restoring_an_office_backup_restarts_on_the_restored_office(tmp_path):
    office = _office(tmp_path / "office")
    service = open_office_service(office.root)
    try:
        info = backup(service, tmp_path / "usb")
        service.set_setting("language", "en")  # after the backup: the restore takes it back
    finally:
        service.close()
    seen = []
    steps = [in_office_window(seen, then=lambda window: request_restart(restore_from=info.folder)),
             in_office_window(seen)]
    assert run(["--data-dir", str(office.root)], steps) == 0
    assert "receiving office" in seen[0]["title"] and "cơ quan tiếp nhận" in seen[1]["title"]
    assert list(office.backups.glob("before-restore-*"))


# --- a commune given its office's receipt ---------------------------------------------------------

@pytest.fixture
def commune_with_receipt(tmp_path):
    """A commune folder (the mini plan installed) whose Q1 the office accepted; the receipt file; the bundle."""
    plan = load_plan_file(FIXTURES / "plans" / "mini.yaml")
    office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([plan]))
    commune = CommuneService(DataDir(tmp_path / "commune"), PlanCatalog([plan]))
    try:
        office.init_office("68", OFFICE_NAME, "province", OFFICE_PASS)
        (tmp_path / "communes.csv").write_text("code,name,province\n24751,Xã Nhân Cơ,68\n", encoding="utf-8")
        office.import_communes(tmp_path / "communes.csv")
        commune.init_commune("68", "24751", "Xã Nhân Cơ")
        exchange = CommuneExchange(commune)
        office.export_keys(tmp_path / "org-keys.json", OFFICE_PASS)
        exchange.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
        fingerprint = exchange.generate_key("mật khẩu xã 2025")
        exchange.export_enrollment(tmp_path / "enrollment.json")
        office.enroll(tmp_path / "enrollment.json", fingerprint)
        for code in ("1a", "1b", "1c", "2d"):
            commune.set_indicator("mini-plan", "2023Q1", code, {"numerator": "60", "denominator": "100"}, "lan")
        for code, value in (("2a", "3"), ("2b", "1"), ("2c", "Mô hình chợ 4.0")):
            commune.set_indicator("mini-plan", "2023Q1", code, {"value": value}, "lan")
        commune.submit("mini-plan", "2023Q1", "lan")
        commune.approve("mini-plan", "2023Q1", "chu_tich")
        written = exchange.export("mini-plan", "2023Q1", tmp_path / "usb", "mật khẩu xã 2025", "chu_tich")
        office.import_bundles([written.path], OFFICE_PASS)
        receipt = office.receipt("24751", "mini-plan", "2023Q1", tmp_path / "bien-nhan.json", OFFICE_PASS, "tp")
        shutil.copy(FIXTURES / "plans" / "mini.yaml", commune.data_dir.plans / "mini.yaml")
        return commune.data_dir, receipt, written.path
    finally:
        commune.close()
        office.close()


def message_box(named: str, seen: list) -> Callable[[], bool]:
    def message_box_step() -> bool:
        box = next((b for b in QApplication.topLevelWidgets()  # several may be open at once: the one named
                    if isinstance(b, QMessageBox) and b.isVisible() and b.objectName() == named), None)
        if box is None:
            return False
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()
        return True

    return message_box_step


def test_a_commune_imports_its_offices_receipt_given_on_the_command_line(commune_with_receipt):
    data, receipt, _ = commune_with_receipt
    boxes, seen = [], []
    steps = [message_box("receipt_result", boxes), in_main_window(seen)]
    assert run(["--data-dir", str(data.root), str(receipt)], steps) == 0
    assert boxes == [translate("ui.workflow.receipt_accepted", period="Quý 1 năm 2023")]
    commune = CommuneService(data, PlanCatalog([load_plan_file(FIXTURES / "plans" / "mini.yaml")]))
    try:
        assert commune.period("mini-plan", "2023Q1").office_status == "accepted"
    finally:
        commune.close()


def test_a_bundle_or_a_bad_receipt_given_to_a_commune_is_refused_with_a_message(commune_with_receipt, tmp_path):
    data, receipt, bundle = commune_with_receipt
    forged = tmp_path / "bien-nhan-sua.json"
    forged.write_bytes(receipt.read_bytes().replace(b"accepted", b"returned"))
    boxes, seen = [], []
    refusals = []
    steps = [message_box("open_file_refused", boxes), message_box("receipt_result", refusals), in_main_window(seen)]
    assert run(["--data-dir", str(data.root), str(bundle), str(forged)], steps) == 0
    assert boxes == [translate("ui.open_file.bundle_at_commune", file=bundle.name)]
    assert refusals == [translate("ui.workflow.receipt_refused", file=forged.name)]
