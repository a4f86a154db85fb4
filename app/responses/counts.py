"""Counts of responses: by status, for quotas, and the fingerprint the results are cached by.

Each is read from the `(questionnaire_id, status, is_test, id)` index, without reading answers
(but the per-answer quota, which reads one answer of each complete response).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, true

from app.extensions import db
from app.models import Questionnaire, Response, ResponseStatus
from app.responses.records import NOT_TEST


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


def test_response_count(questionnaire: Questionnaire) -> int:
    """How many test responses (partial or complete) the questionnaire has."""
    return db.session.scalar(
        db.select(func.count()).where(
            Response.questionnaire_id == questionnaire.id, Response.is_test == true()
        )
    )


def partials_by_page(questionnaire: Questionnaire) -> dict[str, int]:
    """{page id: partial responses last saved on it} ("" for one saved before any page)."""
    rows = db.session.execute(
        db.select(Response.page_id, func.count())
        .where(
            Response.questionnaire_id == questionnaire.id,
            Response.status == ResponseStatus.PARTIAL,
            NOT_TEST,
        )
        .group_by(Response.page_id)
    ).all()
    return {page or "": n for page, n in rows}
