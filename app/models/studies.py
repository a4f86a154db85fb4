"""Studies (研究项目) and who may do what in them."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow

# Research methods a study can plan; keys are stored, labels live in the templates.
METHODS = ("questionnaire", "interview", "focus_group", "observation", "user_test")


class Role(enum.StrEnum):
    """A member's role in one study. Capabilities are asked of the role, never by name."""

    OWNER = "owner"
    RESEARCHER = "researcher"
    VIEWER = "viewer"
    # 产品经理: reads findings and manages needs; no respondent-level data, no identifying
    # fields (responses, open answers one by one, transcripts)
    PRODUCT_MANAGER = "product_manager"

    def can_view(self) -> bool:
        return True

    def can_view_respondents(self) -> bool:
        """Respondent-level data: single responses, open answers row by row, transcripts."""
        return self is not Role.PRODUCT_MANAGER

    def can_reveal_personal(self) -> bool:
        """See the answers to questions flagged personal or sensitive unmasked, when asked
        for one response or one export at a time (each time audited, PIPL art. 51)."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_manage_needs(self) -> bool:
        """Create, edit, move, merge and prioritise needs, link evidence, comment."""
        return self in (Role.OWNER, Role.RESEARCHER, Role.PRODUCT_MANAGER)

    def can_edit_study(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_manage_members(self) -> bool:
        return self is Role.OWNER

    def can_archive_study(self) -> bool:
        return self is Role.OWNER

    def can_read_audit_log(self) -> bool:
        return self is Role.OWNER

    def can_edit_questionnaire(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_publish_questionnaire(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_delete_responses(self) -> bool:
        return self is Role.OWNER

    def can_answer_in_test_mode(self) -> bool:
        """Get a test link: the responses it stores are test responses, out of the results."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_clear_test_responses(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_delete_questionnaire(self) -> bool:
        """Delete one never published (`questionnaires.services.delete_draft` checks that)."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_archive_questionnaire(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_set_interview_privacy(self) -> bool:
        """Whether originals are kept and which names are always masked: the owner decides."""
        return self is Role.OWNER

    def can_import_responses(self) -> bool:
        """Add responses from another tool's export to a questionnaire."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_import_interviews(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_code_interviews(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_edit_codebook(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_export_interviews(self) -> bool:
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_code_answers(self) -> bool:
        """Apply the study's codes to open answers of questionnaires, by hand or by a rule."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_edit_findings(self) -> bool:
        """Pick the key metrics and the minimum n, save and recompute insights."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_share_findings(self) -> bool:
        """Make and revoke read-only links for people without an account."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_export_findings(self) -> bool:
        """Build and download a findings report (PDF, XLSX): every member, as it holds the
        numbers the dashboard already shows them and no respondent-level data."""
        return True

    def can_start_wave(self) -> bool:
        """Copy a questionnaire as the next wave of its series."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_submit_responses(self) -> bool:
        """Store responses through the REST API (a write token), as a form would."""
        return self in (Role.OWNER, Role.RESEARCHER)

    def can_manage_webhooks(self) -> bool:
        """Add, disable, delete webhook endpoints, read their delivery logs and replay: the
        events carry respondents' answers to another system, as an export does."""
        return self in (Role.OWNER, Role.RESEARCHER)


class StudyStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Study(Model):
    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    sample_plan: Mapped[str] = mapped_column(Text, default="")
    methods: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # Planned field period; either end may still be open.
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[StudyStatus] = mapped_column(
        enum_column(StudyStatus, "study_status"), default=StudyStatus.ACTIVE
    )
    # Findings resting on fewer responses than this are greyed, never claimed, and
    # suppressed through share links.
    min_n: Mapped[int] = mapped_column(default=30, server_default="30")
    # Days responses and transcripts are kept after they were given (PIPL art. 19); NULL: kept
    # until the study is deleted. `flask --app wsgi privacy sweep` applies it (app/retention.py).
    retention_days: Mapped[int | None]
    # What the sweep does to what is past it: "anonymise" (free texts, the address hash and
    # the participant's identity go; closed answers stay for the statistics) or "delete".
    retention_action: Mapped[str] = mapped_column(
        String(20), default="anonymise", server_default="anonymise"
    )
    # The organisation whose participant directory the study invites from and links its
    # respondents and interviewees to; NULL: a study of no organisation, with no directory.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    memberships = relationship(
        "Membership", back_populates="study", cascade="all, delete-orphan", lazy="selectin"
    )
    invitations = relationship(
        "MemberInvitation",
        back_populates="study",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    created_by = relationship("User")

    @property
    def is_archived(self) -> bool:
        return self.status is StudyStatus.ARCHIVED

    def __repr__(self) -> str:
        return f"<Study {self.id} {self.title!r}>"


class Membership(Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("study_id", "user_id", name="study_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    study = relationship("Study", back_populates="memberships")
    user = relationship("User", back_populates="memberships", lazy="joined")


class MemberInvitation(Model):
    """An owner's offer of a role to an email address, pending until that person accepts.

    Every address gets one, whether or not an account uses it, so the member form never
    tells an owner (anyone who creates a study) which addresses have accounts; the person
    accepts after signing in (GitHub's and GitLab's invitations work the same way)."""

    __tablename__ = "member_invitations"
    __table_args__ = (UniqueConstraint("study_id", "email", name="study_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # normalised
    role: Mapped[Role] = mapped_column(enum_column(Role, "invitation_role"))
    # None once the inviting account is gone.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    study = relationship("Study", back_populates="invitations")
    invited_by = relationship("User")
