"""Qt's own strings in Vietnamese come from ``translations/qt_vi.yaml``, read as hostile input like the message
catalogs: an oversized, alias-bombed, deeply nested or misshapen file (or a cache file of another shape) is
refused cleanly — listed, and Qt speaks English — never a traceback, never a hang."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from cds_desktop.core.i18n import MAX_CATALOG_BYTES, translate
from cds_desktop.core.parsed_cache import cache_file
from cds_desktop.core.resources import translations_dir
from cds_desktop.ui.shell import qt_translator
from cds_desktop.ui.shell.qt_translator import QT_CATALOG_FILE, QtLanguage, parse_qt_catalog
from support.hostile import FIXED_CASES, hostile_bytes

SHIPPED = translations_dir() / QT_CATALOG_FILE


@pytest.fixture
def installed_catalog(tmp_path, monkeypatch):
    """A function installing ``data`` as the app's Qt translation file (in a copy of the translations folder)."""
    folder = tmp_path / "translations"

    def install(data: bytes):
        folder.mkdir(exist_ok=True)
        (folder / QT_CATALOG_FILE).write_bytes(data)
        monkeypatch.setattr(qt_translator, "translations_dir", lambda: folder)
        qt_translator._parsed_qt_catalog.cache_clear()
        return folder / QT_CATALOG_FILE

    yield install
    monkeypatch.undo()
    qt_translator._parsed_qt_catalog.cache_clear()


def _qt_says(context: str, text: str) -> str:
    """What Qt shows for ``text`` with the app's translator installed in Vietnamese."""
    language = QtLanguage(QApplication.instance())
    try:
        language.apply("vi")
        return QCoreApplication.translate(context, text)
    finally:
        language.apply("en")
        language.deleteLater()


def test_the_shipped_translation_is_read_whole(qtbot):
    qt_translator._parsed_qt_catalog.cache_clear()
    assert qt_translator.qt_catalog_problems() == []
    top_level = [line.split(":")[0] for line in SHIPPED.read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith((" ", "#"))]
    assert sorted(qt_translator.qt_catalog()) == sorted(top_level)
    assert _qt_says("QPlatformTheme", "Cancel") == "Hủy"


def test_an_oversized_file_is_refused_before_it_is_parsed(qtbot, installed_catalog):
    padding = "".join(f'  "Text {n}": "Câu {n}"\n' for n in range(60_000)).encode("utf-8")
    data = SHIPPED.read_bytes() + b"QPadding:\n" + padding
    assert len(data) > MAX_CATALOG_BYTES
    installed_catalog(data)
    assert [(p.file, p.problem_id) for p in qt_translator.qt_catalog_problems()] == [
        (QT_CATALOG_FILE, "data_file.problem.too_large")]
    assert qt_translator.qt_catalog() == {}
    assert _qt_says("QPlatformTheme", "Cancel") == "Cancel"  # Qt's English, not a crash


@pytest.mark.parametrize("case", ["yaml_bomb", "deep_yaml", "utf16", "invalid_utf8", "control_chars", "nul"])
def test_a_hostile_file_is_refused_and_qt_speaks_english(qtbot, installed_catalog, case):
    installed_catalog(FIXED_CASES[case])
    problems = qt_translator.qt_catalog_problems()
    assert len(problems) == 1 and problems[0].problem_id.startswith("data_file.problem.")
    for language in ("vi", "en"):
        assert "{" not in translate(problems[0].problem_id, language, **problems[0].params)
    assert _qt_says("QPlatformTheme", "Cancel") == "Cancel"


def test_a_misshapen_context_is_left_out_alone(qtbot, installed_catalog):
    installed_catalog('QPlatformTheme:\n  "Cancel": "Hủy"\nQFileDialog: ["Open", "Mở"]\nQMenu:\n  "Undo": 3\n'
                      .encode("utf-8"))
    assert qt_translator.qt_catalog() == {"QPlatformTheme": {"Cancel": "Hủy"}}
    assert [(p.problem_id, p.params) for p in qt_translator.qt_catalog_problems()] == [
        ("data_file.problem.qt_context_damaged", {"key": "QFileDialog"}),
        ("data_file.problem.qt_context_damaged", {"key": "QMenu"})]
    assert _qt_says("QPlatformTheme", "Cancel") == "Hủy"


def test_a_list_instead_of_contexts_is_refused(installed_catalog):
    installed_catalog(b"- QPlatformTheme\n- QFileDialog\n")
    assert qt_translator.qt_catalog() == {}
    assert [p.problem_id for p in qt_translator.qt_catalog_problems()] == ["data_file.problem.not_qt_catalog"]


def test_a_cache_file_of_another_shape_is_parsed_again(installed_catalog):
    source = installed_catalog(SHIPPED.read_bytes())
    expected = qt_translator.qt_catalog()  # parsed, and cached
    cached = cache_file("qt-messages", source.parent)
    content = json.loads(cached.read_text(encoding="utf-8"))
    content["value"] = {"texts": {"QPlatformTheme": ["Cancel", "Hủy"]}, "problems": []}
    cached.write_text(json.dumps(content), encoding="utf-8")
    qt_translator._parsed_qt_catalog.cache_clear()
    assert qt_translator.qt_catalog() == expected and qt_translator.qt_catalog_problems() == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_bytes(SHIPPED.read_bytes()))
def test_any_file_gives_a_catalog_of_the_right_shape_or_a_listed_problem(tmp_path_factory, data):
    source = tmp_path_factory.mktemp("translations") / QT_CATALOG_FILE
    source.write_bytes(data)
    parsed = parse_qt_catalog(source)
    assert qt_translator._is_parsed_qt_catalog(json.loads(json.dumps(parsed)))
    for file, problem_id, params in parsed["problems"]:
        assert file == QT_CATALOG_FILE and translate(problem_id, "vi", **params) and translate(problem_id, "en",
                                                                                               **params)
    shutil.rmtree(source.parent)
