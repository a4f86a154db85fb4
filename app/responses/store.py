"""The one module that reads and writes answers (`Response.answers`) and invitations.

Encryption at rest and retention will be added here and nowhere else. Callers hand in answers
already checked by `surveys.validate_answers`; this module makes the writes exactly-once:

- a submit is keyed by its Idempotency-Key, UNIQUE per questionnaire: the loser of a race gets an
  IntegrityError, rolls back and returns the winner's row (`submit_if_current` stores nothing
  instead, ON CONFLICT DO NOTHING, and its caller takes the long way to that row);
- an invitation is spent by a conditional UPDATE (`used_at IS NULL`) in the submit's own
  transaction, so two submits with one token cannot both succeed;
- quotas lock the questionnaire row (a no-op UPDATE, which also takes SQLite's write lock) before
  counting, so concurrent submits cannot overshoot.

SQLite note: pysqlite opens the transaction at the first write, so the lookups before it hold
no snapshot that a later write would have to upgrade (no SQLITE_BUSY_SNAPSHOT).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, false, func, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.database import one_writer
from app.extensions import db
from app.models import (
    Invitation,
    Questionnaire,
    QuestionnaireStatus,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    ResponseTableBlock,
    Study,
    StudyStatus,
)
from app.models.types import utcnow
from app.responses import columns

log = logging.getLogger(__name__)

MAX_PARTIAL_KEYS = 500


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def receipt_code(secret: str, questionnaire_id: int, idempotency_key: str) -> str:
    """A code the respondent quotes to the researchers about their answers; only its hash is
    stored.

    Derived (HMAC of the questionnaire and the idempotency key, which only that browser
    knows) rather than random, so that a retried submit whose first reply was lost shows the
    same code again; the questionnaire is in it because a key is unique per questionnaire.
    """
    message = f"receipt:{questionnaire_id}:{idempotency_key}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
    chars = [alphabet[b % len(alphabet)] for b in digest[:16]]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))


@dataclass(frozen=True)
class Consent:
    notice_version: str
    given_at: datetime


@dataclass(frozen=True)
class Partial:
    """An unfinished response as the respondent's page needs it."""

    id: int
    version_id: int
    status: ResponseStatus
    answers: dict[str, Any]
    page_id: str
    started_at: datetime
    invitation_token_hash: str | None


@dataclass(frozen=True)
class Submitted:
    response_id: int
    created: bool
    receipt: str | None


