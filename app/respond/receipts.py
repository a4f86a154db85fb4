"""A respondent's rights over their own response (PIPL arts. 45 and 47: to see, to copy, to
delete), exercised with the receipt code of the end page: the code is the credential (16
characters of a 31-letter alphabet, an HMAC only that browser's submit could produce; only its
hash is stored), so no account is needed and nothing else about the respondent is asked.

Deleting goes through the response store (`app.responses.listing.delete_response`), which
keeps the cached response tables right; the codes and quotes taken from the answers go with
it (their foreign keys cascade). The audit log records that a respondent deleted a response,
never what it said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app import audit
from app.extensions import db
from app.models import Questionnaire, Response, ResponseStatus
from app.responses import listing, protection
from app.responses.records import RECEIPT_ALPHABET, RECEIPT_LENGTH, token_hash
from app.results.display import AnswerLine, answer_lines
from app.webhooks import delivery


@dataclass(frozen=True)
class OwnResponse:
    response_id: int
    questionnaire: Questionnaire
    submitted_at: datetime | None
    consent_notice_version: str | None
    consent_given_at: datetime | None
    # The separate consent to sensitive information (PIPL art. 29) and a guardian's consent
    # for a respondent under 14 (art. 31), when the questionnaire asked for them.
    sensitive_consent_at: datetime | None
    guardian_relationship: str | None
    guardian_consent_at: datetime | None
    lines: list[AnswerLine]
    answers: dict[str, Any]


def normalised(code: str) -> str | None:
    """The code as the end page shows it (XXXX-XXXX-XXXX-XXXX), however it was typed (lower
    case, spaces, dashes or none); None when it cannot be a receipt code."""
    letters = re.sub(r"[\s\-_.·]", "", code or "").upper()
    if len(letters) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in letters):
        return None
    return "-".join(letters[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def own_response(slug: str, code: str) -> OwnResponse | None:
    """The complete response of the questionnaire behind *slug* whose receipt is *code*, in
    whatever state the questionnaire now is (closed, archived); None when there is none."""
    receipt = normalised(code)
    if receipt is None:
        return None
    row = db.session.scalar(
        db.select(Response)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(
            Questionnaire.slug == slug,
            Response.receipt_hash == token_hash(receipt),
            Response.status == ResponseStatus.COMPLETE,
        )
    )
    if row is None:
        return None
    answers = protection.answers_of_row(row)  # their own answers, personal ones too
    return OwnResponse(
        response_id=row.id,
        questionnaire=row.questionnaire,
        submitted_at=row.submitted_at,
        consent_notice_version=row.consent_notice_version,
        consent_given_at=row.consent_given_at,
        sensitive_consent_at=row.sensitive_consent_at if row.sensitive_consent else None,
        guardian_relationship=row.guardian_relationship,
        guardian_consent_at=row.guardian_consent_at,
        lines=answer_lines(row.version.definition, answers),
        answers=answers,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def portable_copy(own: OwnResponse) -> dict[str, Any]:
    """What the respondent downloads (JSON): each question as they saw it with their answer,
    and the answers as stored, with when they were given and under which consents (the
    notice, sensitive information, a guardian's) they were given."""
    return {
        "questionnaire": own.questionnaire.title,
        "submitted_at": _iso(own.submitted_at),
        "consent": {
            "notice_version": own.consent_notice_version,
            "given_at": _iso(own.consent_given_at),
            "sensitive_information_given_at": _iso(own.sensitive_consent_at),
            "guardian": (
                {
                    "relationship": own.guardian_relationship,
                    "given_at": _iso(own.guardian_consent_at),
                }
                if own.guardian_consent_at
                else None
            ),
        },
        "answers": [
            {"question": line.title, "answer": line.text}
            for line in own.lines
            if line.state == "answered"
        ],
        "stored_answers": own.answers,
    }


def erase(own: OwnResponse) -> None:
    """Delete the response for good, as its respondent asked; audited without its content."""
    deleted = listing.delete_response(own.questionnaire, own.response_id)
    if deleted is None:
        return  # deleted meanwhile (a second tab)
    event = audit.record(
        "response.erased_by_respondent",
        deleted.record,
        actor=None,
        study_id=own.questionnaire.study_id,
        before={"response_id": own.response_id, "status": deleted.status},
    )
    event.ip_address = None  # a respondent's address is not kept, here neither
    db.session.commit()
    if deleted.event_id is not None:  # webhook receivers hear of it
        delivery.dispatch_soon()
