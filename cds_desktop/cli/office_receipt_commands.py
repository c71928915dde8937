"""``cds office receipts`` and ``cds office receipt-copy``: the receipts the office issued, and one of them written
again from the database (``services/office/receipts.receipt_copy``) — on any staff PC of a shared office.

``receipts COMMUNE PLAN PERIOD`` lists the receipts issued for a commune's report, oldest first: each one's number,
revision, decision, date and whether it can be saved again (a receipt recorded before the database kept receipts
was only written to its file); ``receipt-copy RECEIPT_ID --out FILE`` writes that receipt at ``FILE``. With
``--json`` each prints a JSON object (a list for ``receipts``). A file name recorded by an older version is printed
through ``terminal.terminal_safe``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cds_desktop.cli.terminal import terminal_safe
from cds_desktop.core.formatting import state_label
from cds_desktop.core.i18n import translate


def register_office(office_cmds: argparse._SubParsersAction, lang: str, add) -> None:
    """Add ``receipts`` and ``receipt-copy`` to the ``cds office`` sub-commands (``add`` adds positionals and
    ``--json`` as the other office commands do)."""

    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    add(office_cmds.add_parser("receipts", help=t("office_receipts")), "commune", "plan", "period").set_defaults(
        handler=receipts_cmd)
    copy = add(office_cmds.add_parser("receipt-copy", help=t("office_receipt_copy")))
    copy.add_argument("receipt_id", type=int)
    copy.add_argument("--out", required=True, type=Path, help=t("office_receipt_copy_out"))
    copy.set_defaults(handler=receipt_copy_cmd)


def receipts_cmd(ctx) -> int:
    a = ctx.args
    rows = ctx.office().receipts_issued(a.commune, a.plan, a.period)
    data = [{"receipt_id": row.id, "revision": row.revision, "decision": row.decision, "issued_at": row.issued_at,
             "issued_by": row.issued_by, "file_name": row.file_name, "stored": row.content is not None}
            for row in rows]

    def lines() -> list[str]:
        return [ctx.t("cli.out.office_receipts.row", receipt=row.id, revision=row.revision,
                      decision=state_label(row.decision, ctx.language), date=f"{row.issued_at:%d/%m/%Y %H:%M}",
                      file=terminal_safe(row.file_name or "-"),
                      stored=ctx.t("cli.out.office_receipts.stored" if row.content is not None
                                   else "cli.out.office_receipts.file_only"))
                for row in rows] or [ctx.t("cli.out.office_receipts.none")]

    ctx.emit(data, lines)
    return 0


def receipt_copy_cmd(ctx) -> int:
    a = ctx.args
    path = ctx.office().receipt_copy(a.receipt_id, a.out)
    ctx.emit({"receipt_id": a.receipt_id, "file": str(path)},
             lambda: [ctx.t("cli.out.office_receipt_copied", receipt=a.receipt_id, file=str(path))])
    return 0
