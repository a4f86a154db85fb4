# Over 400 lines: every authorisation rule of the web layer is here on purpose (STYLE.md 6).
"""Who may do what: every authorisation rule of the web layer lives here.

Objects under a study are loaded through `load_study_access`, which joins the caller's
membership: a non-member gets 404 (the study's existence is not revealed), a member without
the capability gets 403. Views declare what they need with `@study_required("edit_study")`;
REST API views, authenticated by a personal access token, with `@api_required(...)`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, g, has_request_context, request
from flask_login import current_user, login_required
from sqlalchemy import Select

from app.database import SQL_INT_MAX
from app.extensions import db
from app.models import (
    AccessToken,
    Code,
    ConsentNotice,
    Highlight,
    Interview,
    Job,
    MemberInvitation,
    Membership,
    Organisation,
    OrganisationMember,
    OrganisationRole,
    OutreachTarget,
    Participant,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Role,
    Segment,
    Study,
    StudyStatus,
    TokenScope,
    Turn,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.models.types import utcnow
from app.problem_details import Problem

# Capabilities that still apply to an archived study; everything else waits for a restore.
READ_ONLY_CAPABILITIES = frozenset(
    {"view", "read_audit_log", "archive_study", "export_findings", "reveal_personal"}
)


def study_takes_responses(status: StudyStatus) -> bool:
    """Whether respondents may answer the questionnaires of a study in *status*: not while it
    is archived (read-only, as for its members). The one-statement submit checks the same in
    SQL (`app.responses.submission._current_questionnaire`)."""
    return status is not StudyStatus.ARCHIVED


@dataclass(frozen=True)
class StudyAccess:
    """A study as seen by one member: what they may do is asked here, not in templates."""

    study: Study
    role: Role

    def can(self, capability: str) -> bool:
        if self.study.is_archived and capability not in READ_ONLY_CAPABILITIES:
            return False
        return getattr(self.role, f"can_{capability}")()


def reveals_personal(access: StudyAccess, asked: bool) -> bool:
    """Whether answers to questions flagged personal or sensitive are shown unmasked: only
    when the member explicitly *asked* (the page's action, the export's box, the API's
    parameter) and their role may (`Role.can_reveal_personal`). The caller audits a reveal."""
    return bool(asked) and access.can("view_respondents") and access.can("reveal_personal")


def load_study_access(study_id: int, user: User) -> StudyAccess:
    """The study with the user's role in it, or 404 for anyone who is not a member."""
    row = db.session.execute(
        db.select(Study, Membership.role)
        .join(Membership, Membership.study_id == Study.id)
        .where(Study.id == study_id, Membership.user_id == user.id)
    ).first()
    if row is None:
        abort(404)
    return StudyAccess(study=row[0], role=row[1])


def _found(statement: Select[Any]) -> Any:
    """The one row *statement* selects; 404 when there is none (or it is not the caller's)."""
    row = db.session.scalar(statement)
    if row is None:
        abort(404)
    return row


def questionnaire_in(access: StudyAccess, questionnaire_id: int) -> Questionnaire:
    """A questionnaire of the study the caller may see; 404 for one of another study."""
    return _found(
        db.select(Questionnaire).where(
            Questionnaire.id == questionnaire_id, Questionnaire.study_id == access.study.id
        )
    )


def published_questionnaire_in(access: StudyAccess, questionnaire_id: int) -> Questionnaire:
    """A questionnaire of the study that has been published (results and findings rest on a
    published version); 404 otherwise."""
    questionnaire = questionnaire_in(access, questionnaire_id)
    if questionnaire.latest_version is None:
        abort(404)
    return questionnaire


