"""Signed documents: one envelope for the bundle manifest, org-keys files, enrollments and receipts.

A signed document is the canonical JSON ``{"body": {...}, "signatures": [{"alg", "key_id", "value"}, ...]}``.
Each signature is Ed25519 over ``"CDS signed document v1" 0x00 <type> 0x00 <canonical body>``, where ``<type>`` is
the body's ``type`` field (e.g. ``cds.receipt``). The label and type keep a signature made for one kind of
document from ever being valid on another, even when the same key signs both (the office root signs org-keys
files and receipts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Sequence, TypeVar

from pydantic import Field

from cds_desktop.core.bundle.canonical import Document, DocumentCodes, encode, parse_model, validate_model
from cds_desktop.core.bundle.fields import Base64Bytes, KeyIdText
from cds_desktop.core.bundle.keys import PublicKey, SigningKey

SIGNATURE_LABEL = b"CDS signed document v1\x00"
MAX_SIGNATURES = 2


class SignedBody(Document):
    """Base of every signed body. Subclasses declare ``type: Literal["cds.<name>"] = "cds.<name>"``."""

    @classmethod
    def doc_type(cls) -> str:
        return str(cls.model_fields["type"].default)


class Signature(Document):
    alg: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,32}$")]
    key_id: KeyIdText
    value: Base64Bytes


class _Envelope(Document):
    body: dict[str, Any]
    signatures: Annotated[list[Signature], Field(min_length=1, max_length=MAX_SIGNATURES)]


def signed_message(doc_type: str, body_bytes: bytes) -> bytes:
    """The exact bytes an Ed25519 signature of a ``doc_type`` document covers."""
    return SIGNATURE_LABEL + doc_type.encode() + b"\x00" + body_bytes


def seal(body: SignedBody, signers: Sequence[SigningKey]) -> bytes:
    """``body`` signed by each of ``signers`` in turn, as a canonical envelope."""
    body_bytes = body.canonical()
    message = signed_message(body.doc_type(), body_bytes)
    signatures = [Signature(alg=key.kind.value, key_id=key.public.key_id, value=key.sign(message)) for key in signers]
    return encode({"body": body.model_dump(mode="json"), "signatures": [s.model_dump(mode="json") for s in signatures]})


B = TypeVar("B", bound=SignedBody)


@dataclass(frozen=True)
class Envelope:
    """A parsed signed document: its body as parsed JSON and canonical bytes, and its (unchecked) signatures."""

    body: dict[str, Any]
    body_bytes: bytes
    signatures: tuple[Signature, ...]

    def signature_by(self, key_id: str) -> Signature | None:
        return next((s for s in self.signatures if s.key_id == key_id), None)

    def is_signed_by(self, key: PublicKey, model: type[SignedBody]) -> bool:
        """True when a signature names ``key`` by id, uses its algorithm and verifies as a ``model`` document."""
        signature = self.signature_by(key.key_id)
        return (
            signature is not None
            and signature.alg == key.kind.value
            and key.verify(signature.value, signed_message(model.doc_type(), self.body_bytes))
        )

    def body_as(self, model: type[B], codes: DocumentCodes) -> B:
        return validate_model(self.body, model, codes)


def open_envelope(data: bytes, codes: DocumentCodes) -> Envelope:
    """Parse a signed document strictly; the caller checks the signatures (it knows which keys count)."""
    envelope = parse_model(data, _Envelope, codes)
    return Envelope(body=envelope.body, body_bytes=encode(envelope.body), signatures=tuple(envelope.signatures))
