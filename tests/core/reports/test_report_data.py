"""The report data: NFC on construction, derived counts, language check; and the bundled fonts."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.errors import ReportError
from cds_desktop.core.reports import fonts
from cds_desktop.core.reports.data import Issuer, SubmissionStatus
from cds_desktop.core.reports.samples import sample_commune_report, sample_office_report


def test_text_fields_are_nfc_after_construction() -> None:
    decomposed = unicodedata.normalize("NFD", "XÃ NHÂN CƠ")
    issuer = Issuer(name_lines=("ỦY BAN NHÂN DÂN", decomposed), name=unicodedata.normalize("NFD", "Xã Nhân Cơ"))
    assert issuer.name_lines[1] == "XÃ NHÂN CƠ" and len(issuer.name_lines[1]) == len("XÃ NHÂN CƠ")
    assert unicodedata.is_normalized("NFC", issuer.name)


def test_commune_counts_are_derived_from_rows() -> None:
    data = sample_commune_report()
    statuses = [row.status for row in data.indicators]
    assert data.indicators_answered == len(statuses) - statuses.count(TargetStatus.NO_DATA)
    assert data.targets_met == statuses.count(TargetStatus.MET)
    assert data.targets_judged == statuses.count(TargetStatus.MET) + statuses.count(TargetStatus.NOT_MET)
    assert data.tasks_done == sum(row.status is TaskStatus.DONE for row in data.tasks)
    assert data.tasks_overdue == 1
    assert (len(data.indicators), len(data.tasks)) == (18, 20)


def test_office_counts_are_derived_from_rows() -> None:
    data = sample_office_report(50)
    current = data.current
    assert current.expected == 50
    assert sum(current.count(status) for status in SubmissionStatus) == 50
    for row in data.indicators:
        assert row.answered + row.no_data == 50
        assert row.judged == row.met + row.not_met


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(sample_commune_report(), language="fr")


def test_missing_font_file_is_a_report_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path)
    with pytest.raises(ReportError) as caught:
        fonts.register_fonts.__wrapped__()
    assert caught.value.code == "report.font_missing"
    assert str(tmp_path) in caught.value.message("vi")
