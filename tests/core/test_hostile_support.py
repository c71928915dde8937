"""The hostile-content generator itself: it yields what it promises (so the tests using it test something)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from support.hostile import FIXED_CASES, hostile_bytes


def test_fixed_cases_are_not_valid_utf8_json_objects():
    for name, data in FIXED_CASES.items():
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        assert not isinstance(value, dict) or name == "huge_number", name


@settings(max_examples=50, deadline=None)
@given(hostile_bytes(b'{"a": 1}'))
def test_derived_cases_differ_from_the_valid_input(data):
    assert data != b'{"a": 1}' or pytest.fail("a hostile case equal to the valid input")
