"""An organisation's members and their roles (its administrators manage them). An
organisation always keeps one administrator: the last one can be neither demoted nor removed."""

from __future__ import annotations

from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import OrganisationMember, OrganisationRole, User
from app.permissions import DirectoryAccess


def members_of(access: DirectoryAccess) -> list[OrganisationMember]:
    return list(
        db.session.scalars(
            select(OrganisationMember)
            .where(OrganisationMember.organisation_id == access.organisation.id)
            .order_by(OrganisationMember.id)
        )
    )


def add(access: DirectoryAccess, email: str, role: OrganisationRole, actor: User) -> str | None:
    """Add the account with *email*; a refusal code ("no_account", "already_member") or None."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        return "no_account"
    exists = db.session.scalar(
        select(OrganisationMember.id).where(
            OrganisationMember.organisation_id == access.organisation.id,
            OrganisationMember.user_id == user.id,
        )
    )
    if exists is not None:
        return "already_member"
    db.session.add(
        OrganisationMember(organisation_id=access.organisation.id, user_id=user.id, role=role)
    )
    audit.record(
        "organisation.add_member",
        access.organisation,
        actor=actor,
        detail={"user_id": user.id, "role": role.value},
    )
    db.session.commit()
    return None


def _admins(access: DirectoryAccess) -> int:
    return (
        db.session.scalar(
            select(func.count(OrganisationMember.id)).where(
                OrganisationMember.organisation_id == access.organisation.id,
                OrganisationMember.role == OrganisationRole.ADMIN,
            )
        )
        or 0
    )


def change_role(
    access: DirectoryAccess, member: OrganisationMember, role: OrganisationRole | None, actor: User
) -> str | None:
    """Give *member* *role*, or remove them when None; "last_admin" refuses it."""
    demoted = member.role is OrganisationRole.ADMIN and role is not OrganisationRole.ADMIN
    if demoted and _admins(access) <= 1:
        return "last_admin"
    detail = {"user_id": member.user_id, "before": member.role.value}
    if role is None:
        db.session.delete(member)
        audit.record("organisation.remove_member", access.organisation, actor=actor, detail=detail)
    else:
        member.role = role
        audit.record(
            "organisation.change_role",
            access.organisation,
            actor=actor,
            detail={**detail, "after": role.value},
        )
    db.session.commit()
    return None
