"""CDS Desktop: offline digital-transformation reporting for Vietnamese communes and receiving offices.

``__version__`` is looked up on first use (``importlib.metadata`` is slow to import and start-up does not need it).
"""

from __future__ import annotations

from functools import cache


@cache
def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cds-desktop")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
