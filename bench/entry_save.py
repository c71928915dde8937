"""Benchmark: saving one indicator value through the service on a database with five years of entries.

The database holds plan 003 (Đăk R'lấp) entries for 5 years × 4 quarters — every commune indicator and task
filled, with their history (``bench/_data.py``) — then one indicator value is saved repeatedly (alternating
values, so every save really writes a row and a history entry). Prints the median and p95 save time. Goal: p95 ≤ 15 ms.

    uv run python bench/entry_save.py [--saves 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _data import YEARS, commune_service, fill_history, five_year_plan

GOAL_P95_MS = 15.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    plan = five_year_plan()
    with tempfile.TemporaryDirectory() as tmp:
        service = commune_service(Path(tmp), plan)
        started = time.perf_counter()
        seeded = fill_history(service, plan)
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
