"""The first-run wizard: language → kind of installation, then

- a commune: office key file → the commune → the report's details → first accounts → signing key → summary;
  Finish runs ``setup.set_up_commune``, then the summary shows the signing key's fingerprint and saves the
  enrolment file for the office (``EnrollmentStep``); Finish again closes;
- a receiving office: where its data is kept (this PC, or a shared PostgreSQL database) → the office (level,
  province, code, name) → its communes (ticked in the official list, or a CSV file) → first accounts (clerk, head,
  admin) → the keys' passphrase → summary; Finish runs ``setup.set_up_office`` (into the server's database when one
  was chosen). A server's database that already holds an office is joined instead: Finish on the database page
  runs ``setup.join_server_office``, and the people sign in with their accounts of that office.

The set-up runs in the background (scrypt and key generation take a second or two) and leaves the opened service
— a ``CommuneService`` or an ``OfficeService`` (``kind()`` says which) — with nobody signed in, in
``SetupWizard.service``.

Vietnamese by default; choosing a language on the first page re-sets every page's texts at once (Qt's own
button texts included).
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QWidget, QWizard

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune.enrollment_letter import export_enrollment_to
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import InstallationKind
from cds_desktop.core.services.setup import (
    CommuneSetup,
    OfficeSetup,
    join_server_office,
    set_up_commune,
    set_up_office,
)
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shell.qt_translator import QtLanguage
from cds_desktop.ui.setup_wizard.accounts_page import AccountsPage
from cds_desktop.ui.setup_wizard.identity_page import IdentityPage
from cds_desktop.ui.setup_wizard.key_page import SigningKeyPage
from cds_desktop.ui.setup_wizard.kind_page import Kind, KindPage
from cds_desktop.ui.setup_wizard.language_page import LanguagePage
from cds_desktop.ui.setup_wizard.office_communes_page import OfficeCommunesPage
from cds_desktop.ui.setup_wizard.office_database_page import OfficeDatabasePage
from cds_desktop.ui.setup_wizard.office_identity_page import OfficeIdentityPage
from cds_desktop.ui.setup_wizard.office_page import OfficeKeysPage
from cds_desktop.ui.setup_wizard.office_summary_page import OfficeSummaryPage
from cds_desktop.ui.setup_wizard.report_page import ReportPage
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
    OFFICE_IDENTITY = 7  # the receiving office's branch
    OFFICE_COMMUNES = 8
    OFFICE_ACCOUNTS = 9
    OFFICE_KEY = 10
    OFFICE_SUMMARY = 11
    REPORT = 12  # the commune's report details, after its identity
    OFFICE_DATABASE = 13  # the receiving office's first page: where its data is kept


class SetupWizard(QWizard):
    def __init__(self, data_dir: DataDir, qt_language: QtLanguage | None = None, parent: QWidget | None = None,
                 clock: Callable | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_wizard")
        self.data_dir, self.qt_language, self.clock = data_dir, qt_language, clock
        self.tasks = BackgroundTasks(self)
        self.service: CommuneService | OfficeService | None = None
        self.busy = False
        self.language_page = LanguagePage()
        self.kind_page = KindPage(Page.OFFICE, Page.OFFICE_DATABASE)
        self.office_page = OfficeKeysPage()
        self.identity_page = IdentityPage(next_id=Page.REPORT)
        self.report_page = ReportPage(self._office_recipient, Page.ACCOUNTS)
        self.accounts_page = AccountsPage()
        self.key_page = SigningKeyPage()
        self.summary_page = SummaryPage(self.commune_setup, self._office_name, str(data_dir.root), self._finish)
        self.office_database_page = OfficeDatabasePage(Page.OFFICE_IDENTITY, self._finish)
        self.office_identity_page = OfficeIdentityPage()
        self.office_communes_page = OfficeCommunesPage()
        self.office_accounts_page = AccountsPage(InstallationKind.OFFICE)
        self.office_key_page = SigningKeyPage("ui.office_setup.key")
        self.office_summary_page = OfficeSummaryPage(self.office_setup, str(data_dir.root), self._finish,
                                                     lambda: self.office_database_page.server_settings())
        for page_id, page in ((Page.LANGUAGE, self.language_page), (Page.KIND, self.kind_page),
                              (Page.OFFICE, self.office_page), (Page.IDENTITY, self.identity_page),
                              (Page.ACCOUNTS, self.accounts_page), (Page.KEY, self.key_page),
                              (Page.SUMMARY, self.summary_page),
                              (Page.OFFICE_IDENTITY, self.office_identity_page),
                              (Page.OFFICE_COMMUNES, self.office_communes_page),
                              (Page.OFFICE_ACCOUNTS, self.office_accounts_page),
                              (Page.OFFICE_KEY, self.office_key_page),
                              (Page.OFFICE_SUMMARY, self.office_summary_page), (Page.REPORT, self.report_page),
                              (Page.OFFICE_DATABASE, self.office_database_page)):
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
            report_settings=tuple(self.report_page.settings().items()),
        )

    def office_setup(self) -> OfficeSetup:
        identity, communes = self.office_identity_page, self.office_communes_page
        return OfficeSetup(
            language=self.language_page.language(),
            level=identity.level(),
            province_code=identity.province_code(),
            office_code=identity.office_code(),
            name=identity.office_name(),
            communes_province=communes.communes_province(),
            commune_codes=communes.commune_codes(),
            communes_file=communes.csv_path if communes.uses_file() else None,
            users=tuple(self.office_accounts_page.users),
            passphrase=self.office_key_page.passphrase.text(),
        )

    def first_username(self) -> str:
        """Who will most likely sign in first: the first administrator added (nobody yet known when this PC joined
        an office on a server: its people sign in with their accounts there)."""
        if self.kind() is Kind.OFFICE and self.office_database_page.joins():
            return ""
        accounts = self.office_accounts_page if self.kind() is Kind.OFFICE else self.accounts_page
        return accounts.first_admin()

    def _office_name(self) -> str:
        preview = self.office_page.preview
        return translate("ui.setup.summary.office_value", name=preview.office_name, code=preview.office_code,
                         fingerprint=preview.fingerprint) if preview else ""

    def _office_recipient(self) -> str:
        preview = self.office_page.preview
        return preview.office_name if preview is not None and not self.office_page.skipped() else ""

    def _entered(self, page_id: int) -> None:
        if page_id == Page.IDENTITY:
            preview = self.office_page.preview
            self.identity_page.set_choices(preview.communes if preview and not self.office_page.skipped() else ())
        elif page_id == Page.OFFICE_COMMUNES:
            identity = self.office_identity_page
            self.office_communes_page.prepare(identity.level(), identity.province_code())

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
        database = self.office_database_page
        if self.kind() is Kind.OFFICE:  # a server's settings were tested on its page; the password: in memory only
            server, password = database.server_settings(), database.password()
        if self.kind() is Kind.OFFICE and database.joins():
            work, title, page = (lambda: join_server_office(self.data_dir, server, password, self.clock),
                                 "ui.office_setup.joining", database)
        elif self.kind() is Kind.OFFICE:
            office = self.office_setup()
            work, title, page = (lambda: set_up_office(self.data_dir, office, self.clock, server, password),
                                 "ui.office_setup.working", self.office_summary_page)
        else:
            commune = self.commune_setup()
            work, title, page = (lambda: set_up_commune(self.data_dir, commune, self.clock),
                                 "ui.setup.working", self.summary_page)
        self._set_busy(True)
        task = self.tasks.run(lambda progress, cancel: work(), self._done, translate(title), self,
                              on_failed=lambda: self._set_busy(False), show_error=page.show_error)
        task.dialog.setCancelButton(None)  # a set-up cannot stop half-way
        return False

    def _done(self, service: CommuneService | OfficeService) -> None:
        self._set_busy(False)
        self.service = service
        if self.kind() is Kind.OFFICE:
            self.accept()
            return
        # a commune stays on its summary for the enrolment step; Finish (or Esc) then closes
        self.summary_page.say_office_plans([c.plan for c in service.plans_for_picker() if c.origin == "office"])
        self.summary_page.enrollment.offer(CommuneExchange(service).signing_fingerprint(), self._export_enrollment)
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(False)

    def _export_enrollment(self, folder: Path) -> tuple[Path, str]:
        """The enrolment file into ``folder``, written as the administrator just created (signed out again)."""
        accounts = Accounts(self.service)
        admin = next(user for user in self.accounts_page.users if user.username == self.first_username())
        accounts.sign_in(admin.username, admin.password)
        try:
            return export_enrollment_to(CommuneExchange(self.service), folder)
        finally:
            accounts.sign_out()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def reject(self) -> None:
        if self.service is not None:  # set up: closing is finishing
            self.accept()
        elif not self.busy:  # Esc, Cancel and the close box wait for the set-up to end
            super().reject()
