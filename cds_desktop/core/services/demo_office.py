"""The demonstration receiving office behind ``cds-desktop --demo office``: realistic, the same story every time.

``build_demo_office(root)`` writes, only through the real services (real keys sealed with scrypt, real bundles
exported by each commune's own ``CommuneService``, real verified imports and signed receipts):

- ``root/office`` (``OFFICE_FOLDER``): Sở Khoa học và Công nghệ tỉnh Lâm Đồng receiving from 40 communes of the
  province, taken from the official 2025 list (Công văn 1027/CTK-CSCL of 25/6/2025, Cục Thống kê; the last 40
  of Lâm Đồng, copied into ``demo_office_communes.csv`` beside this module), on the built-in plan 003
  (``dak-rlap-2023``), with three accounts: an administrator who is also a head of office (signed in by the
  demo), a clerk and a head;
- ``root/communes/<code>``: the data folder of each commune that made a key;
- ``root/exchange``: what went between them (the office's key file, enrolments, bundles, receipts).

The story, on a fixed calendar (``TODAY``, 06/12/2023; the third quarter was due before 03/09/2023):
``ON_TIME`` communes sent the third quarter before the deadline and ``LATE`` ones after it; ``ENROLLED_ONLY``
made and enrolled their keys but sent nothing; the others have not enrolled yet. Xã Nhân Cơ (``RETURNED``) sent
early, the head returned it for correction with a reason, and it sent revision 2 before the deadline, with one
value corrected and evidence added. ``ACCEPTED`` reports were accepted. ``Q4_REPORTS`` communes also sent the
fourth quarter on time. Everyone's password, and the office's key passphrase, is ``PASSWORD``.

Speed: a commune's key is sealed with scrypt when it is made and unsealed for every export (~0.4 s of CPU each,
never weakened), so the communes are built in worker processes, one per core (at most 4), while this process
sets up the office. Each worker prepares one commune database once — migrated, the two quarters entered through
the service (``fill_past_period``) — and every commune of that worker starts from a copy of it (SQLite's backup
API), takes its own identity (``init_commune``), varies a value, makes its own key and sends its own reports;
what the office receives is each commune's own bundle, signed with its own key. This process imports each group
of bundles as soon as its communes are done, and Xã Nhân Cơ's correction meanwhile, so that little is left once
the workers finish. Measured on the two-core machine this was written on: about 29 s of CPU in all, 13–15 s
when the machine is otherwise idle.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sqlite3
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.progress import ProgressCallback
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.demo import LEADER, OFFICER, TIME_ZONE, fill_past_period, indicator_fields
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.data_folder import DATABASE

PLAN_ID = "dak-rlap-2023"
Q3, Q4 = "2023Q3", "2023Q4"
TODAY = dt.date(2023, 12, 6)
COMMUNES_CSV = Path(__file__).with_name("demo_office_communes.csv")
OFFICE = {"code": "68", "name": "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "level": "province"}
PASSWORD = "demo-so-khcn-lam-dong"
ADMIN, CLERK, HEAD = "quan.tri", "van.thu", "truong.phong"
OFFICE_FOLDER, COMMUNES_FOLDER, EXCHANGE_FOLDER = "office", "communes", "exchange"
RETURNED = "24751"  # Xã Nhân Cơ
ON_TIME, LATE, ENROLLED_ONLY = 14, 5, 1  # in that order, Xã Nhân Cơ first, then the list's order
ACCEPTED = 2  # the on-time reports after Xã Nhân Cơ's, accepted by the head
Q4_REPORTS = 3  # the on-time reporters after Xã Nhân Cơ that also sent the fourth quarter
RETURN_REASON = ("Tỷ lệ hồ sơ giải quyết trực tuyến chưa khớp với số liệu của Bộ phận Một cửa; đề nghị kiểm tra lại "
                 "và bổ sung biên bản kiểm tra tại thôn 3.")
MAX_WORKERS = 4


@dataclass(frozen=True)
class DemoOffice:
    data_dir: DataDir
    username: str  # signed in by the demo: administrator and head of office
    usernames: tuple[str, ...]  # every account, for the window's title
    password: str  # of every account, and the office's key passphrase
    plan_id: str
    period_id: str  # the quarter the story is about
    today: dt.date
    communes: int
    on_time: tuple[str, ...]  # commune codes whose third quarter arrived on time (Xã Nhân Cơ among them)
    late: tuple[str, ...]
    missing: tuple[str, ...]  # no third-quarter report
    returned: str  # returned for correction, then sent again as revision 2


@dataclass(frozen=True)
class CommuneStory:
    """What one commune does, in its own worker process: its data folder, key and reports."""

    code: str
    name: str
    province: str
    seed: int  # varies its values
    reports: tuple[tuple[str, dt.datetime], ...]  # (period, when it was submitted, approved and exported)


@dataclass(frozen=True)
class CommuneSent:
    code: str
    enrollment: Path
    fingerprint: str
    bundles: tuple[tuple[str, Path], ...]  # (period, bundle file)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TIME_ZONE)


def _communes() -> list[tuple[str, str, str]]:
    lines = COMMUNES_CSV.read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(line.split(",")) for line in lines if line]


def _stories(communes: list[tuple[str, str, str]]) -> tuple[list[CommuneStory], dict[str, tuple[str, ...]]]:
    """Who does what (see the module's docstring), and the codes of each group."""
    ordered = sorted(communes, key=lambda commune: commune[0] != RETURNED)  # stable: the list's order otherwise
    stories, groups = [], {"on_time": [], "late": [], "enrolled_only": []}
    for index, (code, name, province) in enumerate(ordered[:ON_TIME + LATE + ENROLLED_ONLY]):
        reports: list[tuple[str, dt.datetime]] = []
        if index < ON_TIME:
            groups["on_time"].append(code)
            reports.append((Q3, _at(dt.date(2023, 8, 21) + dt.timedelta(days=index % 9))))
            if 1 <= index <= Q4_REPORTS:
                reports.append((Q4, _at(dt.date(2023, 11, 27) + dt.timedelta(days=index % 4))))
        elif index < ON_TIME + LATE:
            groups["late"].append(code)
            reports.append((Q3, _at(dt.date(2023, 9, 5) + dt.timedelta(days=index % 6))))
        else:
            groups["enrolled_only"].append(code)
        stories.append(CommuneStory(code, name, province, index, tuple(reports)))
    return stories, {group: tuple(codes) for group, codes in groups.items()}


# --- in the worker processes -------------------------------------------------------------------

class _Calendar:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


_worker: dict[str, object] = {}  # per worker process: the plan catalog and the prepared commune database


def _prepare_worker(root: Path) -> int:
    """Once per worker process: import everything, load the plans, and prepare the database every commune of
    this worker starts from (migrated; both quarters entered, not yet submitted; no identity yet)."""
    if "template" not in _worker:
        _worker["catalog"] = PlanCatalog.builtin()
        folder = Path(root) / f"template-{os.getpid()}"
        calendar = _Calendar(_at(dt.date(2023, 8, 18)))
        service = CommuneService(DataDir(folder), _worker["catalog"], calendar)
        try:
            fill_past_period(service, Q3)
            calendar.now = _at(dt.date(2023, 11, 22))
            fill_past_period(service, Q4)
        finally:
            service.close()
        _worker["template"] = folder / DATABASE
    return os.getpid()


def _new_commune_folder(root: Path, code: str) -> DataDir:
    """A data folder holding a copy of the worker's prepared database (SQLite's backup API)."""
    _prepare_worker(root)
    folder = DataDir(Path(root) / code).ensure()
    source, target = sqlite3.connect(_worker["template"]), sqlite3.connect(folder.database)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return folder


def _open_commune(folder: DataDir, calendar: _Calendar,
                  catalog: PlanCatalog | None = None) -> tuple[CommuneService, CommuneExchange]:
    service = CommuneService(folder, catalog or _worker["catalog"], calendar)
    return service, CommuneExchange(service)


def _send(service: CommuneService, exchange: CommuneExchange, calendar: _Calendar, period: str,
          when: dt.datetime, out: Path) -> Path:
    calendar.now = when
    service.submit(PLAN_ID, period, OFFICER)
    service.approve(PLAN_ID, period, LEADER)  # the passphrase is checked by the export
    return exchange.export(PLAN_ID, period, out, PASSWORD, LEADER).path


def run_commune(story: CommuneStory, root: Path, org_keys: Path, office_fingerprint: str) -> CommuneSent:
    """One commune: set up, pin the office, make and enrol its key, fill, approve and export its reports."""
    calendar = _Calendar(_at(dt.date(2023, 8, 2)))
    service, exchange = _open_commune(_new_commune_folder(root / COMMUNES_FOLDER, story.code), calendar)
    exchange_folder = root / EXCHANGE_FOLDER
    try:
        service.init_commune(story.province, story.code, story.name)
        exchange.import_office_keys(org_keys, office_fingerprint)
        fingerprint = exchange.generate_key(PASSWORD)
        enrollment = exchange_folder / "enrollments" / f"{story.code}.json"
        enrollment.parent.mkdir(parents=True, exist_ok=True)
        exchange.export_enrollment(enrollment)
        plan = service.plan(PLAN_ID)
        bundles = []
        for period, when in story.reports:
            calendar.now = when - dt.timedelta(days=3)
            index = story.seed % len(plan.commune_indicators())
            code = plan.commune_indicators()[index].code
            service.set_indicator(PLAN_ID, period, code, indicator_fields(plan, index, growth=story.seed % 7), OFFICER)
            bundles.append((period, _send(service, exchange, calendar, period, when, exchange_folder / period)))
        return CommuneSent(story.code, enrollment, fingerprint, tuple(bundles))
    finally:
        service.close()


def send_correction(root: Path, code: str, receipt: Path, catalog: PlanCatalog) -> Path:
    """The returned commune imports the receipt, corrects a value, adds evidence and sends revision 2."""
    calendar = _Calendar(_at(dt.date(2023, 8, 26)))
    service, exchange = _open_commune(DataDir(root / COMMUNES_FOLDER / code), calendar, catalog)
    try:
        exchange.import_receipt(receipt, LEADER)
        plan = service.plan(PLAN_ID)
        indicator = plan.commune_indicators()[1]
        fields = indicator_fields(plan, 1, growth=4)
        service.set_indicator(PLAN_ID, Q3, indicator.code, fields, OFFICER)
        evidence = root / EXCHANGE_FOLDER / "Bien_ban_kiem_tra_thon_3.pdf"
        evidence.write_bytes(b"%PDF-1.4 Bien ban kiem tra tai thon 3\n" * 600)
        service.add_evidence(PLAN_ID, Q3, indicator.code, evidence, OFFICER)
        return _send(service, exchange, calendar, Q3, _at(dt.date(2023, 8, 28)), root / EXCHANGE_FOLDER / "r2")
    finally:
        service.close()


# --- in this process: the office ---------------------------------------------------------------

def _workers() -> int:
    return max(2, min(MAX_WORKERS, os.cpu_count() or 2))


def _import(office: OfficeService, when: dt.datetime, files: list[Path], calendar: _Calendar) -> None:
    calendar.now = when
    outcomes = office.import_bundles(files, PASSWORD)
    refused = [o for o in outcomes if o.status != "accepted"]
    if refused:  # the demo is built from real parts: a refusal here is a bug, not a story
        raise RuntimeError(f"demo bundle refused: {refused[0].file.name} {refused[0].error.code}")


def _receipt(office: OfficeService, code: str, period: str, calendar: _Calendar, when: dt.datetime,
             reason: str | None = None) -> Path:
    calendar.now = when
    out = office.data_dir.root.parent / EXCHANGE_FOLDER / "receipts" / f"{code}_{PLAN_ID}_{period}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    return office.receipt(code, PLAN_ID, period, out, PASSWORD, HEAD, returned_reason=reason)


def _create_accounts(office: OfficeService) -> None:
    accounts = Accounts(office)
    accounts.create(NewUser(ADMIN, "Quản trị (dùng thử)", frozenset({Role.ADMIN, Role.HEAD}), PASSWORD))
    accounts.sign_in(ADMIN, PASSWORD)
    accounts.create(NewUser(CLERK, "Văn thư (dùng thử)", frozenset({Role.CLERK}), PASSWORD))
    accounts.create(NewUser(HEAD, "Trưởng phòng (dùng thử)", frozenset({Role.HEAD}), PASSWORD))
    accounts.sign_out()


def build_demo_office(root: Path, progress: ProgressCallback | None = None) -> DemoOffice:
    """Create the demo office and its communes under ``root`` (an empty or missing folder); see the module doc."""
    root = Path(root)
    communes = _communes()
    stories, groups = _stories(communes)
    total, done = len(stories) + 6, 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    calendar = _Calendar(_at(dt.date(2023, 8, 1)))
    catalog = PlanCatalog.builtin()
    office = OfficeService(DataDir(root / OFFICE_FOLDER), catalog, calendar)
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs Qt's threads
    try:
        with ProcessPoolExecutor(_workers(), mp_context=context) as pool:
            for _ in range(_workers()):  # the workers import and prepare while the office is set up
                pool.submit(_prepare_worker, root / COMMUNES_FOLDER)
            office.init_office(OFFICE["code"], OFFICE["name"], OFFICE["level"], PASSWORD)
            office.import_communes(COMMUNES_CSV)
            org_keys = root / EXCHANGE_FOLDER / "org-keys.json"
            org_keys.parent.mkdir(parents=True, exist_ok=True)
            office.export_keys(org_keys, PASSWORD)
            fingerprint = office.root_fingerprint()
            step()
            futures = {story.code: pool.submit(run_commune, story, root, org_keys, fingerprint) for story in stories}
            sent = _Collected(office, futures, step)
            # Xã Nhân Cơ sends early, is returned and corrects before the deadline, while the others are built
            _import(office, _at(dt.date(2023, 8, 24)), [sent.bundle(RETURNED, Q3)], calendar)
            returned = _receipt(office, RETURNED, Q3, calendar, _at(dt.date(2023, 8, 25)), RETURN_REASON)
            correction = send_correction(root, RETURNED, returned, catalog)
            step()
            on_time = [sent.bundle(code, Q3) for code in groups["on_time"][1:]]
            _import(office, _at(dt.date(2023, 8, 31), 16), on_time + [correction], calendar)
            for code in groups["on_time"][1:1 + ACCEPTED]:
                _receipt(office, code, Q3, calendar, _at(dt.date(2023, 9, 5), 10))
            step()
            _import(office, _at(dt.date(2023, 9, 12)), [sent.bundle(code, Q3) for code in groups["late"]], calendar)
            sent.wait_for(groups["enrolled_only"])
            step()
            _import(office, _at(dt.date(2023, 12, 1)), sent.bundles(Q4), calendar)
            step()
        calendar.now = _at(TODAY)
        _create_accounts(office)
        step()
    finally:
        office.close()
    reported = set(groups["on_time"]) | set(groups["late"])
    return DemoOffice(
        data_dir=office.data_dir, username=ADMIN, usernames=(ADMIN, CLERK, HEAD), password=PASSWORD,
        plan_id=PLAN_ID, period_id=Q3, today=TODAY, communes=len(communes), on_time=groups["on_time"],
        late=groups["late"], missing=tuple(code for code, _, _ in communes if code not in reported),
        returned=RETURNED)


class _Collected:
    """The communes' results, waited for when first needed; each commune's key is enrolled as its result comes
    (with the fingerprint as read on the phone)."""

    def __init__(self, office: OfficeService, futures: dict[str, Future], step: Callable[[], None]) -> None:
        self.office, self.futures, self.step = office, futures, step
        self.sent: dict[str, CommuneSent] = {}

    def wait_for(self, codes) -> None:
        for code in codes:
            if code not in self.sent:
                result = self.futures[code].result()
                self.office.enroll(result.enrollment, result.fingerprint)
                self.sent[code] = result
                self.step()

    def bundle(self, code: str, period: str) -> Path:
        self.wait_for([code])
        return dict(self.sent[code].bundles)[period]

    def bundles(self, period: str) -> list[Path]:
        self.wait_for(self.futures)
        return [path for result in self.sent.values() for kind, path in result.bundles if kind == period]
