"""Responses by directory record: the response store's part in segments and their filters.

Only the response store reads `Response.answers` (its module docstring), so the clause that
asks "did this participant choose option X of question Q" is built here and handed to the
segment compiler (`app.outreach.segments`) as one correlated EXISTS.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Text, cast, exists, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.models import Participant, Response, ResponseStatus


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def chose_clause(questionnaire_id: int, question: str, options: tuple[str, ...]) -> ColumnElement:
    """True for a participant with a complete response to *questionnaire_id*, linked to them,
    whose answer to *question* is, or (a multiple choice) includes, one of *options*."""
    if _dialect() == "postgresql":
        answer: Any = Response.answers.op("->")(question)
        matched = or_(
            answer.op("#>>")(cast(literal("{}"), ARRAY(Text))).in_(options),
            *(answer.bool_op("@>")(db.func.to_jsonb(cast(option, Text))) for option in options),
        )
    else:
        path = '$."' + question + '"'  # question ids are checked: [A-Za-z0-9_.-]
        element = db.func.json_each(Response.answers, path).table_valued("value")
        matched = exists(
            select(literal(1)).select_from(element).where(cast(element.c.value, Text).in_(options))
        )
    return exists(
        select(literal(1)).where(
            Response.participant_id == Participant.id,
            Response.questionnaire_id == questionnaire_id,
            Response.status == ResponseStatus.COMPLETE,
            matched,
        )
    )


def response_ids_of(questionnaire_id: int, participants: Any) -> list[int]:
    """The complete responses of *questionnaire_id* linked to the participants that the
    select *participants* (of participant ids) returns, in id order."""
    return list(
        db.session.scalars(
            select(Response.id)
            .where(
                Response.questionnaire_id == questionnaire_id,
                Response.status == ResponseStatus.COMPLETE,
                Response.participant_id.in_(participants),
            )
            .order_by(Response.id)
        )
    )
