"""Codes applied to open answers of questionnaires (the study's codebook, shared with the
interviews' highlights)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class AnswerCode(Model):
    """One code on one response's answer to one open question (a code applies once)."""

    __tablename__ = "answer_codes"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(100))
    code_id: Mapped[int] = mapped_column(
        ForeignKey("interview_codes.id", ondelete="CASCADE"), index=True
    )
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    code = relationship("Code")
