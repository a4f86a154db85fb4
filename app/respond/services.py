"""The rules of answering a questionnaire: is it open, who may answer, consent, quotas.

Views parse the request and call these; answers are stored through app.responses.store only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MultiDict

import surveys
from app.extensions import db
from app.models import Questionnaire, QuestionnaireStatus, QuestionnaireVersion, Study, StudyStatus
from app.models.types import utcnow
from app.permissions import study_takes_responses
from app.respond.settings import RespondSettings, definition_without_settings, read_settings
from app.responses import store
from surveys.paradata import clean_paradata

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


@dataclass(frozen=True)
class PublicQuestionnaire:
    """What the respondent's pages need of a questionnaire, read as plain values."""

    id: int
    slug: str
    title: str
    status: QuestionnaireStatus
    study_status: StudyStatus

    @property
    def open(self) -> bool:
        """Open, in a study that takes responses (the questionnaire's own dates aside)."""
        return self.status is QuestionnaireStatus.OPEN and study_takes_responses(self.study_status)


@dataclass(frozen=True)
class PublishedVersion:
    """A published version without its definition (`load_survey` serves it parsed)."""

    id: int
    questionnaire_id: int
    number: int
    published_at: datetime


@dataclass(frozen=True)
class Survey:
    """A questionnaire with the version being answered, its typed definition and settings."""

    questionnaire: PublicQuestionnaire
    version: PublishedVersion
    typed: surveys.Questionnaire
    definition: dict[str, Any]  # without "settings": what the page's evaluator needs
    settings: RespondSettings


class NotAnswerable(Exception):
    """The questionnaire does not take answers now: code closed, not_open_yet, quota_full…"""

    def __init__(self, code: str, when: datetime | None = None):
        super().__init__(code)
        self.code = code
        self.when = when


@dataclass(frozen=True)
class Published:
    """A questionnaire found by its public slug, with its latest published version."""

    questionnaire: PublicQuestionnaire
    latest: PublishedVersion
    submitted_id: int | None = None  # the response already stored under the request's key
    partial: store.Partial | None = None  # the response behind the request's resume token


def find_published(
    slug: str,
    idempotency_key: str | None = None,
    resume_token: str | None = None,
    *,
    autocommit: bool = False,
) -> Published | None:
    """The questionnaire behind /s/<slug> and its latest version (None: no such published one).

    One round trip: the latest version is read by the unique (questionnaire, number) index,
    its definition is left to a cached parse (see `_parsed`), and with *idempotency_key* the id
    of a response already stored under that key, with *resume_token* the respondent's partial,
    come back in the same query. *autocommit*: the request reads and then writes once
    through `store.submit` (see `store.autocommit`).

    The pool does not ping a connection before handing it out (a round trip per request):
    when the server has closed it meanwhile (a restart, an idle timeout), this first query of
    the request fails, SQLAlchemy discards the connection and marks the pool's older ones
    stale, and the query is asked once more on a fresh connection. Nothing was written yet.
    """
    query = _LOOKUPS[bool(idempotency_key), bool(resume_token)]
    params = {"slug": slug, "key": idempotency_key}
    if resume_token:
        params["resume"] = store.token_hash(resume_token)
    for attempt in (1, 2):
        try:
            if autocommit:
                store.autocommit()
            row = db.session.execute(query, params).first()
            break
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
            db.session.rollback()
    if row is None:
        return None
    q_id, q_slug, title, status, study_status, v_id, number, published_at = row[:8]
    questionnaire = PublicQuestionnaire(q_id, q_slug, title, status, study_status)
    latest = PublishedVersion(v_id, q_id, number, published_at)
    _remember(slug, Published(questionnaire, latest))
    return Published(
        questionnaire,
        latest,
        submitted_id=row[8] if idempotency_key else None,
        partial=store.resumed_partial(row) if resume_token else None,
    )


# The questionnaire and latest version last found behind each slug, by database: what
# `submit_new` guesses, and its INSERT checks (see store.submit_if_current).
_LAST_FOUND: dict[tuple, Published] = {}


