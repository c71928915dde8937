"""Shared test material for the bundle library: fixed keys, reproducible entropy, sample bundles, a forger.

The forger builds bundles the writer never would (wrong fields, extra frames, bad signatures) with the library's
own encoding pieces, so refusal tests can reach every check. ``tests/core/bundle/bundle_golden.py`` holds the
golden files built from the same keys.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cds_desktop.core.bundle import (
    AttachmentSource,
    EncryptionKey,
    EnrolledKey,
    KeyStatus,
    PublicKey,
    Recipient,
    SenderLookup,
    Series,
    SigningKey,
    VerifiedBundle,
    WrittenBundle,
    verify_bundle,
    write_bundle,
)
from cds_desktop.core.bundle.canonical import encode
from cds_desktop.core.bundle.fields import b64
from cds_desktop.core.bundle.format import (
    DEFAULT_SUITE,
    FIXED_PREFIX,
    MAGIC,
    PAYLOAD_CONTEXT_LABEL,
    RECIPIENT_COUNT,
    RECIPIENT_PREFIX,
    FrameType,
    entry_frame_prefix,
    frame_prefix,
    wrap_info,
)
from cds_desktop.core.bundle.signed import signed_message
from cds_desktop.core.errors import BundleError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bundles"
_SEEDS = {name: bytes.fromhex(seed) for name, seed in json.loads((FIXTURES / "keys.json").read_text()).items()}

COMMUNE_KEY = SigningKey.from_seed(_SEEDS["commune_signing"])
COMMUNE_NEXT_KEY = SigningKey.from_seed(_SEEDS["commune_signing_next"])
OTHER_COMMUNE_KEY = SigningKey.from_seed(_SEEDS["other_commune_signing"])
OFFICE_ROOT = SigningKey.from_seed(_SEEDS["office_root"])
OFFICE_KEY = EncryptionKey.from_seed(_SEEDS["office_encryption"])
OFFICE_NEXT_KEY = EncryptionKey.from_seed(_SEEDS["office_encryption_next"])
OTHER_OFFICE_KEY = EncryptionKey.from_seed(_SEEDS["other_office_encryption"])

OFFICE = "66"
OTHER_OFFICE = "67"
COMMUNE = "24751"
SERIES = Series(commune=COMMUNE, plan="dak-rlap-2023", period="2023Q1")
CREATED_AT = dt.datetime(2023, 3, 2, 8, 30, tzinfo=dt.timezone.utc)
RECORDS: dict[str, Any] = {
    "records/indicators.json": {"smartphone_ratio": "80.5", "note": "Xã Nhân Cơ, tỉnh Đắk Nông"},
    "records/tasks.json": [{"code": "3a", "status": "done"}],
}


class Entropy:
    """Reproducible "random" bytes for the writer's entropy hook: SHAKE-256 of a label and a call counter."""

    def __init__(self, label: bytes) -> None:
        self._label = label
        self._calls = 0

    def __call__(self, size: int) -> bytes:
        self._calls += 1
        return hashlib.shake_256(self._label + self._calls.to_bytes(8, "big")).digest(size)


def pattern_bytes(size: int, label: bytes = b"evidence") -> bytes:
    return Entropy(label)(size)


def enrolled(
    key: SigningKey | PublicKey = COMMUNE_KEY, status: KeyStatus = KeyStatus.ACTIVE, org: str = COMMUNE
) -> SenderLookup:
    """A sender lookup that knows exactly one key."""
    public = key if isinstance(key, PublicKey) else key.public

    def lookup(lookup_org: str, key_id: str) -> EnrolledKey | None:
        return EnrolledKey(org, public, status) if (lookup_org, key_id) == (org, public.key_id) else None

    return lookup


def attachment_sources(folder: Path, attachments: dict[str, bytes]) -> list[AttachmentSource]:
    """Write each attachment under ``folder`` and describe it as the exporting service would."""
    sources = []
    for index, (name, data) in enumerate(attachments.items()):
        path = folder / f"source-{index}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sources.append(AttachmentSource(name, path, len(data), hashlib.sha256(data).hexdigest()))
    return sources


def write_sample(
    folder: Path,
    *,
    attachments: dict[str, bytes] | None = None,
    records: dict[str, Any] | None = None,
    recipients: list[Recipient] | None = None,
    **overrides: Any,
) -> WrittenBundle:
    """A valid bundle from the fixed commune to the fixed office, written into ``folder / "out"``."""
    if attachments is None:
        attachments = {"evidence/Biên bản.pdf": pattern_bytes(40_000)}
    arguments: dict[str, Any] = {
        "series": SERIES,
        "revision": 1,
        "previous_manifest_sha256": None,
        "signing_key": COMMUNE_KEY,
        "recipients": recipients if recipients is not None else [Recipient(OFFICE, OFFICE_KEY.public)],
        "records": RECORDS if records is None else records,
        "attachments": attachment_sources(folder / "sources", attachments),
        "app_version": "1.0.0",
        "schema_version": 1,
        "created_at": CREATED_AT,
    }
    arguments.update(overrides)
    return write_bundle(folder / "out", **arguments)


