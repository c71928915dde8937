"""Page 7: everything chosen, to review before Finish creates the commune's data (``SummaryPage``), then — the
data made — the enrolment step (``EnrollmentStep``: the signing key's fingerprint, the enrolment file to save and
send; Finish again closes); what the office's summary shares with it (``ReviewPage``, ``accounts_text``)."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.provinces import province
from cds_desktop.core.services.accounts import NewUser
from cds_desktop.core.services.setup import CommuneSetup
from cds_desktop.ui.commune.keys_enrollment import EnrollmentStep
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.setup_wizard.user_form import roles_text


def accounts_text(users: Sequence[NewUser]) -> str:
    """One line per account: who, and their roles."""
    return "\n".join(
        translate("ui.setup.summary.account", who=translate("ui.user.who", name=user.display_name,
                                                            username=user.username),
                  roles=roles_text(user.roles))
        for user in users)


class ReviewPage(SetupPage):
    """The last page: one row per ``keys`` (label ``ui.setup.summary.<key>``, value filled by ``show``); Finish
    runs ``finish``."""

    def __init__(self, subtitle_id: str, keys: Sequence[str], data_folder: str, finish: Callable[[], bool]) -> None:
        super().__init__("ui.setup.summary.title", subtitle_id)
        self._finish = finish
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key in (*keys, "data_folder"):
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label = self.texts.label(f"ui.setup.summary.{key}")
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # beside a value's first line
            form.addRow(label, value)
            self.values[key] = value
        self.values["data_folder"].setText(data_folder)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.show_values()

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return -1  # the last page of its branch: Finish

    def show_values(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        super().retranslate()
        if self.wizard() is not None and self.wizard().currentPage() is self:
            self.show_values()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        """Finish: the first press starts the set-up in the background; the wizard closes when it is done."""
        return self._finish()


class SummaryPage(ReviewPage):
    def __init__(self, describe: Callable[[], CommuneSetup], office_name: Callable[[], str], data_folder: str,
                 finish: Callable[[], bool]) -> None:
        super().__init__("ui.setup.summary.subtitle", ("language", "unit", "office", "accounts", "key"),
                         data_folder, finish)
        self._describe, self._office_name = describe, office_name
        self.texts.bind(self.values["key"].setText, "ui.setup.summary.key_value")
        self.enrollment = EnrollmentStep()  # shown once Finish has made the data: what to send to the office
        self.layout().insertWidget(self.layout().count() - 1, self.enrollment)

    def show_values(self) -> None:
        setup = self._describe()
        self.values["language"].setText(translate(f"ui.settings.language.{setup.language}"))
        self.values["unit"].setText(translate("ui.setup.summary.unit_value", name=setup.name,
                                              code=setup.commune_code, province=province(setup.province_code).name))
        self.values["office"].setText(self._office_name() if setup.office_keys is not None
                                      else translate("ui.setup.summary.office_missing"))
        self.values["accounts"].setText(accounts_text(setup.users))

    def say_office_plans(self, plans: Sequence[Plan]) -> None:
        """Once set up: the office's plans that came with its key file (plan files beside it), after its name."""
        if plans:
            language = current_language()
            titles = "; ".join(translate("ui.plan_file.beside_plan", title=p.plan.title.get(language),
                                         version=p.plan.plan_version) for p in plans)
            said = translate("ui.plan_file.beside_imported", count=len(plans), plans=titles)
            self.values["office"].setText(f"{self.values['office'].text()}\n{said}")
