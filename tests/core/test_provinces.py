"""The built-in province list: 34 provinces, matching the transcription of Decision 19/2025/QĐ-TTg."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from cds_desktop.core.errors import InputError
from cds_desktop.core.provinces import province, provinces

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "provinces-2025.csv"


def test_34_provinces_with_unique_two_digit_codes_in_order():
    items = provinces()
    codes = [p.code for p in items]
    assert len(items) == 34 and len(set(codes)) == 34 and codes == sorted(codes)
    assert all(len(c) == 2 and c.isdigit() for c in codes)
    assert all(unicodedata.is_normalized("NFC", p.name) and p.name.strip() == p.name for p in items)


def test_lookup_by_code():
    assert province("68").name == "Lâm Đồng"
    assert province(" 01 ").name == "Thành phố Hà Nội"
    with pytest.raises(InputError) as caught:
        province("67")  # Đắk Nông, merged into Lâm Đồng in 2025
    assert caught.value.code == "province.unknown" and "67" in caught.value.message("en")


@pytest.mark.skipif(not SOURCE.is_file(), reason="the source list (shared/data) is not next to the repository")
def test_matches_the_source_list():
    with SOURCE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(p.code, p.name) for p in provinces()] == [
        (row["Mã số"], unicodedata.normalize("NFC", row["Tên 34 tỉnh sau sáp nhập"])) for row in rows]
