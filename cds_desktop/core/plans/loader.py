"""Loading plan files: YAML → validated ``Plan``, with errors that name the file, the field and the problem.

Every failure is a ``PlanError`` (in fact a ``PlanFileError``, its subclass, whose ``{field}`` and
``{problem}`` are themselves translated, so that the Vietnamese message is Vietnamese throughout):

A plan file is hostile input, built-in or imported: it is read through ``yaml_strict`` (at most
``MAX_PLAN_BYTES``, UTF-8, no aliases, bounded nesting, no repeated keys), then validated.

- ``plan.yaml``: ``yaml_strict`` refused the text (``field`` is the line, ``problem_id`` a
  ``data_file.problem.*`` message: syntax, repeated key, alias, nesting, size …);
- ``plan.invalid``: the YAML does not fit the plan format (``field`` is the path of the offending field,
  e.g. ``groups[1].indicators[0].target.low (line 42)``; ``problem`` says what is wrong);
- ``plan.format_too_new``: the file's ``format`` is newer than this app reads;
- ``plan.unreadable``: the file cannot be opened or is not UTF-8.

``load_plan_folder`` loads a folder of plan files where one damaged file never stops the others: the files
left out become the catalog's ``problems`` (listed by ``cds plans list`` and reported when the desktop starts).

Start-up speed: parsing the YAML of the built-in plans costs ~40 ms (and importing PyYAML ~15 ms) at every
start, so a folder's plans are kept parsed between starts (``parsed_cache``, stamped with the plan file and
this package's code): a cached plan is the JSON of the validated plan, validated again when read (~1 ms a
plan), so a damaged or altered cache never yields a plan the format refuses. PyYAML is imported only when a
file is actually parsed. A file that fails to load is never cached: its problem is found again at each start.

Error parameters stay machine-readable: ``file``, ``field`` (the path, untranslated), ``line`` when known,
``problem`` (the English text) and ``problem_id`` (the message id of the problem).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from cds_desktop.core.errors import PlanError
from cds_desktop.core.i18n import translate
from cds_desktop.core.parsed_cache import parsed_once
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans import model as plan_model
from cds_desktop.core.plans.model import PLAN_FORMAT_VERSION, Plan, PlanProblem, _loc_text
from cds_desktop.core.resources import builtin_plans_dir

if TYPE_CHECKING:
    import yaml

    from cds_desktop.core.yaml_strict import YamlRefused

MAX_PLAN_BYTES = 1 << 20  # 1 MiB: the largest built-in plan is under 100 KB


class PlanFileError(PlanError):
    """A ``PlanError`` whose field and problem are translated into the message's language.

    ``params["field_id"]`` / ``params["problem_id"]``, when present, are message ids rendered with the
    other params in the requested language and substituted for ``{field}`` / ``{problem}``.
    """

    def message(self, language: str | None = None) -> str:
        params = dict(self.params)
        for key in ("field", "problem"):
            message_id = params.get(f"{key}_id")
            if message_id:
                params[key] = translate(message_id, language, **params)
        return translate(f"error.{self.code}", language, **params)


def _field_path(location: tuple) -> str:
    return _loc_text(location) or "(file)"


def _line_of(root: yaml.Node | None, location: tuple) -> int | None:
    """The 1-based line of the YAML node at ``location`` (or of its deepest existing ancestor)."""
    import yaml

    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    child, line = value_node, key_node.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


_PROBLEM_IDS = {
    "missing": "plan.problem.missing",
    "extra_forbidden": "plan.problem.unknown_field",
    "enum": "plan.problem.choice",
    "literal_error": "plan.problem.choice",
    "string_pattern_mismatch": "plan.problem.pattern",
    "string_too_short": "plan.problem.empty",
    "too_short": "plan.problem.too_few",
    "too_long": "plan.problem.too_many",
    "greater_than_equal": "plan.problem.at_least",
    "less_than_equal": "plan.problem.at_most",
    "frozen_instance": "plan.problem.other",
}
_TYPE_SUFFIXES = ("_type", "_parsing", "_from_datetime_inexact", "_from_datetime_parsing")


def _problem(error: dict, data: Any) -> tuple[str, dict[str, Any]]:
    """The message id and params describing one pydantic error."""
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, PlanProblem):
        return cause.message_id, dict(cause.params)
    kind = error["type"]
    params: dict[str, Any] = {"detail": error["msg"]}
    if kind in ("enum", "literal_error"):
        params["expected"] = str(ctx.get("expected", "")).replace(" or ", ", ")
        params["value"] = repr(error.get("input"))
    elif kind == "string_pattern_mismatch":
        params["value"] = repr(error.get("input"))
    elif kind in ("too_short", "too_long"):
        params["count"] = ctx.get("min_length", ctx.get("max_length", ""))
    elif kind == "greater_than_equal":
        params["limit"] = ctx.get("ge")
    elif kind == "less_than_equal":
        params["limit"] = ctx.get("le")
    if kind in _PROBLEM_IDS:
        return _PROBLEM_IDS[kind], params
    if kind.endswith(_TYPE_SUFFIXES) or kind in ("model_type", "model_attributes_type", "dict_type"):
        params["value"] = repr(error.get("input"))[:60]
        return "plan.problem.wrong_type", params
    return "plan.problem.other", params


def _invalid(source: str, text: str | None, loc: tuple, message_id: str, params: dict) -> PlanFileError:
    """The ``plan.invalid`` error for the field at ``loc``; its line when the plan's YAML ``text`` is known."""
    path = _field_path(loc)
    line = None
    if text is not None:
        import yaml

        from cds_desktop.core.yaml_strict import BaseLoader

        line = _line_of(yaml.compose(text, Loader=BaseLoader), loc)
    problem = translate(message_id, "en", **params)
    extra = {k: v for k, v in params.items() if k not in ("file", "field", "problem", "line")}
    return PlanFileError(
        "plan.invalid",
        file=source,
        field=path,
        line=line,
        problem=problem,
        problem_id=message_id,
        field_id="plan.where.field_line" if loc and line else ("plan.where.file" if not loc else None),
        path=path,
        **extra,
    )


