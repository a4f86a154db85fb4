"""Database connection settings that the models do not show: SQLite pragmas."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a writer waits for SQLite's lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers, enforced foreign keys, and a wait instead of 'locked'.

    `synchronous` stays at SQLite's default (FULL): a response we acknowledged must survive
    a power cut, not only a crash of the process.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
    cursor.close()
