"""Every error code the bundle library raises, in one registry.

All refusals are ``cds_desktop.core.errors.BundleError(code, **params)`` with a code from ``Code``; the message
templates are ``error.<code>`` in ``translations/messages/bundle.yaml`` (Vietnamese and English). One subclass
exists so callers can tell a harmless repeat from a refusal without looking at codes::

    BundleError
    ├── DuplicateBundleError    code bundle.duplicate: the bundle was already accepted; importing it is a no-op
    └── DocumentError           a malformed document or record: names the field and the reason in plain words

``docs/bundle-format.md`` lists each code with the case it stands for.
"""

from __future__ import annotations

from enum import StrEnum

from typing import Any

from cds_desktop.core.errors import BundleError
from cds_desktop.core.i18n import translate


class Code(StrEnum):
    # The cleartext header
    BAD_MAGIC = "bundle.bad_magic"
    TEXT_MODE_DAMAGE = "bundle.text_mode_damage"
    UNSUPPORTED_VERSION = "bundle.unsupported_version"
    UNKNOWN_SUITE = "bundle.unknown_suite"
    SUITE_NOT_ALLOWED = "bundle.suite_not_allowed"
    RESERVED_FLAGS = "bundle.reserved_flags"
    HEADER_TOO_LARGE = "bundle.header_too_large"
    HEADER_TRUNCATED = "bundle.header_truncated"
    HEADER_NOT_JSON = "bundle.header_not_json"
    HEADER_DUPLICATE_KEY = "bundle.header_duplicate_key"
    HEADER_NOT_CANONICAL = "bundle.header_not_canonical"
    HEADER_UNKNOWN_FIELD = "bundle.header_unknown_field"
    HEADER_INVALID = "bundle.header_invalid"
    RECIPIENT_MALFORMED = "bundle.recipient_malformed"
    # Who sent it, who may open it
    SENDER_NOT_ENROLLED = "bundle.sender_not_enrolled"
    SENDER_KEY_REVOKED = "bundle.sender_key_revoked"
    SENDER_KEY_RETIRED = "bundle.sender_key_retired"
    NOT_FOR_THIS_OFFICE = "bundle.not_for_this_office"
    NO_MATCHING_KEY = "bundle.no_matching_key"
    WRAPPED_KEY_INVALID = "bundle.wrapped_key_invalid"
    # The encrypted payload
    PAYLOAD_MISMATCH = "bundle.payload_mismatch"
    PAYLOAD_CORRUPTED = "bundle.payload_corrupted"
    TRUNCATED_AT_CHUNK_BOUNDARY = "bundle.truncated_at_chunk_boundary"
    TRUNCATED = "bundle.truncated"
    TRAILING_BYTES = "bundle.trailing_bytes"
    # Frames and the signed manifest
    UNKNOWN_FRAME = "bundle.unknown_frame"
    UNEXPECTED_FRAME = "bundle.unexpected_frame"
    FRAME_TRUNCATED = "bundle.frame_truncated"
    MANIFEST_TOO_LARGE = "bundle.manifest_too_large"
    MANIFEST_NOT_JSON = "bundle.manifest_not_json"
    MANIFEST_DUPLICATE_KEY = "bundle.manifest_duplicate_key"
    MANIFEST_NOT_CANONICAL = "bundle.manifest_not_canonical"
    MANIFEST_UNKNOWN_FIELD = "bundle.manifest_unknown_field"
    MANIFEST_INVALID = "bundle.manifest_invalid"
    SIGNATURE_ALG_MISMATCH = "bundle.signature_alg_mismatch"
    SIGNATURE_INVALID = "bundle.signature_invalid"
    HEADER_MISMATCH = "bundle.header_mismatch"
    FORWARDED = "bundle.forwarded"
    # Entries
    ENTRY_NAME_UNSAFE = "bundle.entry_name_unsafe"
    ENTRY_NAME_NOT_NFC = "bundle.entry_name_not_nfc"
    ENTRY_NAME_DUPLICATE = "bundle.entry_name_duplicate"
    ENTRY_NOT_IN_MANIFEST = "bundle.entry_not_in_manifest"
    ENTRY_OUT_OF_ORDER = "bundle.entry_out_of_order"
    MANIFEST_ENTRY_MISSING = "bundle.manifest_entry_missing"
    ENTRY_SIZE_MISMATCH = "bundle.entry_size_mismatch"
    ENTRY_HASH_MISMATCH = "bundle.entry_hash_mismatch"
    RECORD_INVALID = "bundle.record_invalid"
    # The report record and its attachments, checked by the receiving office (docs/bundle-format.md §16)
    SCHEMA_VERSION_UNKNOWN = "bundle.schema_version_unknown"
    RECORD_MISSING = "bundle.record_missing"
    RECORD_UNKNOWN = "bundle.record_unknown"
    RECORD_VERSION_UNKNOWN = "bundle.record_version_unknown"
    RECORD_UNKNOWN_FIELD = "bundle.record_unknown_field"
    RECORD_FIELD_INVALID = "bundle.record_field_invalid"
    RECORD_QUANTITY_INVALID = "bundle.record_quantity_invalid"
    RECORD_OTHER_COMMUNE = "bundle.record_other_commune"
    RECORD_UNIT_MISMATCH = "bundle.record_unit_mismatch"
    RECORD_SERIES_MISMATCH = "bundle.record_series_mismatch"
    RECORD_REVISION_MISMATCH = "bundle.record_revision_mismatch"
    PLAN_UNKNOWN = "bundle.plan_unknown"
    PLAN_VERSION_MISMATCH = "bundle.plan_version_mismatch"
    PLAN_NOT_PUBLISHED = "bundle.plan_not_published"
    PERIOD_UNKNOWN = "bundle.period_unknown"
    RECORD_INDICATOR_UNKNOWN = "bundle.record_indicator_unknown"
    RECORD_TASK_UNKNOWN = "bundle.record_task_unknown"
    RECORD_EVIDENCE_ITEM_UNKNOWN = "bundle.record_evidence_item_unknown"
    RECORD_DUPLICATE_ITEM = "bundle.record_duplicate_item"
    RECORD_EVIDENCE_MISSING = "bundle.record_evidence_missing"
    RECORD_EVIDENCE_SIZE_MISMATCH = "bundle.record_evidence_size_mismatch"
    ATTACHMENT_NAME_INVALID = "bundle.attachment_name_invalid"
    ATTACHMENT_NAME_MISMATCH = "bundle.attachment_name_mismatch"
    ATTACHMENT_UNREFERENCED = "bundle.attachment_unreferenced"
    IMPORT_FAILED = "bundle.import_failed"
    # Ordering against what the receiver already holds
    DUPLICATE = "bundle.duplicate"
    BUNDLE_ID_REUSED = "bundle.bundle_id_reused"
    ROLLBACK = "bundle.rollback"
    BROKEN_CHAIN = "bundle.broken_chain"
    RECORD_OLDER = "bundle.record_older"
    CHANGED_SINCE_VERIFY = "bundle.changed_since_verify"
    # Files
    UNREADABLE = "bundle.unreadable"
    QUARANTINE_NOT_EMPTY = "bundle.quarantine_not_empty"
    # Export
    SOURCE_CHANGED = "bundle.source_changed"
    SOURCE_UNREADABLE = "bundle.source_unreadable"
    OUTPUT_EXISTS = "bundle.output_exists"
    NO_RECIPIENTS = "bundle.no_recipients"
    RECIPIENT_KEY_TYPE = "bundle.recipient_key_type"
    # Private key files
    WRONG_PASSPHRASE = "bundle.wrong_passphrase"
    PASSPHRASE_TOO_SHORT = "bundle.passphrase_too_short"
    KEYFILE_INVALID = "bundle.keyfile_invalid"
    KEYFILE_KIND = "bundle.keyfile_kind"
    # Org-keys file
    ORG_KEYS_INVALID = "bundle.org_keys_invalid"
    ORG_KEYS_ROOT_MISMATCH = "bundle.org_keys_root_mismatch"
    ORG_KEYS_BAD_SIGNATURE = "bundle.org_keys_bad_signature"
    ORG_KEYS_OLDER_VERSION = "bundle.org_keys_older_version"
    ORG_KEYS_EXPIRED = "bundle.org_keys_expired"
    # Enrollment and rotation
    ENROLLMENT_INVALID = "bundle.enrollment_invalid"
    ENROLLMENT_BAD_SIGNATURE = "bundle.enrollment_bad_signature"
    ENROLLMENT_PREVIOUS_UNKNOWN = "bundle.enrollment_previous_unknown"
    ENROLLMENT_PREVIOUS_REVOKED = "bundle.enrollment_previous_revoked"
    ENROLLMENT_PREVIOUS_RETIRED = "bundle.enrollment_previous_retired"
    ENROLLMENT_ROTATION_BAD_SIGNATURE = "bundle.enrollment_rotation_bad_signature"
    # Receipts
    RECEIPT_INVALID = "bundle.receipt_invalid"
    RECEIPT_BAD_SIGNATURE = "bundle.receipt_bad_signature"
    RECEIPT_OTHER_COMMUNE = "bundle.receipt_other_commune"
    # Plan files
    PLAN_FILE_INVALID = "bundle.plan_file_invalid"
    PLAN_FILE_BAD_SIGNATURE = "bundle.plan_file_bad_signature"
    PLAN_FILE_OTHER_OFFICE = "bundle.plan_file_other_office"


class DuplicateBundleError(BundleError):
    """The bundle id was already accepted for this series: nothing to import, nothing to show as a failure."""

    def __init__(self, bundle_id: str) -> None:
        super().__init__(Code.DUPLICATE, bundle_id=bundle_id)


class DocumentError(BundleError):
    """A document (header core, manifest, key file, record …) that breaks its schema, worded for people.

    ``params``: ``reason``, a key of the ``bundle.reason.*`` messages (``too_long``, ``expected_integer``,
    ``not_utf8`` …); ``field``, the dotted path of the field (``indicators.3.numerator``), absent when the
    document as a whole is at fault; and the values the reason's message names (limits, positions).
    Message templates use ``{problem}``: the field in plain words followed by the reason, in the message's
    language — never a parser's own (English) text.
    """

    def __init__(self, code: str, /, *, reason: str, field: str | None = None, **params: Any) -> None:
        if field is not None:
            params["field"] = field
        super().__init__(code, reason=reason, **params)

    def message(self, language: str | None = None) -> str:
        from cds_desktop.core.bundle.wording import describe_problem

        return translate(f"error.{self.code}", language, **{**self.params,
                                                             "problem": describe_problem(self.params, language)})