def _refused(source: str, refusal: YamlRefused) -> PlanFileError:
    """The ``PlanFileError`` for a file that ``yaml_strict`` refused (``plan.unreadable`` when not UTF-8)."""
    line = refusal.line
    code = "plan.unreadable" if refusal.reason == "encoding" else "plan.yaml"
    return PlanFileError(
        code, file=source, field=f"line {line}" if line else "(file)", line=line,
        field_id="plan.where.line" if line else "plan.where.file",
        problem=translate(refusal.problem_id, "en", **refusal.params), problem_id=refusal.problem_id,
        **refusal.params,
    )


def parse_plan(text: str, source: str) -> Plan:
    """Parse and validate plan text; ``source`` names the file in error messages."""
    from cds_desktop.core.yaml_strict import YamlRefused, load_strict

    try:
        data = load_strict(text)
    except YamlRefused as refusal:
        raise _refused(source, refusal) from None
    return validate_plan_data(data, source, text)


def validate_plan_data(data: Any, source: str, text: str | None = None) -> Plan:
    """The plan that parsed YAML ``data`` describes; ``PlanFileError`` naming the first wrong field otherwise (with
    its line when the YAML ``text`` is given)."""
    problems = plan_data_problems(data, source, text)
    if problems:
        raise problems[0]
    return Plan.model_validate(data)


