"""The Windows installer (``packaging/windows``) installed, used and removed under Wine.

The setup.exe is built once per session by ``packaging/windows/build.sh`` (or taken from ``CDS_WINDOWS_SETUP``).
Each test has its own fresh Wine prefix in tmp, run headless (no display is needed for a silent NSIS setup and a
console program). Wine 8 lacks ``bcryptprimitives.dll`` (ProcessPrng, imported by cryptography's Rust core): the
test-only shim ``packaging/windows/wine/bcryptprimitives.c`` is built with mingw-w64 and put in the prefix's
system32; it is never part of the installer. WMI is disabled (``wbemprox=d``): Python's ``platform`` asks WMI for
the Windows version and Wine 8's WMI provider aborts on an unimplemented function; Python then falls back to
``ver``. Qt cannot start under Wine 8 (no system ICU), so the GUI is checked on a real Windows PC
(packaging/README.md, manual checklist); here the installed ``cds`` makes and reads real bundles.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import json
import os
import re
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import pytest

from cds_desktop.cli import main as linux_cds

REPO = Path(__file__).resolve().parents[2]
WINDOWS = REPO / "packaging" / "windows"
MINI_PLAN = REPO / "tests" / "fixtures" / "plans" / "mini.yaml"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\CDSDesktop"
WINE_TIMEOUT = 600


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: .ci/run installs it (packaging/README.md, Windows)"
    return found


@pytest.fixture(scope="session")
def win_setup(tmp_path_factory) -> Path:
    """The setup.exe: ``CDS_WINDOWS_SETUP`` when set, else built now from this checkout."""
    given = os.environ.get("CDS_WINDOWS_SETUP")
    if given:
        return Path(given)
    dist = tmp_path_factory.mktemp("win-dist")
    subprocess.run([str(WINDOWS / "build.sh")], check=True, env={**os.environ, "CDS_DIST_DIR": str(dist)},
                   timeout=1800)
    (setup,) = dist.glob("cds-desktop-*-setup.exe")
    return setup


@pytest.fixture(scope="session")
def win_shim(tmp_path_factory) -> Path:
    """Test-only bcryptprimitives.dll for Wine 8 (see the module's docstring)."""
    out = tmp_path_factory.mktemp("win-shim") / "bcryptprimitives.dll"
    subprocess.run([_tool("x86_64-w64-mingw32-gcc"), "-O2", "-shared", "-s", "-o", str(out),
                    str(WINDOWS / "wine" / "bcryptprimitives.c"), "-lbcrypt"], check=True)
    return out


@dataclass
class Wine:
    """A fresh Wine prefix and the commands the tests run in it."""

    prefix: Path

    @property
    def env(self) -> dict[str, str]:
        # no DISPLAY (Wine's null display driver); no Gecko/Mono download prompts; no Linux menu entries made
        # for the shortcuts (winemenubuilder would write them into the CI user's home); WMI off (docstring)
        env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
        return {**env, "WINEPREFIX": str(self.prefix), "WINEDEBUG": "-all", "LANG": "C.UTF-8",
                "WINEDLLOVERRIDES": "mscoree,mshtml=;wbemprox=d;winemenubuilder.exe=d"}

    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        # stdout/stderr are pipes: Wine 8 gives python.exe an invalid handle for a regular file
        done = subprocess.run([_tool("wine"), *map(str, args)], env=self.env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=WINE_TIMEOUT)
        if check:
            assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
        return done

    def wait(self) -> None:
        """Until every program of the prefix has ended (the uninstaller runs a copy of itself from %TEMP%)."""
        subprocess.run([_tool("wineserver"), "-w"], env=self.env, timeout=WINE_TIMEOUT)

    def drive_c(self, windows_path: str) -> Path:
        """The Linux path of ``C:\\...``."""
        return self.prefix / "drive_c" / Path(*PureWindowsPath(windows_path).parts[1:])

    def reg_values(self, key: str) -> dict[str, str] | None:
        """A key's values (name → data; ``""`` for the default one) or None when the key does not exist."""
        done = self.run("reg", "query", key, check=False)
        if done.returncode != 0:
            return None
        values = {}
        for line in done.stdout.splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) >= 2 and parts[1].startswith("REG_"):
                name = "" if parts[0] == "(Default)" else parts[0]
                values[name] = parts[2] if len(parts) == 3 else ""
        return values


