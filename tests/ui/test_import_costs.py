"""``ui/shell/import_costs.py``: PySide6's per-import source scan replaced by a look at the module's globals (the
same answer, no file read), and the garbage collector paused, then frozen, while start-up imports."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

import PySide6.QtCore  # noqa: F401 - loads shibokensupport.feature

from cds_desktop.ui.shell import import_costs
from cds_desktop.ui.shell.import_costs import collection_paused, release_frozen, uses_pyside


def test_a_module_holding_pyside6_objects_uses_pyside():
    import cds_desktop.ui.commune.main_window as window_module
    import cds_desktop.core.numbers as numbers_module

    assert uses_pyside(window_module)
    assert not uses_pyside(numbers_module)


def test_the_scan_is_replaced_and_gives_pysides_answer_for_new_modules(tmp_path):
    """In a fresh process, modules imported after the swap are classified as PySide6's own scan would: without
    reading their source."""
    (tmp_path / "with_qt.py").write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    (tmp_path / "without_qt.py").write_text("import json\n", encoding="utf-8")
    code = textwrap.dedent(f"""
        import sys, os
        sys.path.insert(0, {str(tmp_path)!r})
        import PySide6.QtCore
        from cds_desktop.ui.shell.import_costs import skip_pyside_source_scan
        assert skip_pyside_source_scan()
        feature = sys.modules["shibokensupport.feature"]
        import inspect
        def no_reading(*args, **kwargs):
            raise AssertionError("source read")
        inspect.getsource = no_reading
        import with_qt, without_qt
        print(feature.pyside_feature_dict["with_qt"], feature.pyside_feature_dict["without_qt"])
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "-1"]


def test_collection_is_paused_then_what_lives_is_frozen_until_released():
    assert gc.isenabled()
    try:
        with collection_paused():
            assert not gc.isenabled()
            kept = [[index] for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        release_frozen()
    assert gc.get_freeze_count() == 0


def test_nothing_is_changed_when_pyside6_lays_its_hook_out_differently(monkeypatch):
    monkeypatch.delitem(sys.modules, "shibokensupport.feature")
    assert import_costs.skip_pyside_source_scan() is False
