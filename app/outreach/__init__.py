"""Segments of an organisation's directory and inviting them to a study's questionnaire
(issue 28.1 segments, 28.2): `/organisations/<id>/segments/…` and `/studies/<id>/outreach/…`."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)

from app.outreach import routes, study_routes  # noqa: E402, F401 - registers the views on bp
