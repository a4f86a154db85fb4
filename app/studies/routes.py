from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import audit, audit_sentences
from app.forms import ConfirmForm
from app.models import Role
from app.permissions import StudyAccess, invitation_to, study_required
from app.studies import bp, services
from app.studies.forms import (
    METHOD_LABELS,
    ROLE_LABELS,
    MemberForm,
    RoleForm,
    StudyForm,
)

ERROR_MESSAGES = {
    "already_member": _l("This person is already a member of the study."),
    "last_owner": _l("A study needs at least one owner."),
}


@bp.app_context_processor
def labels():
    return {"method_labels": METHOD_LABELS, "role_labels": ROLE_LABELS}


@bp.route("/")
@login_required
def index():
    show_archived = request.args.get("archived") == "1"
    rows = services.studies_of(current_user, include_archived=show_archived)
    return render_template(
        "studies/index.html",
        rows=rows,
        show_archived=show_archived,
        invitations=services.invitations_for(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = StudyForm()
    form.directory_choices(services.directories_for(current_user, None))
    if form.validate_on_submit():
        study = services.create_study(current_user, form.data)
        flash(_("Study created."), "success")
        return redirect(url_for("studies.show", study_id=study.id))
    return render_template("studies/form.html", form=form, study=None)


@bp.route("/<int:study_id>")
@study_required("view")
def show(access: StudyAccess):
    return render_template("studies/show.html", access=access, study=access.study)


@bp.route("/<int:study_id>/edit", methods=["GET", "POST"])
@study_required("edit_study")
def edit(access: StudyAccess):
    form = StudyForm(obj=access.study)
    form.directory_choices(services.directories_for(current_user, access.study))
    if form.validate_on_submit():
        if services.update_study(access.study, form.data):
            flash(_("Study saved."), "success")
        return redirect(url_for("studies.show", study_id=access.study.id))
    return render_template("studies/form.html", form=form, study=access.study)


@bp.route("/<int:study_id>/archive", methods=["POST"])
@study_required("archive_study")
def archive(access: StudyAccess):
    if ConfirmForm().validate_on_submit():
        restore = request.form.get("restore") == "1"
        services.set_archived(access.study, not restore)
        flash(_("Study restored.") if restore else _("Study archived."), "success")
    return redirect(url_for("studies.show", study_id=access.study.id))


@bp.route("/<int:study_id>/members", methods=["GET", "POST"])
@study_required("view")
def members(access: StudyAccess):
    form = MemberForm()
    if request.method == "POST":
        if not access.can("manage_members"):
            abort(403)
        if form.validate_on_submit():
            role = Role(form.role.data)
            try:
                services.invite_member(access.study, form.email.data, role, current_user)
            except services.StudyError as error:
                form.email.errors.append(ERROR_MESSAGES[error.code])
            else:
                # The same answer for every address: it must not tell who has an account.
                flash(
                    _(
                        "%(email)s is invited as %(role)s and joins the study on accepting "
                        "the invitation, shown on their studies page once they sign in.",
                        email=form.email.data.strip().lower(),
                        role=ROLE_LABELS[role],
                    ),
                    "success",
                )
                return redirect(url_for("studies.members", study_id=access.study.id))
    return render_template(
        "studies/members.html",
        access=access,
        study=access.study,
        form=form,
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:study_id>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@study_required("manage_members")
def cancel_invitation(access: StudyAccess, invitation_id: int):
    invitation = services.invitation_in(access.study, invitation_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.cancel_invitation(access.study, invitation)
        flash(_("Invitation withdrawn."), "success")
    return redirect(url_for("studies.members", study_id=access.study.id))


@bp.route("/invitations/<int:invitation_id>/<any(accept, decline):answer>", methods=["POST"])
@login_required
def answer_invitation(invitation_id: int, answer: str):
    invitation = invitation_to(current_user, invitation_id)
    if ConfirmForm().validate_on_submit():
        study = services.answer_invitation(invitation, current_user, accept=answer == "accept")
        if answer == "accept":
            flash(_("You joined the study."), "success")
            return redirect(url_for("studies.show", study_id=study.id))
        flash(_("Invitation declined."), "info")
    return redirect(url_for("studies.index"))


@bp.route("/<int:study_id>/members/<int:membership_id>/role", methods=["POST"])
@study_required("manage_members")
def change_role(access: StudyAccess, membership_id: int):
    membership = services.membership_in(access.study, membership_id) or abort(404)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(access.study, membership, Role(form.role.data))
        except services.StudyError as error:
            flash(ERROR_MESSAGES[error.code], "danger")
        else:
            flash(_("Role changed."), "success")
    return redirect(url_for("studies.members", study_id=access.study.id))


@bp.route("/<int:study_id>/members/<int:membership_id>/remove", methods=["POST"])
@study_required("manage_members")
def remove_member(access: StudyAccess, membership_id: int):
    membership = services.membership_in(access.study, membership_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_member(access.study, membership)
        except services.StudyError as error:
            flash(ERROR_MESSAGES[error.code], "danger")
        else:
            flash(_("Member removed."), "success")
    return redirect(url_for("studies.members", study_id=access.study.id))


@bp.route("/<int:study_id>/audit")
@study_required("read_audit_log")
def audit_log(access: StudyAccess):
    lines = audit_sentences.describe(audit.study_events(access.study.id))
    return render_template("studies/audit.html", access=access, study=access.study, lines=lines)
