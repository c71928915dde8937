"""Typed errors: every failure a user can see has a stable code, parameters and a translatable message.

Exception tree::

    CdsError                      user-facing; ``code`` is stable, ``params`` fill the message template
    ├── InputError                bad arguments or values from a person or a script (CLI exit code 2)
    ├── PlanError                 a plan file is malformed (names the file, the field and the problem)
    ├── StorageError              the local database or data folder cannot be used as asked
    │   └── SchemaTooNewError     the database was written by a newer version of the app
    ├── StateError                an action is not allowed in the period's current state
    ├── PermissionDeniedError     the signed-in user's role does not allow the action
    ├── BundleError               a .cdsb bundle, key file, enrollment or receipt is refused
    └── ReportError               a report cannot be built

Bugs are not ``CdsError``: they are ordinary Python exceptions and are reported as crashes.
Never decide what to show by parsing an error's text; use ``code``.

Message templates live in ``translations/messages/*.yaml`` under the key ``error.<code>``. ``params`` keep
codes and raw ids (``--json`` shows them as they are); the message words those people should not read as codes
(a period id, a period's state) with ``presentation.worded_params``.
"""

from __future__ import annotations

from typing import Any

from cds_desktop.core.i18n import translate


class CdsError(Exception):
    """A failure the user can understand and act on."""

    exit_code = 1

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")

    def message(self, language: str | None = None) -> str:
        """The message in ``language`` (the current language when None), its codes in words."""
        return translate(f"error.{self.code}", language, **_worded(self.params, language))

    def __str__(self) -> str:  # pragma: no cover - convenience for logs and tracebacks
        return self.message("en")

    def to_dict(self) -> dict[str, Any]:
        """Machine-readable form for ``--json`` output."""
        return {
            "code": self.code,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "message_vi": self.message("vi"),
            "message_en": self.message("en"),
        }


def _worded(params: dict[str, Any], language: str | None) -> dict[str, Any]:
    from cds_desktop.core.presentation import worded_params  # it reads numbers, which raise errors of this module

    return worded_params(params, language)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class InputError(CdsError):
    exit_code = 2


class PlanError(CdsError):
    exit_code = 2


class StorageError(CdsError):
    pass


class SchemaTooNewError(StorageError):
    pass


class StateError(CdsError):
    pass


class PermissionDeniedError(CdsError):
    pass


class BundleError(CdsError):
    pass


class ReportError(CdsError):
    pass


class DataFileError(StorageError):
    """A file the app reads was refused: ``params["problem_id"]`` names the message that fills ``{problem}``
    (a ``data_file.problem.*`` id, rendered in the message's language with the same params)."""

    def message(self, language: str | None = None) -> str:
        params = _worded(self.params, language)
        params["problem"] = translate(params["problem_id"], language, **params)
        return translate(f"error.{self.code}", language, **params)