def response_ids_in(questionnaire: Questionnaire, response_ids: Iterable[int]) -> list[int]:
    """Those of *response_ids* (a form's ticked answers) that are responses to *questionnaire*,
    loaded through `questionnaire_in`: another questionnaire's, another study's, are dropped."""
    wanted = sorted({i for i in response_ids if 0 < i <= SQL_INT_MAX})  # no id is past a column
    found: list[int] = []
    for start in range(0, len(wanted), 500):  # bounded IN lists
        found += db.session.scalars(
            db.select(Response.id).where(
                Response.questionnaire_id == questionnaire.id,
                Response.id.in_(wanted[start : start + 500]),
            )
        )
    return found


def consent_notice_in(access: StudyAccess, version: int) -> ConsentNotice:
    """Version *version* of the study's consent notice (any member may read it), or 404."""
    if version > SQL_INT_MAX:
        abort(404)
    return _found(
        db.select(ConsentNotice).where(
            ConsentNotice.study_id == access.study.id, ConsentNotice.version == version
        )
    )


def interview_in(access: StudyAccess, interview_id: int) -> Interview:
    """An interview of the study the caller may see; 404 for one of another study."""
    return _found(
        db.select(Interview).where(
            Interview.id == interview_id, Interview.study_id == access.study.id
        )
    )


def code_in(access: StudyAccess, code_id: int) -> Code:
    """A code of the study's codebook; 404 for one of another study."""
    return _found(db.select(Code).where(Code.id == code_id, Code.study_id == access.study.id))


def turn_in(access: StudyAccess, interview: Interview, turn_id: int) -> Turn:
    """A turn of an interview already loaded through `interview_in`; 404 otherwise."""
    if interview.study_id != access.study.id:
        abort(404)
    return _found(db.select(Turn).where(Turn.id == turn_id, Turn.interview_id == interview.id))


def highlight_in(access: StudyAccess, highlight_id: int) -> Highlight:
    """A highlight on a transcript of the study; 404 for one of another study."""
    return _found(
        db.select(Highlight)
        .join(Turn, Turn.id == Highlight.turn_id)
        .join(Interview, Interview.id == Turn.interview_id)
        .where(Highlight.id == highlight_id, Interview.study_id == access.study.id)
    )


def job_in(access: StudyAccess, job_id: int, kind: str) -> Job:
    """A job of the study of *kind* (a report one of its members asked for); 404 for another
    study's, or a job of another kind. Members of the study may follow and download each
    other's jobs: the route's permission says who may see what they hold."""
    job = db.session.scalar(
        db.select(Job).where(Job.id == job_id, Job.study_id == access.study.id, Job.kind == kind)
    )
    if job is None:
        abort(404)
    return job


def invitation_to(user: User, invitation_id: int) -> MemberInvitation:
    """A pending invitation addressed to the user's email; 404 for anyone else's."""
    return _found(
        db.select(MemberInvitation).where(
            MemberInvitation.id == invitation_id, MemberInvitation.email == user.email
        )
    )


def study_required(capability: str = "view"):
    """Decorate a view taking `study_id`: it receives `access` (a StudyAccess) instead."""
    getattr(Role.VIEWER, f"can_{capability}")  # fail at import time on a misspelt capability

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(study_id: int, **kwargs):
            access = load_study_access(study_id, current_user)
            if not access.can(capability):
                abort(403)
            return view(access=access, **kwargs)

        return wrapped

    return decorator


# ---- the participant directory: an organisation's, never a study's ---------------------------
#
# Its records are reached through the caller's membership of the organisation, as a study's
# objects are through their membership of the study: 404 for anyone outside it, 403 for a
# member whose organisation role lacks the capability (OrganisationRole.can_*).


@dataclass(frozen=True)
class DirectoryAccess:
    """An organisation's directory as seen by one of its members."""

    organisation: Organisation
    role: OrganisationRole

    def can(self, capability: str) -> bool:
        return getattr(self.role, f"can_{capability}")()


def _memberships_of(user: User) -> Select[Any]:
    """The organisations *user* belongs to, each with their role in it."""
    return (
        db.select(Organisation, OrganisationMember.role)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.user_id == user.id)
    )


