"""The directory's pages: the list, a record (its history, consents, the audited reveal), the
add and edit forms, custom fields, cleaning and merging, and the organisation's members."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.directory import bp, cleaning, listing, members, records
from app.directory.forms import (
    ATTRIBUTE_LABELS,
    CHANNEL_LABELS,
    CONSENT_PURPOSE_LABELS,
    ORGANISATION_ROLE_LABELS,
    PRIVACY_LABELS,
    RECORD_PROBLEM_LABELS,
    ConsentForm,
    FieldForm,
    MemberForm,
    MemberRoleForm,
    MergeForm,
    RevealForm,
    participant_form,
)
from app.directory.history import history
from app.directory.records import ATTRIBUTES, Profile
from app.models import FieldPrivacy, OrganisationRole
from app.permissions import (
    DirectoryAccess,
    current_participants_in,
    directory_required,
    organisation_member_in,
    participant_in,
)

BASE = "/directory"
STALE_DAYS = 365


@bp.context_processor
def labels() -> dict:
    return {
        "attribute_labels": ATTRIBUTE_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "problem_labels": RECORD_PROBLEM_LABELS,
    }


@bp.route(BASE + "/")
@directory_required("view_directory")
def index(access: DirectoryAccess):
    filters = listing.Filters.from_args(request.args)
    number = request.args.get("page", 1, type=int) or 1
    pagination = listing.page(access, filters, max(1, min(number, 100_000)))
    return render_template(
        "directory/index.html",
        access=access,
        organisation=access.organisation,
        pagination=pagination,
        rows=[(row, records.masked(row)) for row in pagination.items],
        filters=filters,
        attributes=ATTRIBUTES,
        tags=listing.tags_in_use(access),
    )


def _profile(form, fields) -> Profile:
    return Profile(
        name=form.name.data or "",
        attributes={name: getattr(form, name).data or "" for name in ATTRIBUTES},
        channels={
            "phone": form.phone.data or "",
            "email": form.email.data or "",
            "wechat": form.wechat_id.data or "",
        },
        tags=records.parse_tags(form.tags.data or ""),
        notes=form.notes.data or "",
        custom={f.key: getattr(form, f"custom_{f.key}").data or "" for f in fields},
    )


@bp.route(BASE + "/new", methods=["GET", "POST"])
@directory_required("edit_directory")
def create(access: DirectoryAccess):
    fields = records.fields_of(access)
    form = participant_form(fields)
    if form.validate_on_submit():
        participant = records.create(access, _profile(form, fields), current_user)
        flash(_("The record was added."), "success")
        return redirect(_record_url(access, participant.id))
    return _edit_page(access, form, fields, None)


@bp.route(BASE + "/<int:participant_id>/edit", methods=["GET", "POST"])
@directory_required("edit_directory")
def edit(access: DirectoryAccess, participant_id: int):
    participant = participant_in(access, participant_id)
    if participant.merged_into_id is not None:
        abort(404)
    fields = records.fields_of(access)
    form = participant_form(fields)
    if request.method == "GET":
        form.name.data = participant.name or ""
        form.phone.data = participant.phone or ""
        form.email.data = participant.email or ""
        form.wechat_id.data = participant.wechat_id or ""
        for name in ATTRIBUTES:
            getattr(form, name).data = getattr(participant, name)
        form.tags.data = "，".join(participant.tags or [])
        form.notes.data = participant.notes
        for definition in fields:
            getattr(form, f"custom_{definition.key}").data = records.custom_value(
                participant, definition
            )
    if form.validate_on_submit():
        records.update(access, participant, _profile(form, fields), current_user)
        flash(_("The record was saved."), "success")
        return redirect(_record_url(access, participant.id))
    return _edit_page(access, form, fields, participant)


def _edit_page(access: DirectoryAccess, form, fields, participant):
    """The add or edit form (*participant* None: a new record)."""
    return render_template(
        "directory/edit.html",
        access=access,
        organisation=access.organisation,
        form=form,
        fields=fields,
        participant=participant,
    )


def _record_url(access: DirectoryAccess, participant_id: int) -> str:
    return url_for(
        "directory.record", organisation_id=access.organisation.id, participant_id=participant_id
    )


def _record_page(access: DirectoryAccess, participant_id: int, *, revealed: bool):
    participant = participant_in(access, participant_id)
    fields = records.fields_of(access)
    return render_template(
        "directory/record.html",
        access=access,
        organisation=access.organisation,
        participant=participant,
        masked=records.masked(participant),
        revealed=revealed,
        custom=[(f, records.custom_value(participant, f)) for f in fields],
        personal=FieldPrivacy.NONE,
        history=history(participant),
        reveal_form=RevealForm(),
        consent_form=ConsentForm(),
        purpose_labels=CONSENT_PURPOSE_LABELS,
        attributes=ATTRIBUTES,
    )


@bp.route(BASE + "/<int:participant_id>")
@directory_required("view_directory")
def record(access: DirectoryAccess, participant_id: int):
    return _record_page(access, participant_id, revealed=False)


@bp.route(BASE + "/<int:participant_id>/reveal", methods=["POST"])
@directory_required("reveal_personal")
def reveal(access: DirectoryAccess, participant_id: int):
    """The record's page with its personal values in full: the request is audited first."""
    if not RevealForm().validate_on_submit():
        abort(400)
    records.record_reveal(access, participant_in(access, participant_id), current_user)
    response = _record_page(access, participant_id, revealed=True)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route(BASE + "/<int:participant_id>/consent", methods=["POST"])
