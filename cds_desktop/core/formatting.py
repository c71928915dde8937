"""How plan items and states read to people, in Vietnamese or English (shared by CLI, UI and reports)."""

from __future__ import annotations

from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import format_number
from cds_desktop.core.plans.model import Comparator, DeadlineKind, Indicator, IndicatorKind, Level, Target, TaskDeadline


def describe_target(target: Target | None, indicator: Indicator, language: str | None = None) -> str:
    """E.g. ``≥ 80%``, ``55–60%``, ``= 100%``, ``≤ 5``, ``Có``."""
    if target is None:
        return ""
    if indicator.kind is IndicatorKind.BOOLEAN:
        return translate("label.yes" if target.value == 1 else "label.no", language)
    suffix = "%" if indicator.kind is IndicatorKind.RATIO else ""
    lang = language or "vi"
    if target.comparator is Comparator.RANGE:
        return f"{format_number(target.low, lang)}–{format_number(target.high, lang)}{suffix}"
    return f"{target.comparator.symbol} {format_number(target.value, lang)}{suffix}"


def describe_targets(indicator: Indicator, language: str | None = None) -> str:
    """The general target and any per-level targets, e.g. ``≥ 75% (tỉnh: = 100%; huyện: ≥ 95%)``."""
    parts = [describe_target(indicator.target, indicator, language)] if indicator.target else []
    levels = [
        f"{translate(f'level.{level.value}', language)}: {describe_target(t, indicator, language)}"
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
    return translate(f"state.{state}", language)
