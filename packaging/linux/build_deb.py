"""Builds ``dist/cds-desktop_<version>_amd64.deb`` from this checkout, for Debian 12 and Ubuntu 24.04 (x86_64).

Layout: the app and its locked dependencies (``uv export`` of ``uv.lock``, wheels checked against the lock's hashes)
are installed into ``/usr/lib/cds-desktop/python3.11`` and ``python3.12`` — one private library folder per system
Python the package supports; in the 3.12 folder everything identical to the 3.11 one is a relative symlink to it,
so only the version-specific extension modules are stored twice. PySide6 is trimmed to what the app loads
(``trim_qt.py``). ``/usr/bin/cds`` and ``/usr/bin/cds-desktop`` run the system ``python3`` on the folder of its
version. The desktop entry, the MIME type ``application/x-cdsb`` and the icons go under ``/usr/share``.
Bytecode is not shipped: ``postinst`` compiles it for the system Python, ``prerm`` removes it.

Reproducible: every date is ``SOURCE_DATE_EPOCH`` (the commit's date unless set), permissions are normalised,
``dpkg-deb --root-owner-group`` writes sorted entries owned by root — two builds of one commit are byte-identical.
Needs ``uv``, ``dpkg-deb``, ``readelf`` and ``strip`` (binutils); downloads only from PyPI.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from email.utils import formatdate
from pathlib import Path
from string import Template

sys.path.insert(0, str(Path(__file__).resolve().parent))
from trim_qt import needed, trim_pyside  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FILES = Path(__file__).resolve().parent / "files"
ICONS = REPO / "cds_desktop" / "resources" / "icons"
PACKAGE = "cds-desktop"
PREFIX = Path("usr/lib") / PACKAGE
PYTHONS = ("3.11", "3.12")  # Debian 12's and Ubuntu 24.04's python3
WHEEL_PLATFORM = "x86_64-manylinux_2_34"  # PySide6 6.12's wheels need glibc 2.34
MAINTAINER = "CDS Desktop maintainers <cds-desktop@users.noreply.github.com>"
LAUNCHERS = {"cds": ("cds_desktop.cli", "CDS Desktop's command-line tool"),
             "cds-desktop": ("cds_desktop.app", "CDS Desktop")}
ICON_SIZES = (16, 32, 48, 64, 128, 256)
# Installed by the wheels but never loaded by the app (besides PySide6's, trimmed by trim_qt.py): Pillow's AVIF
# codec and Tk bridge (reportlab reads PNG/JPEG only), reportlab's demonstration and Type 1 fonts (the reports
# embed the app's Liberation Serif, core/reports/fonts.py), uv's lock file and its notes on where the app's wheel
# came from (a temporary path and a time: they would make each build differ), bytecode and type stubs.
UNUSED = ("PIL/_avif.*", "pillow.libs/libavif-*", "PIL/_imagingtk.*", "reportlab/fonts", ".lock",
          "*.dist-info/direct_url.json", "*.dist-info/uv_cache.json", "**/__pycache__", "**/*.pyi")
# The system libraries the bundled ELF files name (readelf NEEDED) and the package that brings each; a library
# missing here fails the build, so that a new PySide6 cannot ship with an unmet dependency.
SYSTEM_LIBRARIES = {
    "ld-linux-x86-64.so.2": "libc6 (>= 2.34)", "libc.so.6": "libc6 (>= 2.34)", "libdl.so.2": "libc6 (>= 2.34)",
    "libm.so.6": "libc6 (>= 2.34)", "libpthread.so.0": "libc6 (>= 2.34)", "librt.so.1": "libc6 (>= 2.34)",
    "libresolv.so.2": "libc6 (>= 2.34)",  # psycopg's bundled libpq
    "libgcc_s.so.1": "libgcc-s1", "libstdc++.so.6": "libstdc++6", "libz.so.1": "zlib1g", "libzstd.so.1": "libzstd1",
    "libglib-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3", "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    **{f"libxcb{suffix}.so.{major}": f"libxcb{suffix}{major}" for suffix, major in (
        ("", 1), ("-cursor", 0), ("-glx", 0), ("-icccm", 4), ("-image", 0), ("-keysyms", 1), ("-randr", 0),
        ("-render-util", 0), ("-render", 0), ("-shape", 0), ("-shm", 0), ("-sync", 1), ("-util", 1),
        ("-xfixes", 0), ("-xkb", 1))},
}
OTHER_DEPENDS = ["python3 (>= 3.11)", "python3 (<< 3.13)",
                 "fonts-dejavu-core | fonts-noto-core"]  # DejaVu Sans: every Vietnamese letter (fc-list :lang=vi)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="folder of the .deb (default: dist/)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or _git("log", "-1", "--format=%ct"))
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    with tempfile.TemporaryDirectory(prefix="cds-deb-") as work:
        work_dir = Path(work)
        root = work_dir / "root"
        for python in PYTHONS:
            install_libraries(root / PREFIX / f"python{python}", python, work_dir)
        link_identical(root / PREFIX / f"python{PYTHONS[0]}", root / PREFIX / f"python{PYTHONS[1]}")
        add_desktop_files(root, version, epoch)
        depends = system_depends(root / PREFIX)
        normalise(root, epoch)
        control = Template((FILES / "control").read_text(encoding="utf-8")).substitute(
            version=version, maintainer=MAINTAINER, installed_size=installed_size(root),
            depends=", ".join(OTHER_DEPENDS + depends))
        debian = root / "DEBIAN"
        debian.mkdir(mode=0o755)
        _write(debian / "control", control, 0o644, epoch)
        for script in ("postinst", "prerm", "postrm"):
            _write(debian / script, (FILES / script).read_text(encoding="utf-8"), 0o755, epoch)
        os.utime(debian, (epoch, epoch))
        args.out.mkdir(parents=True, exist_ok=True)
        deb = args.out / f"{PACKAGE}_{version}_amd64.deb"
        partial = deb.with_name(deb.name + ".partial")
        try:
            subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(partial)],
                           check=True, stdout=subprocess.DEVNULL)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(deb)  # never a half-written .deb under the final name
    print(f"{deb} ({deb.stat().st_size / 1e6:.1f} MB) built in {time.monotonic() - started:.0f} s")
    return 0


def install_libraries(target: Path, python: str, work_dir: Path) -> None:
    """The app's wheel and its locked dependencies for CPython ``python`` on x86_64 Linux, trimmed."""
    wheels = work_dir / "wheel"
    if not wheels.exists():
        subprocess.run(["uv", "build", "--wheel", "--out-dir", str(wheels), str(REPO)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        requirements = work_dir / "requirements.txt"
        subprocess.run(["uv", "export", "--quiet", "--frozen", "--no-dev", "--no-emit-project",
                        "--format", "requirements-txt", "--output-file", str(requirements)], check=True, cwd=REPO)
    common = ["uv", "pip", "install", "--quiet", "--target", str(target), "--python-version", python,
              "--python-platform", WHEEL_PLATFORM, "--only-binary", ":all:", "--no-deps", "--link-mode", "copy",
              "--no-compile"]
    subprocess.run([*common, "--require-hashes", "--requirement", str(work_dir / "requirements.txt")], check=True)
    subprocess.run([*common, *map(str, sorted(wheels.glob("*.whl")))], check=True)
    shutil.rmtree(target / "bin", ignore_errors=True)  # uv's console scripts: /usr/bin has the package's own
    trim_pyside(target)
    for pattern in UNUSED:
        for unused in sorted(target.glob(pattern), reverse=True):
            if unused.is_dir():
                shutil.rmtree(unused)
            else:
                unused.unlink()
    prune_records(target)
    elf_files = [str(path) for path in sorted(target.rglob("*.so*")) if path.is_file() and not path.is_symlink()]
    subprocess.run(["strip", "--strip-unneeded", "--remove-section=.comment", "--remove-section=.note",
                    *elf_files], check=True)  # as dh_strip does: the wheels keep their symbol tables


def prune_records(site: Path) -> None:
    """Each ``*.dist-info/RECORD`` lists only the files shipped (not those trimmed away)."""
    for record in sorted(site.glob("*.dist-info/RECORD")):
        with open(record, newline="", encoding="utf-8") as file:
            rows = [row for row in csv.reader(file) if row and (site / row[0]).resolve().is_relative_to(site.resolve())
                    and (site / row[0]).exists()]
        with open(record, "w", newline="", encoding="utf-8") as file:
            csv.writer(file, lineterminator="\n").writerows(rows)


def link_identical(reference: Path, other: Path) -> None:
    """Replace every file or folder of ``other`` identical to the one at the same place in ``reference`` with a
    relative symlink to it."""
    for entry in sorted(other.iterdir()):
        twin = reference / entry.name
        if entry.is_symlink() or not twin.exists() or twin.is_symlink():
            continue
        if _identical(entry, twin):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            entry.symlink_to(os.path.relpath(twin, entry.parent))
        elif entry.is_dir() and twin.is_dir():
            link_identical(twin, entry)


def _identical(a: Path, b: Path) -> bool:
    if a.is_dir() != b.is_dir():
        return False
    if not a.is_dir():
        return filecmp.cmp(a, b, shallow=False)
    names = sorted(path.name for path in a.iterdir())
    return names == sorted(path.name for path in b.iterdir()) and all(_identical(a / n, b / n) for n in names)


def add_desktop_files(root: Path, version: str, epoch: int) -> None:
    """The launchers, desktop entry, MIME type, icons, copyright and changelog."""
    for command, (module, summary) in LAUNCHERS.items():
        launcher = Template((FILES / "launcher").read_text(encoding="utf-8")).substitute(module=module, summary=summary)
        _write(root / "usr/bin" / command, launcher, 0o755, epoch)
    share = root / "usr/share"
    shutil.copyfile(FILES / "cds-desktop.desktop", _parent(share / "applications" / f"{PACKAGE}.desktop"))
    shutil.copyfile(FILES / "cds-desktop-mime.xml", _parent(share / "mime/packages" / f"{PACKAGE}.xml"))
    for size in ICON_SIZES:
        shutil.copyfile(ICONS / f"cds-desktop-{size}.png",
                        _parent(share / f"icons/hicolor/{size}x{size}/apps/{PACKAGE}.png"))
    shutil.copyfile(ICONS / "cds-desktop.svg", _parent(share / f"icons/hicolor/scalable/apps/{PACKAGE}.svg"))
    doc = share / "doc" / PACKAGE
    shutil.copyfile(FILES / "copyright", _parent(doc / "copyright"))
    changelog = (f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
                 f"  * Built from the CDS Desktop repository by packaging/build.sh.\n\n"
                 f" -- {MAINTAINER}  {formatdate(epoch)}\n")
    with open(doc / "changelog.gz", "wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as compressed:
        compressed.write(changelog.encode("utf-8"))
    overrides = Template((FILES / "lintian-overrides").read_text(encoding="utf-8")).substitute(package=PACKAGE)
    _write(share / "lintian/overrides" / PACKAGE, overrides, 0o644, epoch)


def system_depends(libraries: Path) -> list[str]:
    """The packages that bring the system libraries the bundled ELF files need (``SYSTEM_LIBRARIES``)."""
    elf_files = [path for path in sorted(libraries.rglob("*.so*")) if path.is_file() and not path.is_symlink()]
    bundled = {path.name for path in elf_files}
    names = {name for path in elf_files for name in needed(path)} - bundled
    unknown = sorted(names - SYSTEM_LIBRARIES.keys())
    if unknown:
        raise SystemExit(f"no Debian package known for {', '.join(unknown)}: add it to SYSTEM_LIBRARIES")
    return sorted({SYSTEM_LIBRARIES[name] for name in names})


def normalise(root: Path, epoch: int) -> None:
    """Permissions 0755 for folders and /usr/bin, 0644 for every other file; every date ``epoch``."""
    for path in sorted(root.rglob("*"), reverse=True):
        if not path.is_symlink():
            executable = path.is_dir() or path.parent == root / "usr/bin"
            path.chmod(0o755 if executable else 0o644)
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    root.chmod(0o755)


def installed_size(root: Path) -> int:
    """Installed-Size in KiB, as dpkg-gencontrol counts it (each file rounded up to a KiB, one per entry else)."""
    total = 0
    for path in root.rglob("*"):
        total += -(-path.lstat().st_size // 1024) if path.is_file() and not path.is_symlink() else 1
    return total


def _write(path: Path, text: str, mode: int, epoch: int) -> None:
    _parent(path).write_text(text, encoding="utf-8")
    path.chmod(mode)
    os.utime(path, (epoch, epoch))


def _parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True, cwd=REPO).stdout.strip()


if __name__ == "__main__":
    raise SystemExit(main())
