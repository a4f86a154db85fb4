from flask import Blueprint

bp = Blueprint("interviews", __name__)

from app.interviews import (  # noqa: E402, F401 - registers views
    codebook_routes,
    import_routes,
    project_routes,
    routes,
)
