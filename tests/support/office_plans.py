"""Plans an office publishes to its communes, as real signed ``.cdsplan`` files (``make_plan_file`` by the office's
root key): the mini plan as the office's own plan ``ld-2026``, version 1 or a version 2 that removes indicator 2c,
adds 2e and raises 1a's target from ≥ 80% to ≥ 90%. Used by the commune's plan tests, headless and through the UI.

``commune_of`` sets up a real commune that pinned an office and is enrolled by it; ``report_on`` fills one period
of a plan, has it approved and exports its bundle — the office's plan tests send real reports with them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.plan_files import make_plan_file
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService

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


def commune_of(office, folder: Path, catalog: PlanCatalog, code: str, name: str, clock, office_passphrase: str,
               commune_passphrase: str, province: str = "68") -> tuple[CommuneService, CommuneExchange]:
    """A commune of ``province`` in ``folder / code`` with its own catalog, ``office`` pinned and its signing key
    enrolled there."""
    service = CommuneService(DataDir(folder / code), catalog, clock)
    service.init_commune(province, code, name)
    exchange = CommuneExchange(service)
    office.export_keys(folder / "org-keys.json", office_passphrase)
    exchange.import_office_keys(folder / "org-keys.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(commune_passphrase)
    exchange.export_enrollment(folder / f"enrol-{code}.json")
    office.enroll(folder / f"enrol-{code}.json", fingerprint)
    return service, exchange


def report_on(service: CommuneService, exchange: CommuneExchange, plan_id: str, period_id: str, out: Path,
              passphrase: str, numerator: str = "90") -> Path:
    """Every commune indicator of ``period_id`` answered (ratios ``numerator``/100), submitted, approved and
    exported to ``out``; the bundle's path."""
    plan = service.catalog.get(plan_id)
    for indicator in plan.commune_indicators():
        if indicator.kind.value == "ratio":
            fields = {"numerator": numerator, "denominator": "100"}
        else:
            fields = {"value": "Mô hình chợ 4.0" if indicator.kind.value == "text" else "1"}
        service.set_indicator(plan_id, period_id, indicator.code, fields, "lan")
    service.submit(plan_id, period_id, "lan")
    exchange.approve(plan_id, period_id, passphrase, "chu_tich")
    return exchange.export(plan_id, period_id, out, passphrase, "chu_tich").path
