"""Benchmark: a receiving office for all 3,321 communes of Viet Nam, every period of plan 003 reported.

The office (code ``01``) receives from every commune of the official 2025 list (Công văn 1027/CTK-CSCL,
``../shared/data/communes-2025.md``, parsed here; provinces from ``provinces-2025.csv``), each with a signing key
enrolled through the office service. Every commune reports the five periods of plan 003 (four quarters and the
year): about 16,600 real bundles made with the real writer (``bundle.writer.write_bundle``) from real
``ReportRecord``s — every indicator and task filled, with the history of who entered and approved what — signed
by the commune's enrolled key; each year report carries one evidence file (16 KiB, its own content per commune).
The enrolled office and the bundles are made once, in parallel processes, and kept in ``--cache``: later runs
skip that step. Every measurement runs in a fresh child process on a fresh copy of the enrolled office:

- ``import``: ``OfficeService.import_bundles`` over the whole folder in one batch; bundles per second and the
  child's peak resident memory (``VmHWM``; goals ≥ 150/s, ≤ 200 MiB), for the whole batch and from the first
  file on (the office key's scrypt unsealing alone briefly takes 128 MiB);
- ``open``: on the imported office, opening one submission (``submission_detail``: header, values, tasks,
  evidence, problems, history and differences, what the submission page shows) for 20 communes spread over the list: the first (cold) and the slowest
  of the others (goal ≤ 50 ms);
- ``stall`` (``--stall``): the longest stall of the GUI thread while a ``BackgroundTasks`` job imports 1,000
  bundles with its progress dialog, measured as ``bench/startup.py`` does (a 5 ms timer; goal ≤ 100 ms);
- ``results`` (issue #11, unless ``--no-results``; in ``office_scale_results.py``), on the imported office, for
  2023Q4, each with the median wall and CPU time of ``--runs`` after a warm-up and a peer measured in the same
  child: the results table (``period_results``) of the whole country (goal ≤ 500 ms) and of one province (Phú
  Thọ, 148 communes: a copy of the enrolled office keeping that province's communes only, its 740 bundles
  imported; goal ≤ 50 ms), each against a bare ``SELECT`` of the same answers (the ratio is what the read model
  adds to reading the rows); the DHIS2 JSON of the whole country (goal ≤ 2 s) against the same bare ``SELECT``;
  the Excel workbook of the whole country in a fresh child (goal ≤ 5 s, peak RSS ≤ 300 MiB), and the same
  tables written by XlsxWriter and by openpyxl's write-only writer (the one the app used before) in the same
  child, as a ratio.

    uv run python bench/office_scale.py --cache /tmp/office-scale [--communes 3321] [--workers 2] [--stall]
        [--no-results] [--runs 5] [--database postgresql]

``--database postgresql`` (issue #14, in ``office_scale_server.py``) measures instead the same office on a local
PostgreSQL server and on SQLite side by side: one importer, two importers at once on disjoint folders, the
completeness matrix of the whole country and of one province.

Prints numbers; gates nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

OFFICE_CODE = "01"
PASSPHRASE = "bench passphrase"
PLAN_ID = "dak-rlap-2023"
EVIDENCE_SIZE = 16 * 1024
GOAL_RATE, GOAL_RSS_MIB, GOAL_OPEN_MS, GOAL_STALL_MS = 150, 200, 50, 100
STALL_BUNDLES = 1000
CACHE_VERSION = 1
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
_ENV["QT_QPA_PLATFORM"] = "offscreen"


class Commune(NamedTuple):
    code: str
    name: str
    province: str


# --- the official list -------------------------------------------------------------------------------

def official_communes() -> list[Commune]:
    """The 3,321 communes of Công văn 1027/CTK-CSCL (2025), as the app ships them (``core/communes_list.py``)."""
    from cds_desktop.core.communes_list import official_list

    return [Commune(c.code, c.name, c.province_code) for c in official_list().communes]


# --- making the office and the bundles (cached) ----------------------------------------------------

def _signing_key(code: str):
    from cds_desktop.core.bundle.keys import SigningKey

    return SigningKey.from_seed(hashlib.sha256(f"office-scale {code}".encode()).digest())


def _plan():
    from cds_desktop.core.plans.loader import builtin_plans

    return next(p for p in builtin_plans() if p.id == PLAN_ID)


def _office(folder: Path):
    """The office's service, opened as the app opens it: the collector paused, then what lives frozen
    (``ui/shell/import_costs``), so that no full collection pass over the service stack falls on a measurement."""
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog
    from cds_desktop.core.services.office.service import OfficeService
    from cds_desktop.ui.shell.import_costs import collection_paused

    with collection_paused():
        return OfficeService(DataDir(folder), PlanCatalog([_plan()]))


def make_office(folder: Path, communes: list[Commune], work: Path) -> None:
    """The office with every commune listed and enrolled (through the office service, as a clerk would)."""
    from cds_desktop.core.bundle.keyfiles import make_enrollment

    office = _office(folder)
    try:
        office.init_office(OFFICE_CODE, "Văn phòng nhận báo cáo thử", "province", PASSPHRASE)
        listing = work / "communes.csv"
        listing.write_text("code,name,province\n" + "".join(f"{c.code},{c.name},{c.province}\n" for c in communes),
                           encoding="utf-8")
        office.import_communes(listing)
        now = dt.datetime.now(dt.timezone.utc)
        for commune in communes:
            key = _signing_key(commune.code)
            enrollment = work / "enrollment.json"
            enrollment.write_bytes(make_enrollment(key, org=commune.code, org_name=commune.name, created_at=now))
            office.enroll(enrollment, key.public.fingerprint)
        office.export_keys(work.parent / "org-keys.json", PASSPHRASE)
    finally:
        office.close()


_recipients = None


def _load_recipients(org_keys: Path, root_fingerprint: str) -> None:
    from cds_desktop.core.bundle.keyfiles import verify_org_keys

    global _recipients
    _recipients = verify_org_keys(org_keys.read_bytes(), pinned_root=root_fingerprint,
                                  now=dt.datetime.now(dt.timezone.utc)).recipients()


def _record(plan, commune: Commune, period: str, seed: int, evidence: list) -> dict:
    """A whole period's report: every commune indicator and task, the history of entering and approving it."""
    from cds_desktop.core.plans.model import IndicatorKind
    from cds_desktop.core.services.report_record import (
        HistoryRecord,
        IndicatorRecord,
        ReportRecord,
        TaskRecord,
        UnitRecord,
    )

    at = dt.datetime(2024, 1, 5, 8, 0, tzinfo=dt.timezone.utc)
    indicators, tasks, history = [], [], []
    for n, indicator in enumerate(plan.commune_indicators()):
        if indicator.kind is IndicatorKind.RATIO:
            fields = {"numerator": str(500 + (seed * 7 + n) % 500), "denominator": "1000", "data_source": "Thống kê xã"}
        elif indicator.kind is IndicatorKind.BOOLEAN:
            fields = {"value": "1"}
        else:
            fields = {"value": str(3 + (seed + n) % 20)}
        indicators.append(IndicatorRecord(code=indicator.code, **fields))
        history += [HistoryRecord(at=at, actor="Nguyễn Văn An", revision=1, item=indicator.code, field=f, new=v)
                    for f, v in fields.items()]
    for task in plan.commune_tasks():
        tasks.append(TaskRecord(code=task.code, status="in_progress", progress_pct=50 + seed % 50,
                                result="Đang triển khai theo kế hoạch"))
        history += [HistoryRecord(at=at, actor="Nguyễn Văn An", revision=1, item=task.code, field="status",
                                  new="in_progress"),
                    HistoryRecord(at=at, actor="Nguyễn Văn An", revision=1, item=task.code, field="progress_pct",
                                  new=str(50 + seed % 50))]
    approved = at + dt.timedelta(days=1)
    history += [HistoryRecord(at=at, actor="Nguyễn Văn An", revision=1, item="*", field="state", old="draft",
                              new="submitted"),
                HistoryRecord(at=approved, actor="Trần Thị Bình", revision=1, item="*", field="state",
                              old="submitted", new="approved")]
    return ReportRecord(unit=UnitRecord(province_code=commune.province, commune_code=commune.code,
                                        name=commune.name, kind="phuong" if commune.name.startswith("Phường") else "xa"),
                        plan_id=plan.id, plan_version=plan.plan.plan_version, period_id=period, revision=1,
                        submitted_at=at, submitted_by="Nguyễn Văn An", approved_at=approved,
                        approved_by="Trần Thị Bình", indicators=tuple(indicators), tasks=tuple(tasks),
                        evidence=tuple(evidence), history=tuple(history)).model_dump(mode="json")


