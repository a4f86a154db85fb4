"""The needs' trends page: counts by status, priority, type and kind over time, and the
importance–performance grid of the needs, each a chart with its numbers in a table."""

from flask import abort, render_template

from analysis.charts import figure_bytes
from app.needs import bp, trends
from app.needs.labels import QUADRANT_LABELS
from app.permissions import StudyAccess, study_required


def _png(figure):
    headers = {"Content-Type": "image/png", "Cache-Control": "no-store"}
    return figure_bytes(figure, "png"), 200, headers


@bp.route("/trends")
@study_required("view")
def trends_page(access: StudyAccess):
    needs = trends.services.study_needs(access.study)
    return render_template(
        "needs/trends.html",
        access=access,
        study=access.study,
        trends=trends.needs_over_time(access.study),
        charts=trends.CHARTS,
        ipa=trends.ipa_of_needs(access.study, needs),
        needs={n.id: n for n in needs},
        QUADRANT_LABELS=QUADRANT_LABELS,
    )


@bp.route("/trends/<name>.png")
@study_required("view")
def trend_chart(access: StudyAccess, name: str):
    over_time = trends.needs_over_time(access.study)
    if name not in over_time.series:
        abort(404)
    return _png(trends.trend_figure(over_time, name))


@bp.route("/trends/ipa.png")
@study_required("view")
def ipa_chart(access: StudyAccess):
    figure = trends.ipa_figure(access.study)
    if figure is None:
        abort(404)
    return _png(figure)
