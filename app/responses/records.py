"""The plain values the response store takes and gives back, and the hashes it keeps.

Only hashes of the respondent's tokens are stored (resume links, invitations, receipts), so
that a copy of the database lets no one answer or read back as a respondent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false

from app.models import Response, ResponseStatus

# Test responses (answered by a researcher in test mode) are in no result, count or export.
NOT_TEST = Response.is_test == false()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
RECEIPT_LENGTH = 16  # characters, shown in groups of four


def receipt_code(secret: str, questionnaire_id: int, idempotency_key: str) -> str:
    """A code the respondent quotes to the researchers about their answers; only its hash is
    stored.

    Derived (HMAC of the questionnaire and the idempotency key, which only that browser
    knows) rather than random, so that a retried submit whose first reply was lost shows the
    same code again; the questionnaire is in it because a key is unique per questionnaire.
    """
    message = f"receipt:{questionnaire_id}:{idempotency_key}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    chars = [RECEIPT_ALPHABET[b % len(RECEIPT_ALPHABET)] for b in digest[:RECEIPT_LENGTH]]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, RECEIPT_LENGTH, 4))


@dataclass(frozen=True)
class Guardian:
    """The consent of a respondent under 14's guardian (PIPL art. 31)."""

    name: str
    relationship: str
    agreed_at: datetime


@dataclass(frozen=True)
class Consent:
    """What the respondent agreed to before the first question. *notice_version* None: the
    questionnaire asks no notice (only the steps below); *notice_id*: the study's notice row.
    *sensitive*: the separate consent to sensitive questions (None: not asked); *under_14*:
    their answer to the age question (None: not asked); *guardian*: given when under 14."""

    notice_version: str | None
    given_at: datetime
    notice_id: int | None = None
    sensitive: bool | None = None
    sensitive_at: datetime | None = None
    under_14: bool | None = None
    guardian: Guardian | None = None


def consent_columns(consent: Consent) -> dict[str, Any]:
    """The response columns that keep *consent* (a partial's save and a submit set the same)."""
    guardian = consent.guardian
    return {
        "consent_notice_version": consent.notice_version,
        "consent_given_at": consent.given_at if consent.notice_version is not None else None,
        "consent_notice_id": consent.notice_id,
        "sensitive_consent": consent.sensitive,
        "sensitive_consent_at": consent.sensitive_at,
        "guardian_name": guardian.name if guardian else None,
        "guardian_relationship": guardian.relationship if guardian else None,
        "guardian_consent_at": guardian.agreed_at if guardian else None,
    }


# The columns `consent_columns` sets.
CONSENT_COLUMNS = (
    "consent_notice_version", "consent_given_at", "consent_notice_id", "sensitive_consent",
    "sensitive_consent_at", "guardian_name", "guardian_relationship", "guardian_consent_at",
)  # fmt: skip


@dataclass(frozen=True)
class Partial:
    """An unfinished response as the respondent's page needs it."""

    id: int
    version_id: int
    status: ResponseStatus
    answers: dict[str, Any]
    page_id: str
    started_at: datetime
    invitation_token_hash: str | None


@dataclass(frozen=True)
class Submitted:
    response_id: int
    created: bool
    receipt: str | None


class Refused(Exception):
    """The submit was refused; `code` is one of invitation_used, quota_full, already_submitted."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def duration(started_at: datetime, submitted_at: datetime | None) -> float | None:
    """Seconds from start to submit (None while unfinished), never negative."""
    if submitted_at is None:
        return None
    return max((submitted_at - started_at).total_seconds(), 0.0)
