"""Small widget builders the office and commune screens share: a named push button wired to its slot, and the
read-only list table (whole rows selected one at a time, alternating colours, no row numbers, columns fitted to
their contents but one that takes the remaining width)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView

from cds_desktop.core.i18n import translate


def named_button(name: str, text_id: str, slot: Callable[[], object]) -> QPushButton:
    """A button showing the translated ``text_id`` (with its access key), found by tests as ``name``."""
    button = QPushButton(translate(text_id))
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button


def list_table(name: str, model: QAbstractItemModel, stretch_column: int) -> QTableView:
    """A table of ``model``'s rows, one whole row selected at a time; ``stretch_column`` takes the spare width."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table
