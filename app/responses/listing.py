"""The researcher's view of single responses: list, detail, answers, deletion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, true

from app.extensions import db
from app.models import (
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    WebhookEventType,
)
from app.responses.cache import response_write
from app.responses.protection import answers_of_row, joined, masked_joined
from app.responses.records import NOT_TEST, duration
from app.webhooks import outbox


@dataclass(frozen=True)
class ListedResponse:
    id: int
    status: ResponseStatus
    version_number: int
    started_at: datetime
    submitted_at: datetime | None
    duration_s: float | None
    has_personal: bool = False  # holds answers to questions flagged personal or sensitive


@dataclass(frozen=True)
class ResponseDetail:
    id: int
    status: ResponseStatus
    version_number: int
    definition: dict[str, Any]
    answers: dict[str, Any]
    started_at: datetime
    submitted_at: datetime | None
    source: str = "web"  # or the tool it was imported from (`app.responses.importing`)
    source_id: str | None = None

    @property
    def duration_s(self) -> float | None:
        return duration(self.started_at, self.submitted_at)


@dataclass
class DeletedResponse:
    record: Response
    status: str
    version: int
    event_id: str | None = None  # its `response.deleted` webhook event, if any endpoint wants it


def _filtered(query, questionnaire, statuses, submitted_from, submitted_until):
    query = query.where(Response.questionnaire_id == questionnaire.id, NOT_TEST)
    if statuses:
        query = query.where(Response.status.in_(list(statuses)))
    if submitted_from is not None:
        query = query.where(Response.submitted_at >= submitted_from)
    if submitted_until is not None:
        query = query.where(Response.submitted_at < submitted_until)
    return query


def paradata_of(questionnaire: Questionnaire) -> dict[int, dict[str, Any]]:
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
            Response.protected_answers.is_not(None),  # a flag: nothing is decrypted
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
        ListedResponse(
            rid, status, number, started, submitted, duration(started, submitted), bool(personal)
        )
        for rid, status, number, started, submitted, personal in rows
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
        answers=answers_of_row(row),  # personal answers too: the page masks them
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        source=row.source,
        source_id=row.source_id,
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
    announced = row.status is ResponseStatus.COMPLETE and not row.is_test  # receivers know it
    with response_write(questionnaire.id, rewrites=[response_id]):
        db.session.delete(row)
        db.session.flush()
        if announced:  # in the transaction of the delete, which the caller commits
            data = outbox.response_payload(response_id, questionnaire.id)
            deleted.event_id = outbox.record(
                WebhookEventType.RESPONSE_DELETED, questionnaire.id, data
            )
    return deleted


def answers_of(response_id: int) -> dict[str, Any]:
    """The stored answers of one response, personal ones decrypted (for the researcher's pages
    and tests)."""
    row = db.session.execute(
        db.select(Response.answers, Response.protected_answers).where(Response.id == response_id)
    ).one()
    return joined(*row)


def delete_test_responses(questionnaire: Questionnaire) -> int:
    """Delete every test response of *questionnaire* (the caller audits and commits); how many.

    The response table's blocks hold no test response (`NOT_TEST`), so their count and id
    sum do not change and none needs rebuilding.
    """
    with response_write(questionnaire.id):
        deleted = cast(  # a DELETE's result is a CursorResult, typed as a plain Result
            "CursorResult[Any]",
            db.session.execute(
                delete(Response)
                .where(Response.questionnaire_id == questionnaire.id, Response.is_test == true())
                .execution_options(synchronize_session=False)
            ),
        )
    return deleted.rowcount


@dataclass(frozen=True)
class SubmittedResponse:
    """A complete response with its answers, as the REST API hands it out."""

    id: int
    questionnaire_id: int
    version: int
    started_at: datetime
    submitted_at: datetime
    answers: dict[str, Any]

    @property
    def duration_s(self) -> float | None:
        return duration(self.started_at, self.submitted_at)


def submitted_after(
    questionnaire: Questionnaire,
    *,
    after_id: int = 0,
    submitted_since: datetime | None = None,
    limit: int = 100,
    reveal_personal: bool = False,
) -> list[SubmittedResponse]:
    """Up to *limit* complete responses (not test ones) with ids above *after_id*, oldest id
    first: a keyset page, which an index serves however deep the page, and which stays right
    while responses arrive (a new one has a higher id; one completed late from an old partial
    keeps its low id, and a client asking with `submitted_since` finds it). Answers to
    questions flagged personal or sensitive are masked unless *reveal_personal* (the caller
    decided it may, `app.permissions.reveals_personal`, and audits it)."""
    query = (
        db.select(
            Response.id,
            QuestionnaireVersion.number,
            Response.started_at,
            Response.submitted_at,
            Response.answers,
            Response.protected_answers,
        )
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .where(
            Response.questionnaire_id == questionnaire.id,
            Response.status == ResponseStatus.COMPLETE,
            NOT_TEST,
            Response.id > after_id,
        )
    )
    if submitted_since is not None:
        query = query.where(Response.submitted_at >= submitted_since)
    rows = db.session.execute(query.order_by(Response.id).limit(limit)).all()
    shown = joined if reveal_personal else masked_joined
    return [
        SubmittedResponse(
            rid, questionnaire.id, number, started, submitted, shown(answers, protected)
        )
        for rid, number, started, submitted, answers, protected in rows
    ]
