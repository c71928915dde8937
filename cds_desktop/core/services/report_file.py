"""The commune's official PDF report as bytes (for a preview before saving it) and its suggested file name.

The PDF is made exactly as ``cds report`` makes it (``commune_report.write_commune_report``), in a private
temporary folder that is removed afterwards, so a preview never leaves a file behind.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.data import ReportWarning
from cds_desktop.core.services.commune.report import write_commune_report
from cds_desktop.core.services.commune.service import CommuneService


@dataclass(frozen=True)
class ReportPdf:
    """A report made in memory: the PDF and what to tell its maker (``ReportWarning``s, often none)."""

    content: bytes
    warnings: tuple[ReportWarning, ...] = ()


def commune_report_pdf(service: CommuneService, plan_id: str, period_id: str, language: str = "vi",
                       progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> ReportPdf:
    """The report of ``period_id`` as PDF bytes; ``ReportError`` when it cannot be made (e.g. nothing entered)."""
    with tempfile.TemporaryDirectory(prefix="cds-report-") as folder:
        written = write_commune_report(service, plan_id, period_id, Path(folder) / "report.pdf", language,
                                       progress=progress, cancel=cancel)
        return ReportPdf(written.path.read_bytes(), written.warnings)


def report_file_name(service: CommuneService, plan_id: str, period_id: str) -> str:
    """``BaoCao_24751_mini-plan_2023Q2.pdf``: the name offered when the report is saved."""
    return f"BaoCao_{service.require_unit().commune_code}_{plan_id}_{period_id}.pdf"