def plan_data_problems(data: Any, source: str, text: str | None = None, limit: int = 1) -> list[PlanFileError]:
    """Up to ``limit`` problems of plan ``data``, each a ``PlanFileError`` naming its field (``params["path"]``);
    an empty list when ``data`` is a valid plan. The plan editor shows them beside the fields as people type."""
    if not isinstance(data, dict):
        return [_invalid(source, text, (), "plan.problem.not_mapping", {})]
    version = data.get("format")
    if isinstance(version, int) and not isinstance(version, bool) and version > PLAN_FORMAT_VERSION:
        return [PlanFileError(
            "plan.format_too_new", file=source, field="format", version=version, supported=PLAN_FORMAT_VERSION
        )]
    try:
        Plan.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:limit]:
            loc = tuple(error["loc"])
            cause = (error.get("ctx") or {}).get("error")
            if isinstance(cause, PlanProblem):
                loc = loc + tuple(cause.loc)
            message_id, params = _problem(error, data)
            problems.append(_invalid(source, text, loc, message_id, params))
        return problems
    return []


def load_plan_file(path: Path) -> Plan:
    """The plan in the file at ``path`` (at most ``MAX_PLAN_BYTES``); ``PlanError`` naming the file otherwise."""
    return read_plan_file(path)[0]


def read_plan_file(path: Path) -> tuple[Plan, str]:
    """The plan in the file at ``path`` and the text it was read from: what installing the file copies, so that
    the file is read once and the copy is exactly what was validated."""
    from cds_desktop.core.yaml_strict import YamlRefused, os_problem_id, read_data_file

    try:
        text = read_data_file(path, MAX_PLAN_BYTES)
    except OSError as exc:
        problem_id = os_problem_id(exc)
        raise PlanFileError("plan.unreadable", file=path.name, problem=translate(problem_id, "en"),
                            problem_id=problem_id, errno=exc.errno) from None
    except YamlRefused as refusal:
        raise _refused(path.name, refusal) from None
    return parse_plan(text, path.name), text


def load_plan_folder(folder: Path, taken: set[str] | frozenset[str] = frozenset()) -> tuple[list[Plan], list[PlanError]]:
    """The plans of the ``*.yaml`` files in ``folder`` (file-name order), and a ``PlanError`` for each file left
    out: damaged, or with the id of a plan in ``taken`` or of an earlier file. One bad file never stops the others.
    """
    plans: list[Plan] = []
    problems: list[PlanError] = []
    taken = set(taken)
    for path in sorted(folder.glob("*.yaml")):
        try:
            plan = _load_plan_file_once(path)
        except PlanError as problem:
            problems.append(problem)
            continue
        if plan.id in taken:
            problems.append(PlanError("plan.duplicate_file", file=path.name, plan=plan.id))
            continue
        taken.add(plan.id)
        plans.append(plan)
    return plans, problems


# a change to the plan format's code invalidates the cache (a frozen build has no source files to stamp: its
# plan files are installed afresh with each version, which changes their stamps)
_CODE = tuple(path for path in (Path(plan_model.__file__), Path(__file__)) if path.is_file())


def _load_plan_file_once(path: Path) -> Plan:
    """``load_plan_file(path)``, from the parsed-plan cache while the file and the plan code are unchanged (a
    cached value is validated again; one the format refuses, or any damaged cache, means parsing the file)."""
    loaded: list[Plan] = []

    def parse() -> dict:
        loaded.append(load_plan_file(path))
        return loaded[0].model_dump(mode="json")

    def valid(value: Any) -> bool:
        try:
            loaded.append(Plan.model_validate(value))
        except (ValidationError, ValueError, TypeError, RecursionError):
            return False
        return True

    try:
        parsed_once(f"plan-{path.stem}", path.parent, (path, *_CODE), parse, valid)
    except OSError:  # the file cannot even be examined (gone, a broken link): reading it says why
        return load_plan_file(path)
    return loaded[-1]


@lru_cache(maxsize=1)
def _builtin() -> tuple[tuple[Plan, ...], tuple[PlanError, ...]]:
    plans, problems = load_plan_folder(builtin_plans_dir())
    return tuple(plans), tuple(problems)


def builtin_plans() -> tuple[Plan, ...]:
    """The plans shipped in ``resources/plans``, in file-name order (a damaged file is left out)."""
    return _builtin()[0]


