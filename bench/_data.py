"""Shared bench data: plan 003 stretched over five years and a commune with every period of it filled.

``five_year_plan()`` keeps plan 003's indicators, tasks and deadline rules with its schedule starting in 2019;
``fill_history`` fills every commune indicator and task of every quarter through the service (so each value
has its history row), as a commune would after five years of use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, builtin_plans
from cds_desktop.core.plans.model import IndicatorKind, Plan
from cds_desktop.core.services.commune.service import CommuneService

PLAN_ID = "dak-rlap-2023"
YEARS = range(2019, 2024)
AFTER_THE_LAST_YEAR = dt.datetime(2024, 1, 15, 9, 0).astimezone()


def builtin_plan(plan_id: str = PLAN_ID) -> Plan:
    return next(p for p in builtin_plans() if p.id == plan_id)


def five_year_plan() -> Plan:
    """Plan 003 with its schedule stretched over five years (same indicators, tasks and deadline rules)."""
    plan = builtin_plan()
    return plan.model_copy(update={"schedule": plan.schedule.model_copy(update={"first_year": YEARS[0]})})


def commune_service(root: Path, plan: Plan) -> CommuneService:
    """A fresh commune (no accounts) on ``plan`` only, with the clock fixed after the plan's last year."""
    service = CommuneService(DataDir(root), PlanCatalog([plan]), lambda: AFTER_THE_LAST_YEAR)
    service.init_commune("67", "24784", "Xã Nhân Cơ")
    return service


def fill_history(service: CommuneService, plan: Plan, years: range | tuple[int, ...] = YEARS) -> int:
    """Fill every commune indicator and task of every quarter of ``years``; returns the number of saves."""
    saves = 0
    for year in years:
        for quarter in range(1, 5):
            period = f"{year}Q{quarter}"
            for i, indicator in enumerate(plan.commune_indicators()):
                if indicator.kind is IndicatorKind.RATIO:
                    fields = {"numerator": str(600 + i + quarter), "denominator": "1000", "data_source": "Thống kê"}
                else:
                    fields = {"value": "1" if indicator.kind is IndicatorKind.BOOLEAN else str(3 + i)}
                service.set_indicator(plan.id, period, indicator.code, fields, "seed")
                saves += 1
            for task in plan.commune_tasks():
                service.set_task(plan.id, period, task.code, {"status": "in_progress", "progress_pct": 50,
                                                              "result": "Đang triển khai"}, "seed")
                saves += 1
    return saves
