"""The reminder letter (công văn đôn đốc) to the communes that have not reported a period: its details on the left,
the letter as it will print on the right, and saving it as a PDF ready to sign.

The details start from the office's settings (``OfficeService.reminder_defaults``): number and symbol, date, place,
signer and capacity, recipients, and an optional new date to report before. Every change makes the preview again
after a short pause, in the background (the PDF is made by the service and its pages rasterised with the report
preview's ``render_pages``, never on the GUI thread); saving writes the letter of the details shown, atomically.
A refusal (nobody is missing, the signed-in person may not export) shows in the preview area.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.data import WrittenReport
from cds_desktop.core.services.office.dashboard import LetterDetails, ReminderPdf
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shared.labels import period_name
from cds_desktop.ui.shared.report_preview import render_pages
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

PREVIEW_DELAY_MS = 400  # after the last keystroke
PAGE_MARGIN = 12
REPLY_DAYS = 7  # the new date offered: a week from the letter's date
DATE_FORMAT = "dd/MM/yyyy"


@dataclass(frozen=True)
class Preview:
    letter: ReminderPdf
    pages: list[QImage]
    device_pixel_ratio: float


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


def _date(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


class ReminderDialog(QDialog):
    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, plan_id: str, period_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminder_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.workspace, self.tasks, self.plan_id, self.period_id = workspace, tasks, plan_id, period_id
        self.preview: Preview | None = None
        self.running: RunningTask | None = None
        self._closed = False
        self.setWindowTitle(translate("ui.reminder.title", period=period_name(period_id)))
        defaults = workspace.service.reminder_defaults()
        today = workspace.service.clock().date()

        self.number = self._line("number", defaults.number or "")
        self.number.setPlaceholderText(translate("ui.reminder.number_placeholder"))
        self.date = QDateEdit(_date(today))
        self.date.setObjectName("reminder_date")
        self.date.setDisplayFormat(DATE_FORMAT)
        self.date.setCalendarPopup(True)
        self.place = self._line("place", defaults.place or "")
        self.signer = self._line("signer", defaults.signer)
        self.capacity = self._text("capacity", "\n".join(defaults.capacity_lines or ()), rows=2)
        self.recipients = self._text("recipients", "\n".join(defaults.recipients), rows=3)
        self.ask_reply = QCheckBox(translate("ui.reminder.reply_by"))
        self.ask_reply.setObjectName("reminder_ask_reply")
        self.reply_by = QDateEdit(_date(today + dt.timedelta(days=REPLY_DAYS)))
        self.reply_by.setObjectName("reminder_reply_by")
        self.reply_by.setDisplayFormat(DATE_FORMAT)
        self.reply_by.setCalendarPopup(True)
        self.reply_by.setEnabled(False)
        self.ask_reply.toggled.connect(self.reply_by.setEnabled)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, field in (("number", self.number), ("date", self.date), ("place", self.place),
                           ("signer", self.signer), ("capacity", self.capacity), ("recipients", self.recipients)):
            label = QLabel(translate(f"ui.reminder.field.{key}"))
            label.setBuddy(field)
            form.addRow(label, field)
        reply = QHBoxLayout()
        reply.addWidget(self.ask_reply)
        reply.addWidget(self.reply_by, 1)
        form.addRow(reply)
        hint = QLabel(translate("ui.reminder.hint"))
        hint.setObjectName("reminder_hint")
        hint.setWordWrap(True)

        self.message = QLabel(translate("ui.reminder.making"))
        self.message.setObjectName("reminder_message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: white; font-size: 12pt;")
        self.warning = QLabel()
        self.warning.setObjectName("reminder_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff4d6; color: #5c3d00; padding: 6px;")
        self.warning.hide()
        self.page_list = QWidget()
        self.page_list.setObjectName("reminder_pages")
        self.page_list.setStyleSheet("#reminder_pages { background: #808080; }")
        self.page_layout = QVBoxLayout(self.page_list)
        self.page_layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.page_layout.setSpacing(PAGE_MARGIN)
        self.page_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_layout.addWidget(self.message)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("reminder_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; }")
        self.scroll.setWidget(self.page_list)

        self.save_button = QPushButton(translate("ui.reminder.save"))
        self.save_button.setObjectName("reminder_save")
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.setToolTip(translate("ui.reminder.save_tip", shortcut=self.save_button.shortcut().toString(
            QKeySequence.SequenceFormat.NativeText)))
        self.save_button.setAutoDefault(False)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.choose_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        details = QVBoxLayout()
        details.addLayout(form)
        details.addWidget(hint)
        details.addStretch(1)
        side = QWidget()
        side.setLayout(details)
        side.setMaximumWidth(440)
        pages = QVBoxLayout()
        pages.addWidget(self.warning)
        pages.addWidget(self.scroll, 1)
        body = QHBoxLayout()
        body.addWidget(side, 2)
        body.addLayout(pages, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(PREVIEW_DELAY_MS)
        self._again.timeout.connect(self.render)
        for line in (self.number, self.place, self.signer):
            line.textChanged.connect(self._changed)
        for text in (self.capacity, self.recipients):
            text.textChanged.connect(self._changed)
        for date in (self.date, self.reply_by):
            date.dateChanged.connect(self._changed)
        self.ask_reply.toggled.connect(self._changed)
        self.finished.connect(self._stop)
        self.resize(1200, 720)
        self.number.setFocus()

    def _line(self, key: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(f"reminder_{key}")
        return edit

    def _text(self, key: str, text: str, rows: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(text)
        edit.setObjectName(f"reminder_{key}")
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * rows + 12)
        return edit

    def details(self) -> LetterDetails:
        """What the form says."""
        reply = self.reply_by.date().toPython() if self.ask_reply.isChecked() else None
        return LetterDetails(number=self.number.text() or None, date=self.date.date().toPython(),
                             place=self.place.text() or None, signer=self.signer.text(),
                             capacity_lines=_lines(self.capacity) or None, recipients=_lines(self.recipients),
                             reply_by=reply)

    # --- preview -------------------------------------------------------------------------------
    def _changed(self) -> None:
        self.save_button.setEnabled(False)  # until the preview shows what would be saved
        self._again.start()

    def page_width(self) -> int:
        scroll = self.scroll
        view = (scroll.width() - 2 * scroll.frameWidth() - scroll.verticalScrollBar().sizeHint().width()
                - 2 * PAGE_MARGIN - 2)
        return max(200, int(view * self.devicePixelRatioF()))

    def render(self) -> RunningTask:
        """Make the letter of the form and rasterise its pages, in the background."""
        if self.running is not None:
            self.running.cancel_token.cancel()
        service, plan_id, period_id, details = self.workspace.service, self.plan_id, self.period_id, self.details()
        width, ratio, language = self.page_width(), self.devicePixelRatioF(), current_language()

        def work(progress: ProgressCallback, cancel: CancelToken) -> Preview:
            letter = service.reminder_pdf(plan_id, period_id, details, language, cancel=cancel)
            return Preview(letter, render_pages(letter.content, width, cancel), ratio)

        task = self.tasks.run(work, lambda result: self._shown(task, result), translate("ui.reminder.making"), self,
                              on_failed=lambda: self._ended(task),
                              show_error=lambda message: self._cannot_make(task, message))
        self.running = task
        return task

    def _shown(self, task: RunningTask, result: Preview) -> None:
        if self._closed or task is not self.running:
            return  # a newer preview replaced this one
        self.running = None
        self.preview = result
        self.warning.setText("\n".join(warning.message() for warning in result.letter.warnings))
        self.warning.setVisible(bool(result.letter.warnings))
        self.message.hide()
        for page in self.pages():
            page.setParent(None)
            page.deleteLater()
        for number, image in enumerate(result.pages, start=1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(result.device_pixel_ratio)
            page = QLabel()
            page.setObjectName(f"reminder_page_{number}")
            page.setPixmap(pixmap)
            page.setFrameShape(QFrame.Shape.Box)
            self.page_layout.addWidget(page)
        self.save_button.setEnabled(not self._again.isActive())

    def _ended(self, task: RunningTask) -> None:
        if not self._closed and task is self.running:
            self.running = None

    def _cannot_make(self, task: RunningTask, reason: str) -> None:
        if self._closed or self.running is not None:
            return
        self.preview = None
        for page in self.pages():
            page.setParent(None)
            page.deleteLater()
        self.message.setText(translate("ui.reminder.cannot_make", reason=reason))
        self.message.show()

    def pages(self) -> list[QLabel]:
        return [w for w in self.page_list.findChildren(QLabel) if w.objectName().startswith("reminder_page_")]

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.preview is None and self.running is None:
            QTimer.singleShot(0, self.render)  # once laid out, so that the width is known

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.preview is not None:
            self._again.start()

    def _stop(self) -> None:
        self._closed = True
        self._again.stop()
        if self.running is not None:
            self.running.cancel_token.cancel()

    # --- saving --------------------------------------------------------------------------------
    def choose_file(self) -> None:
        dialog = QFileDialog(self, translate("ui.reminder.save_title"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setObjectName("reminder_save_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.setNameFilters([translate("ui.report.pdf_filter")])
        dialog.selectFile(str(Path.home() / self.workspace.service.reminder_file_name(self.plan_id, self.period_id)))
        if dialog.exec() and dialog.selectedFiles():
            self.save_to(Path(dialog.selectedFiles()[0]))

    def save_to(self, path: Path) -> RunningTask:
        """Write the letter of the details shown to ``path`` (atomically, in the background); the outcome is a
        notice."""
        service, plan_id, period_id, details = self.workspace.service, self.plan_id, self.period_id, self.details()
        language = current_language()

        def work(progress: ProgressCallback, cancel: CancelToken) -> WrittenReport:
            return service.write_reminder(plan_id, period_id, path, details, language, progress, cancel)

        def saved(written: WrittenReport) -> None:
            self.workspace.notice.emit(translate("ui.reminder.saved", file=str(written.path)), False)

        return self.tasks.run(work, saved, translate("ui.reminder.saving"), self,
                              show_error=lambda message: self.workspace.notice.emit(message, True))
