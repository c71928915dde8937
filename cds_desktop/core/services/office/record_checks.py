"""What the office checks in a verified bundle before anything of it is stored (docs/bundle-format.md §16).

``bundle.reader`` proved who signed what and that every entry is the signed one. Here the office checks that
what was signed means one thing, and the thing it can store: the entries it knows (``report.json`` and
``evidence/<sha256>`` attachments, nothing else), the record's schema (``report_record.parse_record``), the
record against the signed manifest (commune, plan, period, revision) and the office's plan (a plan the office
published or accepts, at a version it published — the record is checked against that exact version —, scheduled
period, commune indicators and tasks, each once), and every evidence item bound to the
content actually received: attachment name = SHA-256 of its content = the item's ``sha256``, same size.
Each failure has its own code; nothing is dropped, merged or guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.names import printable
from cds_desktop.core.bundle.reader import VerifiedBundle
from cds_desktop.core.errors import BundleError, CdsError
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import IndicatorKind, Plan
from cds_desktop.core.plans.schedule import ScheduledPeriod, scheduled_period
from cds_desktop.core.services.report_record import (
    FRACTION_DIGITS,
    INTEGER_DIGITS,
    RECORD_NAME,
    SCHEMA_VERSION,
    RecordError,
    ReportRecord,
    evidence_entry_name,
    is_evidence_entry_name,
    is_quantity,
    parse_record,
)


@dataclass(frozen=True)
class CheckedReport:
    """A verified bundle's report, checked: safe to validate and store."""

    record: ReportRecord
    plan: Plan
    scheduled: ScheduledPeriod


def check_report(verified: VerifiedBundle, catalog: PlanCatalog, province_code: str | None,
                 refused_plans: frozenset[str] = frozenset()) -> CheckedReport:
    """The report of ``verified``, or a ``BundleError`` naming the first thing wrong with it.

    ``province_code`` is the province of the sending commune in the office's own list; ``refused_plans`` the plans
    the office takes no report on (built-ins it refused, plans it only drafted).
    """
    manifest = verified.manifest
    if manifest.schema_version != SCHEMA_VERSION:
        raise BundleError(Code.SCHEMA_VERSION_UNKNOWN, version=manifest.schema_version, supported=SCHEMA_VERSION)
    unknown = sorted(set(verified.records) - {RECORD_NAME})
    if unknown:
        raise BundleError(Code.RECORD_UNKNOWN, name=unknown[0])
    if RECORD_NAME not in verified.records:
        raise BundleError(Code.RECORD_MISSING, name=RECORD_NAME)
    _check_attachment_names(verified)
    record = parse_record(verified.records[RECORD_NAME])
    _check_against_manifest(record, verified, province_code)
    plan, scheduled = _plan_and_period(record, catalog, refused_plans)
    _check_items(record, plan)
    _check_evidence(record, verified)
    return CheckedReport(record, plan, scheduled)


def _check_attachment_names(verified: VerifiedBundle) -> None:
    for attachment in verified.attachments:
        if not is_evidence_entry_name(attachment.name):
            raise BundleError(Code.ATTACHMENT_NAME_INVALID, name=attachment.name)
        if attachment.name != evidence_entry_name(attachment.sha256):
            raise BundleError(Code.ATTACHMENT_NAME_MISMATCH, name=attachment.name, sha256=attachment.sha256)


def _check_against_manifest(record: ReportRecord, verified: VerifiedBundle, province_code: str | None) -> None:
    manifest = verified.manifest
    series = manifest.series
    if record.unit.commune_code != series.commune:
        raise BundleError(Code.RECORD_OTHER_COMMUNE, found=record.unit.commune_code, commune=series.commune)
    if province_code is not None and record.unit.province_code != province_code:
        raise BundleError(Code.RECORD_UNIT_MISMATCH, commune=series.commune, found=record.unit.province_code,
                          expected=province_code)
    if (record.plan_id, record.period_id) != (series.plan, series.period):
        raise RecordError(Code.RECORD_SERIES_MISMATCH, plan=record.plan_id, period=record.period_id,
                          signed_plan=series.plan, signed_period=series.period)
    if record.revision != manifest.revision:
        raise BundleError(Code.RECORD_REVISION_MISMATCH, found=record.revision, revision=manifest.revision)


