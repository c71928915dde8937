"""The Linux package end to end, on this machine, as root (CI is root): built by ``packaging/linux/build.sh``
(twice: byte-identical), checked by lintian, installed with ``apt-get install ./cds-desktop_….deb``, then used from
the installed copy only — ``cds --version``, a full commune → office round trip with the installed ``cds``,
``cds-desktop --demo`` under Xvfb (its window's Vietnamese title, icon and a screenshot that is not blank), the
``.cdsb`` file type opening in the app — and removed and purged, leaving none of its files behind.

Needs the tools ``.ci/run`` installs (dpkg-deb, lintian, Xvfb, xdotool, xprop, xwd, xdg-mime, binutils); a missing
one, or not being root, fails the test with a message saying so — never a skip.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "packaging" / "linux" / "build.sh"
MINI_PLAN = REPO / "tests" / "fixtures" / "plans" / "mini.yaml"
PACKAGE = "cds-desktop"
LIBRARIES = Path("/usr/lib/cds-desktop")
TOOLS = ("dpkg-deb", "apt-get", "lintian", "Xvfb", "xdotool", "xprop", "xwd", "xdg-mime", "readelf", "strip", "uv")
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q"]
DEMO_TITLE = "Nhân Cơ"  # the demonstration commune's window: "… Xã Nhân Cơ …"
SHOWN_TIMEOUT_S = 240


def _require_root_and_tools() -> None:
    if os.geteuid() != 0:
        pytest.fail("the .deb tests install and remove a system package with apt-get: run them as root (CI does)")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the .deb tests need {', '.join(missing)}: install them as .ci/run does")


def _run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 900,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} → {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def _build(out: Path) -> Path:
    started = time.monotonic()
    _run(BUILD, "--out", out, timeout=1800)
    debs = sorted(out.glob(f"{PACKAGE}_*_amd64.deb"))
    assert len(debs) == 1, debs
    print(f"built {debs[0].name}: {debs[0].stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.0f} s")
    return debs[0]


def _install(deb: Path) -> None:
    _run(*APT, "install", "--reinstall", deb, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def _purge() -> None:
    _run(*APT, "purge", PACKAGE, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def _is_installed() -> bool:
    status = _run("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE, check=False)
    return status.returncode == 0 and status.stdout.strip() == "installed"


@pytest.fixture(scope="session")
def deb(tmp_path_factory) -> Path:
    _require_root_and_tools()
    return _build(tmp_path_factory.mktemp("deb-first"))


@pytest.fixture(scope="session")
def installed(deb) -> Path:
    """The package installed with apt (its dependencies with it); purged at the end of the session."""
    if _is_installed():
        _purge()
    _install(deb)
    yield deb
    if _is_installed():
        _purge()


@pytest.fixture
def user_env(tmp_path) -> dict[str, str]:
    """A user's environment with nothing of this checkout in it: the commands run are the installed ones."""
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "TMPDIR": str(tmp_path),
            "CDS_DESKTOP_CONFIG_DIR": str(home / "config"), "CDS_DESKTOP_CACHE_DIR": str(home / "cache")}


def test_two_builds_of_one_commit_are_byte_identical(deb, tmp_path):
    again = _build(tmp_path)
    assert again.name == deb.name
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(deb.read_bytes()).hexdigest()


def test_lintian_finds_no_error(deb):
    result = _run("lintian", "--fail-on", "error", "--no-tag-display-limit", deb, check=False, timeout=1800)
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr


def test_the_package_depends_on_what_qt_xcb_and_vietnamese_text_need(deb):
    fields = _run("dpkg-deb", "-f", deb, "Depends", "Installed-Size").stdout
    depends = {alternative.strip().split(" ")[0] for clause in fields.splitlines()[0].split(":", 1)[1].split(",")
               for alternative in clause.split("|")}
    assert {"python3", "libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libegl1",
            "fonts-dejavu-core"} <= depends
    installed_kib = int(fields.splitlines()[1].split(":")[1])
    print(f"Installed-Size: {installed_kib / 1024:.0f} MiB")


