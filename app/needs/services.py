"""Needs: create, edit, move through the workflow, prioritise, comment and merge. Every change
is audited in the same transaction (`app.audit`); the need page reads its history back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from analysis.needs.priority import rice
from app import audit
from app.extensions import db
from app.models import AuditEvent, Need, NeedComment, NeedStatus, Study, User

# What an edit may change and the audit trail records (owner by email, not by id).
FIELDS = (
    "statement",
    "type",
    "kind",
    "kano",
    "owner_name",
    "due_on",
    "reach",
    "impact",
    "confidence",
    "effort",
    "importance",
    "satisfaction",
    "outcome",
    "segments",
)
KANO_CHOICES = ("", "M", "O", "A", "I", "R", "Q")


class NeedError(ValueError):
    """A change the workflow refuses; `.code` names it for the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def study_needs(study: Study) -> list[Need]:
    """The study's needs with owners, in board order, in two queries (needs and owners);
    evidence is counted by `evidence_counts`, not loaded per card."""
    return list(
        db.session.scalars(
            db.select(Need)
            .where(Need.study_id == study.id)
            .options(db.selectinload(Need.owner))
            .order_by(Need.position, Need.id)
        )
    )


def evidence_counts(study: Study) -> dict[int, int]:
    from app.models import NeedEvidence

    rows = db.session.execute(
        db.select(NeedEvidence.need_id, db.func.count(NeedEvidence.id))
        .join(Need, Need.id == NeedEvidence.need_id)
        .where(Need.study_id == study.id)
        .group_by(NeedEvidence.need_id)
    )
    return {int(need_id): int(count) for need_id, count in rows}


def need_in(study: Study, need_id: int) -> Need | None:
    return db.session.scalar(db.select(Need).where(Need.id == need_id, Need.study_id == study.id))


def create_need(study: Study, user: User, values: Mapping[str, Any]) -> Need:
    need = Need(study_id=study.id, created_by_id=user.id, statement=values["statement"].strip())
    _apply(need, values)
    db.session.add(need)
    db.session.flush()
    audit.record(
        "need.create",
        need,
        study_id=study.id,
        after=audit.snapshot(need, ("statement", "type", "kind")),
    )
    db.session.commit()
    return need


def update_need(need: Need, values: Mapping[str, Any]) -> bool:
    """Apply an edit; True when something changed (and was audited)."""
    before = audit.snapshot(need, FIELDS)
    _apply(need, values)
    changed = audit.record_changes("need.update", need, before, FIELDS, study_id=need.study_id)
    db.session.commit()
    return changed


def _apply(need: Need, values: Mapping[str, Any]) -> None:
    for field in FIELDS[1:]:
        if field in values:
            setattr(need, field, values[field])
    if "statement" in values:
        need.statement = values["statement"].strip()
    if (need.kano or "") not in KANO_CHOICES:
        raise NeedError("kano")
    if "owner" in values:
        need.owner = values["owner"]
        need.owner_id = values["owner"].id if values["owner"] is not None else None


def move(need: Need, status: NeedStatus, reason: str = "", *, commit: bool = True) -> bool:
    """Put the need in *status*; a rejection needs its reason. False when already there."""
    reason = reason.strip()
    if status is NeedStatus.REJECTED and not reason:
        raise NeedError("reason")
    if status is need.status and (
        status is not NeedStatus.REJECTED or reason == need.reject_reason
    ):
        return False
    before = audit.snapshot(need, ("status", "reject_reason"))
    need.status = status
    need.reject_reason = reason if status is NeedStatus.REJECTED else ""
    audit.record_changes(
        "need.move", need, before, ("status", "reject_reason"), study_id=need.study_id
    )
    if commit:
        db.session.commit()
    return True


def bulk_move(needs: Iterable[Need], status: NeedStatus, reason: str = "") -> int:
    """Move every need of *needs*; how many moved. All or none (one reason for all)."""
    moved = sum(move(need, status, reason, commit=False) for need in needs)
    db.session.commit()
    return moved


def override_priority(need: Need, value: float | None, reason: str) -> None:
    """The owner's priority instead of the formulas', with the reason; None clears it."""
    reason = reason.strip()
    if value is not None and not reason:
        raise NeedError("override_reason")
    before = audit.snapshot(need, ("priority_override", "override_reason"))
    need.priority_override = value
    need.override_reason = reason if value is not None else ""
    audit.record_changes(
        "need.override",
        need,
        before,
        ("priority_override", "override_reason"),
        study_id=need.study_id,
    )
    db.session.commit()


def add_comment(need: Need, user: User, body: str) -> NeedComment:
    comment = NeedComment(need=need, author_id=user.id, body=body.strip())
    db.session.add(comment)
    audit.record(
        "need.comment", need, study_id=need.study_id, detail={"comment": comment.body[:200]}
    )
    db.session.commit()
    return comment


def merge(keep: Need, other: Need) -> None:
    """Fold *other* into *keep*: its evidence and comments move over, then it is deleted;
    its statement stays in the audit trail and as a comment on *keep*."""
    if keep.id == other.id or keep.study_id != other.study_id:
        raise NeedError("merge")
    evidence, comments = list(other.evidence), list(other.comments)
    for item in evidence:
        item.need = keep
    for comment in comments:
        comment.need = keep
    audit.record(
        "need.merge",
        keep,
        study_id=keep.study_id,
        detail={
            "merged": other.statement,
            "merged_id": other.id,
            "evidence": len(evidence),
            "comments": len(comments),
        },
    )
    db.session.flush()
    db.session.expire(other)
    db.session.delete(other)
    db.session.commit()


def history(need: Need) -> list[AuditEvent]:
    """The need's audit events, newest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == "Need", AuditEvent.object_id == need.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )


def board_priority(need: Need) -> float | None:
    """The priority a card shows without reading responses: override, else RICE."""
    r = rice(need.reach, need.impact, need.confidence, need.effort)
    return need.priority_override if need.priority_override is not None else r["score"]


def top_needs(study: Study, limit: int = 5) -> list[Need]:
    """The open needs (neither done nor rejected) of highest priority (`board_priority`;
    those without one last), for the findings report."""
    closed = (NeedStatus.DONE, NeedStatus.REJECTED)
    needs = db.session.scalars(
        db.select(Need).where(Need.study_id == study.id, Need.status.not_in(closed))
    ).all()
    ranked = sorted(
        needs, key=lambda n: (board_priority(n) is None, -(board_priority(n) or 0), n.id)
    )
    return ranked[:limit]
