"""Voices (用户原声): a questionnaire's open answers in a coding grid beside each respondent's
segment answers, coded with the study's codebook by hand or by a rule, grouped into themes.
Numbers come from `analysis.text` (aspects, themes, rules) and `analysis.stats.crosstab`."""

from flask import Blueprint

bp = Blueprint("voices", __name__)


from app.voices import quote_routes, routes  # noqa: E402, F401 - registers the views on bp
