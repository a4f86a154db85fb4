from flask import Blueprint

bp = Blueprint("questionnaires", __name__)

from app.questionnaires import preview_routes, routes  # noqa: E402, F401 - registers views
