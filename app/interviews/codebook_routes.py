"""Codebook, quotes, search and auto-code, code analysis and exports."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from analysis.qda import QdaError, QdaTooLarge
from app.forms import ConfirmForm
from app.interviews import bp, coding, exchange, reports
from app.interviews import search as kwic
from app.interviews.common import ERRORS, attribute_filters
from app.interviews.common import page as _page
from app.interviews.forms import (
    SEARCH_MODE_LABELS,
    AutocodeForm,
    CodeForm,
    FileForm,
)
from app.permissions import (
    StudyAccess,
    code_in,
    study_required,
)
from app.urls import query_int

CODEBOOK_LIMITS = {
    "bytes": _l("The codebook file is larger than %(max)d MB; nothing was imported."),
    "codes": _l("The codebook has more than %(max)d codes; nothing was imported."),
    "depth": _l(
        "The codebook's codes are nested more than %(max)d levels deep; nothing was imported."
    ),
}


def _code_form(access: StudyAccess, code=None) -> CodeForm:
    form = CodeForm(obj=code)
    excluded = set(coding.descendants(code)) if code is not None else set()
    form.parent_id.choices = [SelectChoice(0, _("(top level)"))] + [
        SelectChoice(c.id, "— " * depth + c.name)
        for c, depth in coding.code_tree(access.study)
        if c.id not in excluded
    ]
    if request.method == "GET" and code is not None:
        form.parent_id.data = code.parent_id or 0
    return form


@bp.route("/codes", methods=["GET", "POST"])
@study_required("view")
def codes(access: StudyAccess):
    form = _code_form(access)
    if request.method == "POST":
        if not access.can("edit_codebook"):
            abort(403)
        if form.validate_on_submit():
            try:
                coding.create_code(access.study, form.data)
            except coding.CodingError as error:
                form.name.errors.append(ERRORS[error.code])
            else:
                flash(_("Code added."), "success")
                return redirect(url_for(".codes", study_id=access.study.id))
    return _page(
        "interviews/codes.html",
        access,
        form=form,
        tree=coding.code_tree(access.study),
        counts=_code_counts(access),
        import_form=FileForm(),
        confirm_form=ConfirmForm(),
    )


def _code_counts(access: StudyAccess) -> dict[int, int]:
    counts: dict[int, int] = {}
    for quote in reports.quotes(access.study):
        counts[quote.code.id] = counts.get(quote.code.id, 0) + 1
    return counts


@bp.route("/codes/<int:code_id>/edit", methods=["GET", "POST"])
@study_required("edit_codebook")
def edit_code(access: StudyAccess, code_id: int):
    code = code_in(access, code_id)
    form = _code_form(access, code)
    if form.validate_on_submit():
        try:
            changed = coding.update_code(access.study, code, form.data)
        except coding.CodingError as error:
            form.name.errors.append(ERRORS[error.code])
        else:
            if changed:
                flash(_("Code saved."), "success")
            return redirect(url_for(".codes", study_id=access.study.id))
    return _page("interviews/code_form.html", access, form=form, code=code)


@bp.route("/codes/<int:code_id>/delete", methods=["POST"])
@study_required("edit_codebook")
def delete_code(access: StudyAccess, code_id: int):
    code = code_in(access, code_id)
    if ConfirmForm().validate_on_submit():
        coding.delete_code(access.study, code)
        flash(_("Code deleted."), "success")
    return redirect(url_for(".codes", study_id=access.study.id))


@bp.route("/codes/import", methods=["POST"])
@study_required("edit_codebook")
def import_codebook(access: StudyAccess):
    form = FileForm()
    if form.validate_on_submit():
        try:
            added = exchange.import_qdc(access.study, form.file.data.read())
        except QdaTooLarge as error:
            limit = error.maximum // 2**20 if error.what == "bytes" else error.maximum
            flash(CODEBOOK_LIMITS[error.what] % {"max": limit}, "danger")
        except QdaError as error:
            flash(_("This is not a REFI-QDA codebook: %(error)s", error=str(error)), "danger")
        else:
            flash(_("%(n)d codes imported.", n=added), "success")
    return redirect(url_for(".codes", study_id=access.study.id))


@bp.route("/quotes")
@bp.route("/codes/<int:code_id>/quotes")
@study_required("view_respondents")
def quotes(access: StudyAccess, code_id: int | None = None):
    code = code_in(access, code_id) if code_id is not None else None
    values, filters = attribute_filters(access)
    return _page(
        "interviews/quotes.html",
        access,
        code=code,
        quotes=reports.quotes(access.study, code, filters=filters),
        attribute_values=values,
        filters=filters,
        confirm_form=ConfirmForm(),
    )


@bp.route("/search", methods=["GET", "POST"])
@study_required("view_respondents")
def search(access: StudyAccess):
    form = AutocodeForm(request.args) if request.method == "GET" else AutocodeForm()
    form.code_id.choices = [
        SelectChoice(c.id, "— " * depth + c.name) for c, depth in coding.code_tree(access.study)
    ]
    values, filters = attribute_filters(access)
    hits: list[kwic.Hit] = []
    truncated, made = False, None
    if form.q.data:
        try:
            hits, truncated = kwic.search(
                access.study, form.q.data, form.mode.data, filters=filters
            )
        except coding.CodingError as error:
            form.q.errors = [*form.q.errors, ERRORS[error.code]]
    if request.method == "POST":
        if not access.can("code_interviews"):
            abort(403)
        if form.validate_on_submit() and hits:
            code = code_in(access, form.code_id.data)
            selected = set(request.form.getlist("hit"))
            made = kwic.autocode(
                access.study, current_user, hits, code, scope=form.scope.data, selected=selected
            )
            flash(_("%(n)d highlights added.", n=made), "success")
            return redirect(url_for(".quotes", study_id=access.study.id, code_id=code.id))
    return _page(
        "interviews/search.html",
        access,
        form=form,
        hits=hits,
        truncated=truncated,
        mode_labels=SEARCH_MODE_LABELS,
        attribute_values=values,
        filters=filters,
    )


@bp.route("/analysis")
@study_required("view_respondents")  # codes counted transcript by transcript, by its title
def analysis(access: StudyAccess):
    study = access.study
    attributes, filters = attribute_filters(access)
    attribute = request.args.get("attribute") or next(iter(attributes), "")
    coders = reports.coders(study)
    coder_a = query_int("coder_a") or (coders[0].id if coders else None)
    coder_b = query_int("coder_b") or (coders[1].id if len(coders) > 1 else None)
    agreement = (
        reports.agreement(study, coder_a, coder_b, filters)
        if coder_a and coder_b and coder_a != coder_b
        else []
    )
    return _page(
        "interviews/analysis.html",
        access,
        by_interview=reports.frequency_by_interview(study, filters),
        attributes=attributes,
        attribute_values=attributes,
        filters=filters,
        attribute=attribute,
        by_attribute=reports.frequency_by_attribute(study, attribute, filters)
        if attribute
        else None,
        cooccurrence=reports.cooccurrence(study, filters),
        sentiment=reports.sentiment_by_code(study, filters),
        coders=coders,
        coder_a=coder_a,
        coder_b=coder_b,
        agreement=agreement,
    )


def _download(data: bytes, filename: str, mimetype: str):
    from flask import Response

    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _deidentified() -> bool:
    """`?deidentified=1` masks phones, ID-card numbers, emails and the study's names."""
    return request.args.get("deidentified") == "1"