def _remember(slug: str, published: Published) -> None:
    if len(_LAST_FOUND) >= 512:
        _LAST_FOUND.clear()
    _LAST_FOUND[db.engine.url, slug] = published


def _lookup_query(with_key: bool, with_resume: bool):
    q, v, s = Questionnaire.__table__, QuestionnaireVersion.__table__, Study.__table__
    query = (
        db.select(
            q.c.id,
            q.c.slug,
            q.c.title,
            q.c.status,
            s.c.status,
            v.c.id,
            v.c.number,
            v.c.published_at,
        )
        .select_from(q)
        .join(s, s.c.id == q.c.study_id)
        .join(v, v.c.questionnaire_id == q.c.id)
        .where(q.c.slug == bindparam("slug"))
        .order_by(v.c.number.desc())
        .limit(1)
    )
    if with_key:
        query = query.add_columns(store.submitted_id_of(q.c.id, bindparam("key")))
    if with_resume:
        query = store.resumed_join(query, q.c.id, bindparam("resume"))
    return query


# Built once, not on every request (SQLAlchemy still derives each one's cache key per
# execution, about 16 µs for the lookup, to find its compiled form).
_LOOKUPS = {(k, r): _lookup_query(k, r) for k in (False, True) for r in (False, True)}
_VERSIONS = QuestionnaireVersion.__table__
_VERSION = db.select(
    _VERSIONS.c.id, _VERSIONS.c.questionnaire_id, _VERSIONS.c.number, _VERSIONS.c.published_at
).where(
    _VERSIONS.c.questionnaire_id == bindparam("questionnaire_id"),
    _VERSIONS.c.id == bindparam("version_id"),
)
_DEFINITION = db.select(_VERSIONS.c.definition).where(_VERSIONS.c.id == bindparam("version_id"))


def load_survey(published: Published, version_id: int | None = None) -> Survey:
    """The survey at *version_id* (a respondent's partial pins it) or the latest version."""
    questionnaire, version = published.questionnaire, published.latest
    if version_id is not None and version_id != version.id:
        pinned = db.session.execute(
            _VERSION, {"questionnaire_id": questionnaire.id, "version_id": version_id}
        ).first()
        if pinned is not None:
            version = PublishedVersion(*pinned)
    typed, definition, settings = _parsed(version)
    return Survey(
        questionnaire=questionnaire,
        version=version,
        typed=typed,
        definition=definition,
        settings=settings,
    )


_PARSED: dict[tuple, tuple] = {}
_PARSED_LOCK = threading.Lock()


def _parsed(version: PublishedVersion) -> tuple:
    """Typed definition and settings of a version, parsed once per process.

    Parsing checks the JSON Schema, which would otherwise be most of a submit. A published
    version is never updated (the model refuses), so its row identity and publication time name
    its content: keyed by database, id and `published_at` (to the microsecond), a restored or
    a different database with the same ids cannot be served a stale entry. The definition is
    loaded from the database only on a miss.
    """
    key = (
        db.engine.url,
        version.id,
        version.questionnaire_id,
        version.number,
        version.published_at,
    )
    cached = _PARSED.get(key)
    if cached is None:
        stored = db.session.scalar(_DEFINITION, {"version_id": version.id})
        definition = definition_without_settings(stored)
        typed = surveys.load_definition(definition)
        cached = (typed, definition, read_settings(stored))
        with _PARSED_LOCK:
            if len(_PARSED) >= 512:
                _PARSED.clear()
            _PARSED[key] = cached
    return cached


def check_open(survey: Survey) -> None:
    """Raise NotAnswerable when the questionnaire takes no answers at this moment."""
    now = utcnow()
    settings = survey.settings
    if not survey.questionnaire.open:
        raise NotAnswerable("closed")
    if settings.opens_at is not None and now < settings.opens_at:
        raise NotAnswerable("not_open_yet", settings.opens_at)
    if settings.closes_at is not None and now >= settings.closes_at:
        raise NotAnswerable("closed")


