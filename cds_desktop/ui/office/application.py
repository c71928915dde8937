"""The receiving office's desktop session: its workspace and window on top of what both kinds share
(``ui/shell/session.py``: signing in and out, account actions, geometry, language switch).

What is the office's own: the page the person was on survives a sign-out or a language switch, and the window's
geometry is remembered apart from a commune's (an office may also keep a commune's folder for tests).
"""

from __future__ import annotations

from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.ui.office.main_window import OfficeWindow
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.session import SessionApp
from cds_desktop.ui.shell.window_layout import OFFICE_WINDOW, WindowLayout


class OfficeApp(SessionApp):
    layout_group = OFFICE_WINDOW
    workspace: OfficeWorkspace
    window: OfficeWindow | None

    def make_workspace(self, service: OfficeService, actor: str) -> OfficeWorkspace:
        return OfficeWorkspace(service, actor, self)

    def make_window(self, layout: WindowLayout | None) -> OfficeWindow:
        return OfficeWindow(layout=layout)

    def unit_name(self) -> str | None:
        identity = self.workspace.service.identity()
        return identity.name if identity else None

    def view_state(self) -> str | None:
        return self.window.current_page_name() if self.window is not None else None

    def restore_view(self, state: str | None) -> None:
        if state is not None:
            self.window.show_page(state)