class Refused(Exception):
    """The submit was refused; `code` is one of invitation_used, quota_full."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# ---- partial responses -------------------------------------------------------------------


# The columns a `Partial` is read from, in its field order.
_PARTIAL_COLUMNS = (
    "id",
    "version_id",
    "status",
    "answers",
    "page_id",
    "started_at",
    "invitation_token_hash",
)


def _partial(values) -> Partial | None:
    """A `Partial` from the values of `_PARTIAL_COLUMNS` (None: no response was found)."""
    if values[0] is None:
        return None
    row_id, version_id, status, answers, page_id, started_at, invitation = values
    return Partial(row_id, version_id, status, dict(answers or {}), page_id, started_at, invitation)


def resumed_join(query, questionnaire_id, resume_token_hash):
    """*query* with the response behind a resume token outer-joined and its `Partial` columns
    appended, for a caller that reads it in the same round trip as what it reads anyway.

    *questionnaire_id* is a column of the query, *resume_token_hash* a value or a bind
    parameter; `resumed_partial(row)` reads the appended columns back (None: no such partial).
    """
    resumed = Response.__table__.alias("resumed")
    return query.add_columns(*(resumed.c[name] for name in _PARTIAL_COLUMNS)).outerjoin(
        resumed,
        db.and_(
            resumed.c.questionnaire_id == questionnaire_id,
            resumed.c.resume_token_hash == resume_token_hash,
        ),
    )


def resumed_partial(row) -> Partial | None:
    """The partial in the last columns of a row of a `resumed_join` query."""
    return _partial(tuple(row)[-len(_PARTIAL_COLUMNS) :])


def _partial_query():
    table = Response.__table__
    return db.select(*(table.c[name] for name in _PARTIAL_COLUMNS)).where(
        table.c.resume_token_hash == db.bindparam("token_hash"),
        table.c.questionnaire_id == db.bindparam("questionnaire_id"),
    )


_LOAD_PARTIAL = _partial_query()


def load_partial(questionnaire, resume_token: str | None) -> Partial | None:
    """The response behind *resume_token* in *questionnaire* (anything with an `id`)."""
    if not resume_token:
        return None
    return _partial_by_token(questionnaire.id, resume_token)


def _partial_by_token(questionnaire_id: int, resume_token: str) -> Partial | None:
    row = db.session.execute(
        _LOAD_PARTIAL,
        {"token_hash": token_hash(resume_token), "questionnaire_id": questionnaire_id},
    ).first()
    return None if row is None else _partial(row)


def save_partial(
    version,
    resume_token: str | None,
    answers: Mapping[str, Any],
    *,
    page_id: str,
    invitation_hash: str | None,
    consent: Consent | None,
    is_test: bool = False,
) -> tuple[str, Partial]:
    """Create or update the partial response behind *resume_token*; returns the token used.

    *version* is the version answered (anything with `id` and `questionnaire_id`). A token
    whose response is already complete is never written again: a new partial is not started
    either (one person, one response), the caller sees status complete.
    """
    answers = dict(list(dict(answers).items())[:MAX_PARTIAL_KEYS])
    row = None
    if resume_token:
        row = db.session.scalar(
            db.select(Response).where(
                Response.resume_token_hash == token_hash(resume_token),
                Response.questionnaire_id == version.questionnaire_id,
            )
        )
    if row is not None and row.status is ResponseStatus.COMPLETE:
        return resume_token, _partial_by_token(version.questionnaire_id, resume_token)
    now = utcnow()
    if row is None:
        resume_token = new_token()
        row = Response(
            questionnaire_id=version.questionnaire_id,
            version_id=version.id,
            status=ResponseStatus.PARTIAL,
            started_at=now,
            resume_token_hash=token_hash(resume_token),
            invitation_token_hash=invitation_hash,
            is_test=is_test,
        )
        db.session.add(row)
    row.answers = answers
    row.page_id = page_id[:100]
    row.updated_at = now
    if consent is not None:
        row.consent_notice_version = consent.notice_version
        row.consent_given_at = consent.given_at
    with one_writer(db.session.get_bind()):
        db.session.commit()
    return resume_token, _partial_by_token(version.questionnaire_id, resume_token)


# ---- submit, exactly once ----------------------------------------------------------------


def autocommit() -> None:
    """Run the session's next statements in DBAPI autocommit, each its own transaction.

    For a request that reads and then writes once through `submit` (the respondent's submit).
    Its reads need no transaction: each statement sees what is committed, as under READ
    COMMITTED. A write of one statement is then its own transaction, durable once the
    database answers, as after a COMMIT: the BEGIN and COMMIT round trips go. `submit` goes
    back to a real transaction when its write takes more than one statement. Has no effect
    once the session's transaction has begun.

    Not on SQLite, where there are no round trips to save and pysqlite's own mode already
    runs reads outside a transaction (see above); switching costs more there than it saves
    (a PRAGMA on the way in and out of the pool: 0.14 ms of a 1 ms submit).
    """
    session = db.session()
    if not session.in_transaction() and session.get_bind().dialect.name != "sqlite":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _autocommitting() -> bool:
    session = db.session()
    if not session.in_transaction():
        return False
    options = session.connection().get_execution_options()
    return options.get("isolation_level") == "AUTOCOMMIT"


def submitted_id_of(questionnaire_id, idempotency_key):
    """A scalar subquery: the id of the response to *questionnaire_id* stored under
    *idempotency_key* (each a value, a column or a bind parameter), or NULL. For a caller
    that looks the key up in the same round trip as what it reads anyway."""
    table = Response.__table__  # table columns: the query stays Core, no ORM result handling
    return (
        db.select(table.c.id)
        .where(
            table.c.questionnaire_id == questionnaire_id,
            table.c.idempotency_key == idempotency_key,
        )
        .scalar_subquery()
        .label("submitted_id")
    )


def repeated_submit(
    response_id: int, questionnaire_id: int, idempotency_key: str, secret: str
) -> Submitted:
    """The reply to a repeat of the submit stored as *response_id* under *idempotency_key*."""
    return Submitted(response_id, False, receipt_code(secret, questionnaire_id, idempotency_key))


def find_submitted(questionnaire_id: int, idempotency_key: str, secret: str) -> Submitted | None:
    row_id = db.session.scalar(db.select(submitted_id_of(questionnaire_id, idempotency_key)))
    if row_id is None:
        return None
    return repeated_submit(row_id, questionnaire_id, idempotency_key, secret)


def submit(
    version,
    idempotency_key: str,
    answers: Mapping[str, Any],
    *,
    secret: str,
    resume_token: str | None = None,
    partial_id: int | None = None,
    invitation_hash: str | None = None,
    consent: Consent | None = None,
    started_at: datetime | None = None,
    quota=None,
    is_test: bool = False,
    paradata: dict | None = None,
) -> Submitted:
    """Store one complete response, or return the one already stored under the same key.

    *version* is the version answered (anything with `id` and `questionnaire_id`). With
    *partial_id*, the respondent's partial (found by *resume_token*) is completed in place.
    Callers look the key up first (`find_submitted` or `submitted_id_of`) for the common
    repeat; this handles the race. *quota* is a `Quota` (app.respond.settings) or None.
    *is_test* stores a test response (answered in test mode); *paradata* is already
    cleaned (`surveys.paradata.clean_paradata`). Raises `Refused`.
    """
    quota = quota if quota is not None and quota.active else None
    if (quota is not None or invitation_hash is not None) and _autocommitting():
        # These statements must commit together. Nothing is written yet: end the autocommit
        # "transaction", and the next statement begins a real one (a connection in its
        # default mode).
        db.session.commit()
    now = utcnow()
    receipt = receipt_code(secret, version.questionnaire_id, idempotency_key)
    values = _complete_values(
        version, idempotency_key, answers, receipt, now, consent, invitation_hash, paradata
    )
    if is_test:
        values["is_test"] = True
    try:
        with _committed_write():
            row_id = _write_complete(
                version.questionnaire_id,
                values,
                answers,
                partial_id,
                resume_token,
                _plausible_start(started_at, now),
                quota,
            )
    except (IntegrityError, Refused):
        # A concurrent submit with the same key may have stored the row first, or be what
        # spent the invitation or the quota: then this is a repeat of it.
        existing = find_submitted(version.questionnaire_id, idempotency_key, secret)
        if existing is None:
            raise
        return existing
    return Submitted(row_id, True, receipt)


def _write_complete(
    questionnaire_id, values, answers, partial_id, resume_token, started_at, quota
) -> int:
    """The statements of a submit (not committed); the response's id."""
    if quota is not None:
        _lock_questionnaire(questionnaire_id)
        if quota_full(questionnaire_id, quota, answers):
            raise Refused("quota_full")
    if values["invitation_token_hash"] is not None:
        spent = db.session.execute(
            update(Invitation)
            .where(
                Invitation.token_hash == values["invitation_token_hash"],
                Invitation.questionnaire_id == questionnaire_id,
                Invitation.used_at.is_(None),
            )
            .values(used_at=values["submitted_at"])
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:
            raise Refused("invitation_used")
    if partial_id is not None:
        # Complete the respondent's partial in place (its id, its started_at).
        completed = db.session.execute(_COMPLETE_PARTIAL, {"partial_id": partial_id, **values})
        if completed.rowcount == 1:
            return partial_id
        if db.session.scalar(_RESPONSE_EXISTS, {"partial_id": partial_id}) is not None:
            raise Refused("already_submitted")
    return _insert_response(
        {**_new_row(values, started_at, resume_token), "questionnaire_id": questionnaire_id}
    )


@contextmanager
def _committed_write() -> Iterator[None]:
    """Around the statements of a submit: one writer at a time (`one_writer`), committed
    together at the end, rolled back on any error while still in the lock (on SQLite the
    write lock goes with it)."""
    with one_writer(db.session.get_bind()):
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _complete_values(
    version, idempotency_key, answers, receipt, now, consent, invitation_hash=None, paradata=None
) -> dict[str, Any]:
    """The columns a submit sets on a response, new or completed in place."""
    values: dict[str, Any] = {
        "paradata": paradata,
        "receipt_hash": token_hash(receipt),
        "status": ResponseStatus.COMPLETE,
        "answers": dict(answers),
        "submitted_at": now,
        "updated_at": now,
        "idempotency_key": idempotency_key,
        "version_id": version.id,
        "invitation_token_hash": invitation_hash,
    }
    if consent is not None:  # else completing a partial keeps the consent it was saved with
        values["consent_notice_version"] = consent.notice_version
        values["consent_given_at"] = consent.given_at
    return values


def _new_row(values, started_at, resume_token) -> dict[str, Any]:
    """A new response's columns, but for questionnaire_id, from `_complete_values`."""
    return {
        "consent_notice_version": None,
        "consent_given_at": None,
        **values,
        "started_at": started_at,
        "resume_token_hash": token_hash(resume_token or new_token()),
        "page_id": "",
    }


def submit_if_current(
    version,
    slug: str,
    idempotency_key: str,
    answers: Mapping[str, Any],
    *,
    secret: str,
    resume_token: str | None = None,
    consent: Consent | None = None,
    started_at: datetime | None = None,
    paradata: dict | None = None,
) -> Submitted | None:
    """Store a complete response in one statement, if *version* (with `id`,
    `questionnaire_id`, `number`, `published_at`) is still the latest published version of
    the open questionnaire *slug*; None otherwise, with nothing written.

    For a caller that remembers the questionnaire from an earlier request and skips looking
    it up; the statement checks what the lookup would have. Without *resume_token*, an
    INSERT … SELECT whose SELECT is the check, and that leaves a key already stored alone
    (ON CONFLICT DO NOTHING). With it, an UPDATE that completes the respondent's partial at
    that version in place (its id, its started_at and the consent it was saved with, unless
    *consent* is given); nothing when there is no such partial. On None the caller takes
    the long way (look up, then `submit`), which tells a repeat, a closed questionnaire, a
    newer version or a missing partial apart.
    """
    now = utcnow()
    receipt = receipt_code(secret, version.questionnaire_id, idempotency_key)
    values = _complete_values(
        version, idempotency_key, answers, receipt, now, consent, paradata=paradata
    )
    if resume_token:
        values["resume"] = token_hash(resume_token)
        statement = _COMPLETE_IF_CURRENT
    else:
        values = _new_row(values, _plausible_start(started_at, now), None)
        statement = _INSERT_IF_CURRENT.get(db.session.get_bind().dialect.name)
    if statement is None:
        return None
    values.update(
        current_questionnaire=version.questionnaire_id,
        current_version=version.id,
        current_number=version.number,
        current_published_at=version.published_at,
        current_slug=slug,
    )
    row_id = _write_once(statement, values)
    return Submitted(row_id, True, receipt) if row_id is not None else None


def _write_once(statement, values) -> int | None:
    """Run one writing statement and commit; the id it wrote, or None: nothing written (no
    row matched, ON CONFLICT, or a constraint refused it) or the connection was lost."""
    try:
        with _committed_write():
            result = db.session.execute(statement, values)
            if result.returns_rows:
                row_id = result.scalar()
            else:  # SQLite's INSERT, without RETURNING: see _insert_response
                row_id = result.lastrowid if result.rowcount == 1 else None
    except IntegrityError:  # a unique value of another response (the UPDATE's key, say)
        return None
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        # The server had closed the pooled connection (a restart, an idle timeout). Whether
        # or not the statement got through, the long way finds out on a fresh connection.
        return None
    return row_id


# Plain statements built once: no object for the unit of work to track and flush, and no
# statement to build on every submit.
_RESPONSES = Response.__table__
_INSERT_RESPONSE = _RESPONSES.insert()
_INSERT_RESPONSE_RETURNING = _INSERT_RESPONSE.returning(_RESPONSES.c.id)
# The values to set are the execution's parameters (all but partial_id).
_COMPLETE_PARTIAL = update(_RESPONSES).where(
    _RESPONSES.c.id == db.bindparam("partial_id"),
    _RESPONSES.c.status == ResponseStatus.PARTIAL,
)
_RESPONSE_EXISTS = db.select(_RESPONSES.c.id).where(_RESPONSES.c.id == db.bindparam("partial_id"))


def _current_questionnaire():
    """The id of questionnaire `current_questionnaire` if it is still open under
    `current_slug`, its study is not archived (`permissions.study_takes_responses`), and
    `current_version` (`current_number`, `current_published_at`) is still its latest
    version; no row otherwise. The guard of the `*_if_current` writes."""
    q, v, s = Questionnaire.__table__, QuestionnaireVersion.__table__, Study.__table__
    later = v.alias("later")
    newer = db.select(later.c.id).where(
        later.c.questionnaire_id == q.c.id, later.c.number > db.bindparam("current_number")
    )
    return (
        db.select(q.c.id)
        .join(v, v.c.questionnaire_id == q.c.id)
        .join(s, s.c.id == q.c.study_id)
        .where(
            q.c.id == db.bindparam("current_questionnaire"),
            q.c.slug == db.bindparam("current_slug"),
            q.c.status == QuestionnaireStatus.OPEN,
            s.c.status == StudyStatus.ACTIVE,
            v.c.id == db.bindparam("current_version"),
            v.c.number == db.bindparam("current_number"),
            v.c.published_at == db.bindparam("current_published_at"),
            ~newer.exists(),
        )
    )


def _insert_if_current(insert):
    """`submit_if_current`'s INSERT … SELECT, from a dialect's INSERT (for ON CONFLICT): the
    guard's row, if any, with the new response's values as parameters."""
    # is_test keeps its default (false): a test response never takes this way.
    columns = [c for c in _RESPONSES.c if c.name not in ("id", "questionnaire_id", "is_test")]
    current = _current_questionnaire().add_columns(
        *(db.bindparam(c.name, type_=c.type) for c in columns)
    )
    return (
        insert(_RESPONSES)
        .from_select(["questionnaire_id", *(c.name for c in columns)], current)
        .on_conflict_do_nothing(
            index_elements=[_RESPONSES.c.questionnaire_id, _RESPONSES.c.idempotency_key]
        )
    )


# A stale guess selects no row: nothing is inserted (and nothing fails).
_INSERT_IF_CURRENT = {
    "postgresql": _insert_if_current(postgresql_insert).returning(_RESPONSES.c.id),
    "sqlite": _insert_if_current(sqlite_insert),
}
# `questionnaire_id = NULL` matches no row: the UPDATE completes nothing on a stale guess.
_COMPLETE_IF_CURRENT = (
    update(_RESPONSES)
    .where(
        _RESPONSES.c.resume_token_hash == db.bindparam("resume"),
        _RESPONSES.c.status == ResponseStatus.PARTIAL,
        _RESPONSES.c.version_id == db.bindparam("current_version"),
        _RESPONSES.c.questionnaire_id == _current_questionnaire().scalar_subquery(),
    )
    .returning(_RESPONSES.c.id)
)


def _insert_response(values: dict[str, Any]) -> int:
    """INSERT one response row; its id."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Without RETURNING, the statement ends in the call that runs it; with it, SQLite keeps
        # the statement (in autocommit: its write lock) open until Python fetched the row.
        return db.session.execute(_INSERT_RESPONSE, values).lastrowid
    return db.session.execute(_INSERT_RESPONSE_RETURNING, values).scalar_one()


def _plausible_start(started_at: datetime | None, now: datetime) -> datetime:
    """The browser's start time, when it is in the past week; otherwise now."""
    if started_at is None or started_at > now or (now - started_at).days >= 7:
        return now
    return started_at


def _lock_questionnaire(questionnaire_id: int) -> None:
    """Serialise quota checks of a questionnaire: row lock on PostgreSQL, write lock on SQLite."""
    table = Questionnaire.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == questionnaire_id)
        .values(id=table.c.id, updated_at=table.c.updated_at)
    )


