"""CDS Desktop: offline digital-transformation reporting for Vietnamese communes and receiving offices."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cds-desktop")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
