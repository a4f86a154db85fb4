"""Writing the audit trail. Services call `record` in the same transaction as the change."""

import enum
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent, User


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a model as JSON-safe values, for before/after pairs."""
    return {field: _json_safe(getattr(obj, field)) for field in fields}


def record(
    action: str,
    obj: object | None = None,
    *,
    study_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit makes it durable."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    payload = dict(detail or {})
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        study_id=study_id,
        detail=payload,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def record_changes(
    action: str, obj: object, before: dict[str, Any], fields: tuple[str, ...], *, study_id: int
) -> bool:
    """Audit the *fields* of *obj* that differ from *before* (its `snapshot` before the edit),
    old and new values only; False, and nothing recorded, when none changed."""
    after = snapshot(obj, fields)
    changed = [field for field in fields if before[field] != after[field]]
    if changed:
        record(
            action,
            obj,
            study_id=study_id,
            before={field: before[field] for field in changed},
            after={field: after[field] for field in changed},
        )
    return bool(changed)


def study_events(study_id: int, *, limit: int = 200) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.study_id == study_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def account_events(*, limit: int = 500) -> list[AuditEvent]:
    """Sign-ins, failures, lockouts and changes to accounts, across the install."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.action.startswith("auth.") | AuditEvent.action.startswith("user."))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value
