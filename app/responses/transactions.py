"""How the response store's statements meet the database: the store alone decides.

SQLite note: pysqlite opens the transaction at the first write, so the lookups before it hold
no snapshot that a later write would have to upgrade (no SQLITE_BUSY_SNAPSHOT).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.database import one_writer
from app.extensions import db


def read_each_committed() -> None:
    """Run the session's next statements in DBAPI autocommit, each its own transaction.

    For the respondent's requests, which read and then write at most once. Their reads need
    no transaction: each statement sees what is committed, as under READ COMMITTED. A write of
    one statement is then its own transaction, durable once the database answers, as after a
    COMMIT: the BEGIN and COMMIT round trips go. A write of more than one statement calls
    `leave_autocommit` first. Has no effect once the session's transaction has begun.

    Not on SQLite, where there are no round trips to save and pysqlite's own mode already
    runs reads outside a transaction (see above); switching costs more there than it saves
    (a PRAGMA on the way in and out of the pool: 0.14 ms of a 1 ms submit).
    """
    session = db.session()
    if not session.in_transaction() and session.get_bind().dialect.name != "sqlite":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def leave_autocommit() -> None:
    """Before statements that must commit together: end an autocommit "transaction" (nothing
    is written yet), so the next statement begins a real one on a connection in its default
    mode. No round trip."""
    session = db.session()
    if not session.in_transaction():
        return
    options = session.connection().get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        session.commit()


@contextmanager
def committed_write() -> Iterator[None]:
    """Around the statements of a write: one writer at a time (`one_writer`), committed
    together at the end, rolled back on any error while still in the lock (on SQLite the
    write lock goes with it)."""
    with one_writer(db.session.get_bind()):
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
