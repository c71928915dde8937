"""The office's keys-and-communes page driven through its widgets, on a real office with real key files made by a
real commune service: enrol with the fingerprint read on the phone (a wrong one is refused), a rotation that needs
no call, revoke after a confirmation naming the commune, a new encryption key and an old one retired (the page
then reminds to send the key file), the key file exported with its letter (the PDF carries the fingerprint), the
buttons greyed for a clerk, and every text translated and unclipped at 1366×768 in Vietnamese and English."""

from __future__ import annotations


import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox, QPushButton

from cds_desktop.core.i18n import translate
from cds_desktop.core.provinces import provinces
from cds_desktop.core.reports.key_letter import fingerprint_lines
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office.communes_models import CommuneTableModel
from tests.core.exchange.conftest import (  # noqa: F401 - the office and exchange fixtures
    P,
    PASS_COMMUNE,
    PASS_OFFICE,
    Q1,
    exchange,
    fill_and_approve,
    later,
    office,
)
from support.office_pages import real_page_opener
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

NEW_PASS = "khóa mới của xã 2026"
PASSWORD = "mật khẩu đủ dài 2025"


@pytest.fixture
def unenrolled(service, office, tmp_path):
    """The commune of ``service`` with the office's key file pinned and a key of its own, not yet enrolled:
    (its exchange, its enrolment file, the key's fingerprint)."""
    commune = CommuneExchange(service)
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    commune.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    fingerprint = commune.generate_key(PASS_COMMUNE)
    commune.export_enrollment(tmp_path / "enrollment.json")
    return commune, tmp_path / "enrollment.json", fingerprint


@pytest.fixture
def open_page(qtbot, office):
    yield from real_page_opener(qtbot, office, "communes")


def _row(page, code: str):
    return next(page.communes.row(n) for n in range(page.communes.rowCount()) if page.communes.row(n).code == code)


def _shown(page, code: str, column: int) -> str:
    for row in range(page.shown.rowCount()):
        if page.shown.index(row, CommuneTableModel.CODE).data() == code:
            return page.shown.index(row, column).data()
    raise AssertionError(f"{code} is not shown")


def _confirm(page, accept: bool) -> None:
    box = page.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    button = box.findChild(QPushButton, "confirm") if accept else box.button(QMessageBox.StandardButton.Cancel)
    button.click()


def _give_passphrase(page, passphrase: str) -> None:
    dialog = page.dialog
    dialog.passphrase.setText(passphrase)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_enrol_a_commune_with_the_fingerprint_read_on_the_phone(qtbot, open_page, office, unenrolled, monkeypatch):
    _commune, enrolment, fingerprint = unenrolled
    page = open_page()
    assert _shown(page, "24751", CommuneTableModel.KEY) == "Chưa đăng ký"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(enrolment), "")))
    dialog = page.open_enrol()
    dialog.choose.click()
    assert dialog.fingerprint.text() == fingerprint and "Khóa của Xã Nhân Cơ (mã 24751)" == dialog.commune.text()
    assert dialog.typed.isVisible() and not dialog.enrol.isEnabled()  # not before the fingerprint is compared
    wrong = "AAAA " + fingerprint[5:]
    qtbot.keyClicks(dialog.typed, wrong.lower())
    assert dialog.match.text() == translate("ui.office_communes.enrol.differs") and not dialog.enrol.isEnabled()
    dialog.typed.clear()
    qtbot.keyClicks(dialog.typed, fingerprint[:9].lower())
    assert dialog.match.text() == translate("ui.office_communes.enrol.so_far") and not dialog.enrol.isEnabled()
    qtbot.keyClicks(dialog.typed, fingerprint[9:].replace(" ", "-"))  # dashes and case do not matter
    assert dialog.match.text() == translate("ui.office_communes.enrol.matches") and dialog.enrol.isEnabled()
    dialog.enrol.click()
    assert not dialog.isVisible()
    assert _shown(page, "24751", CommuneTableModel.KEY) == "Đã đăng ký"
    assert _shown(page, "24751", CommuneTableModel.FINGERPRINT) == fingerprint
    assert page.notices[-1] == (translate("ui.office_communes.enrol.done", name="Xã Nhân Cơ", code="24751",
                                          fingerprint=fingerprint), False)
    assert "1 đã đăng ký khóa" in page.count.text()


