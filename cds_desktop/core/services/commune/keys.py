"""What the commune's "Keys and office" screen shows and asks before it changes anything (read models over
``CommuneExchange``; the changes themselves are ``CommuneExchange``'s, which enforce the roles).

- ``signing_key_view``: the active signing key (fingerprint, created, whether it replaced an earlier one);
- ``pinned_office_view``: the receiving office as pinned (name, code, root fingerprint, key list, encryption keys);
- ``check_office_keys``: what importing an office key file would do, written nowhere: a first pin or another
  root (both need the fingerprint confirmed by phone), a newer list of the same root (a rotation of the office's
  encryption keys: no confirmation), or the very list already pinned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.storage.exchange_models import CommuneKey


@dataclass(frozen=True)
class SigningKeyView:
    fingerprint: str  # grouped by four, as read out by phone
    created_at: dt.datetime
    rotated: bool  # it replaced an earlier key: the office must enrol it again


@dataclass(frozen=True)
class EncryptionKeyView:
    fingerprint: str
    active: bool  # bundles are encrypted to the active keys; a retired one only still opens older bundles


@dataclass(frozen=True)
class OfficeView:
    name: str
    code: str
    fingerprint: str  # the office's root key
    list_version: int
    expires_on: dt.date
    encryption_keys: tuple[EncryptionKeyView, ...]


class OfficeKeysChange(StrEnum):
    FIRST = "first"  # no office pinned yet: confirm the fingerprint by phone
    ROTATION = "rotation"  # a newer list signed by the pinned root: new encryption keys, nothing to confirm
    SAME = "same"  # the list already pinned
    NEW_ROOT = "new_root"  # signed by another root: confirm the fingerprint by phone again


@dataclass(frozen=True)
class OfficeKeysCheck:
    change: OfficeKeysChange
    office: OfficeView  # what the file says (signature and expiry checked against the root it names)
    new_encryption_keys: int  # encryption keys the pinned list did not have

    @property
    def needs_confirmation(self) -> bool:
        return self.change in (OfficeKeysChange.FIRST, OfficeKeysChange.NEW_ROOT)


def signing_key_view(exchange: CommuneExchange) -> SigningKeyView | None:
    record: CommuneKey | None = exchange.active_key()
    if record is None:
        return None
    return SigningKeyView(exchange.signing_fingerprint(), record.created_at, record.previous_key_id is not None)


def _office_view(org_keys) -> OfficeView:
    from cds_desktop.core.bundle.keyfiles import EncryptionKeyStatus

    body = org_keys.body
    return OfficeView(
        name=body.office.name, code=body.office.code, fingerprint=org_keys.root.fingerprint,
        list_version=body.list_version, expires_on=body.expires_at.astimezone().date(),
        encryption_keys=tuple(EncryptionKeyView(k.key.fingerprint, k.status is EncryptionKeyStatus.ACTIVE)
                              for k in body.encryption_keys))


def pinned_office_view(exchange: CommuneExchange) -> OfficeView | None:
    pinned = exchange.pinned_office()
    return _office_view(pinned) if pinned is not None else None


def check_office_keys(exchange: CommuneExchange, path: Path) -> OfficeKeysCheck:
    """What importing the office key file at ``path`` would do; a ``BundleError`` when the file is damaged,
    badly signed or expired, or older than the list pinned."""
    from cds_desktop.core.bundle.keyfiles import org_keys_root_fingerprint, verify_org_keys

    data = read_key_file(path)
    now = exchange.service.clock()
    claimed = verify_org_keys(data, pinned_root=org_keys_root_fingerprint(data), now=now)
    pinned = exchange.pinned_office()
    if pinned is None:
        return OfficeKeysCheck(OfficeKeysChange.FIRST, _office_view(claimed), len(claimed.body.encryption_keys))
    if claimed.root.key_id != pinned.root.key_id:
        return OfficeKeysCheck(OfficeKeysChange.NEW_ROOT, _office_view(claimed), len(claimed.body.encryption_keys))
    verify_org_keys(data, pinned_root=pinned.root.key_id, now=now, current=pinned)  # refuses an older list
    known = {k.key_id for k in pinned.body.encryption_keys}
    fresh = sum(1 for k in claimed.body.encryption_keys if k.key_id not in known)
    change = OfficeKeysChange.SAME if data == pinned.data else OfficeKeysChange.ROTATION
    return OfficeKeysCheck(change, _office_view(claimed), fresh)
