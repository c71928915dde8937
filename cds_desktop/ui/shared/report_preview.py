"""Preview of a PDF report and saving it: the commune's official report (the same PDF as ``cds report``), the
office's consolidated report (``cds office report``), any report a ``MakeReport`` function makes.

The dialog is given the function that makes the PDF (``make_report(language, progress, cancel) → ReportPdf``),
the file name offered when saving, and where to say what happened (``notify(message, is_failure)``).
The PDF is made and its pages rasterised with pypdfium2 on the background lane, never on the GUI thread;
pages are rendered to fit the view's width times the zoom, at the screen's device pixel ratio so that text
stays sharp on high-DPI screens, and rendered again (debounced) when the zoom or the width changes. When the
report cannot be made (e.g. nothing has been entered yet) the dialog says why and offers nothing to save; when
it was made with a warning (characters the report font cannot draw, replaced by ``[U+…]``) a bar above the
pages says so. A commune's report whose signer or recipients are not set yet says so in a red bar, with a button
to Settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pypdfium2 as pdfium
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled
from cds_desktop.core.services.report_file import ReportPdf
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

ZOOM_STEPS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)  # × the view's width
PAGE_MARGIN = 16
PAGE_FRAME = 1  # the line around each page
RERENDER_DELAY_MS = 200

MakeReport = Callable[[str, ProgressCallback, CancelToken], ReportPdf]  # (language, progress, cancel) → the PDF
Notify = Callable[[str, bool], None]  # a translated message; True when it reports a failure


def render_pages(pdf: bytes, width_px: int, cancel: CancelToken | None = None) -> list[QImage]:
    """Every page of ``pdf`` as an image ``width_px`` pixels wide (white background)."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            check_cancelled(cancel)
            page = document[index]
            bitmap = page.render(scale=width_px / page.get_width(), rev_byteorder=True, prefer_bgrx=True)
            images.append(QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                 QImage.Format.Format_RGBX8888).copy())  # owns its pixels once pdfium's are freed
            page.close()
        return images
    finally:
        document.close()


@dataclass(frozen=True)
class Rendered:
    report: ReportPdf
    pages: list[QImage]
    device_pixel_ratio: float


