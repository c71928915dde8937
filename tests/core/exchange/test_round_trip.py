"""Commune → bundle → office, through the services: export, verified import, revisions, diff, receipts."""

from __future__ import annotations

import pytest

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.errors import BundleError, InputError, StateError

from support.stored_evidence import stored_content

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
    assert stored_content(office, evidence_sha(evidence)) == evidence.read_bytes()
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


def test_evidence_changed_after_it_was_hashed_stops_the_export(service, exchange, tmp_path):
    evidence = tmp_path / "anh.jpg"
    evidence.write_bytes(b"\xff\xd8 anh chup" * 50)
    service.add_evidence(P, Q1, "1a", evidence, "lan")
    fill_and_approve(service, exchange)
    (stored,) = service.evidence(P, Q1)
    stored.path.write_bytes(b"altered on disk")
    with pytest.raises(BundleError) as caught:
        exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    assert caught.value.code == "bundle.source_changed"
    assert not (tmp_path / "usb").exists() or not any((tmp_path / "usb").iterdir())
    assert service.period(P, Q1).state is PeriodState.APPROVED


def test_commune_key_rotation_is_vouched_for_by_the_old_key(service, exchange, office, tmp_path):
    with pytest.raises(InputError):
        exchange.generate_key("khóa mới của xã 2026")  # rotation needs the old passphrase
    new_fingerprint = exchange.generate_key("khóa mới của xã 2026", PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / "rotation.json")
    assert office.enroll(tmp_path / "rotation.json") == "24751"  # no phone call: the old key signed it
    fill_and_approve_with(service, exchange, "khóa mới của xã 2026")
    exchange.export(P, Q1, tmp_path / "usb", "khóa mới của xã 2026", "chu_tich")
    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert outcome.status == "accepted"
    assert new_fingerprint != office.root_fingerprint()


def fill_and_approve_with(service, exchange, passphrase):
    for code in ("1a", "1b", "1c", "2d"):
        service.set_indicator(P, Q1, code, {"numerator": "60", "denominator": "100"}, "lan")
    service.set_indicator(P, Q1, "2a", {"value": "3"}, "lan")
    service.set_indicator(P, Q1, "2b", {"value": "1"}, "lan")
    service.set_indicator(P, Q1, "2c", {"value": "x"}, "lan")
    service.submit(P, Q1, "lan")
    exchange.approve(P, Q1, passphrase, "chu_tich")


def test_office_key_rotation_overlap_and_newer_key_list(service, exchange, office, tmp_path):
    office.rotate_encryption_key(PASS_OFFICE)
    office.export_keys(tmp_path / "org-keys-2.json", PASS_OFFICE)
    assert exchange.import_office_keys(tmp_path / "org-keys-2.json").body.list_version == 2
    assert len(exchange.pinned_office().recipients()) == 2  # both keys active during the overlap
    with pytest.raises(BundleError) as older:
        exchange.import_office_keys(tmp_path / "org-keys.json")  # version 1 again
    assert older.value.code == "bundle.org_keys_older_version"
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert outcome.status == "accepted"


def test_export_refuses_an_expired_office_key_list(service, exchange, clock, tmp_path):
    fill_and_approve(service, exchange)
    clock.advance(days=400)  # the key list is valid for 365 days
    with pytest.raises(BundleError) as caught:
        exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    assert caught.value.code == "bundle.org_keys_expired"
    assert service.period(P, Q1).state is PeriodState.APPROVED
