from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from analysis.text.autocode import AutocodeError
from app.findings.query_args import query_args, query_from_args
from app.interviews import coding
from app.interviews.common import ERRORS, page
from app.models import Questionnaire
from app.permissions import (
    StudyAccess,
    published_questionnaire_in,
    response_ids_in,
    study_required,
)
from app.urls import query_int, safe_next_url
from app.voices import bp, services
from app.voices.forms import AutocodeForm, BulkCodeForm, ThemeCodeForm
from surveys.safe_regex import PatternError

PER_PAGE = 50
RULE_ERRORS = {
    "empty_rule": _l("Write the words, phrase or pattern to look for."),
    "bad_answer": _l("Give the number of one of the answers in the list."),
}


@bp.route("/")
@study_required("view")
def index(access: StudyAccess):
    from app.findings.services import published_series

    questionnaires = [waves[-1] for waves in published_series(access.study)]
    return page(
        "voices/index.html",
        access,
        questions=[(q, services.open_questions(q)) for q in questionnaires],
    )


def _question(questionnaire: Questionnaire, question_id: str) -> dict:
    found = next(
        (q for q in services.open_questions(questionnaire) if q["id"] == question_id), None
    )
    return found or abort(404)


def _grid_url(access: StudyAccess, questionnaire: Questionnaire, question_id: str, **args) -> str:
    return url_for(
        "voices.grid",
        study_id=access.study.id,
        questionnaire_id=questionnaire.id,
        question_id=question_id,
        **args,
    )


@bp.route("/<int:questionnaire_id>/<question_id>", methods=["GET", "POST"])
@study_required("view_respondents")
def grid(access: StudyAccess, questionnaire_id: int, question_id: str):
    """The grid; a POST is the auto-code form (preview, then apply), coders only."""
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    question = _question(questionnaire, question_id)
    query = query_from_args(request.args)
    board = services.grid(questionnaire, question, query)
    codes = coding.codes_of(access.study)
    choices = [(c.id, c.name) for c in codes]
    bulk, rule_form, theme_form = (
        BulkCodeForm(formdata=None),
        AutocodeForm(),
        ThemeCodeForm(formdata=None),
    )
    bulk.code_id.choices = rule_form.code_id.choices = choices
    preview = None
    if request.method == "POST":
        if not access.can("code_answers"):
            abort(403)
        if rule_form.validate_on_submit():
            try:
                picked = services.rule_matches(
                    board.rows, rule_form.method.data, rule_form.rule.data
                )
            except AutocodeError as error:
                rule_form.rule.errors.append(str(RULE_ERRORS.get(error.code, error.code)))
            except PatternError as error:
                rule_form.rule.errors.append(error.message(str(get_locale())))
            else:
                if rule_form.step.data == "apply":
                    code = next(c for c in codes if c.id == rule_form.code_id.data)
                    added = services.apply_code(
                        questionnaire,
                        question_id,
                        [r.response_id for r in picked],
                        code,
                        current_user,
                        how=rule_form.method.data,
                    )
                    flash(
                        _("Code “%(code)s” added to %(n)d answers.", code=code.name, n=added),
                        "success",
                    )
                    return redirect(
                        _grid_url(access, questionnaire, question_id, **query_args(query))
                    )
                preview = picked
    rows = services.filter_rows(
        board.rows, search=request.args.get("q", ""), code_filter=request.args.get("code", "")
    )
    pages = max(1, -(-len(rows) // PER_PAGE))
    current = min(max(query_int("page", 1) or 1, 1), pages)
    segment_id = request.args.get("by", "")
    segment = next((s for s in board.segments if s["id"] == segment_id), None)
    themes = services.themes_of(board.rows) if request.args.get("themes") == "1" else None
    split = query_int("split")
    parts = (
        services.split_of(board.rows, themes[split])
        if themes and split is not None and 0 <= split < len(themes)
        else None
    )
    aspect_segment = next(
        (s for s in board.segments if s["id"] == request.args.get("aspects_by")), None
    )
    aspects = (
        services.aspects_by_segment(board.rows, aspect_segment)
        if request.args.get("aspects") == "1"
        else None
    )
    return page(
        "voices/grid.html",
        access,
        questionnaire=questionnaire,
        question=question,
        board=board,
        rows=rows[(current - 1) * PER_PAGE : current * PER_PAGE],
        matched=len(rows),
        current=current,
        pages=pages,
        query=query,
        query_args=query_args(query),
        codes=codes,
        frequencies=services.code_frequencies(board.rows, codes, segment),
        segment=segment,
        bulk=bulk,
        rule_form=rule_form,
        preview=preview,
        themes=themes,
        theme_form=theme_form,
        aspects=aspects,
        aspect_segment=aspect_segment,
        split=split if parts is not None else None,
        parts=parts,
    )


@bp.route("/<int:questionnaire_id>/<question_id>/codes", methods=["POST"])
@study_required("code_answers")
def bulk_code(access: StudyAccess, questionnaire_id: int, question_id: str):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    _question(questionnaire, question_id)
    form = BulkCodeForm()
    codes = {c.id: c for c in coding.codes_of(access.study)}
    form.code_id.choices = [(c.id, c.name) for c in codes.values()]
    back = request.form.get("back") or _grid_url(access, questionnaire, question_id)
    ticked = [int(v) for v in request.form.getlist("response_id") if v.isdigit()]
    ids = response_ids_in(questionnaire, ticked)
    if not form.validate_on_submit():
        flash(_("Choose a code."), "danger")
    elif not ids:
        flash(_("Tick at least one answer."), "danger")
    elif form.remove.data:
        n = services.remove_code(
            questionnaire, question_id, ids, codes[form.code_id.data], current_user
        )
        flash(_("Code removed from %(n)d answers.", n=n), "success")
    else:
        code = codes[form.code_id.data]
        n = services.apply_code(questionnaire, question_id, ids, code, current_user)
        flash(_("Code “%(code)s” added to %(n)d answers.", code=code.name, n=n), "success")
    return redirect(safe_next_url(back))


@bp.route("/<int:questionnaire_id>/<question_id>/themes", methods=["POST"])
@study_required("code_answers")
def theme_to_code(access: StudyAccess, questionnaire_id: int, question_id: str):
    """Turn theme number `theme` of the whole question's answers into a code (recomputed: the
    same answers give the same themes)."""
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    question = _question(questionnaire, question_id)
    form = ThemeCodeForm()
    query = query_from_args(request.args)
    back = _grid_url(access, questionnaire, question_id, themes=1, **query_args(query))
    if not access.can("edit_codebook") or not form.validate_on_submit():
        flash(_("Give the code a name."), "danger")
        return redirect(back)
    rows = services.grid(questionnaire, question, query).rows
    theme = services.chosen_theme(
        rows,
        services.themes_of(rows),
        form.theme.data,
        merge_with=form.merge_with.data,
        part=form.part.data,
    )
    if theme is None:
        flash(_("The answers changed since the themes were shown; look again."), "danger")
        return redirect(back)
    try:
        code, n = services.code_from_theme(
            questionnaire, question_id, rows, theme, form.name.data, current_user
        )
    except coding.CodingError as error:
        flash(str(ERRORS[error.code]), "danger")
        return redirect(back)
    flash(
        _("Code “%(code)s” made from the theme and added to %(n)d answers.", code=code.name, n=n),
        "success",
    )
    return redirect(back)
