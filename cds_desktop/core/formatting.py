"""How plan items and states read to people, in Vietnamese or English (shared by CLI, UI and reports)."""

from __future__ import annotations

from decimal import Decimal

from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import format_number, format_percent
from cds_desktop.core.presentation import state_name
from cds_desktop.core.plans.model import Comparator, DeadlineKind, Indicator, IndicatorKind, Level, Target, TaskDeadline


def describe_quantity(value: Decimal, kind: IndicatorKind, language: str | None = None) -> str:
    """A result or target value as read: ``75,5%`` for ratios, ``Có``/``Không`` for yes/no, else the number."""
    if kind is IndicatorKind.RATIO:
        return format_percent(value, language or "vi")
    if kind is IndicatorKind.BOOLEAN:
        return translate("label.yes" if value else "label.no", language)
    return format_number(value, language or "vi")


def describe_target(target: Target | None, kind: IndicatorKind, language: str | None = None) -> str:
    """``≥ 80%``, ``55–60%``, ``100%``, ``≤ 5``, ``Có``; empty when there is no target."""
    if target is None:
        return ""
    if target.comparator is Comparator.RANGE:
        return f"{format_number(target.low, language or 'vi')}–{describe_quantity(target.high, kind, language)}"
    quantity = describe_quantity(target.value, kind, language)
    return quantity if target.comparator is Comparator.EQ else f"{target.comparator.symbol} {quantity}"


def describe_targets(indicator: Indicator, language: str | None = None) -> str:
    """The general target and any per-level targets, e.g. ``≥ 75% (cấp tỉnh: 100%; cấp huyện: ≥ 95%)``."""
    parts = [describe_target(indicator.target, indicator.kind, language)] if indicator.target else []
    levels = [
        f"{translate(f'level.{level.value}', language)}: {describe_target(t, indicator.kind, language)}"
        for level, t in sorted(indicator.level_targets.items(), key=lambda kv: list(Level).index(kv[0]))
    ]
    if levels:
        parts.append(("(" + "; ".join(levels) + ")") if parts else "; ".join(levels))
    return " ".join(parts)


def describe_deadline(deadline: TaskDeadline, language: str | None = None) -> str:
    if deadline.text is not None:
        return deadline.text.get(language or "vi")
    if deadline.kind is DeadlineKind.DATE:
        return f"{deadline.date:%d/%m/%Y}"
    if deadline.kind is DeadlineKind.MONTH:
        year, month = deadline.month.split("-")
        return f"{month}/{year}"
    return translate(f"deadline.{deadline.kind.value}", language)


def state_label(state: str, language: str | None = None) -> str:
    return state_name(state, language)
