"""Real data folders for the process tests: a commune with the mini plan installed, its office, their keys.

Built in-process with the real services and the real clock (the ``cds`` children use the real clock too,
so the office's key list must be valid *now*), then closed, so that child processes own the folders.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService, installed_catalog
from cds_desktop.core.services.office.service import OfficeService

MINI_PLAN = Path(__file__).parents[1] / "fixtures" / "plans" / "mini.yaml"
P, Q1, Q2 = "mini-plan", "2023Q1", "2023Q2"
PASS_OFFICE = "mật khẩu sở KHCN 2025"
PASS_COMMUNE = "mật khẩu xã Nhân Cơ"


def open_commune(root: Path) -> CommuneService:
    folder = DataDir(root)
    return CommuneService(folder, installed_catalog(folder))


@functools.cache
def _commune_template() -> Path:
    root = Path(tempfile.mkdtemp(prefix="cds-commune-template-")) / "data"
    atexit.register(shutil.rmtree, root.parent, ignore_errors=True)
    (root / "plans").mkdir(parents=True)
    shutil.copy(MINI_PLAN, root / "plans" / "mini-plan.yaml")
    service = open_commune(root)
    service.init_commune("68", "24751", "Xã Nhân Cơ")
    service.close()
    return root


def make_commune(root: Path) -> Path:
    """A commune data folder (Xã Nhân Cơ, 24751) with the mini plan installed; returns its root."""
    shutil.copytree(_commune_template(), root)
    return root


@dataclass(frozen=True)
class Exchange:
    commune: Path
    office: Path
    commune_passphrase_file: Path
    office_passphrase_file: Path


def make_exchange(base: Path) -> Exchange:
    """A commune and its receiving office wired through real key files (org keys pinned, commune enrolled)."""
    template = _exchange_template()
    shutil.copytree(template, base, dirs_exist_ok=True)
    return Exchange(base / "commune", base / "office", base / "commune.pass", base / "office.pass")


@functools.cache
def _exchange_template() -> Path:
    base = Path(tempfile.mkdtemp(prefix="cds-exchange-template-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    commune_root = make_commune(base / "commune")
    office = OfficeService(DataDir(base / "office"), PlanCatalog([load_plan_file(MINI_PLAN)]))
    office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    communes = base / "communes.csv"
    communes.write_text("code,name,province\n24751,Xã Nhân Cơ,68\n", encoding="utf-8-sig")
    office.import_communes(communes)
    service = open_commune(commune_root)
    exchange = CommuneExchange(service)
    office.export_keys(base / "org-keys.json", PASS_OFFICE)
    exchange.import_office_keys(base / "org-keys.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(PASS_COMMUNE)
    exchange.export_enrollment(base / "enrollment.json")
    office.enroll(base / "enrollment.json", fingerprint)
    service.close()
    office.close()
    (base / "office").mkdir(exist_ok=True)
    shutil.copy(MINI_PLAN, base / "office" / "plans" / "mini-plan.yaml")
    commune_pass, office_pass = base / "commune.pass", base / "office.pass"
    commune_pass.write_text(PASS_COMMUNE + "\n", encoding="utf-8")
    office_pass.write_text(PASS_OFFICE + "\n", encoding="utf-8")
    return base


def fill(service: CommuneService, period: str = Q1, numerator: str = "60") -> None:
    """Valid answers for every commune indicator of the mini plan."""
    for code in ("1a", "1b", "1c", "2d"):
        service.set_indicator(P, period, code, {"numerator": numerator, "denominator": "100"}, "lan")
    service.set_indicator(P, period, "2a", {"value": "3"}, "lan")
    service.set_indicator(P, period, "2b", {"value": "1"}, "lan")
    service.set_indicator(P, period, "2c", {"value": "Mô hình chợ 4.0"}, "lan")


def approve(root: Path, period: str = Q1, numerator: str = "60") -> None:
    """Fill (or change) the period, submit and approve it, in-process."""
    service = open_commune(root)
    try:
        fill(service, period, numerator)
        service.submit(P, period, "lan")
        CommuneExchange(service).approve(P, period, PASS_COMMUNE, "chu_tich")
    finally:
        service.close()
