"""Writing one directory record: its profile, its contact channels with their blind indexes and
problems, its custom fields (personal ones into the encrypted `protected`), and the audited
reveal of its masked values. No personal value is ever written to the audit log: an edit is
audited with the names of the fields it changed."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from app import audit
from app.extensions import db
from app.models import DirectoryField, FieldPrivacy, Participant, User
from app.models.types import utcnow
from app.permissions import DirectoryAccess
from app.personal_data import blind_index
from surveys import contacts

ATTRIBUTES = ("age_band", "gender", "income_band", "occupation", "city", "city_tier")
# channel → (the encrypted column, its blind index column)
CHANNELS = {
    "phone": ("phone", "phone_index"),
    "email": ("email", "email_index"),
    "wechat": ("wechat_id", "wechat_index"),
}
ATTRIBUTE_LIMITS = {
    "age_band": 30,
    "gender": 20,
    "income_band": 30,
    "occupation": 100,
    "city": 100,
    "city_tier": 20,
}
TAG_LIMIT = 50
TAG_SEPARATORS = re.compile(r"[,，;；、\n]+")


@dataclass
class Profile:
    """What a form or an import row gives for one record; None leaves a value as it is."""

    name: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)  # phone / email / wechat → as typed
    tags: list[str] | None = None
    notes: str | None = None
    custom: dict[str, str] = field(default_factory=dict)  # DirectoryField.key → value

    def without_blanks(self) -> Profile:
        """The same with its empty values left out: an import's empty cell changes nothing
        in the record it updates."""
        return Profile(
            name=self.name if (self.name or "").strip() else None,
            attributes={k: v for k, v in self.attributes.items() if v.strip()},
            channels={k: v for k, v in self.channels.items() if v.strip()},
            tags=self.tags,
            notes=self.notes if (self.notes or "").strip() else None,
            custom={k: v for k, v in self.custom.items() if v.strip()},
        )


def parse_tags(text: str) -> list[str]:
    """ "高频用户, 北京；老用户" → the tags, split at commas (either width), semicolons and
    ideographic commas, each trimmed, duplicates dropped."""
    parts = [part.strip() for part in TAG_SEPARATORS.split(text or "")]
    return list(dict.fromkeys(part[:TAG_LIMIT] for part in parts if part))


def index_of(kind: str, value: str | None) -> str | None:
    """The blind index of a channel value's normal form; None when empty or invalid."""
    checked = contacts.CHECKS[kind](value)
    return blind_index(checked.normal) if checked.normal else None