def test_a_wrong_fingerprint_is_refused_and_nothing_is_enrolled(qtbot, open_page, office, unenrolled):
    _commune, enrolment, fingerprint = unenrolled
    page = open_page()
    dialog = page.open_enrol()
    dialog.load(enrolment)
    qtbot.keyClicks(dialog.typed, "ABCD EFGH 2345 6723 ABCD EFGH 2345 6723")
    assert not dialog.enrol.isEnabled()
    dialog.buttons.accepted.emit()  # even if it were pressed: the service compares what was typed with the key
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == translate("error.keys.fingerprint_mismatch", expected=fingerprint)
    assert _row(page, "24751").key_state == "not_enrolled" and page.notices == []


def test_a_rotation_needs_no_call_and_a_revocation_names_the_commune(qtbot, open_page, office, exchange, tmp_path):
    old = exchange.unlock(PASS_COMMUNE).public.fingerprint
    new = exchange.generate_key(NEW_PASS, PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / "rotation.json")
    page = open_page()
    dialog = page.open_enrol()
    dialog.load(tmp_path / "rotation.json")
    assert not dialog.typed.isVisible() and dialog.enrol.isEnabled()
    assert dialog.how.text() == translate("ui.office_communes.enrol.rotation", previous=old)
    dialog.enrol.click()
    assert _shown(page, "24751", CommuneTableModel.KEY) == "Đã đổi khóa"
    assert _shown(page, "24751", CommuneTableModel.FINGERPRINT) == new

    assert not page.revoke.isEnabled()  # nothing selected
    assert page.select_commune("24751") and page.revoke.isEnabled()
    page.revoke.click()
    assert "Xã Nhân Cơ (mã 24751)" in page.dialog.text()
    _confirm(page, accept=False)
    assert _row(page, "24751").key_state == "key_rotated"
    page.revoke.click()
    _confirm(page, accept=True)
    assert _shown(page, "24751", CommuneTableModel.KEY) == "Đã thu hồi"
    assert _shown(page, "24751", CommuneTableModel.FINGERPRINT) == ""
    assert page.notices[-1][0] == translate("ui.office_communes.revoked", name="Xã Nhân Cơ", code="24751", count=2)
    page.select_commune("24751")
    assert not page.revoke.isEnabled()  # nothing left to revoke


def test_rotate_and_retire_the_office_key_then_export_the_key_file_and_letter(qtbot, open_page, office, tmp_path,
                                                                             monkeypatch, later):
    page = open_page()
    assert page.root.text().replace("\n", " ") == office.root_fingerprint() and not page.reminder.isVisible()
    later(1)
    page.rotate.click()
    _give_passphrase(page, "not the passphrase")
    qtbot.waitUntil(lambda: bool(page.notices), timeout=30000)
    assert page.notices[-1][1] and page.keys.rowCount() == 1  # refused: said, nothing made
    page.rotate.click()
    _give_passphrase(page, PASS_OFFICE)
    qtbot.waitUntil(lambda: page.keys.rowCount() == 2, timeout=30000)
    assert page.reminder.isVisible()
    first = page.keys.row(0)
    page.key_table.selectRow(0)
    page.retire.click()
    assert first.fingerprint in page.dialog.text()
    _confirm(page, accept=True)
    assert [page.keys.row(n).status for n in range(2)] == ["retired", "active"]
    page.key_table.selectRow(0)
    assert not page.retire.isEnabled()  # already retired

    key_file = tmp_path / "khoa-so-68.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(key_file), "")))
    page.export.click()
    _give_passphrase(page, PASS_OFFICE)
    letter = tmp_path / "khoa-so-68-cong-van.pdf"
    qtbot.waitUntil(lambda: letter.exists() and not page.reminder.isVisible(), timeout=30000)
    assert key_file.is_file()
    text = " ".join(PdfReader(letter).pages[0].extract_text().split())
    assert office.root_fingerprint() in text
    assert str(letter) in page.notices[-1][0] and not page.notices[-1][1]


