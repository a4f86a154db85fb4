# Over 400 lines: the guarded one-statement submit and the long way share their values.
"""A complete response, stored exactly once: `submit` is the one way in.

- a submit is keyed by its Idempotency-Key, UNIQUE per questionnaire: the loser of a race gets an
  IntegrityError, rolls back and returns the winner's row (the one-statement way stores nothing
  instead, ON CONFLICT DO NOTHING, and its caller looks the questionnaire up and asks again);
- an invitation is spent by a conditional UPDATE (`used_at IS NULL`) in the submit's own
  transaction, so two submits with one token cannot both succeed;
- quotas lock the questionnaire row (a no-op UPDATE, which also takes SQLite's write lock) before
  counting, so concurrent submits cannot overshoot.

`submit` decides its own transactions (`app.responses.transactions`): one statement in
autocommit where one statement is the whole write, a real transaction around several. When
the study has a webhook endpoint, the response and its `response.completed` event
(`app.webhooks.outbox`) are written in one transaction, and a worker is asked to send it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast, overload

from sqlalchemy import CursorResult, Executable, Table, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.extensions import db
from app.models import (
    Invitation,
    Questionnaire,
    QuestionnaireStatus,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Study,
    StudyStatus,
    WebhookEventType,
)
from app.models.types import utcnow
from app.responses.cache import response_write
from app.responses.counts import quota_full
from app.responses.lookup import find_submitted_id
from app.responses.protection import event_answers, stored_columns
from app.responses.records import (
    CONSENT_COLUMNS,
    Consent,
    Refused,
    Submitted,
    consent_columns,
    new_token,
    receipt_code,
    token_hash,
)
from app.responses.transactions import committed_write, leave_autocommit, read_each_committed
from app.webhooks import delivery, outbox


@overload
def submit(
    version: Any,
    idempotency_key: str,
    answers: Mapping[str, Any],
    *,
    secret: str,
    resume_token: str | None = None,
    partial_id: int | None = None,
    invitation_hash: str | None = None,
    consent: Consent | None = None,
    started_at: datetime | None = None,
    quota: Any = None,
    is_test: bool = False,
    if_current_under: None = None,
    paradata: dict[str, Any] | None = None,
    webhooks: bool | None = None,
    anonymous: bool = False,
) -> Submitted: ...
@overload
def submit(
    version: Any,
    idempotency_key: str,
    answers: Mapping[str, Any],
    *,
    secret: str,
    resume_token: str | None = None,
    partial_id: int | None = None,
    invitation_hash: str | None = None,
    consent: Consent | None = None,
    started_at: datetime | None = None,
    quota: Any = None,
    is_test: bool = False,
    if_current_under: str,
    paradata: dict[str, Any] | None = None,
    webhooks: bool | None = None,
) -> Submitted | None: ...
def submit(
    version: Any,
    idempotency_key: str,
    answers: Mapping[str, Any],
    *,
    secret: str,
    resume_token: str | None = None,
    partial_id: int | None = None,
    invitation_hash: str | None = None,
    consent: Consent | None = None,
    started_at: datetime | None = None,
    quota: Any = None,
    is_test: bool = False,
    if_current_under: str | None = None,
    paradata: dict[str, Any] | None = None,
    webhooks: bool | None = None,
    anonymous: bool = False,
) -> Submitted | None:
    """Store one complete response, or return the one already stored under the same key.

    *version* is the version answered (anything with `id` and `questionnaire_id`). With
    *partial_id*, the respondent's partial (found by *resume_token*) is completed in place.
    Callers look the key up first (`app.responses.lookup`) for the common repeat; this
    handles the race. *quota* is a `Quota` (app.respond.settings) or None. *is_test* stores a
    test response (answered in test mode); *paradata* is already cleaned
    (`surveys.paradata.clean_paradata`). Raises `Refused`.

    *if_current_under* (a slug): the caller did not look the questionnaire up in this request
    but remembers *version* (with `number` and `published_at` too) from an earlier one. The
    response is then stored by one statement that checks what the look-up would have: an
    INSERT … SELECT (a new respondent) or, with *resume_token*, an UPDATE completing the
    partial behind it at that version, each guarded by *version* still being the latest of
    the questionnaire open under that slug. None when the guard or a stored key stops it,
    with nothing written: the caller looks up and asks again, which tells a repeat, a closed
    questionnaire, a newer version or a missing partial apart. Not with an invitation, a
    quota, a test response or a known partial.

    *webhooks*: whether the study has an active webhook endpoint, as the caller's look-up
    found (`lookup.Found.webhooks`); None, and the store asks. With one, the response's
    `response.completed` event is written in its transaction. With *if_current_under* and
    False, the one statement also checks that there still is none.

    With *invitation_hash*, the invitation is spent and, when it was made for a directory
    record (`app.outreach`), the response is linked to that record (`participant_id`),
    unless the questionnaire is *anonymous*: then the response keeps neither the record nor
    the invitation's hash, and the invitation's use is dated to the day only, so nothing
    ties the answers back to the person.
    """
    if webhooks is None and not is_test:
        webhooks = outbox.wanted(version.questionnaire_id)
    notify = bool(webhooks) and not is_test
    if if_current_under is not None:
        return _submit_if_current(
            version,
            if_current_under,
            idempotency_key,
            answers,
            secret,
            resume_token,
            consent,
            started_at,
            paradata,
            notify,
        )
    quota = quota if quota is not None and quota.active else None
    if quota is not None or invitation_hash is not None or notify:
        leave_autocommit()  # these statements must commit together
    now = utcnow()
    receipt = receipt_code(secret, version.questionnaire_id, idempotency_key)
    kept_hash = None if anonymous else invitation_hash
    values = _complete_values(
        version, idempotency_key, answers, receipt, now, consent, kept_hash, paradata
    )
    if is_test:
        values["is_test"] = True
    try:
        with committed_write(), response_write(version.questionnaire_id):
            row_id = _write_complete(
                version.questionnaire_id,
                values,
                answers,
                partial_id,
                resume_token,
                _plausible_start(started_at, now),
                quota,
                (invitation_hash, anonymous),
            )
            if notify:
                _record_completed(version.questionnaire_id, row_id, values)
    except (IntegrityError, Refused):
        # A concurrent submit with the same key may have stored the row first, or be what
        # spent the invitation or the quota: then this is a repeat of it.
        existing = find_submitted_id(version.questionnaire_id, idempotency_key)
        if existing is None:
            raise
        return repeated_submit(existing, version.questionnaire_id, idempotency_key, secret)
    if notify:
        delivery.dispatch_soon()
    return Submitted(row_id, True, receipt)


def repeated_submit(
    response_id: int, questionnaire_id: int, idempotency_key: str, secret: str
) -> Submitted:
    """The reply to a repeat of the submit stored as *response_id* under *idempotency_key*."""
    return Submitted(response_id, False, receipt_code(secret, questionnaire_id, idempotency_key))


def _write_complete(
    questionnaire_id, values, answers, partial_id, resume_token, started_at, quota, invitation
) -> int:
    """The statements of a submit (not committed); the response's id. *invitation*: the
    (hash, anonymous) of the invitation answered by; hash None without one."""
    if quota is not None:
        _lock_questionnaire(questionnaire_id)
        if quota_full(questionnaire_id, quota, answers):
            raise Refused("quota_full")
    hashed, anonymous = invitation
    if hashed is not None:
        used_at = values["submitted_at"]
        if anonymous:
            used_at = used_at.replace(hour=0, minute=0, second=0, microsecond=0)
        spent = _execute_write(
            update(Invitation)
            .where(
                Invitation.token_hash == hashed,
                Invitation.questionnaire_id == questionnaire_id,
                Invitation.used_at.is_(None),
            )
            .values(used_at=used_at)
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:
            raise Refused("invitation_used")
        if not anonymous:
            values["participant_id"] = db.session.scalar(
                db.select(Invitation.participant_id).where(Invitation.token_hash == hashed)
            )
    if partial_id is not None:
        # Complete the respondent's partial in place (its id, its started_at).
        completed = _execute_write(_COMPLETE_PARTIAL, {"partial_id": partial_id, **values})
        if completed.rowcount == 1:
            return partial_id
        if db.session.scalar(_RESPONSE_EXISTS, {"partial_id": partial_id}) is not None:
            raise Refused("already_submitted")
    return _insert_response(
        {**_new_row(values, started_at, resume_token), "questionnaire_id": questionnaire_id}
    )


def _record_completed(questionnaire_id: int, response_id: int, values: dict[str, Any]) -> None:
    """The response's event, in the transaction that stores it."""
    shown = {**values, "answers": event_answers(values)}  # personal answers masked
    data = outbox.response_payload(response_id, questionnaire_id, shown)
    outbox.record(WebhookEventType.RESPONSE_COMPLETED, questionnaire_id, data)


