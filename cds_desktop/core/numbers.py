"""Numbers as people type and read them: Vietnamese ``1.234.567,89`` and the canonical ``1234567.89``.

Stored values are canonical decimal strings (no grouping, ``.`` decimal point). Front-ends convert what a
person typed with ``to_canonical`` and show stored values with ``format_number``/``format_percent``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_VI_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_decimal(text: str | None) -> Decimal | None:
    """A canonical decimal string → Decimal; ``None`` for blank; raises ``ValueError`` otherwise."""
    if text is None or not str(text).strip():
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value


def to_canonical(text: str | None, language: str = "vi") -> str | None:
    """What a person typed → canonical decimal string.

    Vietnamese input uses ``.`` for thousands and ``,`` for decimals (``1.234``, ``75,5``); English the
    reverse. Text that is not a number in that convention is returned unchanged (trimmed), so that
    validation reports it as not numeric instead of silently guessing.
    """
    if text is None:
        return None
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        return None
    pattern = _VI_NUMBER if language == "vi" else _EN_NUMBER
    if not pattern.match(raw):
        return text.strip()
    group, decimal = (".", ",") if language == "vi" else (",", ".")
    return canonical(Decimal(raw.replace(group, "").replace(decimal, ".")))


def canonical(value: Decimal) -> str:
    """Decimal → canonical string without exponent or trailing zeros (``75.50`` → ``75.5``)."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return str(normalized.quantize(Decimal(1)))
    return format(normalized, "f")


def format_number(value: Decimal | int | None, language: str = "vi", places: int | None = None) -> str:
    """``1234567.891`` → ``1.234.567,89`` (vi, places=2) or ``1,234,567.89`` (en)."""
    if value is None:
        return ""
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = canonical(value) if places is None else format(value, "f")
    sign = "-" if text.startswith("-") else ""
    integer, _, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(integer):,}"
    if language == "vi":
        grouped = grouped.replace(",", ".")
        return sign + grouped + ("," + fraction if fraction else "")
    return sign + grouped + ("." + fraction if fraction else "")


def format_percent(value: Decimal | None, language: str = "vi", places: int = 1) -> str:
    """``75.5`` → ``75,5%`` (vi); trailing zero decimals are dropped (``80.0`` → ``80%``)."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_number(Decimal(canonical(rounded)), language) + "%"


def percentage(numerator: Decimal, denominator: Decimal, places: int | None = 2) -> Decimal | None:
    """numerator / denominator × 100, to ``places`` decimal places (the stored and compared value); unrounded
    with ``places=None``, for a share that ``format_percent`` rounds once; ``None`` when the denominator is 0."""
    if denominator == 0:
        return None
    share = numerator * 100 / denominator
    return share if places is None else share.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
