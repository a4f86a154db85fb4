"""The analysis builder: a form that runs one analysis spec, and its JSON twin.

Both go through `app.results.analysis.run`, the same `run_analysis` that `python -m analysis
stats --analysis SPEC.json` runs, so the page, the endpoint and the CLI give one dict.
"""

from flask import abort, jsonify, render_template, request

from analysis.stats.analyses import SpecError
from app.extensions import csrf
from app.jsonbody import BadJson, json_body
from app.permissions import StudyAccess, published_questionnaire_in, study_required
from app.results import analysis, bp
from app.results.analysis_forms import AnalysisForm
from app.results.analysis_text import explain

SPEC_MAX_BYTES = 64 * 1024


@bp.route("/analysis", methods=["GET", "POST"])
@study_required("view")
def analysis_builder(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    definition = questionnaire.published_version.analysis_definition
    form = AnalysisForm()
    form.offer(analysis.question_choices(definition), analysis.filter_choices(definition))
    result, problem = None, None
    if form.validate_on_submit():
        try:
            result = analysis.run(questionnaire, analysis.spec_from_form(form))
        except SpecError as error:
            problem = _place(form, error)
    status = 422 if form.errors or problem else 200
    return render_template(
        "results/analysis.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
        result=result,
        explanation=explain(result) if result else None,
        problem=problem,
    ), status


def _place(form: AnalysisForm, error: SpecError) -> str | None:
    """Put the message beside its field; return it when it concerns the form as a whole."""
    message = analysis.error_message(error)
    field = getattr(form, analysis.field_of(error) or "", None)
    if field is None:
        return message
    field.errors = [*field.errors, message]
    return None


@bp.route("/analysis.json", methods=["POST"])
@csrf.exempt  # JSON only, stores nothing: a cross-site form cannot send it without a preflight
@study_required("view")
def analysis_json(access: StudyAccess, questionnaire_id: int):
    if not request.is_json:
        abort(415)
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    try:
        spec = json_body(max_bytes=SPEC_MAX_BYTES)
    except BadJson as error:
        return jsonify(error=error.code, message=error.message), 400
    try:
        return jsonify(analysis.run(questionnaire, spec))
    except SpecError as error:
        field = error.field or "spec"
        return jsonify(code=error.code, errors={field: analysis.error_message(error)}), 422
