"""Answers as the respondent's page sends them: read from a plain form post, checked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

import surveys
from app.respond.published import Survey


def validate(survey: Survey, answers: Any, locale: str, *, partial: bool = False):
    return surveys.validate_answers(survey.typed, answers, locale=locale, partial=partial)


def page_errors(
    typed: surveys.Questionnaire, page_id: str, errors: Mapping[str, str]
) -> dict[str, str]:
    """The errors of the questions on one page (moving on from a page checks only that page)."""
    for page in typed.pages:
        if page.id == page_id:
            ids = {q.id for q in page.questions}
            return {qid: msg for qid, msg in errors.items() if qid in ids}
    return {}


def answers_from_form(survey: Survey, form: MultiDict) -> dict[str, Any]:
    """Answers from a plain HTML form post (the page without JavaScript), read by the shape of
    each question's answer (`surveys.QUESTION_TYPES[type].answer`)."""
    answers: dict[str, Any] = {}
    for page in survey.typed.pages:
        for q in page.questions:
            read = _READERS.get(surveys.QUESTION_TYPES[q.type].answer, _text)
            value = read(q, form)
            if value not in (None, "", [], {}):
                answers[q.id] = value
            other = form.get(q.id + "/other_text", "").strip()
            if other:
                answers[q.id + "/other_text"] = other
    return answers


def _number(text: str) -> int | float | str:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _text(q, form: MultiDict) -> str:
    return form.get(q.id, "").strip()


def _number_answer(q, form: MultiDict) -> int | float | str:
    text = _text(q, form)
    return _number(text) if text else text


def _matrix(q, form: MultiDict) -> dict[str, Any]:
    if q.multiple:
        return {
            r.value: form.getlist(f"{q.id}/{r.value}")
            for r in q.rows
            if form.getlist(f"{q.id}/{r.value}")
        }
    return {r.value: form[f"{q.id}/{r.value}"] for r in q.rows if form.get(f"{q.id}/{r.value}")}


def _ranking(q, form: MultiDict) -> list[str]:
    ranks = {o.value: form.get(f"{q.id}/{o.value}", "") for o in q.options}
    ranked = sorted((int(r), v) for v, r in ranks.items() if r.isdigit())
    return [v for _, v in ranked]


def _kano(q, form: MultiDict) -> dict[str, str]:
    parts = {p: form.get(f"{q.id}/{p}", "") for p in ("functional", "dysfunctional")}
    return {p: v for p, v in parts.items() if v}


# How each answer shape of the registry comes in a form post; any other shape is one text field.
_READERS: dict[str, Callable[[Any, MultiDict], Any]] = {
    "options": lambda q, form: form.getlist(q.id),
    "matrix": _matrix,
    "ranking": _ranking,
    "kano": _kano,
    "consent": lambda q, form: True if form.get(q.id) else None,
    "number": _number_answer,
}
