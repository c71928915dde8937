"""Copying a CDS database table by table between two engines (SQLite ↔ PostgreSQL), and proving the copy equal.

Used to move an office to a server, to back up a shared office into a ``cds.sqlite`` and to restore such a backup
into an empty server database. Both sides must be at the same schema revision (``SchemaRevisionMismatch``
otherwise); the target's tables exist (migrated) and whatever rows they hold (a migration's seed rows) are replaced.

- ``copy_tables(source, target)`` reflects the tables from the SOURCE (so it works for any released revision, not
  only the head models), deletes the target's rows (children first) and inserts the source's in foreign-key order,
  in batches (``executemany``); ``alembic_version`` is copied like any table. On PostgreSQL each serial/identity
  sequence is then set past the copied ids. Both arguments are ``Connection`` objects whose transactions the caller
  owns: a failure or ``Cancelled`` leaves the target's transaction to be rolled back, so nothing half-copied stays.
- ``table_digests(connection)`` reads, per table, the row count and a SHA-256 over its rows ordered by primary key
  (text keys in byte order on both sides: ``COLLATE "C"`` on PostgreSQL, SQLite's ``BINARY``), each value in a
  canonical encoding that is the same whatever the engine returned: datetimes as their wall-clock ISO text,
  booleans as 0/1, every number by its value (int, Decimal or float alike), bytes/memoryview as bytes, None apart.
- ``verify_copy(source, target)`` compares the two: ``TableCopyMismatch`` (a ``StorageError``) names the first
  table that is missing, has another row count or other contents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
from typing import Any, Iterable, Iterator

from sqlalchemy import Connection, LargeBinary, MetaData, String, Table, Text, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from cds_desktop.core.errors import StorageError
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

BATCH = 500
BINARY_BATCH = 4  # rows at a time of a table with bytes (evidence files may be large: memory stays bounded)
VERSION_TABLE = "alembic_version"


class TableCopyMismatch(StorageError):
    """The copy differs from its source in ``table`` (``server_move.table_missing|rows_differ|content_differs``)."""


class SchemaRevisionMismatch(StorageError):
    """The two databases are not at the same schema revision (``server_move.revision_differs``)."""


@dataclasses.dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


def revision_of(connection: Connection) -> str | None:
    """The schema revision stamped in the database of ``connection`` (None: not stamped)."""
    if VERSION_TABLE not in connection.dialect.get_table_names(connection):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _tables(connection: Connection) -> list[Table]:
    """The database's tables in foreign-key order (parents first), as reflected from it."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return list(metadata.sorted_tables)


def _explained(exc: DBAPIError, connection: Connection) -> BaseException:
    from cds_desktop.core.storage.database import explain_failure

    return explain_failure(connection.engine, exc) or exc


# --- copying ---------------------------------------------------------------------------------------

def copy_tables(source: Connection, target: Connection, progress: ProgressCallback | None = None,
                cancel: CancelToken | None = None, batch: int = BATCH) -> dict[str, int]:
    """Copy every table of ``source`` into ``target`` (same schema revision); returns the rows copied per table.
    ``progress(done, total)`` counts rows."""
    found, wanted = revision_of(source), revision_of(target)
    if found != wanted:
        raise SchemaRevisionMismatch("server_move.revision_differs", source=found or "-", target=wanted or "-")
    try:
        tables = _tables(source)
        target_tables = {table.name: table for table in _tables(target)}
        for table in tables:
            if table.name not in target_tables:
                raise TableCopyMismatch("server_move.table_missing", table=table.name)
        counts = {table.name: source.execute(select(func.count()).select_from(table)).scalar_one() for table in tables}
        total, done = sum(counts.values()), 0
        for table in reversed(list(target_tables.values())):
            target.execute(delete(table))
        for table in tables:
            into = target_tables[table.name]
            columns = [column.name for column in table.columns]
            for rows in _batches(source, table, batch):
                check_cancelled(cancel)
                target.execute(insert(into), [dict(zip(columns, row)) for row in rows])
                done += len(rows)
                if progress is not None:
                    progress(done, total)
        if target.dialect.name == "postgresql":
            _set_sequences(target, tables)
    except DBAPIError as exc:
        raise _explained(exc, target) from exc
    return counts


