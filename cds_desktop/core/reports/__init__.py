"""Reports: official PDF reports (Decree 30/2020/NĐ-CP layout) built from plain report data, without database access.

A service assembles a ``CommuneReportData`` or an ``OfficeReportData`` (``data.py``) and calls
``render_commune_report`` or ``render_office_report``; both write the PDF atomically.

Modules: ``data`` (the report data), ``formatting`` (dates, targets, results, periods as printed),
``fonts`` and ``styles`` (Liberation Serif, page geometry, paragraph styles), ``official`` (the decree's page
furniture and PDF writing), ``blocks`` (headings, prose and tables shared by both reports), ``charts``,
``commune_pdf``, ``office_pdf``, ``samples`` (realistic sample data for the render script, bench and tests).
"""

from cds_desktop.core.reports.commune_pdf import render_commune_report
from cds_desktop.core.reports.office_pdf import render_office_report

__all__ = ["render_commune_report", "render_office_report"]
