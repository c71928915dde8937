"""A throwaway PostgreSQL server for the test session: ``initdb`` and ``pg_ctl`` in a temporary folder, listening on
a Unix socket in that folder (fast, no password: ``trust``) and on a free port of 127.0.0.1 (passwords checked with
``scram-sha-256``, for the tests of what a wrong password or a missing database says). PostgreSQL refuses to run as
root, and CI runs as root: then the server runs as the ``postgres`` user (``runuser``) that Debian's package made.

Roles, as an office sets them up (docs/operator-guide.md): ``cds_owner`` owns the office's database and runs the
migrations; ``cds_staff`` is what the staff PCs connect as — it reads and writes the tables, it cannot change or drop
them. ``template_office`` is a database migrated to the newest schema once per session; each test copies it
(``CREATE DATABASE … TEMPLATE``), which is much faster than migrating again.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import psycopg
from psycopg import sql

OWNER, OWNER_PASSWORD = "cds_owner", "chu-so-huu-2025"
STAFF, STAFF_PASSWORD = "cds_staff", "nhan-vien-2025"
TEMPLATE = "template_office"


def server_binaries() -> Path:
    """The folder of ``initdb``/``pg_ctl`` (Debian keeps them out of PATH, in /usr/lib/postgresql/<major>/bin)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL's server programs are not installed (Debian: apt-get install postgresql; "
                           ".ci/run installs it)")
    return versions[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """``durable``: PostgreSQL's own crash safety (fsync, full-page writes) kept, commits not waiting for the disk —
    what SQLite's WAL with ``synchronous=NORMAL`` does, for the benchmarks; tests run without fsync at all."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.binaries = server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="cds-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = str(self.folder)
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self.superuser = "postgres" if self._as_user else pwd.getpwuid(os.geteuid()).pw_name
        self._names = itertools.count(1)

    # --- the server's life ----------------------------------------------------------------------
    def _run(self, program: str, *arguments: str) -> None:
        subprocess.run([*self._as_user, str(self.binaries / program), *arguments], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/")

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", self.superuser, "--auth-local=trust",
                      "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        safety = "" if self.durable else "-c fsync=off -c full_page_writes=off "
        options = (f"-k {self.socket_dir} -p {self.port} -c listen_addresses=127.0.0.1 {safety}"
                   "-c synchronous_commit=off -c max_connections=200 -c shared_buffers=64MB")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w",
                  "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        """Stop and start again (the "server restarted mid-import" tests)."""
        self.stop()
        self.start()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- connections and databases ---------------------------------------------------------------
    def connect(self, database: str = "postgres", user: str | None = None) -> psycopg.Connection:
        """A superuser (or ``user``) connection through the socket, in autocommit (CREATE DATABASE needs it)."""
        return psycopg.connect(host=self.socket_dir, port=self.port, dbname=database, user=user or self.superuser,
                               autocommit=True)

    def set_up_roles(self) -> None:
        with self.connect() as connection:
            for role, password in ((OWNER, OWNER_PASSWORD), (STAFF, STAFF_PASSWORD)):
                connection.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)))

    def create_database(self, name: str | None = None, template: str = TEMPLATE) -> str:
        """A new database owned by ``cds_owner`` (a copy of ``template``); its name."""
        name = name or f"office_{next(self._names)}"
        with self.connect() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(OWNER), sql.Identifier(template)))
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextlib.contextmanager
    def database(self, template: str = TEMPLATE) -> Iterator[str]:
        name = self.create_database(template=template)
        try:
            yield name
        finally:
            self.drop_database(name)
