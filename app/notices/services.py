"""A study's consent notice versions, and the retention period said in words."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import ngettext

from app import audit
from app.extensions import db
from app.models import NOTICE_TEXTS, ConsentNotice, Study, User


def latest(study: Study) -> ConsentNotice | None:
    return db.session.scalar(
        db.select(ConsentNotice)
        .where(ConsentNotice.study_id == study.id)
        .order_by(ConsentNotice.version.desc())
        .limit(1)
    )


def history(study: Study) -> list[ConsentNotice]:
    """Every version of the study's notice, newest first."""
    return list(
        db.session.scalars(
            db.select(ConsentNotice)
            .where(ConsentNotice.study_id == study.id)
            .order_by(ConsentNotice.version.desc())
        )
    )


def save_notice(study: Study, texts: Mapping[str, str], user: User) -> tuple[ConsentNotice, bool]:
    """The study's notice with *texts*: a new version when any text differs from the latest
    (or there is none), else the latest unchanged (False). Versions are never edited: a
    response points to the one it agreed to."""
    current = latest(study)
    cleaned = {name: (texts.get(name) or "").strip() for name in NOTICE_TEXTS}
    if current is not None and all(getattr(current, n) == cleaned[n] for n in NOTICE_TEXTS):
        return current, False
    notice = ConsentNotice(
        study_id=study.id,
        version=(current.version if current else 0) + 1,
        created_by_id=user.id,
        **cleaned,
    )
    db.session.add(notice)
    db.session.flush()
    audit.record(
        "consent_notice.version_added",
        notice,
        study_id=study.id,
        detail={"version": notice.version},
    )
    db.session.commit()
    return notice, True


def retention_in_words(days: int | None, action: str) -> str:
    """How long answers are kept and what happens then (`Study.retention_days` and
    `retention_action`), as the respondent reads it before starting (PIPL art. 17)."""
    if days is None:
        return _("Your answers are kept until the study is deleted.")
    if days % 365 == 0:
        period = ngettext("%(num)d year", "%(num)d years", days // 365)
    elif days % 30 == 0:
        period = ngettext("%(num)d month", "%(num)d months", days // 30)
    else:
        period = ngettext("%(num)d day", "%(num)d days", days)
    if action == "delete":
        return _(
            "Your answers are kept for %(period)s after you give them, then deleted.",
            period=period,
        )
    return _(
        "Your answers are kept for %(period)s after you give them; then your written answers"
        " and anything that could identify you are removed, and only the answers to closed"
        " questions stay, for the statistics.",
        period=period,
    )
