"""The job interface: long work is submitted here, recorded as a `Job` row, and run by the job
function registered for its kind.

A job function takes a `JobRun` (the job's plain-data params, where to write its file, a
progress callback) and returns the file it wrote, or None. Where the job runs is the queue's
business (`app.job_queue`): with `REDIS_URL` set, an RQ worker (`flask --app wsgi worker`)
runs it and `submit` returns a queued job; without, it runs inline, in the request or command
that submits it, and `submit` returns it finished. The `Job` row is what pages read either
way: its status and progress, written by `run` as the work goes, and set right by `reconcile`
when the process running it was killed.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from app import job_queue
from app.extensions import db
from app.models import Job, JobStatus, User
from app.models.types import utcnow

log = logging.getLogger(__name__)

#: the instance sub-folder holding each job's files, one folder per job id
JOBS_FOLDER = "jobs"
#: where in its folder a job's input files wait (kept for a second run, deleted once it ended)
INPUTS_FOLDER = "inputs"
INPUTS_INDEX = "names.json"


class JobError(Exception):
    """A failure the user can act on; its message (already in their language) is shown as is.
    Any other exception fails the job with its type and message, and is logged."""


class JobCancelled(Exception):
    """Raised by the progress callback of a job a member cancelled, so that it stops at its
    next step (a worker's job is also stopped at once, by RQ)."""


@dataclass(frozen=True)
class JobRun:
    job_id: int
    params: dict[str, Any]
    study_id: int | None
    actor_id: int | None
    folder: Path  # instance/jobs/<id>/, created empty for the job (but for its inputs)
    progress: Callable[[int], None]  # 0–100, stored on the job at once

    def result_file(self, name: str) -> Path:
        return self.folder / name

    def inputs(self) -> list[tuple[str, bytes]]:
        """The files submitted with the job, by name, in the order given."""
        folder = self.folder / INPUTS_FOLDER
        names = json.loads((folder / INPUTS_INDEX).read_text(encoding="utf-8"))
        return [(name, (folder / str(index)).read_bytes()) for index, name in enumerate(names)]


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


def submit(
    kind: str,
    params: dict[str, Any],
    *,
    study_id: int | None,
    actor: User | None,
    inline: bool = False,
    inputs: list[tuple[str, bytes]] | None = None,
) -> Job:
    """Record a job of *kind* with plain-data *params* and its *inputs* (files by name, which
    `JobRun.inputs` gives back), and hand it to the queue, or run it here when there is none
    or the caller must answer with its file (*inline*)."""
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
    if inputs is not None:
        _store_inputs(job.id, inputs)
    if inline or not job_queue.enabled():
        run(job.id)
    else:
        job_queue.enqueue(job.id)
    return db.session.get(Job, job.id) or job


def run(job_id: int) -> None:
    """Run one job to done, failed or cancelled (what a worker calls with the id). A job found
    running was interrupted (its worker was killed) and is run again from the start."""
    started = _set_unfinished(job_id, status=JobStatus.RUNNING, started_at=utcnow(), progress=0)
    job = db.session.get(Job, job_id)
    if not started or job is None:  # finished, cancelled or deleted before it started
        return
    folder = job_folder(job_id)
    _empty_but_inputs(folder)
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
    except JobCancelled:
        db.session.rollback()
    except Exception as error:  # every failure is recorded on the job
        db.session.rollback()
        if not isinstance(error, JobError):
            log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, JobStatus.FAILED, error=_reason(error))
    else:
        result = None if written is None else str(written.relative_to(instance_root()))
        _finish(job_id, JobStatus.DONE, result_path=result)
    finally:
        # Only a process killed mid-run skips this: the retry needs them. `fail` cleans up
        # after a job given up on.
        _drop_inputs(job_id)


def cancel(job: Job) -> bool:
    """Cancel a job that has not finished: it is marked cancelled at once, taken off the queue
    or stopped in its worker. False when it had already finished."""
    if not _set_unfinished(job.id, status=JobStatus.CANCELLED, finished_at=utcnow()):
        return False
    db.session.refresh(job)
    if job_queue.enabled():
        job_queue.stop(job.id)
    _drop_inputs(job.id)
    return True


