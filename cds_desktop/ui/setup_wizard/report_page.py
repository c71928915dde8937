"""The commune's page after its identity: what the official report says besides the figures — the document
number's suffix (shown as the report will read, "Số: 12/BC-UBND"), the signer's name and capacity (the chairman by
default), the place name and the recipients (by default the receiving office, when its key file was given).

The fields are the Settings dialog's (``ui/shared/report_fields.py``); the values go into the set-up
(``CommuneSetup.report_settings``) and are stored as the report settings, changed later in Settings.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QFormLayout, QVBoxLayout

from cds_desktop.core.services.setup import check_report_settings
from cds_desktop.core.settings import SETTINGS
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.shared.report_fields import REPORT_SETTINGS, ReportFields


class ReportPage(SetupPage):
    def __init__(self, default_recipient: Callable[[], str], next_id: int) -> None:
        super().__init__("ui.setup.report.title", "ui.setup.report.subtitle")
        self._default_recipient, self._next_id = default_recipient, next_id
        self._offered_recipient = ""
        self.fields = ReportFields({key: SETTINGS[key].default for key in REPORT_SETTINGS},
                                   lambda message_id, buddy: self.texts.label(message_id, buddy))
        self.texts.follow(self.fields.retranslate)
        form = QFormLayout()
        self.fields.add_to(form)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """The office as the first recipient, unless the person already wrote something else."""
        recipients = self.fields.recipients
        if recipients.toPlainText().strip() in ("", self._offered_recipient):
            self._offered_recipient = self._default_recipient()
            recipients.setPlainText(self._offered_recipient)

    def settings(self) -> dict[str, str]:
        return self.fields.values()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        return self.passes(lambda: check_report_settings(self.settings()))

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return self._next_id
