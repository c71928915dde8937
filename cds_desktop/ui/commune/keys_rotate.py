"""Replacing the commune's signing key (or making it, when there is none): the old key's passphrase (so that the
old key vouches for the new one in the enrolment file), the new one typed twice and checked like the wizard's
(``setup.check_passphrase``). The key is made on the background lane (slow key derivation); ``rotated`` then
carries the new fingerprint, and the screen reminds to send the new enrolment file to the office."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.setup import check_passphrase
from cds_desktop.ui.commune.approve_dialog import error_label, passphrase_field
from cds_desktop.ui.shell.background import BackgroundTasks


class RotateKeyDialog(QDialog):
    rotated = Signal(str)  # the new key's fingerprint

    def __init__(self, exchange: CommuneExchange, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rotate_key_dialog")
        self.exchange, self.tasks = exchange, tasks
        self.has_key = exchange.active_key() is not None
        self.setWindowTitle(translate("ui.keys.rotate.title"))
        explanation = QLabel(translate("ui.keys.rotate.explanation"))
        explanation.setWordWrap(True)
        self.old = passphrase_field("old_passphrase")
        self.new = passphrase_field("new_passphrase")
        self.repeat = passphrase_field("repeat_passphrase")
        form = QFormLayout()
        for message_id, field in (("ui.keys.rotate.old", self.old), ("ui.keys.rotate.new", self.new),
                                  ("ui.keys.rotate.repeat", self.repeat)):
            if field is self.old and not self.has_key:
                continue
            label = QLabel(translate(message_id))
            label.setBuddy(field)
            form.addRow(label, field)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(translate("ui.keys.rotate.ok"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("rotate_ok")
        self.ok.setDefault(True)
        buttons.addButton(translate("ui.button.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.rotate)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.running = False
        self.resize(600, 300)

    def rotate(self) -> None:
        new, old = self.new.text(), (self.old.text() if self.has_key else None)
        try:
            check_passphrase(new, self.repeat.text())
        except CdsError as exc:
            self._show_error(exc.message())
            return
        exchange = self.exchange

        def work(progress: ProgressCallback, cancel: CancelToken) -> str:
            return exchange.generate_key(new, old)

        self.setEnabled(False)
        self.error.hide()
        self.running = True
        self.tasks.run(work, self._done, translate("ui.keys.rotate.working"), self, on_failed=self._failed,
                       show_error=self._show_error)

    def _done(self, fingerprint: str) -> None:
        self.running = False
        for field in (self.old, self.new, self.repeat):
            field.clear()
        self.accept()
        self.rotated.emit(fingerprint)

    def _failed(self) -> None:
        self.running = False
        self.setEnabled(True)

    def reject(self) -> None:
        if not self.running:
            super().reject()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
