"""What a DHIS2-style aggregate system imports: a dataValueSet (JSON), its completeDataSetRegistrations (JSON)
and the same values as IHE ADX (XML, namespace ``urn:ihe:qrph:adx:2015``). ``docs/dhis2.md`` has the mapping
with a worked example.

Identifiers: by default our own codes are DHIS2 codes (``idScheme: CODE``): the plan id is the data set, the
commune code the organisation unit, the indicator code the data element of the result, ``<code>_NUM`` and
``<code>_DEN`` those of a ratio's numerator and denominator, and the default category option combo
``HllvX50cXC0``. A mapping file the office edits (``load_mapping``) replaces any of them with the instance's
codes or UIDs (``idScheme: UID`` then). Periods: our ids are DHIS2's (``2023``, ``2023S1``, ``2023Q4``); ADX
writes them as an ISO start date and duration (``2023-10-01/P3M``).

Values are strings in JSON (as DHIS2 writes them) and numbers only in ADX (its schema is numeric: text answers
are left out there).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Sequence
from xml.etree import ElementTree

from cds_desktop.core.errors import InputError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.period_ids import PERIOD_ID

DEFAULT_CATEGORY_OPTION_COMBO = "HllvX50cXC0"
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
NUMERATOR_SUFFIX, DENOMINATOR_SUFFIX = "_NUM", "_DEN"
ID_SCHEMES = ("CODE", "UID")


class DataValue(NamedTuple):  # a light tuple: the whole country exports about 100,000 of them
    org_unit: str  # our commune code
    data_element: str  # our code: "1a", "1a_NUM", "1a_DEN"
    value: str  # canonical number ("68.33"), "1"/"0", or a text answer
    comment: str | None = None
    numeric: bool = True


@dataclass(frozen=True)
class Registration:
    org_unit: str
    complete_date: dt.date  # when the office received the report it exports


@dataclass(frozen=True)
class Dhis2Mapping:
    """Our codes → the DHIS2 instance's; anything not mapped keeps our code."""

    data_set: str | None = None
    id_scheme: str = "CODE"
    category_option_combo: str = DEFAULT_CATEGORY_OPTION_COMBO
    org_units: dict[str, str] = field(default_factory=dict)
    data_elements: dict[str, str] = field(default_factory=dict)

    def org_unit(self, code: str) -> str:
        return self.org_units.get(code, code)

    def data_element(self, code: str) -> str:
        return self.data_elements.get(code, code)


def _mapping_error(path: Path, detail: str) -> InputError:
    return InputError("dhis2.mapping_invalid", file=str(path), detail=detail)


def _text_map(path: Path, document: dict, key: str) -> dict[str, str]:
    value = document.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in value.items()):
        raise _mapping_error(path, key)
    return {k: v.strip() for k, v in value.items()}


