"""How a refusal of a malformed document is worded: the field in plain words and the reason, in both languages.

A parser's own text (pydantic's "String should have at most 200 characters", ``json``'s "Expecting value") is
English, technical and sometimes carries a web address; it never reaches a message. Instead a refusal carries a
*reason* — a key of the ``bundle.reason.*`` messages — with the values that reason names (limits, positions), and
the *field* as a dotted path (``indicators.3.numerator``), which ``field_words`` turns into "chỉ tiêu thứ 4, tử số"
/ "indicator 4, numerator" with the ``bundle.field.*`` and ``bundle.item.*`` messages.

``reason_of(error)`` maps one pydantic error to a reason. Validators in the document models raise
``PydanticCustomError(<reason>, …)``, so their error type already is the reason.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from cds_desktop.core.bundle.names import printable
from cds_desktop.core.i18n import catalog, translate

REASON_PREFIX = "bundle.reason."
FIELD_PREFIX = "bundle.field."
ITEM_PREFIX = "bundle.item."
FALLBACK_REASON = "invalid"

_TYPE_REASONS = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "string_type": "expected_text",
    "int_type": "expected_integer",
    "int_parsing": "expected_integer",
    "int_from_float": "expected_integer",
    "bool_type": "expected_boolean",
    "bool_parsing": "expected_boolean",
    "list_type": "expected_list",
    "tuple_type": "expected_list",
    "dict_type": "expected_object",
    "model_type": "expected_object",
    "model_attributes_type": "expected_object",
    "none_required": "expected_null",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_long": "too_many",
    "too_short": "too_few",
    "bytes_too_long": "wrong_size",
    "bytes_too_short": "wrong_size",
    "string_pattern_mismatch": "bad_form",
    "greater_than_equal": "below_minimum",
    "greater_than": "below_minimum",
    "less_than_equal": "above_maximum",
    "less_than": "above_maximum",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
}
_PARSER_CONTEXT = {"pattern", "field_type", "actual_length", "expected", "error"}  # pydantic's own wording: dropped
_COLLECTIONS = ("List", "Tuple", "Set", "Frozenset", "Dict")
_LIMITS = {"max_length": "limit", "min_length": "limit", "ge": "limit", "gt": "limit", "le": "limit", "lt": "limit"}


def reason_of(error: ErrorDetails | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The reason key for one pydantic error and the values its message names."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    reason = _TYPE_REASONS.get(kind, kind if _known(REASON_PREFIX + kind) else FALLBACK_REASON)
    params: dict[str, Any] = {}
    for name, value in ctx.items():
        if name not in _PARSER_CONTEXT:
            params[_LIMITS.get(name, name)] = value if isinstance(value, int) else str(value)
    if kind in ("too_long", "too_short") and ctx.get("field_type") not in _COLLECTIONS:  # constrained text
        reason = "too_long" if kind == "too_long" else "too_short"
    if reason in ("too_short", "too_few") and params.get("limit") == 1:
        reason = "empty"
    if reason == "not_allowed":
        expected = str(ctx.get("expected", ""))
        params["allowed"] = ", ".join(re.findall(r"'([^']*)'", expected)) or expected
    if reason == "unknown_field":
        params["member"] = printable(str(error["loc"][-1])[:100]) if error.get("loc") else "?"
    return reason, params


def first_problem(exc: ValidationError) -> tuple[str | None, str, dict[str, Any]]:
    """(field path, reason, values) of the error to show for ``exc``: an unknown field first, else the first error."""
    errors = exc.errors()
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    location = [part for part in error["loc"]]
    if error["type"] == "extra_forbidden":
        location = location[:-1]  # the unknown member is named by the reason, its parent by the field
    reason, params = reason_of(error)
    return field_path(location), reason, params


def field_path(location: list[Any] | tuple[Any, ...]) -> str | None:
    """``("indicators", 3, "numerator")`` → ``"indicators.3.numerator"`` (``None`` for the whole document)."""
    return ".".join(printable(str(part)) for part in location) or None


def field_words(path: str, language: str | None = None) -> str:
    """A dotted field path in plain words: ``indicators.3.numerator`` → ``chỉ tiêu thứ 4, tử số``."""
    words: list[str] = []
    parent = ""
    for part in path.split("."):
        if part.isdigit() and words:
            item = ITEM_PREFIX + parent
            number = int(part) + 1
            words[-1] = translate(item, language, n=number) if _known(item) else f"{words[-1]} #{number}"
            continue
        scoped, plain = f"{FIELD_PREFIX}{parent}.{part}", FIELD_PREFIX + part
        key = scoped if _known(scoped) else plain
        words.append(translate(key, language) if _known(key) else f"“{part}”")
        parent = part
    return ", ".join(words)


def reason_words(reason: str, params: Mapping[str, Any], language: str | None = None) -> str:
    key = REASON_PREFIX + reason if _known(REASON_PREFIX + reason) else REASON_PREFIX + FALLBACK_REASON
    return translate(key, language, **params)


def describe_problem(params: Mapping[str, Any], language: str | None = None) -> str:
    """What ``DocumentError`` puts into ``{problem}``: "field in words: reason" or just the reason."""
    reason = reason_words(str(params.get("reason", FALLBACK_REASON)), params, language)
    field = params.get("field")
    return f"{field_words(str(field), language)}: {reason}" if field else reason


def _known(message_id: str) -> bool:
    return message_id in catalog()
