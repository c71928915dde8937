"""The first-run wizard driven through its real widgets: a working installation at the end (the office branch:
``test_setup_wizard_office.py``), refusals shown on the page, the language switched live, every page translated
(and rendered to PNG)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.roles import Role
from cds_desktop.core.services.setup import needs_setup
from cds_desktop.ui.setup_wizard.kind_page import Kind
from cds_desktop.ui.setup_wizard.wizard import Page
from support.set_up import (  # noqa: F401 - fixtures
    BACK,
    FINISH,
    NEXT,
    OFFICE_NAME,
    keys_office,
    make_wizard,
    org_keys,
    SIGNING_PASSPHRASE,
    press,
    type_user,
)
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

def _choose_keys(wizard, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(path), "")))
    wizard.office_page.choose.click()


def test_typing_through_the_wizard_makes_a_working_installation(qtbot, make_wizard, keys_office, org_keys,
                                                                 monkeypatch):
    keys, fingerprint = org_keys, keys_office.root_fingerprint()
    wizard = make_wizard()
    assert wizard.currentId() == Page.LANGUAGE and wizard.language_page.language() == "vi"
    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Next is the default button: usable from the keyboard
    assert wizard.currentId() == Page.KIND and wizard.kind() is Kind.COMMUNE
    press(wizard)

    assert wizard.currentId() == Page.OFFICE and not wizard.button(NEXT).isEnabled()
    _choose_keys(wizard, monkeypatch, keys)
    page = wizard.office_page
    assert page.fingerprint.text() == fingerprint
    assert OFFICE_NAME in page.office.text()
    assert not wizard.button(NEXT).isEnabled()  # not before the fingerprint was confirmed by phone
    page.confirmed.click()
    assert wizard.button(NEXT).isEnabled()
    press(wizard)

    identity = wizard.identity_page
    assert wizard.currentId() == Page.IDENTITY and identity.pick.count() == 2
    qtbot.keyClicks(identity.search, "nhan co")  # without tone marks
    assert identity.pick.count() == 1
    identity.pick.setCurrentRow(0)
    assert (identity.province_code(), identity.commune_code.text(), identity.name.text()) == ("68", "24751", "Xã Nhân Cơ")
    press(wizard)

    report = wizard.report_page.fields
    assert wizard.currentId() == Page.REPORT
    assert report.number_suffix.text() == "BC-UBND" and report.number_example.text().count("Số: 12/BC-UBND") == 1
    assert report.signer_title.currentData() == "chairman"
    assert report.recipients.toPlainText() == OFFICE_NAME  # the receiving office, by default
    report.number_suffix.clear()
    qtbot.keyClicks(report.number_suffix, "BC-UBND-NC")
    assert "Số: 12/BC-UBND-NC" in report.number_example.text()
    report.signer_name.setText("Nguyễn Văn Chủ")  # keyClicks types ASCII only
    press(wizard)

    accounts = wizard.accounts_page
    assert wizard.currentId() == Page.ACCOUNTS
    type_user(qtbot, accounts.form, "chu.tich", "Nguyen Van Chu", (Role.LEADER, Role.ADMIN), "Chu tich xa 2025!")
    assert accounts.form.password.hint.text()
    accounts.add.click()
    assert accounts.table.rowCount() == 1 and accounts.form.blank()
    type_user(qtbot, accounts.form, "can.bo", "Le Thi Can", (Role.OFFICER,), "Can bo nhap lieu 2025")
    press(wizard)  # what is still in the form is added first
    assert [user.username for user in accounts.users] == ["chu.tich", "can.bo"]

    key = wizard.key_page
    assert wizard.currentId() == Page.KEY
    qtbot.keyClicks(key.passphrase.first, SIGNING_PASSPHRASE)
    qtbot.keyClicks(key.passphrase.repeat, SIGNING_PASSPHRASE)
    press(wizard)

    assert wizard.currentId() == Page.SUMMARY
    summary = wizard.summary_page.values
    assert "Xã Nhân Cơ" in summary["unit"].text() and "Lâm Đồng" in summary["unit"].text()
    assert OFFICE_NAME in summary["office"].text()
    assert "chu.tich" in summary["accounts"].text() and "can.bo" in summary["accounts"].text()
    press(wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.service is not None, timeout=30000)
    assert wizard.summary_page.enrollment.isVisible()  # the enrolment step (test_setup_wizard_enrollment.py)
    press(wizard, FINISH)
    assert wizard.result() == QWizard.DialogCode.Accepted

    service = wizard.service
    assert not needs_setup(wizard.data_dir)
    assert service.unit().commune_code == "24751" and service.setting("language") == "vi"
    assert {user.username: user.roles for user in Accounts(service).users()} == {
        "chu.tich": frozenset({Role.LEADER, Role.ADMIN}), "can.bo": frozenset({Role.OFFICER})}
    assert service.principal is None
    exchange = CommuneExchange(service)
    assert exchange.pinned_office().body.office.name == OFFICE_NAME
    assert exchange.active_key() is not None
    assert wizard.first_username() == "chu.tich"
    assert (service.setting("report_number_pattern"), service.setting("report_signer_name"),
            service.setting("report_signer_title"), service.setting("report_recipients")) == (
        "{number}/BC-UBND-NC", "Nguyễn Văn Chủ", "chairman", OFFICE_NAME)


def test_a_file_that_is_not_a_key_file_is_refused_on_the_page(qtbot, make_wizard, tmp_path, monkeypatch):
    wizard = make_wizard()
    press(wizard)
    press(wizard)
    not_keys = tmp_path / "ghi-chu.json"
    not_keys.write_text('{"ghi chu": "không phải tệp khóa"}', encoding="utf-8")
    _choose_keys(wizard, monkeypatch, not_keys)
    page = wizard.office_page
    assert page.error.isVisible() and page.error.text()
    assert page.preview is None and not page.details.isVisible() and not wizard.button(NEXT).isEnabled()


def _to_accounts(qtbot, wizard) -> None:
    press(wizard)
    press(wizard)
    wizard.office_page.skip.click()
    press(wizard)
    identity = wizard.identity_page
    assert not identity.pick.isVisible()  # no key file: nothing to pick from
    identity.province.setCurrentIndex(identity.province.findData("68"))
    qtbot.keyClicks(identity.commune_code, "24751")
    identity.name.setText("Xã Nhân Cơ")
    press(wizard)
    assert wizard.currentId() == Page.REPORT and wizard.report_page.fields.recipients.toPlainText() == ""  # no office
    press(wizard)
    assert wizard.currentId() == Page.ACCOUNTS


def test_mismatched_passwords_and_passphrases_block_next_with_a_visible_message(qtbot, make_wizard):
    wizard = make_wizard()
    _to_accounts(qtbot, wizard)
    accounts = wizard.accounts_page
    type_user(qtbot, accounts.form, "chu.tich", "Nguyen Van Chu", (Role.LEADER, Role.ADMIN), "Chu tich xa 2025!",
               repeat="Chu tich xa 2024!")
    press(wizard)
    assert wizard.currentId() == Page.ACCOUNTS
    assert accounts.error.isVisible() and accounts.error.text() == translate("ui.user.password_mismatch")
    accounts.form.password.repeat.setText("Chu tich xa 2025!")
    press(wizard)
    key = wizard.key_page
    assert wizard.currentId() == Page.KEY
    qtbot.keyClicks(key.passphrase.first, SIGNING_PASSPHRASE)
    qtbot.keyClicks(key.passphrase.repeat, SIGNING_PASSPHRASE + "!")
    press(wizard)
    assert wizard.currentId() == Page.KEY
    assert key.error.isVisible() and key.error.text()
    key.passphrase.repeat.setText(SIGNING_PASSPHRASE)
    press(wizard)
    assert wizard.currentId() == Page.SUMMARY
    assert translate("ui.setup.summary.office_missing") == wizard.summary_page.values["office"].text()


def test_accounts_need_an_administrator_and_a_leader(qtbot, make_wizard):
    wizard = make_wizard()
    _to_accounts(qtbot, wizard)
    accounts = wizard.accounts_page
    type_user(qtbot, accounts.form, "quan.tri", "Nguyen Van Quan", (Role.ADMIN,), "Quan tri vien 2025!")
    press(wizard)
    assert wizard.currentId() == Page.ACCOUNTS and accounts.error.isVisible() and accounts.error.text()
    assert [user.username for user in accounts.users] == ["quan.tri"]


def test_a_bad_commune_code_is_refused_on_the_page(qtbot, make_wizard):
    wizard = make_wizard()
    press(wizard)
    press(wizard)
    wizard.office_page.skip.click()
    press(wizard)
    identity = wizard.identity_page
    identity.province.setCurrentIndex(identity.province.findData("68"))
    qtbot.keyClicks(identity.commune_code, "247")
    identity.name.setText("Xã Nhân Cơ")
    press(wizard)
    assert wizard.currentId() == Page.IDENTITY and identity.error.isVisible() and identity.error.text()


def test_choosing_english_switches_the_wizard_at_once(qtbot, make_wizard):
    wizard = make_wizard()
    assert wizard.button(NEXT).text() == "&Tiếp >"
    wizard.findChild(type(wizard.language_page.group.buttons()[0]), "language_en").click()
    assert wizard.windowTitle() == "Set up CDS Desktop"
    assert wizard.language_page.title() == "Language"
    assert wizard.button(NEXT).text() == "&Next >"
    press(wizard)
    assert wizard.kind_page.commune.text().startswith("A &commune")
    press(wizard, BACK)
    wizard.findChild(type(wizard.language_page.group.buttons()[0]), "language_vi").click()
    assert wizard.button(NEXT).text() == "&Tiếp >" and wizard.language_page.title() == "Ngôn ngữ"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_wizard_page_is_translated(qtbot, make_wizard, keys_office, org_keys, monkeypatch, language):
    keys, fingerprint = org_keys, keys_office.root_fingerprint()
    wizard = make_wizard("vi")
    wizard.findChild(type(wizard.language_page.group.buttons()[0]), f"language_{language}").click()
    data = {fingerprint, OFFICE_NAME, "Xã Nhân Cơ", "Phường Bắc Gia Nghĩa", "Lâm Đồng", "chu.tich", "Nguyen Van Chu",
            str(keys), str(wizard.data_dir.root)}
    data |= {wizard.identity_page.province.itemText(row) for row in range(wizard.identity_page.province.count())}
    texts = []

    def look(name: str) -> None:
        texts.extend(_visible_texts(wizard))
        assert_no_clipped_text(wizard)
        wizard.grab().save(f"/tmp/firstrun/wizard-{wizard.currentId()}-{name}-{language}.png")

    look("language")
    press(wizard)
    look("kind")
    wizard.kind_page.office.click()
    look("kind-office")
    wizard.kind_page.commune.click()
    press(wizard)
    look("office-empty")
    _choose_keys(wizard, monkeypatch, keys)
    wizard.office_page.confirmed.click()
    look("office")
    press(wizard)
    wizard.identity_page.pick.setCurrentRow(0)
    look("identity")
    press(wizard)
    wizard.report_page.fields.signer_name.setText("Nguyen Van Chu")
    look("report")
    press(wizard)
    type_user(qtbot, wizard.accounts_page.form, "chu.tich", "Nguyen Van Chu", (Role.LEADER, Role.ADMIN),
               "Chu tich xa 2025!")
    wizard.accounts_page.add.click()
    wizard.accounts_page.form.username.setText("can.bo")
    wizard.accounts_page.form.password.first.setText("ngan")
    wizard.accounts_page.add.click()  # refused: shown on the page
    look("accounts")
    wizard.accounts_page.form.clear()
    press(wizard)
    wizard.key_page.passphrase.first.setText("mật khẩu")
    press(wizard)  # refused: shown on the page
    look("key")
    wizard.key_page.passphrase.first.setText(SIGNING_PASSPHRASE)
    wizard.key_page.passphrase.repeat.setText(SIGNING_PASSPHRASE)
    press(wizard)
    assert wizard.currentId() == Page.SUMMARY
    look("summary")
    assert len(texts) > 60
    assert _untranslated(texts, language, data) == []


def test_the_keyboard_goes_from_the_search_into_the_list_and_enter_on_the_key_page_is_next(
        qtbot, make_wizard, keys_office, org_keys, monkeypatch):
    keys = org_keys
    wizard = make_wizard()
    press(wizard)
    press(wizard)
    opened = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: opened.append(1) or (str(keys), "")))
    page = wizard.office_page
    page.choose.setFocus()
    qtbot.keyClick(page.choose, Qt.Key.Key_Space)  # the button itself (its access key does the same)
    assert opened == [1]
    page.confirmed.setChecked(True)
    page.choose.setFocus()
    qtbot.keyClick(page.choose, Qt.Key.Key_Return)  # Enter is Next, not the file dialog again
    assert opened == [1] and wizard.currentId() == Page.IDENTITY

    identity = wizard.identity_page
    identity.search.setFocus()
    qtbot.keyClicks(identity.search, "nhan")
    qtbot.keyClick(identity.search, Qt.Key.Key_Down)
    assert wizard.focusWidget() is identity.pick and identity.pick.currentRow() == 0
    qtbot.keyClick(identity.pick, Qt.Key.Key_Return)
    assert (identity.commune_code.text(), identity.name.text()) == ("24751", "Xã Nhân Cơ")
    assert wizard.currentId() == Page.IDENTITY and wizard.focusWidget() is identity.name
