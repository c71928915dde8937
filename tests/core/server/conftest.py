"""Offices for the tests of moving, backing up and restoring a shared office: the receiving office and commune of
tests/core/exchange (real keys, a real bundle imported), here kept on one PC (SQLite) unless a test module says
otherwise by its own ``office_storage``."""

from __future__ import annotations

import pytest
from support.shared_office import OfficeStorage

from ..exchange.conftest import (  # noqa: F401 - fixtures
    EVIDENCE_PDF,
    P,
    PASS_COMMUNE,
    PASS_OFFICE,
    Q1,
    exchange,
    fill_and_approve,
    import_with_evidence,
    office,
)

PDF = EVIDENCE_PDF


@pytest.fixture
def office_storage():
    """The office on this PC (SQLite): what moves to a server."""
    return OfficeStorage(None)


@pytest.fixture
def received(service, exchange, office, tmp_path):  # noqa: F811
    """The office after importing the commune's report of Q1 with one evidence file and returning it with a
    receipt; the evidence's sha256."""
    sha256 = import_with_evidence(service, exchange, office, tmp_path)
    office.receipt("24751", P, Q1, tmp_path / "receipt.json", PASS_OFFICE, "truong.phong",
                   returned_reason="Thiếu số liệu")
    return sha256
