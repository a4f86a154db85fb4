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
