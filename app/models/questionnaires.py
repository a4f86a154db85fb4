"""Questionnaires: an editable draft and the immutable versions published from it."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow
from surveys.privacy import without_protected


class QuestionnaireStatus(enum.StrEnum):
    DRAFT = "draft"  # never published: no public link yet
    OPEN = "open"  # the public link accepts responses
    CLOSED = "closed"  # published before, not accepting responses now


class Questionnaire(Model):
    __tablename__ = "questionnaires"
    # One questionnaire per wave number of a series (the first wave's series_id is NULL).
    __table_args__ = (Index("questionnaire_series_wave", "series_id", "wave", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The public link is /s/<slug>: random, so links cannot be guessed or enumerated.
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[QuestionnaireStatus] = mapped_column(
        enum_column(QuestionnaireStatus, "questionnaire_status"), default=QuestionnaireStatus.DRAFT
    )
    # The working copy the builder edits and autosaves; it may be invalid while being edited.
    draft: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # Incremented on every save, so two tabs cannot silently overwrite each other.
    draft_revision: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # NULL unless archived: hidden from the list, link closed, responses kept; restorable.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Waves: a study run again. The first wave's id names the series (NULL on the first
    # wave itself); `wave` counts 1, 2, … within it; question ids are kept across waves.
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="SET NULL"), index=True
    )
    wave: Mapped[int] = mapped_column(default=1, server_default="1")
    # The key metrics its dashboard shows ([{"kind", "question"}], `analysis.findings.metrics`);
    # empty: the defaults for the definition.
    key_metrics: Mapped[list[dict[str, str]]] = mapped_column(
        JSONDocument, default=list, server_default="[]"
    )

    study = relationship("Study")
    versions = relationship(
        "QuestionnaireVersion",
        back_populates="questionnaire",
        order_by="QuestionnaireVersion.number",
        cascade="all, delete-orphan",
    )

    @property
    def series_root_id(self) -> int:
        """The id shared by every wave of this questionnaire's series."""
        return self.series_id or self.id

    @property
    def latest_version(self) -> "QuestionnaireVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def published_version(self) -> "QuestionnaireVersion":
        """`latest_version` where there must be one (the results pages, once published)."""
        latest = self.latest_version
        if latest is None:
            raise LookupError(f"questionnaire {self.id} has no published version")
        return latest

    @property
    def has_unpublished_changes(self) -> bool:
        latest = self.latest_version
        return latest is None or latest.definition != self.draft

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.slug}>"


class QuestionnaireVersion(Model):
    """A published definition. Never changed after insert: responses pin it."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "number", name="questionnaire_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # 1, 2, … within the questionnaire
    definition: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    questionnaire = relationship("Questionnaire", back_populates="versions")
    published_by = relationship("User")

    @property
    def analysis_definition(self) -> dict[str, Any]:
        """The definition without the questions flagged personal or sensitive: what
        statistics, findings, share links and reports are computed from (their answers are
        never analysed, `surveys.privacy`)."""
        return without_protected(self.definition)


class ImmutableVersionError(RuntimeError):
    pass


@event.listens_for(QuestionnaireVersion, "before_update")
def _refuse_version_updates(mapper, connection, target) -> None:
    raise ImmutableVersionError("a published questionnaire version cannot be changed")
