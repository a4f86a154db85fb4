"""The participant directory (参与者档案): one record per person across an organisation's studies.

A person researched once is a row here, whatever study met them: their responses (through a
personal invitation), interviews and the highlights in them point back to the record. The
directory belongs to an organisation, never to a study, and only the organisation's members
with a directory role see it (`app.permissions.directory_access`).

Names and contact channels are personal information (PIPL art. 4): they are stored encrypted
(`EncryptedText`), with a keyed hash of the normalised value beside each contact so duplicates
are found without decrypting (`app.personal_data.blind_index`). Profile attributes used to
build segments (age band, gender, city tier …) are plain columns, so a segment over 100,000
people is one indexed query; custom fields flagged personal or sensitive are kept encrypted.
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow
from app.personal_data import EncryptedText


class OrganisationRole(enum.StrEnum):
    """A user's role in an organisation: what they may do with its directory."""

    ADMIN = "admin"  # everything, members and erasure included
    RESEARCHER = "researcher"  # read, edit, import, segment, invite
    MEMBER = "member"  # studies only; no access to the directory

    def can_view_directory(self) -> bool:
        return self in (OrganisationRole.ADMIN, OrganisationRole.RESEARCHER)

    def can_edit_directory(self) -> bool:
        """Add, import, edit, tag and merge records; define segments and custom fields."""
        return self in (OrganisationRole.ADMIN, OrganisationRole.RESEARCHER)

    def can_reveal_personal(self) -> bool:
        """See a masked personal value in full, on asking (audited)."""
        return self in (OrganisationRole.ADMIN, OrganisationRole.RESEARCHER)

    def can_erase_participants(self) -> bool:
        """Export or erase everything held about one person (PIPL art. 45, 47)."""
        return self is OrganisationRole.ADMIN

    def can_manage_organisation(self) -> bool:
        return self is OrganisationRole.ADMIN


class FieldPrivacy(enum.StrEnum):
    """How a question or a directory field is protected (PIPL art. 28 for sensitive)."""

    NONE = "none"
    PERSONAL = "personal"  # identifies a person: encrypted, masked in lists and exports
    SENSITIVE = "sensitive"  # identity numbers, finance, health, precise location, minors


class Organisation(Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members = relationship(
        "OrganisationMember",
        back_populates="organisation",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationMember(Model):
    __tablename__ = "organisation_members"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_organisation_members_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[OrganisationRole] = mapped_column(
        enum_column(OrganisationRole, "organisation_role")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation = relationship("Organisation", back_populates="members")
    user = relationship("User", lazy="joined")


class DirectoryField(Model):
    """A custom profile field of an organisation's directory, beyond the built-in attributes."""

    __tablename__ = "directory_fields"
    __table_args__ = (UniqueConstraint("organisation_id", "key", name="uq_directory_fields_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # The field's name in `Participant.custom` / `Participant.protected` (ASCII, stable).
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    privacy: Mapped[FieldPrivacy] = mapped_column(
        enum_column(FieldPrivacy, "field_privacy"), default=FieldPrivacy.NONE
    )
    # Days a value of this field is kept after it was last updated; NULL: as long as the record.
    retention_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Participant(Model):
    __tablename__ = "participants"
    __table_args__ = (
        Index("ix_participants_organisation_city_tier", "organisation_id", "city_tier"),
        Index("ix_participants_organisation_phone", "organisation_id", "phone_index"),
        Index("ix_participants_organisation_email", "organisation_id", "email_index"),
        Index("ix_participants_organisation_wechat", "organisation_id", "wechat_index"),
        Index("ix_participants_organisation_name", "organisation_id", "name_index"),
        Index("ix_participants_organisation_updated", "organisation_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # 姓名或称呼 as the person gave it; NULL when unknown.
    name: Mapped[str | None] = mapped_column(EncryptedText())
    # Blind index of the name folded (`app.directory.records.name_index`): exact search.
    name_index: Mapped[str | None] = mapped_column(String(64))
    # Built-in profile attributes, plain for segments; "" when unknown. Bands are the
    # labels the organisation uses ("25-34", "5千-1万"), not computed from a birth date,
    # which the directory never asks for.
    age_band: Mapped[str] = mapped_column(String(30), default="", server_default="")
    gender: Mapped[str] = mapped_column(String(20), default="", server_default="")
    income_band: Mapped[str] = mapped_column(String(30), default="", server_default="")
    occupation: Mapped[str] = mapped_column(String(100), default="", server_default="")
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # 一线, 新一线, 二线 … as the organisation labels tiers.
    city_tier: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Custom fields whose DirectoryField is not personal: {key: value}.
    custom: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # Custom fields flagged personal or sensitive, as one encrypted JSON object.
    protected: Mapped[str | None] = mapped_column(EncryptedText())
    tags: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # Contact channels, encrypted; `*_index` is the blind index of the normalised value
    # (`surveys.contacts`), NULL when the channel is empty or invalid.
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    phone_index: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(EncryptedText())
    email_index: Mapped[str | None] = mapped_column(String(64))
    wechat_id: Mapped[str | None] = mapped_column(EncryptedText())
    wechat_index: Mapped[str | None] = mapped_column(String(64))
    # What the cleaning found wrong with the record ("phone_invalid", "email_invalid").
    problems: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # Consent per purpose: {purpose: {"granted": bool, "at": ISO time, "source": text}}.
    consents: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set when this record was merged into another: it stays as history, out of every list,
    # and what pointed to it now points to the record it was merged into.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the person's profile or contacts were last changed (the review of stale records).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation = relationship("Organisation")

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class Segment(Model):
    """A saved filter over the directory: attributes, tags and past answers."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_segments_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # The filter (`surveys.segment_rules`), as `app.outreach.segments` compiles it.
    rules: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
