"""Report commands: ``cds report PLAN PERIOD --out FILE.pdf`` (the commune's official PDF report),
``cds office report PLAN PERIOD --out FILE.pdf`` (the office's consolidated report on its communes) and
``cds office reminder PLAN PERIOD --out FILE.pdf`` (the reminder letter to the communes that have not reported)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from cds_desktop.core.i18n import translate
from cds_desktop.core.reports.data import WrittenReport
from cds_desktop.core.services.commune.service import parse_date
from cds_desktop.core.services.commune.report import write_commune_report
from cds_desktop.core.services.office.report import write_office_report


def register(commands: argparse._SubParsersAction, lang: str) -> None:
    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    report = commands.add_parser("report", help=t("report"))
    report.add_argument("plan")
    report.add_argument("period")
    report.add_argument("--out", required=True, type=Path, help=t("report_out"))
    report.add_argument("--number", help=t("report_number"))
    report.add_argument("--date", help=t("report_date"))
    report.add_argument("--json", action="store_true")
    report.set_defaults(handler=report_cmd)


def report_cmd(ctx) -> int:
    a = ctx.args
    date = parse_date(a.date) if a.date else None
    written = write_commune_report(ctx.commune(), a.plan, a.period, a.out, ctx.language, a.number, date)
    _emit_written(ctx, written, "cli.out.report_written")
    return 0


def _emit_written(ctx, written: WrittenReport, message_id: str) -> None:
    """The file written and, after it, what its maker should know (characters replaced …)."""
    severity = translate("severity.warning", ctx.language)
    ctx.emit({"file": str(written.path), "warnings": [warning.to_dict() for warning in written.warnings]},
             lambda: [ctx.t(message_id, file=str(written.path)),
                      *(f"[{severity}] {warning.message(ctx.language)}" for warning in written.warnings)])


def register_office(office_cmds: argparse._SubParsersAction, lang: str) -> None:
    """Add ``report`` to the ``cds office`` sub-commands."""

    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    report = office_cmds.add_parser("report", help=t("office_report"))
    report.add_argument("plan")
    report.add_argument("period")
    report.add_argument("--out", required=True, type=Path, help=t("office_report_out"))
    report.add_argument("--number", help=t("office_report_number"))
    report.add_argument("--date", help=t("office_report_date"))
    report.add_argument("--place", help=t("office_report_place"))
    report.add_argument("--signer", default="", help=t("office_report_signer"))
    report.add_argument("--json", action="store_true")
    report.set_defaults(handler=office_report_cmd)

    reminder = office_cmds.add_parser("reminder", help=t("office_reminder"))
    reminder.add_argument("plan")
    reminder.add_argument("period")
    reminder.add_argument("--out", required=True, type=Path, help=t("office_report_out"))
    reminder.add_argument("--number", help=t("office_reminder_number"))
    reminder.add_argument("--date", help=t("office_reminder_date"))
    reminder.add_argument("--place", help=t("office_reminder_place"))
    reminder.add_argument("--signer", help=t("office_reminder_signer"))
    reminder.add_argument("--capacity", action="append", help=t("office_reminder_capacity"))
    reminder.add_argument("--recipient", action="append", help=t("office_reminder_recipient"))
    reminder.add_argument("--reply-by", help=t("office_reminder_reply_by"))
    reminder.add_argument("--json", action="store_true")
    reminder.set_defaults(handler=office_reminder_cmd)


def office_report_cmd(ctx) -> int:
    a = ctx.args
    date = parse_date(a.date) if a.date else None
    written = write_office_report(ctx.office(), a.plan, a.period, a.out, ctx.language, number=a.number, date=date,
                                  place=a.place, signer=a.signer)
    _emit_written(ctx, written, "cli.out.office_report_written")
    return 0


def office_reminder_cmd(ctx) -> int:
    """The letter's details start from the office's stored settings; each option given replaces one."""
    a = ctx.args
    office = ctx.office()
    defaults = office.reminder_defaults()
    details = dataclasses.replace(
        defaults,
        number=a.number if a.number is not None else defaults.number,
        date=parse_date(a.date) if a.date else None,
        place=a.place if a.place is not None else defaults.place,
        signer=a.signer if a.signer is not None else defaults.signer,
        capacity_lines=tuple(a.capacity) if a.capacity else None,
        recipients=tuple(a.recipient) if a.recipient else defaults.recipients,
        reply_by=parse_date(a.reply_by) if a.reply_by else None,
    )
    written = office.write_reminder(a.plan, a.period, a.out, details, ctx.language)
    _emit_written(ctx, written, "cli.out.office_reminder_written")
    return 0
