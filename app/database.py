"""Database connection settings that the models do not show: SQLite pragmas, a check of each
pooled connection as it is handed out, and SQLite writers taking turns."""

import os
import select
import sqlite3
import threading
import weakref
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

# How long a writer waits for SQLite's lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
# The largest integer a column stores (SQLite INTEGER, PostgreSQL BIGINT): an id or number
# from a URL or a body past it cannot name a row, and binding it fails with an overflow.
SQL_INT_MAX = 2**63 - 1


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


@event.listens_for(Pool, "checkout")
def _refuse_closed_by_server(dbapi_connection, connection_record, connection_proxy) -> None:
    """Refuse a pooled server connection that has something to read while idle.

    Instead of SQLAlchemy's `pool_pre_ping`, a round trip on every checkout: an idle connection
    has nothing to read unless the server closed it (a restart, `pg_terminate_backend`, an idle
    timeout: its last message and the end of the stream wait in the socket) or sent an
    unsolicited notice. Either way the pool replaces it (DisconnectionError) before the request
    uses it; the cost is one poll(2) with no wait. A connection dropped silently on the way
    (no message reaches us) is what `pool_recycle` and the retry in
    `app.respond.services.find_published` are for. SQLite connections have no socket.
    """
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return
    try:
        poller = select.poll()
        poller.register(fileno(), select.POLLIN)
        readable = poller.poll(0)
    except Exception as error:  # the driver knows the connection is closed already
        raise DisconnectionError("the pooled connection is closed") from error
    if readable:
        raise DisconnectionError("the server closed the pooled connection or wrote to it")


# ---- SQLite writers, one at a time -------------------------------------------------------

try:
    import fcntl
except ImportError:  # not on POSIX: threads still queue, processes meet the busy handler
    fcntl = None

# Engine → (process id, lock of its threads, descriptor of its lock file). Weak: a disposed
# test engine takes its entry with it, and `_close_lock_file` its descriptor.
_WRITERS: "weakref.WeakKeyDictionary[Engine, tuple[int, threading.Lock, int | None]]" = (
    weakref.WeakKeyDictionary()
)
_WRITERS_GUARD = threading.Lock()


@contextmanager
def one_writer(engine: Engine):
    """Around a write to a SQLite database: writers take its write lock one at a time.

    SQLite has one write lock per database. A writer that finds it taken waits in SQLite's busy
    handler, which sleeps 1, 2, 5, 10 … up to 100 ms between tries, so under load a waiter
    often sleeps on long after the lock came free: the tail of the submit latency. Writers that
    go through here queue instead, and each starts as soon as the one before it is done: the
    threads of a process on a lock, the processes (gunicorn workers) on flock(2) of a file
    beside the database (`<database>-writers`). Other writers (a researcher's page, a command)
    still meet the busy handler. Nothing to do on PostgreSQL, which locks rows, not tables.
    """
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    _, lock, lock_file = _writers_of(engine, path)
    with lock:
        if lock_file is None:
            yield
            return
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _writers_of(engine: Engine, path: str) -> tuple[int, threading.Lock, int | None]:
    found = _WRITERS.get(engine)
    if found is not None and found[0] == os.getpid():
        return found
    with _WRITERS_GUARD:
        found = _WRITERS.get(engine)
        # A forked worker opens the file again: a descriptor it inherited shares its lock
        # with the parent's and would not keep the two apart.
        if found is None or found[0] != os.getpid():
            lock_file = None
            if fcntl is not None:
                flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
                lock_file = os.open(f"{path}-writers", flags, 0o600)
                weakref.finalize(engine, _close_lock_file, lock_file, os.getpid())
            found = (os.getpid(), threading.Lock(), lock_file)
            _WRITERS[engine] = found
    return found


def _close_lock_file(lock_file: int, pid: int) -> None:
    if os.getpid() == pid:
        os.close(lock_file)
