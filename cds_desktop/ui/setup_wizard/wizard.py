"""The first-run wizard: language → kind of installation → office key file → the commune → first accounts →
signing key → summary. Finish runs ``setup.set_up_commune`` in the background (scrypt and key generation take
a second or two) and leaves the opened service, with nobody signed in, in ``SetupWizard.service``.

Vietnamese by default; choosing a language on the first page re-sets every page's texts at once (Qt's own
button texts included). The office branch stops on the second page (its screens come in a later version).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Callable

from PySide6.QtWidgets import QWidget, QWizard

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.setup import CommuneSetup, set_up_commune
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shell.qt_translator import QtLanguage
from cds_desktop.ui.setup_wizard.accounts_page import AccountsPage
from cds_desktop.ui.setup_wizard.identity_page import IdentityPage
from cds_desktop.ui.setup_wizard.key_page import SigningKeyPage
from cds_desktop.ui.setup_wizard.kind_page import Kind, KindPage
from cds_desktop.ui.setup_wizard.language_page import LanguagePage
from cds_desktop.ui.setup_wizard.office_page import OfficeKeysPage
from cds_desktop.ui.setup_wizard.summary_page import SummaryPage

WIZARD_SIZE = (860, 620)  # fits a 1366×768 screen with the taskbar


class Page(IntEnum):
    LANGUAGE = 0
    KIND = 1
    OFFICE = 2
    IDENTITY = 3
    ACCOUNTS = 4
    KEY = 5
    SUMMARY = 6


class SetupWizard(QWizard):
    def __init__(self, data_dir: DataDir, qt_language: QtLanguage | None = None, parent: QWidget | None = None,
                 clock: Callable | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_wizard")
        self.data_dir, self.qt_language, self.clock = data_dir, qt_language, clock
        self.tasks = BackgroundTasks(self)
        self.service: CommuneService | None = None
        self.busy = False
        self.language_page = LanguagePage()
        self.kind_page = KindPage(Page.OFFICE)
        self.office_page = OfficeKeysPage()
        self.identity_page = IdentityPage()
        self.accounts_page = AccountsPage()
        self.key_page = SigningKeyPage()
        self.summary_page = SummaryPage(self.commune_setup, self._office_name, str(data_dir.root), self._finish)
        for page_id, page in ((Page.LANGUAGE, self.language_page), (Page.KIND, self.kind_page),
                              (Page.OFFICE, self.office_page), (Page.IDENTITY, self.identity_page),
                              (Page.ACCOUNTS, self.accounts_page), (Page.KEY, self.key_page),
                              (Page.SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setWindowTitle(translate("ui.setup.title"))
        self.resize(*WIZARD_SIZE)
        self.language_page.language_chosen.connect(self.switch_language)
        self.currentIdChanged.connect(self._entered)

    # --- what was chosen -------------------------------------------------------------------
    def kind(self) -> Kind:
        return self.kind_page.kind()

    def commune_setup(self) -> CommuneSetup:
        office, identity = self.office_page, self.identity_page
        keys = None if office.skipped() else office.path
        return CommuneSetup(
            language=self.language_page.language(),
            province_code=identity.province_code(),
            commune_code=identity.commune_code.text().strip(),
            name=identity.name.text().strip(),
            office_keys=keys,
            office_fingerprint=office.preview.fingerprint if keys is not None and office.preview else None,
            users=tuple(self.accounts_page.users),
            signing_passphrase=self.key_page.passphrase.text(),
        )

    def first_username(self) -> str:
        """Who will most likely sign in first: the first administrator added."""
        return self.accounts_page.first_admin()

    def _office_name(self) -> str:
        preview = self.office_page.preview
        return translate("ui.setup.summary.office_value", name=preview.office_name, code=preview.office_code,
                         fingerprint=preview.fingerprint) if preview else ""

    def _entered(self, page_id: int) -> None:
        if page_id == Page.IDENTITY:
            preview = self.office_page.preview
            self.identity_page.set_choices(preview.communes if preview and not self.office_page.skipped() else ())

    # --- language --------------------------------------------------------------------------
    def switch_language(self, language: str) -> None:
        set_language(language)
        if self.qt_language is not None:
            self.qt_language.apply(language)
        self.setWindowTitle(translate("ui.setup.title"))
        for page_id in self.pageIds():
            self.page(page_id).retranslate()
        # QWizard reads its buttons' default texts only when its style or page changes: re-apply the style.
        style = self.wizardStyle()
        other = QWizard.WizardStyle.ModernStyle if style != QWizard.WizardStyle.ModernStyle else QWizard.WizardStyle.ClassicStyle
        self.setWizardStyle(other)
        self.setWizardStyle(style)

    # --- finishing -------------------------------------------------------------------------
    def _finish(self) -> bool:
        """Finish pressed on the summary: True once the set-up is done, else start it (False: stay open)."""
        if self.service is not None:
            return True
        if self.busy:
            return False
        setup = self.commune_setup()
        self._set_busy(True)
        task = self.tasks.run(lambda progress, cancel: set_up_commune(self.data_dir, setup, self.clock),
                              self._done, translate("ui.setup.working"), self,
                              on_failed=lambda: self._set_busy(False), show_error=self.summary_page.show_error)
        task.dialog.setCancelButton(None)  # a set-up cannot stop half-way
        return False

    def _done(self, service: CommuneService) -> None:
        self._set_busy(False)
        self.service = service
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def reject(self) -> None:
        if not self.busy:  # Esc, Cancel and the close box wait for the set-up to end
            super().reject()
