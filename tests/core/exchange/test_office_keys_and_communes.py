"""The keys-and-communes screen's services, with real key files made by real commune services: the communes' list
with key states and last report (one SQL query), what an enrolment file asks before enrolling, the office's
encryption keys, the key file with its letter (PDF text checked with pypdf), and who may do it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.dialects import postgresql

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.keyfiles import make_enrollment
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.errors import BundleError, InputError, PermissionDeniedError
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.key_letter import export_keys_with_letter
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.queries.office_communes import (
    ENROLLED,
    KEY_ROTATED,
    NOT_ENROLLED,
    REVOKED,
    office_communes_query,
)

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, fill_and_approve

NEW_PASS = "khóa mới của xã 2026"
PASSWORD = "mật khẩu đủ dài 2025"


def _states(office) -> dict[str, str]:
    return {row.code: row.key_state for row in office.commune_list()}


def test_the_list_follows_each_commune_through_enrolment_rotation_report_and_revocation(
        office, service, exchange, tmp_path, later):
    first = exchange.active_key().key_id
    rows = {row.code: row for row in office.commune_list()}
    assert _states(office) == {"24751": ENROLLED, "24752": NOT_ENROLLED}
    assert (rows["24751"].name, rows["24751"].province_code, rows["24751"].key_id) == ("Xã Nhân Cơ", "68", first)
    assert rows["24752"].key_id is None and rows["24752"].last_plan_id is None

    fill_and_approve(service, exchange)
    bundle = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    received = later(2)
    (outcome,) = office.import_bundles([bundle.path], PASS_OFFICE)
    assert outcome.status == "accepted"
    row = next(r for r in office.commune_list() if r.code == "24751")
    assert (row.last_plan_id, row.last_period_id, row.last_revision) == (P, Q1, 1)
    assert row.last_received_at == received

    exchange.generate_key(NEW_PASS, PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / "rotation.json")
    office.enroll(tmp_path / "rotation.json")
    row = next(r for r in office.commune_list() if r.code == "24751")
    assert row.key_state == KEY_ROTATED and row.key_id == exchange.active_key().key_id != first
    assert row.last_revision == 1  # the report stays

    assert office.revoke("24751") == 2
    row = next(r for r in office.commune_list() if r.code == "24751")
    assert (row.key_state, row.key_id) == (REVOKED, None)


def test_the_list_query_is_standard_sql_that_postgresql_compiles():
    sql = str(office_communes_query().compile(dialect=postgresql.dialect()))
    assert "row_number() OVER (PARTITION BY submission.commune_code" in sql
    assert "LEFT OUTER JOIN" in sql and "datetime(" not in sql and "strftime" not in sql


def test_the_preview_shows_what_a_first_key_and_a_rotation_ask(office, service, exchange, tmp_path):
    first = office.enrollment_preview(tmp_path / "enrollment.json")
    assert (first.commune_code, first.claimed_name, first.listed_name) == ("24751", "Xã Nhân Cơ", "Xã Nhân Cơ")
    assert first.fingerprint == exchange.unlock(PASS_COMMUNE).public.fingerprint
    assert not first.rotation and first.already_enrolled  # the fixture enrolled it

    old = exchange.unlock(PASS_COMMUNE).public.fingerprint
    new = exchange.generate_key(NEW_PASS, PASS_COMMUNE)
    exchange.export_enrollment(tmp_path / "rotation.json")
    rotation = office.enrollment_preview(tmp_path / "rotation.json")
    assert (rotation.rotation, rotation.fingerprint, rotation.previous_fingerprint) == (True, new, old)
    assert not rotation.already_enrolled
    assert _states(office)["24751"] == ENROLLED  # a preview writes nothing


def test_the_preview_refuses_what_enroll_would(office, exchange, tmp_path):
    stranger = make_enrollment(SigningKey.generate(), org="24999", org_name="Xã Lạ", created_at=office.clock())
    (tmp_path / "stranger.json").write_bytes(stranger)
    with pytest.raises(InputError) as caught:
        office.enrollment_preview(tmp_path / "stranger.json")
    assert caught.value.code == "office.unknown_commune"
    forged = make_enrollment(SigningKey.generate(), org="24751", org_name="Xã Nhân Cơ", created_at=office.clock(),
                             previous_key=SigningKey.generate())  # "vouched" by a key the office never enrolled
    (tmp_path / "forged.json").write_bytes(forged)
    with pytest.raises(BundleError) as caught:
        office.enrollment_preview(tmp_path / "forged.json")
    assert caught.value.code == Code.ENROLLMENT_PREVIOUS_UNKNOWN
    tampered = (tmp_path / "enrollment.json").read_bytes().replace("Nhân Cơ".encode(), "Nhân Ca".encode())
    (tmp_path / "tampered.json").write_bytes(tampered)
    with pytest.raises(BundleError):
        office.enrollment_preview(tmp_path / "tampered.json")


def test_encryption_keys_rotate_and_retire(office, later):
    (first,) = office.encryption_keys()
    assert first.status == "active" and first.fingerprint.replace(" ", "") == first.key_id
    later(1)
    new = office.rotate_encryption_key(PASS_OFFICE)
    keys = office.encryption_keys()
    assert [k.status for k in keys] == ["active", "active"] and keys[1].fingerprint == new
    office.retire_encryption_key(first.key_id)
    assert [(k.key_id, k.status) for k in office.encryption_keys()] == [(first.key_id, "retired"),
                                                                         (keys[1].key_id, "active")]
    assert office.encryption_keys()[0].retired_at is not None


def test_the_key_file_and_its_letter_carry_the_root_fingerprint(office, tmp_path):
    exported = export_keys_with_letter(office, tmp_path / "khoa-so-68.json", PASS_OFFICE, "vi",
                                       signer="Nguyễn Văn Giám")
    assert exported.key_file.is_file() and exported.list_version == 1
    assert exported.letter.path == tmp_path / "khoa-so-68-cong-van.pdf" and exported.letter.warnings == ()
    assert exported.fingerprint == office.root_fingerprint()
    reader = PdfReader(exported.letter.path)
    assert len(reader.pages) == 1  # one page, to print and keep
    text = " ".join(reader.pages[0].extract_text().split())
    assert exported.fingerprint in text  # two lines of four groups, read in order
    for expected in ("V/v Gửi tệp khóa", "Kính gửi: Ủy ban nhân dân các xã, phường, đặc khu",
                     "khoa-so-68.json", "danh sách khóa số 1", "gồm 2 xã", "GIÁM ĐỐC", "Nguyễn Văn Giám",
                     "Lâm Đồng, ngày"):
        assert expected in text, expected
    english = export_keys_with_letter(office, tmp_path / "keys.json", PASS_OFFICE, "en")
    text = " ".join(PdfReader(english.letter.path).pages[0].extract_text().split())
    assert english.letter.path.name == "keys-letter.pdf" and "key list no. 2" in text and exported.fingerprint in text


def test_a_letter_is_never_written_without_its_key_file(office, tmp_path):
    with pytest.raises(BundleError):
        export_keys_with_letter(office, tmp_path / "keys.json", "not the passphrase")
    assert list(tmp_path.glob("keys*")) == []


def test_only_an_administrator_exports_enrols_revokes_and_rotates(office, exchange, tmp_path):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("truongphong", "Trưởng phòng", frozenset({Role.HEAD}), PASSWORD))
    accounts.sign_in("truongphong", PASSWORD)
    refused = [
        lambda: export_keys_with_letter(office, tmp_path / "keys.json", PASS_OFFICE),
        lambda: office.add_official_communes("68", ["24611"]),
        lambda: office.enroll(tmp_path / "enrollment.json", exchange.unlock(PASS_COMMUNE).public.fingerprint),
        lambda: office.revoke("24751"),
        lambda: office.rotate_encryption_key(PASS_OFFICE),
        lambda: office.retire_encryption_key(office.encryption_keys()[0].key_id),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert not list(Path(tmp_path).glob("keys*")) and _states(office)["24751"] == ENROLLED
    assert office.enrollment_preview(tmp_path / "enrollment.json").commune_code == "24751"  # reading is allowed
    accounts.sign_in("quantri", PASSWORD)
    assert office.revoke("24751") == 1