# ---- counts and quotas -------------------------------------------------------------------


# Test responses (answered by a researcher in test mode) are in no result, count or export.
NOT_TEST = Response.is_test == false()


def counts(questionnaire: Questionnaire) -> dict[str, int]:
    rows = db.session.execute(
        db.select(Response.status, func.count())
        .where(Response.questionnaire_id == questionnaire.id, NOT_TEST)
        .group_by(Response.status)
    ).all()
    found = {status.value: n for status, n in rows}
    return {status.value: found.get(status.value, 0) for status in ResponseStatus}


def _complete_count(questionnaire_id: int, question: str | None = None, value: str | None = None):
    query = db.select(func.count()).where(
        Response.questionnaire_id == questionnaire_id,
        Response.status == ResponseStatus.COMPLETE,
        NOT_TEST,
    )
    if question is not None:
        query = query.where(Response.answers[question].as_string() == value)
    return db.session.scalar(query) or 0


def quota_full(questionnaire_id: int, quota, answers: Mapping[str, Any] | None) -> bool:
    """Whether one more complete response (with *answers*, None: any answers) is refused."""
    if quota.total is not None and _complete_count(questionnaire_id) >= quota.total:
        return True
    if answers is None or not quota.question or not quota.limits:
        return False
    value = answers.get(quota.question)
    if not isinstance(value, str | int) or str(value) not in quota.limits:
        return False
    limit = quota.limits[str(value)]
    return _complete_count(questionnaire_id, quota.question, str(value)) >= limit


