"""The receiving office's service: one object over its data folder, assembled from one class per use case.

- ``keys``         the office's root and encryption keys, the signed org-keys file
- ``communes``     the communes it receives reports from (CSV import)
- ``enrolment``    commune signing keys: first enrolment, rotation (with its overlap), revocation
- ``intake``       importing bundles: verify, check (``record_checks``), validate, store — file by file
- ``submissions``  what was received, value by value, and the diff of two revisions
- ``receipts``     signed receipts back to the communes
- ``settings``     the settings that apply to an office (its language)
- ``dashboard``    completeness and timeliness of the communes' reports, the reminder letter
- ``plans``        the plans the office writes, publishes (signed) and sends; the built-in plans it accepts
- ``results``      the communes' values: results, summary figures, tasks, trends and outliers; their
                   exports (``results_exports``: Excel, CSV, DHIS2, ADX)

``report.py`` builds the consolidated report from the stored submissions.
"""

from __future__ import annotations

from pathlib import Path

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import installed_catalog
from cds_desktop.core.services.office.communes import OfficeCommunes
from cds_desktop.core.services.office.dashboard import Dashboard
from cds_desktop.core.services.office.intake import ImportOutcome, Intake
from cds_desktop.core.services.office.keys import ORG_KEYS_VALID_DAYS
from cds_desktop.core.services.office.plans import OfficePlans
from cds_desktop.core.services.office.receipts import Receipts
from cds_desktop.core.services.office.results_exports import ResultExports
from cds_desktop.core.services.office.settings import OfficeSettings
from cds_desktop.core.services.office.submissions import ValueChange

__all__ = ["ORG_KEYS_VALID_DAYS", "ImportOutcome", "OfficeService", "ValueChange", "open_office_service"]


class OfficeService(OfficePlans, OfficeCommunes, Intake, Receipts, Dashboard, ResultExports, OfficeSettings):
    """The receiving office: keys, its plans, communes, enrolment, import, submissions, receipts, completeness,
    results and its settings."""


def open_office_service(data_dir: str | Path | None = None, clock=None, password: str | None = None) -> OfficeService:
    """The office of ``data_dir``; ``password``: a shared office's database password typed at start."""
    folder = DataDir.resolve(data_dir).ensure()
    return OfficeService(folder, installed_catalog(folder), clock, password)
