"""A batch of transcripts read as a background job: parsing dozens of `.docx` interviews
(segmenting, speaker detection, de-identification) takes longer than a request should, so an
upload of several files is a job with a progress bar, run by an RQ worker when there is one.
The files wait in the job's folder until it ends; what it made (previews, files it could not
read) is a small JSON file the job page shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale

from app import jobs
from app.extensions import db
from app.interviews import services
from app.models import Interview, InterviewKind, Job, Study, User
from app.problems import translate

KIND = "transcript_import"
SUMMARY = "summary.json"


def submit_upload(
    study: Study,
    user: User,
    files: list[tuple[str, bytes]],
    options: services.ImportOptions,
    *,
    locale: str,
) -> Job:
    params = {"options": options.to_dict(), "locale": locale, "files": len(files)}
    return jobs.submit(KIND, params, study_id=study.id, actor=user, inputs=files)


@jobs.job_function(KIND)
def read_transcripts(run: jobs.JobRun) -> Path:
    study = db.session.get(Study, run.study_id)
    user = db.session.get(User, run.actor_id) if run.actor_id is not None else None
    if study is None or user is None:
        raise jobs.JobCancelled  # the study or the uploader was deleted meanwhile
    stored = run.params["options"]
    options = services.ImportOptions(**{**stored, "kind": InterviewKind(stored["kind"])})
    created, failures = services.upload_transcripts(
        study, user, run.inputs(), options, progress=run.progress
    )
    with force_locale(run.params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        summary = {
            "created": [interview.id for interview in created],
            "failures": [
                {"filename": failure.filename, "problem": translate(failure.problem)}
                for failure in failures
            ],
        }
    path = run.result_file(SUMMARY)
    path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return path


def summary_of(job: Job) -> dict[str, Any] | None:
    """What a done import made: its previews still in the study (a preview saved or deleted
    since is left out) and the files it could not read."""
    path = jobs.result_file(job)
    if path is None:
        return None
    summary = json.loads(path.read_text(encoding="utf-8"))
    previews = db.session.scalars(
        db.select(Interview)
        .where(Interview.id.in_(summary["created"]), Interview.study_id == job.study_id)
        .order_by(Interview.id)
    ).all()
    return {"interviews": previews, "made": len(summary["created"]),
            "failures": summary["failures"]}  # fmt: skip