def _write_commune_bundles(job: tuple[Commune, int, str]) -> int:
    """Worker: the five bundles of one commune into ``<bundles>/<province>/``."""
    from cds_desktop.core.bundle.fields import Series
    from cds_desktop.core.bundle.writer import AttachmentSource, write_bundle
    from cds_desktop.core.plans.schedule import plan_periods
    from cds_desktop.core.services.report_record import RECORD_NAME, EvidenceRecord, evidence_entry_name

    commune, seed, bundles = job
    plan = _plan()
    key = _signing_key(commune.code)
    folder = Path(bundles) / commune.province
    folder.mkdir(parents=True, exist_ok=True)
    periods = [s for s in plan_periods(plan)]
    with tempfile.TemporaryDirectory() as tmp:
        content = hashlib.sha256(commune.code.encode()).digest() * (EVIDENCE_SIZE // 32)
        evidence_file = Path(tmp) / "bien-ban.pdf"
        evidence_file.write_bytes(content)
        sha256 = hashlib.sha256(content).hexdigest()
        for scheduled in periods:
            period = scheduled.period.id
            yearly = len(period) == 4
            evidence = [EvidenceRecord(item=plan.commune_tasks()[0].code, name="Biên bản nghiệm thu.pdf",
                                       sha256=sha256, size=len(content), media_type="application/pdf")] if yearly else []
            attachments = [AttachmentSource(evidence_entry_name(sha256), evidence_file, len(content), sha256)
                           ] if yearly else []
            write_bundle(folder, series=Series(commune=commune.code, plan=plan.id, period=period), revision=1,
                         previous_manifest_sha256=None, signing_key=key, recipients=_recipients,
                         records={RECORD_NAME: _record(plan, commune, period, seed, evidence)},
                         attachments=attachments, app_version="bench", schema_version=1)
    return len(periods)


def prepare(cache: Path, communes: list[Commune], workers: int) -> None:
    """The enrolled office (``cache/office``) and every bundle (``cache/bundles``), unless already there."""
    stamp = {"version": CACHE_VERSION, "communes": len(communes)}
    ready = cache / "ready.json"
    if ready.exists() and json.loads(ready.read_text()) == stamp:
        return
    shutil.rmtree(cache, ignore_errors=True)
    (cache / "work").mkdir(parents=True)
    started = time.perf_counter()
    make_office(cache / "office", communes, cache / "work")
    office = _office(cache / "office")
    root = office.root_fingerprint()
    office.close()
    print(f"office with {len(communes)} communes enrolled in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    made = 0
    jobs = [(commune, n, str(cache / "bundles")) for n, commune in enumerate(communes)]
    with ProcessPoolExecutor(workers, initializer=_load_recipients,
                             initargs=(cache / "org-keys.json", root)) as pool:
        for count in pool.map(_write_commune_bundles, jobs, chunksize=16):
            made += count
    print(f"{made} bundles made in {time.perf_counter() - started:.0f} s ({workers} processes)", flush=True)
    shutil.rmtree(cache / "work")
    ready.write_text(json.dumps(stamp))


# --- the measurements, each in a child process --------------------------------------------------------

def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_kib() -> int:
    """The process's resident high-water mark since start or since the last ``_reset_peak_rss``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak_rss() -> None:
    """Start the high-water mark again from the current resident size (Linux: ``clear_refs`` 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def _child_import(data: str, bundles: str) -> dict:
    """One batch; the peak resident memory of the whole batch and of the import proper — from the first file on,
    once the office's key is unsealed (scrypt at log_n 17 briefly takes 128 MiB, by the key-file format)."""
    office = _office(Path(data))
    unsealed: dict[str, int] = {}

    def first_file(_file, index: int, _total: int) -> None:
        if index == 0:
            unsealed["kib"] = _peak_rss_kib()
            _reset_peak_rss()

    cpu, started, started_at = _cpu_seconds(), time.perf_counter(), time.time()
    outcomes = office.import_bundles([Path(p) for p in bundles.split(os.pathsep)], PASSPHRASE, on_file=first_file)
    seconds, cpu, ended_at = time.perf_counter() - started, _cpu_seconds() - cpu, time.time()
    office.close()
    statuses: dict[str, int] = {}
    for outcome in outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return {"seconds": seconds, "cpu_seconds": cpu, "statuses": statuses, "started_at": started_at,
            "ended_at": ended_at,
            "max_rss_kib": max(unsealed["kib"], _peak_rss_kib()), "files_rss_kib": _peak_rss_kib()}


def _child_open(data: str, codes: list[str]) -> dict:
    office = _office(Path(data))
    times = []
    for code in codes:
        started = time.perf_counter()
        office.submission_detail(code, PLAN_ID, "2023")  # what the submission page shows, in one call
        times.append((time.perf_counter() - started) * 1000)
    office.close()
    return {"ms": times}


def _child_stall(data: str, files_list: str) -> dict:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from cds_desktop.ui.shell.background import BackgroundTasks

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1366, 768)
    window.show()
    office = _office(Path(data))
    files = [Path(line) for line in Path(files_list).read_text().splitlines()]
    tasks = BackgroundTasks()
    result: dict = {"longest_ms": 0.0, "progress_signals": 0}
    last = [None]

    def tick() -> None:
        now = time.perf_counter()
        if last[0] is not None:
            result["longest_ms"] = max(result["longest_ms"], (now - last[0]) * 1000 - 5)
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()

    def work(progress, cancel):
        def counted(done: int, total: int) -> None:
            result["progress_signals"] += 1
            progress(done, total)
        return office.import_bundles(files, PASSPHRASE, cancel, counted)

    def done(outcomes) -> None:
        result["seconds"] = time.perf_counter() - started
        result["accepted"] = sum(o.status == "accepted" for o in outcomes)
        QTimer.singleShot(200, app.quit)  # the progress dialog closes; its last paints count too

    started = time.perf_counter()
    tasks.run(work, done, "import", window)
    app.exec()
    tasks.wait()
    office.close()
    return result


def _start_child(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_ENV)


def _run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=_ENV)
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fresh_office(cache: Path, work: Path) -> Path:
    folder = work / "office"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(cache / "office", folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=False, help="where the enrolled office and bundles are kept")
    parser.add_argument("--communes", type=int, default=None, help="the first N communes of the list (default all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="processes making bundles")
    parser.add_argument("--work-dir", type=Path, default=None, help="where the office copies are made")
    parser.add_argument("--stall", action="store_true", help="also measure the GUI stall while importing 1,000")
    parser.add_argument("--skip-import", action="store_true", help="only the GUI stall")
    parser.add_argument("--prepare-only", action="store_true", help="make the cache and stop")
    parser.add_argument("--no-results", action="store_true", help="skip the results and exports (issue #11)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each results measurement")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default=None,
                        help="issue #14's figures instead: postgresql measures a local PostgreSQL server and SQLite "
                             "side by side in the same run; sqlite measures SQLite alone")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "import":
            result = _child_import(*rest)
        elif kind == "open":
            result = _child_open(rest[0], rest[1:])
        elif kind in ("results", "xlsx"):
            from office_scale_results import CHILDREN

            result = CHILDREN[kind](*rest)
        elif kind == "matrix":
            from office_scale_server import CHILDREN

            result = CHILDREN[kind](*rest)
        else:
            result = _child_stall(*rest)
        print(json.dumps(result), flush=True)
        os._exit(0)
    if args.cache is None:
        parser.error("--cache is required")
    communes = official_communes()
    if args.communes:
        communes = communes[: args.communes]
    prepare(args.cache, communes, args.workers)
    if args.prepare_only:
        return
    bundles = args.cache / "bundles"
    count = sum(1 for _ in bundles.rglob("*.cdsb"))
    with tempfile.TemporaryDirectory(prefix="office-scale-", dir=args.work_dir) as tmp:
        work = Path(tmp)
        # like an installed app (installers compile bytecode): the children may write it, into a temporary
        # PYTHONPYCACHEPREFIX (the source tree stays clean); a first short run fills it
        _ENV["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        _run_child("open", str(args.cache / "office"))
        if args.database:
            from office_scale_server import measure_databases

            kinds = ["sqlite", "postgresql"] if args.database == "postgresql" else ["sqlite"]
            measure_databases(kinds, args.cache, work, args.runs, _run_child, _start_child)
            return
        if not args.skip_import:
            office = _fresh_office(args.cache, work)
            imported = _run_child("import", str(office), str(bundles))
            rate = imported["statuses"].get("accepted", 0) / imported["seconds"]
            rss, files_rss = imported["max_rss_kib"] / 1024, imported["files_rss_kib"] / 1024
            print(f"import: {count} bundles of {len(communes)} communes in {imported['seconds']:.1f} s "
                  f"({imported['cpu_seconds']:.1f} s CPU): {rate:.0f} bundles/s (goal ≥ {GOAL_RATE}), peak RSS "
                  f"{rss:.0f} MiB (goal ≤ {GOAL_RSS_MIB}), {files_rss:.0f} MiB from the first file on (after the "
                  f"key's scrypt unsealing); outcomes {imported['statuses']}")
            step = max(1, len(communes) // 20)
            opened = _run_child("open", str(office), *[c.code for c in communes[::step][:20]])["ms"]
            print(f"open one submission: first {opened[0]:.1f} ms, then at most {max(opened[1:] or [0]):.1f} ms "
                  f"(median {sorted(opened)[len(opened) // 2]:.1f} ms; goal ≤ {GOAL_OPEN_MS})")
            if not args.no_results:
                from office_scale_results import measure_results

                measure_results(args.cache, work, office, args.runs, _run_child)
        if args.stall or args.skip_import:
            office = _fresh_office(args.cache, work)
            files = sorted(bundles.rglob("*.cdsb"))[:STALL_BUNDLES]
            listing = work / "files.txt"
            listing.write_text("\n".join(map(str, files)))
            stall = _run_child("stall", str(office), str(listing))
            print(f"GUI stall while a background job imports {stall['accepted']} bundles "
                  f"({stall['seconds']:.1f} s, {stall['progress_signals']} progress signals): longest "
                  f"{stall['longest_ms']:.0f} ms (goal ≤ {GOAL_STALL_MS})")


if __name__ == "__main__":
    main()