@pytest.fixture
def wine(tmp_path, win_shim):
    prefix = Wine(tmp_path / "wine")
    prefix.run("wineboot", "-i")
    prefix.wait()
    shutil.copy(win_shim, prefix.drive_c(r"C:\windows\system32\bcryptprimitives.dll"))
    yield prefix
    subprocess.run([_tool("wineserver"), "-k"], env=prefix.env, timeout=60)


@dataclass(frozen=True)
class Scope:
    """Where a per-user or an all-users install puts things."""

    root: str  # registry root
    folder: str  # program folder (Windows path)
    start_menu: str  # Start-menu folder (Windows path)


def per_user(user: str) -> Scope:
    return Scope("HKCU", rf"C:\users\{user}\AppData\Local\Programs\CDS Desktop",
                 rf"C:\users\{user}\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\CDS Desktop")


ALL_USERS = Scope("HKLM", r"C:\Program Files\CDS Desktop",
                  r"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\CDS Desktop")


def _installed_files(wine: Wine, scope: Scope) -> set[str]:
    folder = wine.drive_c(scope.folder)
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _check_installed(wine: Wine, scope: Scope, other: Scope) -> None:
    folder = wine.drive_c(scope.folder)
    files = _installed_files(wine, scope)
    assert {"cds-desktop.exe", "cds.exe", "cds-desktop.ico", "uninstall.exe", "runtime/python.exe",
            "runtime/pythonw.exe", "runtime/python313.dll", "runtime/python313._pth",
            "runtime/Lib/site-packages/PySide6/plugins/platforms/qwindows.dll",
            "runtime/Lib/site-packages/cds_desktop/app.py"} <= files
    assert not any(name.endswith(("designer.exe", "Qt6Quick.dll", "Qt6Qml.dll", "opengl32sw.dll")) for name in files)
    assert any(name.endswith(".cpython-313.pyc") for name in files)  # compiled at build time
    assert b"CDS Desktop" in (folder / "cds-desktop.exe").read_bytes().replace(b"\0", b"")  # version resource
    # a silent setup speaks the system's language when it has it (Wine's is English here), else Vietnamese
    shortcuts = sorted(p.name for p in wine.drive_c(scope.start_menu).glob("*.lnk"))
    assert shortcuts in (["CDS Desktop - command line (cds).lnk", "CDS Desktop.lnk"],
                         ["CDS Desktop - dòng lệnh (cds).lnk", "CDS Desktop.lnk"])
    assert b"cds-desktop.exe" in (wine.drive_c(scope.start_menu) / "CDS Desktop.lnk").read_bytes()

    entry = wine.reg_values(rf"{scope.root}\{UNINSTALL_KEY}")
    assert entry is not None
    assert (entry["DisplayName"], entry["DisplayVersion"], entry["Publisher"]) == (
        "CDS Desktop", VERSION, "CDS Desktop project")
    assert entry["InstallLocation"] == scope.folder
    assert entry["CommandLineShortcut"] == f"{scope.start_menu}\\{shortcuts[0]}"
    quiet = f'"{scope.folder}\\uninstall.exe"' + (" /AllUsers" if scope.root == "HKLM" else "") + " /S"
    assert entry["QuietUninstallString"] == quiet
    size_kb = int(entry["EstimatedSize"], 16)
    on_disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert abs(size_kb * 1024 - on_disk) < on_disk * 0.05

    assert wine.reg_values(rf"{scope.root}\Software\Classes\.cdsb")[""] == "CDSDesktop.Bundle"
    command = wine.reg_values(rf"{scope.root}\Software\Classes\CDSDesktop.Bundle\shell\open\command")
    assert command[""] == f'"{scope.folder}\\cds-desktop.exe" "%1"'
    icon = wine.reg_values(rf"{scope.root}\Software\Classes\CDSDesktop.Bundle\DefaultIcon")
    assert icon[""] == f'"{scope.folder}\\cds-desktop.ico",0'
    assert wine.reg_values(rf"{other.root}\{UNINSTALL_KEY}") is None  # the other scope is not touched
    assert wine.reg_values(rf"{other.root}\Software\Classes\CDSDesktop.Bundle") is None


