"""The shipped plan templates (``core/plans/templates.py``, ``resources/plan_templates``): the 2026 national template
is a valid plan marked as a template — never a locality's plan, never offered to communes — whose targets are the
national decisions', per level where Decision 749 sets them."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from cds_desktop.core.errors import PlanError
from cds_desktop.core.plans.loader import PlanCatalog, builtin_plans, load_plan_file
from cds_desktop.core.plans.model import Comparator, Level
from cds_desktop.core.plans.schedule import PeriodKind
from cds_desktop.core.plans.templates import plan_template, plan_templates, plan_templates_dir
from cds_desktop.core.resources import builtin_plans_dir
from support.data_folders import make_commune, open_commune

DECISIONS = ("749/QĐ-TTg", "942/QĐ-TTg", "411/QĐ-TTg")


@pytest.fixture(scope="module")
def national():
    return plan_template("national-2026")


def test_the_templates_are_listed_with_their_titles():
    assert [(t.id, t.title.vi) for t in plan_templates()] == [
        ("national-2026", "Mẫu kế hoạch chuyển đổi số năm 2026 theo các chỉ tiêu quốc gia")]


def test_the_national_template_is_a_valid_plan_file(national):
    assert load_plan_file(plan_templates_dir() / "national-2026.yaml") == national.plan
    assert national.plan.plan.years == (2026, 2026) and national.plan.plan.plan_version == 1


def test_it_is_marked_as_a_template_not_as_any_localitys_plan(national):
    identity = national.plan.plan
    assert identity.title.vi.startswith("Mẫu kế hoạch") and identity.title.en.startswith("Template")
    assert identity.issuing_body.name.vi == "(Tên cơ quan ban hành)"
    assert identity.document_number is None and identity.document_date is None
    assert "không phải kế hoạch của địa phương nào" in identity.note.vi
    assert "not any locality's plan" in identity.note.en
    assert all(decision in identity.note.vi for decision in DECISIONS)


def test_every_item_cites_a_national_decision(national):
    cited = {indicator.source.document.split()[3] for indicator in national.plan.indicators()}
    assert cited == set(DECISIONS)
    assert [next(d for d in DECISIONS if d in text.vi) for text in national.plan.plan.based_on] == list(DECISIONS)


def test_decision_749s_targets_differ_by_level(national):
    records = national.plan.indicator("2.1")
    targets = {level: (records.target_for(level).comparator, records.target_for(level).value) for level in Level}
    assert targets == {Level.PROVINCE: (Comparator.GE, Decimal(90)), Level.DISTRICT: (Comparator.GE, Decimal(80)),
                       Level.COMMUNE: (Comparator.GE, Decimal(60))}


def test_the_national_figures_are_the_decisions(national):
    plan = national.plan
    figures = {i.code: (i.target.comparator.value, int(i.target.value)) for i in plan.indicators() if i.target}
    assert figures == {"1.1": ("gt", 80), "1.2": ("eq", 1), "2.2": ("ge", 80), "2.3": ("eq", 100),
                       "3.1": ("gt", 10), "3.2": ("gt", 80), "3.3": ("gt", 50), "4.1": ("ge", 80),
                       "4.2": ("ge", 80), "4.3": ("gt", 50), "4.4": ("gt", 70)}
    # shares of businesses and of retail sales are the province's statistics, not a commune's
    assert [i.code for i in plan.indicators() if not i.applies_to_communes] == ["3.1", "3.2", "3.3"]


def test_it_reports_quarterly_in_2026_on_a_deadline_the_office_sets(national):
    schedule = national.plan.schedule
    assert (schedule.first_year, schedule.last_year) == (2026, 2026)
    (quarter,) = schedule.periods
    assert quarter.kind is PeriodKind.QUARTER and quarter.deadline.rule == "in_period_month"
    assert (quarter.deadline.day, quarter.deadline.month_from_end) == (3, 0) and not quarter.deadline.stated


def test_it_is_never_offered_to_communes_as_a_plan(national, tmp_path):
    assert plan_templates_dir().parent == builtin_plans_dir().parent != plan_templates_dir()
    builtin_ids = {plan.id for plan in builtin_plans()}
    assert national.plan.id not in builtin_ids and national.plan.id not in {p.id for p in PlanCatalog.builtin().all()}
    commune = open_commune(make_commune(tmp_path / "commune"))
    try:
        assert national.plan.id not in {plan.id for plan in commune.plans()}
    finally:
        commune.close()


def test_the_template_folder_is_packaged_with_the_other_resources():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["resources"] == "cds_desktop/_data/resources"  # the whole folder, plan_templates included
    assert plan_templates_dir() == Path(__file__).parents[2] / "resources" / "plan_templates"


def test_the_document_starts_a_new_plan(national):
    document = national.document
    document["plan"]["id"] = "sotttt-2026"
    assert document["plan"]["issuing_body"]["name"]["vi"] == "(Tên cơ quan ban hành)"
    assert national.document["plan"]["id"] == "mau-ke-hoach-2026"  # a fresh copy each time


def test_an_unknown_template_is_refused_naming_the_known_ones():
    with pytest.raises(PlanError) as refused:
        plan_template("province-2030")
    assert refused.value.code == "plan.unknown_template"
    assert refused.value.message("vi") == ("Không có mẫu kế hoạch «province-2030». Các mẫu có sẵn: national-2026.")
