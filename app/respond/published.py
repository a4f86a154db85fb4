"""The questionnaire a respondent answers: found by its public slug, parsed once per process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam

import surveys
from app.database import SQL_INT_MAX
from app.extensions import db
from app.models import QuestionnaireStatus, QuestionnaireVersion, StudyStatus
from app.permissions import study_takes_responses
from app.respond.settings import RespondSettings, definition_without_settings, read_settings
from app.responses import protection
from app.responses.lookup import find_for_respondent
from app.responses.records import Partial


@dataclass(frozen=True)
class PublicQuestionnaire:
    """What the respondent's pages need of a questionnaire, read as plain values."""

    id: int
    slug: str
    title: str
    status: QuestionnaireStatus
    study_status: StudyStatus
    webhooks: bool  # its study has an active webhook endpoint: a submit writes an event

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


@dataclass(frozen=True)
class Published:
    """A questionnaire found by its public slug, with its latest published version."""

    questionnaire: PublicQuestionnaire
    latest: PublishedVersion
    submitted_id: int | None = None  # the response already stored under the request's key
    partial: Partial | None = None  # the response behind the request's resume token


def find_published(
    slug: str, idempotency_key: str | None = None, resume_token: str | None = None
) -> Published | None:
    """The questionnaire behind /s/<slug> and its latest version (None: no such published one),
    read in one round trip (`app.responses.lookup`): with *idempotency_key* the id of a
    response already stored under it, with *resume_token* the respondent's partial. The
    version's definition is left to a cached parse (see `_parsed`)."""
    found = find_for_respondent(slug, idempotency_key, resume_token)
    if found is None:
        return None
    questionnaire = PublicQuestionnaire(*found[:6])
    latest = PublishedVersion(
        found.version_id, found.questionnaire_id, found.version_number, found.published_at
    )
    _remember(slug, Published(questionnaire, latest))
    return Published(questionnaire, latest, found.submitted_id, found.partial)


# The questionnaire and latest version last found behind each slug, by database: what a
# submit may guess without looking it up, and its one statement checks (`app.responses.
# submission.submit`, *if_current_under*).
_LAST_FOUND: dict[tuple, Published] = {}


def _remember(slug: str, published: Published) -> None:
    if len(_LAST_FOUND) >= 512:
        _LAST_FOUND.clear()
    _LAST_FOUND[db.engine.url, slug] = published


def remembered(slug: str) -> Published | None:
    """What this process last found behind *slug* (in this database), without a look-up."""
    return _LAST_FOUND.get((db.engine.url, slug))


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
        protection.remember_ids(version, stored)  # the submit's store needs them too
        definition = definition_without_settings(stored)
        typed = surveys.load_definition(definition)
        cached = (typed, definition, read_settings(stored))
        with _PARSED_LOCK:
            if len(_PARSED) >= 512:
                _PARSED.clear()
            _PARSED[key] = cached
    return cached


def answered_version_id(published: Published, body: Mapping[str, Any]) -> int | None:
    """The version the page was rendered from (its number is in the body), if it exists."""
    number = body.get("version")
    if number == published.latest.number:
        return published.latest.id
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= SQL_INT_MAX:
        return None  # no version has it (and PostgreSQL refuses to compare one past a column)
    return db.session.scalar(
        db.select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == published.questionnaire.id,
            QuestionnaireVersion.number == number,
        )
    )
