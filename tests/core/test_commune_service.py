"""The commune service through its public API: round trips, history, NFC, evidence, period states."""

import datetime as dt
import hashlib
import unicodedata

import pytest

from cds_desktop.core.domain import PeriodState, TaskStatus
from cds_desktop.core.errors import InputError, StateError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.service import CommuneService

P, Q1 = "mini-plan", "2023Q1"


def test_indicator_round_trip_survives_reopening_the_database(service, tmp_path, mini_plan, clock):
    changes, problems = service.set_indicator(P, Q1, "1a", {"numerator": "812", "denominator": "1000",
                                                            "data_source": "Thống kê thôn"}, "can_bo")
    assert changes.items == ("1a",) and set(changes.fields) == {"numerator", "denominator", "data_source"}
    assert problems == []
    service.close()
    reopened = CommuneService(DataDir(tmp_path / "data"), PlanCatalog([mini_plan]), clock)
    entry = reopened.entries(P, Q1).indicators["1a"]
    assert (entry.numerator, entry.denominator, entry.data_source) == ("812", "1000", "Thống kê thôn")
    status = reopened.status(P, Q1)
    assert (status.indicators_answered, status.targets_met, status.targets_evaluated) == (1, 1, 1)
    reopened.close()


def test_partial_update_keeps_other_fields_and_unchanged_save_writes_nothing(service):
    service.set_indicator(P, Q1, "1a", {"numerator": "5", "denominator": "10", "note": "ghi chú"}, "a")
    service.set_indicator(P, Q1, "1a", {"numerator": "6"}, "a")
    entry = service.entries(P, Q1).indicators["1a"]
    assert (entry.numerator, entry.denominator, entry.note) == ("6", "10", "ghi chú")
    changes, _ = service.set_indicator(P, Q1, "1a", {"numerator": "6"}, "a")
    assert changes.items == () and len(service.history(P, Q1)) == 4


def test_history_records_who_when_field_old_and_new(service, clock):
    service.set_indicator(P, Q1, "1a", {"numerator": "5", "denominator": "10"}, "lan")
    clock.advance(minutes=5)
    service.set_indicator(P, Q1, "1a", {"numerator": "7"}, "minh")
    rows = service.history(P, Q1, "1a")
    assert [(r.actor, r.field, r.old_value, r.new_value) for r in rows] == [
        ("lan", "numerator", None, "5"), ("lan", "denominator", None, "10"), ("minh", "numerator", "5", "7")]
    assert rows[-1].at - rows[0].at == dt.timedelta(minutes=5)


def test_text_is_nfc_normalized(service):
    decomposed = unicodedata.normalize("NFD", "Số liệu của thôn Đắk Ka")
    service.set_indicator(P, Q1, "1a", {"note": decomposed}, "a")
    note = service.entries(P, Q1).indicators["1a"].note
    assert note == unicodedata.normalize("NFC", decomposed) and unicodedata.is_normalized("NFC", note)


