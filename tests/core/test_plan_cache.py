"""Parsed plans kept between starts (``plans/loader.py`` over ``parsed_cache``): the same plans as parsing the
files, read from the cache while a file is unchanged, parsed again when it changes, and a damaged or altered
cache never yields a plan the format refuses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from cds_desktop.core.parsed_cache import cache_file
from cds_desktop.core.paths import CACHE_DIR_ENV
from cds_desktop.core.plans.loader import load_plan_file, load_plan_folder
from cds_desktop.core.resources import builtin_plans_dir

PLAN_FILE = "003-dak-rlap-2023.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def plans(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(builtin_plans_dir() / PLAN_FILE, folder / PLAN_FILE)
    return folder


def cached_value(plans):
    return json.loads(cache_file("plan-003-dak-rlap-2023", plans).read_text(encoding="utf-8"))


def rewrite_cache(plans, change) -> None:
    content = cached_value(plans)
    change(content["value"])
    cache_file("plan-003-dak-rlap-2023", plans).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def test_every_builtin_plan_reads_back_from_the_cache_as_parsed(cache):
    first, problems = load_plan_folder(builtin_plans_dir())
    assert not problems and len(first) == 5
    again, _ = load_plan_folder(builtin_plans_dir())  # now from the cache
    assert again == first
    assert again == [load_plan_file(path) for path in sorted(builtin_plans_dir().glob("*.yaml"))]


def test_an_unchanged_file_is_read_from_the_cache(cache, plans):
    (parsed,), _ = load_plan_folder(plans)
    rewrite_cache(plans, lambda value: value["plan"]["title"].update(en="Read from the cache"))
    (cached,), _ = load_plan_folder(plans)
    assert cached.plan.title.en == "Read from the cache"
    assert cached.groups == parsed.groups


def test_a_changed_file_is_parsed_again(cache, plans):
    load_plan_folder(plans)
    path = plans / PLAN_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("plan_version: 1", "plan_version: 2", 1), encoding="utf-8")
    (plan,), _ = load_plan_folder(plans)
    assert plan.plan.plan_version == 2
    assert cached_value(plans)["value"]["plan"]["plan_version"] == 2


@pytest.mark.parametrize("damage", [
    lambda value: value.clear(),  # not a plan at all
    lambda value: value["groups"].clear(),  # a plan without groups: the format refuses it
    lambda value: value["groups"][0]["indicators"][0].update(code="bad code!"),
    lambda value: value["groups"].append(value["groups"][0]),  # repeated codes
])
def test_a_cached_plan_the_format_refuses_is_parsed_again_from_the_file(cache, plans, damage):
    (parsed,), _ = load_plan_folder(plans)
    rewrite_cache(plans, damage)
    (plan,), problems = load_plan_folder(plans)
    assert plan == parsed and not problems
    assert cached_value(plans)["value"] == parsed.model_dump(mode="json")  # and the cache is repaired


def test_a_damaged_plan_file_is_never_cached_and_stays_a_problem(cache, plans):
    (plans / PLAN_FILE).write_text("format: 1\nplan: [", encoding="utf-8")
    for _ in range(2):
        loaded, problems = load_plan_folder(plans)
        assert loaded == [] and [problem.code for problem in problems] == ["plan.yaml"]
    assert not cache_file("plan-003-dak-rlap-2023", plans).exists()


def test_a_cached_start_does_not_import_pyyaml(cache):
    code = ("import sys; from cds_desktop.core.plans.loader import builtin_plans; plans = builtin_plans(); "
            "print(len(plans), 'yaml' in sys.modules)")
    env = {**os.environ, CACHE_DIR_ENV: str(cache)}
    outputs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
               for _ in range(2)]
    assert outputs == ["5 True\n", "5 False\n"]  # the first start parses (and fills the cache), the next does not


def test_a_plan_file_that_cannot_be_examined_is_a_problem_not_a_crash(cache, plans):
    (plans / "005-gone.yaml").symlink_to(plans / "missing.yaml")  # a broken link: it cannot even be stat'ed
    loaded, problems = load_plan_folder(plans)
    assert [plan.plan.id for plan in loaded] == ["dak-rlap-2023"]
    assert [(problem.code, problem.params["file"]) for problem in problems] == [("plan.unreadable", "005-gone.yaml")]
