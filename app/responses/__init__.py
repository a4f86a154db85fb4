"""The researcher's side of responses: counts, invitations. Answers are stored by `store`."""

from flask import Blueprint

bp = Blueprint("responses", __name__)

from app.responses import routes  # noqa: E402, F401 - registers the views on bp
