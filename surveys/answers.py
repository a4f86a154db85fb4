"""Answer validation for one definition and one set of answers.

Pages and questions are walked in order; each ``show_if`` is evaluated on the answers already
accepted, so a hidden question's answer (and anything that depended on it) is dropped, exactly
as the respondent's page does it. Used by the web form and the API alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .answer_rules import SHAPES, AnswerInvalid, is_empty, plain_text
from .definition import load_definition
from .errors import DEFAULT_LOCALE, Code, message
from .logic.evaluate import condition_holds
from .models import Question, Questionnaire
from .types import QUESTION_TYPES

OTHER_TEXT_SUFFIX = "/other_text"
MAX_OTHER_TEXT = 1000


@dataclass(frozen=True)
class AnswerCheck:
    """Cleaned answers (hidden and invalid ones left out), and per-question errors."""

    cleaned: dict[str, Any]
    errors: dict[str, str]
    codes: dict[str, str]
    visible: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def as_questionnaire(definition: Questionnaire | Mapping[str, Any]) -> Questionnaire:
    """A loaded questionnaire; dicts are checked once per distinct content (the schema check
    costs milliseconds, and every submission of a version brings the same definition)."""
    if isinstance(definition, Questionnaire):
        return definition
    try:
        key = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return load_definition(definition)
    return _load_cached(key)


@lru_cache(maxsize=64)
def _load_cached(key: str) -> Questionnaire:
    return load_definition(json.loads(key))


def validate_answers(
    definition: Questionnaire | Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    locale: str = DEFAULT_LOCALE,
    partial: bool = False,
) -> AnswerCheck:
    """Check *answers* against *definition*.

    With ``partial=True`` (saving an unfinished response) unanswered required questions are
    not errors. Raises `DefinitionError` when the definition itself is invalid.
    """
    questionnaire = as_questionnaire(definition)
    answers = answers if isinstance(answers, Mapping) else {}
    cleaned: dict[str, Any] = {}
    codes: dict[str, str] = {}
    errors: dict[str, str] = {}
    visible: list[str] = []

    def fail(qid: str, code: Code, **params: Any) -> None:
        codes[qid] = str(code)
        errors[qid] = message(code, locale, **params)

    for page in questionnaire.pages:
        if not condition_holds(page.show_if, cleaned):
            continue
        for question in page.questions:
            if not condition_holds(question.show_if, cleaned):
                continue
            visible.append(question.id)
            qtype = QUESTION_TYPES[question.type]
            if qtype.check is None:
                continue
            value = answers.get(question.id)
            if is_empty(value):
                if question.required and not partial:
                    code = Code.ANSWER_REQUIRED
                    if qtype.answer == "consent":
                        code = Code.ANSWER_CONSENT_REQUIRED
                    fail(question.id, code)
                continue
            try:
                accepted = qtype.check(question, value)
                other_text = _other_text(question, accepted, answers)
            except AnswerInvalid as problem:
                fail(question.id, problem.code, **problem.params)
                continue
            cleaned[question.id] = accepted
            if other_text is not None:
                cleaned[question.id + OTHER_TEXT_SUFFIX] = other_text
    return AnswerCheck(cleaned=cleaned, errors=errors, codes=codes, visible=visible)


def _other_text(question: Question, accepted: Any, answers: Mapping[str, Any]) -> str | None:
    other = question.other_option
    if other is None:
        return None
    chosen = accepted if isinstance(accepted, list) else [accepted]
    if other.value not in chosen:
        return None
    text = answers.get(question.id + OTHER_TEXT_SUFFIX)
    if not isinstance(text, str) or not text.strip():
        raise AnswerInvalid(Code.ANSWER_OTHER_TEXT_REQUIRED)
    return plain_text(text.strip(), MAX_OTHER_TEXT)


def partial_answers(
    definition: Questionnaire | Mapping[str, Any],
    answers: Any,
    *,
    locale: str = DEFAULT_LOCALE,
) -> AnswerCheck:
    """What a partial response keeps of *answers*: the answer to each question of the
    definition (shown or not: the respondent may go back and change what hides it) as sent,
    when it has the shape of its kind (`answer_rules.SHAPES`); an error for each that has
    not. Empty answers and keys that name no question are left out. Required questions,
    ranges and patterns are not checked: that is the submit's `validate_answers`.
    """
    questionnaire = as_questionnaire(definition)
    answers = answers if isinstance(answers, Mapping) else {}
    cleaned: dict[str, Any] = {}
    codes: dict[str, str] = {}
    errors: dict[str, str] = {}
    for page in questionnaire.pages:
        for question in page.questions:
            kind = QUESTION_TYPES[question.type].answer
            if kind not in SHAPES:
                continue
            other_key = question.id + OTHER_TEXT_SUFFIX
            try:
                value = answers.get(question.id)
                if not is_empty(value):
                    SHAPES[kind](question, value)
                    cleaned[question.id] = value
                other = answers.get(other_key)
                if question.other_option is not None and not is_empty(other):
                    cleaned[other_key] = plain_text(other, MAX_OTHER_TEXT)
            except AnswerInvalid as problem:
                cleaned.pop(question.id, None)
                codes[question.id] = str(problem.code)
                errors[question.id] = message(problem.code, locale, **problem.params)
    return AnswerCheck(cleaned=cleaned, errors=errors, codes=codes)


def visible_questions(
    definition: Questionnaire | Mapping[str, Any], answers: Mapping[str, Any]
) -> list[str]:
    """Ids of the questions (and text blocks) shown for *answers*, in page order."""
    return validate_answers(definition, answers, partial=True).visible