def test_the_package_holds_the_launchers_desktop_entry_type_and_icons(deb):
    names = {line.split()[5].removeprefix(".") for line in _run("dpkg-deb", "-c", deb).stdout.splitlines()}
    assert {"/usr/bin/cds", "/usr/bin/cds-desktop", "/usr/share/applications/cds-desktop.desktop",
            "/usr/share/mime/packages/cds-desktop.xml", "/usr/share/icons/hicolor/scalable/apps/cds-desktop.svg",
            "/usr/lib/cds-desktop/python3.11/cds_desktop/resources/icons/cds-desktop-16.png"} <= names
    assert {f"/usr/share/icons/hicolor/{size}x{size}/apps/cds-desktop.png" for size in (16, 32, 48, 64, 128, 256)} \
        <= names
    assert not [name for name in names if "__pycache__" in name or name.endswith((".pyc", ".pyi"))]
    assert not [name for name in names if "/Qt/qml/" in name or "Quick" in name or "/Qt/translations/" in name]


def test_every_bundled_library_finds_its_system_libraries(installed):
    """What Depends brings is enough: no bundled ELF file of the installed copy lacks a library."""
    missing = {}
    for library in sorted({path.resolve() for path in LIBRARIES.rglob("*.so*") if path.is_file()}):
        lines = _run("ldd", library).stdout.splitlines()
        lacking = [line.strip() for line in lines if "not found" in line]
        if lacking:
            missing[str(library.relative_to(LIBRARIES))] = lacking
    assert missing == {}
    assert _run("fc-list", ":lang=vi", "family").stdout.strip(), "no font covering Vietnamese is installed"


def test_cds_version_from_the_installed_copy(installed, user_env):
    started = time.perf_counter()
    result = _run("cds", "--version", env=user_env)
    elapsed = time.perf_counter() - started
    version = _run("dpkg-query", "-W", "-f=${Version}", PACKAGE).stdout
    assert result.stdout.strip() == f"cds {version}"
    print(f"cds --version: {elapsed * 1000:.0f} ms")


def test_the_python_3_12_folder_runs_and_compiles_with_python_3_12(installed, user_env, tmp_path):
    """Ubuntu 24.04's python3 is 3.12: its folder imports every compiled module (its own 3.12 builds, the rest
    through the symlinks to the 3.11 folder), and postinst compiles it, symlinked folders included."""
    python312 = _python_3_12()
    site = LIBRARIES / "python3.12"
    assert (site / "cds_desktop").is_symlink() and (site / "pydantic_core").is_dir()
    check = (f"import sys; sys.path.insert(0, {str(site)!r}); "
             "import PySide6.QtWidgets, pydantic_core, yaml._yaml, sqlalchemy, PIL._imaging, pypdfium2, "
             "cryptography.hazmat.bindings._rust; "
             "from cds_desktop.cli import main; sys.argv = ['cds', '--version']; main()")
    version = _run("dpkg-query", "-W", "-f=${Version}", PACKAGE).stdout
    assert _run(python312, "-ISB", "-c", check, env=user_env).stdout.strip() == f"cds {version}"
    as_ubuntu = tmp_path / "bin"
    as_ubuntu.mkdir()
    (as_ubuntu / "python3").symlink_to(python312)
    try:
        _run(f"/var/lib/dpkg/info/{PACKAGE}.postinst", "configure",
             env={**user_env, "PATH": f"{as_ubuntu}:/usr/bin:/bin"})
        for module in ("cds_desktop/app", "PySide6/__init__", "pydantic_core/__init__", "sqlalchemy/orm/session"):
            folder, name = module.rsplit("/", 1)
            assert (site / folder / "__pycache__" / f"{name}.cpython-312.pyc").is_file(), module
    finally:
        for bytecode in LIBRARIES.rglob("*.cpython-312.pyc"):
            bytecode.unlink()


def _python_3_12() -> Path:
    """A Python 3.12: the system's, pyenv's, or the one ``.ci/run`` has uv install when neither exists."""
    found = subprocess.run(["uv", "python", "find", "3.12"], capture_output=True, text=True, check=False)
    candidates = [Path("/usr/bin/python3.12"), *sorted(Path.home().glob(".pyenv/versions/3.12*/bin/python3.12")),
                  *([Path(found.stdout.strip())] if found.returncode == 0 and found.stdout.strip() else [])]
    for candidate in candidates:
        if candidate.is_file() and _run(candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 12)",
                                        check=False).returncode == 0:
            return candidate
    pytest.fail("the Python 3.12 folder is checked with a Python 3.12 (Ubuntu 24.04's): none found in "
                + ", ".join(map(str, candidates)))


