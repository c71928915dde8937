"""Canonical JSON, the one encoding of every signed or hashed document, and strict parsing into models.

Canonical JSON here is RFC 8785 (JCS) restricted to integers: UTF-8, no insignificant whitespace, object members
sorted by name, the shortest string escapes, integers in ``[-(2**53-1), 2**53-1]``, no floats. A document is
accepted only if it is exactly the canonical encoding of what it parses to, so one document has one byte string,
and one hash. Parsing also refuses duplicate member names, which JSON parsers otherwise resolve differently.

``parse_model`` runs the whole boundary check for one document type (bytes → strict JSON → canonical check →
pydantic model) and reports each kind of failure with the error code that document type assigns to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.errors import BundleError

MAX_SAFE_INTEGER = 2**53 - 1


class JsonSyntaxError(ValueError):
    """Bytes that are not strict JSON: not UTF-8, not JSON, a float, an unsafe integer or a repeated name."""

    def __init__(self, detail: str, *, duplicate_key: bool = False) -> None:
        super().__init__(detail)
        self.duplicate_key = duplicate_key


def encode(value: Any) -> bytes:
    """The canonical JSON encoding of ``value`` (dicts, lists, str, int, bool, None)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()


def _refuse_float(text: str) -> Any:
    raise JsonSyntaxError(f"number {text} is not an integer")


def _refuse_constant(text: str) -> Any:
    raise JsonSyntaxError(f"{text} is not JSON")


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise JsonSyntaxError(f"member {name!r} appears twice", duplicate_key=True)
        result[name] = value
    return result


def _safe_integer(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise JsonSyntaxError(f"integer {text} is out of range")
    return value


def loads_strict(data: bytes, *, allow_floats: bool = False) -> Any:
    """Parse UTF-8 JSON, refusing repeated member names, NaN/Infinity and (unless allowed) floats."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonSyntaxError(f"not UTF-8 at byte {exc.start}") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_members,
            parse_float=float if allow_floats else _refuse_float,
            parse_int=_safe_integer,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise JsonSyntaxError("nested too deeply") from None


@dataclass(frozen=True)
class DocumentCodes:
    """The error code for each way one document type can be malformed."""

    not_json: Code
    duplicate_key: Code
    not_canonical: Code
    unknown_field: Code
    invalid: Code

    @classmethod
    def single(cls, code: Code) -> DocumentCodes:
        """One code for every failure (small documents where the distinction does not help the user)."""
        return cls(code, code, code, code, code)


M = TypeVar("M", bound=BaseModel)


def validate_model(value: Any, model: type[M], codes: DocumentCodes) -> M:
    """``model`` validated from already-parsed JSON ``value``, with ``codes`` for unknown and invalid fields."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        errors = exc.errors()
        unknown = [e for e in errors if e["type"] == "extra_forbidden"]
        if unknown:
            raise BundleError(codes.unknown_field, field=_location(unknown[0])) from None
        first = errors[0]
        raise BundleError(codes.invalid, field=_location(first), detail=first["msg"]) from None


def parse_model(data: bytes, model: type[M], codes: DocumentCodes) -> M:
    """Strict JSON → canonical check → ``model``; each failure raises ``BundleError`` with its code from ``codes``."""
    try:
        value = loads_strict(data)
    except JsonSyntaxError as exc:
        code = codes.duplicate_key if exc.duplicate_key else codes.not_json
        raise BundleError(code, detail=str(exc)) from None
    try:
        canonical = encode(value)
    except UnicodeEncodeError:  # a lone surrogate escape such as "\ud800"
        raise BundleError(codes.not_json, detail="text is not valid Unicode") from None
    if canonical != data:
        raise BundleError(codes.not_canonical)
    return validate_model(value, model, codes)


def _location(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(document)"


class Document(BaseModel):
    """Base of every document model: immutable, strict types (no coercion), no unknown fields.

    Enum fields opt out of strictness with ``Field(strict=False)`` so that their JSON string values are accepted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def canonical(self) -> bytes:
        return encode(self.model_dump(mode="json"))