def check_quota_left(survey: Survey) -> None:
    quota = survey.settings.quota
    if quota.total is not None and store.quota_full(survey.questionnaire.id, quota, None):
        raise NotAnswerable("quota_full")


def validate(survey: Survey, answers: Any, locale: str, *, partial: bool = False):
    return surveys.validate_answers(survey.typed, answers, locale=locale, partial=partial)


def page_errors(survey: Survey, page_id: str, errors: Mapping[str, str]) -> dict[str, str]:
    """The errors of the questions on one page (moving on from a page checks only that page)."""
    for page in survey.typed.pages:
        if page.id == page_id:
            ids = {q.id for q in page.questions}
            return {qid: msg for qid, msg in errors.items() if qid in ids}
    return {}


def answers_from_form(survey: Survey, form: MultiDict) -> dict[str, Any]:
    """Answers from a plain HTML form post (the page without JavaScript), by question type."""
    answers: dict[str, Any] = {}
    for page in survey.typed.pages:
        for q in page.questions:
            value = _form_value(q, form)
            if value not in (None, "", [], {}):
                answers[q.id] = value
            other = form.get(q.id + "/other_text", "").strip()
            if other:
                answers[q.id + "/other_text"] = other
    return answers


def _number(text: str) -> int | float | str:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _form_value(q, form: MultiDict) -> Any:
    if q.type == "multiple_choice":
        return form.getlist(q.id)
    if q.type == "matrix":
        if q.multiple:
            return {
                r.value: form.getlist(f"{q.id}/{r.value}")
                for r in q.rows
                if form.getlist(f"{q.id}/{r.value}")
            }
        return {r.value: form[f"{q.id}/{r.value}"] for r in q.rows if form.get(f"{q.id}/{r.value}")}
    if q.type == "ranking":
        ranks = {o.value: form.get(f"{q.id}/{o.value}", "") for o in q.options}
        ranked = sorted((int(r), v) for v, r in ranks.items() if r.isdigit())
        return [v for _, v in ranked]
    if q.type == "kano":
        parts = {p: form.get(f"{q.id}/{p}", "") for p in ("functional", "dysfunctional")}
        return {p: v for p, v in parts.items() if v}
    if q.type == "consent":
        return True if form.get(q.id) else None
    text = form.get(q.id, "").strip()
    if text and q.type in ("rating", "nps", "number", "slider"):
        return _number(text)
    return text


# ---- what the views call -----------------------------------------------------------------


@dataclass
class Outcome:
    """An HTTP status and JSON body for the page's script (or an API client)."""

    status: int
    body: dict[str, Any]
    resume_token: str | None = None


@dataclass(frozen=True)
class Respondent:
    """What the browser brings besides the body: its resume token, consent and invitation."""

    resume_token: str | None = None
    consent: store.Consent | None = None
    invitation_token: str | None = None
    locale: str = "zh_CN"  # or a lazy string: read by str()
    is_test: bool = False  # a researcher in test mode (app.respond.test_mode): a test response


def refusal(code: str, survey: Survey | None = None) -> Outcome:
    from flask_babel import gettext as _

    messages = {
        "closed": (410, _("This questionnaire is not accepting answers at the moment.")),
        "not_open_yet": (403, _("This questionnaire is not open yet.")),
        "quota_full": (
            409,
            (survey and survey.settings.quota.message)
            or _("We already have enough answers. Thank you for your interest!"),
        ),
        "invitation_required": (
            403,
            _("This questionnaire can only be answered through a personal invitation link."),
        ),
        "invitation_used": (409, _("This invitation link has already been used.")),
        "already_submitted": (409, _("You have already submitted this questionnaire.")),
        "consent_required": (403, _("Please read and accept the notice before answering.")),
    }
    status, text = messages[code]
    return Outcome(status, {"error": code, "message": text})


