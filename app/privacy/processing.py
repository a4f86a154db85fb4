"""A study's record of processing (个人信息处理活动记录, PIPL art. 54–56): what personal
information it collects, why, how long it is kept, who sees it, where it is stored, to whom
it goes and how it is protected, generated from the study as it is configured now, for the
team's personal information impact assessment (PIA). The team reviews and signs it; the
software only states what it knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.interviews.privacy import policy_of
from app.models import (
    DirectoryField,
    FieldPrivacy,
    Interview,
    Membership,
    Organisation,
    Questionnaire,
    Role,
    Study,
    WebhookEndpoint,
)
from app.models.types import utcnow


@dataclass(frozen=True)
class QuestionEntry:
    id: str
    title: str
    type: str
    privacy: str  # a FieldPrivacy value
    retention_days: int | None = None  # the answer's own period (`app.retention_answers`)


@dataclass(frozen=True)
class QuestionnaireEntry:
    title: str
    version: int
    questions: list[QuestionEntry]
    consent: dict[str, Any]  # the settings' consent notice (purpose, retention …)
    invitation_only: bool


@dataclass(frozen=True)
class MemberEntry:
    email: str
    role: str
    sees_respondents: bool


@dataclass
class ProcessingRecord:
    study: Study
    generated_at: str
    organisation: str | None
    questionnaires: list[QuestionnaireEntry] = field(default_factory=list)
    directory_fields: list[DirectoryField] = field(default_factory=list)
    interviews: int = 0
    keeps_originals: bool = False
    masked_names: int = 0
    retention_days: int | None = None
    retention_action: str = ""
    job_files_days: int = 7
    members: list[MemberEntry] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # webhook receivers' hosts
    database: str = ""

    @property
    def personal_questions(self) -> list[tuple[str, QuestionEntry]]:
        return [
            (entry.title, question)
            for entry in self.questionnaires
            for question in entry.questions
            if question.privacy != FieldPrivacy.NONE
        ]


def build(study: Study) -> ProcessingRecord:
    """The record of *study* as configured now."""
    organisation = (
        db.session.get(Organisation, study.organisation_id) if study.organisation_id else None
    )
    policy = policy_of(study)
    record = ProcessingRecord(
        study=study,
        generated_at=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        organisation=organisation.name if organisation else None,
        interviews=_interviews(study),
        keeps_originals=policy.keep_originals,
        masked_names=len(policy.mask_names),
        retention_days=study.retention_days,
        retention_action=study.retention_action,
        job_files_days=current_app.config["JOB_FILES_KEPT_DAYS"],
        database=db.engine.dialect.name,
    )
    for questionnaire in db.session.scalars(
        db.select(Questionnaire)
        .where(Questionnaire.study_id == study.id)
        .order_by(Questionnaire.id)
    ):
        version = questionnaire.latest_version
        if version is not None:
            record.questionnaires.append(_questionnaire(questionnaire.title, version))
    if organisation is not None:
        record.directory_fields = list(
            db.session.scalars(
                db.select(DirectoryField)
                .where(DirectoryField.organisation_id == organisation.id)
                .order_by(DirectoryField.id)
            )
        )
    for membership in db.session.scalars(
        db.select(Membership).where(Membership.study_id == study.id).order_by(Membership.id)
    ):
        record.members.append(
            MemberEntry(
                membership.user.email, membership.role.value, membership.role.can_view_respondents()
            )
        )
    endpoints = db.session.scalars(
        db.select(WebhookEndpoint.url).where(
            WebhookEndpoint.study_id == study.id, WebhookEndpoint.active.is_(True)
        )
    )
    record.recipients = sorted({urlsplit(url).hostname or url for url in endpoints})
    return record


def _interviews(study: Study) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(Interview).where(Interview.study_id == study.id)
    )


def _questionnaire(title: str, version) -> QuestionnaireEntry:
    definition = version.definition or {}
    questions = [
        QuestionEntry(
            id=str(question.get("id", "")),
            title=str(question.get("title", "")),
            type=str(question.get("type", "")),
            privacy=str(question.get("privacy") or FieldPrivacy.NONE.value),
            retention_days=question.get("retention_days"),
        )
        for page in definition.get("pages") or ()
        for question in page.get("questions") or ()
    ]
    settings = definition.get("settings") or {}
    access = settings.get("access") or {}
    return QuestionnaireEntry(
        title=title,
        version=version.number,
        questions=questions,
        consent=dict(settings.get("consent") or {}),
        invitation_only=access.get("mode") == "invitation",
    )


def privacy_label(value: str) -> str:
    return {
        "none": _("not personal"),
        "personal": _("personal"),
        "sensitive": _("sensitive (PIPL art. 28)"),
    }.get(value, value)


def kept_for(question: QuestionEntry) -> str:
    """ ", kept 30 days" after a question's privacy, when its answer has a period of its own."""
    if not question.retention_days:
        return ""
    return _(", answer kept %(days)d days", days=question.retention_days)


def role_label(value: str) -> str:
    return {
        Role.OWNER.value: _("Owner"),
        Role.RESEARCHER.value: _("Researcher"),
        Role.VIEWER.value: _("Viewer"),
        Role.PRODUCT_MANAGER.value: _("Product manager"),
    }.get(value, value)


