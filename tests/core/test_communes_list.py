"""The shipped commune list: identical to the official source in ``shared/data`` (row count, codes, names, provinces),
what the conversion script makes of that source, and read as hostile input (a damaged file is refused by name)."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from cds_desktop.core.communes_list import (
    RESOURCE_NAME,
    communes_of,
    official_list,
    read_commune_list_file,
)
from cds_desktop.core.errors import DataFileError, InputError
from cds_desktop.core.provinces import provinces
from cds_desktop.core.resources import resources_dir

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
SOURCE = SHARED / "communes-2025.md"
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\d{5})\s*\|(.*?)\|")
HEADING = re.compile(r"^\|\s*\|\s*\|\s*(THÀNH PHỐ|TỈNH) (.+?)\s*\|")
needs_source = pytest.mark.skipif(not SOURCE.is_file(),
                                  reason="the source list (shared/data) is not beside the repository")


def _source_rows() -> list[tuple[str, str, str]]:
    """(code, name, province heading) of every numbered row of the source, read line by line."""
    rows, heading = [], None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if found := HEADING.match(line):
            heading = found.group(2)
        elif found := ROW.match(line):
            name = unicodedata.normalize("NFC", " ".join(found.group(3).replace("<br>", " ").split()))
            rows.append((found.group(2), name, heading))
    return rows


@needs_source
def test_the_list_is_the_source_row_for_row():
    rows = _source_rows()
    listed = official_list().communes
    assert len(rows) == len(listed) == 3321
    assert {code: name for code, name, _ in rows} == {c.code: c.name for c in listed}
    # each commune under the province of its heading (the heading names the province in upper case)
    heading_of = {code: heading for code, _, heading in rows}
    names = {p.code: p.name.upper().removeprefix("THÀNH PHỐ ") for p in provinces()}
    assert all(names[c.province_code] == heading_of[c.code] for c in listed)


@needs_source
def test_counts_per_province_match_the_source():
    expected = Counter(heading for _, _, heading in _source_rows())
    names = {p.code: p.name.upper().removeprefix("THÀNH PHỐ ") for p in provinces()}
    counts = Counter(names[c.province_code] for c in official_list().communes)
    assert counts == expected
    # the largest: Thành phố Hồ Chí Minh 168, Thanh Hóa 166, Phú Thọ 148 (not "at most 146")
    assert max(counts.values()) == 168 and sum(counts.values()) == 3321
    assert len(communes_of("68")) == 124 and communes_of("79")[0].province_code == "79"


@needs_source
def test_the_resource_is_what_the_script_makes_from_the_source(tmp_path):
    out = tmp_path / "communes.yaml"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "convert_communes.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == (resources_dir() / RESOURCE_NAME).read_bytes()


def test_codes_are_strings_names_nfc_and_the_source_named():
    listed = official_list()
    assert "1027/CTK-CSCL" in listed.source and "915/CTK-CSCL" in listed.province_source
    assert all(isinstance(c.code, str) and len(c.code) == 5 and c.code.isdigit() for c in listed.communes)
    assert all(unicodedata.is_normalized("NFC", c.name) and c.name == c.name.strip() for c in listed.communes)
    nhan_co = next(c for c in communes_of("68") if c.code == "24751")
    assert nhan_co.name == "Xã Nhân Cơ"
    assert [c.code for c in communes_of("01")][:2] == ["00070", "00082"]  # leading zeros kept, source order


def test_an_unknown_province_is_refused():
    with pytest.raises(InputError) as caught:
        communes_of("67")
    assert caught.value.code == "province.unknown"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "communes.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _all_provinces(first: str) -> str:
    """A list with one commune per province; ``first`` is the first province's entry text."""
    lines = ['source: "CV"', 'province_source: "CV"', "provinces:"]
    for number, item in enumerate(provinces()):
        lines.append(f'  "{item.code}":')
        lines.append(first if number == 0 else f'    "{90000 + number}": "Xã Số {number}"')
    return "\n".join(lines) + "\n"


def test_a_well_formed_file_reads(tmp_path):
    path = _write(tmp_path, _all_provinces('    "00001": "Xã Một"'))
    listed = read_commune_list_file(path)
    assert len(listed.communes) == 34 and listed.communes[0].code == "00001"


DAMAGED = {
    "a code read as a number": '    00070: "Phường Hoàn Kiếm"',
    "a 4-digit code": '    "0070": "Phường Hoàn Kiếm"',
    "an empty name": '    "00070": "  "',
    "a control character": '    "00070": "Phường\\u0007 Hoàn Kiếm"',
    "a name that is a list": '    "00070": ["Phường"]',
    "a code twice across provinces": '    "90001": "Xã Trùng"',
}


@pytest.mark.parametrize("entry", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_file_is_refused_by_name(tmp_path, entry):
    with pytest.raises(DataFileError) as caught:
        read_commune_list_file(_write(tmp_path, _all_provinces(entry)))
    error = caught.value
    assert error.code == "resource.damaged" and error.params["file"] == "communes.yaml"
    assert error.params["problem_id"] == "data_file.problem.not_commune_list"
    assert "danh sách xã" in error.message("vi") and "commune list" in error.message("en")


def test_a_missing_province_a_foreign_key_and_hostile_yaml_are_refused(tmp_path):
    missing = _all_provinces('    "00001": "Xã Một"').replace('  "01":\n    "00001": "Xã Một"\n', "")
    extra = _all_provinces('    "00001": "Xã Một"') + "extra: 1\n"
    alias = 'source: &s "CV"\nprovince_source: *s\nprovinces: {}\n'
    for body, problem in ((missing, "not_commune_list"), (extra, "not_commune_list"), (alias, "alias"),
                          ("source: [\n", "syntax")):
        with pytest.raises(DataFileError) as caught:
            read_commune_list_file(_write(tmp_path, body))
        assert caught.value.params["problem_id"] == f"data_file.problem.{problem}"
    with pytest.raises(DataFileError) as caught:
        read_commune_list_file(tmp_path / "absent.yaml")
    assert caught.value.params["problem_id"] == "data_file.problem.missing"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (600 * 1024))
    with pytest.raises(DataFileError) as caught:
        read_commune_list_file(big)
    assert caught.value.params["problem_id"] == "data_file.problem.too_large"
