"""What every part of the receiving office's service shares: its data folder, database, clock, identity, and who is
signed in (``Guarded``: every method that changes anything asks ``authorize`` first; reads need no permission).

``OfficeService`` (``service.py``) is assembled from one class per use case — keys, communes, enrolment,
intake, submissions, receipts — each built on ``OfficeBase``.
"""

from __future__ import annotations

import datetime as dt

from cds_desktop.core.errors import StateError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.guard import Guarded
from cds_desktop.core.services.roles import InstallationKind
from cds_desktop.core.storage.data_folder import open_data_folder
from cds_desktop.core.storage.evidence_store import EvidenceStore
from cds_desktop.core.storage.exchange_models import OfficeIdentity
from cds_desktop.core.storage.repository import CommuneRepository


class OfficeBase(Guarded):
    kind = InstallationKind.OFFICE

    def __init__(self, data_dir: DataDir, catalog: PlanCatalog, clock=None, password: str | None = None) -> None:
        self.data_dir = data_dir.ensure()
        self.catalog = catalog
        self.clock = clock or (lambda: dt.datetime.now().astimezone().replace(microsecond=0))
        self.engine = open_data_folder(data_dir, password)  # a shared office's server: ``password`` if typed
        self.repo = CommuneRepository(self.engine)
        self.evidence_store = EvidenceStore(data_dir.evidence)

    def close(self) -> None:
        self.engine.dispose()

    def identity(self) -> OfficeIdentity | None:
        with self.repo.reading() as session:
            return session.get(OfficeIdentity, 1)

    def require_identity(self) -> OfficeIdentity:
        office = self.identity()
        if office is None:
            raise StateError("office.not_initialized")
        return office

