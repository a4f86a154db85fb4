"""The REST API's errors as RFC 9457 problem details (`application/problem+json`).

Every refusal under /api/ is one `Problem`: a stable `code` that clients branch on (tests
assert it, never the wording), the HTTP status, a title and detail in the reader's language,
and for `validation_failed` the messages of each field (`errors`, by dotted path:
`answers.q1`, `limit`). `app.errors` renders every error of an /api/ request through
`problem_response`, so an unknown route or an exception is a problem too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:wenfang:problem:"

# code → (status, title). The respondent's refusals (`app.respond.rules`) are added below.
CATALOGUE: dict[str, tuple[int, Any]] = {
    "bad_request": (400, _l("The request could not be understood.")),
    "bad_json": (400, _l("The request is not valid JSON in UTF-8.")),
    "idempotency_key_required": (
        400,
        _l("An Idempotency-Key header (8–100 letters, digits, - or _) is required."),
    ),
    "unauthorized": (401, _l("A valid access token is required (Authorization: Bearer …).")),
    "token_expired": (401, _l("This access token has expired.")),
    "token_revoked": (401, _l("This access token has been revoked.")),
    "forbidden_scope": (403, _l("This access token may only read (its scope is read).")),
    "forbidden_role": (403, _l("Your role in this study does not allow this.")),
    "not_found": (404, _l("Not found, or not in the study of this access token.")),
    "method_not_allowed": (405, _l("This method is not allowed here.")),
    "not_published": (409, _l("This questionnaire has not been published.")),
    "too_large": (413, _l("The request is too large.")),
    "unsupported_media_type": (415, _l("The body must be sent as application/json.")),
    "validation_failed": (422, _l("Some values are not valid; see errors.")),
    "rate_limited": (429, _l("Too many requests with this access token; try again shortly.")),
    "internal_error": (500, _l("Something went wrong. The error has been logged.")),
    "unavailable": (503, _l("The service is temporarily unavailable. Please try again.")),
}
# The problem of a bare HTTP status (a route that does not exist, a limit, a library's abort).
BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden_role",
    404: "not_found",
    405: "method_not_allowed",
    409: "not_published",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class Problem(HTTPException):
    """A refusal of an API request with a stable *code* (a key of `CATALOGUE` or a
    respondent's refusal); *detail* replaces the catalogue's title where there is more to
    say, *errors* are per-field messages, *headers* extra response headers."""

    def __init__(
        self,
        code: str,
        *,
        detail: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        status, title = _status_and_title(code)
        super().__init__(description=str(detail or title))
        self.code = status
        self.problem_code = code
        self.title = str(title)
        self.errors = dict(errors) if errors else None
        self.extra_headers = dict(headers or {})


def _status_and_title(code: str) -> tuple[int, Any]:
    if code in CATALOGUE:
        return CATALOGUE[code]
    from app.respond.rules import refusal  # the respondent's blueprint imports far

    refused = refusal(code)
    return refused.status, refused.message


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested validation messages (marshmallow's, the survey's {qid: message}) flattened to
    {dotted path: [messages]}."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(field_errors(value, path))
        return flat
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "body": [str(m) for m in messages]}
    if isinstance(messages, list | tuple):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "body": [str(messages)]}


def problem_of(error: HTTPException) -> Problem:
    """The problem an HTTP error of an /api/ request is answered with."""
    if isinstance(error, Problem):
        return error
    status = error.code or 500
    code = BY_STATUS.get(status, "bad_request" if status < 500 else "internal_error")
    errors = None
    data = getattr(error, "data", None)  # webargs' abort: the failed fields, by location
    if status == 422 and isinstance(data, Mapping) and "messages" in data:
        errors = {}
        for location_messages in data["messages"].values():
            errors.update(field_errors(location_messages))
    headers = dict(error.get_headers()) if status in (405, 429) else {}
    headers.pop("Content-Type", None)
    return Problem(code, errors=errors, headers=headers)


def problem_response(problem: Problem):
    """The JSON problem document, its status, and its media type."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + problem.problem_code,
        "title": problem.title,
        "status": problem.code,
        "detail": problem.description,
        "code": problem.problem_code,
        "instance": request.path,
    }
    if g.get("request_id"):
        body["request_id"] = g.request_id
    if problem.errors:
        body["errors"] = problem.errors
    response = jsonify(body)
    response.status_code = problem.code or 500
    response.mimetype = MEDIA_TYPE
    for name, value in problem.extra_headers.items():
        response.headers[name] = value
    if problem.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wenfang"'
    return response
