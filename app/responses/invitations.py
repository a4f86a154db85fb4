"""Invitations: single-use links to an invitation-only questionnaire.

Only the tokens' hashes are stored; a token is spent by the submit that uses it
(`app.responses.submission`), in the submit's own transaction.
"""

from __future__ import annotations

from sqlalchemy import func

from app.extensions import db
from app.models import Invitation, Questionnaire
from app.models.types import utcnow
from app.responses.records import new_token, token_hash


def create_invitations(questionnaire: Questionnaire, count: int) -> list[str]:
    """*count* new single-use tokens; only their hashes are kept, so return them now."""
    tokens = [new_token() for _ in range(count)]
    now = utcnow()
    db.session.add_all(
        Invitation(questionnaire_id=questionnaire.id, token_hash=token_hash(t), created_at=now)
        for t in tokens
    )
    db.session.commit()
    return tokens


def invitation_state(questionnaire: Questionnaire, token: str | None) -> str:
    """ "valid", "used" or "unknown"."""
    if not token:
        return "unknown"
    return invitation_hash_state(questionnaire.id, token_hash(token))


def invitation_hash_state(questionnaire_id: int, hashed: str) -> str:
    used_at = db.session.execute(
        db.select(Invitation.used_at).where(
            Invitation.token_hash == hashed, Invitation.questionnaire_id == questionnaire_id
        )
    ).first()
    if used_at is None:
        return "unknown"
    return "valid" if used_at[0] is None else "used"


def invitation_counts(questionnaire: Questionnaire) -> dict[str, int]:
    total, used = db.session.execute(
        db.select(func.count(), func.count(Invitation.used_at)).where(
            Invitation.questionnaire_id == questionnaire.id
        )
    ).one()
    return {"total": total, "used": used}
