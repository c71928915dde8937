"""The office's results across its communes (``OfficeService.period_results`` and friends), from bundles really
written, signed and imported (``results_support``), checked against figures computed by hand from its table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.errors import InputError
from cds_desktop.core.plans.schedule import PeriodKind
from cds_desktop.core.services.office.results import EmptyReason, OutlierKind
from cds_desktop.core.services.office.results_outliers import modified_z_scores, sharp_change

from .results_support import NOTE_ABOVE, NOTE_BLANK, P, Q3, Q4, open_results_office


@pytest.fixture
def office(tmp_path, mini_plan, clock, office_storage):
    """A copy of the results office (``results_support``), on SQLite and on PostgreSQL."""
    service = open_results_office(tmp_path / "office", mini_plan, clock, office_storage)
    yield service
    service.close()


def _cells(results):
    return {(cell.commune_code, cell.indicator_code): cell for cell in results.cells}


def test_each_cell_is_judged_against_the_commune_level_target(office):
    results = office.period_results(P, Q4)
    assert [c.code for c in results.communes] == ["24751", "24752", "24753", "24754", "24755", "24756"]
    assert [i.code for i in results.indicators] == ["1a", "1b", "1c", "2a", "2b", "2c", "2d"]  # 1d: not communes'
    assert len(results.cells) == 6 * 7 and results.cell(1, 0) == _cells(results)["24752", "1a"]
    cells = _cells(results)
    nhan_co = cells["24751", "1a"]
    assert (nhan_co.result, nhan_co.numerator, nhan_co.denominator, nhan_co.status) == (
        Decimal("90.00"), Decimal(90), Decimal(100), TargetStatus.MET)
    assert cells["24752", "1a"].result == Decimal("75.00") and cells["24752", "1a"].status is TargetStatus.NOT_MET
    # 1c: "= 100 %" for the plan, "≥ 50 %" for communes: 60 % meets the commune's target
    assert cells["24751", "1c"].status is TargetStatus.MET and cells["24752", "1c"].status is TargetStatus.NOT_MET
    # 1b is the range 55–60 %: 58 and 61 meet it (reaching the band is enough), 50 does not
    assert [cells[c, "1b"].status for c in ("24751", "24753", "24752")] == [
        TargetStatus.MET, TargetStatus.MET, TargetStatus.NOT_MET]
    assert cells["24755", "1b"].result == Decimal(57) and cells["24755", "1b"].numerator is None
    assert cells["24756", "1b"].status is TargetStatus.INVALID  # 120 of 100: never met
    assert cells["24752", "2a"].status is TargetStatus.NOT_MET and cells["24751", "2a"].status is TargetStatus.MET
    assert cells["24751", "2c"].text == "Mô hình A" and cells["24751", "2c"].status is TargetStatus.NOT_APPLICABLE


def test_an_empty_cell_says_why(office):
    cells = _cells(office.period_results(P, Q4))
    assert {cells["24754", code].empty for code in ("1a", "2c")} == {EmptyReason.NOT_RECEIVED}
    assert cells["24754", "1a"].status is None
    blank = cells["24753", "1c"]
    assert (blank.empty, blank.note, blank.status, blank.result) == (EmptyReason.NO_VALUE, NOTE_BLANK, None, None)
    # left out of the record: the office stores it as a blank answer, without a note
    assert (cells["24753", "2c"].empty, cells["24753", "2c"].note) == (EmptyReason.NO_VALUE, None)
    assert cells["24751", "1a"].empty is None


def test_the_decision_on_each_submission_is_shown(office):
    communes = {c.code: c for c in office.period_results(P, Q4).communes}
    assert (communes["24751"].decision, communes["24752"].decision, communes["24753"].decision) == (
        "accepted", "returned", None)
    assert communes["24754"].submission_id is None and communes["24751"].revision == 1


def test_summary_adds_numerators_and_denominators_never_percentages(office):
    summaries = {s.indicator_code: s for s in office.period_results(P, Q4).summaries}
    one_a = summaries["1a"]
    # (90 + 150 + 85 + 80 + 5) / (100 + 200 + 100 + 100 + 100) = 410 / 600 = 68.33 % (the mean of the five
    # percentages would be 67 %)
    assert (one_a.numerator_total, one_a.denominator_total, one_a.result) == (
        Decimal(410), Decimal(600), Decimal("68.33"))
    assert (one_a.added, one_a.met, one_a.judged, one_a.expected, one_a.share_met) == (5, 3, 5, 6, Decimal("50.00"))
    # 1b: 120/100 is invalid and left out; 57 % was given without its terms: valid, counted apart
    one_b = summaries["1b"]
    assert (one_b.numerator_total, one_b.denominator_total, one_b.result, one_b.added, one_b.rate_only) == (
        Decimal(169), Decimal(300), Decimal("56.33"), 3, 1)
    assert (one_b.met, one_b.judged) == (3, 4)
    assert (summaries["1c"].result, summaries["1c"].met) == (Decimal("55.00"), 3)
    assert (summaries["2a"].result, summaries["2a"].met, summaries["2a"].share_met) == (
        Decimal(16), 4, Decimal("66.67"))
    assert (summaries["2b"].result, summaries["2b"].met) == (Decimal(3), 3)  # three communes answered yes
    assert (summaries["2c"].result, summaries["2c"].added, summaries["2c"].share_met) == (None, 4, None)


def test_tasks_with_status_overdue_and_counts(office):
    tasks = office.period_tasks(P, Q4)
    assert [t.code for t in tasks.tasks] == ["T1", "T2a", "T2b"]
    cells = {(c.commune_code, c.task_code): c for c in tasks.cells}
    assert cells["24751", "T1"].status is TaskStatus.DONE and not cells["24751", "T1"].overdue
    # T1 is due by 31/12/2023 and the report was made on 05/01/2024: not done is overdue
    assert (cells["24752", "T1"].status, cells["24752", "T1"].progress_pct, cells["24752", "T1"].overdue) == (
        TaskStatus.IN_PROGRESS, 30, True)
    assert cells["24751", "T2a"].overdue  # yearly: due at the end of the period's year
    assert cells["24754", "T1"].received is False and cells["24753", "T1"].received is True
    counts = {c.task_code: c for c in tasks.counts}
    assert (counts["T1"].done, counts["T1"].in_progress, counts["T1"].overdue, counts["T1"].not_received) == (
        1, 1, 1, 1)
    assert (counts["T2b"].done, counts["T2b"].in_progress, counts["T2b"].not_started) == (0, 0, 0)


def test_trend_of_one_commune_and_of_the_office(office):
    commune = office.indicator_trend(P, "1a", "24752", kind=PeriodKind.QUARTER)
    assert [p.period_id for p in commune] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2",
                                              "2024Q3", "2024Q4"]
    by_period = {p.period_id: p for p in commune}
    assert (by_period[Q3].result, by_period[Q3].status) == (Decimal("70.00"), TargetStatus.NOT_MET)
    assert (by_period[Q4].result, by_period[Q4].denominator) == (Decimal("75.00"), Decimal(200))
    assert by_period["2023Q1"].result is None and by_period["2023Q1"].status is None
    whole = {p.period_id: p for p in office.indicator_trend(P, "1a")}
    assert "2023" in whole  # without a kind: every period of the plan
    assert (whole[Q3].numerator, whole[Q3].denominator, whole[Q3].result, whole[Q3].met) == (
        Decimal(300), Decimal(500), Decimal("60.00"), 2)
    assert (whole[Q4].result, whole[Q4].met, whole[Q4].expected) == (Decimal("68.33"), 3, 6)


def test_trend_refuses_an_unknown_indicator_or_commune(office):
    with pytest.raises(InputError) as caught:
        office.indicator_trend(P, "1d")  # not reported by communes
    assert caught.value.code == "results.unknown_indicator"
    with pytest.raises(InputError) as caught:
        office.indicator_trend(P, "1a", "99999")
    assert caught.value.code == "results.unknown_commune"


def test_outliers_worth_a_call(office):
    found = office.outliers(P, Q4)
    far = [o for o in found if o.kind is OutlierKind.FAR_FROM_OTHERS]
    # 1a: 90, 75, 85, 80, 5 → median 80, MAD 5; 5 % scores 0.6745 × (5 − 80) / 5 = −10.1175
    assert [(o.commune_code, o.indicator_code, o.value, o.reference) for o in far] == [
        ("24756", "1a", Decimal("5.00"), Decimal("-10.1175"))]
    changed = [o for o in found if o.kind is OutlierKind.DENOMINATOR_CHANGE]
    assert [(o.commune_code, o.indicator_code, o.value, o.reference, o.change, o.decision) for o in changed] == [
        ("24752", "1a", Decimal(200), Decimal(100), Decimal(1), "returned")]
    above = [o for o in found if o.kind is OutlierKind.NUMERATOR_ABOVE_DENOMINATOR]
    assert [(o.commune_code, o.indicator_code, o.value, o.reference, o.note) for o in above] == [
        ("24756", "1b", Decimal(120), Decimal(100), NOTE_ABOVE)]
    assert office.outliers(P, Q3) and all(o.kind is not OutlierKind.DENOMINATOR_CHANGE
                                          for o in office.outliers(P, Q3))  # no Q2 to compare with


def test_modified_z_score_as_dhis2():
    values = [Decimal(v) for v in ("10", "12", "11", "13", "40")]  # median 12, MAD 1
    scores = modified_z_scores(values)
    assert scores[4] == Decimal("0.6745") * 28 and scores[1] == 0
    assert modified_z_scores([Decimal(5)] * 4 + [Decimal(100)]) == [None] * 5  # MAD 0: nothing can be scored
    assert modified_z_scores([Decimal(1), Decimal(100)]) == [None, None]
    assert sharp_change(Decimal(100), Decimal(151)) and sharp_change(Decimal(100), Decimal(49))
    assert not sharp_change(Decimal(100), Decimal(150)) and not sharp_change(Decimal(0), Decimal(10))


def test_unknown_period_is_refused(office):
    with pytest.raises(InputError) as caught:
        office.period_results(P, "2030Q1")
    assert caught.value.code == "period.not_in_plan"
