"""The pieces every part of a plan file is built from: the frozen base model, bilingual text, government levels,
the shape of item codes, and ``PlanProblem``, the error the models' own rules raise.

Both the catalog model (``model.py``) and the reporting schedule (``schedule.py``) build on these. They live apart
from both because a plan holds a schedule: ``model.py`` imports ``schedule.py``, so the schedule cannot take them
from ``model.py``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cds_desktop.core.i18n import translate
from cds_desktop.core.text import nfc

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"


class PlanProblem(ValueError):
    """A rule of the plan format is broken.

    ``message_id`` names a template in the message catalogs (``plan.problem.*``), ``params`` fill it, and
    ``loc`` is the path of the offending field relative to the model being validated (e.g. ``("low",)``
    inside a target, or ``("groups", 1, "indicators", 0, "code")`` inside a plan).
    """

    def __init__(self, message_id: str, loc: tuple[str | int, ...] = (), **params: Any) -> None:
        self.message_id = message_id
        self.loc = loc
        self.params = params
        super().__init__(translate(message_id, "en", **params))


class FrozenModel(BaseModel):
    """The base of every plan-file model: immutable, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalizedText(FrozenModel):
    """A text in Vietnamese (as written in the source) and English."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("vi", "en")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return nfc(value).strip()

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.vi


class Level(StrEnum):
    """Government levels a target or task can apply to."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
