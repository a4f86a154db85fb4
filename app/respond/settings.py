"""The respondent-facing settings of a questionnaire version, read from `definition["settings"]`.

The researcher writes them on the questionnaire's settings page (`app.questionnaires`); the
JSON Schema in `surveys` checks them at publish. They are still read defensively here (wrong
types fall back to the default) so that no stored definition can break the public form.

    {"consent": {"required", "notice_version", "purpose", "data_collected", "retention",
                 "who_sees", "study_notice": bool (the study's notice instead of this text),
                 "minors": bool (respondents may be under 14)},
     "access": {"mode": "open" | "invitation", "one_per_browser": bool,
                "anonymous": bool (never linked to a directory record, `app.outreach`)},
     "opens_at", "closes_at": ISO 8601 datetimes (UTC when no offset is given),
     "quota": {"total": int, "question": qid, "limits": {value: int}, "message": str},
     "end": {"thank_you": str, "redirect_url": "http(s)://…"}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class ConsentNotice:
    required: bool = False
    notice_version: str = "1"
    purpose: str = ""
    data_collected: str = ""
    retention: str = ""
    who_sees: str = ""
    study_notice: bool = False  # the study's current notice (`ConsentNotice`) is shown instead
    minors: bool = False  # may include respondents under 14: ask the age, then a guardian


@dataclass(frozen=True)
class Quota:
    total: int | None = None
    question: str | None = None
    limits: dict[str, int] = field(default_factory=dict)
    message: str = ""

    @property
    def active(self) -> bool:
        return self.total is not None or bool(self.question and self.limits)


@dataclass(frozen=True)
class RespondSettings:
    consent: ConsentNotice = ConsentNotice()
    invitation_only: bool = False
    one_per_browser: bool = False
    anonymous: bool = False
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    quota: Quota = Quota()
    thank_you: str = ""
    redirect_url: str = ""


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any, limit: int = 5000) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def safe_redirect(url: Any) -> str:
    """The URL when it is an absolute http(s) URL, else "" (no javascript:, data:, //host)."""
    if not isinstance(url, str):
        return ""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url[:2000]


def read_settings(definition: Mapping[str, Any]) -> RespondSettings:
    raw = _dict(_dict(definition).get("settings"))
    consent = _dict(raw.get("consent"))
    access = _dict(raw.get("access"))
    quota = _dict(raw.get("quota"))
    end = _dict(raw.get("end"))
    limits = {
        str(value): count
        for value, count in _dict(quota.get("limits")).items()
        if _count(count) is not None
    }
    return RespondSettings(
        consent=ConsentNotice(
            required=consent.get("required") is True,
            notice_version=_text(consent.get("notice_version"), 50) or "1",
            purpose=_text(consent.get("purpose")),
            data_collected=_text(consent.get("data_collected")),
            retention=_text(consent.get("retention")),
            who_sees=_text(consent.get("who_sees")),
            study_notice=consent.get("study_notice") is True,
            minors=consent.get("minors") is True,
        ),
        invitation_only=access.get("mode") == "invitation",
        one_per_browser=access.get("one_per_browser") is True,
        anonymous=access.get("anonymous") is True,
        opens_at=_moment(raw.get("opens_at")),
        closes_at=_moment(raw.get("closes_at")),
        quota=Quota(
            total=_count(quota.get("total")),
            question=quota.get("question") if isinstance(quota.get("question"), str) else None,
            limits=limits,
            message=_text(quota.get("message")),
        ),
        thank_you=_text(end.get("thank_you")),
        redirect_url=safe_redirect(end.get("redirect_url")),
    )


# Keys of a definition that are for the researcher, never sent to the respondent's browser.
RESEARCHER_ONLY = frozenset({"settings", "notes"})


def definition_without_settings(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition without its settings and researcher's notes: what the respondent's
    browser is sent (quota limits and notes such as a template's scoring rule stay on the
    server)."""
    return {key: value for key, value in dict(definition).items() if key not in RESEARCHER_ONLY}
