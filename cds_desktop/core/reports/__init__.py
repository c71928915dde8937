"""Reports: official PDF reports (Decree 30/2020/NĐ-CP layout) built from plain report data, without database access.

A service assembles a ``CommuneReportData`` or an ``OfficeReportData`` (``reports.data``) and calls
``reports.commune_pdf.render_commune_report`` or ``reports.office_pdf.render_office_report``; both write the
PDF atomically. This package file imports nothing, so that using the report data does not load reportlab.

Modules: ``data`` (the report data), ``formatting`` (dates, targets, results, periods as printed),
``fonts`` and ``styles`` (Liberation Serif, page geometry, paragraph styles), ``glyphs`` (what the font draws,
``[U+XXXX]`` for the rest, counted into a ``ReportWarning``), ``official`` (the decree's page
furniture and PDF writing), ``blocks`` (headings, prose and tables shared by both reports), ``charts``,
``commune_pdf``, ``office_pdf``, ``samples`` (realistic sample data for the render script, bench and tests).
"""
