"""A study's consent notice (issue 28.4): written once for all its questionnaires, a new
version on every change of its text, the old versions kept and readable."""

from flask import Blueprint

bp = Blueprint("notices", __name__)

from app.notices import routes  # noqa: E402, F401 - registers the views on bp
