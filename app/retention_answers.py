"""Per-question retention (issue 28.5; PIPL art. 19): a question may keep its answer for a
period of its own (`retention_days` in the questionnaire), shorter than the study's — a phone
number asked for a follow-up call, a precise address for a delivery test. Past it, the privacy
sweep clears that answer (and its "other" text) from each response, keeps the rest of the
response, tells webhook receivers of the change as any edit does, and records per
questionnaire how many answers of each question it cleared, never the answers themselves.

Unfinished responses count from their last save, submitted ones from their submission. Every
write goes through the response store (`response_write`), so no cached table keeps a copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func

from app import audit
from app.extensions import db
from app.models import Questionnaire, QuestionnaireVersion, Response, WebhookEventType
from app.models.types import utcnow
from app.responses import protection
from app.responses.cache import response_write
from app.webhooks import delivery, outbox
from surveys.retention import answer_periods, without_answers


@dataclass
class AnswerSweep:
    """What the sweep did (or, dry, would do) to one questionnaire's answers."""

    questionnaire_id: int
    title: str
    cleared: dict[str, int] = field(default_factory=dict)  # question id → answers cleared

    @property
    def changed(self) -> bool:
        return any(self.cleared.values())


def sweep_answers(now: datetime | None = None, *, dry_run: bool = False) -> list[AnswerSweep]:
    """Clear each question with a period of its own from the responses older than it; what
    was done, questionnaire by questionnaire (only those with such a question)."""
    now = now or utcnow()
    periods_by_version: dict[int, dict[int, dict[str, int]]] = {}
    versions = db.session.execute(
        db.select(
            QuestionnaireVersion.id,
            QuestionnaireVersion.questionnaire_id,
            QuestionnaireVersion.definition,
        ).order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.id)
    )
    for version_id, questionnaire_id, definition in versions:
        periods = answer_periods(definition or {})
        if periods:
            periods_by_version.setdefault(questionnaire_id, {})[version_id] = periods
    done = [
        _sweep_questionnaire(questionnaire_id, periods, now, dry_run)
        for questionnaire_id, periods in periods_by_version.items()
    ]
    if dry_run:
        db.session.rollback()
    return done


def _sweep_questionnaire(
    questionnaire_id: int, periods: dict[int, dict[str, int]], now: datetime, dry: bool
) -> AnswerSweep:
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    done = AnswerSweep(questionnaire_id, questionnaire.title if questionnaire else "")
    changed: dict[int, tuple[Response, dict]] = {}
    for version_id, by_question in periods.items():
        shortest = min(by_question.values())
        candidates = db.session.scalars(
            db.select(Response)
            .where(
                Response.version_id == version_id,
                func.coalesce(Response.submitted_at, Response.updated_at)
                < now - timedelta(days=shortest),
            )
            .order_by(Response.id)
        )
        for row in candidates:
            age = now - (row.submitted_at or row.updated_at)
            expired = {qid for qid, days in by_question.items() if age > timedelta(days=days)}
            answers = protection.answers_of_row(row)
            kept = without_answers(answers, expired)
            if kept == answers:
                continue
            for qid in expired:
                if any(key.split("/", 1)[0] == qid for key in answers):
                    done.cleared[qid] = done.cleared.get(qid, 0) + 1
            changed[row.id] = (row, kept)
    if dry or not changed:
        return done
    announced = (
        [row for row, _ in changed.values() if not row.is_test and row.submitted_at]
        if outbox.wanted(questionnaire_id)
        else []
    )
    with response_write(questionnaire_id, rewrites=list(changed)):
        for row, kept in changed.values():
            protection.store_on(row, row.version, kept)
        for row in announced:
            columns = {"answers": row.answers, "protected_answers": row.protected_answers}
            values = {"version_id": row.version_id, "submitted_at": row.submitted_at,
                      "answers": protection.event_answers(columns)}  # fmt: skip
            data = outbox.response_payload(row.id, questionnaire_id, values)
            outbox.record(WebhookEventType.RESPONSE_UPDATED, questionnaire_id, data)
        db.session.flush()
    audit.record(
        "privacy.answer_sweep",
        questionnaire,
        study_id=questionnaire.study_id if questionnaire else None,
        detail={
            "questionnaire": questionnaire_id,
            "answers": sum(done.cleared.values()),
            "questions": ", ".join(f"{qid} ({n})" for qid, n in sorted(done.cleared.items())),
        },
    )
    db.session.commit()
    if announced:
        delivery.dispatch_soon()
    return done


def describe_answers(done: AnswerSweep) -> str:
    """One line for the command line and the job's report."""
    cleared = ", ".join(f"{qid} {count}" for qid, count in sorted(done.cleared.items()))
    return (
        f"questionnaire {done.questionnaire_id} ({done.title}): answers past their own period "
        f"cleared: {cleared or 'none'}"
    )