def test_invalid_draft_values_are_kept_but_scripts_are_refused_and_nothing_is_written(service):
    _, problems = service.set_indicator(P, Q1, "1a", {"numerator": "12", "denominator": "10"}, "a")
    assert [p.code for p in problems] == ["value.numerator_exceeds"]
    assert service.entries(P, Q1).indicators["1a"].numerator == "12"
    before = service.history(P, Q1)
    with pytest.raises(InputError) as caught:
        service.set_indicator(P, Q1, "1a", {"numerator": "-3"}, "a", reject_invalid=True)
    assert caught.value.code == "entry.invalid" and "âm" in caught.value.message("vi")
    assert service.history(P, Q1) == before


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda s: s.set_indicator(P, Q1, "9z", {"value": "1"}, "a"), "entry.unknown_indicator"),
        (lambda s: s.set_indicator(P, Q1, "1d", {"numerator": "1", "denominator": "2"}, "a"), "entry.indicator_not_for_communes"),
        (lambda s: s.set_indicator(P, "2023Q5", "1a", {"value": "1"}, "a"), "period.bad_id"),
        (lambda s: s.set_indicator(P, "2031", "1a", {"value": "1"}, "a"), "period.not_in_plan"),
        (lambda s: s.set_task(P, Q1, "T2", {"status": "done"}, "a"), "entry.task_has_subtasks"),
        (lambda s: s.set_task(P, Q1, "T3", {"status": "done"}, "a"), "entry.task_not_for_communes"),
        (lambda s: s.set_task(P, Q1, "T1", {"status": "finished"}, "a"), "task.bad_status"),
        (lambda s: s.set_task(P, Q1, "T1", {"completed_on": "31/02/2023"}, "a"), "input.bad_date"),
        (lambda s: s.init_commune("6", "24751", "X"), "unit.bad_province_code"),
        (lambda s: s.init_commune("68", "2475", "X"), "unit.bad_commune_code"),
        (lambda s: s.set_setting("evidence_warn_mb", 0), "setting.out_of_range"),
        (lambda s: s.set_setting("report_signer_title", "mayor"), "setting.bad_value"),
        (lambda s: s.set_setting("language", "fr"), "setting.bad_value"),
    ],
)
def test_bad_input_is_refused_with_a_specific_code(service, call, code):
    with pytest.raises(InputError) as caught:
        call(service)
    assert caught.value.code == code
    assert caught.value.message("vi") != caught.value.message("en")


def test_task_progress_round_trip_and_done_sets_full_progress(service):
    service.set_task(P, Q1, "T1", {"status": "done", "completed_on": "15/03/2023", "result": "Đạt 82%"}, "a")
    entry = service.entries(P, Q1).tasks["T1"]
    assert entry.status is TaskStatus.DONE and entry.progress_pct == 100
    assert entry.completed_on == dt.date(2023, 3, 15) and entry.result == "Đạt 82%"


def test_evidence_is_stored_by_sha256_once_with_size_warning(service, tmp_path):
    file = tmp_path / "bien-ban.pdf"
    file.write_bytes(b"%PDF-1.4 minh chung" * 1000)
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    changes = service.add_evidence(P, Q1, "T1", file, "a")
    service.add_evidence(P, Q1, "1a", file, "a")
    items = service.evidence(P, Q1)
    assert {(e.item_code, e.sha256, e.media_type) for e in items} == {("T1", digest, "application/pdf"),
                                                                     ("1a", digest, "application/pdf")}
    assert items[0].path.read_bytes() == file.read_bytes() and items[0].path.name == digest
    assert changes.warnings == ()
    service.set_setting("evidence_warn_mb", 1)
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * (1024 * 1024 + 1))
    assert service.add_evidence(P, Q1, "T1", big, "a").warnings == ("notice.evidence_large",)
    assert service.entries(P, Q1).evidence_counts == {"T1": 2, "1a": 1}
    service.remove_evidence(P, Q1, items[0].link_id, "a")
    assert len(service.evidence(P, Q1)) == 2


def _complete(service, period=Q1):
    for code in ("1a", "1b", "1c", "2d"):
        service.set_indicator(P, period, code, {"numerator": "60", "denominator": "100"}, "a")
    service.set_indicator(P, period, "2a", {"value": "3"}, "a")
    service.set_indicator(P, period, "2b", {"value": "có"}, "a")
    service.set_indicator(P, period, "2c", {"value": "Mô hình chợ 4.0"}, "a")


