"""Benchmark: time from process start to the main window shown, against a bare PySide6 window in the same run.

Runs ``--runs`` pairs of child processes, alternating: a bare ``QMainWindow`` and the real ``cds-desktop``
start on a prepared data folder (a commune set up without accounts, with one quarter of plan 003 filled, so the
app goes straight to the main window). Each time is measured from just before ``subprocess.Popen`` in this
process to the epoch time the child prints when its window is exposed (``bench/_startup_child.py``).
Prints both medians and their ratio. Goal: ratio ≤ 1.3.

Like an installed app (installers compile bytecode), the children run with compiled modules: they may write
bytecode, into a temporary ``PYTHONPYCACHEPREFIX`` (the source tree stays clean), and a first unmeasured run
of each kind fills that cache.

    uv run python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _data import builtin_plan, commune_service, fill_history

GOAL_RATIO = 1.3
CHILD = Path(__file__).with_name("_startup_child.py")


def prepare(root: Path) -> None:
    plan = builtin_plan()
    service = commune_service(root, plan)
    try:
        fill_history(service, plan, years=(2023,))
    finally:
        service.close()


def time_to_shown(args: list[str], env: dict[str, str]) -> float:
    started = time.time()
    done = subprocess.run([sys.executable, str(CHILD), *args], env=env, capture_output=True, text=True, check=False)
    shown = [line for line in done.stdout.splitlines() if line.startswith("shown ")]
    if done.returncode != 0 or not shown:
        raise SystemExit(f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(shown[-1].split()[1]) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        data, config = Path(tmp) / "data", Path(tmp) / "config"
        prepare(data)
        env.update(QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"),
                   CDS_DESKTOP_CONFIG_DIR=str(config), XDG_CONFIG_HOME=str(config))
        time_to_shown(["bare"], env)  # fill the bytecode and file caches, write the first log line
        time_to_shown(["app", str(data)], env)
        bare, app = [], []
        for _ in range(args.runs):
            bare.append(time_to_shown(["bare"], env))
            app.append(time_to_shown(["app", str(data)], env))
    bare_ms, app_ms = statistics.median(bare) * 1000, statistics.median(app) * 1000
    print(f"bare PySide6 window: median {bare_ms:.0f} ms (min {min(bare) * 1000:.0f} ms)")
    print(f"cds-desktop main window: median {app_ms:.0f} ms (min {min(app) * 1000:.0f} ms)")
    print(f"ratio {app_ms / bare_ms:.2f} (goal ≤ {GOAL_RATIO})")


if __name__ == "__main__":
    main()
