"""Validly signed, hostile bundles: the commune's real record and evidence, changed, then signed with its real key.

``RecordForge`` takes what the real commune services would export (``CommuneExchange.build_record``) as a JSON
dict and its evidence files; a test changes the dict (or the files, names, records, schema version) and
``sign`` writes a bundle signed by the commune's enrolled key and encrypted to the office, exactly as the
writer does — so the office's signature checks pass and only its record-level checks stand in the way.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.writer import AttachmentSource, WrittenBundle, write_bundle
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.report_record import RECORD_NAME, SCHEMA_VERSION

from .conftest import PASS_COMMUNE, PASS_OFFICE, P, Q1, fill_and_approve


@dataclass
class RecordForge:
    exchange: CommuneExchange
    plan_id: str
    period_id: str
    record: dict[str, Any] = field(init=False)
    attachments: list[AttachmentSource] = field(init=False)

    def __post_init__(self) -> None:
        record, attachments = self.exchange.build_record(self.plan_id, self.period_id)
        self.record = record.model_dump(mode="json")
        self.attachments = list(attachments)
        self._key = self.exchange.unlock(PASS_COMMUNE)
        self._recipients = self.exchange.pinned_office().recipients()

    def copy(self) -> RecordForge:
        twin = copy.copy(self)
        twin.record = copy.deepcopy(self.record)
        twin.attachments = list(self.attachments)
        return twin

    def sign(self, out: Path, *, record: Any = None, records: dict[str, Any] | None = None,
             attachments: list[AttachmentSource] | None = None, revision: int | None = None,
             previous: str | None = None, schema_version: int = SCHEMA_VERSION,
             series: Series | None = None, bundle_id: str | None = None) -> WrittenBundle:
        record = self.record if record is None else record
        chosen = [bytes.fromhex(bundle_id)] if bundle_id else []

        def entropy(size: int) -> bytes:  # the bundle id is drawn first, then the file key
            return chosen.pop() if chosen else os.urandom(size)

        revision = revision if revision is not None else self.record["revision"]
        return write_bundle(
            out,
            series=series or Series(commune="24751", plan=self.plan_id, period=self.period_id),
            revision=revision,
            previous_manifest_sha256=previous,
            signing_key=self._key,
            recipients=self._recipients,
            records={RECORD_NAME: record} if records is None else records,
            attachments=self.attachments if attachments is None else attachments,
            app_version="forged-1",
            schema_version=schema_version,
            created_at=dt.datetime(2023, 5, 20, 2, 0, tzinfo=dt.timezone.utc),
            entropy=entropy,
        )


def attachment_for(path: Path, name: str | None = None) -> AttachmentSource:
    """An attachment of the file at ``path``, named ``evidence/<its sha256>`` unless ``name`` is given."""
    import hashlib

    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    return AttachmentSource(name or f"evidence/{sha256}", path, len(data), sha256)


def office_digest(office) -> str:
    """A content hash of every table of the office's database (to prove a refusal changed nothing) but the import
    log, which records every attempt, refusals included (tests/core/exchange/test_import_log.py)."""
    import hashlib
    import sqlite3

    digest = hashlib.sha256()
    connection = sqlite3.connect(office.data_dir.database)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'import_attempt' ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr):
                digest.update(repr(row).encode())
    finally:
        connection.close()
    return digest.hexdigest()


@dataclass
class World:
    """A commune (signing key, evidence, an approved period) and its office, set up through the real services."""

    service: Any
    exchange: CommuneExchange
    office: Any
    forge: RecordForge

    def close(self) -> None:
        self.service.close()
        self.office.close()


def build_world(root: Path) -> World:
    """The same world as the ``exchange`` fixture, for a whole test module (key files cost seconds to make)."""
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
    from cds_desktop.core.services.commune.service import CommuneService
    from cds_desktop.core.services.office.service import OfficeService

    catalog = PlanCatalog([load_plan_file(Path(__file__).parents[2] / "fixtures" / "plans" / "mini.yaml")])
    now = dt.datetime(2023, 5, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    clock = lambda: now  # noqa: E731 - the fixed clock of tests/conftest.py
    service = CommuneService(DataDir(root / "data"), catalog, clock)
    service.init_commune("68", "24751", "Xã Nhân Cơ")
    office = OfficeService(DataDir(root / "office"), catalog, clock)
    office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    (root / "communes.csv").write_text("code,name,province\n24751,Xã Nhân Cơ,68\n24752,Phường Bắc Gia Nghĩa,68\n",
                                       encoding="utf-8")
    office.import_communes(root / "communes.csv")
    exchange = CommuneExchange(service)
    office.export_keys(root / "org-keys.json", PASS_OFFICE)
    exchange.import_office_keys(root / "org-keys.json", office.root_fingerprint())
    fingerprint = exchange.generate_key(PASS_COMMUNE)
    exchange.export_enrollment(root / "enrollment.json")
    office.enroll(root / "enrollment.json", fingerprint)
    evidence = root / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban nghiem thu " * 40)
    service.add_evidence(P, Q1, "1a", evidence, "lan")
    photo = root / "anh-chup.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 anh chup hien truong " * 30)
    service.add_evidence(P, Q1, "T1", photo, "lan")
    service.set_task(P, Q1, "T1", {"status": "in_progress", "progress_pct": 60, "difficulties": "Thiếu kinh phí"},
                     "lan")
    service.set_task(P, Q1, "T2a", {"status": "not_started", "proposals": "Hỗ trợ phần mềm diệt virus"}, "lan")
    fill_and_approve(service, exchange)
    return World(service, exchange, office, RecordForge(exchange, P, Q1))


def unfilled(error, language: str) -> set[str]:
    """The placeholders of ``error``'s message (and of its reason, for a ``DocumentError``) its parameters leave
    empty. (Checking the text for braces would not do: a hostile member name may hold some.)"""
    import string

    from cds_desktop.core.bundle.errors import DocumentError
    from cds_desktop.core.i18n import catalog

    def placeholders(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    needed = placeholders(catalog()[f"error.{error.code}"][language])
    if isinstance(error, DocumentError):
        needed = (needed - {"problem"}) | placeholders(catalog()[f"bundle.reason.{error.params['reason']}"][language])
    return needed - set(error.params)
