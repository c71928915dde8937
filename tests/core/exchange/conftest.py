"""A commune and its receiving office, each with its own data folder, wired through real key files."""

from __future__ import annotations

import datetime as dt

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


@pytest.fixture
def later(clock):
    def advance(days: int = 1) -> dt.datetime:
        clock.advance(days=days)
        return clock.now

    return advance
