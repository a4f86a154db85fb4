from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import surveys
from app.forms import ConfirmForm
from app.jsonbody import BadJson, json_body
from app.permissions import StudyAccess, questionnaire_in, study_required
from app.problems import locale, translate
from app.questionnaires import bp, services, sharing
from app.questionnaires.forms import ImportForm, NewQuestionnaireForm, RespondentSettingsForm
from app.responses import counts
from app.urls import query_int
from surveys.templates import list_templates

IMPORT_ERRORS = {
    "unsupported_extension": _l("Choose a .json, .xlsx or .xls file."),
    "empty_file": _l("The file is empty."),
    "too_large": _l("The file is larger than 5 MB."),
    "invalid_json": _l("The file is not valid JSON in UTF-8."),
    "too_deep": _l("The file is nested too deeply to be a questionnaire."),
    "invalid_xlsx": _l("The file is not a valid Excel workbook (.xlsx or .xls)."),
    "invalid_xlsform": _l("The spreadsheet is not an XLSForm questionnaire."),
    "invalid_definition": _l("The questionnaire has errors; nothing was imported."),
}


def _problems_json(problems) -> list[dict]:
    return [p.to_dict(locale()) for p in problems]


@bp.route("/")
@study_required("view")
def index(access: StudyAccess):
    archived = request.args.get("archived") == "1"
    return render_template(
        "questionnaires/index.html",
        access=access,
        study=access.study,
        questionnaires=services.questionnaires_of(access.study, archived=archived),
        archived=archived,
    )


@bp.route("/new", methods=["GET", "POST"])
@study_required("edit_questionnaire")
def create(access: StudyAccess):
    templates = list_templates()
    form = NewQuestionnaireForm(templates)
    if form.validate_on_submit():
        if form.template.data:
            questionnaire = services.create_from_template(
                access.study, current_user, form.template.data
            )
            if form.title.data:
                services.rename(questionnaire, form.title.data)
        else:
            questionnaire = services.create_questionnaire(
                access.study, current_user, title=form.title.data
            )
        return redirect(_builder_url(questionnaire))
    return render_template(
        "questionnaires/new.html",
        access=access,
        study=access.study,
        form=form,
        import_form=ImportForm(),
        templates=templates,
    )


@bp.route("/import", methods=["POST"])
@study_required("edit_questionnaire")
def import_file(access: StudyAccess):
    form = ImportForm()
    problems: list = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            questionnaire, warnings = services.import_questionnaire(
                access.study, current_user, upload.filename, upload.read()
            )
        except services.ImportRefused as refusal:
            form.file.errors.append(IMPORT_ERRORS[refusal.code])
            problems = refusal.problems
        else:
            flash(_("Questionnaire imported."), "success")
            for warning in warnings[:20]:
                flash(f"{warning.where()}: {translate(warning)}", "warning")
            return redirect(_builder_url(questionnaire))
    templates = list_templates()
    return render_template(
        "questionnaires/new.html",
        access=access,
        study=access.study,
        form=NewQuestionnaireForm(templates, formdata=None),
        import_form=form,
        import_problems=problems,
        templates=templates,
    ), 422