@directory_required("edit_directory")
def record_consent(access: DirectoryAccess, participant_id: int):
    participant = participant_in(access, participant_id)
    form = ConsentForm()
    if form.validate_on_submit():
        granted = form.granted.data == "yes"
        records.record_consent(
            access, participant, form.purpose.data, granted, form.source.data, current_user
        )
        flash(_("Consent recorded.") if granted else _("Withdrawal recorded."), "success")
    else:
        flash(_("Say how the consent was given."), "danger")
    return redirect(_record_url(access, participant.id) + "#consents")


@bp.route(BASE + "/fields", methods=["GET", "POST"])
@directory_required("edit_directory")
def fields(access: DirectoryAccess):
    form = FieldForm()
    existing = records.fields_of(access)
    if form.validate_on_submit():
        if any(definition.key == form.key.data for definition in existing):
            form.key.errors.append(_("Another field has this key."))
        else:
            records.add_field(
                access,
                form.label.data,
                form.key.data,
                FieldPrivacy(form.privacy.data),
                form.retention_days.data,
                current_user,
            )
            flash(_("The field was added."), "success")
            return redirect(url_for("directory.fields", organisation_id=access.organisation.id))
    return render_template(
        "directory/fields.html",
        access=access,
        organisation=access.organisation,
        form=form,
        fields=existing,
        privacy_labels=PRIVACY_LABELS,
    )


@bp.route(BASE + "/cleaning")
@directory_required("edit_directory")
def cleaning_page(access: DirectoryAccess):
    days = max(1, min(request.args.get("days", STALE_DAYS, type=int) or STALE_DAYS, 36500))
    return render_template(
        "directory/cleaning.html",
        access=access,
        organisation=access.organisation,
        groups=[
            (group, [(r, records.masked(r)) for r in group.records])
            for group in cleaning.duplicate_groups(access)
        ],
        invalid=[(r, records.masked(r)) for r in cleaning.invalid_records(access)],
        stale=[(r, records.masked(r)) for r in cleaning.stale_records(access, days)],
        stale_total=cleaning.stale_count(access, days),
        days=days,
        merge_form=MergeForm(),
    )


@bp.route(BASE + "/cleaning/merge", methods=["POST"])
@directory_required("edit_directory")
def merge(access: DirectoryAccess):
    form = MergeForm()
    back = redirect(url_for("directory.cleaning_page", organisation_id=access.organisation.id))
    if not form.validate_on_submit():
        flash(_("Choose the record to keep."), "danger")
        return back
    ids = [int(part) for part in form.records.data.split(",") if len(part) < 10]
    found = current_participants_in(access, [*ids, form.keep.data or 0])
    kept = next((record for record in found if record.id == form.keep.data), None)
    if kept is None or len(found) < 2:
        flash(_("These records cannot be merged any more (one was merged or removed)."), "danger")
        return back
    cleaning.merge(access, kept, [r for r in found if r.id != kept.id], current_user)
    flash(
        _("%(n)d records were merged into record %(id)d.", n=len(found) - 1, id=kept.id), "success"
    )
    return back


@bp.route("/members", methods=["GET", "POST"])
@directory_required("manage_organisation")
def members_page(access: DirectoryAccess):
    form = MemberForm()
    if form.validate_on_submit():
        refused = members.add(
            access, form.email.data, OrganisationRole(form.role.data), current_user
        )
        if refused is None:
            flash(_("The member was added."), "success")
            return redirect(
                url_for("directory.members_page", organisation_id=access.organisation.id)
            )
        form.email.errors.append(
            _("No account has this email.")
            if refused == "no_account"
            else _("This account is already a member.")
        )
    return render_template(
        "directory/members.html",
        access=access,
        organisation=access.organisation,
        form=form,
        members=members.members_of(access),
        role_form=MemberRoleForm(),
        role_labels=ORGANISATION_ROLE_LABELS,
    )


@bp.route("/members/role", methods=["POST"])
@directory_required("manage_organisation")
def change_member(access: DirectoryAccess):
    form = MemberRoleForm()
    back = redirect(url_for("directory.members_page", organisation_id=access.organisation.id))
    if not form.validate_on_submit():
        flash(_("Choose a member and a role."), "danger")
        return back
    member = organisation_member_in(access, form.member_id.data)
    role = None if request.form.get("remove") else OrganisationRole(form.role.data)
    if members.change_role(access, member, role, current_user) == "last_admin":
        flash(_("The organisation needs at least one administrator."), "danger")
    else:
        flash(
            _("The member was removed.") if role is None else _("The role was changed."), "success"
        )
    return back
