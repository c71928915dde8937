"""The dependency rules of ARCHITECTURE.md, checked on the source itself.

The checker reads every module's syntax tree and sees every form of import: ``import a.b``, ``from a import b``,
relative imports (``from ..ui import x``), imports inside functions or ``if TYPE_CHECKING:`` blocks, and dynamic
imports with a literal name (``importlib.import_module("a.b")``, ``import_module(".b", package="a")``,
``__import__("a.b")``). The rules:

- core never imports Qt, ``cds_desktop.ui``, ``cds_desktop.app`` or ``cds_desktop.cli``;
- inside core, imports point downward through ``CORE_LAYERS``; storage, bundle and reports are siblings;
- ui never imports storage, and never SQLAlchemy, SQLModel, Alembic or ``sqlite3`` (it gets plain values
  from services);
- services/commune and services/office never import each other, nor do ui/commune and ui/office;
- cli never imports ui or Qt.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cds_desktop

PACKAGE = "cds_desktop"
PACKAGE_ROOT = Path(cds_desktop.__file__).parent

# Inside core, from the bottom up: a module may import its own layer and the ones below. The base layer is
# every top-level module of core not named here. Areas sharing a layer are siblings: never each other.
CORE_LAYERS: list[set[str]] = [
    set(),  # the base: domain, errors, progress, text, numbers, i18n, paths, fileio, settings …
    {"plans"},
    {"formatting"},  # how targets and deadlines read: built on the plans' types
    {"validation"},
    {"storage", "bundle", "reports"},
    {"services"},
]


@dataclass(frozen=True)
class Rule:
    """Modules under ``sources`` never import anything under ``forbidden`` (dotted-name prefixes)."""

    name: str
    sources: tuple[str, ...]
    forbidden: tuple[str, ...]


RULES = [
    Rule("core never imports Qt, ui, app or cli", ("cds_desktop.core",),
         ("PySide6", "shiboken6", "PyQt5", "PyQt6", "cds_desktop.ui", "cds_desktop.app", "cds_desktop.cli")),
    Rule("ui never imports storage", ("cds_desktop.ui",), ("cds_desktop.core.storage",)),
    Rule("ui never opens sessions or writes SQL", ("cds_desktop.ui",),
         ("sqlalchemy", "sqlmodel", "alembic", "sqlite3")),
    Rule("commune services never import office services", ("cds_desktop.core.services.commune",),
         ("cds_desktop.core.services.office",)),
    Rule("office services never import commune services", ("cds_desktop.core.services.office",),
         ("cds_desktop.core.services.commune",)),
    Rule("commune screens never import office screens", ("cds_desktop.ui.commune",), ("cds_desktop.ui.office",)),
    Rule("office screens never import commune screens", ("cds_desktop.ui.office",), ("cds_desktop.ui.commune",)),
    Rule("cli never imports ui or Qt", ("cds_desktop.cli",), ("cds_desktop.ui", "PySide6", "shiboken6")),
]


# --- reading the imports -------------------------------------------------------------------

@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports, as an absolute dotted name (``a.b.name`` for ``from a.b import name``)
    line: int

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}) imports {self.target}"


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _resolve(relative: str, level: int, package: str) -> str:
    """``from <level dots><relative> import …`` seen from a module of ``package``."""
    base = package.split(".")
    if level > len(base):
        raise ValueError(f"relative import beyond the top package from {package}")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, relative] if relative else base)


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dynamic_target(call: ast.Call, package: str) -> str | None:
    """The module named by ``importlib.import_module(...)``, ``import_module(...)`` or ``__import__(...)``
    when the name is a literal."""
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if called not in ("import_module", "__import__") or not call.args:
        return None
    name = _literal(call.args[0])
    if name is None:
        return None
    if called == "import_module" and name.startswith("."):
        anchor = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "package"), None)
        level = len(name) - len(name.lstrip("."))
        return _resolve(name.lstrip("."), level, _literal(anchor) or package)
    return name


def imports_of(path: Path, module: str) -> Iterator[Import]:
    """Every import in the file ``path`` of the module named ``module``, wherever it stands in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node.module or "", node.level, package) if node.level else node.module or ""
            for alias in node.names:
                yield Import(module, source if alias.name == "*" else f"{source}.{alias.name}", node.lineno)
        elif isinstance(node, ast.Call):
            target = _dynamic_target(node, package)
            if target is not None:
                yield Import(module, target, node.lineno)


def modules(root: Path, package: str) -> Iterator[tuple[Path, str]]:
    """The package's source files and their module names (``root`` is the package's folder)."""
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield path, ".".join([package, *parts])


def all_imports(root: Path, package: str) -> list[Import]:
    found = [found for path, module in modules(root, package) for found in imports_of(path, module)]
    assert found, f"no imports found under {root}"
    return found


# --- the rules -----------------------------------------------------------------------------

def rule_violations(imports: list[Import], rules: list[Rule] = RULES) -> list[str]:
    return [
        f"{rule.name}: {found}"
        for rule in rules
        for found in imports
        if any(_under(found.module, source) for source in rule.sources)
        and any(_under(found.target, forbidden) for forbidden in rule.forbidden)
    ]


