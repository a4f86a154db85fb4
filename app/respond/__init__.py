"""The public side: respondents open /s/<slug> without an account."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from app.respond import consent_routes, receipt_routes, routes  # noqa: E402, F401 - registers the views on bp
