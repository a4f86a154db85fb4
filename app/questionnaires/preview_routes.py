"""The questionnaire preview: the respondent's own page, pages and logic live, from the draft or
a published version; its page checks and submit validate as the public endpoints do and store
nothing (`app.questionnaires.preview`)."""

from typing import Any

from flask import abort, jsonify, render_template, request, url_for

import surveys
from app.extensions import csrf
from app.jsonbody import BadJson, json_body
from app.permissions import StudyAccess, questionnaire_in, study_required
from app.problems import locale as _locale
from app.questionnaires import bp
from app.questionnaires import preview as previewing
from app.urls import query_int
from surveys.errors import message as surveys_message

# A preview's answers, like a respondent's, are kilobytes.
PREVIEW_MAX_BYTES = 256 * 1024


@bp.route("/<int:questionnaire_id>/preview")
@study_required("view")
def preview(access: StudyAccess, questionnaire_id: int):
    """The respondent's page, pages and logic live, from the draft or `?version=N`."""
    questionnaire = questionnaire_in(access, questionnaire_id)
    version = query_int("version")
    try:
        definition, number = previewing.definition_to_preview(questionnaire, version)
        previewed = previewing.load(definition, number)
    except LookupError:
        abort(404)
    except surveys.DefinitionError as error:
        return render_template(
            "questionnaires/preview.html",
            questionnaire=questionnaire,
            definition=definition,
            problems=[p.to_dict(_locale()) for p in error.problems if p.is_error],
        )
    urls: dict[str, Any] = {
        "study_id": access.study.id,
        "questionnaire_id": questionnaire.id,
        "version": version,
    }
    config = {
        "slug": f"preview-{questionnaire.id}-{version or 'draft'}",
        "version": previewed.number,
        "definition": previewed.definition,
        "answers": {},
        "page": "",
        "resumeUrl": "",
        "submitUrl": url_for(".preview_submit", **urls),
        "progressUrl": url_for(".preview_progress", **urls),
        "preview": True,
        "end": {"thank_you": previewed.settings.thank_you, "redirect_url": ""},
    }
    return render_template(
        "respond/form.html",
        preview=True,
        frame=request.args.get("frame") == "1",
        form_action=url_for(".preview", **urls),
        questionnaire=questionnaire,
        version=previewed,
        typed=previewed.typed,
        config=config,
        answers={},
        errors={},
        key="",
        required_message=surveys_message(surveys.Code.ANSWER_REQUIRED, _locale()),
    )


@bp.route("/<int:questionnaire_id>/preview/progress", methods=["POST"])
@csrf.exempt  # JSON only, stores nothing: a cross-site form cannot send it without a preflight
@study_required("view")
def preview_progress(access: StudyAccess, questionnaire_id: int):
    return _preview_check(access, questionnaire_id, previewing.check_page)


@bp.route("/<int:questionnaire_id>/preview/submit", methods=["POST"])
@csrf.exempt  # as preview_progress
@study_required("view")
def preview_submit(access: StudyAccess, questionnaire_id: int):
    return _preview_check(access, questionnaire_id, previewing.check_submit)


def _preview_check(access: StudyAccess, questionnaire_id: int, check):
    if not request.is_json:
        abort(415)
    questionnaire = questionnaire_in(access, questionnaire_id)
    try:
        definition, number = previewing.definition_to_preview(questionnaire, query_int("version"))
        previewed = previewing.load(definition, number)
    except LookupError:
        abort(404)
    except surveys.DefinitionError:
        return jsonify(error="definition_has_errors"), 409
    try:
        answers = json_body(max_bytes=PREVIEW_MAX_BYTES)
    except BadJson as error:
        return jsonify(error=error.code, message=error.message), 400
    status, body = check(previewed, answers, _locale())
    return jsonify(body), status
