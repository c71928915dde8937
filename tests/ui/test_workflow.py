"""The period workflow in the main window: submit → approve with the passphrase → export through the dialog
(the bundle imports at a real test office) → the office's receipt; cancel leaves no file; a returned period
shows the office's reason and is editable again; the period picker shows deadlines, states and warnings."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.roles import Principal, Role
from cds_desktop.ui.commune.approve_dialog import ApproveDialog
from cds_desktop.ui.commune.export_dialog import ExportDialog
from tests.core.exchange.conftest import PASS_COMMUNE, PASS_OFFICE, exchange, office  # noqa: F401 - fixtures
from tests.ui.conftest import PERIOD, PLAN
from tests.ui.keyboard import send_back, submit
from tests.ui.test_translations import _plan_texts, _untranslated, _visible_texts

REASON = "Thiếu biên bản nghiệm thu chỉ tiêu 1a"


def fill(window) -> None:
    """Values that leave no error in the mini plan's 2023Q2, typed through the workspace like the form does."""
    workspace = window.workspace
    for code in ("1a", "1b", "1c", "2d"):
        workspace.set_indicator(code, "numerator", "60")
        workspace.set_indicator(code, "denominator", "100")
    workspace.set_indicator("2a", "value", "3")
    workspace.set_indicator("2b", "value", "1")
    workspace.set_indicator("2c", "value", "Mô hình chợ 4.0")
    assert not [p for p in workspace.snapshot().problems if p.is_error]


def approve_in_dialog(qtbot, window, passphrase: str, export_next: bool) -> ApproveDialog:
    dialog = window.workflow.approve()
    qtbot.addWidget(dialog)
    dialog.export_next.setChecked(export_next)
    dialog.passphrase.setText(passphrase)  # (QTest cannot type Vietnamese letters)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # Enter presses the default button
    qtbot.waitUntil(lambda: dialog.isEnabled(), timeout=20000)  # the key is unlocked in the background
    return dialog


def export_dialog(window) -> ExportDialog:
    (dialog,) = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    return dialog


def visible_buttons(window) -> list[str]:
    return [b.objectName() for b in window.workflow.buttons.values() if b.isVisibleTo(window.workflow)]


def test_submit_approve_export_and_the_bundle_imports_at_the_office(qtbot, window, service, exchange, office,
                                                                    tmp_path):
    fill(window)
    strip = window.workflow
    assert visible_buttons(window) == ["workflow_submit", "workflow_report"]
    submit(qtbot, window)
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED
    assert "lãnh đạo phê duyệt" in strip.step.text()
    assert visible_buttons(window) == ["workflow_approve", "workflow_send_back", "workflow_report"]

    wrong = approve_in_dialog(qtbot, window, "không đúng", export_next=True)
    assert wrong.isVisible() and wrong.error.isVisible() and wrong.error.text()
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED
    wrong.passphrase.setText(PASS_COMMUNE)
    wrong.ok.click()
    qtbot.waitUntil(lambda: not wrong.isVisible(), timeout=20000)
    assert service.period(PLAN, PERIOD).state is PeriodState.APPROVED

    dialog = export_dialog(window)  # opened right after signing, the passphrase typed once
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog.folder.setText(str(usb))
    assert dialog.passphrase.text() == PASS_COMMUNE
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    written = dialog.written
    assert written.path.parent == usb and written.path.is_file()
    assert dialog.file_name.text() == "24751_mini-plan_2023Q2_r1.cdsb"
    assert dialog.fingerprint.text() == written.fingerprint and len(written.fingerprint.split()) > 4
    dialog.copy()
    assert written.fingerprint in QApplication.clipboard().text()
    assert service.period(PLAN, PERIOD).state is PeriodState.EXPORTED
    assert visible_buttons(window) == ["workflow_receipt", "workflow_report"]

    (outcome,) = office.import_bundles([usb], PASS_OFFICE)
    assert (outcome.status, outcome.commune, outcome.period, outcome.revision) == ("accepted", "24751", PERIOD, 1)
    office.receipt("24751", PLAN, PERIOD, tmp_path / "receipt.json", PASS_OFFICE, "van_thu")
    box = strip.import_receipt(tmp_path / "receipt.json")
    qtbot.addWidget(box)
    assert "đã nhận báo cáo Quý 2 năm 2023" in box.text()
    assert window.period_bar.period_box.currentText() == "Quý 2 năm 2023 — hạn 03/06/2023 — Đã được tiếp nhận"
    assert strip.step.text() == translate("ui.workflow.step.accepted")
    assert strip.buttons[strip.receipt_action].styleSheet() == ""  # accepted: no next step is emphasised


