"""A copy of everything held about one participant (PIPL art. 45: the right to copy), what
the researcher downloads for them from the participant's data page; audited."""

from __future__ import annotations

import json
from typing import Any

from app import audit
from app.extensions import db
from app.models import Interview, Participant, Response, User
from app.privacy.services import ParticipantData
from app.responses import listing


def export(data: ParticipantData) -> dict[str, Any]:
    """A copy of everything about the person, as one JSON-safe document."""
    return {
        "records": [_record(record) for record in data.records],
        "responses": [_response(row) for row in data.responses],
        "invitations": [
            {"questionnaire": invitation.questionnaire_id, "used_at": _iso(invitation.used_at)}
            for invitation in data.invitations
        ],
        "interviews": [_interview(interview) for interview in data.interviews],
        "quotes": [{"text": quote.text, "origin": quote.origin} for quote in data.quotes],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _record(record: Participant) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "phone": record.phone,
        "email": record.email,
        "wechat_id": record.wechat_id,
        "age_band": record.age_band,
        "gender": record.gender,
        "income_band": record.income_band,
        "occupation": record.occupation,
        "city": record.city,
        "city_tier": record.city_tier,
        "custom": dict(record.custom or {}),
        "protected": json.loads(record.protected) if record.protected else {},
        "tags": list(record.tags or []),
        "consents": dict(record.consents or {}),
        "notes": record.notes,
        "merged_into": record.merged_into_id,
        "created_at": _iso(record.created_at),
        "updated_at": _iso(record.updated_at),
    }


def _response(row: Response) -> dict[str, Any]:
    detail = listing.response_detail(row.questionnaire, row.id)
    return {
        "id": row.id,
        "questionnaire": row.questionnaire.title,
        "status": row.status.value,
        "started_at": _iso(row.started_at),
        "submitted_at": _iso(row.submitted_at),
        "answers": detail.answers if detail is not None else {},
    }


def _interview(interview: Interview) -> dict[str, Any]:
    return {
        "id": interview.id,
        "title": interview.title,
        "participant_label": interview.participant_label,
        "attributes": dict(interview.attributes or {}),
        "held_on": _iso(interview.held_on),
        "consent": interview.consent.value,
        "turns": [
            {
                "speaker": turn.speaker,
                "text": turn.text,
                "highlights": [
                    {"snippet": h.snippet, "memo": h.memo, "code": h.code.name}
                    for h in turn.highlights
                ],
            }
            for turn in interview.turns
        ],
    }


def record_export(data: ParticipantData, actor: User | None) -> None:
    """Audit that a copy was taken (what was copied is counted, not named)."""
    audit.record(
        "participant.export",
        data.participant,
        actor=actor,
        detail={"counts": data.counts()},
    )
    db.session.commit()
