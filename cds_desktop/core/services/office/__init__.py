"""The receiving office's use cases: keys, communes, enrolment, import, submissions, receipts (``service``), the consolidated report (``report``)."""
