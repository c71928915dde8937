"""Commune → bundle → office, through the services: export, verified import, revisions, diff, receipts."""

from __future__ import annotations

import pytest

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.errors import BundleError, InputError, StateError

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, fill_and_approve


def test_export_import_accept_round_trip(service, exchange, office, tmp_path):
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban nghiem thu" * 100)
    service.add_evidence(P, Q1, "1a", evidence, "lan")
    fill_and_approve(service, exchange)
    written = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    assert written.path.name == "24751_mini-plan_2023Q1_r1.cdsb"
    assert service.period(P, Q1).state is PeriodState.EXPORTED

    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert (outcome.status, outcome.commune, outcome.revision) == ("accepted", "24751", 1)
    submission = office.submission("24751", P, Q1)
    values = office.submission_values(submission.id)
    assert values["1a"]["numerator"] == "60" and values["1a"]["result"] == "60.00"
    assert office.evidence_store.path_of(evidence_sha(evidence)).read_bytes() == evidence.read_bytes()
    assert {(p.code, p.item_code) for p in office.problems(submission.id)} == {
        ("indicator.target_not_met", "1a"), ("indicator.target_not_met", "2d")}

    (again,) = office.import_bundles([written.path], PASS_OFFICE)
    assert again.status == "duplicate" and again.error.code == "bundle.duplicate"

    office.receipt("24751", P, Q1, tmp_path / "receipt.json", PASS_OFFICE, "van_thu")
    exchange.import_receipt(tmp_path / "receipt.json", "lan")
    view = service.period(P, Q1)
    assert (view.office_status, view.state) == ("accepted", PeriodState.EXPORTED)


def evidence_sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_revision_supersedes_and_diff_shows_changes(service, exchange, office, tmp_path):
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "r1", PASS_COMMUNE, "chu_tich")
    service.set_indicator(P, Q1, "1a", {"numerator": "85"}, "lan")  # starts revision 2
    service.submit(P, Q1, "lan")
    exchange.approve(P, Q1, PASS_COMMUNE, "chu_tich")
    exchange.export(P, Q1, tmp_path / "r2", PASS_COMMUNE, "chu_tich")
    outcomes = office.import_bundles([tmp_path / "r2", tmp_path / "r1"], PASS_OFFICE)
    assert [(o.file.parent.name, o.status) for o in outcomes] == [("r1", "accepted"), ("r2", "accepted")]
    assert office.submission("24751", P, Q1).revision == 2
    assert [s.is_current for s in office.submissions(P, Q1)] == [False, True]
    changes = office.diff("24751", P, Q1, 1, 2)
    assert [(c.item, c.field, c.old, c.new) for c in changes] == [
        ("1a", "numerator", "60", "85"), ("1a", "result", "60.00", "85.00")]
    # the older revision arriving again is a duplicate; a never-seen older one would be a rollback
    (late,) = office.import_bundles([tmp_path / "r1"], PASS_OFFICE)
    assert late.status == "duplicate"


def test_a_gap_in_the_chain_is_refused_until_the_missing_revision_arrives(service, exchange, office, tmp_path):
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "r1", PASS_COMMUNE, "chu_tich")
    service.set_indicator(P, Q1, "1a", {"numerator": "85"}, "lan")
    service.submit(P, Q1, "lan")
    exchange.approve(P, Q1, PASS_COMMUNE, "chu_tich")
    exchange.export(P, Q1, tmp_path / "r2", PASS_COMMUNE, "chu_tich")
    (gap,) = office.import_bundles([tmp_path / "r2"], PASS_OFFICE)
    assert gap.status == "rejected" and gap.error.code == "bundle.broken_chain"
    assert [o.status for o in office.import_bundles([tmp_path / "r1", tmp_path / "r2"], PASS_OFFICE)] == [
        "accepted", "accepted"]


def test_tampered_bundle_is_rejected_and_nothing_is_stored(service, exchange, office, tmp_path):
    fill_and_approve(service, exchange)
    written = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    data = bytearray(written.path.read_bytes())
    data[-100] ^= 0x01
    tampered = tmp_path / "tampered.cdsb"
    tampered.write_bytes(bytes(data))
    (outcome,) = office.import_bundles([tampered], PASS_OFFICE)
    assert outcome.status == "rejected" and outcome.error.code.startswith("bundle.")
    assert outcome.error.message("vi") and outcome.error.message("en")
    assert office.submissions() == []
    assert not any(office.data_dir.quarantine.iterdir())


def test_revoked_commune_is_refused(service, exchange, office, tmp_path):
    fill_and_approve(service, exchange)
    written = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    assert office.revoke("24751") == 1
    (outcome,) = office.import_bundles([written.path], PASS_OFFICE)
    assert outcome.error.code == "bundle.sender_key_revoked"


def test_returned_receipt_reopens_the_period_with_the_reason(service, exchange, office, tmp_path):
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    office.receipt("24751", P, Q1, tmp_path / "r.json", PASS_OFFICE, "van_thu",
                   returned_reason="Thiếu biên bản nghiệm thu chỉ tiêu 1a")
    exchange.import_receipt(tmp_path / "r.json", "lan")
    view = service.period(P, Q1)
    assert (view.state, view.revision, view.office_status) == (PeriodState.DRAFT, 2, "returned")
    assert view.office_reason == "Thiếu biên bản nghiệm thu chỉ tiêu 1a"


def test_guards(service, exchange, office, tmp_path):
    with pytest.raises(StateError):
        exchange.export(P, Q1, tmp_path, PASS_COMMUNE, "chu_tich")  # not approved
    service.set_indicator(P, Q1, "1a", {"numerator": "60", "denominator": "100"}, "lan")
    with pytest.raises(BundleError) as wrong:
        exchange.approve(P, Q1, "sai mật khẩu!!", "chu_tich")
    assert wrong.value.code == "bundle.wrong_passphrase"
    with pytest.raises(InputError) as mismatch:
        office.enroll(tmp_path / "enrollment.json", "AAAA BBBB")
    assert mismatch.value.code in ("keys.fingerprint_mismatch",)
