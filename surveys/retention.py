"""What a response keeps once its retention period is over and the study keeps it anonymised
(issue 28.5, PIPL art. 19: kept no longer than the purpose needs): the answers a person could
be known by go — every free-text answer, every "other, please say" text — and the closed
answers stay, so the study's statistics still hold."""

from __future__ import annotations

from typing import Any

from .types import answer_shape

#: the suffix of the key holding a question's "other" text (`surveys.answer_rules`)
OTHER_TEXT = "/other_text"


def anonymised_answers(definition: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """*answers* without the free texts of *definition*'s questions (and any key that is no
    question's, which could hold anything)."""
    closed = {
        question["id"]
        for page in definition.get("pages", [])
        for question in page.get("questions", [])
        if answer_shape(question.get("type", "")) not in ("text", "unknown")
    }
    return {key: value for key, value in answers.items() if key in closed}


def answer_periods(definition: dict[str, Any]) -> dict[str, int]:
    """The questions of *definition* that keep their answer for a period of their own
    (`retention_days`, PIPL art. 19: a phone number asked for a follow-up call need not be kept
    as long as the ratings): question id → days."""
    return {
        question["id"]: int(question["retention_days"])
        for page in definition.get("pages", [])
        for question in page.get("questions", [])
        if question.get("retention_days")
    }


def without_answers(answers: dict[str, Any], question_ids: set[str]) -> dict[str, Any]:
    """*answers* without those of *question_ids*, their "other" texts included."""
    return {
        key: value for key, value in answers.items() if key.split("/", 1)[0] not in question_ids
    }
