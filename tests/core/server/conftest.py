"""Offices for the tests of moving, backing up and restoring a shared office: the receiving office and commune of
tests/core/exchange (real keys, a real bundle imported), here kept on one PC (SQLite) unless a test module says
otherwise by its own ``office_storage``."""

from __future__ import annotations

import hashlib

import pytest
from support.shared_office import OfficeStorage

from ..exchange.conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, exchange, fill_and_approve, office  # noqa: F401

PDF = b"%PDF-1.4 bien ban nghiem thu" * 400


@pytest.fixture
def office_storage():
    """The office on this PC (SQLite): what moves to a server."""
    return OfficeStorage(None)


@pytest.fixture
def received(service, exchange, office, tmp_path):  # noqa: F811
    """The office after importing the commune's report of Q1 with one evidence file and returning it with a
    receipt; the evidence's sha256."""
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)
    service.add_evidence(P, Q1, "1a", evidence, "lan")
    fill_and_approve(service, exchange)
    written = exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    (outcome,) = office.import_bundles([written.path], PASS_OFFICE)
    assert outcome.status == "accepted"
    office.receipt("24751", P, Q1, tmp_path / "receipt.json", PASS_OFFICE, "truong.phong",
                   returned_reason="Thiếu số liệu")
    return hashlib.sha256(PDF).hexdigest()
