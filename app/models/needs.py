"""Needs (需求): a statement of what users need, the evidence behind it, its priority inputs
and its place in the workflow, followed until a later wave measures it again."""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow


class NeedStatus(enum.StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"


class NeedType(enum.StrEnum):
    EXPLICIT = "explicit"  # 显性: users say it
    IMPLICIT = "implicit"  # 隐性: read from what they do or leave unsaid


class NeedKind(enum.StrEnum):
    FUNCTIONAL = "functional"
    EXPERIENCE = "experience"
    PERFORMANCE = "performance"


class EvidenceKind(enum.StrEnum):
    INSIGHT = "insight"  # target_id: Insight.id
    QUESTION = "question"  # questionnaire_id + spec {"kind", "question"}
    ANSWER_CODE = "answer_code"  # questionnaire_id + target_id: Code.id
    HIGHLIGHT = "highlight"  # target_id: Highlight.id


class Need(Model):
    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    type: Mapped[NeedType] = mapped_column(
        enum_column(NeedType, "need_type"), default=NeedType.EXPLICIT
    )
    kind: Mapped[NeedKind] = mapped_column(
        enum_column(NeedKind, "need_kind"), default=NeedKind.FUNCTIONAL
    )
    # chosen Kano category (A/O/M/I/R/Q); a linked Kano question's category wins when shown
    kano: Mapped[str] = mapped_column(String(1), default="")
    status: Mapped[NeedStatus] = mapped_column(
        enum_column(NeedStatus, "need_status"), default=NeedStatus.NEW, index=True
    )
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]
    # RICE inputs: reach (people per period), impact (0.25–3), confidence (%), effort
    # (person-months); None until someone gives them
    reach: Mapped[float | None]
    impact: Mapped[float | None]
    confidence: Mapped[float | None]
    effort: Mapped[float | None]
    # opportunity score inputs: {"questionnaire": id, "question": qid} of a rating question
    importance: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    satisfaction: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # the segments affected: [{"question", "value", "title", "label"}], chosen or taken from
    # a linked insight's segment
    segments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    priority_override: Mapped[float | None]
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # closing the loop: {"questionnaire": id, "kind", "question"} that should move
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    position: Mapped[int] = mapped_column(default=0)  # order within a board column
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    owner = relationship("User", foreign_keys=[owner_id])

    @property
    def owner_name(self) -> str:
        """Who owns it, as the audit trail records it."""
        return self.owner.email if self.owner is not None else ""

    evidence = relationship(
        "NeedEvidence",
        back_populates="need",
        order_by="NeedEvidence.id",
        cascade="all, delete-orphan",
    )
    comments = relationship(
        "NeedComment",
        back_populates="need",
        order_by="NeedComment.id",
        cascade="all, delete-orphan",
    )


class NeedEvidence(Model):
    """One piece of evidence behind a need, with a snapshot of its numbers when linked."""

    __tablename__ = "need_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    target_id: Mapped[int | None]  # insight, code or highlight id (no FK: they may go)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need = relationship("Need", back_populates="evidence")


class NeedComment(Model):
    __tablename__ = "need_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need = relationship("Need", back_populates="comments")
    author = relationship("User")
