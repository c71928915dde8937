"""The window opens on the first plan that asks communes for indicator values."""

from PySide6.QtWidgets import QApplication

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.ui.shell.application import DesktopApp
from cds_desktop.ui.shell.qt_translator import QtLanguage


def test_task_only_plans_do_not_open_first(qtbot, tmp_path, mini_plan, clock):
    task_only = mini_plan.model_copy(update={
        "plan": mini_plan.plan.model_copy(update={"id": "aa-tasks-only"}),
        "groups": tuple(g for g in mini_plan.groups if not g.indicators),
    })
    service = CommuneService(DataDir(tmp_path / "data"), PlanCatalog([task_only, mini_plan]), clock)
    service.init_commune("68", "24751", "Xã Nhân Cơ")
    app = QApplication.instance()
    language = QtLanguage(app)
    language.apply("vi")
    desktop = DesktopApp(app, language, service, "can.bo.xa", remember_geometry=False)
    window = desktop.show()
    qtbot.addWidget(window)
    assert window.period_bar.plan_box.count() == 2
    assert window.period_bar.plan_box.currentData() == "mini-plan"
    desktop.tasks.wait()
    language.apply("en")
    desktop.deleteLater()
    language.deleteLater()
    service.close()
