"""Cleaning the directory: duplicates, invalid contacts, stale records.

Duplicates are found in SQL on the blind indexes (`phone_index`, `email_index`,
`wechat_index`): the index values held by more than one current record, then the records
holding them, grouped by union-find (`surveys.contacts.group_by_channels`: A shares a phone
with B, B an email with C → one group). Only the records in a group are decrypted, to show
them. A merge keeps the history: the merged records stay, `merged_into_id` set, and the
responses, invitations and interviews that pointed to them point to the record kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from app import audit
from app.directory.listing import current, json_list_has
from app.directory.records import ATTRIBUTES, CHANNELS, name_index, problems_of, protected_values
from app.extensions import db
from app.models import Interview, Invitation, Participant, Response, User
from app.models.types import utcnow
from app.permissions import DirectoryAccess
from surveys.contacts import group_by_channels

MAX_GROUPS = 200
INDEX_COLUMNS = [index for _column, index in CHANNELS.values()]


@dataclass
class DuplicateGroup:
    records: list[Participant]
    shared: list[str]  # the channels they share: "phone", "email", "wechat"


def duplicate_groups(access: DirectoryAccess, limit: int = MAX_GROUPS) -> list[DuplicateGroup]:
    organisation_id = access.organisation.id
    shared_values: dict[str, set[str]] = {}
    for kind, (_column, index) in CHANNELS.items():
        column = getattr(Participant, index)
        shared_values[kind] = set(
            db.session.scalars(
                select(column)
                .where(
                    Participant.organisation_id == organisation_id,
                    Participant.merged_into_id.is_(None),
                    column.is_not(None),
                )
                .group_by(column)
                .having(func.count() > 1)
                .limit(limit * 5)
            )
        )
    if not any(shared_values.values()):
        return []
    conditions = [
        getattr(Participant, CHANNELS[kind][1]).in_(sorted(values))
        for kind, values in shared_values.items()
        if values
    ]
    rows = db.session.execute(
        select(Participant.id, *(getattr(Participant, index) for index in INDEX_COLUMNS))
        .where(
            Participant.organisation_id == organisation_id,
            Participant.merged_into_id.is_(None),
            db.or_(*conditions),
        )
        .order_by(Participant.id)
    ).all()
    keys = {row[0]: list(zip(CHANNELS, row[1:], strict=True)) for row in rows}
    groups = group_by_channels(
        (record_id, [(kind, value) for kind, value in pairs if value in shared_values[kind]])
        for record_id, pairs in keys.items()
    )[:limit]
    wanted = [record_id for group in groups for record_id in group]
    loaded = {
        record.id: record
        for record in db.session.scalars(select(Participant).where(Participant.id.in_(wanted)))
    }
    found = []
    for group in groups:
        shared = sorted(
            {
                kind
                for record_id in group
                for kind, value in keys[record_id]
                if value is not None
                and sum(1 for other in group if (kind, value) in keys[other]) > 1
            }
        )
        found.append(DuplicateGroup([loaded[record_id] for record_id in group], shared))
    return found


def invalid_records(access: DirectoryAccess, limit: int = 200) -> list[Participant]:
    """Current records with a phone, email or WeChat ID that cannot be read."""
    flagged = db.or_(*(json_list_has(Participant.problems, f"{kind}_invalid") for kind in CHANNELS))
    return list(
        db.session.scalars(current(access).where(flagged).order_by(Participant.id).limit(limit))
    )


def stale_records(access: DirectoryAccess, days: int, limit: int = 200) -> list[Participant]:
    """Current records not updated for *days* days, the oldest first, for review."""
    cutoff = utcnow() - timedelta(days=days)
    return list(
        db.session.scalars(
            current(access)
            .where(Participant.updated_at < cutoff)
            .order_by(Participant.updated_at, Participant.id)
            .limit(limit)
        )
    )


def stale_count(access: DirectoryAccess, days: int) -> int:
    cutoff = utcnow() - timedelta(days=days)
    statement = current(access).where(Participant.updated_at < cutoff)
    return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _fill(kept: Participant, other: Participant) -> None:
    """What *kept* lacks, taken from *other*: name, attributes, channels, custom fields;
    tags joined; a consent *kept* does not record taken over."""
    if not kept.name and other.name:
        kept.name = other.name
        kept.name_index = name_index(other.name)
    for attribute in ATTRIBUTES:
        if not getattr(kept, attribute) and getattr(other, attribute):
            setattr(kept, attribute, getattr(other, attribute))
    for column, index in CHANNELS.values():
        if not getattr(kept, column) and getattr(other, column):
            setattr(kept, column, getattr(other, column))
            setattr(kept, index, getattr(other, index))
    kept.tags = list(dict.fromkeys([*(kept.tags or []), *(other.tags or [])]))
    kept.custom = {**(other.custom or {}), **(kept.custom or {})}
    secret = {**protected_values(other), **protected_values(kept)}
    if secret != protected_values(kept):
        kept.protected = json.dumps(secret, ensure_ascii=False)
    kept.consents = {**(other.consents or {}), **(kept.consents or {})}
    if other.notes and other.notes not in (kept.notes or ""):
        kept.notes = "\n".join(part for part in (kept.notes, other.notes) if part)
    kept.problems = problems_of(kept)


def merge(
    access: DirectoryAccess, kept: Participant, others: list[Participant], actor: User
) -> dict[str, int]:
    """Merge *others* into *kept* (all current records of the organisation); the number of
    links re-pointed of each kind. One transaction, audited."""
    others = [other for other in others if other.id != kept.id]
    ids = [other.id for other in others]
    if not ids:
        return {}
    moved = {}
    for model in (Response, Invitation, Interview):
        result = db.session.execute(
            update(model)
            .where(model.participant_id.in_(ids))
            .values(participant_id=kept.id)
            .execution_options(synchronize_session=False)
        )
        moved[model.__tablename__] = result.rowcount or 0  # type: ignore[attr-defined]
    # Records merged earlier into one of *others* now name the record kept.
    db.session.execute(
        update(Participant)
        .where(Participant.merged_into_id.in_(ids))
        .values(merged_into_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    for other in others:
        _fill(kept, other)
        other.merged_into_id = kept.id
    kept.updated_at = utcnow()
    audit.record(
        "participant.merge",
        kept,
        actor=actor,
        detail={"organisation_id": access.organisation.id, "merged": ids, "moved": moved},
    )
    db.session.commit()
    return moved
