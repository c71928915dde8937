"""A plan file (``.cdsplan``, the plan's YAML) opened from the file manager or dropped on the commune's window:
``offer_plan_file`` reads it (nothing installed yet) and asks, naming the plan, its id and version; "Import the
plan" installs it through ``CommuneService.import_plan`` (administrators only, refused by the service otherwise)
and offers it in the period bar. A file that is not a valid plan, or a plan already installed, is refused with
the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from cds_desktop.core.errors import CdsError, InputError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.plans.loader import read_plan_file
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.commune.confirm import ask

PLAN_SUFFIX = ".cdsplan"

Installed = Callable[[str, str], None]  # (plan id, its title): the plan was installed


def is_plan_file(path: Path) -> bool:
    return Path(path).suffix.lower() == PLAN_SUFFIX


def offer_plan_file(parent: QWidget, service: CommuneService, path: Path, installed: Installed) -> QMessageBox:
    """The question naming the plan in ``path``, or the refusal saying why it cannot be imported (already open)."""
    path = Path(path)
    try:
        service.authorize(Permission.MANAGE)  # asked first: no question for who may not import it
        plan, _text = read_plan_file(path)
        if plan.id in {installed.id for installed in service.plans()}:
            raise InputError("plan.already_installed", plan=plan.id)
    except CdsError as exc:
        return refusal(parent, path, exc)
    title = plan.plan.title.get(current_language())

    def install() -> None:
        try:
            service.import_plan(path)
        except CdsError as exc:
            refusal(parent, path, exc)
            return
        installed(plan.id, title)

    return ask(parent, "plan_import", translate("ui.plan_file.title"),
               translate("ui.plan_file.confirm", title=title, plan=plan.id, version=plan.plan.plan_version,
                         file=path.name),
               translate("ui.plan_file.import"), install)


def refusal(parent: QWidget, path: Path, exc: CdsError) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, translate("ui.plan_file.title"),
                      translate("ui.plan_file.refused", file=path.name, problem=exc.message()),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("plan_import_refused")
    box.open()
    return box
