"""Answer checks, one function per answer kind: ``check(question, value) -> cleaned value``.

A check raises `AnswerInvalid` with a catalogue code; emptiness and "required" are handled by
`surveys.answers` before a check is called. The type registry (`surveys.types`) names the
check of each question type.

`SHAPES` holds the looser check of a partial response (saved between pages): an answer may be
unfinished or not valid yet (a number out of range, a ranking half done), but it always has
its kind's shape and size (a text a string within its length, a choice a known option, a
matrix known rows to known options), so what is stored is bounded by the questionnaire.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Any

from . import safe_regex
from .errors import Code
from .models import Question

# The five standard Kano answers (Kano et al. 1984), with the wording shown to respondents.
KANO_ANSWER_LABELS = {
    "like": ("我喜欢", "I like it that way"),
    "must_be": ("理应如此", "It must be that way"),
    "neutral": ("无所谓", "I am neutral"),
    "live_with": ("能忍受", "I can live with it that way"),
    "dislike": ("我不喜欢", "I dislike it that way"),
}
KANO_ANSWERS = tuple(KANO_ANSWER_LABELS)
KANO_PARTS = ("functional", "dysfunctional")

# Mainland China mobile numbers, optionally with +86 / 86, spaces or hyphens.
PHONE_RE = re.compile(r"1[3-9][0-9]{9}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NUMBER_RE = re.compile(r"\s*-?[0-9]+(\.[0-9]+)?\s*")
MAX_TEXT = 100_000
# Numbers past this are no answer: JavaScript and a float hold every integer only up to it.
MAX_EXACT = 2**53
# A number or a date as typed but not valid yet (a partial keeps it): at most this long.
MAX_TYPED = 100
# Characters no answer may hold: C0 and C1 controls but tab, line feed and carriage return
# (a form post sends a textarea's line breaks as CR LF), and lone surrogates (not UTF-8).
# PostgreSQL's text and JSONB cannot store U+0000 at all, and none is something a respondent
# means to type. Refused, not stripped: what is stored is what the respondent sent.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class AnswerInvalid(Exception):
    def __init__(self, code: Code, **params: Any):
        super().__init__(code)
        self.code = Code(code)
        self.params = params


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def plain_text(value: Any, limit: int) -> str:
    """*value* when it is a string of at most *limit* characters without control characters."""
    if not isinstance(value, str):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    if CONTROL_RE.search(value):
        raise AnswerInvalid(Code.ANSWER_CONTROL_CHARACTER)
    if len(value) > limit:
        raise AnswerInvalid(Code.ANSWER_TOO_LONG, max=limit)
    return value


def _show(number: Any) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _option_value(question: Question, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    chosen = str(value)
    if question.option(chosen) is None:
        raise AnswerInvalid(Code.ANSWER_NOT_AN_OPTION, value=chosen[:50])
    return chosen


def _value_list(question: Question, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    cleaned: list[str] = []
    for item in value:
        item = _option_value(question, item)
        if item not in cleaned:
            cleaned.append(item)
    return cleaned


def check_single(question: Question, value: Any) -> str:
    return _option_value(question, value)


def check_multiple(question: Question, value: Any) -> list[str]:
    cleaned = _value_list(question, value)
    options = {o.value: o for o in question.options}  # `_value_list` kept only known values
    exclusive = [options[v] for v in cleaned if options[v].exclusive]
    if exclusive and len(cleaned) > 1:
        raise AnswerInvalid(Code.ANSWER_EXCLUSIVE, label=exclusive[0].label)
    if not exclusive:
        if question.min_selected is not None and len(cleaned) < question.min_selected:
            raise AnswerInvalid(Code.ANSWER_TOO_FEW, min=question.min_selected)
        if question.max_selected is not None and len(cleaned) > question.max_selected:
            raise AnswerInvalid(Code.ANSWER_TOO_MANY, max=question.max_selected)
    return cleaned


def check_ranking(question: Question, value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    cleaned = [_option_value(question, item) for item in value]
    if len(set(cleaned)) != len(cleaned):
        raise AnswerInvalid(Code.ANSWER_RANKING_DUPLICATE)
    if question.required and len(cleaned) < len(question.options):
        raise AnswerInvalid(Code.ANSWER_RANKING_INCOMPLETE)
    return cleaned


def _matrix_answers(question: Question, value: Any) -> Iterator[tuple[str, Any]]:
    """The answered rows of a matrix answer; a non-object or an unknown row is refused."""
    if not isinstance(value, dict):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    rows = {r.value for r in question.rows}
    for row, answer in value.items():
        if row not in rows:
            raise AnswerInvalid(Code.ANSWER_UNKNOWN_ROW, row=str(row)[:50])
        if not is_empty(answer):
            yield row, answer


def check_matrix(question: Question, value: Any) -> dict[str, Any]:
    each = _value_list if question.multiple else _option_value
    cleaned = {row: each(question, answer) for row, answer in _matrix_answers(question, value)}
    if question.required and len(cleaned) < len({r.value for r in question.rows}):
        raise AnswerInvalid(Code.ANSWER_ROWS_INCOMPLETE)
    return {r.value: cleaned[r.value] for r in question.rows if r.value in cleaned}


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    if isinstance(value, str) and NUMBER_RE.fullmatch(value):
        value = float(value)
    if isinstance(value, int):
        if abs(value) > MAX_EXACT:
            raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
        return value
    # A float past MAX_EXACT is refused as an int is: accepted, it was stored as an int that
    # the same check then refused (found by tests/fuzz).
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_EXACT:
        return int(value) if value.is_integer() else value
    raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)


def _in_range(number: float, low: Any, high: Any) -> None:
    if low is not None and number < low:
        raise AnswerInvalid(Code.ANSWER_TOO_SMALL, min=_show(low))
    if high is not None and number > high:
        raise AnswerInvalid(Code.ANSWER_TOO_LARGE, max=_show(high))


def check_number(question: Question, value: Any) -> float | int:
    number = _number(value)
    if question.integer and not isinstance(number, int):
        raise AnswerInvalid(Code.ANSWER_NOT_INTEGER)
    _in_range(number, question.min, question.max)
    return number


def check_rating(question: Question, value: Any) -> int:
    number = _number(value)
    if not isinstance(number, int):
        raise AnswerInvalid(Code.ANSWER_NOT_INTEGER)
    _in_range(number, 1, question.max if question.max is not None else 5)
    return number


def check_nps(question: Question, value: Any) -> int:
    number = _number(value)
    if not isinstance(number, int):
        raise AnswerInvalid(Code.ANSWER_NOT_INTEGER)
    _in_range(number, 0, 10)
    return number


def check_slider(question: Question, value: Any) -> float | int:
    number = _number(value)
    low = question.min if question.min is not None else 0
    _in_range(number, low, question.max if question.max is not None else 100)
    step = question.step
    if step:
        steps = (number - low) / step
        if abs(steps - round(steps)) > 1e-9:
            raise AnswerInvalid(Code.ANSWER_OFF_STEP, step=_show(step))
    return number


def _text_limit(question: Question) -> int:
    return question.max_length if question.max_length is not None else MAX_TEXT


def check_text(question: Question, value: Any) -> str:
    text = plain_text(value.strip() if isinstance(value, str) else value, _text_limit(question))
    if question.min_length is not None and len(text) < question.min_length:
        raise AnswerInvalid(Code.ANSWER_TOO_SHORT, min=question.min_length)
    pattern = question.pattern
    if pattern == "phone":
        compact = re.sub(r"[\s-]", "", text)
        compact = re.sub(r"^(\+86|0086|86)(?=1)", "", compact)
        if not PHONE_RE.fullmatch(compact):
            raise AnswerInvalid(Code.ANSWER_PHONE)
        return compact
    if pattern == "email":
        if not EMAIL_RE.fullmatch(text):
            raise AnswerInvalid(Code.ANSWER_EMAIL)
    elif pattern:
        try:
            matched = safe_regex.compile(pattern).fullmatch(text)
        except safe_regex.PatternError:
            # A stored version whose pattern RE2 cannot run (a back-reference that Python's
            # re accepted): the definition check flags it for the researcher; refusing every
            # answer instead would shut the respondents out.
            matched = True
        if not matched:
            raise AnswerInvalid(Code.ANSWER_PATTERN)
    return text


def parse_date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or not DATE_RE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_date(question: Question, value: Any) -> str:
    day = parse_date(value.strip() if isinstance(value, str) else value)
    if day is None:
        raise AnswerInvalid(Code.ANSWER_BAD_DATE)
    low, high = parse_date(question.min), parse_date(question.max)
    if low and day < low:
        raise AnswerInvalid(Code.ANSWER_DATE_TOO_EARLY, min=question.min)
    if high and day > high:
        raise AnswerInvalid(Code.ANSWER_DATE_TOO_LATE, max=question.max)
    return day.isoformat()


def check_kano(question: Question, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    cleaned = {}
    for part in KANO_PARTS:
        answer = value.get(part)
        if is_empty(answer):
            raise AnswerInvalid(Code.ANSWER_KANO_INCOMPLETE)
        if answer not in KANO_ANSWERS:
            raise AnswerInvalid(Code.ANSWER_NOT_AN_OPTION, value=str(answer)[:50])
        cleaned[part] = answer
    return cleaned


def check_consent(question: Question, value: Any) -> bool:
    if value is True:
        return True
    if value is False:
        if question.required:
            raise AnswerInvalid(Code.ANSWER_CONSENT_REQUIRED)
        return False
    raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)


# ---- the shape of a partial response's answers ---------------------------------------------


def _distinct_options(question: Question, value: Any) -> None:
    if not isinstance(value, list):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    values = [_option_value(question, item) for item in value]
    if len(set(values)) != len(values):
        raise AnswerInvalid(Code.ANSWER_DUPLICATE_OPTION)


def _shape_matrix(question: Question, value: Any) -> None:
    each = _distinct_options if question.multiple else _option_value
    for _, answer in _matrix_answers(question, value):
        each(question, answer)


def _shape_typed(question: Question, value: Any) -> None:
    """A number or a date: a number, or what was typed so far (a short string)."""
    if isinstance(value, str):
        plain_text(value, MAX_TYPED)
    else:
        _number(value)


def _shape_kano(question: Question, value: Any) -> None:
    if not isinstance(value, dict):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
    for part, answer in value.items():
        if part not in KANO_PARTS:
            raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)
        if not is_empty(answer) and answer not in KANO_ANSWERS:
            raise AnswerInvalid(Code.ANSWER_NOT_AN_OPTION, value=str(answer)[:50])


def _shape_consent(question: Question, value: Any) -> None:
    if not isinstance(value, bool):
        raise AnswerInvalid(Code.ANSWER_WRONG_TYPE)


# Answer kind (`QuestionType.answer`) → check of a partial answer's shape: raises
# `AnswerInvalid`, returns nothing (the answer is kept as sent).
SHAPES = {
    "option": _option_value,
    "options": _distinct_options,
    "matrix": _shape_matrix,
    "number": _shape_typed,
    "text": lambda question, value: plain_text(value, _text_limit(question)),
    "date": _shape_typed,
    "ranking": _distinct_options,
    "kano": _shape_kano,
    "consent": _shape_consent,
}
