"""Custom item-data roles shared by the models, delegates and views."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from PySide6.QtCore import Qt


class Role(IntEnum):
    ITEM_CODE = Qt.ItemDataRole.UserRole + 1  # the indicator or task code of the row
    FIELD = Qt.ItemDataRole.UserRole + 2  # the entry field a cell edits (numerator, note, status …)
    EDITOR = Qt.ItemDataRole.UserRole + 3  # an ``EditorKind``: which editor the delegate opens
    PLACEHOLDER = Qt.ItemDataRole.UserRole + 4  # grey hint painted in an empty editable cell
    SEVERITY = Qt.ItemDataRole.UserRole + 5  # "error" / "warning" of the cell's worst problem
    BADGE = Qt.ItemDataRole.UserRole + 6  # a ``TargetStatus`` / ``TaskStatus`` value drawn as a badge
    OVERDUE = Qt.ItemDataRole.UserRole + 7  # the task is past its deadline and not done
    LEAD_AGENCY = Qt.ItemDataRole.UserRole + 8  # the task's lead agency (for filtering)
    IS_GROUP = Qt.ItemDataRole.UserRole + 9  # a group heading row


class EditorKind(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"
    YES_NO = "yes_no"
    TASK_STATUS = "task_status"
