"""Where the command line's log goes: a file in the data folder, never the terminal.

Without a handler, Python prints a logged error — a bug's traceback included — on standard error. The commands
that can log one (import) call ``log_to_data_folder`` first, so a traceback lands in ``logs/cds-cli.log`` and the
person at the terminal sees only the refusal with its incident number.
"""

from __future__ import annotations

import logging

from cds_desktop.core.paths import DataDir

LOG_NAME = "cds-cli.log"


class _DataFolderHandler(logging.FileHandler):
    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        """A log line that cannot be written (a full or read-only disk) is dropped: the command reports its own
        error in its own words, never logging's traceback."""


def log_to_data_folder(data_dir: DataDir) -> None:
    """Send this process's log records (INFO and above) to ``logs/cds-cli.log`` of ``data_dir`` (once per folder)."""
    root = logging.getLogger()
    path = data_dir.logs / LOG_NAME
    for handler in [h for h in root.handlers if isinstance(h, _DataFolderHandler)]:
        if handler.baseFilename == str(path.resolve()):
            return
        root.removeHandler(handler)
        handler.close()
    data_dir.logs.mkdir(parents=True, exist_ok=True)
    handler = _DataFolderHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
