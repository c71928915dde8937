"""How the results read model reads stored quantities fast without changing what it reads: the quick reading of a
stored quantity agrees with the import's pattern (``[0-9]+(\\.[0-9]+)?``) on any text; the cyclic collector,
paused while a big table is built, is put back as it was; the whole table read in one go equals the per-commune
reads of the same office (``indicator_answers``, the trend's query)."""

from __future__ import annotations

import gc
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cds_desktop.core.services.office.results import _number
from cds_desktop.core.gc_pause import collector_paused

from .results_support import P, Q3, Q4, open_results_office

STORED = re.compile(r"[0-9]+(\.[0-9]+)?")


def _by_pattern(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None and STORED.fullmatch(text) else None


@pytest.mark.parametrize("text", ["0", "100", "75.00", "007", "1.", ".5", "", "-1", "1e5", " 1", "1 ", "NaN",
                                  "Infinity", "١٢", "²", "1.2.3", "1,5", "12\n", None])
def test_a_stored_quantity_is_read_as_the_import_wrote_it(text):
    assert _number(text) == _by_pattern(text) and type(_number(text)) is type(_by_pattern(text))


@given(st.one_of(st.none(), st.text(max_size=8), st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True)))
def test_any_text_is_read_as_the_pattern_says(text):
    assert _number(text) == _by_pattern(text)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_put_back_as_it_was(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), collector_paused():
            raise KeyError("a failure inside")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_table_read_in_one_go_equals_each_communes_own_reading(tmp_path, mini_plan, clock):
    office = open_results_office(tmp_path / "office", mini_plan, clock)
    try:
        for period in (Q3, Q4):
            table = office.period_results(P, period)
            for row, commune in enumerate(table.communes):
                for column, indicator in enumerate(table.indicators):
                    (point,) = [p for p in office.indicator_trend(P, indicator.code, commune.code)
                                if p.period_id == period]
                    cell = table.cell(row, column)
                    assert (cell.result, cell.numerator, cell.denominator, cell.status) == (
                        point.result, point.numerator, point.denominator, point.status)
    finally:
        office.close()
