"""Reports of a questionnaire's findings: ask for one (a job), follow its progress, download it.

Every member may export (`can_export_findings`): a report holds the numbers the dashboard
already shows them. A job is looked up through `app.permissions.job_in`, so another study's
job is a 404 like any object of a study one is not a member of.
"""

from flask import abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from analysis.findings.query import Query
from app import jobs
from app.extensions import db
from app.findings import bp
from app.findings.forms import ReportForm
from app.findings.query_args import query_args, query_from_args
from app.findings.reports import FORMATS, KIND, download_name, submit_report
from app.job_views import cancel_job, job_status
from app.models import Questionnaire
from app.permissions import StudyAccess, job_in, published_questionnaire_in, study_required
from app.results import weighting


@bp.route("/<int:questionnaire_id>/reports", methods=["POST"])
@study_required("export_findings")
def create_report(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    query = query_from_args(request.values)
    if query.weighted and weighting.scheme_of(questionnaire) is None:
        query = type(query).of(
            query.segments,
            exclude_flagged=query.exclude_flagged,
            participant_segment=query.participant_segment,
        )
    job = submit_report(
        questionnaire, query, form.format.data, actor=current_user, locale=str(get_locale())
    )
    return redirect(url_for("findings.report_job", study_id=access.study.id, job_id=job.id))


@bp.route("/jobs/<int:job_id>")
@study_required("export_findings")
def report_job(access: StudyAccess, job_id: int):
    job = job_in(access, job_id, KIND)
    return render_template(
        "findings/job.html",
        access=access,
        study=access.study,
        job=job,
        questionnaire=db.session.get(Questionnaire, job.params["questionnaire_id"]),
        status=_status(access, job),
        job_query_args=query_args(Query.from_dict(job.params["query"])),
    )


@bp.route("/jobs/<int:job_id>/status")
@study_required("export_findings")
def report_job_status(access: StudyAccess, job_id: int):
    return jsonify(_status(access, job_in(access, job_id, KIND)))


@bp.route("/jobs/<int:job_id>/download")
@study_required("export_findings")
def report_download(access: StudyAccess, job_id: int):
    job = job_in(access, job_id, KIND)
    path = jobs.result_file(job)
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype=FORMATS[job.params["format"]],
        as_attachment=True,
        download_name=download_name(job),
    )


@bp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
@study_required("export_findings")
def cancel_report(access: StudyAccess, job_id: int):
    back_to = url_for("findings.report_job", study_id=access.study.id, job_id=job_id)
    return cancel_job(job_in(access, job_id, KIND), back_to=back_to)


def _status(access: StudyAccess, job) -> dict:
    ids = {"study_id": access.study.id, "job_id": job.id}
    return job_status(
        job,
        download_url=url_for("findings.report_download", **ids),
        cancel_url=url_for("findings.cancel_report", **ids),
    )
