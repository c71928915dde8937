"""``cds office export PLAN PERIOD --format xlsx|csv|dhis2|adx --out FILE``: the office's figures of one plan
period as a file (``services/office/results_exports.py``).

``xlsx`` (the default) writes every view as a sheet; ``csv`` one view (``--view``, results by default), one row
per commune × item; ``dhis2`` the dataValueSet and, beside it, ``<name>.complete.json`` with the
completeDataSetRegistrations; ``adx`` the numeric values as IHE ADX. ``--mapping FILE`` maps our codes to a
DHIS2 instance's (``docs/dhis2.md``). With ``--json`` the files written are printed as a JSON object.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.office.results_exports import View

FORMATS = ("xlsx", "csv", "dhis2", "adx")


def register_office(office_cmds: argparse._SubParsersAction, lang: str) -> None:
    """Add ``export`` to the ``cds office`` sub-commands."""

    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    export = office_cmds.add_parser("export", help=t("office_export"))
    export.add_argument("plan")
    export.add_argument("period")
    export.add_argument("--format", choices=FORMATS, default="xlsx", help=t("office_export_format"))
    export.add_argument("--out", required=True, type=Path, help=t("office_export_out"))
    export.add_argument("--view", choices=[view.value for view in View], default=View.RESULTS.value,
                        help=t("office_export_view"))
    export.add_argument("--mapping", type=Path, help=t("office_export_mapping"))
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=office_export_cmd)


def office_export_cmd(ctx) -> int:
    a = ctx.args
    office = ctx.office()
    if a.format == "xlsx":
        files = [office.export_xlsx(a.plan, a.period, a.out, ctx.language)]
    elif a.format == "csv":
        files = [office.export_csv(a.plan, a.period, a.out, View(a.view), ctx.language)]
    elif a.format == "dhis2":
        files = list(office.export_dhis2(a.plan, a.period, a.out, a.mapping))
    else:
        files = [office.export_adx(a.plan, a.period, a.out, a.mapping)]
    ctx.emit({"files": [str(path) for path in files]},
             lambda: [ctx.t("cli.out.office_export_written", file=str(path)) for path in files])
    return 0