def _check_removed(wine: Wine, scope: Scope) -> None:
    # The uninstaller runs a copy of itself from %TEMP%, which `wineserver -w` does not always see start:
    # wait for its last step (the uninstall key is deleted) before looking.
    deadline = time.monotonic() + 120
    while wine.reg_values(rf"{scope.root}\{UNINSTALL_KEY}") is not None and time.monotonic() < deadline:
        time.sleep(2)
    wine.wait()
    assert not wine.drive_c(scope.folder).exists()
    start_menu = wine.drive_c(scope.start_menu)
    assert not start_menu.exists(), list(start_menu.iterdir())
    assert wine.reg_values(rf"{scope.root}\{UNINSTALL_KEY}") is None
    assert wine.reg_values(rf"{scope.root}\Software\Classes\CDSDesktop.Bundle") is None


def test_per_user_install_upgrade_and_uninstall(wine, win_setup):
    user = getpass.getuser()
    scope = per_user(user)
    data = wine.drive_c(rf"C:\users\{user}\AppData\Local\CDS Desktop")  # the app's default data folder
    data.mkdir(parents=True)
    (data / "cds.sqlite3").write_bytes(b"the commune's data")
    wine.run("reg", "add", r"HKCU\Software\Classes\.cdsb", "/ve", "/d", "OtherViewer.File", "/f")

    started = time.perf_counter()
    wine.run(win_setup, "/S")
    wine.wait()
    install_seconds = time.perf_counter() - started
    _check_installed(wine, scope, ALL_USERS)
    assert wine.reg_values(rf"HKCU\{UNINSTALL_KEY}")["PreviousCdsbHandler"] == "OtherViewer.File"

    # An upgrade over the installed copy: a module only an older version had must not survive it.
    folder = wine.drive_c(scope.folder)
    stale = folder / "runtime" / "Lib" / "site-packages" / "cds_desktop" / "removed_in_this_version.py"
    stale.write_text("raise ImportError\n", encoding="utf-8")
    before = _installed_files(wine, scope) - {stale.relative_to(folder).as_posix()}
    wine.run(win_setup, "/S")
    wine.wait()
    assert not stale.exists()
    assert _installed_files(wine, scope) == before
    assert wine.reg_values(rf"HKCU\{UNINSTALL_KEY}")["PreviousCdsbHandler"] == "OtherViewer.File"
    _check_installed(wine, scope, ALL_USERS)

    wine.run(folder / "uninstall.exe", "/S")
    wine.wait()
    _check_removed(wine, scope)
    assert wine.reg_values(r"HKCU\Software\Classes\.cdsb")[""] == "OtherViewer.File"  # given back
    assert wine.reg_values(r"HKCU\Software\Classes\.cdsb\OpenWithProgids") is None
    assert (data / "cds.sqlite3").read_bytes() == b"the commune's data"  # the data folder is kept
    print(f"\nper-user silent install under Wine: {install_seconds:.1f} s")