def test_the_list_shows_the_last_report_and_finds_communes_without_tone_marks(qtbot, open_page, office, service,
                                                                              exchange, tmp_path):
    fill_and_approve(service, exchange)
    bundle = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    office.import_bundles([bundle.path], PASS_OFFICE)
    page = open_page()
    assert _shown(page, "24751", CommuneTableModel.LAST_REPORT) == "Quý 1 năm 2023, lần 1"
    assert _shown(page, "24751", CommuneTableModel.RECEIVED)
    qtbot.keyClicks(page.search, "bac gia")
    assert page.shown.rowCount() == 1 and _shown(page, "24752", CommuneTableModel.NAME) == "Phường Bắc Gia Nghĩa"
    assert page.count.text().startswith("1/2 xã")
    page.search.clear()
    page.table.sortByColumn(CommuneTableModel.KEY, Qt.SortOrder.AscendingOrder)
    assert page.shown.index(0, CommuneTableModel.CODE).data() == "24752"  # not enrolled first: it needs a hand


def test_only_an_administrator_has_the_buttons(qtbot, open_page, office):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    accounts.sign_in("vanthu", PASSWORD)
    page = open_page()
    buttons = (page.export, page.rotate, page.enrol, page.add)
    assert not any(button.isEnabled() for button in buttons)
    assert page.export.toolTip() == translate("ui.office_communes.admin_only")
    accounts.sign_in("quantri", PASSWORD)
    page.reload()
    assert all(button.isEnabled() for button in buttons)


def test_add_communes_from_the_official_list(qtbot, open_page, office):
    page = open_page()
    dialog = page.open_add()
    # the office's province; Xã Nhân Cơ is listed already (the fixture's 24752 is not in the official list)
    assert dialog.province.code() == "68" and dialog.picker.count.text() == "Đã chọn 1/124 xã"
    dialog.picker.search.setText("gia nghia")
    dialog.picker.all.click()
    dialog.add.click()
    assert not dialog.isVisible()
    assert page.communes.rowCount() == 5 and page.reminder.isVisible()  # the key file must list them
    assert [_row(page, code).name for code in ("24611", "24615", "24617")] == [
        "Phường Bắc Gia Nghĩa", "Phường Nam Gia Nghĩa", "Phường Đông Gia Nghĩa"]
    assert page.notices[-1][0] == translate("ui.office_communes.add.done", count=3)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_text_is_translated_and_nothing_is_clipped(qtbot, open_page, office, unenrolled, tmp_path, language):
    _commune, enrolment, fingerprint = unenrolled
    page = open_page(language)
    identity = office.require_identity()
    root = office.root_fingerprint()
    data = {identity.name, "Xã Nhân Cơ", "Phường Bắc Gia Nghĩa", str(enrolment), root,
            "\n".join(fingerprint_lines(root)), fingerprint, *(key.fingerprint for key in office.encryption_keys()), *(p.name for p in provinces())}
    QApplication.processEvents()
    texts = _visible_texts(page.window())
    assert_no_clipped_text(page.window())
    page.reminder.show()
    QApplication.processEvents()
    assert_no_clipped_text(page.window())
    for open_dialog in (lambda: page.open_enrol(), lambda: page.open_add(), lambda: page.rotate.click()):
        open_dialog()
        dialog = page.dialog
        if hasattr(dialog, "load"):
            dialog.load(enrolment)
        QApplication.processEvents()
        texts += _visible_texts(dialog)
        assert_no_clipped_text(dialog)
        dialog.close()
    assert _untranslated(texts, language, data) == []
