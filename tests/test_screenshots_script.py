"""scripts/screenshots.py renders every listed screen of one language to a 1366×768 PNG."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtGui import QImage

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "screenshots.py"


def _script():
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_language_renders_every_screen_at_1366x768(qapp, tmp_path):
    script = _script()
    assert script.main(["--out", str(tmp_path), "--language", "en"]) == 0
    expected = [f"en-{number:02d}-{name}.png" for number, name in enumerate(script.SCREENS, start=1)]
    assert sorted(path.name for path in tmp_path.iterdir()) == expected
    for name in expected:
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (1366, 768), name
