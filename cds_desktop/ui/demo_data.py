"""Realistic entries for demonstrations and screenshots, written only through ``CommuneService``.

``seed_demo`` fills the first quarter-or-year period of a plan that falls before ``today`` with indicator
values (one deliberately inconsistent, so that the problems panel has something to show), task progress
and two evidence files. It will power ``cds-desktop --demo``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.services.commune import CommuneService

DEMO_ACTORS = ("nguyen.van.an", "tran.thi.binh")
DEMO_UNIT = {"province_code": "67", "commune_code": "24784", "name": "Xã Nhân Cơ"}  # Đắk R'lấp, Đắk Nông


def _ratio(index: int) -> tuple[str, str]:
    """Plausible numerator and denominator, varied by the indicator's position."""
    denominator = (1200, 3450, 860, 5120, 74, 912)[index % 6]
    share = (0.92, 0.61, 0.78, 0.45, 1.0, 0.87)[index % 6]
    return str(round(denominator * share)), str(denominator)


def seed_demo(service: CommuneService, plan_id: str, period_id: str) -> None:
    """Fill ``period_id`` of ``plan_id`` with demonstration entries (idempotent enough to run once)."""
    if service.unit() is None:
        service.init_commune(**DEMO_UNIT)
    plan = service.plan(plan_id)
    first, second = DEMO_ACTORS
    indicators = plan.commune_indicators()
    for index, indicator in enumerate(indicators):
        if index == len(indicators) - 1:
            continue  # left blank: "enter a value or a note"
        fields: dict[str, str | None]
        if indicator.kind is IndicatorKind.RATIO:
            numerator, denominator = _ratio(index)
            if index == 2:
                numerator = str(int(denominator) + 15)  # a typing slip the problems panel catches
            fields = {"numerator": numerator, "denominator": denominator, "data_source": "Báo cáo thôn, bon"}
        elif indicator.kind is IndicatorKind.COUNT:
            fields = {"value": "3", "data_source": "Văn phòng UBND xã"}
        elif indicator.kind is IndicatorKind.BOOLEAN:
            fields = {"value": "1"}
        else:
            fields = {"value": "Mô hình \"Thôn thông minh\" tại thôn 3"}
        service.set_indicator(plan_id, period_id, indicator.code, fields, first)
    if indicators:
        service.set_indicator(plan_id, period_id, indicators[0].code, {"note": "Số liệu đến 30/9"}, second)
    period_end = service.period(plan_id, period_id).end
    for index, task in enumerate(plan.commune_tasks()):
        if index % 4 == 0:
            service.set_task(plan_id, period_id, task.code, {
                "status": "done", "completed_on": f"{min(period_end, service.today()):%d/%m/%Y}",
                "result": "Đã triển khai tại 100% thôn, bon"}, first)
        elif index % 4 == 1:
            service.set_task(plan_id, period_id, task.code, {
                "status": "in_progress", "progress_pct": "60", "difficulties": "Thiếu kinh phí, sóng yếu ở bon xa",
                "proposals": "Đề nghị huyện hỗ trợ thiết bị"}, second)
        elif index % 4 == 2:
            service.set_task(plan_id, period_id, task.code, {"status": "in_progress", "progress_pct": "30"}, first)
    _attach_samples(service, plan_id, period_id, [indicators[0].code] if indicators else [], first)


def _attach_samples(service: CommuneService, plan_id: str, period_id: str, codes: list[str], actor: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for code in codes:
            for name, size in (("Bien_ban_kiem_tra_thon_3.pdf", 182_000), ("Anh_tap_huan_CDS.jpg", 2_450_000)):
                sample = Path(folder) / name
                sample.write_bytes(name.encode() * (size // len(name)))
                service.add_evidence(plan_id, period_id, code, sample, actor)


def demo_today() -> dt.date:
    return dt.date(2023, 11, 20)
