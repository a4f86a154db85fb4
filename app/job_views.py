"""What the job pages of reports and exports share: the JSON status their progress bar polls,
and the cancel button's outcome. Each blueprint checks its own permission and job kind."""

from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _

from app import jobs
from app.forms import ConfirmForm
from app.models import Job, JobStatus


def job_status(job: Job, *, download_url: str, cancel_url: str) -> dict:
    """The status `static/js/job.js` shows, after setting right a job whose worker is gone;
    the download link once the file is there."""
    jobs.reconcile(job)
    done = jobs.result_file(job) is not None
    error = job.error
    if job.status is JobStatus.DONE and not done:  # `jobs.forget_old_files` deleted it
        days = current_app.config["JOB_FILES_KEPT_DAYS"]
        error = _("The file was deleted %(days)d days after it was made; ask for it again.",
                  days=days)  # fmt: skip
    return {
        "id": job.id,
        "status": job.status.value,
        "progress": job.progress,
        "error": error,
        "download_url": download_url if done else None,
        "cancel_url": None if job.finished else cancel_url,
    }


def cancel_job(job: Job, *, back_to: str):
    """The cancel button's POST: cancel the job, say what happened, go back to its page."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if jobs.cancel(job):
        flash(_("The job was cancelled."), "info")
    else:
        flash(_("The job had already finished."), "warning")
    return redirect(back_to)
