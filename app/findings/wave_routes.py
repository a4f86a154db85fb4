"""Waves: start the next wave of a questionnaire, compare the waves of its series."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.findings.segments import segment_levels, segment_questions
from app.findings import bp
from app.findings.query_args import query_args, query_from_args
from app.findings.wave_compare import chart_path, compare_series, unit_label, wave_label
from app.findings.waves import WaveNotAllowed, start_next_wave
from app.permissions import StudyAccess, questionnaire_in, study_required
from app.results.services import chart_root
from app.results.weighting import scheme_of


@bp.route("/<int:questionnaire_id>/waves/new", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("start_wave")
def start_wave(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    try:
        wave = start_next_wave(questionnaire, current_user)
    except WaveNotAllowed:
        abort(403)
    flash(_("Wave %(number)d started as a draft: edit it and publish it.", number=wave.wave),
          "success")  # fmt: skip
    return redirect(
        url_for("questionnaires.show", study_id=access.study.id, questionnaire_id=wave.id)
    )


@bp.route("/<int:questionnaire_id>/waves")
@study_required("view")
def waves(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    query = query_from_args(request.args)
    comparison = compare_series(questionnaire, query, chart_root())
    if not comparison.waves:
        abort(404)
    latest = comparison.data[-1]
    segments = [
        {"question": q, "levels": segment_levels(latest.definition, latest.frame, q["id"])}
        for q in segment_questions(latest.definition)
    ]
    return render_template(
        "findings/waves.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        comparison=comparison,
        result=comparison.result,
        query=query,
        query_args=query_args(query),
        segments=segments,
        has_scheme=any(scheme_of(q) is not None for q in comparison.waves),
        wave_label=wave_label,
        unit_label=unit_label,
    )


@bp.route("/<int:questionnaire_id>/waves/charts/<key>/<name>")
@study_required("view")
def wave_chart(access: StudyAccess, questionnaire_id: int, key: str, name: str):
    questionnaire = questionnaire_in(access, questionnaire_id)
    path = chart_path(chart_root(), questionnaire, key, name) or abort(404)
    response = send_file(path, mimetype="image/png", max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response
