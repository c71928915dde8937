"""Benchmark: saving one indicator value through the service on a database with five years of entries.

The database holds plan 003 (Đăk R'lấp) entries for 5 years × 4 quarters — every commune indicator and task
filled, with their history — then one indicator value is saved repeatedly (alternating values, so every
save really writes a row and a history entry). Prints the median and p95 save time. Goal: p95 ≤ 15 ms.

    uv run python bench/entry_save.py [--saves 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, builtin_plans
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.services.commune import CommuneService

PLAN_ID = "dak-rlap-2023"
YEARS = range(2019, 2024)
GOAL_P95_MS = 15.0


def five_year_plan():
    """Plan 003 with its schedule stretched over five years (same indicators, tasks and deadline rules)."""
    plan = next(p for p in builtin_plans() if p.id == PLAN_ID)
    return plan.model_copy(update={"schedule": plan.schedule.model_copy(update={"first_year": YEARS[0]})})


def seed(service: CommuneService, plan) -> int:
    saves = 0
    for year in YEARS:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    plan = five_year_plan()
    with tempfile.TemporaryDirectory() as tmp:
        clock_now = dt.datetime(2024, 1, 15, 9, 0).astimezone()
        service = CommuneService(DataDir(Path(tmp)), PlanCatalog([plan]), lambda: clock_now)
        service.init_commune("67", "24751", "Xã Nhân Cơ")
        started = time.perf_counter()
        seeded = seed(service, plan)
        print(f"seeded {seeded} saves over {len(YEARS) * 4} quarters in {time.perf_counter() - started:.1f} s")
        code = plan.commune_indicators()[0].code
        timings = []
        for i in range(args.saves):
            t0 = time.perf_counter()
            service.set_indicator(plan.id, "2023Q4", code, {"numerator": str(700 + i % 2)}, "bench")
            timings.append((time.perf_counter() - t0) * 1000)
        service.close()
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"save one indicator value: median {median:.2f} ms, p95 {p95:.2f} ms over {len(timings)} saves")
    print(f"p95 / goal ({GOAL_P95_MS:.0f} ms) = {p95 / GOAL_P95_MS:.2f}")


if __name__ == "__main__":
    main()