def answers_of(response_id: int) -> dict[str, Any]:
    """The stored answers of one response (for the researcher's pages and tests)."""
    return dict(db.session.scalar(db.select(Response.answers).where(Response.id == response_id)))


# ---- invitations -------------------------------------------------------------------------


def create_invitations(questionnaire: Questionnaire, count: int) -> list[str]:
    """*count* new single-use tokens; only their hashes are kept, so return them now."""
    tokens = [new_token() for _ in range(count)]
    now = utcnow()
    db.session.add_all(
        Invitation(questionnaire_id=questionnaire.id, token_hash=token_hash(t), created_at=now)
        for t in tokens
    )
    db.session.commit()
    return tokens


def invitation_state(questionnaire: Questionnaire, token: str | None) -> str:
    """ "valid", "used" or "unknown"."""
    if not token:
        return "unknown"
    return invitation_hash_state(questionnaire, token_hash(token))


def invitation_hash_state(questionnaire: Questionnaire, hashed: str) -> str:
    used_at = db.session.execute(
        db.select(Invitation.used_at).where(
            Invitation.token_hash == hashed, Invitation.questionnaire_id == questionnaire.id
        )
    ).first()
    if used_at is None:
        return "unknown"
    return "valid" if used_at[0] is None else "used"


def invitation_counts(questionnaire: Questionnaire) -> dict[str, int]:
    total, used = db.session.execute(
        db.select(func.count(), func.count(Invitation.used_at)).where(
            Invitation.questionnaire_id == questionnaire.id
        )
    ).one()
    return {"total": total, "used": used}


