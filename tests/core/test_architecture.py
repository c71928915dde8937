"""The dependency rules of ARCHITECTURE.md, checked on the source itself (AST, not text search)."""

from __future__ import annotations

import ast
from pathlib import Path

import cds_desktop

PACKAGE = Path(cds_desktop.__file__).parent
CORE = PACKAGE / "core"

# Inside core, imports point downward; storage, bundle and reports are siblings; only services combines them.
SIBLINGS = {"storage", "bundle", "reports"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _core_files() -> list[Path]:
    files = sorted(CORE.rglob("*.py"))
    assert files, "no core modules found"
    return files


def test_core_never_imports_qt_ui_or_app():
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _core_files()
        for name in _imports(path)
        if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6")
        or name.startswith(("cds_desktop.ui", "cds_desktop.app", "cds_desktop.cli"))
    ]
    assert offenders == []


def test_core_siblings_do_not_import_each_other_or_services():
    offenders = []
    for path in _core_files():
        area = path.relative_to(CORE).parts[0]
        if area not in SIBLINGS:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[:2] == ["cds_desktop", "core"] and len(parts) > 2:
                target = parts[2]
                if target != area and (target in SIBLINGS or target == "services"):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_rule_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport cds_desktop.ui.main\n", encoding="utf-8")
    assert _imports(bad) == ["PySide6.QtWidgets", "cds_desktop.ui.main"]
