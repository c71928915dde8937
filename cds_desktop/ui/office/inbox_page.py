"""The office's inbox: import report bundles — dropped onto the page or the window (a few files, a whole folder or
USB drive), chosen with the buttons, or given on the command line — and see what came of each file.

The import runs on the background lane (``BackgroundTasks``): the progress dialog names the file under way and
its Cancel stops the import (the files already done stay imported, the rest are left as they were). Each file's
outcome joins the result table as soon as it is known; the counts above it add up to the files. A refused file
shows its reason and what to do about it; an imported report opens (double-click or Enter) on the submission
page. The user's files are only read: never changed, moved or deleted.

The office's passphrase (its encryption keys open the bundles) is asked once, when the first import starts, and
kept in this page's memory only while the app runs — never written anywhere; a wrong one is forgotten and asked
again. The second tab is the import log (``inbox_history.py``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.import_log import outcome_counts, summary_text
from cds_desktop.core.services.office.intake import ImportOutcome
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.office.inbox_history import ImportHistory
from cds_desktop.ui.office.inbox_models import (
    RESULT_COLUMNS,
    SORT_ROLE,
    InboxColumn,
    InboxLine,
    InboxTableModel,
    Naming,
    line_of_outcome,
)
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

ERROR_STYLE = "color: #a11d16;"
COLUMN_WIDTHS = {InboxColumn.OUTCOME: 125, InboxColumn.COMMUNE: 180, InboxColumn.PLAN: 140,
                 InboxColumn.PERIOD: 125, InboxColumn.REVISION: 70, InboxColumn.FILE: 230}
STRETCHED = (InboxColumn.REASON, InboxColumn.ADVICE)  # share the width left; the details below show them whole


class PassphraseDialog(QDialog):
    """Asks for the office's passphrase; ``given`` carries it (the dialog keeps no copy)."""

    given = Signal(str)

    def __init__(self, error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inbox_passphrase_dialog")
        self.setWindowTitle(translate("ui.inbox.passphrase_title"))
        intro = QLabel(translate("ui.inbox.passphrase_intro"))
        intro.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("inbox_passphrase")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel(translate("ui.inbox.passphrase_label"))
        label.setBuddy(self.field)
        self.error = QLabel(error)
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(bool(error))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._give)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.field, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self.field.setFocus()

    def _give(self) -> None:
        passphrase = self.field.text()
        if not passphrase:
            self.error.setText(translate("ui.inbox.passphrase_missing"))
            self.error.show()
            return
        self.field.clear()
        self.accept()
        self.given.emit(passphrase)


class _ImportRelay(QObject):
    """Lives on the GUI thread; the import emits from the background lane, Qt queues the calls back."""

    file_started = Signal(str, int, int)  # file name, files done, files in all
    outcome_ready = Signal(object)  # ImportOutcome


