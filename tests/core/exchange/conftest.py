"""A commune and its receiving office, each with its own data folder, wired through real key files."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.office.service import OfficeService

PASS_OFFICE = "mật khẩu sở KHCN 2025"
PASS_COMMUNE = "mật khẩu xã Nhân Cơ"
P, Q1 = "mini-plan", "2023Q1"


@pytest.fixture
def office(tmp_path, mini_plan, clock, office_storage):
    """The receiving office, on SQLite and on PostgreSQL (``office_storage``)."""
    office_storage(tmp_path / "office")
    service = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([mini_plan]), clock)
    service.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    communes = tmp_path / "communes.csv"
    communes.write_text("code,name,province\n24751,Xã Nhân Cơ,68\n24752,Phường Bắc Gia Nghĩa,68\n",
                        encoding="utf-8-sig")
    service.import_communes(communes)
    yield service
    service.close()


@pytest.fixture
def exchange(service, office, tmp_path):
    """The commune of ``service`` with a signing key, the office pinned, and its key enrolled at the office."""
    exchange = CommuneExchange(service)
    office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
    exchange.import_office_keys(tmp_path / "org-keys.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / "enrollment.json")
    office.enroll(tmp_path / "enrollment.json", fingerprint)
    return exchange


def fill_and_approve(service: CommuneService, exchange: CommuneExchange, numerator: str = "60") -> None:
    for code in ("1a", "1b", "1c", "2d"):
        service.set_indicator(P, Q1, code, {"numerator": numerator, "denominator": "100"}, "lan")
    service.set_indicator(P, Q1, "2a", {"value": "3"}, "lan")
    service.set_indicator(P, Q1, "2b", {"value": "1"}, "lan")
    service.set_indicator(P, Q1, "2c", {"value": "Mô hình chợ 4.0"}, "lan")
    service.submit(P, Q1, "lan")
    exchange.approve(P, Q1, PASS_COMMUNE, "chu_tich")


EVIDENCE_PDF = b"%PDF-1.4 bien ban nghiem thu" * 400


def import_with_evidence(service: CommuneService, exchange: CommuneExchange, office: OfficeService, folder) -> str:
    """The commune's report of Q1 with one evidence file (``EVIDENCE_PDF``), exported and imported by the office;
    the evidence's sha256."""
    evidence = folder / "bien-ban.pdf"
    evidence.write_bytes(EVIDENCE_PDF)
    service.add_evidence(P, Q1, "1a", evidence, "lan")
    fill_and_approve(service, exchange)
    written = exchange.export(P, Q1, folder / "usb", PASS_COMMUNE, "chu_tich")
    (outcome,) = office.import_bundles([written.path], PASS_OFFICE)
    assert outcome.status == "accepted"
    return hashlib.sha256(EVIDENCE_PDF).hexdigest()


@pytest.fixture
def later(clock):
    def advance(days: int = 1) -> dt.datetime:
        clock.advance(days=days)
        return clock.now

    return advance
