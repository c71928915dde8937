"""A receiving office and a "USB drive" of real bundles, one for each outcome the office's inbox tells apart.

Everything is made by the real services with real keys: office 68 (communes 24751 and 24752 listed, 24751
enrolled); commune 24751 exports revision 1 and, after a change, revision 2; a copy of revision 1 sits in another
folder (already imported); a copy of revision 2 has one byte changed (altered); a second, validly signed revision 1
that the commune made again (say after restoring a backup) arrives after the first (older revision); commune
24760, which office 68 does not list, sends its report (unknown commune); commune 25000 reports to another office
(67). The template is built once per test process and engine (key files take seconds) and copied for each test.

    inbox = make_inbox(tmp_path / "inbox", office_storage)
    office = open_office(inbox.office, clock)
    office.import_bundles([inbox.usb], PASS_OFFICE)   # outcomes as ``inbox.expected`` says
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.writer import write_bundle
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.office.import_log import OutcomeKind
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.report_record import RECORD_NAME, SCHEMA_VERSION
from support.shared_office import OfficeStorage

MINI_PLAN = Path(__file__).parents[1] / "fixtures" / "plans" / "mini.yaml"
P, Q1 = "mini-plan", "2023Q1"
PASS_OFFICE = "mật khẩu sở KHCN 2025"
PASS_COMMUNE = "mật khẩu xã Nhân Cơ"
NOW = dt.datetime(2023, 5, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # tests/conftest.py's clock

R1 = "24751_mini-plan_2023Q1_r1.cdsb"
R2 = "24751_mini-plan_2023Q1_r2.cdsb"
EXPECTED = {  # path under the USB folder → (kind, error code), in the order the import takes them
    R1: (OutcomeKind.NEW_REPORT, None),
    f"copy/{R1}": (OutcomeKind.DUPLICATE, Code.DUPLICATE),
    f"made-again/{R1}": (OutcomeKind.REFUSED, Code.ROLLBACK),
    f"0-altered/{R2}": (OutcomeKind.REFUSED, Code.PAYLOAD_CORRUPTED),
    R2: (OutcomeKind.NEW_REVISION, None),
    "24760_mini-plan_2023Q1_r1.cdsb": (OutcomeKind.REFUSED, "office.commune_not_listed"),
    "25000_mini-plan_2023Q1_r1.cdsb": (OutcomeKind.REFUSED, Code.NOT_FOR_THIS_OFFICE),
}


@dataclass(frozen=True)
class Inbox:
    office: Path  # the office's data folder
    usb: Path  # the folder of bundles
    expected: dict[str, tuple[OutcomeKind, str | None]]  # as EXPECTED: relative path → (kind, code)


def catalog() -> PlanCatalog:
    return PlanCatalog([load_plan_file(MINI_PLAN)])


def open_office(root: Path, clock=None) -> OfficeService:
    return OfficeService(DataDir(root), catalog(), clock or (lambda: NOW))


def make_inbox(base: Path, storage: OfficeStorage | None = None) -> Inbox:
    """A fresh copy of the office (on ``storage``'s database engine; SQLite when None) and its USB folder under
    ``base``."""
    storage = storage or OfficeStorage(None)
    template = storage.template("inbox", _build)
    base.mkdir(parents=True)
    storage.copy(template, base / "office")
    shutil.copytree(template.parent / "usb", base / "usb")
    return Inbox(base / "office", base / "usb", dict(EXPECTED))


def _fill_and_approve(service: CommuneService, exchange: CommuneExchange, numerator: str = "60") -> None:
    for code in ("1a", "1b", "1c", "2d"):
        service.set_indicator(P, Q1, code, {"numerator": numerator, "denominator": "100"}, "lan")
    service.set_indicator(P, Q1, "2a", {"value": "3"}, "lan")
    service.set_indicator(P, Q1, "2b", {"value": "1"}, "lan")
    service.set_indicator(P, Q1, "2c", {"value": "Mô hình chợ 4.0"}, "lan")
    service.submit(P, Q1, "lan")
    exchange.approve(P, Q1, PASS_COMMUNE, "chu_tich")


def _commune(root: Path, province: str, code: str, name: str, office: OfficeService, org_keys: Path,
             enrol: bool = True) -> tuple[CommuneService, CommuneExchange]:
    """A commune with its signing key, the office pinned and (``enrol``) its key enrolled there."""
    service = CommuneService(DataDir(root), catalog(), lambda: NOW)
    service.init_commune(province, code, name)
    exchange = CommuneExchange(service)
    exchange.import_office_keys(org_keys, office.root_fingerprint())
    fingerprint = exchange.generate_key(PASS_COMMUNE)
    if enrol:
        exchange.export_enrollment(root.parent / f"enrol-{code}.json")
        office.enroll(root.parent / f"enrol-{code}.json", fingerprint)
    return service, exchange


def _office(root: Path, code: str, name: str, communes: str) -> OfficeService:
    office = open_office(root)
    office.init_office(code, name, "province", PASS_OFFICE)
    (root.parent / f"communes-{code}.csv").write_text(f"code,name,province\n{communes}", encoding="utf-8")
    office.import_communes(root.parent / f"communes-{code}.csv")
    office.export_keys(root.parent / f"org-keys-{code}.json", PASS_OFFICE)
    return office


def _build(base: Path) -> None:
    """The office at ``base / "office"`` (already pointed at its database when on a server) and the USB folder."""
    usb = base / "usb"
    work = base / "work"
    work.mkdir()
    office = _office(base / "office", "68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                     "24751,Xã Nhân Cơ,68\n24752,Phường Bắc Gia Nghĩa,68\n")
    other_office = _office(work / "office-67", "67", "Sở Khoa học và Công nghệ tỉnh Khánh Hòa", "25000,Xã Thử,67\n")

    nhan_co, exchange = _commune(work / "24751", "68", "24751", "Xã Nhân Cơ", office, base / "org-keys-68.json")
    _fill_and_approve(nhan_co, exchange)
    first = exchange.export(P, Q1, usb, PASS_COMMUNE, "chu_tich")
    record, attachments = exchange.build_record(P, Q1)  # revision 1 as the commune would make it again
    (usb / "copy").mkdir()
    shutil.copy2(first.path, usb / "copy" / R1)
    nhan_co.set_indicator(P, Q1, "1a", {"numerator": "85"}, "lan")  # starts revision 2
    nhan_co.submit(P, Q1, "lan")
    exchange.approve(P, Q1, PASS_COMMUNE, "chu_tich")
    second = exchange.export(P, Q1, usb, PASS_COMMUNE, "chu_tich")
    altered = bytearray(second.path.read_bytes())
    altered[-100] ^= 0x01
    (usb / "0-altered").mkdir()
    (usb / "0-altered" / R2).write_bytes(bytes(altered))
    (usb / "made-again").mkdir()
    write_bundle(usb / "made-again", series=Series(commune="24751", plan=P, period=Q1), revision=1,
                 previous_manifest_sha256=None, signing_key=exchange.unlock(PASS_COMMUNE),
                 recipients=exchange.pinned_office().recipients(),
                 records={RECORD_NAME: record.model_dump(mode="json")}, attachments=attachments,
                 app_version="test", schema_version=SCHEMA_VERSION, created_at=NOW)

    unlisted, unlisted_exchange = _commune(work / "24760", "68", "24760", "Xã Chưa Có Tên", office,
                                           base / "org-keys-68.json", enrol=False)
    _fill_and_approve(unlisted, unlisted_exchange)
    unlisted_exchange.export(P, Q1, usb, PASS_COMMUNE, "chu_tich")

    elsewhere, elsewhere_exchange = _commune(work / "25000", "67", "25000", "Xã Thử", other_office,
                                             work / "org-keys-67.json")
    _fill_and_approve(elsewhere, elsewhere_exchange)
    elsewhere_exchange.export(P, Q1, usb, PASS_COMMUNE, "chu_tich")

    for service in (nhan_co, unlisted, elsewhere, office, other_office):
        service.close()
    shutil.rmtree(work)
    (base / "office" / "plans").mkdir(exist_ok=True)  # for the ``cds`` command, which reads the installed plans
    shutil.copy(MINI_PLAN, base / "office" / "plans" / "mini-plan.yaml")
