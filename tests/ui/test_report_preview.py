"""The report preview renders the official PDF's pages in the background, zooms, saves a valid PDF, and says why
when the report cannot be made; its texts are translated."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.ui.shared.report_preview import ReportPreviewDialog
from tests.ui.conftest import PLAN
from tests.ui.test_translations import _plan_texts, _untranslated, _visible_texts
from tests.ui.test_workflow import fill


def preview(qtbot, window) -> ReportPreviewDialog:
    dialog = window.workflow.preview_report()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.pages()) or dialog.message.text() != translate("ui.report.making"), timeout=20000)
    return dialog


def test_pages_are_rendered_to_fit_the_width_and_saved_as_pdf(qtbot, window, tmp_path):
    fill(window)
    dialog = preview(qtbot, window)
    pages = dialog.pages()
    assert len(pages) >= 1 and dialog.page_count.text() == f"{len(pages)} trang"
    first = pages[0].pixmap()
    assert first.width() == dialog.page_width() and first.height() > first.width()  # A4 portrait
    assert first.toImage().pixelColor(2, 2).name() == "#ffffff"

    dialog.zoom_in.click()
    assert dialog.zoom_label.text() == "125%"
    qtbot.waitUntil(lambda: bool(dialog.pages()) and dialog.pages()[0].pixmap().width() > first.width(), timeout=20000)

    out = tmp_path / "bao-cao.pdf"
    assert dialog.save_to(out)
    assert out.read_bytes().startswith(b"%PDF")
    reader = PdfReader(out)
    assert len(reader.pages) == len(dialog.pages())
    assert "Kế hoạch chuyển đổi số thử nghiệm" in reader.pages[0].extract_text()
    assert window.notice.text() == translate("ui.report.saved", file=str(out))


def test_a_report_that_cannot_be_made_says_why_and_offers_nothing_to_save(qtbot, window):
    dialog = preview(qtbot, window)
    assert dialog.message.isVisible() and dialog.message.text().startswith("Chưa tạo được báo cáo:")
    assert "chưa có số liệu nào nên chưa lập được báo cáo" in dialog.message.text()
    assert not dialog.save_button.isEnabled() and not dialog.pages()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_preview_is_translated(qtbot, open_window, service, language):
    window = open_window(language)
    fill(window)
    dialog = preview(qtbot, window)
    data = _plan_texts(service.plan(PLAN).model_dump(mode="json"))
    assert _untranslated(_visible_texts(dialog), language, data) == []


def test_characters_the_font_cannot_draw_are_reported_above_the_pages(qtbot, window):
    fill(window)
    window.workspace.set_task("T1", "result", "Đã lắp 😀 中文")
    dialog = preview(qtbot, window)
    assert dialog.pages() and dialog.warning.isVisible()
    assert dialog.warning.text().startswith("Có 3 ký tự mà phông chữ của báo cáo không thể hiện được")
    assert "U+1F600, U+4E2D, U+6587." in dialog.warning.text()
    assert "[U+1F600]" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(dialog.pdf)).pages)


def test_no_warning_bar_when_every_character_is_drawn(qtbot, window):
    fill(window)
    dialog = preview(qtbot, window)
    assert dialog.pages() and not dialog.warning.isVisible()


def test_empty_signer_and_recipients_are_said_above_the_pages_with_a_way_to_settings(qtbot, window, service):
    from PySide6.QtWidgets import QPushButton

    from cds_desktop.ui.shared.settings_dialog import SettingsDialog

    fill(window)
    dialog = preview(qtbot, window)
    bar = dialog.findChild(QWidget, "report_details_missing")
    assert bar is not None and bar.isVisible()
    text = dialog.findChild(QLabel, "report_details_text").text()
    assert "họ tên người ký" in text and "nơi nhận" in text
    dialog.findChild(QPushButton, "report_open_settings").click()
    assert not dialog.isVisible()
    settings = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible())
    qtbot.addWidget(settings)
    settings.report.signer_name.setText("Nguyễn Văn An")
    settings.report.recipients.setPlainText("UBND tỉnh Lâm Đồng")
    settings.save()
    again = preview(qtbot, window)
    assert again.findChild(QWidget, "report_details_missing") is None and again.pages()
