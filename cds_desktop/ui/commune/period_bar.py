"""The plan and period picker with the open period's deadline, state, overdue or due-soon warning and progress summary.

Each choice in the period picker names the period, its deadline and its state (the office's verdict included,
see ``models/period_model.py``); overdue periods are marked and coloured.

The plan picker lists what ``CommuneService.plans_for_picker`` gives, in its order: the office's plans first, a
replaced one marked so (and by which plan), built-in example plans marked as examples.

Built empty and disabled for the main window's frame (``PeriodBar()``), it shows the plans once ``attach``ed
to the workspace; the domain, the period model and labels (which need the service stack) are imported then.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cds_desktop.core.i18n import current_language, translate

if TYPE_CHECKING:
    from cds_desktop.core.services.changes import Changes
    from cds_desktop.core.plans.model import Plan
    from cds_desktop.core.services.commune.plan_versions import PlanChoice
    from cds_desktop.core.services.commune.service import PeriodView
    from cds_desktop.ui.commune.models.period_model import PeriodListModel
    from cds_desktop.ui.commune.workspace import Workspace

DUE_SOON_DAYS = 7  # warn this many days before the deadline


def default_period(periods: list[PeriodView], today: dt.date) -> PeriodView:
    """The period to open first: the earliest one not yet exported whose deadline is today or later,
    else the last period."""
    from cds_desktop.core.domain import PeriodState

    upcoming = [p for p in periods if p.due_before >= today and p.state is not PeriodState.EXPORTED]
    return min(upcoming, key=lambda p: p.due_before) if upcoming else periods[-1]


def choice_title(choice: PlanChoice, language: str) -> str:
    """The plan's title as the picker shows it: marked when replaced (by which plan) or a built-in example."""
    title = choice.plan.plan.title.get(language)
    if choice.replaced_by is not None:
        return translate("ui.plan_picker.replaced_by", language, title=title,
                         by=choice.replaced_by.plan.title.get(language))
    if choice.replaced:
        return translate("ui.plan_picker.replaced", language, title=title)
    if choice.example:
        return translate("ui.plan_picker.example", language, title=title)
    return title


def first_plan(plans: list[Plan]) -> Plan:
    """The plan to open on: the first that asks communes for indicator values (task-only plans come later)."""
    return next((plan for plan in plans if plan.commune_indicators()), plans[0])