# ---- reading for the results pages and exports -------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """What one row of the response table needs (the answers are flattened by the caller)."""

    response_id: int
    version_id: int
    answers: dict[str, Any]
    submitted_at: datetime | None
    duration_s: float | None


@dataclass(frozen=True)
class ListedResponse:
    id: int
    status: ResponseStatus
    version_number: int
    started_at: datetime
    submitted_at: datetime | None
    duration_s: float | None


@dataclass(frozen=True)
class ResponseDetail:
    id: int
    status: ResponseStatus
    version_number: int
    definition: dict[str, Any]
    answers: dict[str, Any]
    started_at: datetime
    submitted_at: datetime | None

    @property
    def duration_s(self) -> float | None:
        return _duration(self.started_at, self.submitted_at)


@dataclass(frozen=True)
class DeletedResponse:
    record: Response
    status: str
    version: int


def _filtered(query, questionnaire, statuses, submitted_from, submitted_until):
    query = query.where(Response.questionnaire_id == questionnaire.id, NOT_TEST)
    if statuses:
        query = query.where(Response.status.in_(list(statuses)))
    if submitted_from is not None:
        query = query.where(Response.submitted_at >= submitted_from)
    if submitted_until is not None:
        query = query.where(Response.submitted_at < submitted_until)
    return query


