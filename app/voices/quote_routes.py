"""The quotes view: survey answers and interview highlights, de-identified, starred as
evidence (services in `app.voices.quotes`)."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.interviews import coding
from app.interviews.common import page
from app.permissions import StudyAccess, study_required
from app.urls import query_int
from app.voices import bp, quotes
from app.voices.forms import StarForm

PER_PAGE = 50


@bp.route("/quotes")
@study_required("view_respondents")  # open answers one by one, highlights by participant
def quotes_view(access: StudyAccess):
    """Filters: `source` (answer / highlight), `code` (a code id), `q` (search the shown text),
    `starred=1`; `raw=1` shows the original text to those who code."""
    everything = quotes.study_quotes(access.study)
    args = {k: request.args.get(k, "") for k in ("source", "code", "q")}
    starred_only = request.args.get("starred") == "1"
    found = quotes.filter_quotes(
        everything,
        source=args["source"],
        code=args["code"],
        search=args["q"],
        starred=starred_only,
    )
    pages = max(1, -(-len(found) // PER_PAGE))
    current = min(max(query_int("page", 1) or 1, 1), pages)
    return page(
        "voices/quotes.html",
        access,
        quotes=found[(current - 1) * PER_PAGE : current * PER_PAGE],
        matched=len(found),
        total=len(everything),
        current=current,
        pages=pages,
        args=args,
        starred_only=starred_only,
        raw=request.args.get("raw") == "1" and access.can("code_answers"),
        codes=coding.codes_of(access.study),
        form=StarForm(formdata=None),
    )


def _back(access: StudyAccess) -> str:
    back = request.form.get("back", "")
    ok = back.startswith("/") and not back.startswith("//")
    return back if ok else url_for("voices.quotes_view", study_id=access.study.id)


@bp.route("/quotes/star", methods=["POST"])
@study_required("code_answers")
def star_quote(access: StudyAccess):
    form = StarForm()
    if not form.validate_on_submit():
        abort(400)
    ids = {
        name: int(value) if value.isdigit() else None
        for name, value in (
            ("response_id", form.response_id.data or ""),
            ("highlight_id", form.highlight_id.data or ""),
        )
    }
    quote = quotes.find_quote(
        access.study,
        response_id=ids["response_id"] if form.source.data == quotes.ANSWER else None,
        question_id=form.question_id.data or None,
        highlight_id=ids["highlight_id"] if form.source.data == quotes.HIGHLIGHT else None,
    )
    if quote is None:
        abort(404)
    quotes.star(access.study, quote, current_user)
    flash(_("Starred as evidence."), "success")
    return redirect(_back(access))


@bp.route("/quotes/unstar", methods=["POST"])
@study_required("code_answers")
def unstar_quote(access: StudyAccess):
    form = StarForm()
    if not form.validate_on_submit():
        abort(400)
    if quotes.unstar(access.study, form.key.data or "", current_user):
        flash(_("No longer evidence."), "success")
    return redirect(_back(access))
