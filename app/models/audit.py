"""The audit trail: an append-only table written by the service that made the change."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # None for anonymous actors (a failed login) and for the command line without a user.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "study.update"
    object_type: Mapped[str] = mapped_column(String(64))
    # None when the object has no row (a failed login for an unknown email).
    object_id: Mapped[int | None]
    # The study the change belongs to, so a study's log is one indexed query.
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("studies.id", ondelete="SET NULL"), index=True
    )
    # {"before": {...}, "after": {...}} for changes; free-form facts otherwise.
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # Client address, when the change came through the web.
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User", lazy="joined")