class PeriodBar(QWidget):
    def __init__(self, workspace: Workspace | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.period_model: PeriodListModel | None = None
        self.plan_box = QComboBox()
        self.plan_box.setObjectName("plan_picker")
        self.plan_box.setMinimumContentsLength(40)
        self.plan_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.period_box = QComboBox()
        self.period_box.setObjectName("period_picker")
        self.period_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status = QLabel()
        self.status.setObjectName("period_status")
        self.status.setWordWrap(True)

        plan_label = QLabel(translate("ui.period_bar.plan"))
        plan_label.setBuddy(self.plan_box)
        period_label = QLabel(translate("ui.period_bar.period"))
        period_label.setBuddy(self.period_box)
        pickers = QHBoxLayout()
        pickers.addWidget(plan_label)
        pickers.addWidget(self.plan_box, 3)
        pickers.addSpacing(12)
        pickers.addWidget(period_label)
        pickers.addWidget(self.period_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 2)
        layout.addLayout(pickers)
        layout.addWidget(self.status)
        if workspace is not None:
            self.attach(workspace)

    def attach(self, workspace: Workspace) -> None:
        """Offer the workspace's plans and open the first plan's default period."""
        from cds_desktop.ui.commune.models.period_model import PeriodListModel

        self.workspace = workspace
        self.period_model = PeriodListModel(self)
        self.period_box.setModel(self.period_model)
        plans = self._fill_plans()
        self.plan_box.setCurrentIndex(plans.index(first_plan(plans)) if plans else 0)
        self.plan_box.currentIndexChanged.connect(self._plan_chosen)
        self.period_box.currentIndexChanged.connect(self._period_chosen)
        workspace.changed.connect(self._changed)
        workspace.period_opened.connect(self._show_status)
        workspace.plans_changed.connect(self.show_plans)
        if self.plan_box.count():
            self._plan_chosen()
        self._show_status()  # the workspace may already be on that period (a new window after signing out)

    def _fill_plans(self) -> list[Plan]:
        """The plan picker filled again (its signals not sent); returns the plans it offers."""
        from PySide6.QtCore import Qt

        language = current_language()
        choices = self.workspace.service.plans_for_picker()
        self.plan_box.blockSignals(True)
        self.plan_box.clear()
        for choice in choices:
            self.plan_box.addItem(choice_title(choice, language), choice.plan.id)
            self.plan_box.setItemData(self.plan_box.count() - 1, choice.plan.plan.citation(language),
                                      Qt.ItemDataRole.ToolTipRole)
        self.plan_box.blockSignals(False)
        return [choice.plan for choice in choices]

    def show_plans(self, plan_id: str | None = None) -> None:
        """Offer the plans again (one was imported, or a setting changed), on ``plan_id`` (else the plan that was
        chosen, if still offered); its period is opened again: its items may have changed with a new version."""
        chosen = plan_id or self.plan_box.currentData()
        period_id = self.workspace.period_id if chosen == self.workspace.plan_id else None
        self._fill_plans()
        self.plan_box.blockSignals(True)
        self.plan_box.setCurrentIndex(max(0, self.plan_box.findData(chosen)))
        self.plan_box.blockSignals(False)
        if self.plan_box.count():
            self.workspace.forget_period()
            self._plan_chosen()
            if period_id is not None and self.plan_box.currentData() == chosen:
                self.choose(chosen, period_id)  # the period that was open stays open

    def choose(self, plan_id: str, period_id: str) -> None:
        self.plan_box.setCurrentIndex(max(0, self.plan_box.findData(plan_id)))
        self.period_box.setCurrentIndex(max(0, self.period_model.row_of(period_id)))

    def _plan_chosen(self) -> None:
        plan_id = self.plan_box.currentData()
        periods = self.workspace.service.periods(plan_id)
        self.period_box.blockSignals(True)
        self.period_model.set_periods(periods)
        start = default_period(periods, self.workspace.service.today())
        self.period_box.setCurrentIndex(self.period_model.row_of(start.period_id))
        self.period_box.blockSignals(False)
        self._period_chosen()

    def _period_chosen(self) -> None:
        row = self.period_box.currentIndex()
        if row >= 0:
            self.workspace.open_period(self.plan_box.currentData(), self.period_model.period(row).period_id)

    def _changed(self, changes: Changes) -> None:
        if changes.settings:
            self.show_plans()
            return
        if changes.period_state or changes.items or changes.evidence:
            self.period_model.update_periods(self.workspace.service.periods(self.plan_box.currentData()))
        self._show_status()

    def _show_status(self) -> None:
        from cds_desktop.core.domain import PeriodState
        from cds_desktop.ui.shared.labels import date_text, deadline_text
        from cds_desktop.ui.commune.models.period_model import period_state_text

        if not self.workspace.has_period:
            return
        service, snapshot = self.workspace.service, self.workspace.snapshot()
        status = snapshot.status
        period = status.period
        text = translate(
            "ui.period_bar.status",
            due=date_text(period.due_before), rule=deadline_text(period), state=period_state_text(period),
            revision=period.revision, answered=status.indicators_answered, indicators=status.indicators_total,
            met=status.targets_met, evaluated=status.targets_evaluated, done=status.tasks_done, tasks=status.tasks_total,
        )
        days_left = (period.due_before - service.today()).days
        if period.overdue:
            text = translate("ui.period_bar.overdue", status=text)
        elif period.state is not PeriodState.EXPORTED and days_left <= DUE_SOON_DAYS:
            text = translate("ui.period_bar.due_soon", days=days_left, status=text)
        if not snapshot.editable:
            text = translate("ui.period_bar.locked", status=text)
        self.status.setText(text)
        self.status.setStyleSheet("color: #a11d16;" if period.overdue else "")
