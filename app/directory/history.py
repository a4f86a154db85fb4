"""A record's history across the organisation's studies, for its page: the invitations made
for it, its responses, its interviews and the highlights in them, the records merged into it
included. (Everything held about the person, for export or erasure, is
`app.privacy.services.inventory`.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.extensions import db
from app.models import Highlight, Interview, Invitation, Participant, Response, Turn


@dataclass
class History:
    merged: list[Participant] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    highlights: dict[int, int] = field(default_factory=dict)  # interview id → highlights


def merged_into(participant: Participant) -> list[Participant]:
    """The records merged into *participant*, at any depth."""
    found: list[Participant] = []
    frontier = [participant.id]
    while frontier:
        batch = list(
            db.session.scalars(
                select(Participant)
                .where(Participant.merged_into_id.in_(frontier))
                .order_by(Participant.id)
            )
        )
        batch = [record for record in batch if record not in found and record is not participant]
        found += batch
        frontier = [record.id for record in batch]
    return found


def history(participant: Participant) -> History:
    merged = merged_into(participant)
    ids = [participant.id, *(record.id for record in merged)]
    found = History(merged=merged)
    found.invitations = list(
        db.session.scalars(
            select(Invitation).where(Invitation.participant_id.in_(ids)).order_by(Invitation.id)
        )
    )
    found.responses = list(
        db.session.scalars(
            select(Response).where(Response.participant_id.in_(ids)).order_by(Response.id)
        )
    )
    found.interviews = list(
        db.session.scalars(
            select(Interview).where(Interview.participant_id.in_(ids)).order_by(Interview.id)
        )
    )
    if found.interviews:
        rows = db.session.execute(
            select(Turn.interview_id, func.count(Highlight.id))
            .join(Highlight, Highlight.turn_id == Turn.id)
            .where(Turn.interview_id.in_([interview.id for interview in found.interviews]))
            .group_by(Turn.interview_id)
        )
        found.highlights = {row[0]: row[1] for row in rows}
    return found