def test_a_commune_to_office_round_trip_with_the_installed_cds(installed, user_env, tmp_path):
    def side(folder: str):
        def run(*args: str, expect: int = 0) -> str:
            result = _run("cds", "--data-dir", tmp_path / folder, "--lang", "vi", "--user", folder, *args,
                          env=user_env, check=False)
            assert result.returncode == expect, result.stdout + result.stderr
            assert "Traceback" not in result.stderr
            return result.stdout
        return run

    office, commune = side("office"), side("commune")
    office_secret, commune_secret = tmp_path / "office-pass.txt", tmp_path / "commune-pass.txt"
    office_secret.write_text("mật khẩu của Sở KHCN\n", encoding="utf-8")
    commune_secret.write_text("mật khẩu chủ tịch xã\n", encoding="utf-8")
    for run in (office, commune):
        run("plans", "import", str(MINI_PLAN))
    root = json.loads(office("init", "office", "--code", "68", "--name",
                             "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "--level", "province",
                             "--passphrase-file", str(office_secret), "--json"))
    communes = tmp_path / "communes.csv"
    communes.write_text("Mã số,Tên,Mã tỉnh\n24751,Xã Nhân Cơ,68\n", encoding="utf-8-sig")
    office("office", "import-communes", str(communes))
    office("office", "export-keys", str(tmp_path / "org-keys.json"), "--passphrase-file", str(office_secret))
    commune("init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")
    commune("keys", "import-office", str(tmp_path / "org-keys.json"), "--fingerprint", root["root_fingerprint"])
    fingerprint = json.loads(commune("keys", "generate", "--passphrase-file", str(commune_secret), "--json"))
    commune("keys", "export-enrollment", str(tmp_path / "enrollment.json"))
    office("office", "enroll", str(tmp_path / "enrollment.json"), "--fingerprint", fingerprint["fingerprint"])
    for code in ("1a", "1b", "1c", "2d"):
        commune("entry", "set", "mini-plan", "2023Q1", code, "--numerator", "60", "--denominator", "100")
    commune("entry", "set", "mini-plan", "2023Q1", "2a", "--value", "2")
    commune("entry", "set", "mini-plan", "2023Q1", "2b", "--value", "có")
    commune("entry", "set", "mini-plan", "2023Q1", "2c", "--note", "Chưa có mô hình")
    commune("report", "mini-plan", "2023Q1", "--out", str(tmp_path / "report.pdf"))
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"LiberationSerif" in pdf  # reportlab and the app's embedded font
    commune("submit", "mini-plan", "2023Q1")
    commune("approve", "mini-plan", "2023Q1", "--passphrase-file", str(commune_secret))
    exported = json.loads(commune("export", "mini-plan", "2023Q1", "--out", str(tmp_path / "usb"),
                                  "--passphrase-file", str(commune_secret), "--json"))
    assert Path(exported["file"]).name == "24751_mini-plan_2023Q1_r1.cdsb"

    imported = json.loads(office("import", str(tmp_path / "usb"), "--passphrase-file", str(office_secret), "--json"))
    assert [(row["status"], row["kind"], row["fingerprint"]) for row in imported] == [
        ("accepted", "new_report", exported["fingerprint"])]
    office("office", "receipt", "24751", "mini-plan", "2023Q1", "--accept", "--out", str(tmp_path / "receipt.json"),
           "--passphrase-file", str(office_secret))
    receipt = json.loads(commune("receipt", "import", str(tmp_path / "receipt.json"), "--json"))
    assert (receipt["office_status"], receipt["revision"]) == ("accepted", 1)


def test_the_cdsb_type_opens_in_the_app(installed, user_env, tmp_path):
    assert _run("xdg-mime", "query", "default", "application/x-cdsb", env=user_env).stdout.strip() == \
        "cds-desktop.desktop"
    named = tmp_path / "24751_mini-plan_2023Q1_r1.cdsb"
    named.write_bytes(bytes(64))
    renamed = tmp_path / "attachment.bin"  # a bundle saved under another name: known by its magic
    renamed.write_bytes(b"\x89CDSB\r\n\x1a\n" + bytes(64))
    # what file managers see: the shared-mime-info database, read by Qt as by GLib (xdg-mime without a desktop
    # environment asks file(1), which knows no .cdsb)
    check = ("import sys; from PySide6.QtCore import QMimeDatabase; "
             "print(*(QMimeDatabase().mimeTypeForFile(f).name() for f in sys.argv[1:]))")
    assert _run(sys.executable, "-c", check, named, renamed).stdout.split() == ["application/x-cdsb"] * 2