@bp.route("/<int:questionnaire_id>/")
@study_required("view")
def show(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    return render_template(
        "questionnaires/show.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        public_url=sharing.public_url(questionnaire),
        test_url=sharing.test_url(questionnaire, current_app.config["SECRET_KEY"])
        if access.can("answer_in_test_mode") and questionnaire.latest_version
        else "",
        test_responses=counts.test_response_count(questionnaire),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:questionnaire_id>/delete", methods=["POST"])
@study_required("delete_questionnaire")
def delete(access: StudyAccess, questionnaire_id: int):
    """Delete a draft that was never published (ticked confirmation); a published one is
    archived instead."""
    questionnaire = questionnaire_in(access, questionnaire_id)
    show = url_for(".show", study_id=access.study.id, questionnaire_id=questionnaire.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm the deletion."), "warning")
        return redirect(show)
    try:
        services.delete_draft(questionnaire)
    except services.NotADraft:
        flash(_("A published questionnaire cannot be deleted; archive it instead."), "danger")
        return redirect(show)
    flash(_("Questionnaire deleted."), "success")
    return redirect(url_for(".index", study_id=access.study.id))


@bp.route("/<int:questionnaire_id>/archive", methods=["POST"])
@study_required("archive_questionnaire")
def archive(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "restore":
        services.restore(questionnaire)
        flash(_("Questionnaire restored. Reopen it to accept answers again."), "success")
    else:
        services.archive(questionnaire)
        flash(_("Questionnaire archived: its link is closed and its responses are kept."),
              "success")  # fmt: skip
    return redirect(url_for(".show", study_id=access.study.id, questionnaire_id=questionnaire.id))


@bp.route("/<int:questionnaire_id>/test-responses/delete", methods=["POST"])
@study_required("clear_test_responses")
def clear_test_responses(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm the deletion."), "warning")
    else:
        deleted = services.clear_test_responses(questionnaire)
        flash(_("%(n)d test responses deleted.", n=deleted), "success")
    return redirect(url_for(".show", study_id=access.study.id, questionnaire_id=questionnaire.id))


@bp.route("/<int:questionnaire_id>/settings", methods=["GET", "POST"])
@study_required("edit_questionnaire")
def settings(access: StudyAccess, questionnaire_id: int):
    """Consent notice, access, dates, quota and end page: stored in the draft, live on publish."""
    questionnaire = questionnaire_in(access, questionnaire_id)
    form = RespondentSettingsForm(services.quota_questions(questionnaire.draft))
    timezone = ZoneInfo(str(get_timezone()))
    status = 200
    if form.validate_on_submit():
        problems = services.save_settings(questionnaire, form.settings(timezone), current_user)
        if not problems:
            flash(_("Settings saved. Respondents get them when you publish."), "success")
            return redirect(
                url_for(".settings", study_id=access.study.id, questionnaire_id=questionnaire.id)
            )
        form.attach_problems(problems, locale())
        status = 422
    elif form.is_submitted():
        status = 422
    else:
        form.load(questionnaire.draft.get("settings") or {}, timezone)
    return render_template(
        "questionnaires/settings.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
    ), status


@bp.route("/<int:questionnaire_id>/edit")
@study_required("edit_questionnaire")
def builder(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    return render_template(
        "questionnaires/builder.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        question_types=[
            {**t.as_json(), "label": t.label_en if locale().startswith("en") else t.label_zh}
            for t in surveys.QUESTION_TYPES.values()
        ],
    )


@bp.route("/<int:questionnaire_id>/draft", methods=["GET"])
@study_required("view")
def draft(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    return jsonify(
        definition=questionnaire.draft,
        revision=questionnaire.draft_revision,
        problems=_problems_json(surveys.validate_definition(questionnaire.draft)),
        status=questionnaire.status.value,
        has_unpublished_changes=questionnaire.has_unpublished_changes,
    )


@bp.route("/<int:questionnaire_id>/draft", methods=["PUT"])
@study_required("edit_questionnaire")
def save_draft(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    try:
        body = json_body(max_bytes=services.MAX_IMPORT_BYTES)
    except BadJson as error:
        return jsonify(error=error.message), 400
    if not isinstance(body, dict) or not isinstance(body.get("revision"), int):
        return jsonify(error=_("The request must be JSON with a definition and a revision.")), 400
    try:
        result = services.save_draft(
            questionnaire, body.get("definition"), expected_revision=body["revision"]
        )
    except services.DraftConflict as conflict:
        return jsonify(
            error=_("This questionnaire was changed in another window. Reload to see it."),
            revision=conflict.current_revision,
        ), 409
    return jsonify(
        revision=result.revision,
        problems=_problems_json(result.problems),
        has_unpublished_changes=questionnaire.has_unpublished_changes,
    )


@bp.route("/<int:questionnaire_id>/publish", methods=["POST"])
@study_required("publish_questionnaire")
def publish(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        version = services.publish(questionnaire, current_user)
    except services.PublishRefused as refusal:
        flash(_("The questionnaire has errors. Fix them before publishing."), "danger")
        for problem in refusal.problems[:10]:
            flash(f"{problem.where()}: {translate(problem)}", "danger")
        return redirect(_builder_url(questionnaire))
    flash(_("Published as version %(number)d. The public link is open.", number=version.number),
          "success")  # fmt: skip
    return redirect(url_for(".show", study_id=access.study.id, questionnaire_id=questionnaire.id))


@bp.route("/<int:questionnaire_id>/status", methods=["POST"])
@study_required("publish_questionnaire")
def change_status(access: StudyAccess, questionnaire_id: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    if ConfirmForm().validate_on_submit():
        if request.form.get("status") == "closed":
            services.close(questionnaire)
            flash(_("The questionnaire is closed: the public link no longer accepts answers."),
                  "success")  # fmt: skip
        elif request.form.get("status") == "open":
            try:
                services.reopen(questionnaire)
            except services.PublishRefused:
                flash(_("Publish the questionnaire first."), "danger")
            else:
                flash(_("The questionnaire is open again."), "success")
    return redirect(url_for(".show", study_id=access.study.id, questionnaire_id=questionnaire.id))


@bp.route("/<int:questionnaire_id>/versions/<int:number>")
@study_required("view")
def version(access: StudyAccess, questionnaire_id: int, number: int):
    questionnaire = questionnaire_in(access, questionnaire_id)
    current = services.version_number(questionnaire, number) or abort(404)
    previous = services.version_number(questionnaire, number - 1)
    diff = surveys.diff_definitions(previous.definition, current.definition) if previous else None
    return render_template(
        "questionnaires/version.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        version=current,
        previous=previous,
        diff_lines=diff.lines(locale()) if diff else [],
    )


@bp.route("/<int:questionnaire_id>/export.<any(json, xlsx):fmt>")
@study_required("view")
def export(access: StudyAccess, questionnaire_id: int, fmt: str):
    questionnaire = questionnaire_in(access, questionnaire_id)
    number = query_int("version")
    if number is not None:
        definition = (services.version_number(questionnaire, number) or abort(404)).definition
    else:
        definition = questionnaire.draft
    filename = f"questionnaire-{questionnaire.id}" + (f"-v{number}" if number else "-draft")
    body: str | bytes
    if fmt == "json":
        body = services.definition_json(definition)
        mimetype = "application/json"
    else:
        body = services.export_xlsx(definition)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


@bp.route("/<int:questionnaire_id>/qr.<any(png, svg):fmt>")
@study_required("view")
def qr_code(access: StudyAccess, questionnaire_id: int, fmt: str):
    questionnaire = questionnaire_in(access, questionnaire_id)
    body, mimetype = sharing.qr_code(sharing.public_url(questionnaire), fmt)
    disposition = "attachment" if request.args.get("download") else "inline"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'{disposition}; filename="qr-{questionnaire.slug}.{fmt}"'},
    )


def _builder_url(questionnaire) -> str:
    return url_for(
        "questionnaires.builder",
        study_id=questionnaire.study_id,
        questionnaire_id=questionnaire.id,
    )
