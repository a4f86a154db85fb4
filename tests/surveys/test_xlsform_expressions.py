"""The XPath subset of XLSForm: relevant and constraint translation."""

import pytest

from surveys.xlsform.constraints import from_constraint, split_and, to_constraint
from surveys.xlsform.xpath import Untranslatable, from_xpath


def same(name):
    return name


@pytest.mark.parametrize(
    ("xpath", "expected"),
    [
        ("${a} = 'x'", "a = 'x'"),
        ("${a}!='x'", "a != 'x'"),
        ("${age} >= 18 and ${age} < 60", "age >= 18 and age < 60"),
        ("not(${a} = 'x') or ${b} > 2", "not (a = 'x') or b > 2"),
        ("selected(${fruit}, 'apple')", "selected(fruit, 'apple')"),
        ('selected (${fruit}, "it\'s")', "selected(fruit, 'it\\'s')"),
        ("count-selected(${fruit}) > 1", "count(fruit) > 1"),
        ("string-length(${name}) <= 5", "length(name) <= 5"),
        ("${a} = ''", "empty(a)"),
        ("'' != ${a}", "answered(a)"),
        ("${a} div 2 mod 3 = 1", "a / 2 % 3 = 1"),
        ("true()", "true"),
    ],
)
def test_relevant_translations(xpath, expected):
    assert from_xpath(xpath, same) == expected


@pytest.mark.parametrize(
    ("xpath", "unsupported"),
    [
        ("regex(${a}, 'x')", "regex"),
        (". > 3", "."),
        ("/data/a = 'x'", "/"),
        ("if(${a} = 1, true(), false())", "if"),
        ("${a} = today()", "today"),
        ("${a} | ${b}", "|"),
    ],
)
def test_what_is_outside_the_subset_is_named(xpath, unsupported):
    with pytest.raises(Untranslatable) as caught:
        from_xpath(xpath, same)
    assert str(caught.value) == unsupported


def test_references_are_renamed():
    assert from_xpath("${label-test} = 'a'", {"label-test": "label_test"}.get) == (
        "label_test = 'a'"
    )


@pytest.mark.parametrize(
    ("constraint", "qtype", "question", "keys"),
    [
        (". >= 18 and . <= 60", "number", {"integer": True}, {"min": 18, "max": 60}),
        (". > 17 and . < 61", "number", {"integer": True}, {"min": 18, "max": 60}),
        (". > 1.5", "number", {}, None),  # a strict bound on decimals
        (". >= 0.5", "number", {}, {"min": 0.5}),
        (". >= date('2024-01-01')", "date", {}, {"min": "2024-01-01"}),
        (". <= '2024-02-30'", "date", {}, None),
        ("regex(., '^1[3-9][0-9]{9}$')", "short_text", {}, {"pattern": "phone"}),
        # regex() searches: six digits anywhere in the answer (a pattern matches all of it)
        ("regex(., '[0-9]{6}')", "short_text", {}, {"pattern": "(?s:.*)[0-9]{6}(?s:.*)"}),
        ("regex(., '^[0-9]{6}$')", "short_text", {}, {"pattern": "^[0-9]{6}$"}),
        ("string-length(.) > 2", "long_text", {}, {"min_length": 3}),
        ("count-selected(.) <= 3", "multiple_choice", {}, {"max_selected": 3}),
        ("count-selected(.) <= 3", "single_choice", {}, None),
        (". >= 1 or . <= 9", "number", {}, None),
        (". <= ${other}", "number", {}, None),
        (
            "not(selected(., 'none') and count-selected(.) > 1)",
            "multiple_choice",
            {},
            {"exclusive": ["none"]},
        ),
    ],
)
def test_constraint_subset(constraint, qtype, question, keys):
    assert from_constraint(constraint, qtype, question) == keys


def test_split_and_respects_parentheses_and_quotes():
    assert split_and("a and (b and c) and 'x and y'") == ["a", "(b and c)", "'x and y'"]


def test_written_constraints_read_back():
    question = {
        "type": "short_text", "pattern": "email", "min_length": 3, "max_length": 40,
    }  # fmt: skip
    text = to_constraint(question)
    assert from_constraint(text, "short_text", {}) == {
        "pattern": "email", "min_length": 3, "max_length": 40,
    }  # fmt: skip
