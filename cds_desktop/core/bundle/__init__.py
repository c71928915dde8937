"""The .cdsb bundle library: format, keys, key files, streaming writer, verifying reader, ordering, receipts.

Pure library: no database, no Qt. ``docs/bundle-format.md`` is the specification. Modules:

- ``errors``       every error code (``Code``), ``DuplicateBundleError`` and ``DocumentError``
- ``wording``      refusals of malformed documents in plain words: reasons and field names, both languages
- ``canonical``    canonical JSON and strict parsing of documents into models
- ``fields``       field types shared by the documents (base64, timestamps, key ids, org codes, series)
- ``keys``         key kinds, key ids, fingerprints, signing and encryption keys, enrolled keys, recipients
- ``private_keys`` private keys at rest (scrypt + ChaCha20-Poly1305 key files)
- ``signed``       the signed-document envelope shared by manifest, org-keys, enrollment and receipts
- ``keyfiles``     org-keys files (pinned office root) and enrollments (with rotation)
- ``receipts``     the office's signed receipts
- ``format``       container layout: magic, versions, suites, header, frames
- ``manifest``     the signed manifest inside the payload
- ``names``        safe entry names
- ``pipeline``     the threaded block pipeline behind streaming
- ``writer``       export: ``write_bundle``
- ``frames``       reading the decrypted payload into quarantine
- ``reader``       import: ``verify_bundle``, ``inspect_bundle``, ``ensure_unchanged``
- ``sequence``     replay / rollback / chain checks over the receiver's state
"""

from cds_desktop.core.bundle.errors import Code, DocumentError, DuplicateBundleError
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.format import DEFAULT_SUITE, SUITES, BundleHeader, HeaderCore
from cds_desktop.core.bundle.frames import QuarantinedFile
from cds_desktop.core.bundle.keyfiles import (
    Commune,
    EncryptionKeyStatus,
    Enrollment,
    Office,
    OfficeLevel,
    OrgKeys,
    make_enrollment,
    org_keys_root_fingerprint,
    read_enrollment,
    sign_org_keys,
    verify_enrollment,
    verify_org_keys,
)
from cds_desktop.core.bundle.keys import (
    EncryptionKey,
    EnrolledKey,
    KeyKind,
    KeyStatus,
    PublicKey,
    Recipient,
    SenderLookup,
    SigningKey,
    group_for_reading,
    normalize_fingerprint,
)
from cds_desktop.core.bundle.manifest import EntryKind, Manifest, ManifestEntry
from cds_desktop.core.bundle.private_keys import (
    load_encryption_key,
    load_signing_key,
    open_private_key,
    save_private_key,
    seal_private_key,
)
from cds_desktop.core.bundle.reader import (
    SeriesStateLookup,
    VerifiedBundle,
    discard_quarantine,
    ensure_unchanged,
    inspect_bundle,
    verify_bundle,
)
from cds_desktop.core.bundle.receipts import Receipt, ReceiptDecision, make_receipt, verify_receipt
from cds_desktop.core.bundle.sequence import SeriesState, check_record_not_older, check_sequence
from cds_desktop.core.bundle.writer import AttachmentSource, WrittenBundle, bundle_file_name, write_bundle

__all__ = [
    "DEFAULT_SUITE",
    "SUITES",
    "AttachmentSource",
    "BundleHeader",
    "Code",
    "Commune",
    "DocumentError",
    "DuplicateBundleError",
    "EncryptionKey",
    "EncryptionKeyStatus",
    "EnrolledKey",
    "Enrollment",
    "EntryKind",
    "HeaderCore",
    "KeyKind",
    "KeyStatus",
    "Manifest",
    "ManifestEntry",
    "Office",
    "OfficeLevel",
    "OrgKeys",
    "PublicKey",
    "QuarantinedFile",
    "Receipt",
    "ReceiptDecision",
    "Recipient",
    "SenderLookup",
    "Series",
    "SeriesState",
    "SeriesStateLookup",
    "SigningKey",
    "VerifiedBundle",
    "WrittenBundle",
    "bundle_file_name",
    "check_record_not_older",
    "check_sequence",
    "discard_quarantine",
    "ensure_unchanged",
    "group_for_reading",
    "inspect_bundle",
    "load_encryption_key",
    "load_signing_key",
    "make_enrollment",
    "make_receipt",
    "normalize_fingerprint",
    "open_private_key",
    "org_keys_root_fingerprint",
    "read_enrollment",
    "save_private_key",
    "seal_private_key",
    "sign_org_keys",
    "verify_bundle",
    "verify_enrollment",
    "verify_org_keys",
    "verify_receipt",
    "write_bundle",
]
