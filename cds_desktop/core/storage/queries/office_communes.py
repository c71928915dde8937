"""The office's communes with the state of their keys and their last report: the keys-and-communes screen's list.

One query: every row of ``office_commune``, with

- ``key_state``: ``not_enrolled`` (no key yet), ``enrolled`` (an active first key), ``key_rotated`` (the active key
  succeeded an earlier one), ``revoked`` (keys, but none active: revocation revokes them all);
- the active key (``key_id``, ``key_enrolled_at``) when there is one;
- the last report received: the submission imported last (plan, period, revision, when), if any.

Key states come from an aggregate over ``enrolled_key`` per commune, the last report from ``row_number()`` over
each commune's submissions; both are standard SQL (SQLite ≥ 3.25 and PostgreSQL run it unchanged).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import Connection, Select, and_, case, func, literal, select

from cds_desktop.core.storage.exchange_models import EnrolledKey, OfficeCommune, Submission

NOT_ENROLLED, ENROLLED, KEY_ROTATED, REVOKED = "not_enrolled", "enrolled", "key_rotated", "revoked"


class OfficeCommuneRow(NamedTuple):
    code: str
    name: str
    province_code: str
    key_state: str  # NOT_ENROLLED | ENROLLED | KEY_ROTATED | REVOKED
    key_id: str | None  # the active key
    key_enrolled_at: dt.datetime | None
    last_plan_id: str | None
    last_period_id: str | None
    last_revision: int | None
    last_received_at: dt.datetime | None


def office_communes(connection: Connection) -> list[OfficeCommuneRow]:
    """Every commune of the office, by code, with its key state and last report."""
    return [OfficeCommuneRow._make(row) for row in connection.execute(office_communes_query())]


def office_communes_query() -> Select:
    """The query behind ``office_communes`` (its columns are ``OfficeCommuneRow``'s)."""
    key = EnrolledKey.__table__.c
    active = key.status == "active"
    keys = (
        select(
            key.commune_code,
            func.count().label("key_count"),
            func.max(case((active, key.key_id))).label("key_id"),
            func.max(case((active, key.enrolled_at))).label("enrolled_at"),
            func.max(case((and_(active, key.previous_key_id.is_not(None)), 1), else_=0)).label("rotated"),
        )
        .group_by(key.commune_code)
        .subquery("keys")
    )
    submission = Submission.__table__.c
    ranked = select(
        submission.commune_code,
        submission.plan_id,
        submission.period_id,
        submission.revision,
        submission.received_at,
        func.row_number().over(partition_by=submission.commune_code,
                               order_by=(submission.received_at.desc(), submission.id.desc())).label("rank"),
    ).subquery("ranked")
    last = select(ranked).where(ranked.c.rank == 1).subquery("last")
    communes = OfficeCommune.__table__
    commune = communes.c
    state = case(
        (keys.c.key_count.is_(None), literal(NOT_ENROLLED)),
        (keys.c.key_id.is_(None), literal(REVOKED)),
        (keys.c.rotated == 1, literal(KEY_ROTATED)),
        else_=literal(ENROLLED),
    )
    return (
        select(commune.code, commune.name, commune.province_code, state, keys.c.key_id, keys.c.enrolled_at,
               last.c.plan_id, last.c.period_id, last.c.revision, last.c.received_at)
        .select_from(communes)
        .outerjoin(keys, keys.c.commune_code == commune.code)
        .outerjoin(last, last.c.commune_code == commune.code)
        .order_by(commune.code)
    )
