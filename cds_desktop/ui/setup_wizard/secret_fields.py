"""A secret typed twice (a password or the signing-key passphrase) with a live strength hint.

Used by the wizard's account and signing-key pages and by the user-management dialogs. The hint comes from
``core.services.passphrase_strength.strength``: the reason a secret would be refused, or how strong it is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.passphrase_strength import strength
from cds_desktop.ui.setup_wizard.texts import Texts

# score 0 (too short) … 4 (strong) → colour of the hint
STRENGTH_COLOURS = ("#a11d16", "#a11d16", "#8a5a00", "#2e6b1f", "#2e6b1f")


class SecretFields:
    """Two password fields and a strength hint, added as rows of a ``QFormLayout``."""

    def __init__(self, texts: Texts, first_id: str, repeat_id: str, name: str) -> None:
        self.first = QLineEdit()
        self.repeat = QLineEdit()
        for field, suffix in ((self.first, ""), (self.repeat, "_repeat")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(f"{name}{suffix}")
        self.hint = QLabel()
        self.hint.setObjectName(f"{name}_strength")
        self.hint.setWordWrap(True)
        self._labels = (texts.label(first_id, self.first), texts.label(repeat_id, self.repeat))
        texts.bind(self.hint.setText, self._hint_text)
        self.first.textChanged.connect(lambda _text: self.hint.setText(self._hint_text()))

    def add_to(self, form: QFormLayout) -> None:
        """Three rows: the secret, its strength hint under it, the repetition."""
        form.addRow(self._labels[0], self.first)
        form.addRow(QLabel(), self.hint)
        form.addRow(self._labels[1], self.repeat)

    def text(self) -> str:
        return self.first.text()

    def repeated(self) -> str:
        return self.repeat.text()

    def matches(self) -> bool:
        return self.first.text() == self.repeat.text()

    def blank(self) -> bool:
        return not self.first.text() and not self.repeat.text()

    def clear(self) -> None:
        self.first.clear()
        self.repeat.clear()

    def _hint_text(self) -> str:
        if not self.first.text():
            return ""
        rating = strength(self.first.text())
        self.hint.setStyleSheet(f"color: {STRENGTH_COLOURS[rating.score]};")
        return translate("ui.user.strength", hint=translate(rating.message_id))
