"""Page 6: the passphrase of the commune's signing key — or, for an office, of its root and encryption keys —
typed twice, with a strength hint and the warning that nobody can recover it. The texts are the messages under
``texts`` (``.title``, ``.subtitle``, ``.explanation``, ``.passphrase``, ``.repeat``)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QVBoxLayout

from cds_desktop.core.services.setup import check_passphrase
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.setup_wizard.secret_fields import SecretFields


class SigningKeyPage(SetupPage):
    def __init__(self, texts: str = "ui.setup.key") -> None:
        super().__init__(f"{texts}.title", f"{texts}.subtitle")
        explanation = self.texts.label(f"{texts}.explanation", word_wrap=True)
        explanation.setObjectName("key_explanation")
        self.passphrase = SecretFields(self.texts, f"{texts}.passphrase", f"{texts}.repeat", "passphrase")
        form = QFormLayout()
        self.passphrase.add_to(form)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        return self.passes(lambda: check_passphrase(self.passphrase.text(), self.passphrase.repeated()))