def test_all_users_install_and_uninstall_through_the_quiet_uninstall_string(wine, win_setup):
    """/AllUsers: Program Files, HKLM, the common Start menu; every library finds what it loads; the uninstall
    string Add/Remove Programs runs removes it all."""
    wine.run(win_setup, "/AllUsers", "/S")
    wine.wait()
    _check_installed(wine, ALL_USERS, per_user(getpass.getuser()))
    assert _missing_imports(wine, wine.drive_c(ALL_USERS.folder)) == {}  # trimming removed nothing still needed
    quiet = wine.reg_values(rf"HKLM\{UNINSTALL_KEY}")["QuietUninstallString"]
    program, arguments = re.fullmatch(r'"([^"]+)" (.*)', quiet).groups()
    wine.run(program, *arguments.split())  # as Add/Remove Programs runs it: the Windows path
    wine.wait()
    _check_removed(wine, ALL_USERS)
    assert wine.reg_values(r"HKLM\Software\Classes\.cdsb") is None  # there was no handler before


def _linux(data: Path, user: str):
    """The repository's ``cds`` (this checkout, on Linux) on a data folder, in-process: (exit code, stdout)."""
    def run(*args: str | Path) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = linux_cds(["--data-dir", str(data), "--lang", "vi", "--user", user, *map(str, args)])
        return code, out.getvalue()

    return run


def test_installed_cds_round_trip_under_wine(wine, win_setup, tmp_path):
    """Keys, export, import, receipt with the installed cds.exe; the bundle it made also imports on Linux."""
    folder = r"C:\CDS"  # /D= chooses the folder
    wine.run(win_setup, "/S", f"/D={folder}")
    wine.wait()
    cds = wine.drive_c(folder) / "cds.exe"
    work = r"C:\work"
    work_dir = wine.drive_c(work)
    work_dir.mkdir()

    def under_wine(side: str, *args: str) -> dict | list | str:
        done = wine.run(cds, "--data-dir", rf"{work}\{side}", "--lang", "vi", "--user", side, *args)
        return json.loads(done.stdout) if "--json" in args else done.stdout

    started = time.perf_counter()
    assert wine.run(cds, "--version").stdout.strip() == f"cds {VERSION}"
    version_seconds = time.perf_counter() - started

    (work_dir / "office-pass.txt").write_text("mật khẩu của Sở KHCN\n", encoding="utf-8")
    (work_dir / "commune-pass.txt").write_text("mật khẩu chủ tịch xã\n", encoding="utf-8")
    shutil.copy(MINI_PLAN, work_dir / "mini.yaml")
    (work_dir / "communes.csv").write_text("Mã số,Tên,Mã tỉnh\n24751,Xã Nhân Cơ,68\n", encoding="utf-8-sig")

    # The office starts on Linux (its folder is copied to Windows before the bundle arrives).
    office = _linux(tmp_path / "office", "office")
    assert office("plans", "import", work_dir / "mini.yaml")[0] == 0
    code, out = office("init", "office", "--code", "68", "--name", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                       "--level", "province", "--passphrase-file", work_dir / "office-pass.txt", "--json")
    assert code == 0
    root = json.loads(out)["root_fingerprint"]
    assert office("office", "import-communes", work_dir / "communes.csv")[0] == 0
    assert office("office", "export-keys", work_dir / "org-keys.json",
                  "--passphrase-file", work_dir / "office-pass.txt")[0] == 0

    # The commune under Wine: set up, keys (cryptography's Rust core), enrolment.
    under_wine("commune", "plans", "import", rf"{work}\mini.yaml")
    under_wine("commune", "init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")
    under_wine("commune", "keys", "import-office", rf"{work}\org-keys.json", "--fingerprint", root)
    fingerprint = under_wine("commune", "keys", "generate", "--passphrase-file", rf"{work}\commune-pass.txt",
                             "--json")["fingerprint"]
    under_wine("commune", "keys", "export-enrollment", rf"{work}\enrollment.json")
    assert office("office", "enroll", work_dir / "enrollment.json", "--fingerprint", fingerprint)[0] == 0

    # The figures are typed on Linux into the same commune folder (the database is the same SQLite file).
    commune = _linux(work_dir / "commune", "commune")
    for code in ("1a", "1b", "1c", "2d"):
        assert commune("entry", "set", "mini-plan", "2023Q1", code, "--numerator", "60", "--denominator", "100")[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2a", "--value", "2")[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2b", "--value", "có")[0] == 0
    assert commune("entry", "set", "mini-plan", "2023Q1", "2c", "--note", "Chưa có mô hình")[0] == 0
    assert commune("submit", "mini-plan", "2023Q1")[0] == 0

    # Approve and export under Wine: the bundle is signed and encrypted by the installed copy.
    under_wine("commune", "approve", "mini-plan", "2023Q1", "--passphrase-file", rf"{work}\commune-pass.txt")
    exported = under_wine("commune", "export", "mini-plan", "2023Q1", "--out", rf"{work}\usb",
                          "--passphrase-file", rf"{work}\commune-pass.txt", "--json")
    assert PureWindowsPath(exported["file"]).name == "24751_mini-plan_2023Q1_r1.cdsb"

    # The same office imports it under Wine and on Linux.
    shutil.copytree(tmp_path / "office", work_dir / "office")
    imported = under_wine("office", "import", rf"{work}\usb", "--passphrase-file", rf"{work}\office-pass.txt",
                          "--json")
    assert [(r["status"], r["kind"], r["fingerprint"]) for r in imported] == [
        ("accepted", "new_report", exported["fingerprint"])]
    code, out = office("import", work_dir / "usb", "--passphrase-file", work_dir / "office-pass.txt", "--json")
    assert code == 0
    assert [(r["status"], r["kind"], r["fingerprint"]) for r in json.loads(out)] == [
        ("accepted", "new_report", exported["fingerprint"])]

    # A receipt signed under Wine goes back to the commune under Wine.
    under_wine("office", "office", "receipt", "24751", "mini-plan", "2023Q1", "--return", "Thiếu minh chứng",
               "--out", rf"{work}\receipt.json", "--passphrase-file", rf"{work}\office-pass.txt")
    result = under_wine("commune", "receipt", "import", rf"{work}\receipt.json", "--json")
    assert (result["office_status"], result["reason"]) == ("returned", "Thiếu minh chứng")
    print(f"\ninstalled cds --version under Wine: {version_seconds:.1f} s")


