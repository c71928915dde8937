"""The statistics behind the office's "worth a call" list: pure functions over numbers, no database.

- ``modified_z_scores``: DHIS2's robust z-score, ``0.6745 · (x − median) / MAD`` where MAD is the median of the
  absolute deviations from the median; a value whose score's magnitude exceeds ``Z_THRESHOLD`` (3.5, DHIS2's
  default) is far from the other communes. When half the values or more are equal, MAD is 0 and nothing can be
  scored (every score is None): DHIS2 does the same rather than divide by zero.
- ``sharp_change``: a denominator that moved by more than ``DENOMINATOR_CHANGE`` (half) of the previous period's,
  up or down (a population or a stock of records does not halve or grow by half in a quarter).

No automatic minimum/maximum ranges: the issue asks for none.
"""

from __future__ import annotations

from decimal import Decimal
from statistics import median
from typing import Sequence

Z_THRESHOLD = Decimal("3.5")
Z_FACTOR = Decimal("0.6745")  # the 0.75 quantile of the standard normal: makes MAD comparable to a deviation
MIN_VALUES = 3  # fewer values than this say nothing about what is usual
DENOMINATOR_CHANGE = Decimal("0.5")


def modified_z_scores(values: Sequence[Decimal]) -> list[Decimal | None]:
    """The modified z-score of each value (same order); all None with fewer than ``MIN_VALUES`` or a MAD of 0."""
    if len(values) < MIN_VALUES:
        return [None] * len(values)
    middle = median(values)
    mad = median(abs(value - middle) for value in values)
    if mad == 0:
        return [None] * len(values)
    return [Z_FACTOR * (value - middle) / mad for value in values]


def is_far(score: Decimal | None) -> bool:
    return score is not None and abs(score) > Z_THRESHOLD


def relative_change(previous: Decimal, current: Decimal) -> Decimal | None:
    """(current − previous) / previous; None when there was nothing before to compare with."""
    if previous == 0:
        return None
    return (current - previous) / previous


def sharp_change(previous: Decimal, current: Decimal) -> bool:
    change = relative_change(previous, current)
    return change is not None and abs(change) > DENOMINATOR_CHANGE