class ReportPreviewDialog(QDialog):
    def __init__(self, make_report: MakeReport, file_name: str, tasks: BackgroundTasks, notify: Notify,
                 parent: QWidget | None = None, title: str | None = None, missing: Sequence[str] = (),
                 open_settings: Callable[[], object] | None = None) -> None:
        """``missing``: the report settings still empty (``missing_report_details``), said in a bar above the pages
        with a button to ``open_settings``."""
        super().__init__(parent)
        self.setObjectName("report_preview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.make_report, self.file_name, self.tasks, self.notify = make_report, file_name, tasks, notify
        self.made: ReportPdf | None = None
        self.pdf: bytes | None = None
        self.zoom_index = ZOOM_STEPS.index(1.0)
        self.running: RunningTask | None = None
        self._closed = False
        self.setWindowTitle(title or translate("ui.report.title"))

        self.page_count = QLabel()
        self.page_count.setObjectName("report_page_count")
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("report_zoom")
        self.zoom_out = self._button("zoom_out", QKeySequence.StandardKey.ZoomOut, lambda: self.set_zoom(-1))
        self.zoom_in = self._button("zoom_in", QKeySequence.StandardKey.ZoomIn, lambda: self.set_zoom(+1))
        self.fit = self._button("fit_width", QKeySequence("Ctrl+0"), lambda: self.set_zoom(0))
        self.save_button = self._button("save", QKeySequence.StandardKey.Save, self.choose_file)
        self.message = QLabel(translate("ui.report.making"))
        self.message.setObjectName("report_message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: white; font-size: 12pt;")
        self.warning = QLabel()  # what the report build says the reader should know (characters replaced …)
        self.warning.setObjectName("report_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff4d6; color: #5c3d00; padding: 6px;")
        self.warning.hide()
        self.details_bar = self._details_bar(missing, open_settings)

        self.page_list = QWidget()
        self.page_list.setObjectName("report_pages")
        self.page_layout = QVBoxLayout(self.page_list)
        self.page_layout.setSpacing(PAGE_MARGIN)
        self.page_layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.page_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("report_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; }")
        self.page_list.setStyleSheet("#report_pages { background: #808080; }")
        self.scroll.setWidget(self.page_list)
        self.page_layout.addWidget(self.message)

        tools = QHBoxLayout()
        tools.addWidget(self.page_count)
        tools.addStretch(1)
        tools.addWidget(self.zoom_out)
        tools.addWidget(self.zoom_label)
        tools.addWidget(self.zoom_in)
        tools.addWidget(self.fit)
        tools.addSpacing(24)
        tools.addWidget(self.save_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        if self.details_bar is not None:
            layout.addWidget(self.details_bar)
        layout.addWidget(self.warning)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(buttons)
        self._rerender = QTimer(self)
        self._rerender.setSingleShot(True)
        self._rerender.setInterval(RERENDER_DELAY_MS)
        self._rerender.timeout.connect(self.render)
        self.finished.connect(self._stop)
        self._show_tools()
        self.resize(980, 720)
        self.scroll.setFocus()

    def _details_bar(self, missing: Sequence[str], open_settings: Callable[[], object] | None) -> QFrame | None:
        """Which of the report's details are still empty, and the way to Settings (None: nothing missing)."""
        if not missing:
            return None
        bar = QFrame()
        bar.setObjectName("report_details_missing")
        bar.setStyleSheet("#report_details_missing { background: #fde2e1; } QLabel { color: #7a1410; }")
        text = QLabel(translate("ui.report.details_missing",
                                details=", ".join(translate(f"ui.report.detail.{key}") for key in missing)))
        text.setObjectName("report_details_text")
        text.setWordWrap(True)
        row = QHBoxLayout(bar)
        row.addWidget(text, 1)
        if open_settings is not None:
            button = QPushButton(translate("ui.report.open_settings"))
            button.setObjectName("report_open_settings")
            button.setAutoDefault(False)
            button.clicked.connect(lambda: (self.reject(), open_settings()))
            row.addWidget(button)
        return bar

    def _button(self, name: str, shortcut, slot) -> QPushButton:
        button = QPushButton(translate(f"ui.report.{name}"))
        button.setObjectName(f"report_{name}")
        button.setShortcut(QKeySequence(shortcut))
        button.setToolTip(translate(f"ui.report.{name}_tip", shortcut=button.shortcut().toString(
            QKeySequence.SequenceFormat.NativeText)))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- rendering -------------------------------------------------------------------------
    def page_width(self) -> int:
        """The width of a page image in device pixels: the view's width (less margins) times the zoom."""
        scroll = self.scroll  # its outer width does not change when the scroll bar appears, unlike the viewport's
        view = (scroll.width() - 2 * scroll.frameWidth() - scroll.verticalScrollBar().sizeHint().width()
                - 2 * PAGE_MARGIN - 2 * PAGE_FRAME)
        return max(200, int(view * ZOOM_STEPS[self.zoom_index] * self.devicePixelRatioF()))

    def render(self) -> RunningTask:
        """Make the PDF (first time) and rasterise its pages at the current width, in the background."""
        if self.running is not None:
            self.running.cancel_token.cancel()
        make_report, made = self.make_report, self.made
        width, ratio, language = self.page_width(), self.devicePixelRatioF(), current_language()

        def work(progress: ProgressCallback, cancel: CancelToken) -> Rendered:
            report = made or make_report(language, progress, cancel)
            return Rendered(report, render_pages(report.content, width, cancel), ratio)

        task = self.tasks.run(work, lambda result: self._rendered(task, result), translate("ui.report.making"), self,
                              on_failed=lambda: self._ended(task),
                              show_error=lambda message: self._cannot_make(task, message))
        self.running = task
        return task

    def _rendered(self, task: RunningTask, result: Rendered) -> None:
        if self._closed or task is not self.running:
            return  # a newer rendering replaced this one
        self.running = None
        self.made = result.report
        self.pdf = result.report.content
        self.warning.setText("\n".join(warning.message() for warning in result.report.warnings))
        self.warning.setVisible(bool(result.report.warnings))
        self._clear_pages()
        for number, image in enumerate(result.pages, start=1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(result.device_pixel_ratio)
            page = QLabel()
            page.setObjectName(f"report_page_{number}")
            page.setPixmap(pixmap)
            page.setFrameShape(QFrame.Shape.Box)
            self.page_layout.addWidget(page)
        self.page_count.setText(translate("ui.report.page_count", count=len(result.pages)))
        self._show_tools()

    def _ended(self, task: RunningTask) -> None:
        """The rendering stopped without pages (cancelled, refused or a bug): the tools come back."""
        if self._closed or task is not self.running:
            return
        self.running = None
        self._show_tools()

    def _cannot_make(self, task: RunningTask, reason: str) -> None:
        if not self._closed and self.running is None:
            self.message.setText(translate("ui.report.cannot_make", reason=reason))

    def pages(self) -> list[QLabel]:
        return [w for w in self.page_list.findChildren(QLabel) if w.objectName().startswith("report_page_")]

    def _clear_pages(self) -> None:
        self.message.hide()
        for page in self.pages():
            page.setParent(None)
            page.deleteLater()

    def _show_tools(self) -> None:
        ready = self.pdf is not None
        for button in (self.zoom_out, self.zoom_in, self.fit, self.save_button):
            button.setEnabled(ready)
        self.zoom_out.setEnabled(ready and self.zoom_index > 0)
        self.zoom_in.setEnabled(ready and self.zoom_index < len(ZOOM_STEPS) - 1)
        self.zoom_label.setText(translate("ui.report.zoom", percent=round(ZOOM_STEPS[self.zoom_index] * 100)))

    def set_zoom(self, step: int) -> None:
        """One step smaller (-1) or larger (+1), or back to the view's width (0)."""
        self.zoom_index = ZOOM_STEPS.index(1.0) if step == 0 else min(max(0, self.zoom_index + step),
                                                                      len(ZOOM_STEPS) - 1)
        self._show_tools()
        self._rerender.start()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.pdf is None and self.running is None:
            QTimer.singleShot(0, self.render)  # once laid out, so that the width is known

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.pdf is not None:
            self._rerender.start()

    def _stop(self) -> None:
        self._closed = True
        self._rerender.stop()
        if self.running is not None:
            self.running.cancel_token.cancel()

    # --- saving ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        dialog = QFileDialog(self, translate("ui.report.save_title"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setObjectName("report_save_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.setNameFilters([translate("ui.report.pdf_filter")])
        dialog.selectFile(str(Path.home() / self.file_name))
        if dialog.exec() and dialog.selectedFiles():
            self.save_to(Path(dialog.selectedFiles()[0]))

    def save_to(self, path: Path) -> bool:
        """Write the previewed PDF to ``path`` (atomically); a failure is reported as a notice."""
        try:
            write_atomic(path, self.pdf)
        except CdsError as exc:
            self.notify(exc.message(), True)
            return False
        self.notify(translate("ui.report.saved", file=str(path)), False)
        return True
