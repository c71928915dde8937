"""The open period read ahead at start-up (``workspace.read_ahead``, in the start-up worker) is what the window
shows first — not read again on the GUI thread — until anything changes."""

from __future__ import annotations

from cds_desktop.ui.commune.workspace import Workspace, read_ahead, read_snapshot


def test_the_period_read_ahead_is_shown_without_reading_it_again(service):
    ahead = read_ahead(service)
    assert ahead is not None and "status" in vars(ahead)  # worked out off the GUI thread too
    assert ahead == read_snapshot(service, ahead.plan.id, ahead.period.period_id)
    workspace = Workspace(service, "can.bo")
    workspace.adopt(ahead)
    workspace.open_period(ahead.plan.id, ahead.period.period_id)
    assert workspace.snapshot() is ahead


def test_a_change_or_another_period_first_drops_what_was_read_ahead(service):
    ahead = read_ahead(service)
    code = next(i.code for g in ahead.plan.groups for i in g.indicators if i.applies_to_communes)
    workspace = Workspace(service, "can.bo")
    workspace.adopt(ahead)
    workspace.open_period(ahead.plan.id, ahead.period.period_id)
    assert workspace.snapshot() is ahead
    workspace.set_indicator(code, "note", "Đã rà soát")
    assert workspace.snapshot() is not ahead
    assert workspace.snapshot().entries.indicators[code].note == "Đã rà soát"

    other = Workspace(service, "can.bo")
    other.adopt(ahead)
    periods = service.periods(ahead.plan.id)
    elsewhere = next(p.period_id for p in periods if p.period_id != ahead.period.period_id)
    other.open_period(ahead.plan.id, elsewhere)
    assert other.snapshot().period.period_id == elsewhere
    other.open_period(ahead.plan.id, ahead.period.period_id)
    assert other.snapshot() is not ahead  # dropped once another period was shown first
