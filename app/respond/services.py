"""Answering a questionnaire, one flow per request: resolve → check → store.

Resolve: the questionnaire behind the slug (`app.respond.published`). Check: may this
respondent answer now (`app.respond.rules.may_answer`), and are the answers valid
(`app.respond.answers`). Store: through `app.responses` only, which owns its transactions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

import surveys
from app.respond.answers import answers_from_form, page_errors, validate
from app.respond.consent import for_respondent, sensitive_errors, sensitive_ids
from app.respond.published import (
    Published,
    Survey,
    answered_version_id,
    find_published,
    load_survey,
    remembered,
)
from app.respond.rules import (
    Refusal,
    Respondent,
    kept_with_answers,
    may_answer,
    refusal,
)
from app.respond.settings import _moment
from app.responses import drafts, submission
from app.responses.records import Refused, Submitted
from surveys.paradata import address_hash, clean_paradata, with_address

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


@dataclass
class Outcome:
    """An HTTP status and JSON body for the page's script (or an API client)."""

    status: int
    body: dict[str, Any]
    resume_token: str | None = None


@dataclass
class Submission:
    """A submit's outcome, with what the page without JavaScript shows again on a refusal."""

    outcome: Outcome
    survey: Survey | None = None  # None: not looked up (a malformed request)
    published: Published | None = None
    answers: dict[str, Any] | None = None
    refusal: Refusal | None = None  # why the respondent may not answer, if that is the outcome


class NewRespondents(Protocol):
    """Who may start a response (`app.respond.ratelimit.NewRespondents`): asked before a
    response that continues none is stored, told once it was."""

    def allowed(self, questionnaire_id: int) -> bool: ...

    def started(self, questionnaire_id: int) -> None: ...


class Unlimited:
    """Anyone may start a response (callers without a limit)."""

    def allowed(self, questionnaire_id: int) -> bool:
        return True

    def started(self, questionnaire_id: int) -> None:
        return None


UNLIMITED = Unlimited()


def save_progress(
    published: Published,
    body: Any,
    respondent: Respondent,
    new_respondents: NewRespondents = UNLIMITED,
) -> Outcome:
    """Keep what the respondent typed so far as a partial response; check one page if asked.

    *published* comes from `find_published(slug, resume_token=respondent.resume_token)`.
    Answers must have the shape of their questions (`surveys.partial_answers`), or nothing is
    stored (422, a message per question). *new_respondents* is asked before a new partial
    is started (no partial behind the resume token): a refusal is a 429.
    """
    if not isinstance(body, Mapping):
        return Outcome(400, {"error": "bad_request", "message": _("The body must be JSON.")})
    partial = published.partial
    version_id = partial.version_id if partial else answered_version_id(published, body)
    survey = load_survey(published, version_id)
    refused = may_answer(survey, respondent, partial, body)
    if refused is not None:
        return Outcome(refused.status, refused.body)
    consent, invitation = kept_with_answers(survey, respondent, body, partial)
    if without_consent := sensitive_errors(survey, consent, body.get("answers")):
        return Outcome(422, {"errors": without_consent})
    survey = for_respondent(survey, consent)
    page_ids = {page.id for page in survey.typed.pages}
    page_id: str = body["page"] if body.get("page") in page_ids else ""
    shaped = surveys.partial_answers(survey.typed, body.get("answers"), locale=respondent.locale)
    if not shaped.ok:
        return Outcome(422, {"errors": shaped.errors})
    typed = shaped.cleaned
    errors = {}
    if body.get("check_page") and page_id:
        check = validate(survey, typed, respondent.locale)
        errors = page_errors(survey.typed, page_id, check.errors)
    next_page = body.get("next_page")
    if not errors and next_page in page_ids:
        page_id = next_page  # the page passed its check: resume on the one it moves to
    if partial is None and not new_respondents.allowed(survey.questionnaire.id):
        refused = refusal("too_many_respondents")
        return Outcome(refused.status, refused.body)
    token, _saved = drafts.save_partial(
        survey.version,
        respondent.resume_token,
        typed,
        page_id=page_id,
        invitation_hash=invitation,
        consent=consent,
        is_test=respondent.is_test,
    )
    if partial is None:
        new_respondents.started(survey.questionnaire.id)
    return Outcome(200, {"saved": True, "errors": errors}, resume_token=token)


