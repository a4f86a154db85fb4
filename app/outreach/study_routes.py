"""A study's outreach page: invite a segment to a questionnaire, its links, reminders, sample
targets, and the response rate by segment with a Wilson 95 % interval."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.forms import Form
from app.outreach import bp, segment_services, services
from app.outreach.files import links_csv, links_xlsx
from app.outreach.forms import ATTRIBUTE_LABELS, InviteForm, TargetForm
from app.outreach.rates import target_rows
from app.permissions import (
    StudyAccess,
    outreach_target_in,
    published_questionnaire_in,
    segment_in,
    study_directory,
    study_outreach,
    study_required,
)
from app.questionnaires.services import questionnaires_of
from app.respond.settings import read_settings


def _invite_form(access: StudyAccess, directory) -> InviteForm:
    form = InviteForm()
    form.segment.choices = [
        SelectChoice(segment.id, segment.name)
        for segment, _count in segment_services.segments_with_counts(directory.organisation)
    ]
    form.questionnaire.choices = [
        SelectChoice(q.id, q.title)
        for q in questionnaires_of(access.study)
        if q.latest_version is not None
    ]
    return form


def _target_form(target) -> TargetForm:
    return TargetForm(
        formdata=None,
        prefix=f"t{target.id}",
        target_count=target.target_count,
        split_field=target.split_field,
        split_targets="\n".join(f"{k} = {v}" for k, v in target.split_targets.items()),
    )


def _page(access: StudyAccess, form=None, status: int = 200):
    directory = study_directory(access, current_user)
    if directory is None:
        return render_template("outreach/no_directory.html", access=access, study=access.study)
    targets = services.targets_of(access.study)
    return render_template(
        "outreach/index.html",
        access=access,
        study=access.study,
        directory=directory,
        form=form or _invite_form(access, directory),
        rows=target_rows(targets),
        target_forms={t.id: _target_form(t) for t in targets},
        attribute_labels=ATTRIBUTE_LABELS,
    ), status


@bp.route("/studies/<int:study_id>/outreach/")
@study_required("view_respondents")
def outreach(access: StudyAccess):
    return _page(access)


@bp.route("/studies/<int:study_id>/outreach/invite", methods=["POST"])
@study_required("edit_questionnaire")
def invite(access: StudyAccess):
    directory = study_outreach(access, current_user, "edit_directory")
    form = _invite_form(access, directory)
    if not form.validate_on_submit():
        return _page(access, form, 422)
    questionnaire = published_questionnaire_in(access, form.questionnaire.data)
    segment = segment_in(directory, form.segment.data)
    settings = read_settings(questionnaire.published_version.definition)
    if not settings.invitation_only:
        form.questionnaire.errors = [
            _(
                "Personal links work only for a questionnaire answered by invitation: set "
                "“Who can answer” to invitation links in its settings and publish it again."
            )
        ]
        return _page(access, form, 422)
    _target, made = services.invite(access.study, segment, questionnaire, current_user)
    flash(_("%(n)d new personal links made for “%(segment)s”.", n=made, segment=segment.name),
          "success")  # fmt: skip
    return redirect(url_for(".outreach", study_id=access.study.id))


@bp.route("/studies/<int:study_id>/outreach/<int:target_id>/links.<fmt>")
@study_required("edit_questionnaire")
def links(access: StudyAccess, target_id: int, fmt: str):
    study_outreach(access, current_user, "edit_directory")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    target = outreach_target_in(access, target_id)
    rows = services.links(target, current_user, fmt)
    name = f"links-{target.questionnaire.slug}-{target.segment_id}"
    return _download(rows, name, fmt)


def _download(rows, name: str, fmt: str) -> Response:
    if fmt == "xlsx":
        body, mimetype = (
            links_xlsx(rows),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    else:
        body, mimetype = links_csv(rows), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@bp.route("/studies/<int:study_id>/outreach/<int:target_id>/remind", methods=["POST"])
@study_required("edit_questionnaire")
def remind(access: StudyAccess, target_id: int):
    """Mark the members who have not answered as reminded and download their links."""
    study_outreach(access, current_user, "edit_directory")
    target = outreach_target_in(access, target_id)
    if not Form().validate_on_submit():
        abort(400)
    rows = services.remind(target, current_user)
    return _download(rows, f"reminders-{target.questionnaire.slug}-{target.segment_id}", "csv")


@bp.route("/studies/<int:study_id>/outreach/<int:target_id>/target", methods=["POST"])
@study_required("edit_questionnaire")
def set_target(access: StudyAccess, target_id: int):
    study_outreach(access, current_user, "edit_directory")
    target = outreach_target_in(access, target_id)
    form = TargetForm(prefix=f"t{target.id}")
    split = form.split() if form.validate_on_submit() else None
    if split is None:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "warning")
        return redirect(url_for(".outreach", study_id=access.study.id))
    services.set_target(
        target, form.target_count.data, form.split_field.data or "", split, current_user
    )
    flash(_("Target saved."), "success")
    return redirect(url_for(".outreach", study_id=access.study.id))
