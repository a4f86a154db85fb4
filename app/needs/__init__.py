"""Needs (需求): the board where a product team keeps its users' needs, each backed by
evidence from questionnaires and interviews, prioritised by a visible formula
(`analysis.needs.priority`) and followed through the workflow until a later wave measures it."""

from flask import Blueprint

bp = Blueprint("needs", __name__)


from app.needs import routes  # noqa: E402, F401 - registers the views on bp
