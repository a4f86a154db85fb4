"""Waves: a questionnaire run again as the next wave of its series, and the series' waves.

`start_next_wave` copies a questionnaire (its published definition, else its draft) as a new
draft with the question ids kept, `series_id` = the first wave's id and `wave` = the highest
wave of the series + 1. Two researchers starting a wave at the same moment cannot get the same
number: (series_id, wave) is unique (`questionnaire_series_wave`), and the loser retries.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from app import audit
from app.extensions import db
from app.models import Membership, Questionnaire, User
from app.questionnaires.services import create_questionnaire

ATTEMPTS = 3


class WaveNotAllowed(Exception):
    """The actor's role may not start a wave in this study."""


def series_waves(questionnaire: Questionnaire) -> list[Questionnaire]:
    """Every wave of *questionnaire*'s series, published or not, oldest wave first."""
    root = questionnaire.series_root_id
    return list(
        db.session.scalars(
            db.select(Questionnaire)
            .where(
                Questionnaire.study_id == questionnaire.study_id,
                db.or_(Questionnaire.id == root, Questionnaire.series_id == root),
            )
            .order_by(Questionnaire.wave, Questionnaire.id)
        )
    )


def _next_wave_number(root: int) -> int:
    highest = db.session.scalar(
        db.select(db.func.max(Questionnaire.wave)).where(
            db.or_(Questionnaire.id == root, Questionnaire.series_id == root)
        )
    )
    return int(highest or 1) + 1


def start_next_wave(questionnaire: Questionnaire, actor: User) -> Questionnaire:
    """The next wave of *questionnaire*'s series as a draft the researcher edits and publishes;
    audited as `questionnaire.start_wave`. `WaveNotAllowed` for a role without `can_start_wave`."""
    role = db.session.scalar(
        db.select(Membership.role).where(
            Membership.study_id == questionnaire.study_id, Membership.user_id == actor.id
        )
    )
    if role is None or not role.can_start_wave() or questionnaire.study.is_archived:
        raise WaveNotAllowed
    source_id, study = questionnaire.id, questionnaire.study
    latest = questionnaire.latest_version
    definition = latest.definition if latest is not None else questionnaire.draft
    root, title = questionnaire.series_root_id, questionnaire.title
    metrics = list(questionnaire.key_metrics or [])
    for attempt in range(ATTEMPTS):
        number = _next_wave_number(root)
        try:
            wave = create_questionnaire(
                study,
                actor,
                title=title,
                definition=definition,
                source=f"wave:{source_id}",
                commit=False,
                series_id=root,
                wave=number,
                key_metrics=metrics,
            )
        except IntegrityError:
            db.session.rollback()  # another request took this number: count again
            if attempt == ATTEMPTS - 1:
                raise
            continue
        audit.record(
            "questionnaire.start_wave",
            wave,
            study_id=study.id,
            detail={"title": title, "wave": number, "series_id": root, "from": source_id},
            actor=actor,
        )
        db.session.commit()
        return wave
    raise AssertionError("unreachable")
