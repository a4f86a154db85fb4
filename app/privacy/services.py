"""Everything held about one participant, its export and its erasure (PIPL art. 45, 47).

A directory record is a person; the records merged into it are the same person's history.
What the install holds of them: the records themselves, the invitations made for them, their
responses (with the codes on their answers and the quotes starred from them), their
interviews (turns, highlights, quotes, the kept original file), needs' evidence citing those
highlights, webhook events carrying their responses, the cached response tables holding them,
job files (exports and reports) of the studies they took part in, and audit events naming
them. `inventory` finds it all, `export` copies it, `erase` deletes it in one transaction:
the audit log then keeps that an erasure happened and how much went, nothing of the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import delete

from app import audit, jobs
from app.extensions import db
from app.models import (
    AnswerCode,
    AuditEvent,
    EvidenceKind,
    EvidenceQuote,
    Highlight,
    Interview,
    Invitation,
    Job,
    NeedEvidence,
    Participant,
    Response,
    ResponseStatus,
    ResponseTableBlock,
    Turn,
    User,
    WebhookEvent,
    WebhookEventType,
)
from app.responses.cache import response_write
from app.webhooks import delivery, outbox

ERASED = {"erased": "participant erasure"}  # what an audit event naming them keeps


@dataclass
class ParticipantData:
    """What the install holds about one person (a record and those merged into it)."""

    participant: Participant
    records: list[Participant]  # the record first, then those merged into it
    responses: list[Response] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    answer_codes: list[AnswerCode] = field(default_factory=list)
    quotes: list[EvidenceQuote] = field(default_factory=list)
    need_evidence: list[NeedEvidence] = field(default_factory=list)
    webhook_events: list[WebhookEvent] = field(default_factory=list)
    table_blocks: list[ResponseTableBlock] = field(default_factory=list)
    job_files: list[Job] = field(default_factory=list)
    originals: list[Interview] = field(default_factory=list)
    audit_events: list[AuditEvent] = field(default_factory=list)

    @property
    def record_ids(self) -> list[int]:
        return [record.id for record in self.records]

    @property
    def study_ids(self) -> set[int]:
        ids = {row.questionnaire.study_id for row in self.responses}
        return ids | {interview.study_id for interview in self.interviews}

    def counts(self) -> dict[str, int]:
        """How many of each kind, for the page, the CLI and the erasure's audit event."""
        return {
            "records": len(self.records),
            "responses": len(self.responses),
            "invitations": len(self.invitations),
            "interviews": len(self.interviews),
            "highlights": len(self.highlights),
            "answer_codes": len(self.answer_codes),
            "quotes": len(self.quotes),
            "need_evidence": len(self.need_evidence),
            "webhook_events": len(self.webhook_events),
            "table_blocks": len(self.table_blocks),
            "job_files": len(self.job_files),
            "originals": len(self.originals),
            "audit_events": len(self.audit_events),
        }


def _records(participant: Participant) -> list[Participant]:
    """The record and every record merged into it, at any depth."""
    found = [participant]
    frontier = [participant.id]
    while frontier:
        merged = db.session.scalars(
            db.select(Participant)
            .where(Participant.merged_into_id.in_(frontier))
            .order_by(Participant.id)
        ).all()
        merged = [record for record in merged if record not in found]
        found += merged
        frontier = [record.id for record in merged]
    return found


def inventory(participant: Participant) -> ParticipantData:
    """Find everything about *participant* (nothing is changed)."""
    data = ParticipantData(participant, _records(participant))
    ids = data.record_ids
    data.responses = list(
        db.session.scalars(
            db.select(Response).where(Response.participant_id.in_(ids)).order_by(Response.id)
        )
    )
    data.invitations = list(
        db.session.scalars(db.select(Invitation).where(Invitation.participant_id.in_(ids)))
    )
    data.interviews = list(
        db.session.scalars(
            db.select(Interview).where(Interview.participant_id.in_(ids)).order_by(Interview.id)
        )
    )
    response_ids = [row.id for row in data.responses]
    interview_ids = [interview.id for interview in data.interviews]
    data.highlights = list(
        db.session.scalars(
            db.select(Highlight)
            .join(Turn, Turn.id == Highlight.turn_id)
            .where(Turn.interview_id.in_(interview_ids))
            .order_by(Highlight.id)
        )
    )
    highlight_ids = [highlight.id for highlight in data.highlights]
    data.answer_codes = list(
        db.session.scalars(db.select(AnswerCode).where(AnswerCode.response_id.in_(response_ids)))
    )
    data.quotes = list(
        db.session.scalars(
            db.select(EvidenceQuote).where(
                db.or_(
                    EvidenceQuote.response_id.in_(response_ids),
                    EvidenceQuote.highlight_id.in_(highlight_ids),
                )
            )
        )
    )
    data.need_evidence = list(
        db.session.scalars(
            db.select(NeedEvidence).where(
                NeedEvidence.kind == EvidenceKind.HIGHLIGHT,
                NeedEvidence.target_id.in_(highlight_ids),
            )
        )
    )
    data.webhook_events = _webhook_events(data.study_ids, set(response_ids))
    data.table_blocks = _table_blocks(data.responses)
    data.job_files = list(
        db.session.scalars(
            db.select(Job).where(
                Job.study_id.in_(sorted(data.study_ids)), Job.result_path.is_not(None)
            )
        )
    )
    data.originals = [interview for interview in data.interviews if interview.original]
    data.audit_events = _audit_events(data)
    return data


