"""Fuzz of the condition language (issue 29.7): whatever the text, `parse` raises only
`ExpressionError` (with a code in the catalogue and a position inside the text); a parsed
tree evaluates against any answers without an exception; piping any answers gives a string."""

import math

from hypothesis import example, given
from hypothesis import strategies as st

from surveys.errors import Code, ExpressionError
from surveys.logic import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    check_condition,
    condition_holds,
    evaluate,
    parse,
    pipe,
)
from surveys.problems import CATALOGUE
from tests.fuzz.strategies import json_values

# Pieces of the language, so that random texts get past the tokenizer often.
TOKENS = [
    *("and", "or", "not", "in", "true", "false", "null", "True", "AND"),
    *("=", "!=", "<", "<=", ">", ">=", "==", "&&", "||", "!", "<>"),
    *("+", "-", "*", "/", "%", "(", ")", "[", "]", ","),
    *("q1", "q2", "q3.r1", "q4.functional", "_x", "q1.", "1q"),
    *("0", "1", "2.5", "007", "1" * 400, "'是'", '"配送"', "'", '"', "'a\\'b'", "'\\n'"),
    *(f"{name}(" for name in FUNCTIONS),
    *("unknown(", "选中", "\u3000", "\t", "\n", "#", "$", "\x00", "\ud800"),
]
token_texts = st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join)
any_texts = st.text(max_size=300)

ANSWER_IDS = ["q1", "q2", "q3", "q4"]
answers_maps = st.dictionaries(st.sampled_from(ANSWER_IDS), json_values, max_size=4)


def _parsed_or_refused(text: str):
    try:
        return parse(text)
    except ExpressionError as error:
        assert str(error.code) in CATALOGUE
        assert error.message("zh_CN") and error.message("en")
        if error.position is not None:
            assert 1 <= error.position <= len(text) + 1
        return None


@given(st.one_of(token_texts, any_texts))
@example("(" * 5000 + "1" + ")" * 5000)
@example("not " * 5000 + "true")
@example("-" * 1999 + "1")
@example("1" * 400 + " > 0")
@example("q1 = " + "'" + "中" * (MAX_LENGTH + 1))
def test_any_text_parses_or_raises_an_expression_error(text):
    _parsed_or_refused(text)


@given(st.one_of(token_texts, any_texts), answers_maps)
def test_a_parsed_text_evaluates_against_any_answers(text, answers):
    tree = _parsed_or_refused(text)
    if tree is not None:
        evaluate(tree, answers)
        assert isinstance(condition_holds(tree, answers), bool)


# ---- well-formed trees, written out as text ------------------------------------------------

names = st.sampled_from(ANSWER_IDS)
literals = st.one_of(
    # Numbers the language can write (digits, at most a decimal part: no exponent).
    st.integers(0, 10**14).map(lambda n: ("num", n / 100)),
    st.text(max_size=8).map(lambda s: ("str", s)),
    st.booleans().map(lambda b: ("bool", b)),
    st.just(("null",)),
    st.tuples(names, st.sampled_from([None, "r1", "functional"])).map(lambda r: ("ref", *r)),
)


def _branches(children):
    lists = st.lists(literals.filter(lambda n: n[0] in ("num", "str", "bool")), max_size=4)
    return st.one_of(
        children.map(lambda x: ("not", x)),
        children.map(lambda x: ("neg", x)),
        st.lists(children, min_size=2, max_size=4).map(lambda xs: ("and", tuple(xs))),
        st.lists(children, min_size=2, max_size=4).map(lambda xs: ("or", tuple(xs))),
        st.tuples(
            st.sampled_from(sorted(("=", "!=", "<", "<=", ">", ">="))), children, children
        ).map(lambda t: ("cmp", *t)),
        st.tuples(children, lists).map(lambda t: ("in", t[0], ("list", tuple(t[1])))),
        st.tuples(
            children, st.lists(st.tuples(st.sampled_from("+-*/%"), children), min_size=1)
        ).map(lambda t: ("arith", t[0], tuple(t[1]))),
        st.tuples(names, st.text(max_size=5)).map(
            lambda t: ("call", "selected", (("ref", t[0], None), ("str", t[1])))
        ),
        names.map(lambda n: ("call", "count", (("ref", n, None),))),
        children.map(lambda x: ("call", "length", (x,))),
    )


trees = st.recursive(literals, _branches, max_leaves=25)


def _text(node) -> str:
    """A tree written in the language, every compound part in parentheses."""
    kind = node[0]
    if kind == "num":
        return str(int(node[1])) if node[1].is_integer() else repr(node[1])
    if kind == "str":
        return "'" + node[1].replace("\\", "\\\\").replace("'", "\\'") + "'"
    if kind == "bool":
        return "true" if node[1] else "false"
    if kind == "null":
        return "null"
    if kind == "ref":
        return node[1] + (f".{node[2]}" if node[2] else "")
    if kind == "list":
        return "[" + ", ".join(_text(item) for item in node[1]) + "]"
    if kind == "not":
        return f"not ({_text(node[1])})"
    if kind == "neg":
        return f"-({_text(node[1])})"
    if kind in ("and", "or"):
        return f" {kind} ".join(f"({_text(item)})" for item in node[1])
    if kind == "cmp":
        return f"({_text(node[2])}) {node[1]} ({_text(node[3])})"
    if kind == "in":
        return f"({_text(node[1])}) in {_text(node[2])}"
    if kind == "arith":
        rest = "".join(f" {op} ({_text(operand)})" for op, operand in node[2])
        return f"({_text(node[1])}){rest}"
    return f"{node[1]}(" + ", ".join(_text(arg) for arg in node[2]) + ")"


@given(trees, answers_maps)
def test_a_well_formed_tree_evaluates_and_its_text_parses_to_the_same_value(tree, answers):
    value = evaluate(tree, answers)
    if isinstance(value, float):
        assert math.isfinite(value)
    text = _text(tree)
    try:
        reparsed = parse(text)
    except ExpressionError as error:  # the written text may pass the length or depth limits
        assert error.code in (Code.EXPR_TOO_LONG, Code.EXPR_TOO_DEEP)
        assert len(text) > MAX_LENGTH or text.count("(") > MAX_DEPTH
        return
    assert _same(evaluate(reparsed, answers), value)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-9)
    return a == b


@given(st.one_of(token_texts, any_texts, st.none(), st.integers(), st.lists(st.text())))
def test_the_definition_check_of_any_condition_returns_problems(text):
    questions = {
        "q1": {"id": "q1", "type": "single_choice", "options": [{"value": "1", "label": "是"}]},
        "q3": {"id": "q3", "type": "matrix", "rows": [{"value": "r1"}], "options": []},
        "q4": {"id": "q4", "type": "kano"},
    }
    problems = check_condition(text, path="$.show_if", questions=questions, earlier={"q1", "q3"})
    assert all(str(problem.code) in CATALOGUE for problem in problems)


@given(st.text(max_size=80), answers_maps)
@example("{q1}", {"q1": 10**400})
@example("{q1}", {"q1": [10**400, float("nan")]})
def test_piping_any_answers_gives_a_string(text, answers):
    definition = {"pages": [{"questions": [{"id": "q1", "options": [{"value": "1"}]}]}]}
    assert isinstance(pipe(text + "{q1}{q2}", answers, definition), str)
