"""Locks that serialise one decision, never the whole database: ``hold(connection, *key)``.

A change that reads before it decides what to write (is this revision the next one? is this submission still
undecided? which version number comes next?) holds the lock named after what it decides about, until its
transaction ends:

- on PostgreSQL (a shared office, several PCs) a transaction-scoped advisory lock (``pg_advisory_xact_lock``) on a
  64-bit hash of the key: two PCs importing the same commune's period, or two heads deciding on it, take turns;
  different communes never wait for each other;
- on SQLite nothing more is needed: a write transaction already holds the database's write lock from its start
  (``BEGIN IMMEDIATE``, ``storage/database.py``).

Keys in use: ``("series", commune, plan, period)`` — importing a report and deciding on it; ``("plan", plan_id)``
— drafting and publishing a plan's versions; ``("office-keys",)`` — the office's own keys;
``("commune-key", commune)`` — enrolling and revoking a commune's signing keys; ``("setting", key)``.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlmodel import Session

_ADVISORY = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def hold(where: Connection | Session, *key: str) -> None:
    """Hold the lock named ``key`` until the current transaction of ``where`` ends."""
    connection = where.connection() if isinstance(where, Session) else where
    if connection.dialect.name == "postgresql":
        connection.execute(_ADVISORY, {"key": "\x1f".join(("cds", *key))})