def _membership(organisation_id: int, user: User) -> DirectoryAccess | None:
    row = db.session.execute(
        _memberships_of(user).where(Organisation.id == organisation_id)
    ).first()
    return None if row is None else DirectoryAccess(organisation=row[0], role=row[1])


def load_directory_access(organisation_id: int, user: User) -> DirectoryAccess:
    access = _membership(organisation_id, user)
    if access is None:
        abort(404)
    return access


def organisations_of(user: User) -> list[DirectoryAccess]:
    """Every organisation the user belongs to, with their role, by name."""
    rows = db.session.execute(
        _memberships_of(user).order_by(Organisation.name, Organisation.id)
    ).all()
    return [DirectoryAccess(organisation=row[0], role=row[1]) for row in rows]


def directory_required(capability: str = "view_directory"):
    """Decorate a view taking `organisation_id`: it receives `access` (a DirectoryAccess)."""
    getattr(OrganisationRole.MEMBER, f"can_{capability}")  # a misspelt capability fails here

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(organisation_id: int, **kwargs):
            access = load_directory_access(organisation_id, current_user)
            if not access.can(capability):
                abort(403)
            return view(access=access, **kwargs)

        return wrapped

    return decorator


def participant_in(access: DirectoryAccess, participant_id: int) -> Participant:
    """A record of the organisation's directory (merged ones too: they are its history)."""
    return _found(
        db.select(Participant).where(
            Participant.id == participant_id,
            Participant.organisation_id == access.organisation.id,
        )
    )


def organisation_member_in(access: DirectoryAccess, member_id: str) -> OrganisationMember:
    """A member of the organisation named by a form's *member_id*; 404 for another's."""
    if not member_id.isdigit() or int(member_id) > SQL_INT_MAX:
        abort(404)
    return _found(
        db.select(OrganisationMember).where(
            OrganisationMember.id == int(member_id),
            OrganisationMember.organisation_id == access.organisation.id,
        )
    )


def current_participants_in(access: DirectoryAccess, ids: Iterable[int]) -> list[Participant]:
    """Those of *ids* (a form's) that are current records of the organisation (not merged
    away); another organisation's are dropped."""
    wanted = sorted({i for i in ids if 0 < i <= SQL_INT_MAX})
    return list(
        db.session.scalars(
            db.select(Participant).where(
                Participant.id.in_(wanted),
                Participant.organisation_id == access.organisation.id,
                Participant.merged_into_id.is_(None),
            )
        )
    )


def segment_in(access: DirectoryAccess, segment_id: int) -> Segment:
    return _found(
        db.select(Segment).where(
            Segment.id == segment_id, Segment.organisation_id == access.organisation.id
        )
    )


def study_directory(access: StudyAccess, user: User) -> DirectoryAccess | None:
    """The directory a study invites from, as the user may use it: None when the study has
    no organisation or the user has no directory role in it."""
    if access.study.organisation_id is None:
        return None
    directory = _membership(access.study.organisation_id, user)
    if directory is None or not directory.can("view_directory"):
        return None
    return directory


def study_outreach(
    access: StudyAccess, user: User, capability: str = "view_directory"
) -> DirectoryAccess:
    """The directory a study's outreach pages use: 403 when the study has no organisation or
    the user has no role in it with *capability* (`OrganisationRole.can_*`)."""
    directory = study_directory(access, user)
    if directory is None or not directory.can(capability):
        abort(403)
    return directory


def outreach_target_in(access: StudyAccess, target_id: int) -> OutreachTarget:
    """A segment invited to one of the study's questionnaires."""
    return _found(
        db.select(OutreachTarget).where(
            OutreachTarget.id == target_id, OutreachTarget.study_id == access.study.id
        )
    )


