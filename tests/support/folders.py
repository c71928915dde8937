"""Real data folders made by the real services, once per test session, copied for each test that uses one.

``demo_folders()`` runs ``services.demo.build_demo``: a receiving office with an imported submission and a
commune with filled periods (both with data), the way the app and ``cds`` leave them.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from cds_desktop.core.services.demo import COMMUNE_FOLDER, OFFICE_FOLDER, build_demo


@cache
def _demo_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="cds-test-folders-"))
    build_demo(root / "demo")
    return root / "demo"


def copy_of(kind: str, target: Path) -> Path:
    """A copy of the demo's ``"office"`` or ``"commune"`` data folder at ``target``."""
    source = _demo_root() / {"office": OFFICE_FOLDER, "commune": COMMUNE_FOLDER}[kind]
    shutil.copytree(source, target)
    return target
