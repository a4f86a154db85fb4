"""Studies and their members; every change is audited in the same transaction."""

from typing import Any

from app import audit
from app.accounts.services import normalise_email
from app.extensions import db
from app.models import (
    MemberInvitation,
    Membership,
    Organisation,
    Role,
    Study,
    StudyStatus,
    User,
)
from app.permissions import organisations_of

STUDY_FIELDS = (
    "title", "goal", "audience", "sample_plan", "methods", "starts_on", "ends_on",
    "retention_days", "retention_action", "organisation_id",
)  # fmt: skip


class StudyError(ValueError):
    """A rule about studies was broken; `code` says which, `field` where."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.field = field


def studies_of(user: User, *, include_archived: bool = False) -> list[tuple[Study, Role]]:
    query = (
        db.select(Study, Membership.role)
        .join(Membership, Membership.study_id == Study.id)
        .where(Membership.user_id == user.id)
        .order_by(Study.updated_at.desc(), Study.id.desc())
    )
    if not include_archived:
        query = query.where(Study.status == StudyStatus.ACTIVE)
    return [(study, role) for study, role in db.session.execute(query)]


def create_study(owner: User, fields: dict[str, Any]) -> Study:
    study = Study(created_by_id=owner.id, **_study_values(fields))
    study.memberships.append(Membership(user_id=owner.id, role=Role.OWNER))
    db.session.add(study)
    db.session.flush()
    audit.record(
        "study.create", study, study_id=study.id, after=audit.snapshot(study, STUDY_FIELDS)
    )
    db.session.commit()
    return study


def update_study(study: Study, fields: dict[str, Any]) -> bool:
    """Apply the form's values; returns False (and writes nothing) when nothing changed."""
    before = audit.snapshot(study, STUDY_FIELDS)
    for name, value in _study_values(fields).items():
        setattr(study, name, value)
    if not audit.record_changes("study.update", study, before, STUDY_FIELDS, study_id=study.id):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def set_archived(study: Study, archived: bool) -> None:
    new_status = StudyStatus.ARCHIVED if archived else StudyStatus.ACTIVE
    if study.status is new_status:
        return
    before = {"status": study.status.value}
    study.status = new_status
    audit.record(
        "study.archive" if archived else "study.restore",
        study,
        study_id=study.id,
        before=before,
        after={"status": new_status.value},
    )
    db.session.commit()


def invite_member(study: Study, email: str, role: Role, inviter: User) -> MemberInvitation:
    """Offer *role* to *email*: pending until that person accepts, for any address, so the
    answer is the same whether or not an account uses it. Inviting again changes the role."""
    email = normalise_email(email)
    if any(m.user.email == email for m in study.memberships):
        raise StudyError("already_member", field="email")  # the member list shows them anyway
    invitation = next((i for i in study.invitations if i.email == email), None)
    if invitation is None:
        invitation = MemberInvitation(email=email, role=role, invited_by_id=inviter.id)
        study.invitations.append(invitation)
    invitation.role = role
    db.session.flush()
    audit.record(
        "membership.invite",
        invitation,
        study_id=study.id,
        after={"user": email, "role": role.value},
    )
    db.session.commit()
    return invitation


def invitations_for(user: User) -> list[MemberInvitation]:
    """Pending invitations to the user's email, oldest first."""
    return list(
        db.session.scalars(
            db.select(MemberInvitation)
            .where(MemberInvitation.email == user.email)
            .order_by(MemberInvitation.id)
        )
    )


def answer_invitation(invitation: MemberInvitation, user: User, *, accept: bool) -> Study:
    """The invitee joins the study with the offered role, or declines; the offer is spent."""
    study = invitation.study
    if accept and not any(m.user_id == user.id for m in study.memberships):
        membership = Membership(user_id=user.id, role=invitation.role)
        study.memberships.append(membership)
        db.session.flush()
        audit.record(
            "membership.add",
            membership,
            study_id=study.id,
            after={"user": user.email, "role": invitation.role.value},
        )
    if not accept:
        audit.record(
            "membership.decline", invitation, study_id=study.id, detail={"user": user.email}
        )
    db.session.delete(invitation)
    db.session.commit()
    return study


def cancel_invitation(study: Study, invitation: MemberInvitation) -> None:
    audit.record(
        "membership.cancel_invite",
        invitation,
        study_id=study.id,
        before={"user": invitation.email, "role": invitation.role.value},
    )
    db.session.delete(invitation)
    db.session.commit()


def invitation_in(study: Study, invitation_id: int) -> MemberInvitation | None:
    return next((i for i in study.invitations if i.id == invitation_id), None)


def change_role(study: Study, membership: Membership, role: Role) -> None:
    if membership.role is role:
        return
    if membership.role is Role.OWNER and _owner_count(study) == 1:
        raise StudyError("last_owner", field="role")
    before = {"user": membership.user.email, "role": membership.role.value}
    membership.role = role
    audit.record(
        "membership.change_role",
        membership,
        study_id=study.id,
        before=before,
        after={"user": membership.user.email, "role": role.value},
    )
    db.session.commit()


def remove_member(study: Study, membership: Membership) -> None:
    if membership.role is Role.OWNER and _owner_count(study) == 1:
        raise StudyError("last_owner")
    audit.record(
        "membership.remove",
        membership,
        study_id=study.id,
        before={"user": membership.user.email, "role": membership.role.value},
    )
    study.memberships.remove(membership)
    db.session.commit()


def membership_in(study: Study, membership_id: int) -> Membership | None:
    return next((m for m in study.memberships if m.id == membership_id), None)


def _owner_count(study: Study) -> int:
    return sum(1 for m in study.memberships if m.role is Role.OWNER)


def directories_for(user: User, study: Study | None) -> list[tuple[int, str]]:
    """The organisations whose directory *user* may attach a study to (those where they have
    a directory role), and the study's own whatever the user's role in it, by name."""
    usable = [
        (access.organisation.id, access.organisation.name)
        for access in organisations_of(user)
        if access.can("view_directory")
    ]
    current_id = study.organisation_id if study is not None else None
    if current_id is not None and current_id not in {key for key, _ in usable}:
        current = db.session.get(Organisation, current_id)
        usable.append((current_id, current.name if current else ""))
    return usable


def _study_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: fields.get(name) for name in STUDY_FIELDS}
    values["title"] = (values["title"] or "").strip()
    for name in ("goal", "audience", "sample_plan"):
        values[name] = (values[name] or "").strip()
    values["methods"] = list(values["methods"] or [])
    values["retention_action"] = values["retention_action"] or "anonymise"
    return values
