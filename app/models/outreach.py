"""Inviting a directory segment to a questionnaire (issue 28.2): one row per (segment,
questionnaire) the study invited, with the sample it aims for.

The invitations themselves are `Invitation` rows with `participant_id` set; which of them
belong to a segment is the segment's current membership (`app.outreach.segments`), so a
response rate is always that of the people the segment describes now.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, utcnow


class OutreachTarget(Model):
    __tablename__ = "outreach_targets"
    __table_args__ = (
        UniqueConstraint("segment_id", "questionnaire_id", name="uq_outreach_targets_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    # Complete responses wanted from the segment; NULL: no target, only the response rate.
    target_count: Mapped[int | None]
    # A participant attribute (`surveys.segment_rules.ATTRIBUTES`) the target is split by,
    # with the responses wanted per value ({"一线": 100, "二线": 100}); "" and {}: no split.
    split_field: Mapped[str] = mapped_column(String(30), default="", server_default="")
    split_targets: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    segment = relationship("Segment")
    questionnaire = relationship("Questionnaire")
