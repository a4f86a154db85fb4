"""A questionnaire's weighting scheme: the target margins its responses are raked to."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, utcnow


class WeightingScheme(Model):
    """One per questionnaire; replaced as a whole when the researcher saves the page again."""

    __tablename__ = "weighting_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), unique=True
    )
    # [{"question": qid, "targets": [[option value, share], ...]}, ...]: lists, because
    # PostgreSQL's JSONB does not keep the order of an object's keys.
    margins: Mapped[list[Any]] = mapped_column(JSONDocument)
    # Trimming bounds, times the mean weight; both NULL when the scheme does not trim.
    trim_low: Mapped[float | None]
    trim_high: Mapped[float | None]
    # NULL once the user who saved it is deleted; the audit trail keeps who it was.
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    questionnaire = relationship("Questionnaire")
    updated_by = relationship("User")

    @property
    def trim(self) -> tuple[float, float] | None:
        if self.trim_low is None or self.trim_high is None:  # both NULL, or both set
            return None
        return (self.trim_low, self.trim_high)

    def targets(self) -> dict[str, dict[str, float]]:
        """{question id: {option value: share}}, in the order the researcher chose them."""
        return {m["question"]: dict(m["targets"]) for m in self.margins}
