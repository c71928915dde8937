"""The demonstration commune behind ``cds-desktop --demo`` and the screenshots: realistic, the same every time.

``build_demo(root)`` writes two data folders under ``root``, only through the real services:

- ``root/office`` (``OFFICE_FOLDER``): a demo receiving office (``OfficeService``) that knows the commune;
- ``root/commune`` (``COMMUNE_FOLDER``): Xã Nhân Cơ (Đăk R'lấp) on the built-in plan 003 (``dak-rlap-2023``), with the office's key
  file pinned and its own signing key enrolled at the office. The third quarter is filled completely, submitted,
  approved, exported as a bundle, imported at the office, and the office's "accepted" receipt imported back.
  The fourth quarter (the period the app opens on) is partly filled, with evidence and a few problems: a
  numerator larger than its denominator, indicators left blank without a note, tasks past their deadline.

Everything happens on a fixed calendar (``TODAY`` and the dates before it), so the demo looks the same on every
run; open the commune with ``fixed_clock(demo.today)``. The demo account has all three roles; its password
also unlocks the commune's signing key.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import IndicatorKind, Plan
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import ROLES_OF, InstallationKind

PLAN_ID = "dak-rlap-2023"
PAST_PERIOD, CURRENT_PERIOD = "2023Q3", "2023Q4"
TODAY = dt.date(2024, 1, 4)  # after the year's task deadlines (31/12/2023): unfinished tasks are overdue
TIME_ZONE = dt.timezone(dt.timedelta(hours=7))
UNIT = {"province_code": "67", "commune_code": "24784", "name": "Xã Nhân Cơ"}  # Đăk R'lấp, Đăk Nông (2023)
OFFICE = {"code": "67", "name": "Sở Thông tin và Truyền thông tỉnh Đăk Nông", "level": "province"}
OFFICER, LEADER, CLERK = "nguyen.van.an", "tran.thi.binh", "le.thi.cuc"
USERNAME, PASSWORD = "demo", "demo-nhanco-2023"
OFFICE_PASSPHRASE = "demo-so-tttt-dak-nong"
COMMUNE_FOLDER, OFFICE_FOLDER = "commune", "office"
SOURCES = ("Báo cáo của các thôn, bon", "Bộ phận Một cửa xã", "Văn phòng HĐND và UBND xã", "Công an xã")


@dataclass(frozen=True)
class DemoCommune:
    data_dir: DataDir
    username: str
    password: str
    plan_id: str
    period_id: str
    today: dt.date


def fixed_clock(day: dt.date, hour: int = 9, minute: int = 30) -> Callable[[], dt.datetime]:
    """A clock that always reads ``day`` at ``hour:minute`` (Vietnam time)."""
    moment = dt.datetime.combine(day, dt.time(hour, minute), TIME_ZONE)
    return lambda: moment


class _Calendar:
    """The demo's clock, moved forward by hand as the story unfolds."""

    def __init__(self) -> None:
        self.now = dt.datetime(2023, 8, 21, 8, 30, tzinfo=TIME_ZONE)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, year: int, month: int, day: int, hour: int = 9) -> None:
        self.now = dt.datetime(year, month, day, hour, 0, tzinfo=TIME_ZONE)


