from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from app.database import SQL_INT_MAX
from app.forms import ConfirmForm
from app.permissions import (
    StudyAccess,
    published_questionnaire_in,
    reveals_personal,
    study_required,
)
from app.responses.forms import TOOL_NAMES
from app.responses.listing import response_detail
from app.results import bp, services, weighting
from app.results.display import (
    QUALITY_FLAG_LABELS,
    quality_labels,
    question_titles,
    reason_lines,
    shown_lines,
    without_pipes,
)
from app.results.export_stream_files import streamed_csv
from app.results.export_table import ExportFilters
from app.results.forms import ResponseFilterForm
from app.results.sentences import crosstab_sentence
from app.results.services import chart_root
from app.results.table import chosen_versions
from app.results.texts import open_questions, text_answers
from app.urls import query_int

PER_PAGE = 50
TEXT_ANSWERS_PER_PAGE = 20
bp.add_app_template_filter(without_pipes)


@bp.route("/")
@study_required("view")
def summary(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    definition = services.latest_definition(questionnaire)
    candidates = services.crosstab_candidates(definition)
    ids = {q["id"] for q in candidates}
    row, col = request.args.get("row"), request.args.get("col")
    pair = (row, col) if row and col and row in ids and col in ids and row != col else None
    exclude = request.args.get("exclude_flagged") == "1"
    has_scheme = weighting.scheme_of(questionnaire) is not None
    weighted = has_scheme and request.args.get("weighted") == "1"
    result = services.summary(
        questionnaire, chart_root(), exclude_flagged=exclude, crosstab=pair, weighted=weighted
    )
    crosstab = result.figures["crosstabs"][0] if result.figures["crosstabs"] else None
    return render_template(
        "results/summary.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        definition=definition,
        figures=result.figures,
        chart_key=result.chart_key,
        charts=result.charts,
        candidates=candidates,
        pair=pair,
        crosstab=crosstab,
        crosstab_text=crosstab_sentence(crosstab, result.figures) if crosstab else "",
        exclude=exclude,
        has_scheme=has_scheme,
        weighting_problem=result.weighting_problem,
        shift=result.shift,
    )


@bp.route("/text/<question_id>")
@study_required("view_respondents")
def text(access: StudyAccess, questionnaire_id: int, question_id: str):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    question = open_questions(services.latest_definition(questionnaire)).get(question_id)
    if question is None:
        abort(404)
    listing = text_answers(
        questionnaire,
        question,
        Path(current_app.instance_path) / "cache" / "texts",
        search=request.args.get("q", ""),
        page=request.args.get("page", 1, type=int),
        per_page=TEXT_ANSWERS_PER_PAGE,
        exclude_flagged=request.args.get("exclude_flagged") == "1",
    )
    return render_template(
        "results/text.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        listing=listing,
    )


@bp.route("/charts/<key>/<name>")
@study_required("view")
def chart(access: StudyAccess, questionnaire_id: int, key: str, name: str):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    path = services.chart_path(chart_root(), questionnaire, key, name) or abort(404)
    download = request.args.get("download") == "1"
    response = send_file(path, mimetype="image/png", as_attachment=download, max_age=3600)
    # Named by the content's hash, so the browser may keep it; a shared cache may not.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.route("/responses")
@study_required("view_respondents")
def responses(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    form = ResponseFilterForm(request.args)
    form.validate()
    listing = services.response_listing(
        questionnaire,
        status=form.status.data or "complete",
        version=None if form.version.errors else form.version.data,
        submitted_from=form.submitted_from.data,
        submitted_until=form.submitted_until.data,
        page=max(query_int("page", 1, maximum=SQL_INT_MAX // PER_PAGE), 1),
        per_page=PER_PAGE,
    )
    return render_template(
        "results/responses.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
        listing=listing,
        quality_labels=quality_labels,
        filter_args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/responses/<int:response_id>")
@study_required("view_respondents")
def response(access: StudyAccess, questionnaire_id: int, response_id: int):
    return _response_page(access, questionnaire_id, response_id, reveal=False)


@bp.route("/responses/<int:response_id>/personal", methods=["POST"])
@study_required("reveal_personal")
def reveal_personal(access: StudyAccess, questionnaire_id: int, response_id: int):
    """The response with its personal answers shown, asked for with the page's button;
    each time audited."""
    if not ConfirmForm().validate_on_submit() or not reveals_personal(access, True):
        abort(400)
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    if response_detail(questionnaire, response_id) is None:
        abort(404)
    services.audit_reveal(questionnaire, response_id)
    return _response_page(access, questionnaire_id, response_id, reveal=True)


def _response_page(access: StudyAccess, questionnaire_id: int, response_id: int, *, reveal: bool):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    found = response_detail(questionnaire, response_id) or abort(404)
    lines = shown_lines(found.definition, found.answers, reveal=reveal)
    return render_template(
        "results/response.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        found=found,
        lines=lines,
        revealed=reveal,
        has_personal=any(line.state == "personal" for line in lines),
        confirm_form=ConfirmForm(),
        quality=services.response_quality(questionnaire, response_id),
        reason_label=QUALITY_FLAG_LABELS,
        reason_lines=reason_lines,
        titles=question_titles(found.definition),
        source_name=TOOL_NAMES.get(found.source),
    )


@bp.route("/responses/<int:response_id>/delete", methods=["POST"])
@study_required("delete_responses")
def delete_response(access: StudyAccess, questionnaire_id: int, response_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm the deletion."), "warning")
        return redirect(
            url_for(".response", study_id=access.study.id, questionnaire_id=questionnaire.id,
                    response_id=response_id)
        )  # fmt: skip
    if not services.delete_response(questionnaire, response_id):
        abort(404)
    flash(_("Response %(id)d deleted.", id=response_id), "success")
    return redirect(
        url_for(".responses", study_id=access.study.id, questionnaire_id=questionnaire.id)
    )


@bp.route("/responses.csv")
@study_required("view_respondents")
def export_csv(access: StudyAccess, questionnaire_id: int):
    """The CSV at once (a link); the export page does the other formats and filters."""
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    version = query_int("version")
    if version is not None and not chosen_versions(questionnaire, version):
        abort(404)
    filters = ExportFilters(
        version=version, exclude_flagged=request.args.get("exclude_flagged") == "1"
    )
    body = streamed_csv(
        questionnaire,
        filters,
        label_row=request.args.get("labels") == "1",
        label_cells=request.args.get("cells") == "labels",
        locale=str(get_locale() or "zh_CN"),
        zone=str(get_timezone()),
    )
    name = f"responses-{questionnaire.slug}" + (f"-v{version}" if version else "")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
