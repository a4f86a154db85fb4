"""The weighting page of a questionnaire's results: target margins in, raking diagnostics out."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.stats.errors import StatsInputError
from app.forms import ConfirmForm
from app.permissions import StudyAccess, published_questionnaire_in, study_required
from app.results import bp, weighting
from app.results.table import response_frame


@bp.route("/weighting")
@study_required("view")
def weighting_page(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    frame = response_frame(questionnaire)
    questions = weighting.weighting_questions(
        questionnaire.published_version.analysis_definition, frame
    )
    entry = weighting.scheme_input(weighting.scheme_of(questionnaire), questions)
    return _render(access, questionnaire, frame, questions, entry), 200


@bp.route("/weighting", methods=["POST"])
@study_required("edit_questionnaire")
def save_weighting(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    frame = response_frame(questionnaire)
    questions = weighting.weighting_questions(
        questionnaire.published_version.analysis_definition, frame
    )
    entry = weighting.read_scheme(request.form, questions)
    if not weighting.save_scheme(questionnaire, entry, frame, current_user):
        return _render(access, questionnaire, frame, questions, entry), 422
    flash(_("Weighting targets saved."), "success")
    return redirect(
        url_for(".weighting_page", study_id=access.study.id, questionnaire_id=questionnaire.id)
    )


def _render(access, questionnaire, frame, questions, entry) -> str:
    """The form as *entry* holds it, with the saved scheme's raking result below."""
    scheme = weighting.scheme_of(questionnaire)
    result, problem = None, None
    if scheme is not None:
        try:
            result = weighting.scheme_result(questionnaire, frame)
        except StatsInputError as error:
            problem = weighting.stale_message(questionnaire, error)
    return render_template(
        "results/weighting.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        questions=questions,
        by_id={q.id: q for q in questions},
        entry=entry,
        form=ConfirmForm(),
        scheme=scheme,
        result=result,
        problem=problem,
        form_error=weighting.FORM_ERROR,
        target_field=weighting.target_field,
    )
