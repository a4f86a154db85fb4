"""The export page: choose a format and the responses, then follow the export job and
download its file. Respondent-level data, so every view asks `view_respondents` (a product
manager gets 403), and a job is found through `job_in` (another study's is a 404)."""

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from analysis.findings.segments import segment_questions
from app import jobs
from app.findings.query_args import query_from_args
from app.findings.waves import series_waves
from app.job_views import cancel_job, job_status
from app.outreach.segment_services import segment_choices
from app.permissions import (
    StudyAccess,
    job_in,
    published_questionnaire_in,
    reveals_personal,
    study_directory,
    study_required,
)
from app.results import bp, services
from app.results.export_jobs import FORMATS, KIND, ExportSpec, download_name, submit_export
from app.results.export_table import ExportFilterError, ExportFilters, check_filters, wave_of
from app.results.forms import ExportForm


def _form(questionnaire, access: StudyAccess) -> ExportForm:
    form = ExportForm()
    form.participant_segment.choices = segment_choices(study_directory(access, current_user))
    waves = [q for q in series_waves(questionnaire) if q.latest_version is not None]
    form.wave.choices = [(str(q.wave), _("Wave %(n)d", n=q.wave)) for q in waves]
    if form.wave.data is None:
        form.wave.data = str(questionnaire.wave)
    return form


@bp.route("/export", methods=["GET", "POST"])
@study_required("view_respondents")
def export_page(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    form = _form(questionnaire, access)
    if form.validate_on_submit():
        chosen = wave_of(questionnaire, int(form.wave.data)) or abort(404)
        spec = ExportSpec(
            format=form.format.data,
            label_cells=form.cells.data == "labels",
            label_row=form.label_row.data,
            filters=ExportFilters(
                version=form.version.data,
                include_partial=form.include_partial.data,
                submitted_from=form.submitted_from.data,
                submitted_until=form.submitted_until.data,
                segments=query_from_args(request.form).segments,
                exclude_flagged=form.exclude_flagged.data,
                reveal_personal=reveals_personal(access, form.reveal_personal.data),
                participant_segment=int(form.participant_segment.data)
                if form.participant_segment.data
                else None,
            ),
        )
        try:
            check_filters(chosen, spec.filters)
        except ExportFilterError as error:
            flash(str(error), "warning")
        else:
            job = submit_export(chosen, spec, actor=current_user, locale=str(get_locale()))
            if spec.filters.reveal_personal:
                services.audit_export_reveal(chosen, job.id)
            return redirect(url_for(".export_job", study_id=access.study.id,
                                    questionnaire_id=questionnaire.id, job_id=job.id))  # fmt: skip
    return render_template(
        "results/export.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
        segments=segment_questions(services.latest_definition(questionnaire)),
    )


@bp.route("/exports/<int:job_id>")
@study_required("view_respondents")
def export_job(access: StudyAccess, questionnaire_id: int, job_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    job = job_in(access, job_id, KIND)
    return render_template(
        "results/export_job.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        job=job,
        status=_status(access, questionnaire_id, job),
    )


@bp.route("/exports/<int:job_id>/status")
@study_required("view_respondents")
def export_job_status(access: StudyAccess, questionnaire_id: int, job_id: int):
    published_questionnaire_in(access, questionnaire_id)
    return jsonify(_status(access, questionnaire_id, job_in(access, job_id, KIND)))


@bp.route("/exports/<int:job_id>/download")
@study_required("view_respondents")
def export_download(access: StudyAccess, questionnaire_id: int, job_id: int):
    published_questionnaire_in(access, questionnaire_id)
    job = job_in(access, job_id, KIND)
    path = jobs.result_file(job) or abort(404)
    spec = ExportSpec.from_dict(job.params["spec"])
    return send_file(
        path, mimetype=FORMATS[spec.format][1], as_attachment=True, download_name=download_name(job)
    )


@bp.route("/exports/<int:job_id>/cancel", methods=["POST"])
@study_required("view_respondents")
def cancel_export(access: StudyAccess, questionnaire_id: int, job_id: int):
    published_questionnaire_in(access, questionnaire_id)
    back_to = url_for(".export_job", study_id=access.study.id,
                      questionnaire_id=questionnaire_id, job_id=job_id)  # fmt: skip
    return cancel_job(job_in(access, job_id, KIND), back_to=back_to)


def _status(access: StudyAccess, questionnaire_id: int, job) -> dict:
    ids = {"study_id": access.study.id, "questionnaire_id": questionnaire_id, "job_id": job.id}
    return job_status(
        job,
        download_url=url_for(".export_download", **ids),
        cancel_url=url_for(".cancel_export", **ids),
    )
