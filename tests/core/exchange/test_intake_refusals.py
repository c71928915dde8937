"""The office refuses validly signed bundles whose record is wrong, each with its own code, and changes nothing.

Every bundle here is signed by the commune's real, enrolled key (``forging.RecordForge``): the signature checks
pass, so only the office's record-level checks (docs/bundle-format.md §16) stand between it and the database.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata

import pytest

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.errors import CdsError
from cds_desktop.core.services.office import intake

from support.stored_evidence import stored_content

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1
from .forging import attachment_for, build_world, office_digest, unfilled


@pytest.fixture
def world(tmp_path):
    """A commune with evidence and an approved period, and its office (fresh for tests that import)."""
    world = build_world(tmp_path / "world")
    yield world
    world.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The same, once for the module: only for tests whose bundles are all refused (nothing changes)."""
    world = build_world(tmp_path_factory.mktemp("shared"))
    yield world
    world.close()


@pytest.fixture
def forge(world):
    return world.forge


@pytest.fixture
def office(world):
    return world.office


@pytest.fixture
def exchange(world):
    return world.exchange


def indicator(record, code):
    return next(i for i in record["indicators"] if i["code"] == code)


def other_file(tmp_path, content=b"another file altogether"):
    path = tmp_path / "other.bin"
    path.write_bytes(content)
    return path


def test_a_bad_file_is_refused_alone_and_the_batch_goes_on(forge, exchange, office, tmp_path):
    """Defect 1: a numerator of 1e400 ended the whole import with decimal.InvalidOperation."""
    good = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    bad = forge.copy()
    bad.period_id = "2023Q2"
    bad.record.update(period_id="2023Q2", evidence=[])
    indicator(bad.record, "1a")["numerator"] = "1e400"
    bad.sign(tmp_path / "usb", attachments=[])

    outcomes = {o.file.name: o for o in office.import_bundles([tmp_path / "usb"], PASS_OFFICE)}

    assert outcomes[good.path.name].status == "accepted"
    refused = outcomes["24751_mini-plan_2023Q2_r1.cdsb"]
    assert refused.status == "rejected" and refused.error.code == Code.RECORD_QUANTITY_INVALID
    assert "chỉ tiêu thứ 1, tử số" in refused.error.message("vi")


def test_an_unexpected_failure_is_that_files_refusal_and_is_logged(forge, office, tmp_path, monkeypatch, caplog):
    forge.sign(tmp_path / "usb")
    second = forge.copy()
    second.period_id = "2023Q2"
    second.record.update(period_id="2023Q2", evidence=[])
    second.sign(tmp_path / "usb", attachments=[])
    real = intake.validate_period

    def failing_once(plan, entries, *args, **kwargs):  # a bug in the validation of the first file only
        if "1a" in entries.evidence_counts:
            raise ZeroDivisionError("a bug")
        return real(plan, entries, *args, **kwargs)

    monkeypatch.setattr(intake, "validate_period", failing_once)
    with caplog.at_level(logging.ERROR, logger=intake.__name__):
        first, other = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)

    assert (first.status, first.error.code) == ("rejected", Code.IMPORT_FAILED)
    incident = first.error.params["incident"]
    assert incident in first.error.message("vi") and "Traceback" not in first.error.message("en")
    assert other.status == "accepted"
    (logged,) = [r for r in caplog.records if incident in r.getMessage()]
    assert logged.exc_info[0] is ZeroDivisionError


def refusal_of(office, path):
    before = office_digest(office)
    (outcome,) = office.import_bundles([path], PASS_OFFICE)
    assert outcome.status == "rejected", outcome
    assert isinstance(outcome.error, CdsError)
    for language in ("vi", "en"):
        assert unfilled(outcome.error, language) == set(), outcome.error.message(language)
    assert office_digest(office) == before
    assert not any(office.data_dir.quarantine.iterdir())
    return outcome.error.code


def mutated(change):
    def apply(forge, tmp_path):
        twin = forge.copy()
        kwargs = change(twin, tmp_path) or {}
        return twin.sign(tmp_path / "out", **kwargs).path
    return apply


