from flask import Blueprint

bp = Blueprint("interviews", __name__)

from app.interviews import codebook_routes, project_routes, routes  # noqa: E402, F401 - registers views
