"""What the findings pages list: a study's questionnaires grouped into wave series."""

from __future__ import annotations

from itertools import groupby

from app.extensions import db
from app.models import Questionnaire, Study


def published_series(study: Study) -> list[list[Questionnaire]]:
    """Each series' published waves, oldest wave first; series in order of their first wave."""
    questionnaires = db.session.scalars(
        db.select(Questionnaire)
        .where(Questionnaire.study_id == study.id, Questionnaire.archived_at.is_(None))
        .order_by(Questionnaire.id)
    ).all()
    published = [q for q in questionnaires if q.latest_version is not None]
    published.sort(key=lambda q: (q.series_root_id, q.wave))
    return [list(waves) for _, waves in groupby(published, key=lambda q: q.series_root_id)]