# Windows 10/11 libraries that Wine 8 does not provide (so they are not in the prefix's system32).
WINDOWS_ONLY = {"icu.dll", "icuuc.dll", "icuin.dll", "bcryptprimitives.dll"}


def _missing_imports(wine: Wine, folder: Path) -> dict[str, set[str]]:
    """Each DLL/.pyd/.exe of the program folder → the libraries it imports that are neither in the program folder
    nor part of Windows (Wine's system32, api sets, WINDOWS_ONLY): what trimming must never remove."""
    binaries = [p for p in folder.rglob("*") if p.suffix.lower() in (".dll", ".pyd", ".exe")]
    shipped = {p.name.lower() for p in binaries}
    system = {p.name.lower() for p in wine.drive_c(r"C:\windows\system32").iterdir()} | WINDOWS_ONLY
    done = subprocess.run([_tool("x86_64-w64-mingw32-objdump"), "-p", *map(str, binaries)], capture_output=True,
                          text=True, check=True)
    missing: dict[str, set[str]] = {}
    current = ""
    for line in done.stdout.splitlines():
        if line.endswith(":     file format pei-x86-64") or line.endswith(":     file format pei-i386"):
            current = line.split(":     file format")[0]
        elif "DLL Name:" in line:
            name = line.split("DLL Name:")[1].strip().lower()
            if name not in shipped and name not in system and not name.startswith(("api-ms-win-", "ext-ms-")):
                missing.setdefault(Path(current).name, set()).add(name)
    return missing