def _consent(survey: Survey, respondent: Respondent, body: Mapping[str, Any]):
    """The consent given to the current notice (session first, then the body), or None.

    The time is always the server's: a consent stated in the body is taken as given now
    (its `given_at` is the browser's claim, which could be any date).
    """
    notice = survey.settings.consent
    if (
        respondent.consent is not None
        and respondent.consent.notice_version == notice.notice_version
    ):
        return respondent.consent
    given = body.get("consent")
    if isinstance(given, Mapping) and given.get("notice_version") == notice.notice_version:
        return store.Consent(notice.notice_version, utcnow())
    return None


def _moment(value: Any) -> datetime | None:
    from app.respond.settings import _moment as parse

    return parse(value)


def _invitation_hash(survey, respondent: Respondent, body, partial) -> str | None:
    token = body.get("invitation") if isinstance(body.get("invitation"), str) else None
    token = token or respondent.invitation_token
    if token:
        return store.token_hash(token)
    return partial.invitation_token_hash if partial is not None else None


def _gate(survey: Survey, respondent: Respondent, body, partial):
    """Common checks of saving and submitting: (refusal or None, consent, invitation hash)."""
    try:
        check_open(survey)
    except NotAnswerable as closed:
        return refusal(closed.code, survey), None, None
    consent = None
    if survey.settings.consent.required:
        consent = _consent(survey, respondent, body)
        if consent is None:
            return refusal("consent_required"), None, None
    invitation = None
    if survey.settings.invitation_only:
        invitation = _invitation_hash(survey, respondent, body, partial)
        state = store.invitation_hash_state(survey.questionnaire, invitation) if invitation else ""
        if state != "valid":
            return (
                refusal("invitation_used" if state == "used" else "invitation_required"),
                None,
                None,
            )
    return None, consent, invitation


def save_progress(
    published: Published,
    body: Any,
    respondent: Respondent,
    may_start: Callable[[], bool] = lambda: True,
) -> Outcome:
    """Keep what the respondent typed so far as a partial response; check one page if asked.

    *published* comes from `find_published(slug, resume_token=respondent.resume_token)`.
    Answers must have the shape of their questions (`surveys.partial_answers`), or nothing is
    stored (422, a message per question). *may_start* is asked before a new partial is
    started (no partial behind the resume token): False refuses it (429).
    """
    from flask_babel import gettext as _

    if not isinstance(body, Mapping):
        return Outcome(400, {"error": "bad_request", "message": _("The body must be JSON.")})
    partial = published.partial
    if partial is not None and partial.status.value == "complete":
        return refusal("already_submitted")
    survey = load_survey(published, partial.version_id if partial else _version_id(published, body))
    refused, consent, invitation = _gate(survey, respondent, body, partial)
    if refused is not None:
        return refused
    page_ids = {page.id for page in survey.typed.pages}
    page_id = body.get("page") if body.get("page") in page_ids else ""
    shaped = surveys.partial_answers(survey.typed, body.get("answers"), locale=respondent.locale)
    if not shaped.ok:
        return Outcome(422, {"errors": shaped.errors})
    typed = shaped.cleaned
    errors = {}
    if body.get("check_page") and page_id:
        check = validate(survey, typed, respondent.locale)
        errors = page_errors(survey, page_id, check.errors)
    next_page = body.get("next_page")
    if not errors and next_page in page_ids:
        page_id = next_page  # the page passed its check: resume on the one it moves to
    if partial is None and not may_start():
        text = _(
            "Too many unfinished responses from your network. Your answers are kept on this"
            " device; you can still submit them."
        )
        return Outcome(429, {"error": "too_many_partials", "message": text})
    token, _saved = store.save_partial(
        survey.version,
        respondent.resume_token,
        typed,
        page_id=page_id,
        invitation_hash=invitation,
        consent=consent,
        is_test=respondent.is_test,
    )
    return Outcome(200, {"saved": True, "errors": errors}, resume_token=token)


def _version_id(published: Published, body: Mapping[str, Any]) -> int | None:
    """The version the page was rendered from (its number is in the body), if it exists."""
    number = body.get("version")
    if number == published.latest.number:
        return published.latest.id
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    return db.session.scalar(
        db.select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == published.questionnaire.id,
            QuestionnaireVersion.number == number,
        )
    )


