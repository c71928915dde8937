"""Office page 5: everything chosen for the receiving office, to review before Finish creates its data — where
it is kept (this PC, or a shared server's database) included."""

from __future__ import annotations

from typing import Callable

from cds_desktop.core.communes_list import official_list
from cds_desktop.core.i18n import translate
from cds_desktop.core.provinces import province
from cds_desktop.core.services.server_setup import ServerSettings
from cds_desktop.core.services.setup import OfficeSetup
from cds_desktop.ui.setup_wizard.summary_page import ReviewPage, accounts_text


class OfficeSummaryPage(ReviewPage):
    def __init__(self, describe: Callable[[], OfficeSetup], data_folder: str, finish: Callable[[], bool],
                 server: Callable[[], ServerSettings | None] = lambda: None) -> None:
        super().__init__("ui.office_setup.summary.subtitle", ("language", "receiving_office", "communes",
                                                              "accounts", "office_keys", "database"),
                         data_folder, finish)
        self._describe, self._server = describe, server
        self.texts.bind(self.values["office_keys"].setText, "ui.office_setup.summary.keys_value")

    def show_values(self) -> None:
        setup = self._describe()
        self.values["language"].setText(translate(f"ui.settings.language.{setup.language}"))
        self.values["receiving_office"].setText(translate(
            "ui.office_setup.summary.office_value", name=setup.name, code=setup.office_code,
            level=translate(f"ui.office_setup.level.{setup.level}"), province=province(setup.province_code).name))
        if setup.communes_file is not None:
            communes = translate("ui.office_setup.summary.communes_file", path=str(setup.communes_file))
        else:
            communes = translate("ui.office_setup.summary.communes_list", count=len(setup.commune_codes),
                                 province=province(setup.communes_province).name, source=official_list().source)
        self.values["communes"].setText(communes)
        self.values["accounts"].setText(accounts_text(setup.users))
        server = self._server()
        self.values["database"].setText(translate("ui.office_setup.summary.database_local") if server is None else
                                        translate("ui.office_setup.summary.database_server", where=server.describe(),
                                                  tls=translate(f"ui.server.tls.{server.tls}")))
