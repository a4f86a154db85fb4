"""Quotes starred as evidence: an open answer or an interview highlight, kept as the
de-identified text and the speaker's attributes at the moment it was starred, so insights and
needs cite what the researcher saw even if the answer is recoded or the transcript edited."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, utcnow

SOURCES = ("answer", "highlight")


class EvidenceQuote(Model):
    """One starred quote of a study; `key` ("answer:<response>:<question>" or
    "highlight:<id>") makes a quote starred once, whatever the NULLs of the other source."""

    __tablename__ = "evidence_quotes"
    __table_args__ = (UniqueConstraint("study_id", "key", name="evidence_quote_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(10))  # one of SOURCES
    key: Mapped[str] = mapped_column(String(160))
    # An answer: its response and question; NULL for a highlight.
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str | None] = mapped_column(String(100))
    # A highlight: NULL for an answer.
    highlight_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_highlights.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)  # de-identified
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    origin: Mapped[str] = mapped_column(String(300), default="")  # questionnaire or interview
    starred_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    starred_by = relationship("User")
