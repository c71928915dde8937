"""Two ``cds import`` processes importing the same folder into one office at the same time.

Defect 8: one of them crashed with a raw IntegrityError (UNIQUE on submission) in 5 of 8 rounds and abandoned
its batch. Now every race resolves inside the import transaction: each file is accepted by exactly one process
and is a duplicate (a no-op) for the other; nobody sees a traceback; the database holds each bundle once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keyfiles import make_enrollment, verify_org_keys
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.writer import write_bundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.services.commune.service import installed_catalog
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.report_record import RECORD_NAME, SCHEMA_VERSION

from .conftest import PASS_OFFICE

FIXTURES = Path(__file__).parents[2] / "fixtures"
COMMUNES = [f"{24751 + n}" for n in range(8)]
PERIODS = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"]
REVISIONS = 2
NOW = dt.datetime(2024, 6, 1, 2, 0, tzinfo=dt.timezone.utc)
CDS = "import sys; from cds_desktop.cli import main; sys.exit(main())"  # the ``cds`` entry point


def record(plan, commune: str, period: str, revision: int) -> dict:
    indicators = []
    for n, indicator in enumerate(plan.commune_indicators()):
        values = {"numerator": None, "denominator": None, "value": None, "note": None, "data_source": None}
        if indicator.kind is IndicatorKind.RATIO:
            values.update(numerator=str(50 + n + revision), denominator="100")
        elif indicator.kind is IndicatorKind.TEXT:
            values.update(value="Mô hình chợ 4.0")
        else:
            values.update(value="1")
        indicators.append({"code": indicator.code, **values})
    return {
        "record_version": 1,
        "unit": {"province_code": "68", "commune_code": commune, "name": f"Xã {commune}", "kind": "xa"},
        "plan_id": plan.id, "plan_version": plan.plan.plan_version, "period_id": period, "revision": revision,
        "submitted_at": None, "submitted_by": None, "approved_at": None, "approved_by": None,
        "indicators": indicators, "tasks": [], "evidence": [], "history": [],
    }


@pytest.fixture(scope="module")
def office_folder(tmp_path_factory):
    """An office data folder with the test plan installed, eight communes enrolled, and their keys."""
    root = tmp_path_factory.mktemp("race")
    data_dir = DataDir(root / "office").ensure()
    shutil.copy(FIXTURES / "plans" / "mini.yaml", data_dir.plans / "mini-plan.yaml")
    office = OfficeService(data_dir, installed_catalog(data_dir), lambda: NOW)
    office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    (root / "communes.csv").write_text("code,name,province\n" + "".join(f"{c},Xã {c},68\n" for c in COMMUNES),
                                       encoding="utf-8")
    office.import_communes(root / "communes.csv")
    office.export_keys(root / "org-keys.json", PASS_OFFICE)
    recipients = verify_org_keys((root / "org-keys.json").read_bytes(), pinned_root=office.root_fingerprint(),
                                 now=NOW).recipients()
    keys = {}
    for commune in COMMUNES:
        keys[commune] = SigningKey.generate()
        enrollment = root / f"enrollment-{commune}.json"
        enrollment.write_bytes(make_enrollment(keys[commune], org=commune, org_name=f"Xã {commune}", created_at=NOW))
        office.enroll(enrollment, keys[commune].public.fingerprint)
    plan = office.catalog.get("mini-plan")
    office.close()
    secret = root / "passphrase.txt"
    secret.write_text(PASS_OFFICE + "\n", encoding="utf-8")
    return {"root": root, "data_dir": data_dir, "keys": keys, "recipients": recipients, "plan": plan,
            "secret": secret}


def write_round(folder: Path, setup: dict, period: str) -> list[str]:
    names = []
    for commune in COMMUNES:
        previous = None
        for revision in range(1, REVISIONS + 1):
            written = write_bundle(folder, series=Series(commune=commune, plan="mini-plan", period=period),
                                   revision=revision, previous_manifest_sha256=previous,
                                   signing_key=setup["keys"][commune], recipients=setup["recipients"],
                                   records={RECORD_NAME: record(setup["plan"], commune, period, revision)},
                                   attachments=[], app_version="race", schema_version=SCHEMA_VERSION,
                                   created_at=NOW)
            previous = written.manifest_sha256
            names.append(written.path.name)
    return names


def start_import(setup: dict, folder: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", CDS, "--data-dir", str(setup["data_dir"].root), "--lang", "en",
               "import", str(folder), "--passphrase-file", str(setup["secret"]), "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"})


@pytest.mark.parametrize("period", PERIODS)
def test_two_processes_importing_one_folder_resolve_every_race(office_folder, period):
    folder = office_folder["root"] / f"usb-{period}"
    names = write_round(folder, office_folder, period)
    processes = [start_import(office_folder, folder) for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert "Traceback" not in err and "Error" not in err, err
        outcome = {Path(r["file"]).name: (r["status"], (r["error"] or {}).get("code")) for r in json.loads(out)}
        assert process.returncode == 0, {name: result for name, result in outcome.items() if result[0] == "rejected"}
        results.append(outcome)

    for name in names:  # each file: accepted by one process, a duplicate for the other
        assert sorted(result[name] for result in results) == [("accepted", None), ("duplicate", "bundle.duplicate")]
    office = OfficeService(office_folder["data_dir"], installed_catalog(office_folder["data_dir"]), lambda: NOW)
    try:
        stored = [s for s in office.submissions("mini-plan", period)]
        assert sorted((s.commune_code, s.revision) for s in stored) == [
            (c, r) for c in COMMUNES for r in range(1, REVISIONS + 1)]
        assert sorted(s.commune_code for s in stored if s.is_current) == COMMUNES
    finally:
        office.close()
