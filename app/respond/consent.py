"""Before the first question (PIPL art. 17, 29, 31): the notice, the age question, a
guardian's consent and the separate consent to sensitive questions.

Which steps a questionnaire asks (`next_step`), what the respondent answered to each (a
`Consent`, kept in their session and then with the response), and what the server enforces
whatever the page did: no sensitive answer without its own consent (`sensitive_errors`), no
response from a child under 14 without a guardian (`rules.may_answer`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.extensions import db
from app.models import ConsentNotice, Questionnaire
from app.models.types import utcnow
from app.respond.published import Survey
from app.respond.settings import _moment
from app.responses.records import Consent, Guardian
from surveys.answer_rules import is_empty

NOTICE, AGE, GUARDIAN, SENSITIVE = "notice", "age", "guardian", "sensitive"
SENSITIVE_PRIVACY = "sensitive"
GUARDIAN_RELATIONSHIPS = ("parent", "guardian")
OTHER_TEXT_SUFFIX = "/other_text"


@dataclass(frozen=True)
class Notice:
    """The notice a respondent reads: the study's current version, or the questionnaire's own
    text (its version is the one frozen with the questionnaire version)."""

    version: str
    id: int | None
    purpose: str = ""
    data_collected: str = ""
    retention: str = ""
    who_sees: str = ""
    sensitive_use: str = ""


def _study_notice(questionnaire_id: int) -> ConsentNotice | None:
    study = db.select(Questionnaire.study_id).where(Questionnaire.id == questionnaire_id)
    return db.session.scalar(
        db.select(ConsentNotice)
        .where(ConsentNotice.study_id == study.scalar_subquery())
        .order_by(ConsentNotice.version.desc())
        .limit(1)
    )


def current_notice(survey: Survey) -> Notice:
    """The notice *survey* shows now: its study's latest version when it asks for the study's
    notice and the study has written one, else its own text."""
    own = survey.settings.consent
    row = _study_notice(survey.questionnaire.id) if own.study_notice else None
    if row is not None:
        return Notice(
            str(row.version),
            row.id,
            row.purpose,
            row.data_collected,
            "",  # the study's retention period is shown in words beside every notice
            row.who_sees,
            row.sensitive_use,
        )
    return Notice(
        own.notice_version, None, own.purpose, own.data_collected, own.retention, own.who_sees
    )


def sensitive_ids(survey: Survey) -> frozenset[str]:
    """The questions marked `"privacy": "sensitive"` (PIPL art. 28)."""
    return frozenset(q.id for q in survey.typed.questions() if _privacy(q) == SENSITIVE_PRIVACY)


def _privacy(question: Any) -> Any:
    # Read from the typed question's own field once `surveys` has one, else from its extras.
    return getattr(question, "privacy", None) or question.extra.get("privacy")


def asks_consent(survey: Survey) -> bool:
    """Whether anything is asked before the first question (and kept with the answers)."""
    consent = survey.settings.consent
    return consent.required or consent.minors or bool(sensitive_ids(survey))


def notice_agreed(survey: Survey, given: Consent | None, notice: Notice | None = None) -> bool:
    """Whether *given* agrees to the notice *survey* asks (True when it asks none).

    A study notice agreed in this session (its row id is in it, written by the server) is
    taken without a look-up, even if a newer version appeared since the form was opened;
    otherwise the version must be the current one."""
    settings = survey.settings.consent
    if not settings.required:
        return True
    if given is None or given.notice_version is None:
        return False
    if notice is None and settings.study_notice and given.notice_id is not None:
        return True
    notice = notice or current_notice(survey)
    return given.notice_version == notice.version and given.notice_id == notice.id


def next_step(survey: Survey, given: Consent | None, notice: Notice) -> str | None:
    """The step the respondent has still to take before the first question, or None."""
    settings = survey.settings.consent
    if not notice_agreed(survey, given, notice):
        return NOTICE
    if settings.minors:
        if given is None or given.under_14 is None:
            return AGE
        if given.under_14 and given.guardian is None:
            return GUARDIAN
    if sensitive_ids(survey) and (given is None or given.sensitive is None):
        return SENSITIVE
    return None


def minor_without_guardian(survey: Survey, given: Consent | None) -> bool:
    """A questionnaire open to minors, and no stated age, or under 14 with no guardian."""
    if not survey.settings.consent.minors:
        return False
    return given is None or given.under_14 is None or (given.under_14 and given.guardian is None)


def started(given: Consent | None, notice: Notice | None = None) -> Consent:
    """*given*, or a fresh one; with *notice*, agreed to that notice now."""
    now = utcnow()
    if notice is not None:
        return dataclasses.replace(
            given or Consent(None, now), notice_version=notice.version, notice_id=notice.id,
            given_at=now,
        )  # fmt: skip
    return given or Consent(None, now)


def sensitive_decided(given: Consent | None, agreed: bool) -> Consent:
    return dataclasses.replace(started(given), sensitive=agreed, sensitive_at=utcnow())


def age_stated(given: Consent | None, under_14: bool) -> Consent:
    return dataclasses.replace(started(given), under_14=under_14, guardian=None)


def guardian_agreed(given: Consent | None, name: str, relationship: str) -> Consent:
    guardian = Guardian(name.strip()[:100], relationship, utcnow())
    return dataclasses.replace(started(given), under_14=True, guardian=guardian)


def to_session(consent: Consent) -> dict[str, Any]:
    """*consent* as the signed session cookie keeps it between the steps and the submit."""
    guardian = consent.guardian
    return {
        "v": consent.notice_version,
        "at": consent.given_at.isoformat(),
        "nid": consent.notice_id,
        "s": consent.sensitive,
        "sat": consent.sensitive_at.isoformat() if consent.sensitive_at else None,
        "u14": consent.under_14,
        "g": [guardian.name, guardian.relationship, guardian.agreed_at.isoformat()]
        if guardian
        else None,
    }


def from_session(kept: Any) -> Consent | None:
    """The `Consent` that `to_session` wrote, or None for anything else."""
    if not isinstance(kept, Mapping) or (at := _moment(kept.get("at"))) is None:
        return None
    version = kept.get("v")
    guardian = kept.get("g")
    agreed_at = _moment(guardian[2]) if isinstance(guardian, list) and len(guardian) == 3 else None
    return Consent(
        notice_version=str(version) if version is not None else None,
        given_at=at,
        notice_id=kept["nid"] if isinstance(kept.get("nid"), int) else None,
        sensitive=kept["s"] if isinstance(kept.get("s"), bool) else None,
        sensitive_at=_moment(kept.get("sat")),
        under_14=kept["u14"] if isinstance(kept.get("u14"), bool) else None,
        guardian=Guardian(str(guardian[0]), str(guardian[1]), agreed_at)
        if agreed_at is not None and isinstance(guardian, list)
        else None,
    )


def from_body(survey: Survey, given: Any) -> Consent | None:
    """A consent an API client states in the body (`{"consent": {"notice_version",
    "sensitive": bool, "under_14": bool, "guardian": {"name", "relationship", "agreed"}}}`),
    taken as given now: the browser's times could be any date. None when it is no object or
    names another notice version than the current one."""
    if not isinstance(given, Mapping):
        return None
    now = utcnow()
    consent = Consent(None, now)
    if survey.settings.consent.required:
        notice = current_notice(survey)
        if given.get("notice_version") != notice.version:
            return None
        consent = started(None, notice)
    if isinstance(given.get("sensitive"), bool):
        consent = dataclasses.replace(consent, sensitive=given["sensitive"], sensitive_at=now)
    if isinstance(given.get("under_14"), bool):
        consent = dataclasses.replace(consent, under_14=given["under_14"])
    guardian = given.get("guardian")
    if (
        consent.under_14
        and isinstance(guardian, Mapping)
        and guardian.get("agreed") is True
        and isinstance(guardian.get("name"), str)
        and guardian["name"].strip()
        and guardian.get("relationship") in GUARDIAN_RELATIONSHIPS
    ):
        consent = guardian_agreed(consent, guardian["name"], guardian["relationship"])
    return consent


def sensitive_errors(survey: Survey, given: Consent | None, answers: Any) -> dict[str, str]:
    """An error for each sensitive question answered without the separate consent to them:
    such an answer is refused, not stored (PIPL art. 29)."""
    if (given is not None and given.sensitive is True) or not isinstance(answers, Mapping):
        return {}
    message = _(
        "This question asks for sensitive personal information: it can be answered only with"
        " your separate consent, and nothing was stored."
    )
    return {
        qid: message
        for qid in sorted(sensitive_ids(survey))
        if not is_empty(answers.get(qid)) or not is_empty(answers.get(qid + OTHER_TEXT_SUFFIX))
    }


def for_respondent(survey: Survey, given: Consent | None) -> Survey:
    """*survey* as this respondent answers it: without its sensitive questions unless they
    consented to them, so that those are neither shown nor required."""
    hidden = sensitive_ids(survey)
    if not hidden or (given is not None and given.sensitive is True):
        return survey
    pages = tuple(
        dataclasses.replace(page, questions=tuple(q for q in page.questions if q.id not in hidden))
        for page in survey.typed.pages
    )
    raw_pages = [
        {**page, "questions": [q for q in page.get("questions") or () if q.get("id") not in hidden]}
        for page in survey.definition.get("pages") or ()
    ]
    return dataclasses.replace(
        survey,
        typed=dataclasses.replace(survey.typed, pages=pages),
        definition={**survey.definition, "pages": raw_pages},
    )
