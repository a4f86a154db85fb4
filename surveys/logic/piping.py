"""Piping: ``{q3}`` in a title or label is replaced by the answer to q3.

Choice answers show their option labels; lists are joined with "、"; numbers without a
trailing ".0" (a number past a float's range, as the language reads it, shows as nothing);
an unanswered or unknown question gives an empty string. Only ``{id}`` with a valid question
id is replaced, so other braces in a text stay as they are. The same rules are implemented by
``pipe`` in ``app/static/js/conditions.js``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .values import from_answer

PIPE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
LIST_SEPARATOR = "、"


def piped_names(text: str) -> list[str]:
    return PIPE.findall(text or "")


def _labels(definition: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for page in (definition or {}).get("pages") or ():
        for question in page.get("questions") or ():
            options = question.get("options") or ()
            labels[question.get("id")] = {o.get("value"): o.get("label", "") for o in options}
    return labels


def format_value(value: Any, labels: Mapping[str, str] | None = None) -> str:
    labels = labels or {}
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = from_answer(value)  # a float; None when non-finite or past a float's range
        if number is None:
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(format_value(v, labels) for v in value)
    return ""


def pipe(text: str, answers: Mapping[str, Any], definition: Mapping[str, Any] | None = None) -> str:
    """*text* with each ``{qid}`` replaced by the answer to qid."""
    if not text:
        return text or ""
    labels = _labels(definition)
    return PIPE.sub(lambda m: format_value(answers.get(m.group(1)), labels.get(m.group(1))), text)
