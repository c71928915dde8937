"""Benchmark: the office's completeness matrix (its home screen) for one province and for the whole country.

Two office databases on plan 003 (four quarters and the year of 2023: five periods), every report received:
- one province: Phú Thọ's 146 communes of the official 2025 list (Công văn 1027/CTK-CSCL) → 730 reports;
- the whole country: all 3,321 communes → 16,605 reports.
About 20 % arrive after the deadline, 5 % were returned and sent again as revision 2, 30 % of the current
revisions are accepted and 3 % returned. Goals: the province ≤ 50 ms, the country ≤ 300 ms.

The databases are real office databases (``OfficeService.init_office``, the migrations, the office's communes),
but the submission and receipt rows are written with SQL inserts, not by importing bundles: this bench measures the
read model, not the import (that is ``bench/office_scale.py``'s). Each submission carries a history as large as a
real one of plan 003 (one entry per reported field); indicator values are left out (the matrix does not read them).

Measured, median and slowest of ``--runs`` after one warm-up, with the median CPU time of the process (the
machine's load average is printed: on a busy machine the wall clock counts waiting too):
``OfficeService.completeness`` (both read models: the cells and the per-period figures, as plain tuples), the
Qt table model taking the result (``CompletenessModel.set_matrix`` plus the cells of one screen read through
``data()``) and sorting it by a period's states. It also prints SQLite's query plan of the cells query
(``EXPLAIN QUERY PLAN``), to show that every cell is an index lookup.

    uv run python bench/office_matrix.py [--runs 15] [--country-only | --province-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event, insert

from cds_desktop.core.communes_list import official_list
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, builtin_plans
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.plans.schedule import plan_periods
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.exchange_models import OfficeCommune, ReceiptIssued, Submission

PROVINCE_GOAL_MS, COUNTRY_GOAL_MS = 50, 300
PLAN_ID, YEAR = "dak-rlap-2023", 2023
PROVINCE = ("25", "Tỉnh Phú Thọ")  # 146 communes
VN = dt.timezone(dt.timedelta(hours=7))
PASSPHRASE = "bench passphrase"


def official_communes() -> list[tuple[str, str, str]]:
    """(code, name, province code) of the 3,321 communes of the list the app ships (``core/communes_list.py``)."""
    return [(commune.code, commune.name, commune.province_code) for commune in official_list().communes]


def plan003():
    return next(plan for plan in builtin_plans() if plan.id == PLAN_ID)


def history_json(plan, at: dt.datetime) -> str:
    """A history like a real report's of plan 003: one entry per reported field."""
    stamp = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = []
    for indicator in plan.commune_indicators():
        fields = ("numerator", "denominator") if indicator.kind is IndicatorKind.RATIO else ("value",)
        entries += [{"at": stamp, "actor": "can.bo.xa", "revision": 1, "item": indicator.code, "field": field,
                     "old": None, "new": "123"} for field in fields]
    for task in plan.commune_tasks():
        entries += [{"at": stamp, "actor": "can.bo.xa", "revision": 1, "item": task.code, "field": field,
                     "old": None, "new": value}
                    for field, value in (("status", "in_progress"), ("progress_pct", "50"),
                                         ("result", "Đang triển khai theo kế hoạch của xã"))]
    return json.dumps(entries, ensure_ascii=False)