def name_index(name: str | None) -> str | None:
    """The blind index of a name for an exact search: width folded, spaces dropped, so
    "王 芳" finds "王芳" (a partial name would need every name decrypted, and is not offered)."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).lower()
    return blind_index("name:" + folded) if folded else None


def protected_values(participant: Participant) -> dict[str, str]:
    """The record's personal custom fields (decrypted)."""
    try:
        found = json.loads(participant.protected or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def custom_value(participant: Participant, definition: DirectoryField) -> str:
    if definition.privacy is FieldPrivacy.NONE:
        return str((participant.custom or {}).get(definition.key, ""))
    return str(protected_values(participant).get(definition.key, ""))


def problems_of(participant: Participant) -> list[str]:
    """ "phone_invalid", "email_invalid", "wechat_invalid" for each channel whose value is
    there but cannot be read (`surveys.contacts`)."""
    found = []
    for kind, (column, _index) in CHANNELS.items():
        checked = contacts.CHECKS[kind](getattr(participant, column))
        if checked.problem:
            found.append(f"{kind}_invalid")
    return found


def apply(participant: Participant, profile: Profile, fields: list[DirectoryField]) -> list[str]:
    """Write *profile* onto *participant*; the names of the fields that changed."""
    changed: list[str] = []

    def put(name: str, value: Any) -> None:
        if getattr(participant, name) != value:
            setattr(participant, name, value)
            changed.append(name)

    if profile.name is not None:
        put("name", profile.name.strip() or None)
        participant.name_index = name_index(participant.name)
    for name, value in profile.attributes.items():
        if name in ATTRIBUTES:
            put(name, value.strip()[: ATTRIBUTE_LIMITS[name]])
    for kind, value in profile.channels.items():
        column, index = CHANNELS[kind]
        text = value.strip() or None
        if getattr(participant, column) != text:
            setattr(participant, column, text)
            setattr(participant, index, index_of(kind, text))
            changed.append(column)
    if profile.tags is not None:
        put("tags", list(profile.tags))
    if profile.notes is not None:
        put("notes", profile.notes.strip())
    if profile.custom:
        plain = dict(participant.custom or {})
        before = protected_values(participant)
        secret = dict(before)
        for definition in fields:
            if definition.key not in profile.custom:
                continue
            value = profile.custom[definition.key].strip()
            target = plain if definition.privacy is FieldPrivacy.NONE else secret
            if target.get(definition.key, "") != value:
                changed.append(f"custom.{definition.key}")
            if value:
                target[definition.key] = value
            else:
                target.pop(definition.key, None)
        if plain != (participant.custom or {}):
            participant.custom = plain
        if secret != before:  # sealed again only when a value changed
            participant.protected = json.dumps(secret, ensure_ascii=False) if secret else None
    problems = problems_of(participant)
    if problems != list(participant.problems or []):
        participant.problems = problems
    if changed:
        participant.updated_at = utcnow()
    return changed


def fields_of(access: DirectoryAccess) -> list[DirectoryField]:
    return list(
        db.session.scalars(
            db.select(DirectoryField)
            .where(DirectoryField.organisation_id == access.organisation.id)
            .order_by(DirectoryField.id)
        )
    )


def create(access: DirectoryAccess, profile: Profile, actor: User) -> Participant:
    participant = Participant(
        organisation_id=access.organisation.id, tags=[], custom={}, problems=[], consents={}
    )
    db.session.add(participant)
    apply(participant, profile, fields_of(access))
    db.session.flush()
    audit.record(
        "participant.create",
        participant,
        actor=actor,
        detail={"organisation_id": access.organisation.id},
    )
    db.session.commit()
    return participant


def update(
    access: DirectoryAccess, participant: Participant, profile: Profile, actor: User
) -> bool:
    changed = apply(participant, profile, fields_of(access))
    if changed:
        audit.record(
            "participant.update",
            participant,
            actor=actor,
            detail={"organisation_id": access.organisation.id, "fields": changed},
        )
    db.session.commit()
    return bool(changed)


def record_reveal(access: DirectoryAccess, participant: Participant, actor: User) -> None:
    """The caller asked to see the record's personal values in full: audited, then shown."""
    audit.record(
        "participant.reveal",
        participant,
        actor=actor,
        detail={"organisation_id": access.organisation.id},
    )
    db.session.commit()


def masked(participant: Participant) -> dict[str, str]:
    """The record's personal values as a list shows them."""
    return {
        "name": contacts.mask_name(participant.name),
        "phone": contacts.mask_phone(participant.phone),
        "email": contacts.mask_email(participant.email),
        "wechat": contacts.mask_wechat(participant.wechat_id),
    }


def add_field(
    access: DirectoryAccess,
    label: str,
    key: str,
    privacy: FieldPrivacy,
    retention_days: int | None,
    actor: User,
) -> DirectoryField:
    definition = DirectoryField(
        organisation_id=access.organisation.id,
        label=label.strip(),
        key=key,
        privacy=privacy,
        retention_days=retention_days,
    )
    db.session.add(definition)
    db.session.flush()
    audit.record(
        "directory.add_field",
        definition,
        actor=actor,
        detail={"key": key, "privacy": privacy.value},
    )
    db.session.commit()
    return definition


#: the purposes a person consents to separately (PIPL art. 14: consent is specific)
CONSENT_PURPOSES = ("invitation", "follow_up", "sensitive_information")


def record_consent(
    access: DirectoryAccess,
    participant: Participant,
    purpose: str,
    granted: bool,
    source: str,
    actor: User,
) -> None:
    """Record a person's consent to *purpose*, or its withdrawal: the state before is kept in
    the purpose's history, never overwritten; audited without any personal value."""
    consents = dict(participant.consents or {})
    previous = consents.get(purpose)
    history = []
    if previous:
        history = list(previous.get("history", []))
        history.append({key: previous.get(key) for key in ("granted", "at", "source")})
    consents[purpose] = {
        "granted": granted,
        "at": utcnow().isoformat(timespec="seconds"),
        "source": source.strip(),
        "history": history,
    }
    participant.consents = consents
    participant.updated_at = utcnow()
    audit.record(
        "participant.consent",
        participant,
        actor=actor,
        detail={"organisation_id": access.organisation.id, "purpose": purpose, "granted": granted},
    )
    db.session.commit()


def declined(participant_ids: list[int], purpose: str) -> set[int]:
    """Those of *participant_ids* who refused or withdrew their consent to *purpose* (no
    record of it at all is not a refusal: the study's own notice asks them)."""
    refused: set[int] = set()
    for start in range(0, len(participant_ids), 500):
        rows = db.session.execute(
            db.select(Participant.id, Participant.consents).where(
                Participant.id.in_(participant_ids[start : start + 500])
            )
        )
        refused |= {
            pid
            for pid, consents in rows
            if (consents or {}).get(purpose, {}).get("granted") is False
        }
    return refused
