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

The names below are importable from the package itself (``from cds_desktop.core.bundle import write_bundle``);
each module is imported when one of its names is first asked for, so that a caller needing only
``canonical`` or ``format`` (a commune's start-up does, through the report records) does not load the
reader, the writer, the key files and the sealed private keys.
"""

from importlib import import_module
from typing import Any

_HOMES = {  # name -> the module that defines it
    "Code": "errors",
    "DocumentError": "errors",
    "DuplicateBundleError": "errors",
    "Series": "fields",
    "DEFAULT_SUITE": "format",
    "SUITES": "format",
    "BundleHeader": "format",
    "HeaderCore": "format",
    "QuarantinedFile": "frames",
    "Commune": "keyfiles",
    "EncryptionKeyStatus": "keyfiles",
    "Enrollment": "keyfiles",
    "Office": "keyfiles",
    "OfficeLevel": "keyfiles",
    "OrgKeys": "keyfiles",
    "make_enrollment": "keyfiles",
    "org_keys_root_fingerprint": "keyfiles",
    "read_enrollment": "keyfiles",
    "sign_org_keys": "keyfiles",
    "verify_enrollment": "keyfiles",
    "verify_org_keys": "keyfiles",
    "EncryptionKey": "keys",
    "EnrolledKey": "keys",
    "KeyKind": "keys",
    "KeyStatus": "keys",
    "PublicKey": "keys",
    "Recipient": "keys",
    "SenderLookup": "keys",
    "SigningKey": "keys",
    "group_for_reading": "keys",
    "normalize_fingerprint": "keys",
    "EntryKind": "manifest",
    "Manifest": "manifest",
    "ManifestEntry": "manifest",
    "load_encryption_key": "private_keys",
    "load_signing_key": "private_keys",
    "open_private_key": "private_keys",
    "save_private_key": "private_keys",
    "seal_private_key": "private_keys",
    "SeriesStateLookup": "reader",
    "VerifiedBundle": "reader",
    "discard_quarantine": "reader",
    "ensure_unchanged": "reader",
    "inspect_bundle": "reader",
    "verify_bundle": "reader",
    "Receipt": "receipts",
    "ReceiptDecision": "receipts",
    "make_receipt": "receipts",
    "verify_receipt": "receipts",
    "SeriesState": "sequence",
    "check_record_not_older": "sequence",
    "check_sequence": "sequence",
    "AttachmentSource": "writer",
    "WrittenBundle": "writer",
    "bundle_file_name": "writer",
    "write_bundle": "writer",
}


def __getattr__(name: str) -> Any:
    """The package's name ``name``, its module imported on first use (PEP 562)."""
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
