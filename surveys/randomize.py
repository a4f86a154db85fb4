"""Per-respondent option order: shuffled, reproducible from a seed, with "other" and
exclusive ("none of the above") options kept in their places.

The order is a sort by SHA-256 of ``seed / question id / option value``: the same seed always
gives the same order, in any process or Python version, and another language can reproduce it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .models import Question


def _key(seed: Any, qid: str, value: str) -> bytes:
    return hashlib.sha256(f"{seed}\x1f{qid}\x1f{value}".encode()).digest()


def _items(question: Question | Mapping[str, Any], key: str) -> tuple[str, list[tuple[str, bool]]]:
    if isinstance(question, Question):
        entries = question.options if key == "options" else question.rows
        return question.id, [(e.value, getattr(e, "fixed", False)) for e in entries]
    listed: list[Mapping[str, Any]] = question.get(key) or []
    return str(question.get("id")), [
        (str(e["value"]), bool(e.get("other") or e.get("exclusive"))) for e in listed
    ]


def _randomized(question: Question | Mapping[str, Any]) -> bool:
    if isinstance(question, Question):
        return question.randomize
    return bool(question.get("randomize"))


def shuffled(qid: str, items: list[tuple[str, bool]], seed: Any) -> list[str]:
    movable = sorted((v for v, fixed in items if not fixed), key=lambda v: _key(seed, qid, v))
    it = iter(movable)
    return [value if fixed else next(it) for value, fixed in items]


def option_order(question: Question | Mapping[str, Any], seed: Any) -> list[str]:
    """Option values in the order this respondent sees them (definition order when the
    question is not randomised)."""
    qid, items = _items(question, "options")
    if not _randomized(question):
        return [v for v, _ in items]
    return shuffled(qid, items, seed)


def row_order(question: Question | Mapping[str, Any], seed: Any) -> list[str]:
    """Matrix row values in this respondent's order (rows have no fixed positions)."""
    qid, items = _items(question, "rows")
    if not _randomized(question):
        return [v for v, _ in items]
    return shuffled(qid + "/rows", [(v, False) for v, _ in items], seed)
