"""Static checks of a condition against its questionnaire: run when a definition is saved.

A condition may refer only to questions that come before it (in page order), that exist, and
that have an answer (not a text block); ``q.part`` must name a matrix row or a Kano part.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ..errors import Code, ExpressionError, Problem
from ..types import QUESTION_TYPES, canonical_type
from .evaluate import walk
from .grammar import Node, parse


def _parts(question: Mapping[str, Any]) -> set[str] | None:
    qtype = canonical_type(str(question.get("type")))
    if qtype == "matrix":
        return {str(r.get("value")) for r in question.get("rows") or () if isinstance(r, dict)}
    if qtype == "kano":
        return {"functional", "dysfunctional"}
    return None


def check_condition(
    text: Any,
    *,
    path: str,
    questions: Mapping[str, Mapping[str, Any]],
    earlier: Collection[str],
) -> list[Problem]:
    """Problems of one ``show_if``: *questions* are all questions by id, *earlier* the ids
    that come before the place of the condition."""
    if not isinstance(text, str):
        return []  # null, or a wrong type that the schema check reports
    try:
        tree = parse(text)
    except ExpressionError as error:
        return [Problem(error.code, path, params=error.params)]
    problems: list[Problem] = []
    seen: set[tuple[str, str | None]] = set()
    for node in walk(tree):
        if node[0] == "cmp":
            for side in (node[2], node[3]):
                problems += _multi_valued(side, path, questions)
        if node[0] != "ref" or (node[1], node[2]) in seen:
            continue
        qid, part = node[1], node[2]
        seen.add((qid, part))
        if qid not in questions:
            problems.append(Problem(Code.CONDITION_UNKNOWN_QUESTION, path, params={"name": qid}))
            continue
        if qid not in earlier:
            problems.append(Problem(Code.CONDITION_FORWARD_REFERENCE, path, params={"name": qid}))
            continue
        question = questions[qid]
        if canonical_type(str(question.get("type"))) == "text":
            problems.append(Problem(Code.CONDITION_NO_ANSWER, path, params={"name": qid}))
        elif part is not None:
            parts = _parts(question)
            if parts is None or part not in parts:
                problems.append(
                    Problem(Code.CONDITION_UNKNOWN_PART, path, params={"name": qid, "part": part})
                )
    return problems


def _multi_valued(side: Node, path: str, questions: Mapping[str, Any]) -> list[Problem]:
    if side[0] != "ref" or side[1] not in questions:
        return []
    qtype = QUESTION_TYPES.get(canonical_type(str(questions[side[1]].get("type"))) or "")
    question = questions[side[1]]
    if qtype is None or not qtype.multi_valued:
        return []
    if side[2] is not None and not (qtype.name == "matrix" and question.get("multiple")):
        return []  # one matrix row or one Kano part holds a single value
    return [Problem(Code.CONDITION_USE_SELECTED, path, "warning", {"name": side[1]})]
