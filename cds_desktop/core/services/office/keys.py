"""The office's own keys: creating the office (its identity, root and first encryption key), rotating and retiring
encryption keys, and the signed org-keys file that communes pin (``export_keys``).

Each private key is sealed with the office passphrase (``bundle/private_keys``) and the sealed bytes are kept in
the database (``office_key.sealed``), so every staff PC of a shared office unlocks the same keys; an office on one
PC also writes them to ``keys/<file_name>`` (its backups carry that folder), a shared office never does. A key
recorded before migration 0008 has no sealed bytes: it is read from ``keys/<file_name>`` as before; moving the
office to a server copies such files into the database (``storage/folder_files.adopt_folder_files``).

An office is a province's (its code is the province's 2-digit code) or a district's (a 3-digit code, and the
province it belongs to); ``check_office_identity`` checks the identity before anything is written.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sqlmodel import select

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.keyfiles import (
    Commune,
    EncryptionKeyStatus,
    Office,
    sign_org_keys,
)
from cds_desktop.core.bundle.keys import EncryptionKey, KeyKind, PublicKey, SigningKey, group_for_reading
from cds_desktop.core.bundle.private_keys import (
    load_encryption_key,
    load_signing_key,
    open_private_key,
    seal_private_key,
)
from cds_desktop.core.errors import BundleError, InputError, StateError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.services.passphrase_strength import SecretKind, check_new_secret
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage import locks
from cds_desktop.core.storage.exchange_models import (
    OfficeCommune,
    OfficeIdentity,
    OfficeKey,
)
from cds_desktop.core.text import clean

ORG_KEYS_VALID_DAYS = 365


@dataclass(frozen=True)
class EncryptionKeyView:
    key_id: str
    fingerprint: str
    status: str  # active | retired
    created_at: dt.datetime
    retired_at: dt.datetime | None
MAX_OFFICE_NAME_LENGTH = 200  # what the org-keys file allows
_PROVINCE_CODE = re.compile(r"^\d{2}$")
_DISTRICT_OFFICE_CODE = re.compile(r"^\d{3}$")


def check_office_identity(code: str, name: str, level: str,
                          province_code: str | None = None) -> tuple[str, str, str, str]:
    """(code, name, level, province code) trimmed and NFC, or ``InputError`` for the first that is not valid.

    A province office's code is its province's 2-digit code (``province_code`` may be left out, or must be the
    same); a district office's code has 3 digits and ``province_code`` names its province. Whether the province is
    one of the 34 of 2025 is for the set-up to check (``setup.check_office_setup``): an office of an earlier
    province (the 2023 demonstration's) is still an office.
    """
    code, name, province_code = (code or "").strip(), clean(name) or "", (province_code or "").strip()
    if level not in ("province", "district"):
        raise InputError("unit.bad_kind", value=level)
    if level == "province":
        if not _PROVINCE_CODE.match(code):
            raise InputError("office.bad_code", code=code)
        if province_code and province_code != code:
            raise InputError("office.code_not_province", code=code, expected=province_code)
        province_code = code
    else:
        if not _DISTRICT_OFFICE_CODE.match(code):
            raise InputError("office.bad_district_code", code=code)
        if not province_code:
            raise InputError("office.province_required")
        if not _PROVINCE_CODE.match(province_code):
            raise InputError("unit.bad_province_code", code=province_code)
    if not name:
        raise InputError("unit.name_required")
    if len(name) > MAX_OFFICE_NAME_LENGTH:
        raise InputError("unit.name_too_long", length=len(name), limit=MAX_OFFICE_NAME_LENGTH)
    return code, name, level, province_code


class OfficeKeys(OfficeBase):
    def init_office(self, code: str, name: str, level: str, passphrase: str, province_code: str | None = None) -> str:
        """Create the office (``check_office_identity``): its identity, root signing key and a first encryption
        key; returns the root fingerprint."""
        if self.identity() is not None:
            raise StateError("office.already_initialized")
        code, name, level, province_code = check_office_identity(code, name, level, province_code)
        check_new_secret(passphrase, SecretKind.PASSPHRASE)
        root, encryption = SigningKey.generate(), EncryptionKey.generate()
        now = self.clock()
        with self.repo.transaction() as session:
            session.add(OfficeIdentity(code=code, name=name, level=level, province_code=province_code,
                                       created_at=now))
            session.add(self._key_row(root, "root", passphrase, now))
            session.add(self._key_row(encryption, "encryption", passphrase, now))
        return root.public.fingerprint

    def _key_row(self, key, role: str, passphrase: str, now: dt.datetime) -> OfficeKey:
        file_name = f"office-{role}-{key.public.key_id}.key"
        sealed = seal_private_key(key, passphrase)
        if not self.shared:  # an office on one PC keeps its key files too: its backups carry keys/
            write_atomic(self.data_dir.keys / file_name, sealed)
        return OfficeKey(key_id=key.public.key_id, role=role, public_b64=base64.b64encode(key.public.raw).decode(),
                         file_name=file_name, created_at=now, sealed=sealed)

    def _private_key(self, row: OfficeKey, passphrase: str, kind: KeyKind):
        """The private key of ``row`` unlocked with ``passphrase``: from its sealed bytes in the database, else
        (a key recorded before 0008) from its file in ``keys/``."""
        loader = load_signing_key if kind is KeyKind.ED25519 else load_encryption_key
        if row.sealed is None:
            path = self.data_dir.keys / row.file_name
            if self.shared and not path.is_file():
                raise StateError("office.key_not_in_database", key=row.key_id, file=row.file_name)
            return loader(path, passphrase)
        key = open_private_key(row.sealed, passphrase)
        if key.kind is not kind:
            raise BundleError(Code.KEYFILE_KIND, path=row.file_name, expected=kind.value, found=key.kind.value)
        return key

    def _keys(self, role: str, statuses: Iterable[str] = ("active",)) -> list[OfficeKey]:
        with self.repo.reading() as session:
            return list(session.exec(select(OfficeKey).where(OfficeKey.role == role,
                                                             OfficeKey.status.in_(list(statuses)))).all())

    def encryption_keys(self) -> list[EncryptionKeyView]:
        """The office's encryption keys, oldest first: the active ones communes encrypt to, the retired ones that
        still open older bundles."""
        rows = sorted(self._keys("encryption", ("active", "retired")), key=lambda row: (row.created_at, row.key_id))
        return [EncryptionKeyView(row.key_id, group_for_reading(row.key_id), row.status, row.created_at,
                                  row.retired_at) for row in rows]

    def root_fingerprint(self) -> str:
        (root,) = self._keys("root")
        return PublicKey(KeyKind.ED25519, base64.b64decode(root.public_b64)).fingerprint

    def _root_key(self, passphrase: str) -> SigningKey:
        (root,) = self._keys("root")
        return self._private_key(root, passphrase, KeyKind.ED25519)

    def _encryption_keys(self, passphrase: str) -> list[EncryptionKey]:
        return [self._private_key(row, passphrase, KeyKind.MLKEM768_X25519)
                for row in self._keys("encryption", ("active", "retired"))]

    def rotate_encryption_key(self, passphrase: str) -> str:
        """Add a new active encryption key; older keys stay active for the overlap until retired."""
        self.authorize(Permission.MANAGE)
        self._root_key(passphrase)  # the passphrase must be the office's
        key = EncryptionKey.generate()
        with self.repo.transaction() as session:
            session.add(self._key_row(key, "encryption", passphrase, self.clock()))
        return key.public.fingerprint

    def retire_encryption_key(self, key_id: str) -> None:
        """Stop encrypting to ``key_id`` (it still opens bundles made before)."""
        self.authorize(Permission.MANAGE)
        with self.repo.transaction() as session:
            locks.hold(session, "office-keys")  # two PCs retiring the last two active keys at once take turns
            row = session.get(OfficeKey, key_id)
            if row is None or row.role != "encryption":
                raise InputError("office.unknown_key", key=key_id)
            active = session.exec(select(OfficeKey).where(OfficeKey.role == "encryption",
                                                          OfficeKey.status == "active")).all()
            if row.status == "active" and len(active) == 1:
                raise StateError("office.last_active_key", key=key_id)
            row.status, row.retired_at = "retired", self.clock()
            session.add(row)

    def export_keys(self, out: Path, passphrase: str, valid_days: int = ORG_KEYS_VALID_DAYS) -> int:
        """Write the org-keys file signed by the root; returns its list version."""
        self.authorize(Permission.MANAGE)
        office = self.require_identity()
        root = self._root_key(passphrase)
        now = self.clock()
        keys = [(PublicKey(KeyKind.MLKEM768_X25519, base64.b64decode(row.public_b64)),
                 EncryptionKeyStatus(row.status)) for row in self._keys("encryption", ("active", "retired"))]
        with self.repo.reading() as session:
            communes = session.exec(select(OfficeCommune).order_by(OfficeCommune.code)).all()
        version = office.list_version + 1
        data = sign_org_keys(
            root,
            office=Office(code=office.code, name=office.name, level=office.level),
            list_version=version,
            issued_at=now,
            expires_at=now + dt.timedelta(days=valid_days),
            encryption_keys=keys,
            communes=[Commune(code=c.code, name=c.name) for c in communes],
        )
        write_atomic(Path(out), data)
        with self.repo.transaction() as session:
            row = session.get(OfficeIdentity, 1)
            row.list_version = version
            session.add(row)
        return version
