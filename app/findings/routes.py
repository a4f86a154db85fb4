from flask import render_template

from app.findings import bp
from app.findings.services import published_series
from app.permissions import StudyAccess, study_required


@bp.route("/")
@study_required("view")
def index(access: StudyAccess):
    return render_template(
        "findings/index.html",
        access=access,
        study=access.study,
        series=published_series(access.study),
    )
