"""The REST API under /api/v1/, authenticated by personal access tokens (docs/api.md).

Built with flask-smorest: the views declare their arguments and replies as marshmallow
schemas (`app.api.schemas`), from which `/api/v1/openapi.json` is generated. Every error is
a problem document (`app.problem_details`, rendered by `app.errors`); rate limits count per
token (`API_RATE_LIMIT`).
"""

from flask import Flask, current_app, request
from flask_smorest import Api, Blueprint

from app.api.parser import BoundedJsonParser
from app.api.schemas import ProblemSchema
from app.extensions import csrf, limiter
from app.permissions import BEARER, presented_token
from app.problem_details import MEDIA_TYPE

PREFIX = "/api/v1"


class ApiBlueprint(Blueprint):
    """Request bodies are read by the bounded JSON reader (`app.jsonbody`)."""

    ARGUMENTS_PARSER = BoundedJsonParser()


bp = ApiBlueprint(
    "api",
    __name__,
    description="The study of the access token: its questionnaires, their versions and "
    "responses, its interviews and their highlights.",
)


def rate_limit_key() -> str:
    """Requests are counted per token; without a known token, per client address."""
    token = presented_token()
    return f"token:{token.id}" if token is not None else f"address:{request.remote_addr}"


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)
# No cookie authenticates an API request, so a cross-site form could do nothing with one; the
# CSRF check is skipped only for requests that bring a token (`_csrf_unless_token`).
csrf.exempt(bp)


@bp.before_request
def _csrf_unless_token():
    if not BEARER.match(request.headers.get("Authorization", "")):
        csrf.protect()


class RestApi(Api):
    """Errors are problem documents (`ProblemSchema`) in the generated document; replies
    name application/json themselves."""

    DEFAULT_RESPONSE_CONTENT_TYPE = MEDIA_TYPE
    ERROR_SCHEMA = ProblemSchema


def init_app(app: Flask) -> None:
    """Serve the API and its OpenAPI document. Before `app.errors.init_app`, whose handler of
    HTTP errors replaces the one flask-smorest registers (JSON of its own shape)."""
    api = RestApi(app)
    api.spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "description": "wf_pat_… (docs/api.md)"}
    )
    api.register_blueprint(bp, url_prefix=PREFIX)


from app.api import routes  # noqa: E402, F401 - registers the views on bp