def _ratio(index: int, growth: int) -> tuple[str, str]:
    """A plausible numerator and denominator, varied by the indicator's position; ``growth`` raises the share."""
    denominator = (1200, 3450, 12, 146, 5120, 912, 38, 9870, 9870, 9870, 17)[index % 11]
    share = (0.81, 0.74, 0.92, 0.72, 0.48, 0.63, 0.55, 0.57, 0.26, 0.86, 0.64)[index % 11]
    numerator = min(denominator, round(denominator * share) + growth * max(1, denominator // 100))
    return str(numerator), str(denominator)


def indicator_fields(plan: Plan, index: int, growth: int = 0) -> dict[str, str | None]:
    """Realistic values for the ``index``-th commune indicator of ``plan``."""
    indicator = plan.commune_indicators()[index]
    source = SOURCES[index % len(SOURCES)]
    if indicator.kind is IndicatorKind.RATIO:
        numerator, denominator = _ratio(index, growth)
        return {"numerator": numerator, "denominator": denominator, "data_source": source}
    if indicator.kind is IndicatorKind.COUNT:
        return {"value": str(3 + index % 4 + growth), "data_source": source}
    if indicator.kind is IndicatorKind.BOOLEAN:
        return {"value": "1"}
    return {"value": "Mô hình \"Thôn thông minh\" tại thôn 3", "data_source": source}


def _task_fields(index: int, completed_on: dt.date) -> dict[str, str]:
    """A task's progress, varied by its position: done, under way with difficulties, or just started."""
    if index % 3 == 0:
        return {"status": "done", "completed_on": f"{completed_on:%d/%m/%Y}", "result": "Đã triển khai tại 100% thôn, bon"}
    if index % 3 == 1:
        return {"status": "in_progress", "progress_pct": "60", "difficulties": "Thiếu kinh phí, sóng yếu ở bon xa",
                "proposals": "Đề nghị huyện hỗ trợ thiết bị"}
    return {"status": "in_progress", "progress_pct": "30"}


def _attach_samples(service: CommuneService, period_id: str, code: str, actor: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, size in (("Bien_ban_kiem_tra_thon_3.pdf", 182_000), ("Anh_tap_huan_CDS.jpg", 2_450_000)):
            sample = Path(folder) / name
            sample.write_bytes(name.encode() * (size // len(name)))
            service.add_evidence(PLAN_ID, period_id, code, sample, actor)


def fill_past_period(service: CommuneService, period_id: str) -> None:
    """Every commune indicator and task of ``period_id`` filled without errors (ready to submit)."""
    plan = service.plan(PLAN_ID)
    end = min(service.period(PLAN_ID, period_id).end, service.today())
    for index, indicator in enumerate(plan.commune_indicators()):
        service.set_indicator(PLAN_ID, period_id, indicator.code, indicator_fields(plan, index), OFFICER)
    for index, task in enumerate(plan.commune_tasks()):
        service.set_task(PLAN_ID, period_id, task.code, _task_fields(index, end), OFFICER)


def fill_current_period(service: CommuneService, period_id: str) -> None:
    """Most of ``period_id`` filled, evidence attached, and a few problems left for the problems panel."""
    plan = service.plan(PLAN_ID)
    indicators = plan.commune_indicators()
    for index, indicator in enumerate(indicators[:-2]):  # the last two left blank: "enter a value or a note"
        fields = indicator_fields(plan, index, growth=2)
        if index == 2:
            fields["numerator"] = str(int(fields["denominator"]) + 1)  # a typing slip: more villages than exist
        service.set_indicator(PLAN_ID, period_id, indicator.code, fields, OFFICER)
    service.set_indicator(PLAN_ID, period_id, indicators[0].code, {"note": "Số liệu đến 30/11/2023"}, LEADER)
    completed_on = service.today() - dt.timedelta(days=6)
    for index, task in enumerate(plan.commune_tasks()[:-1]):  # the last one not started: overdue too
        service.set_task(PLAN_ID, period_id, task.code, _task_fields(index, completed_on),
                         LEADER if index % 4 == 1 else OFFICER)
    _attach_samples(service, period_id, indicators[0].code, OFFICER)


def _exchange_past_period(commune: CommuneService, office: OfficeService, calendar: _Calendar, folder: Path) -> None:
    """Keys both ways, then the past period approved, exported, imported at the office and accepted."""
    exchange = CommuneExchange(commune)
    office.export_keys(folder / "org-keys.json", OFFICE_PASSPHRASE)
    exchange.import_office_keys(folder / "org-keys.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(PASSWORD)
    exchange.export_enrollment(folder / "enrollment.json")
    office.enroll(folder / "enrollment.json", fingerprint)

    calendar.set(2023, 8, 28)
    commune.submit(PLAN_ID, PAST_PERIOD, OFFICER)
    calendar.set(2023, 8, 30)
    commune.approve(PLAN_ID, PAST_PERIOD, LEADER)  # the passphrase is checked once, by the export below
    written = exchange.export(PLAN_ID, PAST_PERIOD, folder / "usb", PASSWORD, LEADER)
    calendar.set(2023, 9, 1)
    office.import_bundles([written.path], OFFICE_PASSPHRASE)
    receipt = office.receipt(UNIT["commune_code"], PLAN_ID, PAST_PERIOD, folder / "receipt.json", OFFICE_PASSPHRASE,
                             CLERK)
    calendar.set(2023, 9, 5)
    exchange.import_receipt(receipt, LEADER)


def build_demo(root: Path) -> DemoCommune:
    """Create the demo office and commune under ``root`` (an empty or missing folder); see the module doc."""
    root = Path(root)
    calendar = _Calendar()
    catalog = PlanCatalog.builtin()
    office = OfficeService(DataDir(root / OFFICE_FOLDER), catalog, calendar)
    commune = CommuneService(DataDir(root / COMMUNE_FOLDER), catalog, calendar)
    try:
        office.init_office(OFFICE["code"], OFFICE["name"], OFFICE["level"], OFFICE_PASSPHRASE)
        communes = office.data_dir.root / "communes.csv"
        communes.write_text(f"code,name,province\n{UNIT['commune_code']},{UNIT['name']},{UNIT['province_code']}\n",
                            encoding="utf-8")
        office.import_communes(communes)
        commune.init_commune(**UNIT)
        fill_past_period(commune, PAST_PERIOD)
        _exchange_past_period(commune, office, calendar, root / "exchange")
        calendar.set(2023, 11, 20)
        fill_current_period(commune, CURRENT_PERIOD)
        calendar.set(TODAY.year, TODAY.month, TODAY.day)
        Accounts(commune).create(NewUser(username=USERNAME, display_name="Người dùng thử (demo)",
                                         roles=frozenset(ROLES_OF[InstallationKind.COMMUNE]), password=PASSWORD))
    finally:
        commune.close()
        office.close()
    return DemoCommune(commune.data_dir, USERNAME, PASSWORD, PLAN_ID, CURRENT_PERIOD, TODAY)
