"""Results of a questionnaire: the response table, the engine's statistics and charts, the
exports (CSV, XLSX, SPSS)."""

from flask import Blueprint

bp = Blueprint("results", __name__)


from app.results import (  # noqa: E402, F401 - registers the views on bp
    analysis_routes,
    export_routes,
    routes,
    weighting_routes,
)
