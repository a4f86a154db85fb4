"""Making, finding and revoking personal access tokens (`AccessToken`).

A token is `wf_pat_` and 43 URL-safe characters (32 random bytes): recognisable by secret
scanners, and enough entropy that a plain SHA-256 (no salt, no slow hash) is a safe way to
keep it, as GitHub and GitLab keep theirs. It is shown once; the list shows its first
characters (`hint`), its scope, study, expiry and last use.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, update

from app import audit
from app.extensions import db
from app.models import AccessToken, Study, TokenScope, User
from app.models.types import utcnow

if TYPE_CHECKING:
    from app.permissions import StudyAccess

PREFIX = "wf_pat_"
HINT_LENGTH = len(PREFIX) + 4
EXPIRY_DAYS = (7, 30, 90, 365)
# Last use is written at most this often per token: a script's every request is no write.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that may not be made: `str(error)` is the reason's code."""


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    user: User, access: StudyAccess, *, name: str, scope: TokenScope, days: int
) -> tuple[AccessToken, str]:
    """A new token of *user* for the study of *access* and its secret (shown once). A write
    token only for a role that may submit responses now (its use is checked again each time)."""
    if days not in EXPIRY_DAYS:
        raise TokenError("expiry")
    if scope is TokenScope.WRITE and not access.can("submit_responses"):
        raise TokenError("write_not_allowed")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        user_id=user.id,
        study_id=access.study.id,
        name=name.strip(),
        scope=scope,
        token_hash=secret_hash(secret),
        hint=secret[:HINT_LENGTH],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.create",
        token,
        study_id=access.study.id,
        detail={"name": token.name, "scope": scope.value, "days": days},
        actor=user,
    )
    db.session.commit()
    return token, secret


def tokens_of(user: User) -> list[tuple[AccessToken, Study]]:
    """The user's tokens, newest first, with their studies."""
    rows = db.session.execute(
        db.select(AccessToken, Study)
        .join(Study, Study.id == AccessToken.study_id)
        .where(AccessToken.user_id == user.id)
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
    )
    return [(token, study) for token, study in rows]


def token_of(user: User, token_id: int) -> AccessToken | None:
    """One of the user's own tokens; None for anyone else's."""
    return db.session.scalar(
        db.select(AccessToken).where(AccessToken.id == token_id, AccessToken.user_id == user.id)
    )


def revoke_token(token: AccessToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            "token.revoke", token, study_id=token.study_id, detail={"name": token.name}, actor=actor
        )
        db.session.commit()


def find_token(secret: str) -> AccessToken | None:
    """The token whose secret this is (revoked and expired ones too), or None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    return db.session.scalar(
        db.select(AccessToken).where(AccessToken.token_hash == secret_hash(secret))
    )


def mark_used(token: AccessToken, now: datetime | None = None) -> None:
    """Record the token's use, unless it was recorded within `LAST_USED_PRECISION`."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    db.session.execute(
        update(AccessToken)
        .where(
            AccessToken.id == token.id,
            or_(
                AccessToken.last_used_at.is_(None),
                AccessToken.last_used_at < now - LAST_USED_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
