"""The job interface: long work is submitted here, recorded as a `Job` row, and run by the job
function registered for its kind.

A job function takes a `JobRun` (the job's plain-data params, where to write its file, a
progress callback) and returns the file it wrote, or None. For now every job runs inline, in
the request or command that submits it, so `submit` returns a finished job. The production
issue puts RQ behind the same `submit`: the function then runs in a worker, which makes its
own app context and loads the job by id; nothing a caller sees changes but the timing.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from app.extensions import db
from app.models import Job, JobStatus, User
from app.models.types import utcnow

log = logging.getLogger(__name__)

#: the instance sub-folder holding each job's files, one folder per job id
JOBS_FOLDER = "jobs"


class JobError(Exception):
    """A failure the user can act on; its message (already in their language) is shown as is.
    Any other exception fails the job with its type and message, and is logged."""


@dataclass(frozen=True)
class JobRun:
    job_id: int
    params: dict[str, Any]
    study_id: int | None
    actor_id: int | None
    folder: Path  # instance/jobs/<id>/, created empty for the job
    progress: Callable[[int], None]  # 0–100, stored on the job at once

    def result_file(self, name: str) -> Path:
        return self.folder / name


JobFunction = Callable[[JobRun], Path | None]
_registry: dict[str, JobFunction] = {}


def job_function(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register the function that runs jobs of *kind*."""

    def register(function: JobFunction) -> JobFunction:
        if _registry.get(kind, function) is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _registry[kind] = function
        return function

    return register


def submit(kind: str, params: dict[str, Any], *, study_id: int | None, actor: User | None) -> Job:
    """Record a job of *kind* with plain-data *params* and run it (inline, for now)."""
    if kind not in _registry:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        params=params,
        study_id=study_id,
        created_by_id=None if actor is None else actor.id,
    )
    db.session.add(job)
    db.session.commit()  # the row exists before the work starts: a crash leaves it visible
    run(job.id)
    return db.session.get(Job, job.id) or job


def run(job_id: int) -> None:
    """Run one queued job to done or failed (what a worker calls with the id)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        return
    folder = job_folder(job_id)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    job.status, job.started_at, job.progress = JobStatus.RUNNING, utcnow(), 0
    db.session.commit()
    context = JobRun(
        job_id=job.id,
        params=dict(job.params),
        study_id=job.study_id,
        actor_id=job.created_by_id,
        folder=folder,
        progress=lambda percent: _progress(job_id, percent),
    )
    try:
        written = _registry[job.kind](context)
    except Exception as error:  # every failure is recorded on the job
        db.session.rollback()
        if not isinstance(error, JobError):
            log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, JobStatus.FAILED, error=_reason(error))
        return
    result = None if written is None else str(written.relative_to(instance_root()))
    _finish(job_id, JobStatus.DONE, result_path=result)


def result_file(job: Job) -> Path | None:
    """The file a done job wrote, if it is still there."""
    if job.status is not JobStatus.DONE or not job.result_path:
        return None
    path = instance_root() / job.result_path
    return path if path.is_file() else None


def instance_root() -> Path:
    return Path(current_app.instance_path).resolve()


def job_folder(job_id: int) -> Path:
    return instance_root() / JOBS_FOLDER / str(job_id)


def _reason(error: Exception) -> str:
    if isinstance(error, JobError):
        return str(error)
    return f"{type(error).__name__}: {error}"[:2000]


def _progress(job_id: int, percent: int) -> None:
    job = db.session.get(Job, job_id)
    if job is not None:
        job.progress = max(0, min(100, int(percent)))
        db.session.commit()


def _finish(job_id: int, status: JobStatus, **fields: Any) -> None:
    job = db.session.get(Job, job_id)
    if job is None:  # its study was deleted while it ran
        return
    job.status, job.finished_at = status, utcnow()
    if status is JobStatus.DONE:
        job.progress = 100
    for name, value in fields.items():
        setattr(job, name, value)
    db.session.commit()
