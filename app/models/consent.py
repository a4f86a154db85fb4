"""A study's consent notice, one immutable row per version (PIPL art. 17).

Editing the notice adds a version: a response or an interview points to the row it was
agreed under, so the exact text agreed stays readable after the notice changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class ConsentNotice(Model):
    __tablename__ = "consent_notices"
    __table_args__ = (UniqueConstraint("study_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    # 1, 2, 3 … per study; a new one whenever the text changes.
    version: Mapped[int]
    purpose: Mapped[str] = mapped_column(Text, default="")
    data_collected: Mapped[str] = mapped_column(Text, default="")
    who_sees: Mapped[str] = mapped_column(Text, default="")
    # What the answers to sensitive questions are for, asked for on their own (art. 29).
    sensitive_use: Mapped[str] = mapped_column(Text, default="")
    # NULL once the author's account is deleted.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def label(self) -> str:
        return f"v{self.version}"


# The texts of a notice: a change to any of them makes a new version.
NOTICE_TEXTS = ("purpose", "data_collected", "who_sees", "sensitive_use")
