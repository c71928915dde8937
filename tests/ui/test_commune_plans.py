"""The commune's window and its office's plan files: the import question shows the office, the version, the change
note and the changes; a refusal says why; File → Import a plan file; the picker lists the office's plans first;
plan files beside the office's key file come with it. Real signed files from a real office the commune pinned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QFileDialog, QMessageBox, QPushButton

from cds_desktop.core.services.commune.exchange import CommuneExchange
from support.office_plans import OFFICE_PLAN, plan_text, write_plan_file
from tests.core.exchange.conftest import PASS_OFFICE, office  # noqa: F401 - fixture
from tests.ui.layout_checks import assert_no_clipped_text

SHOTS = Path("/tmp/commune-plans")


@pytest.fixture
def sign(service, office, tmp_path):  # noqa: F811 - the fixture
    """The commune has pinned the real office; returns a function writing plan files that office signed."""
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    CommuneExchange(service).import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    root = office._root_key(PASS_OFFICE)

    def write(version: int = 1, name: str | None = None, **fields) -> Path:
        return write_plan_file(root, "68", tmp_path / (name or f"{OFFICE_PLAN}-v{version}.cdsplan"), version, **fields)

    return write


def drop(window, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def shown(window, name: str) -> QMessageBox:
    (box,) = [b for b in window.findChildren(QMessageBox) if b.objectName() == name and b.isVisible()]
    return box


def plans_offered(window) -> list[str]:
    box = window.period_bar.plan_box
    return [box.itemData(row) for row in range(box.count())]


def test_a_signed_plan_file_dropped_is_imported_after_a_question_naming_the_office(qtbot, sign, service, window):
    path = sign(change_note="Ban hành lần đầu")
    drop(window, path)
    question = shown(window, "plan_import")
    assert "Sở Khoa học và Công nghệ tỉnh Lâm Đồng" in question.text() and "phiên bản 1" in question.text()
    assert OFFICE_PLAN in question.text() and "Ban hành lần đầu" in question.informativeText()
    assert OFFICE_PLAN not in {p.id for p in service.plans()}  # nothing before the answer
    question.findChild(QPushButton, "plan_import_yes").click()
    assert window.period_bar.plan_box.currentData() == OFFICE_PLAN
    assert plans_offered(window) == [OFFICE_PLAN]  # the example plan, without values, is no longer offered
    assert window.workspace.snapshot().plan.id == OFFICE_PLAN


def test_version_2_is_asked_with_its_changes_and_replaces_the_items_shown(qtbot, sign, service, window):
    service.import_plan_file(sign(1))
    window.workspace.plans_changed.emit()
    window.period_bar.choose(OFFICE_PLAN, "2023Q2")
    service.set_indicator(OFFICE_PLAN, "2023Q2", "1a", {"numerator": "85", "denominator": "100"}, "lan")
    question = window.offer_plan(sign(2, change_note="Nâng chỉ tiêu 1a lên 90%"))
    assert question.objectName() == "plan_import" and "thay cho phiên bản 1" in question.text()
    details = question.informativeText()
    assert "Thêm chỉ tiêu 2e" in details and "Bỏ chỉ tiêu 2c" in details
    assert re.search(r"Chỉ tiêu 1a đổi mục tiêu: ≥ 80\s?% thành ≥ 90\s?%", details)
    assert "Quý 2 năm 2023" in details and "2023Q2" not in details and "Nâng chỉ tiêu 1a lên 90%" in details
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "window-1366x768.png"))
    qtbot.waitExposed(question)
    question.grab().save(str(SHOTS / "plan-import-question.png"))
    assert_no_clipped_text(question)
    assert question.width() <= 1366 and question.height() <= 768
    question.findChild(QPushButton, "plan_import_yes").click()
    snapshot = window.workspace.snapshot()
    assert snapshot.plan.plan.plan_version == 2 and snapshot.plan.indicator("2c") is None
    assert snapshot.entries.indicators["1a"].numerator == "85"


def test_a_bare_yaml_plan_is_refused_with_the_reason(qtbot, window, service, tmp_path):
    bare = tmp_path / "ke-hoach.cdsplan"
    bare.write_text(plan_text(), "utf-8")
    drop(window, bare)
    refusal = shown(window, "plan_import_refused")
    assert refusal.text().startswith("Không nhập được tệp kế hoạch ke-hoach.cdsplan: ")
    assert "chưa được ký" in refusal.text()


def test_a_plan_file_without_an_office_pinned_says_to_import_the_key_file_first(qtbot, window, office,  # noqa: F811
                                                                               tmp_path):
    path = write_plan_file(office._root_key(PASS_OFFICE), "68", tmp_path / "plan.cdsplan")
    refusal = window.offer_plan(path)
    assert refusal.objectName() == "plan_import_refused" and "tệp khóa của cơ quan" in refusal.text()


def test_the_file_menu_opens_a_plan_file_dialog_then_the_question(qtbot, sign, window):
    (action,) = [a for a in window.file_menu.actions() if a.objectName() == "import_plan"]
    assert re.search(r"&\w", action.text())
    mnemonics = [re.search(r"&(.)", a.text()).group(1).lower() for a in window.file_menu.actions() if a.text()]
    assert len(mnemonics) == len(set(mnemonics))
    dialog = window.choose_plan_file()
    assert isinstance(dialog, QFileDialog) and any("*.cdsplan" in f for f in dialog.nameFilters())
    assert all(re.search(r"[A-Za-z]", f) for f in dialog.nameFilters())
    dialog.fileSelected.emit(str(sign()))
    assert OFFICE_PLAN in shown(window, "plan_import").text()
    dialog.close()


def test_a_plan_file_given_on_the_command_line_is_offered_and_imported(qtbot, sign, service):
    from cds_desktop.ui.shell.application import DesktopApp
    from cds_desktop.ui.shell.qt_translator import QtLanguage

    app = QApplication.instance()
    qt_language = QtLanguage(app)
    desktop = DesktopApp(app, qt_language, service, "can.bo.xa", remember_geometry=False)
    window = desktop.show()
    qtbot.addWidget(window)
    (question,) = desktop.open_files([sign()])
    assert question.objectName() == "plan_import" and OFFICE_PLAN in question.text()
    question.findChild(QPushButton, "plan_import_yes").click()
    assert OFFICE_PLAN in {p.id for p in service.plans()}
    desktop.tasks.wait()
    desktop.deleteLater()
    qt_language.deleteLater()


def test_plans_beside_the_office_key_file_come_with_it_in_one_notice(qtbot, sign, service, window, tmp_path):
    sign(1)  # written beside org-keys.json
    keys = window.show_keys()
    qtbot.addWidget(keys)
    same = keys.import_office(tmp_path / "org-keys.json")
    assert same.objectName() == "office_keys_same"
    assert "Đã nhập kèm 1 kế hoạch của cơ quan: “Kế hoạch chuyển đổi số thử nghiệm” phiên bản 1." in same.text()
    assert plans_offered(window)[0] == OFFICE_PLAN
    again = keys.import_office(tmp_path / "org-keys.json")  # nothing new beside it: nothing said about plans
    assert "kế hoạch" not in again.text()


def test_the_settings_screen_shows_the_example_plans_marked_as_such(qtbot, sign, service, window):
    service.import_plan_file(sign())
    window.workspace.plans_changed.emit()
    assert plans_offered(window) == [OFFICE_PLAN]
    settings = window.show_settings()
    qtbot.addWidget(settings)
    box = settings.findChild(QCheckBox, "show_example_plans")
    assert "&" in box.text() and not box.isChecked()
    box.setChecked(True)
    settings.save()
    assert plans_offered(window) == [OFFICE_PLAN, "mini-plan"]
    assert window.period_bar.plan_box.itemText(1).endswith("(kế hoạch mẫu)")
    assert_no_clipped_text(settings)