def _batches(connection: Connection, table: Table, size: int) -> Iterator[list[tuple]]:
    """The rows of ``table`` in primary-key order, ``size`` at a time (fewer for a table with bytes), streamed."""
    if any(isinstance(column.type, LargeBinary) for column in table.columns):
        size = min(size, BINARY_BATCH)
    result = connection.execution_options(stream_results=True, yield_per=size).execute(
        select(table).order_by(*_order(table, connection.dialect.name)))
    try:
        for rows in result.partitions(size):
            yield [tuple(row) for row in rows]
    finally:
        result.close()


def _order(table: Table, dialect: str) -> list[Any]:
    """Primary-key order, text compared byte by byte on both engines (a server's collation could sort otherwise)."""
    columns = list(table.primary_key.columns) or list(table.columns)
    collation = "C" if dialect == "postgresql" else "BINARY"
    return [column.collate(collation) if isinstance(column.type, (String, Text)) else column for column in columns]


def _set_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Each serial/identity sequence set past the ids copied, so the next insert does not collide."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                          {"table": table.name, "column": column.name}).scalar()
            if sequence is None:
                continue
            quoted = connection.dialect.identifier_preparer.quote
            connection.execute(text(f"SELECT setval(:sequence, COALESCE((SELECT MAX({quoted(column.name)}) FROM "
                                    f"{quoted(table.name)}), 0) + 1, false)"), {"sequence": sequence})


# --- verifying -------------------------------------------------------------------------------------

def table_digests(connection: Connection, cancel: CancelToken | None = None) -> dict[str, TableDigest]:
    """Per table: its row count and the SHA-256 of its rows in primary-key order, canonically encoded."""
    digests: dict[str, TableDigest] = {}
    try:
        for table in _tables(connection):
            digest, rows = hashlib.sha256(), 0
            for batch in _batches(connection, table, BATCH):
                check_cancelled(cancel)
                for row in batch:
                    digest.update(_row_bytes(row))
                rows += len(batch)
            digests[table.name] = TableDigest(rows, digest.hexdigest())
    except DBAPIError as exc:
        raise _explained(exc, connection) from exc
    return digests


def verify_copy(source: Connection, target: Connection, cancel: CancelToken | None = None) -> dict[str, TableDigest]:
    """Raise ``TableCopyMismatch`` naming the first table whose rows differ between ``source`` and ``target``;
    returns the digests when every table is equal."""
    return compare_digests(table_digests(source, cancel), table_digests(target, cancel))


def compare_digests(source: dict[str, TableDigest], target: dict[str, TableDigest]) -> dict[str, TableDigest]:
    for name in sorted(set(source) | set(target)):
        if name not in source or name not in target:
            raise TableCopyMismatch("server_move.table_missing", table=name)
        if source[name].rows != target[name].rows:
            raise TableCopyMismatch("server_move.rows_differ", table=name, source=source[name].rows,
                                    target=target[name].rows)
        if source[name].sha256 != target[name].sha256:
            raise TableCopyMismatch("server_move.content_differs", table=name)
    return source


def _row_bytes(row: tuple) -> bytes:
    parts = []
    for value in row:
        tag, payload = _canonical(value)
        parts.append(b"%s%d:%s" % (tag, len(payload), payload))
    return b"R%d:" % len(parts) + b"".join(parts)


def _canonical(value: Any) -> tuple[bytes, bytes]:
    """(type tag, bytes) of a value, the same for what SQLite and PostgreSQL return for one stored value."""
    if value is None:
        return b"N", b""
    if isinstance(value, (bool, int)):
        return b"I", str(int(value)).encode()
    if isinstance(value, (float, decimal.Decimal)):
        number = decimal.Decimal(str(value)) if isinstance(value, float) else value
        if number == number.to_integral_value():
            return b"I", str(int(number)).encode()
        return b"D", str(number.normalize()).encode()
    if isinstance(value, str):
        return b"S", value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"X", bytes(value)
    if isinstance(value, dt.datetime):
        return b"T", value.replace(tzinfo=None).isoformat(timespec="microseconds").encode()
    if isinstance(value, (dt.date, dt.time)):
        return b"T", value.isoformat().encode()
    raise TypeError(f"no canonical encoding for {type(value).__name__}")
