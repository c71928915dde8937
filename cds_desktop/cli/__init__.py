"""``cds``: the headless command line over the same services the desktop app uses.

Each command group lives in its own module and registers its sub-commands on the parser
(``register(subparsers)``); handlers receive the parsed arguments and a ``CliContext``.
Exit codes: 0 success, 1 refused or problems found (e.g. validation errors), 2 bad arguments or values.
"""

from __future__ import annotations

import sys

from cds_desktop.cli.context import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
