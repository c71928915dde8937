"""Plans an office publishes to its communes, as real signed ``.cdsplan`` files (``make_plan_file`` by the office's
root key): the mini plan as the office's own plan ``ld-2026``, version 1 or a version 2 that removes indicator 2c,
adds 2e and raises 1a's target from ≥ 80% to ≥ 90%. Used by the commune's plan tests, headless and through the UI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.plan_files import make_plan_file

FIXTURES = Path(__file__).parents[1] / "fixtures"
OFFICE_PLAN = "ld-2026"
ISSUED = dt.datetime(2023, 5, 1, 8, 0, tzinfo=dt.timezone.utc)


def plan_text(version: int = 1) -> str:
    """The YAML of ``ld-2026`` in ``version`` (see the module's docstring for what version 2 changes)."""
    text = (FIXTURES / "plans" / "mini.yaml").read_text("utf-8")
    text = text.replace("id: mini-plan", f"id: {OFFICE_PLAN}", 1).replace("plan_version: 1", f"plan_version: {version}")
    if version >= 2:
        text = text.replace("target: {comparator: ge, value: 80}", "target: {comparator: ge, value: 90}", 1)
        start, end = text.index('      - code: "2c"'), text.index('      - code: "2d"')
        added = ('      - code: "2e"\n        name: {vi: "Số điểm phát wifi công cộng", en: "Public wifi spots"}\n'
                 '        kind: count\n        unit: services\n'
                 '        source: {document: "01/KH-UBND", section: "II.2.e"}\n')
        text = text[:start] + added + text[end:]
    return text


def write_plan_file(root: SigningKey, office_code: str, path: Path, version: int = 1, text: str | None = None,
                    issued_at: dt.datetime = ISSUED, **fields) -> Path:
    """``path`` written as the plan file of ``text`` (default: ``plan_text(version)``) signed by ``root``."""
    path.write_bytes(make_plan_file(root, office=office_code, plan_yaml=text or plan_text(version),
                                    issued_at=issued_at, **fields))
    return path
