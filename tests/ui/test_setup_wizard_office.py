"""The set-up wizard's office branch driven through its real widgets: a working office in a real folder at the end
(its kind is ``office``, its accounts sign in, its communes are there), refusals shown on the pages, every page
translated and nothing clipped in Vietnamese and English."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWizard

from cds_desktop.core.communes_list import communes_of, official_list
from cds_desktop.core.i18n import translate
from cds_desktop.core.provinces import provinces
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from cds_desktop.ui.setup_wizard.wizard import Page
from support.set_up import (  # noqa: F401 - fixture
    FINISH,
    OFFICE_NAME,
    make_wizard,
    press,
    to_office_identity,
    type_user,
)
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

PASSPHRASE = "Khoa cua So KHCN Lam Dong 2025"


def _shown_codes(picker) -> list[str]:
    return [picker.shown.index(row, 0).data()[-5:] for row in range(picker.shown.rowCount())]


def test_typing_through_the_office_branch_makes_a_working_office(qtbot, make_wizard):
    wizard = make_wizard()
    to_office_identity(wizard)
    identity = wizard.office_identity_page
    identity.province.lineEdit().setText("Lâm Đồng")  # typed (QTest types ASCII only)
    assert identity.province_code() == "68"
    assert identity.code.text() == "68" and identity.code.isReadOnly()  # a province office: its province's code
    identity.name.setText(OFFICE_NAME)
    press(wizard)

    communes = wizard.office_communes_page
    picker = communes.picker
    assert wizard.currentId() == Page.OFFICE_COMMUNES
    assert picker.model.ticked_codes() == tuple(c.code for c in communes_of("68"))  # all, for a province office
    assert picker.count.text() == "Đã chọn 124/124 xã"
    assert official_list().source in communes.source.text()
    picker.none.click()
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_COMMUNES and communes.error.isVisible()
    assert communes.error.text() == translate("error.office.no_commune_chosen")
    qtbot.keyClicks(picker.search, "gia nghia")  # without tone marks
    assert len(_shown_codes(picker)) == 3
    picker.all.click()  # ticks the three shown
    picker.search.clear()
    picker.search.setText("NHÂN CƠ")  # with tone marks too
    assert _shown_codes(picker) == ["24751"]
    picker.view.setFocus()
    picker.view.setCurrentIndex(picker.shown.index(0, 0))
    qtbot.keyClick(picker.view, Qt.Key.Key_Space)  # ticked from the keyboard
    assert picker.count.text() == "Đã chọn 4/124 xã" and not communes.error.isVisible()
    press(wizard)

    accounts = wizard.office_accounts_page
    assert wizard.currentId() == Page.OFFICE_ACCOUNTS
    assert set(accounts.form.roles.boxes) == {Role.CLERK, Role.HEAD, Role.ADMIN}  # the office's roles
    type_user(qtbot, accounts.form, "quan.tri", "Tran Van Quan", (Role.ADMIN,), "Quan tri so KHCN 2025")
    accounts.add.click()
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_ACCOUNTS
    assert accounts.error.text() == translate("error.setup.no_head")
    type_user(qtbot, accounts.form, "truong.phong", "Nguyen Thi Truong", (Role.HEAD,), "Truong phong 2025!")
    accounts.add.click()
    type_user(qtbot, accounts.form, "van.thu", "Le Van Thu", (Role.CLERK,), "Van thu so KHCN 2025")
    press(wizard)  # what is still in the form is added first

    key = wizard.office_key_page
    assert wizard.currentId() == Page.OFFICE_KEY
    qtbot.keyClicks(key.passphrase.first, PASSPHRASE)
    qtbot.keyClicks(key.passphrase.repeat, PASSPHRASE + "!")
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_KEY and key.error.isVisible()
    key.passphrase.repeat.setText(PASSPHRASE)
    press(wizard)

    assert wizard.currentId() == Page.OFFICE_SUMMARY
    summary = wizard.office_summary_page.values
    assert OFFICE_NAME in summary["receiving_office"].text() and "cấp tỉnh" in summary["receiving_office"].text()
    assert summary["communes"].text().startswith("4 xã của Lâm Đồng")
    assert "van.thu" in summary["accounts"].text() and "Chuyên viên tiếp nhận" in summary["accounts"].text()
    press(wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.result() == QWizard.DialogCode.Accepted, timeout=60000)

    office = wizard.service
    assert isinstance(office, OfficeService) and folder_kind(wizard.data_dir.root) is FolderKind.OFFICE
    identity_row = office.require_identity()
    assert (identity_row.code, identity_row.name, identity_row.level, identity_row.province_code) == (
        "68", OFFICE_NAME, "province", "68")
    ticked = {c.code for c in communes_of("68") if c.name.endswith("Gia Nghĩa")} | {"24751"}
    assert {c.code for c in office.communes()} == ticked and len(ticked) == 4
    assert office.principal is None and wizard.first_username() == "quan.tri"
    accounts_service = Accounts(office)
    assert accounts_service.sign_in("van.thu", "Van thu so KHCN 2025").roles == {Role.CLERK}
    assert accounts_service.sign_in("quan.tri", "Quan tri so KHCN 2025").roles == {Role.ADMIN}
    office.rotate_encryption_key(PASSPHRASE)  # the keys open with the passphrase typed twice


def test_a_district_office_reads_its_communes_from_a_csv_file(qtbot, make_wizard, tmp_path, monkeypatch):
    csv_file = tmp_path / "xa-cua-huyen.csv"
    csv_file.write_text("Mã số,Tên,Mã tỉnh\n24751,Xã Nhân Cơ,68\n24784,Xã Nhân Đạo,67\n",
                        encoding="utf-8-sig")
    wizard = make_wizard("en")
    wizard.findChild(type(wizard.language_page.group.buttons()[0]), "language_en").click()
    to_office_identity(wizard)
    identity = wizard.office_identity_page
    identity.district_level.click()
    assert not identity.code.isReadOnly()
    press(wizard)
    assert identity.error.text() == translate("ui.setup.identity.province_missing", "en")
    identity.province.choose("68")
    qtbot.keyClicks(identity.code, "67")
    identity.name.setText("Phòng Văn hóa - Thông tin")
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_IDENTITY and "3 digits" in identity.error.text()
    qtbot.keyClicks(identity.code, "2")
    press(wizard)

    communes = wizard.office_communes_page
    assert communes.picker.model.ticked_codes() == ()  # none, for a district office
    communes.from_file.click()
    press(wizard)
    assert communes.error.text() == translate("ui.office_setup.communes.file_missing", "en")
    broken = tmp_path / "broken.csv"
    broken.write_bytes("code,name\n24751,Xã Nhân Cơ\n".encode("utf-8"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(broken), "")))
    communes.choose.click()
    assert communes.error.isVisible() and communes.csv_path is None
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(csv_file), "")))
    communes.choose.click()
    assert not communes.error.isVisible() and "2 communes" in communes.file.text()
    press(wizard)

    both = wizard.office_accounts_page
    type_user(qtbot, both.form, "lanh.dao", "Pham Van Lanh", (Role.ADMIN, Role.HEAD), "Lanh dao phong 2025")
    press(wizard)
    key = wizard.office_key_page
    key.passphrase.first.setText(PASSPHRASE)
    key.passphrase.repeat.setText(PASSPHRASE)
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_SUMMARY
    assert str(csv_file) in wizard.office_summary_page.values["communes"].text()
    press(wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.result() == QWizard.DialogCode.Accepted, timeout=60000)
    office = wizard.service
    identity_row = office.require_identity()
    assert (identity_row.code, identity_row.level, identity_row.province_code) == ("672", "district", "68")
    assert [(c.code, c.province_code) for c in office.communes()] == [("24751", "68"), ("24784", "67")]
    assert Accounts(office).sign_in("lanh.dao", "Lanh dao phong 2025").roles == {Role.ADMIN, Role.HEAD}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_office_page_is_translated_and_nothing_is_clipped(qtbot, make_wizard, tmp_path, monkeypatch, language):
    wizard = make_wizard("vi")
    wizard.findChild(type(wizard.language_page.group.buttons()[0]), f"language_{language}").click()
    data = {OFFICE_NAME, official_list().source, "quan.tri", "Tran Van Quan", str(wizard.data_dir.root)}
    data |= {p.name for p in provinces()}
    texts = []

    def look() -> None:
        QApplication.processEvents()  # the layouts settle as they do between a person's clicks
        texts.extend(_visible_texts(wizard))
        assert_no_clipped_text(wizard)

    to_office_identity(wizard)
    look()
    wizard.office_identity_page.province.choose("79")  # Thành phố Hồ Chí Minh: the longest list (168)
    wizard.office_identity_page.name.setText(OFFICE_NAME)
    press(wizard)
    look()
    wizard.office_communes_page.picker.none.click()
    press(wizard)  # refused: shown on the page
    look()
    wizard.office_communes_page.from_file.click()
    look()
    wizard.office_communes_page.from_list.click()
    wizard.office_communes_page.picker.all.click()
    press(wizard)
    type_user(qtbot, wizard.office_accounts_page.form, "quan.tri", "Tran Van Quan", (Role.ADMIN,),
               "Quan tri so KHCN 2025")
    wizard.office_accounts_page.add.click()
    press(wizard)  # refused: no head
    look()
    type_user(qtbot, wizard.office_accounts_page.form, "truong.phong", "Tran Van Quan", (Role.HEAD,),
               "Truong phong 2025!")
    data.add("truong.phong")
    press(wizard)
    wizard.office_key_page.passphrase.first.setText("ngắn")
    press(wizard)  # refused
    look()
    wizard.office_key_page.passphrase.first.setText(PASSPHRASE)
    wizard.office_key_page.passphrase.repeat.setText(PASSPHRASE)
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_SUMMARY
    look()
    assert len(texts) > 60
    assert _untranslated(texts, language, data) == []
