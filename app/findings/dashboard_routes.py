"""The dashboard of one questionnaire and its settings (key metrics, minimum n)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from analysis.findings.metrics import metric_candidates, metric_title
from app.findings import bp, services
from app.findings.dashboard import dashboard, key_metrics
from app.findings.forms import DashboardSettingsForm
from app.findings.insight_sentences import insight_summaries
from app.findings.labels import metric_label, metric_value
from app.findings.query_args import query_args, query_from_args
from app.findings.wave_compare import published_waves
from app.forms import ConfirmForm
from app.outreach.segment_services import segment_choices
from app.permissions import (
    StudyAccess,
    published_questionnaire_in,
    study_directory,
    study_required,
)
from app.results import weighting
from app.results.services import chart_root

TOP_INSIGHTS = 3  # the largest differences, shown first on the dashboard


@bp.route("/<int:questionnaire_id>/")
@study_required("view")
def dashboard_page(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    query = query_from_args(request.args)
    has_scheme = weighting.scheme_of(questionnaire) is not None
    if query.weighted and not has_scheme:
        query = type(query).of(
            query.segments,
            exclude_flagged=query.exclude_flagged,
            participant_segment=query.participant_segment,
        )
    board = dashboard(questionnaire, query, chart_root(), get_timezone())

    def chart_url(name: str) -> str:
        return url_for(
            "results.chart",
            study_id=access.study.id,
            questionnaire_id=questionnaire.id,
            key=board.chart_key,
            name=name,
        )

    return render_template(
        "findings/dashboard.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        board=board,
        query=query,
        query_args=query_args(query),
        has_scheme=has_scheme,
        metric_label=metric_label,
        metric_value=metric_value,
        chart_url=chart_url,
        top_insights=insight_summaries(questionnaire, query, limit=TOP_INSIGHTS),
        has_waves=len(published_waves(questionnaire)) > 1,
        directory_segments=segment_choices(study_directory(access, current_user)),
        scan_form=ConfirmForm(),
    )


@bp.route("/<int:questionnaire_id>/settings", methods=["GET", "POST"])
@study_required("edit_findings")
def dashboard_settings(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    definition = questionnaire.published_version.analysis_definition
    candidates = {f"{s['kind']}:{s['question']}": s for s in metric_candidates(definition)}
    form = DashboardSettingsForm(
        request.form if request.method == "POST" else None,
        metrics=[f"{s['kind']}:{s['question']}" for s in key_metrics(questionnaire)],
        min_n=access.study.min_n,
    )
    form.metrics.choices = [
        (name, f"{metric_label(spec)} · {metric_title(definition, spec)}")
        for name, spec in candidates.items()
    ]
    if form.validate_on_submit():
        specs = [candidates[name] for name in form.metrics.data]
        services.save_dashboard_settings(questionnaire, specs, form.min_n.data)
        flash(_("Dashboard settings saved."), "success")
        return redirect(
            url_for(
                "findings.dashboard_page",
                study_id=access.study.id,
                questionnaire_id=questionnaire.id,
            )
        )
    return render_template(
        "findings/settings.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
    )