def submit(
    published: Published, body: Any, key: str | None, respondent: Respondent, secret: str
) -> Outcome:
    """POST /s/<slug>/submit: 201 new, 200 repeat (same id), 422 errors, 4xx refusals.

    *published* comes from `find_published(slug, key, respondent.resume_token)`, which also
    looked the key and the respondent's partial up.
    """
    from flask_babel import gettext as _

    if not key or not IDEMPOTENCY_KEY.match(key):
        text = _("An Idempotency-Key header (8–100 letters, digits, - or _) is required.")
        return Outcome(400, {"error": "idempotency_key", "message": text})
    if not isinstance(body, Mapping) or not isinstance(body.get("answers"), Mapping):
        return Outcome(
            400, {"error": "bad_request", "message": _("The body must be JSON with answers.")}
        )
    if published.submitted_id is not None:
        # A retry, even after the questionnaire closed: the same answer.
        existing = store.repeated_submit(
            published.submitted_id, published.questionnaire.id, key, secret
        )
        return _submitted(published, existing, 200)
    partial = published.partial
    survey = load_survey(published, partial.version_id if partial else _version_id(published, body))
    if isinstance(body.get("hp"), str) and body["hp"].strip():
        # The honeypot field, invisible to people, was filled: a bot. Look accepted, store nothing.
        return Outcome(201, {"response_id": None, "status": "complete"})
    refused, consent, invitation = _gate(survey, respondent, body, partial)
    if refused is not None:
        return refused
    check = validate(survey, body["answers"], respondent.locale)
    if not check.ok:
        return Outcome(422, {"errors": check.errors})
    try:
        done = store.submit(
            survey.version,
            key,
            check.cleaned,
            secret=secret,
            resume_token=respondent.resume_token if partial else None,
            partial_id=partial.id if partial else None,
            invitation_hash=invitation,
            consent=consent,
            started_at=_moment(body.get("started_at")),
            quota=survey.settings.quota,
            is_test=respondent.is_test,
            paradata=clean_paradata(body.get("paradata")),
        )
    except store.Refused as refused_by_store:
        return refusal(refused_by_store.code, survey)
    return _submitted(published, done, 201 if done.created else 200, survey)


def submit_new(slug: str, body: Any, key: str | None, respondent: Respondent, secret: str):
    """The common submit in one statement, or None: then call `find_published` and `submit`.

    A respondent answering the version this process last found behind *slug*, with no
    invitation or quota to check: the questionnaire is not looked up but remembered, and
    `store.submit_if_current` stores the response (a new one, or the respondent's partial
    completed) only if the remembered version is still the latest of the open questionnaire.
    Everything else (a repeat, a refusal, answers to correct, a questionnaire changed since)
    goes the long way, which gives the answer; this only ever answers 201.
    """
    known = _LAST_FOUND.get((db.engine.url, slug))
    if (
        known is None
        or respondent.is_test
        or not known.questionnaire.open
        or not key
        or not IDEMPOTENCY_KEY.match(key)
        or not isinstance(body, Mapping)
        or not isinstance(body.get("answers"), Mapping)
        or body.get("hp")
        or body.get("version", known.latest.number) != known.latest.number
    ):
        return None
    survey = load_survey(known)
    if survey.settings.invitation_only or survey.settings.quota.active:
        return None
    refused, consent, _ = _gate(survey, respondent, body, None)
    if refused is not None:
        return None
    check = validate(survey, body["answers"], respondent.locale)
    if not check.ok:
        return None
    store.autocommit()
    done = store.submit_if_current(
        survey.version,
        slug,
        key,
        check.cleaned,
        secret=secret,
        resume_token=respondent.resume_token,
        consent=consent,
        started_at=_moment(body.get("started_at")),
        paradata=clean_paradata(body.get("paradata")),
    )
    return _submitted(known, done, 201, survey) if done is not None else None


def _submitted(published, done: store.Submitted, status: int, survey: Survey | None = None):
    survey = survey or load_survey(published)
    return Outcome(
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
