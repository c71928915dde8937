"""Storing one verified, checked submission at the office: the rows it writes and the series state it reads.

SQLAlchemy Core statements, built once with bound parameters (an import writes thousands of submissions: no
ORM object per row, no statement rebuilt per file) and plain enough to run unchanged on PostgreSQL. The caller
(``intake.Intake._store``) runs ``write_submission`` inside one write transaction, which re-runs the ordering
check on the state it reads there, holding the series' lock (``storage/locks.py``: on a shared PostgreSQL office
two PCs importing the same commune's period take turns; different series never wait for each other).

On a server every statement is a round trip (on the importer's critical path), so a submission costs as few as
its work needs: the series' state row, its bundles and whether the new bundle's id is used by another series are
read in one statement; each row table is one executemany (pipelined by psycopg); what the state read already
answers is not asked again (no earlier revision to mark as not current for a series' first report; the state row
inserted or updated as found).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    cast,
    insert,
    literal_column,
    null,
    select,
    union_all,
    update,
)

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.reader import VerifiedBundle
from cds_desktop.core.bundle.sequence import SeriesState, check_sequence
from cds_desktop.core.errors import BundleError
from cds_desktop.core.plans.model import Level
from cds_desktop.core.services.office.record_checks import CheckedReport
from cds_desktop.core.services.report_record import HistoryRecord
from cds_desktop.core.storage import locks
from cds_desktop.core.storage.exchange_models import (
    OfficeCommune,
    SequenceState,
    Submission,
    SubmissionEvidence,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)
from cds_desktop.core.validation import indicator_result
from cds_desktop.core.validation.problems import Problem

_SUBMISSION, _SEQUENCE, _COMMUNE = Submission.__table__, SequenceState.__table__, OfficeCommune.__table__
_HISTORY = TypeAdapter(tuple[HistoryRecord, ...])

_SAME_SERIES = (_SUBMISSION.c.commune_code == bindparam("s_commune"), _SUBMISSION.c.plan_id == bindparam("s_plan"),
                _SUBMISSION.c.period_id == bindparam("s_period"))
_SEQUENCE_KEY = (_SEQUENCE.c.commune_code == bindparam("s_commune"), _SEQUENCE.c.series == bindparam("s_series"))
# What the office holds for a series, in one statement (one round trip to a server): its state row, the bundles it
# accepted, and — for a bundle about to be stored — whether its id is already used by another series.
_STATE_ROW, _SEEN_ROW, _ELSEWHERE_ROW = 1, 0, 2
_STORED = union_all(
    select(literal_column(str(_STATE_ROW)).label("kind"), _SEQUENCE.c.last_revision.label("revision"),
           _SEQUENCE.c.last_manifest_hash.label("text")).where(*_SEQUENCE_KEY),
    select(literal_column(str(_SEEN_ROW)), cast(null(), Integer), _SUBMISSION.c.bundle_id).where(*_SAME_SERIES),
    select(literal_column(str(_ELSEWHERE_ROW)), cast(null(), Integer), _SUBMISSION.c.bundle_id).where(
        _SUBMISSION.c.bundle_id == bindparam("s_bundle_id"), ~and_(*_SAME_SERIES)))
_NOT_CURRENT = update(_SUBMISSION).where(*_SAME_SERIES).values(is_current=False)
_ADD_SUBMISSION = insert(_SUBMISSION)
_ADVANCE = update(_SEQUENCE).where(*_SEQUENCE_KEY).values(
    last_revision=bindparam("s_revision"), last_manifest_hash=bindparam("s_manifest_hash"),
    last_bundle_id=bindparam("s_bundle_id"))
_START = insert(_SEQUENCE)
_PROVINCES = select(_COMMUNE.c.code, _COMMUNE.c.province_code)
_ROWS = {table: insert(table.__table__)
         for table in (SubmissionIndicator, SubmissionTask, SubmissionEvidence, SubmissionProblem)}


def series_key(series: Series) -> str:
    return f"{series.plan}/{series.period}"


def _same_series(series: Series) -> dict[str, str]:
    return {"s_commune": series.commune, "s_plan": series.plan, "s_period": series.period}


def _sequence_key(series: Series) -> dict[str, str]:
    return {"s_commune": series.commune, "s_series": series_key(series)}


@dataclass(frozen=True)
class _Stored:
    """What ``_read_stored`` found: the series' state, whether it has a state row yet, whether the bundle's id is
    used by another series."""

    state: SeriesState
    has_state_row: bool
    id_used_elsewhere: bool


def _read_stored(connection: Connection, series: Series, bundle_id: str | None = None) -> _Stored:
    rows = connection.execute(_STORED, {**_sequence_key(series), **_same_series(series),
                                        "s_bundle_id": bundle_id}).all()
    seen = frozenset(row.text for row in rows if row.kind == _SEEN_ROW)
    state_row = next((row for row in rows if row.kind == _STATE_ROW), None)
    elsewhere = any(row.kind == _ELSEWHERE_ROW for row in rows)
    if state_row is None:
        return _Stored(SeriesState(seen_bundle_ids=seen), False, elsewhere)
    return _Stored(SeriesState(state_row.revision, state_row.text, seen), True, elsewhere)


def series_state(connection: Connection, series: Series) -> SeriesState:
    """What the office accepted so far for ``series``, read in ``connection``'s transaction."""
    return _read_stored(connection, series).state