def test_cancelling_the_export_leaves_no_file(qtbot, window, service, exchange, tmp_path):
    fill(window)
    service.submit(PLAN, PERIOD, "lan")
    exchange.approve(PLAN, PERIOD, PASS_COMMUNE, "chu_tich")
    dialog = window.workflow.export()
    qtbot.addWidget(dialog)
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog.folder.setText(str(usb))
    dialog.passphrase.setText(PASS_COMMUNE)
    gate = threading.Event()  # hold the background lane so that Cancel is pressed before the export runs
    window.workflow.tasks.run(lambda progress, cancel: gate.wait(10), lambda _: None, "wait")
    running = dialog.start()
    (cancel,) = running.dialog.findChildren(QPushButton)
    assert cancel.text() == "Hủy"
    cancel.click()
    gate.set()
    qtbot.waitUntil(lambda: dialog.running is None, timeout=20000)
    assert dialog.error.text() == translate("ui.workflow.export_cancelled")
    assert list(usb.iterdir()) == []
    assert service.period(PLAN, PERIOD).state is PeriodState.APPROVED
    assert dialog.isVisible() and dialog.pages.currentIndex() == 0  # the form, to try again


def test_a_returned_period_shows_the_reason_and_is_editable_again(qtbot, window, service, exchange, office,
                                                                 tmp_path):
    fill(window)
    service.submit(PLAN, PERIOD, "lan")
    exchange.approve(PLAN, PERIOD, PASS_COMMUNE, "chu_tich")
    exchange.export(PLAN, PERIOD, tmp_path, PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path], PASS_OFFICE)
    office.receipt("24751", PLAN, PERIOD, tmp_path / "r.json", PASS_OFFICE, "van_thu", returned_reason=REASON)
    window.period_bar.choose(PLAN, "2023Q1")  # the receipt opens the period it concerns

    box = window.workflow.import_receipt(tmp_path / "r.json")
    qtbot.addWidget(box)
    assert REASON in box.text() and "Lần báo cáo 2 đã được mở để sửa" in box.informativeText()
    assert window.workspace.period_id == PERIOD
    banner = window.workflow.banner
    assert banner.isVisibleTo(window) and REASON in banner.text() and "Lần báo cáo 2" in banner.text()
    snapshot = window.workspace.snapshot()
    assert snapshot.editable and snapshot.period.revision == 2
    assert window.period_bar.period_box.currentText().endswith("Bị trả lại để sửa")
    assert REASON in window.period_bar.period_model.index(window.period_bar.period_box.currentIndex()).data(3)
    window.workspace.set_indicator("1a", "numerator", "70")  # correcting it is possible
    assert service.entries(PLAN, PERIOD).indicators["1a"].numerator == "70"
    submit(qtbot, window)
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED
    assert banner.isVisibleTo(window)  # the reason stays in sight until the correction is exported


def test_submitting_with_errors_is_refused_and_shows_the_problems(qtbot, window, service):
    window.problems_dock.hide()
    window.workflow.submit_action.trigger()
    assert service.period(PLAN, PERIOD).state is PeriodState.DRAFT
    assert "7 lỗi" in window.notice.text()
    assert window.problems_dock.isVisible()
    assert "sửa 7 lỗi" in window.workflow.step.text()


