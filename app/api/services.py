"""What the REST API reads and writes, as plain rows for its schemas. Authorisation is done
before (`app.permissions.api_required` and the scoped loaders); responses are read and
stored through `app.responses` and the respondent's own submit flow only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from app import audit
from app.api.pagination import decode_cursor, encode_cursor
from app.extensions import db
from app.models import (
    Code,
    Highlight,
    ImportStatus,
    Interview,
    Questionnaire,
    QuestionnaireVersion,
    Turn,
    User,
)
from app.permissions import StudyAccess, presented_token
from app.problem_details import Problem, field_errors
from app.respond import services as respond
from app.respond.rules import Respondent
from app.responses.listing import submitted_after


def study_row(access: StudyAccess, scope) -> dict[str, Any]:
    study = access.study
    fields = ("id", "title", "goal", "audience", "sample_plan", "methods", "starts_on")
    row = {name: getattr(study, name) for name in fields}
    row.update(
        ends_on=study.ends_on,
        status=study.status,
        created_at=study.created_at,
        role=access.role,
        scope=scope,
    )
    return row


def questionnaire_row(questionnaire: Questionnaire) -> dict[str, Any]:
    latest = questionnaire.latest_version
    return {
        "id": questionnaire.id,
        "study_id": questionnaire.study_id,
        "title": questionnaire.title,
        "slug": questionnaire.slug,
        "status": questionnaire.status,
        "wave": questionnaire.wave,
        "series_id": questionnaire.series_id,
        "latest_version": latest.number if latest is not None else None,
        "created_at": questionnaire.created_at,
        "updated_at": questionnaire.updated_at,
        "archived_at": questionnaire.archived_at,
    }


def questionnaires_of(access: StudyAccess) -> list[dict[str, Any]]:
    return [
        questionnaire_row(questionnaire)
        for questionnaire in db.session.scalars(
            db.select(Questionnaire)
            .where(Questionnaire.study_id == access.study.id)
            .order_by(Questionnaire.id)
        )
    ]


def versions_of(questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    return list(questionnaire.versions)


def response_page(
    questionnaire: Questionnaire,
    *,
    cursor: str | None,
    submitted_since: datetime | None,
    limit: int,
    reveal_personal: bool = False,
) -> dict[str, Any]:
    """One page of complete responses and the cursor of the next (None on the last); with
    *reveal_personal* (decided by `app.permissions.reveals_personal`) the personal answers
    in clear, audited."""
    try:
        after_id = decode_cursor(cursor) if cursor else 0
    except ValueError:
        message = _("This cursor was not given by this API.")
        raise Problem("validation_failed", errors={"cursor": [message]}) from None
    rows = submitted_after(
        questionnaire,
        after_id=after_id,
        submitted_since=submitted_since,
        limit=limit + 1,
        reveal_personal=reveal_personal,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if reveal_personal and rows:
        audit.record(
            "responses.api_personal",
            questionnaire,
            study_id=questionnaire.study_id,
            detail={"count": len(rows), "first_id": rows[0].id, "last_id": rows[-1].id},
            actor=_token_user(),
        )
        db.session.commit()
    return {"items": rows, "next_cursor": encode_cursor(rows[-1].id) if more else None}


def _token_user() -> User | None:
    token = presented_token()
    return db.session.get(User, token.user_id) if token is not None else None


def submit_response(questionnaire: Questionnaire, body: dict[str, Any], key: str | None):
    """Store a complete response as the respondent's form would: the same key rule, checks and
    statuses (201 new, 200 a repeat of the key with the same response), through the
    respondent's submit flow. Returns (reply, status) or raises a `Problem`."""
    if questionnaire.latest_version is None:
        raise Problem("not_published")
    if isinstance(body.get("started_at"), datetime):
        body = {**body, "started_at": body["started_at"].isoformat()}
    done = respond.submit(
        questionnaire.slug,
        body,
        key,
        Respondent(locale=str(get_locale() or "zh_CN")),
        current_app.config["SECRET_KEY"],
        address=None,  # the script's address is no respondent's: no address hash is kept
    )
    if done is None:  # archived questionnaire: no public form either
        raise Problem("closed")
    outcome = done.outcome
    if outcome.status in (200, 201):
        reply = {key: outcome.body[key] for key in ("response_id", "receipt", "status")}
        return reply, outcome.status
    error = outcome.body.get("error")
    if outcome.status == 422:
        errors = field_errors(outcome.body.get("errors") or {}, "answers")
        raise Problem("validation_failed", errors=errors)
    if error == "idempotency_key":
        raise Problem("idempotency_key_required")
    if error in (None, "bad_request"):
        raise Problem("bad_request", detail=outcome.body.get("message"))
    raise Problem(error, detail=outcome.body.get("message"))


def interviews_of(access: StudyAccess) -> list[Interview]:
    return list(
        db.session.scalars(
            db.select(Interview)
            .where(Interview.study_id == access.study.id, Interview.status == ImportStatus.SAVED)
            .order_by(Interview.id)
        )
    )


def saved(interview: Interview) -> Interview:
    """An interview still in its import preview is not there yet (404)."""
    if interview.status is not ImportStatus.SAVED:
        raise Problem("not_found")
    return interview


def highlights_of(interview: Interview) -> list[Highlight]:
    return list(
        db.session.scalars(
            db.select(Highlight)
            .join(Turn, Turn.id == Highlight.turn_id)
            .join(Code, Code.id == Highlight.code_id)
            .where(Turn.interview_id == interview.id)
            .order_by(Turn.seq, Highlight.start, Highlight.id)
        )
    )
