"""Every limit the bundle's report record imposes is checked where the value is typed (item 4 of issue #16):
refused on input, or kept in the draft as a validation error that blocks submitting; so an approved period
can always be exported, and the office always accepts it."""

from __future__ import annotations

import sqlite3

import pytest

from pydantic import ValidationError

from cds_desktop.core.errors import InputError, StateError
from cds_desktop.core.services.report_record import (
    EvidenceRecord,
    IndicatorRecord,
    TaskRecord,
    UnitRecord,
    max_length,
)

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, fill_and_approve



RESULT_LIMIT = max_length(TaskRecord, "result")


def test_the_limits_read_from_the_record_model_are_the_ones_it_enforces():
    assert TaskRecord.model_validate({"code": "T1", "status": "done", "result": "x" * RESULT_LIMIT})
    with pytest.raises(ValidationError):
        TaskRecord.model_validate({"code": "T1", "status": "done", "result": "x" * (RESULT_LIMIT + 1)})
    assert (RESULT_LIMIT, max_length(IndicatorRecord, "note"), max_length(IndicatorRecord, "data_source"),
            max_length(UnitRecord, "name"), max_length(EvidenceRecord, "name")) == (8000, 4000, 1000, 200, 255)


def test_a_result_over_the_limit_is_refused_on_input_and_nothing_is_written(service):
    with pytest.raises(InputError) as caught:
        service.set_task(P, Q1, "T1", {"status": "in_progress", "result": "x" * (RESULT_LIMIT + 1)}, "lan",
                         reject_invalid=True)
    assert caught.value.code == "entry.invalid" and str(RESULT_LIMIT) in caught.value.message("vi")
    assert "T1" not in service.entries(P, Q1).tasks


def test_in_a_draft_an_over_long_value_is_kept_as_an_error_that_blocks_submitting(service):
    _, problems = service.set_task(P, Q1, "T1", {"status": "in_progress", "result": "x" * (RESULT_LIMIT + 1)}, "lan")
    (too_long,) = [p for p in problems if p.code == "value.too_long"]
    assert (too_long.item_code, too_long.field, too_long.is_error) == ("T1", "result", True)
    assert too_long.message("vi") and too_long.message("en")
    service.set_indicator(P, Q1, "1a", {"note": "ghi chú " * 600}, "lan")  # over 4,000 characters
    codes = {(p.code, p.item_code) for p in service.validate(P, Q1)}
    assert {("value.too_long", "T1"), ("value.too_long", "1a")} <= codes
    with pytest.raises(StateError) as caught:
        service.submit(P, Q1, "lan")
    assert caught.value.code == "period.has_errors"
    assert service.entries(P, Q1).tasks["T1"].result == "x" * (RESULT_LIMIT + 1)  # nothing typed is lost


def test_values_at_the_limits_travel_to_the_office(service, exchange, office, tmp_path):
    service.set_task(P, Q1, "T1", {"status": "in_progress", "result": "r" * RESULT_LIMIT,
                                   "difficulties": "d" * RESULT_LIMIT, "proposals": "p" * RESULT_LIMIT}, "lan",
                     reject_invalid=True)
    service.set_indicator(P, Q1, "2c", {"value": "v" * 4000, "note": "n" * 4000, "data_source": "s" * 1000}, "lan",
                          reject_invalid=True)
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert outcome.status == "accepted", outcome.error and outcome.error.message("en")


def test_a_value_stored_over_the_limit_by_an_older_version_never_crashes_the_export(service, exchange, tmp_path):
    fill_and_approve(service, exchange)
    database = sqlite3.connect(service.data_dir.database)
    database.execute("INSERT INTO task_progress (period_ref, task_code, status, result, updated_at, updated_by) "
                     "SELECT id, 'T1', 'in_progress', ?, updated_at, 'cu' FROM period_record", ("x" * 9000,))
    database.commit()
    database.close()
    with pytest.raises(StateError) as caught:
        exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    assert caught.value.code == "period.has_errors"
    service.send_back(P, Q1, "chu_tich", "Rút gọn ghi chú")  # the way out: correct it
    service.set_task(P, Q1, "T1", {"result": "Đã rút gọn"}, "lan")


def test_the_units_name_and_who_acts_are_checked_against_the_record(service):
    with pytest.raises(InputError) as caught:
        service.init_commune("68", "24751", "X" * 201)
    assert caught.value.code == "unit.name_too_long"
    with pytest.raises(InputError) as caught:
        service.set_indicator(P, Q1, "1a", {"numerator": "1"}, "n" * 201)
    assert caught.value.code == "input.actor_too_long"


@pytest.mark.parametrize("typed, shown", [
    ("bi\u0065\u0302\u0301n ba\u0309n.pdf", "biến bản.pdf"),  # NFD (as macOS writes names) → NFC
    ("bien\x07\x1b[31mban.pdf", "bien [31mban.pdf"),  # control characters
    ("\u202egpj.exe", "gpj.exe"),  # a direction override that would display it as "exe.jpg"
])
def test_evidence_names_are_cleaned_when_added(service, tmp_path, typed, shown):
    file = tmp_path / typed
    file.write_bytes(b"noi dung")
    service.add_evidence(P, Q1, "1a", file, "lan")
    (stored,) = service.evidence(P, Q1)
    assert stored.name == shown


def test_an_over_long_evidence_name_is_shortened_keeping_its_extension():
    from cds_desktop.core.services.commune.inputs import evidence_name

    shortened = evidence_name("Biên bản nghiệm thu " * 14 + ".docx")  # 285 characters
    assert len(shortened) <= max_length(EvidenceRecord, "name") and shortened.endswith("….docx")


def test_the_longest_names_a_disk_allows_travel_to_the_office(service, exchange, office, tmp_path):
    name = "Biên bản nghiệm thu hạ tầng số xã Nhân Cơ "
    file = tmp_path / (name * 3 + ".pdf")  # Vietnamese letters take 2–3 bytes: near the 255-byte limit of a name
    file.write_bytes(b"%PDF bien ban")
    service.add_evidence(P, Q1, "1a", file, "lan")
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert outcome.status == "accepted"


def test_a_file_name_of_control_characters_only_is_refused(service, tmp_path):
    file = tmp_path / "\x01\x02"
    file.write_bytes(b"x")
    with pytest.raises(InputError) as caught:
        service.add_evidence(P, Q1, "1a", file, "lan")
    assert caught.value.code == "evidence.bad_name"
