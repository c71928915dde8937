"""A plan file (``.cdsplan``) the office signed, opened from the file manager, dropped on the commune's window or
chosen from File → Import a plan file: ``offer_plan_file`` checks it (``CommuneService.preview_plan_file``: its
signature against the pinned office, its version against the one installed; nothing installed yet) and asks,
naming the office, the plan, its version, the office's change note and what changes against the installed
version (indicators and tasks added, removed, renamed, targets changed; the open periods checked again). "Import
the plan" installs it through ``CommuneService.import_plan_file`` (administrators only). A refusal says why.

``import_plans_beside``: after an office key file was imported, the plan files beside it that the same office
signed are imported too (newer ones only), the result worded in one notice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.presentation import period_name
from cds_desktop.core.services.commune.received_plans import PlanFilePreview
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.commune.confirm import ask, file_dialog

PLAN_SUFFIX = ".cdsplan"
SHOWN_CHANGES = 12  # more are counted ("… and 5 more changes"): the question stays on the screen

Installed = Callable[[str, str], None]  # (plan id, its title): the plan was installed


def is_plan_file(path: Path) -> bool:
    return Path(path).suffix.lower() == PLAN_SUFFIX


def choose_plan_file(parent: QWidget, chosen: Callable[[Path], None]) -> QFileDialog:
    """The file dialog (already open) for a ``.cdsplan`` file; ``chosen`` gets the file picked."""
    dialog = file_dialog(parent, "plan_file_dialog", translate("ui.plan_file.choose_title"))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters([translate("ui.plan_file.filter"), translate("ui.plan_file.all_files")])
    dialog.fileSelected.connect(lambda name: chosen(Path(name)))
    dialog.open()
    return dialog


def offer_plan_file(parent: QWidget, service: CommuneService, path: Path, installed: Installed) -> QMessageBox:
    """The question about the plan in ``path``, or the refusal saying why it cannot be imported (already open)."""
    path = Path(path)
    try:
        service.authorize(Permission.MANAGE)  # asked first: no question for who may not import it
        preview = service.preview_plan_file(path)
    except CdsError as exc:
        return refusal(parent, path, exc)
    title = preview.plan.plan.title.get(current_language())

    def install() -> None:
        try:
            service.import_plan_file(path)
        except CdsError as exc:
            refusal(parent, path, exc)
            return
        installed(preview.plan.id, title)

    return ask(parent, "plan_import", translate("ui.plan_file.title"), question_text(preview, path),
               translate("ui.plan_file.import"), install, details_text(preview))


def question_text(preview: PlanFilePreview, path: Path) -> str:
    language = current_language()
    received = preview.received
    params = {"title": received.plan.plan.title.get(language), "plan": received.plan.id, "version": received.version,
              "office": preview.office_name, "installed": preview.installed_version, "file": path.name}
    if preview.status_change:
        return translate("ui.plan_file.confirm_replaced", **params)
    if preview.installed_version is not None:
        return translate("ui.plan_file.confirm_version", **params)
    return translate("ui.plan_file.confirm_new", **params)


def details_text(preview: PlanFilePreview) -> str:
    """The office's change note, the changes (at most ``SHOWN_CHANGES``) and the periods checked again."""
    language = current_language()
    lines = []
    if preview.received.change_note:
        lines.append(translate("ui.plan_file.change_note", note=preview.received.change_note))
    if preview.installed_version is not None and not preview.status_change:
        lines.append(translate("ui.plan_file.changes", installed=preview.installed_version))
        lines.extend("• " + translate(f"ui.plan_file.change.{c.item}.{c.kind.value}", code=c.code, old=c.old,
                                      new=c.new) for c in preview.changes[:SHOWN_CHANGES])
        if len(preview.changes) > SHOWN_CHANGES:
            lines.append(translate("ui.plan_file.more_changes", count=len(preview.changes) - SHOWN_CHANGES))
        if not preview.changes:
            lines.append(translate("ui.plan_file.no_changes"))
        if preview.revalidated_periods:
            periods = ", ".join(period_name(p, language) for p in preview.revalidated_periods)
            lines.append(translate("ui.plan_file.revalidated", periods=periods))
    return "\n".join(lines)


def refusal(parent: QWidget, path: Path, exc: CdsError) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, translate("ui.plan_file.title"),
                      translate("ui.plan_file.refused", file=path.name, problem=exc.message()),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("plan_import_refused")
    box.open()
    return box


def import_plans_beside(service: CommuneService, key_file: Path) -> str | None:
    """Import the office's plan files beside its key file (``CommuneService.import_plans_beside``); one notice
    saying which plans came with it and which files were refused, or None when there was nothing new."""
    imported, refused = service.import_plans_beside(key_file)
    language = current_language()
    parts = []
    if imported:
        titles = "; ".join(translate("ui.plan_file.beside_plan", title=p.plan.plan.title.get(language),
                                     version=p.received.version) for p in imported)
        parts.append(translate("ui.plan_file.beside_imported", count=len(imported), plans=titles))
    parts.extend(translate("ui.plan_file.refused", file=path.name, problem=exc.message()) for path, exc in refused)
    return " ".join(parts) or None
