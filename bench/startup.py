"""Benchmark: time from process start to the main window shown, against a bare PySide6 window in the same run.

Runs ``--runs`` rounds of child processes, alternating: a bare ``QMainWindow``, the real ``cds-desktop`` start
on a prepared data folder (a commune set up without accounts, with one quarter of plan 003 filled, so the app
goes straight to the main window: its frame first, see ``app.py``) and the same start on a copy with an
account (the login dialog is the first window). Each time is measured from just before ``subprocess.run`` in
this process to the epoch time the child prints when its window is exposed (``bench/_startup_child.py``).
Prints the medians and the ratios to the bare window, of the wall time and of the CPU time the child had used
by then (all threads: on a machine shared with other work the wall time mostly measures the wait for a core,
the CPU time what the start itself costs). Goal: main window ratio ≤ 1.3.

Then the start as a user feels it (``bench/_startup_usable_child.py``): from launch to the first usable form — the
period's indicators filled in and an editor open on a value cell — for the start without accounts and for the
sign-in path (the password typed at once), against a bare PySide6 window with a line edit that takes a key, in the
same run. Goal: ≤ 3× the bare window.

It also measures the longest stall of the GUI thread while each start goes on, until the main window has
been filled in (``bench/_startup_stall_child.py``; for the login path the password is typed and "Sign in"
pressed): the window must never freeze for more than 100 ms.

Like an installed app (installers compile bytecode), the children run with compiled modules: they may write
bytecode, into a temporary ``PYTHONPYCACHEPREFIX`` (the source tree stays clean), and a first unmeasured run
of each kind fills that cache, the parsed message catalogs (``core/parsed_cache.py``, in a temporary cache
folder) and, for the app, the window layout remembered at quit (the first run quits the way a user does):
every start but the very first finds them.

    uv run python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from _data import builtin_plan, commune_service, fill_history

from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.service import open_commune_service
from cds_desktop.core.services.roles import Role

GOAL_RATIO = 1.3
GOAL_USABLE_RATIO = 3.0
GOAL_STALL_MS = 100
CHILD = Path(__file__).with_name("_startup_child.py")
STALL_CHILD = Path(__file__).with_name("_startup_stall_child.py")
USABLE_CHILD = Path(__file__).with_name("_startup_usable_child.py")
USERNAME, PASSWORD = "quan.tri", "Quan-tri 2025!"


def prepare(root: Path) -> None:
    plan = builtin_plan()
    service = commune_service(root, plan)
    try:
        fill_history(service, plan, years=(2023,))
    finally:
        service.close()


def with_account(source: Path, root: Path) -> None:
    shutil.copytree(source, root)
    service = open_commune_service(root)
    try:
        Accounts(service).create(NewUser(USERNAME, "Quản trị", frozenset({Role.ADMIN, Role.LEADER}), PASSWORD))
    finally:
        service.close()


class Timing(NamedTuple):
    """One start: seconds from launch to the mark (wall clock) and the CPU seconds the child had used by then."""

    wall: float
    cpu: float


def time_to_shown(args: list[str], env: dict[str, str], child: Path = CHILD, mark: str = "shown") -> Timing:
    started = time.time()
    done = subprocess.run([sys.executable, str(child), *args], env=env, capture_output=True, text=True, check=False,
                          timeout=120)
    shown = [line for line in done.stdout.splitlines() if line.startswith(f"{mark} ")]
    if done.returncode != 0 or not shown:
        raise SystemExit(f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    _, epoch, cpu_ms = shown[-1].split()
    return Timing(float(epoch) - started, float(cpu_ms) / 1000)


def time_to_usable(args: list[str], env: dict[str, str]) -> Timing:
    return time_to_shown(args, env, USABLE_CHILD, "usable")


def report(name: str, times: list[Timing], peer: list[Timing] | None = None) -> None:
    """Median and least wall time, median CPU time, and both ratios to ``peer`` (measured in the same run)."""
    wall = statistics.median(t.wall for t in times) * 1000
    cpu = statistics.median(t.cpu for t in times) * 1000
    line = f"{name}: median {wall:.0f} ms (min {min(t.wall for t in times) * 1000:.0f} ms), CPU median {cpu:.0f} ms"
    if peer is not None:
        line += (f"; ratio {wall / (statistics.median(t.wall for t in peer) * 1000):.2f} (wall), "
                 f"{cpu / (statistics.median(t.cpu for t in peer) * 1000):.2f} (CPU)")
    print(line)


def longest_stall(args: list[str], env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, str(STALL_CHILD), *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    stalls = [line for line in done.stdout.splitlines() if line.startswith("stall ")]
    if done.returncode != 0 or not stalls:
        raise SystemExit(f"{args[0]} stalls failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(stalls[-1].split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        data, accounts, config = Path(tmp) / "data", Path(tmp) / "accounts", Path(tmp) / "config"
        prepare(data)
        with_account(data, accounts)
        env.update(QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"),
                   CDS_DESKTOP_CONFIG_DIR=str(config), XDG_CONFIG_HOME=str(config),
                   CDS_DESKTOP_CACHE_DIR=str(Path(tmp) / "cache"))
        time_to_shown(["bare"], env)  # fill the bytecode and file caches, write the first log line
        time_to_shown(["first-app", str(data)], env)
        time_to_shown(["login", str(accounts)], env)
        bare: list[Timing] = []
        app: list[Timing] = []
        login: list[Timing] = []
        for _ in range(args.runs):
            bare.append(time_to_shown(["bare"], env))
            app.append(time_to_shown(["app", str(data)], env))
            login.append(time_to_shown(["login", str(accounts)], env))
        usable: dict[str, list[Timing]] = {"bare": [], "app": [], "login": []}
        usable_args = {"bare": ["bare"], "app": ["app", str(data)], "login": ["login", str(accounts), USERNAME, PASSWORD]}
        for _ in range(args.runs):
            for name, child_args in usable_args.items():
                usable[name].append(time_to_usable(child_args, env))
        stalls = {"main window (no accounts)": [longest_stall(["app", str(data)], env) for _ in range(3)],
                  "sign-in, then main window": [longest_stall(["login", str(accounts), USERNAME, PASSWORD], env)
                                                for _ in range(3)]}
    report("bare PySide6 window", bare)
    report("cds-desktop main window (no accounts)", app, bare)
    report("cds-desktop login dialog (accounts)", login, bare)
    print(f"goal: main window ratio ≤ {GOAL_RATIO}")
    report("first usable form, bare PySide6 window (a key typed into a line edit)", usable["bare"])
    report("first usable form, cds-desktop no accounts", usable["app"], usable["bare"])
    report("first usable form, cds-desktop sign-in, password typed at once", usable["login"], usable["bare"])
    print(f"goal: first usable form ratio ≤ {GOAL_USABLE_RATIO}")
    for name, values in stalls.items():
        print(f"longest GUI stall while starting, {name}: {max(values):.0f} ms "
              f"(3 starts: {', '.join(f'{v:.0f}' for v in values)})")
    print(f"goal: stalls ≤ {GOAL_STALL_MS} ms")


if __name__ == "__main__":
    main()
