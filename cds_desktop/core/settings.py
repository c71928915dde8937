"""Settings, declared once: key, type, default, limits and a translatable description.

Values live in the database's ``setting`` table (see ``CommuneService.settings``); QSettings is used only
for window geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cds_desktop.core.errors import InputError


@dataclass(frozen=True)
class SettingSpec:
    key: str
    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None

    @property
    def description_id(self) -> str:
        return f"setting.{self.key}"

    def coerce(self, value: Any) -> Any:
        """Check and convert ``value``; ``InputError`` when it does not fit."""
        try:
            converted = self.type(value)
        except (TypeError, ValueError):
            raise InputError("setting.bad_value", key=self.key, value=value) from None
        if isinstance(converted, str):
            converted = converted.strip()
        if self.choices is not None and converted not in self.choices:
            raise InputError("setting.bad_value", key=self.key, value=value)
        if self.minimum is not None and converted < self.minimum or self.maximum is not None and converted > self.maximum:
            raise InputError("setting.out_of_range", key=self.key, value=value, minimum=self.minimum, maximum=self.maximum)
        return converted


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("language", str, "vi", choices=("vi", "en")),
        SettingSpec("evidence_warn_mb", int, 20, minimum=1, maximum=10_000),
        SettingSpec("report_number_pattern", str, "{number}/BC-UBND"),
        SettingSpec("report_signer_name", str, ""),
        SettingSpec("report_signer_title", str, "chairman", choices=("chairman", "deputy")),
        SettingSpec("report_place", str, ""),
        SettingSpec("report_recipients", str, ""),
    )
}


def spec(key: str) -> SettingSpec:
    try:
        return SETTINGS[key]
    except KeyError:
        raise InputError("setting.unknown", key=key, known=", ".join(SETTINGS)) from None
