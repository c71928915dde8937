"""What an office's evidence store holds, read and changed behind the office's back as a test needs: the files of
an office on one PC (``evidence/ab/abcd…``), the ``evidence_content`` rows of a shared office."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from cds_desktop.core.storage.exchange_models import EvidenceContent

_TABLE = EvidenceContent.__table__


def stored_content(office, sha256: str) -> bytes | None:
    """The content stored under ``sha256``, None when there is none."""
    if office.shared:
        with office.engine.connect() as connection:
            return connection.execute(select(_TABLE.c.content).where(_TABLE.c.sha256 == sha256)).scalar()
    path = office.evidence_store.path_of(sha256)
    return path.read_bytes() if path.is_file() else None


def replace_stored(office, sha256: str, content: bytes) -> None:
    """Change what is stored under ``sha256`` (damage, tampering)."""
    if office.shared:
        with office.engine.begin() as connection:
            changed = connection.execute(update(_TABLE).where(_TABLE.c.sha256 == sha256).values(content=content))
            assert changed.rowcount == 1
    else:
        office.evidence_store.path_of(sha256).write_bytes(content)


def remove_stored(office, sha256: str) -> None:
    """Lose what is stored under ``sha256``."""
    if office.shared:
        with office.engine.begin() as connection:
            assert connection.execute(delete(_TABLE).where(_TABLE.c.sha256 == sha256)).rowcount == 1
    else:
        office.evidence_store.path_of(sha256).unlink()
