"""The placeholder main window shows the commune and the loaded plans."""

from cds_desktop.ui.plans_window import PlansWindow


def test_window_lists_plans_and_unit(qtbot, service):
    window = PlansWindow(service)
    qtbot.addWidget(window)
    window.show()
    assert window.plan_list.count() == 1
    assert "Kế hoạch chuyển đổi số thử nghiệm" in window.plan_list.item(0).text()
    assert "Xã Nhân Cơ" in window.heading.text()