def _core_area(name: str, core: str) -> str | None:
    """The area of core a dotted name belongs to (``storage``, ``plans``, ``errors`` …), None outside core."""
    if not _under(name, core) or name == core:
        return None
    return name[len(core) + 1:].split(".")[0]


def _layer(area: str) -> int:
    return next((index for index, areas in enumerate(CORE_LAYERS) if area in areas), 0)


def layer_violations(imports: list[Import], core: str = f"{PACKAGE}.core") -> list[str]:
    """Imports inside core that point upward, or sideways between two different areas of one layer."""
    offenders = []
    for found in imports:
        source, target = _core_area(found.module, core), _core_area(found.target, core)
        if source is None or target is None or source == target:
            continue
        upward = _layer(target) > _layer(source)
        sideways = _layer(target) == _layer(source) and _layer(source) > 0
        if upward or sideways:
            offenders.append(f"{'upward' if upward else 'between siblings'}: {found}")
    return offenders


def test_the_package_keeps_every_rule():
    assert rule_violations(all_imports(PACKAGE_ROOT, PACKAGE)) == []


def test_imports_inside_core_point_downward_and_siblings_stay_apart():
    assert layer_violations(all_imports(PACKAGE_ROOT, PACKAGE)) == []


# --- the checker itself --------------------------------------------------------------------

SAMPLES = {
    "core/__init__.py": "",
    "core/errors.py": "",
    "core/storage/__init__.py": "",
    "core/storage/relative.py": "from ...ui import window\nfrom ..bundle import reader\nfrom . import models\n",
    "core/storage/lazy.py": (
        "def later():\n    from cds_desktop.core.services import backup\n    import PySide6.QtCore\n"
    ),
    "core/storage/dynamic.py": (
        "import importlib\nfrom importlib import import_module\n"
        "def load(name):\n"
        "    importlib.import_module('cds_desktop.ui.shell')\n"
        "    import_module('.reports.data', package='cds_desktop.core')\n"
        "    __import__('sqlalchemy')\n"
        "    importlib.import_module(name)\n"  # not a literal: cannot be checked, and is not reported
    ),
    "core/plans.py": "from .errors import CdsError\n",
    "ui/__init__.py": "",
    "ui/page.py": (
        "from ..core.storage import models\nfrom sqlmodel import select\nfrom cds_desktop.core.errors import CdsError\n"
    ),
    "cli/__init__.py": "def run():\n    from cds_desktop.ui import page\n",
}


def _sample_package(tmp_path: Path) -> Path:
    root = tmp_path / PACKAGE
    for name, text in SAMPLES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_checker_sees_relative_lazy_and_dynamic_imports(tmp_path):
    imports = all_imports(_sample_package(tmp_path), PACKAGE)
    seen = {(found.module, found.target) for found in imports}
    assert {
        ("cds_desktop.core.storage.relative", "cds_desktop.ui.window"),
        ("cds_desktop.core.storage.relative", "cds_desktop.core.bundle.reader"),
        ("cds_desktop.core.storage.relative", "cds_desktop.core.storage.models"),
        ("cds_desktop.core.storage.lazy", "cds_desktop.core.services.backup"),
        ("cds_desktop.core.storage.lazy", "PySide6.QtCore"),
        ("cds_desktop.core.storage.dynamic", "cds_desktop.ui.shell"),
        ("cds_desktop.core.storage.dynamic", "cds_desktop.core.reports.data"),
        ("cds_desktop.core.storage.dynamic", "sqlalchemy"),
        ("cds_desktop.core.plans", "cds_desktop.core.errors.CdsError"),
        ("cds_desktop.ui.page", "cds_desktop.core.storage.models"),
        ("cds_desktop.cli", "cds_desktop.ui.page"),
    } <= seen


def test_the_checker_reports_each_form_of_a_forbidden_import(tmp_path):
    imports = all_imports(_sample_package(tmp_path), PACKAGE)
    core, ui, cli = "core never imports Qt, ui, app or cli", "ui never imports storage", "cli never imports ui or Qt"
    assert sorted(rule_violations(imports)) == sorted([
        f"{core}: cds_desktop.core.storage.relative (line 1) imports cds_desktop.ui.window",
        f"{core}: cds_desktop.core.storage.lazy (line 3) imports PySide6.QtCore",
        f"{core}: cds_desktop.core.storage.dynamic (line 4) imports cds_desktop.ui.shell",
        f"{ui}: cds_desktop.ui.page (line 1) imports cds_desktop.core.storage.models",
        "ui never opens sessions or writes SQL: cds_desktop.ui.page (line 2) imports sqlmodel.select",
        f"{cli}: cds_desktop.cli (line 2) imports cds_desktop.ui.page",
    ])
    assert sorted(layer_violations(imports)) == sorted([
        "between siblings: cds_desktop.core.storage.relative (line 2) imports cds_desktop.core.bundle.reader",
        "upward: cds_desktop.core.storage.lazy (line 2) imports cds_desktop.core.services.backup",
        "between siblings: cds_desktop.core.storage.dynamic (line 5) imports cds_desktop.core.reports.data",
    ])
