"""Loading plan files: YAML → validated ``Plan``, with errors that name the file, the field and the problem."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from cds_desktop.core.errors import PlanError
from cds_desktop.core.plans.model import PLAN_FORMAT_VERSION, Plan
from cds_desktop.core.resources import builtin_plans_dir


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _field_path(location: tuple) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(file)"


def parse_plan(text: str, source: str) -> Plan:
    """Parse and validate plan text; ``source`` names the file in error messages."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise PlanError("plan.yaml", file=source, field=where, problem=str(getattr(exc, "problem", exc))) from exc
    if not isinstance(data, dict):
        raise PlanError("plan.invalid", file=source, field="(file)", problem="not a mapping")
    version = data.get("format")
    if isinstance(version, int) and version > PLAN_FORMAT_VERSION:
        raise PlanError("plan.format_too_new", file=source, version=version, supported=PLAN_FORMAT_VERSION)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PlanError(
            "plan.invalid", file=source, field=_field_path(first["loc"]), problem=first["msg"]
        ) from exc


def load_plan_file(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError("plan.unreadable", file=str(path), problem=str(exc)) from exc
    return parse_plan(text, str(path.name))


@lru_cache(maxsize=1)
def builtin_plans() -> tuple[Plan, ...]:
    """The plans shipped in ``resources/plans``, in file-name order."""
    return tuple(load_plan_file(p) for p in sorted(builtin_plans_dir().glob("*.yaml")))


class PlanCatalog:
    """The plans available to this installation, looked up by id."""

    def __init__(self, plans: tuple[Plan, ...] | list[Plan]) -> None:
        self._plans = {p.id: p for p in plans}

    @classmethod
    def builtin(cls) -> "PlanCatalog":
        return cls(builtin_plans())

    def all(self) -> list[Plan]:
        return list(self._plans.values())

    def get(self, plan_id: str) -> Plan:
        try:
            return self._plans[plan_id]
        except KeyError:
            raise PlanError("plan.unknown", plan=plan_id, known=", ".join(sorted(self._plans))) from None