CASES = {
    "indicator not in the plan": (lambda f, t: f.record["indicators"].append(
        {**indicator(f.record, "1a"), "code": "9z"}), Code.RECORD_INDICATOR_UNKNOWN),
    "indicator not for communes": (lambda f, t: f.record["indicators"].append(
        {**indicator(f.record, "1a"), "code": "1d"}), Code.RECORD_INDICATOR_UNKNOWN),
    "same indicator twice": (lambda f, t: f.record["indicators"].append(
        {**indicator(f.record, "1a"), "numerator": "99"}), Code.RECORD_DUPLICATE_ITEM),
    "task heading": (lambda f, t: f.record["tasks"].append(
        {"code": "T2", "status": "in_progress", "progress_pct": 50, "completed_on": None, "result": None,
         "difficulties": None, "proposals": None}), Code.RECORD_TASK_UNKNOWN),
    "district task": (lambda f, t: f.record["tasks"].append(
        {"code": "T3", "status": "in_progress", "progress_pct": 50, "completed_on": None, "result": None,
         "difficulties": None, "proposals": None}), Code.RECORD_TASK_UNKNOWN),
    "same task twice": (lambda f, t: f.record["tasks"].extend(
        [{"code": "T1", "status": "in_progress", "progress_pct": p, "completed_on": None, "result": None,
          "difficulties": None, "proposals": None} for p in (10, 20)]), Code.RECORD_DUPLICATE_ITEM),
    "unknown extra record": (lambda f, t: {"records": {"report.json": f.record, "extra.json": {"a": 1}}},
                             Code.RECORD_UNKNOWN),
    "no record": (lambda f, t: {"records": {}}, Code.RECORD_MISSING),
    "record under another name": (lambda f, t: {"records": {"report-v2.json": f.record}}, Code.RECORD_UNKNOWN),
    "schema version unknown": (lambda f, t: {"schema_version": 2}, Code.SCHEMA_VERSION_UNKNOWN),
    "record version unknown": (lambda f, t: f.record.update(record_version=2), Code.RECORD_VERSION_UNKNOWN),
    "unknown field": (lambda f, t: f.record.update(comment="x"), Code.RECORD_UNKNOWN_FIELD),
    "another commune's record": (lambda f, t: f.record["unit"].update(commune_code="24752"),
                                 Code.RECORD_OTHER_COMMUNE),
    "another province": (lambda f, t: f.record["unit"].update(province_code="67"), Code.RECORD_UNIT_MISMATCH),
    "record of another plan": (lambda f, t: f.record.update(plan_id="other-plan"), Code.RECORD_SERIES_MISMATCH),
    "record of another period": (lambda f, t: f.record.update(period_id="2023Q2"), Code.RECORD_SERIES_MISMATCH),
    "revision differs": (lambda f, t: (f.record.update(revision=2), {"revision": 1})[1],
                         Code.RECORD_REVISION_MISMATCH),
    "plan unknown": (lambda f, t: (f.record.update(plan_id="other-plan"),
                                   {"series": Series(commune="24751", plan="other-plan", period=Q1)})[1],
                     Code.PLAN_UNKNOWN),
    "plan version differs": (lambda f, t: f.record.update(plan_version=2), Code.PLAN_VERSION_MISMATCH),
    "period not scheduled": (lambda f, t: (f.record.update(period_id="2030Q1"),
                                           {"series": Series(commune="24751", plan=P, period="2030Q1")})[1],
                             Code.PERIOD_UNKNOWN),
    "count not a number": (lambda f, t: indicator(f.record, "2a").update(value="3 người"),
                           Code.RECORD_QUANTITY_INVALID),
    "numerator with exponent": (lambda f, t: indicator(f.record, "1a").update(numerator="6E+1"),
                                Code.RECORD_QUANTITY_INVALID),
    "evidence for an unknown item": (lambda f, t: f.record["evidence"][0].update(item="9z"),
                                     Code.RECORD_EVIDENCE_ITEM_UNKNOWN),
    "evidence listed twice": (lambda f, t: f.record["evidence"].append(dict(f.record["evidence"][0])),
                              Code.RECORD_DUPLICATE_ITEM),
    "evidence without its file": (lambda f, t: {"attachments": []}, Code.RECORD_EVIDENCE_MISSING),
    "evidence of another size": (lambda f, t: f.record["evidence"][0].update(size=1), Code.RECORD_EVIDENCE_SIZE_MISMATCH),
    "file no evidence item names": (lambda f, t: {"attachments": [*f.attachments, attachment_for(other_file(t))]},
                                    Code.ATTACHMENT_UNREFERENCED),
    "file not named by its hash": (lambda f, t: {"attachments": [*f.attachments,
                                                                  attachment_for(other_file(t), "notes.txt")]},
                                   Code.ATTACHMENT_NAME_INVALID),
    "evidence named after other content": (  # defect 3: evidence/<sha256 of A> holding the bytes of B
        lambda f, t: {"attachments": [attachment_for(other_file(t), f.attachments[0].name)]},
        Code.ATTACHMENT_NAME_MISMATCH),
    "evidence swapped for other content": (
        lambda f, t: (f.record["evidence"][0].update(
            sha256=hashlib.sha256(other_file(t).read_bytes()).hexdigest()), None)[1],
        Code.RECORD_EVIDENCE_MISSING),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_signed_record_that_is_wrong_is_refused_with_its_own_code(case, shared, tmp_path):
    change, code = CASES[case]
    assert refusal_of(shared.office, mutated(change)(shared.forge, tmp_path)) == code


def test_the_unchanged_forge_is_accepted(forge, office, tmp_path):
    """The control: without a change, the re-signed record is imported (so the refusals above are the checks')."""
    (outcome,) = office.import_bundles([forge.sign(tmp_path / "out").path], PASS_OFFICE)
    assert outcome.status == "accepted"
    rows = office.submission_evidence(office.submission("24751", P, Q1).id)
    assert [(r.item_code, r.name) for r in rows] == [("1a", "bien-ban.pdf"), ("T1", "anh-chup.jpg")]
    for row in rows:  # every evidence row points at a stored file with exactly that content
        content = stored_content(office, row.sha256)
        assert (hashlib.sha256(content).hexdigest(), len(content)) == (row.sha256, row.size)


def test_a_report_on_a_built_in_plan_the_office_refused_is_refused_until_accepted_again(forge, office, tmp_path):
    """The office's own plans (``services/office/plans.py``): built-in plans are accepted unless refused."""
    path = forge.sign(tmp_path / "out").path
    office.set_builtin_plan_accepted(P, False)
    assert refusal_of(office, path) == Code.PLAN_NOT_PUBLISHED
    office.set_builtin_plan_accepted(P, True)
    (outcome,) = office.import_bundles([path], PASS_OFFICE)
    assert outcome.status == "accepted"


def test_human_text_in_nfd_is_stored_in_nfc(forge, office, tmp_path):
    nfd = unicodedata.normalize("NFD", "Mô hình chợ 4.0 ở Đắk Nông")
    indicator(forge.record, "2c").update(value=nfd, note=nfd)
    forge.record["evidence"][0]["name"] = unicodedata.normalize("NFD", "biên bản.pdf")
    (outcome,) = office.import_bundles([forge.sign(tmp_path / "out").path], PASS_OFFICE)
    assert outcome.status == "accepted"
    submission = office.submission("24751", P, Q1)
    values = office.submission_values(submission.id)["2c"]
    assert values["value"] == values["note"] == "Mô hình chợ 4.0 ở Đắk Nông"
    assert unicodedata.is_normalized("NFC", values["value"])
    row = office.submission_evidence(submission.id)[0]
    assert row.name == "biên bản.pdf" and unicodedata.is_normalized("NFC", row.name)


def test_a_folder_of_ten_revisions_is_imported_in_revision_order(forge, office, tmp_path):
    """Defect 7: by file name r10 came right after r1 and was refused as a broken chain."""
    previous = None
    for revision in range(1, 11):
        forge.record["revision"] = revision
        indicator(forge.record, "1a")["numerator"] = str(50 + revision)
        previous = forge.sign(tmp_path / "usb", revision=revision, previous=previous).manifest_sha256

    outcomes = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)

    assert [(o.revision, o.status) for o in outcomes] == [(r, "accepted") for r in range(1, 11)]
    assert office.submission("24751", P, Q1).revision == 10


