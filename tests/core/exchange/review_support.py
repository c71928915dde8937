"""Reports for the office's review, made by the real commune services: values that leave no problem at all (a
"clean" report), values with target shortfalls, a second commune of the office enrolled through real key files.

The mini plan's 2023Q2 is due before 03/06/2023 and the test clock stands at 20/05/2023: a Q2 report imported
now is on time; 2023Q1 (due before 03/03/2023) is late.
"""

from __future__ import annotations

from pathlib import Path

from cds_desktop.core.bundle.writer import WrittenBundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.office.service import OfficeService

from .conftest import PASS_COMMUNE, PASS_OFFICE, P

Q2 = "2023Q2"
CLEAN = {  # every target at the commune level met, nothing left blank
    "1a": {"numerator": "90", "denominator": "100"},
    "1b": {"numerator": "58", "denominator": "100"},
    "1c": {"numerator": "60", "denominator": "100"},
    "2d": {"numerator": "10", "denominator": "100"},
    "2a": {"value": "3"},
    "2b": {"value": "1"},
    "2c": {"value": "Mô hình chợ 4.0"},
}
SHORT = {**CLEAN, "1a": {"numerator": "60", "denominator": "100"}}  # 1a below its target: one warning


def send_report(service: CommuneService, exchange: CommuneExchange, out: Path, period: str = Q2,
                values: dict | None = None, tasks: dict | None = None,
                evidence: dict[str, Path] | None = None) -> WrittenBundle:
    """Enter ``values`` (and ``tasks``, ``evidence`` by item), submit, approve with the passphrase, export."""
    for code, fields in (values or CLEAN).items():
        service.set_indicator(P, period, code, fields, "lan")
    for code, fields in (tasks or {}).items():
        service.set_task(P, period, code, fields, "lan")
    for code, file in (evidence or {}).items():
        service.add_evidence(P, period, code, file, "lan")
    service.submit(P, period, "lan")
    exchange.approve(P, period, PASS_COMMUNE, "chu_tich")
    return exchange.export(P, period, out, PASS_COMMUNE, "chu_tich")


def correct_and_resend(service: CommuneService, exchange: CommuneExchange, out: Path, period: str = Q2,
                       values: dict | None = None) -> WrittenBundle:
    """After a returned receipt: change ``values``, submit, approve and export the next revision."""
    for code, fields in (values or {}).items():
        service.set_indicator(P, period, code, fields, "lan")
    service.submit(P, period, "lan")
    exchange.approve(P, period, PASS_COMMUNE, "chu_tich")
    return exchange.export(P, period, out, PASS_COMMUNE, "chu_tich")


def enrolled_commune(folder: Path, office: OfficeService, mini_plan, clock, code: str = "24752",
                     name: str = "Phường Bắc Gia Nghĩa") -> tuple[CommuneService, CommuneExchange]:
    """Another commune of the office (``office`` fixture's list), with its key enrolled and the office pinned."""
    service = CommuneService(DataDir(folder), PlanCatalog([mini_plan]), clock)
    service.init_commune("68", code, name)
    exchange = CommuneExchange(service)
    office.export_keys(folder.parent / f"org-keys-{code}.json", PASS_OFFICE)
    exchange.import_office_keys(folder.parent / f"org-keys-{code}.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(PASS_COMMUNE)
    exchange.export_enrollment(folder.parent / f"enrollment-{code}.json")
    office.enroll(folder.parent / f"enrollment-{code}.json", fingerprint)
    return service, exchange
