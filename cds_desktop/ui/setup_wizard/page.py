"""What every wizard page shares: a title and subtitle that follow the language, and an inline error line.

Pages check their input with the services' ``check_*`` functions in ``validatePage`` and show the refusal
on the page itself (the wizard then stays on the page).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWizardPage

from cds_desktop.core.errors import CdsError
from cds_desktop.ui.setup_wizard.texts import Texts

ERROR_STYLE = "color: #a11d16; font-weight: bold;"


class SetupPage(QWizardPage):
    def __init__(self, title_id: str, subtitle_id: str) -> None:
        super().__init__()
        self.texts = Texts()
        self.texts.bind(self.setTitle, title_id)
        self.texts.bind(self.setSubTitle, subtitle_id)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def passes(self, check) -> bool:
        """Run ``check()``; a ``CdsError`` is shown on the page and stops the wizard here."""
        try:
            check()
        except CdsError as exc:
            self.show_error(exc.message())
            return False
        self.clear_error()
        return True

    def retranslate(self) -> None:
        self.texts.retranslate()
        self.clear_error()
