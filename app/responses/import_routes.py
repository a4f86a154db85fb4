"""/…/responses/import: upload another tool's export, check it (the dry run, with the
column mapping to correct), confirm. Nothing is stored until the confirmation, and then all
rows or none (`app.responses.importing`)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.permissions import StudyAccess, published_questionnaire_in, study_required
from app.problems import locale, translate
from app.responses import bp, import_files, importing
from app.responses.forms import TOOL_NAMES, ImportMappingForm, ResponseImportForm, mapping_from

PROBLEMS_SHOWN = 5000


@bp.route("/import", methods=["GET", "POST"])
@study_required("import_responses")
def import_page(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    form = ResponseImportForm()
    refusal = None
    if form.validate_on_submit():
        upload = form.file.data
        filename, data = upload.filename or "upload.csv", upload.read()
        try:
            checked = _preview(questionnaire, filename, data, form.tool.data or None)
        except importing.ImportRefused as refused:
            refusal = translate(refused.refusal) if refused.refusal else None
        else:
            token = import_files.keep(questionnaire.id, filename, data)
            return _render_preview(access, questionnaire, token, filename, checked)
    status = 200 if request.method == "GET" else 422
    return render_template(
        "responses/import.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
        refusal=refusal,
    ), status


@bp.route("/import/<upload>", methods=["POST"])
@study_required("import_responses")
def import_check(access: StudyAccess, questionnaire_id: int, upload: str):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    kept = import_files.load(questionnaire.id, upload)
    back = url_for(".import_page", study_id=access.study.id, questionnaire_id=questionnaire.id)
    if kept is None:
        flash(_("The uploaded file is no longer kept: upload it again."), "warning")
        return redirect(back)
    form = ImportMappingForm()
    if not form.validate_on_submit():
        return redirect(back)
    filename, data = kept
    tool = form.tool.data or None
    try:
        read = _preview(questionnaire, filename, data, tool, {})  # the columns only: no checks
        mapping = mapping_from(request.form, [c.index for c in read.table.columns])
        if not form.confirm.data:
            checked = _preview(questionnaire, filename, data, tool, mapping)
        else:  # checks everything again itself, and stores all rows or none
            done = importing.import_responses(
                questionnaire, filename, data, actor=current_user, tool=tool, mapping=mapping,
                zone=current_app.config["BABEL_DEFAULT_TIMEZONE"], locale=locale(),
            )  # fmt: skip
            import_files.discard(questionnaire.id, upload)
            flash(_("Imported %(n)d responses (%(skipped)d imported before, left out).",
                    n=done.stored, skipped=done.skipped), "success")  # fmt: skip
            return redirect(url_for(".index", study_id=access.study.id,
                                    questionnaire_id=questionnaire.id))  # fmt: skip
    except importing.ImportRefused as refused:
        if refused.preview is None:
            flash(translate(refused.refusal) if refused.refusal else "", "danger")
            return redirect(back)
        checked = refused.preview
    return _render_preview(access, questionnaire, upload, filename, checked)


def _preview(questionnaire, filename, data, tool, mapping=None):
    return importing.preview(
        questionnaire, filename, data, tool=tool, mapping=mapping,
        zone=current_app.config["BABEL_DEFAULT_TIMEZONE"], locale=locale(),
    )  # fmt: skip


def _render_preview(access, questionnaire, token, filename, checked):
    form = ImportMappingForm(formdata=None, tool=checked.tool)
    problems = checked.plan.problems if checked.plan else []
    return render_template(
        "responses/import_preview.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
        token=token,
        filename=filename,
        checked=checked,
        tool_name=TOOL_NAMES.get(checked.tool, checked.tool),
        targets=importing.target_choices(questionnaire, locale()),
        samples=importing.samples(checked.table),
        refusal=translate(checked.refusal) if checked.refusal else None,
        problems=problems[:PROBLEMS_SHOWN],
        problem_count=len(problems),
        translate=translate,
    ), (200 if checked.ready else 422)