def segment_filter(value: str | None) -> int | None:
    """`?participant_segment=` of a study's page as a segment id, when the signed-in user may
    filter this request's study by it (a segment of the study's organisation, and a
    directory role in it); None otherwise, and always on a page of no study (a share link)."""
    if not value or not value.isdigit() or not has_request_context():
        return None
    study_id = (request.view_args or {}).get("study_id")
    if study_id is None or not current_user.is_authenticated:
        return None
    membership = db.session.scalar(
        db.select(Membership).where(
            Membership.study_id == study_id, Membership.user_id == current_user.id
        )
    )
    if membership is None:
        return None
    access = StudyAccess(study=membership.study, role=membership.role)
    directory = study_directory(access, current_user)
    segment_id = int(value)
    if directory is None or segment_id > SQL_INT_MAX:
        return None
    found = db.session.scalar(
        db.select(Segment.id).where(
            Segment.id == segment_id, Segment.organisation_id == directory.organisation.id
        )
    )
    return found


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


# ---- the REST API: a personal access token instead of a signed-in browser -------------------
#
# A token names one study and its creator. At each use it may do what both allow: its scope
# (read: GET only; write: also submit responses) and its creator's role in that study *now*
# (a researcher made viewer since has a token that reads, whatever its scope). Anything of
# another study is 404, as for a non-member in the browser.

BEARER = re.compile(r"^Bearer +([A-Za-z0-9_-]{1,100})$")


def presented_token() -> AccessToken | None:
    """The token the request's `Authorization: Bearer …` header names (looked up once per
    request), revoked and expired ones included; None for none or an unknown one."""
    if "api_token" not in g:
        from app.tokens.services import find_token  # its blueprint imports this module

        found = BEARER.match(request.headers.get("Authorization", ""))
        g.api_token = find_token(found.group(1)) if found else None
    return g.api_token


def token_access(*, write: bool = False) -> StudyAccess:
    """The study of the request's token with its creator's current role; a `Problem`
    (401 unauthorized / token_expired / token_revoked, 403 forbidden_scope) otherwise."""
    from app.tokens.services import mark_used

    token = presented_token()
    if token is None:
        raise Problem("unauthorized")
    if token.revoked_at is not None:
        raise Problem("token_revoked")
    if token.is_expired(utcnow()):
        raise Problem("token_expired")
    row = db.session.execute(
        db.select(Study, Membership.role)
        .join(Membership, Membership.study_id == Study.id)
        .join(User, User.id == Membership.user_id)
        .where(Study.id == token.study_id, User.id == token.user_id, User.active.is_(True))
    ).first()
    if row is None:  # the creator left the study, or their account was deactivated
        raise Problem("unauthorized")
    if write and token.scope is not TokenScope.WRITE:
        raise Problem("forbidden_scope")
    mark_used(token)
    return StudyAccess(study=row[0], role=row[1])


def api_required(capability: str = "view", *, write: bool = False):
    """Decorate an API view: it receives `access` (the token's StudyAccess) as a keyword;
    403 forbidden_role when the creator's role lacks *capability*."""
    getattr(Role.VIEWER, f"can_{capability}")  # fail at import time on a misspelt capability

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            access = token_access(write=write)
            if not access.can(capability):
                raise Problem("forbidden_role")
            return view(*args, access=access, **kwargs)

        return wrapped

    return decorator


def token_scope() -> TokenScope:
    """The scope of the token `api_required` let through."""
    token = presented_token()
    if token is None:
        raise Problem("unauthorized")
    return token.scope


def study_of_token(access: StudyAccess, study_id: int) -> Study:
    """The token's study when *study_id* names it; 404 for any other."""
    if study_id != access.study.id:
        abort(404)
    return access.study


def version_in(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion:
    """A published version of a questionnaire already loaded through `questionnaire_in`."""
    return _found(
        db.select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.number == number,
        )
    )


def webhook_endpoint_in(access: StudyAccess, endpoint_id: int) -> WebhookEndpoint:
    """A webhook endpoint of the study; 404 for one of another study."""
    return _found(
        db.select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.study_id == access.study.id
        )
    )


def webhook_delivery_in(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """A delivery to an endpoint loaded through `webhook_endpoint_in`; 404 otherwise."""
    return _found(
        db.select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id
        )
    )
