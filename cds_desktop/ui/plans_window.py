"""The first window: which plans are loaded and the commune this installation belongs to.

A placeholder main window until the full commune desktop (forms, checklists, approval) lands.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune import CommuneService


class PlansWindow(QMainWindow):
    def __init__(self, service: CommuneService) -> None:
        super().__init__()
        self.setWindowTitle(translate("ui.app_title"))
        unit = service.unit()
        heading = QLabel(
            translate("ui.plans_window.unit", name=unit.name, commune=unit.commune_code)
            if unit else translate("ui.plans_window.no_unit")
        )
        heading.setWordWrap(True)
        plans = QListWidget()
        for plan in service.plans():
            plans.addItem(f"{plan.plan.title.get(_lang())} — {plan.plan.citation_vi}")
        layout = QVBoxLayout()
        layout.addWidget(heading)
        layout.addWidget(QLabel(translate("ui.plans_window.loaded", count=len(service.plans()))))
        layout.addWidget(plans)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.plan_list = plans
        self.heading = heading


def _lang() -> str:
    from cds_desktop.core.i18n import current_language

    return current_language()
