"""Enrolment at the office: rotation vouched for by the previous key, the overlap, and what cannot be enrolled."""

from __future__ import annotations

import pytest

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.keyfiles import make_enrollment
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.errors import BundleError, InputError, StateError
from cds_desktop.core.services.office.enrolment import ROTATION_OVERLAP

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, fill_and_approve

NEW_PASS = "khóa mới của xã 2026"


def rotate(exchange, office, tmp_path, name="rotation.json"):
    exchange.generate_key(NEW_PASS, PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / name)
    return office.enroll(tmp_path / name)


def test_the_claims_of_a_rotation_can_be_shown_before_enrolling(exchange, office, tmp_path):
    """Defect 2: ``enrollment_claims`` verified without the key lookup, so every rotation was 'previous unknown'."""
    fingerprint = exchange.generate_key(NEW_PASS, PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / "rotation.json")
    assert office.enrollment_claims(tmp_path / "rotation.json") == ("24751", "Xã Nhân Cơ", fingerprint, True)
    assert office.enroll(tmp_path / "rotation.json") == "24751"
    assert office.enroll(tmp_path / "rotation.json") == "24751"  # enrolling it again changes nothing


def test_old_key_bundles_are_accepted_during_the_overlap_then_refused_as_retired(
        service, exchange, office, tmp_path, clock):
    fill_and_approve(service, exchange)
    old = exchange.export(P, Q1, tmp_path / "old", PASS_COMMUNE, "chu_tich")
    rotate(exchange, office, tmp_path)

    clock.advance(days=ROTATION_OVERLAP.days + 1)  # the office's clock decides, never the commune's
    (late,) = office.import_bundles([old.path], PASS_OFFICE)
    assert (late.status, late.error.code) == ("rejected", Code.SENDER_KEY_RETIRED)

    clock.advance(days=-2)  # one day before the overlap ends
    (in_time,) = office.import_bundles([old.path], PASS_OFFICE)
    assert in_time.status == "accepted"


def test_a_retired_key_cannot_vouch_for_a_second_successor(exchange, office, tmp_path):
    old_key = exchange.unlock(PASS_COMMUNE)
    rotate(exchange, office, tmp_path)
    fork = make_enrollment(SigningKey.generate(), org="24751", org_name="Xã Nhân Cơ",
                           created_at=office.clock(), previous_key=old_key)
    (tmp_path / "fork.json").write_bytes(fork)
    with pytest.raises(BundleError) as caught:
        office.enroll(tmp_path / "fork.json")
    assert caught.value.code == Code.ENROLLMENT_PREVIOUS_RETIRED


def test_a_revoked_key_is_not_enrolled_again(exchange, office, tmp_path):
    office.revoke("24751")
    fingerprint = office.enrollment_claims(tmp_path / "enrollment.json")[2]
    with pytest.raises(StateError) as caught:
        office.enroll(tmp_path / "enrollment.json", fingerprint)
    assert caught.value.code == "office.key_revoked"


def test_a_key_enrolled_for_one_commune_is_not_enrolled_for_another(exchange, office, tmp_path):
    key = exchange.unlock(PASS_COMMUNE)
    (tmp_path / "other.json").write_bytes(make_enrollment(key, org="24752", org_name="Phường Bắc Gia Nghĩa",
                                                          created_at=office.clock()))
    with pytest.raises(InputError) as caught:
        office.enroll(tmp_path / "other.json", key.public.fingerprint)
    assert caught.value.code == "office.key_of_another_commune"