def load_mapping(path: Path) -> Dhis2Mapping:
    """The mapping file at ``path`` (JSON: ``dataSet``, ``idScheme``, ``categoryOptionCombo``, ``orgUnits``,
    ``dataElements``, each optional). ``InputError`` (``dhis2.mapping_unreadable``, ``dhis2.mapping_invalid``)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError("dhis2.mapping_unreadable", file=str(path)) from exc
    if not isinstance(document, dict):
        raise _mapping_error(path, "{}")
    unknown = set(document) - {"dataSet", "idScheme", "categoryOptionCombo", "orgUnits", "dataElements"}
    if unknown:
        raise _mapping_error(path, ", ".join(sorted(unknown)))
    for key in ("dataSet", "categoryOptionCombo"):
        if key in document and not (isinstance(document[key], str) and document[key].strip()):
            raise _mapping_error(path, key)
    scheme = document.get("idScheme", "CODE")
    if scheme not in ID_SCHEMES:
        raise _mapping_error(path, "idScheme")
    return Dhis2Mapping(
        data_set=document.get("dataSet", "").strip() or None, id_scheme=scheme,
        category_option_combo=document.get("categoryOptionCombo", DEFAULT_CATEGORY_OPTION_COMBO).strip(),
        org_units=_text_map(path, document, "orgUnits"), data_elements=_text_map(path, document, "dataElements"))


def adx_period(period_id: str) -> str:
    """``2023Q4`` → ``2023-10-01/P3M``, ``2023S2`` → ``2023-07-01/P6M``, ``2023`` → ``2023-01-01/P1Y``."""
    match = PERIOD_ID.match(period_id)
    if match is None:
        raise InputError("period.bad_id", period=period_id)
    year = int(match["year"])
    if match["quarter"]:
        return f"{dt.date(year, 3 * int(match['quarter'][1]) - 2, 1).isoformat()}/P3M"
    if match["half"]:
        return f"{dt.date(year, 6 * int(match['half'][1]) - 5, 1).isoformat()}/P6M"
    return f"{dt.date(year, 1, 1).isoformat()}/P1Y"


def data_value_set(mapping: Dhis2Mapping, data_set: str, period_id: str, values: Sequence[DataValue]) -> dict:
    """The dataValueSet: every value carries its organisation unit (one file for all the communes)."""
    entries = []
    data_elements, org_units = mapping.data_elements, mapping.org_units  # ``Dhis2Mapping``'s lookups, inlined
    combo = mapping.category_option_combo
    for org_unit, data_element, text, comment, _ in values:
        entry = {"dataElement": data_elements.get(data_element, data_element), "period": period_id,
                 "orgUnit": org_units.get(org_unit, org_unit), "categoryOptionCombo": combo, "value": text}
        if comment:
            entry["comment"] = comment
        entries.append(entry)
    return {"dataSet": mapping.data_set or data_set, "period": period_id, "idScheme": mapping.id_scheme,
            "dataValues": entries}


def registrations(mapping: Dhis2Mapping, data_set: str, period_id: str,
                  registered: Sequence[Registration]) -> dict:
    """completeDataSetRegistrations: one per commune whose report the office holds for the period."""
    return {"idScheme": mapping.id_scheme, "completeDataSetRegistrations": [
        {"dataSet": mapping.data_set or data_set, "period": period_id, "organisationUnit": mapping.org_unit(r.org_unit),
         "completeDate": r.complete_date.isoformat(), "completed": True} for r in registered]}


def write_json(path: Path, document: dict) -> Path:
    write_atomic(Path(path), json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return Path(path)


def write_adx(path: Path, mapping: Dhis2Mapping, data_set: str, period_id: str, values: Sequence[DataValue],
              registered: Sequence[Registration], exported_at: dt.datetime) -> Path:
    """The numeric values as ADX: a ``group`` per commune (organisation unit, period, data set, complete date)."""
    ElementTree.register_namespace("", ADX_NAMESPACE)
    root = ElementTree.Element(f"{{{ADX_NAMESPACE}}}adx", exported=exported_at.isoformat(timespec="seconds"))
    completed = {r.org_unit: r.complete_date for r in registered}
    groups: dict[str, ElementTree.Element] = {}
    for value in values:
        if not value.numeric:
            continue
        group = groups.get(value.org_unit)
        if group is None:
            attributes = {"orgUnit": mapping.org_unit(value.org_unit), "period": adx_period(period_id),
                          "dataSet": mapping.data_set or data_set}
            if value.org_unit in completed:
                attributes["completeDate"] = completed[value.org_unit].isoformat()
            group = groups[value.org_unit] = ElementTree.SubElement(root, f"{{{ADX_NAMESPACE}}}group", attributes)
        ElementTree.SubElement(group, f"{{{ADX_NAMESPACE}}}dataValue",
                               {"dataElement": mapping.data_element(value.data_element), "value": value.value})
    write_atomic(Path(path), ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))
    return Path(path)
