import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.permissions import (
    DirectoryAccess,
    StudyAccess,
    directory_required,
    participant_in,
    study_required,
)
from app.privacy import bp, copies, processing, services
from app.privacy.forms import EraseForm, ExportForm

DATA_URL = "/organisations/<int:organisation_id>/participants/<int:participant_id>/data"


@bp.route(DATA_URL)
@directory_required("erase_participants")
def participant_data(access: DirectoryAccess, participant_id: int):
    participant = participant_in(access, participant_id)
    data = services.inventory(participant)
    return render_template(
        "privacy/participant_data.html",
        organisation=access.organisation,
        data=data,
        counts=data.counts(),
        export_form=ExportForm(),
        erase_form=EraseForm(),
    )


@bp.route(DATA_URL + "/export", methods=["POST"])
@directory_required("erase_participants")
def export_participant(access: DirectoryAccess, participant_id: int):
    if not ExportForm().validate_on_submit():
        abort(400)
    data = services.inventory(participant_in(access, participant_id))
    document = copies.export(data)
    copies.record_export(data, current_user)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename=participant-{participant_id}.json",
            "Cache-Control": "no-store",
        },
    )


@bp.route(DATA_URL + "/erase", methods=["POST"])
@directory_required("erase_participants")
def erase_participant(access: DirectoryAccess, participant_id: int):
    participant = participant_in(access, participant_id)
    form = EraseForm()
    if not form.validate_on_submit() or form.confirmation.data.strip() != str(participant.id):
        flash(_("Type the record's number exactly to erase it."), "danger")
        return redirect(
            url_for(
                "privacy.participant_data",
                organisation_id=access.organisation.id,
                participant_id=participant_id,
            )
        )
    services.erase(services.inventory(participant), current_user)
    flash(_("Everything about this person was erased."), "success")
    return redirect(url_for("main.index"))


@bp.route("/studies/<int:study_id>/privacy/record")
@study_required("view")
def processing_record(access: StudyAccess):
    record = processing.build(access.study)
    return render_template(
        "privacy/processing_record.html",
        study=access.study,
        access=access,
        **processing.template_values(record),
    )


@bp.route("/studies/<int:study_id>/privacy/record.<any(md, html):kind>")
@study_required("view")
def processing_record_download(access: StudyAccess, kind: str):
    record = processing.build(access.study)
    if kind == "md":
        body, mimetype = processing.markdown(record), "text/markdown"
    else:
        body = render_template(
            "privacy/processing_record_file.html", **processing.template_values(record)
        )
        mimetype = "text/html"
    name = f"record-of-processing-{access.study.id}.{kind}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"}
    )
