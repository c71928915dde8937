"""What every part of the receiving office's service shares: its data folder, database, clock, identity, and who is
signed in (``Guarded``: every method that changes anything asks ``authorize`` first; reads need no permission).

Where the office keeps what every staff PC needs depends on its database: an office on one PC (SQLite) keeps its
evidence as files in the data folder (``EvidenceStore``); a shared office (PostgreSQL, ``shared``) keeps it in
the database (``DatabaseEvidenceStore``), and never its private keys in ``keys/`` (``keys.py``).

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
from cds_desktop.core.storage.evidence_database import DatabaseEvidenceStore
from cds_desktop.core.storage.evidence_store import ContentStore, EvidenceStore
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
        self.evidence_store: ContentStore = (
            DatabaseEvidenceStore(self.engine, data_dir.evidence, self.clock) if self.shared
            else EvidenceStore(data_dir.evidence))

    @property
    def shared(self) -> bool:
        """Whether this is a shared office: its database on a server every staff PC uses."""
        return self.engine.dialect.name == "postgresql"

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