def submit(
    slug: str,
    body: Any,
    key: str | None,
    respondent: Respondent,
    secret: str,
    form: MultiDict | None = None,
    address: str | None = None,
    new_respondents: NewRespondents = UNLIMITED,
) -> Submission | None:
    """POST /s/<slug>/submit (or, with *form*, the page's own post): 201 new, 200 repeat (same
    id), 422 errors, 4xx refusals; None when *slug* names no published questionnaire.

    A JSON submit first tries the questionnaire this process remembers behind *slug*, with no
    look-up: when the respondent may answer it and the answers are valid, one guarded
    statement stores them (`submission.submit`, *if_current_under*) and only ever answers
    201. Everything else (a repeat, a refusal, answers to correct, a questionnaire changed
    since, a form post, whose answers are read by the questionnaire's questions) looks the
    questionnaire, the key and the respondent's partial up and answers. *address* is the
    respondent's network address: only its keyed hash is kept, in the paradata.
    *new_respondents* is asked before a response that completes no partial is stored (a
    refusal is a 429, `too_many_respondents`) and told when one was.
    """
    if (
        form is None
        and isinstance(checked := _checked_key(body, key), str)
        and (known := remembered(slug))
    ):
        fast = _submit_unchecked(
            known, slug, body, checked, respondent, secret, address, new_respondents
        )
        if fast is not None:
            return fast
    published = find_published(slug, key, respondent.resume_token)
    if published is None:
        return None
    partial = published.partial
    survey = None
    if form is not None:
        survey = load_survey(published, partial.version_id if partial else None)
        body = {
            "answers": answers_from_form(survey, form),
            "hp": form.get("wf_website", ""),
            "version": survey.version.number,
        }
    checked = _checked_key(body, key)
    if isinstance(checked, Outcome):
        return Submission(checked, survey, published, body.get("answers") if survey else None)
    key = checked
    if published.submitted_id is not None:
        # A retry, even after the questionnaire closed: the same answer.
        repeat = submission.repeated_submit(
            published.submitted_id, published.questionnaire.id, key, secret
        )
        return _submitted(published, repeat, 200, None, body)
    version_id = partial.version_id if partial else answered_version_id(published, body)
    survey = load_survey(published, version_id)
    if isinstance(body.get("hp"), str) and body["hp"].strip():
        # The honeypot field, invisible to people, was filled: a bot. Look accepted, store nothing.
        outcome = Outcome(201, {"response_id": None, "status": "complete"})
        return Submission(outcome, survey, published)
    refused = may_answer(survey, respondent, partial, body)
    if refused is not None:
        return _refused(refused, survey, published, body)
    consent, invitation = kept_with_answers(survey, respondent, body, partial)
    if without_consent := sensitive_errors(survey, consent, body["answers"]):
        return Submission(
            Outcome(422, {"errors": without_consent}), survey, published, body["answers"]
        )
    survey = for_respondent(survey, consent)
    check = validate(survey, body["answers"], respondent.locale)
    if not check.ok:
        outcome = Outcome(422, {"errors": check.errors})
        return Submission(outcome, survey, published, body["answers"])
    if partial is None and not new_respondents.allowed(survey.questionnaire.id):
        return _refused(refusal("too_many_respondents"), survey, published, body)
    try:
        done = submission.submit(
            survey.version,
            key,
            check.cleaned,
            secret=secret,
            resume_token=respondent.resume_token if partial else None,
            partial_id=partial.id if partial else None,
            invitation_hash=invitation,
            anonymous=survey.settings.anonymous,
            consent=consent,
            started_at=_moment(body.get("started_at")),
            quota=survey.settings.quota,
            is_test=respondent.is_test,
            paradata=_paradata(body, address, secret),
            webhooks=survey.questionnaire.webhooks,
        )
    except Refused as refused_by_store:
        return _refused(refusal(refused_by_store.code, survey), survey, published, body)
    if partial is None and done.created:
        new_respondents.started(survey.questionnaire.id)
    return _submitted(published, done, 201 if done.created else 200, survey, body)


def _refused(refused: Refusal, survey: Survey, published: Published, body) -> Submission:
    outcome = Outcome(refused.status, refused.body)
    return Submission(outcome, survey, published, body["answers"], refused)


def _checked_key(body: Any, key: str | None) -> Outcome | str:
    """The submit's usable Idempotency-Key, or the 400 for a submit without one or without
    answers."""
    if not key or not IDEMPOTENCY_KEY.match(key):
        text = _("An Idempotency-Key header (8–100 letters, digits, - or _) is required.")
        return Outcome(400, {"error": "idempotency_key", "message": text})
    if not isinstance(body, Mapping) or not isinstance(body.get("answers"), Mapping):
        return Outcome(
            400, {"error": "bad_request", "message": _("The body must be JSON with answers.")}
        )
    return key


def _submit_unchecked(
    known: Published,
    slug: str,
    body: Mapping[str, Any],
    key: str,
    respondent,
    secret,
    address,
    new_respondents: NewRespondents,
) -> Submission | None:
    """The submit against the remembered questionnaire, or None: then look it up.

    Only for a respondent with no invitation, quota or test mode to account for, answering
    the version remembered; the store's statement checks the rest as it writes. Without a
    resume token it stores a new response: *new_respondents* is asked first, and told if
    the write stored one (not a repeat of a stored key).
    """
    if (
        respondent.is_test
        or not known.questionnaire.open
        or body.get("hp")
        or body.get("version", known.latest.number) != known.latest.number
    ):
        return None
    survey = load_survey(known)
    if survey.settings.invitation_only or survey.settings.quota.active or sensitive_ids(survey):
        return None
    if may_answer(survey, respondent, None, body) is not None:
        return None
    check = validate(survey, body["answers"], respondent.locale)
    if not check.ok:
        return None
    new = not respondent.resume_token
    if new and not new_respondents.allowed(known.questionnaire.id):
        return _refused(refusal("too_many_respondents"), survey, known, body)
    done = submission.submit(
        survey.version,
        key,
        check.cleaned,
        secret=secret,
        resume_token=respondent.resume_token,
        consent=kept_with_answers(survey, respondent, body, None)[0],
        started_at=_moment(body.get("started_at")),
        if_current_under=slug,
        paradata=_paradata(body, address, secret),
        webhooks=survey.questionnaire.webhooks,
    )
    if done is None:
        return None
    if new:
        new_respondents.started(known.questionnaire.id)
    return _submitted(known, done, 201, survey, body)


def _paradata(body: Mapping[str, Any], address: str | None, secret: str) -> dict | None:
    """The browser's paradata, cleaned, with the server's hash of the address added."""
    return with_address(clean_paradata(body.get("paradata")), address_hash(address, secret))


def _submitted(
    published: Published, done: Submitted, status: int, survey: Survey | None, body
) -> Submission:
    survey = survey or load_survey(published)
    outcome = Outcome(
        status,
        {
            "response_id": done.response_id,
            "receipt": done.receipt,
            "status": "complete",
            "end": {
                "thank_you": survey.settings.thank_you,
                "redirect_url": survey.settings.redirect_url,
            },
        },
    )
    return Submission(outcome, survey, published, dict(body.get("answers") or {}))
