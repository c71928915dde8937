"""Benchmark: import 1,000 small bundles (100 communes × 10 periods) into a fresh office database.

Bundles are made up front with the real writer (plan 003's indicators and tasks, one report record each, no
evidence), signed by 100 enrolled commune keys. The timed part is ``OfficeService.import_bundles`` over the
folder: full verification into quarantine, strict record parsing, re-validation and one transaction per
bundle. Prints bundles per second against the goal (≥ 100/s). Gates nothing.

    uv run python bench/import_many.py [--communes 100] [--periods 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keyfiles import make_enrollment
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.writer import write_bundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, builtin_plans
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.plans.schedule import plan_periods
from cds_desktop.core.services.report_record import RECORD_NAME, IndicatorRecord, ReportRecord, TaskRecord, UnitRecord
from cds_desktop.core.services.office.service import OfficeService

GOAL_PER_SECOND = 100
PASSPHRASE = "bench passphrase"


def stretched_plan(years: int):
    plan = next(p for p in builtin_plans() if p.id == "dak-rlap-2023")
    return plan.model_copy(update={"schedule": plan.schedule.model_copy(
        update={"first_year": plan.schedule.last_year - years + 1})})


def record(plan, code: str, period: str, seed: int) -> dict:
    indicators = tuple(
        IndicatorRecord(code=i.code, numerator=str(500 + (seed * 7 + n) % 500), denominator="1000")
        if i.kind is IndicatorKind.RATIO else IndicatorRecord(code=i.code, value="1")
        for n, i in enumerate(plan.commune_indicators()))
    tasks = tuple(TaskRecord(code=t.code, status="in_progress", progress_pct=50) for t in plan.commune_tasks())
    return ReportRecord(unit=UnitRecord(province_code="68", commune_code=code, name=f"Xã Thử {code}", kind="xa"),
                        plan_id=plan.id, plan_version=1, period_id=period, revision=1,
                        indicators=indicators, tasks=tasks).model_dump(mode="json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--periods", type=int, default=10)
    args = parser.parse_args()
    plan = stretched_plan(years=(args.periods + 4) // 5)
    periods = [s.period.id for s in plan_periods(plan)][: args.periods]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        office = OfficeService(DataDir(root / "office"), PlanCatalog([plan]))
        office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASSPHRASE)
        codes = [f"{30000 + i:05d}" for i in range(args.communes)]
        (root / "communes.csv").write_text("code,name,province\n" + "".join(f"{c},Xã Thử {c},68\n" for c in codes),
                                           encoding="utf-8")
        office.import_communes(root / "communes.csv")
        office.export_keys(root / "org-keys.json", PASSPHRASE)
        from cds_desktop.core.bundle.keyfiles import verify_org_keys

        recipients = verify_org_keys((root / "org-keys.json").read_bytes(), pinned_root=office.root_fingerprint(),
                                     now=dt.datetime.now(dt.timezone.utc)).recipients()
        started = time.perf_counter()
        for code in codes:
            key = SigningKey.generate()
            enrollment = root / f"enroll-{code}.json"
            enrollment.write_bytes(make_enrollment(key, org=code, org_name=f"Xã Thử {code}",
                                                   created_at=dt.datetime.now(dt.timezone.utc)))
            office.enroll(enrollment, key.public.fingerprint)
            for n, period in enumerate(periods):
                write_bundle(root / "bundles", series=Series(commune=code, plan=plan.id, period=period), revision=1,
                             previous_manifest_sha256=None, signing_key=key, recipients=recipients,
                             records={RECORD_NAME: record(plan, code, period, n)}, attachments=[],
                             app_version="bench", schema_version=1)
        made = len(codes) * len(periods)
        print(f"made {made} bundles in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        outcomes = office.import_bundles([root / "bundles"], PASSPHRASE)
        elapsed = time.perf_counter() - started
        office.close()
    accepted = sum(o.status == "accepted" for o in outcomes)
    rate = accepted / elapsed
    print(f"imported {accepted}/{made} bundles in {elapsed:.2f} s: {rate:.0f} bundles/s "
          f"(goal {GOAL_PER_SECOND}/s, ratio {rate / GOAL_PER_SECOND:.2f})")


if __name__ == "__main__":
    main()
