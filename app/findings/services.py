"""What the findings pages list: a study's questionnaires grouped into wave series."""

from __future__ import annotations

from itertools import groupby

from analysis.findings.metrics import check_spec
from app import audit
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


def save_dashboard_settings(
    questionnaire: Questionnaire, specs: list[dict[str, str]], min_n: int
) -> None:
    """The dashboard's key metrics (each checked by `check_spec`) and the study's minimum n,
    each change audited."""
    checked = [
        check_spec(questionnaire.published_version.analysis_definition, spec) for spec in specs
    ]
    study = questionnaire.study
    metrics_before = audit.snapshot(questionnaire, ("key_metrics",))
    min_n_before = audit.snapshot(study, ("min_n",))
    questionnaire.key_metrics = checked
    study.min_n = min_n
    audit.record_changes(
        "findings.key_metrics", questionnaire, metrics_before, ("key_metrics",), study_id=study.id
    )
    audit.record_changes("study.min_n", study, min_n_before, ("min_n",), study_id=study.id)
    db.session.commit()
