"""The grammar of a reporting period's id: ``2023`` (a year), ``2023S1``/``2023S2`` (a half-year) and
``2023Q1``…``2023Q4`` (a quarter). Plans, bundles and the wording of periods (``presentation.py``) read ids
with this one pattern."""

from __future__ import annotations

import re

PERIOD_ID = re.compile(r"^(?P<year>[0-9]{4})(?:(?P<half>S[12])|(?P<quarter>Q[1-4]))?$")
