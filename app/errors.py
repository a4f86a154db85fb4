"""Friendly error pages in the user's language; JSON for API and JSON callers."""

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your role in this study does not allow this.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    413: (_l("Upload too large"), _l("One request may carry at most 200 MB. Upload fewer files.")),
    429: (_l("Too many attempts"), _l("Please wait a minute before you try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again.")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def _render(code: int, title, message):
    if _wants_json():
        return jsonify(error=str(title), message=str(message)), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(
            400,
            _l("The form has expired"),
            _l("Please go back, reload the page and submit the form again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        return _render(error.code or 500, title, message)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        title, message = MESSAGES[500]
        return _render(500, title, message)