def installed_plans(user_folder: Path) -> "PlanCatalog":
    """The built-in plans, then those of the plan files in ``user_folder``; the files left out are its problems."""
    builtin, builtin_problems = _builtin()
    imported, problems = load_plan_folder(user_folder, {plan.id for plan in builtin})
    catalog = PlanCatalog(builtin, builtin_problems + tuple(problems))
    for plan in imported:
        catalog = catalog.with_plan(plan)
    return catalog


class PlanCatalog:
    """The plans available to this installation, looked up by id (the newest version) or by id and version, and
    the plan files left out (``problems``).

    Each plan has an origin: ``builtin`` (shipped in ``resources/plans``) or another word the caller gives, e.g.
    ``office`` for a plan the receiving office published; ``all()`` lists the newest version of each plan in the
    order they were added. Older versions stay looked up by ``get(plan_id, version)``: a period exported against
    version 1 keeps being shown, and checked, against version 1.
    """

    def __init__(self, plans: tuple[Plan, ...] | list[Plan], problems: tuple[PlanError, ...] | list[PlanError] = (),
                 origin: str = "builtin") -> None:
        self._plans: dict[str, Plan] = {}
        self._versions: dict[tuple[str, int], Plan] = {}
        self._origins: dict[str, str] = {}
        self.problems = tuple(problems)
        for plan in plans:
            self._add(plan, origin)

    def _add(self, plan: Plan, origin: str) -> None:
        self._versions[(plan.id, plan.plan.plan_version)] = plan
        newest = self._plans.get(plan.id)
        if newest is None or plan.plan.plan_version >= newest.plan.plan_version:
            self._plans[plan.id] = plan
            self._origins[plan.id] = origin

    @classmethod
    def builtin(cls) -> "PlanCatalog":
        return cls(*_builtin())

    def with_plan(self, plan: Plan, origin: str = "imported") -> "PlanCatalog":
        """A catalog with ``plan`` added (the newest version of its id when its version is the highest)."""
        catalog = self._copy(self.problems)
        catalog._add(plan, origin)
        return catalog

    def _copy(self, problems: tuple[PlanError, ...]) -> "PlanCatalog":
        catalog = PlanCatalog([], problems)
        catalog._plans, catalog._versions, catalog._origins = dict(self._plans), dict(self._versions), dict(
            self._origins)
        return catalog

    def with_problems(self, problems: list[PlanError] | tuple[PlanError, ...]) -> "PlanCatalog":
        """A catalog with the same plans and ``problems`` added (files left out elsewhere, e.g. received plans)."""
        return self._copy(self.problems + tuple(problems))

    def all(self) -> list[Plan]:
        return list(self._plans.values())

    def origin(self, plan_id: str) -> str:
        """Where the plan came from: ``builtin``, or the origin it was added with."""
        self.get(plan_id)
        return self._origins[plan_id]

    def versions(self, plan_id: str) -> list[int]:
        """The versions of ``plan_id`` this catalog holds, oldest first."""
        return sorted(version for (known, version) in self._versions if known == plan_id)

    def get(self, plan_id: str, version: int | None = None) -> Plan:
        """The newest version of ``plan_id``, or exactly ``version``; ``PlanError`` when not held."""
        try:
            if version is None:
                return self._plans[plan_id]
            return self._versions[(plan_id, version)]
        except KeyError:
            if version is not None and plan_id in self._plans:
                raise PlanError("plan.unknown_version", plan=plan_id, version=version,
                                known=", ".join(map(str, self.versions(plan_id)))) from None
            raise PlanError("plan.unknown", plan=plan_id, known=", ".join(sorted(self._plans))) from None


def installed_catalog(data_dir: DataDir) -> PlanCatalog:
    """The built-in plans plus the plan files imported into the data folder, commune and office alike
    (damaged files: the catalog's ``problems``)."""
    return installed_plans(data_dir.plans)
