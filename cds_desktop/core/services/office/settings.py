"""The office's settings: those of ``core/settings.py`` that make sense at a receiving office (``OFFICE_SETTINGS``),
stored in the same ``setting`` table and read back the same way as a commune's (a damaged value reads as the
default). Changing one is an administrator's task."""

from __future__ import annotations

from typing import Any

from cds_desktop.core.errors import InputError
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.settings import SettingSpec, spec

OFFICE_SETTINGS = ("language",)  # the commune's report settings (number, signer, place …) do not apply here


def _office_spec(key: str) -> SettingSpec:
    if key not in OFFICE_SETTINGS:
        raise InputError("setting.unknown", key=key, known=", ".join(OFFICE_SETTINGS))
    return spec(key)


class OfficeSettings(OfficeBase):
    def setting(self, key: str) -> Any:
        declared = _office_spec(key)
        with self.repo.reading() as session:
            return declared.read_back(self.repo.setting_json(session, key))

    def settings(self) -> dict[str, Any]:
        return {key: self.setting(key) for key in OFFICE_SETTINGS}

    def set_setting(self, key: str, value: Any) -> OfficeChanges:
        self.authorize(Permission.MANAGE)
        converted = _office_spec(key).coerce(value)
        with self.repo.transaction() as session:
            self.repo.save_setting(session, key, converted)
        return OfficeChanges(settings=True)
