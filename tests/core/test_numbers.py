from decimal import Decimal

import pytest

from cds_desktop.core.numbers import canonical, format_number, format_percent, parse_decimal, percentage, to_canonical


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("1.234", "vi", "1234"),
        ("75,5", "vi", "75.5"),
        ("1.234.567,89", "vi", "1234567.89"),
        (" 12 ", "vi", "12"),
        ("1,234.5", "en", "1234.5"),
        ("75.5", "en", "75.5"),
        ("12,3.4", "vi", "12,3.4"),  # not a number: left as typed so validation flags it
        ("abc", "vi", "abc"),
        ("", "vi", None),
    ],
)
def test_to_canonical(typed, language, expected):
    assert to_canonical(typed, language) == expected


def test_format_vietnamese_and_english():
    assert format_number(Decimal("1234567.891"), "vi", 2) == "1.234.567,89"
    assert format_number(Decimal("1234567.891"), "en", 2) == "1,234,567.89"
    assert format_number(Decimal("-1234"), "vi") == "-1.234"
    assert format_percent(Decimal("75.5")) == "75,5%"
    assert format_percent(Decimal("80.00")) == "80%"
    assert format_percent(Decimal("66.666"), "en") == "66.7%"


def test_canonical_and_percentage():
    assert canonical(Decimal("1E+2")) == "100"
    assert canonical(Decimal("75.50")) == "75.5"
    assert percentage(Decimal(2), Decimal(3)) == Decimal("66.67")
    assert percentage(Decimal(1), Decimal(0)) is None
    assert parse_decimal(" ") is None
    with pytest.raises(ValueError):
        parse_decimal("NaN")


def test_a_share_is_rounded_once_for_display():
    """6 of 11 is 54.5454…%: shown as 54,5% — not 54,6% from rounding to 54.55 first."""
    from decimal import Decimal

    from cds_desktop.core.numbers import format_percent, percentage
    from cds_desktop.core.reports.formatting import count_with_share

    assert format_percent(percentage(Decimal(6), Decimal(11), places=None)) == "54,5%"
    assert percentage(Decimal(6), Decimal(11)) == Decimal("54.55")
    assert count_with_share(6, 11, "vi") == "6 (54,5%)"


# --- what a quantity is: parse with hard bounds, canonical round trip, typed errors --------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cds_desktop.core.errors import InputError  # noqa: E402
from cds_desktop.core.numbers import (  # noqa: E402
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    QuantityError,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1.234.567,89", "vi", "1234567.89"),
        ("1,234.5", "en", "1234.5"),
        ("0812", None, "812"),
        ("+5", None, "5"),
        ("-0", None, "0"),
        ("-0.000", None, "0"),
        ("75.50", None, "75.5"),
        ("9" * MAX_INTEGER_DIGITS + "." + "9" * MAX_FRACTION_DIGITS, None,
         "9" * MAX_INTEGER_DIGITS + "." + "9" * MAX_FRACTION_DIGITS),
        ("1.5", "vi", "1.5"),  # not Vietnamese grouping: read as the canonical form
        ("  ", None, None),
    ],
)
def test_parse_quantity_gives_the_canonical_form(text, language, expected):
    assert parse_quantity(text, language) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1e400", "number.exponent"),
        ("1E+2", "number.exponent"),
        ("2,5e3", "number.exponent"),
        ("NaN", "number.not_numeric"),
        ("-Infinity", "number.not_numeric"),
        ("sNaN", "number.not_numeric"),
        ("abc", "number.not_numeric"),
        ("١٢٣", "number.not_numeric"),  # Arabic-Indic digits: Decimal() reads them, people here do not type them
        ("5.", "number.not_numeric"),
        (".5", "number.not_numeric"),
        ("1_000", "number.not_numeric"),
        ("12\n", None),  # surrounding white space is trimmed, so this one is a number
        ("1" * (MAX_INTEGER_DIGITS + 1), "number.too_many_digits"),
        ("0." + "1" * (MAX_FRACTION_DIGITS + 1), "number.too_many_decimals"),
        ("0" * 200 + "1", "number.too_many_digits"),  # absurdly long text is refused before any arithmetic
    ],
)
def test_parse_quantity_refuses_with_a_typed_error(text, code):
    if code is None:
        assert parse_quantity(text) == "12"
        return
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text)
    error = caught.value
    assert isinstance(error, InputError) and isinstance(error, ValueError)  # old ``except ValueError`` still works
    assert error.code == code
    vi, en = error.message("vi"), error.message("en")
    assert vi != en and "{" not in vi + en


def test_parse_decimal_refuses_what_parse_quantity_refuses():
    with pytest.raises(QuantityError):
        parse_decimal("1e400")
    with pytest.raises(ValueError):
        parse_decimal("Infinity")
    assert parse_decimal("0812") == Decimal(812)


def test_to_canonical_keeps_what_it_cannot_read_for_validation_to_flag():
    assert to_canonical("1e400", "vi") == "1e400"
    assert to_canonical("9" * 400, "vi") == "9" * 400  # no decimal.InvalidOperation
    assert to_canonical("1.234.567.890.123.456", "vi") == "1.234.567.890.123.456"  # 16 digits: too many


def test_formatting_never_breaks_on_huge_or_tiny_decimals():
    assert format_number(Decimal("1e400"), "vi") == "10" + ".000" * 133
    assert format_number(Decimal("1e-400"), "en", 2) == "0.00"
    assert format_percent(Decimal("1e30")) == "1" + ".000" * 10 + "%"
    assert canonical(Decimal("1e400")) == "1" + "0" * 400
    assert canonical(Decimal("-0.0")) == "0"
    assert format_number(10 ** 5000, "en").count(",") == 1666  # beyond int() string conversion limits
    with pytest.raises(QuantityError):
        format_number(Decimal("NaN"))
    with pytest.raises(QuantityError):
        percentage(Decimal("Infinity"), Decimal(1))


PEOPLE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,+- eE\u00a0", max_size=40),
    st.from_regex(r"[+-]?[0-9]{1,20}([.,][0-9]{1,9})?", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(text=PEOPLE_TEXT, language=st.sampled_from(["vi", "en", None]))
def test_parse_either_gives_a_canonical_round_trip_or_a_typed_error(text, language):
    try:
        parsed = parse_quantity(text, language)
    except QuantityError:
        return
    if parsed is None:
        assert not "".join(text.split())  # only white space (Python's: NBSP and U+001F included)
        return
    assert parse_quantity(parsed) == parsed == canonical(Decimal(parsed))
    integer, _, fraction = parsed.lstrip("-").partition(".")
    assert len(integer) <= MAX_INTEGER_DIGITS and len(fraction) <= MAX_FRACTION_DIGITS
    assert format_number(Decimal(parsed), "vi") and to_canonical(text, language or "vi") is not None


@settings(max_examples=300, deadline=None)
@given(numerator=st.text(max_size=30) | st.from_regex(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", fullmatch=True),
       denominator=st.text(max_size=30) | st.from_regex(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", fullmatch=True))
def test_computations_on_any_stored_text_raise_only_typed_errors(numerator, denominator):
    try:
        share = percentage(parse_decimal(numerator) or Decimal(0), parse_decimal(denominator) or Decimal(0))
    except QuantityError:
        return
    if share is not None:
        assert format_percent(share, "vi").endswith("%") and canonical(share)
        assert format_number(share, "en", 2)