def reconcile(job: Job) -> Job:
    """Set right a job left queued or running by a process that is gone: re-queued by the
    queue it is "queued" again, given up it is failed with the reason. Pages call this before
    they show a job, and workers for every unfinished job, so none stays "running"."""
    if job.finished:
        return job
    if not job_queue.enabled():
        lost = job_queue.inline_lost_reason(job.started_at or job.created_at)
        verdict = job_queue.Verdict.UNDECIDED if lost is None else job_queue.Verdict.LOST
    else:
        verdict, lost = job_queue.verdict(job.id, created_at=job.created_at)
    if verdict is job_queue.Verdict.LOST:
        fail(job.id, lost or "")
    elif verdict is job_queue.Verdict.WAITING and job.status is JobStatus.RUNNING:
        # Back on the queue after its worker was killed; unless a worker took it meanwhile.
        same_run = (Job.id == job.id, Job.status == JobStatus.RUNNING,
                    Job.started_at == job.started_at)  # fmt: skip
        db.session.execute(
            db.update(Job).where(*same_run).values(status=JobStatus.QUEUED, progress=0)
        )
        db.session.commit()
    db.session.refresh(job)
    return job


def reconcile_unfinished() -> int:
    """Reconcile every unfinished job; how many were failed."""
    unfinished = db.session.scalars(
        db.select(Job).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    ).all()
    return sum(reconcile(job).status is JobStatus.FAILED for job in unfinished)


def fail(job_id: int, reason: str) -> None:
    """Fail an unfinished job with *reason* (in the user's language), from outside its run."""
    _finish(job_id, JobStatus.FAILED, error=reason)
    _drop_inputs(job_id)


def forget_old_files(now: datetime | None = None) -> int:
    """Delete the files of jobs that finished more than `JOB_FILES_KEPT_DAYS` ago (a report or
    an export holds respondent-level data: kept for download, not for ever); how many jobs'.
    The rows stay, as the history of what was asked."""
    now = now or utcnow()
    before = now - timedelta(days=current_app.config["JOB_FILES_KEPT_DAYS"])
    old = db.session.scalars(
        db.select(Job).where(Job.finished_at < before, Job.result_path.is_not(None))
    ).all()
    for job in old:
        forget_files(job)
    db.session.commit()
    return len(old)


def forget_files(job: Job) -> None:
    """Delete the job's files from disk; the row stays, with no file to download."""
    shutil.rmtree(job_folder(job.id), ignore_errors=True)
    job.result_path = None


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


def _store_inputs(job_id: int, inputs: list[tuple[str, bytes]]) -> None:
    folder = job_folder(job_id) / INPUTS_FOLDER
    folder.mkdir(parents=True)
    for index, (_name, data) in enumerate(inputs):
        (folder / str(index)).write_bytes(data)
    names = [name for name, _data in inputs]
    (folder / INPUTS_INDEX).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")


def _drop_inputs(job_id: int) -> None:
    """The job's input files, deleted once it ended (they may hold personal data)."""
    shutil.rmtree(job_folder(job_id) / INPUTS_FOLDER, ignore_errors=True)


def _empty_but_inputs(folder: Path) -> None:
    """A job's folder, emptied of what an interrupted run wrote, its inputs kept."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.name == INPUTS_FOLDER:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _reason(error: Exception) -> str:
    if isinstance(error, JobError):
        return str(error)
    return f"{type(error).__name__}: {error}"[:2000]


def _progress(job_id: int, percent: int) -> None:
    """Store the progress at once; stop the job here if it was cancelled meanwhile."""
    job = db.session.get(Job, job_id)
    if job is None:  # its study was deleted while it ran
        raise JobCancelled
    db.session.refresh(job)
    if job.status is JobStatus.CANCELLED:
        raise JobCancelled
    job.progress = max(0, min(100, int(percent)))
    db.session.commit()


def _finish(job_id: int, status: JobStatus, **fields: Any) -> None:
    """End the job as *status*, unless it ended meanwhile (cancelled while it ran, or a second
    run of a re-queued job finished first): the first end stands."""
    if status is JobStatus.DONE:
        fields["progress"] = 100
    _set_unfinished(job_id, status=status, finished_at=utcnow(), **fields)


def _set_unfinished(job_id: int, **values: Any) -> bool:
    """Write *values* on the job if it has not finished, in one statement (so that a cancel
    and the job's own end cannot both win); False when it had finished or is gone."""
    unfinished = [JobStatus.QUEUED, JobStatus.RUNNING]
    changed = db.session.execute(
        db.update(Job).where(Job.id == job_id, Job.status.in_(unfinished)).values(**values)
    )
    db.session.commit()
    return bool(changed.rowcount)  # type: ignore[attr-defined]
