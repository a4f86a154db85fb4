"""May this respondent answer now? One answer (`may_answer`) for the form page, progress saves
and both submits, and the one table of refusals: code, HTTP status, message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.models import ResponseStatus
from app.models.types import utcnow
from app.respond.consent import asks_consent, from_body, minor_without_guardian, notice_agreed
from app.respond.published import Survey
from app.responses.counts import quota_full
from app.responses.invitations import invitation_hash_state
from app.responses.records import Consent, Partial, token_hash


@dataclass(frozen=True)
class Respondent:
    """What the browser brings besides the body: its resume token, consent and invitation."""

    resume_token: str | None = None
    consent: Consent | None = None
    invitation_token: str | None = None
    locale: str = "zh_CN"  # or a lazy string: read by str()
    is_test: bool = False  # a researcher in test mode (app.respond.test_mode): a test response
    finished: bool = False  # this browser submitted before (its cookie): one_per_browser


# code → (status of the JSON reply, status of the respondent's page, message). A finished
# respondent who opens the form again is thanked (200), not refused.
_REFUSALS = {
    "closed": (410, 410, _l("This questionnaire is not accepting answers at the moment.")),
    "not_open_yet": (403, 403, _l("This questionnaire is not open yet.")),
    "quota_full": (409, 409, _l("We already have enough answers. Thank you for your interest!")),
    "invitation_required": (
        403,
        403,
        _l("This questionnaire can only be answered through a personal invitation link."),
    ),
    "invitation_used": (409, 403, _l("This invitation link has already been used.")),
    "already_submitted": (
        409,
        200,
        _l("You have already submitted this questionnaire. Thank you!"),
    ),
    "consent_required": (403, 403, _l("Please read and accept the notice before answering.")),
    "guardian_consent_required": (
        403,
        403,
        _l("A respondent under 14 can answer only with a parent's or guardian's consent."),
    ),
    # `RESPOND_NEW_RESPONDENT_LIMIT`: the page keeps the answers and sends them again.
    "too_many_respondents": (
        429,
        429,
        _l(
            "Many people on your network are answering at the moment. Your answers are kept"
            " on this device and will be sent again shortly."
        ),
    ),
}


@dataclass(frozen=True)
class Refusal:
    """Why the respondent may not answer now, as the reply and the page show it."""

    code: str
    status: int
    page_status: int
    message: str
    when: datetime | None = None  # not_open_yet: when it opens

    @property
    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


def refusal(code: str, survey: Survey | None = None, when: datetime | None = None) -> Refusal:
    """The refusal *code*, with the researcher's own message for a full quota."""
    status, page_status, message = _REFUSALS[code]
    if code == "quota_full" and survey is not None and survey.settings.quota.message:
        message = survey.settings.quota.message
    return Refusal(code, status, page_status, str(message), when)


def may_answer(
    survey: Survey,
    respondent: Respondent,
    partial: Partial | None = None,
    body: Mapping[str, Any] | None = None,
    *,
    opening: bool = False,
) -> Refusal | None:
    """None when *respondent* may answer *survey* now, else the refusal.

    *partial* is the response behind their resume token, *body* what a save or submit sent
    (its consent and invitation token). *opening*: the form page, which also refuses a full
    quota and a browser that already answered (one per browser), and asks for a consent
    missing with its own page rather than refusing. A quota by answer is checked by the
    submit itself, under its lock.
    """
    body = body or {}
    settings = survey.settings
    if partial is not None and partial.status is ResponseStatus.COMPLETE:
        return refusal("already_submitted")
    now = utcnow()
    if not survey.questionnaire.open:
        return refusal("closed")
    if settings.opens_at is not None and now < settings.opens_at:
        return refusal("not_open_yet", when=settings.opens_at)
    if settings.closes_at is not None and now >= settings.closes_at:
        return refusal("closed")
    if opening:
        quota = settings.quota
        if quota.total is not None and quota_full(survey.questionnaire.id, quota, None):
            return refusal("quota_full", survey)
        if settings.one_per_browser and respondent.finished:
            return refusal("already_submitted")
    elif asks_consent(survey):
        given = consent_given(survey, respondent, body)
        if not notice_agreed(survey, given):
            return refusal("consent_required")
        if minor_without_guardian(survey, given):
            return refusal("guardian_consent_required")
    if settings.invitation_only:
        hashed = invitation_hash(respondent, body, partial)
        state = invitation_hash_state(survey.questionnaire.id, hashed) if hashed else "unknown"
        if state != "valid":
            return refusal("invitation_used" if state == "used" else "invitation_required")
    return None


def kept_with_answers(
    survey: Survey, respondent: Respondent, body: Mapping[str, Any], partial: Partial | None
) -> tuple[Consent | None, str | None]:
    """The consent and the invitation hash stored with the answers, each only where the
    questionnaire asks for it (`may_answer` has checked both)."""
    settings = survey.settings
    consent = consent_given(survey, respondent, body) if asks_consent(survey) else None
    invitation = invitation_hash(respondent, body, partial) if settings.invitation_only else None
    return consent, invitation


def consent_given(
    survey: Survey, respondent: Respondent, body: Mapping[str, Any]
) -> Consent | None:
    """What the respondent agreed to before the first question (`app.respond.consent`): the
    session's when it agrees to the current notice, else what the body states, or None.

    The time is always the server's: a consent stated in the body is taken as given now
    (its `given_at` is the browser's claim, which could be any date).
    """
    if respondent.consent is not None and notice_agreed(survey, respondent.consent):
        return respondent.consent
    return from_body(survey, body.get("consent"))


def invitation_hash(
    respondent: Respondent, body: Mapping[str, Any], partial: Partial | None
) -> str | None:
    """The hash of the invitation the respondent answers by: the body's token, the session's,
    or the one their partial was started with."""
    token = body.get("invitation") if isinstance(body.get("invitation"), str) else None
    token = token or respondent.invitation_token
    if token:
        return token_hash(token)
    return partial.invitation_token_hash if partial is not None else None
