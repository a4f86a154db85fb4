"""A batch of transcripts read as a job (`import_jobs`): its page follows the progress and then
lists the previews it made and the files it could not read."""

from flask import jsonify, url_for

from app.interviews import bp, import_jobs
from app.interviews.common import page
from app.job_views import cancel_job, job_status
from app.permissions import StudyAccess, job_in, study_required


@bp.route("/imports/<int:job_id>")
@study_required("import_interviews")
def import_job(access: StudyAccess, job_id: int):
    job = job_in(access, job_id, import_jobs.KIND)
    return page(
        "interviews/import_job.html",
        access,
        job=job,
        status=_status(access, job),
        summary=import_jobs.summary_of(job),
    )


@bp.route("/imports/<int:job_id>/status")
@study_required("import_interviews")
def import_job_status(access: StudyAccess, job_id: int):
    return jsonify(_status(access, job_in(access, job_id, import_jobs.KIND)))


@bp.route("/imports/<int:job_id>/cancel", methods=["POST"])
@study_required("import_interviews")
def cancel_import(access: StudyAccess, job_id: int):
    back_to = url_for(".import_job", study_id=access.study.id, job_id=job_id)
    return cancel_job(job_in(access, job_id, import_jobs.KIND), back_to=back_to)


def _status(access: StudyAccess, job) -> dict:
    ids = {"study_id": access.study.id, "job_id": job.id}
    return job_status(
        job,
        download_url=url_for(".import_job", **ids),  # the page again, now with what it read
        cancel_url=url_for(".cancel_import", **ids),
    )