@bp.route("/export/codebook.qdc")
@study_required("view")
def export_codebook(access: StudyAccess):
    try:
        data = exchange.codebook_qdc(access.study)
    except ValueError:
        flash(_("The codebook is empty."), "warning")
        return redirect(url_for(".codes", study_id=access.study.id))
    return _download(data, f"codebook-{access.study.id}.qdc", "application/xml")


@bp.route("/export/project.qdpx")
@study_required("export_interviews")
def export_project(access: StudyAccess):
    try:
        data = exchange.project_qdpx(access.study, deidentified=_deidentified())
    except (QdaError, ValueError):
        flash(_("The codebook is empty."), "warning")
        return redirect(url_for(".codes", study_id=access.study.id))
    return _download(data, f"study-{access.study.id}.qdpx", "application/zip")


@bp.route("/export/quotes.csv")
@study_required("export_interviews")
def export_quotes_csv(access: StudyAccess):
    _values, filters = attribute_filters(access)
    return _download(
        exchange.quotes_csv(access.study, filters, deidentified=_deidentified()),
        f"quotes-{access.study.id}.csv",
        "text/csv",
    )


@bp.route("/export/quotes.xlsx")
@study_required("export_interviews")
def export_quotes_xlsx(access: StudyAccess):
    _values, filters = attribute_filters(access)
    return _download(
        exchange.quotes_xlsx(access.study, filters, deidentified=_deidentified()),
        f"quotes-{access.study.id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
