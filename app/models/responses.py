"""Responses to a published questionnaire version, and single-use invitations.

Only the response store (`app/responses/`) reads or writes `Response.answers` and
`Response.protected_answers` (split and joined by `app.responses.protection`).
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow
from app.personal_data import EncryptedText

# None is stored as SQL NULL, not as the JSON document null.
ParadataDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class ResponseStatus(enum.StrEnum):
    PARTIAL = "partial"  # saved while the respondent moves between pages
    COMPLETE = "complete"  # submitted once, with an idempotency key


class Response(Model):
    __tablename__ = "responses"
    # With the id last, it also counts a block's responses without reading them
    # (`app.responses.cache.table_blocks`), and serves keyset pages of one questionnaire's
    # responses.
    # Every reader of results asks for is_test = false, so it is in the index too.
    __table_args__ = (
        Index(
            "ix_responses_questionnaire_status_test_id",
            "questionnaire_id",
            "status",
            "is_test",
            "id",
        ),
        # A key names a submit to one questionnaire: the same key sent to another
        # questionnaire is another response, never a repeat of this one.
        UniqueConstraint("questionnaire_id", "idempotency_key"),
        # A response imported from another tool's export once: importing the file again adds
        # nothing. Responses answered here have no source id (NULLs are never equal).
        UniqueConstraint(
            "questionnaire_id", "source", "source_id", name="uq_responses_questionnaire_source"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ResponseStatus] = mapped_column(
        enum_column(ResponseStatus, "response_status"), default=ResponseStatus.PARTIAL
    )
    # The answers to questions not flagged personal or sensitive: all that analysis reads.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # The answers to questions flagged personal or sensitive (`surveys.privacy`), as the JSON
    # of one object encrypted (`app.personal_data`); NULL when the response has none. Split
    # and joined by `app.responses.protection` only.
    protected_answers: Mapped[str | None] = mapped_column(EncryptedText())
    # Answered by a researcher in test mode: kept out of results, counts and exports, and
    # cleared in one step (`app.responses.listing.delete_test_responses`).
    is_test: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The page the respondent was on when the partial was last saved (resume goes back there).
    page_id: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # NULL while partial: set by the one submit that completed the response.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # NULL while partial; UNIQUE per questionnaire (see __table_args__) is what makes a
    # repeated submit store nothing new.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # sha256 of the secret in the respondent's resume cookie / link.
    resume_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # NULL when the questionnaire is answered through its open link.
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # NULL while partial: sha256 of the receipt code shown on the end page.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # NULL when the questionnaire asks for no consent notice.
    consent_notice_version: Mapped[str | None] = mapped_column(String(50))
    # NULL when the questionnaire asks for no consent notice.
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The study's notice agreed to (`ConsentNotice`); NULL when the notice is the
    # questionnaire's own (its text is in the version answered) or none was asked.
    consent_notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_notices.id", ondelete="SET NULL")
    )
    # The separate consent to sensitive questions (PIPL art. 29): True agreed, False declined
    # (no sensitive answer is stored), NULL not asked.
    sensitive_consent: Mapped[bool | None]
    sensitive_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A respondent under 14 (PIPL art. 31): their guardian's name (encrypted), relationship
    # and the time they agreed; NULL for everyone else.
    guardian_name: Mapped[str | None] = mapped_column(EncryptedText())
    guardian_relationship: Mapped[str | None] = mapped_column(String(50))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How the response was given, from the browser, plus the server's keyed hash of the
    # address (`surveys.paradata`, read by the quality checks only). NULL: nothing of either
    # (a response from before the address hash, or without an address).
    paradata: Mapped[dict[str, Any] | None] = mapped_column(ParadataDocument)
    # Set by the retention sweep when the response's free texts and paradata were removed.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the response came from: "web" (answered here), or the tool whose export it was
    # imported from (`surveys.imports.TOOLS`: wjx, tencent, qualtrics, kobo, surveymonkey,
    # wenfang, csv), with that tool's id of it. NULL id: answered here.
    source: Mapped[str] = mapped_column(String(20), default="web", server_default="web")
    source_id: Mapped[str | None] = mapped_column(String(100))
    # The directory record of the person who answered, through a personal invitation made for
    # them; NULL for anonymous responses (an open link), which stay anonymous.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )

    questionnaire = relationship("Questionnaire")
    version = relationship("QuestionnaireVersion")

    @property
    def duration_s(self) -> float | None:
        if self.submitted_at is None:
            return None
        return max((self.submitted_at - self.started_at).total_seconds(), 0.0)

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.status.value}>"


class Invitation(Model):
    """A single-use link: the sha256 of its token is what a submit looks up.

    A link made for a directory record (`app.outreach`) also keeps its token, encrypted
    (`token_secret`), so that its link can be given again for a reminder or an export; a
    link made without the directory keeps only the hash, as before. One link per person and
    questionnaire (UNIQUE; NULL participant_id rows are not constrained).
    """

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint(
            "questionnaire_id", "participant_id", name="uq_invitations_questionnaire_participant"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # NULL until a response is submitted with it; set once, in the submit's transaction.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The directory record the link was made for; NULL for a link made without the directory.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    # The token itself, encrypted; NULL for a link made without the directory.
    token_secret: Mapped[str | None] = mapped_column(EncryptedText())
    # The last reminder sent for it and how many were (`app.outreach.reminders`).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_count: Mapped[int] = mapped_column(default=0, server_default="0")


class ResponseTableBlock(Model):
    """A run of complete responses already flattened into response-table columns.

    Derived data, kept so a results page does not decode every answer document again
    (`app.responses.cache.table_blocks` writes and checks them; `app.responses.columns` is the
    payload's format). A block is trusted only while the complete responses in its id range
    still have the count and id sum recorded here (a partial completed late changes them) and
    no write has marked it stale (a deletion does); otherwise it is rebuilt.
    """

    __tablename__ = "response_table_blocks"
    __table_args__ = (UniqueConstraint("questionnaire_id", "first_response_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    first_response_id: Mapped[int]
    last_response_id: Mapped[int]
    row_count: Mapped[int]
    id_sum: Mapped[int] = mapped_column(BigInteger)
    # The payload's format (`app.responses.columns.FORMAT`); another format is rebuilt.
    format: Mapped[int]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
