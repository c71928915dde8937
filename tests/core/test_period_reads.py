"""Reading a period once: problems from entries already read, the progress summary from a snapshot's parts,
and plan periods worked out once per schedule."""

from cds_desktop.core.plans.schedule import plan_periods, scheduled_period
from cds_desktop.core.services.commune.service import period_status

P, Q1 = "mini-plan", "2023Q1"


def _fill(service) -> None:
    service.set_indicator(P, Q1, "1a", {"numerator": "5", "denominator": "10"}, "a")
    service.set_indicator(P, Q1, "1a", {"numerator": "50"}, "a")  # more than the denominator: a problem
    service.set_task(P, Q1, "T1", {"status": "done", "completed_on": "2023-02-01"}, "a")


def test_problems_from_entries_already_read_are_those_read_afresh(service):
    _fill(service)
    entries = service.entries(P, Q1)
    assert service.validate(P, Q1, entries) == service.validate(P, Q1)
    assert service.validate(P, Q1, entries), "the mini plan period should have a problem to compare"


def test_period_status_from_parts_is_the_services_status(service):
    _fill(service)
    entries = service.entries(P, Q1)
    status = period_status(service.plan(P), service.period(P, Q1), entries, tuple(service.validate(P, Q1, entries)))
    assert status == service.status(P, Q1)
    assert status.tasks_done == 1 and status.indicators_answered >= 1


def test_plan_periods_are_shared_per_schedule_but_the_list_is_the_callers(service):
    plan = service.plan(P)
    first, second = plan_periods(plan), plan_periods(plan)
    assert first == second and first is not second
    first.clear()  # a caller's list: the next caller still gets every period
    assert plan_periods(plan) == second
    assert scheduled_period(plan, Q1) is next(s for s in second if s.period.id == Q1)
