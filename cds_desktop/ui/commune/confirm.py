"""Questions before a step that cannot simply be undone (submitting, removing evidence), and the file dialogs
the commune window opens — both made the same way everywhere, keyboard first.

``ask`` shows a window-modal question naming what will happen, with the action's own button (an access key,
Enter) and Cancel (Esc); the action runs only when its button is pressed. ``file_dialog`` is Qt's own dialog
(in the app's language, whatever the system speaks), big enough at 1366×768, its columns as wide as their
titles and contents: nothing in it is cut off.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QFileDialog, QHeaderView, QMessageBox, QTreeView, QWidget

from cds_desktop.core.i18n import translate

FILE_DIALOG_SIZE = (960, 560)  # fits a 1366×768 screen with the task bar


def ask(parent: QWidget, object_name: str, title: str, text: str, action: str,
        on_yes: Callable[[], None], details: str = "") -> QMessageBox:
    """A question (already open) whose ``action`` button runs ``on_yes``; Cancel and Esc do nothing. ``details``
    (e.g. what a new plan version changes) are shown under the question."""
    box = QMessageBox(parent)
    box.setObjectName(object_name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    yes.setObjectName(f"{object_name}_yes")
    cancel = box.addButton(translate("ui.button.cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(cancel)
    yes.clicked.connect(on_yes)
    box.open()
    return box


def file_dialog(parent: QWidget, object_name: str, title: str) -> QFileDialog:
    """Qt's file dialog in detail view, sized for the screen, its columns fitted to titles and contents."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # the app's language, whatever the OS speaks
    dialog.setObjectName(object_name)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    screen = (parent.screen() if parent is not None else dialog.screen()).availableGeometry()
    dialog.resize(min(FILE_DIALOG_SIZE[0], screen.width() - 40), min(FILE_DIALOG_SIZE[1], screen.height() - 60))
    files = dialog.findChild(QTreeView, "treeView")  # the detail view of Qt's dialog
    if files is not None:
        header = files.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes what is left
        for column in range(1, header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return dialog
