"""Segment pages of an organisation's directory: list, create and edit with a rule editor,
and the live count and preview of members (names masked)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.outreach import bp, segment_services
from app.outreach.forms import SegmentForm
from app.permissions import DirectoryAccess, directory_required, segment_in
from surveys.segment_rules import SegmentRulesError


def _form(access: DirectoryAccess) -> SegmentForm:
    form = SegmentForm()
    form.setup(*segment_services.choices(access.organisation))
    return form


def _checked(access: DirectoryAccess, form: SegmentForm):
    """The rules of a submitted form, or None with the problems beside their fields."""
    raw, rows = form.raw_rules()
    try:
        return segment_services.check(access.organisation, raw)
    except SegmentRulesError as error:
        form.show_errors(error.errors, rows)
        return None


@bp.route("/organisations/<int:organisation_id>/segments/")
@directory_required("view_directory")
def segments(access: DirectoryAccess):
    rows = segment_services.segments_with_counts(access.organisation)
    return render_template("outreach/segments.html", access=access, rows=rows)


def _editor(access: DirectoryAccess, segment=None):
    form = _form(access)
    if request.method == "GET" and segment is not None:
        form.load(segment.name, segment.rules)
        form.setup(*segment_services.choices(access.organisation))
    preview = None
    status = 200
    if request.method == "POST":
        valid = form.validate()
        rules = _checked(access, form)
        if rules is not None:
            preview = segment_services.preview_of(access.organisation, rules)
        if valid and rules is not None and form.save.data:
            try:
                saved = segment_services.save(
                    access.organisation, segment, form.name.data, rules, current_user
                )
            except segment_services.NameTaken:
                form.name.errors = [*form.name.errors, _("A segment of this name exists.")]
                status = 422
            else:
                flash(_("Segment saved."), "success")
                return redirect(url_for(".edit_segment", organisation_id=access.organisation.id,
                                        segment_id=saved.id))  # fmt: skip
        if not valid or rules is None:
            status = 422
        if status == 422 and segment is not None:
            db.session.refresh(segment)
    elif segment is not None:
        preview = segment_services.preview_of(access.organisation, segment_services.stored(segment))
    return render_template(
        "outreach/segment_edit.html", access=access, form=form, segment=segment, preview=preview
    ), status


@bp.route("/organisations/<int:organisation_id>/segments/new", methods=["GET", "POST"])
@directory_required("edit_directory")
def new_segment(access: DirectoryAccess):
    return _editor(access)


@bp.route(
    "/organisations/<int:organisation_id>/segments/<int:segment_id>/edit",
    methods=["GET", "POST"],
)
@directory_required("edit_directory")
def edit_segment(access: DirectoryAccess, segment_id: int):
    return _editor(access, segment_in(access, segment_id))


@bp.route("/organisations/<int:organisation_id>/segments/preview", methods=["POST"])
@directory_required("edit_directory")
def preview_segment(access: DirectoryAccess):
    """The count and first members of the rules being edited, as an HTML fragment (the
    editor's live count asks for it as the rules change)."""
    form = _form(access)
    form.validate()
    rules = _checked(access, form)
    preview = segment_services.preview_of(access.organisation, rules) if rules else None
    return render_template("outreach/_preview.html", preview=preview, form=form)