def test_period_states_and_revisions(service):
    with pytest.raises(StateError) as caught:
        service.submit(P, Q1, "officer")
    assert caught.value.code == "period.has_errors"
    _complete(service)
    assert service.entries(P, Q1).indicators["2b"].value == "1"
    service.submit(P, Q1, "officer")
    with pytest.raises(StateError) as locked:
        service.set_indicator(P, Q1, "1a", {"numerator": "61"}, "officer")
    assert locked.value.code == "period.locked"
    with pytest.raises(StateError):
        service.mark_exported(P, Q1, "leader")
    service.approve(P, Q1, "leader")
    service.mark_exported(P, Q1, "leader")
    view = service.period(P, Q1)
    assert (view.state, view.revision, view.overdue) == (PeriodState.EXPORTED, 1, False)
    changes, _ = service.set_indicator(P, Q1, "1a", {"numerator": "61"}, "officer")
    assert changes.period_state
    view = service.period(P, Q1)
    assert (view.state, view.revision) == (PeriodState.DRAFT, 2)
    states = [(h.field, h.old_value, h.new_value) for h in service.history(P, Q1) if h.item_code == "*"]
    assert ("revision", "1", "2") in states and ("state", "exported", "draft") in states


def test_reopen_and_send_back(service):
    _complete(service)
    service.submit(P, Q1, "o")
    service.send_back(P, Q1, "leader", "Chỉ tiêu 1a thiếu biên bản")
    assert service.period(P, Q1).state is PeriodState.DRAFT
    with pytest.raises(StateError) as caught:
        service.reopen(P, Q1, "o")
    assert caught.value.code == "period.cannot_reopen"
    service.submit(P, Q1, "o")
    service.approve(P, Q1, "l")
    service.mark_exported(P, Q1, "l")
    service.reopen(P, Q1, "o")
    assert service.period(P, Q1).revision == 2


def test_sending_back_needs_a_reason_which_the_history_keeps(service, clock):
    _complete(service)
    service.submit(P, Q1, "o")
    before = service.history(P, Q1)
    for blank in ("", "   ", None):
        with pytest.raises(InputError) as caught:
            service.send_back(P, Q1, "leader", blank)
        assert caught.value.code == "period.reason_needed"
    with pytest.raises(InputError) as caught:
        service.send_back(P, Q1, "leader", "x" * 9000)
    assert caught.value.code == "period.reason_too_long" and "9000" in caught.value.message("vi")
    assert service.history(P, Q1) == before and service.period(P, Q1).state is PeriodState.SUBMITTED
    clock.advance(minutes=5)
    service.send_back(P, Q1, "leader", "  Chỉ tiêu 1a thiếu biên bản  ")
    rows = [(h.actor, h.item_code, h.field, h.old_value, h.new_value) for h in service.history(P, Q1, "*")]
    assert rows[-2:] == [("leader", "*", "state", "submitted", "draft"),
                         ("leader", "*", "send_back_reason", None, "Chỉ tiêu 1a thiếu biên bản")]


def test_periods_list_deadlines_and_overdue(service, clock):
    views = {v.period_id: v for v in service.periods(P)}
    assert list(views)[:5] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2023"]
    assert views["2023Q1"].due_before == dt.date(2023, 3, 3) and views["2023Q1"].overdue  # today 20/05/2023
    assert views["2023Q2"].due_before == dt.date(2023, 6, 3) and not views["2023Q2"].overdue
    assert views["2023"].due_before == dt.date(2023, 12, 10)


def test_a_bare_yaml_plan_file_is_refused_not_signed_by_the_office(service, tmp_path):
    """Plans come from the office as signed files (``tests/core/exchange/test_commune_plans.py``); a bare YAML plan,
    even a valid one, is refused and nothing is installed."""
    from pathlib import Path

    from cds_desktop.core.errors import PlanError

    source = Path(__file__).parents[1] / "fixtures" / "plans" / "mini.yaml"
    text = source.read_text("utf-8").replace("id: mini-plan", "id: mini-plan-yaml")
    (tmp_path / "plan.cdsplan").write_text(text, "utf-8")
    with pytest.raises(PlanError) as refused:
        service.import_plan_file(tmp_path / "plan.cdsplan")
    assert refused.value.code == "plan.unsigned"
    assert "mini-plan-yaml" not in {p.id for p in service.plans()} and not list(service.data_dir.plans.rglob("*.*"))
