"""Hostile input to the condition language and to answer validation: a clear error code,
never a crash (no RecursionError, no eval)."""

import random

import pytest

from surveys import Code, ExpressionError, validate_answers, validate_definition
from surveys.logic import MAX_DEPTH, MAX_LENGTH, condition_holds, evaluate, parse


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("(" * 100_000, Code.EXPR_TOO_LONG),
        ("(" * (MAX_LENGTH // 2) + "1" + ")" * (MAX_LENGTH // 2 - 1), Code.EXPR_TOO_DEEP),
        ("not " * 400 + "q1", Code.EXPR_TOO_DEEP),
        ("-" * 1500 + "1", Code.EXPR_TOO_DEEP),
        ("[" * 500, Code.EXPR_UNEXPECTED_TOKEN),
        ("selected(" * 150, Code.EXPR_TOO_DEEP),
        ("9" * 400, Code.EXPR_NUMBER_TOO_LARGE),
        ("__import__('os')", Code.EXPR_UNKNOWN_FUNCTION),
        ("__import__('os').system('ls')", Code.EXPR_UNEXPECTED_CHAR),  # tokens come first
        ("q1.__class__.__bases__", Code.EXPR_UNEXPECTED_CHAR),
        ("lambda: 1", Code.EXPR_UNEXPECTED_CHAR),
        ("q1\x00 = 1", Code.EXPR_UNEXPECTED_CHAR),
        ("q1 = '\ud800'", None),
        ("'" + "a" * 1990, Code.EXPR_UNCLOSED_STRING),
    ],
)
def test_hostile_expression_gives_a_code(text, code):
    if code is None:
        assert evaluate(text, {"q1": "\ud800"}) is True
        return
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.code == code


def test_long_flat_chains_evaluate_without_recursion():
    text = " or ".join(f"q{i} = 1" for i in range(150))
    assert len(text) < MAX_LENGTH
    assert evaluate(text, {"q149": 1}) is True
    total = "+".join("1" for _ in range(900))
    assert evaluate(total, {}) == 900


def test_depth_limit_is_exact():
    parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH)
    with pytest.raises(ExpressionError):
        parse("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))


def test_random_bytes_never_crash():
    rng = random.Random(4)
    alphabet = "q1 ()[]'\"\\=!<>&|+-*/%.,andornotin0123456789选中\t\n"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        try:
            condition_holds(text, {"q1": ["a"], "q": 1})
        except ExpressionError as error:
            assert error.code in set(Code)


@pytest.mark.parametrize(
    "answers",
    [
        None,
        [],
        "q1",
        {"q1": {"nested": {"deep": [1, [2, [3]]]}}},
        {"q1": 10**400},
        {"q1": float("nan")},
        {"q1": object()},
    ],
)
def test_odd_answers_evaluate_to_null_or_values(answers):
    mapping = answers if isinstance(answers, dict) else {}
    assert evaluate("q1 = 1", mapping) is False
    assert evaluate("q1 + 1", mapping) is None


def test_very_long_condition_in_a_definition_is_an_error_not_a_crash(definition):
    definition["pages"][1]["questions"][1]["show_if"] = "(" * 5000
    codes = {p.code for p in validate_definition(definition)}
    assert Code.EXPR_TOO_LONG in codes


@pytest.mark.parametrize(
    "value",
    [{"a": 1}, [[["1"]]], 10**400, float("inf"), "1" * 200_000, b"bytes", object(), -0.0],
)
def test_odd_answer_values_get_a_code(definition, value):
    base = {"consent": True, "gender": "1", "age": 30, "nps": 9}
    for qid in ("gender", "age", "apps", "likert", "phone", "birthday", "kano_dark", "rank"):
        result = validate_answers(definition, {**base, qid: value})
        assert set(result.codes) <= {qid}
        if result.codes:
            assert result.codes[qid].startswith("answer_")


def test_answers_that_are_not_a_mapping(definition):
    result = validate_answers(definition, ["not", "a", "dict"])
    assert result.codes["gender"] == Code.ANSWER_REQUIRED


def test_piping_a_number_past_a_floats_range_shows_nothing_instead_of_failing():
    """Found by tests/fuzz: `float(10**400)` raised OverflowError in `format_value`."""
    from surveys.logic import pipe

    assert pipe("您填写了{q1}件", {"q1": 10**400}) == "您填写了件"
    assert pipe("{q1}", {"q1": [3, 10**400, 2.5]}) == "3、、2.5"
    assert pipe("{q1}", {"q1": 10**20}) == "1e+20"


@pytest.mark.parametrize("typed", [9007199254740994.0, 1e300, "9007199254740994", 2**53 + 2])
def test_a_number_past_2_to_the_53_is_refused_however_it_is_written(typed):
    """Found by tests/fuzz: the float 9007199254740994.0 was accepted and stored as an int,
    which validating the stored answer again then refused."""
    definition = {
        "schema_version": 1,
        "title": "购物频率",
        "pages": [{"id": "p1", "questions": [{"id": "n", "type": "number", "title": "次数"}]}],
    }
    check = validate_answers(definition, {"n": typed})
    assert check.codes == {"n": str(Code.ANSWER_WRONG_TYPE)}
    assert validate_answers(definition, {"n": 2.0**53}).cleaned == {"n": 2**53}
