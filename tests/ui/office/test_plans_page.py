"""The office's Plans page driven through its widgets, on a real office (real data folder, real root key, real
signed files): the built-in plans listed and accepted or refused, a plan started from the 2026 template and
written in the editor, published through its dialog with the keyboard (change note, passphrase, confirmation),
exported as the signed ``.cdsplan`` a commune verifies, a next version asking its change note, a plan marked
replaced, a draft deleted after a question, a plan exported to Excel and read back into a new draft (a bad cell refused,
named by sheet and row), the buttons enabled by status and by the right to write plans, the page translated and
unclipped at 1366×768 — and the whole exchange: a plan written here reported on by a commune and consolidated."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox, QPushButton

from cds_desktop.core.bundle.keyfiles import verify_org_keys
from cds_desktop.core.bundle.plan_files import looks_like_signed_plan, verify_plan_file
from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.document import plan_document
from cds_desktop.core.plans.excel_layout import INDICATORS
from cds_desktop.core.plans.excel_template import write_plan_workbook
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.import_log import OutcomeKind
from cds_desktop.core.services.office.report import office_report_data
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office.completeness_page import CompletenessPage
from cds_desktop.ui.office.plan_list_model import PlanListModel
from cds_desktop.ui.shell.background import BackgroundTasks
from tests.ui.keyboard import active, type_text
from support.office_pages import real_page_opener
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts
from support.office_plans import commune_of, report_on

PASSPHRASE = "mật khẩu sở KHCN 2026"
COMMUNE_PASSPHRASE = "mật khẩu xã Nhân Cơ 2026"
VN = dt.timezone(dt.timedelta(hours=7))
NEW_ID = "68-2026"


@pytest.fixture
def office(tmp_path, clock):
    clock.now = dt.datetime(2026, 1, 12, 9, 0, tzinfo=VN)
    service = OfficeService(DataDir(tmp_path / "office"), PlanCatalog.builtin(), clock)
    service.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASSPHRASE)
    yield service
    service.close()


@pytest.fixture
def open_page(qtbot, office):
    yield from real_page_opener(qtbot, office, "plans")


def shown(page, plan_id: str, column: int) -> str:
    for number, row in enumerate(page.model.rows):
        if row.plan_id == plan_id:
            return page.model.index(number, column).data()
    raise AssertionError(f"{plan_id} is not listed")


def choose(page, plan_id: str) -> None:
    assert page.select_plan(plan_id)


def enabled(page) -> set[str]:
    return {button.objectName() for button in page.findChildren(QPushButton) if button.isEnabled()}


def start_from_template(qtbot, page):
    page.new_from_template.click()
    dialog = page.dialog
    assert dialog.plan_id.text() == NEW_ID  # the office's code and the template's first year
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    editor = page.editor
    assert editor is not None and editor.isVisible()
    return editor


def publish(qtbot, page, plan_id: str, note: str | None = None) -> None:
    choose(page, plan_id)
    page.publish.click()
    dialog = page.dialog
    active(qtbot, dialog)
    if note is not None:
        dialog.note.setFocus()
        type_text(dialog.note, note)
    dialog.passphrase.setFocus()
    type_text(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    confirmation = page.dialog
    assert isinstance(confirmation, QMessageBox) and "cannot be undone" not in confirmation.informativeText()
    assert "không hoàn tác được" in confirmation.informativeText()
    confirmation.findChild(QPushButton, "confirm").click()
    qtbot.waitUntil(lambda: bool(page.notices) and "Đã ban hành" in page.notices[-1][0], timeout=20000)


def test_the_builtin_plans_are_listed_and_can_be_refused(qtbot, open_page, office):
    page = open_page()
    assert [row.origin for row in page.model.rows] == ["builtin"] * 5
    assert shown(page, "dak-rlap-2023", PlanListModel.STATUS) == "Kế hoạch mẫu có sẵn — nhận báo cáo"
    assert enabled(page) == {"new_from_template", "import_excel"}
    choose(page, "dak-rlap-2023")
    assert enabled(page) == {"new_from_template", "import_excel", "copy_plan", "export_excel", "export_yaml",
                             "accept_builtin"}
    assert page.accept_builtin.text().replace("&", "") == "Không nhận báo cáo theo kế hoạch mẫu"
    page.accept_builtin.click()
    assert shown(page, "dak-rlap-2023", PlanListModel.STATUS) == "Kế hoạch mẫu có sẵn — không nhận"
    assert not next(row for row in office.office_plans() if row.plan_id == "dak-rlap-2023").accepted
    assert page.accept_builtin.text().replace("&", "") == "Nhận báo cáo theo kế hoạch mẫu"


def test_a_plan_from_the_template_written_published_and_sent(qtbot, open_page, office, tmp_path, monkeypatch):
    office.clock.now = dt.datetime(2025, 12, 20, 9, 0, tzinfo=VN)  # written before the year it is for
    page = open_page()
    editor = start_from_template(qtbot, page)
    assert editor.document["plan"]["id"] == NEW_ID and editor.document["plan"]["plan_version"] == 1
    assert editor.document["plan"]["issuing_body"]["name"]["vi"] == "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
    assert editor.document["plan"]["title"]["vi"] == (  # the office's plan, no longer "Mẫu kế hoạch …"
        "Kế hoạch chuyển đổi số năm 2026 của Sở Khoa học và Công nghệ tỉnh Lâm Đồng")
    assert "note" not in editor.document["plan"]
    number = editor.forms["identity"].fields.field_for(("document_number",)).widget
    number.selectAll()
    type_text(number, "15/KH-SKHCN")
    qtbot.waitUntil(editor.save.isEnabled)
    editor.save.click()
    assert office.plan_draft(NEW_ID)["plan"]["document_number"] == "15/KH-SKHCN"
    editor.reject()
    assert not editor.isVisible()
    assert shown(page, NEW_ID, PlanListModel.STATUS) == "Bản nháp v1"
    choose(page, NEW_ID)
    assert {"edit_draft", "publish", "delete_draft"} <= enabled(page)
    assert not {"new_version", "export_plan_file", "mark_replaced", "accept_builtin"} & enabled(page)
    lane = BackgroundTasks()
    matrix = CompletenessPage(page.workspace, lane)  # another page of the window, its plan bar
    qtbot.addWidget(matrix)
    offered = lambda: {matrix.plan_box.itemData(i) for i in range(matrix.plan_box.count())}  # noqa: E731
    assert NEW_ID not in offered()
    publish(qtbot, page, NEW_ID)
    assert NEW_ID in offered()  # told by the workspace, not read at its next start
    lane.wait()  # the matrix's own reading, before the test goes on with the office
    assert shown(page, NEW_ID, PlanListModel.STATUS) == "Đã ban hành v1"
    assert shown(page, NEW_ID, PlanListModel.ISSUED) == "20/12/2025"
    assert {"new_version", "export_plan_file", "mark_replaced"} <= enabled(page)
    assert not {"edit_draft", "publish", "delete_draft"} & enabled(page)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    page.export_plan.click()
    sent = tmp_path / f"{NEW_ID}-v1.cdsplan"
    assert page.notices[-1] == (translate("ui.plans_page.export.plan_done", file=str(sent)), False)
    data = sent.read_bytes()
    assert looks_like_signed_plan(data)
    office.export_keys(tmp_path / "org-keys.json", PASSPHRASE)  # what the communes pin: the root that signed it
    keys = verify_org_keys((tmp_path / "org-keys.json").read_bytes(), pinned_root=office.root_fingerprint(),
                           now=office.clock())
    signed = verify_plan_file(data, root=keys.root, office="68")
    assert signed.plan.plan.document_number == "15/KH-SKHCN" and signed.body.plan_version == 1


def test_a_next_version_needs_its_change_note_and_a_plan_can_be_marked_replaced(qtbot, open_page, office):
    page = open_page()
    office.start_plan_draft("dak-rlap-2023", NEW_ID)
    office.publish_plan(NEW_ID, None, PASSPHRASE, "quan.tri")
    page.reload()
    choose(page, NEW_ID)
    page.new_version.click()
    editor = page.editor
    assert editor.forms["identity"].plan_id.widget.isReadOnly() and editor.document["plan"]["plan_version"] == 2
    editor.reject()
    assert shown(page, NEW_ID, PlanListModel.STATUS) == "Đã ban hành v1; Bản nháp v2"
    assert shown(page, NEW_ID, PlanListModel.VERSION) == "1 → 2"
    choose(page, NEW_ID)
    page.publish.click()
    dialog = page.dialog
    type_text(dialog.passphrase, PASSPHRASE)
    assert not dialog.ok.isEnabled() and "cần ghi chú" in dialog.error.text()
    type_text(dialog.note, "Sửa mục tiêu chỉ tiêu 1a")
    assert dialog.ok.isEnabled()
    dialog.reject()
    publish(qtbot, page, NEW_ID, note="Sửa mục tiêu chỉ tiêu 1a")
    assert shown(page, NEW_ID, PlanListModel.STATUS) == "Đã ban hành v2"
    choose(page, NEW_ID)
    page.replaced.click()
    dialog = page.dialog
    assert dialog.replaced_by.currentData() is None and not dialog.ok.isEnabled()
    type_text(dialog.passphrase, PASSPHRASE)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    page.dialog.findChild(QPushButton, "confirm").click()
    qtbot.waitUntil(lambda: "đã được thay thế" in page.notices[-1][0], timeout=20000)
    assert shown(page, NEW_ID, PlanListModel.STATUS) == "Đã được thay thế (v2)"


def test_a_wrong_passphrase_is_said_and_nothing_is_published(qtbot, open_page, office):
    page = open_page()
    office.start_plan_draft("dak-rlap-2023", NEW_ID)
    page.reload()
    choose(page, NEW_ID)
    page.publish.click()
    type_text(page.dialog.passphrase, "sai mật khẩu")
    page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    page.dialog.findChild(QPushButton, "confirm").click()
    qtbot.waitUntil(lambda: bool(page.notices) and page.notices[-1][1], timeout=20000)
    assert shown(page, NEW_ID, PlanListModel.STATUS) == "Bản nháp v1"


def test_deleting_a_draft_asks_first(qtbot, open_page, office):
    page = open_page()
    office.start_plan_draft("dak-rlap-2023", NEW_ID)
    page.reload()
    choose(page, NEW_ID)
    page.delete_draft.click()
    assert "Xóa bản nháp kế hoạch 68-2026 (phiên bản 1)?" == page.dialog.text()
    page.dialog.button(QMessageBox.StandardButton.Cancel).click()
    assert office.plan_draft(NEW_ID)
    page.delete_draft.click()
    page.dialog.findChild(QPushButton, "confirm").click()
    assert NEW_ID not in {row.plan_id for row in page.model.rows}


def test_a_plan_exported_to_excel_comes_back_as_a_new_draft(qtbot, open_page, office, tmp_path, monkeypatch):
    page = open_page()
    choose(page, "ninh-thuan-2024")
    workbook = tmp_path / "ninh-thuan.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(workbook), "")))
    page.export_excel.click()
    qtbot.waitUntil(lambda: bool(page.notices) and workbook.name in page.notices[-1][0], timeout=20000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(workbook), "")))
    page.import_excel.click()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.objectName() == "plan_id_dialog", timeout=20000)
    assert page.dialog.plan_id.text() == "68-2024"  # its own id is a built-in plan's: the office's, its first year
    page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    draft = office.plan_draft("68-2024")
    original = plan_document(office.catalog.get("ninh-thuan-2024"))
    assert draft["groups"] == original["groups"] and draft["schedule"] == original["schedule"]
    assert page.editor.isVisible() and page.editor.document == draft


def test_without_the_right_to_write_plans_only_exports_are_offered(qtbot, open_page, office):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), "mật khẩu quản trị 2026"))
    accounts.sign_in("quantri", "mật khẩu quản trị 2026")
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), "mật khẩu văn thư 2026"))
    accounts.sign_in("vanthu", "mật khẩu văn thư 2026")
    page = open_page()
    choose(page, "dak-rlap-2023")
    assert enabled(page) == {"export_excel", "export_yaml"}
    assert page.copy.toolTip() == translate("ui.plans_page.not_allowed")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_is_translated_and_unclipped(qtbot, open_page, office, language):
    office.start_plan_draft("dak-rlap-2023", NEW_ID)
    page = open_page(language)
    choose(page, NEW_ID)
    assert_no_clipped_text(page.window())
    data = {row.title_vi for row in page.model.rows} | {row.title_en for row in page.model.rows}
    assert _untranslated(_visible_texts(page.window()), language, data) == []


def test_a_workbook_with_a_bad_cell_is_refused_naming_the_cell(qtbot, open_page, office, tmp_path, monkeypatch):
    workbook = tmp_path / "ke-hoach.xlsx"
    write_plan_workbook(office.catalog.get("ninh-thuan-2024"), workbook)
    book = load_workbook(workbook)
    sheet = book[INDICATORS.name]
    code_column = next(cell.column for cell in sheet[1] if cell.value == INDICATORS.column("code").vi)
    sheet.cell(row=3, column=code_column, value="mã sai")
    book.save(workbook)
    page = open_page()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(workbook), "")))
    page.import_excel.click()
    qtbot.waitUntil(lambda: bool(page.notices), timeout=20000)
    message, failed = page.notices[-1]
    assert failed and INDICATORS.name in message and "3" in message and "mã sai" in message
    assert page.dialog is None and [row.origin for row in page.model.rows] == ["builtin"] * 5  # nothing started


def test_a_plan_written_in_the_editor_is_reported_on_by_a_commune_and_consolidated(
        qtbot, open_page, office, tmp_path, monkeypatch, clock):
    """The whole exchange of issue #13: the office writes its plan in the editor (a target raised in the form),
    publishes and exports it; a commune that pinned the office imports the signed file, reports on it and sends
    the bundle; the office imports the report on its own plan and builds the consolidated report."""
    clock.now = dt.datetime(2025, 12, 20, 9, 0, tzinfo=VN)
    page = open_page()
    editor = start_from_template(qtbot, page)
    editor.select(("groups", 0, "indicators", 0))
    target = editor.forms["indicator"].targets[0]
    target.number.selectAll()
    type_text(target.number, "85")
    target.word.click()
    qtbot.waitUntil(lambda: editor.document["groups"][0]["indicators"][0]["target"]["value"] == 85)
    assert editor.document["groups"][0]["indicators"][0]["target"]["text"]["vi"].endswith("85%")
    qtbot.waitUntil(editor.save.isEnabled)
    editor.save.click()
    editor.reject()
    publish(qtbot, page, NEW_ID)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    page.export_plan.click()
    sent = tmp_path / f"{NEW_ID}-v1.cdsplan"

    clock.now = dt.datetime(2026, 3, 25, 9, 0, tzinfo=VN)
    (tmp_path / "communes.csv").write_text("code,name,province\n24751,Xã Nhân Cơ,68\n", encoding="utf-8")
    office.import_communes(tmp_path / "communes.csv")
    commune, exchange = commune_of(office, tmp_path / "communes", PlanCatalog.builtin(), "24751", "Xã Nhân Cơ",
                                   clock, PASSPHRASE, COMMUNE_PASSPHRASE)
    received = commune.import_plan_file(sent)
    assert (received.plan.plan.id, received.plan.plan.plan_version) == (NEW_ID, 1)
    assert [(choice.plan.id, choice.origin) for choice in commune.plans_for_picker()] == [(NEW_ID, "office")]
    assert commune.plan(NEW_ID).indicator("1.1").target.value == 85
    bundle = report_on(commune, exchange, NEW_ID, "2026Q1", tmp_path / "usb", COMMUNE_PASSPHRASE, numerator="84")

    (outcome,) = office.import_bundles([bundle], PASSPHRASE)
    assert outcome.kind is OutcomeKind.NEW_REPORT
    assert office.submission_detail("24751", NEW_ID, "2026Q1").header.plan_version == 1
    data = office_report_data(office, NEW_ID, "2026Q1")
    assert [(entry.commune_code, entry.received_on) for entry in data.current.submissions] == [
        ("24751", dt.date(2026, 3, 25))]
    (fibre,) = [row for row in data.indicators if row.code == "1.1"]
    assert (fibre.met, fibre.not_met, fibre.target.value) == (0, 1, 85)  # 84% against the office's > 85%
