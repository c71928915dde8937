"""The bundle's report record (report.json): its exact schema, every refusal typed and worded in plain words."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import unicodedata

import pytest

from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.domain import TaskStatus
from cds_desktop.core.services.report_record import (
    IndicatorRecord,
    building_record,
    evidence_entry_name,
    is_quantity,
    parse_record,
)

VALID = {
    "record_version": 1,
    "unit": {"province_code": "68", "commune_code": "24751", "name": "Xã Nhân Cơ", "kind": "xa"},
    "plan_id": "mini-plan", "plan_version": 1, "period_id": "2023Q1", "revision": 2,
    "submitted_at": "2023-03-20T02:00:00Z", "submitted_by": "lan",
    "approved_at": None, "approved_by": None,
    "indicators": [{"code": "1a", "numerator": "812", "denominator": "1000", "value": None, "note": None,
                    "data_source": None}],
    "tasks": [{"code": "T1", "status": "done", "progress_pct": 100, "completed_on": "2023-03-15", "result": "Đạt",
               "difficulties": None, "proposals": None}],
    "evidence": [{"item": "T1", "name": "bien-ban.pdf", "sha256": "ab" * 32, "size": 10,
                  "media_type": "application/pdf"}],
    "history": [{"at": "2023-03-15T02:00:00Z", "actor": "lan", "revision": 1, "item": "1a",
                 "field": "numerator", "old": None, "new": "812"}],
}


def refused(mutate) -> DocumentError:
    record = copy.deepcopy(VALID)
    mutate(record)
    with pytest.raises(DocumentError) as caught:
        parse_record(record)
    for language in ("vi", "en"):
        text = caught.value.message(language)
        assert not re.search(r"\{[a-z_]+\}", text), text
        assert "pydantic" not in text and "http" not in text and "Input should" not in text, text
    machine = json.dumps(caught.value.to_dict(), ensure_ascii=False)  # the --json form: no parser text either
    assert "http" not in machine and "Input should" not in machine, machine
    assert not {"expected", "pattern", "error"} & set(caught.value.params), caught.value.params
    return caught.value


def test_valid_record_becomes_domain_entries():
    record = parse_record(VALID)
    entries = record.entries()
    assert entries.indicators["1a"].numerator == "812"
    assert entries.tasks["T1"].status is TaskStatus.DONE and entries.tasks["T1"].completed_on == dt.date(2023, 3, 15)
    assert entries.evidence_counts == {"T1": 1}
    assert evidence_entry_name("ab" * 32) == "evidence/" + "ab" * 32
    assert record.model_dump(mode="json") == VALID  # the record reads back exactly as written


@pytest.mark.parametrize(("mutate", "code", "field"), [
    (lambda r: r.update(extra_field=1), Code.RECORD_UNKNOWN_FIELD, None),
    (lambda r: r["indicators"][0].update(unit="%"), Code.RECORD_UNKNOWN_FIELD, "indicators.0"),
    (lambda r: r["unit"].update(commune_code="2475"), Code.RECORD_FIELD_INVALID, "unit.commune_code"),
    (lambda r: r["tasks"][0].update(status="finished"), Code.RECORD_FIELD_INVALID, "tasks.0.status"),
    (lambda r: r["evidence"][0].update(sha256="xyz"), Code.RECORD_FIELD_INVALID, "evidence.0.sha256"),
    (lambda r: r.update(revision=0), Code.RECORD_FIELD_INVALID, "revision"),
    (lambda r: r.update(revision="2"), Code.RECORD_FIELD_INVALID, "revision"),
    (lambda r: r.update(revision=2.0), Code.RECORD_FIELD_INVALID, "revision"),
    (lambda r: r.update(revision=True), Code.RECORD_FIELD_INVALID, "revision"),
    (lambda r: r["tasks"][0].update(progress_pct="100"), Code.RECORD_FIELD_INVALID, "tasks.0.progress_pct"),
    (lambda r: r["tasks"][0].update(progress_pct=101), Code.RECORD_FIELD_INVALID, "tasks.0.progress_pct"),
    (lambda r: r["tasks"][0].update(completed_on="20230315"), Code.RECORD_FIELD_INVALID, "tasks.0.completed_on"),
    (lambda r: r.update(submitted_at="2023-03-20T09:00:00+07:00"), Code.RECORD_FIELD_INVALID, "submitted_at"),
    (lambda r: r.update(submitted_at=0), Code.RECORD_FIELD_INVALID, "submitted_at"),
    (lambda r: r["evidence"][0].update(size=-1), Code.RECORD_FIELD_INVALID, "evidence.0.size"),
    (lambda r: r["unit"].update(name="x" * 201), Code.RECORD_FIELD_INVALID, "unit.name"),
    (lambda r: r.update(indicators={"1a": {}}), Code.RECORD_FIELD_INVALID, "indicators"),
    (lambda r: r.pop("unit"), Code.RECORD_FIELD_INVALID, "unit"),
    (lambda r: r.pop("approved_by"), Code.RECORD_FIELD_INVALID, "approved_by"),
    (lambda r: r.pop("record_version"), Code.RECORD_FIELD_INVALID, "record_version"),
    (lambda r: r["tasks"][0].pop("proposals"), Code.RECORD_FIELD_INVALID, "tasks.0.proposals"),
    (lambda r: r["unit"].pop("kind"), Code.RECORD_FIELD_INVALID, "unit.kind"),
    (lambda r: r["indicators"][0].update(numerator="1e400"), Code.RECORD_QUANTITY_INVALID, "indicators.0.numerator"),
    (lambda r: r["indicators"][0].update(denominator="1,000"), Code.RECORD_QUANTITY_INVALID,
     "indicators.0.denominator"),
    (lambda r: r["indicators"][0].update(numerator=812), Code.RECORD_FIELD_INVALID, "indicators.0.numerator"),
])
def test_malformed_records_are_refused_with_their_own_code(mutate, code, field):
    error = refused(mutate)
    assert (error.code, error.params.get("field")) == (code, field)


def test_the_message_names_the_field_in_plain_words():
    error = refused(lambda r: r["indicators"][0].update(numerator="1e400"))
    assert "chỉ tiêu thứ 1, tử số" in error.message("vi")
    assert "indicator 1, numerator" in error.message("en")
    error = refused(lambda r: r["unit"].update(name="x" * 201))
    assert "tên đơn vị: dài quá 200 ký tự" in error.message("vi")


@pytest.mark.parametrize("version", [2, 0, "1", None, True, 1.0, [1]])
def test_an_unknown_record_version_is_refused(version):
    error = refused(lambda r: r.update(record_version=version))
    assert error.code == Code.RECORD_VERSION_UNKNOWN


@pytest.mark.parametrize(("text", "ok"), [
    ("0", True), ("60", True), ("-5", True), ("75.5", True), ("0.000001", True), ("999999999999999", True),
    ("999999999999999.999999", True),
    ("1e400", False), ("1E3", False), ("01", False), ("1.50", False), ("1.", False), (".5", False), ("-0", False),
    ("+1", False), ("1,5", False), ("1 000", False), ("NaN", False), ("Infinity", False), ("", False),
    ("1000000000000000", False), ("0.0000001", False), ("١٢", False), ("1\n", False),
])
def test_quantities_are_canonical_bounded_decimals(text, ok):
    assert is_quantity(text) is ok


def test_human_text_is_normalised_to_nfc_and_limits_count_nfc_characters():
    nfd_name = unicodedata.normalize("NFD", "Xã Nhân Cơ")
    record = parse_record({**VALID, "unit": {**VALID["unit"], "name": nfd_name}})
    assert record.unit.name == "Xã Nhân Cơ" and unicodedata.is_normalized("NFC", record.unit.name)
    long_nfd = unicodedata.normalize("NFD", "ế" * 200)  # 600 code points in NFD, 200 characters in NFC
    assert parse_record({**VALID, "unit": {**VALID["unit"], "name": long_nfd}}).unit.name == "ế" * 200


def test_building_a_record_from_stored_values_gives_a_typed_error():
    with pytest.raises(DocumentError) as caught, building_record():
        IndicatorRecord(code="2a", value="3", numerator="1e400")
    assert caught.value.code == Code.RECORD_QUANTITY_INVALID