def _complete_values(
    version, idempotency_key, answers, receipt, now, consent, invitation_hash=None, paradata=None
) -> dict[str, Any]:
    """The columns a submit sets on a response, new or completed in place."""
    values: dict[str, Any] = {
        "paradata": paradata,
        "receipt_hash": token_hash(receipt),
        "status": ResponseStatus.COMPLETE,
        **stored_columns(version, answers),  # answers, and protected_answers encrypted
        "submitted_at": now,
        "updated_at": now,
        "idempotency_key": idempotency_key,
        "version_id": version.id,
        "invitation_token_hash": invitation_hash,
    }
    if consent is not None:  # else completing a partial keeps the consent it was saved with
        values.update(consent_columns(consent))
    return values


# The columns `_new_row` sets, which the one-statement submit binds: every other column keeps
# its default (is_test: a test response never takes this way; source and source_id: nor does
# an imported one; anonymised_at: a new response is not anonymised).
NEW_ROW_COLUMNS = (
    "paradata", "receipt_hash", "status", "answers", "protected_answers", "submitted_at",
    "updated_at", "idempotency_key", "version_id", "invitation_token_hash", "started_at",
    "resume_token_hash", "page_id", *CONSENT_COLUMNS,
)  # fmt: skip


def _new_row(values, started_at, resume_token) -> dict[str, Any]:
    """A new response's columns, but for questionnaire_id, from `_complete_values`."""
    return {
        **dict.fromkeys(CONSENT_COLUMNS),
        **values,
        "started_at": started_at,
        "resume_token_hash": token_hash(resume_token or new_token()),
        "page_id": "",
    }


