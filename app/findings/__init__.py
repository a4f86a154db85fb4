"""Findings (发现): the product manager's pages of a study — dashboard, insights, waves,
reports and share links. Views parse the request and render; numbers come from
`analysis.findings` on the frame `app.findings.data.findings_data` prepares."""

from flask import Blueprint

bp = Blueprint("findings", __name__)


from app.findings import (  # noqa: E402, F401 - registers the views on bp
    dashboard_routes,
    insight_routes,
    report_routes,
    routes,
    share_routes,
    wave_routes,
)
