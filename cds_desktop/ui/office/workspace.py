"""The office UI's one door to the office service: the plan the office is looking at, the app-wide change signal,
notices and navigation between pages.

Every change goes through the service (which checks the signed-in person's role) and is published as
``OfficeChanges`` on ``changed``, the one signal all pages refresh from; pages never call each other. Asking to
see one submission (``show_submission``) or another page (``show_page``) is a request the window answers;
files to import (dropped onto the window, given on the command line) arrive on ``import_requested``, which the
inbox page answers.
A ``CdsError`` of a quick call becomes a translated notice (``mutate``); long work runs on ``BackgroundTasks``
and publishes its changes when it ends.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from cds_desktop.core.errors import CdsError
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.service import OfficeService


class OfficeWorkspace(QObject):
    changed = Signal(object)  # OfficeChanges
    notice = Signal(str, bool)  # a translated message; True when it reports a failure
    plan_chosen = Signal(str)  # the plan the office looks at (completeness, results, reminders)
    submission_requested = Signal(str, str, str)  # commune code, plan id, period id: show that submission
    page_requested = Signal(str)  # a page's name: show it
    import_requested = Signal(list)  # [Path]: files or folders to import (the inbox page answers)

    def __init__(self, service: OfficeService, actor: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._fallback_actor = actor
        self.plan_id: str | None = None

    @property
    def actor(self) -> str:
        """Who acts: the signed-in username, else the ``actor`` given (installations without accounts)."""
        return self.service.actor_name(self._fallback_actor)

    def choose_plan(self, plan_id: str) -> None:
        if plan_id != self.plan_id:
            self.plan_id = plan_id
            self.plan_chosen.emit(plan_id)

    def show_submission(self, commune: str, plan_id: str, period_id: str) -> None:
        self.submission_requested.emit(commune, plan_id, period_id)

    def show_page(self, name: str) -> None:
        self.page_requested.emit(name)

    def mutate(self, call: Callable[[], Any], changes: OfficeChanges) -> Any:
        """Run a quick changing call; publish ``changes``; a ``CdsError`` becomes a notice (→ None)."""
        try:
            result = call()
        except CdsError as exc:
            self.notice.emit(exc.message(), True)
            return None
        self.publish(changes)
        return result

    def publish(self, changes: OfficeChanges) -> None:
        if not changes.empty:
            self.changed.emit(changes)
