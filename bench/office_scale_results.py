"""Issue #11's measurements for ``bench/office_scale.py`` (run there, on its imported office; see its docstring):
the results table of the whole country and of one province, the DHIS2 JSON and the Excel workbook of the whole
country, each with a peer measured in the same child process. Prints numbers; gates nothing.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import time
from pathlib import Path
from typing import Callable

from office_scale import PLAN_ID, _cpu_seconds, _office

RESULTS_PERIOD, PROVINCE_CODE = "2023Q4", "25"  # Phú Thọ
GOAL_PROVINCE_MS, GOAL_COUNTRY_MS, GOAL_DHIS2_MS, GOAL_XLSX_MS, GOAL_XLSX_RSS_MIB = 50, 500, 2000, 5000, 300
BARE_ANSWERS = ("SELECT si.submission_id, si.indicator_code, si.numerator, si.denominator, si.value, si.note, "
                "si.result, si.target_status FROM submission_indicator si JOIN submission s ON s.id = si.submission_id "
                "WHERE s.plan_id = ? AND s.period_id = ? AND s.is_current")


def _timed(call, runs: int) -> dict:
    """Median wall and CPU milliseconds of ``runs`` calls after a warm-up."""
    call()
    walls, cpus = [], []
    for _ in range(runs):
        cpu, started = _cpu_seconds(), time.perf_counter()
        call()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((_cpu_seconds() - cpu) * 1000)
    return {"wall_ms": statistics.median(walls), "cpu_ms": statistics.median(cpus), "slowest_ms": max(walls)}


def _bare_answers(office) -> list:
    """The peer: the period's answers as SQLite gives them, nothing made of them."""
    with office.engine.connect() as connection:
        return connection.exec_driver_sql(BARE_ANSWERS, (PLAN_ID, RESULTS_PERIOD)).fetchall()


