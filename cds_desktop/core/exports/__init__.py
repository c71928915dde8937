"""File formats the office exports its figures in, written atomically (``core/fileio.py``).

The writers know formats, not plans: they take plain typed tables (``tables.Table``) or plain data values
(``dhis2.DataValue``) that ``services/office/results_exports.py`` builds from the read models.

- ``xlsx``: an Excel workbook, a sheet per table, typed cells with number formats, frozen headers, filters;
- ``csv_file``: one table as CSV, UTF-8 with a BOM, safe against formula injection;
- ``dhis2``: a DHIS2 dataValueSet (JSON), its completeDataSetRegistrations, and IHE ADX (XML), through the
  office's code mapping.
"""
