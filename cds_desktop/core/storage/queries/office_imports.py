"""The office's import log as screens and the CLI read it: one row per file an import tried, newest first, with
the commune's name from the office's list, filtered by time, outcome, commune and batch.

One SQLAlchemy Core ``select`` over ``import_attempt`` (left-joined to ``office_commune``: a refused file may name
a commune the office does not know, or none); nothing SQLite-only, so it runs unchanged on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Collection, NamedTuple

from sqlalchemy import Connection, select

from cds_desktop.core.storage.exchange_models import ImportAttempt, OfficeCommune


class ImportAttemptRow(NamedTuple):
    """One logged attempt. ``outcome`` is new_report | new_revision | duplicate | refused; what the file's cleartext
    header said (commune, plan, period, revision) is None when it could not be read; ``commune_name`` is None
    when the commune is not in the office's list."""

    id: int
    batch_id: str
    attempted_at: dt.datetime
    actor: str
    file_name: str
    file_sha256: str | None
    fingerprint: str | None
    outcome: str
    error_code: str | None
    error_params_json: str | None
    commune_code: str | None
    commune_name: str | None
    plan_id: str | None
    period_id: str | None
    revision: int | None
    submission_id: int | None


def import_attempts(connection: Connection, *, since: dt.datetime | None = None, before: dt.datetime | None = None,
                    outcomes: Collection[str] = (), commune: str | None = None, batch_id: str | None = None,
                    limit: int | None = None) -> list[ImportAttemptRow]:
    """The attempts made at or after ``since`` and before ``before`` (aware datetimes), with one of ``outcomes``
    (all when empty), of ``commune`` (its code) and of ``batch_id`` when given; newest first, at most ``limit``."""
    attempt = ImportAttempt.__table__.c
    commune_table = OfficeCommune.__table__
    query = (
        select(attempt.id, attempt.batch_id, attempt.attempted_at, attempt.actor, attempt.file_name,
               attempt.file_sha256, attempt.fingerprint, attempt.outcome, attempt.error_code,
               attempt.error_params_json, attempt.commune_code, commune_table.c.name, attempt.plan_id,
               attempt.period_id, attempt.revision, attempt.submission_id)
        .select_from(ImportAttempt.__table__.outerjoin(commune_table,
                                                       commune_table.c.code == attempt.commune_code))
    )
    if since is not None:
        query = query.where(attempt.attempted_at >= since)
    if before is not None:
        query = query.where(attempt.attempted_at < before)
    if outcomes:
        query = query.where(attempt.outcome.in_(list(outcomes)))
    if commune:
        query = query.where(attempt.commune_code == commune)
    if batch_id:
        query = query.where(attempt.batch_id == batch_id)
    query = query.order_by(attempt.attempted_at.desc(), attempt.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [ImportAttemptRow(*row) for row in connection.execute(query)]
