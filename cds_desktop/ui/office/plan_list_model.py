"""The table of the office's Plans page: one row per ``OfficePlanRow`` (``OfficeService.office_plans()``) — its
own plans (drafts and published versions) first, then the built-in ones — with the status in words
("Bản nháp", "Đã ban hành v2", "Đã được thay thế", "Kế hoạch mẫu có sẵn — nhận báo cáo"), the version, the day
it was issued (dd/mm/yyyy) and whether reports arrived on it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.office.plans import OfficePlanRow

Index = QModelIndex | QPersistentModelIndex


def status_text(row: OfficePlanRow) -> str:
    """The row's status as the page says it."""
    if row.origin == "builtin":
        return translate("ui.plans_page.status.builtin_accepted" if row.accepted
                         else "ui.plans_page.status.builtin_refused")
    published = {"active": "ui.plans_page.status.active", "replaced": "ui.plans_page.status.replaced"}
    text = translate(published[row.status], version=row.published_version) if row.status in published else ""
    if row.draft_version is not None:
        draft = translate("ui.plans_page.status.draft", version=row.draft_version)
        text = f"{text}; {draft}" if text else draft
    return text


def row_title(row: OfficePlanRow, language: str) -> str:
    return row.title_en if language == "en" else row.title_vi


def version_text(row: OfficePlanRow) -> str:
    versions = [str(v) for v in (row.published_version, row.draft_version) if v is not None]
    return " → ".join(versions)


class PlanListModel(QAbstractTableModel):
    TITLE, ID, STATUS, VERSION, ISSUED, REPORTED = range(6)
    HEADERS = ("ui.plans_page.column.title", "ui.plans_page.column.id", "ui.plans_page.column.status",
               "ui.plans_page.column.version", "ui.plans_page.column.issued", "ui.plans_page.column.reported")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[OfficePlanRow] = []
        self.language = "vi"

    def set_rows(self, rows: list[OfficePlanRow], language: str) -> None:
        self.beginResetModel()
        self.rows, self.language = list(rows), language
        self.endResetModel()

    def row(self, number: int) -> OfficePlanRow:
        return self.rows[number]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.TITLE:
            return row_title(row, self.language)
        return None

    def text(self, row: OfficePlanRow, column: int) -> str:
        if column == self.TITLE:
            return row_title(row, self.language)
        if column == self.ID:
            return row.plan_id
        if column == self.STATUS:
            return status_text(row)
        if column == self.VERSION:
            return version_text(row)
        if column == self.ISSUED:
            return f"{row.issued_at:%d/%m/%Y}" if row.issued_at else ""
        return translate("label.yes") if row.reported_on else ""
