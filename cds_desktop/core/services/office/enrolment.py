"""Enrolment of commune signing keys at the office: first keys (fingerprint confirmed by phone), rotations
(vouched for by the previous key), revocation, and which key may sign a bundle today.

Rotation and its overlap: when the office enrols a rotated key, the previous key becomes *retired*. Bundles the
commune signed with it before rotating may still be on their way (a USB stick, an e-mail), so for
``ROTATION_OVERLAP`` after the office enrolled the successor — by the office's clock, never the commune's —
a bundle signed by the retired key is still accepted; after that it is refused as ``bundle.sender_key_retired``.
A retired key never vouches for another rotation, and a revoked key is refused at once.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.keyfiles import (
    MAX_ENROLLMENT_SIZE,
    read_enrollment,
    verify_enrollment,
)
from cds_desktop.core.bundle.keys import EnrolledKey as LibEnrolledKey
from cds_desktop.core.bundle.keys import (
    KeyKind,
    KeyStatus,
    PublicKey,
    normalize_fingerprint,
)
from cds_desktop.core.errors import BundleError, InputError, StateError
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.exchange_models import EnrolledKey, OfficeCommune

ROTATION_OVERLAP = dt.timedelta(days=30)


@dataclass(frozen=True)
class EnrollmentPreview:
    """What an enrolment file asks, checked as far as can be before ``enroll``: shown so that a person can
    compare the fingerprint of a first key on the phone (a rotation is vouched for by the previous key)."""

    commune_code: str
    claimed_name: str  # as the file says
    listed_name: str  # as the office's list says
    fingerprint: str
    rotation: bool  # signed by the commune's previous, enrolled key: no phone call needed
    previous_fingerprint: str | None
    already_enrolled: bool  # nothing would change


_KEYS = EnrolledKey.__table__
_KEY_BY_ID = select(_KEYS.c.commune_code, _KEYS.c.public_b64, _KEYS.c.status).where(
    _KEYS.c.key_id == bindparam("key_id"))
_SUCCESSOR_ENROLLED_AT = select(_KEYS.c.enrolled_at).where(
    _KEYS.c.previous_key_id == bindparam("key_id")).order_by(_KEYS.c.enrolled_at).limit(1)


class Enrolment(OfficeBase):
    def _enrolled(self, org: str, key_id: str, *, overlap: bool,
                  connection: Connection | None = None) -> LibEnrolledKey | None:
        """The enrolled key ``key_id`` of commune ``org``; with ``overlap``, a key retired by a rotation less
        than ``ROTATION_OVERLAP`` ago counts as active (it may still sign bundles made before the rotation).
        Read in ``connection`` when given (an import's lookups), else in a connection of its own."""
        if connection is None:
            with self.repo.reading_connection() as own:
                return self._enrolled(org, key_id, overlap=overlap, connection=own)
        row = connection.execute(_KEY_BY_ID, {"key_id": key_id}).first()
        if row is None or row.commune_code != org:
            return None
        status = KeyStatus(row.status)
        if overlap and status is KeyStatus.RETIRED:
            successor_enrolled_at = connection.execute(_SUCCESSOR_ENROLLED_AT, {"key_id": key_id}).scalar()
            if successor_enrolled_at is not None and self.clock() < successor_enrolled_at + ROTATION_OVERLAP:
                status = KeyStatus.ACTIVE
        return LibEnrolledKey(org, PublicKey(KeyKind.ED25519, base64.b64decode(row.public_b64)), status)

    def _sender_lookup(self, connection: Connection):
        """``lookup_sender`` for ``bundle.reader.verify_bundle``: the key that may sign a bundle of ``org`` now,
        read in ``connection``."""
        return lambda org, key_id: self._enrolled(org, key_id, overlap=True, connection=connection)

    def _lookup_voucher(self, org: str, key_id: str) -> LibEnrolledKey | None:
        """The key that may vouch for a rotation: its stored status, no overlap."""
        return self._enrolled(org, key_id, overlap=False)

    def enrollment_claims(self, path: Path) -> tuple[str, str, str, bool]:
        """(commune code, commune name, key fingerprint, is a rotation) an enrollment file claims.

        Shown before ``enroll`` so the fingerprint of a first key can be compared on the phone. Only the
        self-signature is checked here; ``enroll`` checks a rotation against the office's enrolled keys.
        """
        _, body, key = read_enrollment(read_key_file(path, MAX_ENROLLMENT_SIZE))
        return body.org, body.org_name, key.fingerprint, body.previous_key_id is not None

    def enrollment_preview(self, path: Path) -> EnrollmentPreview:
        """What the enrolment file at ``path`` asks (``EnrollmentPreview``); writes nothing. Refused at once, as
        ``enroll`` would: an unreadable or altered file, a commune not on the office's list, a key revoked or
        enrolled for another commune, a rotation its previous key cannot vouch for."""
        data = read_key_file(path, MAX_ENROLLMENT_SIZE)
        _, body, key = read_enrollment(data)
        with self.repo.reading() as session:
            commune = session.get(OfficeCommune, body.org)
        if commune is None:
            raise InputError("office.unknown_commune", commune=body.org)
        already = self._already_enrolled(body.org, key)
        previous = None
        if body.previous_key_id is not None and not already:
            previous = verify_enrollment(data, lookup_key=self._lookup_voucher).previous.key.fingerprint
        return EnrollmentPreview(body.org, body.org_name, commune.name, key.fingerprint,
                                 body.previous_key_id is not None, previous, already)

    def enroll(self, path: Path, confirmed_fingerprint: str | None = None) -> str:
        """Register a commune's signing key; a first key must match the fingerprint confirmed by phone,
        a rotated key is vouched for by the commune's previous, active key. Enrolling a key already
        enrolled changes nothing. Returns the commune code."""
        self.authorize(Permission.MANAGE)
        data = read_key_file(path, MAX_ENROLLMENT_SIZE)
        _, body, key = read_enrollment(data)
        if body.previous_key_id is None and (
                not confirmed_fingerprint or normalize_fingerprint(confirmed_fingerprint) != key.key_id):
            raise InputError("keys.fingerprint_mismatch", expected=key.fingerprint)
        if self._already_enrolled(body.org, key):
            return body.org
        with self.repo.reading() as session:
            commune = session.get(OfficeCommune, body.org)
        if commune is None:
            raise InputError("office.unknown_commune", commune=body.org)
        enrollment = verify_enrollment(data, lookup_key=self._lookup_voucher)
        try:
            with self.repo.transaction() as session:
                if enrollment.previous is not None:
                    previous = session.get(EnrolledKey, body.previous_key_id)
                    if previous.status != KeyStatus.ACTIVE.value:  # another rotation won the race
                        raise BundleError(Code.ENROLLMENT_PREVIOUS_RETIRED, org=body.org,
                                          fingerprint=enrollment.previous.key.fingerprint)
                    previous.status = KeyStatus.RETIRED.value
                    session.add(previous)
                session.add(EnrolledKey(key_id=key.key_id, commune_code=body.org,
                                        public_b64=base64.b64encode(key.raw).decode(),
                                        previous_key_id=body.previous_key_id, enrolled_at=self.clock()))
        except IntegrityError:  # the same file enrolled at the same moment by another process
            if not self._already_enrolled(body.org, key):
                raise
        return body.org

    def _already_enrolled(self, org: str, key: PublicKey) -> bool:
        """True when ``key`` is already enrolled for ``org``; refuses a key enrolled for another commune or revoked."""
        with self.repo.reading() as session:
            row = session.get(EnrolledKey, key.key_id)
        if row is None:
            return False
        if row.commune_code != org:
            raise InputError("office.key_of_another_commune", fingerprint=key.fingerprint, commune=row.commune_code)
        if row.status == KeyStatus.REVOKED.value:
            raise StateError("office.key_revoked", commune=org, fingerprint=key.fingerprint)
        return True

    def revoke(self, commune_code: str) -> int:
        """Revoke every key of a commune; its bundles are refused from now on. Returns how many keys."""
        self.authorize(Permission.MANAGE)
        with self.repo.transaction() as session:
            rows = session.exec(select(EnrolledKey).where(EnrolledKey.commune_code == commune_code,
                                                          EnrolledKey.status != "revoked")).all()
            if not rows and session.get(OfficeCommune, commune_code) is None:
                raise InputError("office.unknown_commune", commune=commune_code)
            for row in rows:
                row.status, row.revoked_at = "revoked", self.clock()
                session.add(row)
        return len(rows)
