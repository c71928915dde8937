"""The one rule engine: used while typing, before approval, and again at the receiving office."""

from cds_desktop.core.validation.problems import Problem, Severity
from cds_desktop.core.validation.rules import (
    check_indicator,
    check_task,
    evaluate_target,
    indicator_result,
    validate_period,
)

__all__ = [
    "Problem",
    "Severity",
    "check_indicator",
    "check_task",
    "evaluate_target",
    "indicator_result",
    "validate_period",
]
