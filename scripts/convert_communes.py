"""Convert the official 2025 commune list to the resource the app ships (``resources/communes-2025.yaml``).

    uv run python scripts/convert_communes.py [--communes ../shared/data/communes-2025.md]
                                              [--provinces ../shared/data/provinces-2025.csv]
                                              [--out resources/communes-2025.yaml]

The source is Appendix I of Công văn 1027/CTK-CSCL (25/06/2025) of the Statistics Office (Cục Thống kê): 3,321
communes, listed by province under a heading row ("THÀNH PHỐ HÀ NỘI", "TỈNH CAO BẰNG" …), as a Markdown
transcription whose tables repeat their header at every page break and whose cells may hold ``<br>`` line breaks.
The provinces and their 2-digit codes come from Công văn 915/CTK-CSCL (``provinces-2025.csv``).

Each commune is filed under the province whose heading it stands under; the province column of its row must name
the same province (``Tp`` is the source's short form of ``Thành phố``; a blank cell is allowed). Codes stay strings
exactly as printed; the province code is stored beside the communes, never derived from a commune's code (a new
commune often keeps a predecessor's code, and some moved to another province in 2025).

The output is YAML the app reads with ``core/yaml_strict.py`` (``core/communes_list.py``): one mapping per province
code, commune code → name, in the order of the source. Every string is written as a JSON string, which YAML reads
as the same string. The script stops with a message, writing nothing, when the source does not read as expected.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SOURCE = "Phụ lục I, Công văn số 1027/CTK-CSCL ngày 25 tháng 6 năm 2025 của Cục Thống kê"
PROVINCE_SOURCE = "Công văn số 915/CTK-CSCL năm 2025 của Cục Thống kê"
EXPECTED_COUNT = 3321
_ROW = re.compile(r"^\d+$")
_CODE = re.compile(r"^\d{5}$")


class SourceProblem(Exception):
    """The source list does not read as this script expects."""


def _text(cell: str) -> str:
    """A cell's text: ``<br>`` breaks and runs of spaces become one space, NFC."""
    return unicodedata.normalize("NFC", " ".join(cell.replace("<br>", " ").split()))


def _folded(name: str) -> str:
    """A province's name as the headings and the province column may spell it: "TỈNH LÂM ĐỒNG", "Tp Cần Thơ"."""
    name = name.casefold()
    name = re.sub(r"^tp\.? ", "thành phố ", name)
    return re.sub(r"^tỉnh ", "", name)


def read_provinces(path: Path) -> dict[str, str]:
    """Folded province name → 2-digit code, from the province CSV (``Stt,Mã số,Tên …``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    provinces = {_folded(_text(name)): code for _number, code, name in rows}
    if len(provinces) != 34 or not all(re.fullmatch(r"\d{2}", code) for code in provinces.values()):
        raise SourceProblem(f"{path}: expected 34 provinces with 2-digit codes")
    return provinces


def read_communes(path: Path, provinces: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Province code → [(commune code, name)] in the order of the source list."""
    by_province: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    province = None
    expected_number = 1
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("|"):
            continue
        cells = [_text(cell) for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4:
            raise SourceProblem(f"{path}:{line_number}: expected 4 cells, found {len(cells)}")
        number, code, name, province_cell = cells
        if not number and not code and name:  # a province's heading row
            if _folded(name) not in provinces:
                raise SourceProblem(f"{path}:{line_number}: unknown province heading {name!r}")
            province = provinces[_folded(name)]
            if province in by_province:
                raise SourceProblem(f"{path}:{line_number}: province {name!r} listed twice")
            by_province[province] = []
            continue
        if not _ROW.match(number):
            continue  # a table's header or its rule
        if province is None or int(number) != expected_number or not _CODE.match(code) or not name:
            raise SourceProblem(f"{path}:{line_number}: unexpected row {cells}")
        if province_cell and provinces.get(_folded(province_cell)) != province:
            raise SourceProblem(f"{path}:{line_number}: the row names {province_cell!r}, under another heading")
        if code in seen:
            raise SourceProblem(f"{path}:{line_number}: code {code} listed twice")
        seen.add(code)
        by_province[province].append((code, name))
        expected_number += 1
    if expected_number - 1 != EXPECTED_COUNT or len(by_province) != len(provinces):
        raise SourceProblem(f"{path}: {expected_number - 1} communes in {len(by_province)} provinces, expected "
                            f"{EXPECTED_COUNT} in {len(provinces)}")
    return by_province


def resource_text(by_province: dict[str, list[tuple[str, str]]]) -> str:
    lines = [
        "# The 3,321 communes (xã, phường, đặc khu) of Viet Nam from 1 July 2025, by province, in the order of the",
        "# source. Made by scripts/convert_communes.py from shared/data/communes-2025.md; do not edit by hand.",
        "# provinces: 2-digit province code → commune code → official name (codes are strings).",
        f"source: {json.dumps(SOURCE, ensure_ascii=False)}",
        f"province_source: {json.dumps(PROVINCE_SOURCE, ensure_ascii=False)}",
        "provinces:",
    ]
    for province in sorted(by_province):
        lines.append(f"  {json.dumps(province)}:")
        lines += [f"    {json.dumps(code)}: {json.dumps(name, ensure_ascii=False)}"
                  for code, name in by_province[province]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=Path, default=SHARED_DATA / "communes-2025.md")
    parser.add_argument("--provinces", type=Path, default=SHARED_DATA / "provinces-2025.csv")
    parser.add_argument("--out", type=Path, default=REPO / "resources" / "communes-2025.yaml")
    args = parser.parse_args(argv)
    try:
        by_province = read_communes(args.communes, read_provinces(args.provinces))
    except (SourceProblem, OSError, UnicodeDecodeError, ValueError) as problem:
        print(f"convert_communes: {problem}", file=sys.stderr)
        return 1
    text = resource_text(by_province)
    temporary = args.out.with_name(args.out.name + ".tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    temporary.replace(args.out)
    largest = max(by_province.items(), key=lambda item: len(item[1]))
    print(f"{args.out}: {sum(map(len, by_province.values()))} communes in {len(by_province)} provinces "
          f"(at most {len(largest[1])}, province {largest[0]}), {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
