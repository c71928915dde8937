"""The commune's Keys-and-office screen with real services: the signing key's fingerprint, the enrolment file a
real office enrols, the letter's PDF text, the office's key file imported later (first pin, a rotation of its
encryption keys, another root), the signing key replaced and exported again, roles refused by the services and
greyed out; plan files given on the command line or dropped on the window."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QPushButton

from cds_desktop.core.errors import InputError, PermissionDeniedError
from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.enrollment_letter import write_enrollment_letter
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Principal, Role
from cds_desktop.ui.commune.approve_dialog import ERROR_STYLE
from cds_desktop.ui.commune.keys_dialog import KeysDialog
from cds_desktop.ui.commune.keys_office import ConfirmOfficeDialog
from tests.core.exchange.conftest import PASS_COMMUNE, PASS_OFFICE, office  # noqa: F401 - fixture
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

NEW_PASS = "khóa ký mới của xã Nhân Cơ 2026"


@pytest.fixture
def commune_key(service):
    return CommuneExchange(service).generate_key(PASS_COMMUNE)


def open_keys(qtbot, window) -> KeysDialog:
    dialog = window.show_keys()
    qtbot.addWidget(dialog)
    return dialog


def pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_the_screen_shows_the_signing_fingerprint_large(qtbot, window, commune_key):
    dialog = open_keys(qtbot, window)
    assert dialog.fingerprint.text() == commune_key
    assert dialog.fingerprint.font().pointSizeF() >= 1.8 * QApplication.font().pointSizeF()
    assert dialog.office.text() == translate("ui.keys.office.none")
    assert not dialog.office_fingerprint.isVisible()


def test_the_exported_enrolment_file_is_enrolled_by_the_real_office(qtbot, window, commune_key, office, tmp_path):
    dialog = open_keys(qtbot, window)
    usb = tmp_path / "usb"
    usb.mkdir()
    out = dialog.export_to(usb)
    assert out == usb / "dang-ky-khoa-24751.json" and commune_key in dialog.message.text()
    assert [p.name for p in usb.iterdir()] == [out.name]  # nothing half-written left beside it
    assert office.enrollment_claims(out) == ("24751", "Xã Nhân Cơ", commune_key, False)
    assert office.enroll(out, commune_key) == "24751"


def test_the_letter_carries_the_fingerprint(qtbot, window, service, commune_key, office, tmp_path):
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    CommuneExchange(service).import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    written = write_enrollment_letter(CommuneExchange(service), tmp_path / "letter.pdf")
    text = pdf_text(written.path)
    assert len(pdfium.PdfDocument(str(written.path))) == 1
    lines = [line.strip() for line in text.splitlines()]
    groups = commune_key.split()
    assert " ".join(groups[:4]) in lines and " ".join(groups[4:]) in lines
    assert "Kính gửi: Sở Khoa học và Công nghệ tỉnh Lâm Đồng." in text.replace("\r", "")
    assert "ỦY BAN NHÂN DÂN" in text and "dang-ky-khoa-24751.json" in text

    preview = open_keys(qtbot, window).show_letter()  # the same letter, previewed and saved through the dialog
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.pdf is not None, timeout=30000)
    assert preview.save_to(tmp_path / "saved.pdf")
    assert " ".join(groups[:4]) in pdf_text(tmp_path / "saved.pdf")


def test_the_office_key_file_imported_later_is_pinned_after_the_phone_check(qtbot, window, service, commune_key,
                                                                           office, tmp_path):
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    dialog = open_keys(qtbot, window)
    confirm = dialog.import_office(tmp_path / "org-keys.json")
    assert isinstance(confirm, ConfirmOfficeDialog)
    assert confirm.fingerprint.text() == office.root_fingerprint()
    assert not confirm.import_button.isEnabled()  # not before the fingerprint was compared
    qtbot.keyClick(confirm.confirmed, Qt.Key.Key_Space)
    qtbot.mouseClick(confirm.import_button, Qt.MouseButton.LeftButton)
    pinned = CommuneExchange(service).pinned_office()
    assert pinned is not None and pinned.root.fingerprint == office.root_fingerprint()
    assert dialog.office_fingerprint.text() == office.root_fingerprint()
    assert "Sở Khoa học và Công nghệ tỉnh Lâm Đồng" in dialog.office.text()
    assert dialog.encryption_model.rowCount() == 1
    assert service.unit().office_code == "68"


def test_a_rotated_office_key_file_needs_no_confirmation_and_says_so(qtbot, window, service, commune_key, office,
                                                                    tmp_path, clock):
    office.export_keys(tmp_path / "v1.json", PASS_OFFICE)
    CommuneExchange(service).import_office_keys(tmp_path / "v1.json", office.root_fingerprint())
    clock.advance(days=1)
    office.rotate_encryption_key(PASS_OFFICE)
    office.retire_encryption_key(CommuneExchange(service).pinned_office().body.encryption_keys[0].key_id)
    office.export_keys(tmp_path / "v2.json", PASS_OFFICE)
    dialog = open_keys(qtbot, window)
    question = dialog.import_office(tmp_path / "v2.json")
    assert question.objectName() == "office_keys_rotation"
    assert "không cần đối chiếu lại" in question.text() and "1 khóa mã hóa mới" in question.text()
    question.findChild(QPushButton, "office_keys_rotation_yes").click()
    assert CommuneExchange(service).pinned_office().body.list_version == 2
    assert dialog.encryption_model.rowCount() == 2
    states = {dialog.encryption_model.index(row, 1).data() for row in range(2)}
    assert states == {"Đang dùng", "Đã thôi dùng (chỉ để mở báo cáo cũ)"}
    again = dialog.import_office(tmp_path / "v2.json")
    assert again.objectName() == "office_keys_same"


def test_another_root_is_refused_without_a_new_phone_check_and_says_why(qtbot, window, service, commune_key,
                                                                        office, tmp_path, mini_plan, clock):
    office.export_keys(tmp_path / "old.json", PASS_OFFICE)
    exchange = CommuneExchange(service)
    exchange.import_office_keys(tmp_path / "old.json", office.root_fingerprint())
    remade = OfficeService(DataDir(tmp_path / "remade"), PlanCatalog([mini_plan]), clock)
    remade.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    remade.export_keys(tmp_path / "new.json", PASS_OFFICE)
    with pytest.raises(InputError) as refused:
        exchange.import_office_keys(tmp_path / "new.json")
    assert refused.value.code == "keys.office_root_changed"
    assert remade.root_fingerprint() in refused.value.message()

    dialog = open_keys(qtbot, window)
    confirm = dialog.import_office(tmp_path / "new.json")
    assert isinstance(confirm, ConfirmOfficeDialog)
    assert office.root_fingerprint() in confirm.why.text() and "khóa gốc khác" in confirm.why.text()
    confirm.confirmed.setChecked(True)
    confirm.accept()
    assert exchange.pinned_office().root.fingerprint == remade.root_fingerprint()
    remade.close()


def test_a_replaced_signing_key_is_exported_again_and_the_office_enrols_it(qtbot, window, service, commune_key,
                                                                         office, tmp_path):
    office.enroll(CommuneExchange(service).export_enrollment(tmp_path / "first.json") and tmp_path / "first.json",
                  commune_key)
    dialog = open_keys(qtbot, window)
    rotate = dialog.show_rotate()
    qtbot.addWidget(rotate)
    rotate.old.setText(PASS_COMMUNE)
    rotate.new.setText("12345")
    rotate.repeat.setText("12345")
    rotate.rotate()
    assert rotate.error.isVisibleTo(rotate) and rotate.isVisible()  # too short: refused before any key is made
    rotate.new.setText(NEW_PASS)
    rotate.repeat.setText(NEW_PASS)
    rotate.rotate()
    qtbot.waitUntil(lambda: not rotate.isVisible(), timeout=30000)
    new_fingerprint = dialog.fingerprint.text()
    assert new_fingerprint != commune_key and "thay cho khóa trước" in dialog.key_created.text()
    assert "gửi cho cơ quan tiếp nhận" in dialog.message.text() and new_fingerprint in dialog.message.text()
    out = dialog.export_to(tmp_path / "usb")
    assert office.enrollment_claims(out) == ("24751", "Xã Nhân Cơ", new_fingerprint, True)
    assert office.enroll(out) == "24751"  # vouched for by the enrolled key: no phone check needed


@pytest.mark.parametrize("role", [Role.OFFICER])
def test_who_lacks_the_right_is_refused_by_the_services_and_sees_the_buttons_greyed(qtbot, window, service,
                                                                                   commune_key, office, tmp_path,
                                                                                   role):
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    service.principal = Principal("lan", "Nguyễn Thị Lan", frozenset({role}))
    exchange = CommuneExchange(service)
    for refused in (lambda: exchange.export_enrollment(tmp_path / "e.json"),
                    lambda: exchange.generate_key(NEW_PASS, PASS_COMMUNE),
                    lambda: exchange.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint()),
                    lambda: write_enrollment_letter(exchange, tmp_path / "l.pdf")):
        with pytest.raises(PermissionDeniedError):
            refused()
    assert not list(tmp_path.glob("e.json")) and not list(tmp_path.glob("l.pdf"))
    dialog = open_keys(qtbot, window)
    assert dialog.fingerprint.text() == commune_key  # seeing it is harmless
    assert not any(b.isEnabled() for b in (dialog.export_button, dialog.letter_button, dialog.rotate_button,
                                           dialog.import_button))
    assert dialog.not_allowed.isVisible()

    service.principal = Principal("hung", "Trần Văn Hùng", frozenset({Role.LEADER}))  # signs, but no office keys
    with pytest.raises(PermissionDeniedError):
        exchange.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    dialog.refresh()
    assert dialog.export_button.isEnabled() and not dialog.import_button.isEnabled()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_screen_fits_1366x768_untranslated_nothing_and_has_access_keys(qtbot, open_window, service, office,
                                                                         tmp_path, language):
    window = open_window(language)
    exchange = CommuneExchange(service)
    exchange.generate_key(PASS_COMMUNE)
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    exchange.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    dialog = open_keys(qtbot, window)
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1366 and dialog.height() <= 768 - 40
    assert_no_clipped_text(dialog)
    data = {"Xã Nhân Cơ", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", exchange.signing_fingerprint(),
            office.root_fingerprint()}
    data |= {dialog.encryption_model.index(0, 0).data()}
    assert _untranslated(_visible_texts(dialog), language, data) == []
    keys = [re.search(r"&(.)", b.text()).group(1).lower() for b in dialog.findChildren(QPushButton)
            if b.isVisible() and b.text()]
    keys += [re.search(r"&(.)", label.text()).group(1).lower() for label in dialog.findChildren(QLabel)
             if label.buddy() is not None]
    assert len(keys) == len(set(keys)) >= 5
    (entry,) = [a for a in window.file_menu.actions() if a.objectName() == "show_keys"]
    assert re.search(r"&.", entry.text())
    mnemonics = [re.search(r"&(.)", a.text()).group(1).lower() for a in window.file_menu.actions() if a.text()]
    assert len(mnemonics) == len(set(mnemonics))
    rotate = dialog.show_rotate()
    qtbot.addWidget(rotate)
    qtbot.waitExposed(rotate)
    assert_no_clipped_text(rotate)
    assert _untranslated(_visible_texts(rotate), language, data) == []


def test_the_folder_dialog_saves_the_enrolment_file_and_a_folder_that_cannot_take_it_is_said_in_red(
        qtbot, window, commune_key, tmp_path):
    dialog = open_keys(qtbot, window)
    usb = tmp_path / "usb"
    usb.mkdir()
    chooser = dialog.choose_export_folder()
    assert chooser.objectName() == "enrollment_folder_dialog" and chooser.fileMode() == QFileDialog.FileMode.Directory
    chooser.fileSelected.emit(str(usb))  # as choosing the folder does
    assert [p.name for p in usb.iterdir()] == ["dang-ky-khoa-24751.json"] and commune_key in dialog.message.text()
    assert dialog.message.styleSheet() == ""
    chooser.close()
    not_a_folder = tmp_path / "ghi-chu.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    with qtbot.waitSignal(window.workspace.notice) as notice:
        assert dialog.export_to(not_a_folder) is None
    assert notice.args[1] is True and notice.args[0] == dialog.message.text() and "ghi-chu.txt" in notice.args[0]
    assert dialog.message.styleSheet() == ERROR_STYLE and not_a_folder.read_text(encoding="utf-8") == "x"
