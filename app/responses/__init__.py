"""The researcher's side of responses: counts, invitations. Answers are read and written by
the modules beside it (drafts, submission, listing; the response table's cache)."""

from flask import Blueprint

bp = Blueprint("responses", __name__)

from app.responses import import_routes, routes  # noqa: E402, F401 - registers the views on bp
