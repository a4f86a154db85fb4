"""Background jobs (reports and exports; text analysis and sweeps later): one row per job,
with its status and progress, so a page can show a progress bar and a failure its reason."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # by a member, before or while it ran


#: the states a job never leaves
FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(Model):
    """Written by `app.jobs` only. `params` is plain data (ids, a `Query.to_dict()`), never an
    object, so the same row can be handed to a worker process."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))  # a name in `app.jobs` registry, e.g. "report"
    params: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(default=0)  # 0–100
    # The file the job wrote, relative to the instance folder (NULL until done, or none).
    result_path: Mapped[str | None] = mapped_column(String(500))
    # What the user reads when the job failed (NULL otherwise).
    error: Mapped[str | None] = mapped_column(Text)
    # The study the job works on: its members may follow and download it. NULL for jobs of the
    # whole install (the retention sweep).
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    # NULL for the command line, or once the user is deleted.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    study = relationship("Study")
    created_by = relationship("User")

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
