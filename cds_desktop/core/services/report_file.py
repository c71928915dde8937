"""Reports as bytes, for a preview before saving them: ``pdf_in_memory`` runs any report writer in a private
temporary folder that is removed afterwards, so a preview never leaves a file behind. The commune's official
report (made exactly as ``cds report`` makes it, ``commune_report.write_commune_report``) and its suggested file
name are here; the office's consolidated report is made the same way from ``office.report.write_office_report``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.data import ReportWarning, WrittenReport

if TYPE_CHECKING:  # the office's screens use ``pdf_in_memory`` without loading the commune's services
    from cds_desktop.core.services.commune.service import CommuneService


@dataclass(frozen=True)
class ReportPdf:
    """A report made in memory: the PDF and what to tell its maker (``ReportWarning``s, often none)."""

    content: bytes
    warnings: tuple[ReportWarning, ...] = ()


def pdf_in_memory(write: Callable[[Path], WrittenReport]) -> ReportPdf:
    """What ``write(path)`` writes, as bytes, with its warnings; the file it wrote is gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="cds-report-") as folder:
        written = write(Path(folder) / "report.pdf")
        return ReportPdf(written.path.read_bytes(), written.warnings)


def commune_report_pdf(service: CommuneService, plan_id: str, period_id: str, language: str = "vi",
                       progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> ReportPdf:
    """The report of ``period_id`` as PDF bytes; ``ReportError`` when it cannot be made (e.g. nothing entered)."""
    from cds_desktop.core.services.commune.report import write_commune_report

    return pdf_in_memory(lambda out: write_commune_report(service, plan_id, period_id, out, language,
                                                          progress=progress, cancel=cancel))


def report_file_name(service: CommuneService, plan_id: str, period_id: str) -> str:
    """``BaoCao_24751_mini-plan_2023Q2.pdf``: the name offered when the report is saved."""
    return f"BaoCao_{service.require_unit().commune_code}_{plan_id}_{period_id}.pdf"
