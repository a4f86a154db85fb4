"""The response table's cache: complete responses flattened once into stored blocks.

A block (`ResponseTableBlock`) is a second copy of the answers of a run of responses. It is
kept in step with them structurally: every statement that inserts, updates or deletes a
response runs inside `response_write`, the one hook, which wipes in the same transaction the
blocks holding a response whose content changes or goes. A response that is only added (a new
submit, a partial completed late) needs nothing: the count and id sum of the block's range,
checked on every read, notice it. Encryption of the copies would change `_keep_block` and
`table_blocks` only.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.models import Questionnaire, Response, ResponseStatus, ResponseTableBlock
from app.models.types import utcnow
from app.responses import columns
from app.responses.records import NOT_TEST, duration

log = logging.getLogger(__name__)

_IN_WRITE: ContextVar[bool] = ContextVar("response_write", default=False)


@contextmanager
def response_write(questionnaire_id: int, *, rewrites: Iterable[int] = ()) -> Iterator[None]:
    """Around every statement that writes or deletes a response of *questionnaire_id*.

    *rewrites* names the responses whose stored answers change or go (a deletion, an edit,
    anonymisation): the blocks holding them are wiped first, in the caller's transaction, so
    no copy of those answers outlives the change. Responses only added need no id here.
    """
    ids = sorted(set(rewrites))
    if ids:
        db.session.execute(
            update(ResponseTableBlock)
            .where(
                ResponseTableBlock.questionnaire_id == questionnaire_id,
                db.or_(
                    *(
                        db.and_(
                            ResponseTableBlock.first_response_id <= rid,
                            ResponseTableBlock.last_response_id >= rid,
                        )
                        for rid in ids
                    )
                ),
            )
            .values(format=0, payload=b"")
            .execution_options(synchronize_session=False)
        )
    entered = _IN_WRITE.set(True)
    try:
        yield
    finally:
        _IN_WRITE.reset(entered)


def in_response_write() -> bool:
    """Whether the current statement runs inside `response_write` (what the tests' guard
    checks of every write to the responses table)."""
    return _IN_WRITE.get()


@dataclass(frozen=True)
class TableRow:
    """What one row of the response table needs (the answers are flattened by the caller)."""

    response_id: int
    version_id: int
    answers: dict[str, Any]
    submitted_at: datetime | None
    duration_s: float | None


TABLE_BLOCK_SIZE = 2000


def _table_rows(
    questionnaire_id: int,
    after_id: int,
    until_id: int | None,
    limit: int | None,
    status: ResponseStatus = ResponseStatus.COMPLETE,
):
    """Complete responses (or those of *status*) with after_id < id (<= until_id), in id
    order, as `TableRow`s."""
    query = db.select(
        Response.id,
        Response.version_id,
        Response.answers,
        Response.started_at,
        Response.submitted_at,
    ).where(
        Response.questionnaire_id == questionnaire_id,
        Response.status == status,
        NOT_TEST,
        Response.id > after_id,
    )
    if until_id is not None:
        query = query.where(Response.id <= until_id)
    rows = db.session.execute(query.order_by(Response.id).limit(limit)).all()
    return [
        TableRow(rid, vid, answers or {}, submitted, duration(started, submitted))
        for rid, vid, answers, started, submitted in rows
    ]


@dataclass(frozen=True)
class _BlockState:
    id: int
    first_response_id: int
    last_response_id: int
    fresh: bool  # its payload still holds exactly the complete responses of its id range


def _block_states(questionnaire_id: int) -> list[_BlockState]:
    """Each stored block of the questionnaire, checked against its responses in one query.

    The count and id sum of a block's range come from the index on (questionnaire, status,
    is_test, id) without reading a row; a correlated subquery per block keeps the plan the same
    whatever the planner's statistics say (a range join was a nested loop over every row).
    """
    block, response = ResponseTableBlock, Response

    def in_block(aggregate):
        return (
            db.select(aggregate)
            .where(
                response.questionnaire_id == block.questionnaire_id,
                response.status == ResponseStatus.COMPLETE,
                NOT_TEST,
                response.id.between(block.first_response_id, block.last_response_id),
            )
            .correlate(block)
            .scalar_subquery()
        )

    rows = db.session.execute(
        db.select(
            block.id,
            block.first_response_id,
            block.last_response_id,
            block.format,
            block.row_count,
            block.id_sum,
            in_block(func.count()),
            in_block(func.coalesce(func.sum(response.id), 0)),
        )
        .where(block.questionnaire_id == questionnaire_id)
        .order_by(block.first_response_id)
    ).all()
    return [
        _BlockState(bid, first, last, fresh=(fmt, count, id_sum) == (columns.FORMAT, *now))
        for bid, first, last, fmt, count, id_sum, *now in rows
    ]


def table_blocks(
    questionnaire: Questionnaire,
    flatten: Callable[[list[TableRow]], columns.Block],
    *,
    block_size: int | None = None,
) -> Iterator[columns.Block]:
    """The questionnaire's complete responses in id order, as blocks of table columns.

    *flatten* turns rows into a block. Runs of *block_size* responses are stored once flattened
    (`ResponseTableBlock`) and read back as they are while their id range is unchanged; a
    block whose range changed (a deletion, a partial completed late) is flattened again. The
    stored ranges tile the ids from 1 without gaps, so a response completed late always falls
    in one of them. The newest responses, fewer than *block_size*, are flattened on every read.
    One block is in memory at a time.
    """
    last_id = 0
    for state in _block_states(questionnaire.id):
        last_id = state.last_response_id
        if state.fresh:
            payload = db.session.scalar(
                db.select(ResponseTableBlock.payload).where(ResponseTableBlock.id == state.id)
            )
            yield columns.decode(payload)
            continue
        rows = _table_rows(questionnaire.id, state.first_response_id - 1, last_id, None)
        block = flatten(rows)
        _keep_block(questionnaire.id, state.first_response_id, last_id, rows, block, state.id)
        yield block
    sealing, block_size = True, block_size or TABLE_BLOCK_SIZE
    while rows := _table_rows(questionnaire.id, last_id, None, block_size):
        block = flatten(rows)
        if sealing and len(rows) == block_size:
            # Another reader may have sealed a different run after *last_id* meanwhile: then
            # this one is refused (same first id) and no later run is sealed, so none overlap.
            sealing = _keep_block(questionnaire.id, last_id + 1, rows[-1].response_id, rows, block)
        yield block
        last_id = rows[-1].response_id


def partial_blocks(
    questionnaire: Questionnaire,
    flatten: Callable[[list[TableRow]], columns.Block],
    *,
    block_size: int | None = None,
) -> Iterator[columns.Block]:
    """The questionnaire's unfinished responses in id order, as blocks like `table_blocks`
    gives; never stored, since their answers still change (an export that asks for them)."""
    last_id, block_size = 0, block_size or TABLE_BLOCK_SIZE
    partial = ResponseStatus.PARTIAL
    while rows := _table_rows(questionnaire.id, last_id, None, block_size, partial):
        yield flatten(rows)
        last_id = rows[-1].response_id


def _keep_block(questionnaire_id, first_id, last_id, rows, block, replaces=None) -> bool:
    """Store a flattened block in its own short transaction (replacing the stale block
    *replaces*), so a reader's request writes nothing else. It is only a copy of what the
    responses say: when it cannot be written now, the next read tries again.
    """
    if _session_writes_sqlite():
        return False  # a second SQLite connection would wait for this session's write lock
    table = cast(Table, ResponseTableBlock.__table__)
    values = {
        "questionnaire_id": questionnaire_id,
        "first_response_id": first_id,
        "last_response_id": last_id,
        "row_count": len(rows),
        "id_sum": sum(row.response_id for row in rows),
        "format": columns.FORMAT,
        "payload": columns.encode(block),
        "built_at": utcnow(),
    }
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Never wait on a lock this very request may hold (a block it marked stale).
                connection.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
            if replaces is not None:
                connection.execute(delete(table).where(table.c.id == replaces))
            connection.execute(table.insert(), values)
    except (IntegrityError, OperationalError) as error:
        # Another reader stored a block with this first id first, or the database is busy.
        log.info("response table block not stored: %s", error.__class__.__name__)
        return False
    return True


def _session_writes_sqlite() -> bool:
    raw = db.session.connection().connection.dbapi_connection
    return isinstance(raw, sqlite3.Connection) and raw.in_transaction
