"""Benchmark: the office's results and exports for one province and for the whole country (issue #11's goals).

The offices of ``bench/office_matrix.py`` (plan 003, every 2023 report received, written with SQL inserts), with
an answer to every commune indicator in every current submission (random numerators ≤ denominators, counts,
yes/no; about 2 % blank with a note), judged and stored as the import does (``validation.indicator_result``).
Measured, median and slowest of ``--runs`` after a warm-up:

- ``OfficeService.period_results`` for 2023Q4: one province (Phú Thọ, 146 communes; goal ≤ 50 ms) and the whole
  country (3,321 communes; goal ≤ 500 ms);
- the country's Excel export of 2023Q4 (every sheet) in a fresh child process: its time (goal ≤ 5 s) and peak
  resident memory (``ru_maxrss``; goal ≤ 300 MiB);
- the country's DHIS2 export (JSON; goal ≤ 2 s).

    uv run python bench/office_results.py [--runs 5]

Prints numbers (wall and CPU time); gates nothing. The same goals on an office that imported real bundles, with
peers: ``bench/office_scale.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).parent))
from office_matrix import PROVINCE, build_office, official_communes, plan003  # noqa: E402

from cds_desktop.core.domain import IndicatorEntry  # noqa: E402
from cds_desktop.core.plans.model import IndicatorKind, Level  # noqa: E402
from cds_desktop.core.services.office.service import OfficeService  # noqa: E402
from cds_desktop.core.storage.exchange_models import Submission, SubmissionIndicator  # noqa: E402
from cds_desktop.core.validation import indicator_result  # noqa: E402

PERIOD = "2023Q4"
GOALS_MS = {"province": 50, "country": 500, "xlsx": 5000, "dhis2": 2000}
GOAL_RSS_MIB = 300


def add_answers(office: OfficeService, seed: int = 11) -> int:
    plan = plan003()
    rng = random.Random(seed)
    with office.repo.reading() as session:
        current = [row[0] for row in session.execute(select(Submission.id).where(Submission.is_current))]
    rows = []
    for submission_id in current:
        for indicator in plan.commune_indicators():
            row = {"submission_id": submission_id, "indicator_code": indicator.code, "numerator": None,
                   "denominator": None, "value": None, "note": None, "data_source": None, "result": None,
                   "target_status": "no_data"}
            if rng.random() < 0.02:
                row["note"] = "Chưa thống kê"
            elif indicator.kind is IndicatorKind.RATIO:
                denominator = rng.randint(50, 20000)
                row["denominator"], row["numerator"] = str(denominator), str(rng.randint(0, denominator))
            elif indicator.kind is IndicatorKind.COUNT:
                row["value"] = str(rng.randint(0, 40))
            elif indicator.kind is IndicatorKind.BOOLEAN:
                row["value"] = rng.choice("01")
            else:
                row["value"] = "Mô hình chuyển đổi số"
            entry = IndicatorEntry(indicator.code, row["numerator"], row["denominator"], row["value"], row["note"])
            judged = indicator_result(indicator, entry, Level.COMMUNE)  # as the import stores it
            row["result"] = str(judged.result) if judged.result is not None else None
            row["target_status"] = judged.status.value
            rows.append(row)
    with office.repo.transaction() as session:
        session.execute(insert(SubmissionIndicator), rows)
    return len(rows)


def timed(call, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of ``runs`` calls after a warm-up."""
    call()
    times = []
    for _ in range(runs):
        cpu, start = time.process_time(), time.perf_counter()
        call()
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return times


def show(name: str, times: list[tuple[float, float]], goal_ms: float) -> None:
    walls, cpus = [wall for wall, _ in times], [cpu for _, cpu in times]
    print(f"{name}: median {statistics.median(walls):.0f} ms wall ({statistics.median(cpus):.0f} ms CPU), "
          f"slowest {max(walls):.0f} ms (goal ≤ {goal_ms} ms)")


_CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {bench!r})
from office_matrix import plan003
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.office.service import OfficeService
office = OfficeService(DataDir(Path({folder!r})), PlanCatalog([plan003()]))
start, cpu = time.perf_counter(), time.process_time()
office.export_xlsx("dak-rlap-2023", {period!r}, Path({out!r}))
print((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    communes = official_communes()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors")
    with tempfile.TemporaryDirectory(prefix="cds-bench-results-") as folder:
        root = Path(folder)
        province = build_office(root / "province", [row for row in communes if row[2] == PROVINCE[0]])
        print(f"one province: {len(province.communes())} communes, {add_answers(province)} answers")
        show("period_results, one province", timed(lambda: province.period_results(plan003().id, PERIOD), args.runs),
             GOALS_MS["province"])
        province.close()
        country = build_office(root / "country", communes)
        print(f"the whole country: {len(country.communes())} communes, {add_answers(country)} answers")
        show("period_results, the whole country",
             timed(lambda: country.period_results(plan003().id, PERIOD), args.runs), GOALS_MS["country"])
        show("DHIS2 JSON, the whole country",
             timed(lambda: country.export_dhis2(plan003().id, PERIOD, root / "dhis2.json"), max(args.runs // 2, 1)),
             GOALS_MS["dhis2"])
        country.close()
        child = _CHILD.format(bench=str(Path(__file__).parent), folder=str(root / "country"), period=PERIOD,
                              out=str(root / "country.xlsx"))
        output = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True).stdout
        took, cpu, rss = (float(part) for part in output.split())
        size = (root / "country.xlsx").stat().st_size / 2**20
        print(f"Excel, the whole country: {took:.0f} ms wall ({cpu:.0f} ms CPU; goal ≤ {GOALS_MS['xlsx']} ms), peak "
              f"RSS {rss:.0f} MiB (goal ≤ {GOAL_RSS_MIB} MiB), {size:.1f} MiB written")


if __name__ == "__main__":
    main()
