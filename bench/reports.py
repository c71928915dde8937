"""Benchmark: rendering the official PDF reports from report data (no database involved).

- the commune report for a plan shaped like plan 003: 18 indicators and 20 tasks; goal ≤ 1 s;
- the office's consolidated report over 200 communes (with the completeness table of three quarters, the
  per-indicator summary, the chart and the list of late and missing communes); goal ≤ 5 s.

Each report is rendered once cold (the first report of a process also loads the fonts) and then ``--runs`` times;
the cold run, the median and the slowest run are printed, with the ratio of the slowest run (cold included) to
the goal (≤ 1.00 meets it).

    uv run python bench/reports.py [--runs 5] [--communes 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from cds_desktop.core.reports.commune_pdf import render_commune_report
from cds_desktop.core.reports.office_pdf import render_office_report
from cds_desktop.core.reports.samples import sample_commune_report, sample_office_report

COMMUNE_GOAL_S = 1.0
OFFICE_GOAL_S = 5.0


def timed_runs(render: Callable[[Path], None], out: Path, runs: int) -> list[float]:
    """Seconds of 1 + ``runs`` renders to ``out``; the first is the cold one."""
    seconds = []
    for _ in range(1 + runs):
        start = time.perf_counter()
        render(out)
        seconds.append(time.perf_counter() - start)
    return seconds


def report(name: str, seconds: list[float], goal: float, out: Path) -> None:
    cold, warm = seconds[0], seconds[1:]
    print(
        f"{name}: cold {cold:.3f} s, median {statistics.median(warm):.3f} s, slowest {max(warm):.3f} s; "
        f"goal {goal:.0f} s, ratio {max(seconds) / goal:.2f} ({out.stat().st_size / 1024:.0f} KiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--communes", type=int, default=200)
    args = parser.parse_args()
    commune = sample_commune_report()
    office = sample_office_report(args.communes)
    with tempfile.TemporaryDirectory() as tmp:
        commune_pdf, office_pdf = Path(tmp) / "commune.pdf", Path(tmp) / "office.pdf"
        seconds = timed_runs(lambda out: render_commune_report(commune, out), commune_pdf, args.runs)
        report(f"commune report ({len(commune.indicators)} indicators, {len(commune.tasks)} tasks)",
               seconds, COMMUNE_GOAL_S, commune_pdf)  # fmt: skip
        seconds = timed_runs(lambda out: render_office_report(office, out), office_pdf, args.runs)
        report(f"office report ({office.current.expected} communes)", seconds, OFFICE_GOAL_S, office_pdf)


if __name__ == "__main__":
    main()
