"""The UI's one door to the commune service: the open plan period, the app-wide change signal, notices.

Every mutating service call goes through ``Workspace.mutate``, which publishes the returned ``Changes`` on
``changed`` — the one signal all views refresh from (views never call each other). A ``CdsError`` becomes a
translated notice instead of an exception. ``snapshot()`` reads the open period once per change and shares
it between views, so that an edit costs one read however many views show the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from cds_desktop.core.domain import PeriodEntries, PeriodState
from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.services.changes import Changes
from cds_desktop.core.services.commune.service import CommuneService, EvidenceView, PeriodStatus, PeriodView, period_status
from cds_desktop.core.validation import Problem

EDITABLE_STATES = (PeriodState.DRAFT, PeriodState.EXPORTED)  # an exported period reopens on edit


@dataclass(frozen=True)
class PeriodSnapshot:
    """Everything the views show about the open period, read in one go."""

    plan: Plan
    period: PeriodView
    entries: PeriodEntries
    problems: tuple[Problem, ...]
    evidence: tuple[EvidenceView, ...]

    @property
    def editable(self) -> bool:
        return self.period.state in EDITABLE_STATES

    @cached_property
    def status(self) -> PeriodStatus:
        """The progress summary (answered, targets met, tasks done …), worked out from this snapshot."""
        return period_status(self.plan, self.period, self.entries, self.problems)

    def problems_of(self, item_code: str) -> list[Problem]:
        return [p for p in self.problems if p.item_code == item_code]


def read_snapshot(service: CommuneService, plan_id: str, period_id: str) -> PeriodSnapshot:
    entries = service.entries(plan_id, period_id)
    return PeriodSnapshot(
        plan=service.period_plan(plan_id, period_id),
        period=service.period(plan_id, period_id),
        entries=entries,
        problems=tuple(service.validate(plan_id, period_id, entries)),
        evidence=tuple(service.evidence(plan_id, period_id)),
    )


def read_ahead(service: CommuneService) -> PeriodSnapshot | None:
    """Read once, off the GUI thread (start-up's worker, ``app.py``), what the main window reads when it
    opens: the same reads on the GUI thread then skip SQLAlchemy's first-time statement compilation and
    mapper set-up, 5–30 ms each, which together stalled the window for ~60 ms. The period the window opens
    first is returned with its status worked out, for the workspace to show (``Workspace.adopt``)."""
    from cds_desktop.ui.commune.period_bar import default_period, first_plan

    service.setting("language")
    service.has_accounts()
    service.unit()
    plans = [choice.plan for choice in service.plans_for_picker()]
    if plans:
        plan = first_plan(plans)
        periods = service.periods(plan.id)
        if periods:
            snapshot = read_snapshot(service, plan.id, default_period(periods, service.today()).period_id)
            _ = snapshot.status
            return snapshot
    return None


class Workspace(QObject):
    changed = Signal(object)  # Changes returned by a mutating service call
    period_opened = Signal()  # another plan period was opened
    plans_changed = Signal()  # plans were installed (with the office's key file): the picker lists them again
    notice = Signal(str, bool)  # a translated message; True when it reports a failure

    def __init__(self, service: CommuneService, actor: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._fallback_actor = actor
        self.plan_id: str | None = None
        self.period_id: str | None = None
        self._snapshot: PeriodSnapshot | None = None
        self._ahead: PeriodSnapshot | None = None

    @property
    def actor(self) -> str:
        """Who acts: the signed-in username, else the ``actor`` given (installations without accounts)."""
        return self.service.actor_name(self._fallback_actor)

    # --- the open period -------------------------------------------------------------------
    def open_period(self, plan_id: str, period_id: str) -> None:
        if (plan_id, period_id) == (self.plan_id, self.period_id):
            return
        self.plan_id, self.period_id = plan_id, period_id
        self._snapshot = None
        self.period_opened.emit()

    def forget_period(self) -> None:
        """No period open: the next ``open_period`` reads it afresh, even the same one (its plan changed)."""
        self.plan_id = self.period_id = None
        self._snapshot = self._ahead = None

    @property
    def has_period(self) -> bool:
        return self.plan_id is not None and self.period_id is not None

    def adopt(self, ahead: PeriodSnapshot) -> None:
        """Show ``ahead`` (read ahead at start-up, ``read_ahead``) when its period is the first opened, instead
        of reading it again on the GUI thread; any change made before then drops it."""
        self._ahead = ahead

    def snapshot(self) -> PeriodSnapshot:
        if self._snapshot is None:
            ahead, self._ahead = self._ahead, None
            if ahead is not None and (ahead.plan.id, ahead.period.period_id) == (self.plan_id, self.period_id):
                self._snapshot = ahead
            else:
                self._snapshot = read_snapshot(self.service, self.plan_id, self.period_id)
        return self._snapshot

    # --- changing things -------------------------------------------------------------------
    def mutate(self, call: Callable[[], Any]) -> Any:
        """Run a mutating service call; publish its ``Changes``; a ``CdsError`` becomes a notice (→ None)."""
        try:
            result = call()
        except CdsError as exc:
            self.notice.emit(exc.message(), True)
            return None
        self.publish(result[0] if isinstance(result, tuple) else result)
        return result

    def publish(self, changes: Changes) -> None:
        for message_id in changes.warnings:
            self.notice.emit(translate(message_id), False)
        if changes.empty:
            return
        self._snapshot = self._ahead = None
        self.changed.emit(changes)

    def set_indicator(self, code: str, field: str, value: str | None) -> None:
        self.mutate(lambda: self.service.set_indicator(self.plan_id, self.period_id, code, {field: value}, self.actor))

    def set_task(self, code: str, field: str, value: Any) -> None:
        self.mutate(lambda: self.service.set_task(self.plan_id, self.period_id, code, {field: value}, self.actor))
