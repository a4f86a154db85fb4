"""The response table of DESIGN.md: one row per response, one or more columns per question.

Pure functions from a definition and one answers dict to an ordered row, so the web layer can
stream responses from the database in chunks and every export shares one spelling of the
columns (docs/questionnaire-format.md has the table of shapes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

META_COLUMNS = ("response_id", "submitted_at", "duration_s")


def _questions(definition: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for page in definition.get("pages") or []:
        yield from page.get("questions") or []


def question_columns(question: Mapping[str, Any]) -> list[str]:
    """The table columns of one question, in order."""
    qid, qtype = question["id"], question["type"]
    options = [str(o["value"]) for o in question.get("options") or []]
    if qtype == "text":
        return []
    if qtype in ("multiple_choice", "ranking"):
        columns = [f"{qid}/{value}" for value in options]
    elif qtype == "matrix":
        rows = [str(r["value"]) for r in question.get("rows") or []]
        if question.get("multiple"):
            columns = [f"{qid}/{row}/{value}" for row in rows for value in options]
        else:
            columns = [f"{qid}/{row}" for row in rows]
    elif qtype == "kano":
        columns = [f"{qid}/functional", f"{qid}/dysfunctional"]
    else:
        columns = [qid]
    if any(o.get("other") for o in question.get("options") or []):
        columns.append(f"{qid}/other_text")
    return columns


def table_columns(definitions: Iterable[Mapping[str, Any]]) -> list[str]:
    """Columns for responses to several versions, matched by stable question ids.

    The first definition (the latest version) sets the order; columns that only older
    versions have follow, so no answer is ever dropped from an export.
    """
    columns: dict[str, None] = dict.fromkeys(META_COLUMNS)
    for definition in definitions:
        for question in _questions(definition):
            columns.update(dict.fromkeys(question_columns(question)))
    return list(columns)


def flatten_answers(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The table cells of one response; unanswered questions give no cell (a blank)."""
    cells: dict[str, Any] = {}
    for question in _questions(definition):
        qid, qtype = question["id"], question["type"]
        if qtype == "text":
            continue
        other_key = f"{qid}/other_text"
        if answers.get(other_key) not in (None, ""):
            cells[other_key] = answers[other_key]
        if qid not in answers or answers[qid] is None:
            continue
        cells.update(_cells(question, answers[qid]))
    return cells


def _cells(question: Mapping[str, Any], value: Any) -> dict[str, Any]:
    qid, qtype = question["id"], question["type"]
    options = [str(o["value"]) for o in question.get("options") or []]
    if qtype == "multiple_choice":
        chosen = {str(v) for v in value}
        return {f"{qid}/{option}": int(option in chosen) for option in options}
    if qtype == "ranking":
        return {f"{qid}/{option}": rank for rank, option in enumerate(value, start=1)}
    if qtype == "matrix":
        cells = {}
        for row, row_value in value.items():
            if question.get("multiple"):
                chosen = {str(v) for v in row_value}
                cells.update({f"{qid}/{row}/{option}": int(option in chosen) for option in options})
            else:
                cells[f"{qid}/{row}"] = row_value
        return cells
    if qtype == "kano":
        return {
            f"{qid}/{part}": value[part]
            for part in ("functional", "dysfunctional")
            if part in value
        }
    if qtype == "consent":
        return {qid: int(bool(value))}
    return {qid: value}
