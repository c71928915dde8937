"""Start-up speed guards: opening an up-to-date database does not load Alembic, and the cheap revision
reading agrees with Alembic's own view of the migration scripts."""

from __future__ import annotations

import subprocess
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

from cds_desktop.core.storage import database
from cds_desktop.core.storage.database import head_revision, known_revisions, open_database, stamped_revision


def test_revisions_read_from_the_scripts_match_alembic():
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {script.revision for script in scripts.walk_revisions()}


def test_an_up_to_date_database_opens_without_importing_alembic(tmp_path):
    path = tmp_path / "cds.sqlite"
    open_database(path).dispose()
    assert stamped_revision(path) == head_revision()
    code = ("import sys; from pathlib import Path; from cds_desktop.core.storage.database import open_database; "
            f"open_database(Path({str(path)!r})).dispose(); print(sorted(m for m in sys.modules if m.startswith('alembic')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_new_file_has_no_revision(tmp_path):
    assert stamped_revision(tmp_path / "missing.sqlite") is None
    (tmp_path / "empty.sqlite").touch()
    assert stamped_revision(tmp_path / "empty.sqlite") is None
