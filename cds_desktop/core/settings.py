"""Settings, declared once: key, type, default, limits and a translatable description.

Values live in the database's ``setting`` table as JSON (see ``CommuneService.settings``); QSettings is used
only for window geometry. What is read back from the table is hostile input like any file (the database may
have been edited or damaged): ``SettingSpec.read_back`` gives the default for a stored value that is not JSON,
too long, of the wrong type or outside the setting's limits, and logs it — a damaged setting never stops the
app, and saving the setting again repairs it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from cds_desktop.core.errors import InputError

log = logging.getLogger(__name__)
MAX_STORED_CHARS = 64 * 1024  # a setting is a word, a number or a line or two of text


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
        except (TypeError, ValueError, OverflowError):
            raise InputError("setting.bad_value", key=self.key, value=value) from None
        if isinstance(converted, str):
            converted = converted.strip()
        if self.choices is not None and converted not in self.choices:
            raise InputError("setting.bad_value", key=self.key, value=value)
        if self.minimum is not None and converted < self.minimum or self.maximum is not None and converted > self.maximum:
            raise InputError("setting.out_of_range", key=self.key, value=value, minimum=self.minimum, maximum=self.maximum)
        return converted


    def read_back(self, value_json: Any) -> Any:
        """The value stored as ``value_json`` (None: never set), or the default when it cannot be used."""
        if value_json is None:
            return self.default
        try:
            if not isinstance(value_json, str) or len(value_json) > MAX_STORED_CHARS:
                raise ValueError("not a short JSON text")
            value = json.loads(value_json)
            if type(value) is not self.type:  # saved by ``coerce``: exactly the declared type (bool is no int)
                raise ValueError(f"a {type(value).__name__}")
            return self.coerce(value)
        except (ValueError, RecursionError, InputError) as problem:
            log.warning("setting %s: the stored value is refused (%s); using the default", self.key,
                        getattr(problem, "code", problem))
            return self.default


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
        SettingSpec("show_example_plans", bool, False),  # the built-in plans in the commune's plan picker
    )
}


def spec(key: str) -> SettingSpec:
    try:
        return SETTINGS[key]
    except KeyError:
        raise InputError("setting.unknown", key=key, known=", ".join(SETTINGS)) from None
