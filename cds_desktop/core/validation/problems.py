"""Validation problems: a stable code, a severity, the item and field, and a translatable message.

Errors block approval; warnings do not. Message templates are ``problem.<code>`` in the catalogs; codes among
the params read in words (``presentation.worded_params``), as in errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import worded_params


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    item_code: str
    field: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return translate(f"problem.{self.code}", language, item=self.item_code, **worded_params(self.params, language))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "item": self.item_code,
            "field": self.field,
            "params": {k: str(v) for k, v in self.params.items()},
            "message_vi": self.message("vi"),
            "message_en": self.message("en"),
        }
