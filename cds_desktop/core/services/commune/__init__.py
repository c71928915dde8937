"""The commune's use cases: entries and workflow (``service``), bundle exchange (``exchange``), the report (``report``)."""
