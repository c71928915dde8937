"""scripts/screenshots.py renders every listed screen to a 1366×768 PNG: the commune's album in one language, the
office's (scripts/screenshots_office.py, from the demo office) in both."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from cds_desktop.core.i18n import LANGUAGES

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_script", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import does: the script hands itself to its office album by name
    spec.loader.exec_module(module)
    return module


def _assert_screen_sized(folder: Path, names: list[str]) -> None:
    for name in names:
        image = QImage(str(folder / name))
        assert (image.width(), image.height()) == (1366, 768), name


def test_one_language_renders_every_commune_screen_at_1366x768(qapp, tmp_path):
    script = _load("screenshots")
    album = tmp_path / "album"  # a folder of its own: tmp_path also holds the test's Qt settings
    assert script.main(["--out", str(album), "--language", "en", "--album", "commune"]) == 0
    expected = [f"en-{number:02d}-{name}.png" for number, name in enumerate(script.SCREENS, start=1)]
    assert sorted(path.name for path in album.iterdir()) == expected
    _assert_screen_sized(album, expected)


def test_every_office_screen_is_rendered_in_vietnamese_and_english(qapp, tmp_path):
    album = tmp_path / "album"  # a folder of its own: tmp_path also holds the test's Qt settings
    script = _load("screenshots")
    assert script.main(["--out", str(album), "--album", "office"]) == 0
    office = sys.modules["screenshots_office"]  # the office's album, which the script imported
    expected = sorted(f"{language}-office-{number:02d}-{name}.png" for language in LANGUAGES
                      for number, name in enumerate(office.OFFICE_SCREENS, start=1))
    assert sorted(path.name for path in album.iterdir()) == expected
    assert {"submission-changes", "decision-return", "inbox", "import-log", "reminder"} <= set(office.OFFICE_SCREENS)
    _assert_screen_sized(album, expected)
    for name in ("completeness", "inbox"):  # the same screen in each language: not the same picture
        number = office.OFFICE_SCREENS.index(name) + 1
        pictures = {(album / f"{language}-office-{number:02d}-{name}.png").read_bytes() for language in LANGUAGES}
        assert len(pictures) == len(LANGUAGES), name
