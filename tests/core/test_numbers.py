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
