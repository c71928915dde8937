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
import math
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.names import printable
from cds_desktop.core.bundle.wording import first_problem

MAX_SAFE_INTEGER = 2**53 - 1
MAX_SAFE_DIGITS = len(str(MAX_SAFE_INTEGER))


class JsonSyntaxError(ValueError):
    """Bytes that are not strict JSON: not UTF-8, not JSON, a float, an unsafe integer or a repeated name.

    ``reason`` is a ``bundle.reason.*`` key and ``params`` the values its message names (see ``wording``).
    """

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params

    @property
    def duplicate_key(self) -> bool:
        return self.reason == "duplicate_member"


def encode(value: Any) -> bytes:
    """The canonical JSON encoding of ``value`` (dicts, lists, str, int, bool, None)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()


def _refuse_float(text: str) -> Any:
    raise JsonSyntaxError("float_number")


def _refuse_constant(text: str) -> Any:
    raise JsonSyntaxError("not_json_constant", constant=text)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise JsonSyntaxError("duplicate_member", member=printable(name[:100]))
        result[name] = value
    return result


def _safe_integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_SAFE_DIGITS:  # int() of thousands of digits is slow, then refused anyway
        raise JsonSyntaxError("integer_out_of_range")
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise JsonSyntaxError("integer_out_of_range")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 overflows to infinity
        raise JsonSyntaxError("number_out_of_range")
    return value


def loads_strict(data: bytes, *, allow_floats: bool = False) -> Any:
    """Parse UTF-8 JSON, refusing repeated member names, NaN/Infinity and (unless allowed) floats.

    Every refusal is a ``JsonSyntaxError``, whatever the bytes (invalid UTF-8, a lone surrogate escape, nesting
    deeper than the interpreter's stack, a number of ten thousand digits).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonSyntaxError("not_utf8", byte=exc.start) from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_members,
            parse_float=_finite_float if allow_floats else _refuse_float,
            parse_int=_safe_integer,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError("json_syntax", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise JsonSyntaxError("nested_too_deeply") from None


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
    """``model`` validated from already-parsed JSON ``value``; an unknown field or an invalid value raises
    ``DocumentError`` with the code from ``codes``, the field's path and the reason."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        field, reason, params = first_problem(exc)
        code = codes.unknown_field if reason == "unknown_field" else codes.invalid
        raise DocumentError(code, reason=reason, field=field, **params) from None


def parse_json(data: bytes, codes: DocumentCodes, *, allow_floats: bool = False) -> Any:
    """Strict JSON of ``data``, or ``DocumentError`` with the not-JSON or duplicate-member code from ``codes``."""
    try:
        return loads_strict(data, allow_floats=allow_floats)
    except JsonSyntaxError as exc:
        code = codes.duplicate_key if exc.duplicate_key else codes.not_json
        raise DocumentError(code, reason=exc.reason, **exc.params) from None


def parse_model(data: bytes, model: type[M], codes: DocumentCodes) -> M:
    """Strict JSON → canonical check → ``model``; each failure raises ``DocumentError`` with its code from ``codes``."""
    value = parse_json(data, codes)
    try:
        canonical = encode(value)
    except UnicodeEncodeError:  # a lone surrogate escape such as "\ud800"
        raise DocumentError(codes.not_json, reason="not_unicode") from None
    if canonical != data:
        raise DocumentError(codes.not_canonical, reason="not_canonical")
    return validate_model(value, model, codes)


class Document(BaseModel):
    """Base of every document model: immutable, strict types (no coercion), no unknown fields.

    Enum fields opt out of strictness with ``Field(strict=False)`` so that their JSON string values are accepted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def canonical(self) -> bytes:
        return encode(self.model_dump(mode="json"))
