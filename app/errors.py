"""Friendly error pages in the user's language; JSON for API and JSON callers."""

import errno

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.database import unavailable_reason
from app.extensions import db, login_manager
from app.personal_data import PersonalDataKeyError
from app.problem_details import Problem, problem_of, problem_response

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your role in this study does not allow this.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    413: (_l("Upload too large"), _l("One request may carry at most 200 MB. Upload fewer files.")),
    429: (_l("Too many attempts"), _l("Please wait a minute before you try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again.")),
    503: (
        _l("Service temporarily unavailable"),
        _l("The service is temporarily unavailable. Please try again in a moment."),
    ),
}
# On the respondent's pages: respond.js keeps the answers in the browser and sends them again
# on any 5xx, so the page can say so.
UNAVAILABLE_TO_RESPONDENT = _l(
    "The service is temporarily unavailable, please try again later; "
    "your answers are kept on this device."
)
# The server's storage refuses writes (a full disk, a read-only file system, an I/O error): it
# will not pass by itself, as an outage or a lock does, and someone has to be told. Respondents
# still get the message above: their page keeps retrying until there is room again.
STORAGE_REASONS = frozenset({"disk_full", "read_only", "io_error"})
STORAGE_REFUSES_WRITES = _l(
    "The server cannot save changes now: its storage is full or read-only, and nothing was "
    "saved. Please tell the administrator of this site."
)
# Stored personal information that the configured keys do not open (`app.personal_data`):
# the page names the cause and where the keys are set, never the key or the traceback.
DATA_KEY_MISMATCH = (
    _l("Data key mismatch"),
    _l(
        "Personal information stored here cannot be decrypted with the configured data keys. "
        "Please tell the administrator of this site to check WENFANG_DATA_KEYS or "
        "instance/data_keys (and restore the key from the backup if it was lost or replaced)."
    ),
)
# Failures of the file system under the instance folder (exports, caches) that mean the same.
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def _is_api() -> bool:
    """A request of the REST API: every error is a problem document (`app.problem_details`)."""
    return request.path.startswith("/api/")


def _wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.is_json  # a JSON body (the respondent's submit) gets a JSON answer
        or request.accept_mimetypes.best == "application/json"
    )


def _render(code: int, title, message):
    if _wants_json():
        return jsonify(error=str(title), message=str(message)), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _unavailable(reason: str):
    """503 with Retry-After, in the user's language, without touching the database again.
    The details stay in the log (and /readyz); the page says only whether waiting will help
    (an outage) or someone must free or repair the storage."""
    db.session.rollback()
    # Loading the signed-in user (for the language and the menu), or refreshing them after the
    # rollback, would fail the same way: this page is shown as to a visitor.
    login_manager._update_request_context_with_user()
    if _is_api():
        response = problem_response(Problem("unavailable"))
        response.headers["Retry-After"] = str(current_app.config["UNAVAILABLE_RETRY_AFTER"])
        return response
    title, message = MESSAGES[503]
    if request.blueprint == "respond":
        message = UNAVAILABLE_TO_RESPONDENT
    elif reason in STORAGE_REASONS:
        message = STORAGE_REFUSES_WRITES
    response, code = _render(503, title, message)
    response = current_app.make_response((response, code))
    response.headers["Retry-After"] = str(current_app.config["UNAVAILABLE_RETRY_AFTER"])
    return response


def data_key_error(error: Exception) -> PersonalDataKeyError | None:
    """The key error behind *error*: itself, or the one SQLAlchemy wrapped while binding."""
    if isinstance(error, PersonalDataKeyError):
        return error
    original = getattr(error, "orig", None)
    return original if isinstance(original, PersonalDataKeyError) else None


def _data_key_mismatch(error: PersonalDataKeyError):
    """500 with the cause named; the log gets the reason (which never holds a key)."""
    current_app.logger.error("personal data key: %s", error)
    db.session.rollback()
    title, message = DATA_KEY_MISMATCH
    if _is_api():
        return problem_response(Problem("internal_error", detail=str(message)))
    return _render(500, title, message)


def init_app(app: Flask) -> None:
    @app.errorhandler(PersonalDataKeyError)
    def personal_data_key_error(error: PersonalDataKeyError):
        return _data_key_mismatch(error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if _is_api():
            return problem_response(Problem("unauthorized"))  # a cookie, but no token
        return _render(
            400,
            _l("The form has expired"),
            _l("Please go back, reload the page and submit the form again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _is_api():
            return problem_response(problem_of(error))
        code = error.code or 500
        title, message = MESSAGES.get(code, (error.name, error.description))
        return _render(code, title, message)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        key_error = data_key_error(error)
        if key_error is not None:
            return _data_key_mismatch(key_error)
        reason = unavailable_reason(error)
        if reason is None:
            raise error  # a bug, not an outage: logged and answered as any other 500
        app.logger.warning("database unavailable (%s): %s", reason, error.__class__.__name__)
        return _unavailable(reason)

    @app.errorhandler(OSError)
    def storage_error(error: OSError):
        if error.errno not in _STORAGE_ERRNOS:
            raise error  # a missing file, a refused connection: a bug or another outage
        app.logger.warning("storage refuses writes (%s): %s", error.strerror, error.filename)
        return _unavailable("read_only" if error.errno == errno.EROFS else "disk_full")

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        if _is_api():
            return problem_response(Problem("internal_error"))
        title, message = MESSAGES[500]
        return _render(500, title, message)
