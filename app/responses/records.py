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
class Consent:
    notice_version: str
    given_at: datetime


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
