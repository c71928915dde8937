"""What a mutating service call changed, so that views can refresh from one app-wide signal."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    plan_id: str | None = None
    period_id: str | None = None
    items: tuple[str, ...] = ()  # indicator / task codes whose entries changed
    fields: tuple[str, ...] = ()
    period_state: bool = False  # the period's state or revision changed
    evidence: bool = False
    unit: bool = False
    settings: bool = False
    warnings: tuple[str, ...] = field(default=())  # message ids of non-blocking notices (e.g. large file)

    @property
    def empty(self) -> bool:
        return not (self.items or self.fields or self.period_state or self.evidence or self.unit or self.settings)
