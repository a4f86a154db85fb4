"""REST API views: thin. Each asks `api_required` for the token's study and the capability,
loads objects through the scoped loaders of `app.permissions` (404 outside the study), and
hands plain rows to the schemas."""

from flask import request

from app.api import bp, services
from app.api.schemas import (
    HighlightSchema,
    InterviewDetailSchema,
    InterviewSchema,
    QuestionnaireSchema,
    ResponsePageArgs,
    ResponsePageSchema,
    StudySchema,
    SubmissionSchema,
    SubmittedSchema,
    VersionSchema,
)
from app.permissions import (
    StudyAccess,
    api_required,
    interview_in,
    questionnaire_in,
    reveals_personal,
    study_of_token,
    token_scope,
    version_in,
)
from app.respond.services import IDEMPOTENCY_KEY

JSON = "application/json"
IDEMPOTENCY_KEY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "description": "Names this submit: a repeat with the same key stores nothing new and "
    "answers 200 with the same response id.",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
}


@bp.route("/studies")
@bp.response(200, StudySchema(many=True), content_type=JSON)
@api_required()
def studies(access: StudyAccess):
    """The study of the token (a token names one)."""
    return [services.study_row(access, token_scope())]


@bp.route("/studies/<int:study_id>")
@bp.response(200, StudySchema, content_type=JSON)
@api_required()
def study(study_id: int, access: StudyAccess):
    study_of_token(access, study_id)
    return services.study_row(access, token_scope())


@bp.route("/studies/<int:study_id>/questionnaires")
@bp.response(200, QuestionnaireSchema(many=True), content_type=JSON)
@api_required()
def questionnaires(study_id: int, access: StudyAccess):
    study_of_token(access, study_id)
    return services.questionnaires_of(access)


@bp.route("/questionnaires/<int:questionnaire_id>")
@bp.response(200, QuestionnaireSchema, content_type=JSON)
@api_required()
def questionnaire(questionnaire_id: int, access: StudyAccess):
    return services.questionnaire_row(questionnaire_in(access, questionnaire_id))


@bp.route("/questionnaires/<int:questionnaire_id>/versions")
@bp.response(200, VersionSchema(many=True), content_type=JSON)
@api_required()
def versions(questionnaire_id: int, access: StudyAccess):
    """The published versions, oldest first, with their definitions."""
    return services.versions_of(questionnaire_in(access, questionnaire_id))


@bp.route("/questionnaires/<int:questionnaire_id>/versions/<int:number>")
@bp.response(200, VersionSchema, content_type=JSON)
@api_required()
def version(questionnaire_id: int, number: int, access: StudyAccess):
    return version_in(questionnaire_in(access, questionnaire_id), number)


@bp.route("/questionnaires/<int:questionnaire_id>/responses", methods=["GET"])
@api_required("view_respondents")
@bp.arguments(ResponsePageArgs, location="query", as_kwargs=True)
@bp.response(200, ResponsePageSchema, content_type=JSON)
def responses(questionnaire_id: int, access: StudyAccess, limit: int, **args):
    """Complete responses (not test ones), by id; follow `next_cursor` for the next page."""
    return services.response_page(
        questionnaire_in(access, questionnaire_id),
        cursor=args.get("cursor"),
        submitted_since=args.get("submitted_since"),
        limit=limit,
        reveal_personal=reveals_personal(access, args.get("reveal_personal", False)),
    )


@bp.route("/questionnaires/<int:questionnaire_id>/responses", methods=["POST"])
@api_required("submit_responses", write=True)
@bp.arguments(SubmissionSchema)
@bp.response(201, SubmittedSchema, content_type=JSON, description="Stored.")
@bp.alt_response(
    200,
    schema=SubmittedSchema,
    content_type=JSON,
    success=True,
    description="A repeat of a stored Idempotency-Key: the same response, nothing new stored.",
)
@bp.doc(parameters=[IDEMPOTENCY_KEY_HEADER])
def submit_response(body: dict, questionnaire_id: int, access: StudyAccess):
    """Submit a complete response, checked as the respondent's form checks it."""
    questionnaire = questionnaire_in(access, questionnaire_id)
    return services.submit_response(questionnaire, body, request.headers.get("Idempotency-Key"))


@bp.route("/studies/<int:study_id>/interviews")
@bp.response(200, InterviewSchema(many=True), content_type=JSON)
@api_required("view_respondents")
def interviews(study_id: int, access: StudyAccess):
    study_of_token(access, study_id)
    return services.interviews_of(access)


@bp.route("/interviews/<int:interview_id>")
@bp.response(200, InterviewDetailSchema, content_type=JSON)
@api_required("view_respondents")
def interview(interview_id: int, access: StudyAccess):
    """An interview with its transcript's turns."""
    return services.saved(interview_in(access, interview_id))


@bp.route("/interviews/<int:interview_id>/highlights")
@bp.response(200, HighlightSchema(many=True), content_type=JSON)
@api_required("view_respondents")
def highlights(interview_id: int, access: StudyAccess):
    """The coded spans of the interview's turns, in transcript order."""
    return services.highlights_of(services.saved(interview_in(access, interview_id)))
