"""Partial responses: what a respondent typed so far, kept behind their resume link.

A partial is stored even when its answers are not valid yet (only their shape is checked), so
that nothing typed is lost (answers to flagged questions encrypted, `app.responses.protection`);
it is completed in place by the submit (`app.responses.submission`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.extensions import db
from app.models import Response, ResponseStatus
from app.models.types import utcnow
from app.responses.cache import response_write
from app.responses.protection import joined, stored_columns
from app.responses.records import Consent, Partial, consent_columns, new_token, token_hash
from app.responses.transactions import committed_write, leave_autocommit

MAX_PARTIAL_KEYS = 500


# The columns a `Partial` is read from, in its field order.
_PARTIAL_COLUMNS = (
    "id",
    "version_id",
    "status",
    "answers",
    "page_id",
    "started_at",
    "invitation_token_hash",
    "protected_answers",  # decrypted by the column type, joined to the answers
)


def _partial(values) -> Partial | None:
    """A `Partial` from the values of `_PARTIAL_COLUMNS` (None: no response was found)."""
    if values[0] is None:
        return None
    row_id, version_id, status, answers, page_id, started_at, invitation, protected = values
    whole = joined(answers, protected)
    return Partial(row_id, version_id, status, whole, page_id, started_at, invitation)


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
) -> tuple[str, Partial | None]:
    """Create or update the partial response behind *resume_token*; returns the token used.

    *version* is the version answered (anything with `id` and `questionnaire_id`). A token
    whose response is already complete is never written again: a new partial is not started
    either (one person, one response), the caller sees status complete.
    """
    answers = dict(list(dict(answers).items())[:MAX_PARTIAL_KEYS])
    # A personal answer is encrypted even in a draft (read before the row joins the session).
    stored = stored_columns(version, answers)
    leave_autocommit()  # the look-up and the write below are one transaction
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
    if row is None or not resume_token:  # (a row is only ever found under a token)
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
    for column, value in stored.items():
        setattr(row, column, value)
    row.page_id = page_id[:100]
    row.updated_at = now
    if consent is not None:
        for column, value in consent_columns(consent).items():
            setattr(row, column, value)
    with committed_write(), response_write(version.questionnaire_id):
        db.session.flush()
    return resume_token, _partial_by_token(version.questionnaire_id, resume_token)