def test_send_back_returns_an_approved_period_to_draft(qtbot, window, service):
    fill(window)
    window.workspace.mutate(lambda: service.submit(PLAN, PERIOD, "lan"))
    window.workspace.mutate(lambda: service.approve(PLAN, PERIOD, "chu_tich"))
    assert window.workflow.export_action.isEnabled() and window.workflow.send_back_action.isEnabled()
    send_back(qtbot, window, REASON)
    assert service.period(PLAN, PERIOD).state is PeriodState.DRAFT
    assert window.workspace.snapshot().editable
    assert not window.workflow.export_action.isEnabled()


def test_steps_the_signed_in_role_cannot_take_are_disabled(qtbot, window, service):
    fill(window)
    service.principal = Principal("lan", "Nguyễn Thị Lan", frozenset({Role.OFFICER}))
    submit(qtbot, window)
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED
    strip = window.workflow
    assert not strip.approve_action.isEnabled() and not strip.send_back_action.isEnabled()
    assert not strip.buttons[strip.approve_action].isEnabled()  # shown as the next step, for the leader
    service.principal = Principal("chu_tich", "Trần Văn Hùng", frozenset({Role.LEADER}))
    strip.refresh()
    assert strip.approve_action.isEnabled() and strip.send_back_action.isEnabled()


def test_the_period_picker_shows_deadlines_states_and_warnings(qtbot, window, clock):
    bar = window.period_bar
    assert bar.period_box.currentText() == "Quý 2 năm 2023 — hạn 03/06/2023 — Nháp"
    q1 = bar.period_model.index(bar.period_model.row_of("2023Q1"))
    assert q1.data() == "Quý 1 năm 2023 — hạn 03/03/2023 — Nháp — quá hạn"
    assert q1.data(9).name() == "#a11d16"  # ForegroundRole: overdue in red
    assert "Trước ngày 03 của tháng cuối quý" in q1.data(3)  # ToolTipRole: the deadline rule
    assert "Còn" not in bar.status.text()
    clock.advance(days=10)
    window.workspace.set_indicator("2c", "value", "Mô hình")
    assert "Còn 4 ngày đến hạn nộp" in bar.status.text()
    clock.advance(days=5)
    window.workspace.set_indicator("2c", "value", "Mô hình 2")
    assert bar.status.text().startswith("⚠ Đã quá hạn nộp")


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text)
    return match.group(1).lower() if match else None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_step_has_a_shortcut_and_its_own_access_key(qtbot, open_window, language):
    window = open_window(language)
    strip = window.workflow
    (menu,) = [m for m in window.menuBar().actions() if m.menu() and m.menu().objectName() == "period_menu"]
    assert menu.menu().actions() and all(a.shortcut().toString() for a in strip.actions_in_order())
    assert len({a.shortcut().toString() for a in strip.actions_in_order()}) == len(strip.actions_in_order())
    ours = [_mnemonic(menu.text()), *(_mnemonic(a.text()) for a in strip.actions_in_order())]
    assert None not in ours and len(set(ours)) == len(ours)
    others = [_mnemonic(a.text()) for a in window.menuBar().actions() if a is not menu]
    others += [_mnemonic(w.text()) for w in window.findChildren(QLabel) if w.buddy() is not None]
    others += [_mnemonic(b.text()) for b in window.findChildren(QPushButton) if b not in strip.buttons.values()]
    assert not set(ours) & set(others)
    window.workflow.submit_action.trigger()  # the step runs from the menu/shortcut action as from the button
    assert "7" in window.notice.text()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_workflow_dialogs_are_translated(qtbot, open_window, service, language):
    window = open_window(language)
    fill(window)
    submit(qtbot, window)
    texts = _visible_texts(window)
    approve = window.workflow.approve()
    export = window.workflow.export()
    assert export.error.text() == translate("ui.workflow.no_office_hint") and not export.export_button.isEnabled()
    texts += _visible_texts(export)
    export.pages.setCurrentIndex(1)
    export.fingerprint.setText("ABCD EFGH")
    for dialog in (approve, export):
        qtbot.addWidget(dialog)
        texts += _visible_texts(dialog)
    data = _plan_texts(service.plan(PLAN).model_dump(mode="json")) | {"Xã Nhân Cơ", "ABCD EFGH", str(Path.home())}
    assert _untranslated(texts, language, data) == []
