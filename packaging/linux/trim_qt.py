"""What of PySide6-Essentials the installed app keeps: the Qt modules it imports, the plugins a Linux desktop
loads for them, and the Qt libraries those need (found from the ELF ``NEEDED`` entries with ``readelf``).

Everything else — Qt Quick, QML, Designer, the tools, type stubs, headers, Qt's translations (the app translates
Qt's strings itself, ``translations/qt_vi.yaml``) — is removed from the private library folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

MODULES = ("QtCore", "QtGui", "QtWidgets")  # every ``from PySide6.X import`` in cds_desktop
PYSIDE_FILES = ("__init__.py", "_config.py", "_git_pyside_version.py", "support")
PLUGINS = {  # folder: kept files (None: the whole folder)
    "platforms": {"libqxcb.so", "libqwayland.so", "libqoffscreen.so", "libqminimal.so"},
    "platformthemes": {"libqxdgdesktopportal.so"},  # the GTK 3 theme would need GTK: left out
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"},
    "imageformats": {"libqgif.so", "libqico.so", "libqjpeg.so", "libqsvg.so", "libqwebp.so"},
    "iconengines": None,
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    "wayland-shell-integration": None,
}
NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


def needed(library: Path) -> list[str]:
    """The shared libraries ``library`` names as NEEDED."""
    out = subprocess.run(["readelf", "-d", str(library)], check=True, capture_output=True, text=True).stdout
    return NEEDED.findall(out)


def trim_pyside(site: Path) -> None:
    """Trim ``site/PySide6`` and ``site/shiboken6`` in place to what the app loads."""
    pyside = site / "PySide6"
    qt = pyside / "Qt"
    keep = {pyside / name for name in PYSIDE_FILES} | {pyside / f"{module}.abi3.so" for module in MODULES}
    keep |= set(pyside.glob("libpyside6.abi3.so.*")) | {qt}
    for entry in pyside.iterdir():
        if entry not in keep:
            _remove(entry)
    for entry in qt.iterdir():
        if entry.name not in ("lib", "plugins"):
            _remove(entry)
    plugins = qt / "plugins"
    for folder in plugins.iterdir():
        kept = PLUGINS.get(folder.name, set())
        if kept is None:
            continue
        for plugin in folder.iterdir():
            if plugin.name not in kept:
                _remove(plugin)
        if not any(folder.iterdir()):
            folder.rmdir()
    roots = [file for file in keep if file.suffix == ".so" or ".so." in file.name] + sorted(plugins.rglob("*.so"))
    _keep_only_needed(qt / "lib", roots)
    for stub in [*site.glob("shiboken6/*.pyi"), site / "shiboken6" / "include"]:
        _remove(stub)


def _keep_only_needed(lib: Path, roots: list[Path]) -> None:
    """Remove the libraries of ``lib`` that no root needs, directly or through another kept library."""
    bundled = {file.name: file for file in lib.iterdir()}
    wanted: set[str] = set()
    pending = list(roots)
    while pending:
        for name in needed(pending.pop()):
            if name in bundled and name not in wanted:
                wanted.add(name)
                pending.append(bundled[name])
    for name, file in bundled.items():
        if name not in wanted:
            _remove(file)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
