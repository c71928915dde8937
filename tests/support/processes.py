"""Real processes for the crash and race tests: ``cds`` commands in child processes, killed with SIGKILL.

Starting Python and importing the app takes seconds on a slow machine — far longer than most commands'
work — so a kill at a random moment after ``exec`` would nearly always land in the start-up. ``CdsProcesses``
therefore starts one server process (``cds_server.py``) that imports the app once and forks a child per
command: each child is a real process running the real ``cds`` entry point (``cds_desktop.cli.main``) on real
files, killed with a real ``SIGKILL``, but it starts in milliseconds, so random kill moments fall on the
command's actual work. A child that dies of an uncaught exception exits with ``CRASHED`` (70) and its
traceback on stderr: a test can tell a crash from a refusal (exit 1 or 2 with a message).

POSIX only (``fork``, ``SIGKILL``, ``/proc``): the crash and race tests run on Linux, like CI.

Rounds and replay (environment variables):

- ``CDS_CRASH_ROUNDS``: how many rounds each crash or race scenario runs (default: ``default_rounds`` of each
  test, chosen so that all of them together stay well under two minutes in CI). More rounds on demand, e.g.
  ``CDS_CRASH_ROUNDS=100 uv run pytest tests/test_crash_safety.py tests/test_races.py``.
- ``CDS_CRASH_SEED``: the seed of the random kill moments (printed in every failure message) to replay a run.
"""

from __future__ import annotations

import atexit
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

CRASHED = 70
SERVER = Path(__file__).with_name("cds_server.py")
ROUNDS_ENV, SEED_ENV = "CDS_CRASH_ROUNDS", "CDS_CRASH_SEED"


def rounds(default: int) -> int:
    """How many rounds a scenario runs: ``CDS_CRASH_ROUNDS`` when set, else ``default``."""
    return int(os.environ.get(ROUNDS_ENV) or default)


def seeded_random() -> tuple[random.Random, int]:
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    return random.Random(seed), seed


@dataclass(frozen=True)
class Run:
    """What one command did: its exit code (negative: killed by that signal) and its output."""

    argv: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def killed(self) -> bool:
        return self.code == -signal.SIGKILL

    @property
    def crashed(self) -> bool:
        return self.code == CRASHED or "Traceback (most recent call last)" in self.stderr

    @property
    def error_code(self) -> str | None:
        """The code of the error a ``--json`` command reported (None: no error, or no JSON output)."""
        try:
            return json.loads(self.stdout)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __str__(self) -> str:
        shown = " ".join(a if len(a) <= 80 else f"{a[:40]}…({len(a)} characters)" for a in self.argv)
        return f"cds {shown} → {self.code}\n{self.stdout}{self.stderr}"


def _finished(pid: int) -> bool:
    """Whether the child ``pid`` has ended (it is then a zombie of the server until waited for)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


@dataclass(frozen=True)
class Child:
    pid: int
    argv: tuple[str, ...]
    stdout: Path
    stderr: Path
    started: float


class _Server:
    """The warm server process (one per test session; started on first use)."""

    _instance: _Server | None = None

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, str(SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout.readline(), "the cds server process did not start"
        atexit.register(self.close)

    @classmethod
    def get(cls) -> _Server:
        if cls._instance is None or cls._instance.process.poll() is not None:
            cls._instance = cls()
        return cls._instance

    def ask(self, request: dict) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


class CdsProcesses:
    """Runs ``cds`` commands as forked children of the warm server process (see the module docstring), with
    the environment ``env`` added and their output kept in ``workdir``."""

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.workdir, 0o777)  # children running as another user write their output here
        self.env = dict(env or {})
        self._count = 0

    def _ask(self, request: dict) -> dict:
        return _Server.get().ask(request)

    def start(self, *argv: str, env: dict[str, str] | None = None, start_at: float = 0.0,
              user: str | None = None) -> Child:
        """Start ``cds argv…`` in a new child process (optionally at the moment ``start_at``, as ``user``)."""
        self._count += 1
        out, err = self.workdir / f"{self._count}.out", self.workdir / f"{self._count}.err"
        started = time.monotonic()
        reply = self._ask({"op": "run", "argv": list(argv), "env": {**self.env, **(env or {})}, "stdout": str(out),
                           "stderr": str(err), "start_at": start_at, "user": user})
        return Child(reply["pid"], tuple(argv), out, err, started)

    def wait(self, child: Child) -> Run:
        code = self._ask({"op": "wait", "pid": child.pid})["code"]
        seconds = time.monotonic() - child.started
        return Run(child.argv, code, _output(child.stdout), _output(child.stderr), seconds)

    def run(self, *argv: str, env: dict[str, str] | None = None, user: str | None = None) -> Run:
        """Run ``cds argv…`` to its end."""
        return self.wait(self.start(*argv, env=env, user=user))

    def run_killed(self, *argv: str, after: float, when: Callable[[], bool] | None = None,
                   env: dict[str, str] | None = None, timeout: float = 60.0) -> Run:
        """Run ``cds argv…`` and send it SIGKILL ``after`` seconds after it started — or, with ``when``, after
        ``when()`` first turned true (polled every millisecond: to aim at a moment of interest, such as a
        file appearing) — if it is still running by then."""
        child = self.start(*argv, env=env)
        if when is not None:
            deadline = time.monotonic() + timeout
            while not when() and time.monotonic() < deadline and not _finished(child.pid):
                time.sleep(0.001)
        time.sleep(after)
        os.kill(child.pid, signal.SIGKILL)  # a finished child is a zombie until waited for: no effect
        return self.wait(child)


def _output(path: Path) -> str:
    """What a child wrote to ``path``; nothing when it was killed before it could open the file."""
    try:
        return path.read_text("utf-8", "replace")
    except FileNotFoundError:
        return ""


@pytest.fixture
def cds_processes(tmp_path) -> CdsProcesses:
    """A ``CdsProcesses`` whose config and cache folders are the test's own."""
    env = {"CDS_DESKTOP_CONFIG_DIR": str(tmp_path / "config"), "CDS_DESKTOP_CACHE_DIR": str(tmp_path / "cache"),
           "CDS_LANG": "en"}
    return CdsProcesses(tmp_path / "runs", env)


# --- what must hold after any crash ----------------------------------------------------------

def integrity(database: Path) -> str:
    """``PRAGMA integrity_check`` of the database (``"ok"`` when sound), read without changing anything."""
    connection = sqlite3.connect(database)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def query(database: Path, sql: str, *params) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def temporaries(folder: Path) -> list[Path]:
    """Every temporary the app may leave in ``folder`` (recursively): ``.part`` files, working folders,
    ownership sidecars, quarantine folders."""
    found = []
    for path in folder.rglob("*"):
        name = path.name
        if (name.endswith((".part", ".owner", ".partial", ".staging", ".ready")) or name.startswith(
                (".restore-", ".cds-export-", ".moving-", "incoming-"))
                or (path.parent.name == "quarantine" and path.parent.parent == folder)):
            found.append(path)
    return sorted(found)
