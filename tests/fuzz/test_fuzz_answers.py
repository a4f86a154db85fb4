"""Fuzz of answer validation (issue 29.7): any JSON a respondent's page can send, for every
question type, gives an `AnswerCheck` (cleaned answers and catalogued error codes), never an
exception; what is kept has its kind's shape, so it validates again unchanged."""

import json
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from surveys.answers import OTHER_TEXT_SUFFIX, partial_answers, validate_answers
from surveys.problems import CATALOGUE
from tests.fuzz.strategies import json_values
from tests.question_samples import SAMPLE_ANSWERS, sample_definition

SAMPLES = sample_definition()
# Every type again, with conditions, piping, patterns, ranges and an "other" option.
EVERY_TYPE = json.loads(
    (Path(__file__).parents[1] / "surveys" / "fixtures" / "every_type.json").read_text("utf-8")
)


def _ids(definition) -> list[str]:
    return [q["id"] for page in definition["pages"] for q in page["questions"]]


def answer_sets(definition):
    ids = _ids(definition)
    keys = st.sampled_from(ids + [i + OTHER_TEXT_SUFFIX for i in ids] + ["__proto__", "未知"])
    return st.dictionaries(keys, json_values, max_size=len(ids))


def _check_result(check) -> None:
    assert set(check.errors) == set(check.codes)
    assert all(code in CATALOGUE for code in check.codes.values())
    assert all(isinstance(message, str) and message for message in check.errors.values())


@given(
    st.sampled_from([SAMPLES, EVERY_TYPE]).flatmap(lambda d: st.tuples(st.just(d), answer_sets(d)))
)
@example((SAMPLES, {f"q_{name}": value for name, value in SAMPLE_ANSWERS.items()}))
@example((EVERY_TYPE, {"age": 10**400, "budget": "9" * 400, "nps": float("nan"), "rank": [[]]}))
def test_any_answers_are_checked_without_an_exception(case):
    definition, answers = case
    check = validate_answers(definition, answers)
    _check_result(check)
    again = validate_answers(definition, check.cleaned)
    assert again.cleaned == check.cleaned  # what was accepted is accepted as it was


@given(
    st.sampled_from([SAMPLES, EVERY_TYPE]).flatmap(lambda d: st.tuples(st.just(d), answer_sets(d)))
)
def test_any_partial_answers_keep_only_answers_of_their_kinds_shape(case):
    definition, answers = case
    check = partial_answers(definition, answers, locale="en")
    _check_result(check)
    assert set(check.cleaned) <= set(answers)
    assert partial_answers(definition, check.cleaned).cleaned == check.cleaned


@given(json_values)
def test_answers_that_are_no_object_are_treated_as_none(answers):
    _check_result(validate_answers(SAMPLES, answers, partial=True))
    _check_result(partial_answers(SAMPLES, answers))