def _submit_if_current(
    version,
    slug,
    idempotency_key,
    answers,
    secret,
    resume_token,
    consent,
    started_at,
    paradata,
    notify,
) -> Submitted | None:
    """`submit` in one guarded statement (see there), in autocommit; in a transaction with
    its event when the study has a webhook endpoint (*notify*)."""
    now = utcnow()
    receipt = receipt_code(secret, version.questionnaire_id, idempotency_key)
    values = _complete_values(
        version, idempotency_key, answers, receipt, now, consent, paradata=paradata
    )
    statement: Executable | None
    if resume_token:
        values["resume"] = token_hash(resume_token)
        statement = _COMPLETE_IF_CURRENT[notify]
    else:
        values = _new_row(values, _plausible_start(started_at, now), None)
        statement = _INSERT_IF_CURRENT[notify].get(db.session.get_bind().dialect.name)
    if statement is None:
        return None
    values.update(
        current_questionnaire=version.questionnaire_id,
        current_version=version.id,
        current_number=version.number,
        current_published_at=version.published_at,
        current_slug=slug,
    )
    if notify:
        leave_autocommit()  # the response and its event commit together
    else:
        read_each_committed()  # one statement: its own transaction
    row_id = _write_once(version.questionnaire_id, statement, values, notify)
    if row_id is None:
        return None
    if notify:
        delivery.dispatch_soon()
    return Submitted(row_id, True, receipt)