def provinces(connection: Connection) -> dict[str, str]:
    """The province of every commune in the office's own list, by commune code."""
    return {code: province for code, province in connection.execute(_PROVINCES)}


def write_submission(connection: Connection, verified: VerifiedBundle, report: CheckedReport,
                     problems: list[Problem], received_at: dt.datetime) -> int:
    """Store the submission of ``verified`` with its rows and advance its series; returns the submission's id.

    Raises ``DuplicateBundleError`` / the ordering ``BundleError`` when the state read in this transaction
    refuses it (another import got in first), ``bundle.bundle_id_reused`` for the id of another series.
    """
    manifest = verified.manifest
    series = manifest.series
    record, plan = report.record, report.plan
    locks.hold(connection, "series", series.commune, series.plan, series.period)
    stored = _read_stored(connection, series, manifest.bundle_id)
    check_sequence(manifest, stored.state)  # re-checked inside the transaction (a duplicate stored meanwhile)
    if stored.id_used_elsewhere:
        raise BundleError(Code.BUNDLE_ID_REUSED, bundle_id=manifest.bundle_id)
    if stored.state.seen_bundle_ids:  # earlier revisions of the series are no longer the current one
        connection.execute(_NOT_CURRENT, _same_series(series))
    submission_id = connection.execute(_ADD_SUBMISSION, {
        "bundle_id": manifest.bundle_id, "commune_code": series.commune, "plan_id": series.plan,
        "period_id": series.period, "revision": manifest.revision, "manifest_hash": verified.manifest_sha256,
        "previous_manifest_hash": manifest.previous_manifest_sha256, "signing_key_id": manifest.sender.key_id,
        "file_name": verified.source.name, "file_sha256": verified.sha256, "created_at": manifest.created_at,
        "submitted_at": record.submitted_at, "received_at": received_at, "is_current": True,
        "plan_version": record.plan_version,
        "history_json": json.dumps(_HISTORY.dump_python(record.history, mode="json"), ensure_ascii=False),
    }).inserted_primary_key[0]
    entries = record.entries()
    indicator_rows = []
    for indicator in plan.indicators():
        entry = entries.indicators.get(indicator.code)
        if entry is None and not indicator.applies_to_communes:
            continue
        outcome = indicator_result(indicator, entry, Level.COMMUNE)
        reported = {f: getattr(entry, f) if entry else None
                    for f in ("numerator", "denominator", "value", "note", "data_source")}
        indicator_rows.append({"submission_id": submission_id, "indicator_code": indicator.code, **reported,
                               "result": str(outcome.result) if outcome.result is not None else None,
                               "target_status": outcome.status.value})
    task_rows = [{"submission_id": submission_id, "task_code": t.task_code, "status": t.status.value,
                  "progress_pct": t.progress_pct, "completed_on": t.completed_on, "result": t.result,
                  "difficulties": t.difficulties, "proposals": t.proposals} for t in entries.tasks.values()]
    evidence_rows = [{"submission_id": submission_id, "item_code": e.item, "name": e.name,
                      "sha256": e.sha256, "size": e.size, "media_type": e.media_type} for e in record.evidence]
    problem_rows = [{"submission_id": submission_id, "code": p.code, "severity": p.severity.value,
                     "item_code": p.item_code, "field": p.field,
                     "params_json": json.dumps({k: str(v) for k, v in p.params.items()}, ensure_ascii=False)}
                    for p in problems]
    for table, rows in ((SubmissionIndicator, indicator_rows), (SubmissionTask, task_rows),
                        (SubmissionEvidence, evidence_rows), (SubmissionProblem, problem_rows)):
        if rows:  # one executemany per table
            connection.execute(_ROWS[table], rows)
    advanced = {"s_revision": manifest.revision, "s_manifest_hash": verified.manifest_sha256,
                "s_bundle_id": manifest.bundle_id}
    if stored.has_state_row:  # the series' lock is held: the row cannot appear or go meanwhile
        connection.execute(_ADVANCE, {**_sequence_key(series), **advanced})
    else:
        connection.execute(_START, {"commune_code": series.commune, "series": series_key(series),
                                    "last_revision": manifest.revision, "last_manifest_hash": verified.manifest_sha256,
                                    "last_bundle_id": manifest.bundle_id})
    return submission_id