def verify(path: Path, quarantine: Path, **overrides: Any) -> VerifiedBundle:
    """``verify_bundle`` as the fixed office, with the fixed commune key enrolled."""
    arguments: dict[str, Any] = {"office": OFFICE, "keys": [OFFICE_KEY], "lookup_sender": enrolled()}
    arguments.update(overrides)
    return verify_bundle(path, quarantine, **arguments)


def refusal(call: Any, *args: Any, **kwargs: Any) -> BundleError:
    """The ``BundleError`` that ``call`` raises; its messages must be complete in both languages."""
    try:
        call(*args, **kwargs)
    except BundleError as error:
        for language in ("vi", "en"):
            text = error.message(language)
            assert not re.search(r"\{[a-z_]+\}", text), f"unfilled placeholder in {error.code} ({language}): {text}"
        assert error.message("vi") != error.message("en")
        return error
    raise AssertionError(f"{call.__name__} did not refuse")


# --- Forging -----------------------------------------------------------------------------------------------------


@dataclass
class Parts:
    """Everything a bundle is made of, as plain values a test can change before ``forge``."""

    core: dict[str, Any]
    manifest: dict[str, Any]
    entries: list[tuple[str, bytes]]
    signer: SigningKey = COMMUNE_KEY
    recipients: list[tuple[str, PublicKey]] = field(default_factory=lambda: [(OFFICE, OFFICE_KEY.public)])
    signature_alg: str = "ed25519"
    signature_key_id: str | None = None  # default: the signer's


def valid_parts(entries: list[tuple[str, bytes]] | None = None) -> Parts:
    """The parts of a valid bundle with ``entries`` (records first, as JSON, then attachments)."""
    if entries is None:
        entries = [
            ("records/indicators.json", encode(RECORDS["records/indicators.json"])),
            ("evidence/a.pdf", pattern_bytes(20_000)),
        ]
    refs = [{"org": OFFICE, "key_id": OFFICE_KEY.public.key_id}]
    sender = {"org": COMMUNE, "key_id": COMMUNE_KEY.public.key_id}
    common = {
        "bundle_id": "0123456789abcdef0123456789abcdef",
        "sender": sender,
        "recipients": refs,
        "series": SERIES.model_dump(),
        "revision": 1,
    }
    manifest = {
        **copy.deepcopy(common),
        "type": "cds.bundle-manifest",
        "version": 1,
        "previous_manifest_sha256": None,
        "created_at": "2023-03-02T08:30:00Z",
        "app_version": "1.0.0",
        "schema_version": 1,
        "entries": [
            {
                "name": name,
                "kind": "record" if name.startswith("records/") else "attachment",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for name, data in entries
        ],
    }
    return Parts(core={**copy.deepcopy(common), "plaintext_size": 0}, manifest=manifest, entries=list(entries))


def signed_manifest(parts: Parts) -> bytes:
    body = encode(parts.manifest)
    signature = parts.signer.sign(signed_message("cds.bundle-manifest", body))
    key_id = parts.signature_key_id or parts.signer.public.key_id
    return encode(
        {
            "body": parts.manifest,
            "signatures": [{"alg": parts.signature_alg, "key_id": key_id, "value": b64(signature)}],
        }
    )


def payload_of(parts: Parts) -> bytes:
    """The plaintext payload: the signed manifest frame, then one entry frame per entry."""
    manifest = signed_manifest(parts)
    frames = [frame_prefix(FrameType.MANIFEST, len(manifest)) + manifest]
    frames += [entry_frame_prefix(name, len(data)) + data for name, data in parts.entries]
    return b"".join(frames)


def forge(
    path: Path,
    parts: Parts,
    *,
    payload: bytes | None = None,
    core_bytes: bytes | None = None,
    minor: int = 0,
) -> Path:
    """Write a bundle from ``parts`` (or a raw ``payload``), encrypted and wrapped like the writer does."""
    suite = DEFAULT_SUITE
    plaintext = payload_of(parts) if payload is None else payload
    core = core_bytes if core_bytes is not None else encode({**parts.core, "plaintext_size": len(plaintext)})
    start = FIXED_PREFIX.pack(MAGIC, 1, minor, suite.id, 0, len(core)) + core
    core_digest = hashlib.sha256(start).digest()
    file_key = bytes(range(32))
    header = bytearray(start + RECIPIENT_COUNT.pack(len(parts.recipients)))
    for _, key in parts.recipients:
        wrapped = suite.hpke_suite.encrypt(file_key, key.hpke_key(), info=wrap_info(core_digest, key.key_id_bytes))
        header += RECIPIENT_PREFIX.pack(key.key_id_bytes, len(wrapped)) + wrapped
    encryptor = suite.encryptor(file_key, PAYLOAD_CONTEXT_LABEL + hashlib.sha256(header).digest())
    path.write_bytes(bytes(header) + encryptor.update(plaintext) + encryptor.finalize())
    return path
