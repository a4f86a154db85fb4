"""The insights pages: the stored insights of a questionnaire under a query, one insight with
the chart that shows it, and the two POSTs (scan, recompute) that change them."""

from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.findings.query import Query
from app.findings import bp
from app.findings import insights as service
from app.findings.insight_charts import chart_file
from app.findings.insight_sentences import (
    effect_label,
    insight_sentence,
    small_sample_sentence,
)
from app.findings.query_args import query_args, query_from_args
from app.forms import ConfirmForm
from app.permissions import (
    StudyAccess,
    published_questionnaire_in,
    study_required,
)


def _list_url(access: StudyAccess, questionnaire_id: int, query: Query) -> str:
    values: dict[str, Any] = {"study_id": access.study.id, "questionnaire_id": questionnaire_id}
    return url_for("findings.insights", **(values | query_args(query)))


@bp.route("/<int:questionnaire_id>/insights")
@study_required("view")
def insights(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    query = query_from_args(request.args)
    scan = service.current_scan(questionnaire, query)
    return render_template(
        "findings/insights.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        query=query,
        query_args=query_args(query),
        scan=scan,
        rows=[(i, insight_sentence(i.claim)) for i in (scan.insights if scan else [])],
        small=[small_sample_sentence(c, questionnaire.study.min_n) for c in scan.small]
        if scan
        else [],
        stale=scan is not None and service.is_stale(questionnaire, scan.data_version),
        form=ConfirmForm(),
    )


@bp.route("/<int:questionnaire_id>/insights/scan", methods=["POST"])
@study_required("edit_findings")
def scan_insights(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    query = query_from_args(request.args)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    found = service.run_scan(questionnaire, query, current_user)
    flash(_("Scan done: %(count)d insights.", count=len(found.insights)), "success")
    return redirect(_list_url(access, questionnaire_id, query))


def _insight(access: StudyAccess, questionnaire_id: int, insight_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    insight = service.insight_of(questionnaire, insight_id) or abort(404)
    return questionnaire, insight


@bp.route("/<int:questionnaire_id>/insights/<int:insight_id>")
@study_required("view")
def insight(access: StudyAccess, questionnaire_id: int, insight_id: int):
    questionnaire, found = _insight(access, questionnaire_id, insight_id)
    query = Query.from_dict(found.query)
    return render_template(
        "findings/insight.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        insight=found,
        claim=found.claim,
        sentence=insight_sentence(found.claim),
        effect_name=effect_label(found.claim["effect"]["name"]),
        query=query,
        list_url=_list_url(access, questionnaire_id, query),
        stale=service.is_stale(questionnaire, found.data_version),
        form=ConfirmForm(),
    )


@bp.route("/<int:questionnaire_id>/insights/<int:insight_id>/chart.png")
@study_required("view")
def insight_chart(access: StudyAccess, questionnaire_id: int, insight_id: int):
    _, found = _insight(access, questionnaire_id, insight_id)
    root = Path(current_app.instance_path) / "cache" / "insights"
    response = send_file(chart_file(root, found), mimetype="image/png", max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.route("/<int:questionnaire_id>/insights/<int:insight_id>/recompute", methods=["POST"])
@study_required("edit_findings")
def recompute_insight(access: StudyAccess, questionnaire_id: int, insight_id: int):
    questionnaire, found = _insight(access, questionnaire_id, insight_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    query = Query.from_dict(found.query)
    fresh = service.recompute(questionnaire, found, current_user)
    if fresh is None:
        flash(_("Recomputed: this insight no longer holds on the current responses."), "warning")
        return redirect(_list_url(access, questionnaire_id, query))
    flash(_("Recomputed on the current responses."), "success")
    return redirect(
        url_for(
            "findings.insight",
            study_id=access.study.id,
            questionnaire_id=questionnaire_id,
            insight_id=fresh.id,
        )
    )