def _plan_and_period(record: ReportRecord, catalog: PlanCatalog,
                     refused_plans: frozenset[str]) -> tuple[Plan, ScheduledPeriod]:
    if record.plan_id in refused_plans:
        raise BundleError(Code.PLAN_NOT_PUBLISHED, plan=record.plan_id)
    try:
        catalog.get(record.plan_id)
    except CdsError:
        raise BundleError(Code.PLAN_UNKNOWN, plan=record.plan_id) from None
    try:
        plan = catalog.get(record.plan_id, record.plan_version)
    except CdsError:
        raise BundleError(Code.PLAN_VERSION_MISMATCH, plan=record.plan_id, found=record.plan_version,
                          expected=", ".join(map(str, catalog.versions(record.plan_id)))) from None
    try:
        scheduled = scheduled_period(plan, record.period_id)
    except CdsError:
        raise RecordError(Code.PERIOD_UNKNOWN, plan=plan.id, period=record.period_id) from None
    return plan, scheduled


def _first_repeat(codes: Iterable[str]) -> str | None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            return code
        seen.add(code)
    return None


def _check_items(record: ReportRecord, plan: Plan) -> None:
    indicators = {i.code: i for i in plan.commune_indicators()}
    tasks = {t.code for t in plan.commune_tasks()}
    for section, codes in (("indicators", [i.code for i in record.indicators]),
                           ("tasks", [t.code for t in record.tasks])):
        repeated = _first_repeat(codes)
        if repeated is not None:
            raise DocumentError(Code.RECORD_DUPLICATE_ITEM, reason="duplicate_item", field=section, code=repeated)
    for index, entry in enumerate(record.indicators):
        indicator = indicators.get(entry.code)
        if indicator is None:
            raise BundleError(Code.RECORD_INDICATOR_UNKNOWN, code=entry.code, plan=plan.id)
        if indicator.kind is not IndicatorKind.TEXT and entry.value is not None and not is_quantity(entry.value):
            raise DocumentError(Code.RECORD_QUANTITY_INVALID, reason="quantity_form",
                                field=f"indicators.{index}.value", integer_digits=INTEGER_DIGITS,
                                fraction_digits=FRACTION_DIGITS)
    for entry in record.tasks:
        if entry.code not in tasks:
            raise BundleError(Code.RECORD_TASK_UNKNOWN, code=entry.code, plan=plan.id)
    for item in record.evidence:
        if item.item not in indicators and item.item not in tasks:
            raise BundleError(Code.RECORD_EVIDENCE_ITEM_UNKNOWN, code=item.item, name=printable(item.name),
                              plan=plan.id)
    repeated = _first_repeat(f"{e.item} {e.sha256}" for e in record.evidence)
    if repeated is not None:
        raise DocumentError(Code.RECORD_DUPLICATE_ITEM, reason="duplicate_item", field="evidence",
                            code=repeated.split(" ")[0])


def _check_evidence(record: ReportRecord, verified: VerifiedBundle) -> None:
    """Every evidence item has its attachment, of its size; every attachment belongs to an evidence item."""
    received = {attachment.sha256: attachment for attachment in verified.attachments}
    for item in record.evidence:
        attachment = received.get(item.sha256)
        if attachment is None:
            raise BundleError(Code.RECORD_EVIDENCE_MISSING, name=printable(item.name), sha256=item.sha256)
        if attachment.size != item.size:
            raise BundleError(Code.RECORD_EVIDENCE_SIZE_MISMATCH, name=printable(item.name), expected=item.size,
                              found=attachment.size)
    referenced = {item.sha256 for item in record.evidence}
    for sha256, attachment in received.items():
        if sha256 not in referenced:
            raise BundleError(Code.ATTACHMENT_UNREFERENCED, name=attachment.name)
