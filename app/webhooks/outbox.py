"""The outbox: an event for each response completed, updated or deleted, written by the
response store in the transaction of the change (`record`), so that the change and its
event are committed together or not at all. Delivering them is `app.webhooks.delivery`'s
job; nothing here sends, commits or needs a request.

Test responses (answered in test mode) raise no event: they are in no result either.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import true

from app.extensions import db
from app.models import (
    Questionnaire,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from app.models.types import utcnow


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def study_has_endpoint(study_id):
    """A SQL boolean: whether the study *study_id* (a column or a value) has an active
    endpoint, for the look-ups and guards of the response store to carry along."""
    endpoints = WebhookEndpoint.__table__
    return (
        db.select(endpoints.c.id)
        .where(endpoints.c.study_id == study_id, endpoints.c.active == true())
        .exists()
        .label("webhooks")
    )


def wanted(questionnaire_id: int) -> bool:
    """Whether the study of *questionnaire_id* has an active endpoint: what a submit asks
    when its caller did not look it up (an event needs a second statement in its
    transaction)."""
    study_id = db.select(Questionnaire.study_id).where(Questionnaire.id == questionnaire_id)
    return bool(db.session.scalar(db.select(study_has_endpoint(study_id.scalar_subquery()))))


def response_payload(
    response_id: int, questionnaire_id: int, values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The event's `data`: the response's ids, and for a completed or updated one the version
    answered, when it was submitted and its answers (the stored values, keyed by question id)."""
    data: dict[str, Any] = {"response_id": response_id, "questionnaire_id": questionnaire_id}
    if values is not None:
        submitted_at = values["submitted_at"]
        data.update(
            version_id=values["version_id"],
            submitted_at=submitted_at.isoformat() if submitted_at else None,
            answers=dict(values["answers"]),
        )
    return data


def record(
    event_type: WebhookEventType,
    questionnaire_id: int,
    data: dict[str, Any],
    *,
    now: datetime | None = None,
) -> str | None:
    """Add the event and a delivery to each active endpoint subscribed to its type, in the
    session's transaction (the caller commits with its change); the event id, or None when
    no endpoint wants it.

    The endpoints are read FOR KEY SHARE on PostgreSQL: an endpoint deleted meanwhile waits
    for this transaction instead of breaking its deliveries' foreign key (SQLite has one
    writer at a time anyway)."""
    rows = db.session.execute(
        db.select(WebhookEndpoint.id, WebhookEndpoint.study_id, WebhookEndpoint.event_types)
        .join(Questionnaire, Questionnaire.study_id == WebhookEndpoint.study_id)
        .where(Questionnaire.id == questionnaire_id, WebhookEndpoint.active == true())
        .with_for_update(read=True, key_share=True, of=WebhookEndpoint)
    ).all()
    endpoints = [(id_, study_id) for id_, study_id, types in rows if event_type.value in types]
    if not endpoints:
        return None
    now = now or utcnow()
    event_id = new_event_id()
    db.session.execute(
        db.insert(WebhookEvent).values(
            id=event_id,
            study_id=endpoints[0][1],
            type=event_type.value,
            payload=data,
            created_at=now,
        )
    )
    db.session.execute(
        db.insert(WebhookDelivery),
        [
            {
                "event_id": event_id,
                "endpoint_id": endpoint_id,
                "next_attempt_at": now,
                "created_at": now,
            }
            for endpoint_id, _ in endpoints
        ],
    )
    return event_id
