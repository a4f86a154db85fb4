"""Inviting a segment: one personal link per member, their reminders, and the sample's
progress and response rate.

A link is an `Invitation` (the existing single-use tokens) with `participant_id` set, one per
person and questionnaire (UNIQUE), so inviting a segment again adds only its new members.
Its token is kept encrypted beside the hash (`Invitation.token_secret`, an `EncryptedText`
column the key rotation re-encrypts): a reminder or a second download gives the same link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update

from app import audit
from app.directory.records import declined
from app.extensions import db
from app.models import Invitation, OutreachTarget, Participant, Questionnaire, Segment, Study, User
from app.models.types import utcnow
from app.outreach.segments import mask_name, member_ids, stored_rules
from app.responses.records import new_token, token_hash
from app.urls import external_url


def target_for(study: Study, segment: Segment, questionnaire: Questionnaire, actor: User):
    """The study's row for (segment, questionnaire), made when first invited."""
    target = db.session.scalar(
        select(OutreachTarget).where(
            OutreachTarget.segment_id == segment.id,
            OutreachTarget.questionnaire_id == questionnaire.id,
        )
    )
    if target is None:
        target = OutreachTarget(
            study_id=study.id,
            segment_id=segment.id,
            questionnaire_id=questionnaire.id,
            created_by_id=actor.id,
            split_targets={},
        )
        db.session.add(target)
        db.session.flush()
    return target


def invite(
    study: Study, segment: Segment, questionnaire: Questionnaire, actor: User
) -> tuple[OutreachTarget, int]:
    """A link for every member of *segment* who has none for *questionnaire* yet; the
    target row and how many links were made."""
    members = member_ids(segment.organisation_id, stored_rules(segment))
    invited = select(Invitation.participant_id).where(
        Invitation.questionnaire_id == questionnaire.id, Invitation.participant_id.is_not(None)
    )
    new_ids = db.session.scalars(
        members.where(Participant.id.not_in(invited)).order_by(Participant.id)
    ).all()
    refused = declined(list(new_ids), "invitation")  # PIPL art. 15: a withdrawal is heeded
    new_ids = [pid for pid in new_ids if pid not in refused]
    now = utcnow()
    rows = []
    for participant_id in new_ids:
        token = new_token()
        rows.append(
            {
                "questionnaire_id": questionnaire.id,
                "token_hash": token_hash(token),
                "token_secret": token,
                "participant_id": participant_id,
                "created_at": now,
                "reminder_count": 0,
            }
        )
    if rows:
        db.session.execute(insert(Invitation), rows)
    target = target_for(study, segment, questionnaire, actor)
    audit.record(
        "outreach.invite",
        target,
        study_id=study.id,
        detail={
            "segment": segment.name,
            "questionnaire": questionnaire.title,
            "count": len(rows),
            "declined": len(refused),
        },
        actor=actor,
    )
    db.session.commit()
    return target, len(rows)


@dataclass(frozen=True)
class LinkRow:
    participant_id: int
    name: str  # masked
    link: str
    answered: bool
    reminder_count: int
    reminded_at: Any


def _invitations(target: OutreachTarget, *, unanswered_only: bool = False):
    rules = stored_rules(target.segment)
    statement = (
        select(Invitation, Participant.name)
        .join(Participant, Participant.id == Invitation.participant_id)
        .where(
            Invitation.questionnaire_id == target.questionnaire_id,
            Invitation.participant_id.in_(member_ids(target.segment.organisation_id, rules)),
        )
        .order_by(Invitation.participant_id)
    )
    if unanswered_only:
        statement = statement.where(Invitation.used_at.is_(None))
    return db.session.execute(statement).all()


def _row(invitation: Invitation, name: str | None, slug: str) -> LinkRow:
    link = (
        external_url("respond.form", slug=slug, t=invitation.token_secret)
        if invitation.token_secret
        else ""
    )
    return LinkRow(
        participant_id=int(invitation.participant_id or 0),  # the join found the record
        name=mask_name(name or ""),
        link=link,
        answered=invitation.used_at is not None,
        reminder_count=invitation.reminder_count,
        reminded_at=invitation.reminded_at,
    )


def links(target: OutreachTarget, actor: User, fmt: str) -> list[LinkRow]:
    """Every link made for the segment's members (audited: they open the questionnaire)."""
    rows = [_row(i, name, target.questionnaire.slug) for i, name in _invitations(target)]
    audit.record(
        "outreach.download_links",
        target,
        study_id=target.study_id,
        detail={"segment": target.segment.name, "count": len(rows), "format": fmt},
        actor=actor,
    )
    db.session.commit()
    return rows


def remind(target: OutreachTarget, actor: User) -> list[LinkRow]:
    """The links of the members invited who have not answered, marked reminded now
    (reminded_at, one more reminder), audited; their rows, to send."""
    found = _invitations(target, unanswered_only=True)
    ids = [invitation.id for invitation, _ in found]
    now = utcnow()
    if ids:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id.in_(ids), Invitation.used_at.is_(None))
            .values(reminded_at=now, reminder_count=Invitation.reminder_count + 1)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        "outreach.remind",
        target,
        study_id=target.study_id,
        detail={"segment": target.segment.name, "count": len(ids)},
        actor=actor,
    )
    db.session.commit()
    rows = []
    for invitation, name in found:
        db.session.refresh(invitation)
        rows.append(_row(invitation, name, target.questionnaire.slug))
    return rows


def set_target(
    target: OutreachTarget, count: int | None, split_field: str, split: dict[str, int], actor
) -> None:
    before = audit.snapshot(target, ("target_count", "split_field", "split_targets"))
    target.target_count = count
    target.split_field = split_field if split else ""
    target.split_targets = dict(split) if split_field else {}
    audit.record_changes(
        "outreach.set_target",
        target,
        before,
        ("target_count", "split_field", "split_targets"),
        study_id=target.study_id,
    )
    db.session.commit()


@dataclass(frozen=True)
class Tally:
    """Invited and answered members of a segment for one questionnaire (in all or for one
    value of the split attribute)."""

    value: str  # "" for the whole segment
    invited: int
    answered: int
    target: int | None = None


def tallies(target: OutreachTarget) -> tuple[Tally, list[Tally]]:
    """The whole segment's tally, and one per value of its split attribute (when it has
    one): answered is invitations used, which is counted for anonymous questionnaires too."""
    members = member_ids(target.segment.organisation_id, stored_rules(target.segment))
    base = (
        select(func.count(), func.count(Invitation.used_at))
        .select_from(Invitation)
        .where(
            Invitation.questionnaire_id == target.questionnaire_id,
            Invitation.participant_id.in_(members),
        )
    )
    invited, answered = db.session.execute(base).one()
    whole = Tally("", invited, answered, target.target_count)
    if not target.split_field:
        return whole, []
    column = getattr(Participant, target.split_field)
    grouped = db.session.execute(
        base.add_columns(column)
        .join(Participant, Participant.id == Invitation.participant_id)
        .group_by(column)
        .order_by(column)
    ).all()
    found = {value: (n, done) for n, done, value in grouped}
    values = list(dict.fromkeys([*target.split_targets, *found]))
    return whole, [Tally(v, *found.get(v, (0, 0)), target.split_targets.get(v)) for v in values]


def targets_of(study: Study) -> Sequence[OutreachTarget]:
    return db.session.scalars(
        select(OutreachTarget)
        .where(OutreachTarget.study_id == study.id)
        .order_by(OutreachTarget.id)
    ).all()
