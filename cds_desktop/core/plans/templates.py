"""Plan templates: the starting points an office writes its own plan from, shipped in ``resources/plan_templates``.

A template is a valid plan file (the loader's rules) marked as a template — its title starts "Mẫu kế hoạch",
its issuing body is a placeholder, its note says it is no locality's plan — and it lives apart from
``resources/plans``, so communes are never offered it as a plan. Today there is one, ``national-2026``: the national
targets of Decisions 749/QĐ-TTg, 942/QĐ-TTg and 411/QĐ-TTg (provenance in the file's comments and in
``docs/plan-format.md``). The plan editor starts a copy from ``template.document``; ``cds plans export-template``
writes it as a workbook or YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cds_desktop.core.errors import PlanError
from cds_desktop.core.plans.common import LocalizedText
from cds_desktop.core.plans.document import plan_document
from cds_desktop.core.plans.loader import load_plan_file
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.resources import resources_dir


def plan_templates_dir() -> Path:
    return resources_dir() / "plan_templates"


@dataclass(frozen=True)
class PlanTemplate:
    id: str  # the file's name without ``.yaml`` (``national-2026``), what commands name it by
    title: LocalizedText
    plan: Plan

    @property
    def document(self) -> dict[str, Any]:
        """The template's plan document (plain data), to start a new plan from."""
        return plan_document(self.plan)


def plan_templates() -> list[PlanTemplate]:
    """The shipped templates, in file-name order; a damaged template file is a damaged installation
    (``PlanError`` naming the file)."""
    templates = []
    for path in sorted(plan_templates_dir().glob("*.yaml")):
        plan = load_plan_file(path)
        templates.append(PlanTemplate(path.stem, plan.plan.title, plan))
    return templates


def plan_template(template_id: str) -> PlanTemplate:
    """The template ``template_id``; ``PlanError("plan.unknown_template")`` listing the known ones otherwise."""
    templates = plan_templates()
    for template in templates:
        if template.id == template_id:
            return template
    raise PlanError("plan.unknown_template", template=template_id, known=", ".join(t.id for t in templates))
