"""The demonstration office (``services/demo_office.py``), built once through the real commune and office services
(worker processes included), and what it holds: 40 communes, reports on time and late, some missing, one returned
and sent again as revision 2, decisions signed as receipts, the accounts."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.demo import fixed_clock
from cds_desktop.core.services.demo_office import (
    ACCEPTED,
    ENROLLED_ONLY,
    LATE,
    ON_TIME,
    Q3,
    Q4,
    Q4_REPORTS,
    RETURN_REASON,
    build_demo_office,
)
from cds_desktop.core.services.office.service import open_office_service
from cds_desktop.core.services.roles import Role

DUE_Q3 = dt.datetime(2023, 9, 3, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # "before the 3rd of the last month"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    steps = []
    demo = build_demo_office(tmp_path_factory.mktemp("demo"), lambda done, total: steps.append((done, total)))
    office = open_office_service(demo.data_dir.root, fixed_clock(demo.today))
    yield demo, office, steps
    office.close()


def _count(office, query: str) -> int:
    connection = sqlite3.connect(f"file:{office.data_dir.database}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchone()[0]
    finally:
        connection.close()


def test_forty_communes_of_one_province_with_the_groups_of_the_story(built):
    demo, office, steps = built
    communes = office.communes()
    assert len(communes) == demo.communes == 40 and {c.province_code for c in communes} == {"68"}
    assert office.identity().name == "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
    assert (len(demo.on_time), len(demo.late), len(demo.missing)) == (ON_TIME, LATE, 40 - ON_TIME - LATE)
    assert demo.returned in demo.on_time
    assert _count(office, "SELECT COUNT(*) FROM enrolled_key") == ON_TIME + LATE + ENROLLED_ONLY
    assert steps[-1][0] == steps[-1][1] and [done for done, _ in steps] == sorted(done for done, _ in steps)


def test_reports_arrived_on_time_late_or_not_at_all(built):
    demo, office, _ = built
    current = {s.commune_code: s for s in office.submissions(demo.plan_id, Q3) if s.is_current}
    assert set(current) == set(demo.on_time) | set(demo.late)
    first = {}
    for submission in office.submissions(demo.plan_id, Q3):
        first.setdefault(submission.commune_code, submission.received_at)
    assert all(first[code] < DUE_Q3 for code in demo.on_time)
    assert all(first[code] > DUE_Q3 for code in demo.late)
    assert not set(demo.missing) & set(first)
    assert len([s for s in office.submissions(demo.plan_id, Q4) if s.is_current]) == Q4_REPORTS


def test_one_report_was_returned_and_sent_again_as_revision_2(built):
    demo, office, _ = built
    first, second = office.submission(demo.returned, demo.plan_id, Q3, 1), office.submission(demo.returned,
                                                                                               demo.plan_id, Q3)
    assert (first.is_current, second.revision, second.is_current) == (False, 2, True)
    (returned,) = office.receipts_issued(demo.returned, demo.plan_id, Q3)
    assert (returned.decision, returned.reason, returned.revision) == ("returned", RETURN_REASON, 1)
    assert returned.issued_at < second.received_at < DUE_Q3
    changes = office.diff(demo.returned, demo.plan_id, Q3, 1, 2)
    assert changes and all(change.old != change.new for change in changes)
    (evidence,) = office.submission_evidence(second.id)
    assert office.evidence_store.path_of(evidence.sha256).stat().st_size == evidence.size


def test_decisions_were_signed_by_the_head(built):
    demo, office, _ = built
    accepted = [code for code in demo.on_time
                if [r.decision for r in office.receipts_issued(code, demo.plan_id, Q3)] == ["accepted"]]
    assert len(accepted) == ACCEPTED
    assert _count(office, "SELECT COUNT(DISTINCT issued_by) FROM receipt_issued") == 1


def test_the_accounts_sign_in_with_the_demo_password(built):
    demo, office, _ = built
    accounts = Accounts(office)
    assert [user.username for user in accounts.users()] == sorted(demo.usernames)
    assert accounts.sign_in(demo.username, demo.password).roles == {Role.ADMIN, Role.HEAD}
    assert Accounts(office).sign_in("van.thu", demo.password).roles == {Role.CLERK}
    accounts.sign_out()