def build_office(root: Path, communes: list[tuple[str, str, str]], seed: int = 2025) -> OfficeService:
    """An office receiving from ``communes``, every report of the plan's 2023 periods received (see the module)."""
    plan = plan003()
    office = OfficeService(DataDir(root), PlanCatalog([plan]))
    office.init_office("25", "Sở Khoa học và Công nghệ tỉnh Phú Thọ", "province", PASSPHRASE)
    periods = [s for s in plan_periods(plan) if s.period.year == YEAR]
    rng = random.Random(seed)
    history = history_json(plan, dt.datetime(2023, 1, 1, tzinfo=VN))
    now = dt.datetime(2024, 1, 15, 9, 0, tzinfo=VN)
    submissions, receipts = [], []
    next_id = 1
    for code, _, _ in communes:
        for scheduled in periods:
            due = dt.datetime.combine(scheduled.due_before, dt.time(), tzinfo=VN)
            first = due + dt.timedelta(days=rng.randint(1, 9) if rng.random() < 0.2 else -rng.randint(1, 20),
                                       hours=rng.randint(7, 16))
            revisions = 2 if rng.random() < 0.05 else 1
            for revision in range(1, revisions + 1):
                received = first + dt.timedelta(days=7 * (revision - 1))
                submissions.append({
                    "id": next_id, "bundle_id": str(uuid.UUID(int=rng.getrandbits(128))), "commune_code": code,
                    "plan_id": plan.id, "period_id": scheduled.period.id, "revision": revision,
                    "manifest_hash": os.urandom(32).hex(), "previous_manifest_hash": None,
                    "signing_key_id": "k" * 16, "file_name": f"{code}_{plan.id}_{scheduled.period.id}_r{revision}.cdsb",
                    "file_sha256": os.urandom(32).hex(), "created_at": received - dt.timedelta(hours=2),
                    "submitted_at": None, "received_at": received, "is_current": revision == revisions,
                    "history_json": history})
                decision = ("returned" if revision < revisions else
                            rng.choices(["accepted", "returned", None], weights=[30, 3, 67])[0])
                if decision:
                    receipts.append({"commune_code": code, "plan_id": plan.id, "period_id": scheduled.period.id,
                                     "revision": revision, "decision": decision,
                                     "reason": "Thiếu số liệu" if decision == "returned" else None,
                                     "issued_at": received + dt.timedelta(days=2), "issued_by": "truong.phong",
                                     "submission_id": next_id, "file_name": None})
                next_id += 1
    with office.repo.transaction() as session:
        session.execute(insert(OfficeCommune), [
            {"code": code, "province_code": PROVINCE[0], "name": name, "kind": "xa", "added_at": now}
            for code, name, _ in communes])
        session.execute(insert(Submission), submissions)
        session.execute(insert(ReceiptIssued), receipts)
    with office.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    return office


def query_plan(office: OfficeService) -> list[str]:
    """SQLite's plan of the cells query, as the service runs it."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(office.engine, "before_cursor_execute", capture)
    try:
        office.completeness(PLAN_ID, YEAR)
    finally:
        event.remove(office.engine, "before_cursor_execute", capture)
    statement, parameters = next((s, p) for s, p in seen if "ORDER BY office_commune.code" in s)
    with office.engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [f"{'  ' * (row[1] > 0)}{row[3]}" for row in rows]


def timed(call, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``runs`` calls, after one warm-up (the first read loads the pages)."""
    call()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def show(name: str, times: tuple[list[float], list[float]], goal_ms: float | None = None) -> None:
    """The median and slowest wall-clock time, and the median CPU time: on a machine shared with other work the
    wall clock also counts the time the process waited for a processor."""
    wall, cpu = times
    median, slowest = statistics.median(wall) * 1000, max(wall) * 1000
    goal = f"; goal {goal_ms:.0f} ms, ratio {median / goal_ms:.2f}" if goal_ms else ""
    print(f"  {name}: median {median:.1f} ms, slowest {slowest:.1f} ms, CPU {statistics.median(cpu) * 1000:.1f} ms"
          f"{goal}")


def measure(name: str, communes, goal_ms: float, runs: int, model_class) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        office = build_office(Path(tmp) / "office", communes)
        count = office.completeness(PLAN_ID, YEAR)
        size = sum(f.stat().st_size for f in Path(tmp, "office").glob("cds.sqlite*")) / 2**20
        print(f"{name}: {count.commune_count} communes × {len(count.periods)} periods, "
              f"{sum(c.figures.received for c in count.periods)} reports received "
              f"(built in {time.perf_counter() - started:.1f} s, database {size:.0f} MiB)")
        show("completeness (cells + figures)", timed(lambda: office.completeness(PLAN_ID, YEAR), runs), goal_ms)
        model = model_class()
        matrix = office.completeness(PLAN_ID, YEAR)

        def fill_model() -> None:
            model.set_matrix(matrix)
            for row in range(min(30, model.rowCount())):  # one screen of rows: what the view asks first
                for column in range(model.columnCount()):
                    model.data(model.index(row, column))

        show("Qt model (set_matrix + one screen of data())", timed(fill_model, runs))
        show("Qt model sorted by the first period's state", timed(lambda: model.sort(2), runs))
        print("  query plan of the cells:")
        for line in query_plan(office):
            print(f"    {line}")
        office.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--province-only", action="store_true")
    parser.add_argument("--country-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from cds_desktop.ui.office.completeness_model import CompletenessModel

    application = QApplication.instance() or QApplication([])  # the model needs one
    communes = official_communes()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors")
    if not args.country_only:
        province = [row for row in communes if row[2] == PROVINCE[0]]
        measure(f"one province ({PROVINCE[1]})", province, PROVINCE_GOAL_MS, args.runs, CompletenessModel)
    if not args.province_only:
        measure("the whole country", communes, COUNTRY_GOAL_MS, args.runs, CompletenessModel)
    application.quit()


if __name__ == "__main__":
    main()
