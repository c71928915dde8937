"""Read models of the plans the office writes and sends (``services/office/plans.py``): plain rows, no YAML parsed.

- ``issued_files``: every signed plan file issued, oldest first within each plan and version;
- ``published_plans``: the validated plan (JSON) of each published version, what the office's catalog loads at
  start (``Plan.model_validate`` of JSON: about a millisecond a plan, no PyYAML);
- ``newest_file``: the newest file issued of a plan version (the ``replaced`` one when it was issued);
- ``refused_plan_ids``: plan ids the office takes no report on (built-ins it refused, plans only drafted);
- ``reported_versions``: every (plan, version) any submission was received against.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cds_desktop.core.storage.exchange_models import (
    OfficeBuiltinPlan,
    OfficePlanDraft,
    OfficePlanFile,
    Submission,
)

Runner = Session | Connection


class IssuedFileRow(NamedTuple):
    id: int
    plan_id: str
    plan_version: int
    status: str
    replaced_by: str | None
    change_note: str | None
    issued_at: dt.datetime
    title_vi: str
    title_en: str


class PublishedPlanJson(NamedTuple):
    plan_id: str
    plan_version: int
    plan_json: str


def _connection(runner: Runner) -> Connection:
    return runner.connection() if isinstance(runner, Session) else runner


_FILE = OfficePlanFile.__table__.c


def issued_files(runner: Runner) -> list[IssuedFileRow]:
    """Every plan file issued, by plan id, version, then the order issued."""
    query = (select(_FILE.id, _FILE.plan_id, _FILE.plan_version, _FILE.status, _FILE.replaced_by, _FILE.change_note,
                    _FILE.issued_at, _FILE.title_vi, _FILE.title_en)
             .order_by(_FILE.plan_id, _FILE.plan_version, _FILE.issued_at, _FILE.id))
    return list(map(IssuedFileRow._make, _connection(runner).execute(query).all()))


def published_plans(runner: Runner) -> list[PublishedPlanJson]:
    """The plan of each published version (its first file: every file of a version carries the same plan)."""
    first = select(func.min(_FILE.id)).group_by(_FILE.plan_id, _FILE.plan_version)
    query = (select(_FILE.plan_id, _FILE.plan_version, _FILE.plan_json).where(_FILE.id.in_(first))
             .order_by(_FILE.plan_id, _FILE.plan_version))
    return list(map(PublishedPlanJson._make, _connection(runner).execute(query).all()))


def newest_file(runner: Session, plan_id: str, version: int | None = None) -> OfficePlanFile | None:
    """The newest file issued of ``plan_id`` at ``version`` (None: its newest version); None when never published."""
    query = select(OfficePlanFile).where(OfficePlanFile.plan_id == plan_id)
    if version is not None:
        query = query.where(OfficePlanFile.plan_version == version)
    query = query.order_by(OfficePlanFile.plan_version.desc(), OfficePlanFile.issued_at.desc(),
                           OfficePlanFile.id.desc()).limit(1)
    return runner.scalars(query).first()


def newest_published_version(runner: Runner, plan_id: str) -> int | None:
    """The newest version of ``plan_id`` published, None when never published."""
    return _connection(runner).execute(
        select(func.max(_FILE.plan_version)).where(_FILE.plan_id == plan_id)).scalar()


def refused_plan_ids(runner: Runner) -> frozenset[str]:
    """The plans the office takes no report on: the built-ins it refused, and the ones it only drafted."""
    connection = _connection(runner)
    refused = connection.execute(select(OfficeBuiltinPlan.plan_id).where(OfficeBuiltinPlan.accepted.is_(False)))
    drafted = connection.execute(select(OfficePlanDraft.plan_id).where(
        OfficePlanDraft.plan_id.not_in(select(_FILE.plan_id))))
    return frozenset(refused.scalars()) | frozenset(drafted.scalars())


def builtin_acceptance(runner: Runner) -> dict[str, bool]:
    """The built-in plans the office decided on: accepted or not (a plan not listed is accepted)."""
    rows = _connection(runner).execute(select(OfficeBuiltinPlan.plan_id, OfficeBuiltinPlan.accepted)).all()
    return {plan_id: bool(accepted) for plan_id, accepted in rows}


def reported_versions(runner: Runner) -> frozenset[tuple[str, int]]:
    """Every (plan id, version) a submission was received against."""
    rows = _connection(runner).execute(select(Submission.plan_id, Submission.plan_version).distinct()).all()
    return frozenset((plan_id, version) for plan_id, version in rows)
