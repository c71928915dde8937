"""How the desktop shows periods, dates, sizes, field names and stored values (in the current language).

Periods, dates, numbers, field names and stored values read as everywhere else: ``core/presentation.py``."""

from __future__ import annotations

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number
from cds_desktop.core.presentation import (  # noqa: F401  (the desktop's names for them)
    date_text,
    datetime_text,
    field_name,
    number_text,
    period_name,
    stored_value_text,
)
from cds_desktop.core.services.commune.service import PeriodView


def deadline_text(period: PeriodView) -> str:
    return period.deadline_text_en if current_language() == "en" else period.deadline_text_vi


def size_text(size: int) -> str:
    """Bytes → "1,5 MB" / "820 KB"."""
    language = current_language()
    if size >= 1024 * 1024:
        return translate("ui.size.mb", size=format_number(size / (1024 * 1024), language, places=1))
    return translate("ui.size.kb", size=format_number(max(1, round(size / 1024)), language))
