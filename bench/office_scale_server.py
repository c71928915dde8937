"""Issue #14's measurements for ``bench/office_scale.py --database …`` (run there; see its docstring): the same
enrolled office on SQLite (a copy of the cached data folder) and on a local PostgreSQL server, side by side in one
run. The server is a throwaway one started for the run (``tests/support/postgres_server.py``: ``initdb`` and
``pg_ctl`` in a temporary folder, a Unix socket; run as the ``postgres`` user when the bench runs as root), with
PostgreSQL's crash safety on and ``synchronous_commit=off`` — the durability of the app's SQLite (WAL,
``synchronous=NORMAL``: a commit does not wait for the disk, a crash never corrupts); the enrolled office
moved there once (``move_office_to_server``, as an office outgrowing one PC would) and copied per measurement
(``CREATE DATABASE … TEMPLATE``).

- one importer: every bundle in one batch, in a fresh child process (goal on PostgreSQL ≥ 100 bundles/s);
- two importers at once on disjoint folders (the provinces split in two halves of about the same number of bundles),
  each a staff PC of its own (its own data folder; on SQLite the two share the one data folder, as two programs on
  one PC would): their bundles over the wall time from the first start to the last end, against one importer
  (goal on PostgreSQL ≥ 1.5×);
- the completeness matrix (``OfficeService.completeness`` of the year 2023, five periods) of the whole country
  (goal ≤ 300 ms) and of one province (Phú Thọ; a copy of the enrolled office keeping its communes only, its
  bundles imported; goal ≤ 50 ms): median wall time of ``--runs`` after a warm-up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from office_scale import PLAN_ID, _cpu_seconds, _office

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.postgres_server import OWNER, PostgresServer  # noqa: E402 - the tests' throwaway server

from cds_desktop.core.storage.server import ServerSettings, write_server_settings  # noqa: E402

PROVINCE_CODE = "25"  # Phú Thọ
GOAL_ONE_RATE, GOAL_TWO_RATIO, GOAL_COUNTRY_MS, GOAL_PROVINCE_MS = 100, 1.5, 300, 50
YEAR = 2023


def _child_matrix(data: str, runs: str) -> dict:
    office = _office(Path(data))
    office.completeness(PLAN_ID, YEAR)  # warm-up: the first read loads the pages
    walls, cpus = [], []
    for _ in range(int(runs)):
        cpu, started = _cpu_seconds(), time.perf_counter()
        office.completeness(PLAN_ID, YEAR)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((_cpu_seconds() - cpu) * 1000)
    office.close()
    return {"wall_ms": sorted(walls)[len(walls) // 2], "cpu_ms": sorted(cpus)[len(cpus) // 2], "slowest_ms": max(walls)}


CHILDREN = {"matrix": _child_matrix}


class _Offices:
    """Fresh copies of the enrolled office, on SQLite (folders) or on the server (databases)."""

    def __init__(self, kind: str, cache: Path, work: Path, server: PostgresServer | None) -> None:
        self.kind, self.cache, self.work, self.server = kind, cache, work, server
        self.template = None
        if kind == "postgresql":
            from cds_desktop.core.services.office.server_move import move_office_to_server

            self.template = server.create_database("enrolled_office", template="template0")
            folder = work / "pg-enrolled"
            shutil.copytree(cache / "office", folder)
            started = time.perf_counter()
            move_office_to_server(folder, self._settings(self.template))
            print(f"  (the enrolled office moved to PostgreSQL in {time.perf_counter() - started:.1f} s)", flush=True)
        self._made = 0

    def _settings(self, database: str) -> ServerSettings:
        return ServerSettings(host=self.server.socket_dir, port=self.server.port, database=database, user=OWNER,
                              tls="disable")

    def _point(self, folder: Path, database: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        write_server_settings(folder, self._settings(database))

    def fresh(self, name: str) -> Path:
        folder = _empty(self.work / f"{self.kind}-{name}")
        if self.kind == "sqlite":
            shutil.rmtree(folder)
            shutil.copytree(self.cache / "office", folder)
        else:
            self._made += 1
            self._point(folder, self.server.create_database(f"office_{self._made}", template=self.template))
        return folder

    def second_pc(self, first: Path, name: str) -> Path:
        """Another staff PC of the office ``first`` (SQLite: the same folder)."""
        if self.kind == "sqlite":
            return first
        folder = _empty(self.work / f"{self.kind}-{name}")
        shutil.copy(first / "office-server.json", folder / "office-server.json")
        return folder

    def keep_province(self, folder: Path) -> None:
        """Remove the communes (and their keys) of other provinces, before anything is imported."""
        statements = ("DELETE FROM enrolled_key WHERE commune_code IN "
                      "(SELECT code FROM office_commune WHERE province_code != :p)",
                      "DELETE FROM office_commune WHERE province_code != :p")
        office = _office(folder)
        try:
            from sqlalchemy import text

            with office.engine.begin() as connection:
                for statement in statements:
                    connection.execute(text(statement), {"p": PROVINCE_CODE})
        finally:
            office.close()


def _empty(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _halves(bundles: Path) -> tuple[str, str]:
    """The province folders split in two halves of about the same number of bundles (``os.pathsep``-joined)."""
    sizes = sorted(((sum(1 for _ in folder.glob("*.cdsb")), folder) for folder in bundles.iterdir()), reverse=True)
    halves: tuple[list, list] = ([], [])
    counts = [0, 0]
    for size, folder in sizes:
        side = 0 if counts[0] <= counts[1] else 1
        halves[side].append(str(folder))
        counts[side] += size
    return os.pathsep.join(halves[0]), os.pathsep.join(halves[1])


def _together(child: Callable[..., subprocess.Popen], jobs: list[tuple[str, ...]]) -> list[dict]:
    processes = [child(*job) for job in jobs]
    results = []
    for process in processes:
        out, err = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"child failed ({process.returncode}):\n{out}\n{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def measure_databases(kinds: list[str], cache: Path, work: Path, runs: int, run_child: Callable[..., dict],
                      start_child: Callable[..., subprocess.Popen]) -> None:
    """The figures of issue #14 for each of ``kinds`` (sqlite, postgresql), printed side by side at the end."""
    bundles = cache / "bundles"
    server = None
    if "postgresql" in kinds:
        server = PostgresServer(durable=True)
        server.start()
        server.set_up_roles()
    figures: dict[str, dict] = {}
    try:
        for kind in kinds:
            print(f"{kind}:", flush=True)
            offices = _Offices(kind, cache, work, server)
            one = run_child("import", str(offices.fresh("one")), str(bundles))
            one_rate = one["statuses"].get("accepted", 0) / one["seconds"]
            print(f"  one importer: {sum(one['statuses'].values())} bundles in {one['seconds']:.1f} s "
                  f"({one['cpu_seconds']:.1f} s CPU): {one_rate:.0f} bundles/s; outcomes {one['statuses']}", flush=True)
            matrix = run_child("matrix", str(work / f"{kind}-one"), str(runs))
            print(f"  completeness matrix, the whole country: median {matrix['wall_ms']:.0f} ms "
                  f"({matrix['cpu_ms']:.0f} ms CPU), slowest {matrix['slowest_ms']:.0f} ms", flush=True)
            first = offices.fresh("two-a")
            second = offices.second_pc(first, "two-b")
            half_a, half_b = _halves(bundles)
            both = _together(start_child, [("import", str(first), half_a), ("import", str(second), half_b)])
            accepted = sum(result["statuses"].get("accepted", 0) for result in both)
            wall = max(r["ended_at"] for r in both) - min(r["started_at"] for r in both)
            two_rate = accepted / wall
            print(f"  two importers at once: {accepted} bundles in {wall:.1f} s: {two_rate:.0f} bundles/s, "
                  f"× {two_rate / one_rate:.2f} one importer; outcomes {[r['statuses'] for r in both]}", flush=True)
            province = offices.fresh("province")
            offices.keep_province(province)
            run_child("import", str(province), str(bundles / PROVINCE_CODE))
            small = run_child("matrix", str(province), str(runs))
            print(f"  completeness matrix, one province: median {small['wall_ms']:.1f} ms "
                  f"({small['cpu_ms']:.1f} ms CPU), slowest {small['slowest_ms']:.1f} ms", flush=True)
            figures[kind] = {"one": one_rate, "two": two_rate, "country": matrix["wall_ms"],
                             "province": small["wall_ms"]}
    finally:
        if server is not None:
            server.remove()
    print("side by side (same run):")
    print(f"  {'':34}" + "".join(f"{kind:>14}" for kind in figures) + "      goal (PostgreSQL)")
    rows = (("one importer, bundles/s", "one", "{:.0f}", f"≥ {GOAL_ONE_RATE}"),
            ("two importers, × one", None, "{:.2f}", f"≥ {GOAL_TWO_RATIO}"),
            ("matrix, whole country, ms", "country", "{:.0f}", f"≤ {GOAL_COUNTRY_MS}"),
            ("matrix, one province, ms", "province", "{:.1f}", f"≤ {GOAL_PROVINCE_MS}"))
    for label, key, shape, goal in rows:
        values = [f["two"] / f["one"] if key is None else f[key] for f in figures.values()]
        print(f"  {label:34}" + "".join(f"{shape.format(v):>14}" for v in values) + f"      {goal}")
