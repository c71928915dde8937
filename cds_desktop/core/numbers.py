"""Quantities: the one place that decides what a number is, as people type it and as it is stored.

Stored values are canonical decimal strings: an optional ``-``, digits without grouping, and a ``.`` with the
decimals that matter (``1234567.89``, ``75.5``, ``0``). ``parse_quantity`` turns what a person or a script typed
into that form, within hard bounds (``MAX_INTEGER_DIGITS`` before the point, ``MAX_FRACTION_DIGITS`` after it);
anything else is a ``QuantityError`` (an ``InputError`` that is also a ``ValueError``, with a message in both
languages). Exponent forms (``1e6``), ``NaN``, ``Infinity``, other scripts' digits and grouping that does not
follow the reader's convention are refused: people here write numbers out in full.

Drafts keep what was typed, so a stored string may be anything; ``parse_decimal`` reads one (``None`` for
blank) under the same rules, and every computation here (``percentage``, ``canonical``, ``format_number``,
``format_percent``) either gives a result or raises ``QuantityError`` — never ``decimal.InvalidOperation``.
Front-ends convert typing with ``to_canonical`` and show values with ``format_number``/``format_percent``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from cds_desktop.core.errors import InputError

MAX_INTEGER_DIGITS = 15  # 999 nghìn tỷ: more than any commune's population, records or money amount in đồng
MAX_FRACTION_DIGITS = 6
_MAX_TEXT = 40  # longer text is refused before it is looked at (sign, 15 grouped digits, 6 decimals: 27)
_SHOWN_TEXT = 40  # how much of refused text an error message repeats

_CANONICAL = re.compile(r"(?P<sign>[+-]?)(?P<integer>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")
_VI_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<integer>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<fraction>[0-9]+))?")
_EN_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<integer>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?")
_EXPONENT = re.compile(r"[+-]?[0-9.,]*[0-9][eE][+-]?[0-9]+")
_READINGS = {  # language → the forms accepted, each with its thousands separator
    "vi": ((_VI_NUMBER, "."), (_CANONICAL, "")),
    "en": ((_EN_NUMBER, ","),),
    None: ((_CANONICAL, ""),),
}
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")  # spaces people (and spreadsheets) put between groups


class QuantityError(InputError, ValueError):
    """Text that is not a quantity this app accepts: ``number.not_numeric``, ``number.exponent``,
    ``number.too_many_digits`` or ``number.too_many_decimals`` (params ``text`` and, for the bounds, ``max``).

    A ``ValueError`` too, so that code reading stored values with ``except ValueError`` keeps working."""


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN_TEXT else text[: _SHOWN_TEXT - 1] + "…"


def parse_quantity(text: str | None, language: str | None = None) -> str | None:
    """What a person (``language`` ``"vi"`` or ``"en"``) or a script (``None``: the canonical form) typed →
    the canonical string; ``None`` for blank; ``QuantityError`` otherwise.

    Vietnamese uses ``.`` for thousands and ``,`` for decimals (``1.234``, ``75,5``) and also accepts the
    canonical form (``1.5``, which is not Vietnamese grouping); English uses ``,`` and ``.``. Spaces between
    groups are ignored. The result parses again to itself.
    """
    if text is None:
        return None
    raw = str(text).strip().translate(_SPACES)
    if not raw:
        return None
    if len(raw) > _MAX_TEXT:
        raise QuantityError("number.too_many_digits", text=_shown(raw), max=MAX_INTEGER_DIGITS)
    if _EXPONENT.fullmatch(raw):
        raise QuantityError("number.exponent", text=raw)
    for pattern, separator in _READINGS.get(language, _READINGS[None]):
        match = pattern.fullmatch(raw)
        if match:
            break
    else:
        raise QuantityError("number.not_numeric", text=raw)
    integer = (match["integer"].replace(separator, "") if separator else match["integer"]).lstrip("0")
    fraction = (match["fraction"] or "").rstrip("0")
    if len(integer) > MAX_INTEGER_DIGITS:
        raise QuantityError("number.too_many_digits", text=raw, max=MAX_INTEGER_DIGITS)
    if len(fraction) > MAX_FRACTION_DIGITS:
        raise QuantityError("number.too_many_decimals", text=raw, max=MAX_FRACTION_DIGITS)
    digits = (integer or "0") + ("." + fraction if fraction else "")
    return "-" + digits if match["sign"] == "-" and (integer or fraction) else digits


def parse_decimal(text: str | None) -> Decimal | None:
    """A stored (canonical) quantity → Decimal; ``None`` for blank; ``QuantityError`` (a ``ValueError``) for
    anything ``parse_quantity`` refuses."""
    canonical_text = parse_quantity(text)
    return Decimal(canonical_text) if canonical_text is not None else None


def to_canonical(text: str | None, language: str | None = "vi") -> str | None:
    """What a person (or, with ``language=None``, a script) typed → the canonical string, or the text itself
    (trimmed) when it is not a quantity, so that a draft keeps what was typed and validation reports it instead
    of silently guessing."""
    try:
        return parse_quantity(text, language)
    except QuantityError:
        return str(text).strip()


def _finite(value: Decimal | int | float) -> Decimal:
    number = Decimal(value)
    if not number.is_finite():
        raise QuantityError("number.not_numeric", text=str(number))
    return number


def canonical(value: Decimal | int) -> str:
    """Decimal → canonical string without exponent or trailing zeros (``75.50`` → ``75.5``, ``1E+2`` →
    ``100``, ``-0`` → ``0``); exact for any finite value."""
    text = format(_finite(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rounded(value: Decimal, places: int) -> Decimal:
    """``value`` to ``places`` decimals (half up), with enough precision for any size: never InvalidOperation."""
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + places + 3)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _grouped(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head], *(digits[i:i + 3] for i in range(head, len(digits), 3))])


def format_number(value: Decimal | int | float | None, language: str = "vi", places: int | None = None) -> str:
    """``1234567.891`` → ``1.234.567,89`` (vi, places=2) or ``1,234,567.89`` (en); ``QuantityError`` for NaN
    or an infinity."""
    if value is None:
        return ""
    number = _finite(value)
    text = canonical(number) if places is None else format(_rounded(number, places), "f")
    sign = "-" if text.startswith("-") else ""
    integer, _, fraction = text.lstrip("-").partition(".")
    group, point = (".", ",") if language == "vi" else (",", ".")
    return sign + _grouped(integer, group) + (point + fraction if fraction else "")


def format_percent(value: Decimal | None, language: str = "vi", places: int = 1) -> str:
    """``75.5`` → ``75,5%`` (vi); trailing zero decimals are dropped (``80.0`` → ``80%``)."""
    if value is None:
        return ""
    return format_number(Decimal(canonical(_rounded(_finite(value), places))), language) + "%"


def percentage(numerator: Decimal, denominator: Decimal, places: int | None = 2) -> Decimal | None:
    """numerator / denominator × 100, to ``places`` decimal places (the stored and compared value); unrounded
    with ``places=None``, for a share that ``format_percent`` rounds once; ``None`` when the denominator is 0.
    ``QuantityError`` for NaN or an infinity."""
    numerator, denominator = _finite(numerator), _finite(denominator)
    if denominator == 0:
        return None
    with localcontext() as context:
        context.prec = 40  # bounded quantities give at most 23 digits before the point: exact to many places
        share = numerator * 100 / denominator
    return share if places is None else _rounded(share, places)
