"""A directory segment as a filter of a questionnaire's responses (results exports, findings):
only the complete responses linked to the segment's current members (`participant_id`, set
when a member answered through their personal link). A segment of another organisation than
the questionnaire's study filters everything out; anonymous questionnaires have no linked
response, so a segment keeps none of theirs."""

from __future__ import annotations

from app.extensions import db
from app.models import Questionnaire, Segment
from app.outreach.segments import member_ids, stored_rules
from app.responses.participants import response_ids_of


def segment_response_ids(questionnaire: Questionnaire, segment_id: int) -> list[int]:
    segment = db.session.get(Segment, segment_id)
    if segment is None or segment.organisation_id != questionnaire.study.organisation_id:
        return []
    return response_ids_of(
        questionnaire.id, member_ids(segment.organisation_id, stored_rules(segment))
    )
