"""Shared fixtures: a fixed clock, a fresh data folder per test, the mini test plan; each test's own config
folder and Qt settings, and the Vietnamese language, whatever ran before it (the suite runs in random order)."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from PySide6.QtCore import QCoreApplication, QSettings

from cds_desktop.core.i18n import set_language
from cds_desktop.core.paths import APP_NAME, CACHE_DIR_ENV, CONFIG_DIR_ENV, DataDir
from cds_desktop.core.plans.loader import PlanCatalog, load_plan_file
from cds_desktop.core.services.commune.service import CommuneService

sys.path.insert(0, str(Path(__file__).parent))  # ``support.*``: helpers shared by the test folders
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # GUI tests never need a display
if CACHE_DIR_ENV not in os.environ:  # tests (and the apps they start) never touch the real cache folder
    os.environ[CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="cds-test-cache-")
    atexit.register(shutil.rmtree, os.environ[CACHE_DIR_ENV], ignore_errors=True)
QCoreApplication.setOrganizationName(APP_NAME)  # as app.main names it: QSettings() means the same file in every test
QCoreApplication.setApplicationName(APP_NAME)

# No per-example deadline: on a loaded machine a slow example is not a failing one (timing is for bench/).
settings.register_profile("cds", deadline=None)
settings.load_profile("cds")

FIXTURES = Path(__file__).parent / "fixtures"
VN = dt.timezone(dt.timedelta(hours=7))
# The files that take minutes (they build and install the installers), longest first: the suite runs on one
# worker per core, each file on one worker (pyproject.toml's pytest options), and a
# long file started last would keep one worker busy alone at the end.
LONG_FILES = ("tests/packaging/test_windows_installer.py", "tests/packaging/test_deb.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """``LONG_FILES`` first; the rest in the order pytest-randomly gave (the same on every worker)."""
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return LONG_FILES.index(path) if path in LONG_FILES else len(LONG_FILES)

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):
    """What a test remembers (the data folder, the window layout) stays in its tmp_path: it reaches neither
    another test nor the real user's settings."""
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "config"))
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


def _uses_qt(item) -> bool:
    return bool({"qtbot", "qapp"} & set(item.fixturenames)) or item.path.name.startswith("test_app")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The garbage a Qt test made is collected as soon as its body ends — before pytest-qt (whose wrapper runs
    outside this one) processes the pending events: a cycle holding a window the test let go of, collected by
    chance while Qt dispatches an event to that window, destroys it under Qt (a segmentation fault in pytest-qt's
    ``_process_events`` after a test, in two full runs of three on 2026-12-07)."""
    result = yield
    if _uses_qt(item):
        gc.collect()
    return result


@pytest.fixture(autouse=True)
def _qt_garbage_collected_here(request):
    """After a test that used Qt, its garbage is collected on the main thread: left for later, a cycle holding a
    Qt object could be collected by the next test's background worker, which destroys Qt objects off their
    thread (a segmentation fault seen while a worker compiled a query)."""
    yield
    if _uses_qt(request.node):
        gc.collect()


@pytest.fixture(autouse=True)
def _vietnamese_default():
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture(scope="session")
def postgres():
    """The session's throwaway PostgreSQL server (started on first use; ``support/postgres_server.py``)."""
    from support.shared_office import start_server

    server = start_server()
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def office_storage(request):
    """Where an office made by a fixture keeps its data — every office test runs on both: a
    ``support.shared_office.OfficeStorage``, called with a folder to make it a new office's (SQLite: nothing to do;
    PostgreSQL: a staff PC's folder of a new database on the session's server), or copying an office built once."""
    from support.shared_office import OfficeStorage

    storage = OfficeStorage(request.getfixturevalue("postgres") if request.param == "postgresql" else None)
    yield storage
    if storage.server is not None:
        storage.drop_databases()


@pytest.fixture
def mini_plan():
    return load_plan_file(FIXTURES / "plans" / "mini.yaml")


class FixedClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    return FixedClock(dt.datetime(2023, 5, 20, 9, 0, tzinfo=VN))


@pytest.fixture
def service(tmp_path, mini_plan, clock):
    svc = CommuneService(DataDir(tmp_path / "data"), PlanCatalog([mini_plan]), clock)
    svc.init_commune("68", "24751", "Xã Nhân Cơ")
    yield svc
    svc.close()


def pytest_terminal_summary(terminalreporter, config):
    """The random order's seed, also after ``-q`` (which hides pytest-randomly's header): a failure that depends
    on the order is rerun with it."""
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.hasplugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(f"test order: -p randomly --randomly-seed={seed}")
