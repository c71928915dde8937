"""The demo commune: opens on its fixed day, one period accepted by the demo office, the current one with problems."""

from __future__ import annotations

import pytest

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune.service import open_commune_service
from cds_desktop.core.services.demo import OFFICE_FOLDER, PAST_PERIOD, UNIT, build_demo, fixed_clock
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import ROLES_OF, InstallationKind


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    return root, build_demo(root)


@pytest.fixture
def commune(demo):
    _, built = demo
    service = open_commune_service(built.data_dir.root, fixed_clock(built.today))
    yield service
    service.close()


def test_the_demo_opens_with_an_account_holding_every_commune_role(demo, commune):
    _, built = demo
    assert commune.require_unit().name == UNIT["name"]
    principal = Accounts(commune).sign_in(built.username, built.password)
    assert principal.roles == frozenset(ROLES_OF[InstallationKind.COMMUNE])
    assert built.plan_id == "dak-rlap-2023" and commune.today() == built.today
    assert commune.period(built.plan_id, built.period_id).state is PeriodState.DRAFT


def test_the_past_period_was_exported_and_accepted_by_the_office(demo, commune):
    _, built = demo
    view = commune.period(built.plan_id, PAST_PERIOD)
    assert (view.state, view.revision, view.office_status) == (PeriodState.EXPORTED, 1, "accepted")
    assert not [p for p in commune.validate(built.plan_id, PAST_PERIOD) if p.is_error]


def test_the_current_period_is_partly_filled_with_the_expected_problems(demo, commune):
    _, built = demo
    status = commune.status(built.plan_id, built.period_id)
    assert 0 < status.indicators_answered < status.indicators_total
    codes = {p.code for p in commune.validate(built.plan_id, built.period_id)}
    assert {"value.numerator_exceeds", "indicator.missing_needs_comment", "task.overdue"} <= codes
    assert len(commune.evidence(built.plan_id, built.period_id)) == 2


def test_the_office_holds_the_bundle_with_the_commune_values(demo, commune):
    root, built = demo
    office = OfficeService(DataDir(root / OFFICE_FOLDER), PlanCatalog.builtin(), fixed_clock(built.today))
    try:
        submission = office.submission(UNIT["commune_code"], built.plan_id, PAST_PERIOD)
        values = office.submission_values(submission.id)
    finally:
        office.close()
    assert submission.revision == 1
    entries = commune.entries(built.plan_id, PAST_PERIOD).indicators
    assert {code: values[code]["numerator"] for code in entries} == {
        code: entry.numerator for code, entry in entries.items()}
