"""The respondent's look-up: what a request to /s/<slug> needs, in one round trip.

The questionnaire behind the slug, its study's status (and whether the study has an active
webhook endpoint, so that a submit needs no statement to ask) and its latest version; with an
Idempotency-Key the id of a response already stored under it, with a resume token the
respondent's partial response. The answers' tables are read here and nowhere in the respond
package.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import (
    Questionnaire,
    QuestionnaireStatus,
    QuestionnaireVersion,
    Response,
    Study,
    StudyStatus,
)
from app.responses.drafts import resumed_join, resumed_partial
from app.responses.records import Partial, token_hash
from app.responses.transactions import read_each_committed
from app.webhooks import outbox


class Found(NamedTuple):
    questionnaire_id: int
    slug: str
    title: str
    status: QuestionnaireStatus
    study_status: StudyStatus
    webhooks: bool  # its study has an active webhook endpoint (`app.webhooks.outbox.wanted`)
    version_id: int
    version_number: int
    published_at: datetime
    submitted_id: int | None  # the response already stored under the request's key
    partial: Partial | None  # the response behind the request's resume token


def find_for_respondent(
    slug: str, idempotency_key: str | None = None, resume_token: str | None = None
) -> Found | None:
    """What the respondent's request needs of *slug* (None: no published questionnaire).

    The latest version is read by the unique (questionnaire, number) index. The read runs
    outside a transaction (`read_each_committed`): a respondent's request writes at most once
    after it.

    The pool does not ping a connection before handing it out (a round trip per request):
    when the server has closed it meanwhile (a restart, an idle timeout), this first query of
    the request fails, SQLAlchemy discards the connection and marks the pool's older ones
    stale, and the query is asked once more on a fresh connection. Nothing was written yet.
    """
    query = _LOOKUPS[bool(idempotency_key), bool(resume_token)]
    params = {"slug": slug, "key": idempotency_key}
    if resume_token:
        params["resume"] = token_hash(resume_token)
    for attempt in (1, 2):
        try:
            read_each_committed()
            row = db.session.execute(query, params).first()
            break
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
            db.session.rollback()
    if row is None:
        return None
    return Found._make(
        (
            *row[:9],
            row[9] if idempotency_key else None,  # submitted_id
            resumed_partial(row) if resume_token else None,  # partial
        )
    )


def _submitted_id_of(questionnaire_id, idempotency_key):
    """A scalar subquery: the id of the response to *questionnaire_id* stored under
    *idempotency_key* (each a value, a column or a bind parameter), or NULL."""
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


def find_submitted_id(questionnaire_id: int, idempotency_key: str) -> int | None:
    """The id of the response stored under *idempotency_key*, if any."""
    return db.session.scalar(db.select(_submitted_id_of(questionnaire_id, idempotency_key)))


def _lookup_query(with_key: bool, with_resume: bool):
    q, v, s = Questionnaire.__table__, QuestionnaireVersion.__table__, Study.__table__
    query = (
        db.select(
            q.c.id,
            q.c.slug,
            q.c.title,
            q.c.status,
            s.c.status,
            outbox.study_has_endpoint(s.c.id),
            v.c.id,
            v.c.number,
            v.c.published_at,
        )
        .select_from(q)
        .join(s, s.c.id == q.c.study_id)
        .join(v, v.c.questionnaire_id == q.c.id)
        .where(q.c.slug == bindparam("slug"))
        .order_by(v.c.number.desc())
        .limit(1)
    )
    if with_key:
        query = query.add_columns(_submitted_id_of(q.c.id, bindparam("key")))
    if with_resume:
        query = resumed_join(query, q.c.id, bindparam("resume"))
    return query


# Built once, not on every request (SQLAlchemy still derives each one's cache key per
# execution, about 16 µs for the lookup, to find its compiled form).
_LOOKUPS = {(k, r): _lookup_query(k, r) for k in (False, True) for r in (False, True)}
