"""Interviews and focus groups: transcripts split into turns, a codebook, coded highlights.

Offsets of a `Highlight` are half-open `[start, end)` Unicode code points into its turn's
text (NFC, LF line endings), with the covered snippet stored to check against: when a turn is
edited, highlights are re-anchored by the snippet or flagged (STYLE 25).
"""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow

# Fixed palette of code colours: templates use the class `code-colour-<n>`, REFI-QDA the hex.
CODE_COLOURS = (
    "#e15759",
    "#f28e2b",
    "#edc948",
    "#59a14f",
    "#76b7b2",
    "#4e79a7",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


class InterviewKind(enum.StrEnum):
    INTERVIEW = "interview"  # in-depth interview
    FOCUS_GROUP = "focus_group"
    USER_TEST = "user_test"
    OBSERVATION = "observation"  # observation notes


class ConsentStatus(enum.StrEnum):
    UNKNOWN = "unknown"
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ImportStatus(enum.StrEnum):
    PREVIEW = "preview"  # parsed, waiting for the researcher to check speakers and save
    SAVED = "saved"


class Interview(Model):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Who was interviewed, as the researcher labels them (P01, 用户A …); attributes are theirs.
    participant_label: Mapped[str] = mapped_column(String(100), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # The interviewee's directory record, when the researcher linked one; NULL otherwise.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[InterviewKind] = mapped_column(
        enum_column(InterviewKind, "interview_kind"), default=InterviewKind.INTERVIEW
    )
    # NULL when the file does not say and the researcher has not entered it.
    held_on: Mapped[date | None]
    consent: Mapped[ConsentStatus] = mapped_column(
        enum_column(ConsentStatus, "consent_status"), default=ConsentStatus.UNKNOWN
    )
    # The study's notice the interviewee agreed to and the day they did, as the researcher
    # recorded them; NULL until recorded.
    consent_notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_notices.id", ondelete="SET NULL")
    )
    consent_given_on: Mapped[date | None]
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "interview_import_status"), default=ImportStatus.PREVIEW
    )
    memo: Mapped[str] = mapped_column(Text, default="")
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    source_format: Mapped[str] = mapped_column(String(10), default="")
    # NULL for docx, whose XML declares its own encoding.
    source_encoding: Mapped[str | None] = mapped_column(String(30))
    # The uploaded bytes: kept during the preview (to re-read with another encoding), and after
    # saving only when the researcher asked to keep the original; otherwise NULL.
    original: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Import options (de-identification names and kinds, warnings) shown in the preview.
    import_options: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    keywords: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # The header lines the file opens with (关键词, 标题, 时间, 地点, 访谈对象 …) as
    # [{"key", "value"}], de-identified like the turns: the interview's metadata, in no turn.
    source_header: Mapped[list[dict[str, str]]] = mapped_column(
        JSONDocument, default=list, server_default="[]"
    )
    # The source's plain text exactly as the file gave it (a REFI-QDA source; an upload's
    # text as decoded, a docx's as extracted), which other tools' offsets count in: each
    # turn's `plain_start`/`plain_end` place it there, and an export writes it back as it
    # came. An upload's is masked as its turns are (`privacy.source_text_to_keep`); NULL when
    # none is kept.
    plain_text: Mapped[str | None] = mapped_column(Text, deferred=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set by the retention sweep when the participant's identity and the file were removed.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    turns = relationship(
        "Turn",
        back_populates="interview",
        order_by="Turn.seq",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    created_by = relationship("User")
    consent_notice = relationship("ConsentNotice")

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(turn.speaker for turn in self.turns))

    def __repr__(self) -> str:
        return f"<Interview {self.id} {self.title!r}>"


class Turn(Model):
    __tablename__ = "interview_turns"
    __table_args__ = (UniqueConstraint("interview_id", "seq", name="interview_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    seq: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(100), default="")
    is_interviewer: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    # Seconds from the start of the recording; NULL when the file has no timestamps.
    start_s: Mapped[float | None]
    end_s: Mapped[float | None]
    # Probability positive (0–1) and its label; NULL until scored (no model installed) and
    # for an interviewer's turns, which are never scored.
    sentiment: Mapped[float | None]
    sentiment_label: Mapped[str | None] = mapped_column(String(10))
    # Where the turn's text stands in its interview's `plain_text` (code points, before NFC
    # and LF line ends); NULL when no text is kept.
    plain_start: Mapped[int | None]
    plain_end: Mapped[int | None]

    interview = relationship("Interview", back_populates="turns")
    # selectin: the coding page draws every turn's highlights; one query, not one per turn.
    highlights = relationship(
        "Highlight",
        back_populates="turn",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


class Code(Model):
    __tablename__ = "interview_codes"
    __table_args__ = (Index("ix_interview_codes_study_parent", "study_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    # NULL for a top-level code.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_codes.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[str] = mapped_column(Text, default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[int] = mapped_column(default=0)  # index into CODE_COLOURS
    # The GUID a REFI-QDA import gave the code, kept so a re-export keeps it; NULL for ours.
    refi_guid: Mapped[str | None] = mapped_column(String(38))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent = relationship("Code", remote_side=[id], back_populates="children")
    children = relationship("Code", back_populates="parent", order_by="Code.name")

    @property
    def colour_hex(self) -> str:
        return CODE_COLOURS[self.colour % len(CODE_COLOURS)]


class Highlight(Model):
    """One code applied to one span of a turn by one coder (two codes on a span: two rows)."""

    __tablename__ = "interview_highlights"
    __table_args__ = (Index("ix_interview_highlights_turn", "turn_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("interview_turns.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(
        ForeignKey("interview_codes.id", ondelete="CASCADE"), index=True
    )
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    snippet: Mapped[str] = mapped_column(Text)
    memo: Mapped[str] = mapped_column(Text, default="")
    # Set when the turn was edited and the snippet could not be found again.
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    turn = relationship("Turn", back_populates="highlights")
    code = relationship("Code")
    coder = relationship("User")


class InterviewPolicy(Model):
    """A study's privacy rules for transcripts; no row means the defaults (keep nothing).

    Whether an uploaded original may be kept is the study's decision, not each uploader's: an
    upload asking to keep it is honoured only when `keep_originals` is set, and turning it off
    deletes the originals already kept.
    """

    __tablename__ = "interview_policies"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    keep_originals: Mapped[bool] = mapped_column(default=False)
    # Names masked in every upload and in masked exports, beside those given with an upload.
    mask_names: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class StudyNote(Model):
    """A memo of the study itself, not on a code, transcript or highlight: a REFI-QDA
    project's notes (NVivo memos, ATLAS.ti and QualCoder journals), written back on export."""

    __tablename__ = "study_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    refi_guid: Mapped[str | None] = mapped_column(String(38))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
