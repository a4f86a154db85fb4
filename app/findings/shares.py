"""Share links: made, listed and revoked by members who may share; opened by anyone holding
the token, until it expires or is revoked. Every view is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from analysis.findings.query import Query
from app import audit
from app.extensions import db
from app.models import Questionnaire, ShareLink, User
from app.models.types import utcnow
from app.responses.records import new_token, token_hash

#: the expiry choices offered, in days (None: never)
EXPIRY_DAYS: dict[str, int | None] = {"7": 7, "30": 30, "90": 90, "never": None}


def create_share(
    questionnaire: Questionnaire,
    actor: User,
    query: Query,
    *,
    expires: str,
    include_quotes: bool,
    label: str = "",
) -> tuple[ShareLink, str]:
    """The new link and its token (shown once: only its hash is kept)."""
    days = EXPIRY_DAYS[expires]
    token = new_token()
    link = ShareLink(
        questionnaire_id=questionnaire.id,
        token_hash=token_hash(token),
        label=label.strip(),
        query=query.to_dict(),
        include_quotes=include_quotes,
        created_by_id=actor.id,
        expires_at=None if days is None else utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "share.create",
        link,
        study_id=questionnaire.study_id,
        after={"expires": expires, "include_quotes": include_quotes, "query": link.query},
        actor=actor,
    )
    db.session.commit()
    return link, token


def shares_of(questionnaire: Questionnaire) -> list[ShareLink]:
    return list(
        db.session.scalars(
            db.select(ShareLink)
            .where(ShareLink.questionnaire_id == questionnaire.id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        )
    )


def share_in(questionnaire: Questionnaire, share_id: int) -> ShareLink | None:
    return db.session.scalar(
        db.select(ShareLink).where(
            ShareLink.id == share_id, ShareLink.questionnaire_id == questionnaire.id
        )
    )


def revoke_share(link: ShareLink, actor: User) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("share.revoke", link, study_id=link.questionnaire.study_id, actor=actor)
        db.session.commit()


def open_share(token: str, *, count: bool = True, now: datetime | None = None) -> ShareLink | None:
    """The link behind *token* if it is still open, with the view counted and audited (not
    for the page's charts: *count* False); None for an unknown, revoked or expired one (the
    page is then a 404, like any unknown address)."""
    link = db.session.scalar(db.select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if link is None or not link.is_open(now or utcnow()):
        return None
    if not count:
        return link
    link.views += 1
    audit.record(
        "share.view", link, study_id=link.questionnaire.study_id, detail={"views": link.views}
    )
    db.session.commit()
    return link
