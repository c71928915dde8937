"""A plan as a document: the plain data (dicts, lists, strings, numbers) of its YAML file, and that file's text.

``plan_document(plan)`` is the inverse of validating: ``Plan.model_validate(plan_document(plan)) == plan`` for every
plan (fields at their default are left out, as people write them). ``plan_yaml(plan)`` writes the documented YAML
format (``docs/plan-format.md``) that the loader reads back to the same plan; the office's plan editor, the Excel
template and the YAML export all go through here, and ``check_plan_document`` validates what they produce with the
same rules, and the same field-naming errors, as a plan file.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

from cds_desktop.core.plans.loader import plan_data_problems, validate_plan_data
from cds_desktop.core.plans.model import Plan

YAML_HEADER = "# Kế hoạch chuyển đổi số — tệp kế hoạch CDS Desktop (docs/plan-format.md)\n"


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plain data of ``plan``'s YAML file, defaults left out: numbers as numbers (whole ones as integers),
    dates as dates, choices as their strings."""
    return _plain(plan.model_dump(exclude_defaults=True))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def plan_yaml(plan: Plan | dict[str, Any]) -> str:
    """The YAML text of a plan (or of its document), in field order, Unicode written as is."""
    import yaml

    document = plan_document(plan) if isinstance(plan, Plan) else plan
    return YAML_HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def check_plan_document(document: Any, source: str) -> Plan:
    """The plan ``document`` describes; ``PlanFileError`` naming the first wrong field (``source`` names where the
    document came from in the message, e.g. the editor or a spreadsheet)."""
    return validate_plan_data(document, source)


def plan_document_problems(document: Any, source: str, limit: int = 50) -> list:
    """Up to ``limit`` problems of ``document`` (``PlanFileError``, each naming its field); empty when valid."""
    return plan_data_problems(document, source, limit=limit)
