"""Database connection settings that the models do not show: SQLite pragmas, a check of each
pooled connection as it is handed out, SQLite writers taking turns, and which errors mean
"the database cannot serve now" (a 503, `app.errors`) rather than a bug."""

import os
import select
import shutil
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import cast

from sqlalchemy import Table, event, false, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import Pool

from app.models import Response

# How long a writer waits for SQLite's lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
# Free bytes below which /readyz calls SQLite's disk full: a write that needs a new page or WAL
# frame would fail there, though the rolled-back write of the check itself needs none.
SQLITE_MIN_FREE_BYTES = 1024 * 1024
# The largest integer our INTEGER columns store on every database (PostgreSQL's INTEGER is
# 32 bits; SQLite's holds 64): an id or number from a URL or a body past it cannot name a
# row, and PostgreSQL refuses to compare one with an INTEGER column ("integer out of
# range", a 500; found by the API's schemathesis run).
SQL_INT_MAX = 2**31 - 1


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


# ---- The database cannot serve now ----------------------------------------------------------

# SQLite's primary result codes (the low byte of the extended code) that say the database is
# unavailable, not that the statement is wrong: sqlite3 raises OperationalError for "no such
# table" and syntax errors too, which are bugs (a 500). https://sqlite.org/rescode.html
SQLITE_READONLY = 8
_SQLITE_UNAVAILABLE = {
    5: "locked",  # SQLITE_BUSY: another writer held the lock past the busy timeout
    6: "locked",  # SQLITE_LOCKED
    SQLITE_READONLY: "read_only",  # the file (or its directory) cannot be written
    10: "io_error",  # SQLITE_IOERR
    13: "disk_full",  # SQLITE_FULL
    14: "unreachable",  # SQLITE_CANTOPEN: the file or its directory is missing
    15: "locked",  # SQLITE_PROTOCOL
}
# PostgreSQL SQLSTATEs: read-only (a standby, default_transaction_read_only), disk full.
_POSTGRES_UNAVAILABLE = {"25006": "read_only", "53100": "disk_full", "55P03": "locked"}


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database cannot serve a request now ("unreachable", "read_only", "disk_full",
    "locked", "busy", "io_error"), or None when *error* is no such failure but a bug (a
    missing table, bad SQL, a constraint), which stays a 500.

    Unavailable: the server refused or dropped the connection, the pool had no connection to
    give within its timeout, SQLite's file is read-only, full, missing or locked beyond the
    busy timeout; on PostgreSQL any OperationalError (the driver's class for connection
    failures, shutdowns, too many connections, lock and serialisation timeouts).
    """
    if isinstance(error, PoolTimeoutError):
        return "busy"
    if isinstance(error, DisconnectionError):
        return "unreachable"
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        reason = None if code is None else _SQLITE_UNAVAILABLE.get(code & 0xFF)
    else:
        sqlstate = getattr(original, "sqlstate", None) or ""
        reason = _POSTGRES_UNAVAILABLE.get(sqlstate)
        if reason is None and isinstance(error, OperationalError):
            reason = "unreachable" if sqlstate[:2] in ("", "08", "57") else "busy"
    if reason is None and error.connection_invalidated:
        reason = "unreachable"
    return reason


@event.listens_for(Engine, "handle_error")
def _replace_read_only_sqlite(context) -> None:
    """A SQLite connection that found its database read-only is discarded, with the pool's
    others, as if the server had closed it.

    SQLite opens a file it cannot write read-only, silently, and such a connection stays
    read-only after the file is writable again: kept in the pool, it failed every write until
    `pool_recycle` replaced it (300 s). Discarded, the next request opens a new one, which
    writes as soon as the file can be written. SQLITE_READONLY_DBMOVED (the file replaced,
    say by a restore) has the same primary code and the same cure.
    """
    original = context.original_exception
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None) or 0
        if code & 0xFF == SQLITE_READONLY:
            context.is_disconnect = True


def readiness(session) -> str | None:
    """None when the database can be read and written now, else `unavailable_reason`.

    The write is an UPDATE of no row in a transaction rolled back: it takes SQLite's write
    lock (so a read-only file or a lock held beyond the busy timeout fails it) and on
    PostgreSQL fails on a read-only server, while changing nothing. Writing nothing, it
    needs no room: a SQLite file system with less than `SQLITE_MIN_FREE_BYTES` free is
    "disk_full" (PostgreSQL's disk is the server's, out of sight).
    """
    table = cast(Table, Response.__table__)
    try:
        session.execute(update(table).where(false()).values(id=table.c.id))
    except SQLAlchemyError as error:
        reason = unavailable_reason(error)
        if reason is None:
            raise
        return reason
    finally:
        session.rollback()
    url = session.get_bind().url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        free = shutil.disk_usage(os.path.dirname(os.path.abspath(url.database))).free
        if free < SQLITE_MIN_FREE_BYTES:
            return "disk_full"
    return None


# ---- SQLite writers, one at a time -------------------------------------------------------

fcntl: ModuleType | None
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
def one_writer(bind: Engine | Connection) -> Iterator[None]:
    """Around a write to a SQLite database: writers take its write lock one at a time.

    SQLite has one write lock per database. A writer that finds it taken waits in SQLite's busy
    handler, which sleeps 1, 2, 5, 10 … up to 100 ms between tries, so under load a waiter
    often sleeps on long after the lock came free: the tail of the submit latency. Writers that
    go through here queue instead, and each starts as soon as the one before it is done: the
    threads of a process on a lock, the processes (gunicorn workers) on flock(2) of a file
    beside the database (`<database>-writers`). Other writers (a researcher's page, a command)
    still meet the busy handler. Nothing to do on PostgreSQL, which locks rows, not tables.
    """
    engine = bind.engine
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    _, lock, lock_file = _writers_of(engine, path)
    with lock:
        if lock_file is None or fcntl is None:
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
