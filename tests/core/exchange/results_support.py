"""An office on the mini plan whose communes sent chosen values for 2023Q3 and 2023Q4, for the results and export
tests: every bundle written by the real bundle writer from a real report record, signed by a key the office
enrolled from a real enrolment file, and imported through ``OfficeService.import_bundles``; one report accepted
and one returned with signed receipts.

Built once per test run and database engine (``OfficeStorage.template``); each test opens its own copy
(``open_results_office``).

2023Q4 (imported 05/01/2024, after the tasks' deadline of 31/12/2023), ratio answers as numerator/denominator:

=====  ==========  =======  ============  =======  ======  =====  ====  ====================
code   1a (≥80)    1b 55–60  1c (≥50 xã)   2d (<20)  2a ≤5  2b =1  2c    tasks T1 / T2a / T2b
=====  ==========  =======  ============  =======  ======  =====  ====  ====================
24751  90/100      58/100    60/100        10/100   3      1      A     done / 50 % / —
24752  150/200     50/100    40/100        30/100   6      0      B     30 % / — / —
24753  85/100      61/100    blank + note  15/100   2      1      —     —
24754  (nothing received)
24755  80/100      57 (rate) 50/100        20/100   5      1      C     —
24756  5/100       120/100 + note 70/100   5/100    0      0      D     —
=====  ==========  =======  ============  =======  ======  =====  ====  ====================

2023Q3 (imported 01/09/2023): the same, except 1a of 24751 60/100 and of 24752 70/100.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.shared_office import OfficeStorage

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keyfiles import (
    make_enrollment,
    org_keys_root_fingerprint,
    verify_org_keys,
)
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.writer import write_bundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.services.commune.exchange import SCHEMA_VERSION
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.report_record import (
    RECORD_NAME,
    IndicatorRecord,
    ReportRecord,
    TaskRecord,
    UnitRecord,
)

P, Q3, Q4 = "mini-plan", "2023Q3", "2023Q4"
PASS_OFFICE = "mật khẩu sở KHCN 2025"
COMMUNES = {"24751": "Xã Nhân Cơ", "24752": "Phường Bắc Gia Nghĩa", "24753": "Xã Đắk Wer", "24754": "Xã Quảng Tín",
            "24755": "Xã Đạo Nghĩa", "24756": "Xã Kiến Thành"}
NOTE_BLANK = "Chưa thống kê xong"
NOTE_ABOVE = "Tính cả người ở xã khác đến mở tài khoản"
MINI_PLAN = Path(__file__).parents[2] / "fixtures" / "plans" / "mini.yaml"
VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2024, 1, 10, 9, 0, tzinfo=VN)


def _ratio(numerator: str, denominator: str, note: str | None = None) -> dict:
    return {"numerator": numerator, "denominator": denominator, "note": note}


Q4_ANSWERS = {
    "24751": {"1a": _ratio("90", "100"), "1b": _ratio("58", "100"), "1c": _ratio("60", "100"),
              "2d": _ratio("10", "100"), "2a": {"value": "3"}, "2b": {"value": "1"}, "2c": {"value": "Mô hình A"}},
    "24752": {"1a": _ratio("150", "200"), "1b": _ratio("50", "100"), "1c": _ratio("40", "100"),
              "2d": _ratio("30", "100"), "2a": {"value": "6"}, "2b": {"value": "0"}, "2c": {"value": "=Mô hình B"}},
    "24753": {"1a": _ratio("85", "100"), "1b": _ratio("61", "100"), "1c": {"note": NOTE_BLANK},
              "2d": _ratio("15", "100"), "2a": {"value": "2"}, "2b": {"value": "1"}},
    "24755": {"1a": _ratio("80", "100"), "1b": {"value": "57"}, "1c": _ratio("50", "100"),
              "2d": _ratio("20", "100"), "2a": {"value": "5"}, "2b": {"value": "1"}, "2c": {"value": "Mô hình C"}},
    "24756": {"1a": _ratio("5", "100"), "1b": _ratio("120", "100", NOTE_ABOVE), "1c": _ratio("70", "100"),
              "2d": _ratio("5", "100"), "2a": {"value": "0"}, "2b": {"value": "0"}, "2c": {"value": "Mô hình D"}},
}
Q3_ANSWERS = {code: dict(answers) for code, answers in Q4_ANSWERS.items()}
Q3_ANSWERS["24751"]["1a"] = _ratio("60", "100")
Q3_ANSWERS["24752"]["1a"] = _ratio("70", "100")
Q4_TASKS = {
    "24751": (TaskRecord(code="T1", status="done", progress_pct=100, completed_on=dt.date(2023, 11, 20),
                         result="Đã phổ cập"),
              TaskRecord(code="T2a", status="in_progress", progress_pct=50)),
    "24752": (TaskRecord(code="T1", status="in_progress", progress_pct=30),),
}


def _record(code: str, period: str, answers: dict, tasks: tuple = ()) -> ReportRecord:
    return ReportRecord(
        unit=UnitRecord(province_code="68", commune_code=code, name=COMMUNES[code],
                        kind="phuong" if COMMUNES[code].startswith("Phường") else "xa"),
        plan_id=P, plan_version=1, period_id=period, revision=1,
        indicators=tuple(IndicatorRecord(code=item, **{k: v for k, v in fields.items() if v is not None})
                         for item, fields in answers.items()),
        tasks=tasks)


def build_results_office(root: Path, plan: Plan) -> None:
    clock = _Clock(dt.datetime(2023, 8, 1, 9, 0, tzinfo=VN))
    root.mkdir(parents=True, exist_ok=True)
    office = OfficeService(DataDir(root / "office"), PlanCatalog([plan]), clock)
    office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    (root / "communes.csv").write_text("code,name,province\n" + "".join(
        f"{code},{name},68\n" for code, name in COMMUNES.items()), encoding="utf-8")
    office.import_communes(root / "communes.csv")
    office.export_keys(root / "org-keys.json", PASS_OFFICE)
    data = (root / "org-keys.json").read_bytes()
    recipients = verify_org_keys(data, pinned_root=org_keys_root_fingerprint(data), now=clock()).recipients()
    keys = {}
    for code in Q4_ANSWERS:
        keys[code] = SigningKey.generate()
        (root / f"enroll-{code}.json").write_bytes(
            make_enrollment(keys[code], org=code, org_name=COMMUNES[code], created_at=clock()))
        office.enroll(root / f"enroll-{code}.json", keys[code].public.fingerprint)
    for period, answers, when in ((Q3, Q3_ANSWERS, dt.datetime(2023, 9, 1, 9, 0, tzinfo=VN)),
                                  (Q4, Q4_ANSWERS, dt.datetime(2024, 1, 5, 9, 0, tzinfo=VN))):
        clock.now = when
        paths = []
        for code, values in answers.items():
            record = _record(code, period, values, Q4_TASKS.get(code, ()) if period == Q4 else ())
            paths.append(write_bundle(
                root / f"{code}-{period}", series=Series(commune=code, plan=P, period=period), revision=1,
                previous_manifest_sha256=None, signing_key=keys[code], recipients=recipients,
                records={RECORD_NAME: record.model_dump(mode="json")}, attachments=[], app_version="test",
                schema_version=SCHEMA_VERSION, created_at=clock()).path)
        outcomes = office.import_bundles(paths, PASS_OFFICE)
        assert [outcome.status for outcome in outcomes] == ["accepted"] * len(paths), outcomes
    clock.now = dt.datetime(2024, 1, 8, 9, 0, tzinfo=VN)
    office.receipt("24751", P, Q4, root / "accepted.json", PASS_OFFICE, "truong_phong")
    office.receipt("24752", P, Q4, root / "returned.json", PASS_OFFICE, "truong_phong",
                   returned_reason="Chỉ tiêu 2d cần kiểm tra lại")
    office.close()


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def open_results_office(folder: Path, plan: Plan, clock, storage: OfficeStorage | None = None) -> OfficeService:
    """A copy of the office at ``folder`` (on ``storage``'s database engine; SQLite when None), opened with
    ``clock`` set to 10/01/2024 09:00."""
    storage = storage or OfficeStorage(None)
    storage.copy(storage.template("results-office", lambda root: build_results_office(root, load_plan_file(MINI_PLAN))),
                 folder)
    clock.now = NOW
    return OfficeService(DataDir(folder), PlanCatalog([plan]), clock)
