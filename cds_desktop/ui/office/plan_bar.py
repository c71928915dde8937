"""The bar at the top of the office's completeness and results pages: the plan the office looks at and a second
choice within it (the year of the completeness matrix, the period of the results), each with its label and
access key, and room on the right for the page's own controls.

The plan follows the workspace both ways: choosing one here tells the workspace (``OfficeWorkspace.choose_plan``)
and then ``plan_changed``; a plan chosen on another page is selected here without a second round trip. The
second choice is filled by the page (``set_choices``) without emitting ``choice_changed``, which only the person
choosing triggers. The plans offered are read again when the workspace says plans changed (``OfficeChanges.plans``).
"""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.ui.office.workspace import OfficeWorkspace

PLAN_MIN_CHARACTERS = 30


class OfficePlanBar(QWidget):
    plan_changed = Signal(str)  # the person chose another plan (the workspace knows already)
    choice_changed = Signal()  # the person chose another year or period

    def __init__(self, workspace: OfficeWorkspace, names: tuple[str, str], labels: tuple[str, str],
                 parent: QWidget | None = None) -> None:
        """``names``: the object names of the plan box and of the choice box; ``labels``: their message ids."""
        super().__init__(parent)
        self.workspace = workspace
        self.plan_box = QComboBox()
        self.plan_box.setObjectName(names[0])
        self.plan_box.setMinimumContentsLength(PLAN_MIN_CHARACTERS)
        self.plan_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice_box = QComboBox()
        self.choice_box.setObjectName(names[1])
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        for message_id, box, stretch in ((labels[0], self.plan_box, 3), (labels[1], self.choice_box, 0)):
            label = QLabel(translate(message_id))
            label.setBuddy(box)
            self.row.addWidget(label)
            self.row.addWidget(box, stretch)
            self.row.addSpacing(8)
        self._fill_plans()
        self.plan_box.currentIndexChanged.connect(self._plan_chosen)
        self.choice_box.currentIndexChanged.connect(self.choice_changed)
        workspace.plan_chosen.connect(self.select_plan)
        workspace.changed.connect(self._changed)

    @property
    def plan_id(self) -> str | None:
        return self.plan_box.currentData()

    @property
    def choice(self) -> Any:
        return self.choice_box.currentData()

    def add_widget(self, widget: QWidget, stretch: int = 0) -> None:
        """Put one of the page's controls on the bar, after the choices."""
        self.row.addWidget(widget, stretch)

    def _fill_plans(self) -> None:
        self.plan_box.blockSignals(True)
        self.plan_box.clear()
        language = current_language()
        for plan in self.workspace.service.followed_plans():
            title = plan.plan.title.get(language)
            self.plan_box.addItem(title, plan.id)
            self.plan_box.setItemData(self.plan_box.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
        wanted = self.plan_box.findData(self.workspace.plan_id) if self.workspace.plan_id else -1
        self.plan_box.setCurrentIndex(max(0, wanted))
        self.plan_box.blockSignals(False)

    def _changed(self, changes: OfficeChanges) -> None:
        """A plan published or corrected, a built-in one accepted or refused: the plans offered again; when the
        one shown is no longer offered, the first is chosen (as the person would)."""
        if not changes.plans:
            return
        shown = self.plan_id
        self._fill_plans()
        if self.plan_id is not None and self.plan_id != shown:
            self._plan_chosen()

    def select_plan(self, plan_id: str) -> None:
        """Show ``plan_id`` (chosen elsewhere); choosing it here reads it as if the person had."""
        index = self.plan_box.findData(plan_id)
        if index >= 0 and index != self.plan_box.currentIndex():
            self.plan_box.setCurrentIndex(index)

    def _plan_chosen(self) -> None:
        if self.plan_id is not None:
            self.workspace.choose_plan(self.plan_id)
            self.plan_changed.emit(self.plan_id)

    def set_choices(self, choices: Iterable[tuple[str, Any]], current: Any) -> None:
        """Fill the second box with (text, value) pairs and select ``current`` (else the first), silently."""
        self.choice_box.blockSignals(True)
        self.choice_box.clear()
        for text, value in choices:
            self.choice_box.addItem(text, value)
        self.choice_box.setCurrentIndex(max(0, self.choice_box.findData(current)))
        self.choice_box.blockSignals(False)
