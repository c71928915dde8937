"""A small receiving office on the mini plan whose every report was really sent and really imported, for the
completeness tests (core and screen).

Four communes. Xã Nhân Cơ works through the real commune services (fill, submit, approve, export; it imports the
office's receipt and sends a corrected revision 2); the others' bundles are made by the real bundle writer from a
real report record, signed by keys the office enrolled from real enrolment files. Every import goes through
``OfficeService.import_bundles``; a fixed clock says when each thing happened.

Building it unlocks keys a dozen times (scrypt, about a second each on a busy machine), so it is built once per
test run and database engine (``OfficeStorage.template``) and each test gets its own copy of the office
(``open_small_office``).

Quarter 1 of 2023 is due before 03/03/2023, quarter 2 before 03/06/2023:

========  ====================  ==============================================================  ===========
code      commune               2023Q1                                                          2023Q2
========  ====================  ==============================================================  ===========
24751     Xã Nhân Cơ            r1 01/03 (on time), returned 05/03, r2 10/03, accepted 11/03    —
24752     Phường Bắc Gia Nghĩa  r1 03/03 08:00, the deadline day (late)                         r1 20/05
24753     Xã Đắk Wer            r1 02/03 (on time), returned 06/03                              —
24754     Xã Quảng Tín          —                                                               —
========  ====================  ==============================================================  ===========
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keyfiles import make_enrollment
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.writer import write_bundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.services.commune.exchange import SCHEMA_VERSION, CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.report_record import RECORD_NAME, IndicatorRecord, ReportRecord, UnitRecord
from support.shared_office import OfficeStorage

P, Q1, Q2 = "mini-plan", "2023Q1", "2023Q2"
PASS_OFFICE = "mật khẩu sở KHCN 2025"
PASS_COMMUNE = "mật khẩu xã Nhân Cơ"
COMMUNES = {"24751": "Xã Nhân Cơ", "24752": "Phường Bắc Gia Nghĩa", "24753": "Xã Đắk Wer", "24754": "Xã Quảng Tín"}
RETURN_REASON = "Thiếu biên bản nghiệm thu chỉ tiêu 1a"
MINI_PLAN = Path(__file__).parents[1] / "fixtures" / "plans" / "mini.yaml"
VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2023, 5, 20, 9, 0, tzinfo=VN)


class FixedClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _at(clock, day: int, month: int, hour: int = 9) -> None:
    clock.now = dt.datetime(2023, month, day, hour, 0, tzinfo=clock.now.tzinfo)


def _answers(numerator: str) -> tuple[IndicatorRecord, ...]:
    ratios = [IndicatorRecord(code=code, numerator=numerator, denominator="100") for code in ("1a", "1b", "1c", "2d")]
    return (*ratios, IndicatorRecord(code="2a", value="3"), IndicatorRecord(code="2b", value="1"),
            IndicatorRecord(code="2c", value="Mô hình chợ 4.0"))


def _fill_and_approve(commune: CommuneService, exchange: CommuneExchange, period: str, numerator: str) -> None:
    for answer in _answers(numerator):
        fields = {"numerator": answer.numerator, "denominator": answer.denominator} if answer.numerator else {
            "value": answer.value}
        commune.set_indicator(P, period, answer.code, fields, "lan")
    commune.submit(P, period, "lan")
    exchange.approve(P, period, PASS_COMMUNE, "chu_tich")


class _Sender:
    """A commune that is not Nhân Cơ: an enrolled key, and bundles written by the real writer."""

    def __init__(self, office: OfficeService, recipients, code: str, folder: Path, clock) -> None:
        self.office, self.recipients, self.code, self.folder, self.clock = office, recipients, code, folder, clock
        self.key = SigningKey.generate()
        enrolment = folder / f"enroll-{code}.json"
        enrolment.write_bytes(make_enrollment(self.key, org=code, org_name=COMMUNES[code], created_at=clock()))
        office.enroll(enrolment, self.key.public.fingerprint)

    def send(self, period: str) -> None:
        record = ReportRecord(unit=UnitRecord(province_code="68", commune_code=self.code, name=COMMUNES[self.code],
                                              kind="phuong" if COMMUNES[self.code].startswith("Phường") else "xa"),
                              plan_id=P, plan_version=1, period_id=period, revision=1, indicators=_answers("70"))
        written = write_bundle(self.folder / f"{self.code}-{period}", series=Series(commune=self.code, plan=P,
                                                                                    period=period),
                               revision=1, previous_manifest_sha256=None, signing_key=self.key,
                               recipients=self.recipients, records={RECORD_NAME: record.model_dump(mode="json")},
                               attachments=[], app_version="test", schema_version=SCHEMA_VERSION,
                               created_at=self.clock())
        (outcome,) = self.office.import_bundles([written.path], PASS_OFFICE)
        assert outcome.status == "accepted", outcome


def _import(office: OfficeService, folder: Path) -> None:
    (outcome,) = office.import_bundles([folder], PASS_OFFICE)
    assert outcome.status == "accepted", outcome


def build_small_office(root: Path, plan: Plan, clock) -> None:
    """Build the office of the module's table (``root / "office"``) as it stands on 20/05/2023 at 09:00, and the
    commune Xã Nhân Cơ beside it (``root / "commune"``); both closed when this returns."""
    root.mkdir(parents=True, exist_ok=True)
    _at(clock, 20, 2)
    office = OfficeService(DataDir(root / "office"), PlanCatalog([plan]), clock)
    office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    (root / "communes.csv").write_text("code,name,province\n" + "".join(f"{code},{name},68\n"
                                                                          for code, name in COMMUNES.items()),
                                       encoding="utf-8")
    office.import_communes(root / "communes.csv")
    office.export_keys(root / "org-keys.json", PASS_OFFICE)

    commune = CommuneService(DataDir(root / "commune"), PlanCatalog([plan]), clock)
    commune.init_commune("68", "24751", "Xã Nhân Cơ")
    exchange = CommuneExchange(commune)
    exchange.import_office_keys(root / "org-keys.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(PASS_COMMUNE)
    exchange.export_enrollment(root / "enrollment.json")
    office.enroll(root / "enrollment.json", fingerprint)
    recipients = exchange.pinned_office().recipients()
    phuong, dak_wer = (_Sender(office, recipients, code, root, clock) for code in ("24752", "24753"))

    _at(clock, 1, 3)
    _fill_and_approve(commune, exchange, Q1, "60")
    exchange.export(P, Q1, root / "nhan-co-r1", PASS_COMMUNE, "chu_tich")
    _import(office, root / "nhan-co-r1")
    _at(clock, 2, 3, hour=10)
    dak_wer.send(Q1)
    _at(clock, 3, 3, hour=8)
    phuong.send(Q1)
    _at(clock, 5, 3, hour=14)
    office.receipt("24751", P, Q1, root / "returned.json", PASS_OFFICE, "truong_phong", returned_reason=RETURN_REASON)
    exchange.import_receipt(root / "returned.json", "lan")
    _at(clock, 6, 3)
    office.receipt("24753", P, Q1, root / "returned-dak-wer.json", PASS_OFFICE, "truong_phong",
                   returned_reason=RETURN_REASON)
    _at(clock, 10, 3)
    _fill_and_approve(commune, exchange, Q1, "85")
    exchange.export(P, Q1, root / "nhan-co-r2", PASS_COMMUNE, "chu_tich")
    _import(office, root / "nhan-co-r2")
    _at(clock, 11, 3)
    office.receipt("24751", P, Q1, root / "accepted.json", PASS_OFFICE, "truong_phong")
    _at(clock, 20, 5)
    phuong.send(Q2)
    commune.close()
    office.close()


def open_small_office(folder: Path, plan: Plan, clock, storage: OfficeStorage | None = None) -> OfficeService:
    """A copy of the small office at ``folder`` (on ``storage``'s database engine; SQLite when None), opened with
    ``clock`` (set to 20/05/2023 09:00)."""
    storage = storage or OfficeStorage(None)
    storage.copy(storage.template("small-office", lambda root: build_small_office(
        root, load_plan_file(MINI_PLAN), FixedClock(NOW))), folder)
    clock.now = NOW
    return OfficeService(DataDir(folder), PlanCatalog([plan]), clock)
