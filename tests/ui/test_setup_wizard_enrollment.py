"""The wizard's last step for a commune: once Finish has made the data, the summary shows the new signing key's
fingerprint and saves the enrolment file — which the real office enrols — before Finish closes; also when the
office's key file is left for later; in Vietnamese and English, nothing clipped or untranslated."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.roles import Role
from support.set_up import FINISH, SIGNING_PASSPHRASE, make_wizard, press, type_user  # noqa: F401 - fixture
from tests.core.exchange.conftest import office  # noqa: F401 - fixture
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts
from cds_desktop.ui.setup_wizard.wizard import Page

ADMIN_PASSWORD = "Chu tich xa 2025!"


def set_up_without_office_keys(qtbot, wizard) -> None:
    """Through the pages with the office's key file left for later, then Finish."""
    press(wizard)
    press(wizard)
    wizard.office_page.skip.click()  # "I'll import it later"
    press(wizard)
    identity = wizard.identity_page
    identity.province.setCurrentIndex(max(0, identity.province.findData("68")))
    identity.commune_code.setText("24751")
    identity.name.setText("Xã Nhân Cơ")
    press(wizard)
    wizard.report_page.fields.signer_name.setText("Nguyen Van Chu")  # the report's details
    press(wizard)
    type_user(qtbot, wizard.accounts_page.form, "chu.tich", "Nguyen Van Chu", (Role.LEADER, Role.ADMIN),
               ADMIN_PASSWORD)
    press(wizard)
    wizard.key_page.passphrase.first.setText(SIGNING_PASSPHRASE)
    wizard.key_page.passphrase.repeat.setText(SIGNING_PASSPHRASE)
    press(wizard)
    assert wizard.currentId() == Page.SUMMARY
    assert not wizard.summary_page.enrollment.isVisible()  # nothing to send before the key exists
    press(wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.service is not None, timeout=30000)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_last_step_shows_the_fingerprint_and_saves_the_enrolment_file(qtbot, make_wizard, office, tmp_path,
                                                                         language):
    wizard = make_wizard(language)
    if language == "en":
        wizard.findChild(type(wizard.language_page.group.buttons()[0]), "language_en").click()
    set_up_without_office_keys(qtbot, wizard)
    step = wizard.summary_page.enrollment
    fingerprint = CommuneExchange(wizard.service).signing_fingerprint()
    assert step.isVisible() and step.fingerprint.text() == fingerprint
    assert wizard.result() != QWizard.DialogCode.Accepted  # still open: the commune reads what to do
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert_no_clipped_text(wizard)
    data = {fingerprint, "Xã Nhân Cơ", "chu.tich", "Nguyen Van Chu", str(wizard.data_dir.root)}
    data |= {wizard.identity_page.province.itemText(row) for row in range(wizard.identity_page.province.count())}
    assert _untranslated(_visible_texts(wizard), language, data) == []

    usb = tmp_path / "usb"
    usb.mkdir()
    out = step.export_to(usb)  # as the folder dialog's choice does
    assert out is not None and fingerprint in step.message.text() and str(out) in step.message.text()
    assert wizard.service.principal is None  # the export signed the administrator in and out again
    assert office.enrollment_claims(out) == ("24751", "Xã Nhân Cơ", fingerprint, False)
    assert office.enroll(out, fingerprint) == "24751"

    press(wizard, FINISH)
    assert wizard.result() == QWizard.DialogCode.Accepted


def test_escape_after_the_set_up_finishes_rather_than_cancels(qtbot, make_wizard):
    wizard = make_wizard()
    set_up_without_office_keys(qtbot, wizard)
    wizard.reject()  # Esc, the close box
    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.service is not None
