"""A first look into a commune database with ``sqlite3`` alone, before SQLAlchemy and the models are loaded.

Start-up uses it to show the main window's frame at once: whether the folder is set up (its unit row), the
unit's name for the title, whether anyone must sign in (any account) and the language setting. It is a hint,
read-only and never authoritative: ``None`` when the file is missing or cannot be read this way (damaged,
locked, a schema without these tables); the service opened afterwards decides.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import NamedTuple


class Peek(NamedTuple):
    unit_name: str | None  # None: the folder is not set up
    commune_code: str | None
    has_accounts: bool
    language: str | None  # the stored setting; None when never changed


def peek(database: Path) -> Peek | None:
    if not database.is_file() or database.stat().st_size == 0:
        return None
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        unit = connection.execute("SELECT name, commune_code FROM unit WHERE id = 1").fetchone()
        accounts = connection.execute("SELECT 1 FROM user_account LIMIT 1").fetchone()
        language = connection.execute("SELECT value_json FROM setting WHERE key = 'language'").fetchone()
        return Peek(unit[0] if unit else None, unit[1] if unit else None, accounts is not None,
                    json.loads(language[0]) if language else None)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()