def _webhook_events(study_ids: set[int], response_ids: set[int]) -> list[WebhookEvent]:
    """The events of the studies whose payload is one of the responses."""
    events = db.session.scalars(
        db.select(WebhookEvent).where(WebhookEvent.study_id.in_(sorted(study_ids)))
    ).all()
    return [event for event in events if (event.payload or {}).get("response_id") in response_ids]


def _table_blocks(responses: list[Response]) -> list[ResponseTableBlock]:
    blocks: list[ResponseTableBlock] = []
    for row in responses:
        blocks += db.session.scalars(
            db.select(ResponseTableBlock).where(
                ResponseTableBlock.questionnaire_id == row.questionnaire_id,
                ResponseTableBlock.first_response_id <= row.id,
                ResponseTableBlock.last_response_id >= row.id,
                ResponseTableBlock.format != 0,
            )
        ).all()
    return list(dict.fromkeys(blocks))


def _telltales(data: ParticipantData) -> list[str]:
    """Values that name the person or quote them, to find them in free-form audit details
    (an audit of a starred quote or a need's evidence copies the quote)."""
    values = []
    for record in data.records:
        values += [record.name, record.phone, record.email, record.wechat_id]
    values += [interview.participant_label for interview in data.interviews]
    values += [highlight.snippet for highlight in data.highlights]
    values += [quote.text for quote in data.quotes]
    return sorted({value for value in values if value and len(value) >= 2})


def _audit_events(data: ParticipantData) -> list[AuditEvent]:
    """Events whose object is one of theirs, or whose detail carries a value naming them."""
    named = {
        "Participant": data.record_ids,
        "Response": [row.id for row in data.responses],
        "Interview": [interview.id for interview in data.interviews],
        "Highlight": [highlight.id for highlight in data.highlights],
        "EvidenceQuote": [quote.id for quote in data.quotes],
    }
    by_object = db.or_(
        *(
            db.and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids))
            for kind, ids in named.items()
        )
    )
    events = list(db.session.scalars(db.select(AuditEvent).where(by_object)))
    strings = _telltales(data)
    if strings:
        scope = db.or_(
            AuditEvent.study_id.is_(None), AuditEvent.study_id.in_(sorted(data.study_ids))
        )
        for event in db.session.scalars(db.select(AuditEvent).where(scope, ~by_object)):
            text = json.dumps(event.detail, ensure_ascii=False)
            if any(value in text for value in strings):
                events.append(event)
    return [event for event in events if event.detail != ERASED]


def erase(data: ParticipantData, actor: User | None) -> dict[str, int]:
    """Delete everything about the person in one transaction; what went, counted."""
    counts = data.counts()
    announced = False
    by_questionnaire: dict[int, list[Response]] = {}
    for row in data.responses:
        by_questionnaire.setdefault(row.questionnaire_id, []).append(row)
    for webhook_event in data.webhook_events:  # copies of their answers, sent or waiting
        db.session.delete(webhook_event)
    db.session.flush()
    for questionnaire_id, rows in by_questionnaire.items():
        announced |= _erase_responses(questionnaire_id, rows)
    highlight_ids = [highlight.id for highlight in data.highlights]
    if highlight_ids:
        db.session.execute(
            delete(NeedEvidence)
            .where(
                NeedEvidence.kind == EvidenceKind.HIGHLIGHT,
                NeedEvidence.target_id.in_(highlight_ids),
            )
            .execution_options(synchronize_session=False)
        )
    for interview in data.interviews:
        db.session.delete(interview)
    for invitation in data.invitations:
        db.session.delete(invitation)
    for event in data.audit_events:
        event.detail = dict(ERASED)
    db.session.flush()
    for record in reversed(data.records):  # merged ones first: they point to the record
        db.session.delete(record)
        db.session.flush()
    _erase_job_files(data.job_files)
    audit.record(
        "participant.erase",
        data.participant,
        actor=actor,
        detail={"counts": counts},
    )
    db.session.commit()
    if announced:
        delivery.dispatch_soon()
    return counts


def _erase_responses(questionnaire_id: int, rows: list[Response]) -> bool:
    """Delete the responses through the response store's hook (the cached tables holding
    them are wiped); receivers of webhooks hear of each deletion. Whether any was told."""
    ids = [row.id for row in rows]
    told = [row.id for row in rows if row.status is ResponseStatus.COMPLETE and not row.is_test]
    announced = bool(told) and outbox.wanted(questionnaire_id)
    with response_write(questionnaire_id, rewrites=ids):
        for table in (AnswerCode, EvidenceQuote):
            db.session.execute(
                delete(table)
                .where(table.response_id.in_(ids))
                .execution_options(synchronize_session=False)
            )
        db.session.execute(
            delete(Response)
            .where(Response.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        if announced:
            for response_id in told:
                data = outbox.response_payload(response_id, questionnaire_id)
                outbox.record(WebhookEventType.RESPONSE_DELETED, questionnaire_id, data)
    return announced


def _erase_job_files(job_files: list[Job]) -> None:
    """Exports and reports of their studies may hold their rows: the files go (the job rows
    stay, as the history of what was asked)."""
    for job in job_files:
        jobs.forget_files(job)
