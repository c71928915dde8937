"""The office's import: outcomes whose counts add up, every attempt in the import log (accepted ones in the same
transaction as their submission), cancelling, the log's filters, the advice for every refusal code, roles."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import threading
from pathlib import Path

import pytest

import cds_desktop
from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.errors import PermissionDeniedError
from cds_desktop.core.i18n import catalog
from cds_desktop.core.progress import Cancelled, CancelToken
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office import intake
from cds_desktop.core.services.office.import_log import (
    ImportLog,
    OutcomeKind,
    advice_text,
    logged_error,
    outcome_counts,
    summary_text,
)
from cds_desktop.core.services.roles import Role
from support.inbox_bundles import PASS_OFFICE, P, Q1, make_inbox, open_office

PASSWORD = "mật khẩu đủ dài 2025"


@pytest.fixture
def inbox(tmp_path, office_storage):
    return make_inbox(tmp_path / "inbox", office_storage)


@pytest.fixture
def office(inbox, clock):
    service = open_office(inbox.office, clock)
    yield service
    service.close()


def relative(inbox, outcomes) -> list[tuple[str, OutcomeKind, str | None]]:
    return [(o.file.relative_to(inbox.usb).as_posix(), o.kind, o.error.code if o.error else None) for o in outcomes]


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Each file under ``folder``: its SHA-256 and its modification time (ns)."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_outcomes_of_a_folder_add_up_and_every_attempt_is_logged(inbox, office):
    before = snapshot(inbox.usb)
    outcomes = office.import_bundles([inbox.usb], PASS_OFFICE, actor="van_thu")

    assert relative(inbox, outcomes) == [(path, kind, code) for path, (kind, code) in inbox.expected.items()]
    counts = outcome_counts(o.kind for o in outcomes)
    assert counts == {OutcomeKind.NEW_REPORT: 1, OutcomeKind.NEW_REVISION: 1, OutcomeKind.DUPLICATE: 1,
                      OutcomeKind.REFUSED: 4}
    assert sum(counts.values()) == len(outcomes) == len(list(inbox.usb.rglob("*.cdsb")))
    assert summary_text(counts, "vi") == ("7 tệp: 1 báo cáo mới, 1 lần gửi mới của báo cáo đã có, 1 đã nhận trước "
                                          "đây (không cần làm gì), 4 bị từ chối.")
    assert snapshot(inbox.usb) == before  # the user's files: not changed, not moved

    log = office.import_attempts()  # newest first
    assert len(log) == len(outcomes) and len({row.batch_id for row in log}) == 1
    for outcome, row in zip(outcomes, reversed(log), strict=True):
        assert (row.file_name, row.fingerprint) == (outcome.file.name, outcome.fingerprint)
        assert row.file_sha256 == hashlib.sha256(outcome.file.read_bytes()).hexdigest() == outcome.file_sha256
        assert (row.outcome, row.error_code, row.actor) == (
            outcome.kind.value, outcome.error.code if outcome.error else None, "van_thu")
        assert (row.commune_code, row.plan_id, row.period_id, row.revision) == (
            outcome.commune, P, Q1, outcome.revision)
        assert row.submission_id == outcome.submission_id
        if outcome.kind.accepted:
            assert row.submission_id == office.submission("24751", P, Q1, outcome.revision).id
        else:
            assert row.submission_id is None
            error = logged_error(row.error_code, row.error_params_json)
            assert error.message("vi") == outcome.reason("vi") and error.message("en") == outcome.reason("en")
    assert {row.commune_code: row.commune_name for row in log} == {
        "24751": "Xã Nhân Cơ", "24760": None, "25000": None}


def test_each_refusal_says_why_and_what_to_do_in_both_languages(inbox, office):
    outcomes = office.import_bundles([inbox.usb], PASS_OFFICE)
    advice = {o.error.code: (o.advice("vi"), o.advice("en")) for o in outcomes if o.error}
    assert advice[Code.DUPLICATE][0].startswith("Không cần làm gì")
    assert advice[Code.ROLLBACK] == ("Không cần làm gì: cơ quan đã có lần gửi mới hơn của báo cáo này.",
                                     "Nothing to do: the office already has a newer revision of this report.")
    assert "Khóa và xã" in advice["office.commune_not_listed"][0]
    assert "Keys and communes" in advice["office.commune_not_listed"][1]
    assert "xuất lại" in advice[Code.PAYLOAD_CORRUPTED][0]
    assert "cơ quan khác" in advice[Code.NOT_FOR_THIS_OFFICE][0]
    for outcome in outcomes:
        if outcome.error is None:
            assert outcome.reason() == outcome.advice() == ""
        else:
            assert outcome.reason("vi") != outcome.reason("en") and outcome.advice("vi") != outcome.advice("en")
    unlisted = next(o for o in outcomes if o.commune == "24760")
    assert unlisted.reason("vi") == ("Gói báo cáo này do xã mã 24760 gửi, nhưng xã này không có trong danh sách xã "
                                     "của cơ quan.")


def test_unreadable_files_and_software_faults_are_refused_and_logged_too(inbox, office, tmp_path, monkeypatch):
    junk = tmp_path / "junk.cdsb"
    junk.write_bytes(b"not a bundle at all")
    gone = tmp_path / "unplugged" / "gone.cdsb"  # chosen, then the drive was pulled out
    monkeypatch.setattr(intake, "validate_period", lambda *args, **kwargs: 1 / 0)
    outcomes = office.import_bundles([junk, gone, inbox.usb / "24751_mini-plan_2023Q1_r1.cdsb"], PASS_OFFICE)
    assert [(o.file.name, o.kind, o.error.code) for o in outcomes] == [
        ("24751_mini-plan_2023Q1_r1.cdsb", OutcomeKind.REFUSED, Code.IMPORT_FAILED),  # headers read: first
        ("junk.cdsb", OutcomeKind.REFUSED, Code.BAD_MAGIC),  # then by path: …/junk.cdsb, …/unplugged/gone.cdsb
        ("gone.cdsb", OutcomeKind.REFUSED, Code.UNREADABLE)]
    rows = {row.file_name: row for row in office.import_attempts()}
    assert len(rows) == 3 and office.submissions() == []
    assert rows["gone.cdsb"].file_sha256 is None and rows["gone.cdsb"].commune_code is None
    assert rows["junk.cdsb"].file_sha256 == hashlib.sha256(b"not a bundle at all").hexdigest()
    assert rows["junk.cdsb"].commune_code is None  # its header could not be read
    fault = rows["24751_mini-plan_2023Q1_r1.cdsb"]
    assert (fault.outcome, fault.error_code, fault.commune_code) == ("refused", Code.IMPORT_FAILED, "24751")
    assert "ZeroDivisionError" not in logged_error(fault.error_code, fault.error_params_json).message("en")


def test_the_log_never_says_accepted_for_a_report_not_stored(inbox, office, monkeypatch):
    """The accepted file's log row is written in its submission's transaction: if it fails, nothing is stored."""
    write_row = ImportLog._log_attempt

    def failing_for_accepted(self, session, attempt, outcome):
        write_row(self, session, attempt, outcome)
        if outcome.kind.accepted:
            raise RuntimeError("the disk went away after the log row")

    monkeypatch.setattr(ImportLog, "_log_attempt", failing_for_accepted)
    (outcome,) = office.import_bundles([inbox.usb / "24751_mini-plan_2023Q1_r1.cdsb"], PASS_OFFICE)
    assert (outcome.kind, outcome.error.code) == (OutcomeKind.REFUSED, Code.IMPORT_FAILED)
    assert office.submissions() == []
    assert [(row.outcome, row.error_code) for row in office.import_attempts()] == [("refused", Code.IMPORT_FAILED)]


def test_cancelling_keeps_the_files_done_and_leaves_the_rest_untouched(inbox, office):
    token, seen, started = CancelToken(), [], []

    def on_file(file: Path, done: int, total: int) -> None:
        started.append((file.name, done, total))
        if done == 3:  # the fourth file (altered revision 2) is under way when Cancel is pressed
            token.cancel()

    with pytest.raises(Cancelled):
        office.import_bundles([inbox.usb], PASS_OFFICE, token, on_file=on_file, on_outcome=seen.append)
    assert [o.kind for o in seen] == [OutcomeKind.NEW_REPORT, OutcomeKind.DUPLICATE, OutcomeKind.REFUSED]
    assert [(name, done) for name, done, _ in started][-1] == ("24751_mini-plan_2023Q1_r2.cdsb", 3)
    assert {total for _, _, total in started} == {7}
    assert [s.revision for s in office.submissions()] == [1]
    assert len(office.import_attempts()) == 3  # the file under way and the rest: not logged, not stored
    assert not any(office.data_dir.quarantine.iterdir())
    # imported again, the files done are skipped and the rest imported
    again = office.import_bundles([inbox.usb], PASS_OFFICE)
    assert outcome_counts(o.kind for o in again) == {OutcomeKind.NEW_REPORT: 0, OutcomeKind.NEW_REVISION: 1,
                                                     OutcomeKind.DUPLICATE: 2, OutcomeKind.REFUSED: 4}


def test_the_log_filters_by_day_outcome_commune_and_batch(inbox, office, clock):
    office.import_bundles([inbox.usb / "24751_mini-plan_2023Q1_r1.cdsb"], PASS_OFFICE)  # Saturday 20/05/2023
    clock.advance(days=2, hours=14)  # Monday 22/05/2023 23:00 (+07:00): 16:00 UTC, still the 22nd locally
    office.import_bundles([inbox.usb], PASS_OFFICE)
    everything = office.import_attempts()
    assert len(everything) == 8 and everything[0].attempted_at > everything[-1].attempted_at  # newest first
    day = dt.date(2023, 5, 20)
    assert [row.outcome for row in office.import_attempts(until=day)] == ["new_report"]
    assert len(office.import_attempts(since=day + dt.timedelta(days=1))) == 7
    assert len(office.import_attempts(since=dt.date(2023, 5, 22), until=dt.date(2023, 5, 22))) == 7
    assert office.import_attempts(since=dt.date(2023, 5, 23)) == []
    refused = office.import_attempts(outcomes=["refused"])
    assert len(refused) == 4 and {row.outcome for row in refused} == {"refused"}
    assert len(office.import_attempts(outcomes=["new_report", "new_revision"])) == 2
    assert [row.error_code for row in office.import_attempts(commune="24760")] == ["office.commune_not_listed"]
    first_batch = everything[-1].batch_id
    assert [row.file_name for row in office.import_attempts(batch_id=first_batch)] == [
        "24751_mini-plan_2023Q1_r1.cdsb"]
    assert len(office.import_attempts(limit=3)) == 3


def test_a_head_cannot_import_and_nothing_is_logged(inbox, office):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("truongphong", "Trưởng phòng", frozenset({Role.HEAD}), PASSWORD))
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    accounts.sign_in("truongphong", PASSWORD)
    with pytest.raises(PermissionDeniedError) as caught:
        office.import_bundles([inbox.usb], PASS_OFFICE)
    assert caught.value.code == "auth.not_allowed"
    assert office.import_attempts() == [] and office.submissions() == []
    accounts.sign_in("vanthu", PASSWORD)
    office.import_bundles([inbox.usb], PASS_OFFICE, actor="someone else")
    assert {row.actor for row in office.import_attempts()} == {"vanthu"}  # the signed-in clerk, not the name given


def test_two_imports_at_once_log_each_file_of_each(inbox, tmp_path, clock):
    """Two clerks import the same folder at the same time: each file is stored once, each attempt logged."""
    offices = [open_office(inbox.office, clock) for _ in range(2)]
    results, barrier = [], threading.Barrier(2)

    def run(office):
        barrier.wait()
        results.append(office.import_bundles([inbox.usb], PASS_OFFICE))

    threads = [threading.Thread(target=run, args=(office,)) for office in offices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        log = offices[0].import_attempts()
        assert len(log) == 14 and len({row.batch_id for row in log}) == 2
        accepted = [row for row in log if row.outcome in ("new_report", "new_revision")]
        assert sorted(row.revision for row in accepted) == [1, 2]
        assert sorted(s.id for s in offices[0].submissions()) == sorted(row.submission_id for row in accepted)
    finally:
        for office in offices:
            office.close()


# --- advice for every code an import can refuse a file with ---------------------------------------

IMPORT_MODULES = [  # every module an import runs that raises refusals with a code
    "core/bundle/format.py", "core/bundle/frames.py", "core/bundle/manifest.py", "core/bundle/names.py",
    "core/bundle/reader.py", "core/bundle/sequence.py", "core/services/office/intake.py",
    "core/services/office/storing.py",
    "core/services/office/record_checks.py", "core/services/report_record.py",
]


def import_codes(root: Path = Path(cds_desktop.__file__).parent) -> set[str]:
    """The ``bundle.*`` and ``office.*`` codes the import's modules under ``root`` name: ``Code.X`` and literals."""
    codes = set()
    for module in IMPORT_MODULES:
        for node in ast.walk(ast.parse((root / module).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Code":
                codes.add(Code[node.attr].value)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(
                    ("bundle.", "office.")) and node.value.replace(".", "").replace("_", "").isalpha():
                codes.add(node.value)
    return codes | {Code.DUPLICATE.value}  # raised by DuplicateBundleError's constructor


def test_every_code_an_import_can_produce_has_advice_in_both_languages():
    codes = import_codes()
    assert {"office.busy", "office.commune_not_listed", Code.IMPORT_FAILED, Code.SENDER_NOT_ENROLLED,
            Code.RECORD_FIELD_INVALID, Code.PAYLOAD_CORRUPTED, Code.ROLLBACK} <= codes and len(codes) > 60
    messages = catalog()
    missing = sorted(code for code in codes if f"advice.{code}" not in messages)
    assert missing == []
    for code in codes:
        for language in ("vi", "en"):
            assert advice_text(code, language) == messages[f"advice.{code}"][language]
    assert advice_text("bundle.wrong_passphrase", "vi") == messages["advice.other"]["vi"]  # not a file's refusal
    stale = sorted(key for key in messages if key.startswith("advice.") and key != "advice.other"
                   and key.removeprefix("advice.") not in codes)
    assert stale == []


def test_the_scan_of_codes_sees_a_refusal_added_to_the_import(tmp_path):
    """The scan above is not blind: a code newly raised in one of the import's modules is found."""
    root = Path(cds_desktop.__file__).parent
    for module in IMPORT_MODULES:
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text((root / module).read_text(encoding="utf-8"), encoding="utf-8")
    assert import_codes(tmp_path) == import_codes()
    with (tmp_path / "core/services/office/intake.py").open("a", encoding="utf-8") as module:
        module.write('\n\ndef later():\n    raise BundleError("office.quota_exceeded", file="x")\n')
    with (tmp_path / "core/bundle/reader.py").open("a", encoding="utf-8") as module:
        module.write("\n\ndef later():\n    raise BundleError(Code.RECEIPT_INVALID)\n")
    assert import_codes(tmp_path) - import_codes() == {"office.quota_exceeded", Code.RECEIPT_INVALID}
