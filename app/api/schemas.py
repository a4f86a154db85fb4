"""The REST API's documents as marshmallow schemas: they validate what a client sends,
serialise what it gets, and are what the OpenAPI document is generated from."""

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from app.database import SQL_INT_MAX
from app.models import (
    ConsentStatus,
    InterviewKind,
    QuestionnaireStatus,
    Role,
    StudyStatus,
    TokenScope,
)

MAX_PAGE = 500


class ProblemSchema(Schema):
    """RFC 9457 problem details; `code` is stable, the texts are in the reader's language."""

    type = fields.String(required=True, metadata={"example": "urn:wenfang:problem:not_found"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"example": "not_found"})
    instance = fields.String(required=True)
    request_id = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "validation_failed: the messages of each field, by path."},
    )


class StudySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    goal = fields.String(required=True)
    audience = fields.String(required=True)
    sample_plan = fields.String(required=True)
    methods = fields.List(fields.String(), required=True)
    starts_on = fields.Date(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)
    status = fields.Enum(StudyStatus, by_value=True, required=True)
    created_at = fields.DateTime(required=True)
    role = fields.Enum(
        Role,
        by_value=True,
        required=True,
        metadata={"description": "The token creator's role in the study, which bounds it."},
    )
    scope = fields.Enum(TokenScope, by_value=True, required=True)


class QuestionnaireSchema(Schema):
    id = fields.Integer(required=True)
    study_id = fields.Integer(required=True)
    title = fields.String(required=True)
    slug = fields.String(required=True, metadata={"description": "The public link is /s/<slug>."})
    status = fields.Enum(QuestionnaireStatus, by_value=True, required=True)
    wave = fields.Integer(required=True)
    series_id = fields.Integer(required=True, allow_none=True)
    latest_version = fields.Integer(
        required=True, allow_none=True, metadata={"description": "None until published."}
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    archived_at = fields.DateTime(required=True, allow_none=True)


class VersionSchema(Schema):
    number = fields.Integer(required=True)
    published_at = fields.DateTime(required=True)
    definition = fields.Dict(
        required=True, metadata={"description": "The questionnaire definition (surveys schema)."}
    )


class ResponseSchema(Schema):
    id = fields.Integer(required=True)
    questionnaire_id = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "The version answered."})
    started_at = fields.DateTime(required=True)
    submitted_at = fields.DateTime(required=True)
    duration_s = fields.Float(required=True, allow_none=True)
    answers = fields.Dict(
        keys=fields.String(), required=True, metadata={"description": "{question id: answer}"}
    )


class ResponsePageSchema(Schema):
    items = fields.List(fields.Nested(ResponseSchema), required=True)
    next_cursor = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last."},
    )


class ResponsePageArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "The next_cursor of the previous page (opaque)."},
    )
    submitted_since = fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "Only responses submitted at or after this time (ISO 8601)."},
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": f"Responses per page, at most {MAX_PAGE}."},
    )
    reveal_personal = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Answers to questions flagged personal or sensitive in clear "
            "(owners and researchers only; audited). Otherwise they read ***."
        },
    )


class ConsentSchema(Schema):
    notice_version = fields.String(required=True, validate=validate.Length(max=50))


class SubmissionSchema(Schema):
    """A complete response, as the respondent's form sends it (`POST /s/<slug>/submit`)."""

    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "{question id: answer}, checked as the form checks them."},
    )
    version = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=SQL_INT_MAX),
        metadata={"description": "The version answered; default the latest."},
    )
    started_at = fields.AwareDateTime(metadata={"description": "When answering began."})
    consent = fields.Nested(
        ConsentSchema, metadata={"description": "The consent notice accepted, if one is asked."}
    )
    invitation = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "The invitation token, for an invitation-only questionnaire."},
    )


class SubmittedSchema(Schema):
    response_id = fields.Integer(required=True)
    receipt = fields.String(required=True, metadata={"description": "The respondent's receipt."})
    status = fields.String(required=True, metadata={"example": "complete"})


class InterviewSchema(Schema):
    id = fields.Integer(required=True)
    study_id = fields.Integer(required=True)
    title = fields.String(required=True)
    participant_label = fields.String(required=True)
    attributes = fields.Dict(keys=fields.String(), required=True)
    kind = fields.Enum(InterviewKind, by_value=True, required=True)
    held_on = fields.Date(required=True, allow_none=True)
    consent = fields.Enum(ConsentStatus, by_value=True, required=True)
    keywords = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True)


class TurnSchema(Schema):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True)
    speaker = fields.String(required=True)
    is_interviewer = fields.Boolean(required=True)
    text = fields.String(required=True)
    start_s = fields.Float(required=True, allow_none=True)
    end_s = fields.Float(required=True, allow_none=True)


class InterviewDetailSchema(InterviewSchema):
    turns = fields.List(fields.Nested(TurnSchema), required=True)


class CodeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)


class HighlightSchema(Schema):
    """One code on a span of a turn: `[start, end)` in Unicode code points of its text."""

    id = fields.Integer(required=True)
    turn_id = fields.Integer(required=True)
    code = fields.Nested(CodeSchema, required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    snippet = fields.String(required=True)
    memo = fields.String(required=True)
    needs_review = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
