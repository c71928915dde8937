"""The plain, typed tables the exports write: a header per column, the kind of its values, rows of Python
values (``str``, ``int``, ``Decimal``, ``dt.date``, ``dt.datetime``, ``bool`` or None for an empty cell).

A ``PERCENT`` column holds the percentage as people say it (68.33 for 68,33 %): the Excel writer stores the
fraction (0.6833) with a percent format, the CSV writer the number as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ColumnKind(StrEnum):
    TEXT = "text"
    CODE = "code"  # an identifier made of digits ("00001"): always text, never a number
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"  # naive, in the office's time zone


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name (at most 31 characters, none of []:*?/\)
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Heading:
    """What is written above the tables: label and value lines (plan, period, office, export time)."""

    lines: tuple[tuple[str, str], ...]
