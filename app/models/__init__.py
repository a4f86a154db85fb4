"""SQLAlchemy models of the web layer, one module per part of the domain."""

from app.models.accounts import LoginSession, User
from app.models.audit import AuditEvent
from app.models.coding import AnswerCode
from app.models.consent import NOTICE_TEXTS, ConsentNotice
from app.models.evidence import EvidenceQuote
from app.models.insights import Insight, InsightScan
from app.models.interviews import (
    CODE_COLOURS,
    Code,
    ConsentStatus,
    Highlight,
    ImportStatus,
    Interview,
    InterviewKind,
    StudyNote,
    Turn,
)
from app.models.jobs import Job, JobStatus
from app.models.needs import (
    EvidenceKind,
    Need,
    NeedComment,
    NeedEvidence,
    NeedKind,
    NeedStatus,
    NeedType,
)
from app.models.outreach import OutreachTarget
from app.models.participants import (
    DirectoryField,
    FieldPrivacy,
    Organisation,
    OrganisationMember,
    OrganisationRole,
    Participant,
    Segment,
)
from app.models.questionnaires import Questionnaire, QuestionnaireStatus, QuestionnaireVersion
from app.models.responses import Invitation, Response, ResponseStatus, ResponseTableBlock
from app.models.shares import ShareLink
from app.models.studies import METHODS, MemberInvitation, Membership, Role, Study, StudyStatus
from app.models.tokens import AccessToken, TokenScope
from app.models.webhooks import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from app.models.weighting import WeightingScheme

__all__ = [
    "CODE_COLOURS",
    "METHODS",
    "NOTICE_TEXTS",
    "AccessToken",
    "AnswerCode",
    "AuditEvent",
    "Code",
    "ConsentNotice",
    "ConsentStatus",
    "DeliveryStatus",
    "DirectoryField",
    "EvidenceKind",
    "EvidenceQuote",
    "FieldPrivacy",
    "Highlight",
    "ImportStatus",
    "Insight",
    "InsightScan",
    "Interview",
    "InterviewKind",
    "Invitation",
    "Job",
    "JobStatus",
    "LoginSession",
    "MemberInvitation",
    "Membership",
    "Need",
    "NeedComment",
    "NeedEvidence",
    "NeedKind",
    "NeedStatus",
    "NeedType",
    "Organisation",
    "OrganisationMember",
    "OrganisationRole",
    "OutreachTarget",
    "Participant",
    "Questionnaire",
    "QuestionnaireStatus",
    "QuestionnaireVersion",
    "Response",
    "ResponseStatus",
    "ResponseTableBlock",
    "Role",
    "Segment",
    "ShareLink",
    "Study",
    "StudyNote",
    "StudyStatus",
    "TokenScope",
    "Turn",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookEventType",
    "WeightingScheme",
]