def _duration(started_at: datetime, submitted_at: datetime | None) -> float | None:
    if submitted_at is None:
        return None
    return max((submitted_at - started_at).total_seconds(), 0.0)


TABLE_BLOCK_SIZE = 2000


def _complete_rows(questionnaire_id: int, after_id: int, until_id: int | None, limit: int | None):
    """Complete responses with after_id < id (<= until_id), in id order, as `TableRow`s."""
    query = db.select(
        Response.id,
        Response.version_id,
        Response.answers,
        Response.started_at,
        Response.submitted_at,
    ).where(
        Response.questionnaire_id == questionnaire_id,
        Response.status == ResponseStatus.COMPLETE,
        NOT_TEST,
        Response.id > after_id,
    )
    if until_id is not None:
        query = query.where(Response.id <= until_id)
    rows = db.session.execute(query.order_by(Response.id).limit(limit)).all()
    return [
        TableRow(rid, vid, answers or {}, submitted, _duration(started, submitted))
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
        rows = _complete_rows(questionnaire.id, state.first_response_id - 1, last_id, None)
        block = flatten(rows)
        _keep_block(questionnaire.id, state.first_response_id, last_id, rows, block, state.id)
        yield block
    sealing, block_size = True, block_size or TABLE_BLOCK_SIZE
    while rows := _complete_rows(questionnaire.id, last_id, None, block_size):
        block = flatten(rows)
        if sealing and len(rows) == block_size:
            # Another reader may have sealed a different run after *last_id* meanwhile: then
            # this one is refused (same first id) and no later run is sealed, so none overlap.
            sealing = _keep_block(questionnaire.id, last_id + 1, rows[-1].response_id, rows, block)
        yield block
        last_id = rows[-1].response_id


def _keep_block(questionnaire_id, first_id, last_id, rows, block, replaces=None) -> bool:
    """Store a flattened block in its own short transaction (replacing the stale block
    *replaces*), so a reader's request writes nothing else. It is only a copy of what the
    responses say: when it cannot be written now, the next read tries again.
    """
    if _session_writes_sqlite():
        return False  # a second SQLite connection would wait for this session's write lock
    table = ResponseTableBlock.__table__
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


def _stale_blocks(questionnaire_id: int, response_id: int) -> None:
    """Mark the block holding *response_id* for rebuilding, in the caller's transaction, so
    no copy of a deleted response's answers outlives it. Any future write that changes a
    complete response (an edit, anonymisation) must call this too: a block's count and id
    sum only notice responses that come or go."""
    db.session.execute(
        update(ResponseTableBlock)
        .where(
            ResponseTableBlock.questionnaire_id == questionnaire_id,
            ResponseTableBlock.first_response_id <= response_id,
            ResponseTableBlock.last_response_id >= response_id,
        )
        .values(format=0, payload=b"")
        .execution_options(synchronize_session=False)
    )


def _session_writes_sqlite() -> bool:
    raw = db.session.connection().connection.dbapi_connection
    return isinstance(raw, sqlite3.Connection) and raw.in_transaction


def fingerprint(questionnaire: Questionnaire) -> str:
    """Changes whenever the complete responses of *questionnaire* change: one is added (a new
    submit or a late completion) or deleted. A complete response is never edited, and partials
    do not count, so a respondent saving a page does not make the results stale.

    Count, sum and largest of their ids, read from the `(questionnaire_id, status, is_test,
    id)` index
    alone: no scan of the answers.
    """
    total, id_sum, highest = db.session.execute(
        db.select(func.count(), func.sum(Response.id), func.max(Response.id)).where(
            Response.questionnaire_id == questionnaire.id,
            Response.status == ResponseStatus.COMPLETE,
            NOT_TEST,
        )
    ).one()
    return f"{total}:{id_sum or 0}:{highest or 0}"


def paradata_of(questionnaire: Questionnaire) -> dict[int, dict]:
    """{response id: paradata} of the complete responses that have any (quality checks)."""
    rows = db.session.execute(
        db.select(Response.id, Response.paradata).where(
            Response.questionnaire_id == questionnaire.id,
            Response.status == ResponseStatus.COMPLETE,
            NOT_TEST,
            Response.paradata.is_not(None),
        )
    ).all()
    return {rid: paradata for rid, paradata in rows if paradata}


def list_responses(
    questionnaire: Questionnaire,
    *,
    statuses=tuple(ResponseStatus),
    version_number: int | None = None,
    submitted_from: datetime | None = None,
    submitted_until: datetime | None = None,
    only_ids=None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ListedResponse], int]:
    """One page of responses, newest first, and how many match in all."""
    query = _filtered(
        db.select(
            Response.id,
            Response.status,
            QuestionnaireVersion.number,
            Response.started_at,
            Response.submitted_at,
        ).join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id),
        questionnaire,
        statuses,
        submitted_from,
        submitted_until,
    )
    if version_number is not None:
        query = query.where(QuestionnaireVersion.number == version_number)
    if only_ids is not None:
        query = query.where(Response.id.in_(list(only_ids)))
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Response.id.desc()).offset(offset).limit(limit)).all()
    listed = [
        ListedResponse(rid, status, number, started, submitted, _duration(started, submitted))
        for rid, status, number, started, submitted in rows
    ]
    return listed, total


