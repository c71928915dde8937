"""The commune's desktop session: its workspace and main window on top of what both kinds share
(``session.py``: signing in and out, account actions, geometry, language switch).

What is the commune's own: the plan period the person was on survives a sign-out or a language switch, and files
given on the command line are the office's receipts, imported as the Period menu's "Import receipt" does, or plan
files (``.cdsplan``), imported after a question naming the plan (``open_files``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtWidgets import QMessageBox

from cds_desktop.core.bundle.format import FILE_SUFFIX
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.ui.commune.main_window import MainWindow
from cds_desktop.ui.commune.workspace import Workspace
from cds_desktop.ui.shell.session import SessionApp
from cds_desktop.ui.shell.window_layout import COMMUNE_WINDOW, WindowLayout


class DesktopApp(SessionApp):
    layout_group = COMMUNE_WINDOW
    workspace: Workspace
    window: MainWindow | None

    def make_workspace(self, service: CommuneService, actor: str) -> Workspace:
        return Workspace(service, actor, self)

    def make_window(self, layout: WindowLayout | None) -> MainWindow:
        return MainWindow(layout=layout)

    def unit_name(self) -> str | None:
        unit = self.workspace.service.unit()
        return unit.name if unit else None

    def view_state(self) -> tuple[str | None, str | None]:
        return self.workspace.plan_id, self.workspace.period_id

    def restore_view(self, state: tuple[str | None, str | None]) -> None:
        plan_id, period_id = state
        if plan_id is not None and period_id is not None:
            self.window.period_bar.choose(plan_id, period_id)

    def open_files(self, paths: Sequence[Path]) -> list[QMessageBox]:
        """Import each file as the office's receipt and say what came of it — or why it was refused — one message
        box each (already open, window-modal; the workflow panel's, as for a receipt chosen or dropped). A plan
        file (``.cdsplan``) is offered for import with a question naming the plan. A bundle (``.cdsb``) is a
        commune's report for the office: said so, not imported."""
        boxes = []
        from cds_desktop.ui.commune.plan_import import is_plan_file

        for path in map(Path, paths):
            if is_plan_file(path):  # asks first, naming the plan (already open)
                boxes.append(self.window.offer_plan(path))
                continue
            box = (self._bundle_refused(path) if path.suffix.lower() == FILE_SUFFIX
                   else self.window.workflow.import_receipt(path))
            box.open()
            boxes.append(box)
        return boxes

    def _bundle_refused(self, path: Path) -> QMessageBox:
        return self._message(translate("ui.open_file.bundle_at_commune", file=path.name))

    def _message(self, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, translate("ui.workflow.receipt_title"), text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("open_file_refused")
        return box
