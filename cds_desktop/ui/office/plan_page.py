"""The office window's Plans page (``plans`` in ``pages.py``): the plans the office writes and sends to its
communes, and the built-in plans it accepts reports on.

A table of ``OfficeService.office_plans()`` (``plan_list_model.py``) and the actions on the plan chosen, each
enabled by its status and by the person's right to write plans (``Permission.WRITE_PLANS``; exports are open to
all): a new plan from the 2026 national template, a copy of any plan, a plan read from an Excel workbook (each
asks the new plan's id, proposing ``<office code>-<year>``), editing a draft or starting the next version of a
published plan in the editor (``plan_editor.py``), publishing (the change note and the root passphrase, confirmed:
it signs and cannot be undone), exporting the signed ``.cdsplan`` for the communes, the plan as Excel or YAML,
marking a plan replaced, accepting or refusing reports on a built-in plan, deleting a draft (asked).

Core errors show as their translated messages (``workspace.notice``). Unlocking the root key (scrypt) and the
workbooks run on ``BackgroundTasks``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.plans.document import plan_yaml
from cds_desktop.core.plans.excel_reader import read_plan_workbook
from cds_desktop.core.plans.excel_template import write_plan_workbook
from cds_desktop.core.plans.templates import plan_templates
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.plans import OfficePlanRow, plan_file_name
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.office.plan_dialogs import PlanIdDialog, PublishDialog, ReplacedDialog, proposed_plan_id
from cds_desktop.ui.office.plan_editor import PlanEditor
from cds_desktop.ui.office.plan_list_model import PlanListModel, row_title
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shared.backup_dialogs import ask
from cds_desktop.ui.shared.widgets import list_table, named_button
from cds_desktop.ui.shell.background import BackgroundTasks


class PlansPage(QWidget):
    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plans_page")
        self.workspace, self.tasks = workspace, tasks
        self.service = workspace.service
        self.dialog: QWidget | None = None  # the dialog or confirmation open now (tests look)
        self.editor: PlanEditor | None = None
        self.allowed = False
        self.model = PlanListModel(self)
        intro = QLabel(translate("ui.plans_page.intro"))
        intro.setWordWrap(True)
        self.table = list_table("plans", self.model, PlanListModel.TITLE)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.table.doubleClicked.connect(lambda _index: self._open_chosen())
        table_label = QLabel(translate("ui.plans_page.table"))
        table_label.setBuddy(self.table)
        self.new_from_template = self._button("new_from_template", self.start_from_template)
        self.copy = self._button("copy_plan", self.copy_plan)
        self.import_excel = self._button("import_excel", self.import_workbook)
        self.edit = self._button("edit_draft", self.edit_draft)
        self.new_version = self._button("new_version", self.start_new_version)
        self.delete_draft = self._button("delete_draft", self.delete_chosen_draft)
        self.publish = self._button("publish", self.publish_chosen)
        self.export_plan = self._button("export_plan_file", self.export_plan_file)
        self.export_excel = self._button("export_excel", self.export_workbook)
        self.export_yaml = self._button("export_yaml", self.export_yaml_file)
        self.replaced = self._button("mark_replaced", self.mark_replaced)
        self.accept_builtin = self._button("accept_builtin", self.toggle_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        for buttons in ((self.new_from_template, self.copy, self.import_excel, self.edit, self.new_version,
                         self.delete_draft),
                        (self.publish, self.export_plan, self.export_excel, self.export_yaml, self.replaced,
                         self.accept_builtin)):
            row = QHBoxLayout()
            for button in buttons:
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        workspace.changed.connect(self._changed)
        self.reload()

    @staticmethod
    def _button(name: str, slot: Callable[[], None]) -> QPushButton:
        return named_button(name, f"ui.plans_page.action.{name}", slot)

    # --- showing --------------------------------------------------------------------------------------------
    def _changed(self, changes: OfficeChanges) -> None:
        if changes.submissions or changes.settings:  # reports arrived: "đã có báo cáo" may change
            self.reload()

    def reload(self) -> None:
        chosen = self.selected()
        self.model.set_rows(self.service.office_plans(), current_language())
        self.allowed = self.may_write()
        if chosen is not None:
            self.select_plan(chosen.plan_id)
        self._enable()

    def may_write(self) -> bool:
        """Whether the person signed in may write plans (the services decide; this only greys the buttons)."""
        principal = self.service.principal
        return principal.can(Permission.WRITE_PLANS) if principal is not None else not self.service.has_accounts()

    def selected(self) -> OfficePlanRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def select_plan(self, plan_id: str) -> bool:
        for number, row in enumerate(self.model.rows):
            if row.plan_id == plan_id:
                self.table.selectRow(number)
                return True
        return False

    def _enable(self) -> None:
        row, allowed = self.selected(), self.allowed
        office = row is not None and row.origin == "office"
        published = office and row.published_version is not None
        draft = office and row.draft_version is not None
        self.new_from_template.setEnabled(allowed)
        self.import_excel.setEnabled(allowed)
        self.copy.setEnabled(allowed and row is not None)
        self.edit.setEnabled(allowed and draft)
        self.delete_draft.setEnabled(allowed and draft)
        self.publish.setEnabled(allowed and draft)
        self.new_version.setEnabled(allowed and published and not draft)
        self.replaced.setEnabled(allowed and published)
        self.export_plan.setEnabled(published)
        self.export_excel.setEnabled(row is not None)
        self.export_yaml.setEnabled(row is not None)
        builtin = row is not None and row.origin == "builtin"
        self.accept_builtin.setEnabled(allowed and builtin)
        self.accept_builtin.setText(translate("ui.plans_page.action.refuse_builtin" if builtin and row.accepted
                                              else "ui.plans_page.action.accept_builtin"))
        reason = "" if allowed else translate("ui.plans_page.not_allowed")
        for button in (self.new_from_template, self.import_excel, self.copy, self.edit, self.delete_draft,
                       self.publish, self.new_version, self.replaced, self.accept_builtin):
            button.setToolTip(reason)

    # --- starting a plan --------------------------------------------------------------------------------------
    def _taken_ids(self) -> set[str]:
        return {row.plan_id for row in self.model.rows}

    def _ask_id(self, title_id: str, then: Callable[[str], None], proposal: str | None = None,
                year: int | None = None) -> PlanIdDialog:
        """Ask the new plan's id: ``proposal`` when it is free, else ``<office code>-<year>`` (this year unless
        told)."""
        identity = self.service.identity()
        taken = self._taken_ids()
        if proposal is None or proposal in taken:
            proposal = proposed_plan_id(identity.code if identity else "", year or self.service.clock().year, taken)
        dialog = PlanIdDialog(translate(title_id), proposal, taken, self)
        dialog.accepted.connect(lambda: then(dialog.plan_id.text().strip()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _new_document(self, document: dict[str, Any], plan_id: str) -> dict[str, Any]:
        """``document`` as version 1 of plan ``plan_id`` issued by this office."""
        identity = self.service.require_identity()
        document["plan"].update(id=plan_id, plan_version=1, issuing_body={
            "name": {"vi": identity.name, "en": identity.name}, "level": identity.level})
        return document

    def start_from_template(self) -> None:
        self._ask_id("ui.plans_page.new_id.template_title", lambda plan_id: self._start(
            lambda: self.service.start_plan_draft_from_document(self._from_template(plan_id))),
            year=plan_templates()[0].plan.plan.years[0])

    def _from_template(self, plan_id: str) -> dict[str, Any]:
        """The 2026 template as this office's plan ``plan_id``: its own title, without the template's note (which
        says it is no locality's plan)."""
        document = self._new_document(plan_templates()[0].document, plan_id)
        name, year = self.service.require_identity().name, document["plan"]["years"][0]
        document["plan"]["title"] = {language: translate("ui.plans_page.template_plan_title", language, office=name,
                                                         year=year) for language in ("vi", "en")}
        document["plan"].pop("note", None)
        return document

    def copy_plan(self) -> None:
        row = self.selected()
        if row is not None:
            self._ask_id("ui.plans_page.new_id.copy_title",
                         lambda plan_id: self._start(lambda: self.service.start_plan_draft(row.plan_id, plan_id)))

    def import_workbook(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, translate("ui.plans_page.excel.open_title"), str(Path.home()),
                                                    translate("ui.plans_page.excel.filter"))
        if name:
            self.tasks.run(lambda progress, cancel: read_plan_workbook(Path(name)), self._workbook_read,
                           translate("ui.plans_page.excel.reading"), self, show_error=self._fail)

    def _workbook_read(self, document: dict[str, Any]) -> None:
        own = {row.plan_id: row for row in self.model.rows if row.origin == "office"}

        def start(plan_id: str) -> None:
            document["plan"]["id"] = plan_id
            published = own[plan_id].published_version if plan_id in own else None
            document["plan"]["plan_version"] = (published or 0) + 1
            self._start(lambda: self.service.start_plan_draft_from_document(document))

        self._ask_id("ui.plans_page.new_id.excel_title", start, proposal=document["plan"]["id"],
                     year=document["plan"]["years"][0])

    def start_new_version(self) -> None:
        row = self.selected()
        if row is not None:
            self._start(lambda: self.service.start_plan_draft(row.plan_id), id_locked=True)

    def _start(self, call: Callable[[], dict[str, Any]], id_locked: bool = False) -> None:
        document = self._call(call)
        if document is not None:
            self.reload()
            self.select_plan(document["plan"]["id"])
            self.open_editor(document, id_locked)

    # --- editing -----------------------------------------------------------------------------------------------
    def _open_chosen(self) -> None:
        if self.edit.isEnabled():
            self.edit_draft()

    def edit_draft(self) -> None:
        row = self.selected()
        document = self._call(lambda: self.service.plan_draft(row.plan_id)) if row is not None else None
        if document is not None:
            self.open_editor(document, id_locked=row.published_version is not None)

    def open_editor(self, document: dict[str, Any], id_locked: bool) -> PlanEditor:
        editor = PlanEditor(document, self.service.save_plan_draft, self, id_locked=id_locked)
        editor.saved.connect(lambda _plan: self.reload())
        editor.finished.connect(lambda _result: self.reload())
        self.editor = editor
        editor.open()
        return editor

    def delete_chosen_draft(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.dialog = ask(self, translate("ui.plans_page.delete.title"),
                          translate("ui.plans_page.delete.question", plan=row.plan_id, version=row.draft_version),
                          translate("ui.plans_page.delete.details"), translate("ui.plans_page.delete.confirm"),
                          lambda: self._delete(row.plan_id), icon=QMessageBox.Icon.Warning)

    def _delete(self, plan_id: str) -> None:
        self._call(lambda: self.service.delete_plan_draft(plan_id))
        self.reload()

    # --- publishing and replacing ------------------------------------------------------------------------------
    def publish_chosen(self) -> None:
        row = self.selected()
        if row is None or row.draft_version is None:
            return
        dialog = PublishDialog(row.plan_id, row_title(row, current_language()), row.draft_version, self)
        dialog.accepted.connect(lambda: self._confirm_publish(row, dialog.change_note(), dialog.passphrase.text()))
        self.dialog = dialog
        dialog.open()

    def _confirm_publish(self, row: OfficePlanRow, note: str | None, passphrase: str) -> None:
        self.dialog = ask(self, translate("ui.plans_page.publish.confirm_title"),
                          translate("ui.plans_page.publish.question", plan=row.plan_id, version=row.draft_version),
                          translate("ui.plans_page.publish.details"), translate("ui.plans_page.publish.ok"),
                          lambda: self.tasks.run(
                              lambda progress, cancel: self.service.publish_plan(row.plan_id, note, passphrase,
                                                                                 self.workspace.actor),
                              self._published, translate("ui.plans_page.publish.working"), self,
                              show_error=self._fail, show_after_ms=0))

    def _published(self, published) -> None:
        self.reload()
        self.select_plan(published.plan_id)
        self.workspace.publish(OfficeChanges(plans=True))  # the other pages' plan choices
        key = "ui.plans_page.replaced.done" if published.status == "replaced" else "ui.plans_page.publish.done"
        self.workspace.notice.emit(translate(key, plan=published.plan_id, version=published.plan_version), False)

    def mark_replaced(self) -> None:
        row = self.selected()
        if row is None:
            return
        language = current_language()
        others = [(other.plan_id, row_title(other, language))
                  for other in self.model.rows if other.plan_id != row.plan_id and other.published_version]
        dialog = ReplacedDialog(row.plan_id, row_title(row, language), others, self)
        dialog.accepted.connect(lambda: self._confirm_replaced(row, dialog.replaced_by.currentData(),
                                                               dialog.passphrase.text()))
        self.dialog = dialog
        dialog.open()

    def _confirm_replaced(self, row: OfficePlanRow, replaced_by: str | None, passphrase: str) -> None:
        self.dialog = ask(self, translate("ui.plans_page.replaced.title"),
                          translate("ui.plans_page.replaced.question", plan=row.plan_id,
                                    version=row.published_version),
                          translate("ui.plans_page.replaced.details"), translate("ui.plans_page.replaced.ok"),
                          lambda: self.tasks.run(
                              lambda progress, cancel: self.service.mark_plan_replaced(
                                  row.plan_id, replaced_by, passphrase, self.workspace.actor),
                              self._published, translate("ui.plans_page.replaced.working"), self,
                              show_error=self._fail, show_after_ms=0), icon=QMessageBox.Icon.Warning)

    def toggle_accepted(self) -> None:
        row = self.selected()
        if row is not None and row.origin == "builtin":
            self._call(lambda: self.service.set_builtin_plan_accepted(row.plan_id, not row.accepted))
            self.reload()
            self.workspace.publish(OfficeChanges(plans=True))

    # --- exporting ----------------------------------------------------------------------------------------------
    def export_plan_file(self) -> None:
        row = self.selected()
        folder = QFileDialog.getExistingDirectory(self, translate("ui.plans_page.export.folder_title"),
                                                  str(Path.home())) if row is not None else ""
        if folder:
            path = self._call(lambda: self.service.export_plan_file(row.plan_id, Path(folder)))
            if path is not None:
                self.workspace.notice.emit(translate("ui.plans_page.export.plan_done", file=str(path)), False)

    def _exported_plan(self, row: OfficePlanRow):
        """What an export of ``row`` writes: its newest published version, else its draft (a built-in: itself)."""
        if row.origin == "office" and row.published_version is None:
            return self.service.plan_draft(row.plan_id)
        return self.service.catalog.get(row.plan_id)

    def _save_name(self, row: OfficePlanRow, suffix: str, filter_id: str) -> Path | None:
        version = row.published_version or row.draft_version
        stem = plan_file_name(row.plan_id, version).rsplit(".", 1)[0] if version else row.plan_id
        name, _filter = QFileDialog.getSaveFileName(self, translate("ui.plans_page.export.file_title"),
                                                    str(Path.home() / f"{stem}{suffix}"), translate(filter_id))
        return Path(name) if name else None

    def export_workbook(self) -> None:
        row = self.selected()
        path = self._save_name(row, ".xlsx", "ui.plans_page.excel.filter") if row is not None else None
        plan = self._call(lambda: self._exported_plan(row)) if path is not None else None
        if plan is not None:
            self.tasks.run(lambda progress, cancel: write_plan_workbook(plan, path),
                           lambda _none: self._exported(path), translate("ui.plans_page.excel.writing"), self,
                           show_error=self._fail)

    def export_yaml_file(self) -> None:
        row = self.selected()
        path = self._save_name(row, ".yaml", "ui.plans_page.yaml.filter") if row is not None else None
        plan = self._call(lambda: self._exported_plan(row)) if path is not None else None
        if plan is not None:
            try:
                write_atomic(path, plan_yaml(plan).encode("utf-8"))
            except CdsError as exc:
                self._fail(exc.message())
                return
            self._exported(path)

    def _exported(self, path: Path) -> None:
        self.workspace.notice.emit(translate("ui.plans_page.export.file_done", file=str(path)), False)

    # --- failures -----------------------------------------------------------------------------------------------
    def _call(self, call: Callable[[], Any]) -> Any:
        """``call()``'s result; a ``CdsError`` becomes a notice (→ None)."""
        try:
            return call()
        except CdsError as exc:
            self._fail(exc.message())
            return None

    def _fail(self, message: str) -> None:
        self.workspace.notice.emit(message, True)