def retention_text(record: ProcessingRecord) -> str:
    if record.retention_days is None:
        return _("No retention period is set: the team deletes the data by hand.")
    action = _("anonymised") if record.retention_action == "anonymise" else _("deleted")
    return _(
        "Responses and transcripts are %(action)s %(days)d days after they were collected "
        "(the daily privacy sweep).",
        action=action,
        days=record.retention_days,
    )


PARADATA = (
    _l("Time spent on each page"),
    _l("Whether an answer was pasted, and typing time"),
    _l("Device type (phone, tablet, computer)"),
    _l("A keyed hash of the network address (the address itself is never stored)"),
)

SECURITY = (
    _l("Per-study roles checked in one module; product managers see no respondent-level data"),
    _l(
        "Personal fields and flagged answers encrypted at rest (authenticated encryption), "
        "with key rotation"
    ),
    _l("Audit log of every change, export and erasure"),
    _l("Argon2 password hashing, sign-in lockout, CSRF protection, expiring sessions"),
    _l("Transcripts de-identified at upload by default"),
    _l("Retention sweep and deletion of job files after their period"),
)


def template_values(record: ProcessingRecord) -> dict[str, Any]:
    """What the record's templates (page and HTML file) are given."""
    return {
        "record": record,
        "privacy_label": privacy_label,
        "role_label": role_label,
        "kept_for": kept_for,
        "retention_text": retention_text,
        "paradata": PARADATA,
        "security": SECURITY,
    }


def markdown(record: ProcessingRecord) -> str:
    """The record as Markdown, in the current language (the same sentences as the page)."""
    generated = _("Generated %(at)s by Wenfang, from the study as configured then.",
                  at=record.generated_at)  # fmt: skip
    lines = [f"# {_('Record of processing')}: {record.study.title}", "", generated, ""]
    for heading, section in (
        (_("What is collected"), _collected),
        (_("Why"), _why),
        (_("How long"), _how_long),
        (_("Who can see it"), _who),
        (_("Where it is stored"), _where),
        (_("Recipients and cross-border transfer"), _recipients),
        (_("Security measures"), _security),
    ):
        lines += [f"## {heading}", "", *section(record), ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _collected(record: ProcessingRecord) -> list[str]:
    lines = []
    for entry in record.questionnaires:
        lines += [f"### {_cell(entry.title)} (v{entry.version})", ""]
        lines += [f"| {_('Question')} | {_('Type')} | {_('Privacy')} |", "|---|---|---|"]
        lines += [
            f"| {q.id} {_cell(q.title)} | {q.type} | {privacy_label(q.privacy)}{kept_for(q)} |"
            for q in entry.questions
        ]
        lines.append("")
    if not record.questionnaires:
        lines += [_("No published questionnaire."), ""]
    lines += [f"**{_('Paradata')}**: " + "; ".join(str(item) for item in PARADATA), ""]
    if record.organisation:
        contacts = _("name and contact channels (encrypted)")
        lines.append(f"**{_('Directory fields used')}** ({record.organisation}): {contacts}")
        for item in record.directory_fields:
            kept = (
                _("kept %(days)d days", days=item.retention_days)
                if item.retention_days
                else _("kept with the record")
            )
            lines.append(f"- {item.label}: {privacy_label(item.privacy.value)}, {kept}")
        lines.append("")
    kept = _("yes") if record.keeps_originals else _("no")
    lines.append(
        _(
            "Interview transcripts: %(n)d; originals kept: %(kept)s.",
            n=record.interviews,
            kept=kept,
        )
    )
    return lines


def _why(record: ProcessingRecord) -> list[str]:
    lines = [f"**{_('Study goal')}**: {record.study.goal or '—'}", ""]
    for entry in record.questionnaires:
        purpose = entry.consent.get("purpose") or _("no consent notice")
        lines.append(f"- {entry.title}: {purpose}")
    return lines


def _how_long(record: ProcessingRecord) -> list[str]:
    jobs = _("Job files (exports, reports) are deleted %(days)d days after the job.",
             days=record.job_files_days)  # fmt: skip
    return [f"{retention_text(record)} {jobs}"]


def _who(record: ProcessingRecord) -> list[str]:
    lines = []
    for member in record.members:
        sees = (
            _("sees respondent-level data")
            if member.sees_respondents
            else _("sees findings only, no respondent-level data")
        )
        lines.append(f"- {member.email}: {role_label(member.role)}, {sees}")
    return lines


def _where(record: ProcessingRecord) -> list[str]:
    return [
        _(
            "On this install's own server (database: %(db)s; instance folder for job files), "
            "self-hosted by the team.",
            db=record.database,
        )
    ]


def _recipients(record: ProcessingRecord) -> list[str]:
    if not record.recipients:
        return [
            _("No recipient: nothing is sent outside this install, so no cross-border transfer.")
        ]
    return [
        _("Webhook receivers get each response:"),
        *(f"- {host}" for host in record.recipients),
        "",
        _(
            "Check that each receiver is in mainland China, or that a transfer mechanism is in "
            "place."
        ),
    ]


def _security(record: ProcessingRecord) -> list[str]:
    return [f"- {item}" for item in SECURITY]
