"""Org-keys files (pinned office root) and commune enrollments with key rotation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bundle_golden import COMMUNES, EXPIRES_AT, ISSUED_AT, OFFICE_INFO
from bundle_helpers import (
    COMMUNE,
    COMMUNE_KEY,
    COMMUNE_NEXT_KEY,
    OFFICE,
    OFFICE_KEY,
    OFFICE_NEXT_KEY,
    OFFICE_ROOT,
    OTHER_COMMUNE_KEY,
    enrolled,
    refusal,
)

from cds_desktop.core.bundle import (
    Code,
    EncryptionKeyStatus,
    KeyStatus,
    OrgKeys,
    PublicKey,
    SigningKey,
    make_enrollment,
    org_keys_root_fingerprint,
    sign_org_keys,
    verify_enrollment,
    verify_org_keys,
)
from cds_desktop.core.bundle.canonical import encode
from cds_desktop.core.bundle.keyfiles import EnrollmentBody
from cds_desktop.core.bundle.signed import seal

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
PIN = OFFICE_ROOT.public.fingerprint


ALL_KEYS = [(OFFICE_KEY.public, EncryptionKeyStatus.ACTIVE), (OFFICE_NEXT_KEY.public, EncryptionKeyStatus.RETIRED)]


def org_keys(
    list_version: int = 3,
    root: SigningKey = OFFICE_ROOT,
    expires_at: dt.datetime = EXPIRES_AT,
    encryption_keys: list[tuple[PublicKey, EncryptionKeyStatus]] = ALL_KEYS,
) -> bytes:
    return sign_org_keys(
        root,
        office=OFFICE_INFO,
        list_version=list_version,
        issued_at=ISSUED_AT,
        expires_at=expires_at,
        encryption_keys=encryption_keys,
        communes=COMMUNES,
    )


@pytest.fixture(scope="module")
def current() -> OrgKeys:
    return verify_org_keys(org_keys(), pinned_root=PIN, now=NOW)


def test_org_keys_give_the_active_keys_as_recipients(current: OrgKeys) -> None:
    recipients = current.recipients()

    assert [(r.org, r.key) for r in recipients] == [(OFFICE, OFFICE_KEY.public)]
    assert [(c.code, c.name) for c in current.body.communes][0] == (COMMUNE, "Xã Nhân Cơ")
    assert current.root == OFFICE_ROOT.public


def test_root_fingerprint_can_be_read_before_pinning() -> None:
    assert org_keys_root_fingerprint(org_keys()) == PIN


def test_pin_may_be_typed_loosely() -> None:
    verify_org_keys(org_keys(), pinned_root=PIN.lower().replace(" ", "-"), now=NOW)


def test_newer_list_replaces_the_current_one(current: OrgKeys) -> None:
    newer = verify_org_keys(org_keys(list_version=4), pinned_root=PIN, now=NOW, current=current)

    assert newer.body.list_version == 4


def test_the_same_file_again_is_accepted(current: OrgKeys) -> None:
    assert verify_org_keys(current.data, pinned_root=PIN, now=NOW, current=current) == current


def test_lower_version_is_refused(current: OrgKeys) -> None:
    assert (
        refusal(verify_org_keys, org_keys(list_version=2), pinned_root=PIN, now=NOW, current=current).code
        == Code.ORG_KEYS_OLDER_VERSION
    )


def test_same_version_with_other_content_is_refused(current: OrgKeys) -> None:
    other = org_keys(encryption_keys=[(OFFICE_NEXT_KEY.public, EncryptionKeyStatus.ACTIVE)])

    assert (
        refusal(verify_org_keys, other, pinned_root=PIN, now=NOW, current=current).code == Code.ORG_KEYS_OLDER_VERSION
    )


def test_expired_list_is_refused() -> None:
    expired = org_keys(expires_at=NOW - dt.timedelta(days=1))

    assert refusal(verify_org_keys, expired, pinned_root=PIN, now=NOW).code == Code.ORG_KEYS_EXPIRED


def test_list_signed_by_another_root_is_refused() -> None:
    impostor = SigningKey.generate()

    assert (
        refusal(verify_org_keys, org_keys(root=impostor), pinned_root=PIN, now=NOW).code == Code.ORG_KEYS_ROOT_MISMATCH
    )


def test_altered_list_has_a_bad_signature() -> None:
    document = json.loads(org_keys())
    document["body"]["list_version"] = 99

    assert refusal(verify_org_keys, encode(document), pinned_root=PIN, now=NOW).code == Code.ORG_KEYS_BAD_SIGNATURE


def test_pinned_root_claimed_but_signed_by_another_key() -> None:
    document = json.loads(org_keys(root=SigningKey.generate()))
    document["body"]["root_key"] = json.loads(org_keys())["body"]["root_key"]

    assert refusal(verify_org_keys, encode(document), pinned_root=PIN, now=NOW).code == Code.ORG_KEYS_BAD_SIGNATURE


def test_list_without_an_active_key_is_invalid() -> None:
    error = refusal(org_keys, encryption_keys=[(OFFICE_KEY.public, EncryptionKeyStatus.RETIRED)])

    assert error.code == Code.ORG_KEYS_INVALID


def test_malformed_org_keys_file() -> None:
    assert refusal(verify_org_keys, b"{}", pinned_root=PIN, now=NOW).code == Code.ORG_KEYS_INVALID


def test_enrollment_is_self_signed() -> None:
    enrollment = verify_enrollment(
        make_enrollment(COMMUNE_KEY, org=COMMUNE, org_name="Xã Nhân Cơ", created_at=ISSUED_AT)
    )

    assert enrollment.key == COMMUNE_KEY.public
    assert enrollment.body.org == COMMUNE
    assert enrollment.previous is None


def test_enrollment_of_a_swapped_public_key_is_refused() -> None:
    document = json.loads(make_enrollment(COMMUNE_KEY, org=COMMUNE, org_name="Xã Nhân Cơ", created_at=ISSUED_AT))
    other = json.loads(make_enrollment(OTHER_COMMUNE_KEY, org=COMMUNE, org_name="Xã Nhân Cơ", created_at=ISSUED_AT))
    document["body"].update(public_key=other["body"]["public_key"], key_id=other["body"]["key_id"])
    document["signatures"][0]["key_id"] = other["body"]["key_id"]

    assert refusal(verify_enrollment, encode(document)).code == Code.ENROLLMENT_BAD_SIGNATURE


def test_malformed_enrollment() -> None:
    assert refusal(verify_enrollment, b"not json").code == Code.ENROLLMENT_INVALID


def rotation(previous: SigningKey = COMMUNE_KEY) -> bytes:
    return make_enrollment(
        COMMUNE_NEXT_KEY, org=COMMUNE, org_name="Xã Nhân Cơ", created_at=ISSUED_AT, previous_key=previous
    )


def test_rotation_vouched_for_by_the_previous_key() -> None:
    enrollment = verify_enrollment(rotation(), lookup_key=enrolled(COMMUNE_KEY))

    assert enrollment.key == COMMUNE_NEXT_KEY.public
    assert enrollment.previous is not None and enrollment.previous.key == COMMUNE_KEY.public


def test_rotation_from_an_unknown_key() -> None:
    assert (
        refusal(verify_enrollment, rotation(OTHER_COMMUNE_KEY), lookup_key=enrolled(COMMUNE_KEY)).code
        == Code.ENROLLMENT_PREVIOUS_UNKNOWN
    )


def test_rotation_without_a_lookup_cannot_be_trusted() -> None:
    assert refusal(verify_enrollment, rotation()).code == Code.ENROLLMENT_PREVIOUS_UNKNOWN


def test_revoked_key_cannot_vouch_for_a_new_one() -> None:
    error = refusal(verify_enrollment, rotation(), lookup_key=enrolled(COMMUNE_KEY, KeyStatus.REVOKED))

    assert error.code == Code.ENROLLMENT_PREVIOUS_REVOKED


def test_a_retired_key_cannot_vouch_for_another_successor() -> None:
    error = refusal(verify_enrollment, rotation(), lookup_key=enrolled(COMMUNE_KEY, KeyStatus.RETIRED))

    assert error.code == Code.ENROLLMENT_PREVIOUS_RETIRED


def test_rotation_signed_by_a_key_other_than_the_named_one() -> None:
    """A forger holding the new key names the enrolled key as the previous one but cannot sign with it."""
    body = EnrollmentBody.model_validate(json.loads(rotation())["body"])
    document = json.loads(seal(body, [COMMUNE_NEXT_KEY, OTHER_COMMUNE_KEY]))
    document["signatures"][1]["key_id"] = COMMUNE_KEY.public.key_id

    error = refusal(verify_enrollment, encode(document), lookup_key=enrolled(COMMUNE_KEY))

    assert error.code == Code.ENROLLMENT_ROTATION_BAD_SIGNATURE