def _child_results(data: str, runs: str, out: str) -> dict:
    """The results table and (``out`` not "-") the DHIS2 JSON, each with the bare SELECT as peer."""
    office = _office(Path(data))
    table = office.period_results(PLAN_ID, RESULTS_PERIOD)
    result = {"communes": len(table.communes), "indicators": len(table.indicators),
              "answers": len(_bare_answers(office)),
              "results": _timed(lambda: office.period_results(PLAN_ID, RESULTS_PERIOD), int(runs)),
              "bare": _timed(lambda: _bare_answers(office), int(runs))}
    if out != "-":
        result["dhis2"] = _timed(lambda: office.export_dhis2(PLAN_ID, RESULTS_PERIOD, Path(out)),
                                 max(int(runs) // 2, 1))
    office.close()
    return result


def _write_with_openpyxl(path: Path, heading, tables) -> None:
    """The peer: the same tables with openpyxl's write-only writer, as the app wrote them before XlsxWriter."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from cds_desktop.core.exports import xlsx
    from cds_desktop.core.exports.tables import ColumnKind

    formats = {ColumnKind.PERCENT: xlsx.PERCENT_FORMAT, ColumnKind.DATE: xlsx.DATE_FORMAT,
               ColumnKind.DATETIME: xlsx.DATETIME_FORMAT, ColumnKind.CODE: xlsx.TEXT_FORMAT}
    workbook, bold = Workbook(write_only=True), Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.freeze_panes = f"A{len(heading.lines) + 3}"
        for label, value in heading.lines:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            sheet.append([cell, value])
        sheet.append([])
        sheet.append([WriteOnlyCell(sheet, value=column.header) for column in table.columns])
        kinds = [column.kind for column in table.columns]
        for row in table.rows:
            cells = []
            for kind, value in zip(kinds, row):
                if value is None or kind is ColumnKind.TEXT:
                    cells.append(value)
                    continue
                if kind is ColumnKind.PERCENT:
                    value = float(Decimal(value) / 100)
                elif kind in (ColumnKind.INTEGER, ColumnKind.DECIMAL):
                    value = int(value) if value == int(value) else float(value)
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats.get(kind, xlsx.WHOLE_FORMAT if isinstance(value, int)
                                                 else xlsx.DECIMAL_FORMAT)
                cells.append(cell)
            sheet.append(cells)
    workbook.save(path)


def _write_with_xlsxwriter(path: Path, heading, tables) -> None:
    """The other peer: the same tables with XlsxWriter (shared strings, its default mode), as the app wrote them
    until its own writer (typed writes per column kind, widths, frozen header, auto-filter, as before)."""
    from decimal import Decimal

    from xlsxwriter import Workbook

    from cds_desktop.core.exports import xlsx
    from cds_desktop.core.exports.tables import ColumnKind

    workbook = Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    style = {kind: workbook.add_format({"num_format": number_format}) for kind, number_format in (
        ("whole", xlsx.WHOLE_FORMAT), ("decimal", xlsx.DECIMAL_FORMAT), (ColumnKind.PERCENT, xlsx.PERCENT_FORMAT),
        (ColumnKind.DATE, xlsx.DATE_FORMAT), (ColumnKind.DATETIME, xlsx.DATETIME_FORMAT),
        (ColumnKind.CODE, xlsx.TEXT_FORMAT))}
    for table in tables:
        sheet = workbook.add_worksheet(table.name[:31])
        for row, (label, value) in enumerate(heading.lines):
            sheet.write_string(row, 0, label, bold)
            sheet.write_string(row, 1, value)
        header_row = len(heading.lines) + 1
        for index, column in enumerate(table.columns):
            sheet.write_string(header_row, index, column.header, bold)
        widths = [len(column.header) for column in table.columns]
        kinds = [column.kind for column in table.columns]
        for row, values in enumerate(table.rows, start=header_row + 1):
            for index, (kind, value) in enumerate(zip(kinds, values)):
                if value is None:
                    continue
                if kind in (ColumnKind.TEXT, ColumnKind.CODE):
                    sheet.write_string(row, index, str(value), style.get(kind))
                elif kind is ColumnKind.PERCENT:
                    sheet.write_number(row, index, float(Decimal(value) / 100), style[kind])
                elif kind in (ColumnKind.DATE, ColumnKind.DATETIME):
                    sheet.write_datetime(row, index, value, style[kind])
                elif isinstance(value, int) or value == value.to_integral_value():
                    sheet.write_number(row, index, int(value), style["whole"])
                else:
                    sheet.write_number(row, index, float(value), style["decimal"])
                widths[index] = max(widths[index], len(str(value)))
        for index, width in enumerate(widths):
            sheet.set_column(index, index, min(max(width + 2, xlsx.MIN_WIDTH), xlsx.MAX_WIDTH))
        sheet.freeze_panes(header_row + 1, 0)
        sheet.autofilter(header_row, 0, header_row + max(len(table.rows), 1), len(table.columns) - 1)
    workbook.close()


def _child_xlsx(data: str, out: str, peer: str) -> dict:
    """The Excel export as a clerk starts it (its time and this process's peak RSS), then — unless ``peer`` is
    "-" — the same tables written again by our writer, by XlsxWriter and by openpyxl, the writers alone."""
    from cds_desktop.core.exports.xlsx import write_xlsx

    office = _office(Path(data))
    cpu, started = _cpu_seconds(), time.perf_counter()
    office.export_xlsx(PLAN_ID, RESULTS_PERIOD, Path(out))
    result = {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu,
              "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              "mib": Path(out).stat().st_size / 2**20}
    if peer != "-":
        tables = office.export_tables(PLAN_ID, RESULTS_PERIOD)
        heading = office.export_heading(PLAN_ID, RESULTS_PERIOD)
        for name, write in (("ours", write_xlsx), ("xlsxwriter", _write_with_xlsxwriter),
                            ("openpyxl", _write_with_openpyxl)):
            cpu, started = _cpu_seconds(), time.perf_counter()
            write(Path(peer), heading, tables)
            result[name] = {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu}
        result["cells"] = sum(len(table.rows) * len(table.columns) for table in tables)
    office.close()
    return result


def _province_office(cache: Path, work: Path) -> Path:
    """A copy of the enrolled office that receives from one province only (its other communes and their keys
    removed with SQL before anything is imported)."""
    import sqlite3

    folder = work / "province"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(cache / "office", folder)
    with sqlite3.connect(folder / "cds.sqlite") as connection:
        connection.execute("DELETE FROM enrolled_key WHERE commune_code IN "
                           "(SELECT code FROM office_commune WHERE province_code != ?)", (PROVINCE_CODE,))
        connection.execute("DELETE FROM office_commune WHERE province_code != ?", (PROVINCE_CODE,))
    connection.close()
    return folder


def _show_results(name: str, measured: dict, goal_ms: float) -> None:
    results, bare = measured["results"], measured["bare"]
    print(f"results table, {name} ({measured['communes']} communes × {measured['indicators']} indicators, "
          f"{measured['answers']} answers): median {results['wall_ms']:.0f} ms wall, {results['cpu_ms']:.0f} ms CPU, "
          f"slowest {results['slowest_ms']:.0f} ms (goal ≤ {goal_ms} ms); bare SELECT of the same answers "
          f"{bare['wall_ms']:.0f} ms wall, {bare['cpu_ms']:.0f} ms CPU: × {results['cpu_ms'] / bare['cpu_ms']:.1f} "
          "CPU")


def measure_results(cache: Path, work: Path, country: Path, runs: int, run_child: Callable[..., dict]) -> None:
    """Issue #11's goals on the imported office ``country`` and on a province office made for the purpose;
    ``run_child``: ``office_scale``'s, which runs ``CHILDREN`` in a fresh process."""
    measured = run_child("results", str(country), str(runs), str(work / "dhis2.json"))
    _show_results("the whole country", measured, GOAL_COUNTRY_MS)
    dhis2, bare = measured["dhis2"], measured["bare"]
    print(f"DHIS2 JSON, the whole country: median {dhis2['wall_ms']:.0f} ms wall, {dhis2['cpu_ms']:.0f} ms CPU "
          f"(goal ≤ {GOAL_DHIS2_MS} ms); × {dhis2['cpu_ms'] / bare['cpu_ms']:.1f} the bare SELECT's CPU")
    excel = run_child("xlsx", str(country), str(work / "country.xlsx"), str(work / "peer.xlsx"))
    ours, xlsxwriter, openpyxl = excel["ours"], excel["xlsxwriter"], excel["openpyxl"]
    print(f"Excel, the whole country: {excel['seconds'] * 1000:.0f} ms wall, {excel['cpu_seconds'] * 1000:.0f} ms "
          f"CPU (goal ≤ {GOAL_XLSX_MS} ms), peak RSS {excel['max_rss_kib'] / 1024:.0f} MiB (goal ≤ "
          f"{GOAL_XLSX_RSS_MIB} MiB), {excel['mib']:.1f} MiB written; the writers alone on the same "
          f"{excel['cells']} cells: ours {ours['seconds']:.1f} s wall, {ours['cpu_seconds']:.1f} s CPU; XlsxWriter "
          f"{xlsxwriter['seconds']:.1f} s wall, {xlsxwriter['cpu_seconds']:.1f} s CPU (× "
          f"{xlsxwriter['cpu_seconds'] / ours['cpu_seconds']:.1f} ours); openpyxl {openpyxl['seconds']:.1f} s wall, "
          f"{openpyxl['cpu_seconds']:.1f} s CPU (× {openpyxl['cpu_seconds'] / ours['cpu_seconds']:.1f} ours)")
    province = _province_office(cache, work)
    run_child("import", str(province), str(cache / "bundles" / PROVINCE_CODE))
    _show_results("one province", run_child("results", str(province), str(runs), "-"), GOAL_PROVINCE_MS)


CHILDREN = {"results": _child_results, "xlsx": _child_xlsx}
