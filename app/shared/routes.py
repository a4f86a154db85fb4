from flask import abort, render_template, send_file, url_for
from flask_babel import get_locale, get_timezone

from analysis.findings.query import Query
from analysis.findings.quotes import deidentified_quotes, mask_personal
from app import jobs
from app.findings.dashboard import dashboard
from app.findings.labels import metric_label, metric_value
from app.findings.reports import FORMATS, download_name, submit_report
from app.findings.shares import open_share
from app.models import ShareLink
from app.results.services import chart_path, chart_root
from app.results.texts import open_questions
from app.shared import bp


def _board(link: ShareLink):
    return dashboard(link.questionnaire, Query.from_dict(link.query), chart_root(), get_timezone())


@bp.after_request
def _private(response):
    """The token is in the address: never indexed or kept (nor sent on as a referrer: the
    page's meta tag)."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.cache_control.no_store = True
    return response


@bp.route("/<token>")
def view_dashboard(token: str):
    link = open_share(token) or abort(404)
    board = _board(link)
    definition = board.data.definition
    with_text = link.include_quotes and board.data.n >= board.data.min_n
    quotes = deidentified_quotes(board.data.frame, open_questions(definition)) if with_text else {}
    # aspect names come from the answers' words (a name can be among them): shown, masked,
    # only when the owner included quotes
    aspects = (
        [{**a, "aspect": mask_personal(a["aspect"])} for a in board.aspects] if with_text else []
    )
    return render_template(
        "shared/dashboard.html",
        link=link,
        questionnaire=link.questionnaire,
        board=board,
        quotes=quotes,
        aspects=aspects,
        titles={qid: q.get("title") or qid for qid, q in open_questions(definition).items()},
        metric_label=metric_label,
        metric_value=metric_value,
        chart_url=lambda name: url_for("shared.chart", token=token, name=name),
        token=token,
    )


@bp.route("/<token>/report.pdf")
def report(token: str):
    """The findings report of the shared view as PDF (figures under the minimum n suppressed,
    keywords of the answers only when quotes are included); counted and audited as a view."""
    link = open_share(token) or abort(404)
    job = submit_report(
        link.questionnaire,
        Query.from_dict(link.query),
        "pdf",
        actor=None,
        locale=str(get_locale()),
        public=True,
        with_text=link.include_quotes,
        inline=True,
    )
    path = jobs.result_file(job)
    if path is None:
        abort(503, description=job.error or "")
    return send_file(path, mimetype=FORMATS["pdf"], download_name=download_name(job))


@bp.route("/<token>/charts/<name>")
def chart(token: str, name: str):
    """A chart of the shared dashboard; not one of a question under the minimum n."""
    link = open_share(token, count=False) or abort(404)
    board = _board(link)
    qid = name.removeprefix("question_").removesuffix(".png")
    figure = board.questions.get(qid)
    if figure is None or figure.get("n", 0) < board.data.min_n:
        abort(404)
    path = chart_path(chart_root(), link.questionnaire, board.chart_key, name) or abort(404)
    return send_file(path, mimetype="image/png")
