"""What importing the service stack costs beyond the modules themselves, and how start-up avoids it.

Costs that no module of this app causes, measured while the start-up worker (``app.py``) imports the service
stack and opens the data (~750 ms of CPU under load, ~430 modules):

- **PySide6's per-module source scan.** Once PySide6 is imported, it calls a hook after every later import
  (``shibokensupport.feature.feature_imported``) that reads the module's whole source file
  (``inspect.getsource``) to see whether it mentions "PySide6" — only so that ``from __feature__ import
  snake_case`` can be switched per module. This app never selects a ``__feature__``, so the answer changes
  nothing. ``skip_pyside_source_scan`` swaps the scan for a look at the module's name (PySide6's own modules
  and this app's Qt layer use PySide6), which gives the same answer for this app's modules without reading
  ~430 files (~8% of the worker's CPU; looking through each module's globals instead costs nearly as much).
  If a later PySide6 lays its hook out differently, nothing is changed.
- **pydantic's plugin search.** The first pydantic model built looks through the entry points of every
  installed distribution for pydantic plugins (~30 ms); this app uses none. ``skip_pydantic_plugin_scan`` sets
  pydantic's documented switch ``PYDANTIC_DISABLE_PLUGINS`` unless it is already set (so a developer can
  still turn plugins on).
- **The cyclic garbage collector** runs dozens of times while imports create ~140,000 long-lived objects, and
  each full pass over them later takes 150–200 ms (under load) on whichever thread triggers it — the GUI
  thread, once the window is open: a visible freeze. ``collection_paused`` turns the collector off while the
  work runs and then moves every object alive into the permanent generation (``gc.freeze``): import-time
  objects live as long as the app, and the ~250 cyclic garbage objects the imports leave are kept rather than
  collected. ``release_frozen`` gives the frozen objects back to the collector when the app's run ends
  (tests start the app many times in one process).
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import Iterator

from cds_desktop.core.gc_pause import collector_paused

_QT_MODULES = ("PySide6", "shiboken6", "cds_desktop.app", "cds_desktop.ui")


def skip_pyside_source_scan() -> bool:
    """Replace PySide6's source-reading check of each newly imported module (see the module docstring); True
    when it was replaced (or had been already)."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside
    return True


def skip_pydantic_plugin_scan() -> None:
    """No search for pydantic plugins (see the module docstring), unless ``PYDANTIC_DISABLE_PLUGINS`` is set."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def uses_pyside(module: ModuleType) -> bool:
    """Whether ``module`` is one of PySide6's or of this app's Qt layer (``cds_desktop.app``, ``cds_desktop.ui``)."""
    name = getattr(module, "__name__", "")
    return isinstance(name, str) and name.startswith(_QT_MODULES)


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block; then what is alive is frozen and collection resumes."""
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


def freeze_what_lives() -> None:
    """Move every object alive now into the permanent generation: called once a window is open, whose objects
    (pages, models, the service's caches) live as long as the run; a full collection pass then scans only what was
    made since (in the office, such a pass took 60–80 ms and fell on whatever the clerk opened next)."""
    gc.freeze()


def release_frozen() -> None:
    """Hand the objects frozen by ``collection_paused`` back to the collector."""
    gc.unfreeze()
