"""Answers to questions flagged personal or sensitive (PIPL art. 28), kept apart from the rest.

A question's `privacy` key (`none`, `personal`, `sensitive`; absent: none) says whether its
answer is personal information. The web layer stores the answers of flagged questions in an
encrypted column and the others in plain JSON; analysis never sees the flagged ones. This
module only says which answers are which: plain values in, plain values out.

An answer's keys are the question's id and `<id>/…` (the "other, please specify" text,
`surveys.answers.OTHER_TEXT_SUFFIX`), so both go with their question.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

PROTECTED_LEVELS = frozenset({"personal", "sensitive"})
MASK = "***"


def protected_ids(definition: Mapping[str, Any]) -> frozenset[str]:
    """The ids of the questions of *definition* (a questionnaire dict) flagged personal or
    sensitive."""
    return frozenset(
        str(question["id"])
        for page in definition.get("pages") or ()
        for question in page.get("questions") or ()
        if isinstance(question, Mapping)
        and question.get("privacy") in PROTECTED_LEVELS
        and "id" in question
    )


def question_of(key: str) -> str:
    """The question id an answer key belongs to (`q1/other_text` → `q1`)."""
    return key.split("/", 1)[0]


def is_protected(key: str, ids: Iterable[str] | frozenset[str]) -> bool:
    return question_of(key) in ids


def split_answers(
    answers: Mapping[str, Any], ids: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(plain, protected): *answers* parted by whether their question is one of *ids*."""
    plain: dict[str, Any] = {}
    protected: dict[str, Any] = {}
    for key, value in answers.items():
        (protected if question_of(key) in ids else plain)[key] = value
    return plain, protected


def join_answers(
    plain: Mapping[str, Any] | None, protected: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The answers as the respondent gave them, from the two parts `split_answers` made."""
    joined = dict(plain or {})
    joined.update(protected or {})
    return joined


def masked_answers(
    answers: Mapping[str, Any], ids: frozenset[str], mask: str = MASK
) -> dict[str, Any]:
    """*answers* with every answer to a question of *ids* replaced by *mask* (an empty
    answer stays empty: that nothing was given is not personal)."""
    return {
        key: (mask if question_of(key) in ids and value not in (None, "", [], {}) else value)
        for key, value in answers.items()
    }


def without_protected(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of *definition* without its flagged questions: what analysis, findings, share
    links and reports are computed from. A page left with no question stays, empty."""
    ids = protected_ids(definition)
    if not ids:
        return dict(definition)
    kept = copy.deepcopy(dict(definition))
    for page in kept.get("pages") or ():
        page["questions"] = [q for q in page.get("questions") or () if str(q.get("id")) not in ids]
    return kept