def response_detail(questionnaire: Questionnaire, response_id: int) -> ResponseDetail | None:
    row = db.session.scalar(
        db.select(Response).where(
            Response.id == response_id, Response.questionnaire_id == questionnaire.id
        )
    )
    if row is None:
        return None
    return ResponseDetail(
        id=row.id,
        status=row.status,
        version_number=row.version.number,
        definition=row.version.definition,
        answers=dict(row.answers or {}),
        started_at=row.started_at,
        submitted_at=row.submitted_at,
    )


def delete_response(questionnaire: Questionnaire, response_id: int) -> DeletedResponse | None:
    """Delete one response (the caller audits and commits, so both land together)."""
    row = db.session.scalar(
        db.select(Response).where(
            Response.id == response_id, Response.questionnaire_id == questionnaire.id
        )
    )
    if row is None:
        return None
    deleted = DeletedResponse(record=row, status=row.status.value, version=row.version.number)
    _stale_blocks(questionnaire.id, response_id)
    db.session.delete(row)
    db.session.flush()
    return deleted


def test_response_count(questionnaire: Questionnaire) -> int:
    """How many test responses (partial or complete) the questionnaire has."""
    return db.session.scalar(
        db.select(func.count()).where(
            Response.questionnaire_id == questionnaire.id, Response.is_test == true()
        )
    )


def delete_test_responses(questionnaire: Questionnaire) -> int:
    """Delete every test response of *questionnaire* (the caller audits and commits); how many.

    The response table's blocks hold no test response (`NOT_TEST`), so their count and id
    sum do not change and none needs rebuilding.
    """
    deleted = db.session.execute(
        delete(Response)
        .where(Response.questionnaire_id == questionnaire.id, Response.is_test == true())
        .execution_options(synchronize_session=False)
    )
    return deleted.rowcount
