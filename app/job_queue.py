"""Where jobs run: RQ on Redis when `REDIS_URL` is set, inline when it is not.

`app.jobs` is the interface pages and commands use; this module is what it asks of the
queue. RQ keeps the execution state (queued, started, failed, stopped, its registries and a
worker's heartbeats); the `Job` row keeps what users see. A worker forks a work horse per
job, which runs `perform(job_id)`; a horse killed while its worker lives, a worker killed
outright (RQ's started-job registry expires it) and a job stopped on request all end in
RQ's failed registry or back on the queue (one retry, `JOB_RETRIES`); `lost_reason` reads
that state (`verdict`) so that `jobs.reconcile` can put the row back on "queued" or fail it
with the reason, never leave it running.

We rely on RQ's registries and on `Worker.run_maintenance_tasks` (setup.cfg pins RQ exactly).
"""

from __future__ import annotations

import enum
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq import Worker as RQWorker
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus as RQStatus

log = logging.getLogger(__name__)


def enabled() -> bool:
    """Jobs go to RQ when Redis is configured."""
    return bool(current_app.config.get("REDIS_URL"))


def rq_id(job_id: int) -> str:
    """The RQ job id of our job *job_id*: one RQ job per row, found again by it."""
    return f"wenfang-job-{job_id}"


def queue() -> Queue:
    return Queue(current_app.config["JOBS_QUEUE"], connection=_redis())


def enqueue(job_id: int) -> None:
    """Put the job on the queue; with Redis unreachable, fail it with a reason to act on."""
    from app import jobs

    config = current_app.config
    try:
        queue().enqueue(
            perform,
            job_id,
            job_id=rq_id(job_id),
            job_timeout=config["JOB_TIMEOUT"],
            retry=Retry(max=config["JOB_RETRIES"]) if config["JOB_RETRIES"] else None,
            description=f"wenfang job {job_id}",
        )
    except RedisError as error:
        log.warning("job %s not queued: %s", job_id, error)
        jobs.fail(job_id, _("The job queue (Redis) cannot be reached; try again in a moment."))


def perform(job_id: int) -> None:
    """What the work horse runs: the job, in an app context of its own."""
    from app import create_app, jobs
    from app.extensions import db

    app = current_app._get_current_object() if has_app_context() else create_app()  # type: ignore[attr-defined]
    with app.app_context():
        # The horse is a fork of the worker: the pooled connections are the worker's, and two
        # processes must never talk on one connection. Drop them here without closing them.
        db.engine.dispose(close=False)
        jobs.run(job_id)


def stop(job_id: int) -> None:
    """Take a cancelled job off the queue, or stop its work horse if it runs."""
    try:
        job = RQJob.fetch(rq_id(job_id), connection=_redis())
        if job.get_status() == RQStatus.STARTED:
            send_stop_job_command(_redis(), job.id)
        else:
            job.cancel()
    except (NoSuchJobError, InvalidJobOperation):
        pass  # finished or gone: the row is cancelled, a late start of it does nothing
    except RedisError as error:
        log.warning("job %s: the queue did not hear the cancel (%s)", job_id, error)


class Verdict(enum.Enum):
    WAITING = "waiting"  # on the queue: a retry of a job whose worker was killed, or not begun
    UNDECIDED = "undecided"  # running, or the queue cannot be asked
    LOST = "lost"  # will never finish


def verdict(job_id: int, *, created_at: datetime) -> tuple[Verdict, str | None]:
    """What RQ says of a job the row says is queued or running, with the reason when it is
    lost: its worker was killed or stopped with no retry left, or Redis lost it."""
    try:
        job = RQJob.fetch(rq_id(job_id), connection=_redis())
        status = job.get_status()
    except NoSuchJobError:
        grace = timedelta(seconds=current_app.config["JOB_LOST_GRACE"])
        if _aware(created_at) + grace > datetime.now(UTC):
            return Verdict.UNDECIDED, None  # committed a moment ago and not enqueued yet
        return Verdict.LOST, _("The job was lost from the queue (was Redis restarted?). "
                               "Start it again.")  # fmt: skip
    except RedisError:
        return Verdict.UNDECIDED, None
    if status in (RQStatus.QUEUED, RQStatus.SCHEDULED, RQStatus.DEFERRED):
        return Verdict.WAITING, None
    if status == RQStatus.FAILED:
        reason = _("The worker running the job stopped before it finished (%(reason)s).",
                   reason=_failure(job))  # fmt: skip
        return Verdict.LOST, reason
    if status in (RQStatus.STOPPED, RQStatus.CANCELED, RQStatus.FINISHED):
        return Verdict.LOST, _("The job ended without a result. Start it again.")
    return Verdict.UNDECIDED, None


def inline_lost_reason(started_at: datetime) -> str | None:
    """An inline job runs in a request; one still "running" past the job timeout lost its
    process (the server was restarted while it ran)."""
    limit = timedelta(seconds=current_app.config["JOB_TIMEOUT"] + 60)
    if _aware(started_at) + limit > datetime.now(UTC):
        return None
    return _("The job was interrupted (the server restarted while it ran). Start it again.")


class Worker(RQWorker):
    """RQ's worker, also reconciling our unfinished jobs in its maintenance pass (every
    `JOB_MAINTENANCE_INTERVAL` seconds), so that a job whose worker was killed is failed even
    when nobody opens its page; queueing the daily retention sweep (`app.retention`); and
    queueing a webhook dispatch when a retry is due (the schedule lives in the database,
    `app.webhooks.delivery`, so a Redis that lost its data loses no retry)."""

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from app import jobs, retention
        from app.webhooks import delivery

        try:
            failed = jobs.reconcile_unfinished()
            retention.submit_daily()
        except Exception:  # the worker must outlive a failed pass; the next one tries again
            log.exception("the job maintenance pass failed")
        else:
            if failed:
                log.warning("%d unfinished jobs were failed: their workers are gone", failed)
        try:
            delivery.dispatch_if_due()
        except Exception:
            log.exception("queueing the due webhook deliveries failed")


def work(*, burst: bool = False) -> bool:
    """Run a worker on the app's queue until stopped (or, with *burst*, until it is empty)."""
    config = current_app.config
    worker = Worker(
        [queue()],
        connection=_redis(),
        job_monitoring_interval=config["JOB_MONITORING_INTERVAL"],
        maintenance_interval=config["JOB_MAINTENANCE_INTERVAL"],
    )
    return bool(worker.work(burst=burst, logging_level=config["LOG_LEVEL"]))


def _redis() -> Redis:
    connections: dict[str, Any] = current_app.extensions.setdefault("wenfang_job_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in connections:
        connections[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    return connections[url]


def _failure(job: RQJob) -> str:
    result = job.latest_result()
    reason = (result.exc_string or "") if result is not None else ""
    return reason.strip().splitlines()[-1][:300] if reason.strip() else "?"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
