"""The server process of ``processes.CdsProcesses``: imports the app once, then forks a child per ``cds`` command.

Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.

- ``{"op": "run", "argv": [...], "env": {...}, "stdout": path, "stderr": path, "start_at": t, "user": name}``
  forks a child that waits until ``start_at`` (a ``time.time()``; to start several children at once), takes
  the identity of ``user`` when given (``setgid``/``setuid``, for the permission tests), redirects its output
  to the two files and runs ``cds_desktop.cli.main(argv)``; its exit code is what ``main`` returns (an
  uncaught exception — a crash — prints its traceback and exits 70). Reply: ``{"pid": ...}``.
- ``{"op": "wait", "pid": ...}`` waits for that child. Reply: ``{"code": ...}`` (negative: killed by that
  signal).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

CRASHED = 70  # EX_SOFTWARE: the command died of an uncaught exception


def _warm_up() -> None:
    """Import what the commands use, so that each forked child starts in milliseconds."""
    import alembic.command  # noqa: F401  (migrations)
    import alembic.config  # noqa: F401

    import cds_desktop.cli.context  # noqa: F401
    import cds_desktop.core.bundle.reader  # noqa: F401
    import cds_desktop.core.bundle.writer  # noqa: F401
    import cds_desktop.core.services.backup  # noqa: F401
    import cds_desktop.core.services.commune.exchange  # noqa: F401
    import cds_desktop.core.services.office.service  # noqa: F401
    from cds_desktop.core.plans.loader import builtin_plans

    builtin_plans()
    _rehearse()


def _rehearse() -> None:
    """Run a few commands on a throw-away data folder, so that what every command does once per process
    (argument parsers, SQLAlchemy's mapper set-up, message catalogs) is done here, before the forks. Nothing
    stays open: every engine is disposed when ``main`` returns."""
    import contextlib
    import io
    import shutil
    import tempfile

    from cds_desktop.cli.context import main

    folder = tempfile.mkdtemp(prefix="cds-server-")
    saved = dict(os.environ)
    os.environ["CDS_DESKTOP_CONFIG_DIR"] = os.path.join(folder, "config")
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for language in ("vi", "en"):
                base = ["--lang", language, "--data-dir", os.path.join(folder, "data")]
                main([*base, "init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Thử"])
                main([*base, "entry", "set", "dak-rlap-2023", "2023Q1", "1.1", "--value", "1"])
                main([*base, "status", "dak-rlap-2023", "2023Q1"])
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(folder, ignore_errors=True)


def _child(request: dict) -> int:
    delay = request.get("start_at", 0) - time.time()
    if delay > 0:
        time.sleep(delay)
    user = request.get("user")
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.dup2(target, fd)
        os.close(target)
    os.environ.update(request.get("env", {}))
    from cds_desktop.cli.context import main

    try:
        return int(main(request["argv"]) or 0)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        return CRASHED


def serve() -> None:
    _warm_up()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "run":
            pid = os.fork()
            if pid == 0:
                code = CRASHED
                try:
                    code = _child(request)
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            reply = {"pid": pid}
        elif request["op"] == "wait":
            _, status = os.waitpid(request["pid"], 0)
            reply = {"code": os.waitstatus_to_exitcode(status)}
        else:
            reply = {"error": f"unknown op {request['op']!r}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    serve()
