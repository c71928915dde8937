"""Every error code has a clear message in Vietnamese and English, a test that makes the code raise it, and its
line in the specification; every place that raises one fills every placeholder of its message."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from cds_desktop.core.bundle import Code
from cds_desktop.core.bundle.wording import FIELD_PREFIX, ITEM_PREFIX, REASON_PREFIX
from cds_desktop.core.i18n import catalog

ROOT = Path(__file__).parents[3]
SOURCES = sorted((ROOT / "cds_desktop").rglob("*.py"))
SPECIFICATION = (ROOT / "docs" / "bundle-format.md").read_text(encoding="utf-8")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def section(number: int) -> str:
    start = SPECIFICATION.index(f"\n## {number}. ")
    end = SPECIFICATION.find("\n## ", start + 1)
    return SPECIFICATION[start:end if end > 0 else None]


@pytest.mark.parametrize("code", list(Code))
def test_each_code_has_both_messages_with_the_same_placeholders(code: Code) -> None:
    entry = catalog()[f"error.{code.value}"]

    assert entry["vi"] != entry["en"]
    assert re.search(r"[à-ỹđ]", entry["vi"], re.IGNORECASE), "Vietnamese text without diacritics"
    assert placeholders(entry["vi"]) == placeholders(entry["en"])
    assert "http" not in entry["vi"] + entry["en"]


def test_the_catalog_has_no_message_without_a_code() -> None:
    documented = {key.removeprefix("error.") for key in catalog() if key.startswith("error.bundle.")}

    assert documented == {code.value for code in Code}


def test_every_code_is_raised_by_some_test() -> None:
    folders = [Path(__file__).parent, ROOT / "tests" / "core" / "exchange"]
    tests = "".join(
        path.read_text(encoding="utf-8")
        for folder in folders
        for path in folder.glob("test_*.py")
        if path.name != Path(__file__).name
    )

    untested = [code.name for code in Code if f"Code.{code.name}" not in tests]

    assert untested == []


def test_the_error_code_section_of_the_specification_lists_every_code() -> None:
    codes_section = section(14)

    missing = [code.value for code in Code if f"`{code.value.removeprefix('bundle.')}`" not in codes_section]

    assert missing == []


def _raise_sites() -> list[tuple[str, int, str, str, set[str]]]:
    """(file, line, class name, code name, keyword names) of every ``…Error(Code.X, …)`` in the application."""
    sites = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name) and first.value.id == "Code"):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if not name.endswith("Error"):
                continue
            keywords = {k.arg for k in node.keywords if k.arg}
            if any(k.arg is None for k in node.keywords):
                keywords.add("**")
            sites.append((path.name, node.lineno, name, first.attr, keywords))
    return sites


def test_every_raise_fills_every_placeholder_of_its_message() -> None:
    """The class of 'Report data "{name}" …' left unfilled: checked at every place that raises a code."""
    sites = _raise_sites()
    assert len(sites) > 100
    unfilled = []
    for file, line, kind, code_name, keywords in sites:
        template = catalog()[f"error.{Code[code_name].value}"]
        needed = placeholders(template["vi"]) | placeholders(template["en"])
        if kind == "DocumentError":
            needed -= {"problem"}  # worded from ``reason`` and ``field`` by DocumentError itself
        if "**" not in keywords and not needed <= keywords:
            unfilled.append(f"{file}:{line} {code_name} lacks {sorted(needed - keywords)}")
    assert unfilled == []


def test_every_reason_raised_has_messages_whose_placeholders_it_fills() -> None:
    reasons: dict[str, set[str]] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                        names = {k.arg or "**" for k in node.keywords}
                        reasons.setdefault(keyword.value.value, set()).update(names)
                callee = node.func.id if isinstance(node.func, ast.Name) else ""
                if callee == "PydanticCustomError" and isinstance(node.args[0], ast.Constant):
                    context = node.args[2] if len(node.args) > 2 else None
                    names = {k.value for k in context.keys} if isinstance(context, ast.Dict) else set()
                    reasons.setdefault(node.args[0].value, set()).update(names)
                if callee == "JsonSyntaxError" and node.args and isinstance(node.args[0], ast.Constant):
                    reasons.setdefault(node.args[0].value, set()).update(k.arg or "**" for k in node.keywords)
    assert len(reasons) > 35
    for reason, names in sorted(reasons.items()):
        entry = catalog()[REASON_PREFIX + reason]
        assert placeholders(entry["vi"]) == placeholders(entry["en"]), reason
        if "**" not in names:
            assert placeholders(entry["vi"]) <= names, reason


def test_field_and_item_words_exist_in_both_languages() -> None:
    words = {key: entry for key, entry in catalog().items() if key.startswith((FIELD_PREFIX, ITEM_PREFIX))}
    assert len(words) > 80
    for key, entry in words.items():
        assert entry["vi"] != entry["en"] or entry["vi"] in ("nonce",), key
        expected = {"n"} if key.startswith(ITEM_PREFIX) else set()
        assert placeholders(entry["vi"]) == placeholders(entry["en"]) == expected, key
