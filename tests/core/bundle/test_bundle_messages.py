"""Every error code has a clear message in Vietnamese and English, and a test that makes the library raise it."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from cds_desktop.core.bundle import Code
from cds_desktop.core.i18n import catalog


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", list(Code))
def test_each_code_has_both_messages_with_the_same_placeholders(code: Code) -> None:
    entry = catalog()[f"error.{code.value}"]

    assert entry["vi"] != entry["en"]
    assert re.search(r"[à-ỹđ]", entry["vi"], re.IGNORECASE), "Vietnamese text without diacritics"
    assert placeholders(entry["vi"]) == placeholders(entry["en"])


def test_the_catalog_has_no_message_without_a_code() -> None:
    documented = {key.removeprefix("error.") for key in catalog() if key.startswith("error.bundle.")}

    assert documented == {code.value for code in Code}


def test_every_code_is_raised_by_some_test() -> None:
    tests = "".join(
        path.read_text(encoding="utf-8")
        for path in Path(__file__).parent.glob("test_*.py")
        if path.name != Path(__file__).name
    )

    untested = [code.name for code in Code if f"Code.{code.name}" not in tests]

    assert untested == []


def test_the_specification_lists_every_code() -> None:
    specification = (Path(__file__).parents[3] / "docs" / "bundle-format.md").read_text(encoding="utf-8")

    missing = [code.value for code in Code if f"`{code.value.removeprefix('bundle.')}`" not in specification]

    assert missing == []