def test_unreadable_files_still_get_their_refusal(forge, office, tmp_path):
    forge.sign(tmp_path / "usb")
    (tmp_path / "usb" / "0-broken.cdsb").write_bytes(b"\x89CDSB\r\n\x1a\n\x01")
    (tmp_path / "usb" / "a-text.cdsb").write_text("not a bundle")
    outcomes = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert [(o.file.name, o.status, o.error.code if o.error else None) for o in outcomes] == [
        ("24751_mini-plan_2023Q1_r1.cdsb", "accepted", None),
        ("0-broken.cdsb", "rejected", Code.HEADER_TRUNCATED),
        ("a-text.cdsb", "rejected", Code.BAD_MAGIC),
    ]


def test_a_bundle_id_used_by_another_accepted_bundle_is_refused(forge, office, tmp_path):
    first = forge.sign(tmp_path / "q1")
    assert office.import_bundles([first.path], PASS_OFFICE)[0].status == "accepted"
    other = forge.copy()
    other.period_id = "2023Q2"
    other.record.update(period_id="2023Q2", evidence=[])
    second = other.sign(tmp_path / "q2", attachments=[], bundle_id=first.bundle_id)
    assert second.bundle_id == first.bundle_id
    before = office_digest(office)
    (outcome,) = office.import_bundles([second.path], PASS_OFFICE)
    assert (outcome.status, outcome.error.code) == ("rejected", Code.BUNDLE_ID_REUSED)
    assert office_digest(office) == before


def test_a_database_locked_by_another_writer_refuses_the_file_as_busy_and_the_batch_goes_on(
        forge, office, tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setattr(intake, "STORE_ATTEMPTS", 2)  # each attempt waits for SQLite's busy timeout (5 s)
    monkeypatch.setattr(intake, "RETRY_PAUSE_SECONDS", 0.01)
    forge.sign(tmp_path / "usb")
    (tmp_path / "usb" / "junk.cdsb").write_bytes(b"junk")
    other_writer = sqlite3.connect(office.data_dir.database)
    other_writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock the whole time
    try:
        first, second = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    finally:
        other_writer.rollback()
        other_writer.close()
    assert (first.status, first.error.code) == ("rejected", "office.busy")
    assert "cds_desktop" not in first.error.message("en") and first.file.name in first.error.message("vi")
    assert (second.status, second.error.code) == ("rejected", Code.BAD_MAGIC)
    (again,) = office.import_bundles([first.file], PASS_OFFICE)  # once the lock is gone: imported
    assert again.status == "accepted"
