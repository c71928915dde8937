"""Timestamps in signed documents: exactly ``YYYY-MM-DDTHH:MM:SSZ``, parsed without strptime in the usual case.

The fast path must accept and refuse exactly what the strptime-based definition does, with the same reason:
checked against that definition, written out here, on the named edge cases and on generated text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from cds_desktop.core.bundle.fields import TIMESTAMP_FORMAT, Timestamp


class _Stamped(BaseModel):
    at: Timestamp


def _reference(value: str) -> dt.datetime | str:
    """The definition: strptime, then the text must be what formatting the instant gives back."""
    try:
        parsed = dt.datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return "not a timestamp"
    if parsed.astimezone(dt.timezone.utc).strftime(TIMESTAMP_FORMAT) != value:
        return "timestamp not canonical"
    return parsed


def _parsed(value: str) -> dt.datetime | str:
    try:
        return _Stamped(at=value).at
    except ValidationError as error:
        (problem,) = error.errors()
        assert problem["type"] == "timestamp_form"
        return problem["msg"]


@pytest.mark.parametrize("value", [
    "2024-01-31T08:00:00Z", "1000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z",
    "2023-02-29T12:00:00Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-32T00:00:00Z",
    "2024-01-31T24:00:00Z", "2024-01-31T23:60:00Z", "2024-01-31T23:59:60Z", "0999-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z", "2024-1-31T08:00:00Z", "2024-01-31T8:00:00Z", "2024-01-31 08:00:00Z",
    "2024-01-31T08:00:00", "2024-01-31T08:00:00+00:00", "2024-01-31T08:00:00.5Z", "٢٠٢٤-01-31T08:00:00Z",
    "2024-01-31T08:00:00Z ", "", "2024-01- 1T08:00:00Z",
])
def test_named_cases_agree_with_the_definition(value: str) -> None:
    assert _parsed(value) == _reference(value)


@settings(max_examples=400, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_every_instant_reads_back_as_itself(moment: dt.datetime) -> None:
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:" \
           f"{moment.second:02d}Z"

    assert _parsed(text) == _reference(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789-:TZ ٣+.", min_size=15, max_size=24))
def test_generated_text_agrees_with_the_definition(value: str) -> None:
    assert _parsed(value) == _reference(value)