def test_the_installed_desktop_app_shows_the_demo_in_vietnamese(installed, user_env, tmp_path):
    display = _free_display()
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**user_env, "DISPLAY": display}
    app = None
    try:
        _wait_for(lambda: _run("xdpyinfo", env=env, check=False).returncode == 0 if shutil.which("xdpyinfo")
                  else Path(f"/tmp/.X11-unix/X{display[1:]}").exists(), 30, "Xvfb did not start")
        started = time.monotonic()
        app = subprocess.Popen(["cds-desktop", "--demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        window = _wait_for(lambda: _window_named(DEMO_TITLE, env, app), SHOWN_TIMEOUT_S,
                           "the demo's main window did not appear")
        print(f"cds-desktop --demo: main window after {time.monotonic() - started:.1f} s")
        time.sleep(2)  # let it paint
        title = _run("xdotool", "getwindowname", window, env=env).stdout.strip()
        assert DEMO_TITLE in title and "Xã" in title and "(mã " in title, title  # the Vietnamese UI
        properties = _run("xprop", "-id", window, "WM_CLASS", "_NET_WM_ICON", env=env).stdout
        assert "_NET_WM_ICON(CARDINAL) = " in properties, properties[:300]  # the window icon is set
        screenshot = _run_bytes(["xwd", "-root", "-silent"], env)
        colours = _distinct_colours(screenshot)
        (tmp_path / "demo.xwd").write_bytes(screenshot)
        assert colours > 100, f"the screen is (nearly) blank: {colours} colours"
    finally:
        for process in (app, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    if app is not None and app.returncode not in (0, -15):
        pytest.fail(f"cds-desktop ended with {app.returncode}: {app.stderr.read()[-2000:]}")


def test_remove_and_purge_leave_nothing_behind(installed):
    files = [Path(line) for line in _run("dpkg-query", "-L", PACKAGE).stdout.splitlines() if line.strip()]
    own = [path for path in files if path.is_symlink() or path.is_file()]
    assert len(own) > 1000 and LIBRARIES.is_dir()
    assert any(LIBRARIES.rglob("*.pyc")), "postinst compiled no bytecode"
    try:
        _run(*APT, "remove", PACKAGE, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        assert [str(path) for path in own if path.is_symlink() or path.exists()] == []
        assert not LIBRARIES.exists(), sorted(str(path) for path in LIBRARIES.rglob("*"))[:20]
        _purge()
        assert not _is_installed()
        assert _run("dpkg-query", "-W", PACKAGE, check=False).returncode != 0 or \
            "not-installed" in _run("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE, check=False).stdout
    finally:
        _install(installed)  # the other tests (in any order) use the installed copy


def _free_display() -> str:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f":{number}"
    pytest.fail("no free X display number")


def _wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"{message} within {timeout:.0f} s")


def _window_named(part: str, env: dict[str, str], app: subprocess.Popen) -> str | None:
    if app.poll() is not None:
        pytest.fail(f"cds-desktop ended with {app.returncode} before its window: {app.stderr.read()[-2000:]}")
    found = _run("xdotool", "search", "--onlyvisible", "--name", part, env=env, check=False).stdout.split()
    return found[0] if found else None


def _run_bytes(args: list[str], env: dict[str, str]) -> bytes:
    return subprocess.run(args, capture_output=True, env=env, check=True, timeout=60).stdout


def _distinct_colours(xwd: bytes) -> int:
    """The number of distinct pixel values of an XWD screenshot (a true-colour ZPixmap, as Xvfb's), every other
    pixel of every other row."""
    header_size, _version, _format, depth, width, height = struct.unpack(">6I", xwd[:24])
    bits_per_pixel, bytes_per_line = struct.unpack(">2I", xwd[44:52])
    colours_in_map = struct.unpack(">I", xwd[76:80])[0]  # ncolors: the XWDColor entries after the header
    assert bits_per_pixel in (24, 32) and depth >= 24, (bits_per_pixel, depth)
    size = bits_per_pixel // 8
    pixels = xwd[header_size + 12 * colours_in_map:]
    return len({pixels[row * bytes_per_line + size * column: row * bytes_per_line + size * (column + 1)]
                for row in range(0, height, 2) for column in range(0, width, 2)})