class InboxPage(QWidget):
    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inbox_page")
        self.workspace, self.tasks = workspace, tasks
        self.running: RunningTask | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self._passphrase: str | None = None  # in memory only, for this run of the app
        self._asked: list[Path] = []  # what the import under way was asked to import
        self._progress = (0, 0)  # files started, files in all
        self._naming: Naming | None = None  # how the import under way names communes and plans

        self.tabs = QTabWidget()
        self.tabs.setObjectName("inbox_tabs")
        self.tabs.addTab(self._results_tab(), translate("ui.inbox.tab.results"))
        self.history = ImportHistory(workspace)
        self.tabs.addTab(self.history, translate("ui.inbox.tab.log"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.setAcceptDrops(True)
        workspace.import_requested.connect(self.import_paths)
        self._show_selected()

    def _results_tab(self) -> QWidget:
        self.drop_hint = QLabel(translate("ui.inbox.drop_hint"))
        self.drop_hint.setObjectName("inbox_drop_hint")
        self.drop_hint.setWordWrap(True)
        self.choose_files_button = QPushButton(translate("ui.inbox.choose_files"))
        self.choose_files_button.setObjectName("inbox_choose_files")
        self.choose_files_button.clicked.connect(self.choose_files)
        self.choose_folder_button = QPushButton(translate("ui.inbox.choose_folder"))
        self.choose_folder_button.setObjectName("inbox_choose_folder")
        self.choose_folder_button.clicked.connect(self.choose_folder)
        self.status = QLabel(translate("ui.inbox.idle"))
        self.status.setObjectName("inbox_status")
        self.status.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setObjectName("inbox_counts")
        self.counts.setWordWrap(True)
        self.counts.setStyleSheet("font-weight: bold;")

        self.model = InboxTableModel(RESULT_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("inbox_results")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # import order until asked
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for position, column in enumerate(RESULT_COLUMNS):
            if column in STRETCHED:
                header.setSectionResizeMode(position, QHeaderView.ResizeMode.Stretch)
            else:
                self.table.setColumnWidth(position, COLUMN_WIDTHS[column])
        self.table.activated.connect(self._open)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)

        self.details = QLabel()
        self.details.setObjectName("inbox_details")
        self.details.setWordWrap(True)
        self.open_button = QPushButton(translate("ui.inbox.open_report"))
        self.open_button.setObjectName("inbox_open_report")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentIndex()))

        top = QHBoxLayout()
        top.addWidget(self.drop_hint, 1)
        top.addWidget(self.choose_files_button)
        top.addWidget(self.choose_folder_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.details, 1)
        bottom.addWidget(self.open_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        if not self._may_import():
            self.status.setText(translate("ui.inbox.not_allowed"))
            for button in (self.choose_files_button, self.choose_folder_button):
                button.setEnabled(False)
        return tab

    def _may_import(self) -> bool:
        principal = self.workspace.service.principal
        return principal is None or principal.can(Permission.IMPORT)

    # --- choosing and dropping ----------------------------------------------------------------
    def choose_files(self) -> None:
        dialog = QFileDialog(self, translate("ui.inbox.files_title"))
        dialog.setObjectName("inbox_file_dialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # the app's language, whatever the OS speaks
        dialog.setOption(QFileDialog.Option.ReadOnly)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(translate("ui.inbox.files_filter"))
        if dialog.exec() and dialog.selectedFiles():
            self.import_paths([Path(name) for name in dialog.selectedFiles()])

    def choose_folder(self) -> None:
        dialog = QFileDialog(self, translate("ui.inbox.folder_title"))
        dialog.setObjectName("inbox_folder_dialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setOption(QFileDialog.Option.ReadOnly)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        if dialog.exec() and dialog.selectedFiles():
            self.import_paths([Path(dialog.selectedFiles()[0])])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.import_paths(paths)

    # --- importing ----------------------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> None:
        """Import the bundles among ``paths`` (files, or folders searched), asking the passphrase first if needed."""
        if not paths:
            return
        if self.running is not None or self.passphrase_dialog is not None:
            self.workspace.notice.emit(translate("ui.inbox.busy"), True)
            return
        if not self._may_import():  # the service would refuse it (after the passphrase): say so at once
            self.workspace.notice.emit(translate("ui.inbox.not_allowed"), True)
            return
        self.tabs.setCurrentIndex(0)
        if self._passphrase is None:
            self._ask_passphrase(paths)
        else:
            self._start(paths)

    def _ask_passphrase(self, paths: list[Path], error: str = "") -> None:
        dialog = PassphraseDialog(error, self)
        self.passphrase_dialog = dialog

        def given(passphrase: str) -> None:
            self._passphrase = passphrase
            self._start(paths)

        dialog.given.connect(given)
        dialog.finished.connect(self._passphrase_dialog_closed)
        dialog.open()

    def _passphrase_dialog_closed(self) -> None:
        if self.passphrase_dialog is not None:
            self.passphrase_dialog.deleteLater()
            self.passphrase_dialog = None

    def _start(self, paths: list[Path]) -> None:
        self._passphrase_dialog_closed()
        self._asked = list(paths)
        service, workspace, passphrase = self.workspace.service, self.workspace, self._passphrase
        self._naming = Naming({commune.code: commune.name for commune in service.communes()}, service.catalog)
        self.model.set_lines([])
        self._progress = (0, 0)
        self._show_counts()
        self._show_selected()
        self.status.setText(translate("ui.inbox.starting"))
        relay = _ImportRelay(self)
        relay.file_started.connect(self._file_started)
        relay.outcome_ready.connect(self._outcome_ready)
        actor = workspace.actor

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[ImportOutcome] | CdsError:
            try:
                return service.import_bundles(
                    paths, passphrase, cancel, progress, actor=actor,
                    on_file=lambda file, done, total: relay.file_started.emit(file.name, done, total),
                    on_outcome=relay.outcome_ready.emit)
            except CdsError as exc:  # the batch could not start (wrong passphrase, role): ``_finished`` says it
                return exc

        for button in (self.choose_files_button, self.choose_folder_button):
            button.setEnabled(False)
        self.running = self.tasks.run(work, self._finished, translate("ui.inbox.task_title"), self,
                                      on_failed=self._settle, on_cancelled=self._cancelled)

    def _file_started(self, name: str, done: int, total: int) -> None:
        self._progress = (done, total)
        text = translate("ui.inbox.importing", done=done + 1, total=total, file=name)
        self.status.setText(text)
        if self.running is not None and isValid(self.running.dialog):
            self.running.dialog.setLabelText(text)

    def _outcome_ready(self, outcome: ImportOutcome) -> None:
        self.model.append(line_of_outcome(outcome, self._naming))
        self._show_counts()
        if self.model.rowCount() == 1:
            self.table.selectRow(0)

    def _settle(self) -> None:
        self.running = None
        for button in (self.choose_files_button, self.choose_folder_button):
            button.setEnabled(self._may_import())

    def _finished(self, result: list[ImportOutcome] | CdsError) -> None:
        self._settle()
        if isinstance(result, CdsError):
            if result.code == Code.WRONG_PASSPHRASE:
                self._passphrase = None
                self.status.setText(result.message())
                self._ask_passphrase(self._asked, result.message())
                return
            self.status.setText(result.message())
            self.workspace.notice.emit(result.message(), True)
            return
        self.status.setText(translate("ui.inbox.done" if result else "ui.inbox.no_files"))
        if result:
            self.workspace.publish(OfficeChanges(submissions=True))

    def _cancelled(self) -> None:
        done, total = self.model.rowCount(), self._progress[1]
        self.status.setText(translate("ui.inbox.cancelled", done=done, total=total, left=total - done))
        if done:
            self.workspace.publish(OfficeChanges(submissions=True))

    def _show_counts(self) -> None:
        kinds = [line.kind for line in self.model.lines()]
        self.counts.setText(summary_text(outcome_counts(kinds)) if kinds else "")

    # --- the result table ---------------------------------------------------------------------
    def _current_line(self) -> InboxLine | None:
        index = self.table.currentIndex()
        return self.model.line(self.proxy.mapToSource(index).row()) if index.isValid() else None

    def _show_selected(self) -> None:
        line = self._current_line()
        self.open_button.setEnabled(line is not None and line.opens_submission)
        if line is None:
            self.details.setText(translate("ui.inbox.open_hint"))
        elif line.reason:
            self.details.setText(translate("ui.inbox.details", file=line.file_name, reason=line.reason,
                                           advice=line.advice))
        else:
            self.details.setText(translate("ui.inbox.open_hint"))

    def _open(self, index) -> None:
        if not index.isValid():
            return
        line = self.model.line(self.proxy.mapToSource(index).row())
        if line.opens_submission:
            self.workspace.show_submission(line.commune, line.plan_id, line.period_id)