def _write_once(
    questionnaire_id: int, statement: Executable, values: dict[str, Any], notify: bool = False
) -> int | None:
    """Run one writing statement (and, with *notify*, add its event) and commit; the id it
    wrote, or None: nothing written (no row matched, ON CONFLICT, or a constraint refused
    it) or the connection was lost."""
    try:
        with committed_write(), response_write(questionnaire_id):
            result = _execute_write(statement, values)
            if result.returns_rows:
                row_id = result.scalar()
            else:  # SQLite's INSERT, without RETURNING: see _insert_response
                row_id = result.lastrowid if result.rowcount == 1 else None
            if row_id is not None and notify:
                _record_completed(questionnaire_id, row_id, values)
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
_RESPONSES = cast(Table, Response.__table__)
_INSERT_RESPONSE = _RESPONSES.insert()
_INSERT_RESPONSE_RETURNING = _INSERT_RESPONSE.returning(_RESPONSES.c.id)
# The values to set are the execution's parameters (all but partial_id).
_COMPLETE_PARTIAL = update(_RESPONSES).where(
    _RESPONSES.c.id == db.bindparam("partial_id"),
    _RESPONSES.c.status == ResponseStatus.PARTIAL,
)
_RESPONSE_EXISTS = db.select(_RESPONSES.c.id).where(_RESPONSES.c.id == db.bindparam("partial_id"))


def _current_questionnaire(notify: bool):
    """The id of questionnaire `current_questionnaire` if it is still open under
    `current_slug`, its study is not archived (`permissions.study_takes_responses`), and
    `current_version` (`current_number`, `current_published_at`) is still its latest
    version; no row otherwise. The guard of the `*_if_current` writes. Unless the caller
    writes the response's webhook event (*notify*), also none once the study has an active
    webhook endpoint: a process that remembers "no endpoint" cannot miss the first one."""
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
            *([] if notify else [~outbox.study_has_endpoint(s.c.id)]),
        )
    )


def _insert_if_current(insert, notify: bool):
    """`submit_if_current`'s INSERT … SELECT, from a dialect's INSERT (for ON CONFLICT): the
    guard's row, if any, with the new response's values as parameters."""
    columns = [_RESPONSES.c[name] for name in NEW_ROW_COLUMNS]
    current = _current_questionnaire(notify).add_columns(
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
    notify: {
        "postgresql": _insert_if_current(postgresql_insert, notify).returning(_RESPONSES.c.id),
        "sqlite": _insert_if_current(sqlite_insert, notify),
    }
    for notify in (False, True)
}
# `questionnaire_id = NULL` matches no row: the UPDATE completes nothing on a stale guess.
_COMPLETE_IF_CURRENT = {
    notify: update(_RESPONSES)
    .where(
        _RESPONSES.c.resume_token_hash == db.bindparam("resume"),
        _RESPONSES.c.status == ResponseStatus.PARTIAL,
        _RESPONSES.c.version_id == db.bindparam("current_version"),
        _RESPONSES.c.questionnaire_id == _current_questionnaire(notify).scalar_subquery(),
    )
    .returning(_RESPONSES.c.id)
    for notify in (False, True)
}


def _insert_response(values: dict[str, Any]) -> int:
    """INSERT one response row; its id."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Without RETURNING, the statement ends in the call that runs it; with it, SQLite keeps
        # the statement (in autocommit: its write lock) open until Python fetched the row.
        return _execute_write(_INSERT_RESPONSE, values).lastrowid
    return db.session.execute(_INSERT_RESPONSE_RETURNING, values).scalar_one()


def _plausible_start(started_at: datetime | None, now: datetime) -> datetime:
    """The browser's start time, when it is in the past week; otherwise now."""
    if started_at is None or started_at > now or (now - started_at).days >= 7:
        return now
    return started_at


def _lock_questionnaire(questionnaire_id: int) -> None:
    """Serialise quota checks of a questionnaire: row lock on PostgreSQL, write lock on SQLite."""
    table = cast(Table, Questionnaire.__table__)
    db.session.execute(
        update(table)
        .where(table.c.id == questionnaire_id)
        .values(id=table.c.id, updated_at=table.c.updated_at)
    )


def _execute_write(
    statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """`db.session.execute` of an INSERT, UPDATE or DELETE, whose result SQLAlchemy types as a
    plain Result although it is the CursorResult with `rowcount` and `lastrowid`."""
    return cast("CursorResult[Any]", db.session.execute(statement, params))
