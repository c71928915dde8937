"""Benchmark: what the results page computes in the background besides the results (issue #11's charts), against
``period_results`` itself, measured in the same run for one province and for the whole country.

The offices of ``bench/office_results.py`` (plan 003, every 2023 report received, an answer to every commune
indicator). Measured for 2023Q4, median of ``--runs`` after a warm-up, wall clock and CPU time of the process (on a
busy machine the wall clock counts waiting too), and the ratio of each to ``period_results`` (the peer):

- ``period_results`` (the peer: what the page read before the charts);
- ``indicator_chart`` of the first ratio indicator with one commune's trend (sorted bars, bins, the office's and
  the commune's trend: two ``indicator_trend`` reads over the plan's quarters);
- ``outliers`` of the period (the modified z-scores and the previous quarter's denominators);
- painting the sorted bars of every commune at 1300×320 (``SortedBarsChart.grab``, offscreen), on the GUI thread.

    uv run python bench/office_charts.py [--runs 5] [--province-only]

Prints numbers; gates nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
from office_matrix import PROVINCE, build_office, official_communes, plan003  # noqa: E402
from office_results import PERIOD, add_answers  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from cds_desktop.core.plans.model import IndicatorKind  # noqa: E402
from cds_desktop.core.services.office.results_charts import indicator_chart  # noqa: E402
from cds_desktop.ui.office.results_charts import SortedBarsChart  # noqa: E402


def timed(call, runs: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms) of ``runs`` calls after one warm-up."""
    call()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def measure(name: str, office, runs: int) -> None:
    plan = plan003()
    results = office.period_results(plan.id, PERIOD)
    code = next(indicator.code for indicator in results.indicators if indicator.kind is IndicatorKind.RATIO)
    commune = results.communes[0].code
    chart = indicator_chart(office, results, code, "vi", commune)
    widget = SortedBarsChart()
    widget.resize(1300, 320)
    widget.set_data(chart)
    peer = timed(lambda: office.period_results(plan.id, PERIOD), runs)
    rows = [("period_results (peer)", peer),
            ("indicator_chart + one commune's trend", timed(lambda: indicator_chart(office, results, code, "vi",
                                                                                    commune), runs)),
            ("outliers", timed(lambda: office.outliers(plan.id, PERIOD, results), runs)),
            (f"painting {len(chart.bars)} sorted bars", timed(lambda: widget.grab(), runs))]
    print(f"{name}: {len(results.communes)} communes, indicator {code}")
    for label, (wall, cpu) in rows:
        print(f"  {label}: wall {wall:.0f} ms, CPU {cpu:.0f} ms; ×{wall / peer[0]:.2f} wall, "
              f"×{cpu / max(peer[1], 0.001):.2f} CPU of period_results")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--province-only", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841 - the widgets need it
    communes = official_communes()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors")
    with tempfile.TemporaryDirectory(prefix="cds-bench-charts-") as folder:
        root = Path(folder)
        offices = [("one province", [row for row in communes if row[2] == PROVINCE[0]])]
        if not args.province_only:
            offices.append(("the whole country", communes))
        for index, (name, chosen) in enumerate(offices):
            office = build_office(root / str(index), chosen)
            add_answers(office)
            try:
                measure(name, office, args.runs)
            finally:
                office.close()


if __name__ == "__main__":
    main()
