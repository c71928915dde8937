"""A shared office on the session's PostgreSQL server for the race tests: several staff PCs (data folders each with
``office-server.json``) on one database, real bundles of several communes with revisions r1, r2, r3, and what must
hold after any race (``half_written``).

``make_shared_office`` builds the office once (its database becomes a template); ``SharedOffice.fresh`` copies that
database for a test and gives it ``pcs`` staff PCs. Each PC is its own data folder (the office's key files and the
plan copied in, as a staff PC set up from the office's backup would have them) naming the same database.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from support.postgres_server import PostgresServer
from support.processes import CdsProcesses, Child, Run, _finished
from support.shared_office import point_folder_at_server, settings_for

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keyfiles import make_enrollment, verify_org_keys
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.writer import write_bundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.report_record import RECORD_NAME, SCHEMA_VERSION
from cds_desktop.core.storage.server import write_server_settings
from tests.core.exchange.test_intake_concurrency import record  # the same whole-period record

MINI_PLAN = Path(__file__).parents[1] / "fixtures" / "plans" / "mini.yaml"
P, Q1 = "mini-plan", "2023Q1"
PASS_OFFICE = "mật khẩu sở KHCN 2025"
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
COMMUNES = [f"{24751 + n}" for n in range(8)]
REVISIONS = (1, 2, 3)


@dataclass(frozen=True)
class SharedOffice:
    server: PostgresServer
    database: str  # the office as set up, before any import: copied for each test
    pc: Path  # a staff PC's data folder (keys, plans) to copy
    secret: Path  # the office passphrase file (``--passphrase-file``)
    bundles: dict[tuple[str, int], Path]  # (commune, revision) → its bundle file
    indicators: int  # submission_indicator rows every stored submission has

    def fresh(self, base: Path, pcs: int) -> tuple[str, list[Path]]:
        """A copy of the office's database and ``pcs`` staff PCs' data folders on it."""
        database = self.server.create_database(template=self.database)
        folders = []
        for number in range(pcs):
            folder = base / f"pc-{number + 1}"
            shutil.copytree(self.pc, folder)
            write_server_settings(folder, settings_for(self.server, database))
            folders.append(folder)
        return database, folders

    def rows(self, database: str, sql: str, *params) -> list[tuple]:
        with self.server.connect(database) as connection:
            return connection.execute(sql, params).fetchall()


def make_shared_office(server: PostgresServer, base: Path) -> SharedOffice:
    """Office 68 on ``server`` with the communes of ``COMMUNES`` listed and enrolled, and their bundles r1–r3."""
    pc = base / "pc"
    database = point_folder_at_server(server, pc).database
    (pc / "plans").mkdir()
    shutil.copy(MINI_PLAN, pc / "plans" / f"{P}.yaml")  # the ``cds`` command reads the installed plans
    office = OfficeService(DataDir(pc), PlanCatalog([load_plan_file(MINI_PLAN)]), lambda: NOW)
    try:
        office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
        (base / "communes.csv").write_text("code,name,province\n" + "".join(f"{c},Xã {c},68\n" for c in COMMUNES),
                                           encoding="utf-8")
        office.import_communes(base / "communes.csv")
        office.export_keys(base / "org-keys.json", PASS_OFFICE)
        recipients = verify_org_keys((base / "org-keys.json").read_bytes(), pinned_root=office.root_fingerprint(),
                                     now=NOW).recipients()
        plan = office.catalog.get(P)
        bundles = {}
        for commune in COMMUNES:
            key = SigningKey.generate()
            enrollment = base / f"enrollment-{commune}.json"
            enrollment.write_bytes(make_enrollment(key, org=commune, org_name=f"Xã {commune}", created_at=NOW))
            office.enroll(enrollment, key.public.fingerprint)
            previous = None
            for revision in REVISIONS:
                written = write_bundle(base / "bundles", series=Series(commune=commune, plan=P, period=Q1),
                                       revision=revision, previous_manifest_sha256=previous, signing_key=key,
                                       recipients=recipients, records={RECORD_NAME: record(plan, commune, Q1,
                                                                                    revision)},
                                       attachments=[], app_version="races", schema_version=SCHEMA_VERSION,
                                       created_at=NOW)
                previous = written.manifest_sha256
                bundles[commune, revision] = written.path
        indicators = sum(1 for indicator in plan.indicators() if indicator.applies_to_communes)
    finally:
        office.close()
    secret = base / "passphrase.txt"
    secret.write_text(PASS_OFFICE + "\n", encoding="utf-8")
    return SharedOffice(server, database, pc, secret, bundles, indicators)


def folder_of(files: list[Path], folder: Path) -> Path:
    """``folder`` holding copies of ``files`` (a clerk's USB drive)."""
    folder.mkdir(parents=True)
    for file in files:
        shutil.copy2(file, folder / file.name)
    return folder


def wait_all(processes: CdsProcesses, children: list[Child], timeout: float) -> list[Run]:
    """Wait for every child; any still running after ``timeout`` seconds (a deadlock) is killed and the test
    fails."""
    deadline = time.monotonic() + timeout
    while not all(_finished(child.pid) for child in children):
        if time.monotonic() > deadline:
            for child in children:
                os.kill(child.pid, signal.SIGKILL)
            runs = [processes.wait(child) for child in children]
            raise AssertionError("still running after %.0f s (deadlocked?):\n%s" % (timeout, "\n".join(map(str, runs))))
        time.sleep(0.02)
    return [processes.wait(child) for child in children]


def half_written(office: SharedOffice, database: str) -> list[str]:
    """What is not as a finished import leaves it: a submission without all its indicator rows or its log row, a
    series whose state is not its newest stored revision, revisions stored out of order or twice, more than one
    current revision. Empty when sound."""
    found = []
    for submission, rows, logged in office.rows(database, (
            "SELECT s.id, (SELECT count(*) FROM submission_indicator i WHERE i.submission_id = s.id), "
            "(SELECT count(*) FROM import_attempt a WHERE a.submission_id = s.id) FROM submission s")):
        if rows != office.indicators or logged != 1:
            found.append(f"submission {submission}: {rows} indicator rows, {logged} log rows")
    stored: dict[str, list[tuple[int, str, bool]]] = {}
    for commune, revision, manifest, current in office.rows(database, (
            "SELECT commune_code, revision, manifest_hash, is_current FROM submission ORDER BY id")):
        stored.setdefault(commune, []).append((revision, manifest, current))
    states = {commune: (revision, manifest) for commune, revision, manifest in office.rows(
        database, "SELECT commune_code, last_revision, last_manifest_hash FROM sequence_state")}
    for commune in sorted(set(stored) | set(states)):
        series = stored.get(commune, [])
        revisions = [revision for revision, _, _ in series]
        if revisions != list(range(1, len(revisions) + 1)):
            found.append(f"{commune}: revisions stored in the order {revisions}")
        if series and states.get(commune) != series[-1][:2]:
            found.append(f"{commune}: sequence state {states.get(commune)} but newest stored r{revisions[-1]}")
        if [current for _, _, current in series].count(True) != (1 if series else 0):
            found.append(f"{commune}: current revisions {[r for r, _, c in series if c]}")
    return found
