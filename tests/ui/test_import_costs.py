"""``ui/shell/import_costs.py``: PySide6's per-import source scan replaced by a look at the module's name (the
same answer for this app's modules, no file read), and the garbage collector paused, then frozen, while start-up imports."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import PySide6.QtCore  # noqa: F401 - loads shibokensupport.feature

from cds_desktop.ui.shell import import_costs
from cds_desktop.ui.shell.import_costs import (
    collection_paused,
    release_frozen,
    skip_pydantic_plugin_scan,
    uses_pyside,
)


def test_pysides_modules_and_the_qt_layer_use_pyside_the_core_does_not():
    import cds_desktop.app as app_module
    import cds_desktop.core.numbers as numbers_module
    import cds_desktop.core.services.commune.service as service_module
    import cds_desktop.ui.commune.main_window as window_module

    assert uses_pyside(window_module) and uses_pyside(app_module) and uses_pyside(PySide6.QtCore)
    assert not uses_pyside(numbers_module) and not uses_pyside(service_module) and not uses_pyside(gc)


def test_the_scan_is_replaced_and_gives_pysides_answer_for_new_modules():
    """In a fresh process, modules imported after the swap are classified as PySide6's own scan would: without
    reading their source."""
    code = textwrap.dedent("""
        import sys
        import PySide6.QtCore
        from cds_desktop.ui.shell.import_costs import skip_pyside_source_scan
        assert skip_pyside_source_scan()
        feature = sys.modules["shibokensupport.feature"]
        import inspect
        def no_reading(*args, **kwargs):
            raise AssertionError("source read")
        inspect.getsource = no_reading
        from cds_desktop.ui.commune.main_window import MainWindow  # the hook sees the module a from-import reads
        from cds_desktop.core.numbers import canonical
        dictionary = feature.pyside_feature_dict
        print(dictionary["cds_desktop.ui.commune.main_window"], dictionary["cds_desktop.core.numbers"])
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


def test_pydantic_plugins_are_not_searched_unless_asked_for(monkeypatch):
    from pydantic.plugin._loader import get_plugins

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "recorded")  # restored as it was after the test
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS")
    skip_pydantic_plugin_scan()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    assert tuple(get_plugins()) == ()  # pydantic's own switch: no entry points read
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")  # a developer who wants the plugins keeps them
    skip_pydantic_plugin_scan()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == ""
